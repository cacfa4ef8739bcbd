# shellcheck shell=bash
# Initramfs generator profile: initramfs-tools (update-initramfs on the root and on PATH).
generators="${generators:-} initramfs-tools"
initramfs_tools_tools="update-initramfs lsinitramfs"
initramfs_tools_trial_refusal=

initramfs_tools_prepare() { # ROOT: the tools where Debian installs them
	mkdir -p "$1/usr/sbin" "$1/usr/bin" && touch "$1/usr/sbin/update-initramfs" "$1/usr/bin/lsinitramfs"
}
# ROOT KVER: /etc/kernel/postinst.d/initramfs-tools
initramfs_tools_install_kernel() { update-initramfs -c -k "$2" >/dev/null; }
