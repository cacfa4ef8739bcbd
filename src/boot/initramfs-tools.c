// SPDX-License-Identifier: GPL-2.0-or-later
/* initramfs-tools: mkinitramfs copies /etc/modprobe.d, and this package's hook adds the
 * vfio modules and the address list; update-initramfs rebuilds every kernel's image. */
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "boot-stack.h"
#include "modules.h"
#include "run-tool.h"
#include "util.h"

static char *initramfs_tools_detect(const char *root)
{
	_cleanup_free_ char *tool = tool_find("update-initramfs");

	(void)root; /* the tool runs on the running system; regen.c checked the root */
	if (!tool)
		return xstrdup("update-initramfs is not installed: the initramfs was not rebuilt.");
	return NULL;
}

/* The kernels update-initramfs knows (its get_sorted_versions): an image in /boot beside the
 * kernel itself. Oldest first: the last is the one update-initramfs -u picks
 * (set_highest_version). */
static void image_versions(const char *root, struct strlist *versions)
{
	_cleanup_free_ char *boot = path_join(root, "/boot");
	DIR *d = opendir(boot);
	struct dirent *de;

	while (d && (de = readdir(d))) {
		const char *v = de->d_name + strlen("initrd.img-");
		_cleanup_free_ char *z = NULL, *x = NULL;

		if (strncmp(de->d_name, "initrd.img-", strlen("initrd.img-")) != 0 || !*v)
			continue;
		z = xasprintf("%s/vmlinuz-%s", boot, v);
		x = xasprintf("%s/vmlinux-%s", boot, v);
		if (access(z, F_OK) != 0 && access(x, F_OK) != 0)
			continue;
		sl_add(versions, v);
	}
	if (d)
		closedir(d);
	kernel_versions_sort(versions);
}

/* In a package's maintainer script (dpkg and dpkg-reconfigure set DPKG_MAINTSCRIPT_PACKAGE),
 * the newest kernel's image belongs to initramfs-tools' update-initramfs trigger: a package
 * whose triggers file activates it (this one's releases before 0.2.0) has it pending on every
 * upgrade, and it builds that image once dpkg runs it. There `update-initramfs -u` only
 * activates it (update-initramfs(8)); the other kernels' images are rebuilt here, so that each
 * is built once. */
static int rebuild_in_maintainer_script(const char *tool, const char *root, struct error *err)
{
	char *trigger[] = { "update-initramfs", "-u", NULL };
	struct strlist versions;
	int r = 0;

	sl_init(&versions);
	image_versions(root, &versions);
	/* all but the newest (the last), newer first */
	for (size_t k = versions.n; r == 0 && k > 1; k--) {
		char *argv[] = { "update-initramfs", "-u", "-k", versions.items[k - 2], NULL };

		printf("Running update-initramfs -u -k %s...\n", versions.items[k - 2]);
		r = tool_run(tool, argv, err);
	}
	sl_free(&versions);
	if (r < 0)
		return r;
	printf("Running update-initramfs -u (in a package's maintainer script: the newest "
	       "kernel's image is built by initramfs-tools' trigger, once)...\n");
	return tool_run(tool, trigger, err);
}

static int initramfs_tools_rebuild_all(const char *root, struct error *err)
{
	_cleanup_free_ char *tool = tool_find("update-initramfs");
	const char *maintscript = getenv("DPKG_MAINTSCRIPT_PACKAGE");
	char *argv[] = { "update-initramfs", "-u", "-k", "all", NULL };

	if (!tool)
		return error_set(err, EXIT_FAILURE_RUNTIME, "update-initramfs is not installed");
	if (maintscript && *maintscript)
		return rebuild_in_maintainer_script(tool, root, err);
	printf("Running update-initramfs -u -k all (one initramfs per installed kernel)...\n");
	return tool_run(tool, argv, err);
}

static char *initramfs_tools_rebuild_command(const char *kver)
{
	return xasprintf("`update-initramfs -u -k %s`", kver ? kver : "all");
}

static int initramfs_tools_list_image(const char *image, struct strlist *names)
{
	_cleanup_free_ char *tool = tool_find("lsinitramfs");
	char *argv[] = { "lsinitramfs", (char *)image, NULL };

	return tool ? tool_capture(tool, argv, names) : -1;
}

const struct initramfs_generator initramfs_tools = {
	.name = "initramfs-tools",
	.tool = "update-initramfs",
	.detect = initramfs_tools_detect,
	/* mkinitramfs copies /etc/modprobe.d and runs our hook: no drop-in of its own */
	.rebuild_all = initramfs_tools_rebuild_all,
	.rebuild_command = initramfs_tools_rebuild_command,
	.lister = "lsinitramfs",
	.list_image = initramfs_tools_list_image,
	/* Every image holds our init-top script, configured or not: rebuilt once it is gone. */
	.images_carry_package = true,
	/* No image at all (a container): nothing to rebuild, and -k all would fail. */
	.shell_rebuild = "if ls /boot/initrd.img-* >/dev/null 2>&1; then\n"
			 "\tupdate-initramfs -u -k all >&2\n"
			 "fi\n",
};
