#!/bin/bash
# Data protection (issue 15, RGPD): `guichet purge --call ID --before
# DAY [--dry-run]` deletes a closed call's dossiers (raw messages,
# documents, replies, everything naming the applicant) and keeps only
# anonymised counts per status and per day; refuses an open call; is
# recorded as an event; `verify` passes after it; runs alone (the
# rebuild lock); `retention_days` of the call file; `export --anonymised`.
set -u
. "$GU_TOP_SRCDIR/tests/integration/common.sh"
gu_setup
tap_plan 28
W="$GU_TMP/mail"
state="$GU_TMP/state"
PY=/usr/bin/python3
TOOLS="$GU_TOP_SRCDIR/tests/tools"
# The calls live beside the configured one, where purge finds them by id.
callfile() { # name [key=value...]: a copy of the shipped call with keys changed
	local out="$GU_TMP/$1.call"; shift
	sed "s|^templates = .*|templates = $GU_TOP_SRCDIR/templates|" "$GU_TOP_SRCDIR/schemas/fabrique-initiatives.call" >"$out"
	for kv in "$@"; do sed -i "s|^${kv%%=*} = .*|${kv%%=*} = ${kv#*=}|" "$out"; done
	grep -q '^retention_days' "$out" || sed -i "s|^language = fr|language = fr\nretention_days = 0|" "$out"
	for kv in "$@"; do sed -i "s|^${kv%%=*} = .*|${kv%%=*} = ${kv#*=}|" "$out"; done
}
callfile fabrique-initiatives
callfile open opens=2020-01-01 closes=2099-12-31
callfile kept retention_days=36000
sed -i "s|^file = .*|file = $GU_TMP/fabrique-initiatives.call|" "$GUICHET_CONFIG"
rig_hand_over "$GU_TMP"
ingest() { guichet ingest --received "$1" "$2" 2>>"$GU_TMP/ing.err"; }
mk() { # out from date-less body attachment
	"$PY" "$TOOLS/mkmail.py" --from "$2" --subject "${4:-Candidature}" --body "Bonjour, notre dossier." \
		--attach "$3" -o "$1"
}
printf 'Présentation de notre initiative\n' >"$W/initiative.txt"
printf 'Budget de la phase d étude\n' >"$W/budget.txt"
printf 'Plan pluriannuel\n' >"$W/plan.txt"
mk "$W/a.eml" "Claire Martin <claire@tiers-lieu-bocage.fr>" "$W/initiative.txt=Initiative.txt;text/plain"
mk "$W/b.eml" "Paul Leroy <paul@ressourcerie-caux.fr>" "$W/budget.txt=Budget etude.txt;text/plain"
mk "$W/c.eml" "Anne Roux <anne@fablab-perche.fr>" "$W/plan.txt=Plan pluriannuel.txt;text/plain"
mk "$W/c2.eml" "Anne Roux <anne@fablab-perche.fr>" "$W/budget.txt=Budget etude.txt;text/plain" "Re: [FI-2020-0003] complément"
"$PY" "$TOOLS/mkmail.py" --from "Absent <absent@exemple.fr>" --subject "Absence" --body "Je suis absent." \
	--header "Auto-Submitted: auto-replied" -o "$W/auto.eml"
ingest 2020-01-15T10:00:00+01:00 "$W/a.eml" >/dev/null
ingest 2020-01-20T10:00:00+01:00 "$W/auto.eml" >/dev/null
ingest 2020-02-10T10:00:00+01:00 "$W/b.eml" >/dev/null
ingest 2020-02-20T10:00:00+01:00 "$W/c.eml" >/dev/null
ingest 2020-03-10T10:00:00+01:00 "$W/c2.eml" >/dev/null
tap_is "$(gu_sql 'select count(*) from dossiers')/$(gu_sql 'select count(*) from messages')" "3/5" "three dossiers, five messages"
raw_a=$(gu_sql "select raw_sha256 from messages where sender = 'claire@tiers-lieu-bocage.fr'")
blob_a="$state/blobs/sha256/${raw_a:0:2}/${raw_a:2:2}/$raw_a"
tap_ok '[ -f "$blob_a" ]' "the raw message of FI-2020-0001 is stored"

out=$(guichet purge --call nowhere 2>&1); rc=$?
tap_ok '[[ "$rc" == 1 && "$out" == *"no call \"nowhere\""* ]]' "an unknown call: exit 1 ($out)"
out=$(guichet purge --call fabrique-initiatives 2>&1); rc=$?
tap_ok '[[ "$rc" == 2 && "$out" == *"give --before DAY, or set retention_days"* ]]' "no --before and no retention_days: exit 2"
out=$(guichet purge --call open --before 2020-02-15 2>&1); rc=$?
tap_ok '[[ "$rc" == 1 && "$out" == *"call open is open until 2099-12-31 included: refusing to purge an open call"* ]]' \
	"an open call is refused: $out"
out=$(guichet purge --call kept 2>&1); rc=$?
tap_ok '[[ "$rc" == 0 && "$out" == *"personal data kept until 2118-"*"(retention_days 36000): nothing to purge yet"* ]]' \
	"within retention_days nothing goes: $out"
out=$(guichet purge --call fabrique-initiatives --before 2020-02-31 2>&1); rc=$?
tap_is "$rc" 2 "a day that does not exist: exit 2"

out=$(guichet purge --call fabrique-initiatives --before 2020-02-15 --dry-run); rc=$?
tap_is "$rc" 0 "--dry-run"
tap_ok '[[ "$out" == *"FI-2020-0001"* && "$out" == *"FI-2020-0002"* && "$out" != *"FI-2020-0003"* ]]' \
	"lists the dossiers whose every message came before the day (not FI-2020-0003, completed in March)"
tap_ok '[[ "$out" == *"would delete 2 dossiers, 3 messages (1 in no dossier), 2 documents"* ]]' "and says how much: $(tail -1 <<<"$out")"
tap_is "$(gu_sql 'select count(*) from dossiers')/$(gu_sql 'select count(*) from messages')" "3/5" "and deletes nothing"

# A replay or a daemon holds the state: purge waits its turn (75).
( exec 8>>"$state/guichet.lock"; flock -x 8; echo held >"$GU_TMP/held"; exec sleep 30 ) &
holder=$!
rig_wait_file "$GU_TMP/held"
guichet purge --call fabrique-initiatives --before 2020-02-15 >/dev/null 2>&1
tap_is "$?" 75 "refused (75) while another holds the state folder"
kill "$holder"; wait "$holder" 2>/dev/null

out=$(guichet purge --call fabrique-initiatives --before 2020-02-15 2>&1); rc=$?
tap_is "$rc" 0 "purge"
tap_ok '[[ "$out" == *"deleted 2 dossiers, 3 messages (1 in no dossier), 2 documents"* ]]' "$out"
tap_is "$(gu_sql 'select group_concat(reference) from dossiers')" "FI-2020-0003" "only FI-2020-0003 is left"
tap_is "$(gu_sql "select group_concat(seq) from purged_dossiers where call_id = 'fabrique-initiatives'")" "1,2" \
	"the numbers of the dossiers purged are kept (a reference is never given twice)"
tap_is "$(gu_sql "select count(*) from messages where sender in ('claire@tiers-lieu-bocage.fr','paul@ressourcerie-caux.fr','absent@exemple.fr')")" 0 \
	"no message of theirs is left"
tap_is "$(gu_sql "select count(*) from outbox where recipient in ('claire@tiers-lieu-bocage.fr','paul@ressourcerie-caux.fr')") $(gu_sql "select count(*) from rate_limits where address like 'claire@%'")" \
	"0 0" "nor a reply to them, nor their rate-limit rows"
tap_ok '[ ! -e "$blob_a" ]' "the raw message's file is gone from the blob store"
tap_is "$(gu_sql "select kind || ': ' || detail from events where kind = 'purged'")" \
	"purged: call fabrique-initiatives, before 2020-02-14T23:00:00Z: 2 dossiers, 3 messages (1 in no dossier), 2 documents, 6 blobs" \
	"recorded as an event: 3 raw messages, 2 replies, 1 document (the budget, also in FI-2020-0003, stays)"
out=$(guichet verify 2>&1); rc=$?
tap_ok '[[ "$rc" == 0 && "$out" == *", 0 bad"* ]]' "verify passes afterwards: $out"
tap_is "$(guichet show FI-2020-0001 >/dev/null 2>&1; echo $?)" 1 "show FI-2020-0001: no such dossier"

out=$(guichet export --anonymised); rc=$?
tap_is "$rc" 0 "export --anonymised"
want=$'call,day,status,dossiers,documents\r
fabrique-initiatives,2020-01-15,incomplete,1,1\r
fabrique-initiatives,2020-02-10,incomplete,1,1\r
fabrique-initiatives,2020-02-20,incomplete,1,2\r'
tap_is "$out" "$want" "counts per day and status, the purged dossiers included"
tap_ok '[[ "$out" != *"@"* && "$out" != *"FI-2020"* ]]' "no address, no reference"
guichet replay >/dev/null 2>&1
tap_is "$?" 0 "replay after a purge"
tap_is "$(guichet export --anonymised)" "$want" "keeps the purged dossiers' counts"
tap_is "$(gu_sql 'select group_concat(reference) from dossiers')" "FI-2020-0003" \
	"and the dossier left keeps its reference (the purged numbers are not given again)"
tap_done
