/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * libkmod, loaded on first use (dlopen) rather than at the program's start: with the
 * libraries it needs (libcrypto, 4.7 MB of relocations, among them) its loading was a
 * quarter of a no-op apply's CPU time, and an apply whose lookup of modules is recorded in
 * the state (modules_resolve_cards_cached) needs none of it. The program calls libkmod
 * through kmod.f(...) after kmod_load(), never directly: it is not linked (Makefile).
 */
#pragma once

#include <libkmod.h>

#include "util.h"

/* The functions used, each LIBKMOD_5 in Debian 12 and 13 alike (modules.c, module_state). */
#define KMOD_FUNCTIONS(X)                                                                          \
	X(kmod_new)                                                                                \
	X(kmod_unref)                                                                              \
	X(kmod_set_log_priority)                                                                   \
	X(kmod_load_resources)                                                                     \
	X(kmod_module_new_from_lookup)                                                             \
	X(kmod_module_new_from_name)                                                               \
	X(kmod_module_probe_insert_module)                                                         \
	X(kmod_list_next)                                                                          \
	X(kmod_module_get_module)                                                                  \
	X(kmod_module_get_name)                                                                    \
	X(kmod_module_get_path)                                                                    \
	X(kmod_module_unref)                                                                       \
	X(kmod_module_unref_list)

struct kmod_functions {
#define KMOD_POINTER(f) __typeof__(f) *f;
	KMOD_FUNCTIONS(KMOD_POINTER)
#undef KMOD_POINTER
};

/* Set by kmod_load(); NULL pointers before. */
extern struct kmod_functions kmod;

/* Load libkmod.so.2 and its functions once: 0, or -1 with err set. */
int kmod_load(struct error *err);
