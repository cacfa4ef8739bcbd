/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Editing /etc/kernel/cmdline token by token: the file is the admin's (kernel-install and
 * proxmox-boot-tool read it), so we add only our parameters, remove only ours, and leave
 * every other byte as it was. Pure: no I/O. */
#pragma once

#include <stddef.h>

#include "util.h"

#define KERNEL_CMDLINE_PATH "/etc/kernel/cmdline"

/* content with each word of want (space-separated) that it lacks appended after its last
 * word, one space before each (on an empty file: one line, newline-terminated). The words
 * appended go to added, in order. Caller frees. */
char *kcmdline_add(const char *content, const char *want, struct strlist *added);
/* content without the last occurrence of each word of ours (space-separated), together
 * with the blanks before it (or after it, at the start of a line). Caller frees. */
char *kcmdline_remove(const char *content, const char *ours);
/* What kernel-install uses when the file is absent: the running command line without the
 * words the boot loader adds (BOOT_IMAGE=, initrd=), as one newline-terminated line. NULL
 * if nothing is left. */
char *kcmdline_from_running(const char *proc_cmdline);
/* FNV-1a 64 of the bytes as 16 hex digits: the state records what we wrote this way. */
void kcmdline_hash(const char *content, char out[17]);
/* Bytes as one state-file value: printable ASCII but space, quotes and backslash as is,
 * everything else \xHH. And back: NULL when malformed or when it would hold a NUL. */
char *kcmdline_escape(const char *content);
char *kcmdline_unescape(const char *value);
