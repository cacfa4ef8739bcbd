// SPDX-License-Identifier: GPL-2.0-or-later
/* Kernel modules with libkmod, against the module index of every kernel installed under
 * root. Never the running kernel's: libkmod's initstate and uname -r describe the host,
 * not root. */
#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <syslog.h>
#include <unistd.h>

#include "util.h"

#include <libkmod.h>

#include "kernel-cmdline-edit.h"
#include "kmod-load.h"
#include "modules.h"

/* Both: usrmerged systems may have only one, older ones keep kernels in /lib. */
static const char *const module_dirs[] = { "/lib/modules", "/usr/lib/modules" };

/* No modprobe.d at all: which module matches an alias is a fact of the index, and neither
 * the host's /etc (under --root) nor our own softdep file nor a blacklist may change it.
 */
static const char *const no_config[] = { NULL };

struct kernel {
	char *version;
	char *dir; /* root/.../lib/modules/<version> */
	struct kmod_ctx *ctx;
};

struct kernels {
	struct kernel *items;
	size_t n;
};

enum module_state {
	MODULE_MISSING,
	MODULE_LOADABLE,
	MODULE_BUILTIN
};

int kernel_version_cmp(const char *a, const char *b)
{
	/* Runs of digits compare as numbers (6.10 > 6.9), everything else byte by byte.
	 */
	while (*a && *b) {
		if (isdigit((unsigned char)*a) && isdigit((unsigned char)*b)) {
			const char *ea, *eb;
			size_t la, lb;
			int c;

			while (*a == '0' && isdigit((unsigned char)a[1]))
				a++;
			while (*b == '0' && isdigit((unsigned char)b[1]))
				b++;
			for (ea = a; isdigit((unsigned char)*ea); ea++)
				;
			for (eb = b; isdigit((unsigned char)*eb); eb++)
				;
			la = (size_t)(ea - a);
			lb = (size_t)(eb - b);
			if (la != lb)
				return la < lb ? -1 : 1;
			c = memcmp(a, b, la);
			if (c)
				return c < 0 ? -1 : 1;
			a = ea;
			b = eb;
			continue;
		}
		if (*a != *b)
			return (unsigned char)*a < (unsigned char)*b ? -1 : 1;
		a++;
		b++;
	}
	if (*a == *b)
		return 0;
	return *a ? 1 : -1;
}

static bool has_index(const char *dir)
{
	_cleanup_free_ char *dep = xasprintf("%s/modules.dep.bin", dir);
	_cleanup_free_ char *alias = xasprintf("%s/modules.alias.bin", dir);

	return access(dep, R_OK) == 0 && access(alias, R_OK) == 0;
}

static void kernels_free(struct kernels *ks)
{
	for (size_t i = 0; i < ks->n; i++) {
		free(ks->items[i].version);
		free(ks->items[i].dir);
		if (ks->items[i].ctx)
			kmod.kmod_unref(ks->items[i].ctx);
	}
	free(ks->items);
	ks->items = NULL;
	ks->n = 0;
}

void installed_kernels(const char *root, bool with_index, struct strlist *out)
{
	for (size_t i = 0; i < ARRAY_SIZE(module_dirs); i++) {
		_cleanup_free_ char *base = path_join(root, module_dirs[i]);
		DIR *d = opendir(base);
		struct dirent *e;

		while (d && (e = readdir(d))) {
			_cleanup_free_ char *dir = NULL;

			if (e->d_name[0] == '.')
				continue;
			dir = xasprintf("%s/%s", base, e->d_name);
			if (!with_index || has_index(dir))
				sl_add_unique(out, e->d_name);
		}
		if (d)
			closedir(d);
	}
	kernel_versions_sort(out);
}

static int cmp_kernel_version(const void *a, const void *b)
{
	return kernel_version_cmp(*(char *const *)a, *(char *const *)b);
}

void kernel_versions_sort(struct strlist *versions)
{
	if (versions->n > 1)
		qsort(versions->items, versions->n, sizeof(*versions->items), cmp_kernel_version);
}

/* Every kernel with a module index under root, oldest first; the first directory that has
 * its index wins (on usrmerged systems /lib/modules and /usr/lib/modules are the same). */
static void kernels_find(const char *root, struct kernels *ks)
{
	struct strlist versions;

	ks->items = NULL;
	ks->n = 0;
	sl_init(&versions);
	installed_kernels(root, true, &versions);
	ks->items = versions.n ? xcalloc(versions.n, sizeof(*ks->items)) : NULL;
	for (size_t v = 0; v < versions.n; v++)
		for (size_t i = 0; i < ARRAY_SIZE(module_dirs); i++) {
			_cleanup_free_ char *base = path_join(root, module_dirs[i]);
			char *dir = xasprintf("%s/%s", base, versions.items[v]);

			if (!has_index(dir)) {
				free(dir);
				continue;
			}
			ks->items[ks->n++] = (struct kernel){
				.version = xstrdup(versions.items[v]),
				.dir = dir,
			};
			break;
		}
	sl_free(&versions);
}

static int kernel_open(struct kernel *k, struct error *err)
{
	int r;

	if (k->ctx)
		return 0;
	if (kmod_load(err) < 0)
		return -1;
	k->ctx = kmod.kmod_new(k->dir, no_config);
	if (!k->ctx)
		return error_set(err, EXIT_FAILURE_RUNTIME,
				 "libkmod cannot open the module index in %s", k->dir);
	/* Index-only trees (tests, --root on an image) have no .ko files, and libkmod
	 * logs every dependency file it cannot stat as an error; lookups still answer.
	 * KMOD_LOG=debug still works. */
	if (!getenv("KMOD_LOG"))
		kmod.kmod_set_log_priority(k->ctx, LOG_CRIT);
	/* libkmod answers "no match" when an index cannot be read, so a corrupt or
	 * truncated modules.alias.bin would silently drop every softdep: loading the indexes
	 * up front is what tells a damaged index from an empty answer. */
	r = kmod.kmod_load_resources(k->ctx);
	if (r < 0)
		return error_set(
		    err, EXIT_FAILURE_RUNTIME,
		    "the module index in %s cannot be read (%s): the drivers that must "
		    "wait for vfio-pci cannot be looked up; rebuild it with depmod %s",
		    k->dir, strerror(-r), k->version);
	return 0;
}

/* Whether this kernel has module @name (as the index spells it: vfio_pci) as a .ko, built
 * in, or not at all.
 * Not kmod_module_new_from_name_lookup(), which would say it in one call: Debian 12's
 * libkmod exports it under the symbol version LIBKMOD_5 (a backport), Debian 13's under
 * LIBKMOD_30, so a binary linked on one release dies at start on the other. The general
 * lookup is LIBKMOD_5 in both: it tries the (empty) config, modules.dep, the aliases, then
 * the builtin indexes, and stops at the first that knows the name; only a module of exactly
 * that name counts. */
static int module_state(struct kmod_ctx *ctx, const char *name, enum module_state *out)
{
	struct kmod_list *list = NULL, *l;
	int r;

	*out = MODULE_MISSING;
	r = kmod.kmod_module_new_from_lookup(ctx, name, &list);
	if (r < 0)
		return r;
	for (l = list; l; l = kmod.kmod_list_next(list, l)) {
		struct kmod_module *mod = kmod.kmod_module_get_module(l);

		if (strcmp(kmod.kmod_module_get_name(mod), name) == 0)
			/* A path means modules.dep has it, else it came from
			 * modules.builtin. Never kmod_module_get_initstate(): past the
			 * index it reads the host's /sys/module. */
			*out = kmod.kmod_module_get_path(mod) ? MODULE_LOADABLE : MODULE_BUILTIN;
		kmod.kmod_module_unref(mod);
	}
	kmod.kmod_module_unref_list(list);
	return 0;
}

/* Add the names of the modules whose alias matches modalias in this kernel. */
static int lookup_modalias(struct kmod_ctx *ctx, const char *modalias, struct strlist *out)
{
	struct kmod_list *list = NULL, *l;
	int r;

	r = kmod.kmod_module_new_from_lookup(ctx, modalias, &list);
	if (r == -EINVAL)
		return 0; /* not a well-formed alias: no module can match it */
	if (r < 0)
		return r;
	for (l = list; l; l = kmod.kmod_list_next(list, l)) {
		struct kmod_module *mod = kmod.kmod_module_get_module(l);

		sl_add_unique(out, kmod.kmod_module_get_name(mod)); /* normalised: snd_hda_intel */
		kmod.kmod_module_unref(mod);
	}
	kmod.kmod_module_unref_list(list);
	return 0;
}

/*
 * A resolution recorded in the state (modules_resolve_cards_cached): its result, and the
 * hash of everything it depends on and the result itself. The inputs: each kernel's
 * version and directory, and the index files libkmod reads there (kmod_new's
 * modules.softdep and later kmods' modules.weakdep, kmod_load_resources' five indexes,
 * modules.builtin.modinfo of later kmods' builtin lookups), each by device, inode, size, mtime
 * and ctime, which depmod's write-and-rename always changes (a kernel installed or removed
 * changes the list; a copied root, every inode); then the functions looked up and their
 * modaliases (a card swapped). Hashing the result too means that a record edited or cut
 * short is not believed: any difference makes a real lookup.
 */
static const char *const index_files[] = {
	"modules.softdep",     "modules.weakdep",	  "modules.dep.bin",
	"modules.alias.bin",   "modules.symbols.bin",	  "modules.builtin.alias.bin",
	"modules.builtin.bin", "modules.builtin.modinfo",
};

static bool wanted_fn(const struct inventory *inv, const bool *wanted, size_t f)
{
	return inv->functions[f].modalias && (!wanted || wanted[f]);
}

static void cache_hash(const struct kernels *ks, const struct inventory *inv, const bool *wanted,
		       const char *result, char out[17])
{
	_cleanup_free_ char *text = NULL;
	struct strbuf sb;

	sb_init(&sb);
	for (size_t i = 0; i < ks->n; i++) {
		sb_addf(&sb, "kernel %s %s\n", ks->items[i].version, ks->items[i].dir);
		for (size_t k = 0; k < ARRAY_SIZE(index_files); k++) {
			_cleanup_free_ char *path =
			    xasprintf("%s/%s", ks->items[i].dir, index_files[k]);
			struct stat st;

			if (stat(path, &st) < 0) {
				sb_addf(&sb, "%s -\n", index_files[k]);
				continue;
			}
			sb_addf(&sb, "%s %llu %llu %lld %lld.%09ld %lld.%09ld\n", index_files[k],
				(unsigned long long)st.st_dev, (unsigned long long)st.st_ino,
				(long long)st.st_size, (long long)st.st_mtim.tv_sec,
				st.st_mtim.tv_nsec, (long long)st.st_ctim.tv_sec,
				st.st_ctim.tv_nsec);
		}
	}
	for (size_t f = 0; f < inv->n_functions; f++)
		if (wanted_fn(inv, wanted, f)) {
			char addr[PCI_ADDR_STRLEN];

			pci_addr_format(&inv->functions[f].addr, addr);
			sb_addf(&sb, "function %s %s\n", addr, inv->functions[f].modalias);
		}
	sb_addf(&sb, "result %s\n", result);
	text = sb_steal(&sb);
	kcmdline_hash(text, out);
}

/* Add the words of s, separated by any of sep, to l. */
static void add_words(struct strlist *l, const char *s, const char *sep)
{
	_cleanup_free_ char *copy = xstrdup(s);
	char *save = NULL;

	for (char *w = strtok_r(copy, sep, &save); w; w = strtok_r(NULL, sep, &save))
		sl_add(l, w);
}

/* The result as one state value: "VFIO ADDR=MODULE,MODULE ADDR= ...", VFIO enum vfio_state. */
static char *cache_result(const struct inventory *inv, const bool *wanted)
{
	struct strbuf sb;

	sb_init(&sb);
	sb_addf(&sb, "%d", (int)inv->vfio_pci);
	for (size_t f = 0; f < inv->n_functions; f++)
		if (wanted_fn(inv, wanted, f)) {
			_cleanup_free_ char *mods = sl_join(&inv->functions[f].modules, ",");
			char addr[PCI_ADDR_STRLEN];

			pci_addr_format(&inv->functions[f].addr, addr);
			sb_addf(&sb, " %s=%s", addr, mods);
		}
	return sb_steal(&sb);
}

/* Fill inv from a record whose hash holds for these kernels and functions; false (inv
 * untouched) otherwise. */
static bool cache_apply(const struct kernels *ks, struct inventory *inv, const bool *wanted,
			const char *cache)
{
	const char *result = cache ? strchr(cache, ' ') : NULL;
	struct strlist words;
	char hash[17];
	int vfio;

	if (!result || result - cache != 16)
		return false;
	result++;
	cache_hash(ks, inv, wanted, result, hash);
	if (strncmp(cache, hash, 16) != 0)
		return false;
	sl_init(&words);
	add_words(&words, result, " ");
	vfio = words.n ? atoi(words.items[0]) : -1;
	if (vfio < VFIO_UNKNOWN || vfio > VFIO_MISSING) {
		sl_free(&words);
		return false;
	}
	inv->vfio_pci = (enum vfio_state)vfio;
	for (size_t f = 0, w = 1; f < inv->n_functions; f++) {
		const char *mods;

		if (!wanted_fn(inv, wanted, f))
			continue;
		/* the hash held: the words are those cache_result wrote, in its order */
		mods = w < words.n ? strchr(words.items[w++], '=') : NULL;
		if (mods && mods[1])
			add_words(&inv->functions[f].modules, mods + 1, ",");
	}
	sl_free(&words);
	return true;
}

/* wanted: NULL for every function, else one flag per function. cache: a record to believe
 * if its hash holds (NULL: none); *cache_out (if cache_out): the record of this result. */
static int resolve(const char *root, struct inventory *inv, const bool *wanted, const char *cache,
		   char **cache_out, struct error *err)
{
	_cleanup_(kernels_free) struct kernels ks = { 0 };
	bool any_builtin = false, any_module = false;
	_cleanup_free_ char *result = NULL;
	char hash[17];

	if (cache_out)
		*cache_out = NULL;
	kernels_find(root, &ks);
	sl_free(&inv->kernels);
	for (size_t i = 0; i < ks.n; i++)
		sl_add(&inv->kernels, ks.items[i].version);
	if (ks.n == 0) {
		/* A chroot or container without kernels: nothing to resolve against. */
		inv->vfio_pci = VFIO_UNKNOWN;
		return 0;
	}
	if (cache && cache_apply(&ks, inv, wanted, cache)) {
		if (cache_out)
			*cache_out = xstrdup(cache);
		return 0;
	}

	for (size_t i = 0; i < ks.n; i++) {
		enum module_state st;
		int r;

		if (kernel_open(&ks.items[i], err) < 0)
			return -1;
		r = module_state(ks.items[i].ctx, "vfio_pci", &st);
		if (r < 0)
			return error_set(err, EXIT_FAILURE_RUNTIME,
					 "libkmod lookup of vfio_pci in %s: %s", ks.items[i].dir,
					 strerror(-r));
		any_builtin |= st == MODULE_BUILTIN;
		any_module |= st == MODULE_LOADABLE;
	}
	inv->vfio_pci = any_builtin ? VFIO_BUILTIN : any_module ? VFIO_MODULE : VFIO_MISSING;

	for (size_t f = 0; f < inv->n_functions; f++) {
		struct pci_function *fn = &inv->functions[f];

		if (!wanted_fn(inv, wanted, f))
			continue;
		for (size_t i = 0; i < ks.n; i++) {
			int r = lookup_modalias(ks.items[i].ctx, fn->modalias, &fn->modules);

			if (r < 0)
				return error_set(err, EXIT_FAILURE_RUNTIME,
						 "libkmod lookup of %s in %s: %s", fn->modalias,
						 ks.items[i].dir, strerror(-r));
		}
		sl_sort(&fn->modules);
	}
	if (cache_out) {
		result = cache_result(inv, wanted);
		cache_hash(&ks, inv, wanted, result, hash);
		*cache_out = xasprintf("%s %s", hash, result);
	}
	return 0;
}

int modules_resolve(const char *root, struct inventory *inv, struct error *err)
{
	return resolve(root, inv, NULL, NULL, NULL, err);
}

int modules_resolve_cards_cached(const char *root, struct inventory *inv, const char *cache,
				 char **cache_out, struct error *err)
{
	_cleanup_free_ bool *wanted = xcalloc(inv->n_functions, sizeof(bool));

	for (size_t i = 0; i < inv->n_cards; i++)
		for (size_t k = 0; k < inv->cards[i].n_functions; k++)
			wanted[inv->cards[i].functions[k]] = true;
	return resolve(root, inv, wanted, cache, cache_out, err);
}

int modules_resolve_cards(const char *root, struct inventory *inv, struct error *err)
{
	return modules_resolve_cards_cached(root, inv, NULL, NULL, err);
}

const char *const vfio_modules_every_kernel[] = { "vfio", "vfio_iommu_type1", "vfio_pci", NULL };

void initramfs_modules_fallback(struct strlist *out)
{
	for (const char *const *m = vfio_modules_every_kernel; *m; m++)
		sl_add(out, *m);
}

bool is_vfio_module(const char *name)
{
	for (const char *const *m = vfio_modules_every_kernel; *m; m++)
		if (strcmp(name, *m) == 0)
			return true;
	return strcmp(name, "vfio_pci_core") == 0; /* vfio_pci's core since 5.15 */
}

int initramfs_modules(const char *root, const char *kver, struct strlist *out, struct error *err)
{
	/* vfio_virqfd was folded into vfio in 6.2: asked of each kernel's index, not its
	 * version. */
	_cleanup_(kernels_free) struct kernels ks = { 0 };
	struct kernel *k = NULL;
	struct strlist wanted;
	int r = 0;

	kernels_find(root, &ks);
	if (ks.n == 0) {
		_cleanup_free_ char *dir = path_join(root, module_dirs[0]);
		_cleanup_free_ char *usr_dir = path_join(root, module_dirs[1]);

		return error_set(err, EXIT_FAILURE_RUNTIME,
				 "no kernel with a module index under %s or %s", dir, usr_dir);
	}
	if (!kver) {
		k = &ks.items[ks.n - 1]; /* sorted: the newest */
	} else {
		for (size_t i = 0; i < ks.n; i++)
			if (strcmp(ks.items[i].version, kver) == 0)
				k = &ks.items[i];
	}
	if (!k) {
		struct strlist names;
		_cleanup_free_ char *known = NULL;
		_cleanup_free_ char *shown = str_printable(kver);

		sl_init(&names);
		for (size_t i = 0; i < ks.n; i++)
			sl_add(&names, ks.items[i].version);
		known = sl_join(&names, ", ");
		sl_free(&names);
		return error_set(err, EXIT_USAGE,
				 "unknown kernel version '%s': installed kernels are %s", shown,
				 known);
	}

	if (kernel_open(k, err) < 0)
		return -1;
	sl_init(&wanted);
	initramfs_modules_fallback(&wanted);
	sl_add(&wanted, "vfio_virqfd");
	for (size_t i = 0; i < wanted.n && r == 0; i++) {
		enum module_state st;

		r = module_state(k->ctx, wanted.items[i], &st);
		if (r < 0)
			error_set(err, EXIT_FAILURE_RUNTIME, "libkmod lookup of %s in %s: %s",
				  wanted.items[i], k->dir, strerror(-r));
		/* Builtins need no loading; a missing one cannot be added. */
		else if (st == MODULE_LOADABLE)
			sl_add(out, wanted.items[i]);
	}
	sl_free(&wanted);
	return r < 0 ? -1 : 0;
}
