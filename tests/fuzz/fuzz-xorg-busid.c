// SPDX-License-Identifier: GPL-2.0-or-later
/* xorg_busid_parse: HOST_BUSID= and --host-busid; a parsed BusID round-trips. */
#include "fuzz.h"
#include "pci-addr.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *s = fuzz_str(data, size);
	struct pci_addr a, b;
	char buf[XORG_BUSID_STRLEN];

	if (xorg_busid_parse(s, &a) == 0) {
		xorg_busid_format(&a, buf);
		if (xorg_busid_parse(buf, &b) != 0 || pci_addr_cmp(&a, &b) != 0)
			abort();
	}
	free(s);
	return 0;
}
