// SPDX-License-Identifier: GPL-2.0-or-later
/* Which card the host keeps and which cards may go to a VM. Pure: inventory in, marks
 * out. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "policy.h"

static bool card_has_function(const struct card *c, size_t idx)
{
	for (size_t k = 0; k < c->n_functions; k++)
		if (c->functions[k] == idx)
			return true;
	return false;
}

static bool card_in_group(const struct inventory *inv, const struct card *c, int group)
{
	for (size_t k = 0; k < c->n_functions; k++)
		if (inv->functions[c->functions[k]].iommu_group == group)
			return true;
	return false;
}

/* Devices sharing an IOMMU group with the card: vfio-pci would have to take them too. */
static void find_group_peers(const struct inventory *inv, struct card *c, size_t *first_peer)
{
	*first_peer = SIZE_MAX;
	for (size_t i = 0; i < inv->n_functions; i++) {
		const struct pci_function *f = &inv->functions[i];
		char addr[PCI_ADDR_STRLEN];

		if (f->iommu_group < 0 || f->is_bridge || card_has_function(c, i) ||
		    !card_in_group(inv, c, f->iommu_group))
			continue;
		pci_addr_format(&f->addr, addr);
		if (*first_peer == SIZE_MAX)
			*first_peer = i;
		sl_add(&c->group_peers, addr);
	}
}

/*
 * The card's physical function when its driver (not vfio-pci) has SR-IOV VFs enabled now.
 * Binding the card to vfio-pci unbinds that driver, whose remove() disables SR-IOV, and the
 * kernel removes the VFs with it (Documentation/PCI/pci-iov-howto.rst: pci_disable_sriov in
 * the driver's remove); at boot vfio-pci holds the PF, so its driver never creates them.
 * On vfio-pci the PF's sriov_numvfs is 0 unless vfio-pci itself enabled VFs.
 */
static const struct pci_function *pf_with_vfs(const struct inventory *inv, const struct card *card)
{
	const struct pci_function *f = inventory_find(inv, &card->addr);

	if (!f || f->sriov_numvfs <= 0 || (f->driver && strcmp(f->driver, "vfio-pci") == 0))
		return NULL;
	return f;
}

char *policy_vfs_lost(const struct inventory *inv, const struct card *card)
{
	const struct pci_function *pf = pf_with_vfs(inv, card);
	const char *drv;
	struct strbuf vfs;
	size_t n_vfs;
	char a[PCI_ADDR_STRLEN];
	char *s;

	if (!pf)
		return NULL;
	drv = pf->driver ? pf->driver : "its driver";
	sb_init(&vfs);
	n_vfs = inventory_describe_vfs(inv, pf, " on ", "", &vfs);
	pci_addr_format(&pf->addr, a);
	s = xasprintf(
	    "%s has %d SR-IOV VF%s enabled by %s%s%s%s: binding the card to vfio-pci unbinds "
	    "%s, which removes its VFs from whatever uses them (a VM, a host driver), "
	    "and no VF is created while vfio-pci holds the card",
	    a, pf->sriov_numvfs, pf->sriov_numvfs == 1 ? "" : "s", drv, n_vfs ? " (" : "",
	    n_vfs ? vfs.buf : "", n_vfs ? ")" : "", drv);
	sb_free(&vfs);
	return s;
}

size_t policy_gpu_cards(const struct inventory *inv)
{
	size_t n = 0;

	for (size_t i = 0; i < inv->n_cards; i++)
		n += !inv->cards[i].nvswitch;
	return n;
}

size_t policy_nvswitches(const struct inventory *inv)
{
	return inv->n_cards - policy_gpu_cards(inv);
}

void policy_classify(struct inventory *inv)
{
	size_t gpus = policy_gpu_cards(inv);

	inv->host_card = -1;
	for (size_t i = 0; i < inv->n_cards && inv->host_card < 0; i++)
		if (inv->cards[i].boot_vga)
			inv->host_card = (int)i;
	for (size_t i = 0; i < inv->n_cards && inv->host_card < 0; i++)
		if (inv->cards[i].integrated)
			inv->host_card = (int)i;
	/* A server whose firmware marks no boot VGA still shows its console on the BMC. */
	for (size_t i = 0; i < inv->n_cards && inv->host_card < 0; i++)
		if (inv->cards[i].bmc)
			inv->host_card = (int)i;

	for (size_t i = 0; i < inv->n_cards; i++) {
		struct card *c = &inv->cards[i];
		size_t peer;

		c->host = (int)i == inv->host_card;
		c->candidate = false;
		sl_free(&c->group_peers);
		find_group_peers(inv, c, &peer);

		if (c->nvswitch) {
			snprintf(c->reason, sizeof(c->reason),
				 "NVSwitch: to a VM only with every GPU and every NVSwitch "
				 "(apply --full-passthrough)");
		} else if (gpus == 1) {
			snprintf(c->reason, sizeof(c->reason),
				 "only display device: the host would have none left");
		} else if (c->host && c->boot_vga) {
			snprintf(c->reason, sizeof(c->reason),
				 "boot VGA: the host's console runs on it");
		} else if (c->bmc) {
			/* On servers the firmware may boot on the GPU, which leaves the
			 * BMC's VGA looking like "the other GPU". */
			snprintf(
			    c->reason, sizeof(c->reason),
			    "the BMC's VGA (the server's remote console): never passed through");
		} else if (c->integrated) {
			snprintf(c->reason, sizeof(c->reason), "integrated GPU");
		} else if (inv->host_card < 0) {
			/* Nothing says which card the host keeps: ask, don't guess. */
			snprintf(c->reason, sizeof(c->reason),
				 "no boot VGA or integrated card: the host's is unknown");
		} else if (pf_with_vfs(inv, c)) {
			const struct pci_function *pf = pf_with_vfs(inv, c);

			snprintf(
			    c->reason, sizeof(c->reason),
			    "SR-IOV: %d VF%s enabled by %.40s; passing the card removes its VFs",
			    pf->sriov_numvfs, pf->sriov_numvfs == 1 ? "" : "s",
			    pf->driver ? pf->driver : "its driver");
		} else if (peer != SIZE_MAX) {
			const struct pci_function *p = &inv->functions[peer];
			char addr[PCI_ADDR_STRLEN], more[32] = "";

			pci_addr_format(&p->addr, addr);
			if (c->group_peers.n > 1)
				snprintf(more, sizeof(more), " and %zu more", c->group_peers.n - 1);
			if (p->class_name)
				snprintf(c->reason, sizeof(c->reason),
					 "shares IOMMU group %d with %s (%.60s)%s", p->iommu_group,
					 addr, p->class_name, more);
			else
				snprintf(c->reason, sizeof(c->reason),
					 "shares IOMMU group %d with %s (class %04x)%s",
					 p->iommu_group, addr, p->class_id, more);
		} else {
			c->candidate = true;
			snprintf(c->reason, sizeof(c->reason), "candidate");
		}
	}
}

static void add_card_ids(const struct inventory *inv, const struct card *card, struct strlist *out)
{
	for (size_t k = 0; k < card->n_functions; k++) {
		const struct pci_function *f = &inv->functions[card->functions[k]];
		char id[PCI_ID_STRLEN];

		pci_id_format(f->vendor, f->device, id);
		sl_add_unique(out, id);
	}
}

void policy_suggested(const struct inventory *inv, struct strlist *addrs, struct strlist *ids)
{
	for (size_t i = 0; i < inv->n_cards; i++) {
		char addr[PCI_ADDR_STRLEN];

		if (!inv->cards[i].candidate)
			continue;
		pci_addr_format(&inv->cards[i].addr, addr);
		sl_add(addrs, addr);
		if (ids)
			add_card_ids(inv, &inv->cards[i], ids);
	}
}

void policy_card_ids(const struct inventory *inv, const struct pci_addr *cards, size_t n,
		     struct strlist *out)
{
	for (size_t i = 0; i < n; i++) {
		int ci = inventory_find_card(inv, &cards[i]);

		if (ci >= 0)
			add_card_ids(inv, &inv->cards[ci], out);
	}
}

char *policy_default_kernel_params(enum cpu_vendor cpu)
{
	/* amd_iommu=on is not a valid value (anchors §4.1): AMD needs nothing but
	 * iommu=pt. */
	if (cpu == CPU_INTEL)
		return xstrdup("intel_iommu=on iommu=pt");
	return xstrdup("iommu=pt");
}

bool policy_firmware_boots_discrete(const struct inventory *inv)
{
	bool have_integrated = false;

	for (size_t i = 0; i < inv->n_cards; i++)
		if (inv->cards[i].integrated)
			have_integrated = true;
	return have_integrated && inv->host_card >= 0 && inv->cards[inv->host_card].boot_vga &&
	       !inv->cards[inv->host_card].integrated;
}
