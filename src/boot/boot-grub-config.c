// SPDX-License-Identifier: GPL-2.0-or-later
/* GRUB's backend: reading the admin's own GRUB configuration (/etc/default/grub and the
 * *.cfg of /etc/default/grub.d) for the kernel words it gives every entry, so that apply can
 * warn when they switch the IOMMU off against ours, and the conflict scan can find another
 * tool's vfio-pci.ids=. */
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "boot-grub.h"
#include "kernel-cmdline.h"
#include "root-path.h"
#include "util.h"

/* One shell word's value as GRUB's /etc/default/grub gives it: quotes dropped, a $VARIABLE
 * (the earlier value, appended to) left out. */
static void add_assigned_words(const char *value, size_t len, struct strbuf *out)
{
	_cleanup_free_ char *v = xasprintf("%.*s", (int)len, value);
	struct strlist words;

	sl_init(&words);
	for (char *p = v; *p; p++)
		if (*p == '"' || *p == '\'')
			*p = ' ';
	cmdline_split(v, &words);
	for (size_t i = 0; i < words.n; i++)
		if (words.items[i][0] != '$')
			sb_addf(out, "%s%s", out->len ? " " : "", words.items[i]);
	sl_free(&words);
}

static char *grub_assigned_words(const char *text, const char *key)
{
	_cleanup_free_ char *assign = xasprintf("%s=", key);
	size_t klen = strlen(assign);
	struct strbuf out;

	sb_init(&out);
	for (const char *line = text; line && *line;) {
		size_t len = strcspn(line, "\n");
		const char *start = line + strspn(line, " \t");

		if (strncmp(start, "export ", 7) == 0)
			start += 7 + strspn(start + 7, " \t");
		if (strncmp(start, assign, klen) == 0)
			add_assigned_words(start + klen, len - (size_t)(start - line) - klen, &out);
		line += len + (line[len] ? 1 : 0);
	}
	return sb_steal(&out);
}

static int cfg_only(const struct dirent *de)
{
	size_t n = strlen(de->d_name);

	return n > 4 && strcmp(de->d_name + n - 4, ".cfg") == 0;
}

/* The file the drop-in's directory extends: /etc/default/grub for /etc/default/grub.d. NULL
 * if the directory is not named so. */
static char *grub_main_file(const char *dir)
{
	size_t n = strlen(dir);

	if (n < 3 || strcmp(dir + n - 2, ".d") != 0)
		return NULL;
	return xasprintf("%.*s", (int)(n - 2), dir);
}

/* GRUB: the drop-in's directory (/etc/default/grub.d) extends the file named as it is
 * without ".d" (/etc/default/grub). grub-mkconfig reads that file, then the directory's
 * *.cfg in order, and puts GRUB_CMDLINE_LINUX's words before GRUB_CMDLINE_LINUX_DEFAULT's,
 * to which our drop-in appends ours. */
char *grub_configured_cmdline(const char *root, const char *want, char **where)
{
	const char *dropin = GRUB_DROPIN_PATH;
	_cleanup_free_ char *dir = path_dir(dropin), *full_dir = path_join(root, dir);
	_cleanup_free_ char *main_file = NULL;
	char *line;
	struct strbuf linux_words, default_words;
	struct dirent **names = NULL;
	int n;

	*where = NULL;
	main_file = grub_main_file(dir);
	if (!main_file)
		return NULL;
	sb_init(&linux_words);
	sb_init(&default_words);
	n = scandir(full_dir, &names, cfg_only, alphasort);
	for (int i = -1; i < n; i++) {
		_cleanup_free_ char *rel =
		    i < 0 ? xstrdup(main_file) : xasprintf("%s/%s", dir, names[i]->d_name);
		_cleanup_free_ char *text = NULL, *l = NULL, *d = NULL;

		if (strcmp(rel, dropin) == 0) {
			sb_addf(&default_words, " %s", want); /* what apply writes there */
			continue;
		}
		text = root_read_file(root, rel, 1 << 20, NULL);
		l = text ? grub_assigned_words(text, "GRUB_CMDLINE_LINUX") : NULL;
		d = text ? grub_assigned_words(text, "GRUB_CMDLINE_LINUX_DEFAULT") : NULL;
		sb_addf(&linux_words, " %s", l ? l : "");
		sb_addf(&default_words, " %s", d ? d : "");
	}
	for (int i = 0; i < n; i++)
		free(names[i]);
	free(names);
	line = xasprintf("%s %s", linux_words.buf ? linux_words.buf : "",
			 default_words.buf ? default_words.buf : "");
	sb_free(&linux_words);
	sb_free(&default_words);
	*where = xasprintf("the GRUB configuration (%s, %s/*.cfg)", main_file, dir);
	return line;
}

void grub_admin_config(const char *root, struct strlist *paths)
{
	_cleanup_free_ char *dir = path_dir(GRUB_DROPIN_PATH), *full_dir = path_join(root, dir);
	_cleanup_free_ char *main_file = grub_main_file(dir);
	struct dirent **names = NULL;
	int n;

	if (!main_file)
		return;
	sl_add(paths, main_file);
	n = scandir(full_dir, &names, cfg_only, alphasort);
	for (int i = 0; i < n; i++) {
		_cleanup_free_ char *rel = xasprintf("%s/%s", dir, names[i]->d_name);

		if (strcmp(rel, GRUB_DROPIN_PATH) != 0)
			sl_add(paths, rel);
		free(names[i]);
	}
	free(names);
}

/* The name=value words of a GRUB_CMDLINE_LINUX(_DEFAULT) assignment: the quotes and the
 * assignment's own '=' glue words to their neighbours, so they are separators here. */
size_t grub_line_params(char *line, char **words, size_t max)
{
	char *save = NULL;
	size_t n = 0;

	line += strspn(line, " \t");
	if (line[0] == '#' || !strstr(line, "GRUB_CMDLINE_LINUX"))
		return 0;
	for (char *p = line; *p; p++)
		if (*p == '"' || *p == '\'' || *p == '=')
			*p = *p == '=' ? '\x1f' : ' ';
	for (char *t = strtok_r(line, " \t\r\f\v", &save); t && n < max;
	     t = strtok_r(NULL, " \t\r\f\v", &save)) {
		char *eq = strchr(t, '\x1f');

		if (!eq)
			continue;
		for (char *p = eq; *p; p++)
			if (*p == '\x1f')
				*p = '=';
		words[n++] = t;
	}
	return n;
}
