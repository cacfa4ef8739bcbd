// SPDX-License-Identifier: GPL-2.0-or-later
/* Editing the settings file's text as an admin would: the KEY="value" line of one key
 * changes, every other line (comments, blank lines, order, unknown lines) stays. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "settings-edit.h"
#include "util.h"

/* conf/settings.template, made into a C string by the Makefile: the one copy of the
 * shipped comments and defaults. */
static const char template_text[] =
#include "settings-template.h"
    ;

const char *settings_template(void)
{
	return template_text;
}

/* Where key's value starts on line (after KEY="), or NULL if line does not set key. */
static const char *key_line_value(const char *line, size_t line_len, const char *key)
{
	size_t k = strlen(key);
	const char *p = line;

	while (p < line + line_len && (*p == ' ' || *p == '\t' || *p == '\r'))
		p++;
	if ((size_t)(line + line_len - p) < k + 1 || strncmp(p, key, k) != 0 || p[k] != '=')
		return NULL;
	return p + k + 1;
}

char *settings_text_value(const char *text, const char *key)
{
	for (const char *line = text; *line;) {
		size_t len = strcspn(line, "\n");
		const char *v = key_line_value(line, len, key);

		if (v && *v == '"') {
			const char *end = memchr(v + 1, '"', (size_t)(line + len - v - 1));

			if (end)
				return xasprintf("%.*s", (int)(end - v - 1), v + 1);
		}
		line += len;
		if (*line)
			line++;
	}
	return NULL;
}

char *settings_default(const char *key)
{
	char *v = settings_text_value(template_text, key);

	return v ? v : xstrdup("");
}

char *settings_text_set(const char *text, const char *key, const char *value)
{
	struct strbuf sb;
	bool done = false;

	sb_init(&sb);
	for (const char *line = text; *line;) {
		size_t len = strcspn(line, "\n");
		const char *v = key_line_value(line, len, key);

		if (!v) {
			sb_addf(&sb, "%.*s\n", (int)len, line);
		} else if (!done) {
			/* A comment after the closing quote stays with the line. */
			const char *end =
			    *v == '"' ? memchr(v + 1, '"', (size_t)(line + len - v - 1)) : NULL;

			sb_addf(&sb, "%s=\"%s\"", key, value);
			if (end)
				sb_addf(&sb, "%.*s", (int)(line + len - end - 1), end + 1);
			sb_add(&sb, "\n");
			done = true;
		} /* a later line setting the same key again is dropped: the file must
		     stay valid */
		line += len;
		if (*line)
			line++;
	}
	if (!done)
		sb_addf(&sb, "%s=\"%s\"\n", key, value);
	return sb_steal(&sb);
}
