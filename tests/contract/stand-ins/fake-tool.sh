# shellcheck shell=sh
# Sourced first by every stand-in: counts and logs the call, and makes it fail or kills the
# program that called it when the marker files in $FAKE_CTL name this call:
#   $FAKE_CTL/log       one line per call: its number, the tool and its arguments
#   $FAKE_CTL/fail-at   N: the Nth call exits 1, doing nothing (a tool that fails)
#   $FAKE_CTL/kill-at   N: the Nth call kills its caller with SIGKILL first (the machine died
#                       while the tool ran: the tool's work is lost too)
# Without FAKE_CTL (the suite itself setting up a machine) nothing is counted. A stand-in that
# runs another one (grub-reboot runs grub-editenv) sets FAKE_NESTED: only the outer call counts.
fake_tool=${0##*/}
fake_call() {
	[ -n "${FAKE_CTL:-}" ] && [ -z "${FAKE_NESTED:-}" ] || return 0
	fake_n=0 fake_at=
	[ ! -f "$FAKE_CTL/count" ] || read -r fake_n <"$FAKE_CTL/count"
	fake_n=$((fake_n + 1))
	echo "$fake_n" >"$FAKE_CTL/count"
	echo "$fake_n $fake_tool $*" >>"$FAKE_CTL/log"
	[ ! -f "$FAKE_CTL/fail-at" ] || read -r fake_at <"$FAKE_CTL/fail-at"
	if [ "$fake_at" = "$fake_n" ]; then
		echo "$fake_tool: failed on purpose (call $fake_n of the contract suite)" >&2
		exit 1
	fi
	[ ! -f "$FAKE_CTL/kill-at" ] || read -r fake_at <"$FAKE_CTL/kill-at"
	if [ "$fake_at" = "$fake_n" ]; then
		kill -9 "$PPID"
		exit 1
	fi
}
: "${FAKE_ROOT:?the stand-ins work on a fake root}"
fake_call "$@"
