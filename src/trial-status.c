// SPDX-License-Identifier: GPL-2.0-or-later
/* `status` while a trial is pending: which of its three phases this boot is (trial.c
 * decides from the state, the command line and the boot id), and in the trial boot whether
 * the trial's cards are on vfio-pci. The normal checks describe a permanent configuration,
 * which a trial is not yet. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "json.h"
#include "log.h"
#include "root-path.h"
#include "state.h"
#include "system.h"
#include "trial.h"
#include "util.h"

/* "0000:01:00.0 vfio-pci, 0000:01:00.1 vfio-pci"; *all_vfio whether every function is. */
static char *drivers_of(const struct inventory *inv, const char *inv_error, const char *cards,
			bool *all_vfio)
{
	_cleanup_free_ char *copy = xstrdup(cards ? cards : "");
	struct strbuf sb;
	char *save = NULL;

	*all_vfio = false;
	sb_init(&sb);
	if (!inv) {
		sb_addf(&sb, "unknown (%s)", inv_error);
		return sb_steal(&sb);
	}
	*all_vfio = true;
	for (char *w = strtok_r(copy, " ", &save); w; w = strtok_r(NULL, " ", &save)) {
		struct pci_addr a;
		int c = pci_addr_parse(w, &a) == 0 ? inventory_find_card(inv, &a) : -1;

		if (c < 0) {
			sb_addf(&sb, "%s%s not found", sb.len ? ", " : "", w);
			*all_vfio = false;
			continue;
		}
		for (size_t k = 0; k < inv->cards[c].n_functions; k++) {
			const struct pci_function *f = &inv->functions[inv->cards[c].functions[k]];
			char addr[PCI_ADDR_STRLEN];

			pci_addr_format(&f->addr, addr);
			sb_addf(&sb, "%s%s %s", sb.len ? ", " : "", addr, f->driver ? f->driver : "none");
			*all_vfio = *all_vfio && f->driver && strcmp(f->driver, "vfio-pci") == 0;
		}
	}
	return sb_steal(&sb);
}

void boot_facts_read(const char *root, struct boot_facts *b)
{
	_cleanup_free_ char *boot_id = path_join(root, "/proc/sys/kernel/random/boot_id");

	memset(b, 0, sizeof(*b));
	b->boot_id = read_attr(boot_id);
	/* The same load apply makes (a missing module index only changes the softdeps, which
	 * status's file check reports), so what status re-renders is what apply would write. */
	b->have_inv = system_load(root, 0, INDEX_FAILURE_IGNORE, &b->inv, &b->err) == 0;
	if (!b->have_inv) {
		_cleanup_free_ char *cmdline = path_join(root, "/proc/cmdline");

		b->cmdline = read_attr(cmdline);
	}
}

void boot_facts_free(struct boot_facts *b)
{
	if (b->have_inv)
		inventory_free(&b->inv);
	free(b->boot_id);
	free(b->cmdline);
}

int trial_status(const struct apply_state *st, const struct boot_facts *b, bool json)
{
	_cleanup_free_ char *msg = NULL, *drivers = NULL;
	const char *phase_name;
	bool bound = false;
	int code;

	if (!st->trial)
		return -1;
	switch (trial_phase_of(st->trial, b->have_inv ? b->inv.cmdline : b->cmdline, b->boot_id,
			       st->boot_id)) {
	case TRIAL_PENDING:
		phase_name = "pending";
		code = EXIT_REBOOT_PENDING;
		msg = xasprintf("Trial pending: the next boot, and only that one, tries %s on "
				"vfio-pci (boot entry \"vfio-passthrough-setup trial (one boot)\"). "
				"Reboot to try it; then run " PROG " status and " PROG " confirm.",
				st->cards);
		break;
	case TRIAL_RUNNING:
		phase_name = "running";
		drivers = drivers_of(b->have_inv ? &b->inv : NULL, b->err.msg, st->cards, &bound);
		code = bound ? EXIT_OK : EXIT_FAILURE_RUNTIME;
		msg = bound ? xasprintf("Trial boot: %s on vfio-pci (%s). Keep it for every boot "
					"with: " PROG " confirm. Without it, the next boot is the "
					"previous configuration again.",
					st->cards, drivers)
			    : xasprintf("Trial boot, but not every function is on vfio-pci (%s): do "
					"not confirm; the next boot is the previous configuration "
					"again.",
					drivers);
		break;
	default:
		phase_name = "not-confirmed";
		code = EXIT_FAILURE_RUNTIME;
		msg = xasprintf("The trial of %s was not confirmed: this boot is the previous "
				"configuration (no card on vfio-pci; the trial entry is not booted "
				"again). Try again with " PROG " apply --trial, or drop it with " PROG
				" remove.",
				st->cards);
		break;
	}
	if (json) {
		struct json j;
		_cleanup_free_ char *text = NULL;

		json_init(&j);
		json_object_begin(&j);
		json_key(&j, "trial");
		json_string(&j, phase_name);
		json_key(&j, "cards");
		json_string(&j, st->cards);
		json_key(&j, "message");
		json_string(&j, msg);
		json_object_end(&j);
		text = json_steal(&j);
		json_free(&j);
		printf("%s\n", text);
	} else {
		printf("%s\n", msg);
	}
	return code;
}
