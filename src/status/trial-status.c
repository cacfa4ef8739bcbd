// SPDX-License-Identifier: GPL-2.0-or-later
/* `status` while a trial is pending: which of its four phases this boot is (trial.c
 * decides from the state, the command line and the boot id), and in the trial boot whether
 * the trial's cards are on vfio-pci; or that an apply --trial was cut short before it armed
 * its trial (the state's trial_arming). The normal checks describe a permanent configuration,
 * which a trial is not yet. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "status-check.h"
#include "status-format.h"
#include "status-report.h"
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
			sb_addf(&sb, "%s%s %s", sb.len ? ", " : "", addr,
				f->driver ? f->driver : "none");
			*all_vfio = *all_vfio && f->driver && strcmp(f->driver, "vfio-pci") == 0;
		}
	}
	return sb_steal(&sb);
}

void boot_facts_read(const char *root, struct boot_facts *b)
{
	_cleanup_free_ char *boot_id = path_join(root, "/proc/sys/kernel/random/boot_id");
	_cleanup_free_ char *osrelease = path_join(root, "/proc/sys/kernel/osrelease");

	memset(b, 0, sizeof(*b));
	b->boot_id = read_attr(boot_id);
	b->kernel = read_attr(osrelease);
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
	free(b->kernel);
}

/* What status says of the trial in this boot. */
struct trial_verdict {
	const char *phase; /* the JSON's trial.phase */
	enum check_result result;
	char *msg; /* the text output's one line, the check's detail */
	const char *cause, *fix;
};

static void trial_verdict_of(const struct apply_state *st, const struct boot_facts *b,
			     struct trial_verdict *v)
{
	_cleanup_free_ char *drivers = NULL;
	bool bound = false;

	memset(v, 0, sizeof(*v));
	if (st->trial_arming) {
		/* Before any trial the state may have: the files are this run's, not its. */
		v->phase = "arm-interrupted";
		v->result = CHECK_FAIL;
		v->cause =
		    "apply --trial was cut short (a crash or a kill) before it asked the boot "
		    "loader to boot the trial entry once";
		v->fix = PROG " apply --trial to arm it, or " PROG " remove";
		v->msg = xasprintf(
		    "An apply --trial of %s was interrupted before its trial was "
		    "armed: the trial is not armed, so the next boot is NOT the trial "
		    "(its files may be in place). Arm it with: " PROG " apply --trial; "
		    "or drop it with: " PROG " remove.",
		    st->trial_arming_cards && *st->trial_arming_cards ? st->trial_arming_cards
								      : "the cards");
		return;
	}
	switch (trial_phase_of(st->trial, st->trial_confirming,
			       b->have_inv ? b->inv.cmdline : b->cmdline, b->boot_id,
			       st->boot_id)) {
	case TRIAL_PENDING:
		v->phase = "pending";
		v->result = CHECK_PENDING;
		v->fix = "reboot: the next boot is the trial";
		v->msg =
		    xasprintf("Trial pending: the next boot, and only that one, tries %s on "
			      "vfio-pci (boot entry \"vfio-passthrough-setup trial (one boot)\"). "
			      "Reboot to try it; then run " PROG " status and " PROG " confirm.",
			      st->cards);
		break;
	case TRIAL_RUNNING:
		v->phase = "running";
		drivers = drivers_of(b->have_inv ? &b->inv : NULL, b->err.msg, st->cards, &bound);
		v->result = bound ? CHECK_PASS : CHECK_FAIL;
		if (!bound) {
			v->cause = "not every function of the trial's cards is on vfio-pci";
			v->fix = "do not confirm; reboot into the previous configuration";
		}
		v->msg =
		    bound ? xasprintf("Trial boot: %s on vfio-pci (%s). Keep it for every boot "
				      "with: " PROG " confirm. Without it, the next boot is the "
				      "previous configuration again.",
				      st->cards, drivers)
			  : xasprintf("Trial boot, but not every function is on vfio-pci (%s): do "
				      "not confirm; the next boot is the previous configuration "
				      "again.",
				      drivers);
		break;
	case TRIAL_CONFIRM_INTERRUPTED:
		v->phase = "confirm-interrupted";
		v->result = CHECK_FAIL;
		v->cause = "confirm was cut short (a crash or a kill) while it wrote the "
			   "permanent configuration";
		v->fix = PROG " confirm";
		v->msg =
		    xasprintf("The confirm of the trial of %s was interrupted before it "
			      "finished: the boot files may be half written. Finish it with: " PROG
			      " confirm",
			      st->cards);
		break;
	default:
		v->phase = "not-confirmed";
		v->result = CHECK_FAIL;
		v->cause = "the trial was not confirmed in its boot";
		v->fix = PROG " apply --trial to try again, or " PROG " remove";
		v->msg =
		    xasprintf("The trial of %s was not confirmed: this boot is the previous "
			      "configuration (no card on vfio-pci; the trial entry is not booted "
			      "again). Try again with " PROG " apply --trial, or drop it with " PROG
			      " remove.",
			      st->cards);
		break;
	}
}

/* status --json's object (the schema's): its one check the trial's verdict, and the keys
 * trial, cards and message, which the JSON of a trial always had. */
static void print_json(const struct apply_state *st, const struct boot_facts *b,
		       const struct trial_verdict *v)
{
	struct status_report report = { 0 };
	struct status_input in;
	struct strbuf out;

	memset(&in, 0, sizeof(in));
	in.kernel = b->kernel;
	in.trial_pending = true;
	in.trial_phase = v->phase;
	in.trial_cards = st->trial_arming ? st->trial_arming_cards : st->cards;
	if (!in.trial_cards)
		in.trial_cards = "";
	in.trial_message = v->msg;
	report_add(&report, "trial", in.trial_cards, v->result, v->cause, v->fix, "%s", v->msg);
	report.reboot_pending = v->result == CHECK_PENDING;
	sb_init(&out);
	status_format_json(&in, &report, &out);
	fputs(out.buf, stdout);
	sb_free(&out);
	status_report_free(&report);
}

int trial_status(const struct apply_state *st, const struct boot_facts *b, bool json)
{
	struct trial_verdict v;

	if (!st->trial && !st->trial_arming)
		return -1;
	trial_verdict_of(st, b, &v);
	if (json)
		print_json(st, b, &v);
	else
		printf("%s\n", v.msg);
	free(v.msg);
	return v.result == CHECK_PASS	   ? EXIT_OK
	       : v.result == CHECK_PENDING ? EXIT_REBOOT_PENDING
					   : EXIT_FAILURE_RUNTIME;
}
