/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Boot Loader Specification Type #1 entries, as kernel-install writes them for systemd-boot:
 * $BOOT/loader/entries/NAME.conf, one "key value" per line, paths relative to $BOOT (the ESP or
 * XBOOTLDR partition the entry is on). */
#pragma once

#include "util.h"

/* Where kernel-install puts the entries, with the $BOOT each one's paths are relative to. */
struct bls_dir {
	const char *boot;    /* "/boot/efi" */
	const char *entries; /* "/boot/efi/loader/entries" */
};
extern const struct bls_dir bls_dirs[3];

/* The value of an entry's first line with this key (caller frees); NULL if absent. */
char *bls_entry_value(const char *text, const char *key);
/* The initramfs systemd-boot loads for kernel kver: the last "initrd" line (the generator's
 * image; a separate microcode image comes before it) of kver's entry, as a path under root
 * ("/boot/efi/<token>/<kver>/initrd.img-<kver>"). The entry: the first by name whose
 * "version" is kver, in bls_dirs' order, the trial's entry aside. NULL if none names one. */
char *bls_kernel_initrd(const char *root, const char *kver);
