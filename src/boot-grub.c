// SPDX-License-Identifier: GPL-2.0-or-later
/* GRUB as Debian sets it up: the drop-in in /etc/default/grub.d is read by grub-mkconfig,
 * which update-grub runs (guarded as kdump-tools does: only when grub.cfg exists). */
#include <stdio.h>
#include <stdlib.h>
#include <sys/stat.h>

#include "boot-stack.h"
#include "render.h"
#include "run-tool.h"
#include "util.h"

static char *grub_detect(const char *root)
{
	_cleanup_free_ char *tool = tool_find("update-grub");
	_cleanup_free_ char *cfg = path_join(root, "/boot/grub/grub.cfg");
	struct stat st;

	if (!tool)
		return xstrdup("update-grub is not installed: add the kernel parameters to your "
			       "boot loader by hand.");
	if (stat(cfg, &st) < 0)
		return xstrdup("Not running update-grub: /boot/grub/grub.cfg does not exist (GRUB "
			       "not in use?).");
	return NULL;
}

static int grub_regenerate(const char *root, struct error *err)
{
	_cleanup_free_ char *tool = tool_find("update-grub");
	char *argv[] = { "update-grub", NULL };

	(void)root; /* update-grub works on the running system; regen.c checked the root */
	if (!tool)
		return error_set(err, EXIT_FAILURE_RUNTIME, "update-grub is not installed");
	printf("Running update-grub...\n");
	return tool_run(tool, argv, err);
}

const struct boot_loader boot_loader_grub = {
	.name = "grub",
	.tool = "update-grub",
	.params_file = GRUB_DROPIN_PATH,
	.detect = grub_detect,
	.regenerate = grub_regenerate,
};
