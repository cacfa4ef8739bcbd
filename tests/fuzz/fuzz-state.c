// SPDX-License-Identifier: GPL-2.0-or-later
/* The state file of the last apply, as status reads it: never trusted to be well formed.
 */
#include "fuzz.h"
#include "state.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *s = fuzz_str(data, size);
	struct apply_state st;

	apply_state_parse(s, &st);
	apply_state_free(&st);
	free(s);
	return 0;
}
