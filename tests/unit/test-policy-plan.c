// SPDX-License-Identifier: GPL-2.0-or-later
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fake-inventory.h"
#include "policy.h"
#include "unit.h"

#define INV(inv, fns) fake_inventory(inv, fns, ARRAY_SIZE(fns))

static char *joined(const struct strlist *l)
{
	static char buf[512];
	char *s = sl_join(l, ",");

	snprintf(buf, sizeof(buf), "%s", s);
	free(s);
	return buf;
}

static char *joined_addrs(const struct pci_addr *a, size_t n)
{
	static char buf[512];
	char *s = pci_addr_list_format(a, n, ",");

	snprintf(buf, sizeof(buf), "%s", s);
	free(s);
	return buf;
}

static void choose(struct request *req, const char *list)
{
	const char *bad;

	req->devices_auto = false;
	free(req->devices);
	if (pci_addr_list_parse(list, &req->devices, &req->n_devices, &bad) < 0)
		abort();
}

/* Plan must fail with EXIT_USAGE and a message containing want. */
static void refused(const struct inventory *inv, const struct request *req, const char *want)
{
	struct plan plan;
	struct error err = { 0 };

	CHECK(policy_plan(inv, req, &plan, &err) == -1);
	CHECK(err.code == EXIT_USAGE);
	if (!strstr(err.msg, want))
		fprintf(stderr, "  message [%s] lacks [%s]\n", err.msg, want);
	CHECK(strstr(err.msg, want) != NULL);
}

static void test_intel_nvidia(void)
{
	struct inventory inv;
	struct request req;
	struct plan plan;
	struct error err = { 0 };
	char busid[XORG_BUSID_STRLEN];

	INV(&inv, intel_nvidia);
	inv.cpu = CPU_INTEL;
	fake_mark(&inv, 0, (int[]){ 1 }, 1);
	request_init(&req);
	CHECK(policy_plan(&inv, &req, &plan, &err) == 0);
	CHECK(!plan_is_empty(&plan));
	CHECK_STR(joined_addrs(plan.cards, plan.n_cards), "0000:01:00.0");
	CHECK_STR(joined_addrs(plan.functions, plan.n_functions), "0000:01:00.0,0000:01:00.1");
	CHECK_STR(joined(&plan.vfio_ids), "10de:1b80,10de:10f0");
	CHECK_STR(joined(&plan.softdeps), "nouveau,nvidia,snd_hda_intel");
	CHECK(!plan.bind_by_address && !plan.vfio_builtin);
	CHECK_STR(plan.kernel_params, "intel_iommu=on iommu=pt");
	CHECK(plan.xorg);
	xorg_busid_format(&plan.host_busid, busid);
	CHECK_STR(busid, "PCI:0:2:0");
	CHECK_STR(plan.xorg_driver, "modesetting");
	CHECK(plan.warnings.n == 0);
	plan_free(&plan);

	/* The audio function's address selects the whole card. */
	choose(&req, "0000:01:00.1");
	CHECK(policy_plan(&inv, &req, &plan, &err) == 0);
	CHECK_STR(joined_addrs(plan.functions, plan.n_functions), "0000:01:00.0,0000:01:00.1");
	plan_free(&plan);

	/* Built-in vfio-pci: the ids move to the kernel command line. */
	inv.vfio_pci = VFIO_BUILTIN;
	CHECK(policy_plan(&inv, &req, &plan, &err) == 0);
	CHECK(plan.vfio_builtin);
	CHECK_STR(plan.kernel_params, "intel_iommu=on iommu=pt vfio-pci.ids=10de:1b80,10de:10f0");
	plan_free(&plan);
	inv.vfio_pci = VFIO_MODULE;

	/* The admin's parameters replace the defaults; "" means none. */
	req.kernel_params_auto = false;
	req.kernel_params = xstrdup("iommu=pt");
	CHECK(policy_plan(&inv, &req, &plan, &err) == 0);
	CHECK_STR(plan.kernel_params, "iommu=pt");
	plan_free(&plan);
	free(req.kernel_params);
	req.kernel_params = xstrdup("");
	CHECK(policy_plan(&inv, &req, &plan, &err) == 0);
	CHECK(plan.kernel_params == NULL);
	plan_free(&plan);

	/* No Xorg snippet when asked not to. */
	req.xorg = false;
	CHECK(policy_plan(&inv, &req, &plan, &err) == 0);
	CHECK(!plan.xorg);
	plan_free(&plan);
	req.xorg = true;

	/* Given BusIDs: must name a display device the host keeps. */
	req.host_busid_auto = false;
	xorg_busid_parse("PCI:0:2:0", &req.host_busid);
	CHECK(policy_plan(&inv, &req, &plan, &err) == 0);
	xorg_busid_format(&plan.host_busid, busid);
	CHECK_STR(busid, "PCI:0:2:0");
	plan_free(&plan);
	xorg_busid_parse("PCI:0:31:3", &req.host_busid);
	refused(&inv, &req, "host BusID PCI:0:31:3 names no display device");
	xorg_busid_parse("PCI:0:9:0", &req.host_busid);
	refused(&inv, &req, "host BusID PCI:0:9:0 names no display device");
	xorg_busid_parse("PCI:1:0:0", &req.host_busid);
	refused(&inv, &req, "is a card being passed to vfio-pci");
	req.host_busid_auto = true;

	/* Unknown and non-display addresses. */
	choose(&req, "0000:05:00.0");
	refused(&inv, &req, "device 0000:05:00.0: there is no PCI device");
	choose(&req, "00:1f.3");
	refused(&inv, &req, "0000:00:1f.3 is not a graphics card (class 0403)");
	choose(&req, "00:01.0");
	refused(&inv, &req, "is not a graphics card");

	/* Nothing chosen: an empty plan. */
	choose(&req, "");
	CHECK(policy_plan(&inv, &req, &plan, &err) == 0);
	CHECK(plan_is_empty(&plan) && plan.kernel_params == NULL && !plan.xorg);
	plan_free(&plan);

	request_free(&req);
	fake_free(&inv);
}

static void test_host_card(void)
{
	struct inventory inv;
	struct request req;
	struct plan plan;
	struct error err = { 0 };
	char busid[XORG_BUSID_STRLEN];

	INV(&inv, intel_nvidia);
	inv.cpu = CPU_INTEL;
	fake_mark(&inv, 0, (int[]){ 1 }, 1);
	request_init(&req);
	choose(&req, "00:02.0");
	refused(&inv, &req, "refusing: 0000:00:02.0 is the host's display");
	refused(&inv, &req, "--force");
	req.force = true;
	CHECK(policy_plan(&inv, &req, &plan, &err) == 0);
	CHECK(plan.warnings.n == 1);
	CHECK_STR(joined_addrs(plan.functions, plan.n_functions), "0000:00:02.0");
	/* Xorg moves to the card the host keeps (bound to nouveau: modesetting drives it). */
	CHECK(plan.xorg);
	xorg_busid_format(&plan.host_busid, busid);
	CHECK_STR(busid, "PCI:1:0:0");
	CHECK_STR(plan.xorg_driver, "modesetting");
	plan_free(&plan);

	/* Both cards: the host would keep no display at all. */
	req.force = false;
	choose(&req, "00:02.0,01:00.0");
	refused(&inv, &req, "only display device left to the host");
	refused(&inv, &req, "no console and no display manager");
	req.force = true;
	CHECK(policy_plan(&inv, &req, &plan, &err) == 0);
	CHECK(!plan.xorg);
	CHECK(plan.warnings.n == 2);
	plan_free(&plan);
	request_free(&req);
	fake_free(&inv);

	/* A single GPU (bound to nvidia): nothing suggested, consent needed. */
	INV(&inv, single_gpu);
	inv.cpu = CPU_INTEL;
	fake_mark(&inv, 0, NULL, 0);
	request_init(&req);
	CHECK(policy_plan(&inv, &req, &plan, &err) == 0);
	CHECK(plan_is_empty(&plan));
	plan_free(&plan);
	choose(&req, "01:00.0");
	refused(&inv, &req, "only display device left to the host");
	req.force = true;
	CHECK(policy_plan(&inv, &req, &plan, &err) == 0);
	CHECK(!plan.xorg && plan.warnings.n == 1);
	/* No module index entry for nvidia: only the explicit softdep. */
	CHECK_STR(joined(&plan.softdeps), "nvidia,snd_hda_intel");
	plan_free(&plan);
	request_free(&req);
	fake_free(&inv);
}

static void test_turing_amd(void)
{
	struct inventory inv;
	struct request req;
	struct plan plan;
	struct error err = { 0 };
	char busid[XORG_BUSID_STRLEN];

	INV(&inv, amd_turing);
	inv.cpu = CPU_AMD;
	/* The firmware boots on the NVIDIA card; the admin passes the Radeon. */
	fake_mark(&inv, 0, (int[]){ 1 }, 1);
	request_init(&req);
	CHECK(policy_plan(&inv, &req, &plan, &err) == 0);
	CHECK_STR(joined_addrs(plan.cards, plan.n_cards), "0000:0a:00.0");
	CHECK_STR(plan.kernel_params, "iommu=pt");
	CHECK(strstr(plan.kernel_params, "amd_iommu") == NULL);
	CHECK_STR(joined(&plan.softdeps), "amdgpu,snd_hda_intel");
	xorg_busid_format(&plan.host_busid, busid);
	CHECK_STR(busid, "PCI:1:0:0");
	plan_free(&plan);

	/* The Turing card through its UCSI function: all four functions, the bridge never. */
	choose(&req, "01:00.3");
	req.force = true;
	CHECK(policy_plan(&inv, &req, &plan, &err) == 0);
	CHECK_STR(joined_addrs(plan.functions, plan.n_functions),
		  "0000:01:00.0,0000:01:00.1,0000:01:00.2,0000:01:00.3");
	CHECK_STR(joined(&plan.vfio_ids), "10de:1e87,10de:10f8,10de:1ad8,10de:1ad9");
	CHECK_STR(joined(&plan.softdeps), "nouveau,nvidia,snd_hda_intel,xhci_pci");
	CHECK(!plan.bind_by_address);
	xorg_busid_format(&plan.host_busid, busid);
	CHECK_STR(busid, "PCI:10:0:0"); /* decimal */
	plan_free(&plan);

	/* Unknown CPU: no vendor-specific IOMMU parameter either. */
	inv.cpu = CPU_UNKNOWN;
	req.force = false;
	req.devices_auto = true;
	CHECK(policy_plan(&inv, &req, &plan, &err) == 0);
	CHECK_STR(plan.kernel_params, "iommu=pt");
	plan_free(&plan);
	request_free(&req);
	fake_free(&inv);
}

static void test_identical(void)
{
	struct inventory inv;
	struct request req;
	struct plan plan;
	struct error err = { 0 };

	INV(&inv, identical);
	inv.cpu = CPU_AMD;
	fake_mark(&inv, 0, (int[]){ 1 }, 1);
	request_init(&req);
	CHECK(policy_plan(&inv, &req, &plan, &err) == 0);
	CHECK(plan.bind_by_address);
	CHECK_STR(joined_addrs(plan.functions, plan.n_functions), "0000:02:00.0,0000:02:00.1");
	CHECK_STR(plan.kernel_params, "iommu=pt");
	plan_free(&plan);

	/* Built in: still no ids on the command line (they would take the host's card). */
	inv.vfio_pci = VFIO_BUILTIN;
	CHECK(policy_plan(&inv, &req, &plan, &err) == 0);
	CHECK(plan.bind_by_address && plan.vfio_builtin);
	CHECK_STR(plan.kernel_params, "iommu=pt");
	plan_free(&plan);
	request_free(&req);
	fake_free(&inv);

	/* Different cards never bind by address. */
	INV(&inv, intel_nvidia);
	fake_mark(&inv, 0, (int[]){ 1 }, 1);
	request_init(&req);
	CHECK(policy_plan(&inv, &req, &plan, &err) == 0);
	CHECK(!plan.bind_by_address);
	plan_free(&plan);
	request_free(&req);
	fake_free(&inv);
}

static void test_shared_group(void)
{
	struct inventory inv;
	struct request req;
	struct plan plan;
	struct error err = { 0 };

	INV(&inv, shared_group);
	inv.cpu = CPU_INTEL;
	fake_mark(&inv, 0, NULL, 0);
	sl_add(&inv.cards[1].group_peers, "0000:02:00.0");
	request_init(&req);
	choose(&req, "0000:01:00.0");
	refused(&inv, &req, "shares its IOMMU group with 0000:02:00.0");
	req.force = true;
	CHECK(policy_plan(&inv, &req, &plan, &err) == 0);
	CHECK(plan.warnings.n == 1);
	/* The NVMe stays with the host, whatever happens. */
	CHECK_STR(joined_addrs(plan.functions, plan.n_functions), "0000:01:00.0,0000:01:00.1");
	CHECK_STR(joined(&plan.vfio_ids), "1002:67df,1002:aaf0");
	CHECK_STR(joined(&plan.softdeps), "amdgpu,radeon,snd_hda_intel");
	plan_free(&plan);
	request_free(&req);
	fake_free(&inv);
}

static void test_bridge_in_slot(void)
{
	/* A bridge function in the card's own slot (switch upstream port) is never bound. */
	static const struct fake_fn fns[] = {
		{ "00:02.0", 0x8086, 0x3e92, 0x0300, "i915", "i915", 0, 1, false },
		{ "03:00.0", 0x1002, 0x1478, 0x0604, "pcieport", NULL, 3, -1, true },
		{ "03:00.1", 0x1002, 0x73bf, 0x0380, "amdgpu", "amdgpu", 3, -1, false },
	};
	struct inventory inv;
	struct request req;
	struct plan plan;
	struct error err = { 0 };

	INV(&inv, fns);
	fake_mark(&inv, 0, (int[]){ 1 }, 1);
	request_init(&req);
	CHECK(policy_plan(&inv, &req, &plan, &err) == 0);
	CHECK_STR(joined_addrs(plan.functions, plan.n_functions), "0000:03:00.1");
	CHECK_STR(joined(&plan.vfio_ids), "1002:73bf");
	plan_free(&plan);
	request_free(&req);
	fake_free(&inv);
}

static void test_default_params(void)
{
	char *s = policy_default_kernel_params(CPU_INTEL);

	CHECK_STR(s, "intel_iommu=on iommu=pt");
	free(s);
	s = policy_default_kernel_params(CPU_AMD);
	CHECK_STR(s, "iommu=pt");
	free(s);
	s = policy_default_kernel_params(CPU_UNKNOWN);
	CHECK_STR(s, "iommu=pt");
	free(s);
}

/* The boot GPU, passed with consent, also loses its firmware framebuffer: the parameter
 * goes on the command line (before vfio-pci.ids where those are needed) and the warning
 * says so. A card that is not the boot VGA gets no such parameter. */
static void test_boot_framebuffer(void)
{
	struct inventory inv;
	struct request req;
	struct plan plan;
	struct error err = { 0 };

	INV(&inv, intel_nvidia);
	inv.cpu = CPU_INTEL;
	fake_mark(&inv, 0, (int[]){ 1 }, 1);
	request_init(&req);
	CHECK(policy_plan(&inv, &req, &plan, &err) == 0);
	CHECK_STR(plan.kernel_params, "intel_iommu=on iommu=pt");
	plan_free(&plan);

	choose(&req, "00:02.0");
	req.force = true;
	CHECK(policy_plan(&inv, &req, &plan, &err) == 0);
	CHECK_STR(plan.kernel_params, "intel_iommu=on iommu=pt initcall_blacklist=sysfb_init");
	CHECK(plan.warnings.n == 1 &&
	      strstr(plan.warnings.items[0], "firmware framebuffer is released with "
					     "initcall_blacklist=sysfb_init") != NULL);
	plan_free(&plan);

	/* Explicit parameters and a built-in vfio-pci: it is still added, ids last. */
	req.kernel_params_auto = false;
	req.kernel_params = xstrdup("iommu=pt");
	inv.vfio_pci = VFIO_BUILTIN;
	CHECK(policy_plan(&inv, &req, &plan, &err) == 0);
	CHECK_STR(plan.kernel_params,
		  "iommu=pt initcall_blacklist=sysfb_init vfio-pci.ids=8086:3e92");
	plan_free(&plan);
	request_free(&req);
	fake_free(&inv);
}

/* A BMC's VGA: refused without consent, a warning with it. */
static void test_bmc_consent(void)
{
	static const struct fake_fn server[] = {
		{ "02:00.0", 0x1a03, 0x2000, 0x0300, "ast", "ast", 1, 0, false },
		{ "41:00.0", 0x10de, 0x2230, 0x0300, "nvidia", "nouveau", 21, 1, false },
		{ "81:00.0", 0x10de, 0x2230, 0x0300, "nvidia", "nouveau", 41, 0, false },
	};
	struct inventory inv;
	struct request req;
	struct plan plan;
	struct error err = { 0 };

	INV(&inv, server);
	inv.cpu = CPU_AMD;
	inv.cards[0].bmc = true;
	fake_mark(&inv, 1, (int[]){ 2 }, 1);
	request_init(&req);
	choose(&req, "02:00.0");
	refused(&inv, &req, "refusing: 0000:02:00.0 is the VGA of the BMC");
	refused(&inv, &req, "remote console");
	req.force = true;
	CHECK(policy_plan(&inv, &req, &plan, &err) == 0);
	CHECK(plan.warnings.n == 1 && strstr(plan.warnings.items[0], "VGA of the BMC") != NULL);
	plan_free(&plan);
	request_free(&req);
	fake_free(&inv);
}

int main(void)
{
	test_boot_framebuffer();
	test_bmc_consent();
	test_intel_nvidia();
	test_host_card();
	test_turing_amd();
	test_identical();
	test_shared_group();
	test_bridge_in_slot();
	test_default_params();
	return unit_done("policy-plan");
}
