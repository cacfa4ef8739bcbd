# shellcheck shell=bash
# Boot loader profile: systemd-boot through kernel-install, as Debian's systemd-boot package
# sets it up: kernel-install on the root, systemd-bootx64.efi on the ESP (/boot/efi), EFI
# variables; no /etc/kernel/cmdline unless the variant gives one. The entries are
# kernel-install's (stand-ins/kernel-install); systemd-boot itself is sdboot_boot.
loaders="${loaders:-} kernel-install"
kernel_install_tools="kernel-install bootctl"
kernel_install_trial_refusal=
kernel_install_shared_cmdline=yes
kernel_install_oneshot_tool=bootctl

kernel_install_prepare() { # ROOT
	mkdir -p "$1/usr/bin" "$1/boot/efi/EFI/systemd" "$1/sys/firmware/efi/efivars"
	touch "$1/usr/bin/kernel-install" "$1/usr/bin/bootctl"
	: >"$1/boot/efi/EFI/systemd/systemd-bootx64.efi"
}
# ROOT KVER: /etc/kernel/postinst.d/zz-systemd-boot
kernel_install_install_kernel() { kernel-install add "$2" "/boot/vmlinuz-$2" "/boot/initrd.img-$2"; }
kernel_install_entries() { sdboot_entries "$1"; }
kernel_install_oneshot() { sdboot_oneshot "$1"; }
kernel_install_set_oneshot() { bootctl set-oneshot vfio-passthrough-setup-trial.conf; }
kernel_install_boot() { sdboot_boot "$1"; }
