// SPDX-License-Identifier: GPL-2.0-or-later
/* The trial on GRUB: Debian's grub.cfg honours next_entry (00_header) whatever GRUB_DEFAULT
 * says, and clears it with save_env before booting the entry, so `grub-reboot ID` boots the
 * trial entry once, even if that boot hangs and is reset. The entry itself comes from
 * /etc/grub.d/42_vfio-passthrough-setup-trial, which copies Debian's first entry (10_linux)
 * with the trial's parameters added. The admin's GRUB_DEFAULT is never touched. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "boot-stack.h"
#include "regen.h"
#include "root-path.h"
#include "run-tool.h"
#include "trial.h"
#include "util.h"

#define GRUB_CFG "/boot/grub/grub.cfg"

char *trial_grub_refusal(const char *root)
{
	_cleanup_free_ char *why = boot_loader_grub.detect(root);
	_cleanup_free_ char *reboot = tool_find("grub-reboot");
	_cleanup_free_ char *mountinfo = NULL;
	char *fs;

	if (why)
		return xasprintf("a trial needs GRUB's one-shot entry (grub-reboot), and GRUB is "
				 "not in use here: %s",
				 why);
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

int trial_grub_arm(const char *root, struct error *err)
{
	_cleanup_free_ char *cfg = NULL;
	_cleanup_free_ char *tool = tool_find("grub-reboot");
	char *argv[] = { "grub-reboot", TRIAL_ENTRY_ID, NULL };

	if (!regen_runs_tools(root)) {
		printf("Not running grub-reboot under --root %s: run 'grub-reboot " TRIAL_ENTRY_ID
		       "' inside that system.\n",
		       root);
		return 0;
	}
	cfg = root_read_file(root, GRUB_CFG, 16 << 20, NULL);
	if (!cfg || !strstr(cfg, "'" TRIAL_ENTRY_ID "'"))
		return error_set(err, EXIT_FAILURE_RUNTIME,
				 "update-grub made no trial entry in " GRUB_CFG " (is "
				 "/etc/grub.d/42_vfio-passthrough-setup-trial installed and "
				 "executable, and /etc/grub.d/10_linux?): the next boot would "
				 "not be the trial");
	if (!tool)
		return error_set(err, EXIT_FAILURE_RUNTIME, "grub-reboot is not installed");
	printf("Running grub-reboot " TRIAL_ENTRY_ID "...\n");
	return tool_run(tool, argv, err);
}
