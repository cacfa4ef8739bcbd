/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The kernel command line as the kernel reads it: words, quotes, and which of a list of
 * parameters a command line lacks. Pure. */
#pragma once

#include <stddef.h>

#include "util.h"

/* /proc/cmdline split like the kernel does (spaces separate, double quotes group);
 * returns the number of words; out gets each word with its quotes removed. */
size_t cmdline_split(const char *cmdline, struct strlist *out);
/* The same, only the words the kernel itself takes: those before the first "--" (it hands
 * the words after it to init). */
size_t cmdline_split_kernel(const char *cmdline, struct strlist *out);
/* When the kernel's words of cmdline switch the IOMMU off against ours (space-separated,
 * e.g. "intel_iommu=on iommu=pt"): sentences for the admin saying which word wins (for
 * intel_iommu=, the later one; amd_iommu=off and iommu=off win wherever they are). NULL if
 * nothing conflicts. Caller frees. */
char *cmdline_iommu_conflict(const char *cmdline, const char *ours);
/* Parameters of `want` (space-separated) that `cmdline` lacks, in order. A parameter
 * counts as present if the same word is among the kernel's (before "--"); "vfio-pci.ids=" also
 * matches "vfio_pci.ids=". */
void cmdline_missing(const char *cmdline, const char *want, struct strlist *missing);
