// SPDX-License-Identifier: GPL-2.0-or-later
/* read_attr over a sysfs-like file with arbitrary content (garbage, NULs, no newline,
 * long values), then the parsers that take sysfs/proc values: ids, addresses,
 * modalias-shaped text, a uevent and its PCI_ID. */
#include <fcntl.h>
#include <stdio.h>
#include <unistd.h>

#include "fuzz.h"
#include "pci-addr.h"
#include "pci-sysfs.h"
#include "util.h"

static char path[64];

static void cleanup(void)
{
	unlink(path);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	int fd;
	char *v;

	if (!path[0]) {
		/* One file per process, in the build tree's working directory, not /tmp.
		 */
		snprintf(path, sizeof(path), "fuzz-read-attr.%d", (int)getpid());
		atexit(cleanup);
	}
	fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
	if (fd < 0)
		abort();
	if (size && write(fd, data, size) != (ssize_t)size)
		abort();
	close(fd);
	{
		char *text = fuzz_str(data, size);
		struct pci_uevent ue;
		uint16_t ven, dev;

		pci_uevent_parse(text, &ue);
		pci_id_parse_any_case(ue.pci_id, &ven, &dev);
		free(text);
	}
	v = read_attr(path);
	if (v) {
		struct pci_addr a;
		uint16_t ven, dev;
		size_t n = strlen(v);

		if (n && (v[n - 1] == '\n' || v[n - 1] == ' ' || v[n - 1] == '\t'))
			abort(); /* trailing whitespace is stripped */
		pci_addr_parse(v, &a);
		pci_id_parse(v, &ven, &dev);
		free(v);
	}
	return 0;
}
