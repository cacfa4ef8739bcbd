// SPDX-License-Identifier: GPL-2.0-or-later
/* The /etc/kernel/cmdline editor: only our words added and taken out, every other byte
 * kept; the running line as kernel-install would use it; the state encoding. */
#include <stdlib.h>

#include "kernel-cmdline-edit.h"
#include "unit.h"
#include "util.h"

static void check_add(const char *content, const char *want, const char *expect,
		      const char *expect_added)
{
	struct strlist added;
	char *got, *joined, *back;

	sl_init(&added);
	got = kcmdline_add(content, want, &added);
	joined = sl_join(&added, " ");
	CHECK_STR(got, expect);
	CHECK_STR(joined, expect_added);
	/* Taking the added words out again gives the file back, byte for byte. */
	back = kcmdline_remove(got, joined);
	if (*content && strspn(content, " \t\n") != strlen(content))
		CHECK_STR(back, content);
	free(back);
	free(joined);
	free(got);
	sl_free(&added);
}

static void check_remove(const char *content, const char *ours, const char *expect)
{
	char *got = kcmdline_remove(content, ours);

	CHECK_STR(got, expect);
	free(got);
}

int main(void)
{
	char hash[17], *s, *e;

	/* Appended after the last word, before the newline; words already there are not. */
	check_add("root=UUID=1 ro quiet\n", "intel_iommu=on iommu=pt",
		  "root=UUID=1 ro quiet intel_iommu=on iommu=pt\n", "intel_iommu=on iommu=pt");
	check_add("root=ZFS=rpool/ROOT/pve-1 boot=zfs iommu=pt\n", "intel_iommu=on iommu=pt",
		  "root=ZFS=rpool/ROOT/pve-1 boot=zfs iommu=pt intel_iommu=on\n", "intel_iommu=on");
	check_add("a  b\t\n\n", "c", "a  b c\t\n\n", "c");
	check_add("no-newline", "x", "no-newline x", "x");
	check_add("a\nb\n", "x", "a\nb x\n", "x");
	check_add("root=/dev/sda1 iommu=pt\n", "iommu=pt", "root=/dev/sda1 iommu=pt\n", "");
	check_add("", "x y", "x y\n", "x y");
	check_add("\n", "x", "x\n", "x");
	check_add("a\n", "x x", "a x\n", "x");
	/* A quoted word is one word: its inner blanks are no place to add. */
	check_add("a \"b c\"\n", "x", "a \"b c\" x\n", "x");
	check_add("a \"iommu=pt foo\"\n", "iommu=pt", "a \"iommu=pt foo\" iommu=pt\n", "iommu=pt");

	/* "--": the words after it go to init, so ours go before it; one there does not count. */
	check_add("root=UUID=1 ro -- splash\n", "intel_iommu=on iommu=pt",
		  "root=UUID=1 ro intel_iommu=on iommu=pt -- splash\n", "intel_iommu=on iommu=pt");
	check_add("a -- iommu=pt\n", "iommu=pt", "a iommu=pt -- iommu=pt\n", "iommu=pt");
	check_add("-- init\n", "x", "x -- init\n", "x");
	check_add("  -- init\n", "x", "  x -- init\n", "x");
	check_add("a --\n", "x", "a x --\n", "x");
	check_add("a --x\n", "y", "a --x y\n", "y"); /* "--x" is a word like another */
	check_add("a \"--\" b\n", "x", "a x \"--\" b\n", "x");
	check_remove("a x -- x\n", "x", "a -- x\n");
	check_remove("a -- x\n", "x", "a -- x\n");

	/* Removal: only ours (the last occurrence), the admin's words and blanks stay. */
	check_remove("root=UUID=1 ro quiet intel_iommu=on iommu=pt\n", "intel_iommu=on iommu=pt",
		     "root=UUID=1 ro quiet\n");
	check_remove("intel_iommu=on root=UUID=1  ro\n", "intel_iommu=on", "root=UUID=1  ro\n");
	check_remove("a x\nx b\n", "x", "a x\nb\n");
	check_remove("a iommu=pt b iommu=pt\n", "iommu=pt", "a iommu=pt b\n");
	check_remove("a b\n", "iommu=pt", "a b\n");
	check_remove("a iommu=ptx b\n", "iommu=pt", "a iommu=ptx b\n");
	check_remove("a \"b iommu=pt\"\n", "iommu=pt", "a \"b iommu=pt\"\n");

	/* The running line as kernel-install takes it: without what the loader added. */
	s = kcmdline_from_running("BOOT_IMAGE=/boot/vmlinuz-6.12.48+deb13-amd64 root=UUID=3b "
				  "ro initrd=\\initrd.img quiet\n");
	CHECK_STR(s, "root=UUID=3b ro quiet\n");
	free(s);
	CHECK(kcmdline_from_running("BOOT_IMAGE=/vmlinuz initrd=/x\n") == NULL);
	CHECK(kcmdline_from_running(NULL) == NULL);

	/* kernel-install's fallback chain (90-loaderentry.install): /etc, /usr/lib, running. */
	{
		enum kcmdline_source from;

		s = kcmdline_next_boot("a  b\n\tc\n", "v\n", "BOOT_IMAGE=/k r\n", &from);
		CHECK_STR(s, "a b c");
		CHECK(from == KCMDLINE_FROM_ETC);
		free(s);
		s = kcmdline_next_boot("", "v\n", "r\n", &from); /* an empty file is read too */
		CHECK_STR(s, "");
		CHECK(from == KCMDLINE_FROM_ETC);
		free(s);
		s = kcmdline_next_boot(NULL, "v w\n", "r\n", &from);
		CHECK_STR(s, "v w");
		CHECK(from == KCMDLINE_FROM_USR_LIB);
		free(s);
		s = kcmdline_next_boot(
		    NULL, NULL, "BOOT_IMAGE=/k initrd=\\i r ro systemd.machine_id=ab\n", &from);
		CHECK_STR(s, "r ro systemd.machine_id=ab"); /* it keeps machine_id, adds none */
		CHECK(from == KCMDLINE_FROM_RUNNING);
		free(s);
		CHECK(kcmdline_next_boot(NULL, NULL, NULL, &from) == NULL);
	}
	/* A new file from the running line: nothing added at boot, none of ours, no trial. */
	s = kcmdline_running_base("initrd=\\i r ro intel_iommu=on systemd.machine_id=ab "
				  "intel_iommu=on vfio-pci.ids=1:2 vfio_passthrough_setup.trial=t "
				  "vfio_passthrough_setup.auto_confirm=1 single\n",
				  "intel_iommu=on vfio-pci.ids=1:2 vfio_passthrough_setup.");
	CHECK_STR(s, "r ro intel_iommu=on single\n");
	free(s);
	CHECK(kcmdline_running_base("BOOT_IMAGE=/k systemd.machine_id=ab x\n", "x") == NULL);
	CHECK(kcmdline_running_base(NULL, "") == NULL);
	CHECK(
	    kcmdline_carries_any("r vfio_passthrough_setup.trial=t", "a vfio_passthrough_setup."));
	CHECK(kcmdline_carries_any("r intel_iommu=on", "intel_iommu=on"));
	CHECK(!kcmdline_carries_any("r intel_iommu=onx", "intel_iommu=on x."));
	CHECK(!kcmdline_carries_any(NULL, "x"));
	/* A trial boot's words typed at the menu are those not in the trial entry. */
	s = kcmdline_only_words_of("r ro single x\n", "r ro x systemd.machine_id=ab ", &e);
	CHECK_STR(s, "r ro x\n");
	CHECK_STR(e, "single");
	free(s);
	free(e);

	/* The hash tells apart what differs by one byte. */
	kcmdline_hash("a b\n", hash);
	CHECK_STR(hash, "c149bd82aaf92a48"); /* FNV-1a 64, as computed by hand in Python */
	{
		char other[17];

		kcmdline_hash("a b \n", other);
		CHECK(strcmp(hash, other) != 0);
	}

	/* The escaped form is one state value: no blank, quote, backslash or control byte;
	 * and it comes back exactly. */
	e = kcmdline_escape("root=\"a b\"\tro\\x\n\x01\xc3\xa9'");
	CHECK(strcspn(e, " \t\n\"'") == strlen(e));
	s = kcmdline_unescape(e);
	CHECK_STR(s, "root=\"a b\"\tro\\x\n\x01\xc3\xa9'");
	free(s);
	free(e);
	CHECK(kcmdline_unescape("a\\x0") == NULL);
	CHECK(kcmdline_unescape("a\\x00b") == NULL);
	CHECK(kcmdline_unescape("a\\q41") == NULL);
	s = kcmdline_unescape("a\\x41");
	CHECK_STR(s, "aA");
	free(s);
	return unit_done("kernel-cmdline-edit");
}
