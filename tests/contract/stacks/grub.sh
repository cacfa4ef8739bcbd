# shellcheck shell=bash
# Boot loader profile: GRUB as Debian sets it up (its tools and grub.d scripts where the
# packages put them; empty: the stand-ins on PATH do the work). Detected by update-grub and
# /boot/grub/grub.cfg; the one-shot request is next_entry in /boot/grub/grubenv (grub-reboot),
# which Debian's 00_header empties (save_env) before it boots the entry.
loaders="${loaders:-} grub"
grub_tools="update-grub grub-mkconfig grub-reboot grub-editenv"
grub_trial_refusal= # a trial can be had
grub_shared_cmdline= # /etc/kernel/cmdline means nothing to it
grub_oneshot_tool=grub-reboot

grub_prepare() { # ROOT
	mkdir -p "$1/boot/grub" "$1/etc/default" "$1/etc/grub.d" "$1/usr/sbin" "$1/usr/bin"
	touch "$1/usr/sbin/update-grub" "$1/usr/sbin/grub-mkconfig" "$1/usr/sbin/grub-reboot" \
		"$1/usr/bin/grub-editenv" "$1/etc/grub.d/10_linux" "$1/etc/grub.d/42_vfio-passthrough-setup-trial"
	printf 'GRUB_DEFAULT=0\nGRUB_TIMEOUT=5\nGRUB_CMDLINE_LINUX_DEFAULT="quiet"\nGRUB_CMDLINE_LINUX=""\n' \
		>"$1/etc/default/grub"
	grub-editenv - create
}
grub_install_kernel() { update-grub >/dev/null; } # ROOT KVER: /etc/kernel/postinst.d/zz-update-grub

# The entries as GRUB reads grub.cfg: "INDEX<TAB>ID<TAB>TITLE<TAB>KVER<TAB>INITRD<TAB>CMDLINE",
# INDEX the top-level position (entries of a submenu share the submenu's, with ">N").
grub_menu() {
	awk -F"'" '
		/^[ \t]*(menuentry|submenu) / {
			if (depth == 0) { top++; sub_i = -1 }
			if ($0 ~ /^[ \t]*menuentry/) { title = $2; id = $4; idx = depth ? top - 1 ">" ++sub_i : top - 1 }
			depth++; next
		}
		/^[ \t]*}[ \t]*$/ { if (depth == 2 || (depth == 1 && title != "")) flush(); depth--; if (!depth) title = ""; next }
		/^[ \t]*linux[ \t]/ { sub(/^[ \t]*linux[ \t]+/, ""); image = $0; sub(/ .*/, "", image); args = $0; sub(/^[^ ]*/, "", args); kver = image; sub(/.*vmlinuz-/, "", kver) }
		/^[ \t]*initrd[ \t]/ { initrd = $0; sub(/^[ \t]*initrd[ \t]+/, "", initrd) }
		function flush() {
			if (kver != "") printf "%s\t%s\t%s\t%s\t%s\tBOOT_IMAGE=%s%s\n", idx, id, title, kver, initrd, image, args
			title = ""; kver = ""; initrd = ""
		}
	' "$FAKE_ROOT/boot/grub/grub.cfg"
}
grub_entries() { grub_menu | cut -f6; } # ROOT: every entry's command line
grub_oneshot() { grub-editenv - list | var_of next_entry; } # ROOT
grub_set_oneshot() { grub-reboot vfio-passthrough-setup-trial; } # ROOT: as an admin would
var_of() { # NAME: the values of the lines NAME=VALUE of stdin, quotes removed
	local line
	while IFS= read -r line || [ -n "$line" ]; do
		case $line in "$1"=*) line=${line#*=} && echo "${line//\"/}" ;; esac
	done
}
grub_boot() { # ROOT
	local want line menu f field
	want=$(grub_oneshot)
	if [ -n "$want" ]; then
		grub-editenv - set next_entry= # 00_header: emptied before the entry is chosen
	else
		want=$(var_of GRUB_DEFAULT <"$1/etc/default/grub")
	fi
	# the entry whose index, id or title is $want, else GRUB's fallback: entry 0
	menu=$(grub_menu) line=
	while IFS= read -r f; do
		fields "$f"
		[ "${field[0]}" = "$want" ] || [ "${field[1]:-}" = "$want" ] || [ "${field[2]:-}" = "$want" ] || continue
		line=$f && break
	done <<<"$menu"
	[ -n "$line" ] || while IFS= read -r f; do [ "${f%%$'\t'*}" != 0 ] || { line=$f && break; }; done <<<"$menu"
	fields "$line"
	printf '%s\n' "${field[5]:-}" "${field[4]:-}" "${field[3]:-}"
}
fields() { # LINE: its tab-separated fields in the array $field, empty ones kept
	local l=$1$'\t'
	field=()
	while [ -n "$l" ]; do field+=("${l%%$'\t'*}") && l=${l#*$'\t'}; done
}
