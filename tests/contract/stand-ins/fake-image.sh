# shellcheck shell=sh
# Sourced by the generators' stand-ins: an initramfs as a real, uncompressed cpio (newc, as
# mkinitramfs and dracut --no-compress write it), the same bytes for the same content (file
# times and inode numbers fixed) so that a rebuilt image compares equal to the one before.
# The vfio modules of a kernel: the package's initramfs hook asks the helper
# (initramfs-modules --if-configured), as hooks/vfio-passthrough-setup does; only while the
# package is installed (the fake root's /usr/sbin/vfio-passthrough-setup, a placeholder).
image_stage=
image_begin() { # a fresh staging directory in $image_stage
	image_stage=$(mktemp -d)
}
image_add_file() { # ROOT-PATH: a copy of the fake root's file, if any
	[ -f "$FAKE_ROOT$1" ] || return 0
	[ -d "$image_stage${1%/*}" ] || mkdir -p "$image_stage${1%/*}"
	cp "$FAKE_ROOT$1" "$image_stage$1"
}
image_add_module() { # KVER MODULE
	[ -d "$image_stage/usr/lib/modules/$1/kernel/drivers/vfio" ] ||
		mkdir -p "$image_stage/usr/lib/modules/$1/kernel/drivers/vfio"
	echo ELF >"$image_stage/usr/lib/modules/$1/kernel/drivers/vfio/$2.ko"
}
image_package_modules() { # KVER: what the package's hook adds
	[ -e "$FAKE_ROOT/usr/sbin/vfio-passthrough-setup" ] || return 0
	# LeakSanitizer's exit scan aside (most of an ASan run's cost): tests/roots'
	# initramfs-modules.test runs these paths with it, configured or not
	ASAN_OPTIONS=${ASAN_OPTIONS:+$ASAN_OPTIONS:}detect_leaks=0 \
		"$FAKE_HELPER" --root "$FAKE_ROOT" initramfs-modules --if-configured "$1"
}
image_end() { # IMAGE (root path): the cpio, written whole
	# every time 0 (touch is done when find exits, before sort lets cpio read a name)
	(cd "$image_stage" && find . -exec touch -h -d @0 {} + -print | LC_ALL=C sort |
		cpio -o -H newc --reproducible --quiet) \
		>"$FAKE_ROOT$1.new" && mv "$FAKE_ROOT$1.new" "$FAKE_ROOT$1"
	rm -rf "$image_stage"
}
