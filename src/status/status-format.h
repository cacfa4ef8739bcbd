/* SPDX-License-Identifier: GPL-2.0-or-later */
/* `status` output: the report as text for the admin or as one JSON object, and the
 * libvirt <hostdev> lines and virt-install arguments that hand the card to a VM. Pure. */
#pragma once

#include "pci-addr.h"
#include "status-check.h"
#include "status-report.h"
#include "util.h"

/* Human output: one line per check, cause and fix under each failure, then the next
 * steps. */
void status_format_text(const struct status_input *in, const struct status_report *r,
			struct strbuf *out);
/* The same as one JSON object, with a newline after it. */
void status_format_json(const struct status_input *in, const struct status_report *r,
			struct strbuf *out);
/* "ready", "reboot-pending", "failed" or "not-configured": the report in one word. */
const char *status_result_word(const struct status_report *r);
/* libvirt <hostdev> XML for one function, and the virt-install argument for it. */
void hostdev_xml(const struct pci_addr *a, struct strbuf *out);
void virt_install_arg(const struct pci_addr *a, struct strbuf *out);
