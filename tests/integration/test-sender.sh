#!/bin/bash
# Senders GMime cannot read in From, end to end through `ingest`: each
# recovered the way a mail reader does (the From repaired, else Sender,
# Reply-To, Return-Path) opens a dossier and gets its acknowledgement,
# with the recovery in `show`; a message with no usable address at all is
# `- automatic`, answered by nobody, and listed by the day's digest as
# needing a person (an ordinary auto-reply is not).
set -u
. "$GU_TOP_SRCDIR/tests/integration/common.sh"
gu_setup
tap_plan 29
M="$GU_TMP/mail"
RECEIVED=2020-02-14T10:12:00+01:00

pdf_b64=$(printf '%%PDF-1.4\n%% budget phase etude\n%%%%EOF\n' | base64 -w0)
mkmsg() { # message-id sender-headers (each line ending in \n)
	{
		printf '%b' "$2"
		cat <<MSG
To: fabrique@example.org
Subject: Candidature $1
Message-ID: <$1@msg.example>
Date: Fri, 14 Feb 2020 10:11:00 +0100
MIME-Version: 1.0
Content-Type: multipart/mixed; boundary="b1"

--b1
Content-Type: text/plain; charset=utf-8

Bonjour, voici notre dossier ($1).
--b1
Content-Type: application/pdf; name="budget.pdf"
Content-Disposition: attachment; filename="budget.pdf"
Content-Transfer-Encoding: base64

$pdf_b64
--b1--
MSG
	} >"$M/$1.eml"
}
ingest() { guichet ingest --received "$RECEIVED" "$M/$1.eml"; }
acks_to() { gu_sql "select count(*) from outbox where kind = 'ack-new' and recipient = '$1'"; }

# Each recovered sender: a dossier ("REF STATUS") and an acknowledgement to it.
check_recovered() { # message-id sender-headers address
	local out want=$3
	mkmsg "$1" "$2"
	out=$(ingest "$1")
	tap_ok '[[ "$out" =~ ^FI-2020-[0-9]{4}\ incomplete$ && "$(acks_to "$want")" = 1 ]]' \
		"$1: a dossier ($out) and an acknowledgement to $want"
}
check_recovered from-name-bare 'From: Jean Dupont jean7@x.example\n' jean7@x.example
check_recovered from-brackets 'From: Mairie [Service] <m2@x.example>\n' m2@x.example
check_recovered from-semicolon 'From: Mairie de St-Lo; service culture <m3@x.example>\n' m3@x.example
check_recovered from-unclosed 'From: <jean8@x.example\n' jean8@x.example
check_recovered from-nul 'From: =?utf-8?q?Jean=00Dupont?= <j9@x.example>\n' j9@x.example
check_recovered from-esc 'From: =?utf-8?q?Jean=1BDupont?= <j10@x.example>\n' j10@x.example
check_recovered sender-only 'Sender: Secretariat <sec@x.example>\n' sec@x.example
check_recovered reply-to-only 'From: Jean Dupont\nReply-To: Jean Dupont rt@x.example\n' rt@x.example
check_recovered return-path-only 'Return-Path: <rp@x.example>\n' rp@x.example

ref_of() { gu_sql "select d.reference from dossiers d join messages m on m.dossier_id = d.id where m.message_id = '$1@msg.example'"; }
tap_is "$(gu_sql "select applicant || '|' || applicant_name from dossiers where reference = '$(ref_of from-name-bare)'")" \
	"jean7@x.example|Jean Dupont" "the repaired From gives the dossier its applicant and name"
show=$(guichet show "$(ref_of from-name-bare)")
tap_ok '[[ "$show" == *"sender-recovered: sender jean7@x.example recovered from From (repaired): raw From was \"Jean Dupont jean7@x.example\""* ]]' \
	"show names the repaired From and the raw value"
show=$(guichet show "$(ref_of reply-to-only)")
tap_ok '[[ "$show" == *"sender-recovered: sender rt@x.example recovered from Reply-To: raw From was \"Jean Dupont\""* ]]' \
	"show says the sender came from Reply-To"
tap_is "$(gu_sql "select applicant_name from dossiers where reference = '$(ref_of reply-to-only)'")" "Jean Dupont" \
	"From's text stays the applicant's name"
show=$(guichet show "$(ref_of return-path-only)")
tap_ok '[[ "$show" == *"recovered from Return-Path: raw From was absent"* ]]' "and from Return-Path, From absent"
show=$(guichet show "$(ref_of from-unclosed)")
tap_ok '[[ "$show" != *"sender-recovered"* ]]' "a From GMime reads itself records no recovery"
tap_is "$(gu_sql "select count(*) from events where kind = 'sender-recovered'")" 6 \
	"one recovery event per repaired or replaced From"
tap_is "$(gu_sql "select count(*) from messages where instr(sender_name, char(27)) or instr(sender_name, char(0))")/$(gu_sql "select count(*) from dossiers where instr(applicant_name, char(27))")" \
	"0/0" "no ESC or NUL in a stored name"
tap_is "$(gu_sql "select applicant_name from dossiers where reference = '$(ref_of from-esc)'")" "Jean Dupont" \
	"an ESC in an encoded name becomes a space"
tap_is "$(gu_sql "select count(*) from dossiers")" 9 "nine senders, nine dossiers"

# No usable address anywhere: set aside, no reply, listed for a person.
mkmsg nobody 'From: Jean Dupont\nReply-To: personne\n'
tap_is "$(ingest nobody)" "- automatic" "no usable address: - automatic"
tap_is "$(gu_sql "select outcome || '|' || automatic_reason || '|' || ifnull(dossier_id, 'none') from messages where message_id = 'nobody@msg.example'")" \
	"automatic|From: missing|none" "stored, with no dossier"
tap_is "$(gu_sql "select count(*) from outbox")" 9 "and no reply queued"
tap_is "$(gu_sql "select detail from events where kind = 'set-aside'")" \
	'no usable sender: raw From was "Jean Dupont"; no address in Sender, Reply-To or Return-Path' \
	"an event says why it was set aside"
# An auto-reply without a sender is an auto-reply, not a message for a person.
mkmsg autoreply 'Auto-Submitted: auto-replied\n'
tap_is "$(ingest autoreply)" "- automatic" "an auto-reply without From: - automatic"

guichet digest --stdout --date 2020-02-14 >"$GU_TMP/digest.eml"; rc=$?
tap_is "$rc" 0 "digest --stdout --date 2020-02-14 exits 0"
/usr/bin/python3 - "$GU_TMP/digest.eml" <<'PY'
import email, email.policy, sys
m = email.message_from_binary_file(open(sys.argv[1], "rb"), policy=email.policy.default)
open(sys.argv[1] + ".txt", "w").write(m.get_body(("plain",)).get_content())
open(sys.argv[1] + ".html", "w").write(m.get_body(("html",)).get_content())
PY
txt=$(cat "$GU_TMP/digest.eml.txt" 2>/dev/null)
html=$(cat "$GU_TMP/digest.eml.html" 2>/dev/null)
set_aside=${txt#*À TRAITER}
set_aside=${set_aside%%OÙ EN EST L\'APPEL*}
tap_ok '[[ "$txt" == *"À TRAITER"* && "$(grep -c "Sans expéditeur" <<<"$set_aside")" = 1 ]]' \
	"the digest has a section of messages set aside for a person, with one"
tap_ok '[[ "$set_aside" == *"14 février 2020"*"<nobody@msg.example>"*"Candidature nobody"*"no usable sender"* ]]' \
	"listing its receipt time, Message-ID, subject and why"
tap_ok '[[ "$set_aside" != *"autoreply"* ]]' "the auto-reply is not listed"
tap_ok '[[ "$html" == *"nobody@msg.example"*"no usable sender"* ]]' "the HTML part lists it too"
tap_done
