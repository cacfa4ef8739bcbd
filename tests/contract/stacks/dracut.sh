# shellcheck shell=bash
# Initramfs generator profile: dracut (/usr/bin/dracut on the root, no update-initramfs). A
# trial is refused with it today (the trial's address list is read by initramfs-tools only).
generators="${generators:-} dracut"
dracut_tools="dracut lsinitrd"
dracut_trial_refusal="dracut"

dracut_prepare() { mkdir -p "$1/usr/bin" && touch "$1/usr/bin/dracut" "$1/usr/bin/lsinitrd"; }
# ROOT KVER: /etc/kernel/postinst.d/dracut
dracut_install_kernel() { dracut -q --force "/boot/initrd.img-$2" "$2" >/dev/null; }
