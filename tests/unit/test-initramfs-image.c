// SPDX-License-Identifier: GPL-2.0-or-later
/* An initramfs image's file list: newc cpio members, lying headers, module names. */
#include <stdio.h>
#include <string.h>

#include "initramfs-image.h"
#include "unit.h"

/* A newc member: header, name, data, as `cpio -o -H newc` writes it. */
static size_t newc(unsigned char *buf, const char *name, const char *data)
{
	size_t nl = strlen(name) + 1, dl = strlen(data), off;

	off = (size_t)sprintf((char *)buf,
			      "070701%08x%08x%08x%08x%08x%08x%08zx%08x%08x%08x%08x%08zx%08x", 1,
			      0100644, 0, 0, 1, 0, dl, 0, 0, 0, 0, nl, 0);
	memcpy(buf + off, name, nl);
	off += nl;
	while (off % 4)
		buf[off++] = 0;
	memcpy(buf + off, data, dl);
	off += dl;
	while (off % 4)
		buf[off++] = 0;
	return off;
}

static void test_cpio(void)
{
	unsigned char buf[4096];
	size_t len = 0;
	struct strlist names, mods;

	memset(buf, 0, sizeof(buf));
	len += newc(buf + len, "usr/lib/modules/6.1.0-18-amd64/kernel/drivers/vfio/vfio.ko", "x");
	len += newc(buf + len, "usr/lib/modules/6.1.0-18-amd64/kernel/drivers/vfio/pci/vfio-pci.ko",
		    "elf");
	len += newc(buf + len,
		    "usr/lib/modules/6.1.0-18-amd64/kernel/drivers/vfio/"
		    "vfio_iommu_type1.ko.zst",
		    "");
	len += newc(buf + len, "conf/modules", "vfio_pci\n");
	len += newc(buf + len, "TRAILER!!!", "");
	sl_init(&names);
	sl_init(&mods);
	CHECK(cpio_newc_list(buf, len, &names) == len);
	CHECK(names.n == 4);
	module_names_from_paths(&names, &mods);
	CHECK(mods.n == 3);
	CHECK(sl_has(&mods, "vfio_pci") && sl_has(&mods, "vfio") &&
	      sl_has(&mods, "vfio_iommu_type1"));
	sl_free(&names);

	/* A compressed tail stops the plain parser where it begins. */
	memcpy(buf + len, "\x28\xb5\x2f\xfd", 4);
	CHECK(cpio_newc_list(buf, len + 4, &names) == len);
	sl_free(&names);
	/* Truncated header or lying sizes: stop, never read past the end. */
	CHECK(cpio_newc_list(buf, 50, &names) == 0);
	memcpy(buf + 54, "FFFFFFFF", 8);
	CHECK(cpio_newc_list(buf, len, &names) == 0);
	CHECK(names.n == 0);
	sl_free(&names);
	sl_free(&mods);
}

int main(void)
{
	test_cpio();
	return unit_done("initramfs-image");
}
