/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The report `status` builds: a list of checks, each pass/fail/pending/warn/unknown with
 * what was found, the likely cause and the fix; and the exit status the list maps to. */
#pragma once

#include <stdbool.h>
#include <stddef.h>

enum check_result {
	CHECK_PASS,
	CHECK_FAIL,    /* exit 1 */
	CHECK_PENDING, /* not active until the reboot the last apply asked for: exit 3 */
	CHECK_WARN,    /* worth knowing, does not change the exit status */
	CHECK_UNKNOWN, /* could not be checked here; the detail says why */
};

struct check {
	const char *id; /* stable key: "driver", "cmdline", "iommu", "file", "initramfs", ... */
	char *subject;	/* what it is about: an address, a path, a kernel version; may be NULL */
	enum check_result result;
	char *detail; /* what was found, one line */
	char *cause;  /* likely cause, one line; NULL on pass */
	char *fix;    /* what to do, one line; NULL on pass */
};

struct status_report {
	struct check *checks;
	size_t n;
	bool reboot_pending;
	bool nothing_configured; /* no card is configured (and no configuration error) */
};

/* Add a check; detail is printf-style, cause and fix are plain (NULL on pass). The report
 * owns copies of every string. */
struct check *report_add(struct status_report *r, const char *id, const char *subject,
			 enum check_result result, const char *cause, const char *fix,
			 const char *detail_fmt, ...) __attribute__((format(printf, 7, 8)));
/* Replace a check's cause and fix with strings the caller allocated (taken over). */
void check_set_cause(struct check *c, char *cause, char *fix);
/* Whether any check so far has this result. */
bool report_has(const struct status_report *r, enum check_result result);
void status_report_free(struct status_report *r);
/* 0 all pass (warnings and unknowns allowed), 1 a check fails, 3 only pending checks
 * remain. */
int status_exit_code(const struct status_report *r);
const char *check_result_name(enum check_result r);
