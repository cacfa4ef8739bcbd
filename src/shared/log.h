/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The program's name and its messages on stderr, so that every line starts alike. */
#pragma once

#define PROG "vfio-passthrough-setup"

/* "vfio-passthrough-setup: MESSAGE" and a newline on stderr. */
void log_error(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/* "vfio-passthrough-setup: warning: MESSAGE" and a newline on stderr. */
void log_warning(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/* "vfio-passthrough-setup: COMMAND: unexpected argument 'ARG'" (ARG shown printable); returns
 * EXIT_USAGE, for a command to return. */
int log_unexpected_argument(const char *command, const char *arg);
