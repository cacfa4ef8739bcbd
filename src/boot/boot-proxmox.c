// SPDX-License-Identifier: GPL-2.0-or-later
/* Proxmox VE's proxmox-boot-tool: where it is installed it owns the EFI system partitions.
 * `proxmox-boot-tool refresh` copies the kernels to every ESP it manages, writing
 * systemd-boot entries from /etc/kernel/cmdline, and runs update-grub for GRUB ones (which
 * read the grub.d drop-in). Not in Debian's archive: the tests use a stand-in script. */
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#include "boot-stack.h"
#include "kernel-cmdline-edit.h"
#include "run-tool.h"
#include "util.h"

static char *proxmox_detect(const char *root)
{
	_cleanup_free_ char *tool = path_join(root, "/usr/sbin/proxmox-boot-tool");

	if (access(tool, F_OK) < 0)
		return xstrdup("proxmox-boot-tool is not installed (not Proxmox VE).");
	return NULL;
}

/* Its one-shot (kernel pin --next-boot) picks a kernel, not a command line. */
static char *proxmox_trial_refusal(const char *root)
{
	(void)root;
	return xstrdup("proxmox-boot-tool can boot a kernel once (kernel pin --next-boot) but "
		       "gives every entry the same command line (/etc/kernel/cmdline), so no "
		       "entry can carry the trial's parameters alone");
}

static int proxmox_regenerate(const char *root, struct error *err)
{
	char *argv[] = { "proxmox-boot-tool", "refresh", NULL };

	(void)root; /* it works on the running system; regen.c checked the root */
	return tool_run_shown(argv, NULL, err);
}

const struct boot_loader boot_loader_proxmox = {
	.name = "proxmox-boot-tool",
	.tool = "proxmox-boot-tool",
	.detect = proxmox_detect,
	/* ESPs it keeps in GRUB mode read GRUB's drop-in, which GRUB's backend renders. */
	.shared_params_file = KERNEL_CMDLINE_PATH,
	.regenerate = proxmox_regenerate,
	.trial_refusal = proxmox_trial_refusal,
	.params_where = KERNEL_CMDLINE_PATH,
	.admin_params_where = KERNEL_CMDLINE_PATH,
	.apply_command = "proxmox-boot-tool refresh",
};
