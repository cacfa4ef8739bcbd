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
	bool devices_auto;	  /* DEVICES=auto: every candidate */
	struct pci_addr *devices; /* cards chosen by address (any function of the card) */
	size_t n_devices;
	bool host_busid_auto; /* HOST_BUSID=auto: the detected host card */
	struct pci_addr host_busid;
	bool xorg;		 /* XORG=yes */
	bool kernel_params_auto; /* KERNEL_PARAMS=auto: what fits this CPU */
	char *kernel_params;	 /* validated: no quotes, $, `, \, ;, newlines */
	bool force; /* ALLOW_HOST_GPU=yes / --force: boot VGA, only GPU, shared group */
	/* apply --full-passthrough: every GPU and every NVSwitch together (policy-plan.c) */
	bool full_passthrough;
};

/* The settings file's keys, in the order of the template. */
#define SETTINGS_NKEYS 5
extern const char *const settings_keys[SETTINGS_NKEYS];

void request_init(struct request *req); /* all auto, xorg on, no force */
void request_free(struct request *req);
/* Parse the settings file's text (KEY="value" lines, # comments) into req.
 * Unknown keys and malformed values are errors naming the line (EXIT_USAGE). */
int settings_parse(const char *text, struct request *req, struct error *err);
/* Whether value may stand for key in the settings file, by the rules apply reads it with
 * (no PCI bus needed): 0, or -1 with a message naming the value (EXIT_USAGE). */
int settings_check(const char *key, const char *value, struct error *err);
/* Read SETTINGS_PATH under root: *text is NULL (and 0 returned) when there is none. */
int settings_read_text(const char *root, char **text, struct error *err);
/* Load SETTINGS_PATH under root into req; a missing file leaves req untouched (0). */
int settings_load(const char *root, struct request *req, struct error *err);
/* DEVICES="..." or --devices: "auto", "none" or "" (no card), or addresses separated by
 * commas or spaces; an empty item (",,,") is an error. what names the source in messages
 * ("--devices"). -1 (EXIT_USAGE) and req holding no devices on error. */
int request_set_devices(struct request *req, const char *value, const char *what,
			struct error *err);
/* Validate a kernel parameter string: it is shell-sourced from the grub drop-in, then read
 * by GRUB's script lexer from grub.cfg. */
int kernel_params_validate(const char *s, struct error *err);
