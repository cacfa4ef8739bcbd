/* SPDX-License-Identifier: GPL-2.0-or-later */
/* One writer at a time: apply and remove hold an exclusive lock on the root for their whole
 * run, so two runs (a manual apply during dpkg-reconfigure, two shells) never interleave
 * their files, regenerations and state. Commands that only read take no lock. */
#pragma once

#include "util.h"

/* The lock file, when ROOT/run exists (a live system, a chroot). A root without /run (an
 * image being built, a test tree) is locked through its directory itself, so nothing is
 * created in it. */
#define RUN_LOCK_PATH "/run/vfio-passthrough-setup.lock"
/* Seconds a second run waits for the first before giving up (exit 1). Tests shorten it. */
#define RUN_LOCK_TIMEOUT_ENV "VFIO_PASSTHROUGH_SETUP_LOCK_TIMEOUT"
#define RUN_LOCK_TIMEOUT_DEFAULT 300

struct run_lock {
	int fd;	    /* -1: not held */
	int dir_fd; /* ROOT/run, to unlink the file on release; -1 when the root is locked */
};

/* Take the lock, waiting a bounded time (with one line on stderr saying for what). */
int run_lock_acquire(const char *root, struct run_lock *lock, struct error *err);
void run_lock_release(struct run_lock *lock);
