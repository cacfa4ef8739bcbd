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

/* The value for a message: bytes a terminal would act on shown as \xNN. Caller frees. */
static char *printable(const char *s)
{
	struct strbuf sb;

	sb_init(&sb);
	for (const unsigned char *p = (const unsigned char *)s; *p; p++)
		if (*p < 0x20 || *p >= 0x7f)
			sb_addf(&sb, "\\x%02x", *p);
		else
			sb_addf(&sb, "%c", *p);
	return sb_steal(&sb);
}

int kernel_params_validate(const char *s, struct error *err)
{
	size_t len = strlen(s);

	if (len > KERNEL_PARAMS_MAX)
		return error_set(err, EXIT_USAGE,
				 "kernel parameters are too long (%zu characters, at most %d)", len,
				 KERNEL_PARAMS_MAX);
	for (const char *p = s; *p; p++) {
		unsigned char c = (unsigned char)*p;
		const char *why;

		/* The grub drop-in is shell-sourced as root: nothing that quotes, expands or
		 * separates commands may reach it. update-grub then copies the value unquoted
		 * into grub.cfg, where { } | & < > are GRUB script tokens ('}' would end the
		 * menu entry). */
		if (c < 0x20 || c >= 0x7f)
			why = "no newlines or other control or non-ASCII bytes";
		else if (strchr("\"'$`\\;", c))
			why = "no quotes, $, backticks, backslashes or ; (the grub drop-in is "
			      "shell-sourced)";
		else if (strchr("{}|&<>", c))
			why = "no { } | & < > (grub.cfg would read them as GRUB script syntax)";
		else
			continue;
		{
			_cleanup_free_ char *shown = printable(s);
			char what[24];

			if (c < 0x20 || c >= 0x7f)
				snprintf(what, sizeof(what), "the byte \\x%02x", c);
			else
				snprintf(what, sizeof(what), "the character '%c'", c);
			return error_set(err, EXIT_USAGE,
					 "kernel parameters \"%s\": %s is not allowed (%s)", shown,
					 what, why);
		}
	}
	return 0;
}

int request_set_devices(struct request *req, const char *value, const char **bad)
{
	free(req->devices);
	req->devices = NULL;
	req->n_devices = 0;
	req->devices_auto = strcmp(value, "auto") == 0;
	if (req->devices_auto)
		return 0;
	return pci_addr_list_parse(value, &req->devices, &req->n_devices, bad);
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
	/* Values are taken literally; refuse what a shell would expand, so the file
	 * means the same whether we read it or a maintainer script sources it. */
	if (strpbrk(*value, "$`\\")) {
		*why = "$, backticks and backslashes are not allowed in values";
		return -1;
	}
	return 1;
}

static int set_key(struct request *req, unsigned lineno, const char *key, const char *value,
		   struct error *err)
{
	if (strcmp(key, "DEVICES") == 0) {
		const char *bad = NULL;

		if (request_set_devices(req, value, &bad) < 0)
			return error_set(err, EXIT_USAGE,
					 "settings line %u: DEVICES=\"%s\": '%s' is not a PCI address "
					 "(expected \"auto\", \"\" or addresses like 0000:01:00.0)",
					 lineno, value, bad ? bad : value);
		return 0;
	}
	if (strcmp(key, "HOST_BUSID") == 0) {
		req->host_busid_auto = strcmp(value, "auto") == 0;
		if (req->host_busid_auto)
			return 0;
		if (xorg_busid_parse(value, &req->host_busid) < 0)
			return error_set(err, EXIT_USAGE,
					 "settings line %u: HOST_BUSID=\"%s\" is not an Xorg BusID "
					 "(expected \"auto\" or decimal PCI:bus:device:function, e.g. "
					 "PCI:0:2:0)",
					 lineno, value);
		return 0;
	}
	if (strcmp(key, "XORG") == 0 || strcmp(key, "ALLOW_HOST_GPU") == 0) {
		bool *target = key[0] == 'X' ? &req->xorg : &req->force;

		if (parse_yes_no(value, target) < 0)
			return error_set(err, EXIT_USAGE,
					 "settings line %u: %s=\"%s\": expected \"yes\" or \"no\"",
					 lineno, key, value);
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
			return error_set(err, EXIT_USAGE, "settings line %u: KERNEL_PARAMS: %s",
					 lineno, e.msg);
		req->kernel_params = xstrdup(value);
		return 0;
	}
	return error_set(err, EXIT_USAGE,
			 "settings line %u: unknown setting %s (known: DEVICES, HOST_BUSID, XORG, "
			 "KERNEL_PARAMS, ALLOW_HOST_GPU)",
			 lineno, key);
}

int settings_parse(const char *text, struct request *req, struct error *err)
{
	_cleanup_free_ char *copy = xstrdup(text);
	static const char *const keys[] = { "DEVICES", "HOST_BUSID", "XORG", "KERNEL_PARAMS",
					    "ALLOW_HOST_GPU" };
	bool seen[ARRAY_SIZE(keys)] = { false };
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
		if (r < 0)
			return error_set(err, EXIT_USAGE, "settings line %u: %s: %.200s", lineno,
					 why, line);
		if (r > 0) {
			for (size_t i = 0; i < ARRAY_SIZE(keys); i++) {
				if (strcmp(key, keys[i]) != 0)
					continue;
				/* Shells would let the last one win; a reader would not guess. */
				if (seen[i])
					return error_set(err, EXIT_USAGE,
							 "settings line %u: %s is set twice",
							 lineno, key);
				seen[i] = true;
			}
			if (set_key(req, lineno, key, value, err) < 0)
				return -1;
		}
		line = next;
	}
	return 0;
}

int settings_load(const char *root, struct request *req, struct error *err)
{
	_cleanup_free_ char *path = path_join(root, SETTINGS_PATH);
	_cleanup_free_ char *text = NULL;
	size_t len = 0;
	struct error e = { 0 };

	/* Never through a link out of the root: its first line would be shown in an error. */
	text = root_read_file(root, SETTINGS_PATH, SETTINGS_MAX, &len);
	if (!text) {
		if (errno == ENOENT)
			return 0;
		return error_set(err, EXIT_FAILURE_RUNTIME, "cannot read %s: %s", path,
				 file_error(errno));
	}
	if (strlen(text) != len)
		return error_set(err, EXIT_USAGE, "%s: contains a NUL byte; not a settings file",
				 path);
	if (settings_parse(text, req, &e) < 0)
		return error_set(err, e.code, "%s: %s", path, e.msg);
	return 0;
}
