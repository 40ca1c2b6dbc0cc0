# shellcheck shell=bash
# Sourced by shell integration tests (bash): the test rig and TAP helpers.
#
#   rig_start            start Dovecot + SMTP sink in a new /tmp dir, source
#                        its rig.env (IMAP_PORT, SMTP_PORT, ...), stop it on EXIT
#   rig_stop             stop it now (idempotent); the dir is removed unless a
#                        test failed or RIG_KEEP=1
#   rig_reload_env       re-source rig.env (after restart-imap / start-smtp)
#   rig CMD ARGS...      rig.sh CMD "$RIG_DIR" ARGS... (append, restart-imap,
#                        stop-smtp, start-smtp, imap)
#   rig_pid_alive PID    true if PID runs (zombies count as dead)
#   rig_wait_file PATH [SECONDS]   wait until PATH exists (default 10 s)
#   rig_guichet_conf [TEXT]  writes $RIG_DIR/guichet/guichet.conf for guichet
#                        against the rig (INBOX, the sink, the shipped call,
#                        the built filters), the IMAP password file beside
#                        it; sets T to that folder, exports GUICHET_CONFIG.
#                        TEXT ("[smtp]\nkey = value", …) is appended: a
#                        section named again adds its keys to the first.
#
#   tap_plan N; tap_ok COND DESC; tap_is GOT WANT DESC; tap_skip DESC;
#   tap_diag TEXT; tap_done
# COND of tap_ok is an exit status (0 = ok) or a shell condition evaluated
# with eval, e.g.  tap_ok '[ -s "$f" ]' "file written".
# tap_run DESC CMD ARGS... runs CMD (no eval) and reports its status.

RIG_LIBDIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
RIG_SH="$RIG_LIBDIR/rig.sh"
RIG_DIR=
TAP_N=0
TAP_FAILED=0
TAP_PLANNED=

tap_plan() { TAP_PLANNED=$1; echo "1..$1"; }

tap_diag() { printf '%s\n' "$@" | sed 's/^/# /'; }

tap_result() {
	# $1: 0 for ok, $2: description
	TAP_N=$((TAP_N + 1))
	if [ "$1" = 0 ]; then
		echo "ok $TAP_N - $2"
	else
		echo "not ok $TAP_N - $2"
		TAP_FAILED=$((TAP_FAILED + 1))
	fi
}

# (Odd local names: the condition is evaluated in this function's scope.)
tap_ok() {
	local _tap_rc=0
	case "$1" in
	'' | *[!0-9]*) eval "$1" >/dev/null || _tap_rc=1 ;;
	*) [ "$1" = 0 ] || _tap_rc=1 ;;
	esac
	tap_result "$_tap_rc" "$2"
}

tap_run() {
	local _tap_desc=$1 _tap_rc=0
	shift
	"$@" || _tap_rc=$?
	tap_result "$_tap_rc" "$_tap_desc"
}

tap_is() {
	if [ "$1" = "$2" ]; then
		tap_result 0 "$3"
	else
		tap_result 1 "$3"
		tap_diag "got:  '$1'" "want: '$2'"
	fi
}

tap_skip() {
	TAP_N=$((TAP_N + 1))
	echo "ok $TAP_N # SKIP $1"
}

# Prints the counts; the exit status says whether everything passed.
tap_done() {
	local rc=0
	if [ -n "$TAP_PLANNED" ] && [ "$TAP_N" != "$TAP_PLANNED" ]; then
		tap_diag "planned $TAP_PLANNED tests but ran $TAP_N"
		rc=1
	fi
	tap_diag "$((TAP_N - TAP_FAILED)) passed, $TAP_FAILED failed"
	[ "$TAP_FAILED" = 0 ] || rc=1
	return $rc
}

rig_pid_alive() {
	/usr/bin/python3 "$RIG_LIBDIR/rigutil.py" alive "$1"
}

rig_reload_env() {
	# shellcheck disable=SC1091
	. "$RIG_DIR/rig.env"
}

rig() {
	local cmd=$1
	shift
	"$RIG_SH" "$cmd" "$RIG_DIR" "$@"
}

rig_wait_file() {
	local path=$1 tries=$((${2:-10} * 20))
	while [ ! -e "$path" ] && [ "$tries" -gt 0 ]; do
		sleep 0.05
		tries=$((tries - 1))
	done
	[ -e "$path" ]
}

rig_stop() {
	[ -n "$RIG_DIR" ] || return 0
	"$RIG_SH" stop "$RIG_DIR" >&2 || true
	if [ "${RIG_KEEP:-0}" = 1 ] || [ "$TAP_FAILED" != 0 ]; then
		tap_diag "rig kept in $RIG_DIR"
	else
		rm -rf "$RIG_DIR"
	fi
	RIG_DIR=
}

rig_start() {
	RIG_DIR=$(mktemp -d /tmp/guichet-rig.XXXXXXXX)
	trap rig_stop EXIT
	trap 'exit 130' INT
	trap 'exit 143' TERM
	if ! "$RIG_SH" start "$RIG_DIR" >&2; then
		echo "Bail out! the test rig did not start"
		RIG_KEEP=1
		exit 1
	fi
	rig_reload_env
}

rig_guichet_conf() {
	T="$RIG_DIR/guichet"
	mkdir -p "$T"
	printf '%s\n' "$IMAP_PASSWORD" >"$T/imap.secret"
	chmod 600 "$T/imap.secret"
	cat >"$T/guichet.conf" <<CONF
[storage]
database = state/guichet.db
blobs = state/blobs
[call]
file = $GU_TOP_SRCDIR/schemas/fabrique-initiatives.call
[imap]
url = imap://127.0.0.1:$IMAP_PORT/INBOX
user = $IMAP_USER
password_file = imap.secret
[smtp]
url = smtp://127.0.0.1:$SMTP_PORT
ca_file = $RIG_CA
from = Fabrique d'Initiatives <fabrique@example.org>
[filters]
dir = $GU_TOP_BUILDDIR/filters
CONF
	[ $# -eq 0 ] || printf '%b\n' "$1" >>"$T/guichet.conf"
	export GUICHET_CONFIG="$T/guichet.conf"
}
