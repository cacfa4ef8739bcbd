/* SPDX-License-Identifier: GPL-2.0-or-later */
/* `status`, the pure part: facts gathered from the machine (struct status_input, filled
 * by cmd-status.c or by tests) -> a list of checks, each pass/fail with cause and fix
 * (status-report.h); status-format.h prints them. No I/O here, so every pass and fail
 * path is a test. */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "conflicts.h"
#include "inventory.h"
#include "status-report.h"
#include "util.h"

struct boot_loader;
struct initramfs_generator;

struct kubevirt_device;

/* One function the configuration hands to vfio-pci, and what holds it now. */
struct status_function {
	struct pci_addr addr;
	bool present;	    /* in sysfs now */
	const char *driver; /* bound now, NULL if none */
};

/* One card the configuration passes through. */
struct status_card {
	struct pci_addr addr;
	int iommu_group; /* -1 if none */
	const struct strlist
	    *group_peers; /* devices sharing the group: not its functions nor bridges */
	const char *name; /* from pci.ids, may be NULL */
	bool boot_vga;	  /* the firmware's console card */
	bool host;	  /* the card the host would keep for its display */
};

/* One file this program owns: what the settings render now vs what is on disk. */
struct status_file {
	const char *path;     /* absolute, as the admin sees it (without --root) */
	const char *expected; /* NULL: must not exist */
	const char *actual;   /* NULL: does not exist */
};

enum initramfs_state {
	INITRAMFS_OK,	    /* every needed module found */
	INITRAMFS_MISSING,  /* readable, some needed modules absent (listed in missing) */
	INITRAMFS_NO_IMAGE, /* no initrd.img for the running kernel */
	INITRAMFS_UNKNOWN,  /* could not be read here: reason says why */
};

/* Whether the installed kernels have vfio-pci (module or built in). */
enum vfio_lookup {
	VFIO_LOOKUP_FOUND,     /* or not looked up: nothing to say */
	VFIO_LOOKUP_MISSING,   /* no installed kernel has it */
	VFIO_LOOKUP_NO_KERNEL, /* no kernel under /lib/modules or /usr/lib/modules */
	VFIO_LOOKUP_NO_INDEX,  /* kernels, but their module index could not be read */
};

struct status_input {
	bool configured;	  /* a card is configured (settings/state name one) */
	const char *config_error; /* settings or plan could not be built: why (NULL if fine) */
	enum cpu_vendor cpu;
	bool have_pci;
	const struct status_function *functions;
	size_t n_functions;
	const struct status_card *cards;
	size_t n_cards;
	/* The machine as detect sees it, for its NVSwitches and SR-IOV cards
	 * (status-check-datacenter.c); NULL: not shown. */
	const struct inventory *inv;
	/* Functions of the card the host keeps (not passed): vfio-pci must not hold them.
	 */
	const struct status_function *host_functions;
	size_t n_host_functions;
	/* Nothing configured, yet vfio-pci (or a variant) holds these functions now. */
	const struct status_function *stray_vfio;
	size_t n_stray_vfio;

	bool vfio_builtin;	     /* vfio-pci is built in: only vfio-pci.ids= binds */
	const char *cmdline;	     /* /proc/cmdline, NULL if unreadable */
	const char *expected_params; /* the grub drop-in's appended parameters, NULL if none */

	int iommu_groups;
	const char *hypervisor; /* a virtual machine: what it is (hypervisor.h); NULL if not */
	enum vfio_lookup vfio_lookup;

	const struct status_file *files;
	size_t n_files;
	/* The admin's file the boot loader in use reads the parameters from, which apply adds
	 * expected_params to (/etc/kernel/cmdline for kernel-install and proxmox-boot-tool);
	 * NULL for a loader that reads our drop-in. Its text: NULL when it does not exist. */
	const char *params_file;
	const char *params_file_text;
	/* the boot loader in use (NULL: none found): the fixes name its files and command */
	const struct boot_loader *loader;
	/* Where params_file is absent, kernel-install reads /usr/lib/kernel/cmdline (this, NULL
	 * if it does not exist), else the running command line. */
	const char *params_vendor_text;
	/* The files on disk hash to the state's config_hash: exactly what the last apply
	 * wrote (which may differ from the settings when apply ran with command-line
	 * options). */
	bool files_as_applied;

	const char *kernel; /* running kernel version, NULL if unknown */
	/* the initramfs generator that builds the images (NULL: none found, the default's
	 * commands are named): the fixes name its rebuild command */
	const struct initramfs_generator *generator;
	enum initramfs_state initramfs;
	const char
	    *initramfs_path; /* /boot/initrd.img-<kver>, or the ESP's copy systemd-boot loads */
	const struct strlist *initramfs_missing;
	const char *initramfs_reason; /* for UNKNOWN */

	bool have_state;	      /* the state file of the last apply exists */
	const char *state_boot_id;    /* boot in which the last change was applied */
	const char *boot_id;	      /* this boot's, NULL if unknown */
	bool last_apply_failed;	      /* the state file records a failed apply (result=failed) */
	const char *last_apply_error; /* its message */
	/* Regenerations a run started and did not see finish (the state's regen_pending=,
	 * "bootloader initramfs"): NULL or "" when none. */
	const char *regen_pending;
	int64_t last_apply_time; /* when the state file was written (epoch s); -1 unknown */
	bool trial_pending;	 /* the state names a trial that waits for confirm */
	/* While a trial is pending, `status` reports it alone (trial-status.c), and the JSON
	 * has its keys "trial" (the phase: "pending", "running", "not-confirmed",
	 * "confirm-interrupted", "arm-interrupted"), "cards" (space-separated) and "message" (the
	 * text output's line). trial_phase NULL: no trial, no such keys. */
	const char *trial_phase;
	const char *trial_cards;
	const char *trial_message;

	const struct conflict *conflicts;
	size_t n_conflicts;

	/* KubeVirt's pciHostDevices entries for the passed functions (status-kubevirt.h). */
	const struct kubevirt_device *kubevirt;
	size_t n_kubevirt;
};

/* vfio-pci itself, or a vfio-pci variant driver (a name ending in "_vfio_pci"). */
bool driver_is_vfio(const char *driver);
/* What `status` says about a function's reset between VM runs, one line (the reset check's
 * detail, and the libvirt output's note): its reset_method, or FLR from config space; NULL
 * when nothing is known. *family: the AMD family vendor-reset lists when its
 * device_specific reset is not in place (a warning), else NULL. Caller frees. */
char *status_reset_detail(const struct pci_function *f, const char **family);
/* A configured card's BARs (vm-fit.h); false when the inventory does not hold it. */
struct card_bars;
bool status_card_bars(const struct status_input *in, size_t card, struct card_bars *out);
/* The functions in IOMMU group `group` (none when unknown), added to out; and the same
 * space-separated, NULL if none. Caller frees. */
void status_group_members(const struct status_input *in, int group, struct strlist *out);
char *status_group_text(const struct status_input *in, int group);
/* Evaluate every check. The report owns its strings. */
void status_evaluate(const struct status_input *in, struct status_report *out);
