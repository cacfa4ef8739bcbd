// SPDX-License-Identifier: GPL-2.0-or-later
/* fork+exec with a pipe. A SIGCHLD ignored by whoever started us (inherited through exec)
 * makes the kernel reap the child itself: waitpid fails with ECHILD and the exit status is
 * lost (the tool would inherit it too). So SIGCHLD is defaulted for every run. */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "util.h"

#include "modules.h"
#include "run-tool.h"

#define TAIL_MAX 600

char *tool_find(const char *prog)
{
	const char *env = getenv("PATH");
	_cleanup_free_ char *path =
	    xasprintf("%s:/usr/local/sbin:/usr/sbin:/sbin", env && *env ? env : "/usr/bin:/bin");
	struct strlist seen;
	char *save = NULL, *found = NULL;

	/* Each directory once: PATH often holds the sbin ones already. */
	sl_init(&seen);
	for (char *dir = strtok_r(path, ":", &save); dir && !found;
	     dir = strtok_r(NULL, ":", &save)) {
		if (sl_has(&seen, dir))
			continue;
		sl_add(&seen, dir);
		found = xasprintf("%s/%s", dir, prog);
		if (access(found, X_OK) < 0) {
			free(found);
			found = NULL;
		}
	}
	sl_free(&seen);
	return found;
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

struct child {
	pid_t pid;
	int out;		/* read end of the child's output */
	struct sigaction saved; /* our caller's SIGCHLD, back after the wait */
};

/* Start argv with its stdout (and stderr too, or /dev/null) on a pipe. */
static int child_start(const char *path, char *const argv[], bool with_stderr, struct child *c)
{
	struct sigaction dfl = { .sa_handler = SIG_DFL };
	int pipefd[2];

	sigemptyset(&dfl.sa_mask);
	sigaction(SIGCHLD, &dfl, &c->saved);
	fflush(stdout);
	fflush(stderr);
	if (pipe2(pipefd, O_CLOEXEC) < 0)
		goto fail;
	c->pid = fork();
	if (c->pid < 0) {
		close(pipefd[0]);
		close(pipefd[1]);
		goto fail;
	}
	if (c->pid == 0) {
		int null = with_stderr ? -1 : open("/dev/null", O_WRONLY);

		dup2(pipefd[1], STDOUT_FILENO);
		dup2(with_stderr ? pipefd[1] : null, STDERR_FILENO);
		execv(path, argv);
		fprintf(stderr, "cannot execute %s: %s\n", path, strerror(errno));
		_exit(127);
	}
	close(pipefd[1]);
	c->out = pipefd[0];
	return 0;
fail:
	sigaction(SIGCHLD, &c->saved, NULL);
	return -1;
}

/* Wait for the child; -1 (errno set) if it cannot be waited for. */
static int child_wait(struct child *c, int *status)
{
	pid_t w;
	int e;

	close(c->out);
	while ((w = waitpid(c->pid, status, 0)) < 0 && errno == EINTR)
		;
	e = errno;
	sigaction(SIGCHLD, &c->saved, NULL);
	errno = e;
	return w < 0 ? -1 : 0;
}

int tool_run_shown(char *const argv[], const char *why, struct error *err)
{
	_cleanup_free_ char *tool = tool_find(argv[0]);
	struct strbuf shown;
	int r;

	if (!tool)
		return error_set(err, EXIT_FAILURE_RUNTIME, "%s is not installed%s%s", argv[0],
				 why ? ": " : "", why ? why : "");
	sb_init(&shown);
	for (size_t i = 0; argv[i]; i++)
		sb_addf(&shown, "%s%s", i ? " " : "", *argv[i] ? argv[i] : "\"\"");
	printf("Running %s...\n", shown.buf);
	r = tool_run(tool, argv, err);
	sb_free(&shown);
	return r;
}

int tool_run(const char *path, char *const argv[], struct error *err)
{
	struct strbuf tail;
	struct child c;
	char buf[4096];
	int status = 0;
	ssize_t n;

	if (child_start(path, argv, true, &c) < 0)
		return error_set(err, EXIT_FAILURE_RUNTIME, "cannot run %s: %s", argv[0],
				 strerror(errno));
	sb_init(&tail);
	while ((n = read(c.out, buf, sizeof(buf))) != 0) {
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			break;
		fwrite(buf, 1, (size_t)n, stderr);
		tail_add(&tail, buf, (size_t)n);
	}
	if (child_wait(&c, &status) < 0) {
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

int tool_capture(const char *path, char *const argv[], struct strlist *lines)
{
	struct child c;
	char *line = NULL;
	size_t cap = 0;
	ssize_t len;
	int status = 0, fd;
	FILE *f;

	if (child_start(path, argv, false, &c) < 0)
		return -1;
	fd = dup(c.out);
	f = fd < 0 ? NULL : fdopen(fd, "r");
	if (!f && fd >= 0)
		close(fd);
	while (f && (len = getline(&line, &cap, f)) > 0) {
		if (line[len - 1] == '\n')
			line[len - 1] = '\0';
		sl_add(lines, line);
	}
	free(line);
	if (f)
		fclose(f);
	if (child_wait(&c, &status) < 0 || !f)
		return -1;
	return WIFEXITED(status) && WEXITSTATUS(status) == 0 ? 0 : -1;
}

int tool_run_per_kernel(const char *root, const char *prog, bool with_index,
			kernel_args_fn *args_for, size_t *n_kernels, struct error *err)
{
	_cleanup_free_ char *tool = tool_find(prog);
	struct strlist kernels;
	int r = 0;

	*n_kernels = 0;
	if (!tool)
		return error_set(err, EXIT_FAILURE_RUNTIME, "%s is not installed", prog);
	sl_init(&kernels);
	installed_kernels(root, with_index, &kernels);
	*n_kernels = kernels.n;
	for (size_t i = 0; i < kernels.n && r == 0; i++) {
		_cleanup_free_ char *shown = NULL;
		_cleanup_free_ char **argv = NULL;
		struct strlist args;

		sl_init(&args);
		args_for(root, kernels.items[i], &args);
		if (args.n) {
			shown = sl_join(&args, " ");
			argv = xcalloc(args.n + 1, sizeof(*argv));
			memcpy(argv, args.items, args.n * sizeof(*argv));
			printf("Running %s...\n", shown);
			r = tool_run(tool, argv, err);
		}
		sl_free(&args);
	}
	sl_free(&kernels);
	return r;
}
