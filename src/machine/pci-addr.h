/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Parsers and formatters for the identifiers admins type: PCI addresses, ids, Xorg BusIDs.
 * Pure functions over strings; each is a fuzz target. */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct pci_addr {
	uint32_t domain;
	uint8_t bus, slot, func; /* slot < 32, func < 8 */
};

#define PCI_ADDR_STRLEN 16 /* "dddd:bb:ss.f" + NUL, room for 8-digit domains */

/* Accepts "DDDD:BB:SS.F" and "BB:SS.F" (domain 0), hex, either case. 0 on success, -1 if malformed.
 */
int pci_addr_parse(const char *s, struct pci_addr *out);
/* Writes the canonical lower-case "dddd:bb:ss.f" (4-digit domain, more if needed). */
void pci_addr_format(const struct pci_addr *a, char buf[PCI_ADDR_STRLEN]);
int pci_addr_cmp(const struct pci_addr *a, const struct pci_addr *b);
bool pci_addr_same_slot(const struct pci_addr *a, const struct pci_addr *b);

/* "vvvv:dddd" exactly, lower-case hex. 0 on success, -1 if malformed. */
int pci_id_parse(const char *s, uint16_t *vendor, uint16_t *device);
/* The same in either case: the kernel's uevent writes PCI_ID=10DE:2504. */
int pci_id_parse_any_case(const char *s, uint16_t *vendor, uint16_t *device);
#define PCI_ID_STRLEN 10
void pci_id_format(uint16_t vendor, uint16_t device, char buf[PCI_ID_STRLEN]);

/* Xorg BusID, decimal: "PCI:bus:dev:func" or "PCI:bus@domain:dev:func". */
int xorg_busid_parse(const char *s, struct pci_addr *out);
#define XORG_BUSID_STRLEN 40
void xorg_busid_format(const struct pci_addr *a, char buf[XORG_BUSID_STRLEN]);

/* The addresses, each as pci_addr_format() writes it, joined with sep. Caller frees. */
char *pci_addr_list_format(const struct pci_addr *a, size_t n, const char *sep);
/* Whether x is one of the n addresses at a. */
bool pci_addr_list_has(const struct pci_addr *a, size_t n, const struct pci_addr *x);

/* Split a comma- or space-separated list of addresses; -1 and *bad set to the offending
 * token (points into a static buffer) on the first malformed one. Caller frees *out. */
int pci_addr_list_parse(const char *s, struct pci_addr **out, size_t *n, const char **bad);
