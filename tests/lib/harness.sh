# shellcheck shell=sh
# What every shell test runner shares (tests/*/run and the like). A runner names its suite and
# sources this file:
#     suite=apply
#     # shellcheck source=tests/lib/harness.sh
#     . "$(dirname "$0")/../lib/harness.sh"
# and gets:
#   $top        the repository's top directory
#   $tmp        a fresh directory under ${TMPDIR:-/var/tmp}, removed on exit (VPS_KEEP=1 keeps it);
#               a runner with more to undo sets its own EXIT trap ending in harness_cleanup
#   $bin        the program as built ($BUILD, default build); $BIN the command line that runs it
#               under $VALGRIND (exported, for the check scripts runners start)
#   run_vps ROOT ARGS...   the program on ROOT, under $VALGRIND: the one way the tests run it
#   vps ROOT ARGS...       run_vps with stdout and stderr in $out, the exit status in $rc; ROOT
#               must exist (never the host; after a failed set-up nothing runs: rc=125); with
#               $stand_ins set, the stand-in tools of that
#               directory come first on PATH, see FAKE_ROOT=ROOT, and regeneration runs under ROOT
#   ok, fail MESSAGE, check DESCRIPTION COMMAND...   count a pass or a failure ("FAIL: ...")
#   setup DESCRIPTION COMMAND...   a step the checks after it stand on (an install, a build). If
#               it fails: one failure, and every later check (and ok) counts as skipped
#               ("SKIP: ... (set-up failed: ...)") until setup_clear: a check whose set-up
#               failed never passes
#   setup_clear the next checks stand on nothing that failed (a new scenario)
#   VAR=$(MAKER ...); made VAR DESCRIPTION   a new scenario on what MAKER made in a command
#               substitution (a fake root): a set-up step that failed if MAKER did or VAR is no
#               directory; VAR then names a directory under $tmp that does not exist, so
#               nothing after it writes outside $tmp (and vps on it counts nothing)
#   skip DESCRIPTION REASON   a check that cannot run here, counted and shown ("SKIP: ...")
#   make_root SCENARIO DIR a fake machine from tests/roots/SCENARIO (tests/roots/make-root; the
#               command VPS_MAKE_ROOT names instead, tests/lib/test-harness's failing one)
#   has TEXT NEEDLE        TEXT holds NEEDLE (a fixed string)
#   updating_goldens       true under VPS_UPDATE_GOLDEN=1: the runner rewrites its golden files
#   summary     the line "SUITE: N passed, N failed" (", N skipped" when any were), nothing
#               after it (tests/run-all and CI read it), and the exit status: non-zero when
#               anything failed
# Plain POSIX sh: the /bin/sh runners source it too.

top=$(cd "$(dirname "$0")/../.." && pwd) || exit 1
BUILD=${BUILD:-build}
case $BUILD in
/*) ;;
*) BUILD=$top/$BUILD ;;
esac
bin=$BUILD/vfio-passthrough-setup
BIN="${VALGRIND:+$VALGRIND }$bin"
export BIN

passed=0 failed=0 skipped=0 harness_setup_failed=
ok() { # ok [DESCRIPTION]: shown as "ok: ..." when the runner sets show_passes=1
	if [ -n "$harness_setup_failed" ]; then
		skip "$*" "set-up failed: $harness_setup_failed"
		return
	fi
	passed=$((passed + 1))
	[ -z "${show_passes:-}" ] || echo "ok: $*"
}
fail() {
	failed=$((failed + 1))
	echo "FAIL: $*" >&2
}
skip() { # skip DESCRIPTION REASON
	skipped=$((skipped + 1))
	echo "SKIP: $1 ($2)"
}
check() { # check DESCRIPTION COMMAND...
	harness_what=$1
	shift
	if [ -n "$harness_setup_failed" ]; then
		skip "$harness_what" "set-up failed: $harness_setup_failed"
	elif "$@"; then
		ok "$harness_what"
	else
		fail "$harness_what"
	fi
}
setup() { # setup DESCRIPTION COMMAND...
	harness_what=$1
	shift
	if [ -n "$harness_setup_failed" ]; then
		skip "set-up: $harness_what" "set-up failed: $harness_setup_failed"
	elif ! "$@"; then
		fail "set-up: $harness_what"
		harness_setup_failed=$harness_what
	fi
}
setup_clear() {
	harness_setup_failed=
}
made() { # right after VAR=$(MAKER ...): made VAR DESCRIPTION
	harness_rc=$?
	setup_clear
	eval "harness_dir=\${$1:-}"
	setup "$2" test "$harness_rc" -eq 0 -a -n "$harness_dir" -a -d "$harness_dir"
	harness_unmade=$((${harness_unmade:-0} + 1))
	[ -z "$harness_setup_failed" ] || eval "$1=\$tmp/unmade-$harness_unmade"
}
make_root() { # make_root SCENARIO DIR
	"${VPS_MAKE_ROOT:-$top/tests/roots/make-root}" "$@"
}
has() {
	case $1 in *"$2"*) return 0 ;; esac
	return 1
}
updating_goldens() { [ "${VPS_UPDATE_GOLDEN:-}" = 1 ]; }
summary() {
	if [ "$skipped" -gt 0 ]; then
		echo "$suite: $passed passed, $failed failed, $skipped skipped"
	else
		echo "$suite: $passed passed, $failed failed"
	fi
	[ "$failed" -eq 0 ]
}

run_vps() { # run_vps ROOT ARGS...
	harness_root=$1
	shift
	# shellcheck disable=SC2086 # VALGRIND is a command line
	${VALGRIND:-} "$bin" --root "$harness_root" "$@"
}
vps() { # vps ROOT ARGS...: stdout+stderr in $out, exit status in $rc
	if [ -n "$harness_setup_failed" ]; then
		out="(not run: set-up failed: $harness_setup_failed)" rc=125
		return 0
	fi
	[ -d "$1" ] || {
		echo "$suite: no fake root '$1'" >&2
		exit 1
	}
	if [ -n "${stand_ins:-}" ]; then
		out=$(PATH=$stand_ins:$PATH FAKE_ROOT=$1 VFIO_PASSTHROUGH_SETUP_REGEN_UNDER_ROOT=1 run_vps "$@" 2>&1)
	else
		out=$(run_vps "$@" 2>&1)
	fi
	rc=$?
}

# uevent_driver DEVICE_DIR DRIVER|-: a fake kernel's bind (or unbind: -) as the function's
# uevent shows it, for the tests that move a driver link: the driver core's DRIVER= line
# first, none when no driver is bound (tests/roots/make-root writes the same). The program
# reads the bound driver from that line.
uevent_driver() {
	uevent_driver_rest=$(grep -v '^DRIVER=' "$1/uevent")
	{
		[ "$2" = - ] || echo "DRIVER=$2"
		printf '%s\n' "$uevent_driver_rest"
	} >"$1/uevent"
}

harness_cleanup() {
	if [ -n "${VPS_KEEP:-}" ]; then
		echo "$suite: kept $tmp"
	else
		rm -rf "$tmp"
	fi
}
tmp=$(mktemp -d "${TMPDIR:-/var/tmp}/vps-$(echo "$suite" | tr ' ' -)-test.XXXXXX") || exit 1
trap harness_cleanup EXIT
