// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * TEMPORARY: weak stand-ins for parts other branches deliver (cmd-apply.c, cmd-initramfs-
 * modules.c, modules.c), so this branch links and its tests run on their own. Weak, and
 * named to sort last in the archive, so a real definition always wins. Delete this file
 * once every real one is merged.
 */
#include <stdio.h>

#include "commands.h"
#include "modules.h"

static int pending(const struct context *ctx, int argc, char **argv)
{
	(void)ctx;
	(void)argc;
	fprintf(stderr, "vfio-passthrough-setup: %s: not built into this branch yet\n", argv[0]);
	return EXIT_FAILURE_RUNTIME;
}

__attribute__((weak)) const struct command cmd_apply = { "apply", pending, "apply", "(pending)" };
__attribute__((weak)) const struct command cmd_remove = { "remove", pending, "remove", "(pending)" };
__attribute__((weak)) const struct command cmd_initramfs_modules = {
	"initramfs-modules", pending, "initramfs-modules [KERNEL_VERSION]", "(pending)"
};

__attribute__((weak)) int modules_resolve(const char *root, struct inventory *inv,
					  struct error *err)
{
	(void)root;
	(void)inv;
	(void)err;
	return 0;
}
