// SPDX-License-Identifier: GPL-2.0-or-later
/* `apply --trial`: whether a trial can be had here, and its files. The boot loader must
 * boot an entry once and fall back by itself; the machine must have no configuration in
 * place (the default entry then binds nothing, and "the previous configuration" is none). */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>

#include "boot-stack.h"
#include "regen.h"
#include "state.h"
#include "trial.h"
#include "util.h"

/* Why no boot entry can be booted once here (caller frees); NULL if the boot loader can. */
static char *trial_refusal(const char *root)
{
	const struct boot_loader *loader = boot_loader_in_use(root);
	const struct initramfs_generator *generator = initramfs_generator_in_use(root);
	char *why;

	if (generator && generator->trial_refusal)
		return xasprintf("%s builds the initramfs here, and %s", generator->name,
				 generator->trial_refusal);
	if (!loader) {
		_cleanup_free_ char *none = boot_loader_none_found(root);

		return xasprintf("a trial needs a boot loader that can boot an entry once, and %s",
				 none);
	}
	why = loader->trial_refusal ? loader->trial_refusal(root) : NULL;
	if (!why && !loader->trial_arm)
		why = xasprintf("the boot loader in use (%s) has no way to boot an entry once",
				loader->name);
	return why;
}

/* 16 hex digits from the kernel's random source. */
static int new_token(char token[17], struct error *err)
{
	unsigned char bytes[8];
	size_t got = 0;

	while (got < sizeof(bytes)) {
		ssize_t r = getrandom(bytes + got, sizeof(bytes) - got, 0);

		if (r < 0 && errno == EINTR)
			continue;
		if (r < 0)
			return error_set(
			    err, EXIT_FAILURE_RUNTIME,
			    "apply --trial: cannot draw the trial's token (getrandom): %s",
			    strerror(errno));
		got += (size_t)r;
	}
	for (size_t i = 0; i < sizeof(bytes); i++)
		snprintf(token + 2 * i, 3, "%02x", bytes[i]);
	return 0;
}

int trial_arm(const char *root, struct error *err)
{
	const struct boot_loader *loader = boot_loader_in_use(root);

	/* trial_prepare refused any other */
	if (!loader || !loader->trial_arm)
		return error_set(err, EXIT_FAILURE_RUNTIME,
				 "no boot loader here can boot the "
				 "trial entry once");
	return loader->trial_arm(root, err);
}

int trial_prepare(const char *root, const struct plan *plan, const struct strlist *args,
		  bool auto_confirm, struct rendered_file *files, size_t *n, char token[17],
		  struct error *err)
{
	_cleanup_free_ char *why = NULL, *params = NULL, *base = NULL;
	struct apply_state old;
	bool configured;

	if (plan_is_empty(plan))
		return error_set(err, EXIT_USAGE,
				 "apply --trial: no card is chosen, so there is "
				 "nothing to try");
	state_load(root, &old);
	configured = old.cards && *old.cards && !old.trial;
	apply_state_free(&old);
	if (configured)
		return error_set(err, EXIT_USAGE,
				 "apply --trial: a configuration is in place already; a trial "
				 "starts from a machine without one (run remove first, or apply "
				 "without --trial)");
	why = trial_refusal(root);
	if (why) {
		size_t len = strlen(why);

		return error_set(err, EXIT_USAGE,
				 "apply --trial: %.*s. Apply without --trial "
				 "instead (the change then holds from the next boot on).",
				 (int)(len && why[len - 1] == '.' ? len - 1 : len), why);
	}
	/* Fresh for each trial: only the boot of this very trial can confirm it (the
	 * configuration's hash, which confirm compares, is recorded apart). */
	if (new_token(token, err) < 0)
		return -1;
	base = trial_params(plan, token);
	/* On the entry's command line, the flag lets the confirming unit run in that boot only. */
	params =
	    auto_confirm ? xasprintf("%s " TRIAL_AUTO_CONFIRM_PARAM "=1", base) : xstrdup(base);
	{
		char **argv = args->items;
		char *text = trial_file_render(params, (int)args->n, argv);

		rendered_free(files, *n);
		*n = trial_render(plan, text, files);
	}
	return 0;
}

void trial_print_armed(const struct plan *plan, bool auto_confirm)
{
	_cleanup_free_ char *cards = pci_addr_list_format(plan->cards, plan->n_cards, " ");

	printf("Trial of %s set up for the next boot only (boot entry \"vfio-passthrough-setup "
	       "trial (one boot)\").\n",
	       cards);
	if (auto_confirm) {
		printf(
		    "Reboot; at the end of that boot vfio-passthrough-setup-trial-confirm.service "
		    "keeps it if status passes (every function on vfio-pci). It cannot see a "
		    "black display. Without that, every later boot is the previous "
		    "configuration again.\n");
		return;
	}
	printf("Reboot; then check with: vfio-passthrough-setup status\n"
	       "Keep it with: vfio-passthrough-setup confirm (in that boot). Without confirm, "
	       "every later boot is the previous configuration again.\n");
}
