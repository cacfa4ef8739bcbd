// SPDX-License-Identifier: GPL-2.0-or-later
/* package-script-facts (hidden): the helper's own tables as POSIX shell functions, for
 * shell that must not spell them again. debian/rules runs it at build time and
 * debian/fill-postrm pastes its output over the postrm's #VPS_PACKAGE_SCRIPT_FACTS# line
 * (the postrm runs once the helper is gone); the initramfs-tools hook and the dracut
 * module eval it at image build time. Each function prints one fact:
 *   vps_marker                the first line of every file the helper generates
 *   vps_owned_files           every file the helper may generate, one a line
 *   vps_modprobe_file         the modprobe.d file (softdeps, ids=)
 *   vps_params_dropins        each boot loader's drop-in for the kernel parameters, one a
 *                             line (GRUB's /etc/default/grub.d/...cfg)
 *   vps_xorg_snippet          the Xorg snippet that keeps the host's display on its card
 *   vps_driver_override_file  the address list (identical cards) the initramfs scripts
 *                             copy into the image and read before udev
 *   vps_fallback_modules      the vfio modules every Debian kernel has, on one line: what
 *                             an initramfs gets where no kernel's module index answers
 *   vps_settings_file         the settings file (the postrm purges it, with ucf)
 *   vps_state_dir             the directory of the state file (the postrm purges it)
 *   vps_initramfs_generator   the generator that builds this machine's images, chosen by
 *                             the helper's own rule (nothing if none is installed)
 *   vps_initramfs_images_carry_package GEN, vps_initramfs_rebuild GEN,
 *   vps_initramfs_rebuild_command GEN  as their comments below say
 * Output is POSIX shell that only defines functions: sourcing or eval'ing it runs nothing. */
#include <stdio.h>
#include <string.h>

#include "log.h"
#include "util.h"

#include "boot-stack.h"
#include "commands.h"
#include "modules.h"
#include "owned-files.h"
#include "render.h"
#include "settings.h"
#include "state.h"

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

/* NAME() { echo 'VALUE'; } */
static void put_fact(const char *comment, const char *name, const char *value)
{
	printf("# %s\n# shellcheck disable=SC2317 # not every script uses every fact\n"
	       "%s() { echo ",
	       comment, name);
	put_quoted(value);
	puts("; }\n");
}

static void put_paths(void)
{
	struct strbuf dropins, modules;

	put_fact("The modprobe.d file: the softdeps, and ids= where cards bind by id.",
		 "vps_modprobe_file", MODPROBE_PATH);
	put_fact("The Xorg snippet that keeps the host's display on its own card.",
		 "vps_xorg_snippet", XORG_SNIPPET_PATH);
	put_fact("The address list (identical cards) the initramfs scripts copy and read.",
		 "vps_driver_override_file", DRIVER_OVERRIDE_PATH);
	sb_init(&dropins);
	for (size_t i = 0; i < n_boot_loaders; i++)
		if (boot_loaders[i]->params_dropin)
			sb_addf(&dropins, "%s%s", dropins.len ? "\n" : "",
				boot_loaders[i]->params_dropin);
	put_fact("Each boot loader's drop-in for the kernel parameters, one a line.",
		 "vps_params_dropins", dropins.buf ? dropins.buf : "");
	sb_free(&dropins);
	sb_init(&modules);
	for (const char *const *m = vfio_modules_every_kernel; *m; m++)
		sb_addf(&modules, "%s%s", modules.len ? " " : "", *m);
	put_fact("The vfio modules every Debian kernel has: an initramfs's where no kernel's "
		 "index answers.",
		 "vps_fallback_modules", modules.buf);
	sb_free(&modules);
	put_fact("The settings file, which only a purge deletes.", "vps_settings_file",
		 SETTINGS_PATH);
	put_fact("The directory of the state file, which only a purge deletes.", "vps_state_dir",
		 STATE_DIR);
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
		printf("\t%s command -v %s >/dev/null", i ? "elif" : "if", gens[i]->tool);
		if (gens[i]->unless_tool)
			printf(" && ! command -v %s >/dev/null", gens[i]->unless_tool);
		printf("; then\n\t\techo %s\n", gens[i]->name);
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
	puts("# From `vfio-passthrough-setup package-script-facts` " VERSION ": the helper's "
	     "own\n# tables, so that this script does not spell them again.\n");
	put_owned_files();
	put_paths();
	put_generators();
	return fflush(stdout) == 0 ? EXIT_OK : EXIT_FAILURE_RUNTIME;
}

/* No help line: main.c lists no command without one. */
const struct command cmd_package_facts = {
	.name = "package-script-facts",
	.run = run_package_facts,
	.usage = "package-script-facts",
};
