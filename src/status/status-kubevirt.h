/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The hand-off to KubeVirt on a host that is itself a Kubernetes node: one
 * permittedHostDevices.pciHostDevices entry per vendor:device among the passed functions,
 * and whether that selector also matches a function the host keeps (identical cards). */
#pragma once

#include <stddef.h>
#include <stdint.h>

#include "inventory.h"
#include "json.h"
#include "util.h"

struct kubevirt_device {
	char selector[10];	     /* pciVendorSelector: "10DE:2504", as KubeVirt writes it */
	char *resource_name;	     /* "nvidia.com/GA106_GeForce_RTX_3060_Lite_Hash_Rate" */
	struct strlist host_matches; /* functions the host keeps with the same id */
};

/* KubeVirt's resourceName "vendor.com/DEVICE" from pci.ids' names (either may be NULL):
 * the domain from the vendor's short name, the device name with every run of characters
 * a Kubernetes resource name cannot hold made one "_", at most 63 of them. Pure. */
char *kubevirt_resource_name(uint16_t vendor, uint16_t device, const char *vendor_name,
			     const char *device_name);
/* The entries for the n_passed functions at passed, from the inventory; names from
 * pci.ids. Returns how many; *out is allocated. */
size_t kubevirt_devices(const struct inventory *inv, const struct pci_addr *passed, size_t n_passed,
			struct kubevirt_device **out);
void kubevirt_devices_free(struct kubevirt_device *d, size_t n);
/* The YAML to paste under the KubeVirt CR's spec.configuration, and a note per ambiguous
 * selector. */
void kubevirt_text(const struct kubevirt_device *d, size_t n, struct strbuf *out);
/* {"permittedHostDevices":{"pciHostDevices":[...]},"ambiguous":[...]} */
void kubevirt_json(struct json *j, const struct kubevirt_device *d, size_t n);
