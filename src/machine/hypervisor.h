/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Whether the machine is a virtual machine, and which, from what the firmware and the
 * CPU say (DMI's sys_vendor and product_name, /proc/cpuinfo's "hypervisor" flag). Pure:
 * the texts in, a name out. A virtual machine has an IOMMU only if its hypervisor offers
 * one, which changes what `status` blames when there is none. */
#pragma once

/* NULL on bare metal (or when nothing says otherwise); else a name for the hypervisor,
 * e.g. "QEMU Standard PC (Q35 + ICH9, 2009)", or "a hypervisor" when only the CPU flag
 * says so. Any argument may be NULL (unreadable). Caller frees. */
char *hypervisor_name(const char *sys_vendor, const char *product_name, const char *cpuinfo);
