# shellcheck shell=bash
# Scenario 5: kernels installed after the program ran, as a kernel package's postinst does
# it (the generator's image, then the boot loader's entries: machine.sh's install_kernel).
#  - after apply: the new kernel's boot gets our setup, and so does every entry;
#  - after a purge (remove, then the package's files gone) and before the reboot, with and
#    without an /etc/kernel/cmdline of the admin's: no word of ours in any entry or image, and
#    the boot is the one before apply (bug 2: kernel-install falls back to the running
#    command line, which still carries our words).
scenario_kernel_later() { # STACK
	local s=$1 r v orig
	r=$(new_machine "$s" kl) || { fail "$s: no machine for a later kernel"; return; }
	prog "$r" apply
	check "$s, kernel later: apply exits 0 ($rc: $out)" [ "$rc" -eq 0 ]
	install_kernel "$r" "$k2" || fail "$s, kernel later: the kernel's postinst failed"
	check "$s, kernel later: every entry carries our words ($(entries "$r" | tr '\n' '|'))" \
		every_line "$(entries "$r")" ' intel_iommu=on( .*)? iommu=pt( |$)'
	boot "$r" || fail "$s, kernel later: no boot"
	check "$s, kernel later: the new kernel boots ($(cat "$r/proc/sys/kernel/osrelease"))" \
		grep -qx "$k2" "$r/proc/sys/kernel/osrelease"
	check "$s, kernel later: its boot puts the card on vfio-pci ($(drivers "$r"): $(cat "$r/proc/cmdline"))" \
		[ "$(drivers "$r")" = "vfio-pci vfio-pci" ]
	prog "$r" status
	check "$s, kernel later: status passes in its boot ($rc: $out)" [ "$rc" -eq 0 ]

	for v in plain cmdline-file; do
		r=$(new_machine "$s" "kp-$v" "$v") || { fail "$s: no machine for a purge"; continue; }
		orig=$(cat "$r/proc/cmdline")
		prog "$r" apply
		boot "$r" || fail "$s, purge, $v: no boot after apply"
		prog "$r" remove
		check "$s, purge, $v: remove exits 0 ($rc: $out)" [ "$rc" -eq 0 ]
		purge_package "$r"
		install_kernel "$r" "$k2" || fail "$s, purge, $v: the kernel's postinst failed"
		check "$s, purge, $v, a kernel before the reboot: no word of ours in any entry (bug 2) ($(entries "$r" | tr '\n' '|'))" \
			no_line "$(entries "$r")" "$ours_re"
		check "$s, purge, $v, a kernel before the reboot: no image holds our files or the vfio modules ($(images_with_ours "$r"))" \
			eval '[ -f "$r/boot/initrd.img-$k2" ] && [ -z "$(images_with_ours "$r")" ]'
		boot "$r" || fail "$s, purge, $v: no boot"
		check "$s, purge, $v: the boot is the one before apply, on the new kernel ($(cat "$r/proc/cmdline"))" \
			[ "$(cat "$r/proc/cmdline")" = "${orig//$k1/$k2}" ]
		check "$s, purge, $v: the card on its own drivers ($(drivers "$r"))" [ "$(drivers "$r")" = "nouveau snd_hda_intel" ]
	done
}

images_with_ours() { # ROOT: every initramfs (in /boot, on the ESP) holding a file of ours or a vfio module
	local i
	for i in $(cd "$1" && find boot -name 'initrd.img-*' -type f); do
		! cpio -t --quiet <"$1/$i" 2>/dev/null | grep -q vfio || echo "$i"
	done
}
