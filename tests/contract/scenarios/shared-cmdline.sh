# shellcheck shell=bash
# Scenario 6: the stacks whose entries take /etc/kernel/cmdline, the admin's file shared with
# us (kernel-install, proxmox-boot-tool).
#  - confirm with no /etc/kernel/cmdline (where a trial can be had) never copies a trial's
#    words into the entries (bug 1): when the entries carry the IOMMU words already (apply
#    --trial --auto-confirm), and when the admin typed a word at the menu in the trial boot;
#  - an /etc/kernel/cmdline with words for init after "--" (bug 8): our words go before it,
#    or apply refuses with the file untouched; status passes only when the kernel itself
#    gets them.
scenario_shared_cmdline() { # STACK
	local s=$1 lv r
	lv=$(fn "$(loader_of_stack "$s")" shared_cmdline)
	[ -n "${!lv}" ] || return 0
	if [ -z "$(trial_refusal "$s")" ]; then
		r=$(new_machine "$s" sc-on iommu-on) || { fail "$s: no machine"; return; }
		confirm_keeps_entries_clean "$s, entries with the IOMMU words" "$r" --auto-confirm
		r=$(new_machine "$s" sc-typed) || { fail "$s: no machine"; return; }
		confirm_keeps_entries_clean "$s, a word typed at the menu" "$r" "" nomodeset
	fi
	double_dash "$s"
}
loader_of_stack() { echo "${1%+*}"; }

confirm_keeps_entries_clean() { # NAME ROOT APPLY-OPTION [TYPED-WORD]
	local n=$1 r=$2
	prog "$r" apply --trial ${3:+"$3"}
	boot "$r" || fail "$n: no trial boot"
	[ -z "${4:-}" ] || sed -i "s/\$/ $4/" "$r/proc/cmdline"
	prog "$r" confirm
	check "$n: confirm exits 0 ($rc: $out)" [ "$rc" -eq 0 ]
	check "$n: no entry carries the trial's words after confirm (bug 1) ($(entries "$r" | tr '\n' '|'))" \
		eval '[ "$rc" -eq 0 ] && no_line "$(entries "$r")" "$trial_re"'
	boot "$r" || fail "$n: no boot after confirm"
	prog "$r" remove
	boot "$r" || fail "$n: no boot after remove"
	check "$n: after remove, no trial word and no ids on the command line (bug 1) ($(cat "$r/proc/cmdline"))" \
		no_line "$(cat "$r/proc/cmdline")" "$trial_re"
}

double_dash() { # STACK
	local s=$1 r file before kernel_part
	r=$(new_machine "$s" sc-dd dashdash) || { fail "$s: no machine"; return; }
	before=$(cat "$r/etc/kernel/cmdline")
	prog "$r" apply
	file=$(cat "$r/etc/kernel/cmdline")
	check "$s, \"--\" in /etc/kernel/cmdline: our words before it, or refused with the file untouched (bug 8) ($rc: $file)" \
		eval '{ [ "$rc" -eq 0 ] && every_line "${file%% -- *}" " intel_iommu=on( .*)? iommu=pt( |\$)"; } ||
			{ [ "$rc" -eq 2 ] && [ "$file" = "$before" ]; }'
	[ "$rc" -eq 0 ] || return 0
	boot "$r" || fail "$s, \"--\": no boot"
	kernel_part=$(sed 's/ -- .*//' "$r/proc/cmdline")
	prog "$r" status
	if every_line "$kernel_part" " intel_iommu=on( .*)? iommu=pt( |\$)"; then
		check "$s, \"--\": the kernel gets our words: status passes ($rc: $out)" [ "$rc" -eq 0 ]
	else
		check "$s, \"--\": the kernel lacks our words: status fails (bug 8) ($rc: $out)" [ "$rc" -ne 0 ]
	fi
}
