// SPDX-License-Identifier: GPL-2.0-or-later
/* The run-time facts a rebinding needs, read under root: who holds a function's device
 * nodes open (one pass over /proc/PID/fd), whether it carries a framebuffer or USB devices,
 * its driver_override, and whether vfio-pci is loaded or loadable. Writes nothing. */
#include <ctype.h>
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/utsname.h>
#include <unistd.h>

#include "rebind.h"
#include "util.h"

#include "kmod-load.h"

/* A device node of one function, "/dev/dri/card0", and which function it is. */
struct node {
	char *path;
	size_t fn;
};

static bool starts_with(const char *s, const char *prefix)
{
	return strncmp(s, prefix, strlen(prefix)) == 0;
}

static void add_node(struct node **nodes, size_t *n, size_t fn, const char *path)
{
	*nodes = xrealloc(*nodes, (*n + 1) * sizeof(**nodes));
	(*nodes)[*n].path = xstrdup(path);
	(*nodes)[(*n)++].fn = fn;
}

/* Entries of dir whose names start with one of the prefixes, as "/dev/<devdir>/NAME". */
static void add_nodes_in(const char *dir, const char *const *prefixes, const char *devdir,
			 size_t fn, struct node **nodes, size_t *n)
{
	DIR *d = opendir(dir);
	struct dirent *e;

	if (!d)
		return;
	while ((e = readdir(d))) {
		for (size_t p = 0; prefixes[p]; p++) {
			_cleanup_free_ char *node = NULL;

			if (!starts_with(e->d_name, prefixes[p]))
				continue;
			node = xasprintf("/dev/%s/%s", devdir, e->d_name);
			add_node(nodes, n, fn, node);
			break;
		}
	}
	closedir(d);
}

/* Whether dir has an entry starting with prefix; with `usb`, entries "N-..." in "usbN"
 * directories (devices on a root hub) are what counts. */
static bool has_entry(const char *dir, const char *prefix, bool usb)
{
	DIR *d = opendir(dir);
	struct dirent *e;
	bool found = false;

	if (!d)
		return false;
	while (!found && (e = readdir(d))) {
		if (!starts_with(e->d_name, prefix))
			continue;
		if (!usb) {
			found = true;
		} else {
			_cleanup_free_ char *hub = xasprintf("%s/%s", dir, e->d_name);
			_cleanup_free_ char *dev = xasprintf("%s-", e->d_name + 3);

			found = has_entry(hub, dev, false);
		}
	}
	closedir(d);
	return found;
}

/* The DRM nodes and fb0 of the device at dir (the PCI function, or a device below it). */
static void read_display(const char *dir, size_t fn, struct function_use *u, struct node **nodes,
			 size_t *n)
{
	static const char *const drm[] = { "card", "renderD", NULL };
	_cleanup_free_ char *drm_dir = xasprintf("%s/drm", dir);
	_cleanup_free_ char *fb0 = xasprintf("%s/graphics/fb0", dir);
	struct stat st;

	u->framebuffer = u->framebuffer || stat(fb0, &st) == 0;
	add_nodes_in(drm_dir, drm, "dri", fn, nodes, n);
}

static void read_function(const char *dev, size_t fn, int group, struct function_use *u,
			  struct node **nodes, size_t *n)
{
	static const char *const snd[] = { "controlC", "pcmC", "hwC", NULL };
	static const char *const vfio[] = { "vfio", NULL };
	_cleanup_free_ char *ov_path = xasprintf("%s/driver_override", dev);
	_cleanup_free_ char *snd_dir = xasprintf("%s/sound", dev);
	_cleanup_free_ char *vfio_dir = xasprintf("%s/vfio-dev", dev);
	DIR *d;
	struct dirent *e;

	u->driver_override = read_attr(ov_path);
	/* The kernel shows an unset override as "(null)". */
	if (u->driver_override && strcmp(u->driver_override, "(null)") == 0) {
		free(u->driver_override);
		u->driver_override = NULL;
	}
	u->usb_devices = has_entry(dev, "usb", true);
	read_display(dev, fn, u, nodes, n);
	/* virtio-gpu's DRM device sits on the virtio device below the PCI function */
	d = opendir(dev);
	while (d && (e = readdir(d))) {
		_cleanup_free_ char *child = NULL;

		if (!starts_with(e->d_name, "virtio"))
			continue;
		child = xasprintf("%s/%s", dev, e->d_name);
		read_display(child, fn, u, nodes, n);
	}
	if (d)
		closedir(d);
	add_nodes_in(vfio_dir, vfio, "vfio/devices", fn, nodes, n);
	if (group >= 0) {
		_cleanup_free_ char *g = xasprintf("/dev/vfio/%d", group);

		add_node(nodes, n, fn, g);
	}
	d = opendir(snd_dir);
	while (d && (e = readdir(d))) {
		_cleanup_free_ char *card = NULL;

		if (!starts_with(e->d_name, "card"))
			continue;
		card = xasprintf("%s/%s", snd_dir, e->d_name);
		add_nodes_in(card, snd, "snd", fn, nodes, n);
	}
	if (d)
		closedir(d);
}

static bool all_digits(const char *s)
{
	for (; *s; s++)
		if (!isdigit((unsigned char)*s))
			return false;
	return true;
}

/* One pass over every process's open files: the first holder of each function's nodes. */
static void find_holders(const char *root, const struct node *nodes, size_t n_nodes,
			 struct rebind_facts *facts)
{
	_cleanup_free_ char *proc = path_join(root, "/proc");
	DIR *pd = opendir(proc);
	struct dirent *p;

	while (pd && (p = readdir(pd))) {
		_cleanup_free_ char *fd_dir = NULL;
		DIR *fd;
		struct dirent *e;

		if (!all_digits(p->d_name))
			continue;
		fd_dir = xasprintf("%s/%s/fd", proc, p->d_name);
		fd = opendir(fd_dir);
		while (fd && (e = readdir(fd))) {
			char target[4096];
			ssize_t len = readlinkat(dirfd(fd), e->d_name, target, sizeof(target) - 1);

			if (len <= 0)
				continue;
			target[len] = '\0';
			for (size_t i = 0; i < n_nodes; i++) {
				struct function_use *u = &facts->fns[nodes[i].fn];
				_cleanup_free_ char *comm_path = NULL, *comm = NULL;

				if (u->held_by || strcmp(target, nodes[i].path) != 0)
					continue;
				comm_path = xasprintf("%s/%s/comm", proc, p->d_name);
				comm = read_attr(comm_path);
				u->held_by = xasprintf("pid %s (%s) has %s open", p->d_name,
						       comm ? comm : "?", target);
			}
		}
		if (fd)
			closedir(fd);
	}
	if (pd)
		closedir(pd);
}

/* NULL if the running kernel has vfio-pci (built in or as a module), else why not. */
static char *vfio_loadable(const char *root)
{
	struct kmod_ctx *ctx;
	struct kmod_list *list = NULL;
	struct error err = { 0 };
	struct utsname u;
	char *why = NULL;

	if (!root_is_host(root))
		return xstrdup("it is not loaded, and modules are loaded only for the running "
			       "system, not under --root");
	uname(&u);
	if (kmod_load(&err) < 0)
		return xstrdup(err.msg);
	ctx = kmod.kmod_new(NULL, NULL);
	if (!ctx)
		return xasprintf("no module index for the running kernel %s", u.release);
	if (kmod.kmod_module_new_from_lookup(ctx, "vfio-pci", &list) < 0 || !list)
		why = xasprintf("the running kernel %s has no vfio-pci module", u.release);
	kmod.kmod_module_unref_list(list);
	kmod.kmod_unref(ctx);
	return why;
}

void rebind_facts_read(const char *root, const struct inventory *inv, struct rebind_cards cards,
		       struct rebind_facts *facts)
{
	_cleanup_free_ char *devices = path_join(root, "/sys/bus/pci/devices");
	_cleanup_free_ char *vfio = path_join(root, "/sys/bus/pci/drivers/" VFIO_PCI_DRIVER);
	struct node *nodes = NULL;
	size_t n_nodes = 0;
	struct stat st;

	memset(facts, 0, sizeof(*facts));
	facts->vfio_loaded = stat(vfio, &st) == 0 && S_ISDIR(st.st_mode);
	if (!facts->vfio_loaded)
		facts->vfio_unavailable = vfio_loadable(root);
	facts->fns = xcalloc(inv->n_functions ? inv->n_functions : 1, sizeof(*facts->fns));
	for (size_t i = 0; i < cards.n; i++) {
		int ci = inventory_find_card(inv, &cards.addrs[i]);

		if (ci < 0)
			continue;
		for (size_t k = 0; k < inv->cards[ci].n_functions; k++) {
			const struct pci_function *f = &inv->functions[inv->cards[ci].functions[k]];
			struct function_use *u = &facts->fns[facts->n];
			char addr[PCI_ADDR_STRLEN];
			_cleanup_free_ char *dev = NULL;

			if (facts->n >= inv->n_functions)
				break; /* a card named twice */
			pci_addr_format(&f->addr, addr);
			dev = xasprintf("%s/%s", devices, addr);
			u->addr = f->addr;
			read_function(dev, facts->n, f->iommu_group, u, &nodes, &n_nodes);
			facts->n++;
		}
	}
	find_holders(root, nodes, n_nodes, facts);
	for (size_t i = 0; i < n_nodes; i++)
		free(nodes[i].path);
	free(nodes);
}

void rebind_facts_free(struct rebind_facts *facts)
{
	for (size_t i = 0; i < facts->n; i++) {
		free(facts->fns[i].driver_override);
		free(facts->fns[i].held_by);
	}
	free(facts->fns);
	free(facts->vfio_unavailable);
	memset(facts, 0, sizeof(*facts));
}
