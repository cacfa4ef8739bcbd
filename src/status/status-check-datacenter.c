// SPDX-License-Identifier: GPL-2.0-or-later
/* What a data-center GPU host adds to status: its NVSwitches, and the SR-IOV virtual
 * functions of its cards. Facts, never failures: both ways of running NVSwitches are
 * valid, and VFs are the vendor driver's to create. */
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

/* "1 of 31 VFs enabled: 0000:4d:00.1 (vfio-pci)" for each card whose PF has SR-IOV. */
static void check_sriov(const struct status_input *in, struct status_report *r)
{
	const struct inventory *inv = in->inv;

	for (size_t c = 0; c < inv->n_cards; c++) {
		const struct pci_function *pf = inventory_find(inv, &inv->cards[c].addr);
		struct strbuf vfs;
		char a[PCI_ADDR_STRLEN];

		if (!pf || pf->sriov_totalvfs <= 0)
			continue;
		sb_init(&vfs);
		for (size_t i = 0; i < inv->n_functions; i++) {
			const struct pci_function *f = &inv->functions[i];
			char v[PCI_ADDR_STRLEN];

			if (!f->is_vf || pci_addr_cmp(&f->physfn, &pf->addr) != 0)
				continue;
			pci_addr_format(&f->addr, v);
			sb_addf(&vfs, "%s%s (%s)", vfs.len ? ", " : ": ", v,
				f->driver ? f->driver : "no driver");
		}
		pci_addr_format(&pf->addr, a);
		report_add(r, "sriov", a, CHECK_PASS, NULL, NULL,
			   "sriov_totalvfs %d, sriov_numvfs %d%s%s", pf->sriov_totalvfs,
			   pf->sriov_numvfs, vfs.len ? "; VFs present" : "; no VF present",
			   vfs.len ? vfs.buf : "");
		sb_free(&vfs);
	}
}

void check_datacenter(const struct status_input *in, struct status_report *r)
{
	check_nvswitches(in, r);
	check_sriov(in, r);
}
