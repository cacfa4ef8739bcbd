// SPDX-License-Identifier: GPL-2.0-or-later
/* Gauges only: each value is what `status` sees now, rewritten by every run. A state
 * (a check's result, the overall result) is one series per possible value, 1 for the
 * current one and 0 for the others, so that an alert matches `== 1` and a change of state
 * does not leave a stale series behind. */
#include <string.h>

#include "util.h"

#include "json.h"
#include "status-format.h"
#include "status-prometheus.h"
#include "vm-fit.h"

static const enum check_result check_results[] = {
	CHECK_PASS, CHECK_FAIL, CHECK_PENDING, CHECK_WARN, CHECK_UNKNOWN,
};

static const char *const overall_results[] = {
	"ready",
	"reboot-pending",
	"failed",
	"not-configured",
};

/* A label value: backslash, double quote and newline escaped, as the format demands;
 * bytes that are not UTF-8 (a file name from disk) become U+FFFD, which it also demands. */
static void label_value(struct strbuf *out, const char *s)
{
	const unsigned char *p = (const unsigned char *)(s ? s : "");

	sb_add(out, "\"");
	while (*p) {
		size_t n = utf8_len(p);

		if (n == 0) {
			sb_add(out, "\xef\xbf\xbd");
			p++;
		} else if (*p == '\\' || *p == '"') {
			sb_addf(out, "\\%c", *p++);
		} else if (*p == '\n') {
			sb_add(out, "\\n");
			p++;
		} else {
			sb_addf(out, "%.*s", (int)n, (const char *)p);
			p += n;
		}
	}
	sb_add(out, "\"");
}

static void header(struct strbuf *out, const char *name, const char *help)
{
	sb_addf(out, "# HELP " METRIC_PREFIX "%s %s\n# TYPE " METRIC_PREFIX "%s gauge\n", name,
		help, name);
}

/* Worse first: of two checks with one id and subject, the series shows the worse. */
static int severity(enum check_result r)
{
	switch (r) {
	case CHECK_FAIL:
		return 4;
	case CHECK_PENDING:
		return 3;
	case CHECK_UNKNOWN:
		return 2;
	case CHECK_WARN:
		return 1;
	case CHECK_PASS:
		return 0;
	}
	return 0;
}

static bool same_series(const struct check *a, const struct check *b)
{
	return strcmp(a->id, b->id) == 0 &&
	       strcmp(a->subject ? a->subject : "", b->subject ? b->subject : "") == 0;
}

/* A series may appear once per scrape (node_exporter refuses the whole file otherwise),
 * but a report can hold two findings of one check about one subject. */
static void checks(const struct status_report *r, struct strbuf *out)
{
	header(
	    out, "check",
	    "Each status check by id and subject: 1 for its result now (pass, fail, pending, warn, unknown), 0 for the others.");
	for (size_t i = 0; i < r->n; i++) {
		enum check_result worst = r->checks[i].result;
		bool seen = false;

		for (size_t k = 0; k < i && !seen; k++)
			seen = same_series(&r->checks[k], &r->checks[i]);
		if (seen)
			continue;
		for (size_t k = i + 1; k < r->n; k++)
			if (same_series(&r->checks[k], &r->checks[i]) &&
			    severity(r->checks[k].result) > severity(worst))
				worst = r->checks[k].result;
		for (size_t k = 0; k < ARRAY_SIZE(check_results); k++) {
			sb_add(out, METRIC_PREFIX "check{check=");
			label_value(out, r->checks[i].id);
			sb_add(out, ",subject=");
			label_value(out, r->checks[i].subject);
			sb_addf(out, ",result=\"%s\"} %d\n", check_result_name(check_results[k]),
				check_results[k] == worst);
		}
	}
}

/* One gauge per configured card whose BAR sizes sysfs gives: its largest BAR (total false)
 * or its 64-bit BARs together (total true). Nothing when no card has sizes. */
static void bar_metric(const struct status_input *in, bool total, struct strbuf *out)
{
	bool headed = false;

	for (size_t i = 0; i < in->n_cards; i++) {
		struct card_bars b;
		char a[PCI_ADDR_STRLEN];

		if (!status_card_bars(in, i, &b))
			continue;
		if (!headed && !total)
			header(
			    out, "card_largest_bar_bytes",
			    "Each configured card's largest memory BAR, in bytes (sysfs resource).");
		if (!headed && total)
			header(
			    out, "card_bar64_bytes",
			    "Each configured card's 64-bit memory BARs together, in bytes: what a "
			    "guest's 64-bit PCI window must hold (32 GiB unless widened).");
		headed = true;
		pci_addr_format(&in->cards[i].addr, a);
		sb_addf(out, METRIC_PREFIX "%s{card=\"%s\"} %llu\n",
			total ? "card_bar64_bytes" : "card_largest_bar_bytes", a,
			(unsigned long long)(total ? b.mem64_total : b.largest));
	}
}

/* What the VM will meet, as numbers: the configured cards' BARs, and interrupt remapping
 * where an IOMMU unit says. */
static void vm_metrics(const struct status_input *in, struct strbuf *out)
{
	enum irq_remap_state st;

	bar_metric(in, false, out);
	bar_metric(in, true, out);
	if (!in->inv || !in->n_cards)
		return;
	st = vm_irq_remap(&in->inv->irq_remap, in->cmdline);
	if (st == IRQ_REMAP_UNKNOWN)
		return;
	header(out, "interrupt_remapping",
	       "1 if interrupt remapping is on (every VT-d unit has it, or AMD-Vi, and the command "
	       "line does not turn it off), else 0; absent when no IOMMU unit says.");
	sb_addf(out, METRIC_PREFIX "interrupt_remapping %d\n", st == IRQ_REMAP_ON);
}

void status_format_prometheus(const struct status_input *in, const struct status_report *r,
			      struct strbuf *out)
{
	const char *result = status_result_word(r);

	header(
	    out, "result",
	    "The overall result of status: 1 for the one now (ready, reboot-pending, failed, not-configured), 0 for the others.");
	for (size_t i = 0; i < ARRAY_SIZE(overall_results); i++)
		sb_addf(out, METRIC_PREFIX "result{result=\"%s\"} %d\n", overall_results[i],
			strcmp(overall_results[i], result) == 0);
	checks(r, out);
	header(
	    out, "function_vfio_bound",
	    "Each PCI function the configuration hands to vfio-pci: 1 if vfio-pci (or a vfio-pci variant driver) holds it now, else 0.");
	for (size_t i = 0; i < in->n_functions; i++) {
		char addr[PCI_ADDR_STRLEN];

		pci_addr_format(&in->functions[i].addr, addr);
		sb_addf(out, METRIC_PREFIX "function_vfio_bound{function=\"%s\"} %d\n", addr,
			in->functions[i].present && driver_is_vfio(in->functions[i].driver));
	}
	vm_metrics(in, out);
	header(out, "reboot_pending", "1 if the last change is not active until a reboot, else 0.");
	sb_addf(out, METRIC_PREFIX "reboot_pending %d\n", r->reboot_pending);
	header(out, "trial_pending",
	       "1 while a trial configuration (apply --trial) waits for confirm, else 0.");
	sb_addf(out, METRIC_PREFIX "trial_pending %d\n", in->trial_pending);
	if (!in->have_state)
		return; /* no apply recorded: no result, no time */
	header(out, "last_apply_success", "1 if the last apply succeeded, 0 if it failed.");
	sb_addf(out, METRIC_PREFIX "last_apply_success %d\n", !in->last_apply_failed);
	if (in->last_apply_time < 0)
		return;
	header(
	    out, "last_apply_timestamp_seconds",
	    "When the last apply recorded its result (the state file's modification time), in seconds since the epoch.");
	sb_addf(out, METRIC_PREFIX "last_apply_timestamp_seconds %lld\n",
		(long long)in->last_apply_time);
}
