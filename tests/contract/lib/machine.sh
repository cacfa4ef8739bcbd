# shellcheck shell=bash
# The fake machine of one stack (LOADER+GENERATOR, tests/contract/stacks): built once per
# stack and variant from tests/roots/intel-igpu-nvidia (make-root), copied for every case.
# Its own facts live in ROOT/fake-machine (never in a snapshot): the stack, the drivers the
# kernel gives each function without vfio-pci, the boot counter.
#   new_machine STACK NAME [VARIANT]  -> prints ROOT; VARIANT: plain, cmdline-file (an admin's
#       /etc/kernel/cmdline, mode 0600, owned by 1000:1000), iommu-on (the running command
#       line and every entry carry intel_iommu=on iommu=pt already), dashdash (an admin's
#       /etc/kernel/cmdline with words for init after "--")
#   copy_machine ROOT NAME  -> prints the copy's ROOT (the machine as it is now)
#   stack_of ROOT, loader_of ROOT, generator_of ROOT
#   install_kernel ROOT KVER   a kernel package's postinst: the generator's image, then the
#       boot loader's entries (Debian's /etc/kernel/postinst.d hooks)
#   purge_package ROOT         the package's files gone (its hooks with them); the suite ran
#       `remove` first, as the prerm does
k1=$(basename "$(tests/lib/kernel-index)") || exit 1
k2=6.1.0-99-amd64 # "installed later": the same module index under a newer name
machine_id=3b8e5a0c51c34c1e9d0e6f1f1c9a2b7d

# These print their answer, or set VAR when named (no command substitution, no fork).
say() { if [ -n "${2:-}" ]; then printf -v "$2" %s "$1"; else echo "$1"; fi; } # VALUE [VAR]
stack_of() { local stack_; read -r stack_ <"$1/fake-machine/stack"; say "$stack_" "${2:-}"; }
loader_of() { local stack_; read -r stack_ <"$1/fake-machine/stack"; say "${stack_%+*}" "${2:-}"; }
generator_of() { local stack_; read -r stack_ <"$1/fake-machine/stack"; say "${stack_#*+}" "${2:-}"; }
fn() { say "${1//-/_}_$2" "${3:-}"; } # fn BACKEND OP [VAR]: the profile's function for OP

add_kernel_files() { # ROOT KVER: the kernel package's files
	local index
	index=$(readlink "$1/lib/modules/$k1")
	[ -e "$1/lib/modules/$2" ] || ln -s "$index" "$1/lib/modules/$2"
	echo "Linux $2" >"$1/boot/vmlinuz-$2"
}
install_kernel() { # ROOT KVER
	local l g
	loader_of "$1" l && generator_of "$1" g && fn "$l" install_kernel l && fn "$g" install_kernel g
	add_kernel_files "$1" "$2"
	standin "$1" "$g" "$1" "$2" && standin "$1" "$l" "$1" "$2"
}
purge_package() { rm -f "$1/usr/sbin/vfio-passthrough-setup" "$1/etc/grub.d/42_vfio-passthrough-setup-trial"; }
standin() { # ROOT COMMAND...: a profile's or a stand-in's work, uncounted, on ROOT's stack
	local r=$1 st
	shift
	stack_of "$r" st
	PATH=$tmp/bin/$st:$PATH FAKE_ROOT=$r FAKE_CTL='' "$@"
}

# Every device's driver without vfio-pci: "ADDR VENDOR:DEVICE DRIVER", from make-root's tree.
record_drivers() {
	local d a v i drv
	for d in "$1"/sys/bus/pci/devices/*; do
		a=${d##*/} drv=-
		read -r v <"$d/vendor" && read -r i <"$d/device" || return 1
		[ ! -e "$d/driver" ] || { drv=$(readlink "$d/driver") && drv=${drv##*/}; }
		printf '%s %s:%s %s\n' "$a" "${v#0x}" "${i#0x}" "$drv" >>"$1/fake-machine/drivers"
		echo "$a $drv" >>"$1/fake-machine/bound"
	done
}

build_machine() { # STACK VARIANT DIR
	local stack=$1 variant=$2 r=$3 l g
	l=${stack%+*} g=${stack#*+}
	make_root intel-igpu-nvidia "$r" >/dev/null || return 1
	mkdir -p "$r/fake-machine" "$r/usr/sbin" "$r/proc/self" "$r/proc/sys/kernel/random" || return 1
	echo "$stack" >"$r/fake-machine/stack"
	record_drivers "$r" || return 1
	: >"$r/usr/sbin/vfio-passthrough-setup" # the package is installed
	echo "$machine_id" >"$r/etc/machine-id"
	printf 'PRETTY_NAME="Debian GNU/Linux 12 (bookworm)"\nID=debian\n' >"$r/etc/os-release"
	echo '22 1 8:1 / / rw,relatime shared:1 - ext4 /dev/sda1 rw,errors=remount-ro' >"$r/proc/self/mountinfo"
	echo 0 >"$r/fake-machine/boots"
	case $variant in
	iommu-on) sed -i 's/$/ intel_iommu=on iommu=pt/' "$r/proc/cmdline" ;;
	cmdline-file | dashdash)
		mkdir -p "$r/etc/kernel"
		if [ "$variant" = dashdash ]; then
			echo "root=UUID=3b8e5a0c-51c3-4c1e-9d0e-6f1f1c9a2b7d ro quiet -- single" >"$r/etc/kernel/cmdline"
		else
			echo "root=UUID=3b8e5a0c-51c3-4c1e-9d0e-6f1f1c9a2b7d ro quiet splash" >"$r/etc/kernel/cmdline"
			chmod 0600 "$r/etc/kernel/cmdline"
			chown 1000:1000 "$r/etc/kernel/cmdline"
		fi
		;;
	esac
	add_kernel_files "$r" "$k1"
	standin "$r" "$(fn "$g" prepare)" "$r" &&
		standin "$r" "$(fn "$l" prepare)" "$r" &&
		standin "$r" "$(fn "$g" install_kernel)" "$r" "$k1" &&
		standin "$r" "$(fn "$l" install_kernel)" "$r" "$k1" &&
		boot "$r"
}

copy_machine() { # ROOT NAME -> prints the copy's ROOT
	rm -rf "${tmp:?}/$2" && cp -a "$1" "$tmp/$2" && echo "$tmp/$2"
}
new_machine() { # STACK NAME [VARIANT]
	local cache=$tmp/machines/$1-${3:-plain} r=$tmp/$2
	if [ ! -d "$cache" ]; then
		mkdir -p "$tmp/machines"
		build_machine "$1" "${3:-plain}" "$cache" || { echo "contract: cannot build $1 ${3:-plain}" >&2; return 1; }
	fi
	rm -rf "$r"
	cp -a "$cache" "$r" && echo "$r"
}
