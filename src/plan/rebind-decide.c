// SPDX-License-Identifier: GPL-2.0-or-later
/* Whether a card may change hands now, from data alone: the inventory (drivers, boot_vga,
 * IOMMU groups, own modules) and the run-time facts (open handles, framebuffer, USB). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "rebind.h"
#include "util.h"

/* Drivers that cannot let go of a device at run time without harming the host. */
static const struct {
	const char *driver;
	const char *why;
} unsafe_drivers[] = {
	/* Measured on Debian 12 (Linux 6.1) under QEMU: unbind + drivers_probe panics in
	 * qxl_irq_handler. */
	{ "qxl", "qxl cannot be rebound at run time (on Linux 6.1 its interrupt handler stays "
		 "registered after unbinding, and probing it again panics the kernel)" },
};

const char *rebind_unsafe_driver(const char *driver)
{
	for (size_t i = 0; driver && i < ARRAY_SIZE(unsafe_drivers); i++)
		if (strcmp(driver, unsafe_drivers[i].driver) == 0)
			return unsafe_drivers[i].why;
	return NULL;
}

static const struct function_use *use_of(const struct rebind_facts *facts, const struct pci_addr *a)
{
	for (size_t i = 0; i < facts->n; i++)
		if (pci_addr_cmp(&facts->fns[i].addr, a) == 0)
			return &facts->fns[i];
	return NULL;
}

static bool is_vfio(const char *driver)
{
	return driver && strcmp(driver, VFIO_PCI_DRIVER) == 0;
}

static void add_reason(struct strbuf *why, const char *text)
{
	sb_addf(why, "%s%s", why->len ? "; " : "", text);
}

/* Why a whole card cannot go to vfio-pci now (empty if it can). */
static void card_take_reasons(const struct inventory *inv, const struct card *c,
			      const struct rebind_facts *facts, struct strbuf *why)
{
	if (inv->iommu_groups <= 0)
		add_reason(why, "the IOMMU is off now (no IOMMU groups): the kernel parameters "
				"take effect at the next boot");
	if (facts->vfio_unavailable) {
		_cleanup_free_ char *t =
		    xasprintf("vfio-pci cannot be loaded: %s", facts->vfio_unavailable);

		add_reason(why, t);
	}
	if (c->boot_vga || c->host)
		add_reason(why, "it is the host's display (the boot VGA)");
	/* A peer left with a host driver makes the group unusable for a VM, and vfio-pci
	 * would hold the card for nothing. */
	for (size_t i = 0; i < c->group_peers.n; i++) {
		struct pci_addr pa;
		const struct pci_function *peer;
		_cleanup_free_ char *t = NULL;

		if (pci_addr_parse(c->group_peers.items[i], &pa) < 0)
			continue;
		peer = inventory_find(inv, &pa);
		if (!peer || !peer->driver || is_vfio(peer->driver))
			continue;
		t = xasprintf("its IOMMU group also holds %s (driver %s), which stays with the "
			      "host",
			      c->group_peers.items[i], peer->driver);
		add_reason(why, t);
	}
	for (size_t k = 0; k < c->n_functions; k++) {
		const struct pci_function *f = &inv->functions[c->functions[k]];
		const struct function_use *u = use_of(facts, &f->addr);
		const char *unsafe = is_vfio(f->driver) ? NULL : rebind_unsafe_driver(f->driver);
		char a[PCI_ADDR_STRLEN];
		_cleanup_free_ char *t = NULL;

		pci_addr_format(&f->addr, a);
		if (unsafe) {
			t = xasprintf("%s: %s", a, unsafe);
			add_reason(why, t);
		}
		if (!u || is_vfio(f->driver))
			continue;
		if (u->framebuffer) {
			free(t);
			t = xasprintf("%s carries fb0, the framebuffer the console is on", a);
			add_reason(why, t);
		}
		if (u->held_by) {
			free(t);
			t = xasprintf("%s is in use: %s", a, u->held_by);
			add_reason(why, t);
		}
		if (u->usb_devices) {
			free(t);
			t = xasprintf("%s has USB devices attached", a);
			add_reason(why, t);
		}
	}
}

/* Why a card's functions cannot return to their own drivers now (empty if they can). */
static void card_give_back_reasons(const struct inventory *inv, const struct card *c,
				   const struct rebind_facts *facts, struct strbuf *why)
{
	for (size_t k = 0; k < c->n_functions; k++) {
		const struct pci_function *f = &inv->functions[c->functions[k]];
		const struct function_use *u = use_of(facts, &f->addr);
		char a[PCI_ADDR_STRLEN];

		pci_addr_format(&f->addr, a);
		for (size_t m = 0; m < f->modules.n; m++) {
			const char *unsafe = rebind_unsafe_driver(f->modules.items[m]);
			_cleanup_free_ char *t = NULL;

			if (!unsafe)
				continue;
			t = xasprintf("%s: %s", a, unsafe);
			add_reason(why, t);
		}
		if (u && u->held_by) {
			_cleanup_free_ char *t = xasprintf("%s is in use: %s", a, u->held_by);

			add_reason(why, t);
		}
	}
}

static bool held_for_vfio(const struct pci_function *f, const struct function_use *u)
{
	return is_vfio(f->driver) || (u && u->driver_override && is_vfio(u->driver_override));
}

static void add_move(struct rebind_plan *out, const struct card *c, const struct pci_function *f,
		     const struct function_use *u, const char *from)
{
	/* An empty driver_override (a test's tree; the kernel says "(null)") is none. */
	const char *override =
	    u && u->driver_override && *u->driver_override ? u->driver_override : NULL;
	struct rebind_move *m;

	out->moves = xrealloc(out->moves, (out->n_moves + 1) * sizeof(*out->moves));
	m = &out->moves[out->n_moves++];
	*m = (struct rebind_move){ .addr = f->addr,
				   .card = c->addr,
				   .unbind_from = from ? xstrdup(from) : NULL,
				   .override_before = override ? xstrdup(override) : NULL,
				   .vendor = f->vendor,
				   .device = f->device };
}

static void move_free(struct rebind_move *m)
{
	free(m->unbind_from);
	free(m->override_before);
}

static void decide(const struct inventory *inv, struct rebind_cards cards,
		   const struct rebind_facts *facts, bool to_vfio, struct rebind_plan *out)
{
	memset(out, 0, sizeof(*out));
	out->to_vfio = to_vfio;
	sl_init(&out->in_place);
	sl_init(&out->refused);
	for (size_t i = 0; i < cards.n; i++) {
		int ci = inventory_find_card(inv, &cards.addrs[i]);
		const struct card *c;
		struct strbuf why;
		size_t first_move = out->n_moves;

		if (ci < 0) {
			char a[PCI_ADDR_STRLEN];
			_cleanup_free_ char *t = NULL;

			pci_addr_format(&cards.addrs[i], a);
			t = xasprintf("%s: no such card on this machine now", a);
			sl_add(&out->refused, t);
			continue;
		}
		c = &inv->cards[ci];
		for (size_t k = 0; k < c->n_functions; k++) {
			const struct pci_function *f = &inv->functions[c->functions[k]];
			const struct function_use *u = use_of(facts, &f->addr);
			bool held = held_for_vfio(f, u);
			char a[PCI_ADDR_STRLEN];

			pci_addr_format(&f->addr, a);
			if (to_vfio && is_vfio(f->driver))
				sl_add(&out->in_place, a);
			else if (to_vfio)
				add_move(out, c, f, u, f->driver);
			else if (held)
				add_move(out, c, f, u, is_vfio(f->driver) ? f->driver : NULL);
			else
				sl_add(&out->in_place, a);
		}
		if (out->n_moves == first_move)
			continue;
		sb_init(&why);
		if (to_vfio)
			card_take_reasons(inv, c, facts, &why);
		else
			card_give_back_reasons(inv, c, facts, &why);
		if (why.len) {
			/* A whole card or nothing: half a card on vfio-pci serves no VM. */
			for (size_t m = first_move; m < out->n_moves; m++) {
				char a[PCI_ADDR_STRLEN];
				_cleanup_free_ char *t = NULL;

				pci_addr_format(&out->moves[m].addr, a);
				t = xasprintf("%s: %s", a, why.buf);

				sl_add(&out->refused, t);
				move_free(&out->moves[m]);
			}
			out->n_moves = first_move;
		}
		sb_free(&why);
	}
	out->load_vfio = to_vfio && out->n_moves > 0 && !facts->vfio_loaded;
}

void rebind_decide_take(const struct inventory *inv, struct rebind_cards cards,
			const struct rebind_facts *facts, struct rebind_plan *out)
{
	decide(inv, cards, facts, true, out);
}

void rebind_decide_give_back(const struct inventory *inv, struct rebind_cards cards,
			     const struct rebind_facts *facts, struct rebind_plan *out)
{
	decide(inv, cards, facts, false, out);
}

void rebind_plan_free(struct rebind_plan *p)
{
	for (size_t i = 0; i < p->n_moves; i++)
		move_free(&p->moves[i]);
	free(p->moves);
	sl_free(&p->in_place);
	sl_free(&p->refused);
	memset(p, 0, sizeof(*p));
}
