// SPDX-License-Identifier: GPL-2.0-or-later
/* status' checks of the kernel command line: what the boot loader will give the next boot
 * (the admin's shared params file), what the running kernel got, and whether the IOMMU is
 * on; their fixes name the boot loader in use through its table. Pure, like status-check.c. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "boot-stack.h"
#include "kernel-cmdline-edit.h"
#include "kernel-cmdline.h"
#include "status-check-internal.h"
#include "util.h"

/* How the fixes name the boot loader in use (its table): where our parameters live, where an
 * admin's own live, and the command that makes them active. With no loader found, the
 * parameters are the admin's to add by hand. */
static const char *params_where(const struct status_input *in)
{
	return in->loader ? in->loader->params_where : "the boot loader's kernel command line";
}

static const char *admin_params_where(const struct status_input *in)
{
	return in->loader ? in->loader->admin_params_where : "the boot loader's configuration";
}

/* "run update-grub", or for no loader found a hand's instruction. */
char *regen_step(const struct status_input *in)
{
	return in->loader ? xasprintf("run %s", in->loader->apply_command)
			  : xstrdup("regenerate the boot loader's entries by hand (no boot loader "
				    "this program knows is in use)");
}

/* An admin's intel_iommu=off, amd_iommu=off or iommu=off among the kernel's words of text
 * (/proc/cmdline, /etc/kernel/cmdline) against our parameters: which word wins. */
static void warn_iommu_off(const char *text, const char *subject, const char *ours,
			   struct status_report *r)
{
	_cleanup_free_ char *conflict = ours && ours[0] ? cmdline_iommu_conflict(text, ours) : NULL;

	if (conflict)
		report_add(
		    r, "cmdline-iommu-off", subject, CHECK_WARN, conflict,
		    "remove the IOMMU switch-off word from the kernel command line (its file, then regenerate the boot entries)",
		    "switches the IOMMU off against %s", ours);
}

/* The admin's file holds our words, or (absent) kernel-install takes the running line,
 * which must hold them then. Only our words are checked: the rest is the admin's. */
void check_params_file(const struct status_input *in, struct status_report *r)
{
	/* Absent: /usr/lib/kernel/cmdline, else the running line (kcmdline_next_boot). */
	const char *fallback = in->params_vendor_text ? in->params_vendor_text : in->cmdline;
	const char *fallback_name = in->params_vendor_text ? "the vendor's "
							     "/usr/lib/kernel/cmdline"
							   : "the running command line";
	const char *text = in->params_file_text ? in->params_file_text : fallback;
	struct strlist missing;

	/* No trial is pending here (status reports one apart): a trial entry's word in what the
	 * boot entries get would reach every entry kernel-install writes, for good. */
	if (in->params_file && text && kcmdline_carries_any(text, "vfio_passthrough_setup.")) {
		report_add(
		    r, "file", in->params_file, CHECK_FAIL,
		    in->params_file_text
			? "a trial boot's command line was copied into it"
			: "absent, so the boot entries get the running command line, which a trial boot's entry left there",
		    "run `vfio-passthrough-setup apply` (or remove): it writes the file without the trial's words",
		    "carries the trial entry's words (vfio_passthrough_setup.*)");
		return;
	}
	if (!in->params_file || !in->expected_params || !in->expected_params[0])
		return;
	if (in->params_file_text)
		warn_iommu_off(in->params_file_text, in->params_file, in->expected_params, r);
	sl_init(&missing);
	if (text)
		cmdline_missing(text, in->expected_params, &missing);
	if (text && !missing.n) {
		if (in->params_file_text)
			report_add(r, "file", in->params_file, CHECK_PASS, NULL, NULL, "carries %s",
				   in->expected_params);
		else
			report_add(r, "file", in->params_file, CHECK_PASS, NULL, NULL,
				   "absent; %s, which the boot entries get instead, carries %s",
				   fallback_name, in->expected_params);
	} else if (!in->params_file_text) {
		_cleanup_free_ char *cause = xasprintf(
		    "the file was deleted, or apply never ran with these settings: the boot entries get %s, which lacks the parameters",
		    fallback_name);

		report_add(r, "file", in->params_file, CHECK_FAIL, cause,
			   "run `vfio-passthrough-setup apply` to write it", "missing");
	} else {
		_cleanup_free_ char *list = sl_join(&missing, " ");

		report_add(
		    r, "file", in->params_file, CHECK_FAIL,
		    "edited by hand since the last apply, or apply never ran with these settings",
		    "run `vfio-passthrough-setup apply` to add them", "lacks %s", list);
	}
	sl_free(&missing);
}

void check_cmdline(const struct status_input *in, bool pending, struct status_report *r)
{
	struct strlist missing, words;

	if (!in->cmdline) {
		report_add(r, "cmdline", "/proc/cmdline", CHECK_UNKNOWN, NULL, NULL,
			   "/proc/cmdline is not readable");
		return;
	}
	sl_init(&words);
	cmdline_split_kernel(in->cmdline, &words);
	if (sl_has(&words, "amd_iommu=on")) {
		_cleanup_free_ char *step = regen_step(in);
		_cleanup_free_ char *fix = xasprintf(
		    "remove amd_iommu=on from %s (another tool or guide added it), then %s",
		    admin_params_where(in), step);

		report_add(
		    r, "cmdline-amd-iommu", "/proc/cmdline", CHECK_WARN,
		    "amd_iommu=on is not a valid value: the kernel ignores it (\"AMD-Vi: Unknown option - 'on'\"); the AMD IOMMU is enabled in the firmware",
		    fix, "the command line carries amd_iommu=on");
	}
	sl_free(&words);
	warn_iommu_off(in->cmdline, "/proc/cmdline", in->expected_params, r);
	if (!in->expected_params || !in->expected_params[0]) {
		report_add(r, "cmdline", "/proc/cmdline", CHECK_PASS, NULL, NULL,
			   "no kernel parameters are configured");
		return;
	}
	sl_init(&missing);
	cmdline_missing(in->cmdline, in->expected_params, &missing);
	if (!missing.n) {
		report_add(r, "cmdline", "/proc/cmdline", CHECK_PASS, NULL, NULL, "carries %s",
			   in->expected_params);
	} else {
		_cleanup_free_ char *list = sl_join(&missing, " ");
		_cleanup_free_ char *when =
		    xasprintf("%s takes effect at the next boot", params_where(in));
		_cleanup_free_ char *step = regen_step(in);
		_cleanup_free_ char *why =
		    in->loader
			? xasprintf(
			      "the boot entry does not include %s: %s did not run, the entry was edited at boot, or the machine boots with another boot loader",
			      params_where(in), in->loader->apply_command)
			: xstrdup(
			      "no boot loader this program knows is in use, so nothing added the parameters to the boot entries");
		_cleanup_free_ char *fix =
		    in->loader
			? xasprintf("%s and reboot", step)
			: xstrdup(
			      "add them to the boot loader's kernel command line by hand and reboot");

		if (pending)
			report_add(r, "cmdline", "/proc/cmdline", CHECK_PENDING, when, "reboot",
				   "lacks %s (until the reboot)", list);
		else
			report_add(r, "cmdline", "/proc/cmdline", CHECK_FAIL, why, fix, "lacks %s",
				   list);
	}
	sl_free(&missing);
}

/* if_off: how an IOMMU that is off counts (a failure, pending its reboot, or only worth
 * knowing when nothing is configured). */
void check_iommu(const struct status_input *in, enum check_result if_off, struct status_report *r)
{
	static const char *const off_params[] = { "intel_iommu=off", "amd_iommu=off", "iommu=off" };
	_cleanup_free_ char *cause = NULL, *fix = NULL;
	const char *off = NULL;
	struct strlist words;
	bool asked_on;

	if (in->iommu_groups > 0) {
		report_add(r, "iommu", NULL, CHECK_PASS, NULL, NULL, "active: %d IOMMU groups",
			   in->iommu_groups);
		return;
	}
	sl_init(&words);
	cmdline_split_kernel(in->cmdline, &words);
	for (size_t i = 0; i < ARRAY_SIZE(off_params); i++)
		if (sl_has(&words, off_params[i]))
			off = off_params[i];
	asked_on = sl_has(&words, "intel_iommu=on");
	/* What was seen decides the order of the possible causes, likeliest first. */
	if (off) {
		cause = xasprintf("the kernel command line switches it off (%s)", off);
		_cleanup_free_ char *step = regen_step(in);

		fix = xasprintf(
		    "remove %s from the kernel command line (%s or the file that adds it), %s, reboot",
		    off, admin_params_where(in), step);
	} else if (in->hypervisor) {
		cause = xasprintf(
		    "this is a virtual machine (%s): its hypervisor most likely offers it no virtual IOMMU; less likely, the VM's firmware leaves it off",
		    in->hypervisor);
		fix = xstrdup(
		    "give the VM a virtual IOMMU (libvirt: <iommu model='intel'/> on a q35 machine; QEMU: -device intel-iommu,intremap=on), then restart it; a device passed into the VM also needs the IOMMU on the host");
	} else if (in->cpu == CPU_AMD) {
		cause = xstrdup(
		    "the IOMMU (AMD-Vi) is off in the firmware setup, or the board does not offer it; amd_iommu=on cannot switch it on");
		fix = xstrdup("enable IOMMU (and SVM) in the BIOS/UEFI setup, then reboot");
	} else if (in->cpu == CPU_INTEL && asked_on) {
		cause = xstrdup(
		    "VT-d is off in the firmware (the command line carries intel_iommu=on), or the firmware offers no VT-d");
		fix = xstrdup("enable VT-d in the BIOS/UEFI setup, then reboot");
	} else if (in->cpu == CPU_INTEL) {
		cause = xstrdup(
		    "intel_iommu=on is not on the command line, or VT-d is off in the firmware");
		_cleanup_free_ char *step = regen_step(in);

		fix = xasprintf(
		    "keep intel_iommu=on in %s (%s); enable VT-d in the BIOS/UEFI setup; reboot",
		    params_where(in), step);
	} else {
		cause =
		    xstrdup("the IOMMU is off in the firmware or not supported by this machine");
		fix = xstrdup("enable VT-d / AMD-Vi (IOMMU) in the BIOS/UEFI setup, then reboot");
	}
	sl_free(&words);
	report_add(
	    r, "iommu", NULL, if_off, cause, fix, "no IOMMU groups in /sys/kernel/iommu_groups%s",
	    if_off == CHECK_PENDING ? " (the new kernel parameters are not booted yet)" : "");
}
