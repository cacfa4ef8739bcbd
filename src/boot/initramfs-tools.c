// SPDX-License-Identifier: GPL-2.0-or-later
/* initramfs-tools: mkinitramfs copies /etc/modprobe.d, and this package's hook adds the
 * vfio modules and the address list; update-initramfs rebuilds every kernel's image. */
#include <stdio.h>
#include <stdlib.h>

#include "boot-stack.h"
#include "run-tool.h"
#include "util.h"

static char *initramfs_tools_detect(const char *root)
{
	_cleanup_free_ char *tool = tool_find("update-initramfs");

	(void)root; /* the tool runs on the running system; regen.c checked the root */
	if (!tool)
		return xstrdup("update-initramfs is not installed: the initramfs was not rebuilt.");
	return NULL;
}

static int initramfs_tools_rebuild_all(const char *root, struct error *err)
{
	_cleanup_free_ char *tool = tool_find("update-initramfs");
	char *argv[] = { "update-initramfs", "-u", "-k", "all", NULL };

	(void)root;
	if (!tool)
		return error_set(err, EXIT_FAILURE_RUNTIME, "update-initramfs is not installed");
	printf("Running update-initramfs -u -k all (one initramfs per installed kernel)...\n");
	return tool_run(tool, argv, err);
}

static char *initramfs_tools_rebuild_command(const char *kver)
{
	return xasprintf("`update-initramfs -u -k %s`", kver ? kver : "all");
}

static int initramfs_tools_list_image(const char *image, struct strlist *names)
{
	_cleanup_free_ char *tool = tool_find("lsinitramfs");
	char *argv[] = { "lsinitramfs", (char *)image, NULL };

	return tool ? tool_capture(tool, argv, names) : -1;
}

const struct initramfs_generator initramfs_tools = {
	.name = "initramfs-tools",
	.tool = "update-initramfs",
	.detect = initramfs_tools_detect,
	/* mkinitramfs copies /etc/modprobe.d and runs our hook: no drop-in of its own */
	.rebuild_all = initramfs_tools_rebuild_all,
	.rebuild_command = initramfs_tools_rebuild_command,
	.lister = "lsinitramfs",
	.list_image = initramfs_tools_list_image,
	/* Every image holds our init-top script, configured or not: rebuilt once it is gone. */
	.images_carry_package = true,
	/* No image at all (a container): nothing to rebuild, and -k all would fail. */
	.shell_rebuild = "if ls /boot/initrd.img-* >/dev/null 2>&1; then\n"
			 "\tupdate-initramfs -u -k all >&2\n"
			 "fi\n",
};
