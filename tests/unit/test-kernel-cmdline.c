// SPDX-License-Identifier: GPL-2.0-or-later
/* The kernel command line as status reads it: words, quotes, missing parameters. */
#include <string.h>

#include "kernel-cmdline.h"
#include "unit.h"

static void test_cmdline_split(void)
{
	struct strlist w, m;

	sl_init(&w);
	CHECK(cmdline_split("  a  \"b c\"=d e\"f g\" \n", &w) == 3);
	CHECK_STR(w.items[0], "a");
	CHECK_STR(w.items[1], "b c=d");
	CHECK_STR(w.items[2], "ef g");
	sl_free(&w);
	CHECK(cmdline_split("", &w) == 0);
	CHECK(cmdline_split(NULL, &w) == 0);
	CHECK(cmdline_split("\"", &w) ==
	      1); /* an unterminated quote keeps an empty word */
	sl_free(&w);

	sl_init(&m);
	cmdline_missing("ro iommu=pt vfio_pci.ids=1:2",
			"intel_iommu=on iommu=pt vfio-pci.ids=1:2", &m);
	CHECK(m.n == 1);
	CHECK_STR(m.items[0], "intel_iommu=on");
	sl_free(&m);
	/* Only the module part is normalised: a value with '-' must match exactly. */
	cmdline_missing("root=/dev/mapper/vg-root", "root=/dev/mapper/vg_root", &m);
	CHECK(m.n == 1);
	sl_free(&m);
}

int main(void)
{
	test_cmdline_split();
	return unit_done("kernel-cmdline");
}
