// SPDX-License-Identifier: GPL-2.0-or-later
/* `apply`'s options: parsed and checked here, and given back as the arguments that shape
 * the plan (a trial's record, for confirm). */
#include <getopt.h>
#include <stdio.h>

#include "cmd-apply.h"
#include "log.h"

static void usage_apply(FILE *out)
{
	fputs("Usage: " PROG " [--root DIR] apply [--devices ADDR[,ADDR...]|none] "
	      "[--host-busid PCI:b:d:f] [--no-xorg] [--kernel-params \"...\"] "
	      "[--force|--no-force] [--full-passthrough] [--now|--trial [--auto-confirm]] "
	      "[--dry-run] [--changed-file FILE] "
	      "[--refresh-initramfs]\n",
	      out);
}

int parse_apply_opts(int argc, char **argv, struct apply_opts *o, struct error *err)
{
	static const struct option opts[] = {
		{ "devices", required_argument, NULL, 'd' },
		{ "host-busid", required_argument, NULL, 'b' },
		{ "no-xorg", no_argument, NULL, 'X' },
		{ "kernel-params", required_argument, NULL, 'k' },
		{ "force", no_argument, NULL, 'f' },
		{ "no-force", no_argument, NULL, 'F' },
		{ "full-passthrough", no_argument, NULL, 'P' },
		{ "changed-file", required_argument, NULL, 'c' },
		{ "refresh-initramfs", no_argument, NULL, 'R' },
		{ "dry-run", no_argument, NULL, 'n' },
		{ "now", no_argument, NULL, 'N' },
		{ "trial", no_argument, NULL, 'T' },
		{ "auto-confirm", no_argument, NULL, 'A' },
		{ "help", no_argument, NULL, 'h' },
		{ 0 },
	};
	int c;

	while ((c = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
		switch (c) {
		case 'd':
			o->devices_set = true;
			o->devices_arg = optarg;
			if (request_set_devices(&o->devices, optarg, "--devices", err) < 0)
				return -1;
			break;
		case 'b':
			o->busid_set = true;
			o->busid_arg = optarg;
			if (xorg_busid_parse(optarg, &o->busid) < 0) {
				_cleanup_free_ char *shown = str_printable(optarg);

				return error_set(
				    err, EXIT_USAGE,
				    "--host-busid: '%s' is not an Xorg BusID (expected "
				    "decimal PCI:bus:device:function, e.g. PCI:0:2:0)",
				    shown);
			}
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
		case 'F':
			o->no_force = true;
			break;
		case 'P':
			o->full_passthrough = true;
			break;
		case 'c':
			o->changed_file = optarg;
			break;
		case 'R':
			o->refresh_initramfs = true;
			break;
		case 'N':
			o->now = true;
			break;
		case 'T':
			o->trial = true;
			break;
		case 'A':
			o->auto_confirm = true;
			break;
		case 'h':
			usage_apply(stdout);
			return 1;
		default:
			usage_apply(stderr);
			return error_set(err, EXIT_USAGE, "apply: invalid option");
		}
	}
	if (optind < argc) {
		_cleanup_free_ char *shown = str_printable(argv[optind]);

		return error_set(err, EXIT_USAGE, "apply: unexpected argument '%s'", shown);
	}
	if (o->trial && o->now)
		return error_set(err, EXIT_USAGE,
				 "apply: --trial and --now exclude each other "
				 "(a trial binds in the next boot only)");
	if (o->auto_confirm && !o->trial)
		return error_set(err, EXIT_USAGE,
				 "apply: --auto-confirm goes with --trial (it "
				 "lets the trial boot confirm itself)");
	return 0;
}

void plan_args(const struct apply_opts *o, struct strlist *args)
{
	if (o->devices_arg) {
		sl_add(args, "--devices");
		sl_add(args, o->devices_arg);
	}
	if (o->busid_arg) {
		sl_add(args, "--host-busid");
		sl_add(args, o->busid_arg);
	}
	if (o->no_xorg)
		sl_add(args, "--no-xorg");
	if (o->kernel_params) {
		sl_add(args, "--kernel-params");
		sl_add(args, o->kernel_params);
	}
	if (o->force)
		sl_add(args, "--force");
	if (o->no_force)
		sl_add(args, "--no-force");
	if (o->full_passthrough)
		sl_add(args, "--full-passthrough");
}
