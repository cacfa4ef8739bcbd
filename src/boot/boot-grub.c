// SPDX-License-Identifier: GPL-2.0-or-later
/* GRUB as Debian sets it up: the drop-in in /etc/default/grub.d is read by grub-mkconfig,
 * which update-grub runs (guarded as kdump-tools does: only when grub.cfg exists). Its
 * trial (one-shot entry) is boot-grub-trial.c. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "boot-grub.h"
#include "boot-stack.h"
#include "render.h"
#include "run-tool.h"
#include "util.h"

static char *grub_detect(const char *root)
{
	_cleanup_free_ char *tool = tool_find("update-grub");
	_cleanup_free_ char *cfg = path_join(root, GRUB_CFG);
	struct stat st;

	if (!tool)
		return xstrdup("update-grub is not installed (GRUB not in use?).");
	if (stat(cfg, &st) < 0)
		return xstrdup(GRUB_CFG " does not exist (GRUB not in use?).");
	return NULL;
}

static char *grub_render_params(const char *params)
{
	struct strbuf sb;

	sb_init(&sb);
	sb_add(&sb, GENERATED_HEADER);
	/* Append: an assignment would drop the admin's own parameters (quiet, splash, ...). */
	sb_addf(&sb, "GRUB_CMDLINE_LINUX_DEFAULT=\"$GRUB_CMDLINE_LINUX_DEFAULT %s\"\n", params);
	return sb_steal(&sb);
}

char *grub_dropin_params(const char *text)
{
	static const char head[] = "GRUB_CMDLINE_LINUX_DEFAULT=\"$GRUB_CMDLINE_LINUX_DEFAULT";
	char *found = NULL;

	while (text && *text) {
		size_t len = strcspn(text, "\n");
		const char *line = text;

		text += len + (text[len] ? 1 : 0);
		while (len && (*line == ' ' || *line == '\t')) {
			line++;
			len--;
		}
		while (len &&
		       (line[len - 1] == ' ' || line[len - 1] == '\t' || line[len - 1] == '\r'))
			len--;
		/* Exactly the appending assignment: anything else is not what apply wrote. */
		if (len < sizeof(head) || strncmp(line, head, sizeof(head) - 1) != 0 ||
		    line[len - 1] != '"')
			continue;
		line += sizeof(head) - 1;
		len -= sizeof(head); /* the head and the closing quote */
		while (len && (*line == ' ' || *line == '\t')) {
			line++;
			len--;
		}
		free(found);
		found = len ? xasprintf("%.*s", (int)len, line) : NULL;
	}
	return found;
}

static int grub_regenerate(const char *root, struct error *err)
{
	char *argv[] = { "update-grub", NULL };

	(void)root; /* update-grub works on the running system; regen.c checked the root */
	return tool_run_shown(argv, NULL, err);
}

const struct boot_loader boot_loader_grub = {
	.name = "grub",
	.tool = "update-grub",
	.detect = grub_detect,
	.params_dropin = GRUB_DROPIN_PATH,
	.render_params = grub_render_params,
	.dropin_params = grub_dropin_params,
	.admin_config = grub_admin_config,
	.line_params = grub_line_params,
	.configured_cmdline = grub_configured_cmdline,
	.params_where = "the grub drop-in",
	.admin_params_where = GRUB_DEFAULTS,
	.apply_command = "update-grub",
	.regenerate = grub_regenerate,
	.trial_refusal = grub_trial_refusal,
	.trial_sync = grub_trial_sync,
	.trial_arm = grub_trial_arm,
	.trial_armed = grub_trial_armed,
	.trial_disarm = grub_trial_disarm,
	.trial_entry = GRUB_TRIAL_ENTRY,
};
