// SPDX-License-Identifier: GPL-2.0-or-later
/* The one chain: settings + overrides -> plan, and loading a root with no PCI bus. */
#include <stdio.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

#include "fake-inventory.h"
#include "system.h"
#include "unit.h"

static char root[] = "/tmp/vps-test-system.XXXXXX";

static void write_settings(const char *text)
{
	char path[256];
	FILE *f;

	snprintf(path, sizeof(path), "%s/etc", root);
	mkdir(path, 0755);
	snprintf(path, sizeof(path), "%s/etc/default", root);
	mkdir(path, 0755);
	snprintf(path, sizeof(path), "%s%s", root, SETTINGS_PATH);
	f = fopen(path, "w");
	if (!f)
		abort();
	fputs(text, f);
	fclose(f);
}

static void test_overrides_win(void)
{
	struct inventory inv;
	struct request req, devices;
	struct plan plan;
	struct error err = { 0 };
	struct pci_addr busid = { 0 };
	const char *bad;

	fake_inventory(&inv, intel_nvidia, ARRAY_SIZE(intel_nvidia));
	inv.cpu = CPU_INTEL;
	fake_mark(&inv, 0, (int[]){ 1 }, 1);

	/* The settings choose no card; the command line chooses the GTX 1080. */
	write_settings("DEVICES=\"\"\nXORG=\"yes\"\nKERNEL_PARAMS=\"auto\"\n");
	request_init(&devices);
	devices.devices_auto = false;
	CHECK(pci_addr_list_parse("01:00.1", &devices.devices, &devices.n_devices, &bad) == 0);
	busid.slot = 2;
	request_init(&req);
	CHECK(system_plan(root, &inv,
			  &(struct request_overrides){ .devices = &devices,
						       .host_busid = &busid,
						       .kernel_params = "iommu=pt" },
			  &req, &plan, &err) == 0);
	CHECK(plan.n_cards == 1 &&
	      pci_addr_cmp(&plan.cards[0], &(struct pci_addr){ .bus = 1 }) == 0);
	CHECK_STR(plan.kernel_params, "iommu=pt");
	CHECK(plan.xorg && plan.host_busid.slot == 2);
	plan_free(&plan);
	request_free(&req);

	/* Without overrides the settings stand: no card, an empty plan. */
	request_init(&req);
	CHECK(system_plan(root, &inv, NULL, &req, &plan, &err) == 0);
	CHECK(plan_is_empty(&plan));
	plan_free(&plan);
	request_free(&req);

	/* --no-xorg and --force reach the request. */
	request_init(&req);
	CHECK(system_plan(root, &inv,
			  &(struct request_overrides){
			      .devices = &devices, .no_xorg = true, .force = true },
			  &req, &plan, &err) == 0);
	CHECK(!plan.xorg && req.force && !req.xorg);
	plan_free(&plan);
	request_free(&req);

	/* A settings file that does not parse is the error, whatever the overrides. */
	write_settings("DEVICES=\"zz\"\n");
	request_init(&req);
	CHECK(system_plan(root, &inv, &(struct request_overrides){ .devices = &devices }, &req,
			  &plan, &err) == -1);
	CHECK(err.code == EXIT_USAGE);
	request_free(&req);
	request_free(&devices);
	fake_free(&inv);
}

static void test_load_without_pci(void)
{
	struct inventory inv;
	struct error err = { 0 };

	/* No /sys/bus/pci, no kernels: loaded, nothing to configure, no error. */
	CHECK(system_load(root, DETECT_NO_NAMES, INDEX_FAILURE_FATAL, &inv, &err) == 0);
	CHECK(!inv.have_pci && inv.n_cards == 0 && inv.host_card == -1);
	CHECK(!inv.modules_incomplete);
	inventory_free(&inv);
}

int main(void)
{
	char cmd[300];

	if (!mkdtemp(root))
		return 1;
	test_overrides_win();
	test_load_without_pci();
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", root);
	if (system(cmd) != 0)
		return 1;
	return unit_done("system");
}
