#!/bin/bash
# dracut module of vfio-passthrough-setup: for identical cards, where vfio-pci cannot bind
# by ids, give exactly the chosen functions to vfio-pci before udev's coldplug, running the
# same script initramfs-tools images run in init-top. The address list and the modprobe file
# reach the image through /etc/dracut.conf.d/vfio-passthrough-setup.conf (install_items), the
# vfio modules through its force_drivers; apply writes both only when dracut builds images.

# Included only when apply wrote the address list (identical cards); else nothing to bind.
# Its path is the helper's (package-script-facts: vps_driver_override_file).
check() {
	local helper=/usr/sbin/vfio-passthrough-setup facts
	[ -x "$helper" ] && facts=$("$helper" package-script-facts) || return 255
	eval "$facts"
	[ -f "${dracutsysrootdir-}$(vps_driver_override_file)" ] || return 255
	return 0
}

depends() {
	return 0
}

install() {
	# shellcheck disable=SC2154 # moddir: set by dracut for every module
	inst_script "$moddir/early-vfio-passthrough-setup" \
		/usr/lib/vfio-passthrough-setup/early-vfio-passthrough-setup
	inst_hook pre-udev 30 "$moddir/vfio-passthrough-setup-pre-udev.sh"
}
