// SPDX-License-Identifier: GPL-2.0-or-later
/* regen_run with fake update-grub / update-initramfs in PATH. */
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "regen.h"
#include "unit.h"
#include "util.h"

static char base[] = "/var/tmp/test-regen.XXXXXX";

static void script(const char *name, const char *body)
{
	char *path = xasprintf("%s/bin/%s", base, name);
	FILE *f = fopen(path, "w");

	fprintf(f, "#!/bin/sh\n%s", body);
	fclose(f);
	chmod(path, 0755);
	free(path);
}

static char *log_text(void)
{
	char *path = xasprintf("%s/log", base);
	char *s = read_file(path, 65536, NULL);

	unlink(path);
	free(path);
	return s ? s : xstrdup("");
}

int main(void)
{
	struct error err = { 0 };
	char *s, *old_path, *path;

	if (!mkdtemp(base))
		return 1;
	s = xasprintf("%s/bin", base);
	mkdir(s, 0755);
	free(s);
	s = xasprintf("mkdir -p %s/root/boot/grub", base);
	CHECK(system(s) == 0);
	free(s);
	old_path = xstrdup(getenv("PATH") ? getenv("PATH") : "/usr/bin:/bin");
	path = xasprintf("%s/bin:%s", base, old_path);
	setenv("PATH", path, 1);
	setenv("LOG", base, 1);
	script("update-grub", "echo grub >>\"$LOG/log\"\n");
	script("update-initramfs", "echo \"initramfs $*\" >>\"$LOG/log\"\n");
	char *root = xasprintf("%s/root", base);

	/* Another root without the test hook: nothing runs. */
	unsetenv("VFIO_PASSTHROUGH_SETUP_REGEN_UNDER_ROOT");
	CHECK(regen_run(root, (struct regen_needs){ true, true }, &err) == 0);
	s = log_text();
	CHECK_STR(s, "");
	free(s);

	/* "/" spelled otherwise is the running system: its /etc was written, so the boot
	 * files are regenerated (the fake update-initramfs comes first in PATH). */
	CHECK(root_is_host("") && root_is_host("/") && root_is_host("//"));
	CHECK(root_is_host("/tmp/..") && root_is_host("/."));
	CHECK(!root_is_host(root) && !root_is_host("/nonexistent"));
	CHECK(regen_run("/tmp/..", (struct regen_needs){ false, true }, &err) == 0);
	s = log_text();
	CHECK_STR(s, "initramfs -u -k all\n");
	free(s);

	setenv("VFIO_PASSTHROUGH_SETUP_REGEN_UNDER_ROOT", "1", 1);
	/* No grub.cfg: update-grub is skipped (GRUB not in use), initramfs still runs. */
	CHECK(regen_run(root, (struct regen_needs){ true, true }, &err) == 0);
	s = log_text();
	CHECK_STR(s, "initramfs -u -k all\n");
	free(s);
	/* With grub.cfg both run, the images first (kernel-install and proxmox-boot-tool copy
	 * them into the boot entries); nothing needed: nothing runs. */
	s = xasprintf("touch %s/boot/grub/grub.cfg", root);
	CHECK(system(s) == 0);
	free(s);
	CHECK(regen_run(root, (struct regen_needs){ true, true }, &err) == 0);
	s = log_text();
	CHECK_STR(s, "initramfs -u -k all\ngrub\n");
	free(s);
	CHECK(regen_run(root, (struct regen_needs){ false, false }, &err) == 0);
	s = log_text();
	CHECK_STR(s, "");
	free(s);
	CHECK(regen_run(root, (struct regen_needs){ true, false }, &err) == 0);
	s = log_text();
	CHECK_STR(s, "grub\n");
	free(s);

	/* A failing tool: -1, its name, status and the tail of a long output. */
	script("update-initramfs", "i=0; while [ $i -lt 200 ]; do echo \"line $i\"; i=$((i+1)); "
				   "done; echo 'E: mkinitramfs failure zstd -q -9 -T0 19' >&2; "
				   "exit 3\n");
	CHECK(regen_run(root, (struct regen_needs){ false, true }, &err) == -1);
	CHECK(err.code == EXIT_FAILURE_RUNTIME);
	CHECK(strncmp(err.msg, "update-initramfs failed (exit status 3): ", 41) == 0);
	CHECK(strstr(err.msg, "line 199\nE: mkinitramfs failure zstd") != NULL);
	CHECK(strstr(err.msg, "line 1\n") == NULL);
	CHECK(strlen(err.msg) < 700);

	/* Started with SIGCHLD ignored (inherited through exec): the exit status still
	 * counts, and the tool's own shell still waits for its children. */
	memset(&err, 0, sizeof(err));
	signal(SIGCHLD, SIG_IGN);
	script("update-initramfs", "sleep 0 & wait $! && echo waited; exit 3\n");
	CHECK(regen_run(root, (struct regen_needs){ false, true }, &err) == -1);
	CHECK_STR(err.msg, "update-initramfs failed (exit status 3): waited");
	signal(SIGCHLD, SIG_DFL);

	/* Killed by a signal. */
	memset(&err, 0, sizeof(err));
	script("update-grub", "echo dying; kill -9 $$\n");
	CHECK(regen_run(root, (struct regen_needs){ true, false }, &err) == -1);
	CHECK(strstr(err.msg, "update-grub was killed by signal 9: dying") != NULL);

	setenv("PATH", old_path, 1);
	free(old_path);
	free(path);
	free(root);
	s = xasprintf("rm -rf '%s'", base);
	CHECK(system(s) == 0);
	free(s);
	return unit_done("regen");
}
