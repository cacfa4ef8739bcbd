// SPDX-License-Identifier: GPL-2.0-or-later
/* A trial boot's pure parts: the trial entry's parameters, the data file, the token on the
 * command line, whether GRUB can keep a one-shot entry on /boot's file system, and the
 * trial's phase for `status`. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "render.h"
#include "trial.h"
#include "util.h"

char *trial_params(const struct plan *plan, const char *token)
{
	struct strbuf sb;

	sb_init(&sb);
	if (plan->kernel_params && *plan->kernel_params)
		sb_addf(&sb, "%s ", plan->kernel_params);
	if (plan->bind_by_address) {
		_cleanup_free_ char *addrs = pci_addr_list_format(plan->functions, plan->n_functions, ",");

		sb_addf(&sb, TRIAL_ADDRS_PARAM "=%s ", addrs);
	} else {
		_cleanup_free_ char *ids = sl_join(&plan->vfio_ids, ",");

		sb_addf(&sb, "vfio-pci.ids=%s ", ids);
	}
	sb_addf(&sb, TRIAL_TOKEN_PARAM "=%s", token);
	return sb_steal(&sb);
}

char *trial_file_render(const char *params, int argc, char *const *argv)
{
	struct strbuf sb;

	sb_init(&sb);
	sb_add(&sb, GENERATED_MARKER "\n"
		    "# A trial configuration for one boot (apply --trial): the boot loader's trial "
		    "entry\n# (GRUB: /etc/grub.d/42_vfio-passthrough-setup-trial; systemd-boot: "
		    "loader/entries/" TRIAL_SDBOOT_ENTRY ")\n"
		    "# carries these parameters. Keep it: vfio-passthrough-setup "
		    "confirm. Drop it: vfio-passthrough-setup remove.\n");
	sb_addf(&sb, "params=%s\n", params);
	for (int i = 0; i < argc; i++)
		sb_addf(&sb, "arg=%s\n", argv[i]);
	return sb_steal(&sb);
}

bool trial_file_args(const char *text, struct strlist *args)
{
	bool found = false;

	for (const char *line = text; line && *line;) {
		const char *end = strchr(line, '\n');
		size_t len = end ? (size_t)(end - line) : strlen(line);

		if (len >= 7 && strncmp(line, "params=", 7) == 0)
			found = true;
		if (len >= 4 && strncmp(line, "arg=", 4) == 0) {
			_cleanup_free_ char *a = xasprintf("%.*s", (int)(len - 4), line + 4);

			sl_add(args, a);
		}
		line = end ? end + 1 : NULL;
	}
	return found;
}

/* The value of key ("name=") on a kernel command line (caller frees); NULL if none or empty. */
static char *cmdline_value(const char *cmdline, const char *key)
{
	size_t klen = strlen(key);
	const char *p = cmdline;

	while (p && *p) {
		size_t len;

		p += strspn(p, " \t\n");
		len = strcspn(p, " \t\n");
		if (len > klen && strncmp(p, key, klen) == 0)
			return xasprintf("%.*s", (int)(len - klen), p + klen);
		p += len;
	}
	return NULL;
}

char *trial_cmdline_token(const char *cmdline)
{
	return cmdline_value(cmdline, TRIAL_TOKEN_PARAM "=");
}

char *trial_file_params(const char *text)
{
	for (const char *line = text; line && *line;) {
		const char *end = strchr(line, '\n');
		size_t len = end ? (size_t)(end - line) : strlen(line);

		if (len >= 7 && strncmp(line, "params=", 7) == 0)
			return xasprintf("%.*s", (int)(len - 7), line + 7);
		line = end ? end + 1 : NULL;
	}
	return NULL;
}

bool trial_file_auto_confirm(const char *text)
{
	_cleanup_free_ char *params = trial_file_params(text);
	_cleanup_free_ char *v = cmdline_value(params, TRIAL_AUTO_CONFIRM_PARAM "=");

	return v && strcmp(v, "1") == 0;
}

static void split_words(const char *text, struct strlist *words)
{
	_cleanup_free_ char *copy = xstrdup(text ? text : "");
	char *save = NULL;

	for (char *w = strtok_r(copy, " \t\n", &save); w; w = strtok_r(NULL, " \t\n", &save))
		sl_add(words, w);
}

char *trial_strip_params(const char *line, const char *params)
{
	struct strlist words, tail;
	size_t keep;
	struct strbuf sb;

	sl_init(&words);
	sl_init(&tail);
	split_words(line, &words);
	split_words(params, &tail);
	keep = tail.n && tail.n <= words.n ? words.n - tail.n : words.n;
	for (size_t i = 0; keep < words.n && i < tail.n; i++)
		if (strcmp(words.items[keep + i], tail.items[i]) != 0)
			keep = words.n;
	sb_init(&sb);
	for (size_t i = 0; i < keep; i++)
		sb_addf(&sb, "%s%s", i ? " " : "", words.items[i]);
	sb_add(&sb, "\n");
	sl_free(&words);
	sl_free(&tail);
	return sb_steal(&sb);
}

char *trial_bls_entry(const char *entry, const char *params)
{
	struct strbuf sb;
	bool sorted = false;

	sb_init(&sb);
	sb_add(&sb, GENERATED_MARKER "\n"
		    "# A trial for one boot (apply --trial), booted once through bootctl "
		    "set-oneshot. Keep it: vfio-passthrough-setup confirm.\n"
		    "title vfio-passthrough-setup trial (one boot)\n");
	for (const char *line = entry; line && *line;) {
		const char *end = strchr(line, '\n');
		int len = (int)(end ? (size_t)(end - line) : strlen(line));
		_cleanup_free_ char *copy = xasprintf("%.*s", len, line);
		size_t klen = strcspn(copy, " \t");
		const char *value = copy + klen + strspn(copy + klen, " \t");

		line = end ? end + 1 : NULL;
		if (!*copy || *copy == '#' || (klen == 5 && strncmp(copy, "title", 5) == 0))
			continue;
		if (klen == 8 && strncmp(copy, "sort-key", 8) == 0 && *value) {
			/* "debian" < "debian-...": after every entry of the original's key */
			sb_addf(&sb, "sort-key %s-vfio-passthrough-setup-trial\n", value);
			sorted = true;
			continue;
		}
		sb_addf(&sb, "%s\n", copy);
	}
	if (!sorted) {
		sb_free(&sb);
		return NULL;
	}
	sb_addf(&sb, "options %s\n", params);
	return sb_steal(&sb);
}

/* The mount holding dir: the longest mount point that is dir or a parent of it (the last
 * one mounted there wins, as in the kernel's view). Fills its file system type and source. */
static bool mount_of(const char *mountinfo, const char *dir, char *fstype, char *source,
		     size_t cap)
{
	size_t best = 0;
	bool found = false;

	for (const char *line = mountinfo; line && *line;) {
		const char *end = strchr(line, '\n');
		int len = (int)(end ? (size_t)(end - line) : strlen(line));
		_cleanup_free_ char *copy = xasprintf("%.*s", len, line);
		char *f[32] = { 0 }, *save = NULL;
		size_t n = 0, mlen, sep = 0;

		line = end ? end + 1 : NULL;
		for (char *w = strtok_r(copy, " ", &save); w && n < ARRAY_SIZE(f);
		     w = strtok_r(NULL, " ", &save))
			f[n++] = w;
		/* id parent major:minor root mountpoint options [optional...] - fstype source */
		for (size_t i = 6; !sep && i + 2 < n; i++)
			if (strcmp(f[i], "-") == 0)
				sep = i;
		if (!sep)
			continue;
		mlen = strcmp(f[4], "/") == 0 ? 0 : strlen(f[4]);
		if (mlen && (strncmp(dir, f[4], mlen) != 0 || (dir[mlen] != '/' && dir[mlen])))
			continue;
		if (found && mlen < best)
			continue;
		best = mlen;
		found = true;
		snprintf(fstype, cap, "%s", f[sep + 1]);
		snprintf(source, cap, "%s", f[sep + 2]);
	}
	return found;
}

char *trial_grub_fs_refusal(const char *mountinfo, const char *dir)
{
	static const char *const writable[] = { "ext2", "ext3", "ext4", "vfat", "msdos" };
	char fstype[256] = "", source[256] = "";

	if (!mountinfo || !mount_of(mountinfo, dir, fstype, source, sizeof(fstype)))
		return xasprintf("cannot tell which file system holds %s (no /proc/self/mountinfo)",
				 dir);
	if (strncmp(source, "/dev/mapper/", 12) == 0 || strncmp(source, "/dev/dm-", 8) == 0 ||
	    strncmp(source, "/dev/md", 7) == 0)
		return xasprintf("%s is on %s (LVM, RAID or an encrypted volume): GRUB cannot "
				 "write its environment block there to clear a one-shot entry",
				 dir, source);
	for (size_t i = 0; i < ARRAY_SIZE(writable); i++)
		if (strcmp(fstype, writable[i]) == 0)
			return NULL;
	return xasprintf("%s is on %s (%s): GRUB writes its environment block only on "
			 "ext2/3/4 or FAT, so a one-shot entry would not be cleared",
			 dir, fstype, source);
}

enum trial_phase trial_phase_of(const char *token, const char *cmdline, const char *boot_id,
				const char *state_boot_id)
{
	_cleanup_free_ char *on_cmdline = trial_cmdline_token(cmdline);

	if (on_cmdline && token && strcmp(on_cmdline, token) == 0)
		return TRIAL_RUNNING;
	if (boot_id && state_boot_id && strcmp(boot_id, state_boot_id) == 0)
		return TRIAL_PENDING;
	return TRIAL_NOT_CONFIRMED;
}

/* The modprobe file of a trial: only the softdeps, which bind nothing without ids. */
static char *trial_modprobe(const struct plan *plan)
{
	struct strbuf sb;

	sb_init(&sb);
	sb_add(&sb, GENERATED_MARKER "\n"
		    "# Trial (apply --trial): vfio-pci's ids or addresses are on the trial boot "
		    "entry's command line only.\n"
		    "# Keep it: vfio-passthrough-setup confirm. Undo: vfio-passthrough-setup "
		    "remove.\n");
	for (size_t i = 0; i < plan->softdeps.n; i++)
		sb_addf(&sb, "softdep %s pre: vfio-pci\n", plan->softdeps.items[i]);
	return sb_steal(&sb);
}

size_t trial_render(const struct plan *plan, char *trial_text,
		    struct rendered_file out[RENDERED_MAX])
{
	size_t n = render_plan(plan, out);

	for (size_t i = 0; i < n; i++) {
		const char *p = out[i].path;

		if (strcmp(p, MODPROBE_PATH) == 0) {
			free(out[i].content);
			out[i].content = trial_modprobe(plan);
		} else if (out[i].params_of || strcmp(p, DRIVER_OVERRIDE_PATH) == 0) {
			free(out[i].content);
			out[i].content = NULL;
		}
	}
	out[n++] = (struct rendered_file){ .path = TRIAL_FILE_PATH,
					   .content = trial_text,
					   .needs_bootloader = true,
					   .outside_hash = true };
	return n;
}
