// SPDX-License-Identifier: GPL-2.0-or-later
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "util.h"

#include "json.h"
#include "settings.h"
#include "status-check.h"

const char *check_result_name(enum check_result r)
{
	switch (r) {
	case CHECK_PASS:
		return "pass";
	case CHECK_FAIL:
		return "fail";
	case CHECK_PENDING:
		return "pending";
	case CHECK_WARN:
		return "warn";
	case CHECK_UNKNOWN:
		return "unknown";
	}
	return "unknown";
}

static char *vxdup(const char *fmt, va_list ap) __attribute__((format(printf, 1, 0)));
static char *vxdup(const char *fmt, va_list ap)
{
	char *s;

	if (!fmt)
		return NULL;
	if (vasprintf(&s, fmt, ap) < 0)
		abort();
	return s;
}

/* Add a check; detail is printf-style, cause and fix are plain (NULL on pass). */
static struct check *add_check(struct status_report *r, const char *id,
			       const char *subject, enum check_result result,
			       const char *cause, const char *fix, const char *detail_fmt,
			       ...) __attribute__((format(printf, 7, 8)));
static struct check *add_check(struct status_report *r, const char *id,
			       const char *subject, enum check_result result,
			       const char *cause, const char *fix, const char *detail_fmt,
			       ...)
{
	struct check *c;
	va_list ap;

	r->checks = xrealloc(r->checks, (r->n + 1) * sizeof(*r->checks));
	c = &r->checks[r->n++];
	c->id = id;
	c->subject = subject ? xstrdup(subject) : NULL;
	c->result = result;
	va_start(ap, detail_fmt);
	c->detail = vxdup(detail_fmt, ap);
	va_end(ap);
	c->cause = cause ? xstrdup(cause) : NULL;
	c->fix = fix ? xstrdup(fix) : NULL;
	return c;
}

static void set_cause(struct check *c, char *cause, char *fix)
{
	free(c->cause);
	free(c->fix);
	c->cause = cause;
	c->fix = fix;
}

void status_report_free(struct status_report *r)
{
	for (size_t i = 0; i < r->n; i++) {
		free(r->checks[i].subject);
		free(r->checks[i].detail);
		free(r->checks[i].cause);
		free(r->checks[i].fix);
	}
	free(r->checks);
	r->checks = NULL;
	r->n = 0;
}

int status_exit_code(const struct status_report *r)
{
	bool pending = false;

	for (size_t i = 0; i < r->n; i++) {
		if (r->checks[i].result == CHECK_FAIL)
			return EXIT_FAILURE_RUNTIME;
		if (r->checks[i].result == CHECK_PENDING)
			pending = true;
	}
	return pending ? EXIT_REBOOT_PENDING : EXIT_OK;
}

size_t cmdline_split(const char *cmdline, struct strlist *out)
{
	struct strbuf word;
	size_t n = 0;
	bool quoted = false, in_word = false;

	if (!cmdline)
		return 0;
	sb_init(&word);
	for (const char *p = cmdline;; p++) {
		char ch = *p;
		bool end =
		    ch == '\0' || (!quoted && (ch == ' ' || ch == '\t' || ch == '\n'));

		if (end) {
			if (in_word) {
				sl_add(out, word.buf);
				n++;
				word.len = 0;
				word.buf[0] = '\0';
				in_word = false;
			}
			if (ch == '\0')
				break;
			continue;
		}
		in_word = true;
		/* The kernel's next_arg(): double quotes group, and are dropped. */
		if (ch == '"') {
			quoted = !quoted;
			continue;
		}
		{
			char one[2] = {ch, '\0'};

			sb_add(&word, one);
		}
	}
	sb_free(&word);
	return n;
}

/* "vfio-pci.ids=x" and "vfio_pci.ids=x" are the same parameter to the kernel. */
static char *param_key_normalized(const char *w)
{
	char *s = xstrdup(w);
	char *dot = strchr(s, '.');
	char *eq = strchr(s, '=');

	if (dot && (!eq || dot < eq))
		for (char *p = s; p < dot; p++)
			if (*p == '-')
				*p = '_';
	return s;
}

void cmdline_missing(const char *cmdline, const char *want, struct strlist *missing)
{
	struct strlist have, wanted;

	sl_init(&have);
	sl_init(&wanted);
	cmdline_split(cmdline, &have);
	cmdline_split(want, &wanted);
	for (size_t i = 0; i < have.n; i++) {
		char *n = param_key_normalized(have.items[i]);

		free(have.items[i]);
		have.items[i] = n;
	}
	for (size_t i = 0; i < wanted.n; i++) {
		_cleanup_free_ char *n = param_key_normalized(wanted.items[i]);

		if (!sl_has(&have, n))
			sl_add(missing, wanted.items[i]);
	}
	sl_free(&have);
	sl_free(&wanted);
}

static unsigned long hex_field(const unsigned char *p)
{
	unsigned long v = 0;

	for (int i = 0; i < 8; i++) {
		unsigned char c = p[i];
		int d;

		if (c >= '0' && c <= '9')
			d = c - '0';
		else if (c >= 'a' && c <= 'f')
			d = c - 'a' + 10;
		else if (c >= 'A' && c <= 'F')
			d = c - 'A' + 10;
		else
			return (unsigned long)-1;
		v = v * 16 + (unsigned long)d;
	}
	return v;
}

static size_t align4(size_t n)
{
	return (n + 3) & ~(size_t)3;
}

size_t cpio_newc_list(const unsigned char *buf, size_t len, struct strlist *names)
{
	size_t off = 0;

	for (;;) {
		unsigned long namesize, filesize;
		size_t name_off, data_off, next;

		/* mkinitramfs pads between concatenated archives with NULs. */
		while (off < len && buf[off] == '\0')
			off++;
		if (off + 110 > len || memcmp(buf + off, "070701", 6) != 0)
			return off;
		filesize = hex_field(buf + off + 54);
		namesize = hex_field(buf + off + 94);
		if (filesize == (unsigned long)-1 || namesize == (unsigned long)-1 ||
		    namesize == 0 || namesize > len)
			return off;
		name_off = off + 110;
		if (name_off + namesize > len || buf[name_off + namesize - 1] != '\0')
			return off;
		data_off = align4(name_off + namesize);
		if (filesize > len || data_off > len || filesize > len - data_off)
			return off;
		next = align4(data_off + filesize);
		if (strcmp((const char *)buf + name_off, "TRAILER!!!") != 0)
			sl_add(names, (const char *)buf + name_off);
		if (next >= len)
			return len;
		off = next;
	}
}

void module_names_from_paths(const struct strlist *paths, struct strlist *mods)
{
	static const char *const exts[] = {".ko", ".ko.xz", ".ko.zst", ".ko.gz"};

	for (size_t i = 0; i < paths->n; i++) {
		const char *base = strrchr(paths->items[i], '/');
		size_t blen;

		base = base ? base + 1 : paths->items[i];
		blen = strlen(base);
		for (size_t e = 0; e < ARRAY_SIZE(exts); e++) {
			size_t el = strlen(exts[e]);

			if (blen > el && strcmp(base + blen - el, exts[e]) == 0) {
				char *m = xasprintf("%.*s", (int)(blen - el), base);

				for (char *p = m; *p; p++)
					if (*p == '-')
						*p = '_';
				sl_add_unique(mods, m);
				free(m);
				break;
			}
		}
	}
}

static void check_state(const struct status_input *in, struct status_report *r)
{
	if (!in->have_state) {
		add_check(r, "reboot", NULL, CHECK_UNKNOWN, NULL, NULL,
			  "no record of an apply (/var/lib/vfio-passthrough-setup/state "
			  "is missing)");
		return;
	}
	if (in->regen_failed)
		add_check(r, "last-apply", NULL, CHECK_FAIL,
			  "update-grub, update-initramfs or a write failed at the last "
			  "apply; the "
			  "previous files were put back, so the new configuration is not "
			  "active",
			  "fix the error shown, then run `dpkg-reconfigure "
			  "vfio-passthrough-setup` "
			  "(or `vfio-passthrough-setup apply`) to retry",
			  "the last apply failed: %s",
			  in->regen_error && in->regen_error[0] ? in->regen_error
								: "no detail recorded");
	else
		add_check(r, "last-apply", NULL, CHECK_PASS, NULL, NULL,
			  "the last apply succeeded");
	if (!in->boot_id || !in->state_boot_id || !in->state_boot_id[0]) {
		add_check(r, "reboot", NULL, CHECK_UNKNOWN, NULL, NULL,
			  "cannot tell whether the machine rebooted since the last apply "
			  "(no boot_id)");
		return;
	}
	if (strcmp(in->boot_id, in->state_boot_id) == 0)
		add_check(r, "reboot", NULL, CHECK_PENDING,
			  "the configuration was changed in this boot",
			  "reboot: the kernel command line, the initramfs and the driver "
			  "binding take "
			  "effect at the next boot",
			  "reboot pending: the last change was applied in this boot");
	else
		add_check(r, "reboot", NULL, CHECK_PASS, NULL, NULL,
			  "the machine has rebooted since the last change");
}

static void check_files(const struct status_input *in, struct status_report *r)
{
	if (in->files_as_applied) {
		bool settings_differ = false;

		for (size_t i = 0; i < in->n_files; i++) {
			const struct status_file *f = &in->files[i];

			if (f->actual)
				add_check(r, "file", f->path, CHECK_PASS, NULL, NULL,
					  "present, as the last apply wrote it");
			if ((f->expected == NULL) != (f->actual == NULL) ||
			    (f->expected && strcmp(f->expected, f->actual) != 0))
				settings_differ = true;
		}
		if (settings_differ)
			add_check(r, "settings", SETTINGS_PATH, CHECK_WARN,
				  "the settings ask for another configuration than the "
				  "last apply "
				  "wrote (edited since, or apply ran with command-line "
				  "options)",
				  "run `vfio-passthrough-setup apply` to apply the "
				  "settings file",
				  "not applied yet");
		return;
	}
	for (size_t i = 0; i < in->n_files; i++) {
		const struct status_file *f = &in->files[i];
		const char *fix =
		    "run `vfio-passthrough-setup apply` (or `dpkg-reconfigure "
		    "vfio-passthrough-setup`) to rewrite it";

		if (!f->expected && !f->actual)
			continue;
		if (f->expected && f->actual && strcmp(f->expected, f->actual) == 0)
			add_check(r, "file", f->path, CHECK_PASS, NULL, NULL,
				  "present and current");
		else if (f->expected && !f->actual)
			add_check(r, "file", f->path, CHECK_FAIL,
				  "the file was deleted, or apply never ran with these "
				  "settings",
				  fix, "missing");
		else if (!f->expected)
			add_check(r, "file", f->path, CHECK_FAIL,
				  "the settings no longer ask for this file (left from "
				  "an earlier apply)",
				  fix, "present but not wanted by the current settings");
		else
			add_check(r, "file", f->path, CHECK_FAIL,
				  "edited by hand, or the settings or hardware changed "
				  "since the last "
				  "apply",
				  fix, "differs from what the current settings produce");
	}
}

static void check_cmdline(const struct status_input *in, bool pending,
			  struct status_report *r)
{
	struct strlist missing, words;

	if (!in->cmdline) {
		add_check(r, "cmdline", "/proc/cmdline", CHECK_UNKNOWN, NULL, NULL,
			  "/proc/cmdline is not readable");
		return;
	}
	sl_init(&words);
	cmdline_split(in->cmdline, &words);
	if (sl_has(&words, "amd_iommu=on"))
		add_check(
		    r, "cmdline-amd-iommu", "/proc/cmdline", CHECK_WARN,
		    "amd_iommu=on is not a valid value: the kernel ignores it (\"AMD-Vi: "
		    "Unknown option - 'on'\"); the AMD IOMMU is enabled in the firmware",
		    "remove amd_iommu=on from /etc/default/grub (another tool or guide "
		    "added it), "
		    "then update-grub",
		    "the command line carries amd_iommu=on");
	sl_free(&words);
	if (!in->expected_params || !in->expected_params[0]) {
		add_check(r, "cmdline", "/proc/cmdline", CHECK_PASS, NULL, NULL,
			  "no kernel parameters are configured");
		return;
	}
	sl_init(&missing);
	cmdline_missing(in->cmdline, in->expected_params, &missing);
	if (!missing.n) {
		add_check(r, "cmdline", "/proc/cmdline", CHECK_PASS, NULL, NULL,
			  "carries %s", in->expected_params);
	} else {
		_cleanup_free_ char *list = sl_join(&missing, " ");

		if (pending)
			add_check(r, "cmdline", "/proc/cmdline", CHECK_PENDING,
				  "the grub drop-in takes effect at the next boot",
				  "reboot", "lacks %s (until the reboot)", list);
		else
			add_check(r, "cmdline", "/proc/cmdline", CHECK_FAIL,
				  "the boot entry does not include the grub drop-in: "
				  "update-grub did "
				  "not run, the entry was edited at boot, or the machine "
				  "boots with "
				  "another loader (systemd-boot)",
				  "run update-grub and reboot; with systemd-boot add the "
				  "parameters to "
				  "/etc/kernel/cmdline",
				  "lacks %s", list);
	}
	sl_free(&missing);
}

static void check_iommu(const struct status_input *in, bool pending,
			struct status_report *r)
{
	const char *cause, *fix;

	if (in->iommu_groups > 0) {
		add_check(r, "iommu", NULL, CHECK_PASS, NULL, NULL,
			  "active: %d IOMMU groups", in->iommu_groups);
		return;
	}
	if (in->cpu == CPU_AMD) {
		cause = "the IOMMU (AMD-Vi) is off in the firmware; amd_iommu=on cannot "
			"switch it on";
		fix = "enable IOMMU (and SVM) in the BIOS/UEFI setup, then reboot";
	} else if (in->cpu == CPU_INTEL) {
		cause = "VT-d is off in the firmware, or intel_iommu=on is not on the "
			"command line";
		fix = "enable VT-d in the BIOS/UEFI setup; keep intel_iommu=on in the "
		      "grub drop-in; "
		      "reboot";
	} else {
		cause =
		    "the IOMMU is off in the firmware or not supported by this machine";
		fix = "enable VT-d / AMD-Vi (IOMMU) in the BIOS/UEFI setup, then reboot";
	}
	add_check(r, "iommu", NULL, pending ? CHECK_PENDING : CHECK_FAIL, cause, fix,
		  "no IOMMU groups in /sys/kernel/iommu_groups%s",
		  pending ? " (the new kernel parameters are not booted yet)" : "");
}

static void check_initramfs(const struct status_input *in, struct status_report *r)
{
	const char *img = in->initramfs_path ? in->initramfs_path : "initramfs";

	switch (in->initramfs) {
	case INITRAMFS_OK:
		add_check(r, "initramfs", img, CHECK_PASS, NULL, NULL,
			  "contains the vfio modules for %s",
			  in->kernel ? in->kernel : "?");
		break;
	case INITRAMFS_MISSING: {
		_cleanup_free_ char *list = in->initramfs_missing
						? sl_join(in->initramfs_missing, ", ")
						: xstrdup("?");
		_cleanup_free_ char *fix =
		    xasprintf("run `update-initramfs -u -k %s`, then reboot",
			      in->kernel ? in->kernel : "all");
		struct check *c = add_check(r, "initramfs", img, CHECK_FAIL, NULL, NULL,
					    "lacks %s", list);

		set_cause(
		    c,
		    xstrdup(
			"the initramfs was built before the configuration, or the "
			"package's initramfs hook did not run, so a GPU driver can bind "
			"the card before vfio-pci"),
		    xstrdup(fix));
		break;
	}
	case INITRAMFS_NO_IMAGE:
		add_check(r, "initramfs", img, CHECK_UNKNOWN, NULL, NULL,
			  "no initramfs for the running kernel %s: modules load from the "
			  "root file "
			  "system",
			  in->kernel ? in->kernel : "?");
		break;
	case INITRAMFS_UNKNOWN:
		add_check(r, "initramfs", img, CHECK_UNKNOWN, NULL, NULL,
			  "not checked: %s",
			  in->initramfs_reason ? in->initramfs_reason : "unknown reason");
		break;
	}
}

static void check_drivers(const struct status_input *in, bool pending,
			  struct status_report *r)
{
	for (size_t i = 0; i < in->n_functions; i++) {
		const struct status_function *f = &in->functions[i];
		char addr[PCI_ADDR_STRLEN];

		pci_addr_format(&f->addr, addr);
		if (!f->present) {
			add_check(r, "driver", addr, CHECK_FAIL,
				  "the card was removed, or moved to another slot so its "
				  "address "
				  "changed",
				  "run `dpkg-reconfigure vfio-passthrough-setup` (or "
				  "`apply --devices "
				  "ADDR`) to choose the card at its new address",
				  "not present in /sys/bus/pci");
		} else if (f->driver && strcmp(f->driver, "vfio-pci") == 0) {
			add_check(r, "driver", addr, CHECK_PASS, NULL, NULL, "vfio-pci");
		} else if (pending) {
			add_check(r, "driver", addr, CHECK_PENDING,
				  "the binding happens at boot", "reboot",
				  "%s now; vfio-pci after the reboot",
				  f->driver ? f->driver : "no driver");
		} else if (f->driver) {
			struct check *c =
			    add_check(r, "driver", addr, CHECK_FAIL, NULL, NULL,
				      "%s (expected vfio-pci)", f->driver);

			if (in->vfio_builtin)
				set_cause(
				    c,
				    xasprintf(
					"vfio-pci is built into this kernel, so only "
					"vfio-pci.ids= on the kernel command line binds "
					"the card; without it %s took the function",
					f->driver),
				    xstrdup("see the cmdline line of this report: run "
					    "update-grub "
					    "and reboot"));
			else
				set_cause(
				    c,
				    xasprintf(
					"%s bound the function before vfio-pci: vfio-pci "
					"is not in the initramfs, the softdep for %s is "
					"missing, or another tool binds it",
					f->driver, f->driver),
				    xstrdup(
					"check the initramfs and conflict lines of this "
					"report; `vfio-passthrough-setup apply`, "
					"`update-initramfs -u -k all`, reboot"));
		} else {
			add_check(
			    r, "driver", addr, CHECK_FAIL,
			    "vfio-pci did not claim it: vfio-pci is not loaded, or this "
			    "function's id is not in its ids= list",
			    "check the modprobe.d file and the initramfs checks of this "
			    "report; "
			    "`vfio-passthrough-setup apply`, then reboot",
			    "no driver bound (expected vfio-pci)");
		}
	}
}

/* Identical cards bound by id take the host's card too: the host is left without display.
 */
static void check_host_card(const struct status_input *in, struct status_report *r)
{
	for (size_t i = 0; i < in->n_host_functions; i++) {
		const struct status_function *f = &in->host_functions[i];
		char addr[PCI_ADDR_STRLEN];

		if (!f->driver || strcmp(f->driver, "vfio-pci") != 0)
			continue;
		pci_addr_format(&f->addr, addr);
		add_check(
		    r, "host-card", addr, CHECK_FAIL,
		    "a vfio-pci ids= binding (another tool's, or an old configuration) "
		    "also "
		    "matches the host's card, which has the same ids as the passed one",
		    "remove the other ids= binding (see the conflict lines), then "
		    "`vfio-passthrough-setup apply` binds by address; reboot",
		    "the host's own card is bound to vfio-pci");
	}
}

static void check_groups(const struct status_input *in, struct status_report *r)
{
	if (in->iommu_groups <= 0)
		return; /* the iommu check already says why */
	for (size_t i = 0; i < in->n_cards; i++) {
		const struct status_card *c = &in->cards[i];
		char addr[PCI_ADDR_STRLEN];

		pci_addr_format(&c->addr, addr);
		if (c->boot_vga || c->host)
			add_check(
			    r, "host-gpu", addr, CHECK_WARN,
			    c->boot_vga
				? "the firmware shows its console on this card; once "
				  "vfio-pci holds it the host has no console and no "
				  "display manager on it"
				: "this is the only card the host could keep for its "
				  "display",
			    "set the primary display to the other GPU in the BIOS setup; "
			    "or pass "
			    "another card (`dpkg-reconfigure vfio-passthrough-setup`)",
			    "passed through with consent although it is the host's "
			    "display");
		if (c->iommu_group < 0) {
			add_check(r, "iommu-group", addr, CHECK_UNKNOWN, NULL, NULL,
				  "the card has no IOMMU group");
		} else if (!c->group_peers || !c->group_peers->n) {
			add_check(r, "iommu-group", addr, CHECK_PASS, NULL, NULL,
				  "group %d holds only the card's functions and bridges",
				  c->iommu_group);
		} else {
			_cleanup_free_ char *peers = sl_join(c->group_peers, " ");

			add_check(r, "iommu-group", addr, CHECK_FAIL,
				  "the slot shares its IOMMU group with devices that are "
				  "neither the "
				  "card's functions nor bridges: a VM cannot use the "
				  "card in this slot",
				  "move the card to a slot wired to the CPU (see the "
				  "board manual); do "
				  "not bind the other devices if the host needs them",
				  "group %d also holds %s", c->iommu_group, peers);
		}
	}
}

static const char *conflict_fix(const struct conflict *c)
{
	switch (c->kind) {
	case CONFLICT_VFIO_IDS:
	case CONFLICT_BLACKLIST:
	case CONFLICT_INSTALL:
		return "delete or comment out that line, then `update-initramfs -u -k "
		       "all` and reboot";
	case CONFLICT_DRIVERCTL:
		return "`driverctl unset-override` the device";
	case CONFLICT_SUPERGFXD:
		return "`supergfxctl --mode Hybrid`, or `systemctl disable --now "
		       "supergfxd`";
	case CONFLICT_GRUB_PARAM:
		return "remove the parameter from that file, then `update-grub` and "
		       "reboot";
	}
	return NULL;
}

static void check_conflicts(const struct status_input *in, struct status_report *r)
{
	for (size_t i = 0; i < in->n_conflicts; i++) {
		const struct conflict *c = &in->conflicts[i];
		_cleanup_free_ char *where =
		    c->line ? xasprintf("%s:%d", c->path, c->line) : xstrdup(c->path);

		bool serious = c->serious;

		/* A driverctl override matters only on a function we pass through. */
		if (c->kind == CONFLICT_DRIVERCTL && serious) {
			struct pci_addr a;

			serious = false;
			if (pci_addr_parse(c->subject, &a) == 0)
				for (size_t k = 0; k < in->n_functions; k++)
					if (pci_addr_cmp(&a, &in->functions[k].addr) == 0)
						serious = true;
		}
		add_check(r, "conflict", where, serious ? CHECK_FAIL : CHECK_WARN,
			  c->explain, conflict_fix(c), "%s", c->text);
	}
}

void status_evaluate(const struct status_input *in, struct status_report *out)
{
	bool pending;

	memset(out, 0, sizeof(*out));
	if (in->config_error) {
		add_check(out, "config", NULL, CHECK_FAIL,
			  "the configured card is not where the settings or the last "
			  "apply say (moved "
			  "to another slot, removed), or the settings are invalid",
			  "find the card with `vfio-passthrough-setup detect`, then "
			  "`dpkg-reconfigure "
			  "vfio-passthrough-setup` (or fix "
			  "/etc/default/vfio-passthrough-setup)",
			  "%s", in->config_error);
	} else if (!in->configured) {
		add_check(out, "config", NULL, CHECK_FAIL,
			  "no card is chosen for passthrough",
			  "choose one: `dpkg-reconfigure vfio-passthrough-setup`, or "
			  "`vfio-passthrough-setup apply --devices ADDR`",
			  "nothing is configured");
	} else {
		_cleanup_free_ char *list = NULL;
		struct strlist cards;

		sl_init(&cards);
		for (size_t i = 0; i < in->n_cards; i++) {
			char a[PCI_ADDR_STRLEN];

			pci_addr_format(&in->cards[i].addr, a);
			sl_add(&cards, a);
		}
		list = sl_join(&cards, " ");
		sl_free(&cards);
		add_check(out, "config", NULL, CHECK_PASS, NULL, NULL, "configured: %s",
			  list);
	}
	check_state(in, out);
	pending = false;
	for (size_t i = 0; i < out->n; i++)
		if (out->checks[i].result == CHECK_PENDING)
			pending = true;
	out->reboot_pending = pending;
	check_files(in, out);
	if (!in->have_pci) {
		add_check(
		    out, "pci", "/sys/bus/pci", CHECK_UNKNOWN, NULL, NULL,
		    "no /sys/bus/pci: a chroot or container; hardware checks skipped");
	} else if (!in->configured) {
		/* Nothing to verify; whether an IOMMU exists still helps to decide. */
		check_iommu(in, false, out);
	} else {
		check_cmdline(in, pending, out);
		check_iommu(in, pending && in->iommu_groups <= 0, out);
		check_initramfs(in, out);
		check_drivers(in, pending, out);
		check_host_card(in, out);
		check_groups(in, out);
	}
	check_conflicts(in, out);
}

void hostdev_xml(const struct pci_addr *a, struct strbuf *out)
{
	sb_addf(
	    out,
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
	sb_addf(out, "--host-device pci_%04x_%02x_%02x_%x", a->domain, a->bus, a->slot,
		a->func);
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
		sb_add(out,
		       "Result: passthrough is not working; see the FAIL lines above.\n");
		return;
	}
	if (code == EXIT_REBOOT_PENDING) {
		sb_add(out, "Result: configured; reboot to activate, then run "
			    "`vfio-passthrough-setup status` again.\n");
		return;
	}
	sb_add(out,
	       "Result: the card is bound to vfio-pci and ready for a VM.\n\n"
	       "Next: add every function of the card to the VM. For libvirt, `virsh edit "
	       "VM` and put inside <devices>:\n");
	for (size_t i = 0; i < in->n_functions; i++)
		hostdev_xml(&in->functions[i].addr, out);
	sb_add(out, "\nOr, creating the VM with virt-install:\n ");
	for (size_t i = 0; i < in->n_functions; i++) {
		sb_add(out, " ");
		virt_install_arg(&in->functions[i].addr, out);
	}
	sb_add(out, "\nUndo: `vfio-passthrough-setup remove` (or `apt purge "
		    "vfio-passthrough-setup`), then reboot.\n");
}

/* core's JSON escaping, with null for absent values. */
static void json_str(struct strbuf *out, const char *s)
{
	if (s)
		json_escape(out, s);
	else
		sb_add(out, "null");
}

void status_format_json(const struct status_input *in, const struct status_report *r,
			struct strbuf *out)
{
	int code = status_exit_code(r);

	sb_addf(out,
		"{\"result\":\"%s\",\"exit_status\":%d,\"reboot_pending\":%s,\"kernel\":",
		code == EXIT_OK		      ? "ready"
		: code == EXIT_REBOOT_PENDING ? "reboot-pending"
					      : "failed",
		code, r->reboot_pending ? "true" : "false");
	json_str(out, in->kernel);
	sb_add(out, ",\"checks\":[");
	for (size_t i = 0; i < r->n; i++) {
		const struct check *c = &r->checks[i];

		sb_add(out, i ? ",{\"id\":" : "{\"id\":");
		json_str(out, c->id);
		sb_add(out, ",\"subject\":");
		json_str(out, c->subject);
		sb_addf(out,
			",\"result\":\"%s\",\"detail\":", check_result_name(c->result));
		json_str(out, c->detail);
		sb_add(out, ",\"cause\":");
		json_str(out, c->cause);
		sb_add(out, ",\"fix\":");
		json_str(out, c->fix);
		sb_add(out, "}");
	}
	sb_add(out, "],\"hostdevs\":[");
	for (size_t i = 0; code == EXIT_OK && i < in->n_functions; i++) {
		char addr[PCI_ADDR_STRLEN];
		struct strbuf xml, arg;

		sb_init(&xml);
		sb_init(&arg);
		pci_addr_format(&in->functions[i].addr, addr);
		hostdev_xml(&in->functions[i].addr, &xml);
		virt_install_arg(&in->functions[i].addr, &arg);
		sb_add(out, i ? ",{\"address\":" : "{\"address\":");
		json_str(out, addr);
		sb_add(out, ",\"libvirt_xml\":");
		json_str(out, xml.buf);
		sb_add(out, ",\"virt_install\":");
		json_str(out, arg.buf);
		sb_add(out, "}");
		sb_free(&xml);
		sb_free(&arg);
	}
	sb_add(out, "]}\n");
}
