// SPDX-License-Identifier: GPL-2.0-or-later
/* pci_id_parse: "vvvv:dddd" exactly; what parses must format back to the same text. */
#include "fuzz.h"
#include "pci-addr.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *s = fuzz_str(data, size);
	char buf[PCI_ID_STRLEN];
	uint16_t v, d;

	if (pci_id_parse(s, &v, &d) == 0) {
		pci_id_format(v, d, buf);
		if (strcmp(buf, s) != 0)
			abort();
	}
	free(s);
	return 0;
}
