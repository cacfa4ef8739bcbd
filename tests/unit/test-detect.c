// SPDX-License-Identifier: GPL-2.0-or-later
/* Detection over fake roots from tests/roots (real libpci on a fake sysfs), then the same
 * roots damaged: detection must report, never crash or exit. Run from the source tree. */
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

#include "detect.h"
#include "pci-sysfs.h"
#include "unit.h"

static char tmp[] = "/tmp/test-detect.XXXXXX";

static void sh(char *cmd)
{
	if (system(cmd) != 0)
		fprintf(stderr, "command failed: %s\n", cmd);
	free(cmd);
}

static void make_root(const char *scenario)
{
	sh(xasprintf("rm -rf %s/root && tests/roots/make-root %s %s/root >/dev/null", tmp, scenario,
		     tmp));
}

static void write_attr(const char *rel, const char *content, size_t len)
{
	char *p = xasprintf("%s/root/sys/bus/pci/devices/%s", tmp, rel);
	int fd = open(p, O_WRONLY | O_CREAT | O_TRUNC, 0644);

	if (fd < 0 || write(fd, content, len) != (ssize_t)len)
		fprintf(stderr, "cannot write %s\n", p);
	if (fd >= 0)
		close(fd);
	free(p);
}

static void test_cpuinfo(void)
{
	CHECK(cpuinfo_parse_vendor("processor\t: 0\nvendor_id\t: GenuineIntel\n") == CPU_INTEL);
	CHECK(cpuinfo_parse_vendor("vendor_id : AuthenticAMD") == CPU_AMD);
	CHECK(cpuinfo_parse_vendor("vendor_id\t: HygonGenuine\r\n") == CPU_AMD);
	CHECK(cpuinfo_parse_vendor("vendor_id\t: GenuineIntelX\n") == CPU_UNKNOWN);
	CHECK(cpuinfo_parse_vendor("vendor_id\t: CentaurHauls\nvendor_id\t: GenuineIntel\n") ==
	      CPU_UNKNOWN);
	CHECK(cpuinfo_parse_vendor("vendor_idx: GenuineIntel\nvendor_id: AuthenticAMD\n") ==
	      CPU_AMD);
	CHECK(cpuinfo_parse_vendor("vendor_id\n") == CPU_UNKNOWN);
	CHECK(cpuinfo_parse_vendor("vendor_id") == CPU_UNKNOWN);
	CHECK(cpuinfo_parse_vendor("") == CPU_UNKNOWN);
	CHECK(cpuinfo_parse_vendor("model name : GenuineIntel\n") == CPU_UNKNOWN);
}

/* The uevent as the kernel writes it, and text it never writes. */
static void test_uevent(void)
{
	char real[] = "DRIVER=nouveau\nPCI_CLASS=30000\nPCI_ID=10DE:2504\n"
		      "PCI_SUBSYS_ID=1458:4071\nPCI_SLOT_NAME=0000:01:00.0\n"
		      "MODALIAS=pci:v000010DEd00002504sv00001458sd00004071bc03sc00i00\n";
	char odd[] = "PCI_ID=\nXPCI_CLASS=1\nPCI_CLASS=60400\nPCI_CLASS=30000\nMODALIAS=x";
	char none[] = "";
	struct pci_uevent ue;
	uint16_t v = 0, d = 0;

	pci_uevent_parse(real, &ue);
	CHECK_STR(ue.pci_id, "10DE:2504");
	CHECK_STR(ue.pci_class, "30000");
	CHECK_STR(ue.modalias, "pci:v000010DEd00002504sv00001458sd00004071bc03sc00i00");
	CHECK_STR(ue.driver, "nouveau");
	pci_uevent_parse(odd, &ue); /* the first line of a key counts; no newline at the end */
	CHECK_STR(ue.pci_id, "");
	CHECK_STR(ue.pci_class, "60400");
	CHECK_STR(ue.modalias, "x");
	CHECK(!ue.driver); /* unbound: no DRIVER= line */
	pci_uevent_parse(none, &ue);
	CHECK(!ue.pci_id && !ue.pci_class && !ue.modalias && !ue.driver);

	CHECK(pci_id_parse_any_case("10DE:2504", &v, &d) == 0 && v == 0x10de && d == 0x2504);
	CHECK(pci_id_parse_any_case("8086:a780", &v, &d) == 0 && v == 0x8086 && d == 0xa780);
	CHECK(pci_id_parse_any_case("10DE:25045", &v, &d) < 0);
	CHECK(pci_id_parse_any_case("10DE2504", &v, &d) < 0);
	CHECK(pci_id_parse_any_case("10DE:25G4", &v, &d) < 0);
	CHECK(pci_id_parse_any_case("", &v, &d) < 0);
	CHECK(pci_id_parse_any_case(NULL, &v, &d) < 0);
}

static void test_no_pci(void)
{
	struct inventory inv;
	struct error err = { 0 };
	char *empty = xasprintf("%s/empty", tmp);

	mkdir(empty, 0755);
	CHECK(detect_inventory(empty, &inv, &err) == 0);
	CHECK(!inv.have_pci && inv.n_functions == 0 && inv.n_cards == 0);
	CHECK(inv.cpu == CPU_UNKNOWN && inv.cmdline == NULL && inv.iommu_groups == 0);
	inventory_free(&inv);
	CHECK(detect_inventory("/nonexistent/root", &inv, &err) == 0 && !inv.have_pci);
	inventory_free(&inv);
	free(empty);
}

static void test_turing(void)
{
	struct inventory inv;
	struct error err = { 0 };
	char *root = xasprintf("%s/root", tmp);

	make_root("turing-4fn");
	CHECK(detect_inventory(root, &inv, &err) == 0);
	CHECK(inv.have_pci && inv.cpu == CPU_INTEL && inv.iommu_groups == 5);
	CHECK(inv.cmdline && strstr(inv.cmdline, "root=/dev/nvme0n1p2"));
	CHECK(inv.n_functions == 9 && inv.n_cards == 2);
	if (inv.n_cards == 2) {
		const struct card *c = &inv.cards[1];
		const struct pci_function *f = &inv.functions[c->functions[0]];
		const struct pci_function *ucsi = &inv.functions[c->functions[3]];

		CHECK(c->n_functions == 4);
		CHECK(f->vendor == 0x10de && f->device == 0x1f02 && f->class_id == 0x0300);
		CHECK_STR(f->name, "NVIDIA Corporation TU106 [GeForce RTX 2070]");
		CHECK_STR(f->class_name, "VGA compatible controller");
		CHECK_STR(f->driver, "nouveau");
		CHECK_STR(f->modalias, "pci:v000010DEd00001F02sv00003842sd00002172bc03sc00i00");
		CHECK(f->iommu_group == 1 && f->boot_vga == 0 && !f->is_bridge);
		CHECK(ucsi->driver == NULL && ucsi->boot_vga == -1 && ucsi->class_id == 0x0c80);
		CHECK(inv.functions[1].is_bridge); /* 00:01.0 root port, header type 1 */
		CHECK(inv.cards[0].boot_vga && inv.cards[0].integrated);
	}
	inventory_free(&inv);

	/* apply's detection: the same machine without pci.ids names */
	CHECK(detect_inventory_flags(root, DETECT_NO_NAMES, &inv, &err) == 0);
	CHECK(inv.n_functions == 9 && inv.n_cards == 2);
	for (size_t i = 0; i < inv.n_functions; i++)
		CHECK(!inv.functions[i].name && !inv.functions[i].class_name);
	if (inv.n_cards == 2) {
		const struct pci_function *f = &inv.functions[inv.cards[1].functions[0]];

		CHECK(f->vendor == 0x10de && f->device == 0x1f02 && f->class_id == 0x0300);
		CHECK_STR(f->driver, "nouveau");
		CHECK(f->iommu_group == 1 && f->boot_vga == 0 && f->modalias);
	}
	inventory_free(&inv);
	free(root);
}

static void test_garbage(void)
{
	struct inventory inv;
	struct error err;
	char *root = xasprintf("%s/root", tmp);
	char big[5000];
	const char *junk_ids = "PCI_CLASS=30000\nPCI_ID=zzzz\n";
	const char *junk_class = "PCI_ID=8086:A780\nPCI_CLASS=\x01\x02\xff\n";

	memset(big, '7', sizeof(big));

	/* an over-long uevent (more than the page sysfs gives): libpci would stop on an
	 * over-long vendor; we report it */
	make_root("intel-igpu-nvidia");
	write_attr("0000:01:00.0/uevent", big, sizeof(big));
	err = (struct error){ 0 };
	CHECK(detect_inventory(root, &inv, &err) < 0);
	CHECK(err.code == EXIT_FAILURE_RUNTIME && strstr(err.msg, "too long"));
	if (!strstr(err.msg, "too long"))
		fprintf(stderr, "message: %s\n", err.msg);
	CHECK(inv.functions == NULL);

	/* a uevent without the class, or none at all: detection stops and says which */
	make_root("intel-igpu-nvidia");
	sh(xasprintf("sed -i /^PCI_CLASS=/d %s/root/sys/bus/pci/devices/0000:01:00.0/uevent", tmp));
	err = (struct error){ 0 };
	CHECK(detect_inventory(root, &inv, &err) < 0 &&
	      strstr(err.msg, "0000:01:00.0/uevent: no PCI_CLASS"));
	sh(xasprintf("rm %s/root/sys/devices/pci0000:00/0000:00:01.0/0000:01:00.0/uevent", tmp));
	err = (struct error){ 0 };
	CHECK(detect_inventory(root, &inv, &err) < 0 && strstr(err.msg, "cannot read") &&
	      strstr(err.msg, "0000:01:00.0/uevent"));

	/* an entry that is no device address */
	make_root("intel-igpu-nvidia");
	sh(xasprintf("mkdir %s/root/sys/bus/pci/devices/0000:01:00.0x", tmp));
	err = (struct error){ 0 };
	CHECK(detect_inventory(root, &inv, &err) < 0 && strstr(err.msg, "not a PCI device"));

	/* junk that fits: detection goes on with what it can tell */
	make_root("intel-igpu-nvidia");
	write_attr("0000:01:00.0/uevent", junk_ids, strlen(junk_ids));
	write_attr("0000:01:00.0/boot_vga", big, 4000);
	sh(xasprintf("sed -i /^MODALIAS=/d %s/root/sys/bus/pci/devices/0000:01:00.1/uevent", tmp));
	/* a bridge header behind another class: the kernel gave it a child bus (empty), listed */
	sh(xasprintf("mkdir -p %s/root/sys/bus/pci/devices/0000:00:17.0/pci_bus/0000:05", tmp));
	sh(xasprintf("ln -s ../../devices/pci0000:00/0000:00:17.0/pci_bus/0000:05 "
		     "%s/root/sys/class/pci_bus/0000:05",
		     tmp));
	write_attr("0000:00:02.0/uevent", junk_class, strlen(junk_class));
	sh(xasprintf("mkdir -p %s/root/sys/kernel/iommu_groups/x\x01y %s/root/sys/kernel/"
		     "iommu_groups/99999999999999999999",
		     tmp, tmp));
	sh(xasprintf("ln -sfn ../../../../sys/kernel/iommu_groups/x\x01y "
		     "%s/root/sys/devices/pci0000:00/0000:00:1f.3/iommu_group",
		     tmp));
	sh(xasprintf("ln -sfn ../../../../sys/kernel/iommu_groups/99999999999999999999 "
		     "%s/root/sys/devices/pci0000:00/0000:00:17.0/iommu_group",
		     tmp));
	/* a driver of an odd name, bound: its link and the uevent's DRIVER=, which is read */
	sh(xasprintf("mkdir %s/root/sys/bus/pci/drivers/'\"\\\t\x01\xc3'", tmp));
	sh(xasprintf("ln -sfn '../../../../sys/bus/pci/drivers/\"\\\t\x01\xc3' "
		     "%s/root/sys/devices/pci0000:00/0000:00:14.0/driver",
		     tmp));
	sh(xasprintf("sed -i 's/^DRIVER=.*/DRIVER=\"\\\\\t\x01\xc3/' "
		     "%s/root/sys/devices/pci0000:00/0000:00:14.0/uevent",
		     tmp));
	err = (struct error){ 0 };
	CHECK(detect_inventory(root, &inv, &err) == 0);
	/* 01:00.0's PCI_ID "zzzz" is no id: left out and said, never read as 0000 */
	CHECK(inv.n_functions == 7);
	CHECK(inv.warnings.n == 1 &&
	      strstr(inv.warnings.items[0], "0000:01:00.0: its uevent's PCI_ID \"zzzz\" in "
					    "sysfs is not a PCI id"));
	inventory_build_cards(&inv);
	CHECK(inv.n_cards == 0); /* 00:02.0's class is junk now, 01:00.0 left out */
	if (inv.n_functions == 7) {
		CHECK(inv.functions[6].modalias == NULL); /* no MODALIAS in its uevent */
		CHECK(inv.functions[5].iommu_group == -1);
		CHECK(inv.functions[4].iommu_group == -1 && inv.functions[4].is_bridge);
		CHECK(inv.functions[3].driver && strlen(inv.functions[3].driver) == 5 &&
		      strcmp(inv.functions[3].driver, "\"\\\t\x01\xc3") == 0);
		/* strtol of junk; no bridge, though its class no longer says so */
		CHECK(inv.functions[2].class_id == 0 && !inv.functions[2].is_bridge);
	}
	inventory_free(&inv);
	/* without the list of buses (a tree made by hand), each function's pci_bus/ tells */
	sh(xasprintf("rm -r %s/root/sys/class/pci_bus", tmp));
	err = (struct error){ 0 };
	CHECK(detect_inventory(root, &inv, &err) == 0);
	CHECK(inv.n_functions == 7 && inv.functions[4].is_bridge && !inv.functions[2].is_bridge &&
	      !inv.functions[3].is_bridge);
	inventory_free(&inv);
	free(root);
}

int main(void)
{
	if (!mkdtemp(tmp)) {
		perror("mkdtemp");
		return 1;
	}
	test_cpuinfo();
	test_uevent();
	test_no_pci();
	test_turing();
	test_garbage();
	sh(xasprintf("rm -rf %s", tmp));
	return unit_done("detect");
}
