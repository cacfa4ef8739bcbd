// SPDX-License-Identifier: GPL-2.0-or-later
/* The settings file: KEY="value" lines, written by the packaging (debconf + ucf) or by hand.
 * Parsed strictly (never sourced): a typo must stop apply, not silently pass the wrong GPU. */
#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "root-path.h"
#include "settings.h"
#include "util.h"

#define KERNEL_PARAMS_MAX 512 /* grub copes with more, but anything longer is a mistake */
#define SETTINGS_MAX (64 * 1024)

void request_init(struct request *req)
{
	memset(req, 0, sizeof(*req));
	req->devices_auto = true;
	req->host_busid_auto = true;
	req->xorg = true;
	req->kernel_params_auto = true;
}

void request_free(struct request *req)
{
	free(req->devices);
	free(req->kernel_params);
	req->devices = NULL;
	req->kernel_params = NULL;
	req->n_devices = 0;
}

/* The one rule for kernel parameters: why byte c may not appear, or NULL if it may.
 * The value travels twice: into the grub drop-in, which shell scripts source as root
 * (inside double quotes), and from there unquoted into grub.cfg, which GRUB's script lexer
 * reads: there every byte outside its word characters ({ } | & $ ; < > blanks, newline,
 * quotes, backslash) is syntax, and '#' at the start of a word opens a comment that
 * silently drops the rest of the linux line, other packages' parameters included. */
static const char *kernel_param_byte_refused(unsigned char c)
{
	if (c < 0x20 || c >= 0x7f)
		return "no newlines or other control or non-ASCII bytes";
	if (strchr("\"'$`\\", c))
		return "no quotes, $, backticks or backslashes (the grub drop-in is shell-sourced)";
	if (c == '#')
		return "GRUB would take it for the start of a comment and drop the rest of the "
		       "kernel command line";
	if (strchr(";{}|&<>", c))
		return "no ; { } | & < > (grub.cfg would read them as GRUB script syntax)";
	if (strchr("()", c))
		return "no ( ) (a shell reading the value unquoted would take them as syntax)";
	return NULL;
}

int kernel_params_validate(const char *s, struct error *err)
{
	size_t len = strlen(s);

	if (len > KERNEL_PARAMS_MAX)
		return error_set(err, EXIT_USAGE,
				 "kernel parameters are too long (%zu characters, at most %d)", len,
				 KERNEL_PARAMS_MAX);
	for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
		const char *why = kernel_param_byte_refused(*p);
		_cleanup_free_ char *shown = NULL;
		char what[24];

		if (!why)
			continue;
		shown = str_printable(s);
		if (*p < 0x20 || *p >= 0x7f)
			snprintf(what, sizeof(what), "the byte \\x%02x", *p);
		else
			snprintf(what, sizeof(what), "the character '%c'", *p);
		return error_set(err, EXIT_USAGE,
				 "kernel parameters \"%s\": %s is not allowed (%s)", shown, what,
				 why);
	}
	return 0;
}

/* Whether a comma-separated list has an item that is empty or blank: ",,," must not pass
 * for "no card" and unconfigure the machine. */
static bool has_empty_item(const char *value)
{
	const char *p = value;

	for (;;) {
		size_t len = strcspn(p, ",");

		if (strspn(p, " \t\n") >= len)
			return true;
		if (p[len] == '\0')
			return false;
		p += len + 1;
	}
}

int request_set_devices(struct request *req, const char *value, const char *what, struct error *err)
{
	const char *bad = NULL;

	free(req->devices);
	req->devices = NULL;
	req->n_devices = 0;
	req->devices_auto = strcmp(value, "auto") == 0;
	if (req->devices_auto)
		return 0;
	/* No card is said explicitly: "none" or nothing at all. */
	if (strcmp(value, "none") == 0 || value[0] == '\0')
		return 0;
	if (has_empty_item(value)) {
		_cleanup_free_ char *shown = str_printable(value);

		return error_set(err, EXIT_USAGE,
				 "%s \"%s\": the list has an empty item (a comma too many?); to "
				 "choose no card, say \"none\"",
				 what, shown);
	}
	if (pci_addr_list_parse(value, &req->devices, &req->n_devices, &bad) < 0) {
		_cleanup_free_ char *shown = str_printable(bad ? bad : value);

		return error_set(err, EXIT_USAGE,
				 "%s: '%s' is not a PCI address (expected \"auto\", \"none\" or "
				 "addresses like 0000:01:00.0, separated by commas or spaces)",
				 what, shown);
	}
	return 0;
}

static int parse_yes_no(const char *v, bool *out)
{
	if (strcmp(v, "yes") == 0) {
		*out = true;
		return 0;
	}
	if (strcmp(v, "no") == 0) {
		*out = false;
		return 0;
	}
	return -1;
}

/* Why a value cannot stand between the double quotes of a KEY="value" line, or NULL.
 * Values are taken literally; refuse what a shell would expand, so the file means the same
 * whether we read it or a maintainer script sources it. */
static const char *value_refused(const char *value)
{
	if (strpbrk(value, "$`\\"))
		return "$, backticks and backslashes are not allowed in values";
	if (strpbrk(value, "\"\n"))
		return "double quotes and newlines are not allowed in values";
	return NULL;
}

/* Splits one line into key and value (both pointing into line, which is modified).
 * Returns 1 for a setting, 0 for a blank or comment line, -1 if malformed. */
static int split_line(char *line, char **key, char **value, const char **why)
{
	char *p = line, *end;

	while (*p == ' ' || *p == '\t' || *p == '\r')
		p++;
	if (*p == '\0' || *p == '#')
		return 0;
	*key = p;
	while (isupper((unsigned char)*p) || *p == '_' || isdigit((unsigned char)*p))
		p++;
	if (p == *key || *p != '=') {
		*why = "expected KEY=\"value\"";
		return -1;
	}
	*p++ = '\0';
	if (*p != '"') {
		*why = "the value must be in double quotes";
		return -1;
	}
	*value = ++p;
	end = strchr(p, '"');
	if (!end) {
		*why = "missing closing double quote";
		return -1;
	}
	*end++ = '\0';
	while (*end == ' ' || *end == '\t' || *end == '\r') /* CRLF from an editor */
		end++;
	if (*end != '\0' && *end != '#') {
		*why = "unexpected text after the closing quote";
		return -1;
	}
	*why = value_refused(*value);
	return *why ? -1 : 1;
}

const char *const settings_keys[SETTINGS_NKEYS] = { "DEVICES", "HOST_BUSID", "XORG",
						    "KERNEL_PARAMS", "ALLOW_HOST_GPU" };

/* Sets one key in req by the rules apply reads it with. where ("settings line 3: ") starts
 * each message. */
static int set_key(struct request *req, const char *where, const char *key, const char *value,
		   struct error *err)
{
	_cleanup_free_ char *shown = str_printable(value);

	if (strcmp(key, "DEVICES") == 0) {
		_cleanup_free_ char *what = xasprintf("%sDEVICES", where);

		return request_set_devices(req, value, what, err);
	}
	if (strcmp(key, "HOST_BUSID") == 0) {
		req->host_busid_auto = strcmp(value, "auto") == 0;
		if (req->host_busid_auto)
			return 0;
		if (xorg_busid_parse(value, &req->host_busid) < 0)
			return error_set(
			    err, EXIT_USAGE,
			    "%sHOST_BUSID=\"%s\" is not an Xorg BusID (expected "
			    "\"auto\" or decimal PCI:bus:device:function, e.g. PCI:0:2:0)",
			    where, shown);
		return 0;
	}
	if (strcmp(key, "XORG") == 0 || strcmp(key, "ALLOW_HOST_GPU") == 0) {
		bool *target = key[0] == 'X' ? &req->xorg : &req->force;

		if (parse_yes_no(value, target) < 0)
			return error_set(err, EXIT_USAGE, "%s%s=\"%s\": expected \"yes\" or \"no\"",
					 where, key, shown);
		return 0;
	}
	if (strcmp(key, "KERNEL_PARAMS") == 0) {
		struct error e = { 0 };

		free(req->kernel_params);
		req->kernel_params = NULL;
		req->kernel_params_auto = strcmp(value, "auto") == 0;
		if (req->kernel_params_auto)
			return 0;
		if (kernel_params_validate(value, &e) < 0)
			return error_set(err, EXIT_USAGE, "%sKERNEL_PARAMS: %s", where, e.msg);
		req->kernel_params = xstrdup(value);
		return 0;
	}
	{
		_cleanup_free_ char *key_shown = str_printable(key);

		return error_set(err, EXIT_USAGE,
				 "%sunknown setting %s (known: DEVICES, HOST_BUSID, XORG, "
				 "KERNEL_PARAMS, ALLOW_HOST_GPU)",
				 where, key_shown);
	}
}

int settings_check(const char *key, const char *value, struct error *err)
{
	_cleanup_free_ char *shown = str_printable(value);
	const char *why = value_refused(value);
	struct request req;
	int r;

	if (why)
		return error_set(err, EXIT_USAGE, "%s=\"%s\": %s", key, shown, why);
	request_init(&req);
	r = set_key(&req, "", key, value, err);
	request_free(&req);
	return r;
}

int settings_parse(const char *text, struct request *req, struct error *err)
{
	_cleanup_free_ char *copy = xstrdup(text);
	const char *const *keys = settings_keys;
	bool seen[SETTINGS_NKEYS] = { false };
	char *line = copy;
	unsigned lineno = 0;

	while (line) {
		char *next = strchr(line, '\n'), *key, *value;
		const char *why = NULL;
		int r;

		if (next)
			*next++ = '\0';
		lineno++;
		r = split_line(line, &key, &value, &why);
		if (r < 0) {
			/* split_line cut the line up: show it as the admin wrote it */
			const char *orig = text + (line - copy);
			_cleanup_free_ char *cut =
			    xasprintf("%.*s", (int)strcspn(orig, "\n"), orig);
			_cleanup_free_ char *shown = str_printable(cut);

			return error_set(err, EXIT_USAGE, "settings line %u: %s: %.200s", lineno,
					 why, shown);
		}
		if (r > 0) {
			_cleanup_free_ char *where = xasprintf("settings line %u: ", lineno);

			for (size_t i = 0; i < SETTINGS_NKEYS; i++) {
				if (strcmp(key, keys[i]) != 0)
					continue;
				/* Shells would let the last one win; a reader would not guess. */
				if (seen[i])
					return error_set(err, EXIT_USAGE,
							 "settings line %u: %s is set twice",
							 lineno, key);
				seen[i] = true;
			}
			if (set_key(req, where, key, value, err) < 0)
				return -1;
		}
		line = next;
	}
	return 0;
}

int settings_read_text(const char *root, char **text, struct error *err)
{
	_cleanup_free_ char *path = path_join(root, SETTINGS_PATH);
	size_t len = 0;

	/* Never through a link out of the root: its first line would be shown in an error. */
	*text = root_read_file(root, SETTINGS_PATH, SETTINGS_MAX, &len);
	if (!*text) {
		if (errno == ENOENT)
			return 0;
		return error_set(err, EXIT_FAILURE_RUNTIME, "cannot read %s: %s", path,
				 file_error(errno));
	}
	if (strlen(*text) != len) {
		free(*text);
		*text = NULL;
		return error_set(err, EXIT_USAGE, "%s: contains a NUL byte; not a settings file",
				 path);
	}
	return 0;
}

int settings_load(const char *root, struct request *req, struct error *err)
{
	_cleanup_free_ char *path = path_join(root, SETTINGS_PATH);
	_cleanup_free_ char *text = NULL;
	struct error e = { 0 };

	if (settings_read_text(root, &text, err) < 0)
		return -1;
	if (!text)
		return 0;
	if (settings_parse(text, req, &e) < 0)
		return error_set(err, e.code, "%s: %s", path, e.msg);
	return 0;
}
