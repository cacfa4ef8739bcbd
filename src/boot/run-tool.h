/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Running another program (update-grub, update-initramfs, lsinitramfs): the one place that
 * forks, so every run gets the same care about SIGCHLD, EINTR and exit statuses. */
#pragma once

#include <stdbool.h>

#include "util.h"

/* Full path of prog in $PATH (or in the sbin directories root's PATH has, in case sudo
 * trimmed it); NULL if not found. Caller frees. */
char *tool_find(const char *prog);
/* Run argv (path: the program), copying its output to our stderr as it comes. 0 on exit
 * status 0; else -1, err naming the tool, its exit status or signal and its last lines. */
int tool_run(const char *path, char *const argv[], struct error *err);
/* Run argv[0], found on $PATH, shown first as "Running ARGV..." (an empty argument as ""):
 * the boot stacks' one-run tools. Not found: -1, err "PROG is not installed", followed by
 * ": why" when why is given (what is left undone and how to do it by hand). */
int tool_run_shown(char *const argv[], const char *why, struct error *err);
/* Run argv (path: the program) with stderr discarded, adding each line of its stdout to
 * lines. 0 on exit status 0, else -1. */
int tool_capture(const char *path, char *const argv[], struct strlist *lines);

/* The arguments, argv[0] first, a tool gets for kernel kver; none: kver is skipped. */
typedef void kernel_args_fn(const char *root, const char *kver, struct strlist *args);
/* Run prog once per kernel installed under root (installed_kernels(root, with_index)), each
 * run shown first as "Running ARGV...": the boot stacks' tools that take one kernel a run.
 * The first failure stops: -1, err naming the tool and how it failed. *n_kernels: how many
 * kernels there are. */
int tool_run_per_kernel(const char *root, const char *prog, bool with_index,
			kernel_args_fn *args_for, size_t *n_kernels, struct error *err);
