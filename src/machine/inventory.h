/* SPDX-License-Identifier: GPL-2.0-or-later */
/* What detection found on the machine: plain data, filled by detect.c and modules.c,
 * read by the pure policy and rendering code, and built by hand in tests. */
#pragma once

#include <stdbool.h>
#include <stdint.h>

#include "pci-addr.h"
#include "util.h"

#define PCI_CLASS_DISPLAY_VGA_ 0x0300
#define PCI_CLASS_DISPLAY_3D_ 0x0302
#define PCI_CLASS_DISPLAY_OTHER_ 0x0380
#define PCI_CLASS_ACCELERATOR_ 0x1200 /* processing accelerator */

/* VGA, 3D or other display controller. */
bool pci_class_is_display(uint16_t class_id);
/* What makes a domain:bus:slot a card: a display function, or a GPU vendor's processing
 * accelerator (inventory.c says which vendors and why). */
bool pci_function_is_gpu(uint16_t vendor, uint16_t class_id);
/* An NVIDIA NVSwitch (NVLink switch of an HGX/DGX board), by its id. */
bool pci_function_is_nvswitch(uint16_t vendor, uint16_t device);

enum cpu_vendor {
	CPU_UNKNOWN,
	CPU_INTEL,
	CPU_AMD
};
/* How each installed kernel provides vfio-pci, merged over all kernels:
 * BUILTIN if any kernel has it built in (then only vfio-pci.ids= on the command line works). */
enum vfio_state {
	VFIO_UNKNOWN,
	VFIO_MODULE,
	VFIO_BUILTIN,
	VFIO_MISSING
};

/* One memory or I/O region of a function (size 0: none, or not read). */
struct pci_bar {
	uint64_t size;
	bool io;	   /* an I/O port range, not memory */
	bool mem64;	   /* a 64-bit memory BAR */
	bool prefetchable; /* prefetchable memory */
	/* Resizable BAR (the PCIe ReBAR extended capability, where config space is readable):
	 * the largest size it supports; 0 where it is not resizable or that is unknown */
	uint64_t rebar_max;
};

/* Interrupt remapping as sysfs shows it (vm-facts.c). */
struct irq_remap_facts {
	int intel_units;    /* /sys/class/iommu/dmar* with intel-iommu/ecap */
	int intel_ir_units; /* of them, those whose ecap has bit 3 (IR) */
	int amd_units;	    /* /sys/class/iommu/ivhd* with amd-iommu/ */
	/* /sys/module/vfio_iommu_type1/parameters/allow_unsafe_interrupts: 1 Y, 0 N, -1 absent
	 * (the module is not loaded) */
	int allow_unsafe;
};

/* One PCI function, as libpci and sysfs describe it. */
struct pci_function {
	struct pci_addr addr;
	uint16_t vendor, device;
	uint16_t class_id; /* base class and subclass, e.g. 0x0300 */
	uint8_t prog_if;
	bool is_bridge;		/* header type 1 or 2, or class 0x06xx: never bound */
	char *name;		/* "NVIDIA Corporation GA106 [GeForce RTX 3060]" from pci.ids */
	char *class_name;	/* "VGA compatible controller" from pci.ids; NULL if unknown */
	char *driver;		/* bound now; NULL if none */
	char *modalias;		/* "pci:v000010DEd00002504sv...": NULL if absent */
	int iommu_group;	/* -1 if none */
	int boot_vga;		/* 1, 0, or -1 where sysfs has no boot_vga (non-VGA classes) */
	struct pci_addr parent; /* the bridge above it in /sys/devices, if has_parent */
	bool has_parent;	/* false on a root bus */
	/* SR-IOV, from sysfs: 0 where the files are absent (no SR-IOV capability) */
	int sriov_totalvfs, sriov_numvfs;
	struct pci_addr physfn; /* a virtual function's physical function, if is_vf */
	bool is_vf;		/* it has a physfn link: a VF, never a card of its own */
	/* How the kernel can reset it between VM runs: sysfs reset_method ("flr bus"; Linux
	 * 5.15 and later), NULL where the file is absent; then flr is the PCIe capability's
	 * FLReset bit from config space (1, 0), -1 where that is unreadable too. */
	char *reset_method;
	int flr;
	/* Its BARs 0-5 as the kernel's sysfs resource file gives them (read through libpci,
	 * PCI_FILL_SIZES): only for the cards' functions, only for detect and status
	 * (DETECT_NO_VM). A 64-bit BAR's upper half is an empty entry. */
	struct pci_bar bars[6];
	struct strlist
	    modules; /* kernel modules whose alias matches modalias, any installed kernel */
};

/* One card: a domain:bus:slot holding at least one display-class function, plus, when the
 * card carries its own PCIe switch (Intel Arc, Radeon RX 5000 and later), every non-bridge
 * function below that switch: an Arc's HDMI audio sits on another bus than its GPU. */
struct card {
	struct pci_addr addr; /* its lowest display-class function */
	size_t *functions;    /* indexes into inventory.functions, ascending address; never a
			       * switch port */
	size_t n_functions;
	bool boot_vga;	 /* any function has boot_vga=1 */
	bool integrated; /* iGPU, from evidence (inventory.c, is_integrated): Intel graphics at
			  * the chipset's 00:02.0, AMD APU graphics by id or by the CPU-side
			  * 1022 functions in its slot; never the bus number alone */
	bool nvswitch;	 /* an NVSwitch, not a GPU: only with every GPU (full passthrough) */
	bool bmc;	 /* a baseboard management controller's VGA: the server's remote
			  * console (IPMI/KVM), never a VM's */
	/* Filled by policy_classify(): */
	bool host;	  /* the card the host keeps for its display */
	bool candidate;	  /* may be passed through without --force */
	char reason[160]; /* why (not) a candidate, for detect's table and debconf */
	struct strlist
	    group_peers; /* other devices in its IOMMU group(s): not its functions, not bridges */
};

struct inventory {
	bool have_pci;			/* /sys/bus/pci exists: false in a chroot or container */
	struct pci_function *functions; /* every PCI function, ascending address */
	size_t n_functions;
	struct card *cards; /* ascending address */
	size_t n_cards;
	enum cpu_vendor cpu;
	int iommu_groups; /* entries in /sys/kernel/iommu_groups */
	enum vfio_state vfio_pci;
	struct strlist kernels; /* versions under /lib/modules (and /usr/lib/modules) */
	char *cmdline;		/* /proc/cmdline, NULL if unreadable */
	int host_card;		/* index into cards, -1 if none (set by policy_classify) */
	/* What detection could not establish, one sentence each (unreadable /proc/cpuinfo, a
	 * function with unparseable ids, a module index that fails): shown by every command. */
	struct strlist warnings;
	bool modules_incomplete;	  /* a module index failed: softdeps may be missing */
	struct irq_remap_facts irq_remap; /* read for detect and status only (DETECT_NO_VM) */
};

void inventory_free(struct inventory *inv);
/* Group functions into cards; call after functions are filled (detect does). */
void inventory_build_cards(struct inventory *inv);
const struct pci_function *inventory_find(const struct inventory *inv, const struct pci_addr *a);
int inventory_find_card(const struct inventory *inv, const struct pci_addr *a); /* -1 if none */
/* Appends each VF of pf on the bus as ADDR, then between, its driver (or "no driver"), then
 * after, joined by ", " ("0000:4d:00.1 on vfio-pci"; "0000:4d:00.1 (i915)"); returns how many. */
size_t inventory_describe_vfs(const struct inventory *inv, const struct pci_function *pf,
			      const char *between, const char *after, struct strbuf *out);
const char *cpu_vendor_name(enum cpu_vendor v);
const char *vfio_state_name(enum vfio_state s);
/* Why vfio-pci's state is unknown ("no kernel is installed under ..."); NULL when known. */
const char *vfio_unknown_reason(const struct inventory *inv);
/* The same reason from the one fact it depends on: whether any kernel is installed. */
const char *vfio_lookup_failure(bool kernels_installed);
