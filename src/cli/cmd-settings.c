// SPDX-License-Identifier: GPL-2.0-or-later
/* `settings`: the settings file for the maintainer scripts, the Ansible role and admins, by
 * apply's own rules, so that no script keeps a copy of a rule or of the file's name.
 * `settings set` checks every value (no PCI bus needed), keeps the admin's comments and
 * layout, writes atomically and prints the path written. `settings debconf` gives the
 * package's config script everything it asks with, as NAME='value' lines. */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "commands.h"
#include "log.h"
#include "settings-debconf.h"
#include "settings-edit.h"
#include "settings.h"
#include "system.h"
#include "util.h"
#include "writer.h"

static const char settings_usage[] =
    "Usage: " PROG " [--root DIR] settings path\n"
    "       " PROG " [--root DIR] settings check KEY=VALUE... | KEY VALUE\n"
    "       " PROG " [--root DIR] settings get [KEY]\n"
    "       " PROG " [--root DIR] settings set [--replace-invalid] [--from-debconf] "
    "[--output FILE] KEY=VALUE...\n"
    "       " PROG " [--root DIR] settings debconf [--devices LIST]\n\n"
    "Keys: DEVICES, HOST_BUSID, XORG, KERNEL_PARAMS, ALLOW_HOST_GPU.\n"
    "check: exit 0 if every VALUE is valid for its KEY, else exit 2 with each reason.\n"
    "get: the file's values (defaults for keys it lacks) as KEY=\"value\" lines, or "
    "KEY's.\n"
    "set: change those keys in the file, keep every other line; print the path written.\n"
    "  --replace-invalid  an invalid value is replaced by the key's default (with a\n"
    "                     message) instead of failing: for preseeded answers\n"
    "  --from-debconf     KEY is a debconf question (devices, host_busid, xorg,\n"
    "                     kernel_params, confirm_host_gpu), VALUE its answer\n"
    "  --output FILE      write FILE instead of the settings file (for ucf)\n"
    "debconf: for the package's config script, NAME='value' lines to eval: the machine,\n"
    "  the file's values as debconf answers; with --devices, whether that choice needs\n"
    "  consent.\n";

static bool known_key(const char *key)
{
	for (size_t i = 0; i < SETTINGS_NKEYS; i++)
		if (strcmp(key, settings_keys[i]) == 0)
			return true;
	return false;
}

static int unknown_key(const char *key)
{
	_cleanup_free_ char *shown = str_printable(key);

	log_error(
	    "settings: unknown key '%s' (known: DEVICES, HOST_BUSID, XORG, KERNEL_PARAMS, ALLOW_HOST_GPU)",
	    shown);
	return EXIT_USAGE;
}

/* The live file's text, or the template when there is none; NULL after a message. */
static char *current_text(const char *root, int *ret)
{
	struct error err = { 0 };
	char *text = NULL;

	if (settings_read_text(root, &text, &err) < 0) {
		log_error("%s", err.msg);
		*ret = err.code;
		return NULL;
	}
	return text ? text : xstrdup(settings_template());
}

/* One KEY VALUE pair checked: 0, or -1 after its message. */
static int check_one(const char *key, const char *value)
{
	struct error err = { 0 };

	if (!known_key(key)) {
		unknown_key(key);
		return -1;
	}
	if (settings_check(key, value, &err) < 0) {
		log_error("%s", err.msg);
		return -1;
	}
	return 0;
}

/* check KEY VALUE, or check KEY=VALUE... (every pair is checked, each refusal said). */
static int run_check(int argc, char **argv)
{
	int bad = 0;

	if (argc == 3 && !strchr(argv[1], '='))
		return check_one(argv[1], argv[2]) < 0 ? EXIT_USAGE : EXIT_OK;
	if (argc < 2) {
		fputs(settings_usage, stderr);
		return EXIT_USAGE;
	}
	for (int i = 1; i < argc; i++) {
		const char *eq = strchr(argv[i], '=');
		_cleanup_free_ char *key =
		    eq ? xasprintf("%.*s", (int)(eq - argv[i]), argv[i]) : NULL;

		if (!key) {
			_cleanup_free_ char *shown = str_printable(argv[i]);

			log_error("settings check: expected KEY=VALUE, got '%s'", shown);
			bad++;
		} else if (check_one(key, eq + 1) < 0) {
			bad++;
		}
	}
	return bad ? EXIT_USAGE : EXIT_OK;
}

static int run_get(const char *root, int argc, char **argv)
{
	_cleanup_free_ char *path = path_join(root, SETTINGS_PATH);
	_cleanup_free_ char *text = NULL;
	struct request req;
	struct error err = { 0 };
	int ret = EXIT_OK;

	if (argc > 2) {
		fputs(settings_usage, stderr);
		return EXIT_USAGE;
	}
	if (argc == 2 && !known_key(argv[1]))
		return unknown_key(argv[1]);
	text = current_text(root, &ret);
	if (!text)
		return ret;
	/* Only a file apply would accept is read back. */
	request_init(&req);
	if (settings_parse(text, &req, &err) < 0) {
		log_error("%s: %s", path, err.msg);
		request_free(&req);
		return err.code;
	}
	request_free(&req);
	for (size_t i = 0; i < SETTINGS_NKEYS; i++) {
		const char *key = settings_keys[i];
		_cleanup_free_ char *value = NULL;

		if (argc == 2 && strcmp(key, argv[1]) != 0)
			continue;
		value = settings_text_value(text, key);
		if (!value)
			value = settings_default(key);
		if (argc == 2)
			puts(value);
		else
			printf("%s=\"%s\"\n", key, value);
	}
	return EXIT_OK;
}

/* One KEY=VALUE argument, checked; the value as it will be written, or NULL after a
 * message (*ret set). DEVICES lists are written space-separated, in canonical form. */
static char *checked_value(const char *arg, bool replace_invalid, bool from_debconf, char **key_out,
			   int *ret)
{
	const char *eq = strchr(arg, '=');
	_cleanup_free_ char *key = eq ? xasprintf("%.*s", (int)(eq - arg), arg) : NULL;
	struct error err = { 0 };
	struct request req;
	char *value;

	if (!key) {
		_cleanup_free_ char *shown = str_printable(arg);

		log_error("settings set: expected KEY=VALUE, got '%s'", shown);
		*ret = EXIT_USAGE;
		return NULL;
	}
	if (from_debconf) {
		const char *question_key;

		value = settings_from_debconf(key, eq + 1, &question_key);
		if (!value) {
			_cleanup_free_ char *shown = str_printable(key);

			log_error("settings set: unknown debconf question '%s'", shown);
			*ret = EXIT_USAGE;
			return NULL;
		}
		free(key);
		key = xstrdup(question_key);
	} else if (!known_key(key)) {
		*ret = unknown_key(key);
		return NULL;
	} else {
		value = xstrdup(eq + 1);
	}
	if (settings_check(key, value, &err) < 0) {
		_cleanup_free_ char *fallback = settings_default(key);

		if (!replace_invalid) {
			log_error("%s", err.msg);
			*ret = err.code;
			free(value);
			return NULL;
		}
		log_error("%s; writing the default %s=\"%s\" instead", err.msg, key, fallback);
		free(value);
		value = xstrdup(fallback);
	}
	request_init(&req);
	if (strcmp(key, "DEVICES") == 0 && request_set_devices(&req, value, "DEVICES", &err) == 0 &&
	    req.n_devices) {
		struct strbuf sb;

		sb_init(&sb);
		for (size_t i = 0; i < req.n_devices; i++) {
			char addr[PCI_ADDR_STRLEN];

			pci_addr_format(&req.devices[i], addr);
			sb_addf(&sb, "%s%s", i ? " " : "", addr);
		}
		free(value);
		value = sb_steal(&sb);
	}
	request_free(&req);
	*key_out = key;
	key = NULL;
	return value;
}

static int run_set(const char *root, int argc, char **argv)
{
	static const struct option opts[] = {
		{ "replace-invalid", no_argument, NULL, 'r' },
		{ "from-debconf", no_argument, NULL, 'd' },
		{ "output", required_argument, NULL, 'o' },
		{ "help", no_argument, NULL, 'h' },
		{ 0 },
	};
	_cleanup_free_ char *path = NULL;
	_cleanup_free_ char *text = NULL;
	const char *output = NULL;
	bool replace_invalid = false, from_debconf = false;
	struct transaction tx;
	struct request req;
	struct error err = { 0 };
	int c, ret = EXIT_OK;

	while ((c = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
		switch (c) {
		case 'r':
			replace_invalid = true;
			break;
		case 'd':
			from_debconf = true;
			break;
		case 'o':
			output = optarg;
			break;
		case 'h':
			fputs(settings_usage, stdout);
			return EXIT_OK;
		default:
			fputs(settings_usage, stderr);
			return EXIT_USAGE;
		}
	}
	if (optind >= argc) {
		fputs(settings_usage, stderr);
		return EXIT_USAGE;
	}
	text = current_text(root, &ret);
	if (!text)
		return ret;
	/* Every value is checked before anything is written. */
	for (int i = optind; i < argc; i++) {
		_cleanup_free_ char *key = NULL;
		_cleanup_free_ char *value =
		    checked_value(argv[i], replace_invalid, from_debconf, &key, &ret);
		char *next;

		if (!value)
			return ret;
		next = settings_text_set(text, key, value);
		free(text);
		text = next;
	}
	/* Lines set sets are valid now; one the admin broke elsewhere is for apply to
	 * report. */
	request_init(&req);
	if (settings_parse(text, &req, &err) < 0)
		log_warning("the settings still have an error: %s", err.msg);
	request_free(&req);
	memset(&err, 0, sizeof(err));

	path = output ? xstrdup(output) : path_join(root, SETTINGS_PATH);
	tx_init(&tx);
	/* Inside the root, never through a link out of it (root-path.h). */
	if (!output)
		tx_set_root(&tx, root);
	if (tx_stage(&tx, output ? output : SETTINGS_PATH, text, &err) < 0 ||
	    tx_commit(&tx, &err) < 0) {
		log_error("%s", err.msg);
		ret = err.code ? err.code : EXIT_FAILURE_RUNTIME;
	} else {
		puts(path);
	}
	tx_free(&tx);
	return ret;
}

/* debconf [--devices LIST]: exit 0 with the lines, 1 when the machine cannot be read. An
 * invalid settings file is no error here (settings='invalid'): the questions are still asked. */
static int run_debconf(const char *root, int argc, char **argv)
{
	static const struct option opts[] = {
		{ "devices", required_argument, NULL, 'd' },
		{ "help", no_argument, NULL, 'h' },
		{ 0 },
	};
	_cleanup_free_ char *path = path_join(root, SETTINGS_PATH);
	_cleanup_free_ char *text = NULL;
	const char *devices = NULL;
	struct inventory inv;
	struct error err = { 0 };
	int c;

	while ((c = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
		switch (c) {
		case 'd':
			devices = optarg;
			break;
		case 'h':
			fputs(settings_usage, stdout);
			return EXIT_OK;
		default:
			fputs(settings_usage, stderr);
			return EXIT_USAGE;
		}
	}
	if (optind < argc)
		return log_unexpected_argument("settings debconf", argv[optind]);
	if (settings_read_text(root, &text, &err) < 0) {
		log_error("%s", err.msg);
		return err.code;
	}
	if (system_load(root, 0, INDEX_FAILURE_IGNORE, &inv, &err) < 0) {
		log_error("%s", err.msg);
		return err.code;
	}
	settings_debconf_print(stdout, &inv, path, text);
	if (devices)
		settings_debconf_print_consent(stdout, &inv, devices);
	inventory_free(&inv);
	return fflush(stdout) == 0 ? EXIT_OK : EXIT_FAILURE_RUNTIME;
}

static int run_settings(const struct context *ctx, int argc, char **argv)
{
	if (argc < 2) {
		fputs(settings_usage, stderr);
		return EXIT_USAGE;
	}
	argc--;
	argv++;
	if (strcmp(argv[0], "--help") == 0 || strcmp(argv[0], "-h") == 0) {
		fputs(settings_usage, stdout);
		return EXIT_OK;
	}
	if (strcmp(argv[0], "path") == 0 && argc == 1) {
		_cleanup_free_ char *path = path_join(ctx->root, SETTINGS_PATH);

		puts(path);
		return EXIT_OK;
	}
	if (strcmp(argv[0], "check") == 0)
		return run_check(argc, argv);
	if (strcmp(argv[0], "get") == 0)
		return run_get(ctx->root, argc, argv);
	if (strcmp(argv[0], "set") == 0)
		return run_set(ctx->root, argc, argv);
	if (strcmp(argv[0], "debconf") == 0)
		return run_debconf(ctx->root, argc, argv);
	{
		_cleanup_free_ char *shown = str_printable(argv[0]);

		log_error("settings: unknown action '%s'", shown);
	}
	fputs(settings_usage, stderr);
	return EXIT_USAGE;
}

const struct command cmd_settings = {
	.name = "settings",
	.run = run_settings,
	.usage = "settings path|check|get|set|debconf ...",
	.help = "read, check or change the settings file by apply's rules",
};
