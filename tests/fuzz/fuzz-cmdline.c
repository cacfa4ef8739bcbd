// SPDX-License-Identifier: GPL-2.0-or-later
/* /proc/cmdline as status reads it: split, and compared with the configured parameters.
 * The input's first line is the command line, the rest the wanted parameters; the whole
 * input is also read as the GRUB drop-in whose parameters status expects. */
#include "fuzz.h"
#include "boot-grub.h"
#include "kernel-cmdline.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *s = fuzz_str(data, size);
	char *nl = strchr(s, '\n');
	const char *want = "intel_iommu=on iommu=pt vfio-pci.ids=10de:1c03";
	struct strlist words, missing;
	size_t n;

	if (nl) {
		*nl = '\0';
		want = nl + 1;
	}
	sl_init(&words);
	sl_init(&missing);
	n = cmdline_split(s, &words);
	if (n != words.n)
		abort();
	for (size_t i = 0; i < words.n; i++)
		if (!words.items[i] || strchr(words.items[i], '"'))
			abort(); /* quotes group words and are dropped */
	cmdline_missing(s, want, &missing);
	/* A command line carries its own words, where the kernel takes them all: after "--"
	 * (quoted or not) they are init's, and count as missing. */
	sl_free(&missing);
	cmdline_missing(s, s, &missing);
	if (!sl_has(&words, "--") && missing.n)
		abort();
	/* The kernel's words are a prefix of the words. */
	{
		struct strlist kernel;

		sl_init(&kernel);
		if (cmdline_split_kernel(s, &kernel) > words.n)
			abort();
		for (size_t i = 0; i < kernel.n; i++)
			if (strcmp(kernel.items[i], words.items[i]) != 0)
				abort();
		sl_free(&kernel);
	}
	/* The same bytes as a GRUB drop-in: whatever it appends is a part of one line. */
	{
		char *whole = fuzz_str(data, size);
		char *params = grub_dropin_params(whole);

		if (params && (strchr(params, '\n') || !strstr(whole, params)))
			abort();
		free(params);
		free(whole);
	}
	sl_free(&words);
	sl_free(&missing);
	free(s);
	return 0;
}
