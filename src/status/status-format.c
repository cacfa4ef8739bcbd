// SPDX-License-Identifier: GPL-2.0-or-later
#include <stdio.h>
#include <stdlib.h>

#include "util.h"

#include "json.h"
#include "status-format.h"
#include "status-kubevirt.h"
#include "vm-fit.h"

void hostdev_xml(const struct pci_addr *a, struct strbuf *out)
{
	sb_addf(out,
		"<hostdev mode='subsystem' type='pci' managed='yes'>\n"
		"  <source>\n"
		"    <address domain='0x%04x' bus='0x%02x' slot='0x%02x' function='0x%x'/>\n"
		"  </source>\n"
		"</hostdev>\n",
		a->domain, a->bus, a->slot, a->func);
}

void virt_install_arg(const struct pci_addr *a, struct strbuf *out)
{
	/* libvirt's node device name, which virt-install --host-device accepts. */
	sb_addf(out, "--host-device pci_%04x_%02x_%02x_%x", a->domain, a->bus, a->slot, a->func);
}

/* A configured card's facts as an XML comment before its <hostdev> lines: its IOMMU group
 * and members, its largest BAR; and each function's reset (status_reset_detail, the reset
 * check's own words). */
static void card_comment(const struct status_input *in, size_t card, struct strbuf *out)
{
	const struct status_card *c = &in->cards[card];
	_cleanup_free_ char *members = status_group_text(in, c->iommu_group);
	struct card_bars b;
	char a[PCI_ADDR_STRLEN];

	pci_addr_format(&c->addr, a);
	sb_addf(out, "<!-- %s:", a);
	if (c->iommu_group >= 0)
		sb_addf(out, " IOMMU group %d (%s);", c->iommu_group, members ? members : "");
	if (status_card_bars(in, card, &b)) {
		char size[32], fn[PCI_ADDR_STRLEN];

		vm_size_text(b.largest, size);
		pci_addr_format(&b.largest_fn, fn);
		sb_addf(out, " largest BAR: BAR %d of %s, %s;", b.largest_index, fn, size);
	}
	out->len--; /* the last ";" or ":" */
	out->buf[out->len] = '\0';
	sb_add(out, " -->\n");
}

static void function_comment(const struct status_input *in, const struct pci_addr *a,
			     struct strbuf *out)
{
	const struct pci_function *f = in->inv ? inventory_find(in->inv, a) : NULL;
	_cleanup_free_ char *reset = NULL;
	const char *family;
	char addr[PCI_ADDR_STRLEN];

	if (!f || !(reset = status_reset_detail(f, &family)))
		return;
	pci_addr_format(a, addr);
	sb_addf(out, "<!-- %s: %s%s -->\n", addr, reset, family ? " (see the reset warning)" : "");
}

/* The window every configured card's 64-bit BARs need together in one VM (0: the default
 * holds them), and their total. */
static uint64_t cards_window(const struct status_input *in, uint64_t *total)
{
	*total = 0;
	for (size_t i = 0; i < in->n_cards; i++) {
		struct card_bars b;

		if (status_card_bars(in, i, &b))
			*total += b.mem64_total;
	}
	return vm_mmio64_window(*total);
}

static void window_xml(const struct status_input *in, struct strbuf *out)
{
	uint64_t total, window = cards_window(in, &total);
	_cleanup_free_ char *xml = NULL;
	const char *note;
	char t[32], def[32];

	if (!window)
		return;
	xml = vm_pcihole64_xml(window);
	note = vm_phys_bits_note(window);
	vm_size_text(total, t);
	vm_size_text(VM_MMIO64_DEFAULT, def);
	sb_addf(out,
		"\nTheir 64-bit BARs (%s in all) do not fit a guest's default %s 64-bit PCI "
		"window; also inside <devices>:\n%s"
		"and for a UEFI (OVMF) guest, on <domain> "
		"xmlns:qemu='http://libvirt.org/schemas/domain/qemu/1.0' and inside it:\n"
		"<qemu:commandline>\n  <qemu:arg value='-fw_cfg'/>\n"
		"  <qemu:arg value='name=opt/ovmf/X-PciMmio64Mb,string=%llu'/>\n"
		"</qemu:commandline>\n",
		t, def, xml, (unsigned long long)(window >> 20));
	if (note)
		sb_addf(out, "Also: %s.\n", note);
}

/* Every passed function's <hostdev>, each card's comment before its first function. */
static void hostdevs_text(const struct status_input *in, struct strbuf *out)
{
	int shown = -1;

	for (size_t i = 0; i < in->n_functions; i++) {
		int card = in->inv ? inventory_find_card(in->inv, &in->functions[i].addr) : -1;

		for (size_t c = 0; card >= 0 && card != shown && c < in->n_cards; c++)
			if (inventory_find_card(in->inv, &in->cards[c].addr) == card) {
				card_comment(in, c, out);
				shown = card;
			}
		function_comment(in, &in->functions[i].addr, out);
		hostdev_xml(&in->functions[i].addr, out);
	}
}

/* A card vendor-reset lists, without its reset: a KubeVirt VM restarted on this node meets
 * the same dead card (the reset check's own words). */
static void kubevirt_reset_notes(const struct status_input *in, struct strbuf *out)
{
	for (size_t i = 0; in->n_kubevirt && in->inv && i < in->n_functions; i++) {
		const struct pci_function *f = inventory_find(in->inv, &in->functions[i].addr);
		_cleanup_free_ char *reset = NULL;
		const char *family;
		char a[PCI_ADDR_STRLEN];

		if (!f || !(reset = status_reset_detail(f, &family)) || !family)
			continue;
		pci_addr_format(&f->addr, a);
		sb_addf(out,
			"Reset: %s: %s; a VM that KubeVirt restarts on this node meets it too (see "
			"the reset warning).\n",
			a, reset);
	}
}

static const char *mark(enum check_result r)
{
	switch (r) {
	case CHECK_PASS:
		return "ok     ";
	case CHECK_FAIL:
		return "FAIL   ";
	case CHECK_PENDING:
		return "pending";
	case CHECK_WARN:
		return "warning";
	case CHECK_UNKNOWN:
		return "unknown";
	}
	return "?";
}

void status_format_text(const struct status_input *in, const struct status_report *r,
			struct strbuf *out)
{
	int code = status_exit_code(r);

	for (size_t i = 0; i < r->n; i++) {
		const struct check *c = &r->checks[i];

		sb_addf(out, "%s  %-17s %s%s%s\n", mark(c->result), c->id,
			c->subject ? c->subject : "", c->subject ? ": " : "", c->detail);
		if (c->result == CHECK_PASS)
			continue;
		if (c->cause)
			sb_addf(out, "         cause: %s\n", c->cause);
		if (c->fix)
			sb_addf(out, "         fix:   %s\n", c->fix);
	}
	sb_add(out, "\n");
	if (code == EXIT_FAILURE_RUNTIME) {
		sb_add(out, "Result: passthrough is not working; see the FAIL lines above.\n");
		return;
	}
	if (code == EXIT_REBOOT_PENDING && r->nothing_configured) {
		sb_add(
		    out,
		    "Result: nothing is configured; reboot to hand the devices vfio-pci still holds back to their drivers.\n");
		return;
	}
	if (code == EXIT_REBOOT_PENDING) {
		sb_add(
		    out,
		    "Result: configured; reboot to activate, then run `vfio-passthrough-setup status` again.\n");
		return;
	}
	if (r->nothing_configured) {
		sb_add(out, "Result: nothing is configured: no card is handed to vfio-pci.\n");
		return;
	}
	sb_add(
	    out,
	    "Result: the card is bound to vfio-pci and ready for a VM.\n\n"
	    "Next: add every function of the card to the VM. For libvirt, `virsh edit VM` and put inside <devices>:\n");
	hostdevs_text(in, out);
	window_xml(in, out);
	sb_add(out, "\nOr, creating the VM with virt-install:\n ");
	for (size_t i = 0; i < in->n_functions; i++) {
		sb_add(out, " ");
		virt_install_arg(&in->functions[i].addr, out);
	}
	sb_add(out, "\n");
	kubevirt_text(in->kubevirt, in->n_kubevirt, out);
	kubevirt_reset_notes(in, out);
	sb_add(
	    out,
	    "Undo: `vfio-passthrough-setup remove` (or `apt purge vfio-passthrough-setup`), then reboot.\n");
}

const char *status_result_word(const struct status_report *r)
{
	int code = status_exit_code(r);

	if (code == EXIT_OK && r->nothing_configured)
		return "not-configured";
	if (code == EXIT_OK)
		return "ready";
	if (code == EXIT_REBOOT_PENDING)
		return "reboot-pending";
	return "failed";
}

static void json_check(struct json *j, const struct check *c)
{
	json_object_begin(j);
	json_key(j, "id");
	json_string(j, c->id);
	json_key(j, "subject");
	json_string(j, c->subject);
	json_key(j, "result");
	json_string(j, check_result_name(c->result));
	json_key(j, "detail");
	json_string(j, c->detail);
	json_key(j, "cause");
	json_string(j, c->cause);
	json_key(j, "fix");
	json_string(j, c->fix);
	json_object_end(j);
}

static void json_hostdev(struct json *j, const struct pci_addr *a)
{
	char addr[PCI_ADDR_STRLEN];
	struct strbuf xml, arg;

	sb_init(&xml);
	sb_init(&arg);
	pci_addr_format(a, addr);
	hostdev_xml(a, &xml);
	virt_install_arg(a, &arg);
	json_object_begin(j);
	json_key(j, "address");
	json_string(j, addr);
	json_key(j, "libvirt_xml");
	json_string(j, xml.buf);
	json_key(j, "virt_install");
	json_string(j, arg.buf);
	json_object_end(j);
	sb_free(&xml);
	sb_free(&arg);
}

static void json_vm_card(struct json *j, const struct status_input *in, size_t i)
{
	const struct status_card *c = &in->cards[i];
	struct strlist list;
	struct card_bars b;
	bool sizes = status_card_bars(in, i, &b);
	char a[PCI_ADDR_STRLEN];

	pci_addr_format(&c->addr, a);
	json_object_begin(j);
	json_key(j, "address");
	json_string(j, a);
	json_key(j, "iommu_group");
	if (c->iommu_group >= 0)
		json_int(j, c->iommu_group);
	else
		json_null(j);
	json_key(j, "group_members");
	json_array_begin(j);
	sl_init(&list);
	status_group_members(in, c->iommu_group, &list);
	for (size_t k = 0; k < list.n; k++)
		json_string(j, list.items[k]);
	sl_free(&list);
	json_array_end(j);
	json_key(j, "largest_bar_bytes");
	if (sizes)
		json_int(j, (int64_t)b.largest);
	else
		json_null(j);
	json_key(j, "bar64_bytes");
	if (sizes)
		json_int(j, (int64_t)b.mem64_total);
	else
		json_null(j);
	json_object_end(j);
}

/* "vm": what the configured cards meet in a VM (status-check-vm.c words the same facts). */
static void json_vm(struct json *j, const struct status_input *in)
{
	static const char *const irq_words[] = {
		[IRQ_REMAP_UNKNOWN] = NULL,
		[IRQ_REMAP_ON] = "on",
		[IRQ_REMAP_OFF_HARDWARE] = "off-hardware",
		[IRQ_REMAP_OFF_CMDLINE] = "off-cmdline",
	};
	uint64_t total, window = cards_window(in, &total);
	int unsafe = in->inv ? in->inv->irq_remap.allow_unsafe : -1;

	json_object_begin(j);
	json_key(j, "interrupt_remapping");
	json_string(j, in->inv ? irq_words[vm_irq_remap(&in->inv->irq_remap, in->cmdline)] : NULL);
	json_key(j, "allow_unsafe_interrupts");
	if (unsafe >= 0)
		json_bool(j, unsafe == 1);
	else
		json_null(j);
	json_key(j, "mmio64_window_bytes");
	if (window)
		json_int(j, (int64_t)window);
	else
		json_null(j);
	json_key(j, "cards");
	json_array_begin(j);
	for (size_t i = 0; i < in->n_cards; i++)
		json_vm_card(j, in, i);
	json_array_end(j);
	json_object_end(j);
}

void status_format_json(const struct status_input *in, const struct status_report *r,
			struct strbuf *out)
{
	int code = status_exit_code(r);
	_cleanup_free_ char *text = NULL;
	struct json j;

	json_init(&j);
	json_object_begin(&j);
	json_key(&j, "result");
	json_string(&j, status_result_word(r));
	json_key(&j, "exit_status");
	json_int(&j, code);
	json_key(&j, "schema_version");
	json_int(&j, STATUS_JSON_SCHEMA_VERSION);
	json_key(&j, "reboot_pending");
	json_bool(&j, r->reboot_pending);
	json_key(&j, "kernel");
	json_string(&j, in->kernel);
	json_key(&j, "checks");
	json_array_begin(&j);
	for (size_t i = 0; i < r->n; i++)
		json_check(&j, &r->checks[i]);
	json_array_end(&j);
	/* Only a working configuration is worth handing to a VM (none: no functions). */
	json_key(&j, "kubevirt");
	kubevirt_json(&j, in->kubevirt, code == EXIT_OK ? in->n_kubevirt : 0);
	json_key(&j, "hostdevs");
	json_array_begin(&j);
	for (size_t i = 0; code == EXIT_OK && i < in->n_functions; i++)
		json_hostdev(&j, &in->functions[i].addr);
	json_array_end(&j);
	if (in->n_cards) {
		json_key(&j, "vm");
		json_vm(&j, in);
	}
	if (in->trial_phase) {
		json_key(&j, "trial");
		json_string(&j, in->trial_phase);
		json_key(&j, "cards");
		json_string(&j, in->trial_cards);
		json_key(&j, "message");
		json_string(&j, in->trial_message);
	}
	json_object_end(&j);
	text = json_steal(&j);
	sb_add(out, text);
	sb_add(out, "\n");
	json_free(&j);
}
