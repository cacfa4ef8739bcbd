// SPDX-License-Identifier: GPL-2.0-or-later
/* dracut as the initramfs generator. Debian's dracut builds generic images, which leave
 * /etc/modprobe.d out: our /etc/dracut.conf.d drop-in names the vfio modules and our files,
 * and the dracut module 90vfio-passthrough-setup binds identical cards early.
 *
 * In use when root has dracut and no update-initramfs: Debian's dracut and dracut-core
 * (059 to 106) ship /usr/bin/dracut and no update-initramfs, and the dracut package
 * Conflicts initramfs-tools. dracut-core alone may sit beside initramfs-tools (whose
 * update-initramfs then builds the images), hence "and no update-initramfs". */
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "boot-stack.h"
#include "policy.h"
#include "render.h"
#include "run-tool.h"
#include "util.h"

static bool tool_under(const char *root, const char *tool, const char *const dirs[], size_t n)
{
	for (size_t i = 0; i < n; i++) {
		_cleanup_free_ char *path = xasprintf("%s/%s", dirs[i], tool);

		if (exists_under(root, path))
			return true;
	}
	return false;
}

/* Whether dracut builds root's images, decided from root's files, so that rendering under
 * --root matches that system: its tool present and its unless_tool absent, in the
 * directories where Debian installs them. */
static bool dracut_is_generator(const char *root)
{
	static const char *const bin_dirs[] = { "/usr/bin", "/bin", "/usr/sbin", "/sbin" };

	return tool_under(root, initramfs_dracut.tool, bin_dirs, ARRAY_SIZE(bin_dirs)) &&
	       !tool_under(root, initramfs_dracut.unless_tool, bin_dirs, ARRAY_SIZE(bin_dirs));
}

static char *dracut_detect(const char *root)
{
	/* Shown only when no generator is found at all, so: dracut is absent. */
	if (!dracut_is_generator(root))
		return xstrdup("dracut is not installed.");
	return NULL;
}

/* One image per kernel, at the path Debian's /etc/kernel/postinst.d/dracut writes and GRUB
 * and status read (--regenerate-all would choose its own default location), and a failure
 * names the kernel. The first failure stops: the caller restores the files and runs this
 * again for them. */
static void dracut_args(const char *root, const char *kver, struct strlist *args)
{
	_cleanup_free_ char *image = xasprintf(INITRD_IMAGE_FMT, kver);

	(void)root;
	sl_add(args, "dracut");
	sl_add(args, "--force");
	sl_add(args, image);
	sl_add(args, kver);
}

#define DROPIN_PATH "/etc/dracut.conf.d/vfio-passthrough-setup.conf"

/* Forces the plan's modules in (rd.driver.pre= loads vfio-pci before udev) and names our
 * files, which the generic image would leave out. */
static char *dracut_render_dropin(const struct plan *plan, bool modprobe_file, bool override_file)
{
	struct strbuf sb;

	if (!modprobe_file && !override_file && !plan->forced_modules.n)
		return NULL;
	sb_init(&sb);
	sb_add(&sb, GENERATED_HEADER);
	sb_add(&sb,
	       "# Debian's dracut builds generic images, which leave /etc/modprobe.d out: force\n"
	       "# vfio-pci in (rd.driver.pre= loads it before udev) with our files beside it.\n");
	if (plan->forced_modules.n) {
		_cleanup_free_ char *mods = sl_join(&plan->forced_modules, " ");

		sb_addf(&sb, "force_drivers+=\" %s \"\n", mods);
	}
	if (modprobe_file || override_file)
		sb_addf(&sb, "install_items+=\" %s%s%s \"\n", modprobe_file ? MODPROBE_PATH : "",
			modprobe_file && override_file ? " " : "",
			override_file ? DRIVER_OVERRIDE_PATH : "");
	return sb_steal(&sb);
}

static int dracut_rebuild_all(const char *root, struct error *err)
{
	size_t n_kernels;
	/* with_index: the kernels --regenerate-all visits */
	int r = tool_run_per_kernel(root, "dracut", true, dracut_args, &n_kernels, err);

	if (r == 0 && n_kernels == 0)
		printf(
		    "No kernel under /lib/modules or /usr/lib/modules: no initramfs to rebuild.\n");
	return r;
}

/* --regenerate-all would choose its own default location: the path apply writes. */
static char *dracut_rebuild_command(const char *kver)
{
	if (kver)
		return xasprintf("`dracut --force /boot/initrd.img-%s %s`", kver, kver);
	return xstrdup("`dracut --force /boot/initrd.img-KVER KVER` for every kernel");
}

/* lsinitrd prints `cpio -tv` lines after its header: "MODE LINKS USER GROUP SIZE MON DAY
 * TIME|YEAR NAME[ -> TARGET]", device nodes with "MAJOR, MINOR" for SIZE. */
void dracut_names_from_listing(const struct strlist *lines, struct strlist *names)
{
	for (size_t i = 0; i < lines->n; i++) {
		const char *p = lines->items[i];
		int fields = strchr("cb", p[0]) ? 9 : 8;
		char *name, *arrow;

		if (strlen(p) < 10 || !strchr("-dlcbps", p[0]) || !strchr("r-", p[1]))
			continue; /* header, separator or the list of dracut modules */
		for (int f = 0; f < fields && *p; f++) {
			p += strcspn(p, " ");
			p += strspn(p, " ");
		}
		if (!*p)
			continue;
		name = xstrdup(p);
		arrow = lines->items[i][0] == 'l' ? strstr(name, " -> ") : NULL;
		if (arrow)
			*arrow = '\0';
		sl_add(names, name);
		free(name);
	}
}

static int dracut_list_image(const char *image, struct strlist *names)
{
	_cleanup_free_ char *tool = tool_find("lsinitrd");
	char *argv[] = { "lsinitrd", (char *)image, NULL };
	struct strlist lines;
	int r;

	if (!tool)
		return -1;
	sl_init(&lines);
	r = tool_capture(tool, argv, &lines);
	if (r == 0)
		dracut_names_from_listing(&lines, names);
	sl_free(&lines);
	return r;
}

const struct initramfs_generator initramfs_dracut = {
	.name = "dracut",
	.tool = "dracut",
	.detect = dracut_detect,
	.dropin_path = DROPIN_PATH,
	.render_dropin = dracut_render_dropin,
	.forces_modules = true,
	.rebuild_all = dracut_rebuild_all,
	.rebuild_command = dracut_rebuild_command,
	.lister = "lsinitrd",
	.list_image = dracut_list_image,
	/* The init-top script that reads it is initramfs-tools'; the dracut module binds only
	 * the permanent list. */
	.trial_refusal = "a trial's address list is read by the initramfs-tools script only",
	/* 90vfio-passthrough-setup adds itself only where our files are: once remove deleted
	 * them, an image built at once is free of us, before a boot loader copies it. */
	.images_carry_package = false,
	/* Debian's dracut-core may sit beside initramfs-tools, whose update-initramfs then
	 * builds the images. */
	.unless_tool = "update-initramfs",
	.shell_rebuild = "rc=0\n"
			 "for image in /boot/initrd.img-*; do\n"
			 "\t[ -f \"$image\" ] || continue\n"
			 "\tdracut --force \"$image\" \"${image#/boot/initrd.img-}\" >&2 || rc=1\n"
			 "done\n"
			 "return \"$rc\"\n",
};
