// SPDX-License-Identifier: GPL-2.0-or-later
/* rebind-decide.c from data: which functions move now, and why the others wait. */
#include "fake-inventory.h"
#include "rebind.h"
#include "unit.h"

#define INV(inv, fns) fake_inventory(inv, fns, ARRAY_SIZE(fns))

/* The cards: one address, as the plan holds it (room for a few lists at a time). */
static struct rebind_cards one(const char *addr)
{
	static struct pci_addr slots[4];
	static size_t next;
	struct pci_addr *a = &slots[next++ % ARRAY_SIZE(slots)];

	if (pci_addr_parse(addr, a) < 0)
		abort();
	return (struct rebind_cards){ a, 1 };
}

static const char *addr_text(const struct pci_addr *a)
{
	static char buf[PCI_ADDR_STRLEN];

	pci_addr_format(a, buf);
	return buf;
}

/* Facts for every function of the inventory: nothing open, no framebuffer. */
static void facts_for(const struct inventory *inv, struct rebind_facts *f)
{
	memset(f, 0, sizeof(*f));
	f->vfio_loaded = true;
	f->fns = xcalloc(inv->n_functions, sizeof(*f->fns));
	for (size_t i = 0; i < inv->n_functions; i++)
		f->fns[i].addr = inv->functions[i].addr;
	f->n = inv->n_functions;
}

static struct function_use *use(struct rebind_facts *f, const char *addr)
{
	struct pci_addr a;

	pci_addr_parse(addr, &a);
	for (size_t i = 0; i < f->n; i++)
		if (pci_addr_cmp(&f->fns[i].addr, &a) == 0)
			return &f->fns[i];
	abort();
}

static void test_take_whole_card(void)
{
	struct inventory inv;
	struct rebind_facts f;
	struct rebind_plan p;
	struct rebind_cards cards = one("0000:01:00.0");

	INV(&inv, intel_nvidia);
	inv.iommu_groups = 4;
	facts_for(&inv, &f);
	rebind_decide_take(&inv, cards, &f, &p);
	CHECK(p.to_vfio && !p.load_vfio);
	CHECK(p.n_moves == 2 && p.refused.n == 0);
	CHECK_STR(addr_text(&p.moves[0].addr), "0000:01:00.0");
	CHECK_STR(p.moves[0].unbind_from, "nouveau");
	CHECK_STR(p.moves[1].unbind_from, "snd_hda_intel");
	/* One card, one transaction; nothing to restore in driver_override if it goes wrong. */
	CHECK_STR(addr_text(&p.moves[1].card), "0000:01:00.0");
	CHECK(!p.moves[0].override_before && !p.moves[1].override_before);
	rebind_plan_free(&p);

	/* vfio-pci not loaded yet but loadable: load it first. */
	f.vfio_loaded = false;
	rebind_decide_take(&inv, cards, &f, &p);
	CHECK(p.load_vfio && p.n_moves == 2);
	rebind_plan_free(&p);

	/* The audio function open by a sound server: the GPU waits too (a whole card). */
	use(&f, "01:00.1")->held_by = xstrdup("pid 990 (pipewire) has /dev/snd/pcmC1D3p open");
	rebind_decide_take(&inv, cards, &f, &p);
	CHECK(p.n_moves == 0 && p.refused.n == 2 && !p.load_vfio);
	CHECK_STR(p.refused.items[0], "0000:01:00.0: 0000:01:00.1 is in use: pid 990 (pipewire) "
				      "has /dev/snd/pcmC1D3p open");
	rebind_plan_free(&p);
	free(use(&f, "01:00.1")->held_by);
	use(&f, "01:00.1")->held_by = NULL;

	/* A framebuffer and vfio-pci missing: every reason, in one line per function. */
	use(&f, "01:00.0")->framebuffer = true;
	f.vfio_unavailable = xstrdup("the running kernel 6.1.0-18-amd64 has no vfio-pci module");
	rebind_decide_take(&inv, cards, &f, &p);
	CHECK(p.n_moves == 0 && p.refused.n == 2);
	CHECK_STR(
	    p.refused.items[1],
	    "0000:01:00.1: vfio-pci cannot be loaded: the running kernel 6.1.0-18-amd64 has "
	    "no vfio-pci module; 0000:01:00.0 carries fb0, the framebuffer the console is on");
	rebind_plan_free(&p);

	rebind_facts_free(&f);
	fake_free(&inv);
}

static void test_take_refusals(void)
{
	struct inventory inv;
	struct rebind_facts f;
	struct rebind_plan p;
	struct rebind_cards igpu = one("0000:00:02.0"), nv = one("0000:01:00.0");

	INV(&inv, intel_nvidia);
	facts_for(&inv, &f);
	/* IOMMU off now. */
	inv.iommu_groups = 0;
	rebind_decide_take(&inv, nv, &f, &p);
	CHECK(p.n_moves == 0 && p.refused.n == 2);
	CHECK_STR(p.refused.items[0], "0000:01:00.0: the IOMMU is off now (no IOMMU groups): the "
				      "kernel parameters take effect at the next boot");
	rebind_plan_free(&p);
	inv.iommu_groups = 4;
	/* The host's card, however forced into the plan. */
	fake_mark(&inv, 0, NULL, 0);
	rebind_decide_take(&inv, igpu, &f, &p);
	CHECK(p.n_moves == 0 && p.refused.n == 1);
	CHECK_STR(p.refused.items[0], "0000:00:02.0: it is the host's display (the boot VGA)");
	rebind_plan_free(&p);
	/* A group peer on a host driver (the root port is a bridge: not a peer). */
	sl_add(&inv.cards[1].group_peers, "0000:00:1f.3");
	rebind_decide_take(&inv, nv, &f, &p);
	CHECK(p.n_moves == 0 && p.refused.n == 2);
	CHECK_STR(p.refused.items[1], "0000:01:00.1: its IOMMU group also holds 0000:00:1f.3 "
				      "(driver snd_hda_intel), which stays with the host");
	rebind_plan_free(&p);
	/* An unknown card. */
	nv = one("0000:05:00.0");
	rebind_decide_take(&inv, nv, &f, &p);
	CHECK(p.n_moves == 0 && p.refused.n == 1);
	CHECK_STR(p.refused.items[0], "0000:05:00.0: no such card on this machine now");
	rebind_plan_free(&p);
	rebind_facts_free(&f);
	fake_free(&inv);
}

/* QEMU: bochs (boot VGA) and a QXL card. */
static const struct fake_fn qemu_qxl[] = {
	{ "00:01.0", 0x1234, 0x1111, 0x0300, "bochs-drm", "bochs", 0, 1, false },
	{ "00:02.0", 0x1b36, 0x0100, 0x0300, "qxl", "qxl", 1, 0, false },
	{ "00:03.0", 0x1af4, 0x1050, 0x0300, "virtio-pci", "virtio_pci", 2, 0, false },
};

static void test_unsafe_drivers(void)
{
	struct inventory inv;
	struct rebind_facts f;
	struct rebind_plan p;
	struct rebind_cards qxl = one("0000:00:02.0"), virtio = one("0000:00:03.0");

	CHECK(rebind_unsafe_driver("qxl") != NULL);
	CHECK(rebind_unsafe_driver("virtio-pci") == NULL);
	CHECK(rebind_unsafe_driver(NULL) == NULL);
	INV(&inv, qemu_qxl);
	inv.iommu_groups = 3;
	facts_for(&inv, &f);
	rebind_decide_take(&inv, qxl, &f, &p);
	CHECK(p.n_moves == 0 && p.refused.n == 1);
	CHECK(strstr(p.refused.items[0], "0000:00:02.0: 0000:00:02.0: qxl cannot be rebound") ==
	      p.refused.items[0]);
	rebind_plan_free(&p);
	rebind_decide_take(&inv, virtio, &f, &p);
	CHECK(p.n_moves == 1 && p.refused.n == 0);
	rebind_plan_free(&p);

	/* Giving back: the QXL card's own driver would be probed again: refused. */
	free(inv.functions[1].driver);
	inv.functions[1].driver = xstrdup("vfio-pci");
	rebind_decide_give_back(&inv, qxl, &f, &p);
	CHECK(!p.to_vfio && p.n_moves == 0 && p.refused.n == 1);
	rebind_plan_free(&p);
	rebind_facts_free(&f);
	fake_free(&inv);
}

static void test_give_back(void)
{
	struct inventory inv;
	struct rebind_facts f;
	struct rebind_plan p;
	struct rebind_cards nv = one("0000:01:00.0");

	INV(&inv, intel_nvidia);
	facts_for(&inv, &f);
	/* The GPU on vfio-pci, the audio only set to go there, nothing else. */
	free(inv.functions[4].driver);
	inv.functions[4].driver = xstrdup("vfio-pci");
	free(inv.functions[5].driver);
	inv.functions[5].driver = NULL;
	use(&f, "01:00.1")->driver_override = xstrdup("vfio-pci");
	rebind_decide_give_back(&inv, nv, &f, &p);
	CHECK(p.n_moves == 2 && p.refused.n == 0 && !p.load_vfio);
	CHECK_STR(p.moves[0].unbind_from, "vfio-pci");
	CHECK(p.moves[1].unbind_from == NULL);
	CHECK(p.moves[0].vendor == 0x10de &&
	      p.moves[0].device == 0x1b80); /* vfio-pci's dynamic id to drop */
	CHECK(p.moves[1].vendor == 0x10de && p.moves[1].device == 0x10f0);
	/* What an undo puts back: the audio function's override. */
	CHECK(p.moves[0].override_before == NULL);
	CHECK_STR(p.moves[1].override_before, "vfio-pci");
	CHECK_STR(addr_text(&p.moves[1].card), "0000:01:00.0");
	rebind_plan_free(&p);
	/* An empty driver_override (a test's tree) is none. */
	use(&f, "01:00.0")->driver_override = xstrdup("");
	rebind_decide_give_back(&inv, nv, &f, &p);
	CHECK(p.n_moves == 2 && p.moves[0].override_before == NULL);
	rebind_plan_free(&p);
	/* A VM holds the group. */
	use(&f, "01:00.0")->held_by = xstrdup("pid 3141 (qemu-system-x86) has /dev/vfio/1 open");
	rebind_decide_give_back(&inv, nv, &f, &p);
	CHECK(p.n_moves == 0 && p.refused.n == 2);
	rebind_plan_free(&p);
	/* Nothing held by vfio-pci: nothing to do, nothing refused. */
	free(inv.functions[4].driver);
	inv.functions[4].driver = xstrdup("nouveau");
	free(use(&f, "01:00.1")->driver_override);
	use(&f, "01:00.1")->driver_override = NULL;
	rebind_decide_give_back(&inv, nv, &f, &p);
	CHECK(p.n_moves == 0 && p.refused.n == 0 && p.in_place.n == 2);
	rebind_plan_free(&p);
	rebind_facts_free(&f);
	fake_free(&inv);
}

int main(void)
{
	test_take_whole_card();
	test_take_refusals();
	test_unsafe_drivers();
	test_give_back();
	return unit_done("rebind-decide");
}
