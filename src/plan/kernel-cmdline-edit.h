/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Editing /etc/kernel/cmdline token by token: the file is the admin's (kernel-install and
 * proxmox-boot-tool read it), so we add only our parameters, remove only ours, and leave
 * every other byte as it was. Pure: no I/O. */
#pragma once

#include <stdbool.h>
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
/* The running command line without the words the boot loader adds (BOOT_IMAGE=, initrd=),
 * as one newline-terminated line; NULL if nothing is left. */
char *kcmdline_from_running(const char *proc_cmdline);
/* Where kernel-install takes a new loader entry's options from (systemd 252 and main,
 * 90-loaderentry.install; proxmox-boot-tool likewise, without /usr/lib/kernel/cmdline):
 * /etc/kernel/cmdline, else /usr/lib/kernel/cmdline, else the running command line without
 * BOOT_IMAGE= and initrd=. It then appends " systemd.machine_id=..." (not shown here). */
enum kcmdline_source {
	KCMDLINE_FROM_ETC,
	KCMDLINE_FROM_USR_LIB,
	KCMDLINE_FROM_RUNNING
};
/* Those options, as one line of single spaces (no newline), given the files' contents
 * (NULL: absent) and /proc/cmdline; *from says which was used. NULL when it would be the
 * running line and proc_cmdline is NULL. Caller frees. */
char *kcmdline_next_boot(const char *etc, const char *usr_lib, const char *proc_cmdline,
			 enum kcmdline_source *from);
/* The running command line as the start of a new /etc/kernel/cmdline: without what the boot
 * loader and kernel-install add (BOOT_IMAGE=, initrd=, systemd.machine_id=), without the
 * last occurrence of each word of ours (space-separated), and without every word in a
 * namespace of ours (a word of ours ending in '.', e.g. "vfio_passthrough_setup."). One
 * newline-terminated line; NULL if nothing is left. Caller frees. */
char *kcmdline_running_base(const char *proc_cmdline, const char *ours);
/* line with only the words that are words of `of` too (the trial entry's options: what a
 * boot through it got before anyone typed at the boot menu), as one newline-terminated line
 * (NULL if none is left); *dropped: the others, space-separated. Caller frees both. */
char *kcmdline_only_words_of(const char *line, const char *of, char **dropped);
/* Whether line holds a word of ours (as above: namespaces included). */
bool kcmdline_carries_any(const char *line, const char *ours);
/* FNV-1a 64 of the bytes as 16 hex digits: the state records what we wrote this way. */
void kcmdline_hash(const char *content, char out[17]);
/* Bytes as one state-file value: printable ASCII but space, quotes and backslash as is,
 * everything else \xHH. And back: NULL when malformed or when it would hold a NUL. */
char *kcmdline_escape(const char *content);
char *kcmdline_unescape(const char *value);
