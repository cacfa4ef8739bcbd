// SPDX-License-Identifier: GPL-2.0-or-later
/* status --prometheus: one series per check and subject, label values escaped as the text
 * format demands, the trial and last-apply gauges. The goldens
 * (tests/roots/MACHINE/expected/status.CASE-prometheus.out) and promtool (tests/metrics/run)
 * cover whole reports. */
#include <stdlib.h>
#include <string.h>

#include "status-prometheus.h"
#include "unit.h"

static int count(const char *hay, const char *needle)
{
	int n = 0;

	for (const char *p = strstr(hay, needle); p; p = strstr(p + 1, needle))
		n++;
	return n;
}

int main(void)
{
	struct status_report r = { 0 };
	struct status_input in = { 0 };
	struct status_function fn[2] = { 0 };
	struct strbuf sb;

	/* Two findings of one check about one subject: one series, the worse result. */
	report_add(&r, "conflict", "/etc/modprobe.d/a.conf:1", CHECK_WARN, NULL, NULL, "x");
	report_add(&r, "conflict", "/etc/modprobe.d/a.conf:1", CHECK_FAIL, NULL, NULL, "y");
	report_add(&r, "conflict", "/etc/modprobe.d/a.conf:1", CHECK_PASS, NULL, NULL, "z");
	/* A file name from disk: quote, backslash, newline, a byte that is not UTF-8. */
	report_add(&r, "conflict", "/etc/x\"y\\z\n\xff.conf", CHECK_WARN, NULL, NULL, "w");
	pci_addr_parse("0000:01:00.0", &fn[0].addr);
	fn[0].present = true;
	fn[0].driver = "vfio-pci";
	pci_addr_parse("0000:01:00.1", &fn[1].addr);
	fn[1].present = true;
	fn[1].driver = "snd_hda_intel";
	in.functions = fn;
	in.n_functions = 2;
	in.trial_pending = true;
	in.have_state = true;
	in.last_apply_failed = true;
	in.last_apply_time = -1;

	sb_init(&sb);
	status_format_prometheus(&in, &r, &sb);
	CHECK(count(sb.buf, "subject=\"/etc/modprobe.d/a.conf:1\"") == 5);
	CHECK(strstr(
	    sb.buf,
	    "vfio_passthrough_setup_check{check=\"conflict\",subject=\"/etc/modprobe.d/a.conf:1\",result=\"fail\"} 1\n"));
	CHECK(strstr(sb.buf, "subject=\"/etc/modprobe.d/a.conf:1\",result=\"warn\"} 0\n"));
	CHECK(strstr(sb.buf,
		     "subject=\"/etc/x\\\"y\\\\z\\n\xef\xbf\xbd.conf\",result=\"warn\"} 1\n"));
	CHECK(strstr(sb.buf, "vfio_passthrough_setup_result{result=\"failed\"} 1\n"));
	CHECK(strstr(sb.buf,
		     "vfio_passthrough_setup_function_vfio_bound{function=\"0000:01:00.0\"} 1\n"));
	CHECK(strstr(sb.buf,
		     "vfio_passthrough_setup_function_vfio_bound{function=\"0000:01:00.1\"} 0\n"));
	CHECK(strstr(sb.buf, "vfio_passthrough_setup_trial_pending 1\n"));
	CHECK(strstr(sb.buf, "vfio_passthrough_setup_last_apply_success 0\n"));
	CHECK(!strstr(sb.buf, "last_apply_timestamp_seconds")); /* time unknown */
	/* Every series has its HELP and TYPE, and every line ends. */
	CHECK(count(sb.buf, "# HELP ") == count(sb.buf, "# TYPE "));
	CHECK(sb.len && sb.buf[sb.len - 1] == '\n');

	/* No apply recorded: no result, no time. */
	sb.len = 0;
	sb.buf[0] = '\0';
	in.have_state = false;
	in.trial_pending = false;
	status_format_prometheus(&in, &r, &sb);
	CHECK(strstr(sb.buf, "vfio_passthrough_setup_trial_pending 0\n"));
	CHECK(!strstr(sb.buf, "last_apply"));
	sb_free(&sb);
	status_report_free(&r);
	return unit_done("status-prometheus");
}
