// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * One PCI function's sysfs attributes, each opened by its name relative to the devices
 * directory, opened once, through the entry's link target, read once:
 * "../../../devices/pci0000:00/0000:00:01.0/0000:01:00.0/uevent". libpci opened each by
 * its full path, and resolving root/sys/bus/pci/devices/ADDR from / for every attribute was
 * most of a no-op apply's time on a server; opening each function's directory first cost an
 * open and a close per function more, and "0000:01:00.0/uevent" has the kernel read the link
 * again for every attribute. The target is the link's own: the same file either way.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "pci-sysfs.h"

bool sysfs_all_digits(const char *s, size_t max)
{
	size_t n = 0;

	for (; *s; s++, n++)
		if (*s < '0' || *s > '9' || n >= max)
			return false;
	return n > 0;
}

void sysfs_fn_init(struct sysfs_fn *fn, int devices_dir, const char *addr)
{
	ssize_t n = readlinkat(devices_dir, addr, fn->path, sizeof(fn->path) - 64);

	fn->dir = devices_dir;
	fn->linked = n > 0 && (size_t)n < sizeof(fn->path) - 64;
	if (!fn->linked)
		n = snprintf(fn->path, sizeof(fn->path), "%s", addr);
	fn->path[n] = '/';
	fn->base = (size_t)n + 1;
	fn->path[fn->base] = '\0';
}

/* The attribute's name from the devices directory: "<link target>/attr" (the entry's own
 * name if it is no link). */
static const char *at(struct sysfs_fn *fn, const char *attr)
{
	size_t len = strlen(attr);

	if (fn->base + len >= sizeof(fn->path))
		return attr;
	memcpy(fn->path + fn->base, attr, len + 1);
	return fn->path;
}

ssize_t sysfs_read_value(struct sysfs_fn *fn, const char *name, char *buf, size_t size)
{
	int fd = openat(fn->dir, at(fn, name), O_RDONLY | O_NONBLOCK | O_CLOEXEC);
	ssize_t n;
	int e;

	if (fd < 0)
		return -1;
	n = read(fd, buf, size);
	e = errno;
	close(fd);
	if (n >= (ssize_t)size)
		e = EFBIG;
	if (n < 0 || n >= (ssize_t)size) {
		errno = e;
		return -1;
	}
	buf[n] = '\0';
	return n;
}

/* The value without trailing blanks and newline (up to an embedded NUL). */
static char *strip(char *s)
{
	size_t n = strlen(s);

	while (n && (s[n - 1] == '\n' || s[n - 1] == ' ' || s[n - 1] == '\t' || s[n - 1] == '\r'))
		s[--n] = '\0';
	return s;
}

char *sysfs_read_optional(struct sysfs_fn *fn, const char *name)
{
	char buf[SYSFS_VALUE_MAX];

	if (sysfs_read_value(fn, name, buf, sizeof(buf)) < 0 || !*strip(buf))
		return NULL;
	return xstrdup(buf);
}

void pci_uevent_parse(char *text, struct pci_uevent *out)
{
	static const struct {
		const char *key;
		size_t offset;
	} keys[] = {
		{ "PCI_ID=", offsetof(struct pci_uevent, pci_id) },
		{ "PCI_CLASS=", offsetof(struct pci_uevent, pci_class) },
		{ "MODALIAS=", offsetof(struct pci_uevent, modalias) },
		{ "DRIVER=", offsetof(struct pci_uevent, driver) },
	};

	memset(out, 0, sizeof(*out));
	for (char *line = text; line && *line;) {
		char *eol = strchr(line, '\n');

		if (eol)
			*eol = '\0';
		for (size_t i = 0; i < ARRAY_SIZE(keys); i++) {
			const char **slot = (const char **)((char *)out + keys[i].offset);
			size_t len = strlen(keys[i].key);

			if (!*slot && strncmp(line, keys[i].key, len) == 0)
				*slot = line + len;
		}
		line = eol ? eol + 1 : NULL;
	}
}

/*
 * The last component of a device's driver or iommu_group link: "nouveau", "14". Read here
 * rather than with libpci's PCI_FILL_DRIVER/PCI_FILL_IOMMU_GROUP, which resolve each link
 * with realpath() (a readlink per path component, ~17 per link): on a server that alone
 * made detect slower than lspci -nnk. The kernel's links end in the name itself.
 */
char *sysfs_link_name(struct sysfs_fn *fn, const char *link)
{
	char target[4096];
	const char *name;
	ssize_t n = readlinkat(fn->dir, at(fn, link), target, sizeof(target) - 1);

	if (n <= 0)
		return NULL;
	target[n] = '\0';
	name = strrchr(target, '/');
	name = name ? name + 1 : target;
	return *name ? xstrdup(name) : NULL;
}

bool sysfs_fn_parent(const struct sysfs_fn *fn, struct pci_addr *out)
{
	char target[sizeof(fn->path)], canon[PCI_ADDR_STRLEN];
	char *last, *up;

	if (!fn->linked)
		return false;
	memcpy(target, fn->path, fn->base - 1);
	target[fn->base - 1] = '\0';
	last = strrchr(target, '/');
	if (!last)
		return false;
	*last = '\0';
	up = strrchr(target, '/');
	up = up ? up + 1 : target;
	if (pci_addr_parse(up, out) < 0)
		return false;
	pci_addr_format(out, canon);
	return strcmp(canon, up) == 0;
}

int sysfs_read_boot_vga(struct sysfs_fn *fn)
{
	_cleanup_free_ char *v = sysfs_read_optional(fn, "boot_vga");

	if (!v)
		return -1;
	if (strcmp(v, "1") == 0)
		return 1;
	if (strcmp(v, "0") == 0)
		return 0;
	return -1;
}

bool sysfs_has_child_bus(struct sysfs_fn *fn)
{
	struct stat st;

	return fstatat(fn->dir, at(fn, "pci_bus"), &st, AT_SYMLINK_NOFOLLOW) == 0 &&
	       S_ISDIR(st.st_mode);
}

/* A VF count as the kernel writes it; 0 for anything else (or nothing). */
static int count_of(const char *v)
{
	return v && sysfs_all_digits(v, 5) ? atoi(v) : 0;
}

void sysfs_read_sriov(struct sysfs_fn *fn, struct pci_function *f)
{
	_cleanup_free_ char *total = sysfs_read_optional(fn, "sriov_totalvfs");
	_cleanup_free_ char *pf = NULL;
	char canon[PCI_ADDR_STRLEN];

	/* The kernel shows sriov_totalvfs and sriov_numvfs together, on a PF only; a PF is
	 * never a VF. */
	if (total) {
		_cleanup_free_ char *num = sysfs_read_optional(fn, "sriov_numvfs");

		f->sriov_totalvfs = count_of(total);
		f->sriov_numvfs = count_of(num);
		return;
	}
	pf = sysfs_link_name(fn, "physfn");
	if (!pf || pci_addr_parse(pf, &f->physfn) < 0)
		return;
	pci_addr_format(&f->physfn, canon);
	f->is_vf = strcmp(canon, pf) == 0;
}
