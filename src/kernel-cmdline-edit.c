// SPDX-License-Identifier: GPL-2.0-or-later
/* /etc/kernel/cmdline as words: whitespace separates them, double quotes group (as the
 * kernel reads its command line). Edits splice bytes; nothing else is reformatted. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "kernel-cmdline-edit.h"
#include "util.h"

static bool is_blank(char c)
{
	return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\v' || c == '\f';
}

/* The word starting at or after *pos: its start and end (end exclusive). false: none. */
static bool next_word(const char *s, size_t *pos, size_t *start, size_t *end)
{
	size_t i = *pos;
	bool quoted = false;

	while (s[i] && is_blank(s[i]))
		i++;
	if (!s[i])
		return false;
	*start = i;
	for (; s[i] && (quoted || !is_blank(s[i])); i++)
		if (s[i] == '"')
			quoted = !quoted;
	*end = i;
	*pos = i;
	return true;
}

static bool has_word(const char *s, const char *word)
{
	size_t pos = 0, a, b, n = strlen(word);

	while (next_word(s, &pos, &a, &b))
		if (b - a == n && memcmp(s + a, word, n) == 0)
			return true;
	return false;
}

static void split_words(const char *s, struct strlist *out)
{
	size_t pos = 0, a, b;

	while (next_word(s, &pos, &a, &b)) {
		_cleanup_free_ char *w = xasprintf("%.*s", (int)(b - a), s + a);

		sl_add(out, w);
	}
}

char *kcmdline_add(const char *content, const char *want, struct strlist *added)
{
	struct strlist words;
	struct strbuf sb;
	size_t pos = 0, a, b, insert = 0;

	while (next_word(content, &pos, &a, &b))
		insert = b;
	sl_init(&words);
	split_words(want ? want : "", &words);
	sb_init(&sb);
	sb_addf(&sb, "%.*s", (int)insert, content);
	for (size_t i = 0; i < words.n; i++) {
		if (has_word(content, words.items[i]) || sl_has(added, words.items[i]))
			continue;
		if (sb.len)
			sb_add(&sb, " ");
		sb_add(&sb, words.items[i]);
		sl_add(added, words.items[i]);
	}
	sb_add(&sb, content + insert);
	if (!*content && sb.len)
		sb_add(&sb, "\n");
	sl_free(&words);
	return sb_steal(&sb);
}

/* Drop [a, b) and the blanks before it on its line; at the start of a line the blanks
 * after it instead, so "x ours y" and "ours y" lose exactly what adding put there. */
static char *cut_word(const char *s, size_t a, size_t b)
{
	size_t from = a, to = b;

	while (from > 0 && (s[from - 1] == ' ' || s[from - 1] == '\t'))
		from--;
	if (from == 0 || s[from - 1] == '\n') {
		from = a;
		while (s[to] == ' ' || s[to] == '\t')
			to++;
	}
	return xasprintf("%.*s%s", (int)from, s, s + to);
}

char *kcmdline_remove(const char *content, const char *ours)
{
	char *s = xstrdup(content);
	struct strlist words;

	sl_init(&words);
	split_words(ours ? ours : "", &words);
	for (size_t i = 0; i < words.n; i++) {
		size_t pos = 0, a, b, n = strlen(words.items[i]);
		size_t last_a = 0, last_b = 0;
		bool found = false;

		while (next_word(s, &pos, &a, &b)) {
			if (b - a != n || memcmp(s + a, words.items[i], n) != 0)
				continue;
			found = true;
			last_a = a;
			last_b = b;
		}
		if (found) {
			char *cut = cut_word(s, last_a, last_b);

			free(s);
			s = cut;
		}
	}
	sl_free(&words);
	return s;
}

char *kcmdline_from_running(const char *proc_cmdline)
{
	struct strlist words, kept;
	char *joined, *line;

	sl_init(&words);
	sl_init(&kept);
	split_words(proc_cmdline ? proc_cmdline : "", &words);
	for (size_t i = 0; i < words.n; i++)
		if (strncmp(words.items[i], "BOOT_IMAGE=", 11) != 0 &&
		    strncmp(words.items[i], "initrd=", 7) != 0)
			sl_add(&kept, words.items[i]);
	joined = sl_join(&kept, " ");
	line = kept.n ? xasprintf("%s\n", joined) : NULL;
	free(joined);
	sl_free(&words);
	sl_free(&kept);
	return line;
}

void kcmdline_hash(const char *content, char out[17])
{
	uint64_t h = 0xcbf29ce484222325ULL;

	for (const unsigned char *p = (const unsigned char *)content; *p; p++) {
		h ^= *p;
		h *= 0x100000001b3ULL;
	}
	snprintf(out, 17, "%016llx", (unsigned long long)h);
}

char *kcmdline_escape(const char *content)
{
	struct strbuf sb;

	sb_init(&sb);
	for (const unsigned char *p = (const unsigned char *)content; *p; p++) {
		if (*p > ' ' && *p < 0x7f && !strchr("\"'\\", *p))
			sb_addf(&sb, "%c", *p);
		else
			sb_addf(&sb, "\\x%02x", *p);
	}
	return sb_steal(&sb);
}

static int hex_digit(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

char *kcmdline_unescape(const char *value)
{
	char *out = xmalloc(strlen(value) + 1), *o = out;

	for (const char *p = value; *p; p++) {
		int hi, lo;

		if (*p != '\\') {
			*o++ = *p;
			continue;
		}
		if (p[1] != 'x' || (hi = hex_digit(p[2])) < 0 || (lo = hex_digit(p[3])) < 0 ||
		    (hi == 0 && lo == 0)) {
			free(out);
			return NULL;
		}
		*o++ = (char)(hi * 16 + lo);
		p += 3;
	}
	*o = '\0';
	return out;
}
