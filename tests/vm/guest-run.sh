#!/bin/sh
# Runs inside the test guest at every boot (started by vmtest-runner from the 9p share).
# It records the state of the machine as this boot found it into out/, then performs the
# actions the host listed in the share's "actions" file, one per line: ACTION [ARG...].
# Every action's output goes to out/ACTION.log and its exit status to out/ACTION.rc; an
# action that fails does not stop the next (the host decides what a failure means).
set -u
S=$VMTEST_SHARE
O=$S/out
PKG=$(cat "$S/package")
NAME=vfio-passthrough-setup
mkdir -p "$O"

# The generated files and the settings file (fixed names, see HELPERS.md) and the package's
# state directory: shown after each boot so a failing check can say what was there.
GENERATED="/etc/modprobe.d/$NAME.conf /etc/default/grub.d/$NAME.cfg
/etc/X11/xorg.conf.d/10-$NAME.conf /etc/default/$NAME /etc/dracut.conf.d/$NAME.conf"

# list_initramfs IMAGE: its file list, read with the tool of the generator that made it
list_initramfs() {
	if command -v lsinitrd >/dev/null; then lsinitrd "$1"; else lsinitramfs "$1"; fi
}

# one line per PCI function: address id class driver boot_vga iommu_group (from sysfs)
list_devices() {
	for d in /sys/bus/pci/devices/*; do
		drv=-
		[ -e "$d/driver" ] && drv=$(basename "$(readlink "$d/driver")")
		vga=-
		[ -f "$d/boot_vga" ] && vga=$(cat "$d/boot_vga")
		grp=-
		[ -e "$d/iommu_group" ] && grp=$(basename "$(readlink "$d/iommu_group")")
		echo "${d##*/} $(cut -c3- "$d/vendor"):$(cut -c3- "$d/device")" \
			"$(cut -c3-6 "$d/class") $drv $vga $grp"
	done
}

# efi_var NAME: systemd-boot's variable NAME (4 attribute bytes, then UTF-16), or "none".
# Read through a pipe: efivarfs cannot seek ("tail: cannot seek to relative offset 4").
efi_var() {
	f=/sys/firmware/efi/efivars/$1-4a67b082-0a4c-41cf-b6c7-440b29bb8c4f
	# shellcheck disable=SC2002 # the pipe is the point (see above)
	if [ -e "$f" ]; then cat "$f" | tail -c +5 | tr -d '\000'; echo; else echo none; fi
}

# every boot loader entry (Type #1) there is, each headed by its path
loader_entries() {
	for e in /boot/efi/loader/entries/*.conf /efi/loader/entries/*.conf /boot/loader/entries/*.conf; do
		[ -e "$e" ] || continue
		echo "==> $e"
		cat "$e"
	done
}

collect() {
	# vmtest.service waits for systemd-udev-settle, which gives up after 3 min: on a loaded
	# host (TCG at load 20) udev was still loading drivers then, and the state looked unbound
	udevadm settle --timeout=600 || echo "udevadm settle: still busy after 600 s" >"$O/udev-busy"
	uname -r >"$O/uname"
	cat /proc/cmdline >"$O/cmdline"
	sed -n 's/^vendor_id[[:space:]]*: //p' /proc/cpuinfo | sort -u >"$O/cpu-vendor"
	list_devices >"$O/devices"
	lspci -nnk >"$O/lspci" 2>&1
	dmesg >"$O/dmesg" 2>&1
	ls /dev/vfio >"$O/dev-vfio" 2>&1
	list_initramfs "/boot/initrd.img-$(uname -r)" >"$O/initramfs-running" 2>&1
	dpkg-query -W -f='${Package} ${db:Status-Abbrev}\n' dracut initramfs-tools 2>/dev/null |
		sed 's/ *$//' >"$O/initramfs-generator"
	for f in $GENERATED; do
		[ -e "$f" ] || continue
		echo "==> $f"
		cat "$f"
	done >"$O/generated" 2>&1
	ls -la "/var/lib/$NAME" >"$O/state-dir" 2>&1
	debconf-show "$PKG" >"$O/debconf" 2>&1
	dpkg-query -W -f='${db:Status-Abbrev} ${Version}\n' "$PKG" >"$O/dpkg-status" 2>&1
	# systemd-boot guests: the command line kernel-install gives the entries, the loader that
	# booted (bootctl status) and its entries, the initramfs the running kernel's entry loads
	if [ -d /boot/efi/loader ]; then
		[ ! -e /etc/kernel/cmdline ] || cp /etc/kernel/cmdline "$O/kernel-cmdline"
		{ bootctl status --no-pager; bootctl list --no-pager; } >"$O/bootctl" 2>&1
		loader_entries >"$O/loader-entries" 2>&1
		# the entry this boot is (set by systemd-boot) and a one-shot request left for the next
		efi_var LoaderEntrySelected >"$O/efi-selected"
		efi_var LoaderEntryOneShot >"$O/efi-oneshot"
		entry=$(grep -l "^linux .*/$(uname -r)/" /boot/efi/loader/entries/*.conf 2>/dev/null | head -n 1)
		initrd=$(sed -n 's/^initrd[[:space:]]\{1,\}//p' "${entry:-/dev/null}" | head -n 1)
		# the same bytes as /boot's image: its listing (lsinitrd costs a minute of TCG)
		esp_initrd=/boot/efi${initrd:-/no-entry-for-$(uname -r)}
		if cmp -s "$esp_initrd" "/boot/initrd.img-$(uname -r)"; then
			cp "$O/initramfs-running" "$O/initramfs-esp"
		else
			list_initramfs "$esp_initrd" >"$O/initramfs-esp" 2>&1
		fi
	fi
	# every path on the root filesystem that carries the package's name (leftovers after purge)
	find / -xdev -name "*$NAME*" -not -path '/var/lib/vmtest/*' >"$O/named-paths" 2>/dev/null
}

# A machine with no /etc/kernel/cmdline, as Debian's systemd-boot setups often are: its
# entries' options come from /proc/cmdline (kernel-install's fallback)
act_no_kernel_cmdline() {
	rm -f /etc/kernel/cmdline
}

act_install() {
	# an absolute path: apt takes the local .deb; the guest has no network, so every
	# dependency must already be in the image
	DEBIAN_FRONTEND=noninteractive apt-get install -y -o Dpkg::Use-Pty=0 "$S"/debs/*.deb
}

act_preseed() {
	cat "$S/preseed"
	debconf-set-selections "$S/preseed"
}

act_reconfigure() {
	dpkg-reconfigure -fnoninteractive "$PKG"
}

act_status() {
	# the exit status is a result, not a failure of the action
	rc=0
	"$NAME" status || rc=$?
	echo "$rc" >"$O/status.exit"
}

act_kernel2() {
	deb=$(ls /var/lib/vmtest/kernel2/*.deb)
	kver=$(dpkg-deb -f "$deb" Package | sed 's/^linux-image-//')
	echo "$kver" >"$O/kernel2.version"
	# test scaffolding, not the package under test: no fsync per file while unpacking
	DEBIAN_FRONTEND=noninteractive apt-get install -y -o Dpkg::Use-Pty=0 \
		-o Dpkg::Options::=--force-unsafe-io "$deb" || return
	list_initramfs "/boot/initrd.img-$kver" >"$O/kernel2.initramfs"
	# gone again, so that later steps rebuild one initramfs, not two (each costs a minute here)
	DEBIAN_FRONTEND=noninteractive apt-get purge -y -o Dpkg::Use-Pty=0 "linux-image-$kver"
}

# Binding at run time (scenario 7): the command's exit status and the drivers right after.
act_remove_now() {
	rc=0
	"$NAME" remove --now || rc=$?
	list_devices >"$O/remove_now.devices"
	return "$rc"
}

act_apply_now() {
	rc=0
	"$NAME" apply --now --devices "$1" || rc=$?
	list_devices >"$O/apply_now.devices"
	return "$rc"
}

# The boot VGA is refused (exit 3, the reason): a dry run, so nothing else changes. Without
# Xorg: the settings name the boot VGA as the host's display, which apply refuses first (exit 2).
act_vga_now() {
	vga=
	for d in /sys/bus/pci/devices/*; do
		if [ "$(cat "$d/boot_vga" 2>/dev/null)" = 1 ]; then vga=${d##*/}; fi
	done
	rc=0
	"$NAME" apply --now --dry-run --force --no-xorg --devices "$vga" || rc=$?
	echo "$rc" >"$O/vga_now.exit"
	list_devices >"$O/vga_now.devices"
}

# the one-shot request an action left: grubenv (file grubenv), or on systemd-boot the EFI
# variable bootctl set-oneshot wrote and the entries (ACTION.oneshot, ACTION.entries)
one_shot_request() {
	if [ -d /boot/efi/loader ]; then
		efi_var LoaderEntryOneShot >"$O/$1.oneshot"
		loader_entries >"$O/$1.entries"
	else
		grub-editenv list >"$O/grubenv"
	fi
}

# A trial (scenarios 8, 13): apply --trial, and the one-shot choice it left.
act_apply_trial() {
	"$NAME" apply --trial --devices "$1" || return
	one_shot_request apply_trial
}

# A trial whose boot fails (scenario 10): the kernel panics when init exits at once
# (init=/bin/false), and panic=5 resets the machine as a watchdog would.
act_apply_trial_failing() {
	"$NAME" apply --trial --devices "$1" \
		--kernel-params "intel_iommu=on iommu=pt init=/bin/false panic=5" || return
	grub-editenv list >"$O/grubenv"
}

# confirm (scenarios 11, 13), then what every later boot gets: GRUB's one-shot choice, the
# default entry's kernel line, the trial entries left (systemd-boot: the one-shot variable, the
# entries, /etc/kernel/cmdline), the modprobe file and the initramfs
act_confirm() {
	"$NAME" confirm || return
	if [ -d /boot/efi/loader ]; then
		efi_var LoaderEntryOneShot >"$O/confirm.oneshot"
		loader_entries >"$O/confirm.entries"
		cat /etc/kernel/cmdline >"$O/confirm.kernel-cmdline" 2>&1
	else
		grub-editenv list >"$O/confirm.grubenv"
		awk '/^menuentry / { n++ } n == 1 && $1 == "linux" { print; exit }' /boot/grub/grub.cfg >"$O/confirm.default-linux"
		grep -c '^menuentry .*trial (one boot)' /boot/grub/grub.cfg >"$O/confirm.trial-entries" || true
	fi
	cat "/etc/modprobe.d/$NAME.conf" >"$O/confirm.modprobe" 2>&1
	list_initramfs "/boot/initrd.img-$(uname -r)" >"$O/confirm.initramfs" 2>&1
}

# A kernel (re)installed later (scenario 13, after a purge): kernel-install add of the running
# kernel, as a kernel update does; then every entry. /etc/kernel/cmdline as it was before.
act_kernel_install_add() {
	k=$(uname -r)
	cat /etc/kernel/cmdline >"$O/kernel_install_add.kernel-cmdline" 2>&1
	kernel-install add "$k" "/boot/vmlinuz-$k" "/boot/initrd.img-$k" || return
	loader_entries >"$O/kernel_install_add.entries"
}

act_purge() {
	dpkg-query -L "$PKG" >"$O/package-files" 2>&1
	DEBIAN_FRONTEND=noninteractive apt-get purge -y -o Dpkg::Use-Pty=0 "$PKG" || return
	[ ! -d /boot/efi/loader ] || loader_entries >"$O/purge.entries"
	# regular files and symlinks the package owned that are still there; not directories,
	# nor symlinks to one: dpkg -L lists /lib, which merged /usr makes a symlink to usr/lib
	while read -r f; do
		[ -d "$f" ] && continue
		if [ -f "$f" ] || [ -L "$f" ]; then echo "$f"; fi
	done <"$O/package-files" >"$O/package-files-left"
}

collect
while read -r action args; do
	[ -n "$action" ] || continue
	echo "VMTEST-ACTION $action begin uptime=$(cut -d' ' -f1 /proc/uptime)"
	rc=0
	# shellcheck disable=SC2086 # the arguments are words
	"act_$action" $args >"$O/$action.log" 2>&1 || rc=$?
	echo "$rc" >"$O/$action.rc"
	echo "VMTEST-ACTION $action rc=$rc uptime=$(cut -d' ' -f1 /proc/uptime)"
done <"$S/actions"
sync
