// SPDX-License-Identifier: GPL-2.0-or-later
/* rebind-card.c where root's /sys is taken for the kernel's: the kernel's answer after a
 * probe (read back from the driver link) fails the card, and the undo skips what the kernel
 * already shows as it was. tests/rebind/run covers the refused writes on fake trees. */
#include <fcntl.h>
#include <stdlib.h>
#include <unistd.h>

#include "rebind.h"
#include "unit.h"

#define ADDR "0000:01:00.0"

static char root[] = "/tmp/test-rebind-card.XXXXXX";

static char *at(const char *rel)
{
	return xasprintf("%s%s", root, rel);
}

static void make_file(const char *rel)
{
	_cleanup_free_ char *p = at(rel);
	FILE *f = fopen(p, "w");

	if (!f)
		abort();
	fclose(f);
}

static void make_dir(const char *rel)
{
	_cleanup_free_ char *p = at(rel);
	_cleanup_free_ char *cmd = xasprintf("mkdir -p '%s'", p);

	if (system(cmd) != 0)
		abort();
}

/* One function, bound to driver (nouveau or vfio-pci), with the files the kernel offers;
 * the link never moves. */
static void make_tree(const char *driver)
{
	static const char *const drivers[] = { "nouveau", VFIO_PCI_DRIVER };
	static const char *const files[] = { "unbind", "bind", "remove_id", "new_id" };
	_cleanup_free_ char *cmd = xasprintf("rm -rf '%s'/sys", root);
	_cleanup_free_ char *link = at("/sys/bus/pci/devices/" ADDR "/driver");
	_cleanup_free_ char *target = xasprintf("%s/sys/bus/pci/drivers/%s", root, driver);

	if (system(cmd) != 0)
		abort();
	make_dir("/sys/bus/pci/devices/" ADDR);
	make_file("/sys/bus/pci/devices/" ADDR "/driver_override");
	make_file("/sys/bus/pci/drivers_probe");
	for (size_t d = 0; d < ARRAY_SIZE(drivers); d++) {
		_cleanup_free_ char *dir = xasprintf("/sys/bus/pci/drivers/%s", drivers[d]);

		make_dir(dir);
		for (size_t f = 0; f < ARRAY_SIZE(files); f++) {
			_cleanup_free_ char *file = xasprintf("%s/%s", dir, files[f]);

			make_file(file);
		}
	}
	if (symlink(target, link) < 0)
		abort();
}

static char *content(const char *rel)
{
	_cleanup_free_ char *p = at(rel);
	char *s = read_file(p, 4096, NULL);

	return s ? s : xstrdup("(none)");
}

#define CHECK_FILE(rel, want)                                                                      \
	do {                                                                                       \
		_cleanup_free_ char *c_ = content(rel);                                            \
		CHECK_STR(c_, want);                                                               \
	} while (0)

/* rebind_card with its stdout and stderr in out (the caller frees). */
static int run_card(bool to_vfio, const struct rebind_move *m, char **out)
{
	_cleanup_free_ char *path = at("/out");
	int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0600);
	int saved_out = dup(1), saved_err = dup(2);
	int r;

	if (fd < 0 || saved_out < 0 || saved_err < 0)
		abort();
	fflush(stdout);
	dup2(fd, 1);
	dup2(fd, 2);
	r = rebind_card(root, true, to_vfio, m, 1);
	fflush(stdout);
	dup2(saved_out, 1);
	dup2(saved_err, 2);
	close(fd);
	close(saved_out);
	close(saved_err);
	*out = content("/out");
	return r;
}

static struct rebind_move move(const char *from)
{
	struct rebind_move m = { .unbind_from = xstrdup(from), .vendor = 0x10de, .device = 0x2504 };

	pci_addr_parse(ADDR, &m.addr);
	m.card = m.addr;
	return m;
}

/* Taking: the probe went through but the kernel left the function on nouveau. */
static void test_take_not_taken(void)
{
	struct rebind_move m = move("nouveau");

	_cleanup_free_ char *out = NULL;

	make_tree("nouveau");
	CHECK(run_card(true, &m, &out) < 0);
	CHECK(strstr(out,
		     "0000:01:00.0: the card could not be handed to vfio-pci now: 0000:01:00.0: "
		     "vfio-pci did not take it (driver now: nouveau)"));
	CHECK(strstr(out, "undone: cleared 0000:01:00.0's driver_override\n"));
	CHECK_FILE("/sys/bus/pci/drivers/nouveau/unbind", ADDR "\n");
	CHECK_FILE("/sys/bus/pci/drivers_probe", ADDR "\n");
	/* Undone: the override cleared again; nouveau holds it, so no bind. */
	CHECK_FILE("/sys/bus/pci/devices/" ADDR "/driver_override", "vfio-pci\n\n");
	CHECK_FILE("/sys/bus/pci/drivers/nouveau/bind", "");
	CHECK_FILE("/sys/bus/pci/drivers/" VFIO_PCI_DRIVER "/unbind", "");
	free(m.unbind_from);
}

/* Giving back: still on vfio-pci after the probe. The id goes back to vfio-pci's dynamic
 * ids; the override was none and stays so. */
static void test_give_back_kept(void)
{
	struct rebind_move m = move(VFIO_PCI_DRIVER);

	_cleanup_free_ char *out = NULL;

	make_tree(VFIO_PCI_DRIVER);
	CHECK(run_card(false, &m, &out) < 0);
	CHECK(strstr(out, "still on vfio-pci after the probe"));
	CHECK(strstr(out, "undone: gave vfio-pci the id 10de:2504 again\n"));
	CHECK(strstr(out, "it stays on vfio-pci until the next boot"));
	CHECK_FILE("/sys/bus/pci/drivers/" VFIO_PCI_DRIVER "/unbind", ADDR "\n");
	CHECK_FILE("/sys/bus/pci/drivers/" VFIO_PCI_DRIVER "/remove_id", "10de 2504\n");
	CHECK_FILE("/sys/bus/pci/drivers/" VFIO_PCI_DRIVER "/new_id", "10de 2504\n");
	CHECK_FILE("/sys/bus/pci/devices/" ADDR "/driver_override", "\n");
	CHECK_FILE("/sys/bus/pci/drivers/" VFIO_PCI_DRIVER "/bind", "");
	free(m.unbind_from);
}

/* The same card where the kernel did its part: moved, nothing undone. */
static void test_take_taken(void)
{
	struct rebind_move m = move("nouveau");

	_cleanup_free_ char *out = NULL;

	make_tree(VFIO_PCI_DRIVER); /* the link already shows the probe's result */
	CHECK(run_card(true, &m, &out) == 0);
	CHECK_STR(out, "0000:01:00.0: bound to vfio-pci now (was nouveau)\n");
	CHECK_FILE("/sys/bus/pci/devices/" ADDR "/driver_override", "vfio-pci\n");
	CHECK_FILE("/sys/bus/pci/drivers/" VFIO_PCI_DRIVER "/unbind", "");
	free(m.unbind_from);
}

int main(void)
{
	_cleanup_free_ char *cleanup = NULL;

	if (!mkdtemp(root))
		abort();
	test_take_not_taken();
	test_give_back_kept();
	test_take_taken();
	cleanup = xasprintf("rm -rf '%s'", root);
	if (system(cleanup) != 0)
		return 1;
	return unit_done("rebind-card");
}
