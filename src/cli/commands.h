/* SPDX-License-Identifier: GPL-2.0-or-later */
/* One command, one file (cmd-*.c), registered in main.c's table, as kmod's tools do. */
#pragma once

struct context {
	const char *root; /* "/" or --root DIR */
};

struct command {
	const char *name;
	int (*run)(const struct context *ctx, int argc, char **argv); /* returns an exit code */
	const char *usage;					      /* "detect [--json]" */
	const char *help; /* one line for --help; NULL: not listed (package-script-facts) */
};

extern const struct command cmd_detect;
extern const struct command cmd_apply;
extern const struct command cmd_remove;
extern const struct command cmd_confirm;
extern const struct command cmd_initramfs_modules;
extern const struct command cmd_status;
extern const struct command cmd_settings;
extern const struct command cmd_package_facts;
/* confirm: apply with these options, which must render the trial's configuration (config:
 * its rendered_hash()). */
int apply_confirm(const struct context *ctx, int argc, char **argv, const char *config);
