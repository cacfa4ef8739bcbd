# shellcheck shell=bash
# The program on a fake machine, with its stack's stand-ins (the harness's vps), counted:
#   prog ROOT ARGS...     $out, $rc as vps sets them; $calls: how many tool calls it made,
#                         $FAKE_CTL/log which (stand-ins/fake-tool.sh)
#   fail_at=N prog ...    the Nth tool call fails; kill_at=N prog ...: it kills the program
# Each stack has its own PATH directory ($tmp/bin/STACK): its profiles' tools, and every
# other known tool name as stand-ins/not-installed (logged: the stack's last check fails).
export FAKE_CTL=$tmp/ctl FAKE_TOP=$top FAKE_HELPER=$bin FAKE_STANDINS=$top/tests/contract/stand-ins
all_tools="update-grub grub-mkconfig grub-reboot grub-editenv grub-set-default kernel-install
	bootctl proxmox-boot-tool update-initramfs mkinitramfs lsinitramfs dracut lsinitrd"

make_bin() { # STACK
	local d=$tmp/bin/$1 lt gt have t
	lt=$(fn "${1%+*}" tools) gt=$(fn "${1#*+}" tools)
	have=" ${!lt} ${!gt} "
	mkdir -p "$d"
	for t in $all_tools; do
		case $have in
		*" $t "*) ln -sf "$FAKE_STANDINS/$t" "$d/$t" ;;
		*) ln -sf "$top/tests/contract/stand-ins/not-installed" "$d/$t" ;;
		esac
	done
}

prog() { # ROOT ARGS...
	local s
	stack_of "$1" s
	[ -d "$FAKE_CTL" ] || mkdir -p "$FAKE_CTL"
	# every file of fake-tool.sh and not-installed emptied (an empty fail-at or kill-at: none)
	echo 0 >"$FAKE_CTL/count" && : >"$FAKE_CTL/log" && : >"$FAKE_CTL/unexpected" &&
		echo "${fail_at:-}" >"$FAKE_CTL/fail-at" && echo "${kill_at:-}" >"$FAKE_CTL/kill-at" || return 1
	stand_ins=$tmp/bin/$s vps "$@"
	calls=0
	[ ! -f "$FAKE_CTL/count" ] || read -r calls <"$FAKE_CTL/count"
	[ ! -s "$FAKE_CTL/unexpected" ] || sed "s|^|$2: |" "$FAKE_CTL/unexpected" >>"$tmp/unexpected-$s"
}
