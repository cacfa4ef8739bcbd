/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The boot stack as backends: what `apply` writes under /etc reaches the next boot through
 * a boot loader and an initramfs generator, each one of several kinds. Each kind is one
 * file implementing one of the two interfaces below; regen.c detects which are in use under
 * the root and drives them. A new kind (kernel-install/systemd-boot, proxmox-boot-tool,
 * dracut) is a new file and one line in regen.c's lists.
 *
 * Boot loader ("where do kernel parameters go, how are they made active"):
 *   params_file   the drop-in render.c writes the kernel parameters to, which this boot
 *                 loader's own tool reads (GRUB: /etc/default/grub.d/...cfg)
 *   shared_params_file  or a file it reads that belongs to the admin (kernel-install:
 *                 /etc/kernel/cmdline): our words are added to it and taken out again
 *                 (kernel-cmdline-file.c), in the same transaction as the drop-ins
 *   detect        whether it is in use under root: NULL if so, else why not, as a sentence
 *                 for the admin (caller frees)
 *   regenerate    make the parameters active for every boot entry (update-grub)
 *
 * Initramfs generator ("how do modules and files get into every initramfs, how is it
 * rebuilt"): the modprobe.d file and the address list reach the image through this
 * generator's hooks (initramfs-tools: hooks/ and init-top/ in this package);
 *   detect        as above
 *   rebuild_all   rebuild the initramfs of every installed kernel (update-initramfs -u -k all)
 *   list_image    the file names inside a built image, through the generator's own lister
 *                 (lister: lsinitramfs, lsinitrd); -1 if it is missing or fails
 *
 * Both run tools only for the host's own root or under the test hook (regen.c decides);
 * they print one line saying what they run, and on failure set err with the tool's words. */
#pragma once

#include "util.h"

struct boot_loader {
	const char *name; /* "grub" */
	const char *tool; /* the command that makes parameters active, for messages */
	const char *params_file;
	const char *shared_params_file; /* NULL: the drop-in is all it reads */
	char *(*detect)(const char *root);
	int (*regenerate)(const char *root, struct error *err);
};

struct initramfs_generator {
	const char *name; /* "initramfs-tools" */
	const char *tool;
	char *(*detect)(const char *root);
	int (*rebuild_all)(const char *root, struct error *err);
	const char *lister;
	int (*list_image)(const char *image, struct strlist *names);
};

extern const struct boot_loader boot_loader_grub;
extern const struct boot_loader boot_loader_kernel_install;
extern const struct boot_loader boot_loader_proxmox;
extern const struct initramfs_generator initramfs_tools;
extern const struct initramfs_generator initramfs_dracut;

/* The generator regen.c would use under root: the first one detected, else NULL. */
const struct initramfs_generator *initramfs_generator_in_use(const char *root);

/* dracut (initramfs-dracut.c): whether it builds root's images (decided from root's files,
 * so that rendering under --root matches that system); the kernels it rebuilds, oldest
 * first; the names in lsinitrd's listing. */
bool dracut_is_generator(const char *root);
void dracut_installed_kernels(const char *root, struct strlist *out);
void dracut_names_from_listing(const struct strlist *lines, struct strlist *names);
