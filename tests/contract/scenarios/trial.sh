# shellcheck shell=bash
# Scenario 2: the trial. Where the stack can have one: armed (the one-shot request names the
# trial entry; the default boot's files as before, bug 7), the trial boot (the token on the
# command line, status "Trial boot"), confirm and the boots after it; expiry (no confirm: the
# next boot is exactly the one before the trial, status "not confirmed"); a second trial in
# the first one's boot (bug 5); a failed or killed arm (bug 6), and apply --trial run again
# after it (it arms, and does not say "Nothing to change"); remove, a plain apply and
# confirm clear a request naming the trial entry (bug 9). Elsewhere: refused, exit 2, the
# reason, nothing written, no tool run.
scenario_trial() { # STACK
	local s=$1 why r before line0 entries0 arm_call tool armed
	why=$(trial_refusal "$s")
	r=$(new_machine "$s" tr) || { fail "$s: no machine for the trial"; return; }
	before=$(snapshot "$r") line0=$(cat "$r/proc/cmdline") entries0=$(entries "$r")
	if [ -n "$why" ]; then
		trial_refused "$s" "$r" "$why"
		return
	fi
	prog "$r" apply --trial
	check "$s, trial: apply --trial exits 0 ($rc: $out)" [ "$rc" -eq 0 ]
	tool=$(fn "$(loader_of "$r")" oneshot_tool)
	arm_call=$(awk -v t="${!tool}" '$2 == t { print $1; exit }' "$FAKE_CTL/log")
	check "$s, trial: armed: the one-shot request names the trial entry ($(oneshot "$r"))" \
		has "$(oneshot "$r")" vfio-passthrough-setup-trial
	check "$s, trial: the default boot's entries as before (only the trial entry added) ($(entries "$r"))" \
		[ "$(entries "$r" | grep -v vfio_passthrough_setup.trial)" = "$entries0" ]
	check "$s, trial: no Xorg snippet for the default boot before confirm (bug 7)" \
		[ ! -e "$r/etc/X11/xorg.conf.d/10-vfio-passthrough-setup.conf" ]
	prog "$r" status
	check "$s, trial: status says pending, exit 3 ($rc: $out)" [ "$rc" -eq 3 ]
	trial_stale_requests "$s" "$r" "$line0"
	trial_failed_arm "$s" "$arm_call" "$before"

	armed=$(oneshot "$r")
	boot "$r" || fail "$s, trial: no trial boot"
	check "$s, trial boot: the token on the command line ($(cat "$r/proc/cmdline"))" \
		grep -q 'vfio_passthrough_setup.trial=' "$r/proc/cmdline"
	check "$s, trial boot: the boot loader used up the one-shot request ($armed, then $(oneshot "$r"))" \
		eval '[ -n "$armed" ] && [ -z "$(oneshot "$r")" ]'
	check "$s, trial boot: the card on vfio-pci ($(drivers "$r"))" [ "$(drivers "$r")" = "vfio-pci vfio-pci" ]
	prog "$r" status
	check "$s, trial boot: status exits 0, \"Trial boot\" ($rc: $out)" eval '[ "$rc" -eq 0 ] && has "$out" "Trial boot"'
	trial_expiry "$s" "$(copy_machine "$r" tr-expiry)" "$line0"
	trial_second "$s" "$(copy_machine "$r" tr-second)"
	trial_confirm_clears "$s" "$(copy_machine "$r" tr-rearmed)"

	prog "$r" confirm
	check "$s, confirm: exits 0 ($rc: $out)" [ "$rc" -eq 0 ]
	boot "$r" && boot "$r" || fail "$s, confirm: no boots after it"
	check "$s, confirm: the boots after it keep the configuration ($(cat "$r/proc/cmdline"))" \
		eval 'grep -q " intel_iommu=on iommu=pt" "$r/proc/cmdline" && [ "$(drivers "$r")" = "vfio-pci vfio-pci" ]'
	check "$s, confirm: no trial word left on the command line" not grep -q vfio_passthrough_setup "$r/proc/cmdline"
	prog "$r" status
	check "$s, confirm: status passes two boots later ($rc: $out)" [ "$rc" -eq 0 ]
}

trial_refused() { # STACK ROOT WORDS
	local s=$1 r=$2 words=$3 b w
	b=$(snap_state=1 snapshot "$r")
	prog "$r" apply --trial
	check "$s, trial: refused, exit 2 ($rc: $out)" [ "$rc" -eq 2 ]
	check "$s, trial: the reason names one of: $words" eval 'for w in $words; do has "$out" "$w" && break; done'
	check "$s, trial: nothing written" [ "$b" = "$(snap_state=1 snapshot "$r")" ]
	check "$s, trial: no tool run ($(cat "$FAKE_CTL/log" 2>/dev/null))" [ "$calls" -eq 0 ]
}

trial_expiry() { # STACK TRIAL-BOOTED-ROOT LINE0: no confirm, the next boot
	local s=$1 r=$2 line0=$3 was
	was=$(cat "$r/proc/cmdline")
	boot "$r" || fail "$s, expiry: no boot"
	check "$s, expiry: the boot after an unconfirmed trial is exactly the one before ($(cat "$r/proc/cmdline"))" \
		eval 'has "$was" vfio_passthrough_setup.trial= && [ "$(cat "$r/proc/cmdline")" = "$line0" ]'
	check "$s, expiry: the card on its own drivers ($(drivers "$r"))" [ "$(drivers "$r")" = "nouveau snd_hda_intel" ]
	prog "$r" status
	check "$s, expiry: status exits 1, \"not confirmed\" ($rc: $out)" eval '[ "$rc" -eq 1 ] && has "$out" "not confirmed"'
}

trial_second() { # STACK ROOT: in the trial boot, the same trial again
	local s=$1 r=$2 arc
	prog "$r" apply --trial
	arc=$rc
	check "$s, second trial in the trial boot: apply --trial exits 0 ($rc: $out)" [ "$rc" -eq 0 ]
	prog "$r" confirm
	check "$s, second trial: not confirmable before a reboot (bug 5) ($rc: $out)" \
		eval '[ "$arc" -eq 0 ] && [ "$rc" -ne 0 ]'
}

trial_confirm_clears() { # STACK ROOT: the trial entry asked for again, then confirm
	local s=$1 r=$2 had
	standin "$r" "$(fn "$(loader_of "$r")" set_oneshot)" "$r"
	had=$(oneshot "$r")
	prog "$r" confirm
	check "$s, re-armed: confirm exits 0 ($rc: $out)" [ "$rc" -eq 0 ]
	check "$s, re-armed: confirm clears the request for the deleted trial entry (bug 9) ($had, then $(oneshot "$r"))" \
		eval 'has "$had" vfio-passthrough-setup-trial && [ -z "$(oneshot "$r")" ]'
}

trial_stale_requests() { # STACK ARMED-ROOT LINE0: remove, or a plain apply, instead of the trial
	local s=$1 c r had
	for c in remove apply; do
		r=$(copy_machine "$2" "tr-$c")
		had=$(oneshot "$r")
		prog "$r" "$c"
		check "$s, $c while armed: exits 0 ($rc: $out)" [ "$rc" -eq 0 ]
		check "$s, $c while armed: clears the request for the deleted trial entry (bug 9) ($had, then $(oneshot "$r"))" \
			eval 'has "$had" vfio-passthrough-setup-trial && [ -z "$(oneshot "$r")" ]'
	done
	boot "$tmp/tr-remove" || fail "$s, remove while armed: no boot"
	check "$s, remove while armed: the next boot is the one before ($(cat "$tmp/tr-remove/proc/cmdline"))" \
		[ "$(cat "$tmp/tr-remove/proc/cmdline")" = "$3" ]
}

trial_failed_arm() { # STACK CALL BEFORE: the one-shot tool fails, or the program is killed in it
	local s=$1 n=$2 before=$3 how r rm tool
	tool=$(fn "${s%+*}" oneshot_tool)
	check "$s, trial: the one-shot tool was called (call $n)" [ -n "$n" ]
	[ -n "$n" ] || return
	for how in fail_at kill_at; do
		r=$(new_machine "$s" "tr-$how") || { fail "$s: no machine"; continue; }
		declare "$how=$n"
		prog "$r" apply --trial
		unset fail_at kill_at
		check "$s, arm ($how the one-shot tool): apply --trial does not succeed ($rc: $out)" \
			eval '[ "$rc" -ne 0 ] && grep -q "^$n ${!tool} " "$FAKE_CTL/log"'
		prog "$r" status
		check "$s, arm ($how the one-shot tool): nothing left behind, or status says the trial is not armed (bug 6) ($rc: $out)" \
			eval '[ "$(snapshot "$r")" = "$before" ] || grep -qi "not armed" <<<"$out"'
		check "$s, arm ($how the one-shot tool): status does not promise the trial boot" \
			eval '[ -n "$(oneshot "$r")" ] || ! has "$out" "the next boot, and only that one"'
		# The other repair status names: remove, from the same state, leaves the machine as
		# it was before the trial.
		rm=$(copy_machine "$r" "tr-$how-remove")
		prog "$rm" remove
		check "$s, arm ($how the one-shot tool), then remove: exits 0, every file as before the trial, no request ($rc: $out)" \
			eval '[ "$rc" -eq 0 ] && [ "$(snapshot "$rm")" = "$before" ] && [ -z "$(oneshot "$rm")" ]'
		prog "$r" apply --trial
		check "$s, arm ($how the one-shot tool), apply --trial again: arms the trial, not \"Nothing to change\" (issue's lows) ($rc: $out)" \
			eval '[ "$rc" -eq 0 ] && has "$(oneshot "$r")" vfio-passthrough-setup-trial && ! has "$out" "Nothing to change"'
	done
}
