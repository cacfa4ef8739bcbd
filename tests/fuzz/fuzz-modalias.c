// SPDX-License-Identifier: GPL-2.0-or-later
/* Modalias handling: a sysfs modalias (any bytes a fake or broken sysfs may hold)
 * resolved by modules_resolve() with libkmod against a real Debian kernel's module index.
 * The index comes from $FUZZ_KERNEL_INDEX (tests/lib/kernel-index prints it;
 * tests/fuzz/run sets it). */
#include <stdio.h>
#include <sys/stat.h>
#include <unistd.h>

#include "fuzz.h"
#include "inventory.h"
#include "modules.h"

static char root[] = "fuzz-modalias-root.XXXXXX";

static void cleanup(void)
{
	char path[4200];
	const char *idx = getenv("FUZZ_KERNEL_INDEX");
	const char *kver = idx ? strrchr(idx, '/') : NULL;

	if (kver) {
		snprintf(path, sizeof(path), "%s/lib/modules%s", root, kver);
		unlink(path);
	}
	snprintf(path, sizeof(path), "%s/lib/modules", root);
	rmdir(path);
	snprintf(path, sizeof(path), "%s/lib", root);
	rmdir(path);
	rmdir(root);
}

int LLVMFuzzerInitialize(int *argc, char ***argv);
int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	const char *idx = getenv("FUZZ_KERNEL_INDEX");
	char path[4200];

	(void)argc;
	(void)argv;
	if (!idx || !strrchr(idx, '/')) {
		fputs("fuzz-modalias: set FUZZ_KERNEL_INDEX to tests/lib/kernel-index's "
		      "output\n",
		      stderr);
		exit(2);
	}
	if (!mkdtemp(root))
		abort();
	atexit(cleanup);
	snprintf(path, sizeof(path), "%s/lib", root);
	mkdir(path, 0755);
	snprintf(path, sizeof(path), "%s/lib/modules", root);
	mkdir(path, 0755);
	snprintf(path, sizeof(path), "%s/lib/modules%s", root, strrchr(idx, '/'));
	if (symlink(idx, path) < 0)
		abort();
	return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct pci_function fn = { .iommu_group = -1, .boot_vga = -1 };
	struct inventory inv = { 0 };
	struct error err = { 0 };

	fn.modalias = fuzz_str(data, size);
	sl_init(&fn.modules);
	sl_init(&inv.kernels);
	inv.functions = &fn;
	inv.n_functions = 1;
	if (modules_resolve(root, &inv, &err) == 0 && inv.kernels.n != 1)
		abort();
	for (size_t i = 0; i < fn.modules.n; i++)
		if (strchr(fn.modules.items[i], '-'))
			abort(); /* names come back normalised: snd_hda_intel */
	sl_free(&fn.modules);
	sl_free(&inv.kernels);
	free(fn.modalias);
	return 0;
}
