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

/* "--", quoted or not (the kernel drops the quotes before it compares) */
static bool is_dashes(const char *s, size_t a, size_t b)
{
	return (b - a == 2 && strncmp(s + a, "--", 2) == 0) ||
	       (b - a == 4 && strncmp(s + a, "\"--\"", 4) == 0);
}

/* Where the kernel's words end: at the first "--" (the kernel hands the words after it to
 * init), else at the end. */
static size_t kernel_end(const char *s)
{
	size_t pos = 0, a, b;

	while (next_word(s, &pos, &a, &b))
		if (is_dashes(s, a, b))
			return a;
	return strlen(s);
}

/* word among the kernel's words of s (before any "--") */
static bool has_word(const char *s, const char *word)
{
	size_t pos = 0, a, b, n = strlen(word), end = kernel_end(s);

	while (next_word(s, &pos, &a, &b) && b <= end)
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
	size_t pos = 0, a, b, insert = 0, end = kernel_end(content), before = added->n;

	/* After the kernel's last word: words after a "--" would go to init. */
	while (next_word(content, &pos, &a, &b) && b <= end)
		insert = b;
	if (!insert && content[end])
		insert = end; /* "-- init-args" alone: ours go before it */
	sl_init(&words);
	split_words(want ? want : "", &words);
	sb_init(&sb);
	sb_addf(&sb, "%.*s", (int)insert, content);
	for (size_t i = 0; i < words.n; i++) {
		if (has_word(content, words.items[i]) || sl_has(added, words.items[i]))
			continue;
		if (sb.len && !is_blank(sb.buf[sb.len - 1]))
			sb_add(&sb, " ");
		sb_add(&sb, words.items[i]);
		sl_add(added, words.items[i]);
	}
	/* "-- init-args" with no kernel word before it: ours, then a blank, then "--" */
	if (added->n > before && content[insert] && !is_blank(content[insert]))
		sb_add(&sb, " ");
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
		size_t pos = 0, a, b, n = strlen(words.items[i]), end = kernel_end(s);
		size_t last_a = 0, last_b = 0;
		bool found = false;

		/* ours are before any "--": a word after it is init's, someone else's */
		while (next_word(s, &pos, &a, &b) && b <= end) {
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

/* words of text, those for which keep() holds, as one line of single spaces */
static char *words_where(const char *text, bool (*keep)(const char *word))
{
	struct strlist words, kept;
	char *joined;

	sl_init(&words);
	sl_init(&kept);
	split_words(text ? text : "", &words);
	for (size_t i = 0; i < words.n; i++)
		if (keep(words.items[i]))
			sl_add(&kept, words.items[i]);
	joined = sl_join(&kept, " ");
	sl_free(&words);
	sl_free(&kept);
	return joined;
}

static bool any_word(const char *w)
{
	(void)w;
	return true;
}

static bool not_from_loader(const char *w)
{
	return strncmp(w, "BOOT_IMAGE=", 11) != 0 && strncmp(w, "initrd=", 7) != 0;
}

static bool not_added_at_boot(const char *w)
{
	return not_from_loader(w) && strncmp(w, "systemd.machine_id=", 19) != 0;
}

static char *as_line(char *joined)
{
	char *line = *joined ? xasprintf("%s\n", joined) : NULL;

	free(joined);
	return line;
}

char *kcmdline_from_running(const char *proc_cmdline)
{
	return as_line(words_where(proc_cmdline, not_from_loader));
}

char *kcmdline_next_boot(const char *etc, const char *usr_lib, const char *proc_cmdline,
			 enum kcmdline_source *from)
{
	if (etc) {
		*from = KCMDLINE_FROM_ETC;
		return words_where(etc, any_word);
	}
	if (usr_lib) {
		*from = KCMDLINE_FROM_USR_LIB;
		return words_where(usr_lib, any_word);
	}
	*from = KCMDLINE_FROM_RUNNING;
	return proc_cmdline ? words_where(proc_cmdline, not_from_loader) : NULL;
}

/* A word of ours that ends in '.' names a namespace: every word in it is ours. */
static bool in_namespace(const char *word, const struct strlist *ours)
{
	for (size_t i = 0; i < ours->n; i++) {
		size_t n = strlen(ours->items[i]);

		if (n && ours->items[i][n - 1] == '.' && strncmp(word, ours->items[i], n) == 0)
			return true;
	}
	return false;
}

char *kcmdline_running_base(const char *proc_cmdline, const char *ours)
{
	_cleanup_free_ char *line = words_where(proc_cmdline, not_added_at_boot);
	struct strlist words, drop, kept;
	char *joined;

	sl_init(&words);
	sl_init(&drop);
	sl_init(&kept);
	split_words(line, &words);
	split_words(ours ? ours : "", &drop);
	/* The last occurrence of each: a trial entry's words follow the entry it copied. */
	for (size_t i = 0; i < drop.n; i++)
		for (size_t j = words.n; j-- > 0;)
			if (words.items[j] && strcmp(words.items[j], drop.items[i]) == 0) {
				free(words.items[j]);
				words.items[j] = NULL;
				break;
			}
	for (size_t j = 0; j < words.n; j++)
		if (words.items[j] && !in_namespace(words.items[j], &drop))
			sl_add(&kept, words.items[j]);
	joined = sl_join(&kept, " ");
	sl_free(&words);
	sl_free(&drop);
	sl_free(&kept);
	return as_line(joined);
}

char *kcmdline_only_words_of(const char *line, const char *of, char **dropped)
{
	struct strlist words, allowed, kept, out;
	char *joined;

	sl_init(&words);
	sl_init(&allowed);
	sl_init(&kept);
	sl_init(&out);
	split_words(line ? line : "", &words);
	split_words(of ? of : "", &allowed);
	for (size_t i = 0; i < words.n; i++)
		sl_add(sl_has(&allowed, words.items[i]) ? &kept : &out, words.items[i]);
	joined = sl_join(&kept, " ");
	*dropped = sl_join(&out, " ");
	sl_free(&words);
	sl_free(&allowed);
	sl_free(&kept);
	sl_free(&out);
	return as_line(joined);
}

bool kcmdline_carries_any(const char *line, const char *ours)
{
	struct strlist words, check;
	bool found = false;

	sl_init(&words);
	sl_init(&check);
	split_words(line ? line : "", &words);
	split_words(ours ? ours : "", &check);
	for (size_t i = 0; !found && i < words.n; i++)
		found = sl_has(&check, words.items[i]) || in_namespace(words.items[i], &check);
	sl_free(&words);
	sl_free(&check);
	return found;
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
