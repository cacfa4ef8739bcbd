// SPDX-License-Identifier: GPL-2.0-or-later
/* The trial on GRUB: Debian's grub.cfg honours next_entry (00_header) whatever GRUB_DEFAULT
 * says, and clears it with save_env before booting the entry, so `grub-reboot ID` boots the
 * trial entry once, even if that boot hangs and is reset. The entry itself comes from
 * /etc/grub.d/42_vfio-passthrough-setup-trial, which copies Debian's first entry (10_linux)
 * with the trial's parameters added, whenever update-grub runs. The admin's GRUB_DEFAULT is
 * never touched; a next_entry naming the trial entry is cleared once the entry is gone
 * (else GRUB, not finding it, would boot entry 0 instead of GRUB_DEFAULT). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "boot-grub.h"
#include "regen.h"
#include "root-path.h"
#include "run-tool.h"
#include "trial.h"
#include "util.h"

/* The mount holding dir: the longest mount point that is dir or a parent of it (the last
 * one mounted there wins, as in the kernel's view). Fills its file system type and source. */
static bool mount_of(const char *mountinfo, const char *dir, char *fstype, char *source, size_t cap)
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

char *grub_trial_refusal(const char *root)
{
	_cleanup_free_ char *reboot = tool_find("grub-reboot");
	_cleanup_free_ char *mountinfo = NULL;
	char *fs;

	if (!reboot)
		return xstrdup("a trial needs GRUB's one-shot entry, and grub-reboot is not "
			       "installed");
	mountinfo = root_read_file(root, "/proc/self/mountinfo", 1 << 20, NULL);
	fs = trial_grub_fs_refusal(mountinfo, "/boot/grub");
	if (fs) {
		char *r = xasprintf("a trial needs GRUB's one-shot entry, which GRUB cannot clear "
				    "here: %s",
				    fs);

		free(fs);
		return r;
	}
	return NULL;
}

/* update-grub ran the grub.d script: the entry is in grub.cfg exactly while a trial is. */
int grub_trial_sync(const char *root, const char *params, struct error *err)
{
	_cleanup_free_ char *cfg = NULL;

	if (!params || !regen_runs_tools(root))
		return 0;
	cfg = root_read_file(root, GRUB_CFG, 16 << 20, NULL);
	if (!cfg || !strstr(cfg, "'" GRUB_TRIAL_ENTRY "'"))
		return error_set(err, EXIT_FAILURE_RUNTIME,
				 "update-grub made no trial entry in " GRUB_CFG " (is "
				 "/etc/grub.d/42_vfio-passthrough-setup-trial installed and "
				 "executable, and /etc/grub.d/10_linux?): the next boot would "
				 "not be the trial");
	return 0;
}

int grub_trial_arm(const char *root, struct error *err)
{
	char *argv[] = { "grub-reboot", GRUB_TRIAL_ENTRY, NULL };

	if (!regen_runs_tools(root)) {
		printf("Not running grub-reboot under --root %s: run 'grub-reboot " GRUB_TRIAL_ENTRY
		       "' inside that system.\n",
		       root);
		return 0;
	}
	return tool_run_shown(argv, NULL, err);
}

char *grubenv_next_entry(const char *text)
{
	for (const char *line = text; line && *line;) {
		const char *end = strchr(line, '\n');
		size_t len = end ? (size_t)(end - line) : strlen(line);

		if (len > 11 && strncmp(line, "next_entry=", 11) == 0)
			return xasprintf("%.*s", (int)(len - 11), line + 11);
		line = end ? end + 1 : NULL;
	}
	return NULL;
}

bool grub_trial_armed(const char *root)
{
	_cleanup_free_ char *env = root_read_file(root, GRUB_ENV, 1 << 16, NULL);
	_cleanup_free_ char *next = grubenv_next_entry(env);

	return next && strcmp(next, GRUB_TRIAL_ENTRY) == 0;
}

int grub_trial_disarm(const char *root, struct error *err)
{
	char *argv[] = { "grub-editenv", GRUB_ENV, "unset", "next_entry", NULL };

	(void)root; /* regen.c runs it for the host's root (or under the test hook) only */
	return tool_run_shown(argv, GRUB_ENV " still asks for the trial entry (next_entry)", err);
}
