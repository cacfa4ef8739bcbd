/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The boot stack as backends: what `apply` writes under /etc reaches the next boot through
 * a boot loader and an initramfs generator, each one of several kinds. Each kind is one
 * backend (one file, or two named after it: boot-grub.c and boot-grub-trial.c) filling in
 * one of the two tables below, compare pciutils' struct pci_methods. regen.c lists them in
 * order of preference and picks the boot loader and the initramfs generator in use under
 * the root once per run (boot_loader_choose, initramfs_generator_in_use); nothing outside
 * a backend compares backend pointers or spells a backend's paths or tools. A new backend
 * is its file(s), one line in regen.c's list, one extern line here, its contract-suite
 * profile (tests/contract) and its packaging lines.
 *
 * Boot loader ("where do kernel parameters go, how are they made active, how is an entry
 * booted once"):
 *   detect        whether it is in use under root: NULL if so, else why not, as a sentence
 *                 for the admin (caller frees)
 *   params_dropin its own drop-in for the kernel parameters, which its tool reads (GRUB:
 *                 /etc/default/grub.d/...cfg), rendered by render_params (render.c asks
 *                 every backend that has one: a drop-in is inert while its loader is not in
 *                 use, and right when it is installed or switched back to later);
 *                 dropin_params reads the parameters back from the file on disk (status)
 *   shared_params_file  or a file it reads that belongs to the admin (kernel-install:
 *                 /etc/kernel/cmdline): our words are added to it and taken out again
 *                 (kernel-cmdline-file.c), in the same transaction as the drop-ins
 *   regenerate    make the parameters active for every boot entry (update-grub)
 *   booted_initramfs  the image its entry for kernel kver loads, for status (root-relative,
 *                 caller frees); NULL: /boot/initrd.img-KVER
 * The trial (trial.h): one entry carrying the trial's parameters, booted once.
 *   trial_refusal why no trial can be had here (caller frees), NULL if it can: refusals are
 *                 data, so a loader without a one-shot says why in its own file
 *   trial_sync    after regenerate: make the trial entry follow the trial file (params: its
 *                 params=, NULL when there is no trial: the entry goes), or check that
 *                 regenerate did (GRUB: the shipped grub.d script writes it); NULL: none
 *   trial_arm     make the trial entry the next boot's, once (grub-reboot, bootctl
 *                 set-oneshot); under a foreign root it only says what to run
 *   trial_armed   whether the one-shot request names the trial entry now
 *   trial_disarm  clear that request (regen.c does so whenever the trial entry goes, so that
 *                 no request for a missing entry is left for the next boot)
 *   trial_entry   the trial entry's name as its tool knows it, for messages
 *   trial_entry_options  the kernel words the trial entry itself gives (caller frees; NULL:
 *                 none): in the trial boot, the running words not among them were typed at
 *                 the boot menu, and confirm does not keep them (kernel-cmdline-file.c)
 *   params_where, admin_params_where, apply_command  for status's fixes: where our
 *                 parameters live ("the grub drop-in"), where an admin's own live
 *                 ("/etc/default/grub"), and the command that makes a change to them active
 *                 ("update-grub")
 *   admin_config, line_params  the admin's own files of the loader's configuration
 *                 (root-relative, in the order it reads them, our drop-in left out: GRUB's
 *                 /etc/default/grub and the .cfg files of /etc/default/grub.d), and the kernel
 * words one line of them gives every entry (split in place; 0 if none): the conflict scan
 * (conflicts.c) looks there for vfio-pci.ids= and amd_iommu=on; NULL: none configured_cmdline  the
 * kernel words the loader's own configuration gives every entry with ours in place, and *where
 * names its files (both caller frees), so that apply can warn of an IOMMU switched off against
 * ours; NULL: the shared params file is all its configuration
 *
 * Initramfs generator ("how do modules and files get into every initramfs, how is it
 * rebuilt"): the modprobe.d file and the address list reach the image through this
 * generator's hooks (initramfs-tools: hooks/ and init-top/ in this package). Everything
 * about one generator is in its file; the rest of the program asks the table:
 *   detect        as above
 *   dropin_path   the generator's own drop-in, which it reads when it builds an image (NULL:
 *                 none); one of the owned files, deleted by remove and by the postrm
 *   render_dropin its text for a plan (NULL: the file must not exist); modprobe_file and
 *                 override_file say whether those files are written, for it to name them
 *   forces_modules its images leave modprobe.d out: the plan lists the vfio modules every
 *                 installed kernel has (plan->forced_modules) for render_dropin to force in
 *   rebuild_all   rebuild the initramfs of every installed kernel
 *   rebuild_command the command an admin runs to rebuild kver's image (NULL: every kernel's),
 *                 in backquotes, as status prints it in a fix (caller frees)
 *   lister, list_image  the file names inside a built image, through the generator's own
 *                 lister; -1 if it is missing or fails
 *   trial_refusal why `apply --trial` cannot work with it, completing "<name> builds the
 *                 initramfs here, and ..."; NULL: a trial works
 *   images_carry_package  its images hold this package's own scripts whatever the
 *                 configuration, so on package removal they are rebuilt by the postrm once
 *                 the package is gone, not by `remove`
 *   unless_tool   the generator is in use only where this tool is absent (dracut: where
 *                 update-initramfs is, initramfs-tools builds the images); NULL: none. The
 *                 rule is then: its tool present, unless_tool absent; detect applies it to
 *                 root's files, `package-script-facts` writes it as shell for the postrm
 *   shell_rebuild the rebuild as POSIX shell, for the postrm, which runs once the helper is
 *                 gone: debian/rules pastes it in through the hidden `package-script-facts`
 *                 command (cmd-package-facts.c)
 *
 * Both run tools only for the host's own root or under the test hook (regen.c decides);
 * they print one line saying what they run, and on failure set err with the tool's words. */
#pragma once

#include "util.h"

/* Debian's path of kernel KVER's initramfs image (printf format, KVER for %s): both
 * generators' kernel hooks write it there, GRUB's 10_linux and kernel-install read it. */
#define INITRD_IMAGE_FMT "/boot/initrd.img-%s"

struct boot_loader {
	const char *name; /* "grub" */
	const char *tool; /* the command that makes parameters active, for messages */
	char *(*detect)(const char *root);
	const char *params_dropin;
	char *(*render_params)(const char *params);
	char *(*dropin_params)(const char *text);
	const char *shared_params_file; /* NULL: the drop-in is all it reads */
	int (*regenerate)(const char *root, struct error *err);
	char *(*booted_initramfs)(const char *root, const char *kver);
	char *(*trial_refusal)(const char *root);
	int (*trial_sync)(const char *root, const char *params, struct error *err);
	int (*trial_arm)(const char *root, struct error *err);
	bool (*trial_armed)(const char *root);
	int (*trial_disarm)(const char *root, struct error *err);
	const char *trial_entry;
	char *(*trial_entry_options)(const char *root);
	void (*admin_config)(const char *root, struct strlist *paths);
	size_t (*line_params)(char *line, char **words, size_t max);
	char *(*configured_cmdline)(const char *root, const char *ours, char **where);
	const char *params_where;
	const char *admin_params_where;
	const char *apply_command;
};

struct plan;

struct initramfs_generator {
	const char *name; /* "initramfs-tools" */
	const char *tool; /* the command that rebuilds the images, for messages */
	char *(*detect)(const char *root);
	const char *dropin_path;
	char *(*render_dropin)(const struct plan *plan, bool modprobe_file, bool override_file);
	bool forces_modules;
	int (*rebuild_all)(const char *root, struct error *err);
	char *(*rebuild_command)(const char *kver);
	const char *lister;
	int (*list_image)(const char *image, struct strlist *names);
	const char *trial_refusal;
	bool images_carry_package;
	const char *unless_tool;
	const char *shell_rebuild;
};

/* Each backend's table (regen.c's list is the only place that names them). */
extern const struct boot_loader boot_loader_grub;
extern const struct boot_loader boot_loader_kernel_install;
extern const struct boot_loader boot_loader_proxmox;
/* Every boot loader, in order of preference (regen.c). */
extern const struct boot_loader *const boot_loaders[];
extern const size_t n_boot_loaders;
extern const struct initramfs_generator initramfs_tools;
extern const struct initramfs_generator initramfs_dracut;

/* Every initramfs generator, in order of preference (regen.c's list). */
const struct initramfs_generator *const *initramfs_generators_all(size_t *n);
/* The generator that builds root's images: the first one detected, else NULL. Chosen once
 * per run: later calls for the same root get the first answer, so that the files rendered,
 * the tool run and what status says all speak of one generator. */
const struct initramfs_generator *initramfs_generator_in_use(const char *root);
/* The first one detected now, without remembering it (tests). */
const struct initramfs_generator *initramfs_generator_detect(const char *root);
/* g, or where none is found the one named in messages (the last, the Debian default). */
const struct initramfs_generator *initramfs_generator_or_default(
    const struct initramfs_generator *g);

/* dracut (initramfs-dracut.c): the names in lsinitrd's listing. */
void dracut_names_from_listing(const struct strlist *lines, struct strlist *names);
