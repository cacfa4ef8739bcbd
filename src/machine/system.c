// SPDX-License-Identifier: GPL-2.0-or-later
/* The chain from the machine to a plan, written once for detect, apply and status. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "boot-stack-plan.h"
#include "detect.h"
#include "log.h"
#include "modules.h"
#include "system.h"

int system_load(const char *root, unsigned detect_flags, enum index_failure on_index_failure,
		struct inventory *inv, struct error *err)
{
	return system_load_cached(root, detect_flags, on_index_failure, NULL, NULL, inv, err);
}

int system_load_cached(const char *root, unsigned detect_flags, enum index_failure on_index_failure,
		       const char *modules_cache, char **modules_cache_out, struct inventory *inv,
		       struct error *err)
{
	struct error index_err = { 0 };

	if (modules_cache_out)
		*modules_cache_out = NULL;
	if (detect_inventory_flags(root, detect_flags, inv, err) < 0)
		return -1;
	/* Only the cards' functions: the only ones shown and bound; a server's NICs and
	 * disks looked up against every kernel would only cost time. */
	if (modules_resolve_cards_cached(root, inv, modules_cache, modules_cache_out, &index_err) <
	    0) {
		inv->modules_incomplete = true;
		sl_add(&inv->warnings, index_err.msg);
		/* Without a PCI bus nothing would be configured anyway. */
		if (on_index_failure == INDEX_FAILURE_FATAL && inv->have_pci) {
			error_set(err, index_err.code, "%s", index_err.msg);
			inventory_free(inv);
			return -1;
		}
	}
	policy_classify(inv);
	if (on_index_failure != INDEX_FAILURE_IGNORE)
		for (size_t i = 0; i < inv->warnings.n; i++)
			log_warning("%s", inv->warnings.items[i]);
	return 0;
}

static void apply_overrides(struct request *req, const struct request_overrides *o)
{
	if (o->devices) {
		free(req->devices);
		req->devices = NULL;
		req->n_devices = o->devices->n_devices;
		req->devices_auto = o->devices->devices_auto;
		if (req->n_devices) {
			req->devices = xcalloc(req->n_devices, sizeof(*req->devices));
			memcpy(req->devices, o->devices->devices,
			       req->n_devices * sizeof(*req->devices));
		}
	}
	if (o->host_busid) {
		req->host_busid_auto = false;
		req->host_busid = *o->host_busid;
	}
	if (o->no_xorg)
		req->xorg = false;
	if (o->kernel_params) {
		free(req->kernel_params);
		req->kernel_params = xstrdup(o->kernel_params);
		req->kernel_params_auto = false;
	}
	if (o->force)
		req->force = true;
	if (o->no_force)
		req->force = false;
	if (o->full_passthrough)
		req->full_passthrough = true;
}

/* A refusal names a device's class as pci.ids does ("Network controller"): apply loads
 * no names (their parse is half its time), so only the devices it refuses get one. */
static void name_requested_classes(struct inventory *inv, const struct request *req)
{
	for (size_t i = 0; i < req->n_devices; i++)
		for (size_t k = 0; k < inv->n_functions; k++) {
			struct pci_function *f = &inv->functions[k];

			if (pci_addr_cmp(&f->addr, &req->devices[i]) == 0 && !f->class_name)
				f->class_name = detect_class_name(f->class_id);
		}
}

int system_plan(const char *root, struct inventory *inv, const struct request_overrides *o,
		struct request *req, struct plan *plan, struct error *err)
{
	memset(plan, 0, sizeof(*plan));
	if (settings_load(root, req, err) < 0)
		return -1;
	if (o)
		apply_overrides(req, o);
	if (!req->devices_auto)
		name_requested_classes(inv, req);
	if (policy_plan(inv, req, plan, err) < 0)
		return -1;
	/* Guessing would leave an Intel host without intel_iommu=on: no IOMMU, no VM. */
	if (!plan_is_empty(plan) && req->kernel_params_auto && inv->cpu == CPU_UNKNOWN) {
		plan_free(plan);
		return error_set(err, EXIT_FAILURE_RUNTIME,
				 "cannot tell the CPU vendor, so the IOMMU kernel parameters are "
				 "unknown: set them yourself with KERNEL_PARAMS in " SETTINGS_PATH
				 " or --kernel-params (\"intel_iommu=on iommu=pt\" on Intel, "
				 "\"iommu=pt\" on AMD)");
	}
	boot_stack_plan(root, inv, plan);
	return 0;
}
