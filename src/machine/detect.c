// SPDX-License-Identifier: GPL-2.0-or-later
/* Reading the machine: libpci lists root/sys/bus/pci's functions and names them, their
 * sysfs attributes are read here, then /proc/cpuinfo, /proc/cmdline, /sys/kernel/iommu_groups.
 * Writes nothing. */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <pci/pci.h>

#include "detect.h"
#include "vm-facts.h"

enum cpu_vendor cpuinfo_parse_vendor(const char *text)
{
	static const struct {
		const char *id;
		enum cpu_vendor vendor;
	} vendors[] = {
		{ "GenuineIntel", CPU_INTEL },
		{ "AuthenticAMD", CPU_AMD },
		{ "HygonGenuine", CPU_AMD }, /* AMD's design, AMD-Vi IOMMU */
	};

	for (const char *line = text; line && *line;) {
		const char *eol = strchr(line, '\n');
		size_t len = eol ? (size_t)(eol - line) : strlen(line);

		if (len > 9 && strncmp(line, "vendor_id", 9) == 0) {
			const char *v = line + 9, *end = line + len;
			size_t vlen;

			while (v < end && (*v == ' ' || *v == '\t'))
				v++;
			if (v == end || *v != ':')
				goto next;
			v++;
			while (v < end && (*v == ' ' || *v == '\t'))
				v++;
			while (end > v && (end[-1] == ' ' || end[-1] == '\t' || end[-1] == '\r'))
				end--;
			vlen = (size_t)(end - v);
			for (size_t i = 0; i < ARRAY_SIZE(vendors); i++)
				if (vlen == strlen(vendors[i].id) &&
				    strncmp(v, vendors[i].id, vlen) == 0)
					return vendors[i].vendor;
			/* The first vendor_id line names the CPU; others repeat it. */
			return CPU_UNKNOWN;
		}
	next:
		line = eol ? eol + 1 : NULL;
	}
	return CPU_UNKNOWN;
}

static bool is_dir(const char *path)
{
	struct stat st;

	return stat(path, &st) == 0 && S_ISDIR(st.st_mode);
}

/* Only decimal names count: the kernel names groups 0, 1, 2 ... */
static bool all_digits(const char *s, size_t max)
{
	size_t n = 0;

	for (; *s; s++, n++)
		if (*s < '0' || *s > '9' || n >= max)
			return false;
	return n > 0;
}

static int count_iommu_groups(const char *root)
{
	_cleanup_free_ char *path = path_join(root, "/sys/kernel/iommu_groups");
	DIR *dir = opendir(path);
	struct dirent *e;
	int n = 0;

	if (!dir)
		return 0;
	while ((e = readdir(dir)))
		if (all_digits(e->d_name, 9))
			n++;
	closedir(dir);
	return n;
}

static int parse_group(const char *s)
{
	if (!s || !all_digits(s, 9))
		return -1;
	return atoi(s);
}

/*
 * libpci's error callback must not return (it exits by default): ours jumps back to
 * detect_inventory, so a strange sysfs is reported, not fatal to the caller's process.
 */
static jmp_buf libpci_jump;
static char libpci_msg[512];

static void __attribute__((noreturn, format(printf, 1, 2))) libpci_error(char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(libpci_msg, sizeof(libpci_msg), fmt, ap);
	va_end(ap);
	longjmp(libpci_jump, 1);
}

static void __attribute__((format(printf, 1, 2))) libpci_quiet(char *fmt, ...)
{
	(void)fmt; /* warnings and debug output would only confuse the admin */
}

/*
 * libpci's sysfs scan stops with an error on an entry name it cannot parse, leaking its
 * open directory. Only the kernel's own spelling of an address is let through to it. (A
 * missing or over-long attribute later stops libpci too, but holding nothing:
 * libpci_error's jump and pci_cleanup() handle that.)
 */
static int check_devices(const char *devices, struct error *err)
{
	DIR *dir = opendir(devices);
	struct dirent *e;
	int r = 0;

	if (!dir)
		return error_set(err, EXIT_FAILURE_RUNTIME, "cannot read %s: %s", devices,
				 strerror(errno));
	while ((e = readdir(dir))) {
		struct pci_addr a;
		char canon[PCI_ADDR_STRLEN];

		if (e->d_name[0] == '.')
			continue;
		if (pci_addr_parse(e->d_name, &a) == 0)
			pci_addr_format(&a, canon);
		if (pci_addr_parse(e->d_name, &a) < 0 || strcmp(canon, e->d_name) != 0) {
			r = error_set(err, EXIT_FAILURE_RUNTIME, "%s/%s: not a PCI device address",
				      devices, e->d_name);
			break;
		}
	}
	closedir(dir);
	return r;
}

/*
 * A libpci handle whose names come from pci.ids only, the same on every machine the tests
 * run on: neither udev's hwdb nor the name cache that `lspci -q` fills from the network
 * ($XDG_CACHE_HOME/pci-ids, a file outside --root). Looking for that cache also makes
 * libpci allocate the file's name, which pci_cleanup() never frees: since pciutils 3.11
 * (commit f022f46, still so in 3.14), lib/names-cache.c's get_cache_name() keeps it in
 * a->id_cache_name and pci_id_cache_flush() returns before freeing it unless the cache was
 * written. LeakSanitizer reported those 21 bytes on Debian 13 (libpci 3.13).
 */
static struct pci_access *new_access(void)
{
	struct pci_access *acc = pci_alloc();

	acc->error = libpci_error;
	acc->warning = libpci_quiet;
	acc->debug = libpci_quiet;
	pci_set_param(acc, "hwdb.disable", "1");
	acc->id_lookup_mode &= ~PCI_LOOKUP_CACHE;
	return acc;
}

static char *lookup(struct pci_access *acc, int flags, int arg1, int arg2)
{
	char buf[512];
	char *name = pci_lookup_name(acc, buf, sizeof(buf), flags, arg1, arg2);

	return name ? xstrdup(name) : NULL;
}

/* A name from pci.ids alone: no bus scan, no pci_init(). A missing pci.ids makes libpci
 * give the number, which the caller then prints itself. */
static char *ids_name(int flags, int arg1, int arg2)
{
	struct pci_access *acc = new_access();
	char *name;

	if (setjmp(libpci_jump)) {
		pci_cleanup(acc);
		return NULL;
	}
	name = lookup(acc, flags | PCI_LOOKUP_NO_NUMBERS, arg1, arg2);
	pci_cleanup(acc);
	return name;
}

char *detect_class_name(uint16_t class_id)
{
	return ids_name(PCI_LOOKUP_CLASS, class_id, 0);
}

char *detect_vendor_name(uint16_t vendor)
{
	return ids_name(PCI_LOOKUP_VENDOR, vendor, 0);
}

char *detect_device_name(uint16_t vendor, uint16_t device)
{
	return ids_name(PCI_LOOKUP_DEVICE, vendor, device);
}

/*
 * One function's sysfs attributes, read through its directory, opened once: libpci opened
 * each by its full path, and resolving root/sys/bus/pci/devices/ADDR (a link into the
 * nested /sys/devices) for every attribute was most of a no-op apply's time on a server.
 * Each value is read as libpci reads it: one read, at most SYSFS_VALUE_MAX - 1 bytes.
 */
#define SYSFS_VALUE_MAX 1024 /* libpci's OBJBUFSIZE */

/* The value's length, or -1 with errno (EFBIG: too long). O_NONBLOCK: a FIFO never waits. */
static ssize_t read_value(int dir, const char *name, char buf[SYSFS_VALUE_MAX])
{
	int fd = openat(dir, name, O_RDONLY | O_NONBLOCK | O_CLOEXEC);
	ssize_t n;
	int e;

	if (fd < 0)
		return -1;
	n = read(fd, buf, SYSFS_VALUE_MAX);
	e = errno;
	close(fd);
	if (n >= SYSFS_VALUE_MAX)
		e = EFBIG;
	if (n < 0 || n >= SYSFS_VALUE_MAX) {
		errno = e;
		return -1;
	}
	buf[n] = '\0';
	return n;
}

/* vendor, device and class: without them there is no function, so detection stops. */
static int read_mandatory(int dir, const char *devices, const char *addr, const char *name,
			  char buf[SYSFS_VALUE_MAX], struct error *err)
{
	if (read_value(dir, name, buf) >= 0)
		return 0;
	if (errno == EFBIG)
		return error_set(err, EXIT_FAILURE_RUNTIME,
				 "%s/%s/%s: value too long (%d bytes or more)", devices, addr, name,
				 SYSFS_VALUE_MAX);
	return error_set(err, EXIT_FAILURE_RUNTIME, "cannot read %s/%s/%s: %s", devices, addr, name,
			 strerror(errno));
}

/* The value without trailing blanks and newline (up to an embedded NUL). */
static char *strip(char *s)
{
	size_t n = strlen(s);

	while (n && (s[n - 1] == '\n' || s[n - 1] == ' ' || s[n - 1] == '\t' || s[n - 1] == '\r'))
		s[--n] = '\0';
	return s;
}

/* An optional attribute, stripped; NULL if absent, unreadable, too long or empty. */
static char *read_optional(int dir, const char *name)
{
	char buf[SYSFS_VALUE_MAX];

	if (read_value(dir, name, buf) < 0 || !*strip(buf))
		return NULL;
	return xstrdup(buf);
}

/*
 * The last component of a device's driver or iommu_group link: "nouveau", "14". Read here
 * rather than with libpci's PCI_FILL_DRIVER/PCI_FILL_IOMMU_GROUP, which resolve each link
 * with realpath() (a readlink per path component, ~17 per link): on a server that alone
 * made detect slower than lspci -nnk. The kernel's links end in the name itself.
 */
static char *link_name(int dir, const char *link)
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

/*
 * The bridge above a device: its directory's parent in /sys/devices, where the kernel nests
 * every device below the bridge it sits behind (.../0000:00:01.0/0000:01:00.0/...). The
 * bus/pci/devices entry links there; a device on a root bus has "pci0000:00" above it.
 */
static bool read_parent(int devices_dir, const char *addr, struct pci_addr *out)
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

static int read_boot_vga(int dir)
{
	_cleanup_free_ char *v = read_optional(dir, "boot_vga");

	if (!v)
		return -1;
	if (strcmp(v, "1") == 0)
		return 1;
	if (strcmp(v, "0") == 0)
		return 0;
	return -1;
}

/* The header type's byte of config space, as libpci's pci_read_byte gives it: 0xff if it
 * cannot be read. */
static int read_header_type(int dir)
{
	unsigned char byte = 0xff;
	int fd = openat(dir, "config", O_RDONLY | O_NONBLOCK | O_CLOEXEC);

	if (fd < 0)
		return 0xff;
	if (pread(fd, &byte, 1, PCI_HEADER_TYPE) != 1)
		byte = 0xff;
	close(fd);
	return byte;
}

static int read_count(int dir, const char *name)
{
	_cleanup_free_ char *v = read_optional(dir, name);

	return v && all_digits(v, 5) ? atoi(v) : 0;
}

/*
 * SR-IOV as sysfs shows it (Documentation/PCI/pci-iov-howto.rst): a physical function has
 * sriov_totalvfs and sriov_numvfs; each virtual function has a physfn link to its PF
 * ("../0000:4d:00.0"), the PF a virtfnN link to each VF.
 */
static void read_sriov(int dir, struct pci_function *f)
{
	_cleanup_free_ char *pf = NULL;
	char canon[PCI_ADDR_STRLEN];

	f->sriov_totalvfs = read_count(dir, "sriov_totalvfs");
	f->sriov_numvfs = read_count(dir, "sriov_numvfs");
	pf = link_name(dir, "physfn");
	if (!pf || pci_addr_parse(pf, &f->physfn) < 0)
		return;
	pci_addr_format(&f->physfn, canon);
	f->is_vf = strcmp(canon, pf) == 0;
}

/*
 * The kernel writes vendor and device as "0x%04x". libpci converted them with strtol, so a
 * garbled "hello" became 0000 and an overlong id lost its top digits, and apply wrote that
 * id. A function whose ids are not exactly that is reported and left out.
 */
static bool id_readable(struct inventory *inv, const char *addr, const char *attr, char *v,
			uint16_t *id)
{
	_cleanup_free_ char *msg = NULL;
	char shown[40];
	size_t n = 0;

	strip(v);
	if (strlen(v) == 6 && v[0] == '0' && v[1] == 'x' &&
	    strspn(v + 2, "0123456789abcdefABCDEF") == 4) {
		*id = (uint16_t)strtoul(v + 2, NULL, 16);
		return true;
	}
	for (const char *c = v; *c && n + 4 < sizeof(shown); c++)
		shown[n++] = (unsigned char)*c < 0x20 || *c == 0x7f ? '?' : *c;
	if (strlen(v) > n)
		shown[n++] = '.', shown[n++] = '.', shown[n++] = '.';
	shown[n] = '\0';
	msg = xasprintf("%s: its %s \"%s\" in sysfs is not a PCI id (0x and four hex digits): the "
			"device is left out",
			addr, attr, shown);
	sl_add(&inv->warnings, msg);
	return false;
}

/* libpci's address of a device, as ours. */
static struct pci_addr dev_addr(const struct pci_dev *d)
{
	return (struct pci_addr){ .domain = (uint32_t)d->domain,
				  .bus = d->bus,
				  .slot = d->dev & 0x1f,
				  .func = d->func & 7 };
}

static int add_function(struct inventory *inv, struct pci_access *acc, struct pci_dev *d,
			const char *devices, int devices_dir, unsigned flags, struct error *err)
{
	char vendor[SYSFS_VALUE_MAX], device[SYSFS_VALUE_MAX], class[SYSFS_VALUE_MAX];
	char addr[PCI_ADDR_STRLEN];
	_cleanup_free_ char *group = NULL;
	struct pci_function *f;
	struct pci_addr a = dev_addr(d);
	uint16_t vendor_id, device_id;
	int dir, hdr, class_value;

	pci_addr_format(&a, addr);
	dir = openat(devices_dir, addr, O_PATH | O_DIRECTORY | O_CLOEXEC);
	if (dir < 0)
		return error_set(err, EXIT_FAILURE_RUNTIME, "cannot read %s/%s: %s", devices, addr,
				 strerror(errno));
	/* All three first, as libpci read them: a missing or overlong one stops detection
	 * even where an id is junk. */
	if (read_mandatory(dir, devices, addr, "vendor", vendor, err) < 0 ||
	    read_mandatory(dir, devices, addr, "device", device, err) < 0 ||
	    read_mandatory(dir, devices, addr, "class", class, err) < 0) {
		close(dir);
		return -1;
	}
	if (!id_readable(inv, addr, "vendor", vendor, &vendor_id) ||
	    !id_readable(inv, addr, "device", device, &device_id)) {
		close(dir);
		return 0;
	}
	class_value = (int)strtol(class, NULL, 0); /* junk is 0, as for libpci */
	inv->functions = xrealloc(inv->functions, (inv->n_functions + 1) * sizeof(*inv->functions));
	f = &inv->functions[inv->n_functions++];
	memset(f, 0, sizeof(*f));
	sl_init(&f->modules);
	f->addr = a;
	f->vendor = vendor_id;
	f->device = device_id;
	f->class_id = (uint16_t)(class_value >> 8);
	f->prog_if = (uint8_t)(class_value & 0xff);
	/* An NVSwitch lists as class 0680 ("other bridge") but is an endpoint vfio-pci binds. */
	f->is_bridge = (f->class_id >> 8) == PCI_BASE_CLASS_BRIDGE &&
		       !pci_function_is_nvswitch(f->vendor, f->device);
	if (!f->is_bridge) {
		hdr = read_header_type(dir) & 0x7f;
		f->is_bridge = hdr == PCI_HEADER_TYPE_BRIDGE || hdr == PCI_HEADER_TYPE_CARDBUS;
	}
	f->driver = link_name(dir, "driver");
	group = link_name(dir, "iommu_group");
	f->iommu_group = parse_group(group);
	/* The kernel shows boot_vga on VGA-class functions only. */
	f->boot_vga = (f->class_id >> 8) == PCI_BASE_CLASS_DISPLAY ? read_boot_vga(dir) : -1;
	f->has_parent = read_parent(devices_dir, addr, &f->parent);
	/* SR-IOV only where a GPU's virtual functions can be: display and processing
	 * accelerator functions (a VF is never a card); a NIC's VFs cost no reads. */
	if ((f->class_id >> 8) == PCI_BASE_CLASS_DISPLAY || (f->class_id >> 8) == 0x12)
		read_sriov(dir, f);
	close(dir); /* before libpci's lookups, whose errors jump out of here */
	if (!(flags & DETECT_NO_NAMES)) {
		f->name = lookup(acc, PCI_LOOKUP_VENDOR | PCI_LOOKUP_DEVICE, vendor_id, device_id);
		f->class_name = lookup(acc, PCI_LOOKUP_CLASS, f->class_id, 0);
	}
	return 0;
}

/*
 * The resets the kernel can do (Documentation/ABI/testing/sysfs-bus-pci, reset_method:
 * Linux 5.15 and later). Older kernels have no such file: then whether the function
 * advertises FLR, from its PCI Express capability (DevCap bit 28, FLReset), read by libpci.
 */
static void read_reset(struct pci_dev *d, int dir, struct pci_function *f)
{
	struct pci_cap *cap;

	f->reset_method = read_optional(dir, "reset_method");
	f->flr = -1;
	if (f->reset_method)
		return;
	if (!(pci_read_word(d, PCI_STATUS) & PCI_STATUS_CAP_LIST))
		return;
	pci_fill_info(d, PCI_FILL_CAPS);
	cap = pci_find_cap(d, PCI_CAP_ID_EXP, PCI_CAP_NORMAL);
	if (cap)
		f->flr =
		    (pci_read_long(d, cap->addr + PCI_EXP_DEVCAP) & PCI_EXP_DEVCAP_FLRESET) != 0;
}

/* The card functions' own details: their modalias (its one use is looking up their kernel
 * modules) and their resets. Read for the cards only: for a server's every NIC and disk
 * they cost a file or a config-space read each. */
/* The function at a if it belongs to a card, else NULL. */
static struct pci_function *card_function(struct inventory *inv, const struct pci_addr *a)
{
	for (size_t c = 0; c < inv->n_cards; c++)
		for (size_t k = 0; k < inv->cards[c].n_functions; k++) {
			struct pci_function *f = &inv->functions[inv->cards[c].functions[k]];

			if (pci_addr_cmp(&f->addr, a) == 0)
				return f;
		}
	return NULL;
}

static void read_card_details(struct inventory *inv, struct pci_access *acc, int devices_dir,
			      unsigned flags)
{
	for (struct pci_dev *d = acc->devices; d; d = d->next) {
		struct pci_addr a = dev_addr(d);
		struct pci_function *f = card_function(inv, &a);
		char addr[PCI_ADDR_STRLEN];
		int dir;

		if (!f)
			continue;
		pci_addr_format(&a, addr);
		dir = openat(devices_dir, addr, O_PATH | O_DIRECTORY | O_CLOEXEC);
		if (dir < 0)
			continue;
		f->modalias = read_optional(dir, "modalias");
		if (flags & DETECT_NO_RESET)
			f->flr = -1;
		else
			read_reset(d, dir, f);
		close(dir);
		if (!(flags & DETECT_NO_VM))
			vm_facts_read_bars(d, f);
	}
}

static int scan_pci(const char *root, unsigned flags, struct inventory *inv, struct error *err)
{
	_cleanup_free_ char *sysfs = path_join(root, "/sys/bus/pci");
	_cleanup_free_ char *devices = xasprintf("%s/devices", sysfs);
	struct pci_access *acc;
	int devices_dir, r = 0;

	if (!is_dir(devices)) {
		inv->have_pci = false; /* a chroot or container: reported, not an error */
		return 0;
	}
	inv->have_pci = true;
	if (check_devices(devices, err) < 0)
		return -1;

	devices_dir = open(devices, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (devices_dir < 0)
		return error_set(err, EXIT_FAILURE_RUNTIME, "cannot read %s: %s", devices,
				 strerror(errno));
	/* libpci lists the functions and names them; the attributes are read here. */
	acc = new_access();
	acc->method = PCI_ACCESS_SYS_BUS_PCI;
	pci_set_param(acc, "sysfs.path", sysfs);
	if (setjmp(libpci_jump)) {
		pci_cleanup(acc);
		close(devices_dir);
		return error_set(err, EXIT_FAILURE_RUNTIME, "libpci: %s", libpci_msg);
	}
	pci_init(acc);
	pci_scan_bus(acc);
	for (struct pci_dev *d = acc->devices; d && r == 0; d = d->next)
		r = add_function(inv, acc, d, devices, devices_dir, flags, err);
	if (r == 0) {
		inventory_build_cards(inv);
		read_card_details(inv, acc, devices_dir, flags);
	}
	pci_cleanup(acc);
	close(devices_dir);
	return r;
}

int detect_inventory(const char *root, struct inventory *inv, struct error *err)
{
	return detect_inventory_flags(root, 0, inv, err);
}

int detect_inventory_flags(const char *root, unsigned flags, struct inventory *inv,
			   struct error *err)
{
	_cleanup_free_ char *cpuinfo_path = path_join(root, "/proc/cpuinfo");
	_cleanup_free_ char *cmdline_path = path_join(root, "/proc/cmdline");
	_cleanup_free_ char *cpuinfo = NULL;

	memset(inv, 0, sizeof(*inv));
	sl_init(&inv->kernels);
	inv->host_card = -1;
	inv->vfio_pci = VFIO_UNKNOWN;

	/* The IOMMU kernel parameter depends on the vendor: say when it is not known. */
	cpuinfo = read_file(cpuinfo_path, 16 << 20, NULL);
	inv->cpu = cpuinfo ? cpuinfo_parse_vendor(cpuinfo) : CPU_UNKNOWN;
	if (!cpuinfo)
		sl_add(&inv->warnings, "cannot read /proc/cpuinfo: the CPU vendor, and with it the "
				       "IOMMU kernel parameter, is unknown");
	else if (inv->cpu == CPU_UNKNOWN)
		sl_add(&inv->warnings, "/proc/cpuinfo names neither an Intel nor an AMD CPU: the "
				       "IOMMU kernel parameter is unknown");
	inv->cmdline = read_attr(cmdline_path);
	inv->iommu_groups = count_iommu_groups(root);
	if (!(flags & DETECT_NO_VM))
		vm_facts_read_irq_remap(root, &inv->irq_remap);
	if (scan_pci(root, flags, inv, err) < 0) {
		inventory_free(inv);
		return -1;
	}
	return 0;
}
