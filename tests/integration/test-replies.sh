#!/bin/bash
# Replies end to end, against the rig's real Dovecot and SMTP sink: the
# example dossiers through `run --once` give exactly the expected replies;
# their text; never a reply to automatic mail or to ourselves; the rate
# limit; SMTP down, 451 and 550; a resend after a crash keeps its
# Message-ID; a bounce marks the reply it bounces; `outbox --json`.
set -u
. "$GU_TOP_SRCDIR/tests/rig/lib.sh"
rig_start
rig_guichet_conf "[smtp]\nmax_replies_per_window = 5\nreply_window_minutes = 10"
guichet() { "$GUICHET" "$@"; }
sql() { sqlite3 "$T/state/guichet.db" "$1"; }
py() { /usr/bin/python3 - "$@"; }
sink_count() { find "$SINK_DIR" -name '*.eml' | wc -l; }
# The decoded subject, recipient and body of the sink's message N.
sink_show() {
	py "$SINK_DIR/$(printf %06d "$1").eml" <<'PY'
import email, email.policy, sys
m = email.message_from_binary_file(open(sys.argv[1], "rb"), policy=email.policy.default)
print(m["to"]); print(m["subject"]); print(m["message-id"]); print(m["auto-submitted"])
print(m.get_body(("plain",)).get_content())
PY
}
tap_plan 29

# --- the example dossiers, as the daemon would see them ---
ex="$GU_TOP_SRCDIR/examples/dossiers"
grep -v '^#' "$ex/MANIFEST" | while IFS="$(printf '\t')" read -r file received; do
	rig append "$ex/$file" "$received" >/dev/null
done
guichet run --once 2>"$T/err"; rc=$?
tap_is "$rc" 0 "run --once on the example dossiers"
want="early complete ack-new complete how-to-apply complete ack-new late ack-new"
tap_is "$(sql "select group_concat(kind, ' ') from (select kind from outbox order by id)")" "$want" \
	"one reply per message, of the right kind (none to the out-of-office reply)"
tap_is "$(sql "select count(*) from outbox where state = 'sent'")/$(sink_count)" "9/9" "all nine delivered to the sink"
tap_is "$(sql "select count(*) from outbox o join messages m on m.id = o.message_row where m.role = 'automatic'")" 0 \
	"no reply to the out-of-office message"

# The acknowledgement of Coworking des Falaises, read as a mail client would.
n=$(sql "select o.id from outbox o join dossiers d on d.id = o.dossier_id where d.reference = 'FI-2020-0003' and o.kind = 'ack-new'")
text=$(sink_show "$n")
tap_ok '[[ "$text" == "marc@coworking-falaises.fr"* ]]' "addressed to the applicant"
tap_ok '[[ "$(sed -n 2p <<<"$text")" == "[FI-2020-0003] "* ]]' "subject starts with the reference: $(sed -n 2p <<<"$text")"
tap_is "$(sed -n 4p <<<"$text")" "auto-replied" "Auto-Submitted: auto-replied"
tap_ok '[[ "$text" == *"3 février 2020 à 9 h 30"* ]]' "states the receipt time in Paris time"
for sha in $(sql "select d.sha256 from documents d join messages m on m.id = d.message_row join dossiers x on x.id = m.dossier_id where x.reference = 'FI-2020-0003' and m.subject not like 'Re:%'"); do
	[[ "$text" == *"$sha"* ]] || missing_sha="${missing_sha:-} $sha"
done
tap_is "${missing_sha:-}" "" "lists the SHA-256 of every document received"
tap_ok '[[ "$text" == *"Un plan de déploiement pluriannuel"* ]]' "names the missing piece by its label"
tap_ok '[[ "$text" == *"La stratégie de déploiement envisagée"* ]]' "names the pieces recognised"
tap_ok '[[ "$text" == *"1er mars 2020"* ]]' "states the deadline"

# --- never a loop: our own reply fed back is not answered ---
before=$(sql 'select count(*) from outbox')
rig append "$SINK_DIR/$(printf %06d "$n").eml" 2020-02-04T10:00:00+01:00 >/dev/null
printf 'From: MAILER-DAEMON@example.org\nTo: fabrique@example.org\nSubject: Undelivered Mail\nMIME-Version: 1.0\nContent-Type: text/plain\n\nsorry\n' >"$T/bounce-plain.eml"
printf 'From: liste@example.org\nTo: fabrique@example.org\nSubject: Lettre d information\nList-Id: <news.example.org>\nMessage-ID: <l1@example.org>\n\nnews\n' >"$T/list.eml"
rig append "$T/bounce-plain.eml" 2020-02-04T10:01:00+01:00 >/dev/null
rig append "$T/list.eml" 2020-02-04T10:02:00+01:00 >/dev/null
guichet run --once 2>/dev/null
tap_is "$(sql 'select count(*) from outbox')" "$before" "no reply to our own reply, a bounce or a list"
tap_is "$(rig imap count INBOX)" 0 "those messages are stored and moved all the same"

# --- a bounce of one of our replies marks it ---
mid=$(sql "select smtp_message_id from outbox where id = $n")
cat >"$T/dsn.eml" <<DSN
From: MAILER-DAEMON@mx.coworking-falaises.fr
To: fabrique@example.org
Subject: Undelivered Mail Returned to Sender
MIME-Version: 1.0
Content-Type: multipart/report; report-type=delivery-status; boundary="R"

--R
Content-Type: text/plain

Your message could not be delivered.
--R
Content-Type: message/delivery-status

Reporting-MTA: dns; mx.coworking-falaises.fr

Final-Recipient: rfc822; marc@coworking-falaises.fr
Action: failed
Status: 5.1.1
Diagnostic-Code: smtp; 550 5.1.1 mailbox unavailable
--R
Content-Type: text/rfc822-headers

From: fabrique@example.org
Message-ID: <$mid>
Subject: x
--R--
DSN
guichet ingest --received 2020-02-04T11:00:00+01:00 "$T/dsn.eml" >/dev/null
tap_is "$(sql "select state from outbox where id = $n")" "bounced" "a DSN naming our reply marks it bounced"

# --- rate limit: at most 5 replies in 10 minutes to one address ---
for i in 1 2 3 4 5 6 7; do
	printf 'Pièce %s\n' "$i" >"$T/p$i.txt"
	/usr/bin/python3 "$GU_TOP_SRCDIR/tests/tools/mkmail.py" --from "Zoé <zoe@bavarde.example>" \
		--subject "Pièce $i" --body "Encore une pièce." --attach "$T/p$i.txt=annexe-$i.txt" -o "$T/z$i.eml"
	guichet ingest --received "2020-02-05T10:0$i:00+01:00" "$T/z$i.eml" >/dev/null
done
tap_is "$(sql "select count(*) from outbox where recipient = 'zoe@bavarde.example' and state = 'pending'")" 5 "five replies queued"
tap_is "$(sql "select count(*) from outbox where recipient = 'zoe@bavarde.example' and state = 'suppressed' and last_error like '%10 minutes%'")" 2 \
	"the next two suppressed, with the reason"

# --- SMTP down: pending, then delivered once it is back, exactly once ---
rig stop-smtp >/dev/null
guichet send >/dev/null
tap_is "$(sql "select count(*) from outbox where recipient = 'zoe@bavarde.example' and state = 'pending' and attempts = 1 and next_attempt_at is not null")" 5 \
	"SMTP down: the replies stay pending with a next attempt"
rig start-smtp >/dev/null
rig_reload_env
before=$(sink_count)
guichet send >/dev/null
tap_is "$(sink_count)" "$before" "not retried before their time"
sql "update outbox set next_attempt_at = '2000-01-01T00:00:00Z' where state = 'pending'"
guichet send >/dev/null
tap_is "$(( $(sink_count) - before ))" 5 "once due, each is delivered"
guichet send >/dev/null
tap_is "$(( $(sink_count) - before ))" 5 "and only once"

# --- 451 is retried, 550 is final ---
printf 'Pièce 451\n' >"$T/q.txt"
/usr/bin/python3 "$GU_TOP_SRCDIR/tests/tools/mkmail.py" --from "Yann <yann@lent.example>" --subject "Dossier" \
	--body "Bonjour" --attach "$T/q.txt=Presentation.pdf" -o "$T/y.eml"
guichet ingest --received 2020-02-06T10:00:00+01:00 "$T/y.eml" >/dev/null
printf '451 4.3.0 try later\n' >"$SINK_DIR/.reply-once"
guichet send >/dev/null
tap_is "$(sql "select state || ' ' || attempts from outbox where recipient = 'yann@lent.example'")" "pending 1" "a 451 leaves the reply pending"
sql "update outbox set next_attempt_at = '2000-01-01T00:00:00Z' where state = 'pending'"
guichet send >/dev/null
tap_is "$(sql "select state || ' ' || attempts from outbox where recipient = 'yann@lent.example'")" "sent 2" "and the retry delivers it"
/usr/bin/python3 "$GU_TOP_SRCDIR/tests/tools/mkmail.py" --from "Xavier <x@nulle-part.example>" --subject "Dossier" \
	--body "Bonjour" --attach "$T/q.txt=Presentation.pdf" -o "$T/x.eml"
guichet ingest --received 2020-02-06T11:00:00+01:00 "$T/x.eml" >/dev/null
printf '550 5.1.1 no such user\n' >"$SINK_DIR/.reply-once"
guichet send >/dev/null
sql "update outbox set next_attempt_at = '2000-01-01T00:00:00Z' where state = 'pending'"
guichet send >/dev/null
tap_is "$(sql "select state || ' ' || attempts from outbox where recipient = 'x@nulle-part.example'")" "failed 1" "a 550 is final: failed, never retried"

# A reply still failing after three days is given up.
/usr/bin/python3 "$GU_TOP_SRCDIR/tests/tools/mkmail.py" --from "Wanda <w@lointain.example>" --subject "Dossier" \
	--body "Bonjour" --attach "$T/q.txt=Presentation.pdf" -o "$T/w.eml"
guichet ingest --received 2020-02-06T12:00:00+01:00 "$T/w.eml" >/dev/null
sql "update outbox set created_at = strftime('%Y-%m-%dT%H:%M:%SZ', 'now', '-4 days') where recipient = 'w@lointain.example'"
printf '451 4.3.0 try later\n' >"$SINK_DIR/.reply-once"
guichet send >/dev/null
tap_is "$(sql "select state from outbox where recipient = 'w@lointain.example'")" "failed" \
	"a temporary failure after three days of trying is given up (failed)"

# --- a crash between sending and recording: one resend, same Message-ID ---
id=$(sql "select id from outbox where recipient = 'yann@lent.example'")
sql "update outbox set state = 'pending', next_attempt_at = null where id = $id"
guichet send >/dev/null
mid=$(sql "select smtp_message_id from outbox where id = $id")
tap_is "$(grep -l "$mid" "$SINK_DIR"/*.eml | wc -l)" 2 "a reply sent again after a crash carries the same Message-ID"

# --- a reply in the thread of our acknowledgement finds its dossier ---
mid=$(sql "select o.smtp_message_id from outbox o join dossiers d on d.id = o.dossier_id where d.reference = 'FI-2020-0005'")
printf 'Lettre du maire\n' >"$T/l.txt"
/usr/bin/python3 "$GU_TOP_SRCDIR/tests/tools/mkmail.py" --from "Julie Robert <julie.robert@gmail.com>" \
	--subject "Re: votre message" --in-reply-to "<$mid>" --references "<$mid>" --body "Voici la lettre." \
	--attach "$T/l.txt=Lettre de soutien.pdf" -o "$T/thread.eml"
tap_is "$(guichet ingest --received 2020-02-26T09:00:00+01:00 "$T/thread.eml")" "FI-2020-0005 incomplete" \
	"In-Reply-To naming our reply files the message in that dossier"
tap_ok '[ "$(sql "select count(*) from events e join dossiers d on d.id = e.dossier_id where d.reference = '"'"'FI-2020-0005'"'"' and e.detail like '"'"'matched by thread%'"'"'")" -eq 1 ]' \
	"by the thread rule"

# --- outbox --json ---
out=$(guichet outbox --json)
py "$out" <<'PY'
import json, sys
rows = json.loads(sys.argv[1])
need = {"kind": str, "to": str, "subject": str, "state": str, "attempts": int}
ok = all(isinstance(r[k], t) for r in rows for k, t in need.items())
ok = ok and all(r["state"] in ("pending", "sent", "failed", "bounced", "suppressed") for r in rows)
ok = ok and all("dossier" in r and "last_error" in r for r in rows)
ok = ok and any(r["dossier"] == "FI-2020-0003" for r in rows)
sys.exit(0 if ok else 1)
PY
tap_is $? 0 "outbox --json has the contract's fields and types"
tap_done
