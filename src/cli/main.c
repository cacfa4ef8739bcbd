// SPDX-License-Identifier: GPL-2.0-or-later
/* vfio-passthrough-setup: hand a discrete GPU to vfio-pci, keep the host's display. */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>

#include "commands.h"
#include "log.h"
#include "regen.h"
#include "util.h"

static const struct command *const commands[] = {
	&cmd_detect, &cmd_apply,    &cmd_remove,	&cmd_confirm, &cmd_initramfs_modules,
	&cmd_status, &cmd_settings, &cmd_package_facts, /* hidden: for the package's build */
};

static void usage(FILE *out)
{
	fputs("Usage: vfio-passthrough-setup [--root DIR] COMMAND [OPTIONS]\n\n"
	      "Hand a discrete GPU to vfio-pci for a VM, keeping the host's display.\n\n"
	      "Commands:\n",
	      out);
	for (size_t i = 0; i < ARRAY_SIZE(commands); i++)
		if (commands[i]->help)
			fprintf(out, "  %-44s %s\n", commands[i]->usage, commands[i]->help);
	fputs("\nOptions:\n"
	      "  --root DIR   read and write the system under DIR (tests, image builds);\n"
	      "               the boot loader and the initramfs are then never regenerated\n"
	      "  -h, --help   this text\n"
	      "  -V, --version\n\n"
	      "Exit status: 0 success, 1 runtime failure, 2 usage or invalid input,\n"
	      "3 (status) configured but a reboot is pending.\n"
	      "Undo: vfio-passthrough-setup remove, or apt purge vfio-passthrough-setup.\n"
	      "See vfio-passthrough-setup(8).\n",
	      out);
}

int main(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "root", required_argument, NULL, 'r' },
		{ "help", no_argument, NULL, 'h' },
		{ "version", no_argument, NULL, 'V' },
		{ 0 },
	};
	struct context ctx = { .root = "/" };
	const char *why = NULL;
	struct stat st;
	int c;

	/* "+": stop at the command name; its own options belong to it. */
	while ((c = getopt_long(argc, argv, "+hV", opts, NULL)) != -1) {
		switch (c) {
		case 'r':
			ctx.root = *optarg ? optarg : "/"; /* --root "$DPKG_ROOT" */
			break;
		case 'h':
			usage(stdout);
			return EXIT_OK;
		case 'V':
			puts("vfio-passthrough-setup " VERSION);
			return EXIT_OK;
		default:
			usage(stderr);
			return EXIT_USAGE;
		}
	}
	if (optind >= argc) {
		usage(stderr);
		return EXIT_USAGE;
	}
	/* A mistyped --root would otherwise look like a machine without PCI: exit 0. */
	if (stat(ctx.root, &st) < 0)
		why = strerror(errno);
	else if (!S_ISDIR(st.st_mode))
		why = "not a directory";
	if (why) {
		_cleanup_free_ char *shown = str_printable(ctx.root);

		log_error("--root '%s': %s (expected the directory of a system root)", shown, why);
		return EXIT_USAGE;
	}
	for (size_t i = 0; i < ARRAY_SIZE(commands); i++) {
		if (strcmp(argv[optind], commands[i]->name) == 0) {
			argv += optind;
			argc -= optind;
			optind = 0; /* reset getopt for the command's own options */
			boot_loader_choose(ctx.root); /* once per run */
			return commands[i]->run(&ctx, argc, argv);
		}
	}
	{
		_cleanup_free_ char *shown = str_printable(argv[optind]);

		log_error("unknown command '%s'", shown);
	}
	usage(stderr);
	return EXIT_USAGE;
}
