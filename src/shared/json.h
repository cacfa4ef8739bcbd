/* SPDX-License-Identifier: GPL-2.0-or-later */
/* A tiny JSON writer for machine-readable output (detect --json, status --json). Strings
 * are escaped fully: quotes, backslashes, control characters; invalid UTF-8 becomes
 * U+FFFD. */
#pragma once

#include <stdbool.h>
#include <stdint.h>

#include "util.h"

#define JSON_MAX_DEPTH 32

/* The "schema_version" of each JSON output, described by doc/schema/NAME.schema.json.
 * A breaking change (a key removed or renamed, a type or a meaning changed) bumps it;
 * a new key does not. */
#define DETECT_JSON_SCHEMA_VERSION 1
#define STATUS_JSON_SCHEMA_VERSION 1

struct json {
	struct strbuf sb;
	int depth;
	bool first[JSON_MAX_DEPTH]; /* no value yet at this depth: no comma needed */
	bool after_key;
};

void json_init(struct json *j);
void json_free(struct json *j);
char *json_steal(struct json *j); /* the text so far; caller frees */
void json_object_begin(struct json *j);
void json_object_end(struct json *j);
void json_array_begin(struct json *j);
void json_array_end(struct json *j);
void json_key(struct json *j, const char *key);
void json_string(struct json *j, const char *s); /* NULL writes null */
void json_int(struct json *j, int64_t v);
void json_bool(struct json *j, bool v);
void json_null(struct json *j);
/* Append s as a JSON string literal (with quotes) to sb. */
void json_escape(struct strbuf *sb, const char *s);
/* Length of the valid UTF-8 sequence at s; 0 if overlong, surrogate or truncated. */
size_t utf8_len(const unsigned char *s);
