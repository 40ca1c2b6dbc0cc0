#!/bin/bash
# One instance at a time (doc/ARCHITECTURE.md, "Storage", the lock
# matrix): a second `run` is refused (75) naming the lock file and the
# PID holding it, also after a SIGHUP; `replay` is refused while `run`
# holds the state; `ingest` works beside `run` and is refused (75, the MTA
# tries again) while the database is rebuilt; a killed daemon leaves no
# lock behind. And the account (issue 11): as root, `run` without
# [daemon] user refuses (78) before it creates anything, and with it the
# state belongs to that account; as an ordinary user, [daemon] user
# naming another account is refused (78), naming oneself is fine.
set -u
. "$GU_TOP_SRCDIR/tests/integration/common.sh"
gu_setup
tap_plan 19
state="$GU_TMP/state"
lock="$state/guichet.lock"
M="$GU_TMP/mail"
mkmsg() { # file from body
	/usr/bin/python3 "$GU_TOP_SRCDIR/tests/tools/mkmail.py" --from "$2" --subject "Candidature" \
		--body "$3" -o "$1"
}
mkmsg "$M/a.eml" "a@tiers-lieu.example" "Bonjour, notre dossier."
mkmsg "$M/b.eml" "b@tiers-lieu.example" "Bonjour, le nôtre."
mkmsg "$M/c.eml" "c@tiers-lieu.example" "Bonjour, un troisième."
# wait_holder PID: until the daemon lock names PID (the daemon is up).
wait_holder() {
	for _ in $(seq 1 200); do
		grep -q "^$1 run$" "$lock" 2>/dev/null && return 0
		rig_pid_alive "$1" || return 1
		sleep 0.05
	done
	return 1
}

# --- a daemon holds the state folder ---
"$GUICHET" run 2>"$GU_TMP/daemon.err" &
daemon=$!
wait_holder "$daemon"
tap_is "$?" 0 "run writes its PID into $lock"
err=$(guichet run --once 2>&1); rc=$?
tap_is "$rc" 75 "a second run is refused with 75 (EX_TEMPFAIL)"
tap_ok '[[ "$err" == *"$lock"* && "$err" == *"PID $daemon (guichet run)"* ]]' \
	"naming the lock file and the PID holding it: $err"
err=$(guichet replay 2>&1); rc=$?
tap_is "$rc" 75 "replay is refused while run holds the state"
tap_ok '[[ "$err" == *"PID $daemon"* ]]' "naming the daemon's PID"
tap_ok '[ -f "$state/guichet.db" ] && [ -z "$(ls "$state" | grep before-replay)" ]' \
	"and the database was not swapped"
out=$(guichet ingest "$M/a.eml" 2>"$GU_TMP/ingest.err"); rc=$?
tap_is "$rc" 0 "ingest works beside the running daemon (the MTA's pipe)"
tap_is "$(gu_sql "select count(*) from messages where sender = 'a@tiers-lieu.example'")" 1 \
	"and its message is stored"
kill -HUP "$daemon"
for _ in $(seq 1 100); do grep -q "configuration reloaded" "$GU_TMP/daemon.err" && break; sleep 0.05; done
guichet run --once 2>/dev/null
tap_is "$?" 75 "after a SIGHUP reload, the daemon still holds the lock"
kill -KILL "$daemon"
wait "$daemon" 2>/dev/null
guichet run --once 2>"$GU_TMP/err"
tap_is "$?" 0 "a daemon killed with SIGKILL leaves no lock behind"

# --- stand-ins holding the locks as a replay and as an ingest would:
#     flock(1) takes the same flock(2) locks as guichet; the subshell
#     keeps them on descriptors 8 and 9 and becomes sleep (one PID, so
#     that killing it drops them) ---
writers="$state/guichet.writers.lock"
( exec 8>>"$lock" 9>>"$writers"; flock -x 8; flock -x 9
  printf '%s replay\n' "$BASHPID" >"$lock"; echo held >"$GU_TMP/held"; exec sleep 30 ) &
holder=$!
rig_wait_file "$GU_TMP/held"
err=$(guichet ingest "$M/b.eml" 2>&1); rc=$?
tap_is "$rc" 75 "ingest during a replay exits 75: the MTA tries again later"
tap_ok '[[ "$err" == *"PID $holder (guichet replay) is rebuilding the database"* ]]' "saying why: $err"
kill "$holder"; wait "$holder" 2>/dev/null
( exec 9>>"$writers"; flock -s 9; echo held >"$GU_TMP/held2"; exec sleep 30 ) &
holder=$!
rig_wait_file "$GU_TMP/held2"
err=$(guichet replay 2>&1); rc=$?
tap_ok '[[ "$rc" == 75 && "$err" == *"ingest is writing"* ]]' "replay waits for the ingests in flight (75): $err"
kill "$holder"; wait "$holder" 2>/dev/null
tap_is "$(guichet ingest "$M/b.eml" >/dev/null 2>&1; echo $?)/$(guichet replay >/dev/null 2>&1; echo $?)" "0/0" \
	"once alone, ingest and replay go through"

# --- as whom ---
bare="$GU_TMP/bare"
mkdir -p "$bare"
sed '/^\[daemon\]/,$d' "$GUICHET_CONFIG" >"$bare/guichet.conf"
rig_hand_over "$bare"
if [ "$(id -u)" = 0 ]; then
	err=$(guichet -c "$bare/guichet.conf" run --once 2>&1); rc=$?
	tap_is "$rc" 78 "as root without [daemon] user, run refuses (78, EX_CONFIG)"
	tap_ok '[[ "$err" == *"refusing to run as root"* && "$err" == *"[daemon] user"* ]]' "saying what to set: $err"
	tap_ok '[ ! -e "$bare/state" ]' "before it creates anything of the state"
	tap_is "$(stat -c %U "$state/guichet.db" "$state/blobs" "$lock" | sort -u)" "$RIG_DAEMON_USER" \
		"with [daemon] user, the state belongs to that account ($RIG_DAEMON_USER)"
else
	me=$(id -un)
	other=nobody
	[ "$me" != nobody ] || other=daemon
	printf '[daemon]\nuser = %s\n' "$other" >>"$bare/guichet.conf"
	err=$(guichet -c "$bare/guichet.conf" run --once 2>&1); rc=$?
	tap_is "$rc" 78 "as $me, [daemon] user naming $other is refused (78, EX_CONFIG)"
	tap_ok '[[ "$err" == *"only root can switch"* ]]' "saying why: $err"
	tap_ok '[ ! -e "$bare/state" ]' "before it creates anything of the state"
	sed -i "s/^user = $other\$/user = $me/" "$bare/guichet.conf"
	guichet -c "$bare/guichet.conf" run --once 2>/dev/null
	tap_is "$?:$(stat -c %U "$bare/state/guichet.db")" "0:$me" "[daemon] user naming oneself ($me) is fine"
fi
printf '[daemon]\nuser = no-such-account-here\n' >>"$GU_TMP/guichet.conf"
err=$(guichet run --once 2>&1); rc=$?
tap_ok '[[ "$rc" == 78 && "$err" == *"no account \"no-such-account-here\""* ]]' \
	"[daemon] user naming no account is refused (78): $err"
tap_done
