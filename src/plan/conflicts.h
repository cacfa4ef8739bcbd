/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Other tools' configuration that fights ours: `options vfio-pci ids=` in another
 * modprobe.d file (quickpassthrough's vfio.conf, supergfxd.conf, vfioselect.conf,
 * hand-written ones), blacklists or `install ... /bin/false` of the vfio modules or of
 * the drivers we softdep, driverctl overrides, supergfxd in Vfio mode, vfio-pci.ids= /
 * amd_iommu=on in a boot loader's own configuration (its backend lists the files and reads
 * their lines: boot-stack.h). The parsers are pure (strings in, findings out);
 * conflicts_scan() reads the files. */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

#include "util.h"

struct boot_loader;

enum conflict_kind {
	CONFLICT_VFIO_IDS,   /* options vfio-pci ids= outside our file */
	CONFLICT_BLACKLIST,  /* blacklist of a vfio module or a watched driver */
	CONFLICT_INSTALL,    /* install <module> /bin/false (or true): the module never loads
			      */
	CONFLICT_DRIVERCTL,  /* /etc/driverctl.d/pci-<addr> override */
	CONFLICT_SUPERGFXD,  /* supergfxd configured for Vfio mode */
	CONFLICT_BOOT_PARAM, /* vfio-pci.ids= or amd_iommu=on in a boot loader's own file */
};

struct conflict {
	enum conflict_kind kind;
	bool serious;  /* breaks or overrides our binding (status fails), else a warning */
	char *path;    /* as the admin sees it, without --root */
	int line;      /* 1-based, 0 when the whole file is meant */
	char *text;    /* the offending line (trimmed), or a summary */
	char *subject; /* module name, PCI address or parameter concerned */
	char *explain; /* what it does to passthrough, and what to do: one line */
	const struct boot_loader *loader; /* CONFLICT_BOOT_PARAM: whose file; else NULL */
};

struct conflict_list {
	struct conflict *items;
	size_t n, cap;
};

void conflicts_init(struct conflict_list *l);
void conflicts_free(struct conflict_list *l);

/* Drivers whose blacklist/install lines matter when no plan is known (the softdep set).
 */
extern const char *const conflicts_default_watched[];

/* One modprobe.d file. watched: drivers we softdep (NULL = conflicts_default_watched). */
void conflicts_parse_modprobe(const char *path, const char *text, const struct strlist *watched,
			      struct conflict_list *out);
/* One of loader's own configuration files (path as the admin sees it); ours is skipped. */
void conflicts_parse_boot_config(const struct boot_loader *loader, const char *path,
				 const char *text, struct conflict_list *out);
/* One /etc/driverctl.d entry: file name "pci-0000:01:00.0", content the driver name. */
void conflicts_parse_driverctl(const char *path, const char *name, const char *text,
			       struct conflict_list *out);
/* /etc/supergfxd.conf (JSON); Vfio mode or vfio_enable true is reported. */
void conflicts_parse_supergfxd(const char *path, const char *text, struct conflict_list *out);

/* Read every file above under root (our own generated files are skipped). Never fails:
 * unreadable files are simply not reported. */
void conflicts_scan(const char *root, const struct strlist *watched, struct conflict_list *out);
/* "warning: /etc/modprobe.d/vfio.conf:3: options vfio_pci ids=... — explain" lines. */
void conflicts_format(const struct conflict_list *l, const char *prefix, struct strbuf *out);
/* For detect and apply: scan root and print each finding as "<prog>: warning: ..." lines
 * to out. Returns how many were printed. watched: the plan's softdeps, or NULL. */
size_t conflicts_warn(const char *root, const struct strlist *watched, FILE *out);
