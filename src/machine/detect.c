// SPDX-License-Identifier: GPL-2.0-or-later
/* Reading the machine: libpci lists root/sys/bus/pci's functions and names them, their
 * sysfs attributes are read through pci-sysfs.h, then /proc/cpuinfo, /proc/cmdline,
 * /sys/kernel/iommu_groups. Writes nothing. */
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
#include "pci-sysfs.h"
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

static int count_iommu_groups(const char *root)
{
	_cleanup_free_ char *path = path_join(root, "/sys/kernel/iommu_groups");
	DIR *dir = opendir(path);
	struct dirent *e;
	int n = 0;

	if (!dir)
		return 0;
	while ((e = readdir(dir)))
		if (sysfs_all_digits(e->d_name, 9)) /* groups are 0, 1, 2 ... */
			n++;
	closedir(dir);
	return n;
}

static int parse_group(const char *s)
{
	if (!s || !sysfs_all_digits(s, 9))
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
 * The kernel writes PCI_ID as "%04X:%04X". libpci converted the vendor and device
 * attributes with strtol, so a garbled "hello" became 0000 and an overlong id lost its top
 * digits, and apply wrote that id. A function whose PCI_ID is not exactly that is reported
 * and left out.
 */
static bool ids_readable(struct inventory *inv, const char *addr, const char *v, uint16_t *vendor,
			 uint16_t *device)
{
	_cleanup_free_ char *shown = NULL, *msg = NULL;

	if (pci_id_parse_any_case(v, vendor, device) == 0)
		return true;
	shown = strlen(v) > 32 ? xasprintf("%.32s...", v) : xstrdup(v);
	for (char *c = shown; *c; c++)
		if ((unsigned char)*c < 0x20 || *c == 0x7f)
			*c = '?';
	msg = xasprintf("%s: its uevent's PCI_ID \"%s\" in sysfs is not a PCI id (vendor:device, "
			"four hex digits each): the device is left out",
			addr, shown);
	sl_add(&inv->warnings, msg);
	return false;
}

/* The uevent's fields, read in one go (pci-sysfs.h); a missing or overlong uevent, or one
 * without PCI_ID or PCI_CLASS, stops detection as a missing vendor or class stopped libpci. */
static int read_uevent(struct sysfs_fn *fn, const char *devices, const char *addr, char *buf,
		       struct pci_uevent *ue, struct error *err)
{
	if (sysfs_read_value(fn, "uevent", buf, SYSFS_UEVENT_MAX) < 0) {
		if (errno == EFBIG)
			return error_set(err, EXIT_FAILURE_RUNTIME,
					 "%s/%s/uevent: too long (%d bytes or more)", devices, addr,
					 SYSFS_UEVENT_MAX);
		return error_set(err, EXIT_FAILURE_RUNTIME, "cannot read %s/%s/uevent: %s", devices,
				 addr, strerror(errno));
	}
	pci_uevent_parse(buf, ue);
	if (!ue->pci_id || !ue->pci_class)
		return error_set(err, EXIT_FAILURE_RUNTIME, "%s/%s/uevent: no %s", devices, addr,
				 ue->pci_id ? "PCI_CLASS" : "PCI_ID");
	return 0;
}

/* libpci's address of a device, as ours. */
static struct pci_addr dev_addr(const struct pci_dev *d)
{
	return (struct pci_addr){ .domain = (uint32_t)d->domain,
				  .bus = d->bus,
				  .slot = d->dev & 0x1f,
				  .func = d->func & 7 };
}

/* With buses_listed, the caller tells the other classes' bridges (bridges_from_buses). */
static int add_function(struct inventory *inv, struct pci_access *acc, struct pci_dev *d,
			const char *devices, int devices_dir, bool buses_listed, unsigned flags,
			struct error *err)
{
	char uevent[SYSFS_UEVENT_MAX];
	char addr[PCI_ADDR_STRLEN];
	_cleanup_free_ char *group = NULL;
	struct pci_function *f;
	struct pci_addr a = dev_addr(d);
	struct pci_uevent ue;
	struct sysfs_fn fn;
	uint16_t vendor_id, device_id;
	int class_value;

	pci_addr_format(&a, addr);
	sysfs_fn_init(&fn, devices_dir, addr);
	if (read_uevent(&fn, devices, addr, uevent, &ue, err) < 0)
		return -1;
	if (!ids_readable(inv, addr, ue.pci_id, &vendor_id, &device_id))
		return 0;
	class_value = (int)strtol(ue.pci_class, NULL, 16); /* junk is 0, as for libpci */
	f = &inv->functions[inv->n_functions++];	   /* scan_pci made room for every device */
	memset(f, 0, sizeof(*f));
	sl_init(&f->modules);
	f->addr = a;
	f->vendor = vendor_id;
	f->device = device_id;
	f->class_id = (uint16_t)(class_value >> 8);
	f->prog_if = (uint8_t)(class_value & 0xff);
	/* Its one use is looking up the card functions' kernel modules (modules.c). */
	f->modalias = ue.modalias && *ue.modalias ? xstrdup(ue.modalias) : NULL;
	/* An NVSwitch lists as class 0680 ("other bridge") but is an endpoint vfio-pci binds. */
	f->is_bridge = (f->class_id >> 8) == PCI_BASE_CLASS_BRIDGE &&
		       !pci_function_is_nvswitch(f->vendor, f->device);
	/* Any other class: whether its header is a bridge's all the same. */
	if (!f->is_bridge && !buses_listed)
		f->is_bridge = sysfs_has_child_bus(&fn);
	f->driver = ue.driver && *ue.driver ? xstrdup(ue.driver) : NULL;
	group = sysfs_link_name(&fn, "iommu_group");
	f->iommu_group = parse_group(group);
	/* The kernel shows boot_vga on VGA-class functions only (0300: pci_dev_attrs_are_visible),
	 * not on a 3D controller. */
	f->boot_vga = f->class_id == PCI_CLASS_DISPLAY_VGA ? sysfs_read_boot_vga(&fn) : -1;
	f->has_parent = sysfs_fn_parent(&fn, &f->parent);
	/* SR-IOV only where a GPU's virtual functions can be: display and processing
	 * accelerator functions (a VF is never a card); a NIC's VFs cost no reads. */
	if ((f->class_id >> 8) == PCI_BASE_CLASS_DISPLAY || (f->class_id >> 8) == 0x12)
		sysfs_read_sriov(&fn, f);
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
static void read_reset(struct pci_dev *d, struct sysfs_fn *fn, struct pci_function *f)
{
	struct pci_cap *cap;

	f->reset_method = sysfs_read_optional(fn, "reset_method");
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

/* The card functions' resets, which only detect and status report (apply passes
 * DETECT_NO_RESET and reads nothing here). Read for the cards only: for a server's every
 * NIC and disk they cost a file or a config-space read each. Reads that only detect and
 * status need belong here, not in add_function(), which every no-op apply runs. */
static void read_card_resets(struct inventory *inv, struct pci_access *acc, int devices_dir,
			     unsigned flags)
{
	for (struct pci_dev *d = acc->devices; d; d = d->next) {
		struct pci_addr a = dev_addr(d);
		struct pci_function *f = card_function(inv, &a);
		char addr[PCI_ADDR_STRLEN];
		struct sysfs_fn fn;

		if (!f)
			continue;
		f->flr = -1;
		if (flags & DETECT_NO_RESET)
			continue;
		pci_addr_format(&a, addr);
		sysfs_fn_init(&fn, devices_dir, addr);
		read_reset(d, &fn, f);
		if (!(flags & DETECT_NO_VM))
			vm_facts_read_bars(d, f);
	}
}

/*
 * The functions of another class than bridge whose header is a bridge's all the same, for
 * all of them at once: a bridge header gets a child bus, and the kernel lists every bus in
 * /sys/class/pci_bus ("0000:02", a link to .../0000:00:1c.0/pci_bus/0000:02). A bus with
 * functions on it belongs to their parent, the directory they nest in; only a bus with none
 * is read, its link naming its bridge. One directory read where a lookup per function was.
 */
static void bridges_from_buses(struct inventory *inv, int buses_dir)
{
	DIR *dir = fdopendir(buses_dir);
	struct dirent *e;

	if (!dir) {
		close(buses_dir);
		return;
	}
	for (size_t i = 0; i < inv->n_functions; i++) {
		const struct pci_function *up = inv->functions[i].has_parent
						    ? inventory_find(inv, &inv->functions[i].parent)
						    : NULL;

		if (up)
			inv->functions[up - inv->functions].is_bridge = true;
	}
	while ((e = readdir(dir))) {
		char target[4096], *cut;
		unsigned dom, bus;
		bool used = false;
		struct pci_addr a;
		const struct pci_function *f;
		ssize_t n;
		char end;

		if (sscanf(e->d_name, "%x:%x%c", &dom, &bus, &end) != 2)
			continue;
		for (size_t i = 0; i < inv->n_functions && !used; i++)
			used = inv->functions[i].addr.domain == dom &&
			       inv->functions[i].addr.bus == bus;
		n = used ? -1 : readlinkat(dirfd(dir), e->d_name, target, sizeof(target) - 1);
		if (n <= 0)
			continue;
		/* ".../0000:00:1c.0/pci_bus/0000:02": the bridge is 0000:00:1c.0 */
		target[n] = '\0';
		for (int k = 0; k < 2 && (cut = strrchr(target, '/')); k++)
			*cut = '\0';
		cut = strrchr(target, '/');
		if (pci_addr_parse(cut ? cut + 1 : target, &a) == 0 &&
		    (f = inventory_find(inv, &a)))
			inv->functions[f - inv->functions].is_bridge = true;
	}
	closedir(dir);
}

static int scan_pci(const char *root, unsigned flags, struct inventory *inv, struct error *err)
{
	_cleanup_free_ char *sysfs = path_join(root, "/sys/bus/pci");
	_cleanup_free_ char *devices = xasprintf("%s/devices", sysfs);
	_cleanup_free_ char *buses = path_join(root, "/sys/class/pci_bus");
	struct pci_access *acc;
	int devices_dir, buses_dir, r = 0;
	size_t n = 0;

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
	/* Without the bus list (no such directory in a tree made by hand), each function's
	 * pci_bus/ is looked up instead. */
	buses_dir = open(buses, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	/* libpci lists the functions and names them; the attributes are read here. */
	acc = new_access();
	acc->method = PCI_ACCESS_SYS_BUS_PCI;
	pci_set_param(acc, "sysfs.path", sysfs);
	if (setjmp(libpci_jump)) {
		pci_cleanup(acc);
		close(devices_dir);
		if (buses_dir >= 0)
			close(buses_dir);
		return error_set(err, EXIT_FAILURE_RUNTIME, "libpci: %s", libpci_msg);
	}
	pci_init(acc);
	pci_scan_bus(acc);
	for (struct pci_dev *d = acc->devices; d; d = d->next)
		n++;
	inv->functions = xcalloc(n ? n : 1, sizeof(*inv->functions));
	for (struct pci_dev *d = acc->devices; d && r == 0; d = d->next)
		r = add_function(inv, acc, d, devices, devices_dir, buses_dir >= 0, flags, err);
	if (buses_dir >= 0) {
		if (r == 0)
			bridges_from_buses(inv, buses_dir);
		else
			close(buses_dir);
	}
	if (r == 0) {
		inventory_build_cards(inv);
		read_card_resets(inv, acc, devices_dir, flags);
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
