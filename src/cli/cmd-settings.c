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

static const char usage_actions[] =
    "Usage: " PROG " [--root DIR] settings path\n"
    "       " PROG " [--root DIR] settings check KEY=VALUE... | KEY VALUE\n"
    "       " PROG " [--root DIR] settings get [KEY]\n"
    "       " PROG " [--root DIR] settings set [--replace-invalid] [--from-debconf] "
    "[--output FILE] KEY=VALUE...\n"
    "       " PROG " [--root DIR] settings debconf [--devices LIST]\n\n";
static const char usage_meanings[] =
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
    "  consent.\n"
    "Options come before the first KEY or KEY=VALUE: a value is never taken for one.\n";

/* "DEVICES, HOST_BUSID, ...": settings_keys[], as the usage and the refusals name them. */
static char *keys_list(void)
{
	struct strbuf sb;

	sb_init(&sb);
	for (size_t i = 0; i < SETTINGS_NKEYS; i++)
		sb_addf(&sb, "%s%s", i ? ", " : "", settings_keys[i]);
	return sb_steal(&sb);
}

/* The usage on stdout (--help: EXIT_OK) or stderr (a usage error: EXIT_USAGE). */
static int usage(FILE *out)
{
	_cleanup_free_ char *keys = keys_list();

	fprintf(out, "%sKeys: %s.\n%s", usage_actions, keys, usage_meanings);
	return out == stdout ? EXIT_OK : EXIT_USAGE;
}

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
	_cleanup_free_ char *keys = keys_list();

	log_error("settings: unknown key '%s' (known: %s)", shown, keys);
	return EXIT_USAGE;
}

/* KEY out of a KEY=VALUE argument (*value_out: after the '='), or NULL after a message
 * naming the action. */
static char *split_pair(const char *action, const char *arg, const char **value_out)
{
	const char *eq = strchr(arg, '=');

	if (!eq) {
		_cleanup_free_ char *shown = str_printable(arg);

		log_error("settings %s: expected KEY=VALUE, got '%s'", action, shown);
		return NULL;
	}
	*value_out = eq + 1;
	return xasprintf("%.*s", (int)(eq - arg), arg);
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

/* The options of every action in one table; each action takes those its mask names. */
enum {
	OPT_REPLACE_INVALID = 1 << 0,
	OPT_FROM_DEBCONF = 1 << 1,
	OPT_OUTPUT = 1 << 2,
	OPT_DEVICES = 1 << 3,
};

static const struct option options[] = {
	{ "replace-invalid", no_argument, NULL, OPT_REPLACE_INVALID },
	{ "from-debconf", no_argument, NULL, OPT_FROM_DEBCONF },
	{ "output", required_argument, NULL, OPT_OUTPUT },
	{ "devices", required_argument, NULL, OPT_DEVICES },
	{ "help", no_argument, NULL, 'h' },
	{ 0 },
};

/* One action's command line, once parsed: its options, then its operands. */
struct action_args {
	const char *root;
	bool replace_invalid, from_debconf;
	const char *output;  /* --output FILE */
	const char *devices; /* --devices LIST */
	int argc;	     /* the operands */
	char **argv;
};

struct action {
	const char *name;
	unsigned options;		/* the OPT_* it takes */
	int min_operands, max_operands; /* max -1: any number */
	int (*run)(const struct action_args *a);
};

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

static int run_path(const struct action_args *a)
{
	_cleanup_free_ char *path = path_join(a->root, SETTINGS_PATH);

	puts(path);
	return EXIT_OK;
}

/* check KEY VALUE, or check KEY=VALUE... (every pair is checked, each refusal said). */
static int run_check(const struct action_args *a)
{
	int bad = 0;

	if (a->argc == 2 && !strchr(a->argv[0], '='))
		return check_one(a->argv[0], a->argv[1]) < 0 ? EXIT_USAGE : EXIT_OK;
	for (int i = 0; i < a->argc; i++) {
		const char *value;
		_cleanup_free_ char *key = split_pair("check", a->argv[i], &value);

		if (!key || check_one(key, value) < 0)
			bad++;
	}
	return bad ? EXIT_USAGE : EXIT_OK;
}

static int run_get(const struct action_args *a)
{
	const char *only = a->argc ? a->argv[0] : NULL;
	_cleanup_free_ char *path = path_join(a->root, SETTINGS_PATH);
	_cleanup_free_ char *text = NULL;
	struct request req;
	struct error err = { 0 };
	int ret = EXIT_OK;

	if (only && !known_key(only))
		return unknown_key(only);
	text = current_text(a->root, &ret);
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

		if (only && strcmp(key, only) != 0)
			continue;
		value = settings_text_value(text, key);
		if (!value)
			value = settings_default(key);
		if (only)
			puts(value);
		else
			printf("%s=\"%s\"\n", key, value);
	}
	return EXIT_OK;
}

/* One KEY=VALUE argument, checked; the value as it will be written, or NULL after a
 * message (*ret set). DEVICES lists are written space-separated, in canonical form. */
static char *checked_value(const char *arg, const struct action_args *a, char **key_out, int *ret)
{
	const char *given;
	_cleanup_free_ char *key = split_pair("set", arg, &given);
	struct error err = { 0 };
	struct request req;
	char *value;

	if (!key) {
		*ret = EXIT_USAGE;
		return NULL;
	}
	if (a->from_debconf) {
		const char *question_key;

		value = settings_from_debconf(key, given, &question_key);
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
		value = xstrdup(given);
	}
	if (settings_check(key, value, &err) < 0) {
		_cleanup_free_ char *fallback = settings_default(key);

		if (!a->replace_invalid) {
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

static int run_set(const struct action_args *a)
{
	_cleanup_free_ char *path = NULL;
	_cleanup_free_ char *text = NULL;
	struct transaction tx;
	struct request req;
	struct error err = { 0 };
	int ret = EXIT_OK;

	text = current_text(a->root, &ret);
	if (!text)
		return ret;
	/* Every value is checked before anything is written. */
	for (int i = 0; i < a->argc; i++) {
		_cleanup_free_ char *key = NULL;
		_cleanup_free_ char *value = checked_value(a->argv[i], a, &key, &ret);
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

	path = a->output ? xstrdup(a->output) : path_join(a->root, SETTINGS_PATH);
	tx_init(&tx);
	/* Inside the root, never through a link out of it (root-path.h). */
	if (!a->output)
		tx_set_root(&tx, a->root);
	if (tx_stage(&tx, a->output ? a->output : SETTINGS_PATH, text, &err) < 0 ||
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
static int run_debconf(const struct action_args *a)
{
	_cleanup_free_ char *path = path_join(a->root, SETTINGS_PATH);
	_cleanup_free_ char *text = NULL;
	struct inventory inv;
	struct error err = { 0 };

	if (settings_read_text(a->root, &text, &err) < 0) {
		log_error("%s", err.msg);
		return err.code;
	}
	if (system_load(a->root, 0, INDEX_FAILURE_IGNORE, &inv, &err) < 0) {
		log_error("%s", err.msg);
		return err.code;
	}
	settings_debconf_print(stdout, &inv, path, text);
	if (a->devices)
		settings_debconf_print_consent(stdout, &inv, a->devices);
	inventory_free(&inv);
	return fflush(stdout) == 0 ? EXIT_OK : EXIT_FAILURE_RUNTIME;
}

static const struct action actions[] = {
	{ "path", 0, 0, 0, run_path },
	{ "check", 0, 1, -1, run_check },
	{ "get", 0, 0, 1, run_get },
	{ "set", OPT_REPLACE_INVALID | OPT_FROM_DEBCONF | OPT_OUTPUT, 1, -1, run_set },
	{ "debconf", OPT_DEVICES, 0, 0, run_debconf },
};

/* ACTION's options and operands (argv[0] is ACTION), the same way for every action: options
 * first ('+': a value such as KERNEL_PARAMS' may start with '-'), only those ACTION takes,
 * --help everywhere. -1: run it; else the exit code, after a message or the usage. */
static int parse_action(const struct action *act, int argc, char **argv, struct action_args *a)
{
	int c, i;

	while ((c = getopt_long(argc, argv, "+h", options, &i)) != -1) {
		if (c == 'h')
			return usage(stdout);
		if (c == '?')
			return usage(stderr);
		if (!(act->options & (unsigned)c)) {
			log_error("settings %s: no option --%s", act->name, options[i].name);
			return EXIT_USAGE;
		}
		if (c == OPT_REPLACE_INVALID)
			a->replace_invalid = true;
		else if (c == OPT_FROM_DEBCONF)
			a->from_debconf = true;
		else if (c == OPT_OUTPUT)
			a->output = optarg;
		else if (c == OPT_DEVICES)
			a->devices = optarg;
	}
	a->argc = argc - optind;
	a->argv = argv + optind;
	if (a->argc < act->min_operands)
		return usage(stderr);
	if (act->max_operands >= 0 && a->argc > act->max_operands) {
		_cleanup_free_ char *command = xasprintf("settings %s", act->name);

		return log_unexpected_argument(command, a->argv[act->max_operands]);
	}
	return -1;
}

static int run_settings(const struct context *ctx, int argc, char **argv)
{
	if (argc < 2)
		return usage(stderr);
	if (strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0)
		return usage(stdout);
	for (size_t i = 0; i < ARRAY_SIZE(actions); i++) {
		struct action_args a = { .root = ctx->root };
		int ret;

		if (strcmp(argv[1], actions[i].name) != 0)
			continue;
		ret = parse_action(&actions[i], argc - 1, argv + 1, &a);
		return ret >= 0 ? ret : actions[i].run(&a);
	}
	{
		_cleanup_free_ char *shown = str_printable(argv[1]);

		log_error("settings: unknown action '%s'", shown);
	}
	return usage(stderr);
}

const struct command cmd_settings = {
	.name = "settings",
	.run = run_settings,
	.usage = "settings path|check|get|set|debconf ...",
	.help = "read, check or change the settings file by apply's rules",
};
