/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Kernel modules, with libkmod, against every kernel installed under root/lib/modules
 * (never uname -r alone: in a chroot it names the host's kernel). */
#pragma once

#include "inventory.h"

/* Fill inv->kernels, inv->vfio_pci and each function's modules (union over all kernels). */
int modules_resolve(const char *root, struct inventory *inv, struct error *err);
/* The same, but only the functions of cards get modules: the only ones detect shows and
 * apply binds (a server's NICs and disks against every kernel would only cost time). */
int modules_resolve_cards(const char *root, struct inventory *inv, struct error *err);
/* The same, believing cache (a record from *cache_out of an earlier run, NULL if none) where
 * it holds for the kernels' index files and the card functions of now: then libkmod is not
 * even loaded. *cache_out: the record of this result (NULL where no kernel has an index);
 * the caller frees it. */
int modules_resolve_cards_cached(const char *root, struct inventory *inv, const char *cache,
				 char **cache_out, struct error *err);
/* The modules the initramfs hook adds for kernel kver: vfio, vfio_iommu_type1, vfio_pci,
 * and vfio_virqfd where that kernel still has it as a module; builtins omitted. */
int initramfs_modules(const char *root, const char *kver, struct strlist *out, struct error *err);
/* The vfio modules every Debian kernel has, NULL-terminated: what an initramfs gets where
 * no kernel index answers (the initramfs-tools hook too, through `package-script-facts`). */
extern const char *const vfio_modules_every_kernel[];
/* Appends vfio_modules_every_kernel to out. */
void initramfs_modules_fallback(struct strlist *out);
/* Whether name (as the index spells it: vfio_pci) is a vfio module whose blacklisting keeps
 * vfio-pci from binding: those above and vfio_pci_core. */
bool is_vfio_module(const char *name);
/* Kernel versions under root's /lib/modules and /usr/lib/modules, each once, oldest first.
 * with_index: only those whose module index depmod built (modules.dep.bin and
 * modules.alias.bin): the kernels libkmod, the initramfs generators and kernel-install see. */
void installed_kernels(const char *root, bool with_index, struct strlist *out);
/* Compare kernel versions as the kernels sort: digit runs numerically (6.10 > 6.9). <0, 0, >0. */
int kernel_version_cmp(const char *a, const char *b);
/* Sort kernel versions, oldest first (kernel_version_cmp). */
void kernel_versions_sort(struct strlist *versions);
