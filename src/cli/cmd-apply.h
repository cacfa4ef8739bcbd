/* SPDX-License-Identifier: GPL-2.0-or-later */
/* `apply`'s options (cmd-apply-opts.c), shared by apply and confirm (cmd-apply.c). */
#pragma once

#include <stdbool.h>

#include "pci-addr.h"
#include "settings.h"
#include "util.h"

struct apply_opts {
	bool devices_set, busid_set, no_xorg, force, no_force, dry_run, refresh_initramfs;
	bool now;	   /* also bind to vfio-pci at once where safe */
	bool trial;	   /* the new configuration for the next boot only */
	bool auto_confirm; /* --trial: the trial boot confirms itself if its status passes */
	const char *devices_arg, *busid_arg; /* as given, for the trial file */
	const char *confirm_config; /* confirm: the tried configuration's hash, to render again */
	char trial_token[17];	    /* the trial's token, once its files are rendered */
	char trial_config[17];	    /* the hash of the permanent configuration it tries */
	const char *changed_file;   /* gets the paths written, one a line (empty: none) */
	struct request devices;	    /* only its devices fields */
	struct pci_addr busid;
	const char *kernel_params;

	bool full_passthrough;	   /* every GPU and every NVSwitch to vfio-pci together */
	const char *modules_cache; /* this run's record of the modules (state.h) */
};

/* Parse apply's options into o (zeroed by the caller but confirm_config): 0, 1 after
 * --help (printed), -1 with err set. */
int parse_apply_opts(int argc, char **argv, struct apply_opts *o, struct error *err);
/* The options that shape the plan, for confirm to plan the same configuration again. */
void plan_args(const struct apply_opts *o, struct strlist *args);
