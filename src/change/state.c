// SPDX-License-Identifier: GPL-2.0-or-later
/* The state file: parsed leniently (status reads whatever is there), written atomically. */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#include "log.h"
#include "root-path.h"
#include "state.h"
#include "util.h"
#include "writer.h"

#define STATE_MAX 65536

static char *dup_value(const char *v, size_t len)
{
	if (len >= 2 &&
	    ((v[0] == '"' && v[len - 1] == '"') || (v[0] == '\'' && v[len - 1] == '\''))) {
		v++;
		len -= 2;
	}
	return xasprintf("%.*s", (int)len, v);
}

static bool key_is(const char *text, size_t klen, const char *key)
{
	return klen == strlen(key) && strncasecmp(text, key, klen) == 0;
}

void apply_state_parse(const char *text, struct apply_state *st)
{
	memset(st, 0, sizeof(*st));
	while (text && *text) {
		const char *nl = strchr(text, '\n');
		size_t len = nl ? (size_t)(nl - text) : strlen(text);
		const char *eq = memchr(text, '=', len);
		char **slot = NULL;

		if (eq && text[0] != '#') {
			size_t klen = (size_t)(eq - text);
			const char *v = eq + 1;
			size_t vlen = len - klen - 1;

			while (vlen && (v[vlen - 1] == '\r' || v[vlen - 1] == ' '))
				vlen--;
			if (key_is(text, klen, "boot_id"))
				slot = &st->boot_id;
			else if (key_is(text, klen, "cards"))
				slot = &st->cards;
			else if (key_is(text, klen, "config_hash"))
				slot = &st->config_hash;
			else if (key_is(text, klen, "message"))
				slot = &st->last_apply_message;
			else if (key_is(text, klen, "created_dirs"))
				slot = &st->created_dirs;
			else if (key_is(text, klen, "regen_pending"))
				slot = &st->regen_pending;
			else if (key_is(text, klen, "modules_cache"))
				slot = &st->modules_cache;
			else if (key_is(text, klen, "kernel_cmdline_added"))
				slot = &st->kernel_cmdline.added;
			else if (key_is(text, klen, "kernel_cmdline_written"))
				slot = &st->kernel_cmdline.written;
			else if (key_is(text, klen, "kernel_cmdline_original"))
				slot = &st->kernel_cmdline.original;
			else if (key_is(text, klen, "trial"))
				slot = &st->trial;
			else if (key_is(text, klen, "trial_config"))
				slot = &st->trial_config;
			else if (key_is(text, klen, "trial_arming"))
				slot = &st->trial_arming;
			else if (key_is(text, klen, "trial_arming_cards"))
				slot = &st->trial_arming_cards;
			else if (key_is(text, klen, "trial_confirming"))
				st->trial_confirming = vlen == 3 && strncmp(v, "yes", 3) == 0;
			else if (key_is(text, klen, "trial_arg")) {
				/* As written: an option's quotes and spaces are its own. */
				_cleanup_free_ char *arg =
				    xasprintf("%.*s", (int)(len - klen - 1), eq + 1);

				sl_add(&st->trial_args, arg);
			} else if (key_is(text, klen, "result")) {
				_cleanup_free_ char *val = dup_value(v, vlen);

				st->last_apply_failed = strcmp(val, "failed") == 0;
			}
			if (slot) {
				free(*slot);
				*slot = dup_value(v, vlen);
			}
			/* apply writes "unknown" where it could not read the boot id. */
			if (slot == &st->boot_id && strcmp(st->boot_id, "unknown") == 0) {
				free(st->boot_id);
				st->boot_id = NULL;
			}
		}
		text += len + (nl ? 1 : 0);
	}
}

void apply_state_free(struct apply_state *st)
{
	free(st->boot_id);
	free(st->cards);
	free(st->config_hash);
	free(st->last_apply_message);
	free(st->created_dirs);
	free(st->regen_pending);
	free(st->modules_cache);
	free(st->kernel_cmdline.added);
	free(st->kernel_cmdline.written);
	free(st->kernel_cmdline.original);
	free(st->trial);
	free(st->trial_config);
	sl_free(&st->trial_args);
	free(st->trial_arming);
	free(st->trial_arming_cards);
	memset(st, 0, sizeof(*st));
}

bool state_load(const char *root, struct apply_state *st)
{
	_cleanup_free_ char *text = root_read_file(root, STATE_PATH, STATE_MAX, NULL);

	apply_state_parse(text, st);
	return text != NULL;
}

/* A newline in a value (a tool's output, a garbage boot_id) would add a key of its own,
 * e.g. a created_dirs= that remove then empties. */
static char *single_line(const char *s)
{
	char *copy = xstrdup(s ? s : "");

	for (char *p = copy; *p; p++)
		if ((unsigned char)*p < 0x20 || *p == 0x7f)
			*p = ' ';
	return copy;
}

/* The trial's keys, each line only when set: most states have none. */
static char *trial_keys(const struct apply_state *st)
{
	struct strbuf sb;

	sb_init(&sb);
	if (st->trial && *st->trial) {
		_cleanup_free_ char *token = single_line(st->trial);

		sb_addf(&sb, "trial=%s\n", token);
	}
	if (st->trial_config && *st->trial_config) {
		_cleanup_free_ char *hash = single_line(st->trial_config);

		sb_addf(&sb, "trial_config=%s\n", hash);
	}
	if (st->trial_confirming)
		sb_add(&sb, "trial_confirming=yes\n");
	for (size_t i = 0; i < st->trial_args.n; i++) {
		_cleanup_free_ char *arg = single_line(st->trial_args.items[i]);

		sb_addf(&sb, "trial_arg=%s\n", arg);
	}
	if (st->trial_arming && *st->trial_arming) {
		_cleanup_free_ char *token = single_line(st->trial_arming);
		_cleanup_free_ char *cards = single_line(st->trial_arming_cards);

		sb_addf(&sb, "trial_arming=%s\ntrial_arming_cards=%s\n", token, cards);
	}
	return sb_steal(&sb);
}

void state_note_created_dirs(const char *root, struct strlist *created)
{
	static const char *const state_dirs[] = { "/var", "/var/lib", STATE_DIR };

	for (size_t i = 0; i < ARRAY_SIZE(state_dirs); i++) {
		int fd = root_open_dir(root, state_dirs[i], NULL);

		if (fd < 0 && errno == ENOENT)
			sl_add_unique(created, state_dirs[i]);
		if (fd >= 0)
			close(fd);
	}
	sl_sort(created);
}

int state_save(const char *root, const struct apply_state *st, struct error *err)
{
	_cleanup_free_ char *boot_path = path_join(root, "/proc/sys/kernel/random/boot_id");
	_cleanup_free_ char *boot_raw = st->boot_id ? xstrdup(st->boot_id) : read_attr(boot_path);
	_cleanup_free_ char *boot_id = single_line(boot_raw ? boot_raw : "unknown");
	_cleanup_free_ char *msg = single_line(st->last_apply_message);
	_cleanup_free_ char *hash = single_line(st->config_hash ? st->config_hash : "none");
	_cleanup_free_ char *cards = single_line(st->cards);
	_cleanup_free_ char *pending = single_line(st->regen_pending);
	_cleanup_free_ char *recorded = single_line(st->created_dirs);
	_cleanup_free_ char *kc_added = single_line(st->kernel_cmdline.added);
	_cleanup_free_ char *kc_written = single_line(st->kernel_cmdline.written);
	_cleanup_free_ char *kc_original = single_line(st->kernel_cmdline.original);
	/* Only while apply has /etc/kernel/cmdline changed: most machines never see the keys. */
	_cleanup_free_ char *kernel_cmdline =
	    *kc_written ? xasprintf("kernel_cmdline_added=%s\nkernel_cmdline_written=%s\n"
				    "kernel_cmdline_original=%s\n",
				    kc_added, kc_written, kc_original)
			: xstrdup("");
	_cleanup_free_ char *trial = trial_keys(st);
	_cleanup_free_ char *modules_raw = single_line(st->modules_cache);
	_cleanup_free_ char *modules =
	    *modules_raw ? xasprintf("modules_cache=%s\n", modules_raw) : xstrdup("");
	_cleanup_free_ char *dirs = NULL, *text = NULL;
	struct strlist created;
	struct transaction tx;
	char *save = NULL;
	int r = -1;

	sl_init(&created);
	for (char *d = strtok_r(recorded, " ", &save); d; d = strtok_r(NULL, " ", &save))
		sl_add_unique(&created, d);
	state_note_created_dirs(root, &created);
	dirs = sl_join(&created, " ");
	sl_free(&created);
	text = xasprintf("# Last result of vfio-passthrough-setup apply, read by its status "
			 "command.\nresult=%s\nmessage=%s\nconfig_hash=%s\ncards=%s\n"
			 "boot_id=%s\ncreated_dirs=%s\nregen_pending=%s\n%s%s%s",
			 st->last_apply_failed ? "failed" : "ok", msg, hash, cards, boot_id, dirs,
			 pending, kernel_cmdline, trial, modules);
	tx_init(&tx);
	tx_set_root(&tx, root);
	if (tx_stage(&tx, STATE_PATH, text, err) == 0)
		r = tx_commit(&tx, err);
	tx_free(&tx);
	return r;
}

void state_delete(const char *root)
{
	_cleanup_free_ char *shown = path_join(root, STATE_PATH);
	int fd = root_open_dir(root, STATE_DIR, NULL);

	if ((fd < 0 || unlinkat(fd, path_base(STATE_PATH), 0) < 0) && errno != ENOENT)
		log_warning("cannot remove %s: %s", shown, file_error(errno));
	if (fd >= 0)
		close(fd);
}
