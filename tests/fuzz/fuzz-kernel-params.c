// SPDX-License-Identifier: GPL-2.0-or-later
/* kernel_params_validate: nothing that a shell or GRUB's script lexer would interpret may pass. */
#include "fuzz.h"
#include "settings.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *s = fuzz_str(data, size);
	struct error err = { 0 };

	if (kernel_params_validate(s, &err) == 0 && strpbrk(s, "\"'$`\\;\n#{}|&<>()"))
		abort();
	free(s);
	return 0;
}
