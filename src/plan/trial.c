// SPDX-License-Identifier: GPL-2.0-or-later
/* A trial boot's pure parts: the trial entry's parameters, the data file, the token on the
 * command line, and the trial's phase for `status`. */
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
		_cleanup_free_ char *addrs =
		    pci_addr_list_format(plan->functions, plan->n_functions, ",");

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
	sb_add(&sb, GENERATED_MARKER
	       "\n"
	       "# A trial configuration for one boot (apply --trial): the boot loader's trial "
	       "entry\n# carries these parameters. Keep it: vfio-passthrough-setup "
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

enum trial_phase trial_phase_of(const char *token, bool confirming, const char *cmdline,
				const char *boot_id, const char *state_boot_id)
{
	_cleanup_free_ char *on_cmdline = trial_cmdline_token(cmdline);

	if (confirming)
		return TRIAL_CONFIRM_INTERRUPTED;
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
	sb_add(&sb, GENERATED_MARKER
	       "\n"
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

	/* Until confirm the default boot is the previous configuration: every other file
	 * (the GRUB drop-in, the address list, Xorg's snippet, dracut's drop-in) would change
	 * it, so none is written; confirm writes them. */
	for (size_t i = 0; i < n; i++) {
		free(out[i].content);
		out[i].content =
		    strcmp(out[i].path, MODPROBE_PATH) == 0 ? trial_modprobe(plan) : NULL;
	}
	out[n++] = (struct rendered_file){ .path = TRIAL_FILE_PATH,
					   .content = trial_text,
					   .needs_bootloader = true,
					   .outside_hash = true };
	return n;
}
