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
snap_list() { # ROOT PRINTF: find's -printf PRINTF of every path (relative), but of files the
	# hash with snap_hash=1; filtered, sorted
	local r=$1
	# shellcheck disable=SC2086 # the list of paths
	(cd "$r" && if [ "${snap_hash:-}" = 1 ]; then
		find $snap_paths \( -type f -exec sha256sum --tag {} + \) -o -printf "$2" 2>/dev/null
	else find $snap_paths -printf "$2" 2>/dev/null; fi |
		awk -v state="${snap_state:-}" -v skip="${snap_skip:-}" '
			/^SHA256 \(/ { p = $0; sub(/^SHA256 \(/, "", p); sub(/\) = [0-9a-f]*$/, "", p); $0 = p " file " $NF }
			{ p = $0; sub(/ [^ ]* [^ ]*$/, "", p) }
			state != 1 && p ~ /^var(\/lib(\/vfio-passthrough-setup(\/.*)?)?)?$/ { next }
			skip != "" && p ~ skip { next }
			{ print }' | LC_ALL=C sort)
}
snapshot() { snap_hash=1 snap_list "$1" '%p %y -\n'; }
meta() { snap_list "$1" '%p %m %U:%G\n'; }
differ() { # A B: nothing when A is B, else the first lines of their diff
	[ "$1" = "$2" ] || diff <(echo "$1") <(echo "$2") | grep '^[<>]' | head -n 4
}
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
	local a l out=
	for a in 0000:01:00.0 0000:01:00.1; do
		if [ -L "$1/sys/bus/pci/devices/$a/driver" ]; then
			l=$(readlink "$1/sys/bus/pci/devices/$a/driver") && out+=" ${l##*/}"
		else
			out+=" none"
		fi
	done
	echo "${out# }"
}
words_of() { # LINE
	local - w
	set -f
	for w in $1; do
		case $w in systemd?machine_id=*) ;; *) echo "$w" ;; esac
	done
}
trial_refusal() { # STACK: the words a refusal of a trial may name there ("proxmox-boot-tool
	# dracut": either), empty if a trial can be had
	local lv gv
	lv=$(fn "${1%+*}" trial_refusal) gv=$(fn "${1#*+}" trial_refusal)
	echo ${!lv} ${!gv}
}
