/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Regeneration: make boot files match /etc — update-grub and update-initramfs. */
#pragma once

#include <stdbool.h>

#include "util.h"

struct regen_needs {
	bool grub;
	bool initramfs;
};

/* Runs what is needed. Under a root other than "/" nothing runs (unless the test hook
 * VFIO_PASSTHROUGH_SETUP_REGEN_UNDER_ROOT=1 is set: then the tools come from PATH).
 * On a tool's failure: -1, err holds the tool's name, exit status and last output lines. */
int regen_run(const char *root, struct regen_needs needs, struct error *err);
