/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Writing: a transaction over whole files. Each file is replaced atomically (temp file in the
 * same directory, fsync, rename, fsync dir), only when its content changes; on any failure every
 * file already touched is put back as it was. */
#pragma once

#include <stdbool.h>
#include <stddef.h>

#include "util.h"

struct file_change {
	char *path;          /* full path (root already joined) */
	char *new_content;   /* NULL: delete */
	char *old_content;   /* NULL: did not exist */
	size_t old_len;      /* bytes of old_content (rollback restores them exactly) */
	bool changed;
	bool done;           /* committed: rollback must undo it */
	/* Set by the caller from the rendered file: what a change of it must regenerate. */
	bool needs_initramfs;
	bool needs_bootloader;
};

struct transaction {
	struct file_change *changes;
	size_t n;
	struct strlist created_dirs; /* parents commit had to create, outermost first */
};

void tx_init(struct transaction *tx);
void tx_free(struct transaction *tx);
/* Queue path := content (NULL = delete). Reads the current content to decide if it changes.
 * Refuses a path whose final component is a symlink or not a regular file. */
int tx_stage(struct transaction *tx, const char *path, const char *content, struct error *err);
size_t tx_changed(const struct transaction *tx);
/* Apply every changed entry; on failure roll back and return -1 with err set. */
int tx_commit(struct transaction *tx, struct error *err);
/* Put back what commit did (also used when regeneration fails afterwards). */
int tx_rollback(struct transaction *tx, struct error *err);
/* rmdir each directory (deepest first) that is empty now; never one that holds anything. */
void remove_empty_dirs(const struct strlist *dirs);

/* Fault injection for tests: VFIO_PASSTHROUGH_SETUP_TEST_FAIL_WRITE=N makes the Nth file
 * operation of a commit fail with EIO (N counts from 1), after the earlier ones succeeded. */
#define TEST_FAIL_WRITE_ENV "VFIO_PASSTHROUGH_SETUP_TEST_FAIL_WRITE"
/* ...and VFIO_PASSTHROUGH_SETUP_TEST_KILL=N kills the process (SIGKILL) before the Nth. */
#define TEST_KILL_ENV "VFIO_PASSTHROUGH_SETUP_TEST_KILL"
/* ...and VFIO_PASSTHROUGH_SETUP_TEST_FAIL_DIRSYNC=N fails the Nth operation's directory fsync
 * (EIO), after its rename: the file is new already, and rollback must still undo it. */
#define TEST_FAIL_DIRSYNC_ENV "VFIO_PASSTHROUGH_SETUP_TEST_FAIL_DIRSYNC"
