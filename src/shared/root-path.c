// SPDX-License-Identifier: GPL-2.0-or-later
/* A path walk from a root directory descriptor, one component at a time, so that a link
 * planted (or swapped in while we run) cannot take a read or a write out of --root. */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <linux/openat2.h>

#include "root-path.h"
#include "util.h"

#define LINKS_MAX 40 /* as the kernel's MAXSYMLINKS */

/* Components still to walk, last one first (a link's target is pushed on top). */
static void push_components(struct strlist *todo, const char *path)
{
	_cleanup_free_ char *copy = xstrdup(path);
	struct strlist parts;
	char *save = NULL;

	sl_init(&parts);
	for (char *c = strtok_r(copy, "/", &save); c; c = strtok_r(NULL, "/", &save))
		sl_add(&parts, c);
	for (size_t i = parts.n; i-- > 0;)
		sl_add(todo, parts.items[i]);
	sl_free(&parts);
}

static char *pop(struct strlist *todo)
{
	return todo->n ? todo->items[--todo->n] : NULL;
}

struct walk {
	int fds[PATH_MAX / 2]; /* fds[0] the root, fds[depth] where we are */
	size_t depth;
	struct strbuf where; /* root-relative path of fds[depth], "" at the root */
};

static void walk_up(struct walk *w)
{
	char *slash;

	close(w->fds[w->depth--]);
	slash = strrchr(w->where.buf, '/');
	w->where.len = slash ? (size_t)(slash - w->where.buf) : 0;
	w->where.buf[w->where.len] = '\0';
}

static void walk_free(struct walk *w)
{
	while (w->depth > 0)
		walk_up(w);
	close(w->fds[0]);
	sb_free(&w->where);
}

/*
 * The walk in one call where the kernel can do it (openat2(), Linux 5.6): RESOLVE_BENEATH
 * refuses what the walk refuses, with the same EXDEV (an absolute link, a ".." above the
 * root), and holds against a rename while it resolves; links inside are followed, the last
 * component's too. The host's root has no outside: there the kernel's own resolution is the
 * walk's. -2 where the walk must do it (no openat2, a filter refusing it, or a rename the
 * kernel could not rule out: EAGAIN); a component at a time costs two calls or more each.
 */
static int open_in_one(const char *root, bool host, const char *path, int flags)
{
	struct open_how how = { .flags = (uint64_t)(flags | O_CLOEXEC),
				.resolve = RESOLVE_BENEATH | RESOLVE_NO_MAGICLINKS };
	int rootfd, fd, e;

	while (*path == '/')
		path++;
	if (host) {
		_cleanup_free_ char *abs = xasprintf("/%s", path);

		return open(abs, flags | O_CLOEXEC);
	}
	rootfd = open(root, O_PATH | O_DIRECTORY | O_CLOEXEC);
	if (rootfd < 0)
		return -1;
	fd = (int)syscall(SYS_openat2, rootfd, *path ? path : ".", &how, sizeof(how));
	e = errno;
	close(rootfd);
	if (fd < 0 && (e == ENOSYS || e == EPERM || e == EINVAL || e == E2BIG || e == EAGAIN))
		return -2;
	errno = e;
	return fd;
}

bool root_path_walk_only;

/* Walk path from root. The last component is opened with last_flags (O_NOFOLLOW added);
 * with created non-NULL, missing directories are made. Returns an fd or -1 (errno). */
static int walk(const char *root, const char *path, int last_flags, struct strlist *created)
{
	bool host = root_is_host(root);
	struct strlist todo;
	struct walk w;
	int links = 0, fd = -1, e = 0;
	char *c;

	if (!created && !root_path_walk_only &&
	    (fd = open_in_one(root, host, path, last_flags)) != -2)
		return fd;
	w.depth = 0;
	w.fds[0] = open(host ? "/" : root, O_PATH | O_DIRECTORY | O_CLOEXEC);
	if (w.fds[0] < 0)
		return -1;
	sb_init(&w.where);
	sl_init(&todo);
	push_components(&todo, path);
	if (!todo.n) /* the root itself */
		fd = openat(w.fds[0], ".", (last_flags | O_CLOEXEC) & ~O_NOFOLLOW);
	while ((c = pop(&todo))) {
		bool last = todo.n == 0;
		struct stat st;
		int next;

		if (strcmp(c, ".") == 0) {
			if (last)
				fd = openat(w.fds[w.depth], ".", last_flags | O_CLOEXEC);
			free(c);
			if (last && fd < 0)
				e = errno;
			continue;
		}
		if (strcmp(c, "..") == 0) {
			free(c);
			if (w.depth == 0 && !host) {
				e = EXDEV;
				break;
			}
			if (w.depth > 0)
				walk_up(&w);
			if (last && (fd = openat(w.fds[w.depth], ".", last_flags | O_CLOEXEC)) < 0)
				e = errno;
			continue;
		}
		next = openat(w.fds[w.depth], c, O_PATH | O_NOFOLLOW | O_CLOEXEC);
		if (next < 0 && errno == ENOENT && created &&
		    (!last || (last_flags & O_DIRECTORY))) {
			if (mkdirat(w.fds[w.depth], c, 0755) == 0) {
				/* an admin's umask 077 would leave xorg.conf.d unreadable to a
				 * rootless Xorg, which then ignores our snippet without a word */
				if (fchmodat(w.fds[w.depth], c, 0755, 0) < 0) {
					e = errno;
					free(c);
					break;
				}
				sl_add(created, "");
				free(created->items[created->n - 1]);
				created->items[created->n - 1] = xasprintf("%s/%s", w.where.buf, c);
			} else if (errno != EEXIST) {
				e = errno;
				free(c);
				break;
			}
			next = openat(w.fds[w.depth], c, O_PATH | O_NOFOLLOW | O_CLOEXEC);
		}
		if (next < 0 || fstat(next, &st) < 0) {
			e = errno;
			if (next >= 0)
				close(next);
			free(c);
			break;
		}
		if (S_ISLNK(st.st_mode)) {
			char target[PATH_MAX];
			ssize_t n = readlinkat(next, "", target, sizeof(target) - 1);

			close(next);
			free(c);
			if (n < 0 || ++links > LINKS_MAX) {
				e = n < 0 ? errno : ELOOP;
				break;
			}
			target[n] = '\0';
			if (target[0] == '/') {
				if (!host) {
					e = EXDEV;
					break;
				}
				while (w.depth > 0)
					walk_up(&w);
			}
			push_components(&todo, target);
			if (!todo.n) { /* a link to "/" */
				fd = openat(w.fds[w.depth], ".", last_flags | O_CLOEXEC);
				if (fd < 0)
					e = errno;
			}
			continue;
		}
		if (last) {
			close(next);
			fd = openat(w.fds[w.depth], c, last_flags | O_NOFOLLOW | O_CLOEXEC);
			if (fd < 0)
				e = errno;
			free(c);
			break;
		}
		if (!S_ISDIR(st.st_mode) || w.depth + 1 >= ARRAY_SIZE(w.fds)) {
			close(next);
			free(c);
			e = S_ISDIR(st.st_mode) ? ENAMETOOLONG : ENOTDIR;
			break;
		}
		w.fds[++w.depth] = next;
		sb_addf(&w.where, "/%s", c);
		free(c);
	}
	sl_free(&todo);
	walk_free(&w);
	if (fd < 0)
		errno = e ? e : ENOENT;
	return fd;
}

int root_open(const char *root, const char *path, int flags)
{
	return walk(root, path, flags, NULL);
}

int root_open_dir(const char *root, const char *dir, struct strlist *created)
{
	return walk(root, dir, O_RDONLY | O_DIRECTORY, created);
}

char *root_read_file(const char *root, const char *path, size_t max, size_t *len_out)
{
	int fd = root_open(root, path, O_RDONLY | O_NONBLOCK);

	if (fd < 0)
		return NULL;
	return read_fd(fd, max, len_out);
}

int root_rmdir(const char *root, const char *dir)
{
	_cleanup_free_ char *parent = path_dir(dir);
	int pfd = root_open(root, parent, O_RDONLY | O_DIRECTORY);
	int r, e;

	if (pfd < 0)
		return -1;
	r = unlinkat(pfd, path_base(dir), AT_REMOVEDIR);
	e = errno;
	close(pfd);
	errno = e;
	return r;
}

char *path_dir(const char *path)
{
	const char *slash = strrchr(path, '/');

	if (!slash)
		return xstrdup(".");
	if (slash == path)
		return xstrdup("/");
	return xasprintf("%.*s", (int)(slash - path), path);
}

const char *path_base(const char *path)
{
	const char *slash = strrchr(path, '/');

	return slash ? slash + 1 : path;
}
