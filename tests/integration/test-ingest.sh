#!/bin/bash
# `guichet ingest`: one line per message, duplicates, quarantine, size
# limit, stdin, exit codes (1 bad file, 2 usage, 75 temporary failure),
# then `verify` and `replay` on what was stored.
set -u
. "$GU_TOP_SRCDIR/tests/integration/common.sh"
gu_setup
tap_plan 27
M="$GU_TMP/mail"

pdf_b64=$(printf '%%PDF-1.4\n%% budget phase etude\n%%%%EOF\n' | base64 -w0)
mkmsg() { # file message-id extra-header body
	cat >"$1" <<MSG
Received: from mx.example.org by mx.normandie.fr; Fri, 14 Feb 2020 10:12:00 +0100
From: Claire Martin <claire@tiers-lieu.example>
To: fabrique@example.org
Subject: Candidature Fabrique d'Initiatives
Message-ID: <$2>
Date: Fri, 14 Feb 2020 10:11:00 +0100
MIME-Version: 1.0
$3
Content-Type: multipart/mixed; boundary="b1"

--b1
Content-Type: text/plain; charset=utf-8

$4
--b1
Content-Type: application/octet-stream; name="Budget étude.pdf"
Content-Disposition: attachment; filename*=utf-8''Budget%20%C3%A9tude.pdf
Content-Transfer-Encoding: base64

$pdf_b64
--b1--
MSG
}
mkmsg "$M/a.eml" "a1@tiers-lieu.example" "X-Dummy: 1" "Bonjour, voici notre dossier."

out=$(guichet ingest --received 2020-02-14T10:12:00+01:00 "$M/a.eml"); rc=$?
tap_is "$rc" 0 "ingest exits 0"
tap_is "$(printf '%s\n' "$out" | wc -l)" 1 "one line per message"
tap_ok '[[ "$out" != "- duplicate" && "$out" != "- quarantined" ]]' "a good message is stored ($out)"
tap_is "$(gu_sql 'select count(*) from messages')" 1 "one message row"
tap_is "$(gu_sql "select filename||'|'||size from documents")" "Budget étude.pdf|36" "the attachment, its RFC 2231 name and decoded size"
tap_is "$(gu_sql 'select received_at from messages')" "2020-02-14T09:12:00Z" "--received is the receipt time, stored in UTC"
sha=$(gu_sql 'select raw_sha256 from messages')
tap_ok '[ -f "$GU_TMP/state/blobs/sha256/${sha:0:2}/${sha:2:2}/$sha" ]' "the raw message is in the blob store"
tap_is "$(sha256sum <"$M/a.eml" | cut -d' ' -f1)" "$sha" "under the SHA-256 of its exact bytes"

tap_is "$(guichet ingest "$M/a.eml")" "- duplicate" "the same bytes again: duplicate"
# The same mail delivered twice: only transport headers differ.
sed 's/^Received: from mx.example.org/Received: from mx2.example.org/' "$M/a.eml" >"$M/a2.eml"
tap_is "$(guichet ingest "$M/a2.eml")" "- duplicate" "same Message-ID, sender and content: duplicate"
tap_is "$(gu_sql 'select count(*) from messages')" 1 "and nothing was stored twice"
# The same Message-ID with other content is a new message: nothing lost.
mkmsg "$M/b.eml" "a1@tiers-lieu.example" "X-Dummy: 2" "Bonjour, voici une version corrigée."
out=$(guichet ingest "$M/b.eml")
tap_ok '[[ "$out" != "- duplicate" ]]' "same Message-ID, different content: processed"
tap_is "$(gu_sql "select count(*) from events where kind='received-reused-message-id'")" 1 "the event notes the reused Message-ID"

# Garbage is kept and quarantined.
printf '\x00\x01 not a mail at all\n' >"$M/garbage.eml"
tap_is "$(guichet ingest "$M/garbage.eml")" "- quarantined" "garbage is quarantined"
tap_ok '[ -n "$(gu_sql "select error from messages where outcome='"'"'quarantined'"'"'")" ]' "with its error recorded"

# Automatic mail is stored, never treated as an application.
mkmsg "$M/auto.eml" "auto1@tiers-lieu.example" "Auto-Submitted: auto-replied" "Je suis absente."
tap_is "$(guichet ingest "$M/auto.eml")" "- automatic" "an auto-reply is automatic"

# Standard input, as an MTA delivers.
mkmsg "$M/stdin.eml" "s1@tiers-lieu.example" "X-Dummy: 3" "Par l'entrée standard."
out=$(guichet ingest - <"$M/stdin.eml"); rc=$?
tap_ok '[[ $rc -eq 0 && "$out" != "- duplicate" && "$out" != "- quarantined" ]]' "ingest - reads standard input"
tap_is "$(guichet ingest <"$M/stdin.eml")" "- duplicate" "no argument means standard input too"

# A bad file argument is exit 1, and the other files are still processed.
mkmsg "$M/c.eml" "c1@tiers-lieu.example" "X-Dummy: 4" "Troisième."
out=$(guichet ingest "$M/missing.eml" "$M/c.eml" 2>"$GU_TMP/err"); rc=$?
tap_is "$rc" 1 "a missing file exits 1"
tap_ok '[[ "$out" != "" && "$(cat "$GU_TMP/err")" == *missing.eml* ]]' "names it, and stores the others"
guichet ingest --received "le 14 février" "$M/c.eml" 2>/dev/null; tap_is $? 2 "a bad --received is a usage error (2)"

# Above the hard size limit: kept raw, quarantined with the reason.
printf '[limits]\nmax_message_bytes = 1K\n' >>"$GU_TMP/guichet.conf"
head -c 3000 /dev/zero | tr '\0' 'x' | fold -w 70 >>"$M/c.eml"
tap_is "$(guichet ingest "$M/c.eml")" "- quarantined" "an oversized message is quarantined"
tap_ok '[[ "$(gu_sql "select error from messages order by id desc limit 1")" == "message too large"* ]]' "with a clear reason"

# A database locked past the timeout is a temporary failure: 75.
printf '[storage]\nbusy_timeout_seconds = 1\n' >>"$GU_TMP/guichet.conf"
mkmsg "$M/d.eml" "d1@tiers-lieu.example" "X-Dummy: 5" "Quatrième."
( printf 'BEGIN IMMEDIATE;\n'; sleep 4; printf 'ROLLBACK;\n' ) | sqlite3 "$GU_TMP/state/guichet.db" &
locker=$!
sleep 0.5
guichet ingest "$M/d.eml" >/dev/null 2>&1; rc=$?
wait "$locker"
tap_is "$rc" 75 "a locked database exits 75 (EX_TEMPFAIL)"

# verify re-hashes every blob; a damaged one is reported.
out=$(guichet verify); rc=$?
tap_ok '[[ $rc -eq 0 && "$out" == *" 0 bad" ]]' "verify finds every blob intact ($out)"
before=$(gu_sql 'select group_concat(raw_sha256) from (select raw_sha256 from messages order by id)')
guichet replay >/dev/null; rc=$?
tap_is "$rc:$(gu_sql 'select group_concat(raw_sha256) from (select raw_sha256 from messages order by id)')" "0:$before" "replay rebuilds the same messages in the same order"
doc=$(gu_sql 'select sha256 from documents limit 1')
chmod u+w "$GU_TMP/state/blobs/sha256/${doc:0:2}/${doc:2:2}/$doc"
printf 'rot' >>"$GU_TMP/state/blobs/sha256/${doc:0:2}/${doc:2:2}/$doc"
guichet verify >/dev/null 2>&1; tap_is $? 1 "verify reports a damaged blob (exit 1)"
tap_done
