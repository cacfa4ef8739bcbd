/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Small shared helpers: growable strings, string lists, errors, file reading. */
#pragma once

#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>

#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))

/* Free-on-scope-exit, as kmod and systemd do: keeps error paths short. */
#define _cleanup_(f) __attribute__((cleanup(f)))
void freep(void *p); /* free(*(void **)p) */
#define _cleanup_free_ _cleanup_(freep)

/* A growable, always NUL-terminated string. */
struct strbuf {
	char *buf;
	size_t len, cap;
};
void sb_init(struct strbuf *sb);
void sb_free(struct strbuf *sb);
void sb_add(struct strbuf *sb, const char *s);
void sb_addf(struct strbuf *sb, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
char *sb_steal(struct strbuf *sb); /* caller frees; sb is reset */

/* An ordered list of distinct-or-not strings (owned copies). */
struct strlist {
	char **items;
	size_t n, cap;
};
void sl_init(struct strlist *l);
void sl_free(struct strlist *l);
void sl_add(struct strlist *l, const char *s);
bool sl_has(const struct strlist *l, const char *s);
void sl_add_unique(struct strlist *l, const char *s);
void sl_sort(struct strlist *l);
char *sl_join(const struct strlist *l, const char *sep); /* caller frees */

/* An error to report to the user: one message, and the exit code it maps to. */
enum exit_code {
	EXIT_OK = 0,
	EXIT_FAILURE_RUNTIME = 1, /* the machine or a tool failed */
	EXIT_USAGE = 2,		  /* usage or invalid input */
	EXIT_REBOOT_PENDING = 3,  /* status: configured, not active until reboot */
};
struct error {
	enum exit_code code;
	char msg[1024];
};
/* Sets err (if not already set) and returns -1, so callers can `return error_set(...)`. */
int error_set(struct error *err, enum exit_code code, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

/* Add to the message of an error already set: what went wrong next, after the first cause. */
void error_append(struct error *err, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* A copy of s for a message: control, DEL and non-ASCII bytes spelled \xNN, so a bad value
 * can neither move the cursor nor hide part of itself on the admin's terminal. Caller frees. */
char *str_printable(const char *s);

void *xmalloc(size_t n);
void *xcalloc(size_t n, size_t size);
void *xrealloc(void *p, size_t n);
char *xstrdup(const char *s);
char *xasprintf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* Read a whole small regular file (< max bytes). NULL and errno set on failure, if larger
 * (EFBIG), or if not a regular file (EINVAL; a FIFO never blocks the read). */
char *read_file(const char *path, size_t max, size_t *len_out);
/* The same from an open descriptor, which it closes. */
char *read_fd(int fd, size_t max, size_t *len_out);
/* strerror() that names what read_file's and root-path.h's own errnos mean here. */
const char *file_error(int e);
/* Read a one-line sysfs/proc attribute, trailing whitespace stripped. NULL if absent/unreadable. */
char *read_attr(const char *path);
/* Join root and an absolute path ("/" root gives the path itself). Caller frees. */
char *path_join(const char *root, const char *abs_path);
/* Whether path (absolute) exists under root, links followed: for "is this tool installed"
 * facts, never for files read or written (root-path.h keeps those inside the root). */
bool exists_under(const char *root, const char *path);
/* The value of one hex digit, -1 if c is none. */
int hex_digit(char c);
/* Whether root is the running system's / however spelled: "", "/", "//", "/tmp/..". */
bool root_is_host(const char *root);
