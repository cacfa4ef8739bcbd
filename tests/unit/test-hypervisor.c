// SPDX-License-Identifier: GPL-2.0-or-later
/* A virtual machine told apart from bare metal by DMI and the CPU's hypervisor flag. */
#include <stdlib.h>

#include "hypervisor.h"
#include "unit.h"

#define FLAGS_VM "processor\t: 0\nflags\t\t: fpu vme de pse hypervisor lahf_lm\n"
#define FLAGS_METAL "processor\t: 0\nflags\t\t: fpu vme de pse lahf_lm\n"

static void expect_name(const char *vendor, const char *product, const char *cpuinfo,
			const char *want)
{
	char *got = hypervisor_name(vendor, product, cpuinfo);

	if (want)
		CHECK_STR(got, want);
	else
		CHECK(got == NULL);
	free(got);
}

int main(void)
{
	expect_name("QEMU", "Standard PC (Q35 + ICH9, 2009)", FLAGS_VM,
		    "QEMU Standard PC (Q35 + ICH9, 2009)");
	/* No flags line (cpuinfo unreadable, or not x86): DMI decides. */
	expect_name("QEMU", "Standard PC (i440FX + PIIX, 1996)", NULL,
		    "QEMU Standard PC (i440FX + PIIX, 1996)");
	expect_name("Microsoft Corporation", "Virtual Machine", "",
		    "Microsoft Corporation Virtual Machine");
	expect_name("innotek GmbH", "VirtualBox", NULL, "innotek GmbH VirtualBox");
	/* The flag alone is enough; DMI may be absent. */
	expect_name(NULL, NULL, FLAGS_VM, "a hypervisor");
	expect_name("Dell Inc.", "PowerEdge R750", FLAGS_VM, "Dell Inc. PowerEdge R750");
	/* Bare metal, even where DMI names a cloud: the CPU flag is the proof. */
	expect_name("Amazon EC2", "m5.metal", FLAGS_METAL, NULL);
	expect_name("ASUSTeK COMPUTER INC.", "System Product Name", FLAGS_METAL, NULL);
	expect_name("Dell Inc.", "OptiPlex 7090", NULL, NULL);
	expect_name(NULL, NULL, NULL, NULL);
	/* "flags" must be the key, not a prefix of another one. */
	expect_name(NULL, NULL, "flagsx\t: hypervisor\n", NULL);
	expect_name(NULL, NULL, "flags: hypervisor", "a hypervisor");
	return unit_done("hypervisor");
}
