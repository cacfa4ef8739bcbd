// SPDX-License-Identifier: GPL-2.0-or-later
/* Strict parsers: what an admin typed means exactly one device, or it is refused. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "pci-addr.h"
#include "util.h"

/* Parse 1..maxdigits hex digits at *s into *out; advances *s. */
static int parse_hex(const char **s, int maxdigits, uint32_t *out)
{
	uint32_t v = 0;
	int n = 0;

	while (hex_digit(**s) >= 0) {
		if (++n > maxdigits)
			return -1;
		v = v * 16 + (uint32_t)hex_digit(**s);
		(*s)++;
	}
	if (n == 0)
		return -1;
	*out = v;
	return 0;
}

/* Parse 1..maxdigits decimal digits, value <= max; advances *s. */
static int parse_dec(const char **s, int maxdigits, uint32_t max, uint32_t *out)
{
	uint64_t v = 0;
	int n = 0;

	while (**s >= '0' && **s <= '9') {
		if (++n > maxdigits)
			return -1;
		v = v * 10 + (uint64_t)(**s - '0');
		(*s)++;
	}
	if (n == 0 || v > max)
		return -1;
	*out = (uint32_t)v;
	return 0;
}

int pci_addr_parse(const char *s, struct pci_addr *out)
{
	uint32_t a, b, slot, func, domain = 0, bus;

	if (!s)
		return -1;
	/* domains beyond 6 hex digits do not exist (VMD uses 5) and would not fit the
	 * buffer */
	if (parse_hex(&s, 6, &a) < 0 || *s++ != ':')
		return -1;
	if (parse_hex(&s, 2, &b) < 0)
		return -1;
	if (*s == ':') {
		/* DDDD:BB:SS.F */
		s++;
		domain = a;
		bus = b;
		if (parse_hex(&s, 2, &slot) < 0)
			return -1;
	} else {
		/* BB:SS.F: the first field was the bus */
		if (a > 0xff)
			return -1;
		bus = a;
		slot = b;
	}
	if (*s++ != '.')
		return -1;
	if (parse_hex(&s, 1, &func) < 0 || *s != '\0')
		return -1;
	if (bus > 0xff || slot >= 32 || func >= 8)
		return -1;
	out->domain = domain;
	out->bus = (uint8_t)bus;
	out->slot = (uint8_t)slot;
	out->func = (uint8_t)func;
	return 0;
}

void pci_addr_format(const struct pci_addr *a, char buf[PCI_ADDR_STRLEN])
{
	snprintf(buf, PCI_ADDR_STRLEN, "%04x:%02x:%02x.%x", (unsigned)a->domain, a->bus,
		 a->slot & 0x1f, a->func & 7);
}

int pci_addr_cmp(const struct pci_addr *a, const struct pci_addr *b)
{
	if (a->domain != b->domain)
		return a->domain < b->domain ? -1 : 1;
	if (a->bus != b->bus)
		return a->bus < b->bus ? -1 : 1;
	if (a->slot != b->slot)
		return a->slot < b->slot ? -1 : 1;
	if (a->func != b->func)
		return a->func < b->func ? -1 : 1;
	return 0;
}

bool pci_addr_same_slot(const struct pci_addr *a, const struct pci_addr *b)
{
	return a->domain == b->domain && a->bus == b->bus && a->slot == b->slot;
}

/* "vvvv:dddd" exactly; upper-case hex digits only where any_case. */
static int id_parse(const char *s, bool any_case, uint16_t *vendor, uint16_t *device)
{
	uint16_t v[2] = { 0, 0 };

	if (!s || strlen(s) != 9 || s[4] != ':')
		return -1;
	for (int i = 0; i < 9; i++) {
		if (i == 4)
			continue;
		if (hex_digit(s[i]) < 0 || (!any_case && s[i] >= 'A' && s[i] <= 'F'))
			return -1;
		v[i > 4] = (uint16_t)(v[i > 4] * 16 + hex_digit(s[i]));
	}
	*vendor = v[0];
	*device = v[1];
	return 0;
}

int pci_id_parse(const char *s, uint16_t *vendor, uint16_t *device)
{
	/* lower-case only: these strings end up verbatim in vfio-pci.ids= */
	return id_parse(s, false, vendor, device);
}

int pci_id_parse_any_case(const char *s, uint16_t *vendor, uint16_t *device)
{
	return id_parse(s, true, vendor, device);
}

void pci_id_format(uint16_t vendor, uint16_t device, char buf[PCI_ID_STRLEN])
{
	snprintf(buf, PCI_ID_STRLEN, "%04x:%04x", vendor, device);
}

int xorg_busid_parse(const char *s, struct pci_addr *out)
{
	uint32_t bus, domain = 0, dev, func;

	/* Xorg reads every field with isdigit()+atoi(): decimal only (anchors §3) */
	if (!s || strncmp(s, "PCI:", 4) != 0)
		return -1;
	s += 4;
	if (parse_dec(&s, 3, 0xff, &bus) < 0)
		return -1;
	if (*s == '@') {
		s++;
		if (parse_dec(&s, 10, UINT32_MAX, &domain) < 0)
			return -1;
	}
	if (*s++ != ':' || parse_dec(&s, 2, 31, &dev) < 0)
		return -1;
	if (*s++ != ':' || parse_dec(&s, 1, 7, &func) < 0 || *s != '\0')
		return -1;
	out->domain = domain;
	out->bus = (uint8_t)bus;
	out->slot = (uint8_t)dev;
	out->func = (uint8_t)func;
	return 0;
}

void xorg_busid_format(const struct pci_addr *a, char buf[XORG_BUSID_STRLEN])
{
	if (a->domain)
		snprintf(buf, XORG_BUSID_STRLEN, "PCI:%u@%u:%u:%u", a->bus, (unsigned)a->domain,
			 a->slot, a->func);
	else
		snprintf(buf, XORG_BUSID_STRLEN, "PCI:%u:%u:%u", a->bus, a->slot, a->func);
}

int pci_addr_list_parse(const char *s, struct pci_addr **out, size_t *n, const char **bad)
{
	static char token[64];
	struct pci_addr *list = NULL;
	size_t count = 0;

	*out = NULL;
	*n = 0;
	if (!s)
		return 0;
	while (*s) {
		size_t len = strcspn(s, ", \t\n");

		if (len == 0) {
			s++;
			continue;
		}
		/* keep the token for the caller's message, cut to fit */
		snprintf(token, sizeof(token), "%.*s",
			 (int)(len < sizeof(token) - 1 ? len : sizeof(token) - 1), s);
		list = xrealloc(list, (count + 1) * sizeof(*list));
		if (len >= sizeof(token) || pci_addr_parse(token, &list[count]) < 0) {
			free(list);
			if (bad)
				*bad = token;
			return -1;
		}
		count++;
		s += len;
	}
	*out = list;
	*n = count;
	return 0;
}

char *pci_addr_list_format(const struct pci_addr *a, size_t n, const char *sep)
{
	struct strbuf sb;

	sb_init(&sb);
	for (size_t i = 0; i < n; i++) {
		char buf[PCI_ADDR_STRLEN];

		pci_addr_format(&a[i], buf);
		sb_addf(&sb, "%s%s", i ? sep : "", buf);
	}
	return sb_steal(&sb);
}

bool pci_addr_list_has(const struct pci_addr *a, size_t n, const struct pci_addr *x)
{
	for (size_t i = 0; i < n; i++)
		if (pci_addr_cmp(&a[i], x) == 0)
			return true;
	return false;
}
