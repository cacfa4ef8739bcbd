/* SPDX-License-Identifier: GPL-2.0-or-later */
/* `status --prometheus`: the report as metrics in the Prometheus text exposition format
 * (version 0.0.4), for node_exporter's textfile collector. Pure. */
#pragma once

#include "status-check.h"
#include "status-report.h"
#include "util.h"

/* Metric names; each series is listed in doc/vfio-passthrough-setup.8. */
#define METRIC_PREFIX "vfio_passthrough_setup_"

void status_format_prometheus(const struct status_input *in, const struct status_report *r,
			      struct strbuf *out);
