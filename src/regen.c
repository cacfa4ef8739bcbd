// SPDX-License-Identifier: GPL-2.0-or-later
/* Make the boot files match /etc: update-grub (guarded as kdump-tools does) and
 * update-initramfs for every kernel. The tool's own last lines become the error message. */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "regen.h"
#include "util.h"

#define REGEN_UNDER_ROOT_ENV "VFIO_PASSTHROUGH_SETUP_REGEN_UNDER_ROOT"
#define TAIL_MAX 600

/* Is prog in $PATH (or the sbin directories root's PATH has, in case sudo trimmed it)? */
static char *find_program(const char *prog)
{
	const char *env = getenv("PATH");
	_cleanup_free_ char *path =
		xasprintf("%s:/usr/local/sbin:/usr/sbin:/sbin", env && *env ? env : "/usr/bin:/bin");
	char *save = NULL;

	for (char *dir = strtok_r(path, ":", &save); dir; dir = strtok_r(NULL, ":", &save)) {
		char *full = xasprintf("%s/%s", dir, prog);

		if (access(full, X_OK) == 0)
			return full;
		free(full);
	}
	return NULL;
}

/* Keep the last TAIL_MAX bytes of output, starting at a line boundary. */
static void tail_add(struct strbuf *tail, const char *buf, size_t n)
{
	char chunk[4097], *cut;

	memcpy(chunk, buf, n); /* n <= 4096: one read */
	chunk[n] = '\0';
	sb_add(tail, chunk);
	if (tail->len <= TAIL_MAX)
		return;
	cut = strchr(tail->buf + tail->len - TAIL_MAX, '\n');
	cut = cut ? cut + 1 : tail->buf + tail->len - TAIL_MAX;
	tail->len -= (size_t)(cut - tail->buf);
	memmove(tail->buf, cut, tail->len + 1);
}

/* Run argv, copying its output to our stderr as it comes; -1 with err on failure. */
static int run_tool(const char *path, char *const argv[], struct error *err)
{
	struct sigaction dfl = { .sa_handler = SIG_DFL }, saved;
	struct strbuf tail;
	int pipefd[2], status = 0;
	pid_t pid, w;
	char buf[4096];
	ssize_t n;

	/* A SIGCHLD ignored by whoever started us (inherited through exec) makes the kernel
	 * reap the tool itself: waitpid fails with ECHILD and the exit status is lost (the
	 * tool would inherit it too). Default it for the run. */
	sigemptyset(&dfl.sa_mask);
	sigaction(SIGCHLD, &dfl, &saved);
	fflush(stdout);
	fflush(stderr);
	if (pipe2(pipefd, O_CLOEXEC) < 0) {
		sigaction(SIGCHLD, &saved, NULL);
		return error_set(err, EXIT_FAILURE_RUNTIME, "cannot run %s: %s", argv[0],
				 strerror(errno));
	}
	pid = fork();
	if (pid < 0) {
		close(pipefd[0]);
		close(pipefd[1]);
		sigaction(SIGCHLD, &saved, NULL);
		return error_set(err, EXIT_FAILURE_RUNTIME, "cannot run %s: %s", argv[0],
				 strerror(errno));
	}
	if (pid == 0) {
		dup2(pipefd[1], STDOUT_FILENO);
		dup2(pipefd[1], STDERR_FILENO);
		execv(path, argv);
		fprintf(stderr, "cannot execute %s: %s\n", path, strerror(errno));
		_exit(127);
	}
	close(pipefd[1]);
	sb_init(&tail);
	while ((n = read(pipefd[0], buf, sizeof(buf))) != 0) {
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			break;
		fwrite(buf, 1, (size_t)n, stderr);
		tail_add(&tail, buf, (size_t)n);
	}
	close(pipefd[0]);
	while ((w = waitpid(pid, &status, 0)) < 0 && errno == EINTR)
		;
	sigaction(SIGCHLD, &saved, NULL);
	if (w < 0) {
		sb_free(&tail);
		return error_set(err, EXIT_FAILURE_RUNTIME, "cannot wait for %s: %s", argv[0],
				 strerror(errno));
	}
	if (WIFEXITED(status) && WEXITSTATUS(status) == 0) {
		sb_free(&tail);
		return 0;
	}
	while (tail.len && tail.buf[tail.len - 1] == '\n')
		tail.buf[--tail.len] = '\0';
	if (WIFEXITED(status))
		error_set(err, EXIT_FAILURE_RUNTIME, "%s failed (exit status %d): %s", argv[0],
			  WEXITSTATUS(status), tail.len ? tail.buf : "(no output)");
	else
		error_set(err, EXIT_FAILURE_RUNTIME, "%s was killed by signal %d: %s", argv[0],
			  WTERMSIG(status), tail.len ? tail.buf : "(no output)");
	sb_free(&tail);
	return -1;
}

int regen_run(const char *root, struct regen_needs needs, struct error *err)
{
	/* "--root //" writes the real /etc: its boot files must follow. */
	bool other_root = !root_is_host(root);

	if (!needs.grub && !needs.initramfs)
		return 0;
	if (other_root && !getenv(REGEN_UNDER_ROOT_ENV)) {
		printf("Not running %s%s%s under --root %s: regenerate inside that system.\n",
		       needs.grub ? "update-grub" : "", needs.grub && needs.initramfs ? " and " : "",
		       needs.initramfs ? "update-initramfs" : "", root);
		return 0;
	}
	if (needs.grub) {
		_cleanup_free_ char *cfg = path_join(root, "/boot/grub/grub.cfg");
		_cleanup_free_ char *tool = find_program("update-grub");
		struct stat st;

		if (!tool)
			printf("update-grub is not installed: add the kernel parameters to your boot "
			       "loader by hand.\n");
		else if (stat(cfg, &st) < 0)
			printf("Not running update-grub: %s does not exist (GRUB not in use?).\n",
			       cfg);
		else {
			char *argv[] = { "update-grub", NULL };

			printf("Running update-grub...\n");
			if (run_tool(tool, argv, err) < 0)
				return -1;
		}
	}
	if (needs.initramfs) {
		_cleanup_free_ char *tool = find_program("update-initramfs");

		if (!tool) {
			printf("update-initramfs is not installed: the initramfs was not rebuilt.\n");
		} else {
			char *argv[] = { "update-initramfs", "-u", "-k", "all", NULL };

			printf("Running update-initramfs -u -k all (one initramfs per installed "
			       "kernel)...\n");
			if (run_tool(tool, argv, err) < 0)
				return -1;
		}
	}
	return 0;
}
