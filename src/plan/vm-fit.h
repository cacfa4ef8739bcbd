/* SPDX-License-Identifier: GPL-2.0-or-later */
/* What a VM will meet, decided: whether a card's BARs fit a guest's default 64-bit PCI
 * window and the settings that widen it, whether interrupt remapping is on. Pure: facts in
 * (inventory.h), verdicts and text out. The citations are in vm-fit.c. */
#pragma once

#include <stdbool.h>
#include <stdint.h>

#include "inventory.h"

/* The 64-bit PCI MMIO window a guest has unless told otherwise: 32 GiB (vm-fit.c). */
#define VM_MMIO64_DEFAULT (32ULL << 30)

/* A card's BARs, summed over its functions. */
struct card_bars {
	uint64_t largest;	    /* the largest memory BAR; 0: no sizes known */
	struct pci_addr largest_fn; /* its function */
	int largest_index;	    /* its BAR number */
	bool largest_mem64, largest_prefetchable;
	uint64_t largest_rebar_max; /* resizable up to this (ReBAR capability); 0 unknown */
	uint64_t
	    mem64_total; /* every 64-bit memory BAR of the card: what the 64-bit window holds */
};
void vm_card_bars(const struct inventory *inv, const struct card *c, struct card_bars *out);
/* The 64-bit window a guest needs for total bytes of 64-bit BARs: 0 when the default holds
 * them (total below it: the window also holds the guest's own devices' BARs), else the
 * smallest power of two above total. */
uint64_t vm_mmio64_window(uint64_t total);
/* "128 GiB", "131104 MiB", "16 KiB", "128 bytes": the largest unit giving a whole number. */
void vm_size_text(uint64_t bytes, char buf[32]);
/* The settings that give a guest a 64-bit window of `window` bytes (a power of two, from
 * vm_mmio64_window): QEMU q35, libvirt, OVMF. Caller frees. */
char *vm_mmio64_settings(uint64_t window);
/* libvirt's <controller type='pci' model='pcie-root'> with its <pcihole64> for `window`
 * bytes, one line per element, each ending in a newline. Caller frees. */
char *vm_pcihole64_xml(uint64_t window);
/* A named QEMU CPU model's guest has 40 physical address bits (1 TiB): a window of 512 GiB
 * or more above the guest's RAM needs the host's. One sentence, or NULL below that. */
const char *vm_phys_bits_note(uint64_t window);

enum irq_remap_state {
	IRQ_REMAP_UNKNOWN,	/* no IOMMU unit in sysfs: the iommu check says why */
	IRQ_REMAP_ON,		/* every unit can remap, and the command line does not stop it */
	IRQ_REMAP_OFF_HARDWARE, /* an Intel unit without the IR capability */
	IRQ_REMAP_OFF_CMDLINE,	/* intremap=off or nointremap on the kernel command line */
};
enum irq_remap_state vm_irq_remap(const struct irq_remap_facts *f, const char *cmdline);
/* One line each, so that grep finds them: what remapping off means, and the advice. */
// clang-format off
#define IRQ_REMAP_OFF_CAUSE "without interrupt remapping a device the VM drives can write arbitrary MSI messages, interrupts the host cannot tell from its own; vfio_iommu_type1 refuses such a device unless allow_unsafe_interrupts is set"
#define IRQ_REMAP_OFF_FIX "enable interrupt remapping in the firmware setup (VT-d / AMD-Vi with interrupt remapping, x2APIC), or remove intremap=off or nointremap from the kernel command line; only on a host whose every VM is trusted, vfio_iommu_type1.allow_unsafe_interrupts=1 on the kernel command line lets vfio attach the card anyway, at the cost of that isolation: this package never sets it"
// clang-format on
