// SPDX-License-Identifier: GPL-2.0-or-later
/* dracut backend: when it counts as the generator, which kernels it rebuilds, and the file
 * names read from lsinitrd's listing. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "boot-stack.h"
#include "modules.h"
#include "unit.h"
#include "util.h"

static char base[] = "/var/tmp/test-initramfs-dracut.XXXXXX";

static void touch(const char *rel)
{
	char *cmd = xasprintf("mkdir -p \"$(dirname %s%s)\" && : >%s%s", base, rel, base, rel);

	CHECK(system(cmd) == 0);
	free(cmd);
}

static bool dracut_is_generator(const char *root)
{
	return initramfs_generator_detect(root) == &initramfs_dracut;
}

static void test_detect(void)
{
	CHECK(!dracut_is_generator(base)); /* neither */
	touch("/usr/sbin/update-initramfs");
	CHECK(!dracut_is_generator(base)); /* initramfs-tools alone */
	touch("/usr/bin/dracut");
	CHECK(!dracut_is_generator(base)); /* dracut-core beside initramfs-tools */
	{
		char *p = xasprintf("%s/usr/sbin/update-initramfs", base);

		unlink(p);
		free(p);
	}
	CHECK(dracut_is_generator(base)); /* dracut, which Conflicts initramfs-tools */
	/* Chosen once per run: a generator installed meanwhile changes nothing until the next
	 * run, so that what was rendered and what is rebuilt agree. */
	CHECK(initramfs_generator_in_use(base) == &initramfs_dracut);
	touch("/usr/sbin/update-initramfs");
	CHECK(!dracut_is_generator(base));
	CHECK(initramfs_generator_in_use(base) == &initramfs_dracut);
	{
		char *p = xasprintf("%s/usr/sbin/update-initramfs", base);

		unlink(p);
		free(p);
	}
}

static void test_kernels(void)
{
	struct strlist k;
	char *s;

	static const char *const indexed[] = {
		"/lib/modules/6.1.0-50-amd64",
		"/usr/lib/modules/6.12.117+deb13-amd64",
		"/usr/lib/modules/6.1.0-50-amd64", /* usrmerge: the same kernel */
		"/lib/modules/6.9.0-1-amd64",
	};

	for (size_t i = 0; i < sizeof(indexed) / sizeof(indexed[0]); i++) {
		char *dep = xasprintf("%s/modules.dep.bin", indexed[i]);
		char *alias = xasprintf("%s/modules.alias.bin", indexed[i]);

		touch(dep);
		touch(alias);
		free(dep);
		free(alias);
	}
	touch("/lib/modules/5.10.0-gone/modules.builtin"); /* left behind, no index */
	sl_init(&k);
	installed_kernels(base, true, &k);
	s = sl_join(&k, " ");
	CHECK_STR(s, "6.1.0-50-amd64 6.9.0-1-amd64 6.12.117+deb13-amd64");
	free(s);
	sl_free(&k);
}

static void test_listing(void)
{
	/* The shape of lsinitrd's output (header, dracut modules, cpio -tv lines). */
	static const char *const out[] = {
		"Image: /boot/initrd.img-6.12.117+deb13-amd64: 14M",
		"========================================================================",
		"Version: dracut-106-6",
		"",
		"dracut modules:",
		"kernel-modules",
		"vfio-passthrough-setup",
		"========================================================================",
		"crw-r--r--   1 root     root       5,   1 Apr 11  2025 dev/console",
		"drwxr-xr-x   3 root     root            0 Nov 29 08:40 etc",
		"-rw-r--r--   1 root     root          219 Nov 29 08:40 etc/modprobe.d/vfio-passthrough-setup.conf",
		"lrwxrwxrwx   1 root     root            7 Nov 29 08:40 lib -> usr/lib",
		"-rw-r--r--   1 root     root        39012 Nov 29 08:40 usr/lib/modules/6.12.117+deb13-amd64/kernel/drivers/vfio/pci/vfio-pci.ko.xz",
		"-rw-r--r--   1 root     root           10 Nov 29 08:40 etc/a name with spaces",
		"========================================================================",
	};
	struct strlist lines, names;
	char *s;

	sl_init(&lines);
	sl_init(&names);
	for (size_t i = 0; i < ARRAY_SIZE(out); i++)
		sl_add(&lines, out[i]);
	dracut_names_from_listing(&lines, &names);
	s = sl_join(&names, "|");
	CHECK_STR(s, "dev/console|etc|etc/modprobe.d/vfio-passthrough-setup.conf|lib|"
		     "usr/lib/modules/6.12.117+deb13-amd64/kernel/drivers/vfio/pci/vfio-pci.ko.xz|"
		     "etc/a name with spaces");
	free(s);
	sl_free(&lines);
	sl_free(&names);
}

int main(void)
{
	char *cmd;

	if (!mkdtemp(base))
		return 1;
	test_detect();
	test_kernels();
	test_listing();
	cmd = xasprintf("rm -rf %s", base);
	CHECK(system(cmd) == 0);
	free(cmd);
	return unit_done("initramfs-dracut");
}
