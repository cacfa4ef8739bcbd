// SPDX-License-Identifier: GPL-2.0-or-later
#include <stdlib.h>
#include <string.h>

#include "util.h"

#include "initramfs-image.h"

static unsigned long hex_field(const unsigned char *p)
{
	unsigned long v = 0;

	for (int i = 0; i < 8; i++) {
		unsigned char c = p[i];
		int d;

		if (c >= '0' && c <= '9')
			d = c - '0';
		else if (c >= 'a' && c <= 'f')
			d = c - 'a' + 10;
		else if (c >= 'A' && c <= 'F')
			d = c - 'A' + 10;
		else
			return (unsigned long)-1;
		v = v * 16 + (unsigned long)d;
	}
	return v;
}

static size_t align4(size_t n)
{
	return (n + 3) & ~(size_t)3;
}

size_t cpio_newc_list(const unsigned char *buf, size_t len, struct strlist *names)
{
	size_t off = 0;

	for (;;) {
		unsigned long namesize, filesize;
		size_t name_off, data_off, next;

		/* mkinitramfs pads between concatenated archives with NULs. */
		while (off < len && buf[off] == '\0')
			off++;
		if (off + 110 > len || memcmp(buf + off, "070701", 6) != 0)
			return off;
		filesize = hex_field(buf + off + 54);
		namesize = hex_field(buf + off + 94);
		if (filesize == (unsigned long)-1 || namesize == (unsigned long)-1 ||
		    namesize == 0 || namesize > len)
			return off;
		name_off = off + 110;
		if (name_off + namesize > len || buf[name_off + namesize - 1] != '\0')
			return off;
		data_off = align4(name_off + namesize);
		if (filesize > len || data_off > len || filesize > len - data_off)
			return off;
		next = align4(data_off + filesize);
		if (strcmp((const char *)buf + name_off, "TRAILER!!!") != 0)
			sl_add(names, (const char *)buf + name_off);
		if (next >= len)
			return len;
		off = next;
	}
}

void module_names_from_paths(const struct strlist *paths, struct strlist *mods)
{
	static const char *const exts[] = { ".ko", ".ko.xz", ".ko.zst", ".ko.gz" };

	for (size_t i = 0; i < paths->n; i++) {
		const char *base = strrchr(paths->items[i], '/');
		size_t blen;

		base = base ? base + 1 : paths->items[i];
		blen = strlen(base);
		for (size_t e = 0; e < ARRAY_SIZE(exts); e++) {
			size_t el = strlen(exts[e]);

			if (blen > el && strcmp(base + blen - el, exts[e]) == 0) {
				char *m = xasprintf("%.*s", (int)(blen - el), base);

				for (char *p = m; *p; p++)
					if (*p == '-')
						*p = '_';
				sl_add_unique(mods, m);
				free(m);
				break;
			}
		}
	}
}
