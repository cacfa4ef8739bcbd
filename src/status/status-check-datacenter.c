// SPDX-License-Identifier: GPL-2.0-or-later
/* What a data-center GPU host adds to status: its NVSwitches, the SR-IOV virtual functions
 * of its cards, whether a configured card can be reset between VM runs. Never failures:
 * both ways of running NVSwitches are valid, VFs are the vendor driver's to create (passing
 * a card whose VFs are in use was consented to: a warning), and a card that resets badly
 * still works for one VM run (a warning, exit status 0). */
#include <string.h>

#include <stdio.h>
#include <stdlib.h>

#include "policy.h"
#include "status-check-internal.h"

static bool configured(const struct status_input *in, const struct pci_addr *a)
{
	for (size_t i = 0; i < in->n_cards; i++)
		if (pci_addr_cmp(&in->cards[i].addr, a) == 0)
			return true;
	return false;
}

static void check_nvswitches(const struct status_input *in, struct status_report *r)
{
	const struct inventory *inv = in->inv;
	_cleanup_free_ char *list = NULL;
	struct strlist addrs;
	size_t passed = 0;

	sl_init(&addrs);
	for (size_t i = 0; i < inv->n_cards; i++) {
		char a[PCI_ADDR_STRLEN];

		if (!inv->cards[i].nvswitch)
			continue;
		pci_addr_format(&inv->cards[i].addr, a);
		sl_add(&addrs, a);
		passed += configured(in, &inv->cards[i].addr);
	}
	if (addrs.n) {
		list = sl_join(&addrs, " ");
		if (passed)
			report_add(r, "nvswitch", list, CHECK_PASS, NULL, NULL,
				   "%zu of %zu NVSwitches go to the VM with the GPUs (full "
				   "passthrough): " NVSWITCH_MODES,
				   passed, addrs.n);
		else
			report_add(
			    r, "nvswitch", list, CHECK_PASS, NULL, NULL,
			    "%zu NVSwitch%s stay with the host (shared NVSwitch mode): " NVSWITCH_MODES,
			    addrs.n, addrs.n == 1 ? "" : "es");
	}
	sl_free(&addrs);
}

/* "1 of 31 VFs enabled: 0000:4d:00.1 (vfio-pci)" for each card whose PF has SR-IOV; a warning
 * when the card is configured and its driver's VFs are still there. */
static void check_sriov(const struct status_input *in, struct status_report *r)
{
	const struct inventory *inv = in->inv;

	for (size_t c = 0; c < inv->n_cards; c++) {
		const struct pci_function *pf = inventory_find(inv, &inv->cards[c].addr);
		char *lost;
		struct strbuf vfs;
		size_t n_vfs;
		char a[PCI_ADDR_STRLEN];

		if (!pf || pf->sriov_totalvfs <= 0)
			continue;
		sb_init(&vfs);
		n_vfs = inventory_describe_vfs(inv, pf, " (", ")", &vfs);
		pci_addr_format(&pf->addr, a);
		/* configured, and its driver's VFs still there: the reboot (or apply --now)
		 * takes them away; once vfio-pci holds the PF they are gone, and so is this */
		lost = configured(in, &pf->addr) ? policy_vfs_lost(inv, &inv->cards[c]) : NULL;
		report_add(r, "sriov", a, lost ? CHECK_WARN : CHECK_PASS, lost,
			   lost ? SRIOV_VFS_CHOICES : NULL,
			   "sriov_totalvfs %d, sriov_numvfs %d%s%s", pf->sriov_totalvfs,
			   pf->sriov_numvfs, n_vfs ? "; VFs present: " : "; no VF present",
			   n_vfs ? vfs.buf : "");
		free(lost);
		sb_free(&vfs);
	}
}

static bool has_word(const char *list, const char *word)
{
	size_t n = strlen(word);

	for (const char *p = list; p && (p = strstr(p, word)); p += n)
		if ((p == list || p[-1] == ' ') && (p[n] == '\0' || p[n] == ' '))
			return true;
	return false;
}

char *status_reset_detail(const struct pci_function *f, const char **family_out)
{
	const char *family = policy_reset_quirk(f->vendor, f->device);

	*family_out = NULL;
	if (family && !has_word(f->reset_method, "device_specific")) {
		*family_out = family;
		return xasprintf("AMD %s: no device_specific reset (reset_method: %s)", family,
				 f->reset_method ? f->reset_method : "unknown");
	}
	if (family)
		return xasprintf("reset_method: %s (vendor-reset resets the AMD %s)",
				 f->reset_method, family);
	if (f->reset_method)
		return xasprintf("reset_method: %s", f->reset_method);
	if (f->flr >= 0)
		return xasprintf("%s (config space: this kernel has no reset_method file)",
				 f->flr ? "FLR advertised"
					: "no FLR: bus or power-state reset only");
	return NULL;
}

/* Per configured card: the kernel's reset methods, and a warning for the families the
 * vendor-reset project lists, unless its device_specific reset is in place. */
static void check_reset(const struct status_input *in, struct status_report *r)
{
	for (size_t i = 0; i < in->n_cards; i++) {
		const struct pci_function *f = inventory_find(in->inv, &in->cards[i].addr);
		_cleanup_free_ char *detail = NULL;
		const char *family;
		char a[PCI_ADDR_STRLEN];

		if (!f || !(detail = status_reset_detail(f, &family)))
			continue;
		pci_addr_format(&f->addr, a);
		if (family) {
			_cleanup_free_ char *cause = xasprintf(
			    "the vendor-reset project lists AMD %s as not resetting cleanly: after "
			    "the VM restarts the card can stay dead until the host reboots",
			    family);

			report_add(r, "reset", a, CHECK_WARN, cause, RESET_QUIRK_FIX, "%s", detail);
		} else {
			report_add(r, "reset", a, CHECK_PASS, NULL, NULL, "%s", detail);
		}
	}
}

void check_datacenter(const struct status_input *in, struct status_report *r)
{
	check_nvswitches(in, r);
	check_sriov(in, r);
	check_reset(in, r);
}
