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
	sb_add(sb, GENERATED_MARKER "\n" RENDER_HOWTO_LINES);
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
		sb_add(&sb, "# Bound by address (an identical card stays with the host): see "
			    DRIVER_OVERRIDE_PATH "\n");
	} else {
		sb_addf(&sb, "# vfio-pci is built into the kernel: its ids are on the kernel "
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

/* modprobe_file, override_file: whether those are written, so the image gets them. */
static char *render_dracut(const struct plan *plan, bool modprobe_file, bool override_file)
{
	struct strbuf sb;

	if (!plan->dracut || (!modprobe_file && !override_file && !plan->dracut_drivers.n))
		return NULL;
	sb_init(&sb);
	add_header(&sb);
	sb_add(&sb, "# Debian's dracut builds generic images, which leave /etc/modprobe.d out: force\n"
		    "# vfio-pci in (rd.driver.pre= loads it before udev) with our files beside it.\n");
	if (plan->dracut_drivers.n) {
		_cleanup_free_ char *mods = sl_join(&plan->dracut_drivers, " ");

		sb_addf(&sb, "force_drivers+=\" %s \"\n", mods);
	}
	if (modprobe_file || override_file)
		sb_addf(&sb, "install_items+=\" %s%s%s \"\n", modprobe_file ? MODPROBE_PATH : "",
			modprobe_file && override_file ? " " : "",
			override_file ? DRIVER_OVERRIDE_PATH : "");
	return sb_steal(&sb);
}

size_t render_plan(const struct plan *plan, struct rendered_file out[RENDERED_MAX])
{
	bool empty = plan_is_empty(plan);
	size_t n = 0, override_at;

	out[n++] = (struct rendered_file){ .path = MODPROBE_PATH,
					   .content = empty ? NULL : render_modprobe(plan),
					   .needs_initramfs = true };
	for (size_t i = 0; i < n_boot_loaders; i++) {
		const struct boot_loader *l = boot_loaders[i];

		if (!l->params_dropin)
			continue;
		out[n++] = (struct rendered_file){
			.path = l->params_dropin,
			.content = empty || !plan->kernel_params || !*plan->kernel_params
					   ? NULL
					   : l->render_params(plan->kernel_params),
			.needs_bootloader = true,
			.params_of = l
		};
	}
	out[n++] = (struct rendered_file){ .path = XORG_SNIPPET_PATH,
					   .content = empty ? NULL : render_xorg(plan) };
	override_at = n;
	out[n++] = (struct rendered_file){ .path = DRIVER_OVERRIDE_PATH,
					   .content = empty ? NULL : render_driver_override(plan),
					   .needs_initramfs = true };
	/* Read by dracut itself when it builds an image: a change needs a rebuild. */
	out[n++] = (struct rendered_file){
		.path = DRACUT_DROPIN_PATH,
		.content = empty ? NULL : render_dracut(plan, out[0].content, out[override_at].content),
		.needs_initramfs = true
	};
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
