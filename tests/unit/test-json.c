// SPDX-License-Identifier: GPL-2.0-or-later
#include <stdlib.h>

#include "json.h"
#include "unit.h"

static char *esc(const char *s)
{
	struct strbuf sb;

	sb_init(&sb);
	json_escape(&sb, s);
	return sb_steal(&sb);
}

#define CHECK_ESC(in, want)                                                                        \
	do {                                                                                       \
		char *got_ = esc(in);                                                              \
		CHECK_STR(got_, want);                                                             \
		free(got_);                                                                        \
	} while (0)

int main(void)
{
	struct json j;
	char *text;

	CHECK_ESC("plain", "\"plain\"");
	CHECK_ESC("a\"b\\c", "\"a\\\"b\\\\c\"");
	CHECK_ESC("l1\nl2\tx\r\b\f", "\"l1\\nl2\\tx\\r\\b\\f\"");
	CHECK_ESC("\x01\x1f\x7f", "\"\\u0001\\u001f\\u007f\"");
	CHECK_ESC("caf\xc3\xa9 \xe2\x82\xac \xf0\x9f\x98\x80",
		  "\"caf\xc3\xa9 \xe2\x82\xac \xf0\x9f\x98\x80\"");
	/* invalid UTF-8: stray byte, overlong, truncated, surrogate, > U+10FFFF */
	CHECK_ESC("\x80", "\"\\ufffd\"");
	CHECK_ESC("\xc0\xaf", "\"\\ufffd\\ufffd\"");
	CHECK_ESC("x\xe2\x82", "\"x\\ufffd\\ufffd\"");
	CHECK_ESC("\xed\xa0\x80", "\"\\ufffd\\ufffd\\ufffd\"");
	CHECK_ESC("\xf4\x90\x80\x80", "\"\\ufffd\\ufffd\\ufffd\\ufffd\"");
	CHECK_ESC("", "\"\"");

	json_init(&j);
	json_object_begin(&j);
	json_key(&j, "a");
	json_int(&j, -3);
	json_key(&j, "b");
	json_array_begin(&j);
	json_string(&j, "x");
	json_null(&j);
	json_bool(&j, true);
	json_object_begin(&j);
	json_object_end(&j);
	json_array_begin(&j);
	json_array_end(&j);
	json_array_end(&j);
	json_key(&j, "c\n");
	json_string(&j, NULL);
	json_object_end(&j);
	text = json_steal(&j);
	CHECK_STR(text, "{\"a\":-3,\"b\":[\"x\",null,true,{},[]],\"c\\n\":null}");
	free(text);
	json_free(&j);
	return unit_done("json");
}
