// SPDX-License-Identifier: GPL-2.0-or-later
#include <stdlib.h>
#include <string.h>

#include "inventory.h"

bool pci_class_is_display(uint16_t class_id)
{
	return class_id == PCI_CLASS_DISPLAY_VGA_ || class_id == PCI_CLASS_DISPLAY_3D_ ||
	       class_id == PCI_CLASS_DISPLAY_OTHER_;
}

/*
 * Accelerators as cards: a processing accelerator (class 1200) is a GPU when its vendor makes
 * GPUs that list so: AMD (1002: Instinct MI300X 74a1 and its VF 74b5) and NVIDIA (10de).
 * Not Intel (8086): its class-1200 functions are the NPUs built into the CPU (Meteor Lake
 * 7d1d, Lunar Lake 643e), while its GPUs list as display classes (Flex 56c0, Max 0bd5 are
 * 0380). Other vendors' accelerators (FPGAs, Gaudi, inference cards) are not GPUs either.
 * Network (02xx) and storage (01xx) controllers and bridges or switches (06xx) never are.
 */
bool pci_function_is_gpu(uint16_t vendor, uint16_t class_id)
{
	if (pci_class_is_display(class_id))
		return true;
	return class_id == PCI_CLASS_ACCELERATOR_ && (vendor == 0x1002 || vendor == 0x10de);
}

/*
 * NVSwitch ids: the PCIe endpoints NVIDIA's NVSwitch driver manages, as it lists them in
 * NVIDIA/open-gpu-kernel-modules src/common/nvswitch/kernel/nvswitch.c (commit 448d5cc65624):
 * nvswitch_lr10_device_ids (the A100 generation: 1ae8, 1af0-1aff; pci.ids names 1af1
 * "GA100 [A100 NVSwitch]") and the "PCIE endpoint to manage the NVLink switch HW" part of
 * nvswitch_ls10_device_ids (the H100 generation: 22a0-22a7; 22a3 in the HGX H100 listings of
 * tests/roots/hgx-h100-nvswitch/machine). Both list as class 0680. The rest of the LS10
 * list, 22a8-22ab (PCI-PCI bridges) and 22ac-22af (non-transparent bridges) of the switch
 * tray's own PCIe switch, are no NVSwitch and no card.
 */
bool pci_function_is_nvswitch(uint16_t vendor, uint16_t device)
{
	return vendor == 0x10de && (device == 0x1ae8 || (device >= 0x1af0 && device <= 0x1aff) ||
				    (device >= 0x22a0 && device <= 0x22a7));
}

static void free_cards(struct inventory *inv)
{
	for (size_t i = 0; i < inv->n_cards; i++) {
		free(inv->cards[i].functions);
		sl_free(&inv->cards[i].group_peers);
	}
	free(inv->cards);
	inv->cards = NULL;
	inv->n_cards = 0;
}

void inventory_free(struct inventory *inv)
{
	for (size_t i = 0; i < inv->n_functions; i++) {
		struct pci_function *f = &inv->functions[i];

		free(f->name);
		free(f->class_name);
		free(f->driver);
		free(f->modalias);
		free(f->reset_method);
		sl_free(&f->modules);
	}
	free(inv->functions);
	free_cards(inv);
	sl_free(&inv->kernels);
	sl_free(&inv->warnings);
	free(inv->cmdline);
	inv->functions = NULL;
	inv->n_functions = 0;
	inv->cmdline = NULL;
}

/*
 * Pre-Raven AMD APUs put their graphics on the root bus, alone in its slot (Kaveri 00:01.0),
 * like a card a hypervisor places there: their ids tell them apart. The ids, exactly (a
 * range only where every id in it is listed), from the kernel's
 * drivers/gpu/drm/amd/amdgpu/amdgpu_drv.c at torvalds/linux commit 60c250a98d4c (checked
 * again at 005440066f92, Linux 5.1's KMS 3.31; the ids have not changed): pciidlist, the
 * entries flagged AMD_IS_APU (Kaveri, Kabini, Mullins: CIK; Carrizo, Stoney: VI), and
 * amdgpu_unsupported_pciidlist, radeon's ids, for the older IGPs radeon flags RADEON_IS_IGP in
 * include/drm/drm_pciids.h (Llano: SUMO/SUMO2, Brazos: PALM, Trinity and Richland: ARUBA).
 */
static bool is_amd_root_bus_apu(uint16_t device)
{
	static const struct {
		uint16_t first, last;
	} apu[] = {
		/* Llano (Sumo) */
		{ 0x9640, 0x9645 },
		{ 0x9647, 0x964c },
		{ 0x964e, 0x964f },
		/* Brazos (Wrestler) */
		{ 0x9802, 0x980a },
		/* Trinity, Richland (Aruba) */
		{ 0x9900, 0x9901 },
		{ 0x9903, 0x9910 },
		{ 0x9913, 0x9913 },
		{ 0x9917, 0x9919 },
		{ 0x9990, 0x999d },
		{ 0x99a0, 0x99a0 },
		{ 0x99a2, 0x99a2 },
		{ 0x99a4, 0x99a4 },
		/* Kaveri (1308 is its HDMI audio, 1314 Wrestler's: neither is listed) */
		{ 0x1304, 0x1307 },
		{ 0x1309, 0x1313 },
		{ 0x1315, 0x1318 },
		{ 0x131b, 0x131d },
		/* Kabini */
		{ 0x9830, 0x983f },
		/* Mullins */
		{ 0x9850, 0x985f },
		/* Carrizo (9871-9873 are not listed) */
		{ 0x9870, 0x9870 },
		{ 0x9874, 0x9877 },
		/* Stoney */
		{ 0x98e4, 0x98e4 },
	};

	for (size_t i = 0; i < ARRAY_SIZE(apu); i++)
		if (device >= apu[i].first && device <= apu[i].last)
			return true;
	return false;
}

/*
 * Integrated graphics, from evidence, never from the bus number alone: a virtual machine
 * (nested setups, cloud instances) puts passed-through discrete GPUs on its root bus too.
 * - Intel: the iGPU is at the chipset's fixed address 00:02.0 (its SR-IOV VFs at 00:02.1-7
 *   share the slot); Intel's discrete cards sit below a root port.
 * - AMD: APU graphics behind an internal bridge (Raphael 0e:00.0, Phoenix c4:00.0) share
 *   their slot with CPU-side functions (PSP, USB, ACP) carrying AMD's CPU vendor id 1022,
 *   which a Radeon card never carries; older APUs are known by id (is_amd_root_bus_apu).
 */
static bool is_integrated(const struct inventory *inv, size_t begin, size_t end, size_t display)
{
	const struct pci_function *d = &inv->functions[display];
	bool root_bus = d->addr.domain == 0 && d->addr.bus == 0;

	if (d->vendor == 0x8086)
		return root_bus && d->addr.slot == 2;
	if (d->vendor != 0x1002)
		return false;
	if (root_bus && is_amd_root_bus_apu(d->device))
		return true;
	for (size_t k = begin; k < end; k++)
		if (inv->functions[k].vendor == 0x1022)
			return true;
	return false;
}

static const struct pci_function *parent_of(const struct inventory *inv,
					    const struct pci_function *f)
{
	return f->has_parent ? inventory_find(inv, &f->parent) : NULL;
}

/*
 * The upstream port of the card's own PCIe switch above display function d, or NULL.
 * Intel Arc (A-series 8086:4fa0/4fa1, B-series e2ff) and Radeon RX 5000 and later
 * (1002:1478, 1470) put GPU and HDMI audio behind a switch on the card: upstream port ->
 * downstream ports -> GPU on one bus, audio on the same (Radeon) or another (Arc). The
 * switch's ports carry the GPU's vendor id, and its upstream port sits below a root port or
 * a chipset switch, never on a root bus (a root port is the platform's, not the card's).
 */
static const struct pci_function *card_switch(const struct inventory *inv,
					      const struct pci_function *d)
{
	const struct pci_function *down = parent_of(inv, d), *up;

	if (!down || !down->is_bridge || down->vendor != d->vendor)
		return NULL;
	up = parent_of(inv, down);
	if (!up || !up->is_bridge || up->vendor != d->vendor || !up->has_parent)
		return NULL;
	return up;
}

static bool is_below(const struct inventory *inv, const struct pci_function *f,
		     const struct pci_function *bridge)
{
	/* Bounded: a looping tree from an odd sysfs must not hang detection. */
	for (size_t depth = 0; f && f->has_parent && depth < 256; depth++) {
		if (pci_addr_cmp(&f->parent, &bridge->addr) == 0)
			return true;
		f = parent_of(inv, f);
	}
	return false;
}

/* Add to the card [begin, end) the functions below its own switch, never the switch's
 * ports. A switch holding a second GPU (a dual-GPU board) leaves each GPU its slot. */
static void add_switch_functions(const struct inventory *inv, struct card *c, size_t begin,
				 size_t end, size_t display)
{
	const struct pci_function *sw = card_switch(inv, &inv->functions[display]);
	size_t n = c->n_functions;

	if (!sw)
		return;
	for (size_t k = 0; k < inv->n_functions; k++) {
		const struct pci_function *f = &inv->functions[k];

		if ((k >= begin && k < end) || f->is_bridge || f->is_vf || !is_below(inv, f, sw))
			continue;
		if (pci_function_is_gpu(f->vendor, f->class_id))
			return;
		n++;
	}
	if (n == c->n_functions)
		return;
	c->functions = xrealloc(c->functions, n * sizeof(*c->functions));
	c->n_functions = 0;
	for (size_t k = 0; k < inv->n_functions; k++) {
		const struct pci_function *f = &inv->functions[k];

		if (f->is_vf)
			continue;
		if ((k >= begin && k < end) || (!f->is_bridge && is_below(inv, f, sw)))
			c->functions[c->n_functions++] = k;
	}
}

/* The VGA a BMC shows the remote console on. Ids from the kernel's ast and mgag200
 * drivers (the Matrox G200 server variants exist only inside BMCs) and pci.ids. */
static bool is_bmc_vga(const struct pci_function *f)
{
	static const struct {
		uint16_t vendor, device;
	} bmc[] = {
		{ 0x1a03, 0x2000 }, /* ASPEED AST2x00 */
		{ 0x102b, 0x0522 }, /* Matrox G200e (ServerEngines Pilot) */
		{ 0x102b, 0x0524 }, /* G200SE B */
		{ 0x102b, 0x0530 }, /* G200EV (Renesas) */
		{ 0x102b, 0x0532 }, /* G200eW (Nuvoton WPCM450) */
		{ 0x102b, 0x0533 }, /* G200EH (HPE iLO) */
		{ 0x102b, 0x0534 }, /* G200ER (Renesas) */
		{ 0x102b, 0x0536 }, /* G200eW3 (Nuvoton) */
		{ 0x102b, 0x0538 }, /* G200eH3 (HPE iLO 5) */
		{ 0x102b, 0x053a }, /* G200eH5 (HPE iLO 6) */
		{ 0x19e5, 0x1711 }, /* Huawei iBMC Hi171x */
	};

	for (size_t i = 0; i < ARRAY_SIZE(bmc); i++)
		if (f->vendor == bmc[i].vendor && f->device == bmc[i].device)
			return true;
	return false;
}

static int cmp_function(const void *a, const void *b)
{
	return pci_addr_cmp(&((const struct pci_function *)a)->addr,
			    &((const struct pci_function *)b)->addr);
}

void inventory_build_cards(struct inventory *inv)
{
	free_cards(inv);
	/* Cards list their functions by index, so the order is fixed first. */
	if (inv->n_functions > 1)
		qsort(inv->functions, inv->n_functions, sizeof(*inv->functions), cmp_function);

	for (size_t i = 0; i < inv->n_functions;) {
		size_t end = i, display = SIZE_MAX;
		struct card *c;

		/* [i, end) is one domain:bus:slot; its SR-IOV VFs (Intel Flex VFs share the PF's
		 * slot) are never a card nor a card's function: the PF's driver creates them. */
		while (end < inv->n_functions &&
		       pci_addr_same_slot(&inv->functions[i].addr, &inv->functions[end].addr)) {
			const struct pci_function *f = &inv->functions[end];

			if (display == SIZE_MAX && !f->is_vf &&
			    (pci_function_is_gpu(f->vendor, f->class_id) ||
			     pci_function_is_nvswitch(f->vendor, f->device)))
				display = end;
			end++;
		}
		if (display == SIZE_MAX) {
			i = end;
			continue;
		}
		inv->cards = xrealloc(inv->cards, (inv->n_cards + 1) * sizeof(*inv->cards));
		c = &inv->cards[inv->n_cards++];
		memset(c, 0, sizeof(*c));
		sl_init(&c->group_peers);
		c->addr = inv->functions[display].addr;
		c->functions = xcalloc(end - i, sizeof(*c->functions));
		for (size_t k = i; k < end; k++) {
			if (inv->functions[k].is_vf)
				continue;
			c->functions[c->n_functions++] = k;
			if (inv->functions[k].boot_vga == 1)
				c->boot_vga = true;
		}
		c->nvswitch = pci_function_is_nvswitch(inv->functions[display].vendor,
						       inv->functions[display].device);
		c->integrated = !c->nvswitch && is_integrated(inv, i, end, display);
		c->bmc = is_bmc_vga(&inv->functions[display]);
		add_switch_functions(inv, c, i, end, display);
		i = end;
	}
}

const struct pci_function *inventory_find(const struct inventory *inv, const struct pci_addr *a)
{
	for (size_t i = 0; i < inv->n_functions; i++)
		if (pci_addr_cmp(&inv->functions[i].addr, a) == 0)
			return &inv->functions[i];
	return NULL;
}

size_t inventory_describe_vfs(const struct inventory *inv, const struct pci_function *pf,
			      const char *between, const char *after, struct strbuf *out)
{
	size_t n = 0;

	for (size_t i = 0; i < inv->n_functions; i++) {
		const struct pci_function *f = &inv->functions[i];
		char v[PCI_ADDR_STRLEN];

		if (!f->is_vf || pci_addr_cmp(&f->physfn, &pf->addr) != 0)
			continue;
		pci_addr_format(&f->addr, v);
		sb_addf(out, "%s%s%s%s%s", n++ ? ", " : "", v, between,
			f->driver ? f->driver : "no driver", after);
	}
	return n;
}

int inventory_find_card(const struct inventory *inv, const struct pci_addr *a)
{
	/* Any function of the card names it: an admin may type the audio function's
	 * address, which on an Arc card is on another bus. */
	for (size_t i = 0; i < inv->n_cards; i++)
		for (size_t k = 0; k < inv->cards[i].n_functions; k++)
			if (pci_addr_cmp(&inv->functions[inv->cards[i].functions[k]].addr, a) == 0)
				return (int)i;
	return -1;
}

const char *cpu_vendor_name(enum cpu_vendor v)
{
	switch (v) {
	case CPU_INTEL:
		return "intel";
	case CPU_AMD:
		return "amd";
	default:
		return "unknown";
	}
}

const char *vfio_state_name(enum vfio_state s)
{
	switch (s) {
	case VFIO_MODULE:
		return "module";
	case VFIO_BUILTIN:
		return "builtin";
	case VFIO_MISSING:
		return "missing";
	default:
		return "unknown";
	}
}

const char *vfio_lookup_failure(bool kernels_installed)
{
	return kernels_installed
		   ? "the installed kernels' module index could not be read (run depmod -a)"
		   : "no kernel is installed under /lib/modules or /usr/lib/modules";
}

const char *vfio_unknown_reason(const struct inventory *inv)
{
	return inv->vfio_pci == VFIO_UNKNOWN ? vfio_lookup_failure(inv->kernels.n > 0) : NULL;
}
