/* SPDX-License-Identifier: GPL-2.0-or-later */
/* GRUB's backend (boot-grub.c, its trial boot-grub-trial.c): shared between its two files. */
#pragma once

#include "util.h"

/* The admin's GRUB defaults, which grub-mkconfig extends by the *.cfg of GRUB_DEFAULTS.d. */
#define GRUB_DEFAULTS "/etc/default/grub"
#define GRUB_DROPIN_PATH GRUB_DEFAULTS ".d/vfio-passthrough-setup.cfg"
#define GRUB_CFG "/boot/grub/grub.cfg"
#define GRUB_ENV "/boot/grub/grubenv"
/* The trial entry's menuentry id (hooks/grub.d/42_vfio-passthrough-setup-trial), for
 * grub-reboot. */
#define GRUB_TRIAL_ENTRY "vfio-passthrough-setup-trial"

/* The parameters a GRUB drop-in appends to GRUB_CMDLINE_LINUX_DEFAULT (the last line of
 * the form GRUB_CMDLINE_LINUX_DEFAULT="$GRUB_CMDLINE_LINUX_DEFAULT params", as apply
 * writes it), or NULL if it appends none. Caller frees. Pure. */
char *grub_dropin_params(const char *text);
/* Why GRUB cannot keep a one-shot entry with /boot/grub on this mount (it must write
 * grubenv to clear next_entry before booting it): NULL if it can. mountinfo: the text of
 * /proc/self/mountinfo; dir: "/boot/grub". Pure. */
char *trial_grub_fs_refusal(const char *mountinfo, const char *dir);

/* boot-grub-config.c: the kernel words the admin's GRUB configuration gives every entry, with
 * want in our drop-in's place (GRUB_CMDLINE_LINUX's words, then GRUB_CMDLINE_LINUX_DEFAULT's);
 * *where names the files, for a warning. Both caller frees; NULL if none can be read. */
char *grub_configured_cmdline(const char *root, const char *want, char **where);
/* boot-grub-config.c: boot_loader's admin_config and line_params (boot-stack.h). */
void grub_admin_config(const char *root, struct strlist *paths);
size_t grub_line_params(char *line, char **words, size_t max);

char *grub_trial_refusal(const char *root);
int grub_trial_sync(const char *root, const char *params, struct error *err);
int grub_trial_arm(const char *root, struct error *err);
bool grub_trial_armed(const char *root);
int grub_trial_disarm(const char *root, struct error *err);
/* The value of next_entry in a grubenv block's text (caller frees); NULL if unset. */
char *grubenv_next_entry(const char *text);
