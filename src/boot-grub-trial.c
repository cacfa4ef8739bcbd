// SPDX-License-Identifier: GPL-2.0-or-later
/* The trial on GRUB: Debian's grub.cfg honours next_entry (00_header) whatever GRUB_DEFAULT
 * says, and clears it with save_env before booting the entry, so `grub-reboot ID` boots the
 * trial entry once, even if that boot hangs and is reset. The entry itself comes from
 * /etc/grub.d/42_vfio-passthrough-setup-trial, which copies Debian's first entry (10_linux)
 * with the trial's parameters added, whenever update-grub runs. The admin's GRUB_DEFAULT is
 * never touched; a next_entry naming the trial entry is cleared once the entry is gone
 * (else GRUB, not finding it, would boot entry 0 instead of GRUB_DEFAULT). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "boot-grub.h"
#include "regen.h"
#include "root-path.h"
#include "run-tool.h"
#include "trial.h"
#include "util.h"

char *grub_trial_refusal(const char *root)
{
	_cleanup_free_ char *reboot = tool_find("grub-reboot");
	_cleanup_free_ char *mountinfo = NULL;
	char *fs;

	if (!reboot)
		return xstrdup("a trial needs GRUB's one-shot entry, and grub-reboot is not "
			       "installed");
	mountinfo = root_read_file(root, "/proc/self/mountinfo", 1 << 20, NULL);
	fs = trial_grub_fs_refusal(mountinfo, "/boot/grub");
	if (fs) {
		char *r = xasprintf("a trial needs GRUB's one-shot entry, which GRUB cannot clear "
				    "here: %s",
				    fs);

		free(fs);
		return r;
	}
	return NULL;
}

/* update-grub ran the grub.d script: the entry is in grub.cfg exactly while a trial is. */
int grub_trial_sync(const char *root, const char *params, struct error *err)
{
	_cleanup_free_ char *cfg = NULL;

	if (!params || !regen_runs_tools(root))
		return 0;
	cfg = root_read_file(root, GRUB_CFG, 16 << 20, NULL);
	if (!cfg || !strstr(cfg, "'" GRUB_TRIAL_ENTRY "'"))
		return error_set(err, EXIT_FAILURE_RUNTIME,
				 "update-grub made no trial entry in " GRUB_CFG " (is "
				 "/etc/grub.d/42_vfio-passthrough-setup-trial installed and "
				 "executable, and /etc/grub.d/10_linux?): the next boot would "
				 "not be the trial");
	return 0;
}

int grub_trial_arm(const char *root, struct error *err)
{
	_cleanup_free_ char *tool = tool_find("grub-reboot");
	char *argv[] = { "grub-reboot", GRUB_TRIAL_ENTRY, NULL };

	if (!regen_runs_tools(root)) {
		printf("Not running grub-reboot under --root %s: run 'grub-reboot " GRUB_TRIAL_ENTRY
		       "' inside that system.\n",
		       root);
		return 0;
	}
	if (!tool)
		return error_set(err, EXIT_FAILURE_RUNTIME, "grub-reboot is not installed");
	printf("Running grub-reboot " GRUB_TRIAL_ENTRY "...\n");
	return tool_run(tool, argv, err);
}

char *grubenv_next_entry(const char *text)
{
	for (const char *line = text; line && *line;) {
		const char *end = strchr(line, '\n');
		size_t len = end ? (size_t)(end - line) : strlen(line);

		if (len > 11 && strncmp(line, "next_entry=", 11) == 0)
			return xasprintf("%.*s", (int)(len - 11), line + 11);
		line = end ? end + 1 : NULL;
	}
	return NULL;
}

bool grub_trial_armed(const char *root)
{
	_cleanup_free_ char *env = root_read_file(root, GRUB_ENV, 1 << 16, NULL);
	_cleanup_free_ char *next = grubenv_next_entry(env);

	return next && strcmp(next, GRUB_TRIAL_ENTRY) == 0;
}

int grub_trial_disarm(const char *root, struct error *err)
{
	_cleanup_free_ char *tool = tool_find("grub-editenv");
	char *argv[] = { "grub-editenv", GRUB_ENV, "unset", "next_entry", NULL };

	(void)root; /* regen.c runs it for the host's root (or under the test hook) only */
	if (!tool)
		return error_set(err, EXIT_FAILURE_RUNTIME,
				 GRUB_ENV " still asks for the trial entry (next_entry) and "
				 "grub-editenv is not installed: run 'grub-editenv " GRUB_ENV
				 " unset next_entry'");
	printf("Running grub-editenv " GRUB_ENV " unset next_entry...\n");
	return tool_run(tool, argv, err);
}
