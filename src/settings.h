/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The admin's choices: from the settings file (/etc/default/vfio-passthrough-setup, written by
 * the packaging through debconf+ucf, editable by hand) overlaid by command-line options. */
#pragma once

#include <stdbool.h>
#include <stddef.h>

#include "pci-addr.h"
#include "util.h"

#define SETTINGS_PATH "/etc/default/vfio-passthrough-setup"

struct request {
	bool devices_auto;           /* DEVICES=auto: every candidate */
	struct pci_addr *devices;    /* cards chosen by address (any function of the card) */
	size_t n_devices;
	bool host_busid_auto;        /* HOST_BUSID=auto: the detected host card */
	struct pci_addr host_busid;
	bool xorg;                   /* XORG=yes */
	bool kernel_params_auto;     /* KERNEL_PARAMS=auto: what fits this CPU */
	char *kernel_params;         /* validated: no quotes, $, `, \, ;, newlines */
	bool force;                  /* ALLOW_HOST_GPU=yes / --force: boot VGA, only GPU, shared group */
};

void request_init(struct request *req); /* all auto, xorg on, no force */
void request_free(struct request *req);
/* Parse the settings file's text (KEY="value" lines, # comments) into req.
 * Unknown keys and malformed values are errors naming the line (EXIT_USAGE). */
int settings_parse(const char *text, struct request *req, struct error *err);
/* Load SETTINGS_PATH under root into req; a missing file leaves req untouched (0). */
int settings_load(const char *root, struct request *req, struct error *err);
/* DEVICES="..." or --devices: "auto", "" (none) or addresses separated by commas or spaces.
 * -1 with *bad naming the malformed token; req then holds no devices. */
int request_set_devices(struct request *req, const char *value, const char **bad);
/* Validate a kernel parameter string for the shell-sourced grub drop-in. */
int kernel_params_validate(const char *s, struct error *err);
