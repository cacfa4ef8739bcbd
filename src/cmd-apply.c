// SPDX-License-Identifier: GPL-2.0-or-later
/* `apply`: detect, decide, write atomically, regenerate boot files, record the result.
 * Restores every file when a step fails, so the machine boots as before. */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "boot-stack-plan.h"
#include "commands.h"
#include "conflicts.h"
#include "detect.h"
#include "modules.h"
#include "owned-files.h"
#include "policy.h"
#include "regen.h"
#include "render.h"
#include "settings.h"
#include "state.h"
#include "util.h"
#include "writer.h"

#define PROG "vfio-passthrough-setup"
#define UNDO_HINT                                                                         \
	"To undo: vfio-passthrough-setup remove (or choose no card in dpkg-reconfigure "  \
	"vfio-passthrough-setup)."

static void usage_apply(FILE *out)
{
	fputs("Usage: " PROG " [--root DIR] apply [--devices ADDR[,ADDR...]] "
	      "[--host-busid PCI:b:d:f] [--no-xorg] [--kernel-params \"...\"] [--force] "
	      "[--dry-run]\n",
	      out);
}

struct apply_opts {
	bool devices_set, busid_set, no_xorg, force, dry_run;
	struct request devices; /* only its devices fields */
	struct pci_addr busid;
	const char *kernel_params;
};

static int parse_apply_opts(int argc, char **argv, struct apply_opts *o, struct error *err)
{
	static const struct option opts[] = {
		{ "devices", required_argument, NULL, 'd' },
		{ "host-busid", required_argument, NULL, 'b' },
		{ "no-xorg", no_argument, NULL, 'X' },
		{ "kernel-params", required_argument, NULL, 'k' },
		{ "force", no_argument, NULL, 'f' },
		{ "dry-run", no_argument, NULL, 'n' },
		{ "help", no_argument, NULL, 'h' },
		{ 0 },
	};
	int c;

	while ((c = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
		const char *bad = NULL;

		switch (c) {
		case 'd':
			o->devices_set = true;
			if (request_set_devices(&o->devices, optarg, &bad) < 0)
				return error_set(err, EXIT_USAGE,
						 "--devices: '%s' is not a PCI address (expected "
						 "addresses like 0000:01:00.0, comma-separated)",
						 bad ? bad : optarg);
			break;
		case 'b':
			o->busid_set = true;
			if (xorg_busid_parse(optarg, &o->busid) < 0)
				return error_set(err, EXIT_USAGE,
						 "--host-busid: '%s' is not an Xorg BusID (expected "
						 "decimal PCI:bus:device:function, e.g. PCI:0:2:0)",
						 optarg);
			break;
		case 'X':
			o->no_xorg = true;
			break;
		case 'k':
			if (kernel_params_validate(optarg, err) < 0)
				return -1;
			o->kernel_params = optarg;
			break;
		case 'f':
			o->force = true;
			break;
		case 'n':
			o->dry_run = true;
			break;
		case 'h':
			usage_apply(stdout);
			return 1;
		default:
			usage_apply(stderr);
			return error_set(err, EXIT_USAGE, "apply: invalid option");
		}
	}
	if (optind < argc)
		return error_set(err, EXIT_USAGE, "apply: unexpected argument '%s'", argv[optind]);
	return 0;
}

static void request_apply_options(struct request *req, struct apply_opts *o)
{
	if (o->devices_set) {
		free(req->devices);
		req->devices = o->devices.devices;
		req->n_devices = o->devices.n_devices;
		req->devices_auto = o->devices.devices_auto;
		o->devices.devices = NULL;
	}
	if (o->busid_set) {
		req->host_busid_auto = false;
		req->host_busid = o->busid;
	}
	if (o->no_xorg)
		req->xorg = false;
	if (o->kernel_params) {
		free(req->kernel_params);
		req->kernel_params = xstrdup(o->kernel_params);
		req->kernel_params_auto = false;
	}
	if (o->force)
		req->force = true;
}

static int print_dry_run(const char *root, const struct rendered_file *files, size_t n_files,
			 struct error *err)
{
	struct transaction tx;
	size_t changed = 0;

	tx_init(&tx);
	if (owned_files_stage(&tx, root, files, n_files, err) < 0) {
		tx_free(&tx);
		return -1;
	}
	for (size_t i = 0; i < tx.n; i++) {
		const struct file_change *c = &tx.changes[i];

		if (!c->changed)
			continue;
		changed++;
		if (c->new_content)
			printf("Would write %s:\n%s\n", root_relative(root, c->path), c->new_content);
		else
			printf("Would remove %s\n", root_relative(root, c->path));
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
		_cleanup_free_ char *cards = sl_join(&plan->cards, " ");
		_cleanup_free_ char *fns = sl_join(&plan->functions, " ");

		printf("Configured %s for vfio-pci (functions: %s)%s.\n", cards, fns,
		       plan->bind_by_address ? ", bound by address because an identical card "
					       "stays with the host"
					     : "");
	}
	printf("Reboot to hand the card to vfio-pci; then check with: " PROG " status\n");
	printf(UNDO_HINT "\n");
}

/* Record the result for `status` and for the next run. */
static void record(const char *root, const struct apply_state *st)
{
	struct error err = { 0 };

	if (state_save(root, st, &err) < 0)
		fprintf(stderr, PROG ": warning: cannot record the result: %s\n", err.msg);
}

/* Write the rendered files (if they change), regenerate, record the result. */
static int write_plan(const char *root, const struct plan *plan, const struct request *req,
		      const struct rendered_file *files, size_t n_files, bool dry_run,
		      struct error *err)
{
	_cleanup_free_ char *cards = sl_join(&plan->cards, " ");
	struct apply_state old, now = { 0 };
	struct strlist created;
	struct transaction tx;
	char hash[17];
	int ret = -1;

	if (dry_run)
		return print_dry_run(root, files, n_files, err);
	tx_init(&tx);
	sl_init(&created);
	state_load(root, &old);
	rendered_hash(files, n_files, hash);
	if (owned_files_stage(&tx, root, files, n_files, err) < 0)
		goto out;
	now.config_hash = hash;
	now.cards = cards;
	if (tx_changed(&tx) == 0) {
		if (!plan_is_empty(plan))
			printf("Nothing to change: the configuration is already in place.\n");
		else if (req->devices_auto)
			printf("No card is suggested for vfio-pci on this machine, so nothing is "
			       "configured; " PROG " detect shows why.\n");
		else
			printf("No card is chosen for vfio-pci: nothing is configured.\n");
		/* Rewrite the state only if it does not say this already: a no-op writes nothing. */
		if (old.last_apply_failed || !old.config_hash || strcmp(old.config_hash, hash) != 0) {
			created_dirs_merge(root, old.created_dirs, &tx, &created);
			now.created_dirs = sl_join(&created, " ");
			now.last_apply_message = "configuration in place";
			record(root, &now);
			free(now.created_dirs);
		}
		ret = 0;
		goto out;
	}
	if (tx_commit(&tx, err) < 0)
		goto failed;
	owned_files_print_changes(root, &tx);
	if (owned_files_regenerate_or_restore(root, &tx, owned_files_regen_needs(&tx), err) < 0)
		goto failed;
	created_dirs_merge(root, old.created_dirs, &tx, &created);
	now.created_dirs = sl_join(&created, " ");
	now.last_apply_message =
		plan_is_empty(plan) ? "no card configured" : "applied; reboot to activate";
	record(root, &now);
	free(now.created_dirs);
	print_done(plan);
	ret = 0;
	goto out;
failed:
	/* Everything is as before: record the failure, keep the old record otherwise. */
	created_dirs_merge(root, old.created_dirs, NULL, &created);
	now.created_dirs = sl_join(&created, " ");
	now.config_hash = old.config_hash;
	now.cards = old.cards;
	now.last_apply_failed = true;
	now.last_apply_message = err->msg;
	record(root, &now);
	free(now.created_dirs);
out:
	apply_state_free(&old);
	sl_free(&created);
	tx_free(&tx);
	return ret;
}

static int run_apply(const struct context *ctx, int argc, char **argv)
{
	struct apply_opts o = { 0 };
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
	/* No names: apply prints none, and pci.ids is half the time of a no-op run. */
	if (detect_inventory_flags(ctx->root, DETECT_NO_NAMES, &inv, &err) < 0)
		goto out;
	if (!inv.have_pci) {
		printf("No PCI bus visible (chroot or container?): nothing configured.\n");
		goto out;
	}
	if (modules_resolve_cards(ctx->root, &inv, &err) < 0)
		goto out;
	policy_classify(&inv);
	if (settings_load(ctx->root, &req, &err) < 0)
		goto out;
	request_apply_options(&req, &o);
	if (policy_plan(&inv, &req, &plan, &err) < 0)
		goto out;
	boot_stack_plan(ctx->root, &inv, &plan);
	for (size_t i = 0; i < plan.warnings.n; i++)
		fprintf(stderr, PROG ": warning: %s\n", plan.warnings.items[i]);
	if (!plan_is_empty(&plan) && inv.kernels.n == 0)
		fprintf(stderr, PROG ": warning: no kernel found under /lib/modules: the drivers "
				"that must wait for vfio-pci cannot be looked up\n");
	else if (!plan_is_empty(&plan) && inv.vfio_pci == VFIO_MISSING)
		fprintf(stderr, PROG ": warning: no installed kernel has vfio-pci; the card will "
				"not be bound until one does\n");
	/* Other tools' files that bind, blacklist or override the same devices: the admin
	 * must know before rebooting into a fight between two configurations. */
	if (!plan_is_empty(&plan))
		conflicts_warn(ctx->root, &plan.softdeps, stderr);

	n_files = render_plan(&plan, files);
	write_plan(ctx->root, &plan, &req, files, n_files, o.dry_run, &err);
out:
	if (err.code != EXIT_OK) {
		fprintf(stderr, PROG ": %s\n", err.msg);
		if (err.code == EXIT_USAGE)
			fprintf(stderr, PROG ": nothing was written.\n");
		ret = err.code;
	}
	request_free(&o.devices);
	rendered_free(files, n_files);
	plan_free(&plan);
	request_free(&req);
	inventory_free(&inv);
	return ret;
}

const struct command cmd_apply = {
	.name = "apply",
	.run = run_apply,
	.usage = "apply [--devices ADDR,...] [--host-busid PCI:b:d:f] [--no-xorg] "
		 "[--kernel-params \"...\"] [--force] [--dry-run]",
	.help = "write the vfio-pci configuration for the chosen cards (default: suggested)",
};
