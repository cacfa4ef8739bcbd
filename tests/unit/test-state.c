// SPDX-License-Identifier: GPL-2.0-or-later
/* The state file: lenient parsing, and what state_save writes reads back the same. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "state.h"
#include "unit.h"
#include "util.h"

#define BOOT_NOW "6b1f0e42-3c0e-4f57-9a3c-5e0d8c1f2a11"

static char base[] = "/var/tmp/test-state.XXXXXX";

static void test_parse(void)
{
	struct apply_state st;

	apply_state_parse("# vfio-passthrough-setup state\nboot_id=" BOOT_NOW "\n"
			  "cards=\"0000:01:00.0\"\n"
			  "result=failed\r\nmessage='update-grub: exit 1'\nfuture_key=x\nnoeq\n",
			  &st);
	CHECK_STR(st.boot_id, BOOT_NOW);
	CHECK_STR(st.cards, "0000:01:00.0");
	CHECK(st.last_apply_failed);
	CHECK_STR(st.last_apply_message, "update-grub: exit 1");
	apply_state_free(&st);
	apply_state_parse("result=ok\n", &st);
	CHECK(!st.last_apply_failed && !st.boot_id);
	apply_state_free(&st);
	/* What apply writes. */
	apply_state_parse(
	    "# Last result of vfio-passthrough-setup apply, read by its status command.\n"
	    "result=failed\nmessage=update-grub failed (exit 1): boom\n"
	    "config_hash=none\ncards=0000:01:00.0\nboot_id=unknown\ncreated_dirs=\n",
	    &st);
	CHECK(st.last_apply_failed && !st.boot_id);
	CHECK_STR(st.last_apply_message, "update-grub failed (exit 1): boom");
	CHECK_STR(st.cards, "0000:01:00.0");
	CHECK_STR(st.config_hash, "none");
	apply_state_free(&st);
	apply_state_parse(NULL, &st);
	CHECK(!st.boot_id);
	apply_state_free(&st);
}

/* Every key state_save writes is one the parser reads back, on one line each. */
static void test_round_trip(void)
{
	_cleanup_free_ char *root = xasprintf("%s/root", base);
	_cleanup_free_ char *proc = xasprintf("%s/proc/sys/kernel/random", root);
	_cleanup_free_ char *cmd =
	    xasprintf("mkdir -p %s && printf '" BOOT_NOW "\\n' >%s/boot_id", proc, proc);
	struct apply_state st = {
		.cards = "0000:01:00.0",
		.config_hash = "0123456789abcdef",
		.last_apply_failed = true,
		.last_apply_message = "line one\nregen_pending=",
		.created_dirs = "/etc/X11",
		.regen_pending = "bootloader initramfs",
		.kernel_cmdline = { .added = "intel_iommu=on iommu=pt",
				    .written = "c149bd82aaf92a48",
				    .original = "bytes:root=UUID=1\\x20ro\\x0a" },
	};
	struct apply_state back;
	struct error err = { 0 };

	CHECK(system(cmd) == 0);
	CHECK(!state_load(root, &back));
	apply_state_free(&back);
	CHECK(state_save(root, &st, &err) == 0);
	CHECK(state_load(root, &back));
	CHECK_STR(back.cards, st.cards);
	CHECK_STR(back.config_hash, st.config_hash);
	CHECK(back.last_apply_failed);
	CHECK_STR(back.last_apply_message, "line one regen_pending=");
	/* The state directory and its parents were created by this save: recorded. */
	CHECK_STR(back.created_dirs, "/etc/X11 /var /var/lib /var/lib/vfio-passthrough-setup");
	CHECK_STR(back.regen_pending, "bootloader initramfs");
	CHECK_STR(back.boot_id, BOOT_NOW);
	CHECK_STR(back.kernel_cmdline.added, "intel_iommu=on iommu=pt");
	CHECK_STR(back.kernel_cmdline.written, "c149bd82aaf92a48");
	CHECK_STR(back.kernel_cmdline.original, "bytes:root=UUID=1\\x20ro\\x0a");
	apply_state_free(&back);
	/* Without a record, no kernel_cmdline_ key is written at all. */
	st.kernel_cmdline = (struct kernel_cmdline_record){ 0 };
	CHECK(state_save(root, &st, &err) == 0);
	{
		_cleanup_free_ char *path = xasprintf("%s" STATE_PATH, root);
		_cleanup_free_ char *text = read_file(path, 65536, NULL);

		CHECK(text && !strstr(text, "kernel_cmdline") && !strstr(text, "trial"));
	}
	/* A confirm in progress: the trial's keys, its options as given (spaces, quotes). */
	st.trial = "0011223344556677";
	st.trial_config = "0123456789abcdef";
	st.trial_confirming = true;
	sl_init(&st.trial_args);
	sl_add(&st.trial_args, "--kernel-params");
	sl_add(&st.trial_args, "'intel_iommu=on iommu=pt' ");
	sl_add(&st.trial_args, "a\nresult=ok");
	CHECK(state_save(root, &st, &err) == 0);
	CHECK(state_load(root, &back));
	CHECK_STR(back.trial, "0011223344556677");
	CHECK_STR(back.trial_config, "0123456789abcdef");
	CHECK(back.trial_confirming);
	CHECK(back.trial_args.n == 3);
	CHECK_STR(back.trial_args.items[1], "'intel_iommu=on iommu=pt' ");
	CHECK_STR(back.trial_args.items[2], "a result=ok");
	CHECK(back.last_apply_failed);
	apply_state_free(&back);
	sl_free(&st.trial_args);
	st.trial_confirming = false;
	CHECK(state_save(root, &st, &err) == 0);
	CHECK(state_load(root, &back));
	CHECK(!back.trial_confirming && back.trial_args.n == 0);
	CHECK(!back.trial_arming && !back.trial_arming_cards); /* an older state: no such key */
	apply_state_free(&back);
	/* apply --trial's journal: the trial being set up, until its final record. */
	st.trial_arming = "8899aabbccddeeff";
	st.trial_arming_cards = "0000:01:00.0 0000:02:00.0";
	CHECK(state_save(root, &st, &err) == 0);
	CHECK(state_load(root, &back));
	CHECK_STR(back.trial_arming, "8899aabbccddeeff");
	CHECK_STR(back.trial_arming_cards, "0000:01:00.0 0000:02:00.0");
	apply_state_free(&back);
	st.trial_arming = st.trial_arming_cards = NULL;
	CHECK(state_save(root, &st, &err) == 0);
	CHECK(state_load(root, &back));
	CHECK(!back.trial_arming && !back.trial_arming_cards);
	apply_state_free(&back);
	state_delete(root);
	CHECK(!state_load(root, &back));
	apply_state_free(&back);
}

int main(void)
{
	_cleanup_free_ char *cmd = NULL;

	if (!mkdtemp(base))
		return 1;
	test_parse();
	test_round_trip();
	cmd = xasprintf("rm -rf '%s'", base);
	CHECK(system(cmd) == 0);
	return unit_done("state");
}
