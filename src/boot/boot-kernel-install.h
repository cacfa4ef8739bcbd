/* SPDX-License-Identifier: GPL-2.0-or-later */
/* kernel-install / systemd-boot's backend (boot-kernel-install.c, its trial
 * boot-kernel-install-trial.c): shared between its two files. */
#pragma once

#include <stddef.h>

#include "util.h"

/* systemd-boot's one-shot request, as efivarfs shows it (systemd's loader interface). */
#define ONESHOT_EFIVAR                                                                             \
	"/sys/firmware/efi/efivars/LoaderEntryOneShot-4a67b082-0a4c-41cf-b6c7-440b29bb8c4f"

/* The trial's entry file, loader/entries/TRIAL_SDBOOT_ENTRY beside the newest kernel's. */
#define TRIAL_SDBOOT_ENTRY "vfio-passthrough-setup-trial.conf"
/* systemd-boot's trial entry (a Type #1 entry file): entry, the newest kernel's, retitled,
 * its sort-key extended so that it sorts after every entry of that key (never the first
 * entry, systemd-boot's default when none is set), and an options line with params added.
 * NULL if entry has no sort-key (without one, the order could put it first). Pure. */
char *trial_bls_entry(const char *entry, const char *params);

char *kernel_install_trial_refusal(const char *root);
int kernel_install_trial_sync(const char *root, const char *params, struct error *err);
int kernel_install_trial_arm(const char *root, struct error *err);
bool kernel_install_trial_armed(const char *root);
int kernel_install_trial_disarm(const char *root, struct error *err);
/* The options of the trial entry, every "options" line (systemd-boot joins them); NULL if
 * there is none. Caller frees. */
char *kernel_install_trial_entry_options(const char *root);
/* An EFI variable's string as efivarfs holds it (4 bytes of attributes, then UTF-16LE up
 * to a NUL): caller frees; NULL if it is not printable ASCII. */
char *efivar_utf16_string(const unsigned char *data, size_t len);
