#!/bin/bash
# `guichet run` against a real Dovecot (the test rig): the window decided
# on INTERNALDATE, messages moved only after commit, a second pass that
# does nothing, IDLE, a server restart, SIGKILL at random points through
# 200 messages, quarantine, TLS verification, batched FETCH.
set -u
. "$GU_TOP_SRCDIR/tests/rig/lib.sh"
rig_start
rig_daemon_user
T="$RIG_DIR/guichet"
mkdir -p "$T/mail"
printf '%s\n' "$IMAP_PASSWORD" >"$T/imap.secret"
chmod 600 "$T/imap.secret"
tools="$GU_TOP_SRCDIR/tests/tools"

write_conf() { # url [extra lines]
	cat >"$T/guichet.conf" <<CONF
[storage]
database = state/guichet.db
blobs = state/blobs
[call]
file = $GU_TOP_SRCDIR/schemas/fabrique-initiatives.call
[imap]
url = $1
user = $IMAP_USER
password_file = imap.secret
poll_seconds = 1
${2:-}
[smtp]
url = smtp://127.0.0.1:$SMTP_PORT
ca_file = $RIG_CA
from = Fabrique d'Initiatives <fabrique@example.org>
[filters]
enabled = false
$(rig_daemon_conf)
CONF
	rig_hand_over "$T"
}
write_conf "imap://127.0.0.1:$IMAP_PORT/INBOX"
export GUICHET_CONFIG="$T/guichet.conf"
guichet() { "$GUICHET" "$@"; }
sql() { sqlite3 "$T/state/guichet.db" "$1"; }
count() { rig imap count "$1"; }
# mail NAME FROM SUBJECT [ATTACHMENT-NAME]: a message with one small file.
mail() {
	printf 'Stratégie de déploiement\n' >"$T/mail/att.txt"
	/usr/bin/python3 "$tools/mkmail.py" --from "$2" --subject "$3" --body "Bonjour, voici notre dossier." \
		${4:+--attach "$T/mail/att.txt=$4"} -o "$T/mail/$1"
}

tap_plan 36

# --- the window, on INTERNALDATE ---
mail early.eml "A <a@early.example>" "Candidature" "Presentation.pdf"
mail ontime.eml "B <b@ontime.example>" "Candidature" "Presentation.pdf"
mail edge.eml "C <c@edge.example>" "Candidature" "Presentation.pdf"
mail late.eml "D <d@late.example>" "Candidature" "Presentation.pdf"
rig append "$T/mail/early.eml" 2019-12-31T23:59:00+01:00 >/dev/null
rig append "$T/mail/ontime.eml" 2020-02-14T10:12:00+01:00 >/dev/null
rig append "$T/mail/edge.eml" 2020-03-01T23:55:00+01:00 >/dev/null
rig append "$T/mail/late.eml" 2020-03-01T23:30:00Z >/dev/null
guichet run --once 2>"$T/err"; rc=$?
tap_is "$rc" 0 "run --once exits 0"
st() { sql "select status from dossiers where applicant = '$1'"; }
tap_is "$(st a@early.example) $(st b@ontime.example) $(st c@edge.example) $(st d@late.example)" \
	"early incomplete incomplete late" "statuses follow INTERNALDATE in Paris time"
tap_is "$(count INBOX)/$(count Traités)" "0/4" "every stored message moved to Traités"
tap_is "$(sql 'select count(distinct uid) from messages where mailbox is not null')" 4 "UIDs recorded"
tap_is "$(sql "select received_at from messages m join dossiers d on d.id = m.dossier_id where d.applicant = 'c@edge.example'")" \
	"2020-03-01T22:55:00Z" "receipt time is the server's INTERNALDATE"
before=$(sql 'select count(*) from messages')
guichet run --once 2>/dev/null
tap_is "$(sql 'select count(*) from messages')/$(count Traités)" "$before/4" "a second run --once processes nothing"
tap_is "$(sql "select count(*) from outbox where state = 'sent'")" 4 "replies sent through the sink"
tap_ok '[ "$(ls "$SINK_DIR"/*.eml 2>/dev/null | wc -l)" -eq 4 ]' "the sink received 4 replies"

# --- quarantine, and the messages after it ---
printf 'this is not a mail message at all\n' >"$T/mail/garbage.eml"
mail after.eml "E <e@after.example>" "Candidature" "Presentation.pdf"
rig append "$T/mail/garbage.eml" 2020-02-15T10:00:00+01:00 >/dev/null
rig append "$T/mail/after.eml" 2020-02-15T10:01:00+01:00 >/dev/null
guichet run --once 2>/dev/null
tap_is "$(count Quarantaine)/$(count INBOX)" "1/0" "a malformed message goes to Quarantaine"
tap_is "$(st e@after.example)" "incomplete" "and the one after it is processed"
tap_is "$(sql "select count(*) from messages where outcome = 'quarantined' and error is not null")" \
	1 "the quarantined message is stored raw with its outcome and error"

# --- the daemon: IDLE, a server restart, SIGTERM ---
"$GUICHET" run 2>"$T/daemon.err" &
daemon=$!
sleep 2
mail idle.eml "F <f@idle.example>" "Candidature" "Presentation.pdf"
rig append "$T/mail/idle.eml" 2020-02-16T10:00:00+01:00 >/dev/null
start=$(date +%s%N)
for _ in $(seq 1 50); do [ -n "$(st f@idle.example)" ] && break; sleep 0.1; done
elapsed=$(( ($(date +%s%N) - start) / 1000000 ))
tap_ok '[ -n "$(st f@idle.example)" ] && [ "$elapsed" -le 2000 ]' "a message appended during IDLE is processed within 2 s (${elapsed} ms)"
rig restart-imap >/dev/null
rig_reload_env
mail restart.eml "G <g@restart.example>" "Candidature" "Presentation.pdf"
rig append "$T/mail/restart.eml" 2020-02-17T10:00:00+01:00 >/dev/null
for _ in $(seq 1 150); do [ -n "$(st g@restart.example)" ] && break; sleep 0.1; done
tap_is "$(st g@restart.example)" "incomplete" "after the server restarts, the daemon reconnects and goes on"
tap_ok 'grep -q "retrying" "$T/daemon.err"' "the lost connection is logged"
tap_is "$(grep -c 'retrying' "$T/daemon.err")" 1 "once, not once per retry"
kill -HUP "$daemon"
for _ in $(seq 1 30); do grep -q "configuration reloaded" "$T/daemon.err" && break; sleep 0.1; done
tap_ok 'grep -q "configuration reloaded" "$T/daemon.err"' "SIGHUP reloads the configuration"
kill -TERM "$daemon"
wait "$daemon"; rc=$?
tap_is "$rc" 0 "SIGTERM: the daemon finishes and exits 0"

# --- SIGKILL at random points through 200 messages ---
mkdir -p "$T/bulk"
for i in $(seq 1 200); do
	/usr/bin/python3 "$tools/mkmail.py" --from "P$i <p$i@bulk.example>" --subject "Dossier $i" \
		--body "Bonjour $i" --attach "$T/mail/att.txt=Strategie.txt" -o "$T/bulk/$(printf %03d "$i").eml"
done
rig imap bulk-append INBOX "$T/bulk" >/dev/null
kills=0
for _ in $(seq 1 60); do
	[ "$(count INBOX)" -eq 0 ] && break
	"$GUICHET" run --once >/dev/null 2>&1 &
	pid=$!
	sleep "$(printf '0.%02d' $(( RANDOM % 30 + 2 )))"
	kill -KILL "$pid" 2>/dev/null && kills=$((kills + 1))
	wait "$pid" 2>/dev/null
done
guichet run --once 2>/dev/null
tap_diag "killed $kills times"
tap_ok '[ "$kills" -ge 2 ]' "guichet was killed with SIGKILL mid-run at least twice"
tap_is "$(count INBOX)" 0 "no message is left in INBOX"
tap_is "$(sql "select count(*) from messages where sender like 'p%@bulk.example'")" 200 "all 200 are stored"
tap_is "$(sql "select count(*) from (select sender from messages where sender like 'p%@bulk.example' group by sender having count(*) > 1)")" 0 "none twice"
# Appended without a date, they were received now: after the deadline.
tap_is "$(sql "select count(*) from dossiers where applicant like 'p%@bulk.example' and status = 'late'")" 200 "200 dossiers, each right (late)"
tap_is "$(sql "select count(*) from outbox o join messages m on m.id = o.message_row where m.sender like 'p%@bulk.example'")" 200 "exactly one reply each in the outbox"

# --- TLS: a certificate the system does not trust is refused, then accepted with its CA ---
write_conf "imaps://127.0.0.1:$IMAPS_PORT/INBOX"
err=$(guichet run --once 2>&1 >/dev/null); rc=$?
tap_is "$rc" 1 "IMAPS with an untrusted certificate: refused (exit 1)"
tap_ok '[[ "$err" == *certificate* ]]' "with a clear error: $err"
write_conf "imaps://127.0.0.1:$IMAPS_PORT/INBOX" "ca_file = $RIG_CA"
guichet run --once 2>/dev/null; tap_is $? 0 "accepted once its CA is configured"

# --- 2,000 messages: batched FETCH ---
mkdir -p "$T/many"
/usr/bin/python3 - "$T/many" <<'PY'
import sys
for i in range(2000):
    with open(f"{sys.argv[1]}/{i:04d}.eml", "w") as f:
        f.write(f"From: robot{i}@auto.example\r\nTo: fabrique@example.org\r\nSubject: absence {i}\r\n"
                f"Message-ID: <{i}@auto.example>\r\nAuto-Submitted: auto-replied\r\n\r\nabsent {i}\r\n")
PY
write_conf "imap://127.0.0.1:$IMAP_PORT/INBOX"
rig imap bulk-append INBOX "$T/many" >/dev/null
rm -f "$RIG_RAWLOG_DIR"/*
guichet run --once 2>"$T/many.err"; rc=$?
tail -n 3 "$T/many.err" | sed 's/^/# /'
fetches=$(cat "$RIG_RAWLOG_DIR"/*.in | grep -c 'UID FETCH')
tap_is "$rc/$(count INBOX)" "0/0" "2,000 messages processed and moved"
tap_ok '[ "$fetches" -ge 1 ] && [ "$fetches" -le 50 ]' "with batched UID FETCH ($fetches commands for 2,000 messages)"
# --- large messages: a batch is bounded by bytes, not only by count ---
mkdir -p "$T/big"
/usr/bin/python3 - "$T/big" <<'PY'
import base64, os, sys
for i in range(5):
    body = base64.encodebytes(os.urandom(5 * 1024 * 1024)).decode()
    with open(f"{sys.argv[1]}/{i}.eml", "w") as f:
        f.write(f"From: big{i}@auto.example\r\nTo: fabrique@example.org\r\nSubject: gros {i}\r\n"
                f"Message-ID: <big{i}@auto.example>\r\nAuto-Submitted: auto-replied\r\n\r\n{body}")
PY
rig imap bulk-append INBOX "$T/big" >/dev/null
rm -f "$RIG_RAWLOG_DIR"/*
guichet run --once 2>"$T/big.err"; rc=$?
bodies=$(cat "$RIG_RAWLOG_DIR"/*.in | grep 'UID FETCH' | grep -c 'BODY.PEEK')
tap_is "$rc/$(count INBOX)" "0/0" "five messages of 7 MB processed and moved"
tap_ok '[ "$bodies" -ge 3 ]' "in batches of at most 12 MiB past the first message ($bodies body fetches)"
# --- the next batch is fetched ahead, but recorded after this one's commit ---
# Message 50 (the second batch) is message 0 again, byte for byte; 51 is
# message 1 delivered by another route (a Received header more): both
# are duplicates of rows of the first batch, which their batch sees.
mkdir -p "$T/ahead"
/usr/bin/python3 - "$T/ahead" <<'PY'
import sys
def mail(i, hop=""):
    return (f"{hop}From: ahead{i}@auto.example\r\nTo: fabrique@example.org\r\nSubject: absence {i}\r\n"
            f"Message-ID: <ahead{i}@auto.example>\r\nAuto-Submitted: auto-replied\r\n\r\nabsent {i}\r\n")
for i in range(50):
    open(f"{sys.argv[1]}/{i:02d}.eml", "w").write(mail(i))
open(f"{sys.argv[1]}/50.eml", "w").write(mail(0))
open(f"{sys.argv[1]}/51.eml", "w").write(mail(1, "Received: from relay.example by mx.example\r\n"))
open(f"{sys.argv[1]}/52.eml", "w").write("From: noid@auto.example\r\nTo: fabrique@example.org\r\n"
    "Subject: sans identifiant\r\nAuto-Submitted: auto-replied\r\n\r\nno Message-ID here\r\n")
PY
before=$(sql "select count(*) from messages")
rig imap bulk-append INBOX "$T/ahead" >/dev/null
guichet run --once 2>"$T/ahead.err"; rc=$?
after=$(sql "select count(*) from messages")
tap_is "$rc/$(count INBOX)/$((after - before))" "0/0/51" \
	"53 messages in two batches: all moved, the two copies of first-batch messages not stored again"
# Parsed before the daemon had its hash: the derived Message-ID is still
# the raw message's own SHA-256.
tap_is "$(sql "select count(*) from messages where subject = 'sans identifiant' and message_id = raw_sha256 || '@guichet.invalid'")" 1 \
	"a message without Message-ID gets one derived from its raw SHA-256"
# --- a Maildir as the mailbox ---
md="$T/maildir"
mkdir -p "$md/new" "$md/cur" "$md/tmp"
mail md1.eml "H <h@maildir.example>" "Candidature" "Presentation.pdf"
cp "$T/mail/md1.eml" "$md/new/1582000000.M1P1.host"
touch -d "2020-02-18 10:00:00 +0100" "$md/new/1582000000.M1P1.host"
printf 'not mail\n' >"$md/cur/1582000001.M2P2.host:2,"
write_conf "maildir:$md"
guichet run --once 2>/dev/null; rc=$?
tap_is "$rc" 0 "run --once on a Maildir"
tap_is "$(sql "select received_at from messages where sender = 'h@maildir.example'")" "2020-02-18T09:00:00Z" \
	"the file's mtime is the receipt time"
tap_ok '[ -f "$md/.Traités/cur/1582000000.M1P1.host:2," ] && [ -z "$(ls "$md/new")" ]' "the message moved to .Traités/cur"
tap_ok '[ -f "$md/.Quarantaine/cur/1582000001.M2P2.host:2," ] && [ -z "$(ls "$md/cur")" ]' "the malformed one to .Quarantaine/cur"
tap_done
