// SPDX-License-Identifier: GPL-2.0-or-later
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "log.h"
#include "util.h"

void freep(void *p)
{
	free(*(void **)p);
}

static void oom(void)
{
	fputs(PROG ": out of memory\n", stderr);
	abort();
}

void *xmalloc(size_t n)
{
	void *p = malloc(n ? n : 1);
	if (!p)
		oom();
	return p;
}

void *xcalloc(size_t n, size_t size)
{
	void *p = calloc(n ? n : 1, size ? size : 1);
	if (!p)
		oom();
	return p;
}

void *xrealloc(void *p, size_t n)
{
	p = realloc(p, n ? n : 1);
	if (!p)
		oom();
	return p;
}

char *xstrdup(const char *s)
{
	char *d = strdup(s);
	if (!d)
		oom();
	return d;
}

char *xasprintf(const char *fmt, ...)
{
	va_list ap;
	char *s;

	va_start(ap, fmt);
	if (vasprintf(&s, fmt, ap) < 0)
		oom();
	va_end(ap);
	return s;
}

void sb_init(struct strbuf *sb)
{
	sb->cap = 64;
	sb->len = 0;
	sb->buf = xmalloc(sb->cap);
	sb->buf[0] = '\0';
}

void sb_free(struct strbuf *sb)
{
	free(sb->buf);
	sb->buf = NULL;
	sb->len = sb->cap = 0;
}

static void sb_grow(struct strbuf *sb, size_t extra)
{
	if (sb->len + extra + 1 <= sb->cap)
		return;
	while (sb->len + extra + 1 > sb->cap)
		sb->cap *= 2;
	sb->buf = xrealloc(sb->buf, sb->cap);
}

void sb_add(struct strbuf *sb, const char *s)
{
	size_t n = strlen(s);

	sb_grow(sb, n);
	memcpy(sb->buf + sb->len, s, n + 1);
	sb->len += n;
}

void sb_addf(struct strbuf *sb, const char *fmt, ...)
{
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(NULL, 0, fmt, ap);
	va_end(ap);
	if (n < 0)
		return;
	sb_grow(sb, (size_t)n);
	va_start(ap, fmt);
	vsnprintf(sb->buf + sb->len, (size_t)n + 1, fmt, ap);
	va_end(ap);
	sb->len += (size_t)n;
}

char *sb_steal(struct strbuf *sb)
{
	char *s = sb->buf;

	sb->buf = NULL;
	sb->len = sb->cap = 0;
	return s;
}

void sl_init(struct strlist *l)
{
	l->items = NULL;
	l->n = l->cap = 0;
}

void sl_free(struct strlist *l)
{
	for (size_t i = 0; i < l->n; i++)
		free(l->items[i]);
	free(l->items);
	sl_init(l);
}

void sl_add(struct strlist *l, const char *s)
{
	if (l->n == l->cap) {
		l->cap = l->cap ? l->cap * 2 : 8;
		l->items = xrealloc(l->items, l->cap * sizeof(*l->items));
	}
	l->items[l->n++] = xstrdup(s);
}

bool sl_has(const struct strlist *l, const char *s)
{
	for (size_t i = 0; i < l->n; i++)
		if (strcmp(l->items[i], s) == 0)
			return true;
	return false;
}

void sl_add_unique(struct strlist *l, const char *s)
{
	if (!sl_has(l, s))
		sl_add(l, s);
}

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

void sl_sort(struct strlist *l)
{
	if (l->n > 1)
		qsort(l->items, l->n, sizeof(*l->items), cmp_str);
}

char *sl_join(const struct strlist *l, const char *sep)
{
	struct strbuf sb;

	sb_init(&sb);
	for (size_t i = 0; i < l->n; i++) {
		if (i)
			sb_add(&sb, sep);
		sb_add(&sb, l->items[i]);
	}
	return sb_steal(&sb);
}

int error_set(struct error *err, enum exit_code code, const char *fmt, ...)
{
	va_list ap;

	if (!err || err->code != EXIT_OK)
		return -1;
	err->code = code;
	va_start(ap, fmt);
	vsnprintf(err->msg, sizeof(err->msg), fmt, ap);
	va_end(ap);
	return -1;
}

void error_append(struct error *err, const char *fmt, ...)
{
	size_t n;
	va_list ap;

	if (!err)
		return;
	n = strlen(err->msg);
	va_start(ap, fmt);
	vsnprintf(err->msg + n, sizeof(err->msg) - n, fmt, ap);
	va_end(ap);
}

char *read_fd(int fd, size_t max, size_t *len_out)
{
	size_t len = 0, cap = 4096;
	struct stat st;
	char *buf;

	/* A FIFO or a device in place of a settings or /proc file would block the read
	 * forever or never end: only regular files (sysfs and /proc attributes are). */
	if (fstat(fd, &st) < 0) {
		int e = errno;

		close(fd);
		errno = e;
		return NULL;
	}
	if (!S_ISREG(st.st_mode)) {
		close(fd);
		errno = S_ISDIR(st.st_mode) ? EISDIR : EINVAL;
		return NULL;
	}
	buf = xmalloc(cap);
	for (;;) {
		ssize_t r;

		if (len + 1 >= cap) {
			if (cap > max) {
				free(buf);
				close(fd);
				errno = EFBIG;
				return NULL;
			}
			cap *= 2;
			buf = xrealloc(buf, cap);
		}
		r = read(fd, buf + len, cap - len - 1);
		if (r < 0 && errno == EINTR)
			continue;
		if (r < 0) {
			int e = errno;
			free(buf);
			close(fd);
			errno = e;
			return NULL;
		}
		if (r == 0)
			break;
		len += (size_t)r;
	}
	close(fd);
	if (len > max) {
		free(buf);
		errno = EFBIG;
		return NULL;
	}
	buf[len] = '\0';
	if (len_out)
		*len_out = len;
	return buf;
}

char *read_file(const char *path, size_t max, size_t *len_out)
{
	/* O_NONBLOCK: opening a FIFO must not wait for a writer (read_fd refuses it). */
	int fd = open(path, O_RDONLY | O_NONBLOCK | O_CLOEXEC);

	if (fd < 0)
		return NULL;
	return read_fd(fd, max, len_out);
}

const char *file_error(int e)
{
	if (e == EINVAL)
		return "not a regular file";
	if (e == EXDEV)
		return "a symbolic link on the way leads out of the root";
	return strerror(e);
}

char *read_attr(const char *path)
{
	char *s = read_file(path, 4096, NULL);
	size_t n;

	if (!s)
		return NULL;
	n = strlen(s); /* stops at an embedded NUL: garbage in sysfs stays a short string */
	while (n && (s[n - 1] == '\n' || s[n - 1] == ' ' || s[n - 1] == '\t' || s[n - 1] == '\r'))
		s[--n] = '\0';
	return s;
}

char *path_join(const char *root, const char *abs_path)
{
	size_t n;

	if (!root || !*root || strcmp(root, "/") == 0)
		return xstrdup(abs_path);
	n = strlen(root);
	while (n > 1 && root[n - 1] == '/')
		n--;
	return xasprintf("%.*s%s%s", (int)n, root, abs_path[0] == '/' ? "" : "/", abs_path);
}

bool exists_under(const char *root, const char *path)
{
	_cleanup_free_ char *full = path_join(root, path);

	return access(full, F_OK) == 0;
}

int hex_digit(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

bool root_is_host(const char *root)
{
	/* The last root asked about: every root-relative open asks, and realpath() costs a
	 * readlink per component of the root. */
	static char *last;
	static bool last_host;
	_cleanup_free_ char *real = NULL;

	if (!root || !*root || strcmp(root, "/") == 0)
		return true;
	if (last && strcmp(last, root) == 0)
		return last_host;
	real = realpath(root, NULL);
	free(last);
	last = xstrdup(root);
	last_host = real && strcmp(real, "/") == 0;
	return last_host;
}

char *str_printable(const char *s)
{
	struct strbuf sb;

	sb_init(&sb);
	for (const unsigned char *p = (const unsigned char *)s; *p; p++)
		if (*p < 0x20 || *p >= 0x7f)
			sb_addf(&sb, "\\x%02x", *p);
		else
			sb_addf(&sb, "%c", *p);
	return sb_steal(&sb);
}
