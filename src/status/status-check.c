// SPDX-License-Identifier: GPL-2.0-or-later
/* status' checks, pure: the facts of struct status_input in, a list of verdicts out. The
 * kernel command line's checks are in status-check-cmdline.c. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "util.h"

#include "boot-stack.h"
#include "settings.h"
#include "status-check-internal.h"
#include "state.h"
#include "status-check.h"

static bool nothing_configured(const struct status_input *in)
{
	return !in->configured && !in->config_error;
}

static bool applied_this_boot(const struct status_input *in)
{
	return in->have_state && in->boot_id && in->state_boot_id && in->state_boot_id[0] &&
	       strcmp(in->boot_id, in->state_boot_id) == 0;
}

static void check_state(const struct status_input *in, struct status_report *r)
{
	if (!in->have_state && nothing_configured(in)) {
		if (!in->n_stray_vfio)
			report_add(
			    r, "reboot", NULL, CHECK_PASS, NULL, NULL,
			    "nothing waits for a reboot: no card is configured and vfio-pci holds no device");
		return;
	}
	if (!in->have_state) {
		report_add(r, "reboot", NULL, CHECK_UNKNOWN, NULL, NULL,
			   "no record of an apply (" STATE_PATH " is missing)");
		return;
	}
	if (in->last_apply_failed)
		report_add(
		    r, "last-apply", NULL, CHECK_FAIL,
		    "regenerating the boot files or writing a file failed at the last apply; the previous files were put back, so the new configuration is not active",
		    "fix the error shown, then run `dpkg-reconfigure vfio-passthrough-setup` (or `vfio-passthrough-setup apply`) to retry",
		    "the last apply failed: %s",
		    in->last_apply_error && in->last_apply_error[0] ? in->last_apply_error
								    : "no detail recorded");
	else
		report_add(r, "last-apply", NULL, CHECK_PASS, NULL, NULL,
			   "the last apply succeeded");
	if (in->regen_pending && in->regen_pending[0])
		report_add(
		    r, "regeneration", NULL, CHECK_FAIL,
		    "a run of vfio-passthrough-setup was interrupted (killed, crashed or the power went) after it changed its files and before the boot files were regenerated",
		    "run `vfio-passthrough-setup apply` (or `remove`, or `dpkg-reconfigure vfio-passthrough-setup`): it finishes the regeneration first",
		    "regeneration pending (%s): the boot files may not match the configuration",
		    in->regen_pending);
	if (nothing_configured(in)) {
		/* Only a binding left from a configuration removed in this boot waits for
		 * a reboot; a machine where nothing was configured waits for nothing. */
		if (!in->n_stray_vfio)
			report_add(
			    r, "reboot", NULL, CHECK_PASS, NULL, NULL,
			    "nothing waits for a reboot: no card is configured and vfio-pci holds no device");
		else if (applied_this_boot(in))
			report_add(
			    r, "reboot", NULL, CHECK_PENDING,
			    "the configuration was removed in this boot; vfio-pci keeps the devices it holds until the next boot",
			    "reboot: the devices go back to their own drivers",
			    "reboot pending: the last change was applied in this boot");
		return;
	}
	if (!in->boot_id || !in->state_boot_id || !in->state_boot_id[0]) {
		report_add(
		    r, "reboot", NULL, CHECK_UNKNOWN, NULL, NULL,
		    "cannot tell whether the machine rebooted since the last apply (no boot_id)");
		return;
	}
	if (strcmp(in->boot_id, in->state_boot_id) == 0)
		report_add(
		    r, "reboot", NULL, CHECK_PENDING, "the configuration was changed in this boot",
		    "reboot: the kernel command line, the initramfs and the driver binding take effect at the next boot",
		    "reboot pending: the last change was applied in this boot");
	else
		report_add(r, "reboot", NULL, CHECK_PASS, NULL, NULL,
			   "the machine has rebooted since the last change");
}

static void check_files_owned(const struct status_input *in, struct status_report *r)
{
	if (in->files_as_applied) {
		bool settings_differ = false;

		for (size_t i = 0; i < in->n_files; i++) {
			const struct status_file *f = &in->files[i];

			if (f->actual)
				report_add(r, "file", f->path, CHECK_PASS, NULL, NULL,
					   "present, as the last apply wrote it");
			if ((f->expected == NULL) != (f->actual == NULL) ||
			    (f->expected && strcmp(f->expected, f->actual) != 0))
				settings_differ = true;
		}
		if (settings_differ)
			report_add(
			    r, "settings", SETTINGS_PATH, CHECK_WARN,
			    "the settings ask for another configuration than the last apply wrote (edited since, or apply ran with command-line options)",
			    "run `vfio-passthrough-setup apply` to apply the settings file",
			    "not applied yet");
		return;
	}
	for (size_t i = 0; i < in->n_files; i++) {
		const struct status_file *f = &in->files[i];
		const char *fix =
		    "run `vfio-passthrough-setup apply` (or `dpkg-reconfigure vfio-passthrough-setup`) to rewrite it";

		if (!f->expected && !f->actual)
			continue;
		if (f->expected && f->actual && strcmp(f->expected, f->actual) == 0)
			report_add(r, "file", f->path, CHECK_PASS, NULL, NULL,
				   "present and current");
		else if (f->expected && !f->actual)
			report_add(r, "file", f->path, CHECK_FAIL,
				   "the file was deleted, or apply never ran with these settings",
				   fix, "missing");
		else if (!f->expected)
			report_add(
			    r, "file", f->path, CHECK_FAIL,
			    "the settings no longer ask for this file (left from an earlier apply)",
			    fix, "present but not wanted by the current settings");
		else
			report_add(
			    r, "file", f->path, CHECK_FAIL,
			    "edited by hand, or the settings or hardware changed since the last apply",
			    fix, "differs from what the current settings produce");
	}
}

static void check_files(const struct status_input *in, struct status_report *r)
{
	check_files_owned(in, r);
	check_params_file(in, r);
}

/* Whether vfio-pci exists could not be looked up, or no kernel has it: say why. */
static void check_vfio_module(const struct status_input *in, enum check_result if_missing,
			      struct status_report *r)
{
	switch (in->vfio_lookup) {
	case VFIO_LOOKUP_FOUND:
		break;
	case VFIO_LOOKUP_MISSING:
		report_add(r, "vfio-pci", NULL, if_missing,
			   "the installed kernels were built without vfio-pci",
			   "install a Debian kernel (linux-image-amd64), then reboot into it",
			   "no installed kernel has vfio-pci");
		break;
	case VFIO_LOOKUP_NO_KERNEL:
	case VFIO_LOOKUP_NO_INDEX:
		report_add(r, "vfio-pci", NULL, CHECK_UNKNOWN, NULL, NULL, "not looked up: %s",
			   vfio_lookup_failure(in->vfio_lookup == VFIO_LOOKUP_NO_INDEX));
		break;
	}
}

/* Nothing configured, yet vfio-pci holds these: left from a configuration removed in this
 * boot, or bound by another tool. */
static void check_stray_vfio(const struct status_input *in, bool pending, struct status_report *r)
{
	for (size_t i = 0; i < in->n_stray_vfio; i++) {
		const struct status_function *f = &in->stray_vfio[i];
		char addr[PCI_ADDR_STRLEN];

		pci_addr_format(&f->addr, addr);
		if (pending)
			report_add(r, "driver", addr, CHECK_PENDING,
				   "the configuration was removed in this boot", "reboot",
				   "%s now; its own driver after the reboot", f->driver);
		else
			report_add(
			    r, "driver", addr, CHECK_WARN,
			    "another tool binds it to vfio-pci (see the conflict lines), or the configuration was removed and the machine has not rebooted since",
			    "reboot; if vfio-pci takes it again, remove the other tool's binding",
			    "%s holds it although nothing is configured", f->driver);
	}
}

/* The command that rebuilds KVER's initramfs (every kernel's: NULL) on this machine, in the
 * generator's own words. */
static char *rebuild_command(const struct status_input *in, const char *kver)
{
	return initramfs_generator_or_default(in->generator)->rebuild_command(kver);
}

static void check_initramfs(const struct status_input *in, struct status_report *r)
{
	const char *img = in->initramfs_path ? in->initramfs_path : "initramfs";

	switch (in->initramfs) {
	case INITRAMFS_OK:
		report_add(r, "initramfs", img, CHECK_PASS, NULL, NULL,
			   "contains the vfio modules for %s", in->kernel ? in->kernel : "?");
		break;
	case INITRAMFS_MISSING: {
		_cleanup_free_ char *list =
		    in->initramfs_missing ? sl_join(in->initramfs_missing, ", ") : xstrdup("?");
		_cleanup_free_ char *rebuild = rebuild_command(in, in->kernel);
		_cleanup_free_ char *fix = xasprintf("run %s, then reboot", rebuild);
		struct check *c =
		    report_add(r, "initramfs", img, CHECK_FAIL, NULL, NULL, "lacks %s", list);

		check_set_cause(
		    c,
		    xstrdup(
			"the initramfs was built before the configuration, or the package's initramfs hook did not run, so a GPU driver can bind the card before vfio-pci"),
		    xstrdup(fix));
		break;
	}
	case INITRAMFS_NO_IMAGE:
		report_add(
		    r, "initramfs", img, CHECK_UNKNOWN, NULL, NULL,
		    "no initramfs for the running kernel %s: modules load from the root file system",
		    in->kernel ? in->kernel : "?");
		break;
	case INITRAMFS_UNKNOWN:
		report_add(r, "initramfs", img, CHECK_UNKNOWN, NULL, NULL, "not checked: %s",
			   in->initramfs_reason ? in->initramfs_reason : "unknown reason");
		break;
	}
}

bool driver_is_vfio(const char *driver)
{
	static const char suffix[] = "_vfio_pci";
	size_t len;

	if (!driver)
		return false;
	if (strcmp(driver, "vfio-pci") == 0)
		return true;
	/* Variant drivers (nvgrace_gpu_vfio_pci, mlx5_vfio_pci, ...) are vfio-pci with
	 * device-specific parts: the device is as much VFIO's as with vfio-pci itself. */
	len = strlen(driver);
	return len > sizeof(suffix) - 1 && strcmp(driver + len - (sizeof(suffix) - 1), suffix) == 0;
}

static void check_drivers(const struct status_input *in, bool pending, struct status_report *r)
{
	for (size_t i = 0; i < in->n_functions; i++) {
		const struct status_function *f = &in->functions[i];
		char addr[PCI_ADDR_STRLEN];

		pci_addr_format(&f->addr, addr);
		if (!f->present) {
			report_add(
			    r, "driver", addr, CHECK_FAIL,
			    "the card was removed, or moved to another slot so its address changed",
			    "run `dpkg-reconfigure vfio-passthrough-setup` (or `apply --devices ADDR`) to choose the card at its new address",
			    "not present in /sys/bus/pci");
		} else if (f->driver && strcmp(f->driver, "vfio-pci") == 0) {
			report_add(r, "driver", addr, CHECK_PASS, NULL, NULL, "vfio-pci");
		} else if (driver_is_vfio(f->driver)) {
			report_add(r, "driver", addr, CHECK_PASS, NULL, NULL,
				   "%s (a vfio-pci variant driver)", f->driver);
		} else if (pending) {
			report_add(r, "driver", addr, CHECK_PENDING, "the binding happens at boot",
				   "reboot", "%s now; vfio-pci after the reboot",
				   f->driver ? f->driver : "no driver");
		} else if (f->driver) {
			_cleanup_free_ char *rebuild = rebuild_command(in, NULL);
			_cleanup_free_ char *step = regen_step(in);
			struct check *c = report_add(r, "driver", addr, CHECK_FAIL, NULL, NULL,
						     "%s (expected vfio-pci)", f->driver);

			if (in->vfio_builtin)
				check_set_cause(
				    c,
				    xasprintf(
					"vfio-pci is built into this kernel, so only vfio-pci.ids= on the kernel command line binds the card; without it %s took the function",
					f->driver),
				    xasprintf("see the cmdline line of this report: %s and reboot",
					      step));
			else
				check_set_cause(
				    c,
				    xasprintf(
					"%s bound the function before vfio-pci: vfio-pci is not in the initramfs, the softdep for %s is missing, or another tool binds it",
					f->driver, f->driver),
				    xasprintf(
					"check the initramfs and conflict lines of this report; `vfio-passthrough-setup apply`, %s, reboot",
					rebuild));
		} else {
			report_add(
			    r, "driver", addr, CHECK_FAIL,
			    "vfio-pci did not claim it: vfio-pci is not loaded, or this function's id is not in its ids= list",
			    "check the modprobe.d file and the initramfs checks of this report; `vfio-passthrough-setup apply`, then reboot",
			    "no driver bound (expected vfio-pci)");
		}
	}
}

/* Identical cards bound by id take the host's card too: the host is left without display.
 */
static void check_host_card(const struct status_input *in, struct status_report *r)
{
	for (size_t i = 0; i < in->n_host_functions; i++) {
		const struct status_function *f = &in->host_functions[i];
		char addr[PCI_ADDR_STRLEN];

		if (!driver_is_vfio(f->driver))
			continue;
		pci_addr_format(&f->addr, addr);
		report_add(
		    r, "host-card", addr, CHECK_FAIL,
		    "a vfio-pci ids= binding (another tool's, or an old configuration) also matches the host's card, which has the same ids as the passed one",
		    "remove the other ids= binding (see the conflict lines), then `vfio-passthrough-setup apply` binds by address; reboot",
		    "the host's own card is bound to vfio-pci");
	}
}

/*
 * A group is the unit vfio hands to a VM (Documentation/driver-api/vfio.rst: "the group is
 * the minimum granularity that must be assigned to a VM"): every endpoint in it goes too.
 * The pcie_acs_override= parameter guides give is not a mainline kernel parameter (not in
 * Documentation/admin-guide/kernel-parameters.txt): an out-of-tree patch some kernels carry
 * (Proxmox VE's, linux-zen) that splits groups by assuming isolation the hardware does not
 * promise; the package never sets it.
 */
// clang-format off
#define GROUP_SHARED_CAUSE "the slot shares its IOMMU group with devices that are neither the card's functions nor bridges: vfio hands a VM whole groups, so a VM cannot use the card in this slot without them"
#define GROUP_SHARED_FIX "move the card to a slot wired to the CPU (see the board manual); do not bind the other devices if the host needs them; the pcie_acs_override= parameter some guides give is not in mainline Linux (an out-of-tree patch, e.g. in Proxmox VE's and linux-zen's kernels) and only assumes an isolation the hardware does not promise"
// clang-format on

static void check_groups(const struct status_input *in, struct status_report *r)
{
	if (in->iommu_groups <= 0)
		return; /* the iommu check already says why */
	for (size_t i = 0; i < in->n_cards; i++) {
		const struct status_card *c = &in->cards[i];
		char addr[PCI_ADDR_STRLEN];

		pci_addr_format(&c->addr, addr);
		if (c->boot_vga || c->host)
			report_add(
			    r, "host-gpu", addr, CHECK_WARN,
			    c->boot_vga
				? "the firmware shows its console on this card; once vfio-pci holds it the host has no console and no display manager on it"
				: "this is the only card the host could keep for its display",
			    "set the primary display to the other GPU in the BIOS setup; or pass another card (`dpkg-reconfigure vfio-passthrough-setup`)",
			    "passed through with consent although it is the host's display");
		if (c->iommu_group < 0) {
			report_add(r, "iommu-group", addr, CHECK_UNKNOWN, NULL, NULL,
				   "the card has no IOMMU group");
		} else if (!c->group_peers || !c->group_peers->n) {
			_cleanup_free_ char *members = status_group_text(in, c->iommu_group);

			report_add(r, "iommu-group", addr, CHECK_PASS, NULL, NULL,
				   "group %d holds only the card's functions and bridges%s%s%s",
				   c->iommu_group, members ? " (" : "", members ? members : "",
				   members ? ")" : "");
		} else {
			_cleanup_free_ char *peers = sl_join(c->group_peers, " ");

			report_add(r, "iommu-group", addr, CHECK_FAIL, GROUP_SHARED_CAUSE,
				   GROUP_SHARED_FIX, "group %d also holds %s", c->iommu_group,
				   peers);
		}
	}
}

static char *conflict_fix(const struct status_input *in, const struct conflict *c)
{
	_cleanup_free_ char *rebuild = NULL;

	switch (c->kind) {
	case CONFLICT_VFIO_IDS:
	case CONFLICT_BLACKLIST:
	case CONFLICT_INSTALL:
		rebuild = rebuild_command(in, NULL);
		return xasprintf("delete or comment out that line, then %s and reboot", rebuild);
	case CONFLICT_DRIVERCTL:
		return xstrdup("`driverctl unset-override` the device");
	case CONFLICT_SUPERGFXD:
		return xstrdup(
		    "`supergfxctl --mode Hybrid`, or `systemctl disable --now supergfxd`");
	case CONFLICT_BOOT_PARAM:
		return xasprintf("remove the parameter from that file, then `%s` and reboot",
				 c->loader->apply_command);
	}
	return NULL;
}

static void check_conflicts(const struct status_input *in, struct status_report *r)
{
	for (size_t i = 0; i < in->n_conflicts; i++) {
		const struct conflict *c = &in->conflicts[i];
		_cleanup_free_ char *where =
		    c->line ? xasprintf("%s:%d", c->path, c->line) : xstrdup(c->path);
		_cleanup_free_ char *fix = conflict_fix(in, c);

		bool serious = c->serious;

		/* A driverctl override matters only on a function we pass through. */
		if (c->kind == CONFLICT_DRIVERCTL && serious) {
			struct pci_addr a;

			serious = false;
			if (pci_addr_parse(c->subject, &a) == 0)
				for (size_t k = 0; k < in->n_functions; k++)
					if (pci_addr_cmp(&a, &in->functions[k].addr) == 0)
						serious = true;
		}
		report_add(r, "conflict", where, serious ? CHECK_FAIL : CHECK_WARN, c->explain, fix,
			   "%s", c->text);
	}
}

void status_evaluate(const struct status_input *in, struct status_report *out)
{
	bool pending;

	memset(out, 0, sizeof(*out));
	if (in->config_error) {
		report_add(
		    out, "config", NULL, CHECK_FAIL,
		    "the configured card is not where the settings or the last apply say (moved to another slot, removed), or the settings are invalid",
		    "find the card with `vfio-passthrough-setup detect`, then `dpkg-reconfigure vfio-passthrough-setup` (or fix /etc/default/vfio-passthrough-setup)",
		    "%s", in->config_error);
	} else if (!in->configured) {
		/* Not a failure: nothing was asked for, and nothing is broken. */
		report_add(
		    out, "config", NULL, CHECK_WARN, "no card is chosen for passthrough",
		    "choose one: `dpkg-reconfigure vfio-passthrough-setup`, or `vfio-passthrough-setup apply --devices ADDR`",
		    "nothing is configured");
	} else {
		_cleanup_free_ char *list = NULL;
		struct strlist cards;

		sl_init(&cards);
		for (size_t i = 0; i < in->n_cards; i++) {
			char a[PCI_ADDR_STRLEN];

			pci_addr_format(&in->cards[i].addr, a);
			sl_add(&cards, a);
		}
		list = sl_join(&cards, " ");
		sl_free(&cards);
		report_add(out, "config", NULL, CHECK_PASS, NULL, NULL, "configured: %s", list);
	}
	check_state(in, out);
	pending = report_has(out, CHECK_PENDING);
	out->reboot_pending = pending;
	check_files(in, out);
	if (!in->have_pci) {
		report_add(out, "pci", "/sys/bus/pci", CHECK_UNKNOWN, NULL, NULL,
			   "no /sys/bus/pci: a chroot or container; hardware checks skipped");
	} else if (!in->configured) {
		/* Nothing to verify; whether an IOMMU exists still helps to decide. */
		/* A configuration that cannot be built still needs an IOMMU. */
		check_iommu(in, nothing_configured(in) ? CHECK_WARN : CHECK_FAIL, out);
		check_vfio_module(in, nothing_configured(in) ? CHECK_WARN : CHECK_FAIL, out);
		check_stray_vfio(in, pending, out);
	} else {
		check_cmdline(in, pending, out);
		check_iommu(in, pending ? CHECK_PENDING : CHECK_FAIL, out);
		check_vfio_module(in, CHECK_FAIL, out);
		check_initramfs(in, out);
		check_drivers(in, pending, out);
		check_host_card(in, out);
		check_groups(in, out);
	}
	if (in->have_pci && in->inv)
		check_datacenter(in, out);
	if (in->have_pci && in->configured)
		check_vm(in, out);
	check_conflicts(in, out);
	out->nothing_configured = nothing_configured(in);
}
