// SPDX-License-Identifier: GPL-2.0-or-later
/* A transaction over whole files: after a crash each file is old or new, never truncated;
 * after a failure every file is put back byte for byte. Every path is opened inside the
 * transaction's root (root-path.h): a link cannot lead a write out of it. */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>
#include <sys/stat.h>
#include <unistd.h>

#include "root-path.h"
#include "util.h"
#include "writer.h"

#define OWNED_FILE_MAX (1024 * 1024)
#define TEMP_PREFIX ".vfio-passthrough-setup."
#define TEMP_RANDOM 6

void tx_init(struct transaction *tx)
{
	memset(tx, 0, sizeof(*tx));
	tx->root = "/";
	sl_init(&tx->created_dirs);
}

void tx_set_root(struct transaction *tx, const char *root)
{
	tx->root = root;
}

void tx_free(struct transaction *tx)
{
	const char *root = tx->root;

	for (size_t i = 0; i < tx->n; i++) {
		free(tx->changes[i].path);
		free(tx->changes[i].rel);
		free(tx->changes[i].new_content);
		free(tx->changes[i].old_content);
		free(tx->changes[i].restore_content);
		free(tx->changes[i].restore_note);
		if (tx->changes[i].dir_fd >= 0)
			close(tx->changes[i].dir_fd);
	}
	free(tx->changes);
	sl_free(&tx->created_dirs);
	tx_init(tx);
	tx->root = root;
}

static int escape_error(struct error *err, const char *full, const char *root)
{
	return error_set(err, EXIT_FAILURE_RUNTIME,
			 "%s: a directory on the way is a symbolic link out of %s; refusing to "
			 "write through it (remove the link, then run again)",
			 full, root);
}

/* The current content of rel, or NULL in *old if it does not exist. */
static int read_old(const struct transaction *tx, const char *rel, const char *full, char **old,
		    size_t *old_len, struct stat *meta, struct error *err)
{
	_cleanup_free_ char *dir = path_dir(rel);
	const char *base = path_base(rel);
	struct stat st;
	int dfd, fd;

	*old = NULL;
	dfd = root_open_dir(tx->root, dir, NULL);
	if (dfd < 0 && errno == ENOENT)
		return 0;
	if (dfd < 0 && errno == EXDEV)
		return escape_error(err, full, tx->root);
	if (dfd < 0)
		return error_set(err, EXIT_FAILURE_RUNTIME, "cannot examine %s: %s", full,
				 strerror(errno));
	if (fstatat(dfd, base, &st, AT_SYMLINK_NOFOLLOW) < 0) {
		int e = errno;

		close(dfd);
		if (e == ENOENT)
			return 0;
		return error_set(err, EXIT_FAILURE_RUNTIME, "cannot examine %s: %s", full,
				 strerror(e));
	}
	if (S_ISLNK(st.st_mode)) {
		close(dfd);
		return error_set(err, EXIT_FAILURE_RUNTIME,
				 "%s is a symbolic link; refusing to write through it (remove the "
				 "link, then run again)",
				 full);
	}
	if (!S_ISREG(st.st_mode)) {
		close(dfd);
		return error_set(err, EXIT_FAILURE_RUNTIME,
				 "%s exists and is not a regular file; refusing to replace it",
				 full);
	}
	*meta = st;
	fd = openat(dfd, base, O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC);
	close(dfd);
	*old = fd < 0 ? NULL : read_fd(fd, OWNED_FILE_MAX, old_len);
	if (!*old)
		return error_set(err, EXIT_FAILURE_RUNTIME, "cannot read %s: %s", full,
				 file_error(errno));
	return 0;
}

int tx_stage(struct transaction *tx, const char *path, const char *content, struct error *err)
{
	_cleanup_free_ char *full = path_join(tx->root, path);
	struct file_change *c;
	struct stat meta = { .st_mode = 0644 };
	char *old = NULL;
	size_t old_len = 0;

	if (read_old(tx, path, full, &old, &old_len, &meta, err) < 0)
		return -1;
	tx->changes = xrealloc(tx->changes, (tx->n + 1) * sizeof(*tx->changes));
	c = &tx->changes[tx->n++];
	*c = (struct file_change){
		.path = xstrdup(full),
		.rel = xstrdup(path),
		.new_content = content ? xstrdup(content) : NULL,
		.old_content = old,
		.old_len = old_len,
		.mode = meta.st_mode & 07777,
		.uid = old ? meta.st_uid : (uid_t)-1,
		.gid = old ? meta.st_gid : (gid_t)-1,
		.dir_fd = -1,
	};
	if (!content)
		c->changed = old != NULL;
	else
		c->changed =
		    !old || old_len != strlen(content) || memcmp(old, content, old_len) != 0;
	return 0;
}

size_t tx_changed(const struct transaction *tx)
{
	size_t n = 0;

	for (size_t i = 0; i < tx->n; i++)
		n += tx->changes[i].changed;
	return n;
}

bool tx_is_temp_name(const char *name)
{
	size_t p = strlen(TEMP_PREFIX);

	if (strncmp(name, TEMP_PREFIX, p) != 0 || strlen(name) != p + TEMP_RANDOM)
		return false;
	for (size_t i = p; name[i]; i++)
		if (!((name[i] >= 'a' && name[i] <= 'z') || (name[i] >= 'A' && name[i] <= 'Z') ||
		      (name[i] >= '0' && name[i] <= '9')))
			return false;
	return true;
}

/* A new temp file in dir_fd, named as tx_is_temp_name() recognises. */
static int create_temp(int dir_fd, char name[sizeof(TEMP_PREFIX) + TEMP_RANDOM])
{
	static const char alnum[] =
	    "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789";

	for (int tries = 0; tries < 100; tries++) {
		unsigned char r[TEMP_RANDOM];
		int fd;

		if (getrandom(r, sizeof(r), 0) != (ssize_t)sizeof(r))
			for (size_t i = 0; i < sizeof(r); i++)
				r[i] = (unsigned char)(rand() ^ getpid() ^ tries);
		memcpy(name, TEMP_PREFIX, strlen(TEMP_PREFIX));
		for (size_t i = 0; i < TEMP_RANDOM; i++)
			name[strlen(TEMP_PREFIX) + i] = alnum[r[i] % (sizeof(alnum) - 1)];
		name[strlen(TEMP_PREFIX) + TEMP_RANDOM] = '\0';
		fd = openat(dir_fd, name, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC,
			    0600);
		if (fd >= 0 || errno != EEXIST)
			return fd;
	}
	errno = EEXIST;
	return -1;
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

static long env_number(const char *name)
{
	const char *s = getenv(name);

	return s ? strtol(s, NULL, 10) : 0;
}

struct replace {
	int dir_fd;
	const char *base;		/* name in dir_fd */
	const char *shown;		/* full path, for messages */
	bool fail_sync;			/* test hook: the directory sync fails */
	bool kill_before_rename;	/* test hook: die with the temp file written */
	const struct file_change *file; /* its mode and owner are kept */
};

/* Temp file next to the target (same filesystem, so rename is atomic; never /tmp).
 * *renamed: the new content is in place, even if -1 follows (directory sync failed). */
static int replace_file(const struct replace *r, const char *content, size_t len, bool *renamed,
			struct error *err)
{
	char tmp[sizeof(TEMP_PREFIX) + TEMP_RANDOM];
	_cleanup_free_ char *dir = path_dir(r->shown);
	int fd, e;

	fd = create_temp(r->dir_fd, tmp);
	if (fd < 0)
		return error_set(err, EXIT_FAILURE_RUNTIME, "cannot create a file in %s: %s", dir,
				 strerror(errno));
	/* A file replaced keeps its mode and owner (the admin's 0600 /etc/kernel/cmdline). */
	if (fchown(fd, r->file->uid, r->file->gid) < 0 || fchmod(fd, r->file->mode) < 0 ||
	    write_all(fd, content, len) < 0 || fsync(fd) < 0) {
		e = errno;
		close(fd);
		unlinkat(r->dir_fd, tmp, 0);
		return error_set(err, EXIT_FAILURE_RUNTIME, "cannot write %s: %s", r->shown,
				 strerror(e));
	}
	if (r->kill_before_rename)
		raise(SIGKILL); /* a power cut with the temp file written */
	if (close(fd) < 0 || renameat(r->dir_fd, tmp, r->dir_fd, r->base) < 0) {
		e = errno;
		unlinkat(r->dir_fd, tmp, 0);
		return error_set(err, EXIT_FAILURE_RUNTIME, "cannot write %s: %s", r->shown,
				 strerror(e));
	}
	*renamed = true;
	if (r->fail_sync)
		errno = EIO;
	if (r->fail_sync || fsync(r->dir_fd) < 0)
		return error_set(err, EXIT_FAILURE_RUNTIME, "cannot sync directory %s: %s", dir,
				 strerror(errno));
	return 0;
}

static int delete_file(int dir_fd, const char *base, const char *shown, struct error *err)
{
	if (unlinkat(dir_fd, base, 0) < 0 && errno != ENOENT)
		return error_set(err, EXIT_FAILURE_RUNTIME, "cannot remove %s: %s", shown,
				 strerror(errno));
	fsync(dir_fd);
	return 0;
}

/* Open (making it, for a write) the directory of c, kept for a rollback. */
static int open_dir_of(struct transaction *tx, struct file_change *c, struct error *err)
{
	_cleanup_free_ char *dir = path_dir(c->rel);
	_cleanup_free_ char *shown = path_join(tx->root, dir);
	struct strlist created;

	sl_init(&created);
	c->dir_fd = root_open_dir(tx->root, dir, c->new_content ? &created : NULL);
	for (size_t i = 0; i < created.n; i++)
		sl_add(&tx->created_dirs, created.items[i]);
	sl_free(&created);
	if (c->dir_fd >= 0)
		return 0;
	if (errno == EXDEV)
		return escape_error(err, c->path, tx->root);
	if (errno == ENOENT && !c->new_content)
		return 0; /* nothing to delete */
	return error_set(err, EXIT_FAILURE_RUNTIME, "cannot create directory %s: %s", shown,
			 strerror(errno));
}

int tx_commit(struct transaction *tx, struct error *err)
{
	long fail = env_number(TEST_FAIL_WRITE_ENV), kill_at = env_number(TEST_KILL_ENV), op = 0;
	long fail_sync = env_number(TEST_FAIL_DIRSYNC_ENV);
	long kill_in_write = env_number(TEST_KILL_IN_WRITE_ENV);

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
		} else {
			r = c->dir_fd >= 0 ? 0 : open_dir_of(tx, c, err);
			if (r == 0 && c->new_content) {
				struct replace rp = { c->dir_fd,       path_base(c->rel),   c->path,
						      op == fail_sync, op == kill_in_write, c };

				r = replace_file(&rp, c->new_content, strlen(c->new_content),
						 &renamed, err);
			} else if (r == 0 && c->dir_fd >= 0) {
				r = delete_file(c->dir_fd, path_base(c->rel), c->path, err);
			}
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

/* keep: a file that did not exist gets its restore_content, where it has one. */
static int rollback(struct transaction *tx, bool keep, struct error *err)
{
	int ret = 0;

	for (size_t i = tx->n; i-- > 0;) {
		struct file_change *c = &tx->changes[i];
		const char *back = c->old_content ? c->old_content
				   : keep	  ? c->restore_content
						  : NULL;
		size_t len = c->old_content ? c->old_len : back ? strlen(back) : 0;
		bool renamed = false;

		if (!c->done)
			continue;
		c->done = false;
		if (c->dir_fd < 0)
			continue; /* a delete where the directory was missing: nothing happened */
		if (back) {
			struct replace rp = {
				c->dir_fd, path_base(c->rel), c->path, false, false, c
			};
			int r = replace_file(&rp, back, len, &renamed, err);

			if (r == 0 && !c->old_content && c->restore_note)
				printf("%s\n", c->restore_note);
			ret |= r;
		} else {
			ret |= delete_file(c->dir_fd, path_base(c->rel), c->path, err);
		}
	}
	remove_empty_dirs(tx->root, &tx->created_dirs);
	sl_free(&tx->created_dirs);
	return ret ? -1 : 0;
}

int tx_rollback(struct transaction *tx, struct error *err)
{
	return rollback(tx, false, err);
}

int tx_restore(struct transaction *tx, struct error *err)
{
	return rollback(tx, true, err);
}

bool tx_restore_kept(const struct transaction *tx)
{
	for (size_t i = 0; i < tx->n; i++)
		if (tx->changes[i].changed && !tx->changes[i].old_content &&
		    tx->changes[i].restore_content)
			return true;
	return false;
}

void remove_empty_dirs(const char *root, const struct strlist *dirs)
{
	for (size_t i = dirs->n; i-- > 0;)
		root_rmdir(root, dirs->items[i]); /* fails harmlessly (ENOTEMPTY) when in use */
}
