// SPDX-License-Identifier: GPL-2.0-or-later
/* The plain cpio part of an initramfs, as status lists it: sizes in headers are lies
 * until proven otherwise. */
#include "fuzz.h"
#include "initramfs-image.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct strlist names, mods;
	size_t end;

	sl_init(&names);
	sl_init(&mods);
	end = cpio_newc_list(data, size, &names);
	if (end > size)
		abort();
	module_names_from_paths(&names, &mods);
	sl_free(&names);
	sl_free(&mods);
	return 0;
}
