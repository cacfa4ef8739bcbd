// SPDX-License-Identifier: GPL-2.0-or-later
/* What the VM will meet, as status checks: each configured card's largest BAR against a
 * guest's default 64-bit PCI window, and whether interrupt remapping is on (the rules and
 * their sources: src/plan/vm-fit.c). Facts, never failures: a card bound to vfio-pci is
 * ready whatever its BARs; a window too small or remapping off is a warning with the
 * setting that fixes it (exit status 0). */
#include <stdio.h>
#include <stdlib.h>

#include "status-check-internal.h"
#include "vm-fit.h"

bool status_card_bars(const struct status_input *in, size_t card, struct card_bars *out)
{
	int c = in->inv ? inventory_find_card(in->inv, &in->cards[card].addr) : -1;

	if (c < 0)
		return false;
	vm_card_bars(in->inv, &in->inv->cards[c], out);
	return out->largest > 0;
}

void status_group_members(const struct status_input *in, int group, struct strlist *out)
{
	for (size_t i = 0; in->inv && group >= 0 && i < in->inv->n_functions; i++) {
		char a[PCI_ADDR_STRLEN];

		if (in->inv->functions[i].iommu_group != group)
			continue;
		pci_addr_format(&in->inv->functions[i].addr, a);
		sl_add(out, a);
	}
}

char *status_group_text(const struct status_input *in, int group)
{
	struct strlist members;
	char *text;

	sl_init(&members);
	status_group_members(in, group, &members);
	text = members.n ? sl_join(&members, " ") : NULL;
	sl_free(&members);
	return text;
}

/* ", resizable up to 16 GiB" when the ReBAR capability says more than the size now. */
static void rebar_text(const struct card_bars *b, char out[64])
{
	char max[32];

	out[0] = '\0';
	if (b->largest_rebar_max <= b->largest)
		return;
	vm_size_text(b->largest_rebar_max, max);
	snprintf(out, 64, ", resizable up to %s", max);
}

static void check_bars(const struct status_input *in, struct status_report *r)
{
	for (size_t i = 0; i < in->n_cards; i++) {
		struct card_bars b;
		char a[PCI_ADDR_STRLEN], fn[PCI_ADDR_STRLEN], largest[32], total[32], def[32];
		char rebar[64];
		uint64_t window;

		if (!status_card_bars(in, i, &b))
			continue;
		pci_addr_format(&in->cards[i].addr, a);
		pci_addr_format(&b.largest_fn, fn);
		vm_size_text(b.largest, largest);
		vm_size_text(b.mem64_total, total);
		vm_size_text(VM_MMIO64_DEFAULT, def);
		window = vm_mmio64_window(b.mem64_total);
		rebar_text(&b, rebar);
		if (!window) {
			report_add(
			    r, "bar", a, CHECK_PASS, NULL, NULL,
			    "largest BAR: BAR %d of %s, %s, %s%s%s; its 64-bit BARs (%s in all) fit a "
			    "guest's default %s 64-bit PCI window",
			    b.largest_index, fn, largest, b.largest_mem64 ? "64-bit" : "32-bit",
			    b.largest_prefetchable ? " prefetchable" : "", rebar, total, def);
		} else {
			_cleanup_free_ char *settings = vm_mmio64_settings(window);
			const char *note = vm_phys_bits_note(window);
			_cleanup_free_ char *fix = NULL;
			char w[32];

			vm_size_text(window, w);
			fix = xasprintf("give the VM a %s 64-bit PCI window: %s%s%s", w, settings,
					note ? "; " : "", note ? note : "");
			report_add(
			    r, "bar", a, CHECK_WARN,
			    "QEMU's q35 machine and OVMF give a guest a 32 GiB 64-bit PCI window unless "
			    "told otherwise (newer OVMF sizes it from the guest's physical address "
			    "bits): a BAR that does not fit stays unassigned in the guest and its driver "
			    "fails",
			    fix,
			    "largest BAR: BAR %d of %s, %s, %s%s%s; its 64-bit BARs (%s in all) do not fit a "
			    "guest's default %s 64-bit PCI window",
			    b.largest_index, fn, largest, b.largest_mem64 ? "64-bit" : "32-bit",
			    b.largest_prefetchable ? " prefetchable" : "", rebar, total, def);
		}
	}
}

static void check_irq_remap(const struct status_input *in, struct status_report *r)
{
	const struct irq_remap_facts *f = &in->inv->irq_remap;
	_cleanup_free_ char *units = NULL;
	const char *unsafe = f->allow_unsafe == 1   ? "; vfio_iommu_type1 allow_unsafe_interrupts=Y"
			     : f->allow_unsafe == 0 ? "; vfio_iommu_type1 allow_unsafe_interrupts=N"
						    : "";

	if (f->intel_units)
		units = xasprintf("%d of %d VT-d units can remap interrupts (ecap bit 3, IR)",
				  f->intel_ir_units, f->intel_units);
	else
		units = xasprintf("%d AMD-Vi unit%s (interrupt remapping is part of AMD-Vi)",
				  f->amd_units, f->amd_units == 1 ? "" : "s");
	switch (vm_irq_remap(f, in->cmdline)) {
	case IRQ_REMAP_UNKNOWN:
		return; /* no VT-d or AMD-Vi unit: the iommu check says what there is */
	case IRQ_REMAP_ON:
		report_add(r, "interrupt-remap", NULL, CHECK_PASS, NULL, NULL, "on: %s%s", units,
			   unsafe);
		return;
	case IRQ_REMAP_OFF_HARDWARE:
		report_add(r, "interrupt-remap", NULL, CHECK_WARN, IRQ_REMAP_OFF_CAUSE,
			   IRQ_REMAP_OFF_FIX, "off: %s%s", units, unsafe);
		return;
	case IRQ_REMAP_OFF_CMDLINE:
		report_add(r, "interrupt-remap", NULL, CHECK_WARN, IRQ_REMAP_OFF_CAUSE,
			   IRQ_REMAP_OFF_FIX,
			   "off: the kernel command line has intremap=off or nointremap; %s%s",
			   units, unsafe);
		return;
	}
}

void check_vm(const struct status_input *in, struct status_report *r)
{
	if (!in->inv || !in->n_cards)
		return;
	check_bars(in, r);
	check_irq_remap(in, r);
}
