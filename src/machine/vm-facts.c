// SPDX-License-Identifier: GPL-2.0-or-later
/* What a VM will meet, read from the machine (vm-facts.h); the verdicts are src/plan/vm-fit.c's. */
#include <dirent.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "vm-facts.h"

/*
 * Resizable BAR, from the PCIe extended capability (PCI_EXT_CAP_ID_REBAR; the layout as the
 * kernel's drivers/pci/rebar.c and include/uapi/linux/pci_regs.h read it): per resizable BAR
 * a capability register (bits 4-31: the sizes supported, bit n for 1 MiB << (n - 4)) and a
 * control register (bits 0-2 the BAR, 5-7 how many BARs have an entry, 8-13 the size now;
 * bits 16-31 more supported sizes, bit n for 1 MiB << (n - 16 + 28)). Where config space past
 * 64 bytes is unreadable (a user other than root) nothing is known, and nothing is said.
 */
static void read_rebar(struct pci_dev *d, struct pci_function *f)
{
	struct pci_cap *cap;
	unsigned n;

	if (!(pci_read_word(d, PCI_STATUS) & PCI_STATUS_CAP_LIST))
		return;
	pci_fill_info(d, PCI_FILL_CAPS | PCI_FILL_EXT_CAPS);
	cap = pci_find_cap(d, PCI_EXT_CAP_ID_REBAR, PCI_CAP_EXTENDED);
	if (!cap)
		return;
	n = (pci_read_long(d, cap->addr + 8) >> 5) & 7;
	for (unsigned i = 0; i < n && i < 6; i++) {
		uint32_t sizes = pci_read_long(d, cap->addr + 4 + 8 * i);
		uint32_t ctrl = pci_read_long(d, cap->addr + 8 + 8 * i);
		uint64_t max = 0;

		if (sizes == 0xffffffff)
			return;
		for (int bit = 4; bit < 32; bit++)
			if (sizes >> bit & 1)
				max = (1ULL << 20) << (bit - 4);
		for (int bit = 16; bit < 32 && bit - 16 + 28 < 44; bit++)
			if (ctrl >> bit & 1)
				max = (1ULL << 20) << (bit - 16 + 28);
		f->bars[ctrl & 7].rebar_max = max;
	}
}

/*
 * The sizes libpci reads from the kernel's resource file (Documentation/PCI/sysfs-pci.rst:
 * "resource: PCI resource host addresses", one "start end flags" line per BAR), with the
 * kernel's IORESOURCE flags (PCI_FILL_IO_FLAGS): IO, MEM, PREFETCH, MEM_64.
 */
void vm_facts_read_bars(struct pci_dev *d, struct pci_function *f)
{
	int known = pci_fill_info(d, PCI_FILL_SIZES | PCI_FILL_IO_FLAGS);

	if (!(known & PCI_FILL_SIZES))
		return;
	for (int i = 0; i < 6; i++) {
		uint64_t flags = (known & PCI_FILL_IO_FLAGS) ? (uint64_t)d->flags[i] : 0;

		f->bars[i] = (struct pci_bar){
			.size = (uint64_t)d->size[i],
			.io = (flags & PCI_IORESOURCE_IO) != 0,
			.mem64 = (flags & PCI_IORESOURCE_MEM_64) != 0,
			.prefetchable = (flags & PCI_IORESOURCE_PREFETCH) != 0,
		};
	}
	read_rebar(d, f);
}

static bool is_dir(const char *path)
{
	struct stat st;

	return stat(path, &st) == 0 && S_ISDIR(st.st_mode);
}

/*
 * Interrupt remapping, from the IOMMU units the kernel registered (/sys/class/iommu,
 * Documentation/ABI/testing/sysfs-class-iommu-intel-iommu and -amd-iommu):
 * - Intel VT-d: each unit's intel-iommu/ecap, the Extended Capability Register in hex; bit 3
 *   is IR, Interrupt Remapping support (ecap_ir_support() in drivers/iommu/intel/iommu.h).
 *   The kernel enables remapping only when every unit has it
 *   (drivers/iommu/intel/irq_remapping.c, intel_irq_remapping_supported()).
 * - AMD-Vi: interrupt remapping is part of every AMD IOMMU (drivers/iommu/amd/init.c
 *   enables it with the IOMMU unless the command line says otherwise): the unit is the fact.
 * vfio_iommu_type1 refuses a device without remapping unless allow_unsafe_interrupts is set
 * (drivers/vfio/vfio_iommu_type1.c: "No interrupt remapping support. Use the module param
 * \"allow_unsafe_interrupts\" to enable VFIO IOMMU support on this platform").
 */
void vm_facts_read_irq_remap(const char *root, struct irq_remap_facts *out)
{
	_cleanup_free_ char *dir_path = path_join(root, "/sys/class/iommu");
	_cleanup_free_ char *unsafe_path =
	    path_join(root, "/sys/module/vfio_iommu_type1/parameters/allow_unsafe_interrupts");
	_cleanup_free_ char *unsafe = read_attr(unsafe_path);
	DIR *dir = opendir(dir_path);
	struct dirent *e;

	memset(out, 0, sizeof(*out));
	out->allow_unsafe = !unsafe ? -1 : (unsafe[0] == 'Y' || unsafe[0] == '1');
	if (!dir)
		return;
	while ((e = readdir(dir))) {
		_cleanup_free_ char *ecap_path = NULL, *amd_path = NULL, *ecap = NULL;
		char *end;
		unsigned long long v;

		if (e->d_name[0] == '.')
			continue;
		ecap_path = xasprintf("%s/%s/intel-iommu/ecap", dir_path, e->d_name);
		amd_path = xasprintf("%s/%s/amd-iommu", dir_path, e->d_name);
		ecap = read_attr(ecap_path);
		if (ecap) {
			out->intel_units++;
			v = strtoull(ecap, &end, 16);
			if (end != ecap && *end == '\0' && (v >> 3 & 1))
				out->intel_ir_units++;
		} else if (is_dir(amd_path)) {
			out->amd_units++;
		}
	}
	closedir(dir);
}
