/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The kernel command line as the kernel reads it: words, quotes, and which of a list of
 * parameters a command line lacks. Pure. */
#pragma once

#include <stddef.h>

#include "util.h"

/* /proc/cmdline split like the kernel does (spaces separate, double quotes group);
 * returns the number of words; out gets each word with its quotes removed. */
size_t cmdline_split(const char *cmdline, struct strlist *out);
/* Parameters of `want` (space-separated) that `cmdline` lacks, in order. A parameter
 * counts as present if the same word is there; "vfio-pci.ids=" also matches
 * "vfio_pci.ids=". */
void cmdline_missing(const char *cmdline, const char *want, struct strlist *missing);
