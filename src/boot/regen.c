// SPDX-License-Identifier: GPL-2.0-or-later
/* Make the boot files match /etc: the boot loader and the initramfs generator found in use
 * (boot-stack.h), each asked to do its part. The tool's own last lines become the error. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "boot-stack.h"
#include "log.h"
#include "regen.h"
#include "root-path.h"
#include "trial.h"
#include "util.h"

#define REGEN_UNDER_ROOT_ENV "VFIO_PASSTHROUGH_SETUP_REGEN_UNDER_ROOT"

/* In order of preference: the first one detected is used. proxmox-boot-tool owns the
 * ESPs where it is installed (it runs update-grub itself for GRUB ones); systemd-boot on
 * an ESP is a choice the admin made over a GRUB that may still be installed. */
const struct boot_loader *const boot_loaders[] = { &boot_loader_proxmox,
						   &boot_loader_kernel_install, &boot_loader_grub };
const size_t n_boot_loaders = ARRAY_SIZE(boot_loaders);
/* dracut only where update-initramfs is absent (see its file); where none is found, messages
 * name the last, Debian's default. */
static const struct initramfs_generator *const initramfs_generators[] = { &initramfs_dracut,
									  &initramfs_tools };

static const struct boot_loader *detect_boot_loader(const char *root)
{
	for (size_t i = 0; i < ARRAY_SIZE(boot_loaders); i++) {
		char *why = boot_loaders[i]->detect(root);

		if (!why)
			return boot_loaders[i];
		free(why);
	}
	return NULL;
}

/* The run's choice: every step of one run (refusals, /etc/kernel/cmdline, regeneration,
 * the trial's arm) drives the same loader, whatever changes under the root meanwhile. */
static struct {
	char *root;
	const struct boot_loader *loader;
} chosen;

void boot_loader_choose(const char *root)
{
	free(chosen.root);
	chosen.root = xstrdup(root);
	chosen.loader = detect_boot_loader(root);
}

const struct boot_loader *boot_loader_in_use(const char *root)
{
	if (chosen.root && strcmp(chosen.root, root) == 0)
		return chosen.loader;
	return detect_boot_loader(root);
}

const struct initramfs_generator *const *initramfs_generators_all(size_t *n)
{
	*n = ARRAY_SIZE(initramfs_generators);
	return initramfs_generators;
}

const struct initramfs_generator *initramfs_generator_detect(const char *root)
{
	for (size_t i = 0; i < ARRAY_SIZE(initramfs_generators); i++) {
		_cleanup_free_ char *why = initramfs_generators[i]->detect(root);

		if (!why)
			return initramfs_generators[i];
	}
	return NULL;
}

/* One run has one root; a second root (unit tests) is detected afresh. */
static struct {
	char *root;
	const struct initramfs_generator *generator;
} chosen_generator;

const struct initramfs_generator *initramfs_generator_in_use(const char *root)
{
	if (chosen_generator.root && strcmp(chosen_generator.root, root) == 0)
		return chosen_generator.generator;
	free(chosen_generator.root);
	chosen_generator.root = xstrdup(root);
	chosen_generator.generator = initramfs_generator_detect(root);
	return chosen_generator.generator;
}

const struct initramfs_generator *initramfs_generator_or_default(
    const struct initramfs_generator *g)
{
	return g ? g : initramfs_generators[ARRAY_SIZE(initramfs_generators) - 1];
}

char *boot_loader_none_found(const char *root)
{
	struct strbuf sb;

	sb_init(&sb);
	sb_add(&sb, "no boot loader this program knows is in use here (");
	for (size_t i = 0; i < n_boot_loaders; i++) {
		_cleanup_free_ char *why = boot_loaders[i]->detect(root);
		size_t len = why ? strlen(why) : 0;

		while (len && why[len - 1] == '.')
			len--;
		sb_addf(&sb, "%s%.*s", i ? "; " : "", (int)len, why ? why : "");
	}
	sb_add(&sb, ")");
	return sb_steal(&sb);
}

/* The trial entry follows the trial file; once it is gone, a one-shot request naming it
 * goes too, or the next boot would look for a missing entry (GRUB then boots entry 0, not
 * the admin's default). */
static int trial_entry_follow(const char *root, const struct boot_loader *loader, struct error *err)
{
	_cleanup_free_ char *text = root_read_file(root, TRIAL_FILE_PATH, 1 << 16, NULL);
	_cleanup_free_ char *params = text ? trial_file_params(text) : NULL;
	struct error e2 = { 0 };

	if (loader->trial_sync && loader->trial_sync(root, params, err) < 0)
		return -1;
	if (params || !loader->trial_armed || !loader->trial_armed(root))
		return 0;
	printf("The next boot was still to be the trial's (%s), which is gone: clearing that "
	       "request.\n",
	       loader->trial_entry);
	/* The files are right; a request left is the admin's to clear, said here. */
	if (loader->trial_disarm(root, &e2) < 0)
		log_warning("%s", e2.msg);
	return 0;
}

static int regenerate_boot_loader(const char *root, struct error *err)
{
	const struct boot_loader *in_use = boot_loader_in_use(root);
	_cleanup_free_ char *why = NULL;

	if (in_use)
		return in_use->regenerate(root, err) < 0 ? -1
							 : trial_entry_follow(root, in_use, err);
	why = boot_loader_none_found(root);
	printf("Not regenerating any boot entries: %s. Add the kernel parameters to your boot "
	       "loader by hand (" PROG " status names them; after remove, take them out).\n",
	       why);
	return 0;
}

static int rebuild_initramfs(const char *root, struct error *err)
{
	const struct initramfs_generator *in_use = initramfs_generator_in_use(root);

	if (in_use)
		return in_use->rebuild_all(root, err);
	for (size_t i = 0; i < ARRAY_SIZE(initramfs_generators); i++) {
		_cleanup_free_ char *why = initramfs_generators[i]->detect(root);

		if (why)
			printf("%s\n", why);
	}
	return 0;
}

/* "update-grub and update-initramfs": what would run, for the --root message. */
static char *tools_named(const char *root, struct regen_needs needs)
{
	struct strlist tools;
	char *s;

	sl_init(&tools);
	if (needs.bootloader) {
		const struct boot_loader *in_use = boot_loader_in_use(root);

		/* none found: the last one's, the most common, for the admin of that system */
		sl_add(&tools,
		       (in_use ? in_use : boot_loaders[ARRAY_SIZE(boot_loaders) - 1])->tool);
	}
	if (needs.initramfs) {
		const struct initramfs_generator *g = initramfs_generator_in_use(root);

		sl_add_unique(&tools, initramfs_generator_or_default(g)->tool);
	}
	s = sl_join(&tools, " and ");
	sl_free(&tools);
	return s;
}

bool regen_runs_tools(const char *root)
{
	/* "--root //" writes the real /etc: its boot files must follow. */
	return root_is_host(root) || getenv(REGEN_UNDER_ROOT_ENV);
}

int regen_run(const char *root, struct regen_needs needs, struct error *err)
{
	if (!needs.bootloader && !needs.initramfs)
		return 0;
	if (!regen_runs_tools(root)) {
		_cleanup_free_ char *tools = tools_named(root, needs);

		printf("Not running %s under --root %s: regenerate inside that system.\n", tools,
		       root);
		return 0;
	}
	/* Images first: kernel-install and proxmox-boot-tool copy each kernel's initramfs into
	 * the boot entries, so a boot loader run before the rebuild would leave the entries
	 * one image behind (after a purge, an image that still binds the card). */
	if (needs.initramfs && rebuild_initramfs(root, err) < 0)
		return -1;
	if (needs.bootloader && regenerate_boot_loader(root, err) < 0)
		return -1;
	return 0;
}

char *regen_needs_format(struct regen_needs needs)
{
	return xasprintf("%s%s%s", needs.bootloader ? "bootloader" : "",
			 needs.bootloader && needs.initramfs ? " " : "",
			 needs.initramfs ? "initramfs" : "");
}

struct regen_needs regen_needs_parse(const char *text)
{
	_cleanup_free_ char *copy = xstrdup(text ? text : "");
	struct regen_needs needs = { 0 };
	char *save = NULL;

	for (char *w = strtok_r(copy, " ", &save); w; w = strtok_r(NULL, " ", &save)) {
		if (strcmp(w, "bootloader") == 0)
			needs.bootloader = true;
		else if (strcmp(w, "initramfs") == 0)
			needs.initramfs = true;
	}
	return needs;
}
