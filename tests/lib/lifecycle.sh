# shellcheck shell=sh
# The package's lifecycle on a Debian system, as the suites that install the real .deb see it:
# what an install that chose a card leaves, and what a purge must take away. Defined once here;
# each suite runs the lifecycle its own way and adds only what only it can prove:
#   tests/chroot/run    dpkg, apt, debconf and ucf themselves: install, reconfigure (same,
#                       changed, read back, preseeded), remove, purge, with the
#                       file-list comparison a piuparts run makes, lintian, autopkgtest
#   tests/ansible/run   the role: its selectors, reports, check mode, the trial through it
#   tests/vm/run        real boots: the card on vfio-pci, the IOMMU, boot loaders, trials
# Sourced after tests/lib/harness.sh by a runner that defines
#   in_target COMMAND   run a shell command line as root on the installed system
# and uses its check.
: "${tmp:?tests/lib/harness.sh is sourced first}"

pkg=vfio-passthrough-setup
# The files the package writes for a chosen card (one place for the tests; the program's own
# definitions are in src/).
lc_settings=/etc/default/$pkg
lc_modprobe=/etc/modprobe.d/$pkg.conf
lc_grub=/etc/default/grub.d/$pkg.cfg
lc_xorg=/etc/X11/xorg.conf.d/10-$pkg.conf
lc_override=/etc/$pkg/driver-override

# lifecycle_installed [LABEL]: dpkg has the package installed and configured (a check);
# lifecycle_is_installed: the same as a condition (for harness.sh's setup)
lifecycle_installed() {
	check "${1:+$1: }package installed" lifecycle_is_installed
}
lifecycle_is_installed() {
	in_target "dpkg-query -W -f '\${Status}' $pkg 2>/dev/null | grep -qx 'install ok installed'"
}

# lifecycle_applied LABEL GOLDEN-ETC KERNEL: the files a card's configuration writes equal the
# fake-root goldens of the same machine (GOLDEN-ETC: tests/roots/MACHINE/expected/apply/etc),
# and KERNEL's initramfs (initramfs-tools) carries the vfio modules and the modprobe file.
lifecycle_applied() {
	lifecycle_installed "$1"
	for f in "$lc_modprobe" "$lc_grub" "$lc_xorg"; do
		if [ -e "$2/${f#/etc/}" ]; then
			check "$1: $f as the fake-root golden" lifecycle_same "$f" "$2/${f#/etc/}"
		fi
	done
	in_target "lsinitramfs /boot/initrd.img-$3" >"$tmp/lifecycle-initramfs" 2>&1 || true
	for m in vfio.ko vfio_iommu_type1.ko vfio-pci.ko "etc/modprobe.d/$pkg.conf"; do
		check "$1: initramfs holds $m" grep -q "$m" "$tmp/lifecycle-initramfs"
	done
}

# lifecycle_purged LABEL KERNEL: nothing of the package is left: not installed, no generated
# file, no settings file, no debconf answers, and KERNEL's initramfs without the vfio setup
# (KERNEL empty: the suite checks its images itself, e.g. dracut's)
lifecycle_purged() {
	check "$1: package purged" \
		in_target "! dpkg-query -W -f '\${Status}' $pkg 2>/dev/null | grep -q installed"
	check "$1: generated files and settings gone" in_target \
		"! test -e $lc_modprobe && ! test -e $lc_grub && ! test -e $lc_xorg && ! test -e $lc_override && ! test -e $lc_settings"
	check "$1: no debconf answers" lifecycle_no_answers
	if [ -n "$2" ]; then
		check "$1: initramfs without vfio or the modprobe file" lifecycle_image_clean "$2"
	fi
}

lifecycle_same() { # lifecycle_same PATH EXPECTED-FILE: the file on the target, shown if not
	if in_target "cat $1" | diff -u "$2" - >"$tmp/lifecycle-diff" 2>&1; then return 0; fi
	sed 's/^/    /' "$tmp/lifecycle-diff"
	return 1
}
lifecycle_no_answers() { test -z "$(in_target "debconf-show $pkg" 2>/dev/null)"; }
lifecycle_image_clean() {
	in_target "lsinitramfs /boot/initrd.img-$1" >"$tmp/lifecycle-initramfs" || return 1
	! grep -qE "/vfio|modprobe\.d/$pkg" "$tmp/lifecycle-initramfs"
}
