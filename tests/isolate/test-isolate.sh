#!/bin/bash
# The parse workers (src/isolate): a worker that crashes, spins or eats
# memory mid-message costs that message only — quarantined with the
# reason — and the next message goes through a fresh worker, in `ingest`
# and in one `run`. The stand-in worker (parse-standin) is the real one
# with a hook its message controls, as a taken-over parser would be.
set -u
. "$GU_TOP_SRCDIR/tests/integration/common.sh"
gu_setup
tap_plan 23
M="$GU_TMP/mail"
export GUICHET_PARSE_WORKER="$GU_TOP_BUILDDIR/tests/isolate/parse-standin"
cat >>"$GU_TMP/guichet.conf" <<CONF
[limits]
parser_seconds = 2
parser_memory_mb = 96
CONF

mkmsg() { # file message-id x-test-parser
	cat >"$1" <<MSG
From: Claire Martin <claire@tiers-lieu.example>
To: fabrique@example.org
Subject: Candidature Fabrique d'Initiatives
Message-ID: <$2>
Date: Fri, 14 Feb 2020 10:11:00 +0100
X-Test-Parser: $3
MIME-Version: 1.0
Content-Type: text/plain; charset=utf-8

Bonjour, voici notre dossier ($2).
MSG
}
error_of() { gu_sql "select error from messages where message_id = '$1'"; }
outcome_of() { gu_sql "select outcome from messages where message_id = '$1'"; }

mkmsg "$M/ok1.eml" ok1@t none
out=$(guichet ingest "$M/ok1.eml" 2>"$GU_TMP/err"); rc=$?
tap_ok '[ "$rc" = 0 ] && [[ "$out" != "- quarantined" ]]' "a message goes through the worker ($out)"

mkmsg "$M/crash.eml" crash@t crash
out=$(guichet ingest "$M/crash.eml" 2>"$GU_TMP/err"); rc=$?
tap_is "$rc/$out" "0/- quarantined" "a worker that crashes mid-message: the message is quarantined"
crash_id=$(gu_sql "select message_id from messages where outcome = 'quarantined'")
# SIGSEGV; a sanitizer build turns it into SIGABRT (abort_on_error).
tap_ok '[[ "$(error_of "$crash_id")" =~ ^"parser crashed: signal "(11|6)" " ]]' \
	"with the reason ($(error_of "$crash_id"))"
tap_ok '[ -n "$(gu_sql "select raw_sha256 from messages where message_id = '"'$crash_id'"'")" ]' \
	"and its raw bytes kept"

mkmsg "$M/spin.eml" spin@t spin
out=$(guichet ingest "$M/spin.eml" 2>"$GU_TMP/err"); rc=$?
tap_is "$rc/$out" "0/- quarantined" "a worker that spins: quarantined"
tap_ok 'gu_sql "select error from messages" | grep -q "^parser overran"' \
	"past its CPU limit ($(gu_sql "select error from messages where error like 'parser overran%'"))"

mkmsg "$M/eat.eml" eat@t eat-memory
out=$(guichet ingest "$M/eat.eml" 2>"$GU_TMP/err"); rc=$?
tap_is "$rc/$out" "0/- quarantined" "a worker that eats memory: quarantined"
tap_ok 'gu_sql "select error from messages" | grep -q "^parser overran its memory limit (96 MiB)"' \
	"past its memory limit ($(gu_sql "select error from messages where message_id like '%eat%' or error like '%memory%'" | tail -n 1))"

# One run: the crashing message between two good ones, one worker replaced.
md="$GU_TMP/state/mail"
mkdir -p "$md/new" "$md/cur" "$md/tmp"
mkmsg "$md/new/1.M1P1.host" ok2@t none
mkmsg "$md/new/2.M2P2.host" crash2@t crash
mkmsg "$md/new/3.M3P3.host" ok3@t none
touch -d "2020-02-18 10:00:00" "$md/new/1.M1P1.host"
touch -d "2020-02-18 10:01:00" "$md/new/2.M2P2.host"
touch -d "2020-02-18 10:02:00" "$md/new/3.M3P3.host"
rig_hand_over "$md"
guichet run --once 2>"$GU_TMP/run.err"; rc=$?
tap_is "$rc" 0 "run --once goes on after a worker crash"
[ "$rc" = 0 ] || tap_diag "$(tail -n 5 "$GU_TMP/run.err")"
tap_ok '[ -n "$(outcome_of ok2@t)" ] && [ -n "$(outcome_of ok3@t)" ] && [ "$(outcome_of ok3@t)" != quarantined ]' \
	"the messages around it are processed ($(outcome_of ok2@t), $(outcome_of ok3@t))"
tap_ok '[ -n "$(ls "$md/.Quarantaine/cur")" ] && [ -z "$(ls "$md/new")" ]' \
	"the crashing one is in the quarantine folder, nothing left behind"
tap_ok 'grep -q "parser crashed" "$GU_TMP/run.err"' "the crash is logged"

# A worker that answers is not believed blindly: nothing it says
# reaches a terminal raw (labels are one line, controls replaced).
printf 'From: =?utf-8?b?%s?= <x@t>\nSubject: a\nMessage-ID: <ctl@t>\n\nb\n' \
	"$(printf 'Evil\033[31mName' | base64 -w0)" >"$M/ctl.eml"
guichet ingest "$M/ctl.eml" >/dev/null 2>&1
tap_ok '! gu_sql "select sender_name from messages where message_id = '"'ctl@t'"'" | grep -q $'"'"'\033'"'"'' \
	"control characters from the worker's answer never reach the database"

# A worker taken over by its message reaches nothing: not the
# configuration, the database or a secret, not the network, no program,
# no file written. A listener of ours counts connections.
printf 'secret\n' >"$GU_TMP/imap.password"
port_file="$GU_TMP/port"
python3 - "$port_file" "$GU_TMP/connections" <<'PY' &
import socket, sys
s = socket.socket(); s.bind(("127.0.0.1", 0)); s.listen(5)
open(sys.argv[1], "w").write(str(s.getsockname()[1]))
s.settimeout(30); n = 0
try:
    while True:
        c, _ = s.accept(); n += 1; open(sys.argv[2], "w").write(str(n)); c.close()
except Exception:
    pass
PY
listener=$!
for _ in $(seq 100); do [ -s "$port_file" ] && break; sleep 0.1; done
mkmsg "$M/escape.eml" escape@t "escape $GU_TMP/guichet.conf $GU_TMP/imap.password $GU_TMP/state/guichet.db /etc/passwd $(cat "$port_file")"
out=$(guichet ingest "$M/escape.eml" 2>"$GU_TMP/escape.err")
kill "$listener" 2>/dev/null; wait "$listener" 2>/dev/null
grep '^escape:' "$GU_TMP/escape.err" | sed 's/^/# /'
tap_is "$(grep -c '^escape: read .*: Permission denied' "$GU_TMP/escape.err")" 4 \
	"the worker cannot read the configuration, the password, the database or /etc/passwd"
tap_ok '! grep -q SUCCEEDED "$GU_TMP/escape.err" && [ ! -e "$GU_TMP/planted-by-parser" ]' \
	"nor create a file beside the configuration"
tap_ok 'grep -q "^escape: socket AF_INET: " "$GU_TMP/escape.err" && [ ! -s "$GU_TMP/connections" ]' \
	"nor open a socket: the listener got no connection"
tap_ok 'grep -q "^escape: exec /bin/true: " "$GU_TMP/escape.err"' "nor run a program"
tap_ok '[[ "$out" != "- quarantined" ]] && [ "$(outcome_of escape@t)" != quarantined ]' \
	"and the message itself is still parsed ($out)"
tap_is "$(grep -c '^escape: ' "$GU_TMP/escape.err")" 7 "every attempt was made and reported"

# check-config names the worker, and says when there is none; then the
# message stays where it is (ingest: a temporary failure, nothing stored).
guichet check-config >/dev/null 2>"$GU_TMP/cc.err"
tap_ok 'grep -qx "parse worker: $GUICHET_PARSE_WORKER" "$GU_TMP/cc.err"' "check-config names the parse worker"
out=$(GUICHET_PARSE_WORKER=/nonexistent/guichet-parse guichet check-config 2>/dev/null); rc=$?
tap_ok '[ "$rc" = 1 ] && [[ "$out" == *"no parse worker"* ]]' "and says when it is missing ($rc: $out)"
mkmsg "$M/noworker.eml" noworker@t none
GUICHET_PARSE_WORKER=/nonexistent/guichet-parse guichet ingest "$M/noworker.eml" >/dev/null 2>&1; rc=$?
tap_ok '[ "$rc" = 75 ] && [ -z "$(outcome_of noworker@t)" ]' \
	"with no worker, ingest is a temporary failure ($rc) and stores no half-read message"

# Replay goes through the workers too, and gives the same outcomes.
before=$(gu_sql "select message_id, outcome from messages order by message_id")
guichet replay >/dev/null 2>&1; rc=$?
tap_is "$rc/$(gu_sql "select message_id, outcome from messages order by message_id")" "0/$before" \
	"replay through the workers gives the same outcomes"
tap_done
