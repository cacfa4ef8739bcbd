# shellcheck shell=bash
# Shared by tests/vm/run and tests/vm/build-image: run one boot of qemu under a watchdog.

# UEFI guests: Debian's OVMF without Secure Boot (package ovmf). A guest disk gets its own copy
# of the variable store (ovmf_vars), which keeps the boot entry bootctl makes.
# shellcheck disable=SC2034 # used by the scripts that source this file
ovmf_vars=/usr/share/OVMF/OVMF_VARS_4M.fd
# uefi_firmware VARS: the array firmware = qemu's two pflash drives, OVMF's code read-only and
# the disk's variable store VARS writable
uefi_firmware() {
	firmware=(-drive "if=pflash,format=raw,unit=0,readonly=on,file=/usr/share/OVMF/OVMF_CODE_4M.fd"
		-drive "if=pflash,format=raw,unit=1,file=$1")
}

# qemu_watched [--through-reset] LOG BOOT_LIMIT LIMIT QEMU-ARG...
# Runs qemu-system-x86_64 with its serial console in LOG. With --through-reset a guest that
# reboots (a panic with panic=N) starts again in the same run, as a machine reset by its
# watchdog does, and a panic is not a reason to stop. Kills it (it is our own child) when
#  - the guest kernel reports an RCU stall or panics (an intermittent TCG hang seen here in about
#    1 of 40 boots, right after the display drivers start): status 75;
#  - the test runner has not started (no VMTEST-BEGIN) after BOOT_LIMIT seconds: status 76;
#  - the whole boot took more than LIMIT seconds: status 124.
# Otherwise returns qemu's own status. 75 and 76 without VMTEST-BEGIN in LOG are safe to retry:
# nothing of the test ran yet.
qemu_watched() {
	local reboot=-no-reboot stop='rcu_preempt detected stalls|Kernel panic - not syncing'
	if [ "$1" = --through-reset ]; then
		reboot='' stop='rcu_preempt detected stalls'
		shift
	fi
	local log=$1 boot_limit=$2 limit=$3 pid rc=0 t0=$SECONDS
	shift 3
	: >"$log"
	qemu-system-x86_64 -display none -monitor none -serial "file:$log" ${reboot:+"$reboot"} "$@" \
		</dev/null >"$log.qemu" 2>&1 &
	pid=$!
	while kill -0 "$pid" 2>/dev/null; do
		sleep 2
		if grep -qE "$stop" "$log"; then
			rc=75
		elif [ $((SECONDS - t0)) -gt "$boot_limit" ] && ! grep -q VMTEST-BEGIN "$log"; then
			rc=76
		elif [ $((SECONDS - t0)) -gt "$limit" ]; then
			rc=124
		else
			continue
		fi
		kill "$pid" 2>/dev/null
		wait "$pid" 2>/dev/null
		return "$rc"
	done
	wait "$pid" || rc=$?
	return "$rc"
}

# retryable LOG STATUS: the boot hung before the test runner started
retryable() {
	case $2 in 75 | 76) ! grep -q VMTEST-BEGIN "$1" ;; *) false ;; esac
}
