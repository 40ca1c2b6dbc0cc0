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
#                        As root, it names rig_daemon_user in [daemon] user
#                        and hands the folder over to it.
#   rig_daemon_user      sets RIG_DAEMON_USER: as root, the unprivileged
#                        account guichet switches to (gu-test, created once
#                        with useradd --system: the suite runs as root only
#                        on throwaway CI machines); as an ordinary user,
#                        empty (guichet stays who it is)
#   rig_daemon_conf      prints the config lines naming RIG_DAEMON_USER
#                        ("[daemon]", "user = …"), or nothing
#   rig_hand_over DIR…   as root: gives DIR and what it holds to that account
#                        (the config, the secrets, a Maildir guichet writes)
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

RIG_DAEMON_ACCOUNT=gu-test

# Two tests may start at once: useradd then fails on /etc/passwd's lock,
# or because the other one made the account first. Either way, try again.
rig_make_daemon_account() {
	local tries=50
	while ! id -u "$RIG_DAEMON_ACCOUNT" >/dev/null 2>&1; do
		useradd --system --no-create-home --home-dir /nonexistent --shell /usr/sbin/nologin \
			"$RIG_DAEMON_ACCOUNT" >/dev/null 2>&1 && break
		tries=$((tries - 1))
		if [ "$tries" -eq 0 ]; then
			echo "Bail out! cannot create the account $RIG_DAEMON_ACCOUNT (useradd)"
			exit 1
		fi
		sleep 0.1
	done
}

# The account must reach the call file, the filters and the parse worker
# in the source and build trees (a tree under a 0700 home would not do).
rig_check_daemon_account() {
	local f
	for f in "$GU_TOP_SRCDIR/schemas/fabrique-initiatives.call" "$GU_TOP_BUILDDIR/filters"; do
		if ! runuser -u "$RIG_DAEMON_ACCOUNT" -- test -r "$f"; then
			echo "Bail out! the tests run as root and guichet switches to $RIG_DAEMON_ACCOUNT, who cannot read $f: put the tree where every account can read it"
			exit 1
		fi
	done
}

RIG_DAEMON_USER=
rig_daemon_user() {
	[ "$(id -u)" = 0 ] || return 0
	rig_make_daemon_account
	rig_check_daemon_account
	RIG_DAEMON_USER=$RIG_DAEMON_ACCOUNT
}

rig_daemon_conf() {
	[ -z "$RIG_DAEMON_USER" ] || printf '[daemon]\nuser = %s\n' "$RIG_DAEMON_USER"
}

rig_hand_over() {
	[ "$(id -u)" = 0 ] || return 0
	rig_make_daemon_account
	chown -R "$RIG_DAEMON_ACCOUNT:" "$@"
}

rig_guichet_conf() {
	rig_daemon_user
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
$(rig_daemon_conf)
CONF
	[ $# -eq 0 ] || printf '%b\n' "$1" >>"$T/guichet.conf"
	rig_hand_over "$T"
	export GUICHET_CONFIG="$T/guichet.conf"
}
