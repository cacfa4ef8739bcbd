// SPDX-License-Identifier: GPL-2.0-or-later
/* flock(2) on ROOT/run/vfio-passthrough-setup.lock. The file is unlinked on release (so a
 * removed package leaves nothing behind); a waiter that got the lock on an unlinked file
 * sees that its file is no longer the one at the path, and tries again. */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "log.h"
#include "run-lock.h"
#include "util.h"

#define LOCK_NAME PROG ".lock"

static long timeout_seconds(void)
{
	const char *s = getenv(RUN_LOCK_TIMEOUT_ENV);
	char *end;
	long v;

	if (!s || !*s)
		return RUN_LOCK_TIMEOUT_DEFAULT;
	v = strtol(s, &end, 10);
	return *end || v < 0 ? RUN_LOCK_TIMEOUT_DEFAULT : v;
}

static double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* " (pid N)" from the holder's lock file, or "". */
static void holder_of(int fd, char *out, size_t size)
{
	char buf[32];
	ssize_t n = pread(fd, buf, sizeof(buf) - 1, 0);
	long pid;

	out[0] = '\0';
	if (n <= 0)
		return;
	buf[n] = '\0';
	pid = strtol(buf, NULL, 10);
	if (pid > 0)
		snprintf(out, size, " (pid %ld)", pid);
}

/* Open what is locked: the file under ROOT/run, or the root directory (no /run, or a
 * read-only one). */
static int open_lock(int root_fd, struct run_lock *lock)
{
	int fd;

	lock->dir_fd = openat(root_fd, "run", O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	if (lock->dir_fd < 0)
		return fcntl(root_fd, F_DUPFD_CLOEXEC, 0);
	fd = openat(lock->dir_fd, LOCK_NAME, O_RDWR | O_CREAT | O_NOFOLLOW | O_CLOEXEC, 0600);
	if (fd < 0 && (errno == EROFS || errno == EACCES)) {
		close(lock->dir_fd);
		lock->dir_fd = -1;
		return fcntl(root_fd, F_DUPFD_CLOEXEC, 0);
	}
	return fd;
}

/* The file we locked is still the one at the path (not unlinked by the last holder). */
static bool still_current(const struct run_lock *lock)
{
	struct stat a, b;

	if (lock->dir_fd < 0)
		return true;
	return fstat(lock->fd, &a) == 0 &&
	       fstatat(lock->dir_fd, LOCK_NAME, &b, AT_SYMLINK_NOFOLLOW) == 0 &&
	       a.st_dev == b.st_dev && a.st_ino == b.st_ino;
}

static void close_lock(struct run_lock *lock)
{
	if (lock->fd >= 0)
		close(lock->fd);
	if (lock->dir_fd >= 0)
		close(lock->dir_fd);
	lock->fd = lock->dir_fd = -1;
}

int run_lock_acquire(const char *root, struct run_lock *lock, struct error *err)
{
	_cleanup_free_ char *shown = path_join(root, RUN_LOCK_PATH);
	long limit = timeout_seconds();
	double start = now();
	bool said = false;
	char holder[40] = "";
	int root_fd;

	lock->fd = lock->dir_fd = -1;
	root_fd = open(root, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (root_fd < 0)
		return error_set(err, EXIT_FAILURE_RUNTIME, "cannot open %s: %s", root,
				 strerror(errno));
	for (;;) {
		lock->fd = open_lock(root_fd, lock);
		if (lock->fd < 0) {
			int e = errno;

			close_lock(lock);
			close(root_fd);
			return error_set(err, EXIT_FAILURE_RUNTIME, "cannot open the lock %s: %s",
					 shown, strerror(e));
		}
		if (lock->dir_fd < 0) {
			free(shown);
			shown = xstrdup(root);
		}
		if (flock(lock->fd, LOCK_EX | LOCK_NB) == 0) {
			if (still_current(lock))
				break;
			close_lock(lock);
			continue;
		}
		if (errno != EWOULDBLOCK && errno != EINTR) {
			int e = errno;

			close_lock(lock);
			close(root_fd);
			return error_set(err, EXIT_FAILURE_RUNTIME, "cannot lock %s: %s", shown,
					 strerror(e));
		}
		holder_of(lock->fd, holder, sizeof(holder));
		close_lock(lock);
		if (now() - start >= (double)limit) {
			close(root_fd);
			return error_set(
			    err, EXIT_FAILURE_RUNTIME,
			    "another " PROG
			    " run%s holds the lock %s; gave up after %ld s (run again once it has finished)",
			    holder, shown, limit);
		}
		if (!said)
			log_error("another " PROG
				  " run%s holds the lock %s; waiting up to %ld s...",
				  holder, shown, limit);
		said = true;
		usleep(100 * 1000);
	}
	close(root_fd);
	if (lock->dir_fd >= 0 && ftruncate(lock->fd, 0) == 0)
		dprintf(lock->fd, "%ld\n", (long)getpid());
	return 0;
}

void run_lock_release(struct run_lock *lock)
{
	if (lock->fd < 0)
		return;
	/* Unlink while holding it: the next run creates a fresh file (still_current). */
	if (lock->dir_fd >= 0)
		unlinkat(lock->dir_fd, LOCK_NAME, 0);
	close_lock(lock);
}
