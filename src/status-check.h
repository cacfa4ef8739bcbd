/* SPDX-License-Identifier: GPL-2.0-or-later */
/* `status`, the pure part: facts gathered from the machine (struct status_input, filled
 * by cmd-status.c or by tests) -> a list of checks, each pass/fail with cause and fix ->
 * text, JSON and the libvirt <hostdev> lines. No I/O here, so every pass and fail path is
 * a test. */
#pragma once

#include <stdbool.h>
#include <stddef.h>

#include "conflicts.h"
#include "inventory.h"
#include "util.h"

enum check_result {
	CHECK_PASS,
	CHECK_FAIL,    /* exit 1 */
	CHECK_PENDING, /* not active until the reboot the last apply asked for: exit 3 */
	CHECK_WARN,    /* worth knowing, does not change the exit status */
	CHECK_UNKNOWN, /* could not be checked here; the detail says why */
};

struct check {
	const char
	    *id; /* stable key: "driver", "cmdline", "iommu", "file", "initramfs", ... */
	char *subject; /* what it is about: an address, a path, a kernel version; may be
			  NULL */
	enum check_result result;
	char *detail; /* what was found, one line */
	char *cause;  /* likely cause, one line; NULL on pass */
	char *fix;    /* what to do, one line; NULL on pass */
};

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

struct status_input {
	bool configured; /* a card is configured (settings/state name one) */
	const char
	    *config_error; /* settings or plan could not be built: why (NULL if fine) */
	enum cpu_vendor cpu;
	bool have_pci;
	const struct status_function *functions;
	size_t n_functions;
	const struct status_card *cards;
	size_t n_cards;
	/* Functions of the card the host keeps (not passed): vfio-pci must not hold them.
	 */
	const struct status_function *host_functions;
	size_t n_host_functions;

	bool vfio_builtin;   /* vfio-pci is built in: only vfio-pci.ids= binds */
	const char *cmdline; /* /proc/cmdline, NULL if unreadable */
	const char
	    *expected_params; /* the grub drop-in's appended parameters, NULL if none */

	int iommu_groups;

	const struct status_file *files;
	size_t n_files;
	/* The files on disk hash to the state's config_hash: exactly what the last apply
	 * wrote (which may differ from the settings when apply ran with command-line
	 * options). */
	bool files_as_applied;

	const char *kernel; /* running kernel version, NULL if unknown */
	enum initramfs_state initramfs;
	const char *initramfs_path; /* /boot/initrd.img-<kver> */
	const struct strlist *initramfs_missing;
	const char *initramfs_reason; /* for UNKNOWN */

	bool have_state;	   /* the state file of the last apply exists */
	const char *state_boot_id; /* boot in which the last change was applied */
	const char *boot_id;	   /* this boot's, NULL if unknown */
	bool regen_failed; /* the state file records a failed apply (result=failed) */
	const char *regen_error;

	const struct conflict *conflicts;
	size_t n_conflicts;
};

struct status_report {
	struct check *checks;
	size_t n;
	bool reboot_pending;
};

/* Evaluate every check. The report owns its strings. */
void status_evaluate(const struct status_input *in, struct status_report *out);
void status_report_free(struct status_report *r);
/* 0 all pass (warnings and unknowns allowed), 1 a check fails, 3 only pending checks
 * remain. */
int status_exit_code(const struct status_report *r);
const char *check_result_name(enum check_result r);

/* Human output: one line per check, cause and fix under each failure, then the next
 * steps. */
void status_format_text(const struct status_input *in, const struct status_report *r,
			struct strbuf *out);
/* The same as one JSON object. */
void status_format_json(const struct status_input *in, const struct status_report *r,
			struct strbuf *out);
/* libvirt <hostdev> XML for one function, and the virt-install argument for it. */
void hostdev_xml(const struct pci_addr *a, struct strbuf *out);
void virt_install_arg(const struct pci_addr *a, struct strbuf *out);

/* /proc/cmdline split like the kernel does (spaces separate, double quotes group);
 * returns the number of words; out gets each word with its quotes removed. */
size_t cmdline_split(const char *cmdline, struct strlist *out);
/* Parameters of `want` (space-separated) that `cmdline` lacks, in order. A parameter
 * counts as present if the same word is there; "vfio-pci.ids=" also matches
 * "vfio_pci.ids=". */
void cmdline_missing(const char *cmdline, const char *want, struct strlist *missing);

/* Names of files in a "newc" cpio archive (the uncompressed part of an initramfs); stops
 * at the trailer or at the first byte that is not a newc header. Returns the offset where
 * parsing stopped (== len: the whole buffer was plain cpio). */
size_t cpio_newc_list(const unsigned char *buf, size_t len, struct strlist *names);
/* Kernel module names ("vfio_pci") of the .ko files among names, '-' turned into '_'. */
void module_names_from_paths(const struct strlist *paths, struct strlist *mods);
