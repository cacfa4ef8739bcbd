// SPDX-License-Identifier: GPL-2.0-or-later
/* Telling a virtual machine from DMI strings and /proc/cpuinfo: the input's first line is
 * sys_vendor, the second product_name, the rest cpuinfo. */
#include "fuzz.h"
#include "hypervisor.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *s = fuzz_str(data, size);
	char *vendor = s, *product = NULL, *cpuinfo = NULL, *nl;
	char *name;

	nl = strchr(vendor, '\n');
	if (nl) {
		*nl = '\0';
		product = nl + 1;
		nl = strchr(product, '\n');
		if (nl) {
			*nl = '\0';
			cpuinfo = nl + 1;
		}
	}
	name = hypervisor_name(vendor, product, cpuinfo);
	/* A name is never empty: the admin reads it in a sentence. */
	if (name && !name[0])
		abort();
	free(name);
	free(s);
	return 0;
}
