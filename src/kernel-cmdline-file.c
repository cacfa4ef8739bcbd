// SPDX-License-Identifier: GPL-2.0-or-later
/* /etc/kernel/cmdline: read it, decide its new bytes with the pure editor
 * (kernel-cmdline-edit.c) and the record of the last apply, stage them. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "boot-stack.h"
#include "kernel-cmdline-edit.h"
#include "kernel-cmdline-file.h"
#include "owned-files.h"
#include "regen.h"
#include "root-path.h"
#include "trial.h"
#include "util.h"

#define CMDLINE_MAX 65536
#define ORIGINAL_ABSENT "absent"
#define ORIGINAL_BYTES "bytes:"

void kernel_cmdline_record_free(struct kernel_cmdline_record *rec)
{
	free(rec->added);
	free(rec->written);
	free(rec->original);
	memset(rec, 0, sizeof(*rec));
}

static char *original_value(const char *content)
{
	_cleanup_free_ char *esc = NULL;

	if (!content)
		return xstrdup(ORIGINAL_ABSENT);
	esc = kcmdline_escape(content);
	return xasprintf(ORIGINAL_BYTES "%s", esc);
}

/* The bytes a record's original= stands for; *absent when the file did not exist. false:
 * the record is damaged (then only our words can be taken out). */
static bool original_bytes(const char *value, char **bytes, bool *absent)
{
	*bytes = NULL;
	*absent = value && strcmp(value, ORIGINAL_ABSENT) == 0;
	if (*absent)
		return true;
	if (!value || strncmp(value, ORIGINAL_BYTES, strlen(ORIGINAL_BYTES)) != 0)
		return false;
	*bytes = kcmdline_unescape(value + strlen(ORIGINAL_BYTES));
	return *bytes != NULL;
}

static bool unchanged_since_us(const struct kernel_cmdline_record *old, const char *cur)
{
	char hash[17];

	if (!cur || !old->written)
		return false;
	kcmdline_hash(cur, hash);
	return strcmp(hash, old->written) == 0;
}

/* Words of `list` that are (in) or are not (!in) words of `of`, space-separated. */
static char *words_filter(const char *list, const char *of, bool in)
{
	_cleanup_free_ char *copy = xstrdup(list ? list : "");
	struct strlist of_words, out;
	char *save = NULL, *joined;

	sl_init(&of_words);
	sl_init(&out);
	{
		_cleanup_free_ char *c2 = xstrdup(of ? of : "");
		char *s2 = NULL;

		for (char *w = strtok_r(c2, " ", &s2); w; w = strtok_r(NULL, " ", &s2))
			sl_add(&of_words, w);
	}
	for (char *w = strtok_r(copy, " ", &save); w; w = strtok_r(NULL, " ", &save))
		if (sl_has(&of_words, w) == in)
			sl_add_unique(&out, w);
	joined = sl_join(&out, " ");
	sl_free(&of_words);
	sl_free(&out);
	return joined;
}

/* Without our words: back to the recorded bytes if the file is as we left it, else the
 * file minus our words. NULL with *del: delete it. */
static char *content_without_us(const struct kernel_cmdline_record *old, const char *cur,
				const char *path, bool *del)
{
	char *bytes;
	bool absent;

	*del = false;
	if (unchanged_since_us(old, cur) && original_bytes(old->original, &bytes, &absent)) {
		*del = absent;
		return bytes;
	}
	printf("%s was edited since vfio-passthrough-setup wrote it: taking out only "
	       "its parameters (%s).\n", path, old->added ? old->added : "");
	return kcmdline_remove(cur, old->added);
}

static char *read_running(const char *root, const char *path, struct error *err)
{
	_cleanup_free_ char *running = root_read_file(root, "/proc/cmdline", CMDLINE_MAX, NULL);
	_cleanup_free_ char *trial = root_read_file(root, TRIAL_FILE_PATH, 1 << 16, NULL);
	_cleanup_free_ char *params = trial ? trial_file_params(trial) : NULL;
	char *line = kcmdline_from_running(running);

	/* confirm in a trial boot: the trial entry's own words end that line. */
	if (line && params) {
		char *base = trial_strip_params(line, params);

		free(line);
		line = base;
	}
	if (!line)
		error_set(err, EXIT_FAILURE_RUNTIME,
			  "%s does not exist and the running command line (/proc/cmdline) cannot "
			  "be read to start it from: create %s with the kernel parameters this "
			  "machine boots with, then run again",
			  path, path);
	return line;
}

/* tx's root is set: the path is staged root-relative, written without leaving the root. */
static int stage(struct transaction *tx, const char *content, struct error *err)
{
	if (tx_stage(tx, KERNEL_CMDLINE_PATH, content, err) < 0)
		return -1;
	tx->changes[tx->n - 1].needs_bootloader = true;
	return 0;
}

int kernel_cmdline_stage(struct transaction *tx, const char *root, const char *want,
			 const struct kernel_cmdline_record *old, struct kernel_cmdline_record *rec,
			 struct error *err)
{
	const struct boot_loader *loader = boot_loader_in_use(root);
	_cleanup_free_ char *cur = NULL, *base = NULL, *next = NULL, *stale = NULL;
	bool have_record = old->written && old->written[0];
	struct strlist fresh;
	char hash[17];
	size_t len = 0;

	memset(rec, 0, sizeof(*rec));
	/* Our words go only where the boot loader in use reads them; elsewhere, or with none
	 * wanted, the record (if any) is undone. */
	if (!loader || !loader->shared_params_file || !want || !want[0])
		want = NULL;
	if (!want && !have_record)
		return 0;
	errno = 0;
	cur = root_read_file(root, KERNEL_CMDLINE_PATH, CMDLINE_MAX, &len);
	if (!cur && errno == EXDEV)
		return error_set(err, EXIT_FAILURE_RUNTIME,
				 "%s: a symbolic link on the way leads out of %s; refusing to "
				 "write through it (remove the link, then run again)",
				 KERNEL_CMDLINE_PATH, root);
	if (!cur && errno != ENOENT)
		return error_set(err, EXIT_FAILURE_RUNTIME, "cannot read %s: %s",
				 KERNEL_CMDLINE_PATH, file_error(errno));
	if (cur && memchr(cur, '\0', len))
		return error_set(err, EXIT_FAILURE_RUNTIME,
				 "%s holds a NUL byte: refusing to edit it (fix the file, then run "
				 "again)",
				 KERNEL_CMDLINE_PATH);
	if (!want) {
		bool del;

		if (!cur)
			return 0; /* the admin deleted it: nothing of ours is left */
		next = content_without_us(old, cur, KERNEL_CMDLINE_PATH, &del);
		return stage(tx, del ? NULL : next, err);
	}

	if (have_record) {
		/* Ours from the last apply that are no longer wanted go; the rest stay put. */
		stale = words_filter(old->added, want, false);
		base = cur ? kcmdline_remove(cur, stale) : NULL;
	} else {
		base = cur ? xstrdup(cur) : NULL;
	}
	if (!base) {
		_cleanup_free_ char *running = read_running(root, KERNEL_CMDLINE_PATH, err);

		if (!running)
			return -1;
		/* After a reboot the running line carries our words of the last apply. */
		base = kcmdline_remove(running, have_record ? old->added : NULL);
	}
	sl_init(&fresh);
	next = kcmdline_add(base, want, &fresh);
	if (!cur && !fresh.n) {
		sl_free(&fresh); /* the running line has them all: kernel-install uses it */
		return 0;
	}
	{
		_cleanup_free_ char *kept = have_record && cur ? words_filter(old->added, want, true)
							       : xstrdup("");
		_cleanup_free_ char *fresh_words = sl_join(&fresh, " ");
		_cleanup_free_ char *both = xasprintf("%s %s", kept, fresh_words);

		/* words_filter against itself: distinct, in order, no empty words */
		rec->added = words_filter(both, both, true);
	}
	sl_free(&fresh);
	if (!rec->added[0] && (!cur || strcmp(next, cur) == 0)) {
		kernel_cmdline_record_free(rec); /* every word was the admin's already */
		return 0;
	}
	if (have_record && unchanged_since_us(old, cur)) {
		rec->original = xstrdup(old->original);
	} else if (have_record && cur) {
		/* Edited since: the admin's version without our words is what remove restores. */
		_cleanup_free_ char *theirs = kcmdline_remove(cur, old->added);

		rec->original = original_value(theirs);
	} else {
		rec->original = original_value(cur);
	}
	kcmdline_hash(next, hash);
	rec->written = xstrdup(hash);
	return stage(tx, next, err);
}
