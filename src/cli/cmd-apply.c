// SPDX-License-Identifier: GPL-2.0-or-later
/* `apply`: detect, decide, write atomically, regenerate boot files, record the result.
 * Restores every file when a step fails, so the machine boots as before. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cmd-apply.h"
#include "commands.h"
#include "conflicts.h"
#include "detect.h"
#include "kernel-cmdline-file.h"
#include "log.h"
#include "owned-files.h"
#include "policy.h"
#include "rebind.h"
#include "regen.h"
#include "run-lock.h"
#include "render.h"
#include "settings.h"
#include "system.h"
#include "state.h"
#include "trial.h"
#include "util.h"
#include "writer.h"

#define UNDO_HINT                                                                                  \
	"To undo: vfio-passthrough-setup remove (or choose no card in dpkg-reconfigure "           \
	"vfio-passthrough-setup)."

/* The kernel parameters for every boot entry: none for a trial (its entry carries them). */
static const char *plan_params(const struct plan *plan, const struct apply_opts *o)
{
	return plan_is_empty(plan) || o->trial ? NULL : plan->kernel_params;
}

/* --trial: the trial's files in place of the plan's; confirm: the plan must render what
 * the trial tried; otherwise the trial file goes (a plain apply ends a trial). */
static int trial_files(const char *root, const struct plan *plan, struct apply_opts *o,
		       struct rendered_file *files, size_t *n, struct error *err)
{
	struct strlist args;
	int r;

	if (!o->trial && !o->confirm_config) {
		files[(*n)++] = (struct rendered_file){ .path = TRIAL_FILE_PATH,
							.needs_bootloader = true,
							.outside_hash = true };
		return 0;
	}
	if (o->confirm_config) {
		char hash[17];

		rendered_hash(files, *n, hash);
		files[(*n)++] = (struct rendered_file){ .path = TRIAL_FILE_PATH,
							.needs_bootloader = true,
							.outside_hash = true };
		if (strcmp(hash, o->confirm_config) == 0)
			return 0;
		return error_set(err, EXIT_USAGE,
				 "confirm: the configuration is no longer the one tried (the "
				 "settings or the machine changed since apply --trial): run "
				 "apply --trial again");
	}
	/* What confirm must render again, before the files become the trial's. */
	rendered_hash(files, *n, o->trial_config);
	sl_init(&args);
	plan_args(o, &args);
	r = trial_prepare(root, plan, &args, o->auto_confirm, files, n, o->trial_token, err);
	sl_free(&args);
	return r;
}

static int print_dry_run(const char *root, const struct rendered_file *files, size_t n_files,
			 const char *params, struct error *err)
{
	struct kernel_cmdline_record kc = { 0 };
	struct apply_state old;
	struct transaction tx;
	size_t changed = 0;
	int r;

	tx_init(&tx);
	state_load(root, &old);
	r = owned_files_stage(&tx, root, files, n_files, err);
	if (r == 0)
		r = kernel_cmdline_stage(&tx, root, params, &old.kernel_cmdline, &kc, err);
	kernel_cmdline_record_free(&kc);
	apply_state_free(&old);
	if (r < 0) {
		tx_free(&tx);
		return -1;
	}
	for (size_t i = 0; i < tx.n; i++) {
		const struct file_change *c = &tx.changes[i];

		if (!c->changed)
			continue;
		changed++;
		if (c->new_content)
			printf("Would write %s:\n%s\n", c->rel, c->new_content);
		else
			printf("Would remove %s\n", c->rel);
	}
	if (!changed)
		printf("Nothing would change: the configuration is already in place.\n");
	else
		printf("(dry run: nothing was written)\n");
	tx_free(&tx);
	return 0;
}

static void print_done(const struct plan *plan)
{
	if (plan_is_empty(plan)) {
		printf("No card is configured for vfio-pci. Reboot so the host drivers take any "
		       "previously configured card back.\n");
		return;
	}
	{
		_cleanup_free_ char *cards = pci_addr_list_format(plan->cards, plan->n_cards, " ");
		_cleanup_free_ char *fns =
		    pci_addr_list_format(plan->functions, plan->n_functions, " ");

		printf("Configured %s for vfio-pci (functions: %s)%s.\n", cards, fns,
		       plan->bind_by_address ? ", bound by address because an identical card "
					       "stays with the host"
					     : "");
	}
	printf("Reboot to hand the card to vfio-pci; then check with: " PROG " status\n");
	printf(UNDO_HINT "\n");
}

/* --changed-file: the maintainer scripts learn whether anything changed (a reboot note)
 * without knowing which files the helper owns. */
static int write_changed_file(const char *file, const struct transaction *tx, struct error *err)
{
	FILE *f;

	if (!file)
		return 0;
	f = fopen(file, "w");
	if (!f)
		return error_set(err, EXIT_FAILURE_RUNTIME, "--changed-file %s: %s", file,
				 strerror(errno));
	for (size_t i = 0; tx && i < tx->n; i++)
		if (tx->changes[i].changed)
			fprintf(f, "%s\n", tx->changes[i].rel);
	if (fclose(f) != 0)
		return error_set(err, EXIT_FAILURE_RUNTIME, "--changed-file %s: %s", file,
				 strerror(errno));
	return 0;
}

/* Whether the plan puts anything into the initramfs (the hook adds nothing otherwise). */
static bool plan_uses_initramfs(const struct rendered_file *files, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (files[i].content && files[i].needs_initramfs)
			return true;
	return false;
}

/* The state's message= for an apply that succeeded, CHANGED or not: what is true now. */
static char *record_message(const struct plan *plan, bool trial, bool changed)
{
	if (trial)
		return "trial for the next boot only";
	if (plan_is_empty(plan))
		return "no card configured";
	return changed ? "applied; reboot to activate" : "configuration in place";
}

/* Record the result for `status` and for the next run. */
static void record(const char *root, const struct apply_state *st)
{
	struct error err = { 0 };

	if (state_save(root, st, &err) < 0)
		log_warning("cannot record the result: %s", err.msg);
}

/* The old record with the regeneration about to run marked pending: written before any
 * file changes, so that a crash from here on is repaired by the next run. */
static int record_pending(const char *root, const struct apply_state *old,
			  const struct strlist *created, const struct kernel_cmdline_record *kc,
			  const char *pending, struct error *err)
{
	_cleanup_free_ char *dirs = sl_join(created, " ");
	struct apply_state journal = *old;

	journal.created_dirs = dirs;
	journal.boot_id = NULL; /* files change in this boot */
	if (kc)
		journal.kernel_cmdline = *kc;
	journal.regen_pending = (char *)pending;
	return state_save(root, &journal, err);
}

/* Write the rendered files (if they change), regenerate, record the result. A regeneration
 * an interrupted run left pending is done first, or together with this run's. */
static int write_plan(const char *root, const struct plan *plan, const struct request *req,
		      const struct rendered_file *files, size_t n_files, const struct apply_opts *o,
		      struct error *err)
{
	_cleanup_free_ char *cards = pci_addr_list_format(plan->cards, plan->n_cards, " ");
	_cleanup_free_ char *journal = NULL, *dirs = NULL;
	const char *params = plan_params(plan, o);
	struct kernel_cmdline_record kc = { 0 };
	struct apply_state old, now = { 0 }, journal_base;
	struct regen_needs pending, needs;
	struct strlist created, confirm_args;
	struct transaction tx;
	bool in_doubt, said;
	/* A new initramfs hook (package upgrade) must reach the images of a configured card
	 * even when no file changes. */
	bool refresh = o->refresh_initramfs && plan_uses_initramfs(files, n_files);
	char hash[17];
	int ret = -1;

	tx_init(&tx);
	sl_init(&created);
	sl_init(&confirm_args);
	owned_files_remove_leftovers(root);
	state_load(root, &old);
	/* A package upgrade (the postinst's --refresh-initramfs) while a trial waits for its
	 * boot or its confirm: until confirm the default boot stays exactly as before, so an
	 * upgrade writes nothing; confirm, apply or remove later do the whole job. */
	if (o->refresh_initramfs && !o->trial && !o->confirm_config && old.trial) {
		printf("A trial is pending (apply --trial): the package upgrade leaves it as it is "
		       "and changes no file; '" PROG " confirm' in the trial boot, or '" PROG
		       " remove', ends it.\n");
		ret = write_changed_file(o->changed_file, NULL, err) < 0 ? -1 : 0;
		goto out;
	}
	/* confirm: every journal from here on says so, with the options that plan it, so that
	 * a confirm run again after a crash at any step finishes it (the trial file, which had
	 * the options, goes in this commit). The final record drops it; a failure keeps old. */
	journal_base = old;
	if (o->confirm_config) {
		plan_args(o, &confirm_args);
		journal_base.trial_confirming = true;
		journal_base.trial_args = confirm_args;
	}
	/* --trial: every journal says which trial is being set up, so that status can tell a
	 * run killed before the one-shot request from an armed trial. The final record drops it. */
	if (o->trial) {
		journal_base.trial_arming = (char *)o->trial_token;
		journal_base.trial_arming_cards = cards;
	}
	pending = regen_needs_parse(old.regen_pending);
	in_doubt = regen_needs_any(pending);
	rendered_hash(files, n_files, hash);
	if (owned_files_stage(&tx, root, files, n_files, err) < 0)
		goto out;
	if (kernel_cmdline_stage(&tx, root, params, &old.kernel_cmdline, &kc, err) < 0)
		goto out;
	now.kernel_cmdline = kc;
	now.modules_cache = (char *)o->modules_cache;
	now.config_hash = hash;
	now.cards = cards;
	now.trial = o->trial ? (char *)o->trial_token : NULL;
	now.trial_config = o->trial ? (char *)o->trial_config : NULL;
	if (o->trial && old.trial)
		printf("A trial was set up already: this one replaces it (a new token: only this "
		       "trial's boot can confirm it).\n");
	if (regen_needs_any(pending))
		printf("A previous run was interrupted before the boot files were regenerated; "
		       "regenerating them now.\n");
	needs = regen_needs_union(owned_files_regen_needs(&tx), pending);
	if (refresh)
		needs.initramfs = true;
	journal = regen_needs_format(needs);
	created_dirs_merge(old.created_dirs, NULL, &created);
	state_note_created_dirs(root, &created);
	if (tx_changed(&tx) == 0) {
		if (refresh)
			pending.initramfs = true;
		if (regen_needs_any(pending) && regen_run(root, pending, err) < 0)
			goto failed;
		if (o->trial && trial_arm(root, err) < 0) /* the same trial, asked for again */
			goto failed;
		if (write_changed_file(o->changed_file, NULL, err) < 0)
			goto out;
		if (o->confirm_config)
			printf("Confirmed: the trial configuration is now the permanent one.\n");
		else if (!plan_is_empty(plan))
			printf("Nothing to change: the configuration is already in place.\n");
		else if (req->devices_auto)
			printf("No card is suggested for vfio-pci on this machine, so nothing is "
			       "configured; " PROG " detect shows why.\n");
		else
			printf("No card is chosen for vfio-pci: nothing is configured.\n");
		/* Rewrite the state only if it does not say this already: a no-op writes nothing.
		 * A new record of the modules alone (a kernel installed) keeps the message. */
		said = !old.last_apply_failed && old.config_hash &&
		       strcmp(old.config_hash, hash) == 0 && !regen_needs_any(pending) &&
		       !old.trial && !old.trial_arming && !o->trial;
		if (!said || strcmp(old.modules_cache ? old.modules_cache : "",
				    o->modules_cache ? o->modules_cache : "") != 0) {
			/* The files are those the record describes: they date from its boot. A
			 * trial or a confirm finished now takes effect from the next boot. */
			if (old.config_hash && strcmp(old.config_hash, hash) == 0 && !o->trial &&
			    !o->confirm_config)
				now.boot_id = old.boot_id;
			now.created_dirs = dirs = sl_join(&created, " ");
			now.last_apply_message = said && old.last_apply_message
						     ? old.last_apply_message
						     : record_message(plan, o->trial, false);
			record(root, &now);
		}
		ret = 0;
		goto out;
	}
	/* Without the journal a crash could go unrepaired: do not start. */
	if ((regen_needs_any(needs) || o->confirm_config || o->trial) &&
	    record_pending(root, &journal_base, &created, NULL, journal, err) < 0)
		goto failed;
	if (tx_commit(&tx, err) < 0)
		goto failed;
	created_dirs_merge(NULL, &tx, &created);
	/* The directories this commit made and our words now in /etc/kernel/cmdline, for remove,
	 * should the regeneration be cut short. */
	if (regen_needs_any(needs) || o->confirm_config || o->trial)
		record_pending(root, &journal_base, &created, &kc, journal, &(struct error){ 0 });
	owned_files_print_changes(&tx);
	/* --trial: the one-shot request is part of the change; if it fails, nothing of the
	 * trial is left behind (files, entry and state as before). */
	if (owned_files_regenerate_or_restore(root, &tx, needs, o->trial ? trial_arm : NULL,
					      &in_doubt, err) < 0)
		goto failed;
	if (write_changed_file(o->changed_file, &tx, err) < 0)
		goto out;
	now.created_dirs = dirs = sl_join(&created, " ");
	now.last_apply_message = record_message(plan, o->trial, true);
	record(root, &now);
	if (o->confirm_config)
		printf("Confirmed: the trial configuration is now the permanent one.\n");
	else if (!o->trial)
		print_done(plan);
	ret = 0;
	goto out;
failed:
	/* The files are as before (/etc/kernel/cmdline too): record the failure, keep the old
	 * record otherwise. A regeneration that may not have happened stays pending. */
	now = old;
	now.created_dirs = dirs = sl_join(&created, " ");
	now.last_apply_failed = true;
	now.last_apply_message = err->msg;
	now.regen_pending = in_doubt ? journal : NULL;
	record(root, &now);
out:
	kernel_cmdline_record_free(&kc);
	apply_state_free(&old);
	sl_free(&created);
	sl_free(&confirm_args);
	tx_free(&tx);
	return ret;
}

/* --now: the plan's cards go to vfio-pci at once. */
static int take_now(const char *root, const struct inventory *inv, const struct plan *plan,
		    bool dry_run, struct error *err)
{
	struct rebind_cards cards = { plan->cards, plan->n_cards };

	return rebind_now(root, inv, cards, true, dry_run, err);
}

/* Lock, then write (and with --now bind): one writer at a time on a root. Returns the
 * exit status, -1 with err set on failure. */
static int write_plan_locked(const char *root, const struct inventory *inv, const struct plan *plan,
			     const struct request *req, const struct rendered_file *files,
			     size_t n_files, const struct apply_opts *o, struct error *err)
{
	struct run_lock lock;
	int r;

	if (o->dry_run) {
		r = print_dry_run(root, files, n_files, plan_params(plan, o), err);
		if (r == 0 && o->now)
			r = take_now(root, inv, plan, true, err);
		return r;
	}
	if (run_lock_acquire(root, &lock, err) < 0)
		return -1;
	r = write_plan(root, plan, req, files, n_files, o, err);
	if (r == 0 && o->now)
		r = take_now(root, inv, plan, false, err);
	if (r == 0 && o->trial) /* write_plan armed it */
		trial_print_armed(plan, o->auto_confirm);
	run_lock_release(&lock);
	return r;
}

static int apply_main(const struct context *ctx, int argc, char **argv, const char *confirm_config)
{
	struct apply_opts o = { .confirm_config = confirm_config };
	_cleanup_free_ char *modules_cache = NULL;
	struct apply_state last;
	struct inventory inv = { 0 };
	struct request req;
	struct plan plan = { 0 };
	struct rendered_file files[RENDERED_MAX];
	struct error err = { 0 };
	size_t n_files = 0;
	int r, ret = EXIT_OK;

	request_init(&req);
	r = parse_apply_opts(argc, argv, &o, &err);
	if (r != 0)
		goto out;
	/* No names: apply prints none, and pci.ids is half the time of a no-op run. The last
	 * apply's record of the modules spares a no-op run libkmod. */
	state_load(ctx->root, &last);
	r = system_load_cached(ctx->root, DETECT_NO_NAMES | DETECT_NO_RESET | DETECT_NO_VM,
			       INDEX_FAILURE_FATAL, last.modules_cache, &modules_cache, &inv, &err);
	apply_state_free(&last);
	o.modules_cache = modules_cache;
	if (r < 0)
		goto out;
	if (!inv.have_pci) {
		printf("No PCI bus visible (chroot or container?): nothing configured.\n");
		goto out;
	}
	if (system_plan(ctx->root, &inv,
			&(struct request_overrides){ .devices = o.devices_set ? &o.devices : NULL,
						     .host_busid = o.busid_set ? &o.busid : NULL,
						     .no_xorg = o.no_xorg,
						     .kernel_params = o.kernel_params,
						     .force = o.force,
						     .no_force = o.no_force,
						     .full_passthrough = o.full_passthrough },
			&req, &plan, &err) < 0)
		goto out;
	for (size_t i = 0; i < plan.warnings.n; i++)
		log_warning("%s", plan.warnings.items[i]);
	if (!plan_is_empty(&plan) && inv.kernels.n == 0)
		log_warning(
		    "no kernel found under /lib/modules or /usr/lib/modules: the drivers that must wait for vfio-pci cannot be looked up");
	else if (!plan_is_empty(&plan) && inv.vfio_pci == VFIO_MISSING)
		log_warning(
		    "no installed kernel has vfio-pci; the card will not be bound until one does");
	/* Other tools' files that bind, blacklist or override the same devices: the admin
	 * must know before rebooting into a fight between two configurations. */
	if (!plan_is_empty(&plan))
		conflicts_warn(ctx->root, &plan.softdeps, stderr);

	n_files = render_plan(&plan, files);
	if (trial_files(ctx->root, &plan, &o, files, &n_files, &err) < 0)
		goto out;
	r = write_plan_locked(ctx->root, &inv, &plan, &req, files, n_files, &o, &err);
	if (r > 0)
		ret = r;
out:
	if (err.code != EXIT_OK) {
		log_error("%s", err.msg);
		if (err.code == EXIT_USAGE)
			log_error("nothing was written.");
		ret = err.code;
	}
	request_free(&o.devices);
	rendered_free(files, n_files);
	plan_free(&plan);
	request_free(&req);
	inventory_free(&inv);
	return ret;
}

static int run_apply(const struct context *ctx, int argc, char **argv)
{
	return apply_main(ctx, argc, argv, NULL);
}

int apply_confirm(const struct context *ctx, int argc, char **argv, const char *config)
{
	return apply_main(ctx, argc, argv, config);
}

const struct command cmd_apply = {
	.name = "apply",
	.run = run_apply,
	.usage = "apply [--devices ADDR,...] [--host-busid PCI:b:d:f] [--no-xorg] "
		 "[--kernel-params \"...\"] [--force] [--full-passthrough] "
		 "[--now|--trial [--auto-confirm]] "
		 "[--dry-run]",
	.help = "write the vfio-pci configuration for the chosen cards (default: suggested)",
};
