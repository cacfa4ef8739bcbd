// SPDX-License-Identifier: GPL-2.0-or-later
/* The settings in debconf's terms (settings-debconf.h). debconf lists multiselect choices
 * as "a, b" (a comma inside a choice escaped as "\,"), stores booleans as true/false and an
 * empty string for "use the detected value", where the settings file says "auto". */
#include <stdlib.h>
#include <string.h>

#include "settings-debconf.h"
#include "settings-edit.h"
#include "settings.h"
#include "util.h"

const char *const settings_questions[SETTINGS_NQUESTIONS] = {
	"devices", "host_busid", "xorg", "kernel_params", "confirm_host_gpu",
};
/* settings_keys[] in the same order, checked by the tests through `settings set`. */
static const char *const question_keys[SETTINGS_NQUESTIONS] = {
	"DEVICES", "HOST_BUSID", "XORG", "KERNEL_PARAMS", "ALLOW_HOST_GPU",
};

/* NAME='value': ' closed, escaped and reopened; control bytes become blanks, so that each
 * value is one line (a debconf substitution cannot hold more). */
static void assign(FILE *out, const char *name, const char *value)
{
	fprintf(out, "%s='", name);
	for (const char *p = value ? value : ""; *p; p++) {
		if (*p == '\'')
			fputs("'\\''", out);
		else
			fputc((unsigned char)*p < 0x20 || *p == 0x7f ? ' ' : *p, out);
	}
	fputs("'\n", out);
}

/* item appended to a debconf list, its commas escaped when escape is set. */
static void list_add(struct strbuf *sb, const char *item, bool escape)
{
	if (sb->len)
		sb_add(sb, ", ");
	for (const char *p = item; *p; p++)
		sb_add(sb, *p == ',' && escape ? "\\," : (char[]){ *p, '\0' });
}

static char *host_busid(const struct inventory *inv)
{
	char busid[XORG_BUSID_STRLEN];

	if (inv->host_card < 0)
		return xstrdup("");
	xorg_busid_format(&inv->cards[inv->host_card].addr, busid);
	return xstrdup(busid);
}

static char *suggested(const struct inventory *inv)
{
	struct strbuf sb;

	sb_init(&sb);
	for (size_t i = 0; i < inv->n_cards; i++) {
		char addr[PCI_ADDR_STRLEN];

		if (!inv->cards[i].candidate)
			continue;
		pci_addr_format(&inv->cards[i].addr, addr);
		list_add(&sb, addr, false);
	}
	return sb_steal(&sb);
}

static void print_machine(FILE *out, const struct inventory *inv)
{
	_cleanup_free_ char *params = policy_default_kernel_params(inv->cpu);
	_cleanup_free_ char *busid = host_busid(inv);
	_cleanup_free_ char *chosen = suggested(inv);
	struct strbuf addresses, names;
	const char *why_none = "";
	char host[PCI_ADDR_STRLEN] = "";
	size_t offered = 0;

	sb_init(&addresses);
	sb_init(&names);
	if (inv->host_card >= 0)
		pci_addr_format(&inv->cards[inv->host_card].addr, host);
	for (size_t i = 0; i < inv->n_cards; i++) {
		const struct card *c = &inv->cards[i];
		const struct pci_function *f = inventory_find(inv, &c->addr);
		_cleanup_free_ char *name = NULL;
		char addr[PCI_ADDR_STRLEN];

		if (c->nvswitch)
			continue; /* no choice: apply --full-passthrough takes them */
		offered++;
		pci_addr_format(&c->addr, addr);
		name = xasprintf("%s  %s", addr,
				 f && f->name && *f->name ? f->name : "unknown device");
		list_add(&addresses, addr, false);
		list_add(&names, name, true);
		if (!*why_none && !c->candidate)
			why_none = c->reason;
	}
	if (!*chosen && !*why_none)
		why_none = "the only card is the one the host uses.";
	assign(out, "pci", inv->have_pci ? "yes" : "no");
	assign(out, "iommu", inv->iommu_groups > 0 ? "yes" : "no");
	assign(out, "cpu", cpu_vendor_name(inv->cpu));
	assign(out, "host", host);
	assign(out, "host_busid", busid);
	assign(out, "kernel_params", params);
	fprintf(out, "cards='%zu'\n", offered);
	assign(out, "addresses", addresses.len ? addresses.buf : "");
	assign(out, "names", names.len ? names.buf : "");
	assign(out, "suggested", chosen);
	assign(out, "why_none", *chosen ? "" : why_none);
	sb_free(&addresses);
	sb_free(&names);
}

/* The file's value of key as its question's answer; "auto" is what was detected. */
static char *answer(const struct inventory *inv, const char *key, const char *value)
{
	struct request req;
	struct error err = { 0 };
	char *list;

	if (strcmp(key, "XORG") == 0)
		return xstrdup(strcmp(value, "no") == 0 ? "false" : "true");
	if (strcmp(key, "ALLOW_HOST_GPU") == 0)
		return xstrdup(strcmp(value, "yes") == 0 ? "true" : "false");
	if (strcmp(value, "auto") == 0) {
		if (strcmp(key, "DEVICES") == 0)
			return suggested(inv);
		if (strcmp(key, "HOST_BUSID") == 0)
			return host_busid(inv);
		return policy_default_kernel_params(inv->cpu);
	}
	if (strcmp(key, "DEVICES") != 0)
		return xstrdup(value);
	/* The addresses as the choices spell them. */
	request_init(&req);
	if (request_set_devices(&req, value, "DEVICES", &err) < 0)
		req.n_devices = 0;
	/* Any function names its card: the choices are cards. */
	for (size_t i = 0; i < req.n_devices; i++) {
		int c = inventory_find_card(inv, &req.devices[i]);

		if (c >= 0)
			req.devices[i] = inv->cards[c].addr;
	}
	list = pci_addr_list_format(req.devices, req.n_devices, ", ");
	request_free(&req);
	return list;
}

void settings_debconf_print(FILE *out, const struct inventory *inv, const char *path,
			    const char *text)
{
	struct request req;
	struct error err = { 0 };
	bool valid = false;

	print_machine(out, inv);
	request_init(&req);
	if (text)
		valid = settings_parse(text, &req, &err) == 0;
	request_free(&req);
	assign(out, "file", path);
	assign(out, "settings", !text ? "missing" : valid ? "valid" : "invalid");
	for (size_t i = 0; i < SETTINGS_NQUESTIONS; i++) {
		_cleanup_free_ char *value =
		    valid ? settings_text_value(text, question_keys[i]) : NULL;
		_cleanup_free_ char *fallback = settings_default(question_keys[i]);
		_cleanup_free_ char *name = xasprintf("answer_%s", settings_questions[i]);
		_cleanup_free_ char *a = answer(inv, question_keys[i], value ? value : fallback);

		assign(out, name, a);
	}
}

void settings_debconf_print_consent(FILE *out, const struct inventory *inv, const char *devices)
{
	struct request req;
	struct plan plan = { 0 };
	struct error err = { 0 };
	struct strbuf free_cards;
	_cleanup_free_ char *why = NULL;

	sb_init(&free_cards);
	request_init(&req);
	/* Planned with consent, the plan's warnings are what consent accepts (the first is what
	 * apply would refuse without it); a choice apply refuses for another reason (no such
	 * card) is for apply to report. */
	req.force = true;
	if (request_set_devices(&req, devices, "devices", &err) == 0 && !req.devices_auto &&
	    policy_plan(inv, &req, &plan, &err) == 0 && plan.warnings.n)
		why = xstrdup(plan.warnings.items[0]);
	for (size_t i = 0; i < req.n_devices; i++) {
		int c = inventory_find_card(inv, &req.devices[i]);
		char addr[PCI_ADDR_STRLEN];

		if (c < 0 || !inv->cards[c].candidate)
			continue;
		pci_addr_format(&inv->cards[c].addr, addr);
		list_add(&free_cards, addr, false);
	}
	assign(out, "consent", why);
	assign(out, "consent_free", free_cards.len ? free_cards.buf : "");
	sb_free(&free_cards);
	plan_free(&plan);
	request_free(&req);
}

char *settings_from_debconf(const char *question, const char *answer, const char **key)
{
	for (size_t i = 0; i < SETTINGS_NQUESTIONS; i++) {
		if (strcmp(question, settings_questions[i]) != 0)
			continue;
		*key = question_keys[i];
		if (strcmp(question, "xorg") == 0)
			return xstrdup(strcmp(answer, "false") == 0 ? "no" : "yes");
		if (strcmp(question, "confirm_host_gpu") == 0)
			return xstrdup(strcmp(answer, "true") == 0 ? "yes" : "no");
		/* No card is "", which DEVICES reads as no card; elsewhere "" is "auto". */
		if (!*answer && strcmp(question, "devices") != 0)
			return xstrdup("auto");
		return xstrdup(answer);
	}
	*key = NULL;
	return NULL;
}
