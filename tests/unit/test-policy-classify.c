// SPDX-License-Identifier: GPL-2.0-or-later
/* Card grouping and classification on hand-built inventories. */
#include <stdlib.h>

#include "policy.h"
#include "hand-inventory.h"
#include "unit.h"

/* The last function added sits below the bridge at addr (its /sys/devices parent). */
static void below(struct inventory *inv, const char *addr)
{
	struct pci_function *f = &inv->functions[inv->n_functions - 1];

	f->has_parent = pci_addr_parse(addr, &f->parent) == 0;
}

static void test_grouping(void)
{
	struct inventory inv;
	struct pci_addr a;

	hand_init(&inv);
	/* out of order on purpose: build_cards sorts */
	hand_add(&inv, "0000:01:00.3", 0x10de, 0x1adb, 0x0c80, 1, -1);
	hand_add(&inv, "0000:01:00.1", 0x10de, 0x10f9, 0x0403, 1, -1);
	hand_add(&inv, "0000:00:02.0", 0x8086, 0x3e98, 0x0300, 2, 1);
	hand_add(&inv, "0000:00:01.0", 0x8086, 0x1901, 0x0604, 1, -1);
	hand_add(&inv, "0000:01:00.0", 0x10de, 0x1f02, 0x0300, 1, 0);
	hand_add(&inv, "0000:01:00.2", 0x10de, 0x1ada, 0x0c03, 1, -1);
	hand_add(&inv, "0000:00:02.1", 0x8086, 0x3e99, 0x0380, 2, -1);
	inventory_build_cards(&inv);
	CHECK(inv.n_cards == 2);
	CHECK(inv.cards[0].n_functions == 2 && inv.cards[0].integrated && inv.cards[0].boot_vga);
	CHECK(inv.cards[1].n_functions == 4 && !inv.cards[1].integrated && !inv.cards[1].boot_vga);
	CHECK(inv.functions[inv.cards[1].functions[3]].device == 0x1adb);
	pci_addr_parse("01:00.2", &a);
	CHECK(inventory_find_card(&inv, &a) == 1);
	CHECK(inventory_find(&inv, &a)->device == 0x1ada);
	pci_addr_parse("00:01.0", &a);
	CHECK(inventory_find_card(&inv, &a) == -1);
	pci_addr_parse("01:00.5", &a);
	CHECK(inventory_find_card(&inv, &a) == -1);
	CHECK(inventory_find(&inv, &a) == NULL);

	policy_classify(&inv);
	CHECK(inv.host_card == 0);
	CHECK(inv.cards[1].candidate);
	CHECK(inv.cards[1].group_peers.n == 0); /* the root port is a bridge, not a peer */
	char *s = hand_suggested(&inv);
	CHECK_STR(s, "0000:01:00.0");
	struct pci_addr cards[2];
	struct strlist ids;
	sl_init(&ids);
	pci_addr_parse("0000:01:00.0", &cards[0]);
	cards[1] = cards[0];
	policy_card_ids(&inv, cards, 2, &ids);
	char *j = sl_join(&ids, ",");
	CHECK_STR(j, "10de:1f02,10de:10f9,10de:1ada,10de:1adb");
	free(j);
	free(s);
	sl_free(&ids);
	CHECK(!policy_firmware_boots_discrete(&inv));
	inventory_free(&inv);
	CHECK(inv.n_functions == 0 && inv.n_cards == 0);
}

static void test_apu(void)
{
	struct inventory inv;

	/* Raphael iGPU behind 00:08.1, PSP/USB in its slot; Navi 21 behind a switch */
	hand_init(&inv);
	hand_add(&inv, "0000:03:00.0", 0x1002, 0x73bf, 0x0300, 5, 1);
	hand_add(&inv, "0000:03:00.1", 0x1002, 0xab28, 0x0403, 5, -1);
	hand_add(&inv, "0000:0e:00.0", 0x1002, 0x164e, 0x0380, 6, -1);
	hand_add(&inv, "0000:0e:00.2", 0x1022, 0x1649, 0x1080, 7, -1);
	inventory_build_cards(&inv);
	policy_classify(&inv);
	CHECK(inv.n_cards == 2);
	CHECK(!inv.cards[0].integrated && inv.cards[0].host);
	CHECK(inv.cards[1].integrated && !inv.cards[1].candidate);
	CHECK_STR(inv.cards[1].reason, "integrated GPU");
	CHECK(policy_firmware_boots_discrete(&inv));
	inventory_free(&inv);
}

static void test_shared_group(void)
{
	struct inventory inv;

	hand_init(&inv);
	hand_add(&inv, "0000:00:02.0", 0x8086, 0x4692, 0x0300, 0, 1);
	hand_add(&inv, "0000:00:1c.0", 0x8086, 0x7ab8, 0x0604, 14, -1);
	hand_add(&inv, "0000:02:00.0", 0x10de, 0x1f82, 0x0300, 14, 0);
	hand_add(&inv, "0000:02:00.1", 0x10de, 0x10fa, 0x0403, 14, -1);
	hand_add(&inv, "0000:03:00.0", 0x144d, 0xa80a, 0x0108, 14, -1);
	hand_add(&inv, "0000:04:00.0", 0x10ec, 0x8168, 0x0200, 14, -1);
	hand_add(&inv, "0000:05:00.0", 0x10ec, 0x8168, 0x0200, 15, -1);
	inventory_build_cards(&inv);
	policy_classify(&inv);
	CHECK(!inv.cards[1].candidate);
	CHECK(inv.cards[1].group_peers.n == 2);
	CHECK_STR(inv.cards[1].reason, "shares IOMMU group 14 with 0000:03:00.0 "
				       "(Non-Volatile memory controller) and 1 more");
	/* classify twice: peers are recomputed, not appended */
	policy_classify(&inv);
	CHECK(inv.cards[1].group_peers.n == 2);
	inventory_free(&inv);

	/* peer without a class name: the class number instead */
	hand_init(&inv);
	hand_add(&inv, "0000:00:02.0", 0x8086, 0x4692, 0x0300, 0, 1);
	hand_add(&inv, "0000:02:00.0", 0x10de, 0x1f82, 0x0300, 9, 0);
	hand_add(&inv, "0000:05:00.0", 0x10ec, 0x8168, 0x0200, 9, -1);
	inventory_build_cards(&inv);
	policy_classify(&inv);
	CHECK_STR(inv.cards[1].reason, "shares IOMMU group 9 with 0000:05:00.0 (class 0200)");
	inventory_free(&inv);
}

static void test_no_host(void)
{
	struct inventory inv;

	/* two 3D controllers, nothing boot VGA, nothing integrated: no guess */
	hand_init(&inv);
	hand_add(&inv, "0000:41:00.0", 0x10de, 0x20b0, 0x0302, 1, -1);
	hand_add(&inv, "0000:81:00.0", 0x10de, 0x20b0, 0x0302, 2, -1);
	inventory_build_cards(&inv);
	policy_classify(&inv);
	CHECK(inv.host_card == -1);
	CHECK(!inv.cards[0].candidate && !inv.cards[1].candidate);
	char *s = hand_suggested(&inv);
	CHECK_STR(s, "");
	free(s);
	inventory_free(&inv);

	/* one card only, not boot VGA: still never suggested */
	hand_init(&inv);
	hand_add(&inv, "0000:01:00.0", 0x10de, 0x1f95, 0x0302, 1, -1);
	inventory_build_cards(&inv);
	policy_classify(&inv);
	CHECK(!inv.cards[0].candidate);
	CHECK_STR(inv.cards[0].reason, "only display device: the host would have none left");
	inventory_free(&inv);

	/* integrated card without boot_vga is the host */
	hand_init(&inv);
	hand_add(&inv, "0000:00:02.0", 0x8086, 0x9bc4, 0x0300, 1, 0);
	hand_add(&inv, "0000:01:00.0", 0x10de, 0x1f95, 0x0302, 2, -1);
	inventory_build_cards(&inv);
	policy_classify(&inv);
	CHECK(inv.host_card == 0 && inv.cards[1].candidate);
	inventory_free(&inv);

	/* no functions at all */
	hand_init(&inv);
	inventory_build_cards(&inv);
	policy_classify(&inv);
	CHECK(inv.n_cards == 0 && inv.host_card == -1);
	inventory_free(&inv);
}

static void test_params(void)
{
	char *p = policy_default_kernel_params(CPU_INTEL);
	CHECK_STR(p, "intel_iommu=on iommu=pt");
	free(p);
	p = policy_default_kernel_params(CPU_AMD);
	CHECK_STR(p, "iommu=pt");
	free(p);
	p = policy_default_kernel_params(CPU_UNKNOWN);
	CHECK_STR(p, "iommu=pt");
	free(p);
	CHECK_STR(cpu_vendor_name(CPU_AMD), "amd");
	CHECK_STR(vfio_state_name(VFIO_BUILTIN), "builtin");
	CHECK_STR(vfio_state_name(VFIO_UNKNOWN), "unknown");
}

/* Arc A770 behind its own switch: GPU on bus 03, HDMI audio on bus 04. */
static void add_arc(struct inventory *inv, uint16_t gpu, uint16_t audio)
{
	hand_add(inv, "0000:00:01.0", 0x8086, 0xa70d, 0x0604, 2, -1);
	hand_add(inv, "0000:01:00.0", 0x8086, 0x4fa1, 0x0604, 2, -1);
	below(inv, "0000:00:01.0");
	hand_add(inv, "0000:02:01.0", 0x8086, 0x4fa4, 0x0604, 2, -1);
	below(inv, "0000:01:00.0");
	hand_add(inv, "0000:02:04.0", 0x8086, 0x4fa4, 0x0604, 2, -1);
	below(inv, "0000:01:00.0");
	hand_add(inv, "0000:03:00.0", 0x8086, gpu, 0x0300, 2, 0);
	below(inv, "0000:02:01.0");
	hand_add(inv, "0000:04:00.0", 0x8086, audio, 0x0403, 2, -1);
	below(inv, "0000:02:04.0");
}

static void test_card_switch(void)
{
	struct inventory inv;
	struct pci_addr a;
	struct strlist ids;

	hand_init(&inv);
	hand_add(&inv, "0000:00:02.0", 0x8086, 0xa780, 0x0300, 0, 1);
	add_arc(&inv, 0x56a0, 0x4f90);
	inventory_build_cards(&inv);
	policy_classify(&inv);
	CHECK(inv.n_cards == 2);
	/* the GPU and the audio on another bus, never the switch ports */
	CHECK(inv.cards[1].n_functions == 2);
	CHECK(inv.functions[inv.cards[1].functions[1]].device == 0x4f90);
	/* the audio is the card's, not a group peer keeping it from being suggested */
	CHECK(inv.cards[1].group_peers.n == 0 && inv.cards[1].candidate);
	pci_addr_parse("04:00.0", &a);
	CHECK(inventory_find_card(&inv, &a) == 1);
	pci_addr_parse("02:04.0", &a);
	CHECK(inventory_find_card(&inv, &a) == -1);
	sl_init(&ids);
	policy_card_ids(&inv, &a, 0, &ids);
	pci_addr_parse("04:00.0", &a);
	policy_card_ids(&inv, &a, 1, &ids);
	char *j = sl_join(&ids, ",");
	CHECK_STR(j, "8086:56a0,8086:4f90");
	free(j);
	sl_free(&ids);
	inventory_free(&inv);

	/* A switch with a second GPU below it (a dual-GPU board): each GPU keeps its slot. */
	hand_init(&inv);
	hand_add(&inv, "0000:00:02.0", 0x8086, 0xa780, 0x0300, 0, 1);
	add_arc(&inv, 0x56a0, 0x56a1);
	inv.functions[inv.n_functions - 1].class_id = 0x0300;
	inventory_build_cards(&inv);
	CHECK(inv.n_cards == 3 && inv.cards[1].n_functions == 1 && inv.cards[2].n_functions == 1);
	inventory_free(&inv);

	/* A GPU on a root port of the same vendor (no switch of its own): its slot only,
	 * never the root port's other children. */
	hand_init(&inv);
	hand_add(&inv, "0000:00:02.0", 0x8086, 0xa780, 0x0300, 0, 1);
	hand_add(&inv, "0000:00:1c.0", 0x8086, 0x7ab8, 0x0604, 14, -1);
	hand_add(&inv, "0000:02:00.0", 0x8086, 0x56a5, 0x0300, 14, 0);
	below(&inv, "0000:00:1c.0");
	hand_add(&inv, "0000:02:00.1", 0x8086, 0x1533, 0x0200, 14, -1);
	below(&inv, "0000:00:1c.0");
	hand_add(&inv, "0000:03:00.0", 0x8086, 0x1533, 0x0200, 14, -1);
	below(&inv, "0000:00:1c.0");
	inventory_build_cards(&inv);
	CHECK(inv.n_cards == 2 && inv.cards[1].n_functions == 2);
	inventory_free(&inv);
}

static void test_bmc(void)
{
	struct inventory inv;

	/* The firmware boots on the GPU: the ASPEED VGA is "the other GPU", not a candidate. */
	hand_init(&inv);
	hand_add(&inv, "0000:02:00.0", 0x1a03, 0x2000, 0x0300, 1, 0);
	hand_add(&inv, "0000:41:00.0", 0x10de, 0x2230, 0x0300, 21, 1);
	hand_add(&inv, "0000:81:00.0", 0x10de, 0x2230, 0x0300, 41, 0);
	inventory_build_cards(&inv);
	policy_classify(&inv);
	CHECK(inv.cards[0].bmc && !inv.cards[1].bmc);
	CHECK(inv.host_card == 1);
	CHECK(!inv.cards[0].candidate && inv.cards[2].candidate);
	CHECK_STR(inv.cards[0].reason,
		  "the BMC's VGA (the server's remote console): never passed through");
	char *s = hand_suggested(&inv);
	CHECK_STR(s, "0000:81:00.0");
	free(s);
	inventory_free(&inv);

	/* Nothing marked boot VGA (3D controllers): the host keeps the BMC's console. */
	hand_init(&inv);
	hand_add(&inv, "0000:02:00.0", 0x102b, 0x0538, 0x0300, 1, 0);
	hand_add(&inv, "0000:41:00.0", 0x10de, 0x20b0, 0x0302, 21, -1);
	inventory_build_cards(&inv);
	policy_classify(&inv);
	CHECK(inv.host_card == 0 && inv.cards[0].bmc && inv.cards[1].candidate);
	inventory_free(&inv);
}

int main(void)
{
	test_card_switch();
	test_bmc();
	test_grouping();
	test_apu();
	test_shared_group();
	test_no_host();
	test_params();
	return unit_done("policy-classify");
}
