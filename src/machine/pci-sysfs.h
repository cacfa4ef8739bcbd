/* SPDX-License-Identifier: GPL-2.0-or-later */
/* One PCI function's sysfs attributes, each read by its name relative to the devices
 * directory (a descriptor opened once for all functions), and the parser of its uevent. Only
 * detect.c reads them: what the apply path needs is read in add_function(), what only detect and
 * status show in read_card_details(), for the cards' functions alone. */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "inventory.h"

/* libpci's OBJBUFSIZE: an attribute is read as libpci read it, in one read of less. */
#define SYSFS_VALUE_MAX 1024
/* A uevent is one sysfs read of at most a page. */
#define SYSFS_UEVENT_MAX 4096

/* One function's attributes: the devices directory they are read from, and the target of
 * the function's entry there (the entry itself if it is no link). */
struct sysfs_fn {
	int dir;	      /* ROOT/sys/bus/pci/devices */
	char path[4096 + 64]; /* "../../../devices/pci0000:00/0000:00:01.0/0000:01:00.0/" + name */
	size_t base;	      /* the length of the part before the name */
	bool linked;	      /* the entry is a link (as the kernel's always are) */
};
/* Reads the entry's link: addr is the kernel's spelling of an entry of devices_dir. */
void sysfs_fn_init(struct sysfs_fn *fn, int devices_dir, const char *addr);

/* Whether s is 1 to max decimal digits and nothing else. */
bool sysfs_all_digits(const char *s, size_t max);
/* Read the function's attribute name into buf in one read: its length, or -1 with errno (EFBIG:
 * size bytes or more). O_NONBLOCK: a FIFO never waits. */
ssize_t sysfs_read_value(struct sysfs_fn *fn, const char *name, char *buf, size_t size);
/* An optional attribute, trailing blanks stripped; NULL if absent, unreadable, too long or
 * empty. Caller frees. */
char *sysfs_read_optional(struct sysfs_fn *fn, const char *name);

/* A function's uevent, as the kernel writes it (drivers/base/core.c, dev_uevent(): DRIVER=
 * while a driver is bound; then drivers/pci/pci-driver.c, pci_uevent()): PCI_CLASS=30000
 * ("%04X" of the 24-bit class), PCI_ID=10DE:2504, PCI_SUBSYS_ID=..., PCI_SLOT_NAME=...,
 * MODALIAS=pci:v...: the same values as the driver link and the class, vendor, device and
 * modalias attributes, in one read instead of five. */
struct pci_uevent {
	const char *pci_id;    /* "10DE:2504", NULL if absent */
	const char *pci_class; /* "30000", NULL if absent */
	const char *modalias;  /* "pci:v000010DEd00002504sv...", NULL if absent */
	const char *driver;    /* "nouveau": the bound driver's name, the last component of the
				* driver link (the same drv->name); NULL if none is bound */
};
/* Pure: splits text into lines in place; each field points into text (its first line).
 * PCI_ID's "VVVV:DDDD" is pci_id_parse_any_case()'s (pci-addr.h). */
void pci_uevent_parse(char *text, struct pci_uevent *out);

/* The last component of a link of the function ("driver" -> "nouveau"), NULL if none. */
char *sysfs_link_name(struct sysfs_fn *fn, const char *link);
/* The bridge above the function: its entry's link target's parent in /sys/devices, where
 * the kernel nests every device below the bridge it sits behind
 * (.../0000:00:01.0/0000:01:00.0). false on a root bus ("pci0000:00" above it). */
bool sysfs_fn_parent(const struct sysfs_fn *fn, struct pci_addr *out);
/* boot_vga: 1, 0, or -1 if absent or neither. */
int sysfs_read_boot_vga(struct sysfs_fn *fn);
/* Whether the function has a bus below it: the kernel gives every function with a bridge
 * header (type 1 or 2: pci_is_bridge()) a child bus, shown as its pci_bus/ directory
 * (pci_bus/0000:01). One lookup, where the header type's byte of config space took an
 * open, a read and a close. */
bool sysfs_has_child_bus(struct sysfs_fn *fn);
/* SR-IOV as sysfs shows it (Documentation/PCI/pci-iov-howto.rst): a physical function has
 * sriov_totalvfs and sriov_numvfs; each virtual function has a physfn link to its PF
 * ("../0000:4d:00.0"), the PF a virtfnN link to each VF. */
void sysfs_read_sriov(struct sysfs_fn *fn, struct pci_function *f);
