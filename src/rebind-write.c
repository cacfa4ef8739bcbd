// SPDX-License-Identifier: GPL-2.0-or-later
/* The sysfs writes of a rebinding, per function as the kernel documents for
 * driver_override: set the override, unbind from the old driver, ask the bus to probe.
 * Never new_id: it would take every device with those ids, the host's twin card too.
 * Every path is opened under the root, so tests run this against a fake sysfs tree and
 * read back each write (the files are opened for appending, which sysfs ignores). */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/vfs.h>
#include <unistd.h>

#include "rebind.h"
#include "root-path.h"
#include "util.h"

#include <libkmod.h>

#define SYSFS_MAGIC_ 0x62656572

/* One line, as `echo VALUE >PATH` writes it (the kernel strips the newline). ok_errno: an
 * errno the write may end with that is not a failure. */
static int sysfs_write(const char *root, const char *path, const char *value, int ok_errno,
		       struct error *err)
{
	int fd = root_open(root, path, O_WRONLY | O_APPEND | O_CLOEXEC | O_NOCTTY);
	_cleanup_free_ char *line = xasprintf("%s\n", value);
	size_t len = strlen(line);
	ssize_t n;

	if (fd < 0)
		return error_set(err, EXIT_FAILURE_RUNTIME, "cannot open %s: %s", path,
				 file_error(errno));
	n = write(fd, line, len);
	if (n != (ssize_t)len && !(n < 0 && ok_errno && errno == ok_errno)) {
		int e = n < 0 ? errno : EIO;

		close(fd);
		return error_set(err, EXIT_FAILURE_RUNTIME, "writing '%s' to %s: %s", value, path,
				 strerror(e));
	}
	if (close(fd) < 0)
		return error_set(err, EXIT_FAILURE_RUNTIME, "writing '%s' to %s: %s", value, path,
				 strerror(errno));
	return 0;
}

/* Only the kernel's sysfs acts on the writes; a test's tree just records them. */
static bool is_kernel_sysfs(const char *root)
{
	_cleanup_free_ char *sys = path_join(root, "/sys");
	struct statfs s;

	return statfs(sys, &s) == 0 && s.f_type == SYSFS_MAGIC_;
}

static char *driver_now(const char *root, const char *addr)
{
	_cleanup_free_ char *p = xasprintf("/sys/bus/pci/devices/%s/driver", addr);
	_cleanup_free_ char *link = path_join(root, p);
	char target[4096];
	ssize_t n = readlink(link, target, sizeof(target) - 1);
	const char *name;

	if (n <= 0)
		return NULL;
	target[n] = '\0';
	name = strrchr(target, '/');
	return xstrdup(name ? name + 1 : target);
}

/* modprobe vfio-pci through libkmod, with the modprobe.d options and softdeps. */
static int load_vfio(struct error *err)
{
	struct kmod_ctx *ctx = kmod_new(NULL, NULL);
	struct kmod_module *mod = NULL;
	int r;

	if (!ctx)
		return error_set(err, EXIT_FAILURE_RUNTIME, "cannot load vfio-pci: no module index");
	r = kmod_module_new_from_name(ctx, "vfio-pci", &mod);
	if (r == 0)
		r = kmod_module_probe_insert_module(mod, 0, NULL, NULL, NULL, NULL);
	kmod_module_unref(mod);
	kmod_unref(ctx);
	if (r < 0)
		return error_set(err, EXIT_FAILURE_RUNTIME, "cannot load vfio-pci: %s",
				 strerror(-r));
	printf("Loaded vfio-pci.\n");
	return 0;
}

static int move_one(const char *root, bool to_vfio, const struct rebind_move *m,
		    const char *addr, struct error *err)
{
	_cleanup_free_ char *override = xasprintf("/sys/bus/pci/devices/%s/driver_override",
						  addr);

	/* An empty line clears the override: the function's own driver may take it again. */
	if (sysfs_write(root, override, to_vfio ? VFIO_PCI_DRIVER : "", 0, err) < 0)
		return -1;
	if (m->unbind_from) {
		_cleanup_free_ char *unbind = xasprintf("/sys/bus/pci/drivers/%s/unbind",
							m->unbind_from);

		if (sysfs_write(root, unbind, addr, 0, err) < 0)
			return -1;
	}
	if (!to_vfio) {
		/* "vvvv dddd", as remove_id reads it. ENODEV: vfio-pci had no such dynamic id
		 * (it was bound by driver_override). */
		char id[PCI_ID_STRLEN];

		snprintf(id, sizeof(id), "%04x %04x", m->vendor, m->device);
		if (sysfs_write(root, "/sys/bus/pci/drivers/" VFIO_PCI_DRIVER "/remove_id", id,
				ENODEV, err) < 0)
			return -1;
	}
	return sysfs_write(root, "/sys/bus/pci/drivers_probe", addr, 0, err);
}

int rebind_write(const char *root, const struct rebind_plan *p, struct error *err)
{
	bool kernel = is_kernel_sysfs(root);

	if (p->load_vfio && load_vfio(err) < 0)
		return -1;
	for (size_t i = 0; i < p->n_moves; i++) {
		const struct rebind_move *m = &p->moves[i];
		char addr[PCI_ADDR_STRLEN];
		_cleanup_free_ char *now = NULL;
		bool on_vfio;

		pci_addr_format(&m->addr, addr);
		if (move_one(root, p->to_vfio, m, addr, err) < 0)
			return -1;
		if (!kernel) {
			printf("%s: %s (%s)\n", addr,
			       p->to_vfio ? "handed to vfio-pci" : "given back", "written");
			continue;
		}
		now = driver_now(root, addr);
		on_vfio = now && strcmp(now, VFIO_PCI_DRIVER) == 0;
		if (p->to_vfio && !on_vfio)
			return error_set(err, EXIT_FAILURE_RUNTIME,
					 "%s: vfio-pci did not take it (driver now: %s)", addr,
					 now ? now : "none");
		if (!p->to_vfio && on_vfio)
			return error_set(err, EXIT_FAILURE_RUNTIME,
					 "%s: still on vfio-pci after the probe", addr);
		if (p->to_vfio)
			printf("%s: bound to vfio-pci now (was %s)\n", addr,
			       m->unbind_from ? m->unbind_from : "unbound");
		else
			printf("%s: given back now (driver: %s)\n", addr, now ? now : "none");
	}
	return 0;
}

int rebind_report(const struct rebind_plan *p)
{
	for (size_t i = 0; i < p->in_place.n; i++)
		printf("%s: %s\n", p->in_place.items[i],
		       p->to_vfio ? "already on vfio-pci" : "not held by vfio-pci");
	if (!p->refused.n)
		return EXIT_OK;
	printf("%s now; reboot to activate:\n", p->to_vfio ? "Not bound to vfio-pci"
						: "Not given back");
	for (size_t i = 0; i < p->refused.n; i++)
		printf("  %s\n", p->refused.items[i]);
	return EXIT_REBOOT_PENDING;
}
