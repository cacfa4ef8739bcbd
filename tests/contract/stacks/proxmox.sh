# shellcheck shell=bash
# Boot loader profile: Proxmox VE's proxmox-boot-tool with its ESP in systemd-boot mode (ZFS
# on root): /usr/sbin/proxmox-boot-tool on the root, entries written by `refresh` from
# /etc/kernel/cmdline. It has no one-shot for a command line: a trial is refused.
loaders="${loaders:-} proxmox"
proxmox_tools="proxmox-boot-tool"
proxmox_trial_refusal="proxmox-boot-tool"
proxmox_shared_cmdline=yes
proxmox_oneshot_tool=

proxmox_prepare() { # ROOT
	mkdir -p "$1/usr/sbin" "$1/boot/efi" "$1/sys/firmware/efi/efivars"
	: >"$1/usr/sbin/proxmox-boot-tool"
}
# ROOT KVER: /etc/kernel/postinst.d/zz-proxmox-boot
proxmox_install_kernel() { proxmox-boot-tool refresh 2>/dev/null; }
proxmox_entries() { sdboot_entries "$1"; }
proxmox_oneshot() { sdboot_oneshot "$1"; }
proxmox_set_oneshot() { :; }
proxmox_boot() { sdboot_boot "$1"; }
