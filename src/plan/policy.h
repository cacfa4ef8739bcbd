/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Deciding: inventory + request -> plan. Pure: no I/O, tests drive it with data. */
#pragma once

#include "inventory.h"
#include "settings.h"

struct initramfs_generator;

struct plan {
	struct pci_addr *cards; /* the chosen cards */
	size_t n_cards;
	struct pci_addr *functions; /* every function to hand to vfio-pci */
	size_t n_functions;
	struct strlist vfio_ids; /* "vvvv:dddd", deduplicated, in function order */
	struct strlist softdeps; /* modules that must wait for vfio-pci, sorted */
	bool bind_by_address;	 /* a kept device shares an id: use driver_override, not ids= */
	bool vfio_builtin;	 /* vfio-pci built in: ids go on the kernel command line */
	char *kernel_params;	 /* appended to GRUB_CMDLINE_LINUX_DEFAULT; NULL if none */
	bool xorg;		 /* write the Xorg snippet */
	struct pci_addr host_busid;
	const char *xorg_driver; /* "modesetting", "amdgpu", ... */
	struct strlist warnings; /* shown to the admin, e.g. boot GPU passed with --force */
	/* Set from the machine after policy_plan (boot-stack-plan.h), so rendering stays pure: */
	/* the initramfs generator in use (NULL: none found): renders its own drop-in */
	const struct initramfs_generator *generator;
	struct strlist forced_modules; /* for a generator that must force them: the vfio
					* modules every installed kernel has */
};

/* The two ways NVIDIA's Fabric Manager runs an NVSwitch system (its user guide, "Fabric
 * Manager for NVIDIA NVSwitch Systems": Full Passthrough and Shared NVSwitch
 * virtualization models). One line so that grep finds it. */
// clang-format off
#define NVSWITCH_MODES "NVIDIA Fabric Manager either takes all GPUs and all NVSwitches into one VM (full passthrough: apply --full-passthrough) or leaves the NVSwitches with the host or a service VM that runs Fabric Manager while the GPUs go to VMs (shared NVSwitch mode: the switches stay here)"
// clang-format on

/* The AMD family ("Navi 10") of a GPU that needs the vendor-reset module to reset between VM
 * runs (policy-reset.c), or NULL. */
const char *policy_reset_quirk(uint16_t vendor, uint16_t device);
/* One line so that grep finds it: how such a card is fixed, installing nothing here. */
// clang-format off
#define RESET_QUIRK_FIX "install the vendor-reset module (github.com/gnif/vendor-reset, DKMS) with its udev rule udev/99-vendor-reset.rules, which loads it and writes device_specific to the card's reset_method; this package installs neither"
// clang-format on
/* For a card whose PF has SR-IOV VFs enabled by its driver (not vfio-pci): what binding it to
 * vfio-pci does to them, one sentence naming the VFs and their drivers; NULL otherwise. Such a
 * card is no candidate, and apply needs consent for it. The admin's choices: */
char *policy_vfs_lost(const struct inventory *inv, const struct card *card);
// clang-format off
#define SRIOV_VFS_CHOICES "to keep the VFs, pass a VF to the VM instead of the card (vfio-passthrough-setup(8), SR-IOV); to pass the whole card, write 0 to its sriov_numvfs first"
// clang-format on
/* Cards that are GPUs (every card but the NVSwitches), and the NVSwitches. */
size_t policy_gpu_cards(const struct inventory *inv);
size_t policy_nvswitches(const struct inventory *inv);
/* Mark the host card, candidates and reasons, IOMMU group peers. */
void policy_classify(struct inventory *inv);
/* Suggested cards = candidates: their addresses and (ids not NULL) their functions' ids. */
void policy_suggested(const struct inventory *inv, struct strlist *addrs, struct strlist *ids);
/* Ids of every function of the cards at these addresses (any function names its card),
 * deduplicated. */
void policy_card_ids(const struct inventory *inv, const struct pci_addr *cards, size_t n,
		     struct strlist *out);
/* The firmware shows its console on a discrete card although an integrated GPU exists:
 * the admin should pick the iGPU as primary display in the BIOS (guide step 1). */
bool policy_firmware_boots_discrete(const struct inventory *inv);
/* The kernel parameters fitting this CPU: "intel_iommu=on iommu=pt" or "iommu=pt". */
char *policy_default_kernel_params(enum cpu_vendor cpu);
/* Build the plan; refuses (EXIT_USAGE) unknown addresses, non-display devices, and the host
 * or only GPU or a shared IOMMU group without req->force. An empty choice gives an empty plan. */
int policy_plan(const struct inventory *inv, const struct request *req, struct plan *plan,
		struct error *err);
void plan_free(struct plan *plan);
bool plan_is_empty(const struct plan *plan);
