// SPDX-License-Identifier: GPL-2.0-or-later
/* The shared helpers every other file leans on: errors, path joining. */
#include <stdlib.h>
#include <string.h>

#include "unit.h"
#include "util.h"

static void test_errors(void)
{
	struct error err = { 0 };
	char big[2000];

	/* The first cause wins; later ones only append. */
	CHECK(error_set(&err, EXIT_USAGE, "bad %s", "value") == -1);
	CHECK(error_set(&err, EXIT_FAILURE_RUNTIME, "second") == -1);
	CHECK(err.code == EXIT_USAGE);
	error_append(&err, "; then %d more", 2);
	CHECK_STR(err.msg, "bad value; then 2 more");
	/* Appending never runs past the buffer, and NULL is allowed. */
	memset(big, 'x', sizeof(big) - 1);
	big[sizeof(big) - 1] = '\0';
	error_append(&err, "%s", big);
	CHECK(strlen(err.msg) == sizeof(err.msg) - 1);
	CHECK(strncmp(err.msg, "bad value; then 2 more", 22) == 0);
	error_append(NULL, "ignored");
	CHECK(error_set(NULL, EXIT_USAGE, "ignored") == -1);
}

static void test_path_join(void)
{
	char *s;

	s = path_join("/", "/etc/x");
	CHECK_STR(s, "/etc/x");
	free(s);
	s = path_join("", "/etc/x");
	CHECK_STR(s, "/etc/x");
	free(s);
	s = path_join("/tmp/r///", "/etc/x");
	CHECK_STR(s, "/tmp/r/etc/x");
	free(s);
	s = path_join("rel", "etc/x");
	CHECK_STR(s, "rel/etc/x");
	free(s);
}

/* Bad values in messages: a terminal must not act on them. */
static void test_printable(void)
{
	char *s = str_printable("ok =,:./ \x1b[2J\ttab\nnl\x7f\xc3\xa9");

	CHECK_STR(s, "ok =,:./ \\x1b[2J\\x09tab\\x0anl\\x7f\\xc3\\xa9");
	free(s);
	s = str_printable("");
	CHECK_STR(s, "");
	free(s);
}

int main(void)
{
	test_errors();
	test_path_join();
	test_printable();
	return unit_done("util");
}
