// SPDX-License-Identifier: GPL-2.0-or-later
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>

#include "log.h"
#include "util.h"

/* format(printf, 2, 0): fmt is checked at log_error's and log_warning's callers. */
__attribute__((format(printf, 2, 0))) static void log_line(const char *prefix, const char *fmt,
							   va_list ap)
{
	/* stdout is buffered when it is a pipe or a file: what the run printed before comes
	 * first there too. */
	fflush(stdout);
	fputs(prefix, stderr);
	vfprintf(stderr, fmt, ap);
	fputc('\n', stderr);
}

void log_error(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	log_line(PROG ": ", fmt, ap);
	va_end(ap);
}

void log_warning(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	log_line(PROG ": warning: ", fmt, ap);
	va_end(ap);
}

int log_unexpected_argument(const char *command, const char *arg)
{
	_cleanup_free_ char *shown = str_printable(arg);

	log_error("%s: unexpected argument '%s'", command, shown);
	return EXIT_USAGE;
}
