/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Regeneration: make the boot files match /etc through the boot loader and initramfs
 * generator in use (boot-stack.h). */
#pragma once

#include <stdbool.h>

#include "util.h"

struct regen_needs {
	bool bootloader; /* the kernel parameters changed */
	bool initramfs;	 /* a file copied into every initramfs changed */
};

/* Runs what is needed. Under a root other than "/" nothing runs (unless the test hook
 * VFIO_PASSTHROUGH_SETUP_REGEN_UNDER_ROOT=1 is set: then the tools come from PATH).
 * On a tool's failure: -1, err holds the tool's name, exit status and last output lines. */
int regen_run(const char *root, struct regen_needs needs, struct error *err);
/* Whether tools run for this root (the host's, or the test hook is set). */
bool regen_runs_tools(const char *root);
/* The boot loader regen_run would drive under root (detected from root's files, in
 * boot-stack.h's order of preference); NULL if none is found. After boot_loader_choose(root)
 * (main.c, once per run) the same answer for that root for the rest of the run. */
struct boot_loader;
void boot_loader_choose(const char *root);
const struct boot_loader *boot_loader_in_use(const char *root);
/* Why none is: "no boot loader this program knows is in use here (each one's reason)".
 * Caller frees. */
char *boot_loader_none_found(const char *root);
/* "bootloader initramfs" (the state's regen_pending= value; "" for none), and back. Unknown
 * words are ignored: a hand-edited state must not make us run anything unexpected. */
char *regen_needs_format(struct regen_needs needs);
struct regen_needs regen_needs_parse(const char *text);
static inline struct regen_needs regen_needs_union(struct regen_needs a, struct regen_needs b)
{
	return (struct regen_needs){ a.bootloader || b.bootloader, a.initramfs || b.initramfs };
}
static inline bool regen_needs_any(struct regen_needs n)
{
	return n.bootloader || n.initramfs;
}
