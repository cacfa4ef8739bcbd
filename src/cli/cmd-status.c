// SPDX-License-Identifier: GPL-2.0-or-later
/* `status [--json|--prometheus [--output FILE]]`: did it work after the reboot, and if
 * not, why. Gathers the facts under --root (libpci and sysfs through detect, the settings
 * re-rendered, /proc, /boot, the state file) into a status_input; status-check.c decides and
 * formats. */
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "log.h"
#include "util.h"

#include "boot-stack.h"
#include "commands.h"
#include "conflicts.h"
#include "modules.h"
#include "policy.h"
#include "regen.h"
#include "render.h"
#include "root-path.h"
#include "run-tool.h"
#include "settings.h"
#include "state.h"
#include "hypervisor.h"
#include "initramfs-image.h"
#include "kernel-cmdline-file.h"
#include "kernel-cmdline.h"
#include "status-check.h"
#include "status-format.h"
#include "status-kubevirt.h"
#include "status-prometheus.h"
#include "system.h"
#include "trial.h"
#include "writer.h"

/* An initramfs is tens of MB; anything beyond this is not one we can judge. */
#define INITRAMFS_MAX (512u << 20)

/* Everything gathered from the machine; status_input points into it. */
struct status_facts {
	struct boot_facts boot; /* this boot and the machine's inventory */
	struct request req;
	struct plan plan;
	bool have_plan;
	struct error err;
	struct rendered_file rendered[RENDERED_MAX];
	size_t n_rendered;
	char *actual[RENDERED_MAX];
	struct status_file files[RENDERED_MAX];
	struct status_function *functions;
	struct status_card *cards;
	struct status_function *host_functions;
	struct status_function *stray_vfio;
	struct apply_state state;
	bool have_state;
	char *applied_params;		  /* what the boot loader's drop-in on disk appends */
	const struct boot_loader *loader; /* the one in use, NULL if none is found */
	const struct initramfs_generator *generator; /* likewise, read once for every check */
	char *params_file_text;	  /* the loader's shared_params_file, if it has one */
	char *params_vendor_text; /* what kernel-install reads without it, if it exists */
	char *hypervisor;
	char *kernel;
	char *initramfs_path;
	char *initramfs_reason;
	struct strlist initramfs_missing;
	struct conflict_list conflicts;
	struct kubevirt_device *kubevirt;
	size_t n_kubevirt;
};

static char *read_under(const char *root, const char *path)
{
	_cleanup_free_ char *full = path_join(root, path);

	return read_attr(full);
}

/* Use the cards the last apply configured (they may have come from --devices), else the
 * settings file; consent was given at apply time, so re-rendering must not refuse again.
 */
static void request_from_state(struct status_facts *g, struct request *devices,
			       struct request_overrides *o)
{
	const char *bad = NULL;

	request_init(devices);
	*o = (struct request_overrides){ 0 };
	if (!g->state.cards)
		return;
	devices->devices_auto = false;
	if (!g->state.cards[strspn(g->state.cards, " ")]) {
		/* The last apply configured no card. */
		o->devices = devices;
		return;
	}
	if (pci_addr_list_parse(g->state.cards, &devices->devices, &devices->n_devices, &bad) < 0)
		return;
	o->devices = devices;
	o->force = true;
	/* NVSwitches among them: apply had --full-passthrough */
	for (size_t i = 0; i < devices->n_devices; i++) {
		int c = inventory_find_card(&g->boot.inv, &devices->devices[i]);

		if (c >= 0 && g->boot.inv.cards[c].nvswitch)
			o->full_passthrough = true;
	}
}

static void gather_functions(struct status_facts *g, struct status_input *in)
{
	size_t n = g->have_plan ? g->plan.n_functions : 0;

	g->functions = xcalloc(n, sizeof(*g->functions));
	for (size_t i = 0; i < n; i++) {
		struct status_function *f = &g->functions[i];
		const struct pci_function *pf = inventory_find(&g->boot.inv, &g->plan.functions[i]);

		f->addr = g->plan.functions[i];
		f->present = pf != NULL;
		f->driver = pf ? pf->driver : NULL;
	}
	in->functions = g->functions;
	in->n_functions = n;
}

static void gather_cards(struct status_facts *g, struct status_input *in)
{
	if (!g->have_plan)
		return;
	g->cards = xcalloc(g->plan.n_cards, sizeof(*g->cards));
	for (size_t i = 0; i < g->plan.n_cards; i++) {
		struct status_card *c = &g->cards[in->n_cards];
		const struct pci_function *pf;
		int idx;

		c->addr = g->plan.cards[i];
		idx = inventory_find_card(&g->boot.inv, &c->addr);
		pf = inventory_find(&g->boot.inv, &c->addr);
		c->iommu_group = pf ? pf->iommu_group : -1;
		c->name = pf ? pf->name : NULL;
		c->group_peers = idx >= 0 ? &g->boot.inv.cards[idx].group_peers : NULL;
		c->boot_vga = idx >= 0 && g->boot.inv.cards[idx].boot_vga;
		c->host = idx >= 0 && g->boot.inv.cards[idx].host;
		in->n_cards++;
	}
	in->cards = g->cards;
}

static void gather_host_card(struct status_facts *g, struct status_input *in)
{
	const struct card *host;

	if (!g->have_plan || g->boot.inv.host_card < 0)
		return;
	host = &g->boot.inv.cards[g->boot.inv.host_card];
	g->host_functions = xcalloc(host->n_functions, sizeof(*g->host_functions));
	for (size_t i = 0; i < host->n_functions; i++) {
		const struct pci_function *pf = &g->boot.inv.functions[host->functions[i]];

		if (pci_addr_list_has(g->plan.functions, g->plan.n_functions, &pf->addr))
			continue; /* passed with consent: not the host's any more */
		g->host_functions[in->n_host_functions++] = (struct status_function){
			.addr = pf->addr, .present = true, .driver = pf->driver
		};
	}
	in->host_functions = g->host_functions;
}

static void gather_stray_vfio(struct status_facts *g, struct status_input *in)
{
	if (in->configured || in->config_error)
		return;
	g->stray_vfio = xcalloc(g->boot.inv.n_functions, sizeof(*g->stray_vfio));
	for (size_t i = 0; i < g->boot.inv.n_functions; i++) {
		const struct pci_function *pf = &g->boot.inv.functions[i];

		/* A VF on vfio-pci is how a VF goes to a VM: the admin's, not a stray. */
		if (driver_is_vfio(pf->driver) && !pf->is_vf)
			g->stray_vfio[in->n_stray_vfio++] = (struct status_function){
				.addr = pf->addr, .present = true, .driver = pf->driver
			};
	}
	in->stray_vfio = g->stray_vfio;
}

static void gather_files(const char *root, struct status_facts *g, struct status_input *in)
{
	int dropin = -1;

	if (!g->have_plan)
		return;
	g->n_rendered = render_plan(&g->plan, g->rendered);
	for (size_t i = 0; i < g->n_rendered; i++) {
		_cleanup_free_ char *full = path_join(root, g->rendered[i].path);

		g->actual[i] = read_file(full, 1 << 20, NULL);
		g->files[i] = (struct status_file){ .path = g->rendered[i].path,
						    .expected = g->rendered[i].content,
						    .actual = g->actual[i] };
	}
	in->files = g->files;
	in->n_files = g->n_rendered;
	if (g->state.config_hash) {
		struct rendered_file on_disk[RENDERED_MAX];
		char hash[17];

		for (size_t i = 0; i < g->n_rendered; i++)
			on_disk[i] = (struct rendered_file){ .path = g->rendered[i].path,
							     .content = g->actual[i] };
		rendered_hash(on_disk, g->n_rendered, hash);
		in->files_as_applied = strcmp(hash, g->state.config_hash) == 0;
	}
	/* kernel-install and proxmox-boot-tool take the parameters from the admin's file. */
	if (g->loader && g->loader->shared_params_file) {
		in->params_file = g->loader->shared_params_file;
		g->params_file_text = read_under(root, in->params_file);
		in->params_file_text = g->params_file_text;
		g->params_vendor_text = kernel_cmdline_vendor_text(root);
		in->params_vendor_text = g->params_vendor_text;
	}
	/* The command line must carry what the boot loader was given (the drop-in apply
	 * wrote), not what the settings would give now: an edit not applied yet is the
	 * settings check's finding. Without the file, only the settings can say. The loader
	 * in use's drop-in, else the first one (written whichever loader boots). */
	for (size_t i = 0; i < g->n_rendered; i++) {
		const struct boot_loader *l = g->rendered[i].params_of;

		if (l && (dropin < 0 || (l == g->loader && g->rendered[dropin].params_of != l)))
			dropin = (int)i;
	}
	if (dropin >= 0 && (g->actual[dropin] || in->files_as_applied)) {
		g->applied_params = g->rendered[dropin].params_of->dropin_params(g->actual[dropin]);
		in->expected_params = g->applied_params;
	}
}

static bool have_program(const char *name)
{
	const char *path = getenv("PATH");
	_cleanup_free_ char *copy = xstrdup(path ? path : "/usr/sbin:/usr/bin:/sbin:/bin");
	char *save = NULL;

	for (char *d = strtok_r(copy, ":", &save); d; d = strtok_r(NULL, ":", &save)) {
		_cleanup_free_ char *p = xasprintf("%s/%s", d, name);

		if (access(p, X_OK) == 0)
			return true;
	}
	return false;
}

static void gather_initramfs(const char *root, struct status_facts *g, struct status_input *in)
{
	struct strlist needed, needed_files, names, mods;
	struct error err = { 0 };
	_cleanup_free_ char *full = NULL;
	_cleanup_free_ unsigned char *data = NULL;
	size_t len = 0;

	in->kernel = g->kernel;
	in->initramfs_missing = &g->initramfs_missing;
	if (!g->kernel) {
		in->initramfs = INITRAMFS_UNKNOWN;
		in->initramfs_reason =
		    "the running kernel's version is unknown (/proc/sys/kernel/osrelease)";
		return;
	}
	/* The image the loader's entry loads (systemd-boot: kernel-install's copy on the ESP). */
	if (g->loader && g->loader->booted_initramfs)
		g->initramfs_path = g->loader->booted_initramfs(root, g->kernel);
	if (!g->initramfs_path)
		g->initramfs_path = xasprintf(INITRD_IMAGE_FMT, g->kernel);
	in->initramfs_path = g->initramfs_path;
	full = path_join(root, g->initramfs_path);
	if (access(full, F_OK) != 0) {
		in->initramfs = INITRAMFS_NO_IMAGE;
		return;
	}
	sl_init(&needed);
	sl_init(&needed_files);
	sl_init(&names);
	sl_init(&mods);
	if (initramfs_modules(root, g->kernel, &needed, &err) < 0)
		initramfs_modules_fallback(&needed); /* the kernel's module index is not here */
	/* The generator copies the modprobe.d file and the address list in: an image built
	 * before apply has neither, and vfio-pci cannot claim the card early. */
	for (size_t i = 0; i < g->n_rendered; i++)
		if (g->rendered[i].content &&
		    (strcmp(g->rendered[i].path, MODPROBE_PATH) == 0 ||
		     strcmp(g->rendered[i].path, DRIVER_OVERRIDE_PATH) == 0))
			sl_add(&needed_files, g->rendered[i].path + 1);
	if (!needed.n && !needed_files.n) {
		in->initramfs = INITRAMFS_OK; /* all built in, nothing to copy */
		goto out;
	}
	data = (unsigned char *)read_file(full, INITRAMFS_MAX, &len);
	if (!data) {
		in->initramfs = INITRAMFS_UNKNOWN;
		g->initramfs_reason = xasprintf("cannot read %s", g->initramfs_path);
	} else if (cpio_newc_list(data, len, &names) != len) {
		/* Plain cpio first (microcode), then a compressed archive: the
		 * generator's own lister knows every compression it builds with. */
		const struct initramfs_generator *gen =
		    initramfs_generator_or_default(g->generator);

		sl_free(&names);
		sl_init(&names);
		if (!have_program(gen->lister)) {
			in->initramfs = INITRAMFS_UNKNOWN;
			g->initramfs_reason =
			    xasprintf("the image is compressed and %s (%s) is not installed",
				      gen->lister, gen->name);
		} else if (gen->list_image(full, &names) < 0) {
			in->initramfs = INITRAMFS_UNKNOWN;
			g->initramfs_reason =
			    xasprintf("%s could not read %s", gen->lister, g->initramfs_path);
		} else {
			in->initramfs = INITRAMFS_OK;
		}
	} else {
		in->initramfs = INITRAMFS_OK;
	}
	if (in->initramfs == INITRAMFS_OK) {
		module_names_from_paths(&names, &mods);
		for (size_t i = 0; i < needed.n; i++)
			if (!sl_has(&mods, needed.items[i]))
				sl_add(&g->initramfs_missing, needed.items[i]);
		for (size_t i = 0; i < names.n; i++) {
			/* Listers print "etc/...", some cpio writers "./etc/...". */
			char *n = names.items[i];

			while (n[0] == '.' && n[1] == '/')
				n += 2;
			while (n[0] == '/')
				n++;
			memmove(names.items[i], n, strlen(n) + 1);
		}
		for (size_t i = 0; i < needed_files.n; i++) {
			_cleanup_free_ char *shown = xasprintf("/%s", needed_files.items[i]);

			if (!sl_has(&names, needed_files.items[i]))
				sl_add(&g->initramfs_missing, shown);
		}
		if (g->initramfs_missing.n)
			in->initramfs = INITRAMFS_MISSING;
	}
out:
	in->initramfs_reason = g->initramfs_reason;
	sl_free(&needed);
	sl_free(&needed_files);
	sl_free(&names);
	sl_free(&mods);
}

static enum vfio_lookup vfio_lookup_of(const struct inventory *inv)
{
	if (inv->vfio_pci == VFIO_MISSING)
		return VFIO_LOOKUP_MISSING;
	if (inv->vfio_pci != VFIO_UNKNOWN)
		return VFIO_LOOKUP_FOUND;
	return inv->kernels.n ? VFIO_LOOKUP_NO_INDEX : VFIO_LOOKUP_NO_KERNEL;
}

static void gather_hypervisor(const char *root, struct status_facts *g, struct status_input *in)
{
	_cleanup_free_ char *vendor = read_under(root, "/sys/class/dmi/id/sys_vendor");
	_cleanup_free_ char *product = read_under(root, "/sys/class/dmi/id/product_name");
	_cleanup_free_ char *cpuinfo_path = path_join(root, "/proc/cpuinfo");
	_cleanup_free_ char *cpuinfo = read_file(cpuinfo_path, 16 << 20, NULL);

	g->hypervisor = hypervisor_name(vendor, product, cpuinfo);
	in->hypervisor = g->hypervisor;
}

/* When the state file was last written: by the last apply, or by a regeneration it or
 * remove journalled. -1 if there is none. */
static int64_t state_time(const char *root)
{
	struct stat st;
	int fd = root_open(root, STATE_PATH, O_RDONLY);
	int r;

	if (fd < 0)
		return -1;
	r = fstat(fd, &st);
	close(fd);
	return r < 0 ? -1 : (int64_t)st.st_mtime;
}

static bool have_settings(const char *root)
{
	_cleanup_free_ char *path = path_join(root, SETTINGS_PATH);

	return access(path, F_OK) == 0;
}

/* What a trial's report and the checks both need, read once: the state, this boot and the
 * machine. */
static void gather_machine(const char *root, struct status_facts *g)
{
	g->have_state = state_load(root, &g->state);
	g->kernel = read_under(root, "/proc/sys/kernel/osrelease");
	boot_facts_read(root, &g->boot);
}

static void gather(const char *root, struct status_facts *g, struct status_input *in)
{
	struct request state_devices;
	struct request_overrides overrides;

	memset(in, 0, sizeof(*in));
	in->have_state = g->have_state;
	in->state_boot_id = g->state.boot_id;
	in->last_apply_failed = g->state.last_apply_failed;
	in->last_apply_error = g->state.last_apply_message;
	in->regen_pending = g->state.regen_pending;
	in->last_apply_time = in->have_state ? state_time(root) : -1;
	in->trial_pending = g->state.trial && *g->state.trial; /* apply --trial's token */
	in->boot_id = g->boot.boot_id;
	if (!g->boot.have_inv) {
		in->config_error = g->boot.err.msg;
		return;
	}
	in->cpu = g->boot.inv.cpu;
	in->inv = &g->boot.inv;
	in->have_pci = g->boot.inv.have_pci;
	in->cmdline = g->boot.inv.cmdline;
	in->iommu_groups = g->boot.inv.iommu_groups;
	in->vfio_lookup = vfio_lookup_of(&g->boot.inv);
	gather_hypervisor(root, g, in);

	request_init(&g->req);
	if (!in->have_state && !have_settings(root)) {
		/* Neither apply nor the package ever ran (or remove/purge undid them). */
		gather_stray_vfio(g, in);
		return;
	}
	request_from_state(g, &state_devices, &overrides);
	if (system_plan(root, &g->boot.inv, &overrides, &g->req, &g->plan, &g->err) < 0) {
		in->config_error = g->err.msg;
	} else {
		g->have_plan = true;
		in->configured = !plan_is_empty(&g->plan);
		in->expected_params = g->plan.kernel_params;
		in->vfio_builtin = g->plan.vfio_builtin;
	}
	request_free(&state_devices);
	gather_functions(g, in);
	if (g->have_plan)
		g->n_kubevirt = kubevirt_devices(&g->boot.inv, g->plan.functions,
						 g->plan.n_functions, &g->kubevirt);
	in->kubevirt = g->kubevirt;
	in->n_kubevirt = g->n_kubevirt;
	gather_cards(g, in);
	gather_host_card(g, in);
	gather_stray_vfio(g, in);
	g->loader = boot_loader_in_use(root);
	g->generator = initramfs_generator_in_use(root);
	in->generator = g->generator;
	in->loader = g->loader;
	gather_files(root, g, in);
	if (in->have_pci)
		gather_initramfs(root, g, in);
	conflicts_scan(root, g->have_plan ? &g->plan.softdeps : NULL, &g->conflicts);
	in->conflicts = g->conflicts.items;
	in->n_conflicts = g->conflicts.n;
}

static void status_facts_free(struct status_facts *g)
{
	if (g->have_plan)
		plan_free(&g->plan);
	request_free(&g->req);
	rendered_free(g->rendered, g->n_rendered);
	for (size_t i = 0; i < g->n_rendered; i++)
		free(g->actual[i]);
	free(g->functions);
	free(g->cards);
	free(g->host_functions);
	free(g->stray_vfio);
	apply_state_free(&g->state);
	free(g->applied_params);
	free(g->params_file_text);
	free(g->params_vendor_text);
	free(g->hypervisor);
	free(g->kernel);
	free(g->initramfs_path);
	free(g->initramfs_reason);
	sl_free(&g->initramfs_missing);
	conflicts_free(&g->conflicts);
	kubevirt_devices_free(g->kubevirt, g->n_kubevirt);
	boot_facts_free(&g->boot);
}

/* The metrics into FILE for node_exporter's textfile collector: a temporary file in the
 * same directory renamed over it, so the collector never reads half a file. An unchanged
 * file is touched: the collector's node_textfile_mtime_seconds tells a stale writer. */
static int write_metrics(const char *output, const char *text)
{
	_cleanup_free_ char *cwd = output[0] == '/' ? NULL : getcwd(NULL, 0);
	_cleanup_free_ char *path = cwd ? xasprintf("%s/%s", cwd, output) : xstrdup(output);
	_cleanup_free_ char *dir = path_dir(path);
	_cleanup_free_ char *shown = str_printable(path);
	struct error err = { 0 };
	struct transaction tx;
	struct stat st;
	int r = EXIT_OK;

	if (stat(dir, &st) < 0 || !S_ISDIR(st.st_mode)) {
		log_error("status: cannot write %s: its directory does not exist", shown);
		return EXIT_FAILURE_RUNTIME;
	}
	tx_init(&tx);
	if (tx_stage(&tx, path, text, &err) < 0 || tx_commit(&tx, &err) < 0) {
		log_error("status: %s", err.msg);
		r = EXIT_FAILURE_RUNTIME;
	} else if (!tx_changed(&tx) && utimensat(AT_FDCWD, path, NULL, 0) < 0) {
		log_error("status: cannot touch %s: %s", shown, file_error(errno));
		r = EXIT_FAILURE_RUNTIME;
	}
	tx_free(&tx);
	return r;
}

static int run_status(const struct context *ctx, int argc, char **argv)
{
	static const struct option opts[] = {
		{ "json", no_argument, NULL, 'j' },
		{ "prometheus", no_argument, NULL, 'p' },
		{ "output", required_argument, NULL, 'o' },
		{ "help", no_argument, NULL, 'h' },
		{ 0 },
	};
	struct status_facts g;
	struct status_input in;
	struct status_report report;
	struct strbuf out;
	bool json = false, prometheus = false;
	const char *output = NULL;
	int c, code;

	while ((c = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
		switch (c) {
		case 'j':
			json = true;
			break;
		case 'p':
			prometheus = true;
			break;
		case 'o':
			output = optarg;
			break;
		case 'h':
			puts(
			    "Usage: vfio-passthrough-setup status [--json | --prometheus [--output FILE]]\n"
			    "Check that the configured card is bound to vfio-pci, the kernel command line, IOMMU,\n"
			    "files, initramfs and IOMMU group are right, and whether a reboot is pending.\n"
			    "--prometheus prints metrics in the Prometheus text format; --output writes them to FILE\n"
			    "atomically (node_exporter's textfile collector) and exits 0 once written.\n"
			    "Exit status: 0 all pass (or nothing is configured), 1 a check fails, 3 reboot pending.\n"
			    "With a trial pending (apply --trial): 3 before the trial boot, 0 in it with the\n"
			    "cards on vfio-pci, 1 in a later boot (the trial was not confirmed), 1 after\n"
			    "an interrupted confirm or an apply --trial cut short before it armed the trial.");
			return EXIT_OK;
		default:
			return EXIT_USAGE;
		}
	}
	if (optind < argc)
		return log_unexpected_argument("status", argv[optind]);
	if (json && prometheus) {
		log_error("status: --json and --prometheus exclude each other");
		return EXIT_USAGE;
	}
	if (output && !prometheus) {
		log_error("status: --output needs --prometheus");
		return EXIT_USAGE;
	}
	memset(&g, 0, sizeof(g));
	sl_init(&g.initramfs_missing);
	conflicts_init(&g.conflicts);
	gather_machine(ctx->root, &g);
	/* A trial is not a permanent configuration yet: its own report (the metrics say
	 * trial_pending through the state). */
	if (!prometheus) {
		code = trial_status(&g.state, &g.boot, json);
		if (code >= 0) {
			status_facts_free(&g);
			return code;
		}
	}
	gather(ctx->root, &g, &in);
	status_evaluate(&in, &report);
	sb_init(&out);
	if (json)
		status_format_json(&in, &report, &out);
	else if (prometheus)
		status_format_prometheus(&in, &report, &out);
	else
		status_format_text(&in, &report, &out);
	code = status_exit_code(&report);
	if (output)
		code = write_metrics(output, out.buf);
	else
		fputs(out.buf, stdout);
	sb_free(&out);
	status_report_free(&report);
	status_facts_free(&g);
	return code;
}

const struct command cmd_status = {
	.name = "status",
	.run = run_status,
	.usage = "status [--json | --prometheus [--output FILE]]",
	.help = "check that passthrough is active after the reboot (exit 3: reboot pending)",
};
