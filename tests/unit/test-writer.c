// SPDX-License-Identifier: GPL-2.0-or-later
/* The writer against real directories: idempotence by mtime, symlinks, read-only and full
 * filesystems (tmpfs mounts when root), rollback byte for byte. */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/time.h>
#include <unistd.h>

#include "unit.h"
#include "util.h"
#include "writer.h"

static char base[] = "/var/tmp/test-writer.XXXXXX";

static char *p(const char *rel)
{
	return xasprintf("%s/%s", base, rel);
}

static void put(const char *path, const char *data, size_t len)
{
	FILE *f = fopen(path, "w");

	if (!f || fwrite(data, 1, len, f) != len || fclose(f) != 0)
		abort();
}

static bool same(const char *path, const char *data, size_t len)
{
	size_t got = 0;
	char *s = read_file(path, 1 << 20, &got);
	bool ok = s && got == len && memcmp(s, data, len) == 0;

	free(s);
	return ok;
}

static bool exists(const char *path)
{
	struct stat st;

	return lstat(path, &st) == 0;
}

/* No temporary file left behind in dir. */
static bool no_temp_files(const char *dir)
{
	DIR *d = opendir(dir);
	struct dirent *e;
	bool clean = true;

	if (!d)
		return true;
	while ((e = readdir(d)))
		clean &= strncmp(e->d_name, ".vfio-passthrough-setup.", 24) != 0;
	closedir(d);
	return clean;
}

static void set_old_mtime(const char *path)
{
	struct timeval tv[2] = { { 1000000000, 0 }, { 1000000000, 0 } };

	utimes(path, tv);
}

static time_t mtime(const char *path)
{
	struct stat st;

	return stat(path, &st) == 0 ? st.st_mtime : -1;
}

static void test_create_update_delete(void)
{
	_cleanup_free_ char *f1 = p("etc/a/b/one.conf");
	_cleanup_free_ char *da = p("etc/a");
	_cleanup_free_ char *dab = p("etc/a/b");
	struct transaction tx;
	struct error err = { 0 };
	struct stat st;

	tx_init(&tx);
	CHECK(tx_stage(&tx, f1, "one\n", &err) == 0);
	CHECK(tx_changed(&tx) == 1);
	CHECK(tx_commit(&tx, &err) == 0);
	CHECK(same(f1, "one\n", 4));
	CHECK(stat(f1, &st) == 0 && (st.st_mode & 07777) == 0644);
	CHECK(tx.created_dirs.n == 2);
	CHECK(tx.created_dirs.n == 2 && strcmp(tx.created_dirs.items[0], da) == 0);
	CHECK(no_temp_files(dab));
	/* Rollback of a creation: file and the directories it needed are gone; etc/ stays. */
	CHECK(tx_rollback(&tx, &err) == 0);
	CHECK(!exists(f1) && !exists(dab) && !exists(da));
	_cleanup_free_ char *etc = p("etc");
	CHECK(exists(etc));
	tx_free(&tx);

	/* Unchanged content: nothing is written (mtime stays), nothing to commit. */
	tx_init(&tx);
	CHECK(tx_stage(&tx, f1, "one\n", &err) == 0);
	CHECK(tx_commit(&tx, &err) == 0);
	tx_free(&tx);
	set_old_mtime(f1);
	tx_init(&tx);
	CHECK(tx_stage(&tx, f1, "one\n", &err) == 0);
	CHECK(tx_changed(&tx) == 0);
	CHECK(tx_commit(&tx, &err) == 0);
	CHECK(mtime(f1) == 1000000000);
	tx_free(&tx);

	/* Update, then roll back to the old bytes exactly (NUL inside, no final newline). */
	put(f1, "old\0bytes", 9);
	tx_init(&tx);
	CHECK(tx_stage(&tx, f1, "new\n", &err) == 0);
	CHECK(tx_changed(&tx) == 1);
	CHECK(tx_commit(&tx, &err) == 0);
	CHECK(same(f1, "new\n", 4));
	CHECK(tx_rollback(&tx, &err) == 0);
	CHECK(same(f1, "old\0bytes", 9));
	tx_free(&tx);

	/* Delete, and delete of what is not there. */
	_cleanup_free_ char *f2 = p("etc/a/b/never.conf");
	tx_init(&tx);
	CHECK(tx_stage(&tx, f1, NULL, &err) == 0);
	CHECK(tx_stage(&tx, f2, NULL, &err) == 0);
	CHECK(tx_changed(&tx) == 1);
	CHECK(tx_commit(&tx, &err) == 0);
	CHECK(!exists(f1) && !exists(f2));
	CHECK(tx_rollback(&tx, &err) == 0);
	CHECK(same(f1, "old\0bytes", 9));
	tx_free(&tx);
	CHECK(err.code == EXIT_OK);
}

static void test_symlink_and_non_regular(void)
{
	_cleanup_free_ char *target = p("outside");
	_cleanup_free_ char *link = p("etc/link.conf");
	_cleanup_free_ char *dangling = p("etc/dangling.conf");
	_cleanup_free_ char *dir = p("etc/dir.conf");
	struct transaction tx;
	struct error err = { 0 };

	put(target, "precious\n", 9);
	CHECK(symlink(target, link) == 0);
	CHECK(symlink("/nonexistent/x", dangling) == 0);
	CHECK(mkdir(dir, 0755) == 0);
	tx_init(&tx);
	CHECK(tx_stage(&tx, link, "evil\n", &err) == -1);
	CHECK(err.code == EXIT_FAILURE_RUNTIME && strstr(err.msg, "symbolic link"));
	memset(&err, 0, sizeof(err));
	CHECK(tx_stage(&tx, dangling, "evil\n", &err) == -1);
	CHECK(strstr(err.msg, "symbolic link") != NULL);
	memset(&err, 0, sizeof(err));
	CHECK(tx_stage(&tx, link, NULL, &err) == -1); /* not even deleted through */
	memset(&err, 0, sizeof(err));
	CHECK(tx_stage(&tx, dir, "x\n", &err) == -1);
	CHECK(strstr(err.msg, "not a regular file") != NULL);
	CHECK(tx.n == 0);
	tx_free(&tx);
	CHECK(same(target, "precious\n", 9));
	unlink(link);
	unlink(dangling);
	rmdir(dir);
	unlink(target);
}

/* The second write fails (test hook): the first file is restored, the third never written. */
/* A file replaced keeps its mode and owner (an admin's 0600 file of another user); a new
 * one is 0644. Rollback puts back both too. */
static void test_mode_and_owner(void)
{
	_cleanup_free_ char *f1 = p("etc/own.conf");
	_cleanup_free_ char *f2 = p("etc/own-new.conf");
	struct transaction tx;
	struct error err = { 0 };
	struct stat st;

	put(f1, "old\n", 4);
	CHECK(chmod(f1, 0600) == 0);
	if (geteuid() == 0)
		CHECK(chown(f1, 1234, 1234) == 0);
	tx_init(&tx);
	CHECK(tx_stage(&tx, f1, "new\n", &err) == 0);
	CHECK(tx_stage(&tx, f2, "fresh\n", &err) == 0);
	CHECK(tx_commit(&tx, &err) == 0);
	CHECK(stat(f1, &st) == 0 && (st.st_mode & 07777) == 0600);
	CHECK(geteuid() != 0 || (st.st_uid == 1234 && st.st_gid == 1234));
	CHECK(stat(f2, &st) == 0 && (st.st_mode & 07777) == 0644);
	CHECK(tx_rollback(&tx, &err) == 0);
	CHECK(same(f1, "old\n", 4));
	CHECK(stat(f1, &st) == 0 && (st.st_mode & 07777) == 0600);
	CHECK(geteuid() != 0 || (st.st_uid == 1234 && st.st_gid == 1234));
	CHECK(!exists(f2));
	tx_free(&tx);
	unlink(f1);
}

static void test_failure_mid_transaction(void)
{
	_cleanup_free_ char *f1 = p("etc/m1.conf");
	_cleanup_free_ char *f2 = p("etc/new/m2.conf");
	_cleanup_free_ char *f2dir = p("etc/new");
	_cleanup_free_ char *f3 = p("etc/m3.conf");
	struct transaction tx;
	struct error err = { 0 };

	put(f1, "first old\n", 10);
	put(f3, "third old\n", 10);
	setenv(TEST_FAIL_WRITE_ENV, "2", 1);
	tx_init(&tx);
	CHECK(tx_stage(&tx, f1, "first new\n", &err) == 0);
	CHECK(tx_stage(&tx, f2, "second new\n", &err) == 0);
	CHECK(tx_stage(&tx, f3, NULL, &err) == 0);
	CHECK(tx_changed(&tx) == 3);
	CHECK(tx_commit(&tx, &err) == -1);
	CHECK(err.code == EXIT_FAILURE_RUNTIME && strstr(err.msg, f2));
	CHECK(same(f1, "first old\n", 10));
	CHECK(!exists(f2) && !exists(f2dir));
	CHECK(same(f3, "third old\n", 10));
	tx_free(&tx);
	unsetenv(TEST_FAIL_WRITE_ENV);

	/* Third operation failing: two done, both undone. */
	setenv(TEST_FAIL_WRITE_ENV, "3", 1);
	memset(&err, 0, sizeof(err));
	tx_init(&tx);
	CHECK(tx_stage(&tx, f1, "first new\n", &err) == 0);
	CHECK(tx_stage(&tx, f2, "second new\n", &err) == 0);
	CHECK(tx_stage(&tx, f3, NULL, &err) == 0);
	CHECK(tx_commit(&tx, &err) == -1);
	CHECK(same(f1, "first old\n", 10) && !exists(f2) && !exists(f2dir));
	CHECK(same(f3, "third old\n", 10));
	tx_free(&tx);
	unsetenv(TEST_FAIL_WRITE_ENV);

	/* The directory sync after the second rename fails: that file is new already,
	 * and must be put back with the first. */
	setenv(TEST_FAIL_DIRSYNC_ENV, "2", 1);
	put(f3, "third old\n", 10);
	memset(&err, 0, sizeof(err));
	tx_init(&tx);
	CHECK(tx_stage(&tx, f1, "first new\n", &err) == 0);
	CHECK(tx_stage(&tx, f3, "third new\n", &err) == 0);
	CHECK(tx_commit(&tx, &err) == -1);
	CHECK(strstr(err.msg, "cannot sync directory") != NULL);
	CHECK(same(f1, "first old\n", 10));
	CHECK(same(f3, "third old\n", 10));
	tx_free(&tx);
	unsetenv(TEST_FAIL_DIRSYNC_ENV);
	unlink(f1);
	unlink(f3);
}

/* Make dir read-only: a read-only tmpfs when root (root ignores mode bits), else chmod. */
static int make_readonly(const char *dir, bool *mounted)
{
	*mounted = false;
	if (geteuid() != 0)
		return chmod(dir, 0555);
	if (mount("tmpfs", dir, "tmpfs", MS_RDONLY, "size=64k") < 0)
		return -1;
	*mounted = true;
	return 0;
}

static void test_readonly_dir(void)
{
	_cleanup_free_ char *f1 = p("etc/r1.conf");
	_cleanup_free_ char *ro = p("etc/ro");
	_cleanup_free_ char *f2 = p("etc/ro/r2.conf");
	struct transaction tx;
	struct error err = { 0 };
	bool mounted;

	put(f1, "keep me\n", 8);
	CHECK(mkdir(ro, 0755) == 0);
	if (make_readonly(ro, &mounted) < 0) {
		printf(
		    "writer: SKIP read-only directory test: cannot mount a read-only tmpfs (%s)\n",
		    strerror(errno));
		rmdir(ro);
		unlink(f1);
		return;
	}
	tx_init(&tx);
	CHECK(tx_stage(&tx, f1, "changed\n", &err) == 0);
	CHECK(tx_stage(&tx, f2, "new\n", &err) == 0);
	CHECK(tx_commit(&tx, &err) == -1);
	CHECK(err.code == EXIT_FAILURE_RUNTIME);
	CHECK(strstr(err.msg, "Read-only file system") || strstr(err.msg, "Permission denied"));
	CHECK(same(f1, "keep me\n", 8));
	CHECK(!exists(f2));
	_cleanup_free_ char *etc = p("etc");
	CHECK(no_temp_files(etc));
	tx_free(&tx);
	if (mounted)
		umount(ro);
	else
		chmod(ro, 0755);
	rmdir(ro);
	unlink(f1);
}

static void test_enospc(void)
{
	_cleanup_free_ char *full = p("full");
	_cleanup_free_ char *f1 = p("full/big.conf");
	_cleanup_free_ char *f0 = p("etc/before.conf");
	size_t big = 256 * 1024;
	char *content;
	struct transaction tx;
	struct error err = { 0 };

	CHECK(mkdir(full, 0755) == 0);
	if (geteuid() != 0 || mount("tmpfs", full, "tmpfs", 0, "size=16k") < 0) {
		printf("writer: SKIP ENOSPC test: needs root to mount a tiny tmpfs\n");
		rmdir(full);
		return;
	}
	put(f1, "small old content\n", 18);
	put(f0, "zero old\n", 9);
	content = xmalloc(big + 1);
	memset(content, 'x', big);
	content[big] = '\0';
	tx_init(&tx);
	CHECK(tx_stage(&tx, f0, "zero new\n", &err) == 0);
	CHECK(tx_stage(&tx, f1, content, &err) == 0);
	CHECK(tx_commit(&tx, &err) == -1);
	CHECK(strstr(err.msg, "No space left on device") != NULL);
	CHECK(same(f1, "small old content\n", 18));
	CHECK(same(f0, "zero old\n", 9));
	CHECK(no_temp_files(full));
	tx_free(&tx);
	free(content);
	umount(full);
	rmdir(full);
	unlink(f0);
}

/* Created directories are 0755 whatever the admin's umask (files are 0644 already). */
static void test_umask(void)
{
	_cleanup_free_ char *f = p("etc/X11/xorg.conf.d/10-x.conf");
	_cleanup_free_ char *d1 = p("etc/X11");
	_cleanup_free_ char *d2 = p("etc/X11/xorg.conf.d");
	struct transaction tx;
	struct error err = { 0 };
	struct stat st;
	mode_t old = umask(077);

	tx_init(&tx);
	CHECK(tx_stage(&tx, f, "x\n", &err) == 0);
	CHECK(tx_commit(&tx, &err) == 0);
	CHECK(stat(d1, &st) == 0 && (st.st_mode & 07777) == 0755);
	CHECK(stat(d2, &st) == 0 && (st.st_mode & 07777) == 0755);
	CHECK(stat(f, &st) == 0 && (st.st_mode & 07777) == 0644);
	tx_rollback(&tx, &err);
	CHECK(!exists(f) && !exists(d1));
	tx_free(&tx);
	umask(old);
}

static void test_remove_empty_dirs(void)
{
	_cleanup_free_ char *a = p("d1");
	_cleanup_free_ char *b = p("d1/d2");
	_cleanup_free_ char *c = p("d3");
	_cleanup_free_ char *keep = p("d3/admin-file");
	struct strlist dirs;

	CHECK(mkdir(a, 0755) == 0 && mkdir(b, 0755) == 0 && mkdir(c, 0755) == 0);
	put(keep, "mine\n", 5);
	sl_init(&dirs);
	sl_add(&dirs, a);
	sl_add(&dirs, b);
	sl_add(&dirs, c);
	remove_empty_dirs("/", &dirs);
	CHECK(!exists(a) && !exists(b));
	CHECK(exists(c) && same(keep, "mine\n", 5));
	sl_free(&dirs);
	unlink(keep);
	rmdir(c);
}

/* With a root set, paths are under it and no link leads out of it, for reads or writes. */
static void test_root_boundary(void)
{
	_cleanup_free_ char *root = p("root");
	_cleanup_free_ char *outside = p("outside");
	_cleanup_free_ char *link = p("root/etc");
	_cleanup_free_ char *made = p("root/srv/real/new");
	_cleanup_free_ char *cmd =
	    xasprintf("mkdir -p %s/srv/real %s && ln -s %s %s", root, outside, outside, link);
	struct transaction tx;
	struct error err = { 0 };

	CHECK(system(cmd) == 0);
	tx_init(&tx);
	tx_set_root(&tx, root);
	CHECK(tx_stage(&tx, "/etc/x.conf", "x\n", &err) == -1);
	CHECK(strstr(err.msg, "a directory on the way is a symbolic link out of") != NULL);
	CHECK(tx.n == 0);
	memset(&err, 0, sizeof(err));
	/* Directories made under the root are recorded root-relative, and rolled back. */
	tx_free(&tx);
	tx_set_root(&tx, root);
	CHECK(tx_stage(&tx, "/srv/real/new/x.conf", "x\n", &err) == 0);
	CHECK(tx_commit(&tx, &err) == 0);
	CHECK(tx.created_dirs.n == 1 && strcmp(tx.created_dirs.items[0], "/srv/real/new") == 0);
	CHECK(tx_rollback(&tx, &err) == 0);
	CHECK(!exists(made));
	tx_free(&tx);
	{
		DIR *d = opendir(outside);
		struct dirent *e;
		int n = 0;

		while (d && (e = readdir(d)))
			n++;
		if (d)
			closedir(d);
		CHECK(n == 2); /* "." and "..": nothing written outside */
	}
	CHECK(tx_is_temp_name(".vfio-passthrough-setup.a1B2c3"));
	CHECK(!tx_is_temp_name(".vfio-passthrough-setup.keep-me"));
	CHECK(!tx_is_temp_name(".vfio-passthrough-setup.abcdefg"));
	CHECK(!tx_is_temp_name("vfio-passthrough-setup.abcdef"));
}

int main(void)
{
	_cleanup_free_ char *etc = NULL;
	_cleanup_free_ char *cmd = NULL;

	if (!mkdtemp(base))
		return 1;
	etc = p("etc");
	mkdir(etc, 0755);
	test_create_update_delete();
	test_symlink_and_non_regular();
	test_mode_and_owner();
	test_failure_mid_transaction();
	test_readonly_dir();
	test_enospc();
	test_umask();
	test_remove_empty_dirs();
	test_root_boundary();
	cmd = xasprintf("rm -rf '%s'", base);
	CHECK(system(cmd) == 0);
	return unit_done("writer");
}
