/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Loading the system and planning for it: the one chain every command runs (read the
 * machine, look up its modules, classify its cards; then settings + command-line overrides
 * -> plan), so detect, apply and status can never disagree on what they saw. */
#pragma once

#include "detect.h"
#include "inventory.h"
#include "policy.h"
#include "settings.h"

/* What a module index that cannot be read or looked up does to the load. Whatever the
 * choice, inv->modules_incomplete is set and the reason is added to inv->warnings. */
enum index_failure {
	INDEX_FAILURE_FATAL,  /* an error: apply must not write softdeps it could not find */
	INDEX_FAILURE_WARN,   /* go on; every warning is printed on stderr (detect) */
	INDEX_FAILURE_IGNORE, /* go on quietly; warnings stay in inv->warnings (status) */
};

/* Detect (detect_flags: DETECT_NO_NAMES...), resolve the card functions' modules, classify.
 * Except with INDEX_FAILURE_IGNORE, inv->warnings are printed on stderr. */
int system_load(const char *root, unsigned detect_flags, enum index_failure on_index_failure,
		struct inventory *inv, struct error *err);
/* The same with the modules' record of the last apply (state.h's modules_cache, NULL if
 * none): modules_resolve_cards_cached() believes it where it still holds, and sets
 * *modules_cache_out to the record of this load (NULL if none), which the caller frees. */
int system_load_cached(const char *root, unsigned detect_flags, enum index_failure on_index_failure,
		       const char *modules_cache, char **modules_cache_out, struct inventory *inv,
		       struct error *err);

/* What the command line (apply) or the last apply's record (status) puts over the settings
 * file. NULL/false fields leave the settings' value. */
struct request_overrides {
	const struct request *devices;	   /* its devices, n_devices, devices_auto replace them */
	const struct pci_addr *host_busid; /* replaces HOST_BUSID */
	bool no_xorg;
	const char *kernel_params; /* validated by the caller */
	bool force;
	bool no_force; /* apply --no-force: ALLOW_HOST_GPU="yes" does not count either */
	/* apply --full-passthrough: every GPU and every NVSwitch together */
	bool full_passthrough;
};

/* Load the settings under root into req (request_init'ed by the caller), put the overrides
 * over them and plan. The error says which step failed. */
int system_plan(const char *root, struct inventory *inv, const struct request_overrides *o,
		struct request *req, struct plan *plan, struct error *err);
