// SPDX-License-Identifier: GPL-2.0-or-later
/* initramfs-modules [--if-configured] [KERNEL_VERSION]: the vfio modules the initramfs hook
 * must add. --if-configured: none while no configuration file of ours exists, so the hook
 * need not know which files those are. */
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <stdio.h>
#include <unistd.h>

#include "log.h"
#include "util.h"

#include "commands.h"
#include "modules.h"
#include "render.h"
#include "root-path.h"

/* Whether apply left a file the initramfs carries: the softdeps or the address list. */
static bool configured(const char *root)
{
	static const char *const files[] = { MODPROBE_PATH, DRIVER_OVERRIDE_PATH };

	for (size_t i = 0; i < ARRAY_SIZE(files); i++) {
		int fd = root_open(root, files[i], O_RDONLY);

		if (fd >= 0) {
			close(fd);
			return true;
		}
		if (errno != ENOENT && errno != ENOTDIR)
			return true; /* unreadable, a link out of root: let the listing say more */
	}
	return false;
}

static int run(const struct context *ctx, int argc, char **argv)
{
	static const struct option opts[] = {
		{ "help", no_argument, NULL, 'h' },
		{ "if-configured", no_argument, NULL, 'c' },
		{ 0 },
	};
	bool if_configured = false;
	struct strlist mods;
	struct error err = { 0 };
	int c;

	while ((c = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
		switch (c) {
		case 'h':
			puts("Usage: vfio-passthrough-setup initramfs-modules "
			     "[--if-configured] [KERNEL_VERSION]\n"
			     "Print, one per line, the vfio modules an initramfs for "
			     "that kernel (default:\n"
			     "the newest under /lib/modules or /usr/lib/modules) must contain; "
			     "built-in ones\nare left out. --if-configured: nothing while no "
			     "card is configured.");
			return EXIT_OK;
		case 'c':
			if_configured = true;
			break;
		default:
			return EXIT_USAGE;
		}
	}
	if (argc - optind > 1) {
		_cleanup_free_ char *shown = str_printable(argv[optind + 1]);

		log_error("initramfs-modules takes at most one KERNEL_VERSION, got '%s' too",
			  shown);
		return EXIT_USAGE;
	}

	if (if_configured && !configured(ctx->root))
		return EXIT_OK;
	sl_init(&mods);
	if (initramfs_modules(ctx->root, optind < argc ? argv[optind] : NULL, &mods, &err) < 0) {
		log_error("%s", err.msg);
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
	.usage = "initramfs-modules [--if-configured] [KERNEL_VERSION]",
	.help = "vfio modules the initramfs must add for a kernel (default: newest)",
};
