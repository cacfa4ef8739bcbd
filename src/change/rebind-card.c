// SPDX-License-Identifier: GPL-2.0-or-later
/* One card's rebinding as a transaction, so that a card moves whole or not at all: its sysfs
 * writes are planned up front, each write that went through is logged, and on the first
 * failure the log is undone in reverse: every function goes back to the driver and the
 * driver_override it had. What could not be undone is named, with the commands that finish
 * it by hand. Never new_id to take a card: it would take every device with those ids, the
 * host's twin card too; only to give vfio-pci back an id this transaction took from it. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "log.h"
#include "rebind.h"
#include "util.h"

#define PCI_SYSFS "/sys/bus/pci"

/* Per function, in the order the kernel documents for driver_override, but unbinding first
 * (nothing probes in between, so the move is the same): undone in reverse, the override is
 * then restored before the old driver is bound again, and the kernel refuses to bind a
 * driver that an override does not name. Each step runs over every function of the card
 * before the next: a refused override or unbind leaves nothing on vfio-pci to take back. */
enum step_kind {
	STEP_UNBIND,
	STEP_OVERRIDE,
	STEP_REMOVE_ID,
	STEP_PROBE
};

struct step {
	enum step_kind kind;
	size_t fn;	     /* which function of the card */
	bool written;	     /* the write went through: undo it */
	bool removed;	     /* STEP_REMOVE_ID: vfio-pci had the id and lost it */
	char *driver_before; /* STEP_PROBE: the function's driver just before the probe */
};

/* A function during the transaction. driver: where it is bound, as far as the run knows;
 * on the kernel's sysfs it is read back, on a test's tree (which only records the writes)
 * it is what the writes asked for; after giving back, only the kernel knows (NULL). */
struct fn {
	const struct rebind_move *m;
	char addr[PCI_ADDR_STRLEN];
	char *driver;
	bool override_vfio; /* its driver_override names vfio-pci now */
};

struct card_tx {
	const char *root;
	bool kernel, to_vfio;
	struct fn *fns;
	size_t n_fns;
	struct step *steps;
	size_t n_steps;
	struct strlist undone;	/* what the undo did, one item per write */
	struct strlist by_hand; /* the writes the undo could not make, as shell commands */
};

static void set_driver(struct fn *f, const char *driver)
{
	free(f->driver);
	f->driver = driver ? xstrdup(driver) : NULL;
}

static const char *driver_of(struct card_tx *tx, struct fn *f)
{
	if (tx->kernel) {
		free(f->driver);
		f->driver = rebind_driver_now(tx->root, f->addr);
	}
	return f->driver;
}

static bool is_vfio(const char *driver)
{
	return driver && strcmp(driver, VFIO_PCI_DRIVER) == 0;
}

static void add_step(struct card_tx *tx, enum step_kind kind, size_t fn)
{
	tx->steps = xrealloc(tx->steps, (tx->n_steps + 1) * sizeof(*tx->steps));
	tx->steps[tx->n_steps++] = (struct step){ .kind = kind, .fn = fn };
}

static void plan_steps(struct card_tx *tx)
{
	static const enum step_kind order[] = { STEP_UNBIND, STEP_OVERRIDE, STEP_REMOVE_ID,
						STEP_PROBE };

	for (size_t o = 0; o < ARRAY_SIZE(order); o++)
		for (size_t i = 0; i < tx->n_fns; i++) {
			const struct rebind_move *m = tx->fns[i].m;

			if (order[o] == STEP_UNBIND && !m->unbind_from)
				continue;
			if (order[o] == STEP_REMOVE_ID && tx->to_vfio)
				continue;
			add_step(tx, order[o], i);
		}
}

static char *override_path(const struct fn *f)
{
	return xasprintf(PCI_SYSFS "/devices/%s/driver_override", f->addr);
}

static char *driver_file(const char *driver, const char *file)
{
	return xasprintf(PCI_SYSFS "/drivers/%s/%s", driver, file);
}

/* "vvvv dddd", as new_id and remove_id read it. */
static void format_id(const struct rebind_move *m, char id[PCI_ID_STRLEN])
{
	snprintf(id, PCI_ID_STRLEN, "%04x %04x", m->vendor, m->device);
}

/* The kernel's word after a probe: where the function went is where it had to go. */
static int check_probe(struct card_tx *tx, struct fn *f, struct error *err)
{
	const char *now = driver_of(tx, f);

	if (!tx->kernel)
		return 0;
	if (tx->to_vfio && !is_vfio(now))
		return error_set(err, EXIT_FAILURE_RUNTIME,
				 "%s: vfio-pci did not take it (driver now: %s)", f->addr,
				 now ? now : "none");
	if (!tx->to_vfio && is_vfio(now))
		return error_set(err, EXIT_FAILURE_RUNTIME, "%s: still on vfio-pci after the probe",
				 f->addr);
	return 0;
}

static int do_step(struct card_tx *tx, struct step *s, struct error *err)
{
	struct fn *f = &tx->fns[s->fn];
	const struct rebind_move *m = f->m;
	_cleanup_free_ char *path = NULL;
	char id[PCI_ID_STRLEN];
	int r;

	switch (s->kind) {
	case STEP_UNBIND:
		path = driver_file(m->unbind_from, "unbind");
		if (rebind_sysfs_write(tx->root, path, f->addr, 0, err) < 0)
			return -1;
		set_driver(f, NULL);
		break;
	case STEP_OVERRIDE:
		/* An empty line clears the override: the function's own driver may take it. */
		path = override_path(f);
		if (rebind_sysfs_write(tx->root, path, tx->to_vfio ? VFIO_PCI_DRIVER : "", 0, err) <
		    0)
			return -1;
		f->override_vfio = tx->to_vfio;
		break;
	case STEP_REMOVE_ID:
		/* So that vfio-pci (loaded with ids= from the configuration just removed) does
		 * not take it again at the probe. ENODEV: vfio-pci had no such dynamic id (it was
		 * bound by driver_override). */
		format_id(m, id);
		r = rebind_sysfs_write(tx->root, PCI_SYSFS "/drivers/" VFIO_PCI_DRIVER "/remove_id",
				       id, ENODEV, err);
		if (r < 0)
			return -1;
		s->removed = r == 0;
		break;
	case STEP_PROBE:
		s->driver_before = driver_of(tx, f) ? xstrdup(f->driver) : NULL;
		if (rebind_sysfs_write(tx->root, PCI_SYSFS "/drivers_probe", f->addr, 0, err) < 0)
			return -1;
		s->written = true;
		set_driver(f, tx->to_vfio ? VFIO_PCI_DRIVER : NULL);
		return check_probe(tx, f, err);
	}
	s->written = true;
	return 0;
}

/* One write of the undo; what it did, or the command that makes it by hand. */
static void undo_write(struct card_tx *tx, const char *path, const char *value, const char *what)
{
	struct error err = { 0 };
	_cleanup_free_ char *cmd = NULL;

	if (rebind_sysfs_write(tx->root, path, value, 0, &err) == 0) {
		sl_add(&tx->undone, what);
		return;
	}
	cmd = *value ? xasprintf("echo %s > %s   # %s", value, path, err.msg)
		     : xasprintf("echo > %s   # %s", path, err.msg);
	sl_add(&tx->by_hand, cmd);
}

static void undo_step(struct card_tx *tx, const struct step *s)
{
	struct fn *f = &tx->fns[s->fn];
	const struct rebind_move *m = f->m;
	_cleanup_free_ char *path = NULL, *what = NULL;
	const char *now;
	char id[PCI_ID_STRLEN];

	switch (s->kind) {
	case STEP_PROBE:
		now = driver_of(tx, f);
		if (!now || (s->driver_before && strcmp(now, s->driver_before) == 0))
			return;
		path = driver_file(now, "unbind");
		what = xasprintf("unbound %s from %s", f->addr, now);
		undo_write(tx, path, f->addr, what);
		set_driver(f, NULL);
		return;
	case STEP_REMOVE_ID:
		if (!s->removed)
			return;
		format_id(m, id);
		what = xasprintf("gave vfio-pci the id %04x:%04x again", m->vendor, m->device);
		undo_write(tx, PCI_SYSFS "/drivers/" VFIO_PCI_DRIVER "/new_id", id, what);
		/* The kernel binds the driverless devices the id matches: this function too. */
		if (!tx->kernel && !f->driver)
			set_driver(f, VFIO_PCI_DRIVER);
		return;
	case STEP_OVERRIDE:
		if (tx->to_vfio ? is_vfio(m->override_before) : !m->override_before)
			return; /* the write set what was there */
		path = override_path(f);
		what = m->override_before ? xasprintf("set %s's driver_override to %s again",
						      f->addr, m->override_before)
					  : xasprintf("cleared %s's driver_override", f->addr);
		undo_write(tx, path, m->override_before ? m->override_before : "", what);
		f->override_vfio = is_vfio(m->override_before);
		return;
	case STEP_UNBIND:
		now = driver_of(tx, f);
		if (now && strcmp(now, m->unbind_from) == 0)
			return;
		path = driver_file(m->unbind_from, "bind");
		what = xasprintf("bound %s to %s again", f->addr, m->unbind_from);
		undo_write(tx, path, f->addr, what);
		set_driver(f, m->unbind_from);
		return;
	}
}

static void print_moved(struct card_tx *tx)
{
	for (size_t i = 0; i < tx->n_fns; i++) {
		struct fn *f = &tx->fns[i];
		const char *from = f->m->unbind_from;

		if (!tx->kernel)
			printf("%s: %s (written)\n", f->addr,
			       tx->to_vfio ? "handed to vfio-pci" : "given back");
		else if (tx->to_vfio)
			printf("%s: bound to vfio-pci now (was %s)\n", f->addr,
			       from ? from : "unbound");
		else
			printf("%s: given back now (driver: %s)\n", f->addr,
			       f->driver ? f->driver : "none");
	}
}

/* On stderr, after this run's own lines: the card, the cause, what was undone, and what
 * was not, with the commands in the order to run them. */
static void report_failure(struct card_tx *tx, const char *card, const char *cause)
{
	_cleanup_free_ char *undone = sl_join(&tx->undone, "; ");

	log_error("%s: the card could not be %s now: %s", card,
		  tx->to_vfio ? "handed to vfio-pci" : "given back", cause);
	if (tx->undone.n)
		log_error("%s: undone: %s", card, undone);
	if (!tx->by_hand.n) {
		log_error("%s: %s; %s", card,
			  tx->undone.n ? "every function is back on the driver it had"
				       : "nothing had changed",
			  tx->to_vfio ? "the configuration is written: it goes to vfio-pci at the "
					"next boot"
				      : "it stays on vfio-pci until the next boot");
		return;
	}
	log_error("%s: NOT undone, the card is half-moved; run as root, in this order:", card);
	for (size_t i = 0; i < tx->by_hand.n; i++)
		fprintf(stderr, "  %s\n", tx->by_hand.items[i]);
}

int rebind_card(const char *root, bool kernel, bool to_vfio, const struct rebind_move *moves,
		size_t n)
{
	struct card_tx tx = { .root = root, .kernel = kernel, .to_vfio = to_vfio, .n_fns = n };
	struct error err = { 0 };
	char card[PCI_ADDR_STRLEN];
	size_t done = 0;

	sl_init(&tx.undone);
	sl_init(&tx.by_hand);
	tx.fns = xcalloc(n ? n : 1, sizeof(*tx.fns));
	for (size_t i = 0; i < n; i++) {
		struct fn *f = &tx.fns[i];

		f->m = &moves[i];
		pci_addr_format(&moves[i].addr, f->addr);
		f->driver = moves[i].unbind_from ? xstrdup(moves[i].unbind_from) : NULL;
		f->override_vfio = is_vfio(moves[i].override_before);
	}
	pci_addr_format(&moves[0].card, card);
	plan_steps(&tx);
	for (; done < tx.n_steps; done++)
		if (do_step(&tx, &tx.steps[done], &err) < 0)
			break;
	if (done == tx.n_steps) {
		print_moved(&tx);
	} else {
		/* The failed step is undone too when its write went through (a probe the kernel
		 * answered wrongly). */
		for (size_t k = tx.steps[done].written ? done + 1 : done; k-- > 0;)
			undo_step(&tx, &tx.steps[k]);
		report_failure(&tx, card, err.msg);
	}
	for (size_t i = 0; i < tx.n_steps; i++)
		free(tx.steps[i].driver_before);
	for (size_t i = 0; i < n; i++)
		free(tx.fns[i].driver);
	free(tx.steps);
	free(tx.fns);
	sl_free(&tx.undone);
	sl_free(&tx.by_hand);
	return done == tx.n_steps ? 0 : -1;
}
