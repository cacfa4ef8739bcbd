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
			char one[2] = {ch, '\0'};

			sb_add(&word, one);
		}
	}
	sb_free(&word);
	return n;
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
	cmdline_split(cmdline, &have);
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
