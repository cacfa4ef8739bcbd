// SPDX-License-Identifier: GPL-2.0-or-later
/* The trial on systemd-boot (kernel-install's backend): a Type #1 entry beside the newest kernel's,
 * loader/entries/vfio-passthrough-setup-trial.conf (trial_bls_entry: that entry with the
 * trial's parameters on an extra options line), booted once by `bootctl set-oneshot`.
 * systemd-boot unsets LoaderEntryOneShot as it reads it, before booting the entry, and
 * never saves a one-shot boot as the last booted one (`default @saved`): a hang or a reset
 * ends in the default entry. Like GRUB's, the entry exists while the trial file does: the
 * boot loader's regeneration (kernel-install's backend) writes or removes it.
 * /etc/kernel/cmdline, which every other entry gets, is not touched by a trial. A
 * LoaderEntryOneShot still naming the entry once it is gone is cleared (bootctl
 * set-oneshot ""): systemd-boot would look for a missing entry. */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "bls-entry.h"
#include "boot-kernel-install.h"
#include "modules.h"
#include "regen.h"
#include "root-path.h"
#include "run-tool.h"
#include "trial.h"
#include "util.h"

/* The entry of the newest kernel installed under root (highest version among the entries
 * whose version has a module directory): its directory (root-relative) and text. */
static bool newest_entry(const char *root, char **dir_out, char **text_out)
{
	_cleanup_free_ char *best_version = NULL;
	struct strlist kernels;

	*dir_out = *text_out = NULL;
	sl_init(&kernels);
	installed_kernels(root, false, &kernels);
	for (size_t i = 0; i < ARRAY_SIZE(bls_dirs); i++) {
		_cleanup_free_ char *full = path_join(root, bls_dirs[i].entries);
		DIR *d = opendir(full);
		struct dirent *de;

		while (d && (de = readdir(d))) {
			size_t n = strlen(de->d_name);
			_cleanup_free_ char *rel = NULL, *text = NULL, *version = NULL;

			if (n < 6 || strcmp(de->d_name + n - 5, ".conf") != 0 ||
			    strcmp(de->d_name, TRIAL_SDBOOT_ENTRY) == 0)
				continue;
			rel = xasprintf("%s/%s", bls_dirs[i].entries, de->d_name);
			text = root_read_file(root, rel, 1 << 16, NULL);
			version = text ? bls_entry_value(text, "version") : NULL;
			if (!version || !sl_has(&kernels, version) ||
			    (best_version && kernel_version_cmp(version, best_version) <= 0))
				continue;
			free(best_version);
			free(*dir_out);
			free(*text_out);
			best_version = version;
			version = NULL;
			*dir_out = xstrdup(bls_dirs[i].entries);
			*text_out = text;
			text = NULL;
		}
		if (d)
			closedir(d);
	}
	sl_free(&kernels);
	return *text_out != NULL;
}

char *kernel_install_trial_refusal(const char *root)
{
	_cleanup_free_ char *bootctl = tool_find("bootctl"), *dir = NULL, *text = NULL;
	_cleanup_free_ char *sort_key = NULL;

	if (!bootctl)
		return xstrdup("a trial needs systemd-boot's one-shot entry (bootctl set-oneshot), "
			       "and bootctl is not installed");
	if (!newest_entry(root, &dir, &text))
		return xstrdup(
		    "a trial copies the newest kernel's boot loader entry, and no entry "
		    "of an installed kernel is in /boot/efi, /efi or /boot/loader/entries");
	sort_key = bls_entry_value(text, "sort-key");
	if (!sort_key)
		return xasprintf("the newest kernel's entry in %s has no sort-key, so systemd-boot "
				 "could sort a trial entry first and make it the default",
				 dir);
	return NULL;
}

/* Whether an options value holds "--": systemd-boot joins the options lines in order, and
 * the kernel hands every word after "--" to init. */
static bool has_dashes(const char *value)
{
	_cleanup_free_ char *copy = xstrdup(value);
	char *save = NULL;

	for (char *w = strtok_r(copy, " \t", &save); w; w = strtok_r(NULL, " \t", &save))
		if (strcmp(w, "--") == 0 || strcmp(w, "\"--\"") == 0)
			return true;
	return false;
}

char *trial_bls_entry(const char *entry, const char *params)
{
	struct strbuf sb;
	bool sorted = false, placed = false;

	sb_init(&sb);
	sb_add(&sb, GENERATED_MARKER
	       "\n"
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
		/* The trial's words before the first options line with "--": the kernel's. */
		if (!placed && klen == 7 && strncmp(copy, "options", 7) == 0 && has_dashes(value)) {
			sb_addf(&sb, "options %s\n", params);
			placed = true;
		}
		sb_addf(&sb, "%s\n", copy);
	}
	if (!sorted) {
		sb_free(&sb);
		return NULL;
	}
	if (!placed)
		sb_addf(&sb, "options %s\n", params);
	return sb_steal(&sb);
}

/* Replace dir/name with text: a temporary file renamed over it. No fchmod: a FAT ESP
 * mounted with umask=0077 refuses modes it cannot hold. */
static int write_entry(const char *root, const char *dir, const char *text, struct error *err)
{
	static const char tmp[] = ".vfio-passthrough-setup.trial";
	_cleanup_free_ char *shown = xasprintf("%s/%s", dir, TRIAL_SDBOOT_ENTRY);
	int dfd = root_open_dir(root, dir, NULL), fd = -1, e;
	size_t len = strlen(text);

	if (dfd >= 0)
		fd = openat(dfd, tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC | O_NOFOLLOW, 0644);
	if (fd >= 0 && write(fd, text, len) == (ssize_t)len && fsync(fd) == 0 && close(fd) == 0 &&
	    renameat(dfd, tmp, dfd, TRIAL_SDBOOT_ENTRY) == 0) {
		fsync(dfd);
		close(dfd);
		printf("Wrote the trial entry %s\n", shown);
		return 0;
	}
	e = errno;
	if (fd >= 0)
		unlinkat(dfd, tmp, 0);
	if (dfd >= 0)
		close(dfd);
	return error_set(err, EXIT_FAILURE_RUNTIME, "cannot write %s: %s", shown, file_error(e));
}

/* Remove the trial entry wherever it is: the trial is over (confirm, apply, remove). */
static int remove_entries(const char *root, struct error *err)
{
	for (size_t i = 0; i < ARRAY_SIZE(bls_dirs); i++) {
		_cleanup_free_ char *shown =
		    xasprintf("%s/%s", bls_dirs[i].entries, TRIAL_SDBOOT_ENTRY);
		int dfd = root_open_dir(root, bls_dirs[i].entries, NULL), e;

		if (dfd < 0)
			continue;
		if (unlinkat(dfd, TRIAL_SDBOOT_ENTRY, 0) == 0) {
			fsync(dfd);
			printf("Removed the trial entry %s\n", shown);
		} else if (errno != ENOENT) {
			e = errno;
			close(dfd);
			return error_set(err, EXIT_FAILURE_RUNTIME, "cannot remove %s: %s", shown,
					 file_error(e));
		}
		close(dfd);
	}
	return 0;
}

int kernel_install_trial_sync(const char *root, const char *params, struct error *err)
{
	_cleanup_free_ char *dir = NULL, *text = NULL, *entry = NULL;

	if (!params)
		return remove_entries(root, err);
	if (!newest_entry(root, &dir, &text))
		return error_set(err, EXIT_FAILURE_RUNTIME,
				 "no boot loader entry of an installed kernel to copy for the "
				 "trial entry (kernel-install made none?)");
	entry = trial_bls_entry(text, params);
	if (!entry)
		return error_set(err, EXIT_FAILURE_RUNTIME,
				 "the newest kernel's entry in %s has no sort-key: a trial entry "
				 "could become the default",
				 dir);
	/* A newer kernel's entry may be elsewhere than the last trial entry. */
	if (remove_entries(root, err) < 0)
		return -1;
	return write_entry(root, dir, entry, err);
}

int kernel_install_trial_arm(const char *root, struct error *err)
{
	char *argv[] = { "bootctl", "set-oneshot", TRIAL_SDBOOT_ENTRY, NULL };

	if (!regen_runs_tools(root)) {
		printf(
		    "Not running bootctl under --root %s: run 'bootctl set-oneshot " TRIAL_SDBOOT_ENTRY
		    "' inside that system.\n",
		    root);
		return 0;
	}
	return tool_run_shown(argv, NULL, err);
}

char *efivar_utf16_string(const unsigned char *data, size_t len)
{
	struct strbuf sb;

	sb_init(&sb);
	/* 4 bytes of attributes, then UTF-16LE up to a NUL; an entry name is ASCII */
	for (size_t i = 4; i + 1 < len; i += 2) {
		unsigned c = data[i] | (unsigned)data[i + 1] << 8;

		if (!c)
			break;
		if (c > 0x7e || c < 0x20) {
			sb_free(&sb);
			return NULL;
		}
		sb_addf(&sb, "%c", (char)c);
	}
	return sb_steal(&sb);
}

bool kernel_install_trial_armed(const char *root)
{
	size_t len = 0;
	_cleanup_free_ char *data = root_read_file(root, ONESHOT_EFIVAR, 4096, &len);
	_cleanup_free_ char *name = data ? efivar_utf16_string((unsigned char *)data, len) : NULL;

	return name && strcmp(name, TRIAL_SDBOOT_ENTRY) == 0;
}

int kernel_install_trial_disarm(const char *root, struct error *err)
{
	char *argv[] = { "bootctl", "set-oneshot", "", NULL };

	(void)root; /* regen.c runs it for the host's root (or the test hook) only */
	return tool_run_shown(
	    argv, "the EFI variable LoaderEntryOneShot still asks for the trial entry", err);
}

/* The options of systemd-boot's trial entry, every "options" line (systemd-boot joins them);
 * NULL if there is none. */
char *kernel_install_trial_entry_options(const char *root)
{
	for (size_t i = 0; i < ARRAY_SIZE(bls_dirs); i++) {
		_cleanup_free_ char *rel =
		    xasprintf("%s/%s", bls_dirs[i].entries, TRIAL_SDBOOT_ENTRY);
		_cleanup_free_ char *text = root_read_file(root, rel, 1 << 16, NULL);
		struct strbuf sb;

		if (!text)
			continue;
		sb_init(&sb);
		for (char *l = strtok(text, "\n"); l; l = strtok(NULL, "\n"))
			if (strncmp(l, "options", 7) == 0 && (l[7] == ' ' || l[7] == '\t'))
				sb_addf(&sb, "%s ", l + 8);
		return sb_steal(&sb);
	}
	return NULL;
}
