/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Hand-built inventories for the pure policy and render tests: one line per PCI function,
 * as `lspci -nn` would list it, plus what detection and classification would add. */
#pragma once

#include <stdlib.h>
#include <string.h>

#include "inventory.h"
#include "pci-addr.h"
#include "util.h"

struct fake_fn {
	const char *addr;
	uint16_t vendor, device, class_id;
	const char *driver;  /* NULL: none */
	const char *modules; /* space-separated, libkmod names */
	int group;
	int boot_vga;
	bool bridge;
};

static bool fake_is_display(uint16_t c)
{
	return c == 0x0300 || c == 0x0302 || c == 0x0380;
}

/* Functions as given (ascending), cards = slots holding a display function. The caller then
 * marks host/candidate/group peers as policy_classify would. */
static void fake_inventory(struct inventory *inv, const struct fake_fn *fns, size_t n)
{
	memset(inv, 0, sizeof(*inv));
	inv->have_pci = true;
	inv->host_card = -1;
	inv->vfio_pci = VFIO_MODULE;
	inv->functions = xcalloc(n, sizeof(*inv->functions));
	inv->n_functions = n;
	inv->cards = xcalloc(n, sizeof(*inv->cards));
	for (size_t i = 0; i < n; i++) {
		struct pci_function *f = &inv->functions[i];

		if (pci_addr_parse(fns[i].addr, &f->addr) < 0)
			abort();
		f->vendor = fns[i].vendor;
		f->device = fns[i].device;
		f->class_id = fns[i].class_id;
		f->driver = fns[i].driver ? xstrdup(fns[i].driver) : NULL;
		f->iommu_group = fns[i].group;
		f->boot_vga = fns[i].boot_vga;
		f->is_bridge = fns[i].bridge;
		sl_init(&f->modules);
		if (fns[i].modules) {
			char *copy = xstrdup(fns[i].modules), *save = NULL;

			for (char *m = strtok_r(copy, " ", &save); m;
			     m = strtok_r(NULL, " ", &save))
				sl_add(&f->modules, m);
			free(copy);
		}
	}
	for (size_t i = 0; i < n; i++) {
		struct card *card = NULL;

		if (!fake_is_display(inv->functions[i].class_id))
			continue;
		for (size_t c = 0; c < inv->n_cards; c++)
			if (pci_addr_same_slot(&inv->cards[c].addr, &inv->functions[i].addr))
				card = &inv->cards[c];
		if (card)
			continue;
		card = &inv->cards[inv->n_cards++];
		card->addr = inv->functions[i].addr;
		card->functions = xcalloc(8, sizeof(size_t));
		sl_init(&card->group_peers);
		for (size_t j = 0; j < n; j++) {
			if (!pci_addr_same_slot(&inv->functions[j].addr, &card->addr))
				continue;
			card->functions[card->n_functions++] = j;
			card->boot_vga |= inv->functions[j].boot_vga == 1;
		}
		card->integrated = card->addr.domain == 0 && card->addr.bus == 0;
	}
}

/* What policy_classify decides, set by hand so these tests do not depend on it. */
static void fake_mark(struct inventory *inv, int host, const int *candidates, size_t n)
{
	inv->host_card = host;
	if (host >= 0)
		inv->cards[host].host = true;
	for (size_t i = 0; i < n; i++)
		inv->cards[candidates[i]].candidate = true;
}

static void fake_free(struct inventory *inv)
{
	for (size_t i = 0; i < inv->n_functions; i++) {
		free(inv->functions[i].name);
		free(inv->functions[i].class_name);
		free(inv->functions[i].driver);
		free(inv->functions[i].modalias);
		sl_free(&inv->functions[i].modules);
	}
	for (size_t c = 0; c < inv->n_cards; c++) {
		free(inv->cards[c].functions);
		sl_free(&inv->cards[c].group_peers);
	}
	free(inv->functions);
	free(inv->cards);
	sl_free(&inv->kernels);
	free(inv->cmdline);
	memset(inv, 0, sizeof(*inv));
}

/* Machines from real listings (the fixtures under tests/roots describe the same ones). */

/* Intel iGPU (boot VGA) + NVIDIA GTX 1080 with HDMI audio, behind the CPU's root port. */
static const struct fake_fn intel_nvidia[] = {
	{ "00:00.0", 0x8086, 0x3e30, 0x0600, NULL, NULL, 0, -1, false },
	{ "00:01.0", 0x8086, 0x1901, 0x0604, "pcieport", "shpchp", 1, -1, true },
	{ "00:02.0", 0x8086, 0x3e92, 0x0300, "i915", "i915", 2, 1, false },
	{ "00:1f.3", 0x8086, 0xa348, 0x0403, "snd_hda_intel", "snd_hda_intel snd_sof_pci_intel_cnl",
	  3, -1, false },
	{ "01:00.0", 0x10de, 0x1b80, 0x0300, "nouveau", "nouveau", 1, 0, false },
	{ "01:00.1", 0x10de, 0x10f0, 0x0403, "snd_hda_intel", "snd_hda_intel", 1, -1, false },
};

/* AMD CPU + Turing card with four functions (VGA, audio, USB xHCI, USB-C UCSI). */
static const struct fake_fn amd_turing[] = {
	{ "00:01.1", 0x1022, 0x1483, 0x0604, "pcieport", NULL, 2, -1, true },
	{ "01:00.0", 0x10de, 0x1e87, 0x0300, "nouveau", "nouveau", 14, 1, false },
	{ "01:00.1", 0x10de, 0x10f8, 0x0403, "snd_hda_intel", "snd_hda_intel", 14, -1, false },
	{ "01:00.2", 0x10de, 0x1ad8, 0x0c03, "xhci_hcd", "xhci_pci", 14, -1, false },
	{ "01:00.3", 0x10de, 0x1ad9, 0x0c80, NULL, NULL, 14, -1, false },
	{ "0a:00.0", 0x1002, 0x73ff, 0x0300, "amdgpu", "amdgpu", 20, 0, false },
	{ "0a:00.1", 0x1002, 0xab28, 0x0403, "snd_hda_intel", "snd_hda_intel", 20, -1, false },
};

/* Two identical GTX 1080s: the host keeps the first (boot VGA). */
static const struct fake_fn identical[] = {
	{ "01:00.0", 0x10de, 0x1b80, 0x0300, "nouveau", "nouveau", 1, 1, false },
	{ "01:00.1", 0x10de, 0x10f0, 0x0403, "snd_hda_intel", "snd_hda_intel", 1, -1, false },
	{ "02:00.0", 0x10de, 0x1b80, 0x0300, "nouveau", "nouveau", 2, 0, false },
	{ "02:00.1", 0x10de, 0x10f0, 0x0403, "snd_hda_intel", "snd_hda_intel", 2, -1, false },
};

/* A card sharing its IOMMU group with a chipset NVMe (no ACS). */
static const struct fake_fn shared_group[] = {
	{ "00:02.0", 0x8086, 0x3e92, 0x0300, "i915", "i915", 0, 1, false },
	{ "01:00.0", 0x1002, 0x67df, 0x0300, "amdgpu", "amdgpu radeon", 1, 0, false },
	{ "01:00.1", 0x1002, 0xaaf0, 0x0403, "snd_hda_intel", "snd_hda_intel", 1, -1, false },
	{ "02:00.0", 0x144d, 0xa808, 0x0108, "nvme", "nvme", 1, -1, false },
};

/* A single GPU: nothing may be passed without consent. */
static const struct fake_fn single_gpu[] = {
	{ "00:1f.0", 0x8086, 0xa305, 0x0601, NULL, NULL, 5, -1, false },
	{ "01:00.0", 0x10de, 0x2504, 0x0300, "nvidia", NULL, 1, 1, false },
	{ "01:00.1", 0x10de, 0x228e, 0x0403, "snd_hda_intel", "snd_hda_intel", 1, -1, false },
};
