/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Detection: read the machine under root (libpci on root/sys/bus/pci, sysfs attributes,
 * /proc/cpuinfo, /proc/cmdline) into an inventory. Writes nothing. */
#pragma once

#include "inventory.h"

/* A missing /sys/bus/pci is not an error: inv->have_pci = false. */
int detect_inventory(const char *root, struct inventory *inv, struct error *err);
/* What detection may leave out. Names cost the parse of the whole pci.ids (half of a no-op
 * apply's time on a server); apply and status decide and write without them. */
enum detect_flags {
	DETECT_NO_NAMES = 1 << 0, /* name and class_name stay NULL */
	/* reset_method stays NULL and flr -1: only detect and status report resets, and the
	 * FLR fallback reads each card function's config space through libpci */
	DETECT_NO_RESET = 1 << 1,
	/* bars stay empty and irq_remap zero: what a VM will meet (vm-facts.c) is detect's and
	 * status's to report */
	DETECT_NO_VM = 1 << 2,
};
/* detect_inventory() is detect_inventory_flags(root, 0, ...). */
int detect_inventory_flags(const char *root, unsigned flags, struct inventory *inv,
			   struct error *err);
/* pci.ids' name of a class ("Network controller"), NULL if unknown. Caller frees. */
char *detect_class_name(uint16_t class_id);
/* pci.ids' vendor name ("NVIDIA Corporation") and device name ("GA106 [GeForce RTX 3060]"),
 * NULL if unknown. Caller frees. */
char *detect_vendor_name(uint16_t vendor);
char *detect_device_name(uint16_t vendor, uint16_t device);
/* Pure parsers, separate for tests and fuzzing. */
enum cpu_vendor cpuinfo_parse_vendor(const char *cpuinfo_text);
