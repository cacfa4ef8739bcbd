// SPDX-License-Identifier: GPL-2.0-or-later
/* systemd-boot through kernel-install, as Debian sets it up (systemd-boot package, 12 and
 * 13): the entries' command line comes from /etc/kernel/cmdline (else /proc/cmdline), and
 * `kernel-install add KVER IMAGE [INITRD]` rewrites one kernel's entry, as the package's
 * /etc/kernel/postinst.d/zz-systemd-boot and initramfs post-update hooks do.
 *
 * In use when, under root, kernel-install is installed and a systemd-boot binary sits on
 * an EFI system partition (what `bootctl is-installed` checks, read from files so a test
 * root can show it): EFI/systemd/systemd-boot*.efi below /boot/efi, /efi or /boot. */
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#include "bls-entry.h"
#include "boot-kernel-install.h"
#include "boot-stack.h"
#include "kernel-cmdline-edit.h"
#include "run-tool.h"
#include "trial.h"
#include "util.h"

static bool has_systemd_boot_binary(const char *root, const char *esp)
{
	_cleanup_free_ char *rel = xasprintf("%s/EFI/systemd", esp);
	_cleanup_free_ char *dir = path_join(root, rel);
	DIR *d = opendir(dir);
	struct dirent *de;
	bool found = false;

	if (!d)
		return false;
	while (!found && (de = readdir(d))) {
		size_t n = strlen(de->d_name);

		found = strncasecmp(de->d_name, "systemd-boot", 12) == 0 && n > 16 &&
			strcasecmp(de->d_name + n - 4, ".efi") == 0;
	}
	closedir(d);
	return found;
}

static char *kernel_install_detect(const char *root)
{
	static const char *const esps[] = { "/boot/efi", "/efi", "/boot" };

	if (!exists_under(root, "/usr/bin/kernel-install") &&
	    !exists_under(root, "/bin/kernel-install"))
		return xstrdup("kernel-install is not installed (systemd-boot not in use).");
	for (size_t i = 0; i < ARRAY_SIZE(esps); i++)
		if (has_systemd_boot_binary(root, esps[i]))
			return NULL;
	return xstrdup("systemd-boot is not installed on an EFI system partition (/boot/efi, "
		       "/efi or /boot).");
}

/* The image kernel-install is given: Debian's /boot/vmlinuz-KVER, else the kernel-install
 * layout's /usr/lib/modules/KVER/vmlinuz. NULL: a module directory without a kernel. */
static char *kernel_image(const char *root, const char *kver)
{
	char *boot = xasprintf("/boot/vmlinuz-%s", kver);
	char *usr;

	if (exists_under(root, boot))
		return boot;
	free(boot);
	usr = xasprintf("/usr/lib/modules/%s/vmlinuz", kver);
	if (exists_under(root, usr))
		return usr;
	free(usr);
	return NULL;
}

/* kernel-install add KVER IMAGE [INITRD]; a kernel without an image is skipped. */
static void kernel_install_args(const char *root, const char *kver, struct strlist *args)
{
	_cleanup_free_ char *image = kernel_image(root, kver);
	_cleanup_free_ char *initrd = xasprintf(INITRD_IMAGE_FMT, kver);

	if (!image)
		return;
	sl_add(args, "kernel-install");
	sl_add(args, "add");
	sl_add(args, kver);
	sl_add(args, image);
	if (exists_under(root, initrd)) /* else kernel-install finds or builds one itself */
		sl_add(args, initrd);
}

static int kernel_install_regenerate(const char *root, struct error *err)
{
	size_t n_kernels;

	/* The trial's entry, a copy of the newest kernel's, follows after (trial_sync). */
	return tool_run_per_kernel(root, "kernel-install", false, kernel_install_args, &n_kernels,
				   err);
}

const struct boot_loader boot_loader_kernel_install = {
	.name = "kernel-install",
	.tool = "kernel-install",
	.detect = kernel_install_detect,
	.shared_params_file = KERNEL_CMDLINE_PATH,
	.regenerate = kernel_install_regenerate,
	/* systemd-boot loads kernel-install's copy on the ESP, not /boot's image. */
	.booted_initramfs = bls_kernel_initrd,
	.trial_refusal = kernel_install_trial_refusal,
	.trial_sync = kernel_install_trial_sync,
	.trial_arm = kernel_install_trial_arm,
	.trial_armed = kernel_install_trial_armed,
	.trial_disarm = kernel_install_trial_disarm,
	.trial_entry_options = kernel_install_trial_entry_options,
	.params_where = KERNEL_CMDLINE_PATH,
	.admin_params_where = KERNEL_CMDLINE_PATH,
	.apply_command = "kernel-install add KVER /boot/vmlinuz-KVER (for each kernel)",
	.trial_entry = TRIAL_SDBOOT_ENTRY,
};
