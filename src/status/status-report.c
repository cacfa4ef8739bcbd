// SPDX-License-Identifier: GPL-2.0-or-later
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>

#include "util.h"

#include "status-report.h"

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

static char *format_alloc(const char *fmt, va_list ap) __attribute__((format(printf, 1, 0)));
static char *format_alloc(const char *fmt, va_list ap)
{
	char *s;

	if (!fmt)
		return NULL;
	if (vasprintf(&s, fmt, ap) < 0)
		abort();
	return s;
}

struct check *report_add(struct status_report *r, const char *id, const char *subject,
			 enum check_result result, const char *cause, const char *fix,
			 const char *detail_fmt, ...)
{
	struct check *c;
	va_list ap;

	r->checks = xrealloc(r->checks, (r->n + 1) * sizeof(*r->checks));
	c = &r->checks[r->n++];
	c->id = id;
	c->subject = subject ? xstrdup(subject) : NULL;
	c->result = result;
	va_start(ap, detail_fmt);
	c->detail = format_alloc(detail_fmt, ap);
	va_end(ap);
	c->cause = cause ? xstrdup(cause) : NULL;
	c->fix = fix ? xstrdup(fix) : NULL;
	return c;
}

void check_set_cause(struct check *c, char *cause, char *fix)
{
	free(c->cause);
	free(c->fix);
	c->cause = cause;
	c->fix = fix;
}

bool report_has(const struct status_report *r, enum check_result result)
{
	for (size_t i = 0; i < r->n; i++)
		if (r->checks[i].result == result)
			return true;
	return false;
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
	if (report_has(r, CHECK_FAIL))
		return EXIT_FAILURE_RUNTIME;
	return report_has(r, CHECK_PENDING) ? EXIT_REBOOT_PENDING : EXIT_OK;
}
