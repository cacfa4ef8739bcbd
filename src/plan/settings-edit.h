/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Editing the settings file's text (the maintainer scripts do it through `settings set`):
 * one key's line changes, the admin's comments and layout stay. Values are checked by
 * settings_check before they get here. */
#pragma once

#include <stdbool.h>

/* The shipped settings file: comments and default values. */
const char *settings_template(void);
/* The default value of key, from the template ("" for an unknown key). Caller frees. */
char *settings_default(const char *key);
/* The value of the first KEY="value" line in text, or NULL. Caller frees. */
char *settings_text_value(const char *text, const char *key);
/* text with key set to value: its first line rewritten (a trailing comment kept), later
 * lines setting it again dropped, a line appended if there was none. Caller frees. */
char *settings_text_set(const char *text, const char *key, const char *value);
