/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Between status-check.c and status-check-cmdline.c: the command-line checks and the step
 * that makes a change of the boot loader's parameters active, for other checks' fixes. */
#pragma once

#include <stdbool.h>

#include "status-check.h"

/* "run update-grub" (the loader in use's command), or the hand's steps when none is found.
 * Caller frees. */
char *regen_step(const struct status_input *in);
/* The admin's file the boot loader reads the parameters from, against what apply added. */
void check_params_file(const struct status_input *in, struct status_report *r);
/* /proc/cmdline against the expected parameters; pending: a reboot is awaited. */
void check_cmdline(const struct status_input *in, bool pending, struct status_report *r);
/* The machine's NVSwitches (with the Fabric Manager's two modes) and its cards' SR-IOV
 * functions, as facts: they pass, whichever way the admin chose. */
void check_datacenter(const struct status_input *in, struct status_report *r);
/* What the VM will meet (status-check-vm.c): each configured card's largest BAR against a
 * guest's default 64-bit PCI window, interrupt remapping. Warnings at worst. */
void check_vm(const struct status_input *in, struct status_report *r);
/* Whether the IOMMU is on; if_off: how an IOMMU that is off counts. */
void check_iommu(const struct status_input *in, enum check_result if_off, struct status_report *r);
