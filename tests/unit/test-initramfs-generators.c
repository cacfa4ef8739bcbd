// SPDX-License-Identifier: GPL-2.0-or-later
/* The contract every initramfs generator's table meets (boot-stack.h): each operation
 * there, a name the postrm's shell can use as a case pattern, a drop-in only with its
 * text, the rebuild command in backquotes, and the reason strings as phrases. A new
 * generator that forgets one fails here, not in a package's postrm. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "boot-stack.h"
#include "owned-files.h"
#include "unit.h"
#include "util.h"

static bool shell_word(const char *s)
{
	return s && *s && strspn(s, "abcdefghijklmnopqrstuvwxyz0123456789-") == strlen(s);
}

static bool owned(const char *path)
{
	struct rendered_file all[RENDERED_MAX];
	size_t n = owned_files_all(all);
	bool found = false;

	for (size_t i = 0; i < n; i++)
		found |= strcmp(all[i].path, path) == 0;
	rendered_free(all, n);
	return found;
}

static void check_one(const struct initramfs_generator *g)
{
	char *one, *every;

	CHECK(shell_word(g->name));
	CHECK(g->tool && g->detect && g->rebuild_all && g->rebuild_command);
	CHECK(g->lister && g->list_image);
	CHECK(g->tool && g->shell_rebuild);
	/* its drop-in and its text come together, and remove and the postrm know the file
	 */
	CHECK(!g->dropin_path == !g->render_dropin);
	CHECK(!g->dropin_path || (g->dropin_path[0] == '/' && owned(g->dropin_path)));
	CHECK(!g->forces_modules || g->render_dropin); /* the forced list goes in its drop-in */
	/* status prints it in a fix, "run %s, then reboot" */
	one = g->rebuild_command("6.1.0-18-amd64");
	every = g->rebuild_command(NULL);
	CHECK(one && one[0] == '`' && strstr(one, "6.1.0-18-amd64"));
	CHECK(every && every[0] == '`');
	free(one);
	free(every);
	/* completes "<name> builds the initramfs here, and ..." */
	CHECK(!g->trial_refusal || (g->trial_refusal[0] >= 'a' && g->trial_refusal[0] <= 'z' &&
				    g->trial_refusal[strlen(g->trial_refusal) - 1] != '.'));
}

int main(void)
{
	size_t n;
	const struct initramfs_generator *const *gens = initramfs_generators_all(&n);

	CHECK(n >= 2);
	for (size_t i = 0; i < n; i++) {
		check_one(gens[i]);
		for (size_t k = 0; k < i; k++)
			CHECK(strcmp(gens[i]->name, gens[k]->name) != 0);
	}
	/* none found: messages name Debian's default */
	CHECK(initramfs_generator_or_default(NULL) == gens[n - 1]);
	CHECK(initramfs_generator_or_default(gens[0]) == gens[0]);
	return unit_done("initramfs-generators");
}
