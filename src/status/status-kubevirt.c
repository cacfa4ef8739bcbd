// SPDX-License-Identifier: GPL-2.0-or-later
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "util.h"

#include "detect.h"
#include "status-kubevirt.h"

/* A Kubernetes resource name's part after the slash is a qualified name: 63 characters,
 * alphanumerics and "-_." inside, alphanumerics at both ends. */
#define NAME_MAX_LEN 63

static bool name_char(char c)
{
	return isalnum((unsigned char)c) || c == '-' || c == '_' || c == '.';
}

/* "NVIDIA Corporation" -> "nvidia"; "Advanced Micro Devices, Inc. [AMD/ATI]" -> "amd" (the
 * bracket holds the short name where pci.ids gives one). */
static char *vendor_domain_word(const char *name)
{
	const char *p = strchr(name, '[');
	struct strbuf sb;

	p = p ? p + 1 : name;
	sb_init(&sb);
	for (; *p && isalnum((unsigned char)*p); p++)
		sb_addf(&sb, "%c", tolower((unsigned char)*p));
	return sb_steal(&sb);
}

char *kubevirt_resource_name(uint16_t vendor, uint16_t device, const char *vendor_name,
			     const char *device_name)
{
	_cleanup_free_ char *word = vendor_name ? vendor_domain_word(vendor_name) : NULL;
	_cleanup_free_ char *fallback = xasprintf("%04x_%04x", vendor, device);
	const char *p = device_name ? device_name : fallback;
	char name[NAME_MAX_LEN + 1];
	size_t len = 0;

	for (; *p && len < NAME_MAX_LEN; p++) {
		if (name_char(*p))
			name[len++] = *p;
		else if (len && name[len - 1] != '_')
			name[len++] = '_';
	}
	while (len && !isalnum((unsigned char)name[len - 1]))
		len--;
	name[len] = '\0';
	if (!len)
		snprintf(name, sizeof(name), "%s", fallback);
	/* Without a vendor name: KubeVirt's own examples' domain. */
	return xasprintf("%s%s/%s", word && *word ? word : "devices.kubevirt",
			 word && *word ? ".com" : ".io", name);
}

size_t kubevirt_devices(const struct inventory *inv, const struct pci_addr *passed, size_t n_passed,
			struct kubevirt_device **out)
{
	size_t n = 0;

	*out = xcalloc(n_passed, sizeof(**out));
	for (size_t i = 0; i < n_passed; i++) {
		const struct pci_function *f = inventory_find(inv, &passed[i]);
		char selector[10];
		bool seen = false;

		if (!f)
			continue;
		snprintf(selector, sizeof(selector), "%04X:%04X", f->vendor, f->device);
		for (size_t k = 0; k < n && !seen; k++)
			seen = strcmp((*out)[k].selector, selector) == 0;
		if (seen)
			continue;
		struct kubevirt_device *d = &(*out)[n++];
		_cleanup_free_ char *vname = detect_vendor_name(f->vendor);
		_cleanup_free_ char *dname = detect_device_name(f->vendor, f->device);

		memcpy(d->selector, selector, sizeof(selector));
		d->resource_name = kubevirt_resource_name(f->vendor, f->device, vname, dname);
		sl_init(&d->host_matches);
		for (size_t k = 0; k < inv->n_functions; k++) {
			const struct pci_function *o = &inv->functions[k];
			char addr[PCI_ADDR_STRLEN];

			pci_addr_format(&o->addr, addr);
			if (o->vendor == f->vendor && o->device == f->device &&
			    !pci_addr_list_has(passed, n_passed, &o->addr))
				sl_add(&d->host_matches, addr);
		}
	}
	return n;
}

void kubevirt_devices_free(struct kubevirt_device *d, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		free(d[i].resource_name);
		sl_free(&d[i].host_matches);
	}
	free(d);
}

void kubevirt_text(const struct kubevirt_device *d, size_t n, struct strbuf *out)
{
	if (!n)
		return;
	sb_add(
	    out,
	    "\nFor KubeVirt on this host as a Kubernetes node, under the KubeVirt CR's spec.configuration:\n"
	    "  permittedHostDevices:\n    pciHostDevices:\n");
	for (size_t i = 0; i < n; i++)
		sb_addf(out, "    - pciVendorSelector: \"%s\"\n      resourceName: \"%s\"\n",
			d[i].selector, d[i].resource_name);
	for (size_t i = 0; i < n; i++) {
		_cleanup_free_ char *list = NULL;

		if (!d[i].host_matches.n)
			continue;
		list = sl_join(&d[i].host_matches, ", ");
		sb_addf(
		    out,
		    "Ambiguous: %s also matches %s, which the host keeps. KubeVirt offers only devices bound to vfio-pci, but anything that binds by vendor:device (vfio-pci.ids=, a cluster operator) would take the host's card too.\n",
		    d[i].selector, list);
	}
}

void kubevirt_json(struct json *j, const struct kubevirt_device *d, size_t n)
{
	json_object_begin(j);
	json_key(j, "permittedHostDevices");
	json_object_begin(j);
	json_key(j, "pciHostDevices");
	json_array_begin(j);
	for (size_t i = 0; i < n; i++) {
		json_object_begin(j);
		json_key(j, "pciVendorSelector");
		json_string(j, d[i].selector);
		json_key(j, "resourceName");
		json_string(j, d[i].resource_name);
		json_object_end(j);
	}
	json_array_end(j);
	json_object_end(j);
	json_key(j, "ambiguous");
	json_array_begin(j);
	for (size_t i = 0; i < n; i++) {
		if (!d[i].host_matches.n)
			continue;
		json_object_begin(j);
		json_key(j, "pciVendorSelector");
		json_string(j, d[i].selector);
		json_key(j, "host_functions");
		json_array_begin(j);
		for (size_t k = 0; k < d[i].host_matches.n; k++)
			json_string(j, d[i].host_matches.items[k]);
		json_array_end(j);
		json_object_end(j);
	}
	json_array_end(j);
	json_object_end(j);
}
