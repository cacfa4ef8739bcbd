/* SPDX-License-Identifier: GPL-2.0-or-later */
/* What a VM will meet, read from the machine: a card function's BARs (libpci on sysfs's
 * resource file) and whether interrupt remapping can be on (sysfs). Detect and status only:
 * apply and remove pass DETECT_NO_VM, and only the cards' functions are read. */
#pragma once

#include <pci/pci.h>

#include "inventory.h"

/* f->bars from libpci's sizes and the kernel's resource flags. */
void vm_facts_read_bars(struct pci_dev *d, struct pci_function *f);
/* The IOMMU units under root/sys/class/iommu and vfio_iommu_type1's allow_unsafe_interrupts. */
void vm_facts_read_irq_remap(const char *root, struct irq_remap_facts *out);
