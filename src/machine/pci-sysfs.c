// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * One PCI function's sysfs attributes, read through its directory, opened once: libpci opened
 * each by its full path, and resolving root/sys/bus/pci/devices/ADDR (a link into the nested
 * /sys/devices) for every attribute was most of a no-op apply's time on a server.
 */
#include <errno.h>
#include <fcntl.h>
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

ssize_t sysfs_read_value(int dir, const char *name, char *buf, size_t size)
{
	int fd = openat(dir, name, O_RDONLY | O_NONBLOCK | O_CLOEXEC);
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

char *sysfs_read_optional(int dir, const char *name)
{
	char buf[SYSFS_VALUE_MAX];

	if (sysfs_read_value(dir, name, buf, sizeof(buf)) < 0 || !*strip(buf))
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
char *sysfs_link_name(int dir, const char *link)
{
	char target[4096];
	const char *name;
	ssize_t n = readlinkat(dir, link, target, sizeof(target) - 1);

	if (n <= 0)
		return NULL;
	target[n] = '\0';
	name = strrchr(target, '/');
	name = name ? name + 1 : target;
	return *name ? xstrdup(name) : NULL;
}

bool sysfs_read_parent(int devices_dir, const char *addr, struct pci_addr *out)
{
	char target[4096], canon[PCI_ADDR_STRLEN];
	ssize_t n = readlinkat(devices_dir, addr, target, sizeof(target) - 1);
	char *last, *up;

	if (n <= 0)
		return false;
	target[n] = '\0';
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

int sysfs_read_boot_vga(int dir)
{
	_cleanup_free_ char *v = sysfs_read_optional(dir, "boot_vga");

	if (!v)
		return -1;
	if (strcmp(v, "1") == 0)
		return 1;
	if (strcmp(v, "0") == 0)
		return 0;
	return -1;
}

bool sysfs_has_child_bus(int dir)
{
	struct stat st;

	return fstatat(dir, "pci_bus", &st, AT_SYMLINK_NOFOLLOW) == 0 && S_ISDIR(st.st_mode);
}

static int read_count(int dir, const char *name)
{
	_cleanup_free_ char *v = sysfs_read_optional(dir, name);

	return v && sysfs_all_digits(v, 5) ? atoi(v) : 0;
}

void sysfs_read_sriov(int dir, struct pci_function *f)
{
	_cleanup_free_ char *pf = NULL;
	char canon[PCI_ADDR_STRLEN];

	f->sriov_totalvfs = read_count(dir, "sriov_totalvfs");
	f->sriov_numvfs = read_count(dir, "sriov_numvfs");
	pf = sysfs_link_name(dir, "physfn");
	if (!pf || pci_addr_parse(pf, &f->physfn) < 0)
		return;
	pci_addr_format(&f->physfn, canon);
	f->is_vf = strcmp(canon, pf) == 0;
}
