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
#include "modules.h"
#include "run-tool.h"
#include "util.h"

static bool exists_under(const char *root, const char *const paths[], size_t n)
{
	for (size_t i = 0; i < n; i++) {
		_cleanup_free_ char *full = path_join(root, paths[i]);

		if (access(full, F_OK) == 0)
			return true;
	}
	return false;
}

bool dracut_is_generator(const char *root)
{
	static const char *const dracut[] = { "/usr/bin/dracut", "/bin/dracut", "/usr/sbin/dracut",
					      "/sbin/dracut" };
	static const char *const update_initramfs[] = { "/usr/sbin/update-initramfs",
							"/sbin/update-initramfs" };

	return exists_under(root, dracut, ARRAY_SIZE(dracut)) &&
	       !exists_under(root, update_initramfs, ARRAY_SIZE(update_initramfs));
}

static char *dracut_detect(const char *root)
{
	/* Shown only when no generator is found at all, so: dracut is absent. */
	if (!dracut_is_generator(root))
		return xstrdup("dracut is not installed.");
	return NULL;
}

/* Every kernel with a module index under root's /lib/modules or /usr/lib/modules, oldest
 * first: the kernels dracut --regenerate-all would visit, on either layout. */
void dracut_installed_kernels(const char *root, struct strlist *out)
{
	static const char *const dirs[] = { "/lib/modules", "/usr/lib/modules" };

	for (size_t i = 0; i < ARRAY_SIZE(dirs); i++) {
		_cleanup_free_ char *dir = path_join(root, dirs[i]);
		DIR *d = opendir(dir);
		struct dirent *e;

		while (d && (e = readdir(d))) {
			_cleanup_free_ char *dep = NULL, *bin = NULL;

			if (e->d_name[0] == '.')
				continue;
			dep = xasprintf("%s/%s/modules.dep", dir, e->d_name);
			bin = xasprintf("%s/%s/modules.dep.bin", dir, e->d_name);
			if (access(dep, F_OK) == 0 || access(bin, F_OK) == 0)
				sl_add_unique(out, e->d_name);
		}
		if (d)
			closedir(d);
	}
	for (size_t i = 1; i < out->n; i++) /* insertion sort: a handful of kernels */
		for (size_t j = i; j > 0 && kernel_version_cmp(out->items[j - 1], out->items[j]) > 0;
		     j--) {
			char *t = out->items[j];

			out->items[j] = out->items[j - 1];
			out->items[j - 1] = t;
		}
}

/* One image per kernel, at the path Debian's /etc/kernel/postinst.d/dracut writes and GRUB
 * and status read (--regenerate-all would choose its own default location), and a failure
 * names the kernel. The first failure stops: the caller restores the files and runs this
 * again for them. */
static int dracut_rebuild_all(const char *root, struct error *err)
{
	_cleanup_free_ char *tool = tool_find("dracut");
	struct strlist kernels;
	int ret = 0;

	if (!tool)
		return error_set(err, EXIT_FAILURE_RUNTIME, "dracut is not installed");
	sl_init(&kernels);
	dracut_installed_kernels(root, &kernels);
	if (kernels.n == 0)
		printf("No kernel under /lib/modules or /usr/lib/modules: no initramfs to rebuild.\n");
	for (size_t i = 0; i < kernels.n && ret == 0; i++) {
		_cleanup_free_ char *image = xasprintf("/boot/initrd.img-%s", kernels.items[i]);
		char *argv[] = { "dracut", "--force", image, kernels.items[i], NULL };

		printf("Running dracut --force %s %s...\n", image, kernels.items[i]);
		ret = tool_run(tool, argv, err);
	}
	sl_free(&kernels);
	return ret;
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
