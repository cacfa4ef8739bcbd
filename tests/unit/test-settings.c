// SPDX-License-Identifier: GPL-2.0-or-later
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "settings-edit.h"
#include "settings.h"
#include "unit.h"

static int parse(const char *text, struct request *req, struct error *err)
{
	memset(err, 0, sizeof(*err));
	request_free(req);
	request_init(req);
	return settings_parse(text, req, err);
}

/* Expect a usage error whose message contains want. */
static void bad(const char *text, const char *want)
{
	struct request req;
	struct error err;

	request_init(&req);
	CHECK(parse(text, &req, &err) == -1);
	CHECK(err.code == EXIT_USAGE);
	if (!strstr(err.msg, want))
		fprintf(stderr, "  for [%s]: message [%s] lacks [%s]\n", text, err.msg, want);
	CHECK(strstr(err.msg, want) != NULL);
	request_free(&req);
}

static void test_defaults(void)
{
	struct request req;
	struct error err;

	request_init(&req);
	CHECK(req.devices_auto && req.host_busid_auto && req.xorg && req.kernel_params_auto);
	CHECK(!req.force && req.n_devices == 0 && !req.devices && !req.kernel_params);
	/* The shipped template is all defaults. */
	CHECK(parse("# comment\n\nDEVICES=\"auto\"\nHOST_BUSID=\"auto\"\nXORG=\"yes\"\n"
		    "KERNEL_PARAMS=\"auto\"\nALLOW_HOST_GPU=\"no\"\n",
		    &req, &err) == 0);
	CHECK(req.devices_auto && req.host_busid_auto && req.xorg && req.kernel_params_auto);
	CHECK(!req.force);
	request_free(&req);
}

static void test_values(void)
{
	struct request req;
	struct error err;
	char buf[PCI_ADDR_STRLEN];

	request_init(&req);
	CHECK(parse("  DEVICES=\"0000:01:00.0 0a:00.1\"   # two cards\n"
		    "HOST_BUSID=\"PCI:0:2:0\"\r\nXORG=\"no\"\n"
		    "KERNEL_PARAMS=\"intel_iommu=on iommu=pt\"\nALLOW_HOST_GPU=\"yes\"",
		    &req, &err) == 0);
	CHECK(!req.devices_auto);
	CHECK(req.n_devices == 2);
	if (req.n_devices == 2) {
		pci_addr_format(&req.devices[0], buf);
		CHECK_STR(buf, "0000:01:00.0");
		pci_addr_format(&req.devices[1], buf);
		CHECK_STR(buf, "0000:0a:00.1");
	}
	CHECK(!req.host_busid_auto);
	CHECK(req.host_busid.bus == 0 && req.host_busid.slot == 2 && req.host_busid.func == 0);
	CHECK(!req.xorg && req.force && !req.kernel_params_auto);
	CHECK_STR(req.kernel_params, "intel_iommu=on iommu=pt");

	/* DEVICES="" chooses nothing: an explicit empty list, not auto. */
	CHECK(parse("DEVICES=\"\"\nKERNEL_PARAMS=\"\"\n", &req, &err) == 0);
	CHECK(!req.devices_auto && req.n_devices == 0);
	CHECK(!req.kernel_params_auto);
	CHECK_STR(req.kernel_params, "");
	CHECK(parse("", &req, &err) == 0 && req.devices_auto);
	request_free(&req);
}

static void test_errors(void)
{
	bad("FOO=\"bar\"\n", "line 1: unknown setting FOO");
	bad("# c\nDEVICES=auto\n", "line 2: the value must be in double quotes");
	bad("DEVICES='auto'\n", "double quotes");
	bad("DEVICES=\"auto\n", "missing closing double quote");
	bad("DEVICES=\"auto\" x\n", "unexpected text after the closing quote");
	bad("DEVICES = \"auto\"\n", "expected KEY=\"value\"");
	bad("devices=\"auto\"\n", "expected KEY=\"value\"");
	bad("DEVICES=\"0000:01:00.0 01:00.x\"\n", "'01:00.x' is not a PCI address");
	bad("DEVICES=\"0000:01:00.0;reboot\"\n", "is not a PCI address");
	bad("HOST_BUSID=\"PCI:0a:0:0\"\n", "HOST_BUSID=\"PCI:0a:0:0\" is not an Xorg BusID");
	bad("HOST_BUSID=\"0:2:0\"\n", "is not an Xorg BusID");
	bad("XORG=\"true\"\n", "XORG=\"true\": expected \"yes\" or \"no\"");
	bad("ALLOW_HOST_GPU=\"YES\"\n", "ALLOW_HOST_GPU=\"YES\"");
	bad("KERNEL_PARAMS=\"iommu=pt;reboot\"\n", "line 1: KERNEL_PARAMS");
	bad("KERNEL_PARAMS=\"$(reboot)\"\n", "$, backticks and backslashes");
	bad("KERNEL_PARAMS=\"`id`\"\n", "$, backticks and backslashes");
	bad("XORG=\"yes\"\nXORG=\"no\"\n", "line 2: XORG is set twice");
}

static void test_kernel_params(void)
{
	struct error err = { 0 };
	char longp[600];

	CHECK(kernel_params_validate("intel_iommu=on iommu=pt", &err) == 0);
	CHECK(kernel_params_validate("", &err) == 0);
	CHECK(kernel_params_validate("vfio-pci.ids=10de:1b80,10de:10f0 video=efifb:off", &err) ==
	      0);
	static const char *const refused[] = { "a\"b", "a'b",  "$x",   "`x`",	"a\\b",
					       "a;b",  "a\nb", "a\tb", "a\x7f", "\xc3\xa9" };
	for (size_t i = 0; i < ARRAY_SIZE(refused); i++) {
		memset(&err, 0, sizeof(err));
		CHECK(kernel_params_validate(refused[i], &err) == -1);
		CHECK(err.code == EXIT_USAGE);
	}
	/* update-grub copies the value unquoted into grub.cfg: GRUB script tokens break it */
	static const char *const grub_tokens[] = { "a}b", "a{b", "a|b", "a&b", "a<b", "a>b" };
	for (size_t i = 0; i < ARRAY_SIZE(grub_tokens); i++) {
		memset(&err, 0, sizeof(err));
		CHECK(kernel_params_validate(grub_tokens[i], &err) == -1);
		CHECK(err.code == EXIT_USAGE && strstr(err.msg, "GRUB script syntax"));
		CHECK(strstr(err.msg, grub_tokens[i]) != NULL); /* names the value */
	}
	/* GRUB starts a comment at a word's '#': everything after it would be dropped */
	static const char *const hashes[] = { "iommu=pt #x later_param=1", "#", "a#b" };
	for (size_t i = 0; i < ARRAY_SIZE(hashes); i++) {
		memset(&err, 0, sizeof(err));
		CHECK(kernel_params_validate(hashes[i], &err) == -1);
		CHECK(err.code == EXIT_USAGE && strstr(err.msg, "the character '#'") &&
		      strstr(err.msg, "comment"));
	}
	static const char *const parens[] = { "a(b", "a)b", "$(x)" };
	for (size_t i = 0; i < ARRAY_SIZE(parens); i++) {
		memset(&err, 0, sizeof(err));
		CHECK(kernel_params_validate(parens[i], &err) == -1);
	}
	/* what the kernel's own parameters use stays allowed */
	CHECK(kernel_params_validate("console=ttyS0,115200n8 acpi_osi=!Windows root=UUID=1-2 "
				     "isolcpus=1-3 hugepagesz=1G mem=4G@16M ftrace=fn* a+b~c%d^e",
				     &err) == 0);
	/* the message names the value, control bytes spelled out, never raw */
	memset(&err, 0, sizeof(err));
	CHECK(kernel_params_validate("iommu=pt\nreboot\x1b[2J", &err) == -1);
	CHECK_STR(err.msg,
		  "kernel parameters \"iommu=pt\\x0areboot\\x1b[2J\": the byte "
		  "\\x0a is not allowed (no newlines or other control or non-ASCII bytes)");
	memset(&err, 0, sizeof(err));
	CHECK(kernel_params_validate("a;b\x1b", &err) == -1);
	CHECK(strstr(err.msg, "\"a;b\\x1b\": the character ';'") != NULL);
	memset(longp, 'a', sizeof(longp) - 1);
	longp[sizeof(longp) - 1] = '\0';
	memset(&err, 0, sizeof(err));
	CHECK(kernel_params_validate(longp, &err) == -1);
	CHECK(strstr(err.msg, "too long") != NULL);
}

/* The one parser behind DEVICES= and --devices. */
static void test_set_devices(void)
{
	struct request req;
	struct error err = { 0 };

	request_init(&req);
	CHECK(request_set_devices(&req, "01:00.0, 0000:02:00.1", "--devices", &err) == 0);
	CHECK(!req.devices_auto && req.n_devices == 2 && req.devices[1].bus == 2 &&
	      req.devices[1].func == 1);
	CHECK(request_set_devices(&req, "auto", "--devices", &err) == 0);
	CHECK(req.devices_auto && req.n_devices == 0 && !req.devices);
	/* No card is said explicitly: "" or "none". */
	CHECK(request_set_devices(&req, "", "--devices", &err) == 0);
	CHECK(!req.devices_auto && req.n_devices == 0);
	CHECK(request_set_devices(&req, "auto", "--devices", &err) == 0);
	CHECK(request_set_devices(&req, "none", "--devices", &err) == 0);
	CHECK(!req.devices_auto && req.n_devices == 0);
	CHECK(request_set_devices(&req, "01:00.0 10de:2504", "--devices", &err) == -1);
	CHECK(err.code == EXIT_USAGE);
	CHECK(strstr(err.msg, "--devices: '10de:2504' is not a PCI address") != NULL);
	CHECK(req.n_devices == 0 && !req.devices);
	/* An empty item never passes for "no card": it would unconfigure the machine. */
	static const char *const empty_items[] = {
		",,,", ",", " , ", "01:00.0,,02:00.0", "01:00.0,", ",01:00.0", "01:00.0, ,02:00.0"
	};
	for (size_t i = 0; i < ARRAY_SIZE(empty_items); i++) {
		memset(&err, 0, sizeof(err));
		request_init(&req);
		CHECK(request_set_devices(&req, empty_items[i], "--devices", &err) == -1);
		CHECK(err.code == EXIT_USAGE && strstr(err.msg, "empty item") &&
		      strstr(err.msg, "\"none\""));
		CHECK(!req.devices_auto && req.n_devices == 0);
	}
	/* A control byte in the bad token is shown escaped, never raw. */
	memset(&err, 0, sizeof(err));
	CHECK(request_set_devices(&req, "01:00.0 \x1b[2J", "--devices", &err) == -1);
	CHECK(strstr(err.msg, "'\\x1b[2J'") != NULL && !strchr(err.msg, '\x1b'));
	request_free(&req);
}

/* No message carries a control or binary byte of a bad value. */
static void test_messages_escaped(void)
{
	static const char *const texts[] = {
		"DEVICES=\"\x1b]0;owned\x07\"\n", "DEVICES=\",\x1b,\"\n",
		"HOST_BUSID=\"PCI:\x1b[2J\"\n",	  "XORG=\"y\x08es\"\n",
		"KERNEL_PARAMS=\"a\x1b[31m\"\n",  "DEVICES=\x1b\n",
		"DEVICES=\"auto\" \xff\n",
	};

	for (size_t i = 0; i < ARRAY_SIZE(texts); i++) {
		struct request req;
		struct error err;

		request_init(&req);
		CHECK(parse(texts[i], &req, &err) == -1);
		for (const unsigned char *p = (const unsigned char *)err.msg; *p; p++)
			if (*p < 0x20 || *p >= 0x7f) {
				fprintf(stderr, "  raw byte \\x%02x in [%s]\n", *p, err.msg);
				CHECK(0);
				break;
			}
		CHECK(strstr(err.msg, "\\x") != NULL);
		request_free(&req);
	}
}

/* settings check: the file's rules, one value at a time, without a PCI bus. */
static void test_check(void)
{
	struct error err = { 0 };

	CHECK(settings_check("DEVICES", "0000:01:00.0, 02:00.0", &err) == 0);
	CHECK(settings_check("DEVICES", "none", &err) == 0);
	CHECK(settings_check("HOST_BUSID", "PCI:1@2:0:0", &err) == 0);
	CHECK(settings_check("KERNEL_PARAMS", "auto", &err) == 0);
	CHECK(settings_check("XORG", "no", &err) == 0);
	static const char *const refused[][2] = {
		{ "KERNEL_PARAMS", "\"\"; rm -rf /tmp/x; \"\"" },
		{ "KERNEL_PARAMS", "iommu=pt #x" },
		{ "KERNEL_PARAMS", "a\nb" },
		{ "DEVICES", ",,," },
		{ "DEVICES", "a\"b" },
		{ "HOST_BUSID", "PCI:1:0" },
		{ "XORG", "true" },
		{ "ALLOW_HOST_GPU", "$(id)" },
		{ "FOO", "bar" },
	};
	for (size_t i = 0; i < ARRAY_SIZE(refused); i++) {
		memset(&err, 0, sizeof(err));
		CHECK(settings_check(refused[i][0], refused[i][1], &err) == -1);
		CHECK(err.code == EXIT_USAGE && strstr(err.msg, refused[i][0]));
	}
	memset(&err, 0, sizeof(err));
	CHECK(settings_check("KERNEL_PARAMS", "a #b", &err) == -1);
	CHECK_STR(err.msg, "KERNEL_PARAMS: kernel parameters \"a #b\": the character '#' is not "
			   "allowed (GRUB would take it for the start of a comment and drop the "
			   "rest of the kernel command line)");
}

/* settings set edits one line and keeps the admin's; the template is valid defaults. */
static void test_edit(void)
{
	struct request req;
	struct error err = { 0 };
	char *t, *v;

	request_init(&req);
	CHECK(settings_parse(settings_template(), &req, &err) == 0);
	CHECK(req.devices_auto && req.host_busid_auto && req.xorg && req.kernel_params_auto &&
	      !req.force);
	request_free(&req);
	v = settings_default("KERNEL_PARAMS");
	CHECK_STR(v, "auto");
	free(v);
	v = settings_default("ALLOW_HOST_GPU");
	CHECK_STR(v, "no");
	free(v);

	t = settings_text_set("# mine\n  XORG=\"yes\"  # keep me\nDEVICES=\"auto\"\n# end", "XORG",
			      "no");
	CHECK_STR(t, "# mine\nXORG=\"no\"  # keep me\nDEVICES=\"auto\"\n# end\n");
	free(t);
	/* absent: appended; set twice (an invalid file): the later line goes */
	t = settings_text_set("DEVICES=\"auto\"", "XORG", "no");
	CHECK_STR(t, "DEVICES=\"auto\"\nXORG=\"no\"\n");
	free(t);
	t = settings_text_set("XORG=\"yes\"\n# c\nXORG=\"no\"\n", "XORG", "no");
	CHECK_STR(t, "XORG=\"no\"\n# c\n");
	free(t);
	/* a broken line of the key is replaced whole; XORG_X is another key */
	t = settings_text_set("XORG=yes\nXORG_X=\"1\"\n", "XORG", "yes");
	CHECK_STR(t, "XORG=\"yes\"\nXORG_X=\"1\"\n");
	free(t);
	v = settings_text_value("  KERNEL_PARAMS=\"iommu=pt\" # c\n", "KERNEL_PARAMS");
	CHECK_STR(v, "iommu=pt");
	free(v);
	CHECK(settings_text_value("KERNEL_PARAMS=iommu\n", "KERNEL_PARAMS") == NULL);
	CHECK(settings_text_value("", "XORG") == NULL);
}

static void test_load(void)
{
	char dir[] = "/var/tmp/test-settings.XXXXXX";
	struct request req;
	struct error err = { 0 };
	char *path;
	FILE *f;

	CHECK(mkdtemp(dir) != NULL);
	request_init(&req);
	/* Missing file: defaults stay. */
	CHECK(settings_load(dir, &req, &err) == 0 && req.devices_auto);
	path = xasprintf("%s/etc", dir);
	CHECK(mkdir(path, 0755) == 0);
	free(path);
	path = xasprintf("%s/etc/default", dir);
	CHECK(mkdir(path, 0755) == 0);
	free(path);
	path = xasprintf("%s/etc/default/vfio-passthrough-setup", dir);
	f = fopen(path, "w");
	fputs("DEVICES=\"01:00.0\"\nXORG=\"maybe\"\n", f);
	fclose(f);
	CHECK(settings_load(dir, &req, &err) == -1);
	CHECK(err.code == EXIT_USAGE);
	CHECK(strstr(err.msg, path) && strstr(err.msg, "line 2"));
	f = fopen(path, "w");
	fwrite("XORG=\"no\"\n\0x", 1, 12, f);
	fclose(f);
	memset(&err, 0, sizeof(err));
	CHECK(settings_load(dir, &req, &err) == -1 && strstr(err.msg, "NUL"));
	unlink(path);
	free(path);
	request_free(&req);
	path = xasprintf("rm -rf '%s'", dir);
	CHECK(system(path) == 0);
	free(path);
}

/* The shipped template parses, and is all defaults. */
static void test_template(void)
{
	struct request req;
	struct error err = { 0 };
	char *text = read_file("conf/settings.template", 65536, NULL);

	CHECK(text != NULL);
	if (!text)
		return;
	request_init(&req);
	CHECK(settings_parse(text, &req, &err) == 0);
	if (err.code)
		fprintf(stderr, "  %s\n", err.msg);
	CHECK(req.devices_auto && req.host_busid_auto && req.xorg && req.kernel_params_auto);
	CHECK(!req.force);
	request_free(&req);
	free(text);
}

int main(void)
{
	test_template();
	test_defaults();
	test_values();
	test_errors();
	test_kernel_params();
	test_set_devices();
	test_messages_escaped();
	test_check();
	test_edit();
	test_load();
	return unit_done("settings");
}
