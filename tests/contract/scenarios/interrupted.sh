# shellcheck shell=bash
# Scenarios 3 and 4: apply (on a fresh machine), remove (applied and rebooted) and confirm (in
# a trial boot, where the stack has trials), each interrupted at each of its tool calls, as
# counted in an uninterrupted run:
#  - killed (kill -9 of the program while the tool runs): the same command run again, or the
#    one `status` then names, completes, and every file is as after the uninterrupted run,
#    or as before it (bug 4);
#  - that tool failing: the command exits non-zero with every file as it was; an
#    /etc/kernel/cmdline that was not there may stay with the words the entries had before
#    (as after remove: deleting it would let the regeneration back take the running line,
#    a trial boot's with our words, into the entries, bug 1), the entries byte for byte.
scenario_interrupted() { # STACK
	local s=$1 r
	r=$(new_machine "$s" int) || { fail "$s: no machine to interrupt"; return; }
	interrupt_each "$s" "$r" apply
	prog "$r" apply && boot "$r" || fail "$s: no applied machine to interrupt remove on"
	interrupt_each "$s" "$r" remove
	[ -z "$(trial_refusal "$s")" ] || return 0
	r=$(new_machine "$s" int) || { fail "$s: no machine to interrupt"; return; }
	prog "$r" apply --trial && boot "$r" || fail "$s: no trial boot to interrupt confirm in"
	interrupt_each "$s" "$r" confirm
}

interrupt_each() { # STACK ROOT COMMAND: ROOT is left as it was
	local s=$1 base=$2 c=$3 ref before after now n i tool k skip='' failed0 entries0 kept
	ref=$(copy_machine "$base" int-ref)
	before=$(snapshot "$base")
	# after a failing tool: /etc/kernel/cmdline, where it was not, is checked apart
	[ -e "$base/etc/kernel/cmdline" ] || skip='^etc/kernel(/cmdline)?$'
	failed0=$(snap_skip=$skip snapshot "$base")
	# the entries' words of before (the trial entry aside: its own words are the trial's)
	entries0=$(entries "$base" | grep -vE "$trial_re" | head -n1)
	prog "$ref" "$c"
	n=$calls
	cp "$FAKE_CTL/log" "$tmp/int-log"
	after=$(snapshot "$ref")
	check "$s, $c to interrupt: exits 0 and calls a tool ($rc, $n calls: $out)" eval '[ "$rc" -eq 0 ] && [ "$n" -gt 0 ]'
	local -a tools=()
	while read -r i tool _; do [ -n "${tools[i]:-}" ] || tools[i]=$tool; done <"$tmp/int-log"
	for ((i = 1; i <= n; i++)); do
		tool=${tools[i]:-}
		k=$(copy_machine "$base" int-kill)
		kill_at=$i prog "$k" "$c"
		check "$s, $c killed in call $i ($tool): died by SIGKILL ($rc)" [ "$rc" -eq 137 ]
		finish "$k" "$c"
		check "$s, $c killed in call $i ($tool): run again, or what status names, completes (bug 4) ($rc: $out)" [ "$rc" -eq 0 ]
		now=$(snapshot "$k")
		check "$s, $c killed in call $i ($tool): then every file as after $c, or as before it (bug 4)" \
			eval '[ "$now" = "$after" ] || [ "$now" = "$before" ]'
		k=$(copy_machine "$base" int-fail)
		fail_at=$i prog "$k" "$c"
		check "$s, $c with call $i ($tool) failing: exits non-zero ($rc)" eval '[ "$rc" -ne 0 ] && [ "$calls" -ge "$i" ]'
		now=$(snap_skip=$skip snapshot "$k")
		check "$s, $c with call $i ($tool) failing: every file as it was ($(differ "$failed0" "$now"))" [ "$now" = "$failed0" ]
		[ -z "$skip" ] || { kept=$(cat "$k/etc/kernel/cmdline" 2>&1); check "$s, $c with call $i ($tool) failing: no /etc/kernel/cmdline left, or one with the entries' words of before ($kept)" \
			eval '[ ! -e "$k/etc/kernel/cmdline" ] || [ "$(words_of "$kept")" = "$(words_of "$entries0")" ]'; }
	done
}

finish() { # ROOT COMMAND: the command again; if it fails, the command status names
	local named
	prog "$1" "$2"
	[ "$rc" -ne 0 ] || return 0
	prog "$1" status
	named=$(grep -o 'vfio-passthrough-setup \(apply\|remove\|confirm\)\( --[a-z-]*\)*' <<<"$out" | head -n1)
	[ -n "$named" ] || { rc=1 out="no command named by status: $out"; return; }
	# shellcheck disable=SC2086 # the command's words
	prog "$1" ${named#vfio-passthrough-setup }
}
