// SPDX-License-Identifier: GPL-2.0-or-later
/* The sysfs access of a rebinding, and the run over the plan's cards, each one transaction
 * (rebind-card.c). Every path is opened under the root, so tests run this against a fake
 * sysfs tree and read back each write (the files are opened for appending, which sysfs
 * ignores). */
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

#include "kmod-load.h"

#define SYSFS_MAGIC_ 0x62656572

/* The kernel strips the newline. */
int rebind_sysfs_write(const char *root, const char *path, const char *value, int ok_errno,
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
	if (n < 0 && ok_errno && errno == ok_errno) {
		close(fd);
		return 1;
	}
	if (n != (ssize_t)len) {
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

char *rebind_driver_now(const char *root, const char *addr)
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
	struct kmod_ctx *ctx;
	struct kmod_module *mod = NULL;
	int r;

	if (kmod_load(err) < 0)
		return -1;
	ctx = kmod.kmod_new(NULL, NULL);
	if (!ctx)
		return error_set(err, EXIT_FAILURE_RUNTIME,
				 "cannot load vfio-pci: no module index");
	r = kmod.kmod_module_new_from_name(ctx, "vfio-pci", &mod);
	if (r == 0)
		r = kmod.kmod_module_probe_insert_module(mod, 0, NULL, NULL, NULL, NULL);
	kmod.kmod_module_unref(mod);
	kmod.kmod_unref(ctx);
	if (r < 0)
		return error_set(err, EXIT_FAILURE_RUNTIME, "cannot load vfio-pci: %s",
				 strerror(-r));
	printf("Loaded vfio-pci.\n");
	return 0;
}

/* The moves of one card are consecutive in the plan (rebind-decide.c adds them so). */
static size_t card_moves(const struct rebind_plan *p, size_t first)
{
	size_t n = 1;

	while (first + n < p->n_moves &&
	       pci_addr_cmp(&p->moves[first + n].card, &p->moves[first].card) == 0)
		n++;
	return n;
}

int rebind_write(const char *root, const struct rebind_plan *p, struct error *err)
{
	bool kernel = is_kernel_sysfs(root);
	int status = EXIT_OK;

	if (p->load_vfio && load_vfio(err) < 0)
		return -1;
	/* A card that failed is undone; it is no reason to leave the next one where it is. */
	for (size_t i = 0, n; i < p->n_moves; i += n) {
		n = card_moves(p, i);
		if (rebind_card(root, kernel, p->to_vfio, &p->moves[i], n) < 0)
			status = EXIT_FAILURE_RUNTIME;
	}
	return status;
}

int rebind_report(const struct rebind_plan *p)
{
	for (size_t i = 0; i < p->in_place.n; i++)
		printf("%s: %s\n", p->in_place.items[i],
		       p->to_vfio ? "already on vfio-pci" : "not held by vfio-pci");
	if (!p->refused.n)
		return EXIT_OK;
	printf("%s now; reboot to activate:\n",
	       p->to_vfio ? "Not bound to vfio-pci" : "Not given back");
	for (size_t i = 0; i < p->refused.n; i++)
		printf("  %s\n", p->refused.items[i]);
	return EXIT_REBOOT_PENDING;
}
