// SPDX-License-Identifier: GPL-2.0-or-later
/* Plan -> the exact text of every file the program owns. Pure: golden tests compare bytes. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "boot-stack.h"
#include "render.h"
#include "util.h"

static void add_header(struct strbuf *sb)
{
	sb_add(sb, GENERATED_HEADER);
}

/* The first boot loader drop-in, which the modprobe file points to. */
static const char *first_params_dropin(void)
{
	for (size_t i = 0; i < n_boot_loaders; i++)
		if (boot_loaders[i]->params_dropin)
			return boot_loaders[i]->params_dropin;
	return "the boot loader's configuration";
}

static char *render_modprobe(const struct plan *plan)
{
	struct strbuf sb;
	bool ids = !plan->bind_by_address && !plan->vfio_builtin;

	if (!ids && plan->softdeps.n == 0)
		return NULL;
	sb_init(&sb);
	add_header(&sb);
	if (ids) {
		_cleanup_free_ char *list = sl_join(&plan->vfio_ids, ",");

		sb_addf(&sb, "options vfio-pci ids=%s\n", list);
	} else if (plan->bind_by_address) {
		sb_add(
		    &sb,
		    "# Bound by address (an identical card stays with the host): see " DRIVER_OVERRIDE_PATH
		    "\n");
	} else {
		sb_addf(&sb,
			"# vfio-pci is built into the kernel: its ids are on the kernel "
			"command line (%s)\n",
			first_params_dropin());
	}
	/* Each driver that could claim a function first waits for vfio-pci. */
	for (size_t i = 0; i < plan->softdeps.n; i++)
		sb_addf(&sb, "softdep %s pre: vfio-pci\n", plan->softdeps.items[i]);
	return sb_steal(&sb);
}

static char *render_xorg(const struct plan *plan)
{
	char busid[XORG_BUSID_STRLEN];
	struct strbuf sb;

	if (!plan->xorg)
		return NULL;
	xorg_busid_format(&plan->host_busid, busid);
	sb_init(&sb);
	add_header(&sb);
	sb_add(&sb, "# Keeps Xorg on the host GPU once the other card belongs to vfio-pci.\n");
	sb_add(&sb, "Section \"Device\"\n"
		    "\tIdentifier \"vfio-passthrough-setup host GPU\"\n");
	sb_addf(&sb, "\tDriver \"%s\"\n", plan->xorg_driver ? plan->xorg_driver : "modesetting");
	sb_addf(&sb, "\tBusID \"%s\"\n", busid);
	sb_add(&sb, "EndSection\n");
	return sb_steal(&sb);
}

static char *render_driver_override(const struct plan *plan)
{
	struct strbuf sb;

	if (!plan->bind_by_address)
		return NULL;
	sb_init(&sb);
	add_header(&sb);
	for (size_t i = 0; i < plan->n_functions; i++) {
		char addr[PCI_ADDR_STRLEN];

		pci_addr_format(&plan->functions[i], addr);
		sb_addf(&sb, "%s\n", addr);
	}
	return sb_steal(&sb);
}

/* Whether files (rendered so far) give path a content: the generators name such files. */
static bool written(const struct rendered_file *files, size_t n, const char *path)
{
	for (size_t i = 0; i < n; i++)
		if (strcmp(files[i].path, path) == 0)
			return files[i].content != NULL;
	return false;
}

/* Each generator's drop-in is read by the generator itself when it builds an image: a change
 * needs a rebuild. Every one is an owned file; only the generator in use may want one. */
static size_t render_generator_dropins(const struct plan *plan, bool modprobe_file,
				       bool override_file, struct rendered_file *out)
{
	size_t n_gens, n = 0;
	const struct initramfs_generator *const *gens = initramfs_generators_all(&n_gens);

	for (size_t i = 0; i < n_gens; i++) {
		bool wanted = gens[i] == plan->generator && !plan_is_empty(plan);

		if (!gens[i]->dropin_path)
			continue;
		out[n++] = (struct rendered_file){
			.path = gens[i]->dropin_path,
			.content = wanted
				       ? gens[i]->render_dropin(plan, modprobe_file, override_file)
				       : NULL,
			.needs_initramfs = true
		};
	}
	return n;
}

size_t render_plan(const struct plan *plan, struct rendered_file out[RENDERED_MAX])
{
	bool empty = plan_is_empty(plan);
	size_t n = 0;

	out[n++] = (struct rendered_file){ .path = MODPROBE_PATH,
					   .content = empty ? NULL : render_modprobe(plan),
					   .needs_initramfs = true };
	for (size_t i = 0; i < n_boot_loaders; i++) {
		const struct boot_loader *l = boot_loaders[i];

		if (!l->params_dropin)
			continue;
		out[n++] =
		    (struct rendered_file){ .path = l->params_dropin,
					    .content = empty || !plan->kernel_params ||
							       !*plan->kernel_params
							   ? NULL
							   : l->render_params(plan->kernel_params),
					    .needs_bootloader = true,
					    .params_of = l };
	}
	out[n++] = (struct rendered_file){ .path = XORG_SNIPPET_PATH,
					   .content = empty ? NULL : render_xorg(plan) };
	out[n++] = (struct rendered_file){ .path = DRIVER_OVERRIDE_PATH,
					   .content = empty ? NULL : render_driver_override(plan),
					   .needs_initramfs = true };
	n += render_generator_dropins(plan, written(out, n, MODPROBE_PATH),
				      written(out, n, DRIVER_OVERRIDE_PATH), out + n);
	return n;
}

void rendered_free(struct rendered_file *files, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		free(files[i].content);
		files[i].content = NULL;
	}
}

static uint64_t fnv1a(uint64_t h, const char *s, size_t len)
{
	for (size_t i = 0; i < len; i++) {
		h ^= (unsigned char)s[i];
		h *= 0x100000001b3ULL;
	}
	return h;
}

void rendered_hash(const struct rendered_file *files, size_t n, char out[17])
{
	uint64_t h = 0xcbf29ce484222325ULL;

	for (size_t i = 0; i < n; i++) {
		const char *c = files[i].content ? files[i].content : "";

		if (files[i].outside_hash)
			continue;
		h = fnv1a(h, files[i].path, strlen(files[i].path) + 1);
		/* "absent" and "empty" must differ */
		h = fnv1a(h, files[i].content ? "+" : "-", 1);
		h = fnv1a(h, c, strlen(c) + 1);
	}
	snprintf(out, 17, "%016llx", (unsigned long long)h);
}
