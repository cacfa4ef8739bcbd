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
#include "kernel-cmdline.h"
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
	       "its parameters (%s).\n",
	       path, old->added ? old->added : "");
	return kcmdline_remove(cur, old->added);
}

#define USR_LIB_CMDLINE_PATH "/usr/lib/kernel/cmdline"
/* The namespace of the trial entry's own parameters (trial.h): always ours. */
#define OUR_NAMESPACE "vfio_passthrough_setup."

/* No trial pending, yet the running line carries a trial entry's words (entries a confirm
 * of an older version let kernel-install copy them into): its vfio-pci.ids= went with them.
 * NULL if none. */
static char *leftover_trial_ids(const char *root)
{
	_cleanup_free_ char *running = root_read_file(root, "/proc/cmdline", CMDLINE_MAX, NULL);
	struct strlist words, ids;
	char *joined = NULL;

	if (!running || !kcmdline_carries_any(running, OUR_NAMESPACE))
		return NULL;
	sl_init(&words);
	sl_init(&ids);
	cmdline_split(running, &words);
	for (size_t i = 0; i < words.n; i++)
		if (strncmp(words.items[i], "vfio-pci.ids=", 13) == 0 ||
		    strncmp(words.items[i], "vfio_pci.ids=", 13) == 0)
			sl_add(&ids, words.items[i]);
	if (ids.n)
		joined = sl_join(&ids, " ");
	sl_free(&words);
	sl_free(&ids);
	return joined;
}

/* Every word that is ours on the running command line: those the record says we added,
 * the trial entry's (in the trial boot, whose line carries its token; the trial file exists
 * until confirm or remove commits: in another boot the same words are the admin's), and
 * our namespace. Caller frees. */
static char *our_words(const char *root, const struct kernel_cmdline_record *old)
{
	_cleanup_free_ char *running = root_read_file(root, "/proc/cmdline", CMDLINE_MAX, NULL);
	_cleanup_free_ char *trial = NULL, *params = NULL;

	if (!kcmdline_carries_any(running, OUR_NAMESPACE))
		return xasprintf("%s " OUR_NAMESPACE, old->added ? old->added : "");
	trial = root_read_file(root, TRIAL_FILE_PATH, 1 << 16, NULL);
	params = trial ? trial_file_params(trial) : NULL;
	if (!params)
		params = leftover_trial_ids(root);
	return xasprintf("%s %s " OUR_NAMESPACE, old->added ? old->added : "",
			 params ? params : "");
}

char *kernel_cmdline_vendor_text(const char *root)
{
	return root_read_file(root, USR_LIB_CMDLINE_PATH, CMDLINE_MAX, NULL);
}

/* What kernel-install gives the next entries without /etc/kernel/cmdline: the vendor's
 * /usr/lib/kernel/cmdline, else the running line (then *running is set). */
static char *fallback_line(const char *root, bool *running)
{
	_cleanup_free_ char *usr_lib =
	    root_read_file(root, USR_LIB_CMDLINE_PATH, CMDLINE_MAX, NULL);
	_cleanup_free_ char *proc = root_read_file(root, "/proc/cmdline", CMDLINE_MAX, NULL);
	enum kcmdline_source from;
	char *line = kcmdline_next_boot(NULL, usr_lib, proc, &from);

	*running = from == KCMDLINE_FROM_RUNNING;
	return line;
}

/* In the trial boot (running: its command line, with the trial's token): words typed at the
 * boot menu are not in the trial entry, and not kept (they were for that boot). Takes line;
 * returns it, or a new one. */
static char *without_typed_words(const char *root, const char *running, char *line)
{
	const struct boot_loader *loader = boot_loader_in_use(root);
	bool trial_boot = kcmdline_carries_any(running, OUR_NAMESPACE);
	_cleanup_free_ char *options = line && trial_boot && loader && loader->trial_entry_options
					   ? loader->trial_entry_options(root)
					   : NULL;
	_cleanup_free_ char *typed = NULL;
	char *kept;

	if (!options)
		return line;
	kept = kcmdline_only_words_of(line, options, &typed);
	if (typed[0])
		printf("Not kept for the other boots: %s (typed at the boot menu of this boot, not "
		       "in the trial entry).\n",
		       typed);
	free(line);
	return kept;
}

/* The start of a new /etc/kernel/cmdline: the vendor's file kernel-install would read, else
 * the running line without the words added at boot and without ours, so that no word of a
 * trial boot (or of the last apply) is copied into the entries. */
static char *base_when_absent(const char *root, const struct kernel_cmdline_record *old,
			      const char *path, struct error *err)
{
	_cleanup_free_ char *running = root_read_file(root, "/proc/cmdline", CMDLINE_MAX, NULL);
	_cleanup_free_ char *ours = our_words(root, old);
	char *usr_lib = root_read_file(root, USR_LIB_CMDLINE_PATH, CMDLINE_MAX, NULL);
	char *line;

	if (usr_lib)
		return usr_lib;
	line = kcmdline_running_base(running, ours);
	line = without_typed_words(root, running, line);
	if (!line)
		error_set(err, EXIT_FAILURE_RUNTIME,
			  "%s does not exist and the running command line (/proc/cmdline) cannot "
			  "be read to start it from: create %s with the kernel parameters this "
			  "machine boots with, then run again",
			  path, path);
	return line;
}

/* What is said when the file stays with the admin's words where deleting it (or leaving it
 * absent) would let kernel-install take the running line, which carries ours. */
static char *stays_note(void)
{
	return xasprintf("%s stays, with the command line without vfio-passthrough-setup's "
			 "parameters: without it, kernel-install would copy the running command "
			 "line (/proc/cmdline), which still carries them, into the boot entries. "
			 "Delete it after the next reboot if you want the running command line "
			 "used again.",
			 KERNEL_CMDLINE_PATH);
}

/* tx's root is set: the path is staged root-relative, written without leaving the root.
 * restore: where the file does not exist, what it keeps if the regeneration fails and the
 * files are put back (tx_restore), instead of going (say: with stays_note). */
static int stage(struct transaction *tx, const char *content, const char *restore, bool say,
		 struct error *err)
{
	struct file_change *c;

	if (tx_stage(tx, KERNEL_CMDLINE_PATH, content, err) < 0)
		return -1;
	c = &tx->changes[tx->n - 1];
	c->needs_bootloader = true;
	if (restore && !c->old_content) {
		c->restore_content = xstrdup(restore);
		c->restore_note = say ? stays_note() : NULL;
	}
	return 0;
}

/* An admin's IOMMU switch-off beside our words: say which word the kernel will follow. */
static void warn_iommu_off(const char *content, const char *want)
{
	_cleanup_free_ char *conflict = cmdline_iommu_conflict(content, want);

	if (conflict)
		printf("Warning: %s: %s\n", KERNEL_CMDLINE_PATH, conflict);
}

/* The loader's own configuration (GRUB: /etc/default/grub and its grub.d) may switch the
 * IOMMU off against our words: say which word wins. */
static void warn_iommu_off_configured(const char *root, const struct boot_loader *loader,
				      const char *want)
{
	_cleanup_free_ char *where = NULL, *conflict = NULL;
	_cleanup_free_ char *line = loader->configured_cmdline(root, want, &where);

	conflict = line ? cmdline_iommu_conflict(line, want) : NULL;
	if (conflict)
		printf("Warning: %s: %s\n", where, conflict);
}

/* Whether, without the file, kernel-install would take the running line, and it carries
 * words of ours (or the trial's). */
static bool fallback_carries_ours(const char *root, const struct kernel_cmdline_record *old)
{
	_cleanup_free_ char *ours = our_words(root, old), *fallback = NULL;
	bool running;

	fallback = fallback_line(root, &running);
	return running && kcmdline_carries_any(fallback, ours);
}

/* Nothing of ours wanted in the file, and it is to be deleted (*del) or left absent (!cur).
 * If that lets kernel-install take a running line that carries words of ours, the file must
 * hold the admin's words instead: cur without ours, or the running line without ours. It
 * stays after remove, and we say so. -1: err set. */
static int guard_fallback(const char *root, const struct kernel_cmdline_record *old,
			  const char *cur, char **next, bool *del, struct error *err)
{
	_cleanup_free_ char *note = NULL;
	char *kept;

	if (!fallback_carries_ours(root, old))
		return 0;
	kept = cur ? kcmdline_remove(cur, old->added)
		   : base_when_absent(root, old, KERNEL_CMDLINE_PATH, err);
	if (!kept)
		return -1;
	free(*next);
	*next = kept;
	*del = false;
	note = stays_note();
	printf("%s\n", note);
	return 0;
}

int kernel_cmdline_stage(struct transaction *tx, const char *root, const char *want,
			 const struct kernel_cmdline_record *old, struct kernel_cmdline_record *rec,
			 struct error *err)
{
	const struct boot_loader *loader = boot_loader_in_use(root);
	_cleanup_free_ char *cur = NULL, *base = NULL, *next = NULL, *stale = NULL;
	bool have_record = old->written && old->written[0];
	bool loader_reads = loader && loader->shared_params_file;
	struct strlist fresh;
	char hash[17];
	size_t len = 0;

	memset(rec, 0, sizeof(*rec));
	if (loader && loader->configured_cmdline && want && want[0])
		warn_iommu_off_configured(root, loader, want);
	/* Our words go only where the boot loader in use reads them; elsewhere, or with none
	 * wanted, the record (if any) is undone. */
	if (!loader_reads || !want || !want[0])
		want = NULL;
	if (!want && !have_record && !loader_reads)
		return 0;
	if (loader_reads && getenv("KERNEL_INSTALL_CONF_ROOT"))
		printf("Warning: KERNEL_INSTALL_CONF_ROOT is set (%s): kernel-install reads the "
		       "command line from its cmdline, not from %s; unset it and run again.\n",
		       getenv("KERNEL_INSTALL_CONF_ROOT"), KERNEL_CMDLINE_PATH);
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
		bool del = !cur;

		if (!have_record && cur)
			return 0; /* the admin's file, none of our words in it */
		if (have_record && cur)
			next = content_without_us(old, cur, KERNEL_CMDLINE_PATH, &del);
		if (del && loader_reads && guard_fallback(root, old, cur, &next, &del, err) < 0)
			return -1;
		if (del && !cur)
			return 0;
		/* Created to hold the admin's words: a failed regeneration does not take it
		 * away either (said already). */
		return stage(tx, del ? NULL : next, cur ? NULL : next, false, err);
	}

	if (have_record) {
		/* Ours from the last apply that are no longer wanted go; the rest stay put. */
		stale = words_filter(old->added, want, false);
		base = cur ? kcmdline_remove(cur, stale) : NULL;
	} else {
		base = cur ? xstrdup(cur) : NULL;
	}
	if (!base && !(base = base_when_absent(root, old, KERNEL_CMDLINE_PATH, err)))
		return -1;
	sl_init(&fresh);
	next = kcmdline_add(base, want, &fresh);
	warn_iommu_off(next, want);
	{
		_cleanup_free_ char *kept =
		    have_record && cur ? words_filter(old->added, want, true) : xstrdup("");
		_cleanup_free_ char *fresh_words = sl_join(&fresh, " ");
		_cleanup_free_ char *both = xasprintf("%s %s", kept, fresh_words);

		/* words_filter against itself: distinct, in order, no empty words */
		rec->added = words_filter(both, both, true);
	}
	sl_free(&fresh);
	/* Every word was the admin's already. Where the file is absent it is written all the
	 * same: kernel-install would take the running line, with whatever this boot carries
	 * (a trial's words, words typed at the boot menu). */
	if (!rec->added[0] && cur && strcmp(next, cur) == 0) {
		kernel_cmdline_record_free(rec);
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
	/* Created here: should the regeneration fail, deleting it again would let kernel-install
	 * copy a running line with our words (a trial boot's) into the entries it regenerates
	 * for the previous files; it stays then with the admin's words (base). */
	return stage(tx, next, !cur && fallback_carries_ours(root, old) ? base : NULL, true, err);
}
