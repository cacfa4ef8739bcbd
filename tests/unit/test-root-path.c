// SPDX-License-Identifier: GPL-2.0-or-later
/* Paths under a root: links inside it are followed, links out of it are refused (EXDEV),
 * missing directories are made and recorded; reads take regular files only. */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "root-path.h"
#include "unit.h"
#include "util.h"

static char base[] = "/var/tmp/test-root-path.XXXXXX";

static void sh(char *cmd)
{
	CHECK(system(cmd) == 0);
	free(cmd);
}

static int open_errno(const char *root, const char *path)
{
	int fd = root_open(root, path, O_RDONLY);

	if (fd >= 0) {
		close(fd);
		return 0;
	}
	return errno;
}

/* Reads and opens under root, as the kernel's openat2() or the component walk does them. */
static void check_opens(const char *root)
{
	char *s;
	int fd;

	/* A relative link that stays inside: followed. */
	s = root_read_file(root, "/etc/rel/f", 100, NULL);
	CHECK_STR(s, "in\n");
	free(s);
	s = root_read_file(root, "/etc/file-link", 100, NULL);
	CHECK_STR(s, "in\n");
	free(s);
	/* Out by "..", by an absolute target (even one that names a path inside: from
	 * outside the root it leads elsewhere), or a loop: refused. */
	CHECK(open_errno(root, "/etc/up/f") == EXDEV);
	CHECK(open_errno(root, "/etc/abs/f") == EXDEV);
	CHECK(open_errno(root, "/etc/abs-in/f") == EXDEV);
	CHECK(open_errno(root, "/../outside/f") == EXDEV);
	CHECK(open_errno(root, "/etc/loop/f") == ELOOP);
	CHECK(open_errno(root, "/etc/real/f/x") == ENOTDIR);
	CHECK(open_errno(root, "/etc/none") == ENOENT);
	s = root_read_file(root, "/etc/up/f", 100, NULL);
	CHECK(!s && errno == EXDEV);
	CHECK_STR(file_error(EXDEV), "a symbolic link on the way leads out of the root");

	/* The host's own root has no outside: an absolute link is followed. */
	s = xasprintf("%s/etc/abs/f", root);
	fd = root_open("/", s, O_RDONLY);
	CHECK(fd >= 0);
	if (fd >= 0)
		close(fd);
	free(s);
}

int main(void)
{
	_cleanup_free_ char *root = NULL;
	struct strlist made;
	char *s;
	int fd;

	if (!mkdtemp(base))
		return 1;
	root = xasprintf("%s/root", base);
	sh(xasprintf("mkdir -p %s/etc/real %s/outside && echo in >%s/etc/real/f && "
		     "echo secret >%s/outside/f",
		     root, base, root, base));
	sh(xasprintf("ln -s real %s/etc/rel && ln -s ../../outside %s/etc/up && "
		     "ln -s %s/outside %s/etc/abs && ln -s /etc/real %s/etc/abs-in && "
		     "ln -s loop %s/etc/loop && ln -s ../etc/real/f %s/etc/file-link",
		     root, root, base, root, root, root, root));

	check_opens(root);
	/* The same, a component at a time: the walk a kernel without openat2() gets. */
	root_path_walk_only = true;
	check_opens(root);
	root_path_walk_only = false;

	/* Directories made on the way, recorded outermost first, 0755 whatever the umask. */
	sl_init(&made);
	umask(077);
	fd = root_open_dir(root, "/etc/rel/a/b", &made);
	CHECK(fd >= 0);
	if (fd >= 0)
		close(fd);
	CHECK(made.n == 2);
	if (made.n == 2) {
		CHECK_STR(made.items[0], "/etc/real/a");
		CHECK_STR(made.items[1], "/etc/real/a/b");
	}
	s = xasprintf("%s/etc/real/a/b", root);
	{
		struct stat st;

		CHECK(stat(s, &st) == 0 && (st.st_mode & 07777) == 0755);
	}
	free(s);
	/* ... never through a link out. */
	CHECK(root_open_dir(root, "/etc/up/new", &made) < 0 && errno == EXDEV);
	s = xasprintf("%s/outside/new", base);
	CHECK(access(s, F_OK) < 0);
	free(s);
	sl_free(&made);

	/* rmdir: only empty directories, never through a link. */
	CHECK(root_rmdir(root, "/etc/real/a") < 0 && errno == ENOTEMPTY);
	CHECK(root_rmdir(root, "/etc/real/a/b") == 0);
	CHECK(root_rmdir(root, "/etc/up") < 0 && errno == ENOTDIR);
	CHECK(root_rmdir(root, "/etc/up/..") < 0);

	/* Only regular files are read: a FIFO gives EINVAL at once (no writer, no hang). */
	sh(xasprintf("mkfifo %s/etc/fifo", root));
	s = root_read_file(root, "/etc/fifo", 100, NULL);
	CHECK(!s && errno == EINVAL);
	s = xasprintf("%s/etc/fifo", root);
	CHECK(read_file(s, 100, NULL) == NULL && errno == EINVAL);
	CHECK(read_attr(s) == NULL);
	free(s);
	CHECK_STR(file_error(EINVAL), "not a regular file");
	s = root_read_file(root, "/etc", 100, NULL);
	CHECK(!s && errno == EISDIR);

	CHECK_STR(path_base("/etc/modprobe.d/x.conf"), "x.conf");
	s = path_dir("/etc/modprobe.d/x.conf");
	CHECK_STR(s, "/etc/modprobe.d");
	free(s);
	s = path_dir("/x");
	CHECK_STR(s, "/");
	free(s);

	sh(xasprintf("rm -rf '%s'", base));
	return unit_done("root-path");
}
