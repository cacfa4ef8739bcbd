// SPDX-License-Identifier: GPL-2.0-or-later
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "util.h"

#include "kernel-cmdline.h"

size_t cmdline_split(const char *cmdline, struct strlist *out)
{
	struct strbuf word;
	size_t n = 0;
	bool quoted = false, in_word = false;

	if (!cmdline)
		return 0;
	sb_init(&word);
	for (const char *p = cmdline;; p++) {
		char ch = *p;
		bool end = ch == '\0' || (!quoted && (ch == ' ' || ch == '\t' || ch == '\n'));

		if (end) {
			if (in_word) {
				sl_add(out, word.buf);
				n++;
				word.len = 0;
				word.buf[0] = '\0';
				in_word = false;
			}
			if (ch == '\0')
				break;
			continue;
		}
		in_word = true;
		/* The kernel's next_arg(): double quotes group, and are dropped. */
		if (ch == '"') {
			quoted = !quoted;
			continue;
		}
		{
			char one[2] = { ch, '\0' };

			sb_add(&word, one);
		}
	}
	sb_free(&word);
	return n;
}

size_t cmdline_split_kernel(const char *cmdline, struct strlist *out)
{
	struct strlist all;
	size_t n = 0;

	sl_init(&all);
	cmdline_split(cmdline, &all);
	for (; n < all.n && strcmp(all.items[n], "--") != 0; n++)
		sl_add(out, all.items[n]);
	sl_free(&all);
	return n;
}

/* The index of the last word equal to w, or -1. */
static long last_index(const struct strlist *words, const char *w)
{
	for (size_t i = words->n; i-- > 0;)
		if (strcmp(words->items[i], w) == 0)
			return (long)i;
	return -1;
}

char *cmdline_iommu_conflict(const char *cmdline, const char *ours)
{
	static const char *const always_off[] = { "amd_iommu=off", "iommu=off" };
	struct strlist words, our_words;
	struct strbuf sb;
	long on, off;

	sl_init(&words);
	sl_init(&our_words);
	sb_init(&sb);
	cmdline_split_kernel(cmdline, &words);
	cmdline_split(ours, &our_words);
	on = last_index(&words, "intel_iommu=on");
	off = last_index(&words, "intel_iommu=off");
	/* The kernel reads intel_iommu= each time it appears: the later word wins. */
	if (sl_has(&our_words, "intel_iommu=on") && off >= 0 && on > off)
		sb_add(&sb, "intel_iommu=off (the admin's) comes before intel_iommu=on: the later "
			    "word wins, so intel_iommu=on overrides it and the Intel IOMMU is on.");
	else if (sl_has(&our_words, "intel_iommu=on") && off >= 0)
		sb_add(&sb, "intel_iommu=off comes after intel_iommu=on: the later word wins, so "
			    "the Intel IOMMU stays off and no card can be passed through; remove "
			    "intel_iommu=off.");
	for (size_t i = 0; our_words.n && i < ARRAY_SIZE(always_off); i++)
		if (sl_has(&words, always_off[i]))
			sb_addf(&sb,
				"%s%s switches %s off wherever it stands (no word of ours "
				"switches it back on): no card can be passed through; remove it.",
				sb.len ? " " : "", always_off[i],
				i == 0 ? "the AMD IOMMU" : "the IOMMU");
	sl_free(&words);
	sl_free(&our_words);
	if (!sb.len) {
		sb_free(&sb);
		return NULL;
	}
	return sb_steal(&sb);
}

/* "vfio-pci.ids=x" and "vfio_pci.ids=x" are the same parameter to the kernel. */
static char *param_key_normalized(const char *w)
{
	char *s = xstrdup(w);
	char *dot = strchr(s, '.');
	char *eq = strchr(s, '=');

	if (dot && (!eq || dot < eq))
		for (char *p = s; p < dot; p++)
			if (*p == '-')
				*p = '_';
	return s;
}

void cmdline_missing(const char *cmdline, const char *want, struct strlist *missing)
{
	struct strlist have, wanted;

	sl_init(&have);
	sl_init(&wanted);
	cmdline_split_kernel(cmdline, &have); /* after "--": init's, not the kernel's */
	cmdline_split(want, &wanted);
	for (size_t i = 0; i < have.n; i++) {
		char *n = param_key_normalized(have.items[i]);

		free(have.items[i]);
		have.items[i] = n;
	}
	for (size_t i = 0; i < wanted.n; i++) {
		_cleanup_free_ char *n = param_key_normalized(wanted.items[i]);

		if (!sl_has(&have, n))
			sl_add(missing, wanted.items[i]);
	}
	sl_free(&have);
	sl_free(&wanted);
}
