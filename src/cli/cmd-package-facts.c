// SPDX-License-Identifier: GPL-2.0-or-later
/* package-script-facts (hidden): the helper's own tables as POSIX shell, for the
 * package's postrm, which runs once the helper is gone. debian/rules runs it at build
 * time and debian/fill-postrm pastes its output over the postrm's
 * #VPS_PACKAGE_SCRIPT_FACTS# line, so the postrm neither spells the owned files nor knows
 * an initramfs generator by name. */
#include <stdio.h>
#include <string.h>

#include "log.h"
#include "util.h"

#include "boot-stack.h"
#include "commands.h"
#include "owned-files.h"
#include "render.h"

/* 'text' for the shell: every ' closed, escaped and reopened. */
static void put_quoted(const char *text)
{
	putchar('\'');
	for (const char *p = text; *p; p++)
		if (*p == '\'')
			fputs("'\\''", stdout);
		else
			putchar(*p);
	putchar('\'');
}

/* Each line of a generator's shell text, indented to sit in a case branch. */
static void put_indented(const char *text, const char *indent)
{
	while (*text) {
		size_t len = strcspn(text, "\n");

		printf("%s%.*s\n", indent, (int)len, text);
		text += len + (text[len] == '\n');
	}
}

static void put_owned_files(void)
{
	struct rendered_file owned[RENDERED_MAX];
	size_t n = owned_files_all(owned);

	puts("# The first line of every file the helper generates: only such files are "
	     "deleted.");
	fputs("vps_marker() { echo ", stdout);
	put_quoted(GENERATED_MARKER);
	puts("; }\n");
	puts("# Every file the helper may generate, one a line.");
	puts("vps_owned_files() {");
	for (size_t i = 0; i < n; i++) {
		fputs("\techo ", stdout);
		put_quoted(owned[i].path);
		putchar('\n');
	}
	puts("}\n");
	rendered_free(owned, n);
}

static void put_generators(void)
{
	size_t n;
	const struct initramfs_generator *const *gens = initramfs_generators_all(&n);

	puts("# The initramfs generator that builds this machine's images, chosen as the "
	     "helper "
	     "does;\n# nothing if none is installed.");
	puts("vps_initramfs_generator() {");
	for (size_t i = 0; i < n; i++) {
		printf("\t%s %s; then\n\t\techo %s\n", i ? "elif" : "if", gens[i]->shell_detect,
		       gens[i]->name);
	}
	puts("\tfi\n}\n");
	puts("# Whether GENERATOR's images hold this package's scripts whatever the "
	     "configuration:"
	     "\n# then the postrm rebuilds them once the package is gone; else `remove` "
	     "did.");
	puts("vps_initramfs_images_carry_package() {\n\tcase \"$1\" in");
	for (size_t i = 0; i < n; i++)
		if (gens[i]->images_carry_package)
			printf("\t%s) return 0 ;;\n", gens[i]->name);
	puts("\tesac\n\treturn 1\n}\n");
	puts("# GENERATOR rebuilds every installed kernel's image: non-zero if one "
	     "failed.");
	puts("vps_initramfs_rebuild() {\n\tcase \"$1\" in");
	for (size_t i = 0; i < n; i++) {
		printf("\t%s)\n", gens[i]->name);
		put_indented(gens[i]->shell_rebuild, "\t\t");
		puts("\t\t;;");
	}
	puts("\tesac\n}\n");
	puts("# What the admin runs when GENERATOR's rebuild failed, in backquotes.");
	puts("# shellcheck disable=SC2016 # shown, not run");
	puts("vps_initramfs_rebuild_command() {\n\tcase \"$1\" in");
	for (size_t i = 0; i < n; i++) {
		_cleanup_free_ char *command = gens[i]->rebuild_command(NULL);

		printf("\t%s) echo ", gens[i]->name);
		put_quoted(command);
		puts(" ;;");
	}
	puts("\tesac\n}");
}

static int run_package_facts(const struct context *ctx, int argc, char **argv)
{
	(void)ctx;
	if (argc > 1)
		return log_unexpected_argument("package-script-facts", argv[1]);
	puts("# From `vfio-passthrough-setup package-script-facts` " VERSION
	     " at the package's build: the\n# helper's own tables, for this script, "
	     "which runs "
	     "once the helper is gone.\n");
	put_owned_files();
	put_generators();
	return fflush(stdout) == 0 ? EXIT_OK : EXIT_FAILURE_RUNTIME;
}

/* No help line: main.c lists no command without one. */
const struct command cmd_package_facts = {
	.name = "package-script-facts",
	.run = run_package_facts,
	.usage = "package-script-facts",
};
