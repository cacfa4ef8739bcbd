// SPDX-License-Identifier: GPL-2.0-or-later
/* settings_parse: /etc/default/vfio-passthrough-setup, edited by hand or preseeded.
 * Whatever it accepts as kernel parameters must pass kernel_params_validate (the grub
 * drop-in is shell-sourced as root). */
#include "fuzz.h"
#include "settings.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *s = fuzz_str(data, size);
	struct request req;
	struct error err = {0};

	request_init(&req);
	if (settings_parse(s, &req, &err) == 0) {
		struct error err2 = {0};

		if (req.kernel_params &&
		    kernel_params_validate(req.kernel_params, &err2) != 0)
			abort();
	} else if (err.code != EXIT_USAGE || !err.msg[0]) {
		abort(); /* a refusal must be a usage error with a message */
	}
	request_free(&req);
	free(s);
	return 0;
}
