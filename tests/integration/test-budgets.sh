#!/bin/bash
# The per-message budgets of issue 11 through `guichet ingest`, with
# small [limits]: (a) a zip of PDFs read by a slow stand-in pdf filter
# past message_filter_seconds, (b) zips adding up past
# message_max_unpacked_bytes, (c) more attachments than
# message_max_documents. Each time: what was read, what was flagged, the
# budget-exceeded event in `show`, the message filed, not quarantined.
# Outcomes only: nothing here is timed.
set -u
. "$GU_TOP_SRCDIR/tests/integration/common.sh"
gu_setup
tap_plan 26

M="$GU_TMP/mail"
W="$GU_TMP/docs"; mkdir -p "$W"

# The build's filters, with pdf replaced by one that sleeps 2 s first.
F="$GU_TMP/filters"
cp -r "$GU_TOP_BUILDDIR/filters" "$F"
mv "$F/pdf" "$F/pdf.real"
printf '#!/bin/sh\nsleep 2\nexec %s/pdf.real\n' "$F" >"$F/pdf"
chmod 755 "$F/pdf"
sed -i "s|^enabled = false\$|dir = $F\\nenabled = true|" "$GUICHET_CONFIG"

# One config per case over the same state: only [limits] differ.
limits_conf() { # name lines…
	local c="$GU_TMP/$1.conf"
	shift
	cp "$GUICHET_CONFIG" "$c"
	printf '[limits]\n' >>"$c"
	printf '%s\n' "$@" >>"$c"
	printf '%s' "$c"
}
C_TIME=$(limits_conf time "message_filter_seconds = 3")
C_BYTES=$(limits_conf bytes "message_max_unpacked_bytes = 1M")
C_DOCS=$(limits_conf docs "message_max_documents = 5")
rig_hand_over "$GU_TMP"

ing() { # config mail: the printed line; stderr shown when it fails
	local out rc
	out=$(guichet -c "$1" ingest --received 2020-02-14T10:12:00+01:00 "$2" 2>"$GU_TMP/ing.err"); rc=$?
	[ "$rc" = 0 ] || tap_diag "ingest $2: exit $rc" "$(head -c 2000 "$GU_TMP/ing.err")"
	printf '%s' "$out"
}
# The message row of the last ingest.
last_row() { gu_sql 'select max(id) from messages'; }

# ---- (a) time: six PDFs in a zip, 2 s each, a budget of 3 s ----
zip_args=()
for i in 1 2 3 4 5 6; do
	mkdoc "$W/scan-$i.pdf" --page "Budget de la phase d'étude
Copie $i : dépenses et recettes de l'étude de faisabilité."
	zip_args+=("$W/scan-$i.pdf=scan-$i.pdf")
done
mkmail --from "Claire Martin <claire@tiers-lieu.example>" --subject "Candidature Fabrique d'Initiatives" \
	--body "Bonjour, voici nos budgets." --zip annexes.zip "${zip_args[@]}" -o "$M/time.eml"
out=$(ing "$C_TIME" "$M/time.eml")
ref=${out%% *}
tap_ok '[[ "$ref" == FI-2020-* ]]' "over the time budget the message is filed, not quarantined ($out)"
row=$(last_row)
tap_is "$(gu_sql "select outcome from messages where id = $row")" dossier "its outcome is dossier"
json=$(guichet -c "$C_TIME" show "$ref" --json)
tap_is "$(q "$json" "[(p['kinds'], p['evidence'][0].split(':')[0]) for p in d['pieces'] if p['archive_path'] == 'scan-1.pdf']")" \
	'[[["budget_etude"], "content"]]' "the first PDF was read: its text gave the piece"
tap_is "$(q "$json" "' '.join(p['archive_path'] for p in d['pieces'] if p['unreadable'] == 'not read: time budget')")" \
	"scan-2.pdf scan-3.pdf scan-4.pdf scan-5.pdf scan-6.pdf" "the others are flagged not read: time budget"
tap_is "$(q "$json" "sorted(set(p['state'] for p in d['pieces'] if p['archive_path'] != 'scan-1.pdf'))")" \
	'["unreadable"]' "and shown as unreadable"
show=$(guichet -c "$C_TIME" show "$ref")
tap_ok '[[ "$show" == *"budget-exceeded: time budget: 3 s of filter time spent; classified by name only: scan-2.pdf, scan-3.pdf, scan-4.pdf, scan-5.pdf, scan-6.pdf"* ]]' \
	"show lists the budget-exceeded event, naming what was not read"
tap_is "$(gu_sql "select count(*) from events where kind = 'budget-exceeded' and message_row = $row")" 1 \
	"one event for the one budget"
tap_is "$(gu_sql "select kind from outbox where message_row = $row")" unreadable "the reply is about unreadable documents"
sha=$(gu_sql "select raw_sha256 from outbox where message_row = $row")
reply="$GU_TMP/state/blobs/sha256/${sha:0:2}/${sha:2:2}/$sha"
tap_ok 'grep -q "scan-6.pdf" "$reply"' "the reply names a document that was not read"
tap_ok 'grep -q "non examin" "$reply"' "and says it was not examined (French)"

# ---- (b) bytes: four zips of 400 KiB each, a budget of 1 MiB ----
zip_args=()
for i in 1 2 3 4; do
	"$PY" -c "import sys; sys.stdout.write(('annexe $i, ligne de texte du dossier\n') * 11000)" >"$W/annexe-$i.txt"
	zip_args+=(--zip "annexe-$i.zip" "$W/annexe-$i.txt=annexe-$i.txt")
done
mkmail --from "Paul Leroy <paul@fablab.example>" --subject "Candidature Fabrique d'Initiatives" \
	--body "Bonjour, voici nos annexes." "${zip_args[@]}" -o "$M/bytes.eml"
out=$(ing "$C_BYTES" "$M/bytes.eml")
ref=${out%% *}
tap_ok '[[ "$ref" == FI-2020-* ]]' "over the unpacked budget the message is filed ($out)"
row=$(last_row)
total=$(gu_sql "select sum(size) from documents where message_row = $row")
tap_ok '[ "$total" -le 1048576 ]' "what is stored stays under the budget ($total bytes)"
tap_ok '[ "$(gu_sql "select count(*) from documents where message_row = $row and size > 390000")" -ge 2 ]' \
	"the first entries were read whole"
reason='not read: message budget (1 MiB unpacked)'
tap_is "$(gu_sql "select group_concat(n, ' ') from (select coalesce(archive_path, filename) as n from documents where message_row = $row and unreadable_reason = '$reason' order by position)")" \
	"annexe-3.zip annexe-4.zip annexe-3.txt" "the entry cut short and the zips not read are flagged"
tap_is "$(gu_sql "select count(*) from documents where message_row = $row and parent_id = (select id from documents where message_row = $row and filename = 'annexe-4.zip')")" \
	0 "the last zip was not opened"
tap_is "$(gu_sql "select detail from events where kind = 'budget-exceeded' and message_row = $row")" \
	"message budget: more than 1 MiB unpacked; not read: annexe-3.txt, the rest of annexe-3.zip, annexe-4.zip" \
	"the overrun is recorded"
show=$(guichet -c "$C_BYTES" show "$ref")
tap_ok '[[ "$show" == *"budget-exceeded: message budget: more than 1 MiB unpacked"* ]]' "show lists it"
tap_ok '[[ "$show" == *"could not be read: $reason"* ]]' "show gives the reason on the documents"

# ---- (c) documents: eight attachments, a budget of five ----
attach=()
for i in 1 2 3 4 5 6 7 8; do
	printf 'Pièce %s du dossier.\n' "$i" >"$W/piece-$i.txt"
	attach+=(--attach "$W/piece-$i.txt")
done
mkmail --from "Anne Roux <anne@tierslieu.example>" --subject "Candidature Fabrique d'Initiatives" \
	--body "Bonjour, voici nos pièces." "${attach[@]}" -o "$M/docs.eml"
out=$(ing "$C_DOCS" "$M/docs.eml")
ref=${out%% *}
tap_ok '[[ "$ref" == FI-2020-* ]]' "over the documents budget the message is filed ($out)"
row=$(last_row)
reason='not read: message budget (5 documents)'
tap_is "$(gu_sql "select group_concat(filename, ' ') from (select filename from documents where message_row = $row and unreadable_reason = '$reason' order by position)")" \
	"piece-6.txt piece-7.txt piece-8.txt" "the extra attachments are flagged"
tap_is "$(gu_sql "select sum(size) from documents where message_row = $row and unreadable_reason = '$reason'")" 0 \
	"without their content (the raw message keeps it)"
tap_is "$(gu_sql "select count(*) from documents where message_row = $row and unreadable_reason is null")" 5 \
	"the first five are read"
tap_is "$(gu_sql "select detail from events where kind = 'budget-exceeded' and message_row = $row")" \
	"message budget: more than 5 documents; not read: piece-6.txt, piece-7.txt, piece-8.txt" "the overrun is recorded"
json=$(guichet -c "$C_DOCS" show "$ref" --json)
tap_is "$(q "$json" "len([p for p in d['pieces'] if p['unreadable'] == '$reason'])")" 3 "show --json gives the reason"
show=$(guichet -c "$C_DOCS" show "$ref")
tap_ok '[[ "$show" == *"budget-exceeded: message budget: more than 5 documents"* ]]' "show lists the event"

# Nothing else went over a budget.
tap_is "$(gu_sql "select count(*) from events where kind = 'budget-exceeded'")" 3 "one event per message over a budget, no other"
tap_done
