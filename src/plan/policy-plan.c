// SPDX-License-Identifier: GPL-2.0-or-later
/* From the admin's request and the inventory to a plan: which functions go to vfio-pci, how
 * they are bound, which modules must wait, what the kernel command line and Xorg need. Pure. */
#include <stdlib.h>
#include <string.h>

#include "policy.h"
#include "util.h"

#define VENDOR_INTEL 0x8086
#define VENDOR_NVIDIA 0x10de

/*
 * Frees the boot GPU's firmware framebuffer. Debian's kernels build the firmware
 * framebuffer in (6.1: FB_EFI=y and simplefb; later ones also SYSFB_SIMPLEFB with
 * simpledrm), and whichever driver takes it keeps the card's BAR reserved: vfio-pci then
 * logs "BAR 0: can't reserve" and the guest's driver fails. video=efifb:off only stops
 * efifb, not simplefb/simpledrm once SYSFB_SIMPLEFB registers a "simple-framebuffer"
 * instead; skipping sysfb_init (drivers/firmware/sysfb.c, a device_initcall in 6.1 and
 * 6.12) registers no framebuffer device at all, whichever driver would have bound it.
 * initcall_blacklist= needs CONFIG_KALLSYMS, which Debian enables. Sources: the kernel's
 * admin-guide/kernel-parameters.txt (initcall_blacklist), Kconfig help of SYSFB_SIMPLEFB,
 * https://github.com/siderolabs/talos/issues/14356 (BOOTFB/simpledrm holding the BAR).
 */
#define FRAMEBUFFER_OFF "initcall_blacklist=sysfb_init"

static const struct pci_function *card_display_function(const struct inventory *inv,
							const struct card *card)
{
	const struct pci_function *f = inventory_find(inv, &card->addr);

	return f ? f : &inv->functions[card->functions[0]];
}

/* Which cards the request names: chosen[c] set. */
static int choose_cards(const struct inventory *inv, const struct request *req, bool *chosen,
			struct error *err)
{
	if (req->devices_auto) {
		/* --full-passthrough alone: the candidates and every NVSwitch */
		for (size_t c = 0; c < inv->n_cards; c++)
			chosen[c] = inv->cards[c].candidate ||
				    (req->full_passthrough && inv->cards[c].nvswitch);
		return 0;
	}
	for (size_t i = 0; i < req->n_devices; i++) {
		char buf[PCI_ADDR_STRLEN];
		const struct pci_function *f;
		int c = inventory_find_card(inv, &req->devices[i]);

		if (c >= 0) {
			chosen[c] = true;
			continue;
		}
		pci_addr_format(&req->devices[i], buf);
		f = inventory_find(inv, &req->devices[i]);
		if (!f)
			return error_set(err, EXIT_USAGE,
					 "device %s: there is no PCI device at this address "
					 "(see: vfio-passthrough-setup detect)",
					 buf);
		if (f->is_vf) {
			char pf[PCI_ADDR_STRLEN];

			pci_addr_format(&f->physfn, pf);
			return error_set(
			    err, EXIT_USAGE,
			    "device %s is an SR-IOV virtual function of %s: this package hands "
			    "whole cards to vfio-pci at boot; a VF is bound when the VM starts "
			    "(libvirt managed='yes'), after the PF's driver created it",
			    buf, pf);
		}
		if (f->class_name)
			return error_set(
			    err, EXIT_USAGE,
			    "device %s is not a graphics card (%s) nor a function of one; "
			    "only display cards can be passed through",
			    buf, f->class_name);
		return error_set(err, EXIT_USAGE,
				 "device %s is not a graphics card (class %04x) nor a function of "
				 "one; only display cards can be passed through",
				 buf, f->class_id);
	}
	return 0;
}

/* The NVIDIA GPUs and NVSwitches not chosen, as "ADDR ADDR...", or NULL if none is left. */
static char *nvlink_left_out(const struct inventory *inv, const bool *chosen)
{
	struct strlist left;
	char *s = NULL;

	sl_init(&left);
	for (size_t c = 0; c < inv->n_cards; c++) {
		const struct card *card = &inv->cards[c];
		const struct pci_function *f = card_display_function(inv, card);
		char addr[PCI_ADDR_STRLEN];

		if (chosen[c] || (!card->nvswitch && f->vendor != VENDOR_NVIDIA))
			continue;
		pci_addr_format(&card->addr, addr);
		sl_add(&left, addr);
	}
	if (left.n)
		s = sl_join(&left, " ");
	sl_free(&left);
	return s;
}

/*
 * An NVSwitch goes to vfio-pci only when the admin asks for full passthrough, and then
 * together with every NVIDIA GPU and every other NVSwitch: binding a switch takes it from
 * the host's Fabric Manager, which every GPU on the NVLink fabric needs (shared NVSwitch
 * mode), and a VM's Fabric Manager needs all of them (full passthrough). NVSWITCH_MODES.
 */
static int check_nvswitches(const struct inventory *inv, const struct request *req,
			    const bool *chosen, struct error *err)
{
	_cleanup_free_ char *left = NULL;

	for (size_t c = 0; c < inv->n_cards && !req->full_passthrough; c++) {
		char addr[PCI_ADDR_STRLEN];

		if (!chosen[c] || !inv->cards[c].nvswitch)
			continue;
		pci_addr_format(&inv->cards[c].addr, addr);
		return error_set(err, EXIT_USAGE,
				 "refusing: %s is an NVSwitch, not a GPU: " NVSWITCH_MODES
				 ". To hand every GPU and every NVSwitch to one VM: "
				 "--full-passthrough.",
				 addr);
	}
	if (!req->full_passthrough)
		return 0;
	if (policy_nvswitches(inv) == 0)
		return error_set(err, EXIT_USAGE,
				 "--full-passthrough: this machine has no NVSwitch; choose the "
				 "cards with --devices alone");
	left = nvlink_left_out(inv, chosen);
	if (left)
		return error_set(err, EXIT_USAGE,
				 "--full-passthrough hands every GPU and every NVSwitch to one VM "
				 "together, and these are not chosen: %s (name them in --devices, "
				 "or leave --devices out)",
				 left);
	return 0;
}

/* A dangerous choice: refused with what it costs and how to do it anyway (anyway: "To do it
 * anyway"), unless the request carries the one consent (--force, ALLOW_HOST_GPU), which
 * turns it into a warning. */
static int consent_or_refuse(const struct request *req, const char *what, const char *anyway,
			     struct plan *plan, struct error *err)
{
	if (!req->force)
		return error_set(err, EXIT_USAGE,
				 "refusing: %s. %s: --force (or ALLOW_HOST_GPU=\"yes\").", what,
				 anyway);
	sl_add(&plan->warnings, what);
	return 0;
}

/* Refuse what would hurt the host unless the admin consented (--force / ALLOW_HOST_GPU): its
 * display, a shared IOMMU group, the SR-IOV VFs its card's driver made (policy_vfs_lost). */
static int check_consent(const struct inventory *inv, const struct request *req, const bool *chosen,
			 struct plan *plan, struct error *err)
{
	size_t kept = 0;

	for (size_t c = 0; c < inv->n_cards; c++)
		if (!chosen[c] && !inv->cards[c].nvswitch)
			kept++;
	for (size_t c = 0; c < inv->n_cards; c++) {
		const struct card *card = &inv->cards[c];
		_cleanup_free_ char *msg = NULL;
		char buf[PCI_ADDR_STRLEN];

		if (!chosen[c])
			continue;
		pci_addr_format(&card->addr, buf);
		if (kept == 0)
			msg = xasprintf("%s is the only display device left to the host: after the "
					"reboot the host has no console and no display manager "
					"(manage it over the network)",
					buf);
		else if (card->bmc)
			msg =
			    xasprintf("%s is the VGA of the BMC: a VM would take away the server's "
				      "remote console (IPMI/KVM over the network) and the BMC's "
				      "screen",
				      buf);
		else if (card->host || card->boot_vga)
			msg = xasprintf(
			    "%s is the host's display (the firmware boots on it): after the "
			    "reboot the boot console and the display manager will not appear "
			    "on it; set the primary display in the BIOS to the other GPU first",
			    buf);
		if (msg && card->boot_vga) {
			char *longer = xasprintf(
			    "%s; its firmware framebuffer is released with " FRAMEBUFFER_OFF
			    " so that vfio-pci can claim the "
			    "card's memory: no boot console appears on it",
			    msg);

			free(msg);
			msg = longer;
		}
		if (msg && consent_or_refuse(req, msg, "To do it anyway", plan, err) < 0)
			return -1;
		if (card->group_peers.n) {
			_cleanup_free_ char *peers = sl_join(&card->group_peers, ", ");

			free(msg);
			msg = xasprintf(
			    "%s shares its IOMMU group with %s, which stay with the host: "
			    "a VM cannot use the card in this slot until they are "
			    "separated (other slot, BIOS ACS setting)",
			    buf, peers);
			if (consent_or_refuse(req, msg, "To configure it anyway", plan, err) < 0)
				return -1;
		}
		free(msg);
		msg = policy_vfs_lost(inv, card);
		if (msg) {
			_cleanup_free_ char *full = xasprintf("%s; " SRIOV_VFS_CHOICES, msg);

			if (consent_or_refuse(req, full, "To pass the card with its VFs gone", plan,
					      err) < 0)
				return -1;
		}
	}
	return 0;
}

static bool function_chosen(const struct inventory *inv, const bool *chosen, size_t fi)
{
	for (size_t c = 0; c < inv->n_cards; c++) {
		if (!chosen[c])
			continue;
		for (size_t i = 0; i < inv->cards[c].n_functions; i++)
			if (inv->cards[c].functions[i] == fi)
				return !inv->functions[fi].is_bridge;
	}
	return false;
}

/* Xorg's Driver for the host GPU. modesetting ships in xserver-xorg-core, so it always exists
 * and drives every KMS driver (i915, amdgpu, radeon, nouveau, ast, mgag200); naming amdgpu
 * or intel would fail when xserver-xorg-video-* is not installed. Only NVIDIA's proprietary
 * driver has no KMS path modesetting can use, so a host card bound to nvidia gets "nvidia". */
static const char *xorg_driver_for(const struct pci_function *f)
{
	if (f->vendor == VENDOR_NVIDIA && f->driver && strcmp(f->driver, "nvidia") == 0)
		return "nvidia";
	return "modesetting";
}

static int plan_xorg(const struct inventory *inv, const struct request *req, const bool *chosen,
		     struct plan *plan, struct error *err)
{
	const struct pci_function *f = NULL;

	if (!req->xorg)
		return 0;
	if (!req->host_busid_auto) {
		char busid[XORG_BUSID_STRLEN];
		int c;

		xorg_busid_format(&req->host_busid, busid);
		f = inventory_find(inv, &req->host_busid);
		if (!f || !pci_class_is_display(f->class_id))
			return error_set(err, EXIT_USAGE,
					 "host BusID %s names no display device on this machine "
					 "(see: vfio-passthrough-setup detect)",
					 busid);
		c = inventory_find_card(inv, &req->host_busid);
		if (c >= 0 && chosen[c])
			return error_set(
			    err, EXIT_USAGE,
			    "host BusID %s is a card being passed to vfio-pci; the host "
			    "display must be another card",
			    busid);
	} else {
		int host = inv->host_card;

		/* The detected host card, unless it is the one given away (--force). */
		if (host < 0 || chosen[host]) {
			host = -1;
			for (size_t c = 0; c < inv->n_cards && host < 0; c++)
				if (!chosen[c] && !inv->cards[c].nvswitch) /* no display */
					host = (int)c;
		}
		if (host < 0)
			return 0;
		f = card_display_function(inv, &inv->cards[host]);
	}
	plan->xorg = true;
	plan->host_busid = f->addr;
	plan->xorg_driver = xorg_driver_for(f);
	return 0;
}

int policy_plan(const struct inventory *inv, const struct request *req, struct plan *plan,
		struct error *err)
{
	_cleanup_free_ bool *chosen = xcalloc(inv->n_cards, sizeof(bool));
	bool any = false;
	struct strbuf params;

	memset(plan, 0, sizeof(*plan));
	if (choose_cards(inv, req, chosen, err) < 0)
		return -1;
	for (size_t c = 0; c < inv->n_cards; c++)
		any |= chosen[c];
	if (!any)
		return 0;
	if (check_nvswitches(inv, req, chosen, err) < 0)
		goto fail;
	if (check_consent(inv, req, chosen, plan, err) < 0)
		goto fail;

	plan->cards = xcalloc(inv->n_cards, sizeof(*plan->cards));
	for (size_t c = 0; c < inv->n_cards; c++)
		if (chosen[c])
			plan->cards[plan->n_cards++] = inv->cards[c].addr;
	plan->functions = xcalloc(inv->n_functions, sizeof(*plan->functions));
	for (size_t fi = 0; fi < inv->n_functions; fi++) {
		const struct pci_function *f = &inv->functions[fi];
		char id[PCI_ID_STRLEN];

		if (!function_chosen(inv, chosen, fi))
			continue;
		pci_id_format(f->vendor, f->device, id);
		plan->functions[plan->n_functions++] = f->addr;
		sl_add_unique(&plan->vfio_ids, id);
		for (size_t m = 0; m < f->modules.n; m++) {
			const char *mod = f->modules.items[m];

			if (strcmp(mod, "vfio_pci") != 0 && strcmp(mod, "vfio-pci") != 0)
				sl_add_unique(&plan->softdeps, mod);
		}
		/* NVIDIA's own driver is built out of tree (DKMS): not in any module index.
		 * It drives the NVSwitches too (/dev/nvidia-nvswitchN). */
		if (f->vendor == VENDOR_NVIDIA && (pci_class_is_display(f->class_id) ||
						   pci_function_is_nvswitch(f->vendor, f->device)))
			sl_add_unique(&plan->softdeps, "nvidia");
	}
	sl_sort(&plan->softdeps);

	/* ids= would also grab an identical card the host keeps: bind by address instead. A VF
	 * of a chosen card (its id often the PF's) is no such card: it goes with its PF's
	 * driver (policy_vfs_lost), so the plan is the same before and after the reboot. */
	for (size_t fi = 0; fi < inv->n_functions && !plan->bind_by_address; fi++) {
		const struct pci_function *f = &inv->functions[fi];
		const struct pci_function *pf = f->is_vf ? inventory_find(inv, &f->physfn) : NULL;
		char id[PCI_ID_STRLEN];

		if (f->is_bridge || function_chosen(inv, chosen, fi) ||
		    (pf && function_chosen(inv, chosen, (size_t)(pf - inv->functions))))
			continue;
		pci_id_format(f->vendor, f->device, id);
		plan->bind_by_address = sl_has(&plan->vfio_ids, id);
	}
	plan->vfio_builtin = inv->vfio_pci == VFIO_BUILTIN;

	sb_init(&params);
	if (req->kernel_params_auto) {
		_cleanup_free_ char *def = policy_default_kernel_params(inv->cpu);

		sb_add(&params, def);
	} else if (req->kernel_params) {
		sb_add(&params, req->kernel_params);
	}
	for (size_t c = 0; c < inv->n_cards; c++)
		if (chosen[c] && inv->cards[c].boot_vga) {
			sb_addf(&params, "%s" FRAMEBUFFER_OFF, params.len ? " " : "");
			break;
		}
	/* A built-in vfio-pci never reads modprobe.d: the ids must be on the command line.
	 * When binding by address, the initramfs script's driver_override works for a
	 * built-in vfio-pci too, so no ids go anywhere. */
	if (plan->vfio_builtin && !plan->bind_by_address) {
		_cleanup_free_ char *ids = sl_join(&plan->vfio_ids, ",");

		sb_addf(&params, "%svfio-pci.ids=%s", params.len ? " " : "", ids);
	}
	if (params.len)
		plan->kernel_params = sb_steal(&params);
	else
		sb_free(&params);

	if (plan_xorg(inv, req, chosen, plan, err) < 0)
		goto fail;
	return 0;
fail:
	plan_free(plan);
	return -1;
}

void plan_free(struct plan *plan)
{
	free(plan->cards);
	free(plan->functions);
	sl_free(&plan->vfio_ids);
	sl_free(&plan->softdeps);
	sl_free(&plan->warnings);
	sl_free(&plan->forced_modules);
	free(plan->kernel_params);
	memset(plan, 0, sizeof(*plan));
}

bool plan_is_empty(const struct plan *plan)
{
	return plan->n_cards == 0;
}
