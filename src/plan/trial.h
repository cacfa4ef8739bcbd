/* SPDX-License-Identifier: GPL-2.0-or-later */
/* A trial boot (`apply --trial`, `confirm`): the new configuration for the next boot only.
 * Everything that binds a device rides on one boot entry's kernel command line (vfio-pci.ids=
 * and the identical cards' address list), so the shared initramfs and the default entry bind
 * nothing new; the boot loader's one-shot mechanism boots that entry once. Unconfirmed, every
 * later boot is the previous configuration. The pure parts are here (trial.c); each boot
 * loader's entry and one-shot are its backend's trial operations (boot-stack.h), which
 * trial-apply.c and regen.c drive. */
#pragma once

#include <stdbool.h>

#include "policy.h"
#include "render.h"
#include "state.h"
#include "util.h"

/* The data file the GRUB script /etc/grub.d/42_vfio-passthrough-setup-trial reads: marker,
 * "params=..." (the trial entry's extra parameters), "arg=..." (apply's options, one a line,
 * for confirm to plan the same configuration again). */
#define TRIAL_FILE_PATH "/etc/vfio-passthrough-setup/trial"
/* Kernel parameters of the trial entry (dotted, so the kernel hands them to no one). */
#define TRIAL_TOKEN_PARAM "vfio_passthrough_setup.trial"
#define TRIAL_ADDRS_PARAM "vfio_passthrough_setup.addrs"
/* On the trial entry of `apply --trial --auto-confirm` (as "=1"): the shipped unit
 * vfio-passthrough-setup-trial-confirm.service runs only in a boot whose command line has it. */
#define TRIAL_AUTO_CONFIRM_PARAM "vfio_passthrough_setup.auto_confirm"

/* The trial entry's parameters: the plan's kernel parameters, vfio-pci.ids= (or the address
 * list for identical cards) and the token. Caller frees. */
char *trial_params(const struct plan *plan, const char *token);
/* The trial data file's text. */
char *trial_file_render(const char *params, int argc, char *const *argv);
/* Its apply options back (added to args); false if the text is not a trial file. */
bool trial_file_args(const char *text, struct strlist *args);
/* The token on a kernel command line (caller frees); NULL if none. */
char *trial_cmdline_token(const char *cmdline);
/* The trial file's params= (caller frees); NULL if none. */
char *trial_file_params(const char *text);
/* Whether the trial file's text asks for automatic confirmation (its params= carry
 * TRIAL_AUTO_CONFIRM_PARAM=1). */
bool trial_file_auto_confirm(const char *text);
/* What `status` says of a pending trial, from data. */
enum trial_phase {
	TRIAL_PENDING,		   /* applied in this boot: the next one is the trial */
	TRIAL_RUNNING,		   /* this is the trial boot */
	TRIAL_NOT_CONFIRMED,	   /* a later boot without the trial entry: the previous config */
	TRIAL_CONFIRM_INTERRUPTED, /* confirm began and did not finish (in any boot) */
};
/* confirming: the state's trial_confirming. */
enum trial_phase trial_phase_of(const char *token, bool confirming, const char *cmdline,
				const char *boot_id, const char *state_boot_id);

/* trial-apply.c: the boot loader in use makes the trial entry the next boot's, once (after
 * the trial's files and entry are in place); -1 with err if it cannot. */
int trial_arm(const char *root, struct error *err);

/* The files of a trial (takes trial_text, the trial file's text): the modprobe file
 * reduced to its softdeps, which bind nothing; none of the plan's other files (the boot loader's
 * drop-in and the address list ride on the trial entry; Xorg's snippet would pin every
 * boot's X server), so the default boot is as before until confirm; and the trial file. */
size_t trial_render(const struct plan *plan, char *trial_text,
		    struct rendered_file out[RENDERED_MAX]);

/* trial-apply.c: refuse a trial where it cannot work (EXIT_USAGE, the reason); else turn the
 * plan's files (files, *n) into the trial's and set its token. args: apply's plan options;
 * auto_confirm: the trial boot may confirm itself when its status passes. */
int trial_prepare(const char *root, const struct plan *plan, const struct strlist *args,
		  bool auto_confirm, struct rendered_file *files, size_t *n, char token[17],
		  struct error *err);
void trial_print_armed(const struct plan *plan, bool auto_confirm);

/* This boot and this machine as a trial's report needs them, read once: status reads them
 * for its checks too, confirm --if-status-passes for its verdict. */
struct boot_facts {
	struct inventory inv;
	bool have_inv;
	struct error err; /* why the inventory could not be read */
	char *boot_id;	  /* NULL if unreadable */
	char *cmdline;	  /* /proc/cmdline, read only when the inventory (which holds it) was not */
	char *kernel;	  /* the running kernel's version; NULL if unknown */
};
/* trial-status.c */
void boot_facts_read(const char *root, struct boot_facts *b);
void boot_facts_free(struct boot_facts *b);
/* With a trial pending, or one apply --trial was cut short before arming (the state's
 * trial_arming), print what `status` says of it and return the exit status (3
 * pending, 0 trial boot with the cards bound, 1 otherwise); -1 if no trial. json: status's
 * JSON object (doc/schema/status.schema.json), one check "trial" and the "trial" object. */
int trial_status(const struct apply_state *st, const struct boot_facts *b, bool json);
