/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Reading an initramfs image's file list without unpacking it: the plain "newc" cpio part
 * (microcode, or a whole uncompressed image), and the module names among the files. Pure:
 * bytes in, names out; the header sizes are never trusted. */
#pragma once

#include <stddef.h>

#include "util.h"

/* Names of files in a "newc" cpio archive (the uncompressed part of an initramfs); stops
 * at the trailer or at the first byte that is not a newc header. Returns the offset where
 * parsing stopped (== len: the whole buffer was plain cpio). */
size_t cpio_newc_list(const unsigned char *buf, size_t len, struct strlist *names);
/* Kernel module names ("vfio_pci") of the .ko files among names, '-' turned into '_'. */
void module_names_from_paths(const struct strlist *paths, struct strlist *mods);
