// SPDX-License-Identifier: GPL-2.0-or-later
/* Inventories built by hand, one function at a time, as detect.c would fill them: for the
 * tests of card grouping and classification (test-policy-classify, test-datacenter). */
#pragma once

#include <stdlib.h>
#include <string.h>

#include "inventory.h"
#include "pci-addr.h"
#include "policy.h"
#include "util.h"

static struct pci_function *hand_add(struct inventory *inv, const char *addr, uint16_t vendor,
				     uint16_t device, uint16_t class_id, int group, int boot_vga)
{
	struct pci_function *f;

	inv->functions = realloc(inv->functions, (inv->n_functions + 1) * sizeof(*f));
	f = &inv->functions[inv->n_functions++];
	memset(f, 0, sizeof(*f));
	pci_addr_parse(addr, &f->addr);
	f->vendor = vendor;
	f->device = device;
	f->class_id = class_id;
	f->iommu_group = group;
	f->boot_vga = boot_vga;
	/* as detect.c decides it: an NVSwitch (class 0680) is an endpoint */
	f->is_bridge = (class_id >> 8) == 0x06 && !pci_function_is_nvswitch(vendor, device);
	if (class_id == 0x0108)
		f->class_name = strdup("Non-Volatile memory controller");
	sl_init(&f->modules);
	return f;
}

static void hand_init(struct inventory *inv)
{
	memset(inv, 0, sizeof(*inv));
	inv->have_pci = true;
	inv->host_card = -1;
}

/* The suggested cards' addresses, space-separated; the caller frees. */
static __attribute__((unused)) char *hand_suggested(const struct inventory *inv)
{
	struct strlist l;
	char *s;

	sl_init(&l);
	policy_suggested(inv, &l, NULL);
	s = sl_join(&l, " ");
	sl_free(&l);
	return s;
}
