// SPDX-License-Identifier: GPL-2.0-or-later
/* Other tools' files: modprobe.d, grub, driverctl.d and supergfxd.conf, all from one
 * input. */
#include "boot-stack.h"
#include "conflicts.h"
#include "fuzz.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *s = fuzz_str(data, size);
	struct conflict_list l;
	struct strbuf sb;
	struct strlist watched;

	conflicts_init(&l);
	sl_init(&watched);
	sl_add(&watched, "snd-hda-intel");
	conflicts_parse_modprobe("/etc/modprobe.d/x.conf", s, NULL, &l);
	conflicts_parse_modprobe("/etc/modprobe.d/y.conf", s, &watched, &l);
	conflicts_parse_boot_config(&boot_loader_grub, "/etc/default/grub", s, &l);
	conflicts_parse_driverctl("/etc/driverctl.d/pci-0000:01:00.0", "pci-0000:01:00.0", s, &l);
	conflicts_parse_supergfxd("/etc/supergfxd.conf", s, &l);
	for (size_t i = 0; i < l.n; i++)
		if (!l.items[i].path || !l.items[i].text || !l.items[i].explain ||
		    l.items[i].line < 0)
			abort();
	sb_init(&sb);
	conflicts_format(&l, "warning: ", &sb);
	sb_free(&sb);
	sl_free(&watched);
	conflicts_free(&l);
	free(s);
	return 0;
}
