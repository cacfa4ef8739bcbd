// SPDX-License-Identifier: GPL-2.0-or-later
/* A transaction over whole files: after a crash each file is old or new, never truncated;
 * after a failure every file is put back byte for byte. */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "util.h"
#include "writer.h"

#define OWNED_FILE_MAX (1024 * 1024)

void tx_init(struct transaction *tx)
{
	memset(tx, 0, sizeof(*tx));
	sl_init(&tx->created_dirs);
}

void tx_free(struct transaction *tx)
{
	for (size_t i = 0; i < tx->n; i++) {
		free(tx->changes[i].path);
		free(tx->changes[i].new_content);
		free(tx->changes[i].old_content);
	}
	free(tx->changes);
	sl_free(&tx->created_dirs);
	tx_init(tx);
}

int tx_stage(struct transaction *tx, const char *path, const char *content, struct error *err)
{
	struct file_change *c;
	char *old = NULL;
	size_t old_len = 0;
	struct stat st;

	if (lstat(path, &st) < 0) {
		if (errno != ENOENT)
			return error_set(err, EXIT_FAILURE_RUNTIME, "cannot examine %s: %s", path,
					 strerror(errno));
	} else if (S_ISLNK(st.st_mode)) {
		return error_set(err, EXIT_FAILURE_RUNTIME,
				 "%s is a symbolic link; refusing to write through it (remove the "
				 "link, then run again)",
				 path);
	} else if (!S_ISREG(st.st_mode)) {
		return error_set(err, EXIT_FAILURE_RUNTIME,
				 "%s exists and is not a regular file; refusing to replace it", path);
	} else {
		old = read_file(path, OWNED_FILE_MAX, &old_len);
		if (!old)
			return error_set(err, EXIT_FAILURE_RUNTIME, "cannot read %s: %s", path,
					 strerror(errno));
	}

	tx->changes = xrealloc(tx->changes, (tx->n + 1) * sizeof(*tx->changes));
	c = &tx->changes[tx->n++];
	*c = (struct file_change){
		.path = xstrdup(path),
		.new_content = content ? xstrdup(content) : NULL,
		.old_content = old,
		.old_len = old_len,
	};
	if (!content)
		c->changed = old != NULL;
	else
		c->changed = !old || old_len != strlen(content) ||
			     memcmp(old, content, old_len) != 0;
	return 0;
}

size_t tx_changed(const struct transaction *tx)
{
	size_t n = 0;

	for (size_t i = 0; i < tx->n; i++)
		n += tx->changes[i].changed;
	return n;
}

static char *dir_of(const char *path)
{
	const char *slash = strrchr(path, '/');

	if (!slash)
		return xstrdup(".");
	if (slash == path)
		return xstrdup("/");
	return xasprintf("%.*s", (int)(slash - path), path);
}

static int fsync_dir(const char *dir)
{
	int fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	int r;

	if (fd < 0)
		return -1;
	r = fsync(fd);
	close(fd);
	return r;
}

/* mkdir -p for path's parent, recording each directory created, outermost first. */
static int make_parents(const char *path, struct strlist *created, struct error *err)
{
	_cleanup_free_ char *dir = dir_of(path);

	for (char *p = dir + 1;; p++) {
		char saved = *p;

		if (saved != '/' && saved != '\0')
			continue;
		*p = '\0';
		/* chmod: an admin's umask 077 would leave xorg.conf.d unreadable to a
		 * rootless Xorg, which then ignores our snippet without a word */
		if (mkdir(dir, 0755) == 0) {
			sl_add(created, dir);
			if (chmod(dir, 0755) < 0)
				return error_set(err, EXIT_FAILURE_RUNTIME,
						 "cannot set the mode of %s: %s", dir,
						 strerror(errno));
		}
		else if (errno != EEXIST)
			return error_set(err, EXIT_FAILURE_RUNTIME, "cannot create directory %s: %s",
					 dir, strerror(errno));
		*p = saved;
		if (!saved)
			return 0;
	}
}

static int write_all(int fd, const char *buf, size_t len)
{
	while (len) {
		ssize_t w = write(fd, buf, len);

		if (w < 0 && errno == EINTR)
			continue;
		if (w < 0)
			return -1;
		buf += w;
		len -= (size_t)w;
	}
	return 0;
}

/* Temp file next to the target (same filesystem, so rename is atomic; never /tmp).
 * *renamed: the new content is in place, even if -1 follows (directory sync failed). */
static int replace_file(const char *path, const char *content, size_t len, bool fail_sync,
			bool *renamed, struct error *err)
{
	_cleanup_free_ char *dir = dir_of(path);
	_cleanup_free_ char *tmp = xasprintf("%s/.vfio-passthrough-setup.XXXXXX", dir);
	int fd, e;

	fd = mkostemp(tmp, O_CLOEXEC);
	if (fd < 0)
		return error_set(err, EXIT_FAILURE_RUNTIME, "cannot create a file in %s: %s", dir,
				 strerror(errno));
	if (fchmod(fd, 0644) < 0 || write_all(fd, content, len) < 0 || fsync(fd) < 0) {
		e = errno;
		close(fd);
		unlink(tmp);
		return error_set(err, EXIT_FAILURE_RUNTIME, "cannot write %s: %s", path,
				 strerror(e));
	}
	if (close(fd) < 0 || rename(tmp, path) < 0) {
		e = errno;
		unlink(tmp);
		return error_set(err, EXIT_FAILURE_RUNTIME, "cannot write %s: %s", path,
				 strerror(e));
	}
	*renamed = true;
	if (fail_sync)
		errno = EIO;
	if (fail_sync || fsync_dir(dir) < 0)
		return error_set(err, EXIT_FAILURE_RUNTIME, "cannot sync directory %s: %s", dir,
				 strerror(errno));
	return 0;
}

static int delete_file(const char *path, struct error *err)
{
	_cleanup_free_ char *dir = dir_of(path);

	if (unlink(path) < 0 && errno != ENOENT)
		return error_set(err, EXIT_FAILURE_RUNTIME, "cannot remove %s: %s", path,
				 strerror(errno));
	fsync_dir(dir);
	return 0;
}

static long env_number(const char *name)
{
	const char *s = getenv(name);

	return s ? strtol(s, NULL, 10) : 0;
}

int tx_commit(struct transaction *tx, struct error *err)
{
	long fail = env_number(TEST_FAIL_WRITE_ENV), kill_at = env_number(TEST_KILL_ENV), op = 0;
	long fail_sync = env_number(TEST_FAIL_DIRSYNC_ENV);

	for (size_t i = 0; i < tx->n; i++) {
		struct file_change *c = &tx->changes[i];
		bool renamed = false;
		int r;

		if (!c->changed || c->done)
			continue;
		if (++op == kill_at)
			raise(SIGKILL); /* a power cut between two files */
		if (op == fail) {
			error_set(err, EXIT_FAILURE_RUNTIME, "cannot write %s: %s (test hook)",
				  c->path, strerror(EIO));
			r = -1;
		} else if (c->new_content) {
			r = make_parents(c->path, &tx->created_dirs, err);
			if (r == 0)
				r = replace_file(c->path, c->new_content, strlen(c->new_content),
						 op == fail_sync, &renamed, err);
		} else {
			r = delete_file(c->path, err);
		}
		if (r < 0) {
			struct error rb = { 0 };

			c->done = renamed; /* in place already: rollback puts the old one back */

			/* The first error is the one to report; rollback's own goes after. */
			if (tx_rollback(tx, &rb) < 0)
				error_append(err, "; restoring the previous files also failed: %s",
					     rb.msg);
			return -1;
		}
		c->done = true;
	}
	return 0;
}

int tx_rollback(struct transaction *tx, struct error *err)
{
	int ret = 0;

	for (size_t i = tx->n; i-- > 0;) {
		struct file_change *c = &tx->changes[i];
		bool renamed = false;

		if (!c->done)
			continue;
		if (c->old_content)
			ret |= replace_file(c->path, c->old_content, c->old_len, false, &renamed,
					    err);
		else
			ret |= delete_file(c->path, err);
		c->done = false;
	}
	remove_empty_dirs(&tx->created_dirs);
	sl_free(&tx->created_dirs);
	return ret ? -1 : 0;
}

void remove_empty_dirs(const struct strlist *dirs)
{
	for (size_t i = dirs->n; i-- > 0;)
		rmdir(dirs->items[i]); /* fails harmlessly (ENOTEMPTY) when something is inside */
}
