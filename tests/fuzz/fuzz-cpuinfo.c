// SPDX-License-Identifier: GPL-2.0-or-later
/* cpuinfo_parse_vendor: /proc/cpuinfo text (a fake root can hold anything). */
#include "detect.h"
#include "fuzz.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *s = fuzz_str(data, size);
	enum cpu_vendor v = cpuinfo_parse_vendor(s);

	if (v != CPU_UNKNOWN && v != CPU_INTEL && v != CPU_AMD)
		abort();
	free(s);
	return 0;
}
