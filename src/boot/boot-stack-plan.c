// SPDX-License-Identifier: GPL-2.0-or-later
/* The boot-stack facts rendering needs, read from the machine once, after deciding. */
#include <stdlib.h>

#include "boot-stack-plan.h"
#include "boot-stack.h"
#include "modules.h"
#include "util.h"

/* A generator's forced list is one list for every kernel: a module one kernel lacks makes
 * its run log "FAILED" and its boot try to load a module that is not there. So only the
 * modules every installed kernel has as modules; they pull in their own dependencies
 * (vfio_virqfd on 6.1, vfio_pci_core). false if no kernel's index answered. */
static bool common_modules(const char *root, const struct strlist *kernels, struct strlist *out)
{
	bool first = true;

	for (size_t k = 0; k < kernels->n; k++) {
		struct strlist mods, kept;
		struct error err = { 0 };

		sl_init(&mods);
		if (initramfs_modules(root, kernels->items[k], &mods, &err) < 0) {
			sl_free(&mods);
			continue; /* no index to ask: this kernel says nothing */
		}
		if (first) {
			*out = mods;
			first = false;
			continue;
		}
		sl_init(&kept);
		for (size_t i = 0; i < out->n; i++)
			if (sl_has(&mods, out->items[i]))
				sl_add(&kept, out->items[i]);
		sl_free(out);
		*out = kept;
		sl_free(&mods);
	}
	return !first;
}

void boot_stack_plan(const char *root, const struct inventory *inv, struct plan *plan)
{
	plan->generator = initramfs_generator_in_use(root);
	if (!plan->generator || !plan->generator->forces_modules || plan_is_empty(plan))
		return;
	if (!common_modules(root, &inv->kernels, &plan->forced_modules))
		initramfs_modules_fallback(&plan->forced_modules); /* no kernel index */
}
