# shellcheck shell=bash
# What the checks compare and look for.
#   snapshot ROOT     every path the boot depends on (etc boot usr var sys/firmware) with its
#                     type and, for files, content hash: the state directory aside unless
#                     snap_state=1 (a failed run records its failure there, rightly); and
#                     without the paths matching the regular expression $snap_skip
#   meta ROOT         the same paths with mode and owner
#   every_line, no_line TEXT REGEX   for the entries: never true of an empty list
#   $ours_re          a word of ours (IOMMU words, ids, our own parameters); $trial_re: a
#                     trial's own words (token, auto_confirm, ids)
#   entries ROOT      every boot entry's command line, one a line (the loader profile's)
#   oneshot ROOT      the one-shot request the boot loader holds, empty if none
#   drivers ROOT      the card's functions' drivers: "vfio-pci vfio-pci" when passed through
#   words_of LINE     its words, one a line, without systemd.machine_id= (kernel-install adds
#                     it): an /etc/kernel/cmdline we leave holds the entries' words of before
snap_paths="etc boot usr var sys/firmware"
snap_find() { # ROOT FIND-ARGS...: relative paths, sorted, NUL-separated
	local r=$1
	shift
	# shellcheck disable=SC2086 # the list of paths
	(cd "$r" && find $snap_paths "$@" -print0 2>/dev/null | sort -z |
		if [ "${snap_state:-}" = 1 ]; then cat; else grep -zvE '^var(/lib(/vfio-passthrough-setup(/.*)?)?)?$'; fi |
		if [ -n "${snap_skip:-}" ]; then grep -zvE "$snap_skip"; else cat; fi)
}
snapshot() { snap_find "$1" | (cd "$1" && xargs -0 -r sh -c 'stat -c "%n %F" "$@" && find "$@" -maxdepth 0 -type f -exec sha256sum {} +' sh); }
meta() { snap_find "$1" | (cd "$1" && xargs -0 -r stat -c '%n %a %u:%g'); }
not() { ! "$@"; } # for check: check "..." not grep ...
every_line() { # TEXT REGEX: TEXT has lines, and each matches (an empty list is no pass)
	[ -n "$1" ] && ! grep -vqE "$2" <<<"$1"
}
no_line() { # TEXT REGEX: TEXT has lines, and none matches
	[ -n "$1" ] && ! grep -qE "$2" <<<"$1"
}
ours_re='(^| )(intel_iommu=on|amd_iommu=on|iommu=pt|vfio-pci\.ids=|vfio_passthrough_setup\.)'
trial_re='(^| )(vfio-pci\.ids=|vfio_passthrough_setup\.)'

entries() { standin "$1" "$(fn "$(loader_of "$1")" entries)" "$1"; }
oneshot() { standin "$1" "$(fn "$(loader_of "$1")" oneshot)" "$1"; }
drivers() { # ROOT
	local a
	for a in 0000:01:00.0 0000:01:00.1; do
		if [ -L "$1/sys/bus/pci/devices/$a/driver" ]; then
			basename "$(readlink "$1/sys/bus/pci/devices/$a/driver")"
		else
			echo none
		fi
	done | tr '\n' ' ' | sed 's/ $//'
}
words_of() { # LINE
	tr -s ' \t' '\n\n' <<<"$1" | grep -v '^systemd.machine_id=' | grep .
}
trial_refusal() { # STACK: the words a refusal of a trial may name there ("proxmox-boot-tool
	# dracut": either), empty if a trial can be had
	local lv gv
	lv=$(fn "${1%+*}" trial_refusal) gv=$(fn "${1#*+}" trial_refusal)
	echo ${!lv} ${!gv}
}
