// SPDX-License-Identifier: GPL-2.0-or-later
/* kernel-install's Type #1 entries: a key's first value, and a kernel's image as the last
 * "initrd" line of its entry (a microcode image comes first). */
#include <stdio.h>
#include <stdlib.h>

#include "bls-entry.h"
#include "unit.h"

static char base[] = "/var/tmp/test-bls-entry.XXXXXX";

static void sh(char *cmd)
{
	CHECK(system(cmd) == 0);
	free(cmd);
}

/* got is want, or NULL where want is; frees got. */
static void check_found(char *got, const char *want)
{
	if (want)
		CHECK_STR(got, want);
	else
		CHECK(got == NULL);
	free(got);
}

static void check_value(const char *text, const char *key, const char *want)
{
	check_found(bls_entry_value(text, key), want);
}

static void test_value(void)
{
	const char *entry = "title Debian\n"
			    "versions x\n"
			    "version\t6.1.0-13-amd64\n"
			    "version 6.1.0-99-amd64\n"
			    "sort-key\n"
			    "options  root=UUID=1 ro";

	check_value(entry, "version", "6.1.0-13-amd64"); /* the first; "versions" is another key */
	check_value(entry, "options", "root=UUID=1 ro"); /* the last line, no newline after it */
	check_value(entry, "title", "Debian");
	check_value(entry, "sort-key", NULL); /* a key with no value is no line of that key */
	check_value(entry, "linux", NULL);
	check_value("", "version", NULL);
	check_value("version   \n", "version", ""); /* blanks only: an empty value */
}

static void entry(const char *root, const char *name, const char *text)
{
	sh(xasprintf("mkdir -p '%s/boot/efi/loader/entries' && printf '%%s' '%s' "
		     ">'%s/boot/efi/loader/entries/%s'",
		     root, text, root, name));
}

static void check_initrd(const char *root, const char *kver, const char *want)
{
	check_found(bls_kernel_initrd(root, kver), want);
}

static void test_kernel_initrd(void)
{
	_cleanup_free_ char *root = NULL;

	if (!mkdtemp(base)) {
		CHECK(!"mkdtemp");
		return;
	}
	root = xasprintf("%s/root", base);
	entry(root, "a-6.1.conf", "version 6.1\ninitrd /m/6.1/initrd.img-6.1\n");
	entry(root, "b-6.12.conf",
	      "version 6.12\ninitrd /m/6.12/intel-ucode.img\n"
	      "linux /m/6.12/linux\ninitrd\tm/6.12/initrd.img-6.12\n");
	entry(root, "c-6.99.conf", "version 6.99\ninitrd /m/6.99/../../etc/shadow\n");
	entry(root, "d-7.0.conf", "version 7.0\nlinux /m/7.0/linux\n");
	check_initrd(root, "6.1", "/boot/efi/m/6.1/initrd.img-6.1");
	check_initrd(root, "6.12",
		     "/boot/efi/m/6.12/initrd.img-6.12"); /* the last, made absolute */
	check_initrd(root, "6.99", NULL);		  /* out of $BOOT */
	check_initrd(root, "7.0", NULL);		  /* no initrd line */
	check_initrd(root, "8.0", NULL);		  /* no entry */
	sh(xasprintf("rm -rf '%s'", base));
}

int main(void)
{
	test_value();
	test_kernel_initrd();
	return unit_done("bls-entry");
}
