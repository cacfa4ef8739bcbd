// SPDX-License-Identifier: GPL-2.0-or-later
// clang-format off
/*
 * detect [--json]: what is there and what apply would propose. Writes nothing;
 * exit 0 even without a PCI bus (a chroot or container), which it reports.
 *
 * --json prints one object (keys in this order; ADDR is "dddd:bb:ss.f", lower-case hex;
 * doc/schema/detect.schema.json is its contract):
 *   schema_version  DETECT_JSON_SCHEMA_VERSION (json.h)
 *   have_pci    false when root/sys/bus/pci is missing (gpus is then empty, hints says why)
 *   cpu_vendor  "intel" | "amd" | "unknown"
 *   iommu       {"enabled": groups > 0, "groups": entries in /sys/kernel/iommu_groups}
 *   vfio_pci    "module" | "builtin" | "missing" | "unknown" (not looked up: hints says why)
 *   kernels     kernel versions found under root/lib/modules and root/usr/lib/modules
 *   host_gpu    ADDR of the card the host keeps (boot VGA, else integrated) or null
 *   suggested   [ADDR...] the candidates
 *   vfio_ids    ["vvvv:dddd"...] of their functions
 *   hints       [str...] e.g. the firmware boots on the discrete card: change the BIOS
 *   gpus        one object per card: address (lowest display function), id, class
 *               ("0300"), name (pci.ids), boot_vga, integrated, host, driver|null,
 *               iommu_group|null, xorg_busid ("PCI:10:0:0", "PCI:1@1:0:0"),
 *               functions [{address, id, class, driver|null, iommu_group|null,
 *               modules [names], reset_method [names]|null, flr bool|null}],
 *               group_peers [ADDR...], candidate, reason,
 *               sriov: null, or {sriov_totalvfs, sriov_numvfs, vfs [{address, id,
 *               driver|null, iommu_group|null}]} (the VFs present, never cards)
 *   nvswitches  [{address, id, name, driver|null, iommu_group|null, reason}]: NVIDIA
 *               NVSwitches, never in gpus (apply --full-passthrough)
 */
// clang-format on
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "commands.h"
#include "conflicts.h"
#include "json.h"
#include "log.h"
#include "policy.h"
#include "system.h"

/* One line so that grep finds it. */
// clang-format off
#define BIOS_HINT "the firmware shows its console on the discrete card %s although an integrated GPU exists: set the primary display to the integrated GPU (IGD/iGPU) in the BIOS setup so the host keeps it and the discrete card is free for the VM"
// clang-format on

/* "reset_method": the kernel's list, split ("flr bus" -> ["flr", "bus"]), null where sysfs
 * has no such file; "flr": the FLR capability from config space then, else null. */
static void reset_json(struct json *j, const struct pci_function *f)
{
	json_key(j, "reset_method");
	if (f->reset_method) {
		_cleanup_free_ char *copy = xstrdup(f->reset_method);
		char *save = NULL;

		json_array_begin(j);
		for (char *m = strtok_r(copy, " ", &save); m; m = strtok_r(NULL, " ", &save))
			json_string(j, m);
		json_array_end(j);
	} else {
		json_null(j);
	}
	json_key(j, "flr");
	if (!f->reset_method && f->flr >= 0)
		json_bool(j, f->flr == 1);
	else
		json_null(j);
}

static void strlist_json(struct json *j, const char *key, const struct strlist *l)
{
	json_key(j, key);
	json_array_begin(j);
	for (size_t i = 0; i < l->n; i++)
		json_string(j, l->items[i]);
	json_array_end(j);
}

/* The driver bound now and the IOMMU group (null when there is none). */
static void binding_json(struct json *j, const struct pci_function *f)
{
	json_key(j, "driver");
	json_string(j, f->driver);
	json_key(j, "iommu_group");
	if (f->iommu_group >= 0)
		json_int(j, f->iommu_group);
	else
		json_null(j);
}

static void function_json(struct json *j, const struct pci_function *f, bool full)
{
	char addr[PCI_ADDR_STRLEN], id[PCI_ID_STRLEN], cls[8];

	pci_addr_format(&f->addr, addr);
	pci_id_format(f->vendor, f->device, id);
	snprintf(cls, sizeof(cls), "%04x", f->class_id);
	json_key(j, "address");
	json_string(j, addr);
	json_key(j, "id");
	json_string(j, id);
	json_key(j, "class");
	json_string(j, cls);
	if (full) {
		json_key(j, "name");
		json_string(j, f->name);
		return;
	}
	binding_json(j, f);
	strlist_json(j, "modules", &f->modules);
	reset_json(j, f);
}

/* The SR-IOV virtual functions present of the physical function pf: those with a physfn link
 * to it. */
static size_t vfs_of(const struct inventory *inv, const struct pci_function *pf, size_t *out)
{
	size_t n = 0;

	for (size_t i = 0; i < inv->n_functions; i++)
		if (inv->functions[i].is_vf &&
		    pci_addr_cmp(&inv->functions[i].physfn, &pf->addr) == 0)
			out[n++] = i;
	return n;
}

static void sriov_json(struct json *j, const struct inventory *inv, const struct pci_function *f)
{
	_cleanup_free_ size_t *vfs = xcalloc(inv->n_functions, sizeof(*vfs));
	size_t n = vfs_of(inv, f, vfs);

	json_key(j, "sriov");
	if (f->sriov_totalvfs <= 0 && n == 0) {
		json_null(j);
		return;
	}
	json_object_begin(j);
	json_key(j, "sriov_totalvfs");
	json_int(j, f->sriov_totalvfs);
	json_key(j, "sriov_numvfs");
	json_int(j, f->sriov_numvfs);
	json_key(j, "vfs");
	json_array_begin(j);
	for (size_t i = 0; i < n; i++) {
		const struct pci_function *vf = &inv->functions[vfs[i]];
		char addr[PCI_ADDR_STRLEN], id[PCI_ID_STRLEN];

		pci_addr_format(&vf->addr, addr);
		pci_id_format(vf->vendor, vf->device, id);
		json_object_begin(j);
		json_key(j, "address");
		json_string(j, addr);
		json_key(j, "id");
		json_string(j, id);
		json_key(j, "driver");
		json_string(j, vf->driver);
		json_key(j, "iommu_group");
		if (vf->iommu_group >= 0)
			json_int(j, vf->iommu_group);
		else
			json_null(j);
		json_object_end(j);
	}
	json_array_end(j);
	json_object_end(j);
}

static void nvswitches_json(struct json *j, const struct inventory *inv)
{
	json_key(j, "nvswitches");
	json_array_begin(j);
	for (size_t i = 0; i < inv->n_cards; i++) {
		const struct card *c = &inv->cards[i];
		const struct pci_function *f = inventory_find(inv, &c->addr);

		if (!c->nvswitch)
			continue;
		json_object_begin(j);
		function_json(j, f, true);
		binding_json(j, f);
		json_key(j, "reason");
		json_string(j, c->reason);
		json_object_end(j);
	}
	json_array_end(j);
}

static void print_json(const struct inventory *inv, const struct strlist *suggested,
		       const struct strlist *ids, const struct strlist *hints)
{
	struct json j;
	char *text;

	json_init(&j);
	json_object_begin(&j);
	json_key(&j, "schema_version");
	json_int(&j, DETECT_JSON_SCHEMA_VERSION);
	json_key(&j, "have_pci");
	json_bool(&j, inv->have_pci);
	json_key(&j, "cpu_vendor");
	json_string(&j, cpu_vendor_name(inv->cpu));
	json_key(&j, "iommu");
	json_object_begin(&j);
	json_key(&j, "enabled");
	json_bool(&j, inv->iommu_groups > 0);
	json_key(&j, "groups");
	json_int(&j, inv->iommu_groups);
	json_object_end(&j);
	json_key(&j, "vfio_pci");
	json_string(&j, vfio_state_name(inv->vfio_pci));
	strlist_json(&j, "kernels", &inv->kernels);
	json_key(&j, "host_gpu");
	if (inv->host_card >= 0) {
		char addr[PCI_ADDR_STRLEN];

		pci_addr_format(&inv->cards[inv->host_card].addr, addr);
		json_string(&j, addr);
	} else {
		json_null(&j);
	}
	strlist_json(&j, "suggested", suggested);
	strlist_json(&j, "vfio_ids", ids);
	strlist_json(&j, "hints", hints);
	json_key(&j, "gpus");
	json_array_begin(&j);
	for (size_t i = 0; i < inv->n_cards; i++) {
		const struct card *c = &inv->cards[i];
		const struct pci_function *f = inventory_find(inv, &c->addr);
		char busid[XORG_BUSID_STRLEN];

		if (c->nvswitch)
			continue;
		json_object_begin(&j);
		function_json(&j, f, true);
		json_key(&j, "boot_vga");
		json_bool(&j, c->boot_vga);
		json_key(&j, "integrated");
		json_bool(&j, c->integrated);
		json_key(&j, "host");
		json_bool(&j, c->host);
		json_key(&j, "driver");
		json_string(&j, f->driver);
		json_key(&j, "iommu_group");
		if (f->iommu_group >= 0)
			json_int(&j, f->iommu_group);
		else
			json_null(&j);
		xorg_busid_format(&c->addr, busid);
		json_key(&j, "xorg_busid");
		json_string(&j, busid);
		json_key(&j, "functions");
		json_array_begin(&j);
		for (size_t k = 0; k < c->n_functions; k++) {
			json_object_begin(&j);
			function_json(&j, &inv->functions[c->functions[k]], false);
			json_object_end(&j);
		}
		json_array_end(&j);
		strlist_json(&j, "group_peers", &c->group_peers);
		json_key(&j, "candidate");
		json_bool(&j, c->candidate);
		json_key(&j, "reason");
		json_string(&j, c->reason);
		sriov_json(&j, inv, f);
		json_object_end(&j);
	}
	json_array_end(&j);
	nvswitches_json(&j, inv);
	json_object_end(&j);
	text = json_steal(&j);
	puts(text);
	free(text);
}

/* A table cell: "-" for nothing; control characters from odd sysfs made harmless. */
static const char *cell(const char *s, char *buf, size_t size)
{
	size_t i = 0;

	if (!s || !*s)
		return "-";
	for (; s[i] && i + 1 < size; i++)
		buf[i] = (unsigned char)s[i] < 0x20 || s[i] == 0x7f ? '?' : s[i];
	buf[i] = '\0';
	return buf;
}

/* "SR-IOV: 1 of 31 VFs enabled: 0000:4d:00.1 (vfio-pci)" under a card whose PF has them. */
static void print_sriov(const struct inventory *inv, const struct card *c)
{
	const struct pci_function *f = inventory_find(inv, &c->addr);
	_cleanup_free_ size_t *vfs = xcalloc(inv->n_functions, sizeof(*vfs));
	size_t n = vfs_of(inv, f, vfs);

	if (f->sriov_totalvfs <= 0 && n == 0)
		return;
	printf("     SR-IOV: %d of %d VFs enabled%s", f->sriov_numvfs, f->sriov_totalvfs,
	       n ? ":" : "");
	for (size_t i = 0; i < n; i++) {
		const struct pci_function *vf = &inv->functions[vfs[i]];
		char addr[PCI_ADDR_STRLEN], drv[64];

		pci_addr_format(&vf->addr, addr);
		printf(" %s (%s)", addr, cell(vf->driver, drv, sizeof(drv)));
	}
	putchar('\n');
}

static void print_table(const struct inventory *inv, const struct strlist *suggested,
			const struct strlist *ids, const struct strlist *hints)
{
	_cleanup_free_ char *params = policy_default_kernel_params(inv->cpu);

	if (inv->cpu == CPU_UNKNOWN)
		puts("CPU:       unknown (set the kernel parameters yourself: KERNEL_PARAMS)");
	else
		printf("CPU:       %s (kernel parameters: %s)\n", cpu_vendor_name(inv->cpu),
		       params);
	if (inv->iommu_groups > 0)
		printf("IOMMU:     enabled, %d groups\n", inv->iommu_groups);
	else
		puts("IOMMU:     not enabled (no groups in /sys/kernel/iommu_groups)");
	if (vfio_unknown_reason(inv))
		printf("vfio-pci:  unknown, not looked up: %s\n", vfio_unknown_reason(inv));
	else
		printf("vfio-pci:  %s\n", vfio_state_name(inv->vfio_pci));
	printf("\n%-13s %-6s %-10s %-15s %-6s %-17s %s\n", "ADDRESS", "CLASS", "ID", "DRIVER",
	       "GROUP", "ROLE", "NAME");
	for (size_t i = 0; i < inv->n_cards; i++) {
		const struct card *c = &inv->cards[i];
		char role[32];

		snprintf(role, sizeof(role), "%s%s%s%s", c->boot_vga ? "boot" : "",
			 c->boot_vga && c->integrated ? "," : "", c->integrated ? "integrated" : "",
			 c->nvswitch ? "nvswitch" : "");
		for (size_t k = 0; k < c->n_functions; k++) {
			const struct pci_function *f = &inv->functions[c->functions[k]];
			char addr[PCI_ADDR_STRLEN], id[PCI_ID_STRLEN], group[16];
			char drv[64], name[256];

			pci_addr_format(&f->addr, addr);
			pci_id_format(f->vendor, f->device, id);
			snprintf(group, sizeof(group), "%d", f->iommu_group);
			printf("%-13s %04x   %-10s %-15s %-6s %-17s %s\n", addr, f->class_id, id,
			       cell(f->driver, drv, sizeof(drv)), f->iommu_group >= 0 ? group : "-",
			       k == 0 ? (*role ? role : "-") : "",
			       cell(f->name, name, sizeof(name)));
		}
		printf("  => %s%s\n",
		       c->host	      ? "host GPU: "
		       : c->candidate ? ""
				      : "not suggested: ",
		       c->reason);
		if (c->group_peers.n) {
			_cleanup_free_ char *peers = sl_join(&c->group_peers, " ");

			printf("     same IOMMU group: %s\n", peers);
		}
		print_sriov(inv, c);
	}
	if (inv->n_cards == 0)
		puts("(no display devices found)");
	putchar('\n');
	if (inv->host_card >= 0) {
		char addr[PCI_ADDR_STRLEN], busid[XORG_BUSID_STRLEN];

		pci_addr_format(&inv->cards[inv->host_card].addr, addr);
		xorg_busid_format(&inv->cards[inv->host_card].addr, busid);
		printf("Host GPU:  %s (Xorg BusID %s)\n", addr, busid);
	} else {
		puts("Host GPU:  none identified");
	}
	if (suggested->n) {
		_cleanup_free_ char *s = sl_join(suggested, " ");
		_cleanup_free_ char *i = sl_join(ids, ",");

		printf("Suggested: %s (vfio-pci ids %s)\n", s, i);
	} else if (inv->n_cards == 0) {
		puts("Suggested: nothing: this machine has no graphics card to pass through");
	} else {
		puts("Suggested: nothing (apply --devices ADDR --force overrides)");
	}
	for (size_t i = 0; i < hints->n; i++)
		printf("Hint:      %s\n", hints->items[i]);
}

/* One line, no control characters: a value the debconf config script reads with `read`. */
/* What a data-center machine needs said: its NVSwitches and the Fabric Manager's two modes;
 * a card of a family that does not reset cleanly (vendor-reset's list); a card whose driver
 * has created SR-IOV VFs, which passing the whole card takes away. */
static void datacenter_hints(const struct inventory *inv, struct strlist *hints)
{
	size_t nvswitches = policy_nvswitches(inv);

	if (nvswitches) {
		_cleanup_free_ char *h =
		    xasprintf("%zu NVSwitch%s: never proposed; " NVSWITCH_MODES, nvswitches,
			      nvswitches == 1 ? "" : "es");

		sl_add(hints, h);
	}
	for (size_t i = 0; i < inv->n_cards; i++) {
		const struct pci_function *f = inventory_find(inv, &inv->cards[i].addr);
		const char *family = f ? policy_reset_quirk(f->vendor, f->device) : NULL;
		_cleanup_free_ char *h = NULL;
		char addr[PCI_ADDR_STRLEN];

		if (family && !inv->cards[i].host) {
			_cleanup_free_ char *r = NULL;

			pci_addr_format(&f->addr, addr);
			r = xasprintf(
			    "%s is an AMD %s: the vendor-reset project lists this family "
			    "as not resetting cleanly, so after a VM restarts the card may "
			    "stay dead until the host reboots; " RESET_QUIRK_FIX,
			    addr, family);
			sl_add(hints, r);
		}
		h = policy_vfs_lost(inv, &inv->cards[i]);
		if (h) {
			_cleanup_free_ char *full = xasprintf("%s; " SRIOV_VFS_CHOICES, h);

			sl_add(hints, full);
		}
	}
}

static const char detect_help[] =
    "Usage: vfio-passthrough-setup [--root DIR] detect [--json]\n\n"
    "Show the GPUs, their functions, drivers and IOMMU groups, the card the host\n"
    "keeps and the cards apply would hand to vfio-pci. Writes nothing.\n"
    "--json: one JSON object (have_pci, cpu_vendor, iommu, vfio_pci, kernels,\n"
    "host_gpu, suggested, vfio_ids, hints, gpus, nvswitches).\n";

static int run(const struct context *ctx, int argc, char **argv)
{
	static const struct option opts[] = {
		{ "json", no_argument, NULL, 'j' },
		{ "help", no_argument, NULL, 'h' },
		{ 0 },
	};
	struct error err = { 0 };
	struct inventory inv;
	struct strlist suggested, ids, hints;
	bool json = false;
	int c;

	while ((c = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
		switch (c) {
		case 'j':
			json = true;
			break;
		case 'h':
			fputs(detect_help, stdout);
			return EXIT_OK;
		default:
			return EXIT_USAGE;
		}
	}
	if (optind < argc)
		return log_unexpected_argument("detect", argv[optind]);
	if (system_load(ctx->root, 0, INDEX_FAILURE_WARN, &inv, &err) < 0) {
		log_error("%s", err.msg);
		return err.code;
	}
	sl_init(&suggested);
	sl_init(&ids);
	sl_init(&hints);
	policy_suggested(&inv, &suggested, &ids);
	if (!inv.have_pci) {
		_cleanup_free_ char *p = path_join(ctx->root, "/sys/bus/pci");

		sl_add(&hints, "no PCI bus visible (no /sys/bus/pci: a chroot or container?): "
			       "nothing to detect here; run detect on the machine itself");
		if (!json)
			printf("No PCI bus visible: %s does not exist (a chroot or container?).\n"
			       "Nothing to detect here; run detect on the machine itself.\n",
			       p);
	} else if (json && vfio_unknown_reason(&inv)) { /* the table says it on its vfio-pci line */
		_cleanup_free_ char *h = xasprintf("whether vfio-pci exists was not looked up: %s",
						   vfio_unknown_reason(&inv));

		sl_add(&hints, h);
	}
	if (inv.have_pci && policy_firmware_boots_discrete(&inv)) {
		char addr[PCI_ADDR_STRLEN];
		_cleanup_free_ char *h = NULL;

		pci_addr_format(&inv.cards[inv.host_card].addr, addr);
		h = xasprintf(BIOS_HINT, addr);
		sl_add(&hints, h);
	}
	if (inv.have_pci)
		datacenter_hints(&inv, &hints);
	if (json)
		print_json(&inv, &suggested, &ids, &hints);
	else if (inv.have_pci) {
		print_table(&inv, &suggested, &ids, &hints);
		conflicts_warn(ctx->root, NULL, stdout);
	}
	sl_free(&suggested);
	sl_free(&ids);
	sl_free(&hints);
	inventory_free(&inv);
	return EXIT_OK;
}

const struct command cmd_detect = {
	.name = "detect",
	.run = run,
	.usage = "detect [--json]",
	.help = "show GPUs, IOMMU groups and the suggested cards; writes nothing",
};
