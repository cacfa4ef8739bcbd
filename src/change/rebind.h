/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Binding at run time (`apply --now`, `remove --now`): move a card's functions to vfio-pci,
 * or give them back, without a reboot, where that is safe. Three parts, as elsewhere:
 * rebind-facts.c reads what the inventory does not hold (who has the card open, its
 * framebuffer, whether vfio-pci can load), rebind-decide.c decides from data alone, and
 * rebind-write.c with rebind-card.c does the sysfs writes (unbind, driver_override,
 * drivers_probe), each card's as one transaction undone on a failure, under the root, so
 * tests can check every write on a fake sysfs tree. */
#pragma once

#include <stdbool.h>

#include "inventory.h"
#include "util.h"

#define VFIO_PCI_DRIVER "vfio-pci"

/* What the inventory lacks about one function, read at run time. */
struct function_use {
	struct pci_addr addr;
	char *driver_override; /* NULL if none */
	bool framebuffer;      /* it carries fb0, where the console is unless fbcon=map: */
	bool usb_devices;      /* a USB controller with devices attached */
	char *held_by;	       /* "pid 812 (Xorg) has /dev/dri/card0 open"; NULL if nobody */
};

struct rebind_facts {
	char *vfio_unavailable; /* NULL if vfio-pci is loaded or loadable; else why not */
	bool vfio_loaded;
	struct function_use *fns;
	size_t n;
};

struct rebind_move {
	struct pci_addr addr;
	struct pci_addr card;  /* the card it belongs to: a card's moves are one transaction */
	char *unbind_from;     /* the driver it leaves; NULL if it has none */
	char *override_before; /* its driver_override before, for the undo; NULL if none */
	/* Giving back: the ids for vfio-pci's remove_id, so that vfio-pci (loaded with ids=
	 * from the configuration just removed) does not take it again at the probe. */
	uint16_t vendor, device;
};

/* The decision: which functions move now, which already are where they belong, and why
 * the others wait for a reboot ("0000:01:00.0: REASON", one line each). */
struct rebind_plan {
	bool to_vfio; /* take (apply --now) or give back (remove --now) */
	bool load_vfio;
	struct rebind_move *moves;
	size_t n_moves;
	struct strlist in_place;
	struct strlist refused;
};

/* Why this driver cannot be unbound or probed again at run time without harm; NULL if it
 * can. The one list of such drivers. */
const char *rebind_unsafe_driver(const char *driver);

/* The cards to move: their addresses (as plan.cards). */
struct rebind_cards {
	const struct pci_addr *addrs;
	size_t n;
};

/* Pure. Take: the functions of the cards go to vfio-pci now, a whole card or none of it.
 * Give back: the functions of those cards that vfio-pci holds (or is set to take) return
 * to their own drivers. */
void rebind_decide_take(const struct inventory *inv, struct rebind_cards cards,
			const struct rebind_facts *facts, struct rebind_plan *out);
void rebind_decide_give_back(const struct inventory *inv, struct rebind_cards cards,
			     const struct rebind_facts *facts, struct rebind_plan *out);
void rebind_plan_free(struct rebind_plan *p);

/* rebind-facts.c: read the facts about the functions of the cards (and their IOMMU
 * groups) under root. */
void rebind_facts_read(const char *root, const struct inventory *inv, struct rebind_cards cards,
		       struct rebind_facts *facts);
void rebind_facts_free(struct rebind_facts *facts);

/* rebind-write.c: carry the plan out under root, one card at a time, and print what happened.
 * Each card is a transaction (rebind-card.c): a failed write, or a function that did not move
 * (checked where root's /sys is the kernel's), undoes that card's writes and is reported on
 * stderr; the other cards still move. EXIT_OK, EXIT_FAILURE_RUNTIME when some card failed,
 * or -1 with err set when vfio-pci could not be loaded (before any write). */
int rebind_write(const char *root, const struct rebind_plan *p, struct error *err);
/* rebind-card.c: one card's moves (moves[0..n), all of one card) as a transaction: 0 when the
 * card moved, -1 when it failed and was undone as far as it could be (reported on stderr:
 * the card, the cause, what was undone, and the commands for what could not be). kernel:
 * root's /sys is the kernel's, whose answers are read back after each write. */
int rebind_card(const char *root, bool kernel, bool to_vfio, const struct rebind_move *moves,
		size_t n);

/* rebind-write.c's access to sysfs under root, shared with rebind-card.c. Write one line,
 * as `echo VALUE >PATH` does: 0, 1 when the write ended with ok_errno (an errno that is not
 * a failure), -1 with err set. */
int rebind_sysfs_write(const char *root, const char *path, const char *value, int ok_errno,
		       struct error *err);
/* The driver the function at addr is bound to now (the name its driver link points to);
 * NULL if none. Caller frees. */
char *rebind_driver_now(const char *root, const char *addr);
/* Print the refusals (and what was in place); the exit status: EXIT_OK when nothing
 * was refused, EXIT_REBOOT_PENDING when some function waits for a reboot. */
int rebind_report(const struct rebind_plan *p);

/* rebind-now.c: facts, decision, writes (none for a dry run), report. The exit status
 * (EXIT_OK, EXIT_REBOOT_PENDING, EXIT_FAILURE_RUNTIME when a card's writes failed and were
 * undone), or -1 with err set when vfio-pci could not be loaded. */
int rebind_now(const char *root, const struct inventory *inv, struct rebind_cards cards,
	       bool to_vfio, bool dry_run, struct error *err);
