# shellcheck shell=bash
# systemd-boot itself, for the profiles whose entries it boots (kernel-install, proxmox): Type
# #1 entries in ESP/loader/entries; LoaderEntryOneShot read and deleted before the entry is
# booted; otherwise the first entry in its order (sort-key, then machine-id, then the newest
# version; entries without sort-key last). The kernel's command line: initrd=\PATH for each
# initrd line, then every options line.
sdboot_var=sys/firmware/efi/efivars/LoaderEntryOneShot-4a67b082-0a4c-41cf-b6c7-440b29bb8c4f
sdboot_oneshot() { # ROOT
	[ ! -f "$1/$sdboot_var" ] || tail -c +5 "$1/$sdboot_var" | tr -d '\000'
}
sdboot_field() { # ENTRY KEY: its value, the values of every KEY line joined by a blank
	local v
	v=$(sed -n "s/^$2[ \t]\+//p" "$1" | tr '\n' ' ')
	echo "${v% }"
}
sdboot_entries() { # ROOT: every entry's options
	local e
	for e in "$1"/boot/efi/loader/entries/*.conf; do
		[ ! -f "$e" ] || sdboot_field "$e" options
	done
}
sdboot_boot() { # ROOT
	local r=$1 want e chosen= initrd
	want=$(sdboot_oneshot "$r")
	rm -f "$r/$sdboot_var"
	[ -z "$want" ] || [ ! -f "$r/boot/efi/loader/entries/$want" ] || chosen=$r/boot/efi/loader/entries/$want
	if [ -z "$chosen" ]; then
		chosen=$(for e in "$r"/boot/efi/loader/entries/*.conf; do
			[ -f "$e" ] || continue
			printf '%s\t%s\t%s\t%s\n' "$(sdboot_field "$e" sort-key | grep . || echo '~')" \
				"$(sdboot_field "$e" machine-id)" "$(sdboot_field "$e" version)" "$e"
		done | sort -t"$(printf '\t')" -k1,1 -k2,2 -k3,3Vr | head -n1 | cut -f4)
	fi
	[ -n "$chosen" ] || return 1
	initrd=$(sdboot_field "$chosen" initrd)
	echo "$( [ -z "$initrd" ] || echo "initrd=$initrd " | tr / '\\')$(sdboot_field "$chosen" options)"
	echo "${initrd:+/boot/efi$initrd}"
	sdboot_field "$chosen" version
}
