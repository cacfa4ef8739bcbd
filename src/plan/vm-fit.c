// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * What a VM will meet, decided (vm-fit.h). The rules and where they come from:
 *
 * - A guest's default 64-bit PCI MMIO window is 32 GiB:
 *   QEMU q35: hw/pci-host/q35.c, Q35_PCI_HOST_HOLE64_SIZE_DEFAULT (1ULL << 35), the
 *   q35-pcihost property pci-hole64-size; OVMF: OvmfPkg/OvmfPkgX64.dsc,
 *   PcdPciMmio64Size|0x800000000. Newer OVMF (OvmfPkg/Library/PlatformInitLib,
 *   PlatformDynamicMmioWindow) grows it to an eighth of the guest's physical address space
 *   when that is known (QEMU host-phys-bits); the 32 GiB is what a guest has without that.
 * - A larger window: QEMU `-global q35-pcihost.pci-hole64-size=SIZE`; libvirt
 *   formatdomain.html, PCI controllers: "The root controllers (pci-root and pcie-root) have
 *   an optional pcihole64 element specifying how big (in kilobytes, or in the unit
 *   specified by pcihole64's unit attribute) the 64-bit PCI hole should be" (QEMU only,
 *   since libvirt 1.1.2); OVMF's fw_cfg file opt/ovmf/X-PciMmio64Mb, the aperture in MiB
 *   (OvmfPkg/Library/PlatformInitLib/MemDetect.c: up to 16 TiB, "experimental, and might go
 *   away at any time"): `-fw_cfg name=opt/ovmf/X-PciMmio64Mb,string=MIB`.
 * - The window must hold the card's 64-bit BARs, each aligned to its size, and the guest's
 *   own devices' 64-bit BARs: a card whose 64-bit BARs add up to the window or more does not
 *   fit it. The window asked for is the smallest power of two above their total.
 * - QEMU's guest physical address width (phys-bits) is 40 bits for a named CPU model unless
 *   host-phys-bits=on, which -cpu host/max turn on (target/i386/cpu.c, TCG_PHYS_ADDR_BITS
 *   40; target/i386/host-cpu.c): a window of 512 GiB or more
 *   placed above the guest's RAM can leave that space; libvirt's <cpu><maxphysaddr
 *   mode='passthrough'/></cpu> (formatdomain.html, CPU model and topology) passes the host's.
 */
#include <stdio.h>
#include <string.h>

#include "kernel-cmdline.h"
#include "vm-fit.h"

void vm_card_bars(const struct inventory *inv, const struct card *c, struct card_bars *out)
{
	memset(out, 0, sizeof(*out));
	out->largest_index = -1;
	for (size_t k = 0; k < c->n_functions; k++) {
		const struct pci_function *f = &inv->functions[c->functions[k]];

		for (int i = 0; i < 6; i++) {
			const struct pci_bar *b = &f->bars[i];

			if (!b->size || b->io)
				continue;
			if (b->mem64)
				out->mem64_total += b->size;
			if (b->size > out->largest) {
				out->largest = b->size;
				out->largest_fn = f->addr;
				out->largest_index = i;
				out->largest_mem64 = b->mem64;
				out->largest_prefetchable = b->prefetchable;
				out->largest_rebar_max = b->rebar_max;
			}
		}
	}
}

uint64_t vm_mmio64_window(uint64_t total)
{
	uint64_t w = VM_MMIO64_DEFAULT;

	if (total < VM_MMIO64_DEFAULT)
		return 0;
	while (w <= total && w < (1ULL << 62))
		w <<= 1;
	return w;
}

void vm_size_text(uint64_t bytes, char buf[32])
{
	static const char *const units[] = { "bytes", "KiB", "MiB", "GiB", "TiB", "PiB" };
	size_t u = 0;

	/* The largest unit that gives a whole number: exact, as sysfs gives it. */
	while (u + 1 < ARRAY_SIZE(units) && bytes && bytes % (1ULL << (10 * (u + 1))) == 0)
		u++;
	snprintf(buf, 32, "%llu %s", (unsigned long long)(bytes >> (10 * u)), units[u]);
}

char *vm_mmio64_settings(uint64_t window)
{
	return xasprintf("QEMU (q35): -global q35-pcihost.pci-hole64-size=%lluG; libvirt: "
			 "<controller type='pci' index='0' model='pcie-root'><pcihole64 "
			 "unit='KiB'>%llu</pcihole64></controller>; OVMF: -fw_cfg "
			 "name=opt/ovmf/X-PciMmio64Mb,string=%llu",
			 (unsigned long long)(window >> 30), (unsigned long long)(window >> 10),
			 (unsigned long long)(window >> 20));
}

char *vm_pcihole64_xml(uint64_t window)
{
	return xasprintf("<controller type='pci' index='0' model='pcie-root'>\n"
			 "  <pcihole64 unit='KiB'>%llu</pcihole64>\n"
			 "</controller>\n",
			 (unsigned long long)(window >> 10));
}

const char *vm_phys_bits_note(uint64_t window)
{
	if (window < (512ULL << 30))
		return NULL;
	return "a window this large placed above the guest's RAM can reach past the 40 physical "
	       "address bits QEMU gives a named CPU model: give the guest the host's (QEMU "
	       "host-phys-bits=on, which -cpu host has; libvirt <cpu><maxphysaddr "
	       "mode='passthrough'/></cpu>)";
}

/*
 * Documentation/admin-guide/kernel-parameters.txt: "intremap= ... off: disable Interrupt
 * Remapping"; "nointremap: Do not enable interrupt remapping. [Deprecated - use
 * intremap=off]".
 */
enum irq_remap_state vm_irq_remap(const struct irq_remap_facts *f, const char *cmdline)
{
	struct strlist words;
	bool off = false;

	if (!f->intel_units && !f->amd_units)
		return IRQ_REMAP_UNKNOWN;
	sl_init(&words);
	cmdline_split_kernel(cmdline ? cmdline : "", &words);
	for (size_t i = 0; i < words.n; i++)
		if (strcmp(words.items[i], "intremap=off") == 0 ||
		    strcmp(words.items[i], "nointremap") == 0)
			off = true;
	sl_free(&words);
	if (off)
		return IRQ_REMAP_OFF_CMDLINE;
	if (f->intel_ir_units < f->intel_units)
		return IRQ_REMAP_OFF_HARDWARE;
	return IRQ_REMAP_ON;
}
