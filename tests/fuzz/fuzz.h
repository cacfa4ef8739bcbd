/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Shared by the libFuzzer targets: the parsers take C strings, libFuzzer gives bytes. */
#pragma once

#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

/* A NUL-terminated copy (embedded NULs end the string early, as they would in a file). */
static inline char *fuzz_str(const uint8_t *data, size_t size)
{
	char *s = malloc(size + 1);

	if (!s)
		abort();
	memcpy(s, data, size);
	s[size] = '\0';
	return s;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
