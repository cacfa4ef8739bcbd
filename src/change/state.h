/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The state file: what the last apply did, for `status` and for the next apply or remove.
 * This room is its only reader and writer. Text, one KEY=value per line, # comments. */
#pragma once

#include <stdbool.h>

#include "util.h"

#define STATE_DIR "/var/lib/vfio-passthrough-setup"
#define STATE_PATH STATE_DIR "/state"

/* What apply did to /etc/kernel/cmdline, a file it shares with the admin, so that remove
 * can put it back (kernel-cmdline-file.c): keys kernel_cmdline_added=, _written=, _original=. */
struct kernel_cmdline_record {
	char *added;	/* our words the file lacked, space-separated */
	char *written;	/* kcmdline_hash() of the bytes we wrote; NULL or "": no record */
	char *original; /* "absent", or "bytes:" and the bytes before us, kcmdline_escape()d */
};

/* Keys, as written: result= ok|failed, message=, config_hash=, cards=, boot_id=,
 * created_dirs=, regen_pending=, kernel_cmdline_*=, trial=, trial_config=,
 * trial_confirming=, trial_arg= (one a line), trial_arming=, trial_arming_cards=,
 * modules_cache=. */
struct apply_state {
	char *boot_id;		  /* boot_id at the last change; NULL if unknown */
	char *cards;		  /* space-separated card addresses the last apply configured */
	char *config_hash;	  /* rendered_hash() of the files the last apply wrote */
	bool last_apply_failed;	  /* result=failed: the last apply (write or regeneration) failed */
	char *last_apply_message; /* its message= */
	char *created_dirs;	  /* space-separated directories our runs created (root-relative) */
	/* Regenerations started but not known to have finished ("bootloader initramfs"): set
	 * before update-grub/update-initramfs run, cleared after they succeeded. A crash in
	 * between leaves it set, and the next apply or remove runs them first. */
	char *regen_pending;
	/* The last apply's lookup of its card functions' modules, with the hash of what it
	 * depends on (modules_resolve_cards_cached): a no-op apply whose kernels and cards are
	 * as then loads no libkmod. Written only when set. */
	char *modules_cache;
	struct kernel_cmdline_record kernel_cmdline;
	/* A trial (apply --trial) not confirmed yet: its token, random for each trial, which
	 * the trial boot entry's command line carries as vfio_passthrough_setup.trial=TOKEN;
	 * NULL if none. The trial keys are written only when set. */
	char *trial;
	/* rendered_hash() of the permanent configuration the trial tries: confirm must render
	 * it again. NULL for a trial of an older version, whose token was that hash. */
	char *trial_config;
	/* confirm has begun to write the permanent configuration (from its first journal on,
	 * before any file changes, until its final record): the admin decided in the trial
	 * boot, so a confirm run again finishes it in any boot, with these options (apply's,
	 * as the trial file had them: that file goes in the same commit). */
	bool trial_confirming;
	struct strlist trial_args;
	/* apply --trial is setting up the trial with this token (and these cards): written in
	 * its journal before any file changes, gone from its final record, which is written only
	 * once the one-shot request is made. Left set, the run was cut short (a kill) before the
	 * trial was armed: its files may be in place, yet the next boot is not the trial. NULL
	 * if none (and in a state of an older version, which never wrote it). */
	char *trial_arming;
	char *trial_arming_cards;
};

/* Parse the state text (NULL: no state). Unknown keys and malformed lines are skipped:
 * status must never refuse to report. */
void apply_state_parse(const char *text, struct apply_state *st);
void apply_state_free(struct apply_state *st);
/* Read ROOT's state file; returns whether it exists (st is empty if not). */
bool state_load(const char *root, struct apply_state *st);
/* Replace the state file atomically with st. boot_id: st's when set (the files date from
 * that boot: a failed or no-op run changed nothing), else the running boot's. Control
 * characters in values become spaces: one line per key. */
int state_save(const char *root, const struct apply_state *st, struct error *err);
/* Add the state's directories that do not exist yet (the first save will make them: they
 * are ours to remove) to created, sorted. state_save does this too; a caller that saves
 * twice notes them before the first. */
void state_note_created_dirs(const char *root, struct strlist *created);
/* Delete the state file (remove). */
void state_delete(const char *root);
