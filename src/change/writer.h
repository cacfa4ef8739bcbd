/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Writing: a transaction over whole files. Each file is replaced atomically (temp file in the
 * same directory, fsync, rename, fsync dir), only when its content changes; on any failure every
 * file already touched is put back as it was. Paths are opened inside the root
 * (root-path.h): a symbolic link cannot lead a read or a write out of it. */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

#include "util.h"

struct file_change {
	char *path;	   /* full path (root joined), for messages */
	char *rel;	   /* the path under the root */
	char *new_content; /* NULL: delete */
	char *old_content; /* NULL: did not exist */
	size_t old_len;	   /* bytes of old_content (rollback restores them exactly) */
	mode_t mode;	   /* the file's permissions, kept when it is replaced; 0644 if new */
	uid_t uid;	   /* its owner, kept likewise; -1 (the writer's) if new */
	gid_t gid;
	int dir_fd; /* its directory, opened at commit and kept for rollback; -1 */
	bool changed;
	bool done; /* committed: rollback must undo it */
	/* Set by the caller from the rendered file: what a change of it must regenerate. */
	bool needs_initramfs;
	bool needs_bootloader;
	/* Set by the caller where the file did not exist: what tx_restore() leaves in its place
	 * instead of deleting it (NULL: deleted), and the sentence that says why (NULL: said
	 * already). */
	char *restore_content;
	char *restore_note;
};

struct transaction {
	const char *root; /* "/" unless tx_set_root */
	struct file_change *changes;
	size_t n;
	struct strlist created_dirs; /* parents commit had to create (under the root),
				      * outermost first */
};

void tx_init(struct transaction *tx);
/* Paths staged from now on are under root (not copied: must outlive tx). */
void tx_set_root(struct transaction *tx, const char *root);
void tx_free(struct transaction *tx);
/* Queue path := content (NULL = delete); path is absolute, under the root. Reads the current
 * content to decide if it changes. Refuses a path whose final component is a symlink or not a
 * regular file, or whose directories lead out of the root. */
int tx_stage(struct transaction *tx, const char *path, const char *content, struct error *err);
size_t tx_changed(const struct transaction *tx);
/* Apply every changed entry; on failure roll back and return -1 with err set. */
int tx_commit(struct transaction *tx, struct error *err);
/* Put back what commit did, byte for byte. */
int tx_rollback(struct transaction *tx, struct error *err);
/* The same after a commit whose regeneration failed, except that a file that did not exist
 * and has a restore_content is left with that content (and its restore_note printed). */
int tx_restore(struct transaction *tx, struct error *err);
/* Whether tx_restore() left a file that did not exist before (its restore_content). */
bool tx_restore_kept(const struct transaction *tx);
/* rmdir each directory under root (deepest, i.e. last, first) that is empty now; never one
 * that holds anything, never through a link. */
void remove_empty_dirs(const char *root, const struct strlist *dirs);
/* Whether name is one of our temp files (".vfio-passthrough-setup." and 6 letters/digits):
 * what a run killed while writing leaves behind, for the next run to remove. */
bool tx_is_temp_name(const char *name);

/* Fault injection for tests: VFIO_PASSTHROUGH_SETUP_TEST_FAIL_WRITE=N makes the Nth file
 * operation of a commit fail with EIO (N counts from 1), after the earlier ones succeeded. */
#define TEST_FAIL_WRITE_ENV "VFIO_PASSTHROUGH_SETUP_TEST_FAIL_WRITE"
/* ...and VFIO_PASSTHROUGH_SETUP_TEST_KILL=N kills the process (SIGKILL) before the Nth. */
#define TEST_KILL_ENV "VFIO_PASSTHROUGH_SETUP_TEST_KILL"
/* ...and VFIO_PASSTHROUGH_SETUP_TEST_KILL_IN_WRITE=N kills it during the Nth, with the temp
 * file written and not yet renamed into place. */
#define TEST_KILL_IN_WRITE_ENV "VFIO_PASSTHROUGH_SETUP_TEST_KILL_IN_WRITE"
/* ...and VFIO_PASSTHROUGH_SETUP_TEST_FAIL_DIRSYNC=N fails the Nth operation's directory fsync
 * (EIO), after its rename: the file is new already, and rollback must still undo it. */
#define TEST_FAIL_DIRSYNC_ENV "VFIO_PASSTHROUGH_SETUP_TEST_FAIL_DIRSYNC"
