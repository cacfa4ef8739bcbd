/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Detection: read the machine under root (libpci on root/sys/bus/pci, sysfs attributes,
 * /proc/cpuinfo, /proc/cmdline) into an inventory. Writes nothing. */
#pragma once

#include "inventory.h"

/* A missing /sys/bus/pci is not an error: inv->have_pci = false. */
int detect_inventory(const char *root, struct inventory *inv, struct error *err);
/* Pure parsers, separate for tests and fuzzing. */
enum cpu_vendor cpuinfo_parse_vendor(const char *cpuinfo_text);
