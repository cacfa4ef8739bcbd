// SPDX-License-Identifier: GPL-2.0-or-later
/* initramfs-modules [KERNEL_VERSION]: the vfio modules the initramfs hook must add. */
#include <getopt.h>
#include <stdio.h>

#include "util.h"

#include "commands.h"
#include "modules.h"

static int run(const struct context *ctx, int argc, char **argv)
{
	static const struct option opts[] = {
	    {"help", no_argument, NULL, 'h'},
	    {0},
	};
	struct strlist mods;
	struct error err = {0};
	int c;

	while ((c = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
		switch (c) {
		case 'h':
			puts("Usage: vfio-passthrough-setup initramfs-modules "
			     "[KERNEL_VERSION]\n"
			     "Print, one per line, the vfio modules an initramfs for "
			     "that kernel (default:\n"
			     "the newest under /lib/modules and /usr/lib/modules) must "
			     "contain; built-in\n"
			     "ones are left out.");
			return EXIT_OK;
		default:
			return EXIT_USAGE;
		}
	}
	if (argc - optind > 1) {
		_cleanup_free_ char *shown = str_printable(argv[optind + 1]);

		fprintf(stderr,
			"vfio-passthrough-setup: initramfs-modules takes at most one "
			"KERNEL_VERSION, got '%s' too\n",
			shown);
		return EXIT_USAGE;
	}

	sl_init(&mods);
	if (initramfs_modules(ctx->root, optind < argc ? argv[optind] : NULL, &mods,
			      &err) < 0) {
		fprintf(stderr, "vfio-passthrough-setup: %s\n", err.msg);
		sl_free(&mods);
		return err.code;
	}
	for (size_t i = 0; i < mods.n; i++)
		puts(mods.items[i]);
	sl_free(&mods);
	return EXIT_OK;
}

const struct command cmd_initramfs_modules = {
    .name = "initramfs-modules",
    .run = run,
    .usage = "initramfs-modules [KERNEL_VERSION]",
    .help = "vfio modules the initramfs must add for a kernel (default: newest)",
};
