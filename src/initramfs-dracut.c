// SPDX-License-Identifier: GPL-2.0-or-later
/* dracut as the initramfs generator. Debian's dracut builds generic images, which leave
 * /etc/modprobe.d out: render.c's /etc/dracut.conf.d drop-in names the vfio modules and
 * our files, and the dracut module 90vfio-passthrough-setup binds identical cards early.
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
#include "run-tool.h"
#include "util.h"

static bool any_exists_under(const char *root, const char *const paths[], size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (exists_under(root, paths[i]))
			return true;
	return false;
}

bool dracut_is_generator(const char *root)
{
	static const char *const dracut[] = { "/usr/bin/dracut", "/bin/dracut", "/usr/sbin/dracut",
					      "/sbin/dracut" };
	static const char *const update_initramfs[] = { "/usr/sbin/update-initramfs",
							"/sbin/update-initramfs" };

	return any_exists_under(root, dracut, ARRAY_SIZE(dracut)) &&
	       !any_exists_under(root, update_initramfs, ARRAY_SIZE(update_initramfs));
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
	_cleanup_free_ char *image = xasprintf("/boot/initrd.img-%s", kver);

	(void)root;
	sl_add(args, "dracut");
	sl_add(args, "--force");
	sl_add(args, image);
	sl_add(args, kver);
}

static int dracut_rebuild_all(const char *root, struct error *err)
{
	size_t n_kernels;
	/* with_index: the kernels --regenerate-all visits */
	int r = tool_run_per_kernel(root, "dracut", true, dracut_args, &n_kernels, err);

	if (r == 0 && n_kernels == 0)
		printf("No kernel under /lib/modules or /usr/lib/modules: no initramfs to rebuild.\n");
	return r;
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
	.lister = "lsinitrd",
	.detect = dracut_detect,
	.rebuild_all = dracut_rebuild_all,
	.list_image = dracut_list_image,
};
