// SPDX-License-Identifier: GPL-2.0-or-later
/* pci_addr_parse and pci_addr_list_parse: what --devices and DEVICES= accept. A parsed
 * address must format and parse back to itself. */
#include "fuzz.h"
#include "pci-addr.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *s = fuzz_str(data, size);
	struct pci_addr a, b, *list = NULL;
	char buf[PCI_ADDR_STRLEN];
	const char *bad = NULL;
	size_t n = 0;

	if (pci_addr_parse(s, &a) == 0) {
		pci_addr_format(&a, buf);
		if (pci_addr_parse(buf, &b) != 0 || pci_addr_cmp(&a, &b) != 0)
			abort();
	}
	if (pci_addr_list_parse(s, &list, &n, &bad) == 0) {
		for (size_t i = 0; i < n; i++) {
			pci_addr_format(&list[i], buf);
			if (pci_addr_parse(buf, &b) != 0 || pci_addr_cmp(&list[i], &b) != 0)
				abort();
		}
	} else if (!bad) {
		abort(); /* a rejected list must name the bad token */
	}
	free(list);
	free(s);
	return 0;
}
