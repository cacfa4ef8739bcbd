// SPDX-License-Identifier: GPL-2.0-or-later
/* settings_parse: /etc/default/vfio-passthrough-setup, edited by hand or preseeded.
 * Whatever it accepts as kernel parameters must pass kernel_params_validate (the grub
 * drop-in is shell-sourced as root). And `settings set` on any text: a value that passes
 * settings_check, set into a file that parsed, leaves a file that parses and reads back
 * that value. */
#include "fuzz.h"
#include "settings-edit.h"
#include "settings.h"

static void check_set(const char *text, const char *key, const char *value)
{
	struct error err = { 0 };
	struct request req;
	char *next, *back;

	if (settings_check(key, value, &err) < 0)
		return;
	next = settings_text_set(text, key, value);
	request_init(&req);
	if (settings_parse(next, &req, &err) != 0)
		abort();
	back = settings_text_value(next, key);
	if (!back || strcmp(back, value) != 0)
		abort();
	request_free(&req);
	free(back);
	free(next);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *s = fuzz_str(data, size);
	struct request req;
	struct error err = { 0 };

	request_init(&req);
	if (settings_parse(s, &req, &err) == 0) {
		struct error err2 = { 0 };

		if (req.kernel_params && kernel_params_validate(req.kernel_params, &err2) != 0)
			abort();
		/* the input's own first line as a value, and the defaults */
		for (size_t i = 0; i < SETTINGS_NKEYS; i++) {
			char *line = strndup(s, strcspn(s, "\n"));
			char *def = settings_default(settings_keys[i]);

			check_set(s, settings_keys[i], line);
			check_set(s, settings_keys[i], def);
			free(def);
			free(line);
		}
	} else if (err.code != EXIT_USAGE || !err.msg[0]) {
		abort(); /* a refusal must be a usage error with a message */
	}
	request_free(&req);
	free(s);
	return 0;
}
