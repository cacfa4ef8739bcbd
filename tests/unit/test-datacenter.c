// SPDX-License-Identifier: GPL-2.0-or-later
/* Issue 22, the data-center GPU host: accelerators as cards, integration from evidence (not
 * from bus 0), SR-IOV VFs never cards, NVSwitches only with full passthrough. Hand-built
 * inventories from the listings of tests/roots/{mi300x-8-bmc,cloud-guest-t4-bus0,
 * flex170-sriov,hgx-h100-nvswitch}. */
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "detect.h"
#include "policy.h"
#include "hand-inventory.h"
#include "unit.h"

static void build(struct inventory *inv)
{
	inventory_build_cards(inv);
	policy_classify(inv);
}

static void test_accelerators(void)
{
	struct inventory inv;
	char *s;

	/* MI300X (class 1200) beside an ASPEED BMC: candidates like 3D controllers */
	hand_init(&inv);
	hand_add(&inv, "0000:02:00.0", 0x1a03, 0x2000, 0x0300, 1, 1);
	hand_add(&inv, "0000:06:00.0", 0x1002, 0x74a1, 0x1200, 11, -1);
	hand_add(&inv, "0000:26:00.0", 0x1002, 0x74a1, 0x1200, 13, -1);
	hand_add(&inv, "0000:e6:00.0", 0x15b3, 0x1021, 0x0200, 26, -1);
	build(&inv);
	CHECK(inv.n_cards == 3);
	CHECK(inv.host_card == 0 && inv.cards[1].candidate && inv.cards[2].candidate);
	s = hand_suggested(&inv);
	CHECK_STR(s, "0000:06:00.0 0000:26:00.0");
	free(s);
	inventory_free(&inv);

	/* never: Intel's NPU (class 1200 in the CPU), another vendor's accelerator, a NIC, a
	 * storage controller, a bridge */
	CHECK(pci_function_is_gpu(0x1002, 0x1200) && pci_function_is_gpu(0x10de, 0x1200));
	CHECK(!pci_function_is_gpu(0x8086, 0x1200));
	CHECK(!pci_function_is_gpu(0x1da3, 0x1200));
	CHECK(!pci_function_is_gpu(0x1002, 0x0200) && !pci_function_is_gpu(0x10de, 0x0108));
	CHECK(!pci_function_is_gpu(0x10de, 0x0680) && !pci_function_is_gpu(0x1002, 0x0604));
	hand_init(&inv);
	hand_add(&inv, "0000:00:02.0", 0x8086, 0x7d55, 0x0300, 0, 1);
	hand_add(&inv, "0000:00:0b.0", 0x8086, 0x7d1d, 0x1200, 5, -1);
	build(&inv);
	CHECK(inv.n_cards == 1);
	inventory_free(&inv);
}

static void test_integrated_by_evidence(void)
{
	struct inventory inv;

	/* A cloud guest: two T4s on the guest's root bus, no VGA: neither is integrated */
	hand_init(&inv);
	hand_add(&inv, "0000:00:00.0", 0x8086, 0x1237, 0x0600, -1, -1);
	hand_add(&inv, "0000:00:04.0", 0x10de, 0x1eb8, 0x0302, -1, -1);
	hand_add(&inv, "0000:00:05.0", 0x10de, 0x1eb8, 0x0302, -1, -1);
	build(&inv);
	CHECK(inv.n_cards == 2 && !inv.cards[0].integrated && !inv.cards[1].integrated);
	CHECK(inv.host_card == -1);
	CHECK_STR(inv.cards[0].reason, "no boot VGA or integrated card: the host's is unknown");
	inventory_free(&inv);

	/* A QEMU guest: the emulated VGA at 00:01.0 boots, the passed GPU sits at 00:05.0 */
	hand_init(&inv);
	hand_add(&inv, "0000:00:01.0", 0x1234, 0x1111, 0x0300, -1, 1);
	hand_add(&inv, "0000:00:05.0", 0x10de, 0x2684, 0x0300, -1, 0);
	build(&inv);
	CHECK(!inv.cards[1].integrated && inv.cards[1].candidate);
	inventory_free(&inv);

	/* Intel's iGPU at the chipset's 00:02.0 is; an Arc placed on a guest's bus 0 is not */
	hand_init(&inv);
	hand_add(&inv, "0000:00:02.0", 0x8086, 0x3e98, 0x0300, 2, 1);
	hand_add(&inv, "0000:00:06.0", 0x8086, 0x56a0, 0x0300, 3, 0);
	build(&inv);
	CHECK(inv.cards[0].integrated && !inv.cards[1].integrated && inv.cards[1].candidate);
	inventory_free(&inv);

	/* A Kaveri APU's graphics on the root bus, alone in its slot: integrated by id */
	hand_init(&inv);
	hand_add(&inv, "0000:00:01.0", 0x1002, 0x130f, 0x0300, 1, 1);
	hand_add(&inv, "0000:00:01.1", 0x1002, 0x9840, 0x0403, 1, -1);
	hand_add(&inv, "0000:01:00.0", 0x10de, 0x1c82, 0x0300, 2, 0);
	build(&inv);
	CHECK(inv.cards[0].integrated && !inv.cards[1].integrated);
	inventory_free(&inv);

	/* A Radeon card on a guest's root bus: not integrated */
	hand_init(&inv);
	hand_add(&inv, "0000:00:01.0", 0x1234, 0x1111, 0x0300, -1, 1);
	hand_add(&inv, "0000:00:06.0", 0x1002, 0x744c, 0x0300, -1, 0);
	build(&inv);
	CHECK(!inv.cards[1].integrated && inv.cards[1].candidate);
	inventory_free(&inv);
}

/* AMD graphics at 00:01.0, alone in its slot, beside a discrete card: integrated? */
static bool root_bus_integrated(uint16_t device)
{
	struct inventory inv;
	bool integrated;

	hand_init(&inv);
	hand_add(&inv, "0000:00:01.0", 0x1002, device, 0x0300, 1, 1);
	hand_add(&inv, "0000:01:00.0", 0x10de, 0x1c82, 0x0300, 2, 0);
	build(&inv);
	integrated = inv.cards[0].integrated;
	inventory_free(&inv);
	return integrated;
}

/* The pre-Raven APU ids, a few of each family as amdgpu_drv.c lists them, and ids in the
 * gaps it leaves (inventory.c, is_amd_root_bus_apu) */
static void test_apu_ids(void)
{
	static const uint16_t listed[] = {
		0x9640, 0x964f,		/* Llano */
		0x9802, 0x980a,		/* Brazos */
		0x9900, 0x9919, 0x99a4, /* Trinity, Richland */
		0x1304, 0x1309, 0x131d, /* Kaveri */
		0x9830, 0x983f,		/* Kabini */
		0x9850, 0x9857, 0x985f, /* Mullins */
		0x9870, 0x9874, 0x9877, /* Carrizo */
		0x98e4,			/* Stoney */
	};
	static const uint16_t unlisted[] = { 0x9646, 0x9902, 0x99a1, 0x1308, 0x1314, 0x1319,
					     0x9871, 0x9873, 0x9878, 0x98e5, 0x744c };

	for (size_t i = 0; i < ARRAY_SIZE(listed); i++)
		CHECK(root_bus_integrated(listed[i]));
	for (size_t i = 0; i < ARRAY_SIZE(unlisted); i++)
		CHECK(!root_bus_integrated(unlisted[i]));
}

static void test_sriov(void)
{
	struct inventory inv;
	struct pci_function *vf;
	struct request req;
	struct plan plan;
	struct error err = { 0 };
	const char *bad;

	/* Flex 170 PF with one VF in its own slot (4d:00.1): the VF is no card and no function
	 * of the PF's card, so passing the card never binds the VF */
	hand_init(&inv);
	hand_add(&inv, "0000:02:00.0", 0x1a03, 0x2000, 0x0300, 1, 1);
	hand_add(&inv, "0000:4d:00.0", 0x8086, 0x56c0, 0x0380, 21, -1)->sriov_totalvfs = 31;
	inv.functions[1].sriov_numvfs = 1;
	vf = hand_add(&inv, "0000:4d:00.1", 0x8086, 0x56c0, 0x0380, 22, -1);
	vf->is_vf = true;
	pci_addr_parse("0000:4d:00.0", &vf->physfn);
	/* and a VF of a PF elsewhere, in a slot of its own */
	vf = hand_add(&inv, "0000:4d:01.0", 0x8086, 0x56c0, 0x0380, 23, -1);
	vf->is_vf = true;
	pci_addr_parse("0000:4d:00.0", &vf->physfn);
	inv.functions[2].driver = xstrdup("vfio-pci");
	inv.functions[3].driver = xstrdup("i915");
	build(&inv);
	CHECK(inv.n_cards == 2);
	/* its driver's VFs exist: no candidate, and consent needed, naming the VFs */
	CHECK(inv.cards[1].n_functions == 1 && !inv.cards[1].candidate);
	CHECK(strstr(inv.cards[1].reason, "SR-IOV: 1 VF enabled by its driver") != NULL);

	request_init(&req);
	req.devices_auto = false;
	CHECK(pci_addr_list_parse("0000:4d:00.0", &req.devices, &req.n_devices, &bad) == 0);
	CHECK(policy_plan(&inv, &req, &plan, &err) == -1 && err.code == EXIT_USAGE);
	CHECK(strstr(err.msg, "refusing: 0000:4d:00.0 has 1 SR-IOV VF enabled by its driver "
			      "(0000:4d:00.1 on vfio-pci, 0000:4d:01.0 on i915)") != NULL);
	CHECK(strstr(err.msg, SRIOV_VFS_CHOICES) != NULL && strstr(err.msg, "--force") != NULL);
	req.force = true;
	memset(&err, 0, sizeof(err));
	CHECK(policy_plan(&inv, &req, &plan, &err) == 0);
	CHECK(plan.n_functions == 1 && plan.warnings.n == 1);
	CHECK(strstr(plan.warnings.items[0], "removes its VFs") != NULL);
	/* the VFs share the PF's id but go with it: ids=, not by address */
	CHECK(!plan.bind_by_address);
	plan_free(&plan);
	req.force = false;
	/* with sriov_numvfs 0 (or the PF on vfio-pci) nothing is lost: a candidate */
	inv.functions[1].sriov_numvfs = 0;
	policy_classify(&inv);
	CHECK(inv.cards[1].candidate);
	inv.functions[1].sriov_numvfs = 1;
	inv.functions[1].driver = xstrdup("vfio-pci");
	policy_classify(&inv);
	CHECK(inv.cards[1].candidate);
	CHECK(policy_plan(&inv, &req, &plan, &err) == 0 && plan.warnings.n == 0);
	plan_free(&plan);
	free(req.devices);
	CHECK(pci_addr_list_parse("0000:4d:00.1", &req.devices, &req.n_devices, &bad) == 0);
	memset(&err, 0, sizeof(err));
	CHECK(policy_plan(&inv, &req, &plan, &err) == -1 && err.code == EXIT_USAGE);
	CHECK(strstr(err.msg, "SR-IOV virtual function of 0000:4d:00.0") != NULL);
	request_free(&req);
	inventory_free(&inv);
}

static void hgx(struct inventory *inv)
{
	static const char *const gpus[] = { "0000:1b:00.0", "0000:43:00.0", "0000:52:00.0",
					    "0000:61:00.0" };
	static const char *const switches[] = { "0000:07:00.0", "0000:08:00.0" };

	hand_init(inv);
	hand_add(inv, "0000:04:00.0", 0x1a03, 0x2000, 0x0300, 1, 1);
	for (size_t i = 0; i < ARRAY_SIZE(switches); i++)
		hand_add(inv, switches[i], 0x10de, 0x22a3, 0x0680, 86 + (int)i, -1);
	for (size_t i = 0; i < ARRAY_SIZE(gpus); i++)
		hand_add(inv, gpus[i], 0x10de, 0x2330, 0x0302, 11 + 2 * (int)i, -1);
	build(inv);
}

static int plan_with(const struct inventory *inv, const char *devices, bool full, struct plan *plan,
		     struct error *err)
{
	struct request req;
	const char *bad;
	int r;

	request_init(&req);
	req.full_passthrough = full;
	if (devices) {
		req.devices_auto = false;
		if (pci_addr_list_parse(devices, &req.devices, &req.n_devices, &bad) < 0)
			abort();
	}
	memset(err, 0, sizeof(*err));
	r = policy_plan(inv, &req, plan, err);
	request_free(&req);
	return r;
}

/* The NVSwitch ids of NVIDIA's nvswitch.c (inventory.c), and the ids beside them that are not */
static void test_nvswitch_ids(void)
{
	static const uint16_t listed[] = { 0x1ae8, 0x1af0, 0x1af1, 0x1aff, 0x22a0, 0x22a3, 0x22a7 };
	static const uint16_t unlisted[] = {
		0x1ae7, 0x1aef, 0x1b00, 0x229f, 0x22a8, 0x22af, 0x2330
	};
	struct inventory inv;

	for (size_t i = 0; i < ARRAY_SIZE(listed); i++)
		CHECK(pci_function_is_nvswitch(0x10de, listed[i]));
	for (size_t i = 0; i < ARRAY_SIZE(unlisted); i++)
		CHECK(!pci_function_is_nvswitch(0x10de, unlisted[i]));
	CHECK(!pci_function_is_nvswitch(0x1002, 0x22a3));
	/* an HGX A100 switch (1af0, as the A100 generation lists beside 1af1): no card to offer */
	hand_init(&inv);
	hand_add(&inv, "0000:04:00.0", 0x1a03, 0x2000, 0x0300, 1, 1);
	hand_add(&inv, "0000:0a:00.0", 0x10de, 0x1af0, 0x0680, 30, -1);
	hand_add(&inv, "0000:0b:00.0", 0x10de, 0x20b0, 0x0302, 31, -1);
	build(&inv);
	CHECK(inv.n_cards == 3 && policy_nvswitches(&inv) == 1);
	CHECK(inv.cards[1].nvswitch && !inv.cards[1].candidate && inv.cards[2].candidate);
	inventory_free(&inv);
}

static void test_nvswitch(void)
{
	struct inventory inv;
	struct plan plan;
	struct error err;
	char *s;

	hgx(&inv);
	CHECK(inv.n_cards == 7 && policy_nvswitches(&inv) == 2 && policy_gpu_cards(&inv) == 5);
	CHECK(inv.cards[1].nvswitch && !inv.cards[1].candidate && !inv.cards[1].host);
	CHECK(strstr(inv.cards[1].reason, "NVSwitch") != NULL);
	/* the GPUs stay candidates (shared NVSwitch mode), the switches are never suggested */
	s = hand_suggested(&inv);
	CHECK_STR(s, "0000:1b:00.0 0000:43:00.0 0000:52:00.0 0000:61:00.0");
	free(s);

	/* a hand-written --devices naming a switch: refused, the two modes explained */
	CHECK(plan_with(&inv, "0000:1b:00.0,0000:07:00.0", false, &plan, &err) == -1);
	CHECK(err.code == EXIT_USAGE && strstr(err.msg, "0000:07:00.0 is an NVSwitch") &&
	      strstr(err.msg, "shared NVSwitch mode") && strstr(err.msg, "--full-passthrough"));
	/* full passthrough of part of the fabric: refused, naming what is left out */
	CHECK(plan_with(&inv, "0000:1b:00.0,0000:07:00.0", true, &plan, &err) == -1);
	CHECK(strstr(err.msg, "0000:08:00.0 0000:43:00.0 0000:52:00.0 0000:61:00.0") != NULL);
	/* full passthrough: every GPU and every switch, the BMC's VGA kept */
	CHECK(plan_with(&inv, NULL, true, &plan, &err) == 0);
	CHECK(plan.n_cards == 6 && plan.n_functions == 6);
	s = sl_join(&plan.vfio_ids, ",");
	CHECK_STR(s, "10de:22a3,10de:2330");
	free(s);
	CHECK(sl_has(&plan.softdeps, "nvidia"));
	plan_free(&plan);
	CHECK(plan_with(&inv,
			"0000:07:00.0,0000:08:00.0,0000:1b:00.0,0000:43:00.0,0000:52:00.0,"
			"0000:61:00.0",
			true, &plan, &err) == 0);
	plan_free(&plan);
	/* GPUs alone, as before: fine without the option */
	CHECK(plan_with(&inv, "0000:1b:00.0", false, &plan, &err) == 0 && plan.n_cards == 1);
	plan_free(&plan);
	inventory_free(&inv);

	/* No host card known, the GPUs passed: Xorg's BusID is never an NVSwitch's */
	hgx(&inv);
	inv.functions[0].vendor = 0x10de; /* the VGA is no BMC's: nothing marks a host */
	inv.functions[0].device = 0x2330;
	inv.functions[0].class_id = 0x0302;
	inv.functions[0].boot_vga = -1;
	build(&inv);
	CHECK(inv.host_card == -1);
	CHECK(plan_with(&inv, "0000:04:00.0,0000:1b:00.0,0000:43:00.0,0000:52:00.0,0000:61:00.0",
			false, &plan, &err) == -1); /* the only GPUs: consent needed */
	{
		struct request req;
		const char *bad;

		request_init(&req);
		req.devices_auto = false;
		req.force = true;
		CHECK(pci_addr_list_parse("0000:04:00.0", &req.devices, &req.n_devices, &bad) == 0);
		CHECK(policy_plan(&inv, &req, &plan, &err) == 0);
		CHECK(plan.xorg && plan.host_busid.bus == 0x1b);
		plan_free(&plan);
		request_free(&req);
	}
	inventory_free(&inv);

	/* --full-passthrough where there is no NVSwitch: said, not ignored */
	hand_init(&inv);
	hand_add(&inv, "0000:02:00.0", 0x1a03, 0x2000, 0x0300, 1, 1);
	hand_add(&inv, "0000:41:00.0", 0x10de, 0x20b0, 0x0302, 21, -1);
	build(&inv);
	CHECK(plan_with(&inv, NULL, true, &plan, &err) == -1);
	CHECK(strstr(err.msg, "no NVSwitch") != NULL);
	inventory_free(&inv);
}

/* Detection over the fixtures (real libpci on make-root's sysfs), run from the source tree. */
static char tmp[] = "/tmp/test-datacenter.XXXXXX";

static int make_root(const char *scenario)
{
	char *cmd = xasprintf("rm -rf %s/root && tests/roots/make-root %s %s/root >/dev/null", tmp,
			      scenario, tmp);
	int r = system(cmd);

	free(cmd);
	return r;
}

static void write_dev(const char *rel, const void *content, size_t len)
{
	char *p = xasprintf("%s/root/sys/bus/pci/devices/%s", tmp, rel);
	int fd = open(p, O_WRONLY | O_CREAT | O_TRUNC, 0644);

	CHECK(fd >= 0 && write(fd, content, len) == (ssize_t)len);
	if (fd >= 0)
		close(fd);
	free(p);
}

static void test_detect(void)
{
	struct inventory inv;
	struct error err = { 0 };
	char *root = xasprintf("%s/root", tmp);
	unsigned char config[256] = { 0 };
	const struct pci_function *f;
	struct pci_addr a;
	char *p;
	FILE *in;

	/* SR-IOV: counts on the PF, the VF known by its physfn link and kept out of the card */
	CHECK(make_root("flex170-sriov") == 0);
	CHECK(detect_inventory(root, &inv, &err) == 0);
	pci_addr_parse("0000:4d:00.0", &a);
	f = inventory_find(&inv, &a);
	CHECK(f && f->sriov_totalvfs == 31 && f->sriov_numvfs == 1 && !f->is_vf);
	pci_addr_parse("0000:4d:00.1", &a);
	f = inventory_find(&inv, &a);
	CHECK(f && f->is_vf && f->physfn.bus == 0x4d && f->physfn.func == 0);
	CHECK(inv.n_cards == 2 && inv.cards[1].n_functions == 1);
	inventory_free(&inv);

	/* NVSwitch: class 0680, yet an endpoint and a card of its own kind */
	CHECK(make_root("hgx-h100-nvswitch") == 0);
	CHECK(detect_inventory(root, &inv, &err) == 0);
	pci_addr_parse("0000:07:00.0", &a);
	f = inventory_find(&inv, &a);
	CHECK(f && !f->is_bridge && inv.cards[inventory_find_card(&inv, &a)].nvswitch);
	/* what the VM will meet: the H100's BARs from its resource file, the VT-d units */
	pci_addr_parse("0000:1b:00.0", &a);
	f = inventory_find(&inv, &a);
	CHECK(f && f->bars[0].size == 16ULL << 20 && !f->bars[0].mem64 && !f->bars[0].prefetchable);
	CHECK(f && f->bars[1].size == 128ULL << 30 && f->bars[1].mem64 && f->bars[1].prefetchable);
	CHECK(f && f->bars[2].size == 0 && f->bars[3].size == 32ULL << 20 && !f->bars[3].io);
	CHECK(inv.irq_remap.intel_units == 4 && inv.irq_remap.intel_ir_units == 4);
	CHECK(inv.irq_remap.amd_units == 0 && inv.irq_remap.allow_unsafe == -1);
	/* the bridges above the cards and the host's functions are not read */
	pci_addr_parse("0000:1a:01.0", &a);
	f = inventory_find(&inv, &a);
	CHECK(f && f->bars[0].size == 0);
	inventory_free(&inv);
	/* apply's and remove's load reads none of it */
	CHECK(detect_inventory_flags(root, DETECT_NO_NAMES | DETECT_NO_RESET | DETECT_NO_VM, &inv,
				     &err) == 0);
	pci_addr_parse("0000:1b:00.0", &a);
	f = inventory_find(&inv, &a);
	CHECK(f && f->bars[1].size == 0 && inv.irq_remap.intel_units == 0);
	inventory_free(&inv);

	/* an AMD-Vi host; a VT-d unit without IR (ecap 1000: bit 3 clear) beside one with it;
	 * allow_unsafe_interrupts=Y */
	CHECK(make_root("mi300x-8-bmc") == 0);
	CHECK(detect_inventory(root, &inv, &err) == 0);
	CHECK(inv.irq_remap.amd_units == 4 && inv.irq_remap.intel_units == 0);
	inventory_free(&inv);
	CHECK(make_root("intel-igpu-nvidia") == 0);
	p = xasprintf("%s/sys/devices/virtual/iommu/dmar0/intel-iommu/ecap", root);
	in = fopen(p, "w");
	CHECK(in && fputs("1000\n", in) >= 0);
	if (in)
		fclose(in);
	free(p);
	p = xasprintf("mkdir -p %s/sys/module/vfio_iommu_type1/parameters && echo Y >"
		      "%s/sys/module/vfio_iommu_type1/parameters/allow_unsafe_interrupts",
		      root, root);
	CHECK(system(p) == 0);
	free(p);
	CHECK(detect_inventory(root, &inv, &err) == 0);
	CHECK(inv.irq_remap.intel_units == 2 && inv.irq_remap.intel_ir_units == 1);
	CHECK(inv.irq_remap.allow_unsafe == 1);
	pci_addr_parse("0000:01:00.0", &a);
	f = inventory_find(&inv, &a);
	CHECK(f && f->bars[5].size == 128 && f->bars[5].io && f->bars[1].rebar_max == 0);
	inventory_free(&inv);

	/* Resizable BAR from the config space root can read: the RTX 3060's ReBAR capability as
	 * `lspci -vv` shows it ("BAR 0: current size: 16MB, supported: 16MB; BAR 1: current size:
	 * 256MB, supported: 64MB ... 16GB; BAR 3: current size: 32MB, supported: 32MB") */
	{
		unsigned char big[4096] = { 0 };
		static const uint32_t rebar[] = {
			0x00010015, /* ext cap 15 (ReBAR), version 1, last */
			1u << 8,      0 | 3u << 5 | 4u << 8, /* BAR 0: 16 MiB; three BARs */
			0x1ffu << 10, 1 | 8u << 8, /* BAR 1: 64 MiB..16 GiB, 256 MiB now */
			1u << 9,      3 | 5u << 8, /* BAR 3: 32 MiB */
		};

		p = xasprintf("%s/sys/bus/pci/devices/0000:01:00.0/config", root);
		in = fopen(p, "rb");
		CHECK(in && fread(big, 1, 64, in) == 64);
		if (in)
			fclose(in);
		free(p);
		big[0x06] |= 0x10; /* status: capability list */
		big[0x34] = 0x40;
		big[0x40] = 0x10; /* PCI Express, last */
		big[0x42] = 0x02;
		memcpy(big + 0x100, rebar, sizeof(rebar)); /* little-endian, as config space is */
		write_dev("0000:01:00.0/config", big, sizeof(big));
	}
	CHECK(detect_inventory(root, &inv, &err) == 0);
	f = inventory_find(&inv, &a);
	CHECK(f && f->bars[1].size == 256ULL << 20 && f->bars[1].rebar_max == 16ULL << 30);
	CHECK(f && f->bars[0].rebar_max == 16ULL << 20 && f->bars[3].rebar_max == 32ULL << 20);
	CHECK(f && f->bars[2].rebar_max == 0 && f->bars[5].rebar_max == 0);
	inventory_free(&inv);

	/* reset_method as the kernel writes it; without it, FLR from the PCIe capability */
	CHECK(make_root("single-gpu") == 0);
	write_dev("0000:07:00.0/reset_method", "flr bus\n", 8);
	p = xasprintf("%s/sys/bus/pci/devices/0000:07:00.1/config", root);
	in = fopen(p, "rb");
	CHECK(in && fread(config, 1, 64, in) == 64);
	if (in)
		fclose(in);
	free(p);
	config[0x06] |= 0x10; /* status: capability list */
	config[0x34] = 0x40;  /* first capability */
	config[0x40] = 0x10;  /* PCI Express, last */
	config[0x42] = 0x02;  /* version 2 */
	config[0x47] = 0x10;  /* DevCap bit 28: FLReset */
	write_dev("0000:07:00.1/config", config, sizeof(config));
	CHECK(detect_inventory(root, &inv, &err) == 0);
	pci_addr_parse("0000:07:00.0", &a);
	f = inventory_find(&inv, &a);
	CHECK(f && f->reset_method && strcmp(f->reset_method, "flr bus") == 0 && f->flr == -1);
	pci_addr_parse("0000:07:00.1", &a);
	f = inventory_find(&inv, &a);
	CHECK(f && !f->reset_method && f->flr == 1);
	inventory_free(&inv);
	free(root);
}

static void test_reset_quirk(void)
{
	/* vendor-reset's list (src/device-db.h): RX 580, Vega 64, Radeon VII, RX 5700 XT, MI100 */
	CHECK_STR(policy_reset_quirk(0x1002, 0x67df), "Polaris 10");
	CHECK_STR(policy_reset_quirk(0x1002, 0x687f), "Vega 10");
	CHECK_STR(policy_reset_quirk(0x1002, 0x66af), "Vega 20");
	CHECK_STR(policy_reset_quirk(0x1002, 0x731f), "Navi 10");
	CHECK_STR(policy_reset_quirk(0x1002, 0x738c), "Arcturus (Instinct MI100)");
	/* not on it: Navi 21, MI300X, an NVIDIA card with the same device number */
	CHECK(!policy_reset_quirk(0x1002, 0x73bf) && !policy_reset_quirk(0x1002, 0x74a1));
	CHECK(!policy_reset_quirk(0x10de, 0x67df));
}

int main(void)
{
	if (!mkdtemp(tmp))
		return 1;
	test_detect();
	test_reset_quirk();
	test_accelerators();
	test_integrated_by_evidence();
	test_apu_ids();
	test_sriov();
	test_nvswitch_ids();
	test_nvswitch();
	{
		char *cmd = xasprintf("rm -rf %s", tmp);

		if (system(cmd) != 0)
			fprintf(stderr, "cannot remove %s\n", tmp);
		free(cmd);
	}
	return unit_done("datacenter");
}
