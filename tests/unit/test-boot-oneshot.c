// SPDX-License-Identifier: GPL-2.0-or-later
/* The one-shot requests as the boot loaders keep them: GRUB's next_entry in grubenv,
 * systemd-boot's LoaderEntryOneShot as efivarfs shows it. */
#include <stdlib.h>
#include <string.h>

#include "boot-grub.h"
#include "boot-kernel-install.h"
#include "unit.h"
#include "util.h"

static void test_grubenv(void)
{
	char *v;

	v = grubenv_next_entry("# GRUB Environment Block\nsaved_entry=0\n"
			       "next_entry=vfio-passthrough-setup-trial\n#########");
	CHECK_STR(v, "vfio-passthrough-setup-trial");
	free(v);
	/* GRUB empties it before booting the entry (save_env next_entry) */
	CHECK(grubenv_next_entry("# GRUB Environment Block\nnext_entry=\n####") == NULL);
	CHECK(grubenv_next_entry("# GRUB Environment Block\nsaved_entry=1\n####") == NULL);
	CHECK(grubenv_next_entry("# next_entry=x\n") == NULL);
	CHECK(grubenv_next_entry(NULL) == NULL);
}

static void test_efivar(void)
{
	static const unsigned char var[] = { 7, 0, 0, 0, 'a', 0, '.', 0, 'c', 0, 0, 0 };
	static const unsigned char unterminated[] = { 7, 0, 0, 0, 'a', 0, 'b', 0 };
	static const unsigned char wide[] = { 7, 0, 0, 0, 'a', 0, 0x20, 0x26, 0, 0 };
	char *v;

	v = efivar_utf16_string(var, sizeof(var));
	CHECK_STR(v, "a.c");
	free(v);
	v = efivar_utf16_string(unterminated, sizeof(unterminated));
	CHECK_STR(v, "ab");
	free(v);
	CHECK(efivar_utf16_string(wide, sizeof(wide)) == NULL);
	v = efivar_utf16_string(var, 4); /* attributes only */
	CHECK_STR(v, "");
	free(v);
}

int main(void)
{
	test_grubenv();
	test_efivar();
	return unit_done("boot-oneshot");
}
