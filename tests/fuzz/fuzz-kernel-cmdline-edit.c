// SPDX-License-Identifier: GPL-2.0-or-later
/* The /etc/kernel/cmdline editor on any file. The input's first line is the wanted words,
 * the rest the file. Properties, when the file has a word and balanced quotes (else an
 * added word can end up inside an open quote): a second add adds nothing, and taking the
 * added words out gives the file back byte for byte. Always: no crash, and the state
 * encoding round-trips and holds no blank, quote or control byte. */
#include "fuzz.h"
#include "kernel-cmdline-edit.h"

static bool has_word_like(const char *content)
{
	size_t quotes = 0;
	bool word = false;

	for (const char *p = content; *p; p++) {
		quotes += *p == '"';
		word |= !strchr(" \t\n\r\v\f", *p);
	}
	return word && quotes % 2 == 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *s = fuzz_str(data, size);
	char *nl = strchr(s, '\n');
	const char *content = "";
	struct strlist added, again;
	char *edited, *twice, *joined, *back, *esc, *unesc;

	if (nl) {
		*nl = '\0';
		content = nl + 1;
	}
	/* Our words never hold quotes (settings refuse them). */
	for (char *p = s; *p; p++)
		if (*p == '"' || (*p != ' ' && strchr("\t\r\v\f", *p)))
			*p = 'q';
	sl_init(&added);
	sl_init(&again);
	edited = kcmdline_add(content, s, &added);
	twice = kcmdline_add(edited, s, &again);
	joined = sl_join(&added, " ");
	back = kcmdline_remove(edited, joined);
	if (has_word_like(content) &&
	    (again.n || strcmp(twice, edited) != 0 || strcmp(back, content) != 0))
		abort();
	esc = kcmdline_escape(content);
	if (strcspn(esc, " \t\n\r\"'") != strlen(esc))
		abort();
	unesc = kcmdline_unescape(esc);
	if (!unesc || strcmp(unesc, content) != 0)
		abort();
	free(kcmdline_from_running(content));
	free(unesc);
	free(esc);
	free(back);
	free(joined);
	free(twice);
	free(edited);
	sl_free(&added);
	sl_free(&again);
	free(s);
	return 0;
}
