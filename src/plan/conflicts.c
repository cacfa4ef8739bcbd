// SPDX-License-Identifier: GPL-2.0-or-later
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "log.h"
#include "util.h"

#include "boot-stack.h"
#include "conflicts.h"
#include "modules.h"
#include "render.h"

const char *const conflicts_default_watched[] = {
	"nouveau", "nvidia", "amdgpu", "radeon", "snd_hda_intel", "xhci_pci", NULL,
};

/* Our own files are the reference, never a conflict. */
#define OWN_MODPROBE MODPROBE_PATH

void conflicts_init(struct conflict_list *l)
{
	l->items = NULL;
	l->n = l->cap = 0;
}

void conflicts_free(struct conflict_list *l)
{
	for (size_t i = 0; i < l->n; i++) {
		free(l->items[i].path);
		free(l->items[i].text);
		free(l->items[i].subject);
		free(l->items[i].explain);
	}
	free(l->items);
	conflicts_init(l);
}

static void add(struct conflict_list *l, enum conflict_kind kind, bool serious, const char *path,
		int line, const char *text, const char *subject, const char *explain)
{
	struct conflict *c;

	if (l->n == l->cap) {
		l->cap = l->cap ? l->cap * 2 : 8;
		l->items = xrealloc(l->items, l->cap * sizeof(*l->items));
	}
	c = &l->items[l->n++];
	c->kind = kind;
	c->serious = serious;
	c->path = xstrdup(path);
	c->line = line;
	c->text = xstrdup(text);
	c->subject = xstrdup(subject);
	c->explain = xstrdup(explain);
	c->loader = NULL;
}

/* modprobe treats '-' and '_' in module names alike. */
static void normalize_module(char *s)
{
	for (; *s; s++)
		if (*s == '-')
			*s = '_';
}

static bool in_list(const char *mod, const char *const *list)
{
	for (; *list; list++)
		if (strcmp(mod, *list) == 0)
			return true;
	return false;
}

static bool is_watched(const char *mod, const struct strlist *watched)
{
	if (!watched)
		return in_list(mod, conflicts_default_watched);
	for (size_t i = 0; i < watched->n; i++) {
		_cleanup_free_ char *w = xstrdup(watched->items[i]);

		normalize_module(w);
		if (strcmp(w, mod) == 0)
			return true;
	}
	return false;
}

/* Split a line into at most max whitespace-separated words (in place). */
static size_t split_words(char *line, char **w, size_t max)
{
	size_t n = 0;
	char *save = NULL;

	for (char *t = strtok_r(line, " \t\r\f\v", &save); t && n < max;
	     t = strtok_r(NULL, " \t\r\f\v", &save))
		w[n++] = t;
	return n;
}

static char *trim_copy(const char *s, size_t len)
{
	while (len && (*s == ' ' || *s == '\t')) {
		s++;
		len--;
	}
	while (len && (s[len - 1] == ' ' || s[len - 1] == '\t' || s[len - 1] == '\r'))
		len--;
	return xasprintf("%.*s", (int)len, s);
}

/* Walk logical lines: kmod joins a line ending in a backslash with the next one. */
typedef void (*line_fn)(const char *path, int lineno, char *line, void *data);

static void for_each_line(const char *path, const char *text, line_fn fn, void *data)
{
	struct strbuf logical;
	int lineno = 0, start = 0;

	sb_init(&logical);
	while (*text) {
		const char *nl = strchr(text, '\n');
		size_t len = nl ? (size_t)(nl - text) : strlen(text);
		bool cont = len && text[len - 1] == '\\';
		_cleanup_free_ char *part = xasprintf("%.*s", (int)(cont ? len - 1 : len), text);

		lineno++;
		if (!logical.len)
			start = lineno;
		sb_add(&logical, part);
		text += len + (nl ? 1 : 0);
		if (cont && *text) {
			sb_add(&logical, " ");
			continue;
		}
		fn(path, start, logical.buf, data);
		logical.len = 0;
		logical.buf[0] = '\0';
	}
	sb_free(&logical);
}

struct modprobe_ctx {
	const struct strlist *watched;
	struct conflict_list *out;
};

static void modprobe_line(const char *path, int lineno, char *line, void *data)
{
	struct modprobe_ctx *ctx = data;
	_cleanup_free_ char *shown = trim_copy(line, strlen(line));
	char *w[64];
	size_t n;
	bool vfio;

	if (shown[0] == '#' || shown[0] == '\0')
		return;
	n = split_words(line, w, ARRAY_SIZE(w));
	if (n < 2)
		return;
	normalize_module(w[1]);
	vfio = is_vfio_module(w[1]);

	if (strcmp(w[0], "options") == 0 && strcmp(w[1], "vfio_pci") == 0) {
		for (size_t i = 2; i < n; i++) {
			if (strncmp(w[i], "ids=", 4) != 0)
				continue;
			add(ctx->out, CONFLICT_VFIO_IDS, true, path, lineno, shown, w[i] + 4,
			    "another file also sets vfio-pci ids= (quickpassthrough, supergfxctl or vfioselect write such files); only one ids= takes effect, so cards may be bound or released unexpectedly");
		}
		return;
	}
	if (strcmp(w[0], "blacklist") == 0) {
		if (vfio)
			add(ctx->out, CONFLICT_BLACKLIST, true, path, lineno, shown, w[1],
			    "a vfio module is blacklisted: vfio-pci may not load and the card stays unbound");
		else if (is_watched(w[1], ctx->watched))
			add(ctx->out, CONFLICT_BLACKLIST, false, path, lineno, shown, w[1],
			    "this driver is blacklisted: harmless for the passed card (vfio-pci binds it first), but a host device that needs this driver will not get it");
		return;
	}
	if (strcmp(w[0], "install") == 0 && n >= 3) {
		bool disables = strcmp(w[2], "/bin/false") == 0 || strcmp(w[2], "/bin/true") == 0 ||
				strcmp(w[2], "/usr/bin/false") == 0 ||
				strcmp(w[2], "/usr/bin/true") == 0;

		if (!disables && !vfio)
			return;
		if (vfio)
			add(ctx->out, CONFLICT_INSTALL, disables, path, lineno, shown, w[1],
			    disables
				? "this install line stops a vfio module from ever loading"
				: "an install command replaces the normal loading of a vfio module: check that it still loads vfio-pci");
		else if (is_watched(w[1], ctx->watched))
			add(ctx->out, CONFLICT_INSTALL, false, path, lineno, shown, w[1],
			    "this driver can never load: harmless for the passed card, but a host device that needs it will not get it");
	}
}

void conflicts_parse_modprobe(const char *path, const char *text, const struct strlist *watched,
			      struct conflict_list *out)
{
	struct modprobe_ctx ctx = { watched, out };

	if (!text || strcmp(path, OWN_MODPROBE) == 0)
		return;
	for_each_line(path, text, modprobe_line, &ctx);
}

struct boot_config_ctx {
	const struct boot_loader *loader;
	struct conflict_list *out;
};

/* The kernel words one line of a boot loader's own configuration gives every entry. */
static void boot_config_line(const char *path, int lineno, char *line, void *data)
{
	struct boot_config_ctx *ctx = data;
	_cleanup_free_ char *shown = trim_copy(line, strlen(line));
	char *w[256];
	size_t n = ctx->loader->line_params(line, w, ARRAY_SIZE(w));

	for (size_t i = 0; i < n; i++) {
		_cleanup_free_ char *explain = NULL;

		if (strncmp(w[i], "vfio-pci.ids=", 13) == 0 ||
		    strncmp(w[i], "vfio_pci.ids=", 13) == 0) {
			explain = xasprintf(
			    "another file of %s's configuration puts vfio-pci.ids= on the kernel command line; it overrides the ids this package configures",
			    ctx->loader->name);
			add(ctx->out, CONFLICT_BOOT_PARAM, true, path, lineno, shown, w[i],
			    explain);
		} else if (strcmp(w[i], "amd_iommu=on") == 0) {
			add(ctx->out, CONFLICT_BOOT_PARAM, false, path, lineno, shown, w[i],
			    "amd_iommu=on is not a valid value (the kernel logs \"AMD-Vi: Unknown option - 'on'\"); the AMD IOMMU is switched on in the firmware");
		} else {
			continue;
		}
		ctx->out->items[ctx->out->n - 1].loader = ctx->loader;
	}
}

/* A boot loader backend's own parameter drop-in (boot-stack.h). */
static bool is_own_dropin(const char *path)
{
	for (size_t i = 0; i < n_boot_loaders; i++)
		if (boot_loaders[i]->params_dropin &&
		    strcmp(path, boot_loaders[i]->params_dropin) == 0)
			return true;
	return false;
}

void conflicts_parse_boot_config(const struct boot_loader *loader, const char *path,
				 const char *text, struct conflict_list *out)
{
	struct boot_config_ctx ctx = { loader, out };

	if (!text || !loader->line_params || is_own_dropin(path))
		return;
	for_each_line(path, text, boot_config_line, &ctx);
}

void conflicts_parse_driverctl(const char *path, const char *name, const char *text,
			       struct conflict_list *out)
{
	_cleanup_free_ char *driver = NULL;
	_cleanup_free_ char *shown = NULL;
	const char *addr;
	size_t len;

	if (!name || strncmp(name, "pci-", 4) != 0)
		return;
	addr = name + 4;
	len = text ? strcspn(text, "\n") : 0;
	driver = trim_copy(text ? text : "", len);
	shown = xasprintf("driverctl override %s -> %s", addr, driver[0] ? driver : "(empty)");
	if (strcmp(driver, "vfio-pci") == 0 || strcmp(driver, "vfio_pci") == 0)
		add(out, CONFLICT_DRIVERCTL, false, path, 0, shown, addr,
		    "driverctl also binds this device to vfio-pci, late in boot: harmless, but two mechanisms now own it");
	else
		add(out, CONFLICT_DRIVERCTL, true, path, 0, shown, addr,
		    "driverctl forces another driver onto this device after boot, undoing vfio-pci if it is a passed function");
}

void conflicts_parse_supergfxd(const char *path, const char *text, struct conflict_list *out)
{
	const char *p;
	bool vfio_mode, vfio_enable = false;

	if (!text)
		return;
	/* Not a JSON parser: the two settings that matter are flat keys. */
	vfio_mode = strstr(text, "\"Vfio\"") != NULL;
	p = strstr(text, "\"vfio_enable\"");
	if (p) {
		p += strlen("\"vfio_enable\"");
		p += strspn(p, " \t\r\n:");
		vfio_enable = strncmp(p, "true", 4) == 0;
	}
	if (!vfio_mode && !vfio_enable)
		return;
	add(out, CONFLICT_SUPERGFXD, vfio_mode, path, 0,
	    vfio_mode ? "supergfxd mode Vfio" : "supergfxd vfio_enable: true", "supergfxd",
	    "supergfxd switches the dGPU between drivers at run time and writes its own /etc/modprobe.d/supergfxd.conf: two tools now own the card");
}

static void scan_dir(const char *root, const char *dir, const char *suffix,
		     void (*fn)(const char *shown, const char *name, const char *text, void *data),
		     void *data)
{
	_cleanup_free_ char *full = path_join(root, dir);
	struct dirent **ents = NULL;
	int n = scandir(full, &ents, NULL, alphasort);

	for (int i = 0; i < n; i++) {
		const char *name = ents[i]->d_name;
		size_t nl = strlen(name), sl = suffix ? strlen(suffix) : 0;

		if (name[0] != '.' &&
		    (!suffix || (nl > sl && strcmp(name + nl - sl, suffix) == 0))) {
			_cleanup_free_ char *shown = xasprintf("%s/%s", dir, name);
			_cleanup_free_ char *path = path_join(root, shown);
			_cleanup_free_ char *text = read_file(path, 1 << 20, NULL);

			if (text)
				fn(shown, name, text, data);
		}
		free(ents[i]);
	}
	free(ents);
}

/* libkmod's configuration directories, highest precedence first. */
static const char *const modprobe_dirs[] = {
	"/etc/modprobe.d",     "/run/modprobe.d", "/usr/local/lib/modprobe.d",
	"/usr/lib/modprobe.d", "/lib/modprobe.d",
};

struct modprobe_file {
	char *name;
	const char *dir;
};

static int modprobe_file_cmp(const void *a, const void *b)
{
	return strcmp(((const struct modprobe_file *)a)->name,
		      ((const struct modprobe_file *)b)->name);
}

/* The files libkmod reads: "*.conf" and "*.alias", not hidden, not directories. */
static bool modprobe_file_wanted(const char *root, const char *dir, const char *name)
{
	size_t len = strlen(name);
	_cleanup_free_ char *shown = NULL, *full = NULL;
	struct stat st;

	if (name[0] == '.' || !((len > 5 && strcmp(name + len - 5, ".conf") == 0) ||
				(len > 6 && strcmp(name + len - 6, ".alias") == 0)))
		return false;
	shown = xasprintf("%s/%s", dir, name);
	full = path_join(root, shown);
	return !(stat(full, &st) == 0 && S_ISDIR(st.st_mode));
}

/* A symlink to /dev/null: the admin's way to switch off a file of the same name below. */
static bool masked_by_dev_null(const char *full)
{
	char target[16];
	ssize_t n = readlink(full, target, sizeof(target) - 1);

	if (n < 0)
		return false;
	target[n] = '\0';
	return strcmp(target, "/dev/null") == 0;
}

/* modprobe.d as libkmod reads it: every file by name across the directories, and of two
 * files with one name only the one in the higher-precedence directory, so a file in
 * /etc/modprobe.d masks its namesake in /lib/modprobe.d (a masked file is not read by
 * modprobe, so it is no conflict). */
static void scan_modprobe_d(const char *root, const struct strlist *watched,
			    struct conflict_list *out)
{
	struct modprobe_file *files = NULL;
	size_t n = 0;
	struct strlist seen;

	sl_init(&seen);
	for (size_t d = 0; d < ARRAY_SIZE(modprobe_dirs); d++) {
		_cleanup_free_ char *full = path_join(root, modprobe_dirs[d]);
		struct dirent **ents = NULL;
		int k = scandir(full, &ents, NULL, alphasort);

		for (int i = 0; i < k; i++) {
			const char *name = ents[i]->d_name;

			if (modprobe_file_wanted(root, modprobe_dirs[d], name) &&
			    !sl_has(&seen, name)) {
				sl_add(&seen, name);
				files = xrealloc(files, (n + 1) * sizeof(*files));
				files[n++] =
				    (struct modprobe_file){ xstrdup(name), modprobe_dirs[d] };
			}
			free(ents[i]);
		}
		free(ents);
	}
	if (n)
		qsort(files, n, sizeof(*files), modprobe_file_cmp);
	for (size_t i = 0; i < n; i++) {
		_cleanup_free_ char *shown = xasprintf("%s/%s", files[i].dir, files[i].name);
		_cleanup_free_ char *full = path_join(root, shown);
		_cleanup_free_ char *text =
		    masked_by_dev_null(full) ? NULL : read_file(full, 1 << 20, NULL);

		conflicts_parse_modprobe(shown, text, watched, out);
		free(files[i].name);
	}
	free(files);
	sl_free(&seen);
}

struct scan_ctx {
	const struct strlist *watched;
	struct conflict_list *out;
};

/* Every boot loader's own configuration files, as its backend lists them. */
static void scan_boot_configs(const char *root, struct conflict_list *out)
{
	for (size_t i = 0; i < n_boot_loaders; i++) {
		struct strlist paths;

		if (!boot_loaders[i]->admin_config)
			continue;
		sl_init(&paths);
		boot_loaders[i]->admin_config(root, &paths);
		for (size_t k = 0; k < paths.n; k++) {
			_cleanup_free_ char *full = path_join(root, paths.items[k]);
			_cleanup_free_ char *text = read_file(full, 1 << 20, NULL);

			conflicts_parse_boot_config(boot_loaders[i], paths.items[k], text, out);
		}
		sl_free(&paths);
	}
}

static void scan_driverctl(const char *shown, const char *name, const char *text, void *data)
{
	conflicts_parse_driverctl(shown, name, text, ((struct scan_ctx *)data)->out);
}

void conflicts_scan(const char *root, const struct strlist *watched, struct conflict_list *out)
{
	struct scan_ctx ctx = { watched, out };
	_cleanup_free_ char *sgfx = path_join(root, "/etc/supergfxd.conf");
	_cleanup_free_ char *sgfx_text = read_file(sgfx, 1 << 20, NULL);

	scan_modprobe_d(root, watched, out);
	scan_boot_configs(root, out);
	scan_dir(root, "/etc/driverctl.d", NULL, scan_driverctl, &ctx);
	conflicts_parse_supergfxd("/etc/supergfxd.conf", sgfx_text, out);
}

void conflicts_format(const struct conflict_list *l, const char *prefix, struct strbuf *out)
{
	for (size_t i = 0; i < l->n; i++) {
		const struct conflict *c = &l->items[i];

		if (c->line)
			sb_addf(out, "%s%s:%d: %s\n  %s\n", prefix, c->path, c->line, c->text,
				c->explain);
		else
			sb_addf(out, "%s%s: %s\n  %s\n", prefix, c->path, c->text, c->explain);
	}
}

size_t conflicts_warn(const char *root, const struct strlist *watched, FILE *out)
{
	struct conflict_list l;
	struct strbuf sb;
	size_t n;

	conflicts_init(&l);
	conflicts_scan(root, watched, &l);
	sb_init(&sb);
	conflicts_format(&l, PROG ": warning: ", &sb);
	fputs(sb.buf, out);
	n = l.n;
	sb_free(&sb);
	conflicts_free(&l);
	return n;
}
