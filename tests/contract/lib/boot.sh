# shellcheck shell=bash
# A fake boot: the stack's boot loader picks the entry (its profile's `boot`: three lines,
# the kernel command line, the initrd's path in the root, the kernel version), then the fake
# kernel: /proc/cmdline, a new boot id, /proc/sys/kernel/osrelease, and each function on the
# driver it would get: vfio-pci when the command line (vfio-pci.ids=,
# vfio_passthrough_setup.addrs=), the initrd or the root's /etc/modprobe.d ("options vfio-pci
# ids=", the address list) names it, else its own driver (ROOT/fake-machine/drivers).
boot() { # ROOT
	local r=$1 l chosen cmdline image kver n ids addrs a id drv bound
	loader_of "$r" l
	fn "$l" boot chosen
	chosen=$(standin "$r" "$chosen" "$r") || { echo "contract: $l cannot boot $r" >&2; return 1; }
	{ read -r cmdline; read -r image; read -r kver; } <<<"$chosen"
	[ -n "$cmdline" ] && [ -n "$kver" ] || { echo "contract: $l chose no entry on $r" >&2; return 1; }
	read -r n <"$r/fake-machine/boots"
	n=$((n + 1))
	echo "$n" >"$r/fake-machine/boots"
	while [[ $cmdline == *"  "* ]]; do cmdline=${cmdline//  / }; done # tr -s ' '
	echo "$cmdline" >"$r/proc/cmdline"
	printf '00000000-0000-4000-8000-%012d\n' "$n" >"$r/proc/sys/kernel/random/boot_id"
	echo "$kver" >"$r/proc/sys/kernel/osrelease"
	echo "$image" >"$r/fake-machine/initrd"
	ids=" $(kernel_words "$cmdline" vfio-pci.ids) $(image_text "$r" "$image" 'etc/modprobe.d/*.conf' |
		modprobe_ids) $(for a in "$r"/etc/modprobe.d/*.conf; do
		[ ! -f "$a" ] || modprobe_ids <"$a"; done) "
	addrs=" $(kernel_words "$cmdline" vfio_passthrough_setup.addrs) $(image_text "$r" "$image" \
		etc/vfio-passthrough-setup/driver-override | lines_but '#*') "
	ids=${ids//,/ } addrs=${addrs//,/ }
	while read -r a id drv; do
		case "$ids $addrs" in *" $id "* | *" $a "*) drv=vfio-pci ;; esac
		echo "$a $drv"
	done <"$r/fake-machine/drivers" >"$r/fake-machine/bound.new"
	# only the functions whose driver changes: a link costs forks
	bound=$(<"$r/fake-machine/bound")
	while read -r a drv; do
		case $'\n'$bound$'\n' in *$'\n'"$a $drv"$'\n'*) ;; *) bind_to "$r" "$a" "$drv" ;; esac
	done <"$r/fake-machine/bound.new"
	mv "$r/fake-machine/bound.new" "$r/fake-machine/bound"
}
modprobe_ids() { # the ids of every "options vfio-pci ... ids=" line of stdin
	local line re='^options vfio-pci .*ids=([^ ]*)'
	while IFS= read -r line || [ -n "$line" ]; do
		[[ ! $line =~ $re ]] || echo "${BASH_REMATCH[1]}"
	done
}
lines_but() { # PATTERN: the lines of stdin that do not match the glob PATTERN
	local line
	while IFS= read -r line || [ -n "$line" ]; do
		# shellcheck disable=SC2254 # PATTERN is a glob
		case $line in $1) ;; *) echo "$line" ;; esac
	done
}
kernel_words() { # CMDLINE NAME: the values of NAME= before "--" (the kernel's own words)
	local w
	for w in ${1%% -- *}; do
		case $w in "$2"=*) echo "${w#*=}" ;; esac
	done
}
image_text() { # ROOT IMAGE PATTERN: the files of the initrd matching PATTERN, concatenated
	[ -f "$1$2" ] || return 0
	(cd "$1/fake-machine" && cpio -i --to-stdout --quiet "$3" <"$1$2" 2>/dev/null) || true
}
bind_to() { # ROOT ADDR DRIVER|-: the links the kernel makes, relative as make-root's
	local r=$1 dev rel old ups
	dev=$r/sys/bus/pci/devices/$2
	# the device's own directory, relative to the root (realpath --relative-to, in one fork)
	rel=$(cd -P "$dev" && d=$PWD && cd -P "$r" && echo "${d#"$PWD"/}") || return 1
	if [ -L "$dev/driver" ]; then
		old=$(readlink "$dev/driver")
		rm -f "$r/sys/bus/pci/drivers/${old##*/}/$2" "$dev/driver"
	fi
	uevent_driver "$dev" "$3"
	[ "$3" != - ] || return 0
	[ -d "$r/sys/bus/pci/drivers/$3" ] || mkdir -p "$r/sys/bus/pci/drivers/$3"
	ups=${rel//[!\/]/} && ups=${ups//\//../}../ # a "../" for each of its components
	ln -s "${ups}sys/bus/pci/drivers/$3" "$dev/driver"
	ln -s "../../../../$rel" "$r/sys/bus/pci/drivers/$3/$2"
}
