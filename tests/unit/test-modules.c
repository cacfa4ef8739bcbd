// SPDX-License-Identifier: GPL-2.0-or-later
/* modules.c against real Debian kernels' module indexes (tests/lib/kernel-index, passed
 * by `make check-unit`: Debian 12's in VPS_KERNEL_INDEX, Debian 13's in
 * VPS_KERNEL_INDEX_TRIXIE) and the synthetic vfio-built-in kernel
 * (VPS_KERNEL_INDEX_BUILTIN). Each test builds a root whose lib/modules/<kver> links to
 * them. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "modules.h"
#include "unit.h"

static const char *real_index, *builtin_index, *trixie_index;
static char *real_kver, *trixie_kver;

static char *make_root(void)
{
	char tmpl[] = "/tmp/test-modules.XXXXXX";

	if (!mkdtemp(tmpl)) {
		perror("mkdtemp");
		exit(1);
	}
	return xstrdup(tmpl);
}

/* root/DIR/KVER -> target, creating root/DIR. */
static void link_kernel(const char *root, const char *dir, const char *kver, const char *target)
{
	_cleanup_free_ char *cmd = xasprintf("mkdir -p '%s%s' && ln -s '%s' '%s%s/%s'", root, dir,
					     target, root, dir, kver);

	if (system(cmd) != 0) {
		fprintf(stderr, "failed: %s\n", cmd);
		exit(1);
	}
}

static void write_file(const char *root, const char *path, const char *text)
{
	_cleanup_free_ char *full = path_join(root, path);
	_cleanup_free_ char *cmd = xasprintf("mkdir -p \"$(dirname '%s')\"", full);
	FILE *f;

	if (system(cmd) != 0 || !(f = fopen(full, "w"))) {
		fprintf(stderr, "cannot create %s\n", full);
		exit(1);
	}
	fputs(text, f);
	fclose(f);
}

static void remove_root(char *root)
{
	_cleanup_free_ char *cmd = xasprintf("rm -rf '%s'", root);

	if (system(cmd) != 0)
		fprintf(stderr, "failed: %s\n", cmd);
	free(root);
}

static char *joined(const struct strlist *l)
{
	return sl_join(l, " ");
}

/* Functions of real cards, modaliases as sysfs prints them (upper-case hex). */
enum {
	RTX3060,
	RTX3060_AUDIO,
	TURING_USB,
	TURING_UCSI,
	RX6800,
	RPL_IGPU,
	NO_ALIAS,
	BAD_ALIAS,
	N_FN
};
static const char *const modaliases[N_FN] = {
	[RTX3060] = "pci:v000010DEd00002504sv00001462sd0000397Dbc03sc00i00",
	[RTX3060_AUDIO] = "pci:v000010DEd0000228Esv00001462sd0000397Dbc04sc03i00",
	[TURING_USB] = "pci:v000010DEd00001ADAsv00001043sd00008701bc0Csc03i30",
	[TURING_UCSI] = "pci:v000010DEd00001ADBsv00001043sd00008701bc0Csc80i00",
	[RX6800] = "pci:v00001002d000073BFsv00001002sd00000E3Abc03sc00i00",
	[RPL_IGPU] = "pci:v00008086d0000A780sv00001043sd00008882bc03sc00i00",
	[NO_ALIAS] = NULL,
	[BAD_ALIAS] = "",
};

static void inventory_setup(struct inventory *inv, struct pci_function fns[N_FN])
{
	memset(inv, 0, sizeof(*inv));
	memset(fns, 0, N_FN * sizeof(*fns));
	for (size_t i = 0; i < N_FN; i++)
		fns[i].modalias = (char *)modaliases[i];
	inv->functions = fns;
	inv->n_functions = N_FN;
	inv->vfio_pci = VFIO_MODULE; /* must be overwritten */
}

static void inventory_teardown(struct inventory *inv)
{
	for (size_t i = 0; i < inv->n_functions; i++)
		sl_free(&inv->functions[i].modules);
	sl_free(&inv->kernels);
}

static bool index_has_module(const char *index, const char *ko_path)
{
	_cleanup_free_ char *path = xasprintf("%s/modules.dep", index);
	_cleanup_free_ char *text = read_file(path, 64 << 20, NULL);
	_cleanup_free_ char *needle = xasprintf("\n%s:", ko_path);

	return text && strstr(text, needle);
}

static void test_version_cmp(void)
{
	CHECK(kernel_version_cmp("6.10.0-1-amd64", "6.9.0-1-amd64") > 0);
	CHECK(kernel_version_cmp("6.9.0-1-amd64", "6.10.0-1-amd64") < 0);
	CHECK(kernel_version_cmp("6.1.0-56-amd64", "6.1.0-9-amd64") > 0);
	CHECK(kernel_version_cmp("6.1.0-09-amd64", "6.1.0-9-amd64") == 0);
	CHECK(kernel_version_cmp("6.1.0-56-amd64", "6.1.0-56-amd64") == 0);
	CHECK(kernel_version_cmp("6.1", "6.1.0") < 0);
	CHECK(kernel_version_cmp("6.12.0-rt-amd64", "6.12.0-amd64") > 0);
}

/* One real Debian kernel: aliases resolve as the kernel's own modprobe would. */
static void test_real_kernel(void)
{
	char *root = make_root();
	struct pci_function fns[N_FN];
	struct inventory inv;
	struct error err = { 0 };
	_cleanup_free_ char *kernels = NULL, *igpu = NULL;

	link_kernel(root, "/lib/modules", real_kver, real_index);
	/* modprobe.d under root must not change what the index says: not our own file,
	 * not a blacklist, not an admin's alias. */
	write_file(root, "/etc/modprobe.d/vfio-passthrough-setup.conf",
		   "softdep nouveau pre: vfio-pci\noptions vfio-pci ids=10de:2504\n"
		   "alias pci:v000010DEd00002504* vfio_pci\nblacklist nouveau\n");
	inventory_setup(&inv, fns);
	CHECK(modules_resolve(root, &inv, &err) == 0);
	kernels = joined(&inv.kernels);
	CHECK_STR(kernels, real_kver);
	CHECK(inv.vfio_pci == VFIO_MODULE);
	CHECK(fns[RTX3060].modules.n == 1);
	CHECK(sl_has(&fns[RTX3060].modules, "nouveau"));
	CHECK(fns[RTX3060_AUDIO].modules.n == 1);
	CHECK(sl_has(&fns[RTX3060_AUDIO].modules, "snd_hda_intel"));
	CHECK(fns[TURING_USB].modules.n == 1);
	CHECK(sl_has(&fns[TURING_USB].modules, "xhci_pci"));
	/* Debian builds no i2c_nvidia_gpu (# CONFIG_I2C_NVIDIA_GPU is not set). */
	CHECK(!index_has_module(real_index, "kernel/drivers/i2c/busses/i2c-nvidia-gpu.ko"));
	CHECK(fns[TURING_UCSI].modules.n == 0);
	CHECK(fns[RX6800].modules.n == 1);
	CHECK(sl_has(&fns[RX6800].modules, "amdgpu"));
	CHECK(sl_has(&fns[RPL_IGPU].modules, "i915"));
	igpu = joined(&fns[RPL_IGPU].modules);
	/* xe where the kernel has it (6.8+); Debian 12's 6.1 has not. */
	CHECK_STR(igpu, index_has_module(real_index, "kernel/drivers/gpu/drm/xe/xe.ko") ? "i915 xe"
											: "i915");
	CHECK(fns[NO_ALIAS].modules.n == 0);
	CHECK(fns[BAD_ALIAS].modules.n == 0);
	inventory_teardown(&inv);
	remove_root(root);
}

/* Only the functions of cards are looked up: the rest of a server costs time, no answer. */
static void test_cards_only(void)
{
	char *root = make_root();
	struct pci_function fns[N_FN];
	size_t card_fns[] = { RTX3060, RTX3060_AUDIO };
	struct card card = { .functions = card_fns, .n_functions = 2 };
	struct inventory inv;
	struct error err = { 0 };

	link_kernel(root, "/lib/modules", real_kver, real_index);
	inventory_setup(&inv, fns);
	inv.cards = &card;
	inv.n_cards = 1;
	CHECK(modules_resolve_cards(root, &inv, &err) == 0);
	CHECK(inv.vfio_pci == VFIO_MODULE && inv.kernels.n == 1);
	CHECK(sl_has(&fns[RTX3060].modules, "nouveau"));
	CHECK(sl_has(&fns[RTX3060_AUDIO].modules, "snd_hda_intel"));
	CHECK(fns[TURING_USB].modules.n == 0); /* xhci_pci, were it asked */
	CHECK(fns[RX6800].modules.n == 0);
	CHECK(fns[RPL_IGPU].modules.n == 0);
	inventory_teardown(&inv);
	remove_root(root);
}

/* The synthetic kernel with vfio-pci built in, alone and next to the real one. */
static void test_builtin_kernel(void)
{
	char *root = make_root();
	struct pci_function fns[N_FN];
	struct inventory inv;
	struct error err = { 0 };
	_cleanup_free_ char *kernels = NULL, *want = NULL;

	link_kernel(root, "/usr/lib/modules", "6.8.0-builtin-test", builtin_index);
	inventory_setup(&inv, fns);
	CHECK(modules_resolve(root, &inv, &err) == 0);
	CHECK(inv.vfio_pci == VFIO_BUILTIN);
	CHECK(sl_has(&fns[RTX3060].modules, "nouveau"));
	inventory_teardown(&inv);

	/* Two kernels (one per directory, plus a duplicate and a directory without an
	 * index): union of modules, builtin wins, versions sorted oldest first. */
	link_kernel(root, "/lib/modules", real_kver, real_index);
	link_kernel(root, "/lib/modules", "6.8.0-builtin-test", builtin_index);
	link_kernel(root, "/lib/modules", "5.10.0-no-index", "/nonexistent");
	inventory_setup(&inv, fns);
	CHECK(modules_resolve(root, &inv, &err) == 0);
	kernels = joined(&inv.kernels);
	want = xasprintf("%s 6.8.0-builtin-test", real_kver);
	CHECK_STR(kernels, want);
	CHECK(inv.vfio_pci == VFIO_BUILTIN);
	CHECK(fns[RTX3060].modules.n == 1);
	CHECK(sl_has(&fns[RTX3060].modules, "nouveau"));
	CHECK(fns[RTX3060_AUDIO].modules.n == 1);
	inventory_teardown(&inv);
	remove_root(root);
}

/* A root without /lib/modules (a bare chroot): unknown, no crash, a clear error. */
static void test_no_kernels(void)
{
	char *root = make_root();
	struct pci_function fns[N_FN];
	struct inventory inv;
	struct error err = { 0 };
	struct strlist mods;

	inventory_setup(&inv, fns);
	CHECK(modules_resolve(root, &inv, &err) == 0);
	CHECK(inv.vfio_pci == VFIO_UNKNOWN);
	CHECK(inv.kernels.n == 0);
	CHECK(fns[RTX3060].modules.n == 0);
	inventory_teardown(&inv);

	sl_init(&mods);
	CHECK(initramfs_modules(root, NULL, &mods, &err) == -1);
	CHECK(err.code == EXIT_FAILURE_RUNTIME);
	CHECK(strstr(err.msg, "/lib/modules") != NULL);
	CHECK(mods.n == 0);
	sl_free(&mods);
	remove_root(root);
}

static void test_initramfs(void)
{
	char *root = make_root();
	struct error err = { 0 };
	struct strlist mods;
	_cleanup_free_ char *real = NULL, *newest = NULL, *trap = NULL, *builtin = NULL;

	link_kernel(root, "/lib/modules", real_kver, real_index);
	sl_init(&mods);
	CHECK(initramfs_modules(root, real_kver, &mods, &err) == 0);
	real = joined(&mods);
	/* Debian 12's 6.1 still has vfio_virqfd.ko. */
	CHECK_STR(real, "vfio vfio_iommu_type1 vfio_pci vfio_virqfd");
	sl_free(&mods);

	CHECK(initramfs_modules(root, NULL, &mods, &err) == 0);
	newest = joined(&mods);
	CHECK_STR(newest, real);
	sl_free(&mods);

	err = (struct error){ 0 };
	CHECK(initramfs_modules(root, "9.9.9-nonexistent", &mods, &err) == -1);
	CHECK(err.code == EXIT_USAGE);
	CHECK(strstr(err.msg, "9.9.9-nonexistent") != NULL);
	CHECK(strstr(err.msg, real_kver) != NULL);
	sl_free(&mods);

	/* Built in: nothing to add. */
	link_kernel(root, "/lib/modules", "6.8.0-builtin-test", builtin_index);
	CHECK(initramfs_modules(root, "6.8.0-builtin-test", &mods, &err) == 0);
	CHECK(mods.n == 0);
	sl_free(&mods);
	remove_root(root);

	/* The 6.10 > 6.9 trap: the newest must be picked by number, not by bytes. Here
	 * the loadable-vfio index is named 6.10 and the built-in one 6.9. */
	root = make_root();
	link_kernel(root, "/lib/modules", "6.9.0-1-amd64", builtin_index);
	link_kernel(root, "/lib/modules", "6.10.0-1-amd64", real_index);
	CHECK(initramfs_modules(root, NULL, &mods, &err) == 0);
	trap = joined(&mods);
	CHECK_STR(trap, real);
	sl_free(&mods);
	CHECK(initramfs_modules(root, "6.9.0-1-amd64", &mods, &err) == 0);
	builtin = joined(&mods);
	CHECK_STR(builtin, "");
	sl_free(&mods);
	remove_root(root);
}

/* Debian 13: its kernel package ships /usr/lib/modules only (usrmerged root, no
 * /lib/modules at all), its modules are .ko.xz, and 6.12 builds vfio_virqfd into vfio.ko.
 */
static void test_trixie_kernel(void)
{
	char *root = make_root();
	struct pci_function fns[N_FN];
	struct inventory inv;
	struct error err = { 0 };
	struct strlist mods;
	_cleanup_free_ char *kernels = NULL, *igpu = NULL, *initramfs = NULL, *both = NULL;

	link_kernel(root, "/usr/lib/modules", trixie_kver, trixie_index);
	inventory_setup(&inv, fns);
	CHECK(modules_resolve(root, &inv, &err) == 0);
	kernels = joined(&inv.kernels);
	CHECK_STR(kernels, trixie_kver);
	CHECK(inv.vfio_pci == VFIO_MODULE);
	CHECK(fns[RTX3060].modules.n == 1);
	CHECK(sl_has(&fns[RTX3060].modules, "nouveau"));
	CHECK(sl_has(&fns[RTX3060_AUDIO].modules, "snd_hda_intel"));
	CHECK(sl_has(&fns[TURING_USB].modules, "xhci_pci"));
	CHECK(sl_has(&fns[RX6800].modules, "amdgpu"));
	igpu = joined(&fns[RPL_IGPU].modules);
	CHECK_STR(igpu, "i915 xe"); /* 6.12 has xe, 6.1 has not */
	inventory_teardown(&inv);

	sl_init(&mods);
	CHECK(initramfs_modules(root, NULL, &mods, &err) == 0);
	initramfs = joined(&mods);
	/* No vfio_virqfd: nothing to load, and asking for it would not be found. */
	CHECK_STR(initramfs, "vfio vfio_iommu_type1 vfio_pci");
	sl_free(&mods);

	/* An upgraded Debian 12 host: the old kernel still in /lib/modules (the same
	 * directory on a usrmerged root, kept apart here), the new one in
	 * /usr/lib/modules. Each kernel's initramfs gets its own list. */
	link_kernel(root, "/lib/modules", real_kver, real_index);
	inventory_setup(&inv, fns);
	CHECK(modules_resolve(root, &inv, &err) == 0);
	both = joined(&inv.kernels);
	{
		_cleanup_free_ char *want = xasprintf("%s %s", real_kver, trixie_kver);

		CHECK_STR(both, want);
	}
	inventory_teardown(&inv);
	CHECK(initramfs_modules(root, real_kver, &mods, &err) == 0);
	CHECK(mods.n == 4 && sl_has(&mods, "vfio_virqfd"));
	sl_free(&mods);
	CHECK(initramfs_modules(root, trixie_kver, &mods, &err) == 0);
	CHECK(mods.n == 3 && !sl_has(&mods, "vfio_virqfd"));
	sl_free(&mods);
	remove_root(root);
}

int main(void)
{
	real_index = getenv("VPS_KERNEL_INDEX");
	builtin_index = getenv("VPS_KERNEL_INDEX_BUILTIN");
	trixie_index = getenv("VPS_KERNEL_INDEX_TRIXIE");
	if (!real_index || !*real_index || !builtin_index || !*builtin_index || !trixie_index ||
	    !*trixie_index) {
		/* A failure, not a skip: without the index this test proves nothing. */
		fputs("test-modules: VPS_KERNEL_INDEX, VPS_KERNEL_INDEX_BUILTIN and "
		      "VPS_KERNEL_INDEX_TRIXIE must name the directories "
		      "tests/lib/kernel-index prints (make check-unit sets them)\n",
		      stderr);
		return 1;
	}
	real_kver = xstrdup(strrchr(real_index, '/') + 1);
	trixie_kver = xstrdup(strrchr(trixie_index, '/') + 1);

	test_version_cmp();
	test_real_kernel();
	test_builtin_kernel();
	test_cards_only();
	test_no_kernels();
	test_initramfs();
	test_trixie_kernel();
	free(real_kver);
	free(trixie_kver);
	return unit_done("modules");
}
