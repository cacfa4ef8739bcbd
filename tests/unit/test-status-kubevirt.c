// SPDX-License-Identifier: GPL-2.0-or-later
/* KubeVirt's resourceName from pci.ids names: the vendor's short name as the domain, the
 * device name reduced to what a Kubernetes resource name may hold. */
#include <stdlib.h>
#include <string.h>

#include "status-kubevirt.h"
#include "unit.h"

static void expect(uint16_t v, uint16_t d, const char *vname, const char *dname, const char *want)
{
	char *got = kubevirt_resource_name(v, d, vname, dname);

	CHECK_STR(got, want);
	free(got);
}

int main(void)
{
	/* KubeVirt's documentation's own example: "TU104GL [Tesla T4]". */
	expect(0x10de, 0x1eb8, "NVIDIA Corporation", "TU104GL [Tesla T4]",
	       "nvidia.com/TU104GL_Tesla_T4");
	expect(0x10de, 0x2504, "NVIDIA Corporation", "GA106 [GeForce RTX 3060 Lite Hash Rate]",
	       "nvidia.com/GA106_GeForce_RTX_3060_Lite_Hash_Rate");
	/* The bracket holds AMD's short name. */
	expect(0x1002, 0x73bf, "Advanced Micro Devices, Inc. [AMD/ATI]",
	       "Navi 21 [Radeon RX 6800/6800 XT / 6900 XT]",
	       "amd.com/Navi_21_Radeon_RX_6800_6800_XT_6900_XT");
	expect(0x8086, 0x56a0, "Intel Corporation", "DG2 [Arc A770]", "intel.com/DG2_Arc_A770");
	/* At most 63 characters, ending on an alphanumeric. */
	expect(0x1234, 0x5678, "Acme",
	       "A very long device name that goes on and on - more than sixty-three characters",
	       "acme.com/A_very_long_device_name_that_goes_on_and_on_-_more_than_sixty-t");
	/* Not in pci.ids: the numbers, and KubeVirt's examples' domain. */
	expect(0x1234, 0x5678, NULL, NULL, "devices.kubevirt.io/1234_5678");
	expect(0x1234, 0x5678, "[]", "(*)", "devices.kubevirt.io/1234_5678");
	return unit_done("status-kubevirt");
}
