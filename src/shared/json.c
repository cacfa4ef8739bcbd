// SPDX-License-Identifier: GPL-2.0-or-later
#include <inttypes.h>
#include <string.h>

#include "json.h"

void json_init(struct json *j)
{
	sb_init(&j->sb);
	j->depth = 0;
	j->first[0] = true;
	j->after_key = false;
}

void json_free(struct json *j)
{
	sb_free(&j->sb);
}

char *json_steal(struct json *j)
{
	return sb_steal(&j->sb);
}

/* Separator before a value or key at the current depth. */
static void sep(struct json *j)
{
	if (j->after_key) {
		j->after_key = false;
		return;
	}
	if (!j->first[j->depth])
		sb_add(&j->sb, ",");
	j->first[j->depth] = false;
}

static void open_(struct json *j, const char *c)
{
	sep(j);
	sb_add(&j->sb, c);
	if (j->depth < JSON_MAX_DEPTH - 1)
		j->depth++;
	j->first[j->depth] = true;
}

static void close_(struct json *j, const char *c)
{
	sb_add(&j->sb, c);
	if (j->depth > 0)
		j->depth--;
}

void json_object_begin(struct json *j)
{
	open_(j, "{");
}

void json_object_end(struct json *j)
{
	close_(j, "}");
}

void json_array_begin(struct json *j)
{
	open_(j, "[");
}

void json_array_end(struct json *j)
{
	close_(j, "]");
}

void json_key(struct json *j, const char *key)
{
	sep(j);
	json_escape(&j->sb, key);
	sb_add(&j->sb, ":");
	j->after_key = true;
}

size_t utf8_len(const unsigned char *s)
{
	uint32_t cp;
	size_t n;

	if (s[0] < 0x80)
		return 1;
	if (s[0] >= 0xc2 && s[0] <= 0xdf)
		n = 2, cp = s[0] & 0x1f;
	else if (s[0] >= 0xe0 && s[0] <= 0xef)
		n = 3, cp = s[0] & 0x0f;
	else if (s[0] >= 0xf0 && s[0] <= 0xf4)
		n = 4, cp = s[0] & 0x07;
	else
		return 0;
	for (size_t i = 1; i < n; i++) {
		if ((s[i] & 0xc0) != 0x80)
			return 0;
		cp = (cp << 6) | (s[i] & 0x3f);
	}
	if ((n == 3 && (cp < 0x800 || (cp >= 0xd800 && cp <= 0xdfff))) ||
	    (n == 4 && (cp < 0x10000 || cp > 0x10ffff)))
		return 0;
	return n;
}

void json_escape(struct strbuf *sb, const char *str)
{
	const unsigned char *s = (const unsigned char *)str;

	sb_add(sb, "\"");
	while (*s) {
		size_t n = utf8_len(s);

		if (n == 0) {
			sb_add(sb, "\\ufffd"); /* garbage from sysfs stays valid JSON */
			s++;
			continue;
		}
		if (n > 1) {
			sb_addf(sb, "%.*s", (int)n, (const char *)s);
			s += n;
			continue;
		}
		switch (*s) {
		case '"':
			sb_add(sb, "\\\"");
			break;
		case '\\':
			sb_add(sb, "\\\\");
			break;
		case '\n':
			sb_add(sb, "\\n");
			break;
		case '\t':
			sb_add(sb, "\\t");
			break;
		case '\r':
			sb_add(sb, "\\r");
			break;
		case '\b':
			sb_add(sb, "\\b");
			break;
		case '\f':
			sb_add(sb, "\\f");
			break;
		default:
			if (*s < 0x20 || *s == 0x7f)
				sb_addf(sb, "\\u%04x", *s);
			else
				sb_addf(sb, "%c", *s);
		}
		s++;
	}
	sb_add(sb, "\"");
}

void json_string(struct json *j, const char *s)
{
	if (!s) {
		json_null(j);
		return;
	}
	sep(j);
	json_escape(&j->sb, s);
}

void json_int(struct json *j, int64_t v)
{
	sep(j);
	sb_addf(&j->sb, "%" PRId64, v);
}

void json_bool(struct json *j, bool v)
{
	sep(j);
	sb_add(&j->sb, v ? "true" : "false");
}

void json_null(struct json *j)
{
	sep(j);
	sb_add(&j->sb, "null");
}
