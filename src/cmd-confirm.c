// SPDX-License-Identifier: GPL-2.0-or-later
/* `confirm`: in the trial boot, make the trial configuration the permanent one: apply again
 * with the trial's own options, which must render exactly what was tried. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "commands.h"
#include "log.h"
#include "root-path.h"
#include "state.h"
#include "trial.h"
#include "util.h"

static int refuse(const char *msg)
{
	log_error("confirm: %s", msg);
	log_error("nothing was written.");
	return EXIT_USAGE;
}

static int run_confirm(const struct context *ctx, int argc, char **argv)
{
	_cleanup_free_ char *cmdline_path = path_join(ctx->root, "/proc/cmdline");
	_cleanup_free_ char *cmdline = read_attr(cmdline_path), *on_cmdline = NULL;
	_cleanup_free_ char *text = NULL;
	struct apply_state st;
	struct strlist args;
	char **av;
	int ret;

	if (argc > 1) {
		if (strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0) {
			puts("Usage: " PROG " [--root DIR] confirm\n\n"
			     "In the trial boot (apply --trial, reboot): keep the trial configuration\n"
			     "for every boot. Without it, the boot after the trial is the previous\n"
			     "configuration again.");
			return EXIT_OK;
		}
		return refuse("unexpected argument");
	}
	state_load(ctx->root, &st);
	if (!st.trial) {
		apply_state_free(&st);
		return refuse("no trial is pending (apply --trial starts one)");
	}
	on_cmdline = trial_cmdline_token(cmdline);
	if (!on_cmdline || strcmp(on_cmdline, st.trial) != 0) {
		apply_state_free(&st);
		return refuse("this is not the trial boot (the kernel command line lacks "
			      TRIAL_TOKEN_PARAM "=TOKEN of the pending trial): only a boot that "
			      "ran the trial can confirm it. Run apply --trial and reboot to try again.");
	}
	text = root_read_file(ctx->root, TRIAL_FILE_PATH, 1 << 16, NULL);
	sl_init(&args);
	sl_add(&args, "confirm");
	if (!text || !trial_file_args(text, &args)) {
		apply_state_free(&st);
		sl_free(&args);
		log_error("confirm: cannot read " TRIAL_FILE_PATH);
		return EXIT_FAILURE_RUNTIME;
	}
	/* apply's option parser may permute argv: give it a copy of the pointers */
	av = xcalloc(args.n + 1, sizeof(*av));
	memcpy(av, args.items, args.n * sizeof(*av));
	ret = apply_confirm(ctx, (int)args.n, av, st.trial);
	free(av);
	sl_free(&args);
	apply_state_free(&st);
	return ret;
}

const struct command cmd_confirm = {
	.name = "confirm",
	.run = run_confirm,
	.usage = "confirm",
	.help = "in the trial boot, keep the trial configuration (apply --trial) for good",
};
