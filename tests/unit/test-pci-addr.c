// SPDX-License-Identifier: GPL-2.0-or-later
#include <stdlib.h>

#include "pci-addr.h"
#include "unit.h"

static const char *fmt(const char *in)
{
	static char buf[PCI_ADDR_STRLEN];
	struct pci_addr a;

	if (pci_addr_parse(in, &a) < 0)
		return "ERR";
	pci_addr_format(&a, buf);
	return buf;
}

static const char *busid(const char *in)
{
	static char buf[XORG_BUSID_STRLEN];
	struct pci_addr a;

	if (xorg_busid_parse(in, &a) < 0)
		return "ERR";
	xorg_busid_format(&a, buf);
	return buf;
}

static void test_addr(void)
{
	CHECK_STR(fmt("0000:01:00.0"), "0000:01:00.0");
	CHECK_STR(fmt("01:00.1"), "0000:01:00.1");
	CHECK_STR(fmt("0000:0A:1F.7"), "0000:0a:1f.7");
	CHECK_STR(fmt("10000:e1:00.0"), "10000:e1:00.0");
	CHECK_STR(fmt("1:2:3.4"), "0001:02:03.4");
	const char *bad[] = { "",
			      "0000:01:00",
			      "0000:01:00.",
			      "0000:01:00.8",
			      "0000:01:20.0",
			      "0000:100:00.0",
			      "0000:01:00.0 ",
			      " 0000:01:00.0",
			      "0000:01:00.0x",
			      "1000000:01:00.0",
			      "0000-01:00.0",
			      "0000:01:00:0",
			      "g000:01:00.0",
			      "0000:01:000.0",
			      "0000:01:00.00",
			      ":01:00.0",
			      "0000::00.0",
			      "100:00.0",
			      "0x00:01:00.0",
			      "+1:00.0" };
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		struct pci_addr a;
		if (pci_addr_parse(bad[i], &a) == 0)
			fprintf(stderr, "accepted bad address [%s]\n", bad[i]);
		CHECK(pci_addr_parse(bad[i], &a) < 0);
	}
	CHECK(pci_addr_parse(NULL, &(struct pci_addr){ 0 }) < 0);

	struct pci_addr x = { 0, 1, 0, 0 }, y = { 0, 1, 0, 1 }, z = { 1, 0, 0, 0 };
	CHECK(pci_addr_cmp(&x, &y) < 0);
	CHECK(pci_addr_cmp(&y, &x) > 0);
	CHECK(pci_addr_cmp(&y, &z) < 0);
	CHECK(pci_addr_cmp(&x, &x) == 0);
	CHECK(pci_addr_same_slot(&x, &y));
	CHECK(!pci_addr_same_slot(&x, &z));
}

static void test_id(void)
{
	uint16_t v, d;
	char buf[PCI_ID_STRLEN];

	CHECK(pci_id_parse("10de:2504", &v, &d) == 0 && v == 0x10de && d == 0x2504);
	pci_id_format(0x10de, 0x2504, buf);
	CHECK_STR(buf, "10de:2504");
	const char *bad[] = { "10DE:2504", "10de:250",	  "10de:25044", "10de2504",   "10de-2504",
			      "0x10:2504", "10de:2504\n", "",		" 10de:2504", "10de:25g4" };
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		CHECK(pci_id_parse(bad[i], &v, &d) < 0);
}

static void test_busid(void)
{
	struct pci_addr a = { 0, 0x0a, 0, 0 };
	char buf[XORG_BUSID_STRLEN];

	xorg_busid_format(&a, buf);
	CHECK_STR(buf, "PCI:10:0:0");
	a = (struct pci_addr){ 1, 1, 0, 0 };
	xorg_busid_format(&a, buf);
	CHECK_STR(buf, "PCI:1@1:0:0");
	CHECK_STR(busid("PCI:0:2:0"), "PCI:0:2:0");
	CHECK_STR(busid("PCI:255:31:7"), "PCI:255:31:7");
	CHECK_STR(busid("PCI:1@1:0:0"), "PCI:1@1:0:0");
	CHECK_STR(busid("PCI:1@0:0:0"), "PCI:1:0:0");
	CHECK_STR(busid("PCI:193@65536:0:0"), "PCI:193@65536:0:0");
	const char *bad[] = { "PCI:0a:0:0",
			      "PCI:256:0:0",
			      "PCI:1:32:0",
			      "PCI:1:0:8",
			      "PCI:1:0",
			      "pci:1:0:0",
			      "PCI:1:0:0 ",
			      "PCI:-1:0:0",
			      "PCI:1@:0:0",
			      "PCI:1@99999999999:0:0",
			      "PCI:1@4294967296:0:0",
			      "PCI::0:0",
			      "1:0:0",
			      "PCI:1:0:0:0",
			      "PCI:0001:0:0",
			      "PCI:1:0:0\"" };
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		if (strcmp(busid(bad[i]), "ERR") != 0)
			fprintf(stderr, "accepted bad busid [%s]\n", bad[i]);
		CHECK_STR(busid(bad[i]), "ERR");
	}
}

static void test_list(void)
{
	struct pci_addr *l;
	size_t n;
	const char *bad = NULL;

	CHECK(pci_addr_list_parse("0000:01:00.0, 02:00.0 0000:03:00.1", &l, &n, &bad) == 0);
	CHECK(n == 3);
	if (n == 3)
		CHECK(l[1].bus == 2 && l[2].func == 1);
	free(l);
	CHECK(pci_addr_list_parse("", &l, &n, &bad) == 0 && n == 0);
	free(l);
	CHECK(pci_addr_list_parse("0000:01:00.0,nonsense,02:00.0", &l, &n, &bad) < 0);
	CHECK_STR(bad, "nonsense");
	CHECK(l == NULL);
	char longtok[200];
	memset(longtok, '0', sizeof(longtok) - 1);
	longtok[sizeof(longtok) - 1] = '\0';
	CHECK(pci_addr_list_parse(longtok, &l, &n, &bad) < 0);
	CHECK(strlen(bad) < 64);
}

/* A plan's addresses back to text (state file, messages, trial parameters) and membership. */
static void test_list_format(void)
{
	struct pci_addr a[] = { { .bus = 1 },
				{ .domain = 0x10000, .bus = 0xa, .slot = 0x1f, .func = 7 } };
	struct pci_addr other = { .bus = 1, .func = 1 };
	char *s = pci_addr_list_format(a, 2, " ");

	CHECK_STR(s, "0000:01:00.0 10000:0a:1f.7");
	free(s);
	s = pci_addr_list_format(a, 0, ",");
	CHECK_STR(s, "");
	free(s);
	CHECK(pci_addr_list_has(a, 2, &a[1]));
	CHECK(!pci_addr_list_has(a, 2, &other));
	CHECK(!pci_addr_list_has(a, 0, &a[0]));
}

int main(void)
{
	test_addr();
	test_id();
	test_busid();
	test_list();
	test_list_format();
	return unit_done("pci-addr");
}
