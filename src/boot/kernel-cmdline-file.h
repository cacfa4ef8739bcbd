/* SPDX-License-Identifier: GPL-2.0-or-later */
/* /etc/kernel/cmdline, the command line kernel-install and proxmox-boot-tool read: a file
 * shared with the admin. apply adds our words to it when the boot loader in use reads it,
 * and records what it did in the state; remove (or an apply without them) puts the file
 * back byte for byte when nobody edited it since, else takes out only our words. */
#pragma once

#include "state.h"
#include "util.h"
#include "writer.h"

/* Where the file is absent, kernel-install takes the running command line (after
 * /usr/lib/kernel/cmdline): whenever it will run for us, the file holds exactly the intended
 * words, never a trial boot's or ours from the running line; remove leaves it (with the
 * admin's words, and says so) where deleting it would hand ours back to kernel-install.
 * Our words go before a "--" (after it they are init's). apply warns of an admin's IOMMU
 * switch-off (intel_iommu=off, amd_iommu=off, iommu=off) in the file or GRUB's files.
 *
 * Stage the file's new content into tx (needs_bootloader set) if it changes. want: the
 * kernel parameters (NULL or "": none of ours). old: the last apply's record; rec: the
 * record to save with this run's result (empty when none of our words are in the file).
 * A file we cannot edit safely (a NUL byte, no running command line to start it from)
 * is an error and nothing is staged. */
int kernel_cmdline_stage(struct transaction *tx, const char *root, const char *want,
			 const struct kernel_cmdline_record *old, struct kernel_cmdline_record *rec,
			 struct error *err);
void kernel_cmdline_record_free(struct kernel_cmdline_record *rec);
/* /usr/lib/kernel/cmdline under root, what kernel-install reads where /etc/kernel/cmdline is
 * absent (before the running line); NULL if it does not exist. Caller frees. */
char *kernel_cmdline_vendor_text(const char *root);
