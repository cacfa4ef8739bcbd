// SPDX-License-Identifier: GPL-2.0-or-later
/* libkmod through dlopen: kmod-load.h says why. */
#include <dlfcn.h>
#include <stdbool.h>

#include "kmod-load.h"

#define KMOD_SONAME "libkmod.so.2"

struct kmod_functions kmod;

int kmod_load(struct error *err)
{
	static bool loaded;
	void *h;

	if (loaded)
		return 0;
	h = dlopen(KMOD_SONAME, RTLD_NOW | RTLD_LOCAL);
	if (!h)
		return error_set(err, EXIT_FAILURE_RUNTIME, "cannot load %s: %s", KMOD_SONAME,
				 dlerror());
#define KMOD_SYMBOL(f)                                                                             \
	if (!(*(void **)&kmod.f = dlsym(h, #f)))                                                   \
		return error_set(err, EXIT_FAILURE_RUNTIME, "%s has no %s", KMOD_SONAME, #f);
	KMOD_FUNCTIONS(KMOD_SYMBOL)
#undef KMOD_SYMBOL
	loaded = true;
	return 0;
}
