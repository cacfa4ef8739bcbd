// SPDX-License-Identifier: GPL-2.0-or-later
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "util.h"

#include "hypervisor.h"

/* DMI strings that name a hypervisor (the prefixes systemd-detect-virt knows). */
static const char *const vm_dmi_prefixes[] = {
	"KVM",
	"OpenStack",
	"KubeVirt",
	"Amazon EC2",
	"QEMU",
	"VMware",
	"VMW",
	"innotek GmbH",
	"VirtualBox",
	"Xen",
	"Bochs",
	"Parallels",
	"BHYVE",
	"Hyper-V",
	"Apple Virtualization",
	"Google Compute Engine",
};

static bool dmi_names_vm(const char *s)
{
	if (!s)
		return false;
	for (size_t i = 0; i < ARRAY_SIZE(vm_dmi_prefixes); i++)
		if (strncmp(s, vm_dmi_prefixes[i], strlen(vm_dmi_prefixes[i])) == 0)
			return true;
	return false;
}

/* 1: a "flags" line carries "hypervisor"; 0: flags lines without it; -1: no flags line. */
static int cpu_flag_hypervisor(const char *cpuinfo)
{
	int seen = -1;

	while (cpuinfo && *cpuinfo) {
		size_t len = strcspn(cpuinfo, "\n");
		const char *colon = memchr(cpuinfo, ':', len);

		if (colon && strncmp(cpuinfo, "flags", 5) == 0 &&
		    strspn(cpuinfo + 5, " \t") == (size_t)(colon - cpuinfo - 5)) {
			_cleanup_free_ char *flags = xasprintf(
			    " %.*s ", (int)(len - (size_t)(colon + 1 - cpuinfo)), colon + 1);

			for (char *p = flags; *p; p++)
				if (*p == '\t')
					*p = ' ';
			if (strstr(flags, " hypervisor "))
				return 1;
			seen = 0;
		}
		cpuinfo += len + (cpuinfo[len] ? 1 : 0);
	}
	return seen;
}

char *hypervisor_name(const char *sys_vendor, const char *product_name, const char *cpuinfo)
{
	int flag = cpu_flag_hypervisor(cpuinfo);
	bool dmi =
	    dmi_names_vm(sys_vendor) || dmi_names_vm(product_name) ||
	    (sys_vendor && product_name && strcmp(sys_vendor, "Microsoft Corporation") == 0 &&
	     strcmp(product_name, "Virtual Machine") == 0);

	/* The CPU flag is set by every x86 hypervisor and by no bare metal; DMI only names
	 * it (an EC2 bare-metal instance says "Amazon EC2" too). Without flags, DMI decides. */
	if (flag == 0 || (flag < 0 && !dmi))
		return NULL;
	/* A virtual machine's DMI strings describe its virtual hardware: they name it. */
	if (sys_vendor && *sys_vendor && product_name && *product_name)
		return xasprintf("%s %s", sys_vendor, product_name);
	if (sys_vendor && *sys_vendor)
		return xstrdup(sys_vendor);
	if (product_name && *product_name)
		return xstrdup(product_name);
	return xstrdup("a hypervisor");
}
