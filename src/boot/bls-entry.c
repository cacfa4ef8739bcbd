// SPDX-License-Identifier: GPL-2.0-or-later
/* Reading kernel-install's Type #1 entries (bls-entry.h). */
#include <dirent.h>
#include <stdlib.h>
#include <string.h>

#include "bls-entry.h"
#include "boot-kernel-install.h"
#include "root-path.h"

const struct bls_dir bls_dirs[3] = {
	{ "/boot/efi", "/boot/efi/loader/entries" },
	{ "/efi", "/efi/loader/entries" },
	{ "/boot", "/boot/loader/entries" },
};

/* The value on the next line from *pos on that has this key (caller frees), *pos moved past
 * that line; NULL when no line further on has it. */
static char *next_value(const char **pos, const char *key)
{
	size_t klen = strlen(key);

	while (*pos && **pos) {
		const char *line = *pos, *end = strchr(line, '\n');
		size_t len = end ? (size_t)(end - line) : strlen(line);

		*pos = end ? end + 1 : NULL;
		if (len > klen && strncmp(line, key, klen) == 0 && strchr(" \t", line[klen])) {
			const char *v = line + klen + strspn(line + klen, " \t");

			return xasprintf("%.*s", (int)(len - (size_t)(v - line)), v);
		}
	}
	return NULL;
}

char *bls_entry_value(const char *text, const char *key)
{
	return next_value(&text, key);
}

/* The entry files of one directory, sorted: readdir's order differs between file systems. */
static void entry_names(const char *root, const char *dir, struct strlist *names)
{
	_cleanup_free_ char *full = path_join(root, dir);
	DIR *d = opendir(full);
	struct dirent *de;

	while (d && (de = readdir(d))) {
		size_t n = strlen(de->d_name);

		if (n > 5 && strcmp(de->d_name + n - 5, ".conf") == 0 &&
		    strcmp(de->d_name, TRIAL_SDBOOT_ENTRY) != 0)
			sl_add(names, de->d_name);
	}
	if (d)
		closedir(d);
	sl_sort(names);
}

char *bls_kernel_initrd(const char *root, const char *kver)
{
	char *found = NULL;

	for (size_t i = 0; i < ARRAY_SIZE(bls_dirs) && !found; i++) {
		struct strlist names;

		sl_init(&names);
		entry_names(root, bls_dirs[i].entries, &names);
		for (size_t k = 0; k < names.n && !found; k++) {
			_cleanup_free_ char *rel =
			    xasprintf("%s/%s", bls_dirs[i].entries, names.items[k]);
			_cleanup_free_ char *text = root_read_file(root, rel, 1 << 16, NULL);
			_cleanup_free_ char *version =
			    text ? bls_entry_value(text, "version") : NULL;
			_cleanup_free_ char *last = NULL;
			const char *pos = text;

			if (!version || strcmp(version, kver) != 0)
				continue;
			for (char *v; (v = next_value(&pos, "initrd"));) {
				free(last);
				last = v;
			}
			/* ".." would lead out of $BOOT, and under --root out of the root */
			if (last && !strstr(last, ".."))
				found = xasprintf("%s%s%s", bls_dirs[i].boot,
						  last[0] == '/' ? "" : "/", last);
		}
		sl_free(&names);
	}
	return found;
}
