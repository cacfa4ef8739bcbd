// SPDX-License-Identifier: GPL-2.0-or-later
/* What a VM will meet, decided (src/plan/vm-fit.c) and reported (src/status/status-check-vm.c):
 * BARs against a guest's default 64-bit PCI window, the settings that widen it, interrupt
 * remapping. Hand-built inventories from real listings: an RTX 4090 with Resizable BAR at
 * 32 GiB (`lspci -vv`: "Region 1: Memory at ... (64-bit, prefetchable) [size=32G]", "BAR 1:
 * current size: 32GB"), the H100 of tests/roots/hgx-h100-nvswitch, a T4. */
#include <stdlib.h>
#include <string.h>

#include "hand-inventory.h"
#include "status-check.h"
#include "unit.h"
#include "vm-fit.h"

static void bar(struct pci_function *f, int i, uint64_t size, bool mem64, bool pref)
{
	f->bars[i] = (struct pci_bar){ .size = size, .mem64 = mem64, .prefetchable = pref };
}

/* An NVIDIA card: BAR 0 16 MiB (32-bit), BAR 1 `big` (64-bit prefetchable), BAR 3 32 MiB
 * (64-bit prefetchable), I/O 128 bytes at BAR 5; its HDMI audio's 16 KiB. */
static void nvidia_card(struct inventory *inv, const char *gpu, const char *audio, uint16_t dev,
			uint64_t big, int group)
{
	struct pci_function *f = hand_add(inv, gpu, 0x10de, dev, 0x0300, group, 0);

	bar(f, 0, 16ULL << 20, false, false);
	bar(f, 1, big, true, true);
	bar(f, 3, 32ULL << 20, true, true);
	f->bars[5] = (struct pci_bar){ .size = 128, .io = true };
	if (audio) {
		f = hand_add(inv, audio, 0x10de, 0x22ba, 0x0403, group, -1);
		bar(f, 0, 16ULL << 10, false, false);
	}
}

static void test_window(void)
{
	char buf[32];
	char *s;

	/* below the default: nothing to set; at it or above: the next power of two above */
	CHECK(vm_mmio64_window(0) == 0);
	CHECK(vm_mmio64_window(288ULL << 20) == 0);		  /* RTX 3060, T4 */
	CHECK(vm_mmio64_window((16ULL << 30) + (32 << 20)) == 0); /* a 16 GiB ReBAR card */
	CHECK(vm_mmio64_window(32ULL << 30) == 64ULL << 30);	  /* exactly the window */
	CHECK(vm_mmio64_window((32ULL << 30) + (32 << 20)) == 64ULL << 30);	  /* RTX 4090 */
	CHECK(vm_mmio64_window((128ULL << 30) + (32 << 20)) == 256ULL << 30);	  /* H100 */
	CHECK(vm_mmio64_window(8 * ((128ULL << 30) + (32 << 20))) == 2ULL << 40); /* 8 of them */

	vm_size_text(256ULL << 20, buf);
	CHECK_STR(buf, "256 MiB");
	vm_size_text((128ULL << 30) + (32 << 20), buf);
	CHECK_STR(buf, "131104 MiB");
	vm_size_text(2ULL << 40, buf);
	CHECK_STR(buf, "2 TiB");
	vm_size_text(128, buf);
	CHECK_STR(buf, "128 bytes");
	vm_size_text(16 << 10, buf);
	CHECK_STR(buf, "16 KiB");

	/* the three settings for one window, in each one's unit */
	s = vm_mmio64_settings(64ULL << 30);
	CHECK(strstr(s, "-global q35-pcihost.pci-hole64-size=64G") != NULL);
	CHECK(strstr(s, "<pcihole64 unit='KiB'>67108864</pcihole64>") != NULL);
	CHECK(strstr(s, "-fw_cfg name=opt/ovmf/X-PciMmio64Mb,string=65536") != NULL);
	free(s);
	s = vm_pcihole64_xml(256ULL << 30);
	CHECK_STR(s, "<controller type='pci' index='0' model='pcie-root'>\n"
		     "  <pcihole64 unit='KiB'>268435456</pcihole64>\n"
		     "</controller>\n");
	free(s);
	CHECK(!vm_phys_bits_note(256ULL << 30) && vm_phys_bits_note(2ULL << 40));
}

static void test_card_bars(void)
{
	struct inventory inv;
	struct card_bars b;

	/* RTX 4090 at 32 GiB: its 64-bit BARs (32 GiB + 32 MiB) overflow the default window */
	hand_init(&inv);
	nvidia_card(&inv, "0000:01:00.0", "0000:01:00.1", 0x2684, 32ULL << 30, 12);
	inventory_build_cards(&inv);
	CHECK(inv.n_cards == 1 && inv.cards[0].n_functions == 2);
	vm_card_bars(&inv, &inv.cards[0], &b);
	CHECK(b.largest == 32ULL << 30 && b.largest_index == 1 && b.largest_mem64 &&
	      b.largest_prefetchable && b.largest_fn.func == 0);
	CHECK(b.mem64_total == (32ULL << 30) + (32 << 20)); /* not the 32-bit BAR, not I/O */
	CHECK(vm_mmio64_window(b.mem64_total) == 64ULL << 30);
	inventory_free(&inv);

	/* no sizes (apply's load, an old kernel): nothing known, nothing said */
	hand_init(&inv);
	hand_add(&inv, "0000:01:00.0", 0x10de, 0x2504, 0x0300, 2, 1);
	inventory_build_cards(&inv);
	vm_card_bars(&inv, &inv.cards[0], &b);
	CHECK(b.largest == 0 && b.largest_index == -1 && b.mem64_total == 0);
	inventory_free(&inv);
}

static void test_irq_remap(void)
{
	struct irq_remap_facts f = { .allow_unsafe = -1 };

	CHECK(vm_irq_remap(&f, "root=/dev/sda1") == IRQ_REMAP_UNKNOWN);
	f.intel_units = 2, f.intel_ir_units = 2;
	CHECK(vm_irq_remap(&f, "root=/dev/sda1 intel_iommu=on") == IRQ_REMAP_ON);
	CHECK(vm_irq_remap(&f, NULL) == IRQ_REMAP_ON);
	CHECK(vm_irq_remap(&f, "quiet intremap=off") == IRQ_REMAP_OFF_CMDLINE);
	CHECK(vm_irq_remap(&f, "quiet nointremap") == IRQ_REMAP_OFF_CMDLINE);
	/* words after "--" are init's, not the kernel's */
	CHECK(vm_irq_remap(&f, "quiet -- intremap=off") == IRQ_REMAP_ON);
	CHECK(vm_irq_remap(&f, "intremap=on") == IRQ_REMAP_ON);
	/* the kernel enables remapping only when every VT-d unit has it */
	f.intel_ir_units = 1;
	CHECK(vm_irq_remap(&f, "") == IRQ_REMAP_OFF_HARDWARE);
	f = (struct irq_remap_facts){ .amd_units = 4, .allow_unsafe = 0 };
	CHECK(vm_irq_remap(&f, "iommu=pt") == IRQ_REMAP_ON);
	CHECK(vm_irq_remap(&f, "intremap=off") == IRQ_REMAP_OFF_CMDLINE);
}

static const struct check *find(const struct status_report *r, const char *id, const char *subj)
{
	for (size_t i = 0; i < r->n; i++)
		if (strcmp(r->checks[i].id, id) == 0 &&
		    (!subj || (r->checks[i].subject && strcmp(r->checks[i].subject, subj) == 0)))
			return &r->checks[i];
	return NULL;
}

/* Through status: a bound card whose BARs overflow the window, remapping off on the command
 * line: warnings with the settings, exit status 0. */
static void test_status(void)
{
	struct inventory inv;
	struct status_function fns[2];
	struct status_card card;
	struct status_input in;
	struct status_report r;
	const struct check *c;

	hand_init(&inv);
	inv.cpu = CPU_INTEL;
	inv.iommu_groups = 20;
	inv.irq_remap =
	    (struct irq_remap_facts){ .intel_units = 2, .intel_ir_units = 2, .allow_unsafe = 0 };
	nvidia_card(&inv, "0000:01:00.0", "0000:01:00.1", 0x2684, 32ULL << 30, 12);
	inventory_build_cards(&inv);
	memset(&in, 0, sizeof(in));
	for (int i = 0; i < 2; i++)
		fns[i] = (struct status_function){ .addr = inv.functions[i].addr,
						   .present = true,
						   .driver = "vfio-pci" };
	card = (struct status_card){ .addr = inv.functions[0].addr, .iommu_group = 12 };
	in.configured = true;
	in.have_pci = true;
	in.inv = &inv;
	in.cpu = CPU_INTEL;
	in.functions = fns;
	in.n_functions = 2;
	in.cards = &card;
	in.n_cards = 1;
	in.iommu_groups = 20;
	in.cmdline = "root=/dev/sda1 intel_iommu=on iommu=pt intremap=off";
	in.vfio_lookup = VFIO_LOOKUP_FOUND;
	status_evaluate(&in, &r);
	c = find(&r, "bar", "0000:01:00.0");
	CHECK(c && c->result == CHECK_WARN);
	CHECK(c && strstr(c->detail, "BAR 1 of 0000:01:00.0, 32 GiB, 64-bit prefetchable") != NULL);
	CHECK(c && strstr(c->detail, "32800 MiB in all") != NULL);
	CHECK(c && c->fix && strstr(c->fix, "X-PciMmio64Mb,string=65536") != NULL);
	c = find(&r, "interrupt-remap", NULL);
	CHECK(c && c->result == CHECK_WARN && strstr(c->detail, "allow_unsafe_interrupts=N"));
	CHECK(c && c->fix && strstr(c->fix, "vfio_iommu_type1.allow_unsafe_interrupts=1"));
	CHECK(status_exit_code(&r) == 0); /* warnings only: the card is ready */
	status_report_free(&r);

	/* 256 MiB now, resizable up to 16 GiB (an RTX 3060's ReBAR capability): it fits as it is
	 * now, and the capability is said; remapping on: both pass */
	inv.functions[0].bars[1].size = 256ULL << 20;
	inv.functions[0].bars[1].rebar_max = 16ULL << 30;
	in.cmdline = "root=/dev/sda1 intel_iommu=on iommu=pt";
	status_evaluate(&in, &r);
	c = find(&r, "bar", "0000:01:00.0");
	CHECK(c && c->result == CHECK_PASS && strstr(c->detail, "fit a guest's default 32 GiB"));
	CHECK(c && strstr(c->detail, "256 MiB, 64-bit prefetchable, resizable up to 16 GiB;"));
	c = find(&r, "interrupt-remap", NULL);
	CHECK(c && c->result == CHECK_PASS);
	status_report_free(&r);
	inventory_free(&inv);
}

int main(void)
{
	test_window();
	test_card_bars();
	test_irq_remap();
	test_status();
	return unit_done("vm-fit");
}
