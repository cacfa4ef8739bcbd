/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The settings in debconf's terms, for the package's config and postinst: what the machine
 * offers (the choices, the detected defaults), the settings file's values as answers, and
 * the way back from answers to values. The scripts only ask and store; every rule is here. */
#pragma once

#include <stdio.h>

#include "inventory.h"
#include "policy.h"

/* The debconf questions that are settings (vfio-passthrough-setup/QUESTION), with their keys. */
#define SETTINGS_NQUESTIONS 5
extern const char *const settings_questions[SETTINGS_NQUESTIONS];

/* NAME='value' lines, safe to eval: the machine (pci, iommu, cpu, host, host_busid,
 * kernel_params, cards, addresses, names, suggested, why_none), the settings file's path
 * (file=), whether its text is "missing", "valid" or "invalid" (settings=), one answer_QUESTION=
 * for each question: the file's value as debconf stores it ("auto" resolved to what was detected;
 * the template's values when the file is missing or invalid). */
void settings_debconf_print(FILE *out, const struct inventory *inv, const char *path,
			    const char *text);

/* consent= why choosing devices needs ALLOW_HOST_GPU (the consent question), empty when it
 * needs none, and consent_free= the chosen cards that need none (the suggested ones), as
 * NAME='value' lines. devices is a debconf answer ("0000:01:00.0, 0000:02:00.0"). */
void settings_debconf_print_consent(FILE *out, const struct inventory *inv, const char *devices);

/* The settings value for a debconf answer: key is set to the question's settings key, or NULL
 * for an unknown question (then NULL is returned). Caller frees. */
char *settings_from_debconf(const char *question, const char *answer, const char **key);
