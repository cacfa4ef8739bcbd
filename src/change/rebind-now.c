// SPDX-License-Identifier: GPL-2.0-or-later
/* `apply --now` and `remove --now` after the files are written: read the facts, decide,
 * write (or, for a dry run, say what would be written), and report what waits for a
 * reboot. */
#include <stdio.h>

#include "rebind.h"
#include "util.h"

static void print_would(const struct rebind_plan *p)
{
	if (p->load_vfio)
		printf("Would load vfio-pci.\n");
	for (size_t i = 0; i < p->n_moves; i++) {
		char a[PCI_ADDR_STRLEN];

		pci_addr_format(&p->moves[i].addr, a);
		printf("%s: would %s (from %s)\n", a,
		       p->to_vfio ? "hand it to vfio-pci" : "give it back",
		       p->moves[i].unbind_from ? p->moves[i].unbind_from : "no driver");
	}
}

int rebind_now(const char *root, const struct inventory *inv, struct rebind_cards cards,
	       bool to_vfio, bool dry_run, struct error *err)
{
	struct rebind_facts facts;
	struct rebind_plan plan;
	int status = -1, written = EXIT_OK;

	rebind_facts_read(root, inv, cards, &facts);
	if (to_vfio)
		rebind_decide_take(inv, cards, &facts, &plan);
	else
		rebind_decide_give_back(inv, cards, &facts, &plan);
	if (dry_run)
		print_would(&plan);
	else if ((written = rebind_write(root, &plan, err)) < 0)
		goto out;
	status = rebind_report(&plan);
	if (written != EXIT_OK)
		status = written;
out:
	rebind_plan_free(&plan);
	rebind_facts_free(&facts);
	return status;
}
