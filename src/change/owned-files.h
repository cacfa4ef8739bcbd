/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The files this program owns: staging them (only files that still carry the marker line
 * are ours to change), what a change of them needs regenerated, and the directories our
 * runs created. */
#pragma once

#include "regen.h"
#include "render.h"
#include "util.h"
#include "writer.h"

/* Every owned file, each with content NULL: what remove deletes. Returns the count. */
size_t owned_files_all(struct rendered_file out[RENDERED_MAX]);
/* Stage each file into tx (full paths under root). A file that lost the marker line belongs
 * to the admin now: apply refuses to overwrite it (-1), remove leaves it (with a note). */
int owned_files_stage(struct transaction *tx, const char *root, const struct rendered_file *files,
		      size_t n, struct error *err);
/* The regeneration the changed files of tx call for (their rendered flags). */
struct regen_needs owned_files_regen_needs(const struct transaction *tx);
/* Directories recorded as created by our runs (space-separated; only names of directories
 * that hold owned files or the state count), plus the ones tx created: sorted, distinct,
 * root-relative. */
void created_dirs_merge(const char *recorded, const struct transaction *tx, struct strlist *out);
/* Delete our temp files (writer.h's tx_is_temp_name) in the owned files' directories: what a
 * run killed while writing left behind. */
void owned_files_remove_leftovers(const char *root);
/* Regenerate what `needs` says after tx was committed, then run `then` (NULL: nothing; the
 * trial's one-shot request, which is part of the change). On failure of either put the
 * files back (tx_restore: a file staged with a restore_content stays with it), regenerate
 * again so the boot files match them, and say what failed (-1);
 * *in_doubt then says whether the boot files may still not match the files (restoring or
 * the second regeneration failed too): the regeneration stays pending. */
typedef int regen_then_fn(const char *root, struct error *err);
int owned_files_regenerate_or_restore(const char *root, struct transaction *tx,
				      struct regen_needs needs, regen_then_fn *then, bool *in_doubt,
				      struct error *err);
/* "Wrote /etc/..." / "Removed /etc/..." for each changed file of a committed tx. */
void owned_files_print_changes(const struct transaction *tx);
