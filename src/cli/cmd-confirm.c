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
#include "system.h"
#include "trial.h"
#include "util.h"

static int refuse(const char *msg)
{
	log_error("confirm: %s", msg);
	log_error("nothing was written.");
	return EXIT_USAGE;
}

/* --if-status-passes (the unit vfio-passthrough-setup-trial-confirm.service): only a trial
 * that asked for it, and only when `status` of the trial boot passes (the same verdict on the
 * same facts). Returns -1 to go on. */
static int check_auto_confirm(const struct context *ctx, const struct apply_state *st,
			      const char *trial_text)
{
	struct boot_facts boot;
	int code;

	if (!trial_file_auto_confirm(trial_text))
		return refuse("this trial did not ask for automatic confirmation (apply --trial "
			      "--auto-confirm): check status and run confirm yourself.");
	boot_facts_read(ctx->root, &boot);
	code = trial_status(st, &boot, false);
	boot_facts_free(&boot);
	if (code == EXIT_OK)
		return -1;
	log_error("confirm: status of the trial boot fails: not confirmed; the next boot is the "
		  "previous configuration again.");
	log_error("nothing was written.");
	return EXIT_FAILURE_RUNTIME;
}

/* The options to plan the trial's configuration with, into args (after "confirm"): the
 * trial file's; or, when a confirm was cut short, the state's (its commit removed the
 * trial file; the admin's decision stands, so the command line is not asked again).
 * Returns -1 to go on, else the exit status. */
static int confirm_args(const struct context *ctx, const struct apply_state *st,
			bool if_status_passes, struct strlist *args)
{
	_cleanup_free_ char *cmdline_path = path_join(ctx->root, "/proc/cmdline");
	_cleanup_free_ char *cmdline = read_attr(cmdline_path), *on_cmdline = NULL;
	_cleanup_free_ char *text = NULL;

	if (st->trial_confirming) {
		printf("A confirm of this trial was interrupted; finishing it.\n");
		for (size_t i = 0; i < st->trial_args.n; i++)
			sl_add(args, st->trial_args.items[i]);
		return -1;
	}
	on_cmdline = trial_cmdline_token(cmdline);
	if (!on_cmdline || strcmp(on_cmdline, st->trial) != 0)
		return refuse(
		    "this is not the trial boot (the kernel command line lacks " TRIAL_TOKEN_PARAM
		    "=TOKEN of the pending trial): only a boot that "
		    "ran the trial can confirm it. Run apply --trial and reboot to try again.");
	text = root_read_file(ctx->root, TRIAL_FILE_PATH, 1 << 16, NULL);
	if (!text || !trial_file_args(text, args)) {
		log_error("confirm: cannot read " TRIAL_FILE_PATH);
		return EXIT_FAILURE_RUNTIME;
	}
	return if_status_passes ? check_auto_confirm(ctx, st, text) : -1;
}

static int run_confirm(const struct context *ctx, int argc, char **argv)
{
	struct apply_state st;
	struct strlist args;
	bool if_status_passes = false;
	char **av;
	int ret;

	for (int i = 1; i < argc; i++) {
		if (strcmp(argv[i], "--help") == 0 || strcmp(argv[i], "-h") == 0) {
			puts(
			    "Usage: " PROG " [--root DIR] confirm [--if-status-passes]\n\n"
			    "In the trial boot (apply --trial, reboot): keep the trial configuration\n"
			    "for every boot. Without it, the boot after the trial is the previous\n"
			    "configuration again. A confirm that was cut short is finished by\n"
			    "running it again, in any boot.\n\n"
			    "  --if-status-passes  only for a trial made with --auto-confirm, and only\n"
			    "                      if status passes (exit 1 if it fails, 2 if not\n"
			    "                      asked or not the trial boot; nothing written)");
			return EXIT_OK;
		}
		if (strcmp(argv[i], "--if-status-passes") != 0)
			return log_unexpected_argument("confirm", argv[i]);
		if_status_passes = true;
	}
	state_load(ctx->root, &st);
	if (!st.trial) {
		apply_state_free(&st);
		return refuse("no trial is pending (apply --trial starts one)");
	}
	sl_init(&args);
	sl_add(&args, "confirm");
	ret = confirm_args(ctx, &st, if_status_passes, &args);
	if (ret < 0) {
		/* apply's option parser may permute argv: give it a copy of the pointers */
		av = xcalloc(args.n + 1, sizeof(*av));
		memcpy(av, args.items, args.n * sizeof(*av));
		/* A trial of an older version has no trial_config: its token was that hash. */
		ret = apply_confirm(ctx, (int)args.n, av,
				    st.trial_config ? st.trial_config : st.trial);
		free(av);
	}
	sl_free(&args);
	apply_state_free(&st);
	return ret;
}

const struct command cmd_confirm = {
	.name = "confirm",
	.run = run_confirm,
	.usage = "confirm [--if-status-passes]",
	.help = "in the trial boot, keep the trial configuration (apply --trial) for good",
};
