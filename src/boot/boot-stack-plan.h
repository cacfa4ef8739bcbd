/* SPDX-License-Identifier: GPL-2.0-or-later */
/* What the plan must know of the boot stack to render its files: which initramfs
 * generator builds the images, and the modules it must force into them. */
#pragma once

#include "inventory.h"
#include "policy.h"

/* Set plan->generator and plan->forced_modules for root (apply and status both call it after
 * policy_plan, so both render the same files). */
void boot_stack_plan(const char *root, const struct inventory *inv, struct plan *plan);
