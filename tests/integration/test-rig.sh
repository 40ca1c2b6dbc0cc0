#!/bin/bash
# tap_ok evaluates its single-quoted conditions itself, later.
# shellcheck disable=SC2016,SC2034
# Proves the test rig works: Dovecot (IMAP, STARTTLS, IMAPS), the SMTP sink
# and its forced replies, restarts, and a clean stop.  TAP; arguments ignored.
set -uo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
# shellcheck source=../rig/lib.sh
. "$here/../rig/lib.sh"
PY=/usr/bin/python3

tap_plan 21
rig_start

tap_ok '[ -n "$IMAP_PORT" ] && [ -n "$IMAPS_PORT" ] && [ -n "$SMTP_PORT" ] && [ -d "$RIG_MAILDIR/cur" ]' \
	"rig.env gives ports and the Maildir"

# Runs Python with the rig's settings in its environment.
py() {
	IMAP_PORT=$IMAP_PORT IMAPS_PORT=$IMAPS_PORT SMTP_PORT=$SMTP_PORT \
		IMAP_USER=$IMAP_USER IMAP_PASSWORD=$IMAP_PASSWORD RIG_CA=$RIG_CA \
		SINK_DIR=$SINK_DIR "$PY" -c "$1"
}

PYHEAD='
import imaplib, os, smtplib, ssl, sys
H = "127.0.0.1"
E = os.environ
'

tap_run "IMAP login over plain text" py "$PYHEAD
m = imaplib.IMAP4(H, int(E['IMAP_PORT']), timeout=10)
m.login(E['IMAP_USER'], E['IMAP_PASSWORD']); m.logout()"

tap_run "IMAPS verifies with RIG_CA" py "$PYHEAD
ctx = ssl.create_default_context(cafile=E['RIG_CA'])
m = imaplib.IMAP4_SSL('127.0.0.1', int(E['IMAPS_PORT']), ssl_context=ctx, timeout=10)
m.login(E['IMAP_USER'], E['IMAP_PASSWORD']); m.logout()"

tap_run "IMAPS without the CA fails certificate verification" py "$PYHEAD
try:
    imaplib.IMAP4_SSL(H, int(E['IMAPS_PORT']), ssl_context=ssl.create_default_context(), timeout=10)
except ssl.SSLCertVerificationError as e:
    sys.exit(0)
sys.exit(1)"

tap_run "STARTTLS then login" py "$PYHEAD
m = imaplib.IMAP4(H, int(E['IMAP_PORT']), timeout=10)
m.starttls(ssl.create_default_context(cafile=E['RIG_CA']))
m.login(E['IMAP_USER'], E['IMAP_PASSWORD']); m.logout()"

msg=$RIG_DIR/test-message.eml
printf 'From: Alice <alice@example.net>\nTo: fabrique@example.org\nSubject: rig test\nMessage-ID: <rig-1@example.net>\n\nHello.\n' >"$msg"
uid=$(rig append "$msg" 2020-02-14T10:12:00+01:00 2>&1)
tap_is "$uid" 1 "append returns the UID"
# Dovecot keeps the instant, not the offset: compare epochs.
read -r _ epoch _ < <(rig imap list INBOX)
tap_is "${epoch:-}" "$(date -d 2020-02-14T10:12:00+01:00 +%s)" "INTERNALDATE kept (same instant)"
tap_ok '[ "$(rig imap fetch INBOX 1 | tr -d "\r")" = "$(cat "$msg")" ]' "fetch returns the message"

rig imap create 'Traités' && rig imap bulk-append 'Traités' "$msg" "$msg" "$msg" >/dev/null
tap_is "$(rig imap count 'Traités')" 3 "create and bulk-append into a UTF-8 folder"

tap_ok 'grep -q "UID FETCH 1:\*" "$RIG_RAWLOG_DIR"/*.in' "protocol log shows the UID FETCH"

tap_run "SMTP message lands in the sink" py "$PYHEAD
s = smtplib.SMTP(H, int(E['SMTP_PORT']), timeout=10)
s.sendmail('bounce@example.org', ['a@example.net', 'b@example.net'],
           b'Subject: reply\r\n\r\nbody\r\n.dot\r\n')
s.quit()"
tap_ok '[ "$(tr -d "\r" <"$SINK_DIR/000001.eml")" = "$(printf "Subject: reply\n\nbody\n.dot")" ] &&
	"$PY" -c "import json,sys; j=json.load(open(sys.argv[1])); sys.exit(not (j[\"mail_from\"]==\"bounce@example.org\" and j[\"rcpt_tos\"]==[\"a@example.net\",\"b@example.net\"]))" "$SINK_DIR/000001.json"' \
	"sink file has the content and the envelope"

tap_run "SMTP STARTTLS and AUTH" py "$PYHEAD
s = smtplib.SMTP('127.0.0.1', int(E['SMTP_PORT']), timeout=10)
s.starttls(context=ssl.create_default_context(cafile=E['RIG_CA']))
s.login('fabrique@example.org', 'secret')
s.sendmail('x@example.org', ['y@example.net'], b'Subject: tls\r\n\r\nx\r\n')
s.quit()
import json
j = json.load(open(os.path.join(E['SINK_DIR'], '000002.json')))
sys.exit(not (j['tls'] and j['auth_user'] == 'fabrique@example.org'))"

# Forced replies: RCPT (451, then 550), then DATA.
send_code() {
	py "$PYHEAD
try:
    s = smtplib.SMTP(H, int(E['SMTP_PORT']), timeout=10)
    s.sendmail('x@example.org', ['y@example.net'], b'Subject: no\r\n\r\nx\r\n')
    print(250)
except smtplib.SMTPRecipientsRefused as e:
    print(list(e.recipients.values())[0][0])
except (smtplib.SMTPDataError, smtplib.SMTPSenderRefused) as e:
    print(e.smtp_code)"
}
echo "451 4.3.0 try later" >"$SINK_DIR/.reply"
tap_is "$(send_code)" 451 "sink answers 451 to RCPT on demand"
echo "550 5.1.1 no such user" >"$SINK_DIR/.reply"
tap_is "$(send_code)" 550 "sink answers 550 to RCPT on demand"
rm -f "$SINK_DIR/.reply"
echo "452 4.3.1 full" >"$SINK_DIR/.reply-data-once"
tap_is "$(send_code) $(send_code)" "452 250" "sink answers once at DATA, then accepts"
tap_is "$(find "$SINK_DIR" -name '*.eml' | wc -l)" 3 "refused messages are not stored"

old_smtp=$SMTP_PORT
rig stop-smtp && rig start-smtp && rig_reload_env
tap_ok '[ "$SMTP_PORT" = "$old_smtp" ] && [ "$(send_code)" = 250 ]' "SMTP sink restarts on the same port"

old_pid=$DOVECOT_PID old_imap=$IMAP_PORT
rig restart-imap && rig_reload_env
tap_ok '[ "$IMAP_PORT" = "$old_imap" ] && [ "$DOVECOT_PID" != "$old_pid" ] &&
	[ "$(rig imap count INBOX)" = 1 ] && [ "$(rig imap count Traités)" = 3 ]' \
	"restart-imap keeps the port and the messages"

# Stop while a client idles: every process of the rig must be gone.
idle_out=$RIG_DIR/idle.out
py "$PYHEAD
import time
m = imaplib.IMAP4(H, int(E['IMAP_PORT']), timeout=30)
m.login(E['IMAP_USER'], E['IMAP_PASSWORD']); m.select('INBOX')
m.send(b'I1 IDLE\r\n'); print(m.readline().decode().strip(), flush=True)
try:
    while m.readline(): pass
except Exception:
    pass" >"$idle_out" 2>/dev/null &
idle_pid=$!
rig_wait_file "$idle_out" 5
for _ in $(seq 100); do grep -q '^+' "$idle_out" && break; sleep 0.05; done
rig_reload_env
pids="$DOVECOT_PID $SINK_PID $("$PY" "$RIG_LIBDIR/rigutil.py" descendants "$DOVECOT_PID")"
tap_ok 'grep -q "^+ idling" "$idle_out"' "an IDLE session runs before stop"
start=$SECONDS
rig_stop
left=
for p in $pids; do
	if rig_pid_alive "$p"; then left="$left $p"; fi
done
tap_is "$left" "" "stop leaves no rig process alive ($(echo "$pids" | wc -w) checked, $((SECONDS - start)) s)"
wait "$idle_pid" 2>/dev/null

tap_done
