#!/bin/bash
# A second call of the same Region, defined by its call file alone
# (schemas/impulsion-equipement.call, issue 15): its prefix and year in
# references, its window, its five pieces (one optional) recognised by
# name and by content, its name in the replies' subjects, the missing
# pieces listed by label, the optional piece never listed missing; the
# first call's replies keep their subject.
set -u
. "$GU_TOP_SRCDIR/tests/integration/common.sh"
gu_setup
tap_plan 18
call="$GU_TOP_SRCDIR/schemas/impulsion-equipement.call"
sed -i "s|^file = .*|file = $call|" "$GUICHET_CONFIG"
sed -i "s|^enabled = false|enabled = true\ndir = $GU_TOP_BUILDDIR/filters\ntimeout_seconds = 5|" "$GUICHET_CONFIG"
W="$GU_TMP/mail"
PY=/usr/bin/python3
TOOLS="$GU_TOP_SRCDIR/tests/tools"
sql() { sqlite3 "$GU_TMP/state/guichet.db" "$1"; }
ingest() { # received file → the line ingest prints
	local out rc
	out=$(guichet ingest --received "$1" "$2" 2>"$GU_TMP/ing.err"); rc=$?
	[ "$rc" = 0 ] || tap_diag "ingest $2: exit $rc" "$(head -c 2000 "$GU_TMP/ing.err")"
	printf '%s\n' "$out"
}
# The subject and text of the reply of kind to the dossier ref, as a mail client reads it.
reply() { # ref kind
	local sha
	sha=$(sql "select o.raw_sha256 from outbox o join dossiers d on d.id = o.dossier_id where d.reference = '$1' and o.kind = '$2' order by o.id desc limit 1")
	[ -n "$sha" ] || { echo "no $2 reply to $1"; return; }
	"$PY" - "$GU_TMP/state/blobs/sha256/${sha:0:2}/${sha:2:2}/$sha" <<'PY'
import email, email.policy, sys
m = email.message_from_binary_file(open(sys.argv[1], "rb"), policy=email.policy.default)
print(m["subject"]); print(m.get_body(("plain",)).get_content())
PY
}

"$PY" "$TOOLS/mkdoc.py" "$W/projet.pdf" --page $'Projet d\'équipement\nUn atelier de fabrication numérique ouvert aux habitants.'
"$PY" "$TOOLS/mkdoc.py" "$W/devis.pdf" --page $'Devis n° 2021-118\nImprimante 3D grand format : 4 200 € HT'
"$PY" "$TOOLS/mkdoc.py" "$W/budget.xlsx" --sheet "Plan de financement=Poste|Montant;Équipements|12600;Région Normandie|8820;Autofinancement|3780"
"$PY" "$TOOLS/mkdoc.py" "$W/attestation.pdf" --page $'Attestation de vigilance\nURSSAF de Normandie — à jour de ses obligations.'
"$PY" "$TOOLS/mkdoc.py" "$W/dossier.pdf" --page $'Description du projet\nUne ressourcerie équipée.' \
	--page $'Plan de financement\nÉquipements 9 000 €' --page $'Devis\nBroyeur : 2 100 €'
mkmsg() { # out from subject body attachments...
	local out=$1 from=$2 subject=$3 body=$4; shift 4
	local args=()
	for a in "$@"; do args+=(--attach "$a"); done
	"$PY" "$TOOLS/mkmail.py" --from "$from" --to "impulsion-equipement@normandie.example" \
		--subject "$subject" --body "$body" "${args[@]}" -o "$out"
}
mkmsg "$W/1.eml" "Claire Martin <claire@tiers-lieu-bocage.fr>" "Candidature Impulsion Équipement – Tiers-lieu du Bocage" \
	$'Bonjour,\nStructure : Tiers-lieu du Bocage\nStatut juridique : association\nVeuillez trouver notre dossier.' \
	"$W/projet.pdf=Présentation du projet.pdf;application/pdf" "$W/devis.pdf=Devis imprimante 3D.pdf;application/pdf" \
	"$W/budget.xlsx=Financement.xlsx;application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
mkmsg "$W/2.eml" "Claire Martin <claire@tiers-lieu-bocage.fr>" "Re: [IE-2021-0001] Accusé de réception" \
	"Bonjour, voici l'attestation manquante." "$W/attestation.pdf=Attestation URSSAF.pdf;application/pdf"
mkmsg "$W/3.eml" "Paul Leroy <paul@ressourcerie-caux.fr>" "Candidature" \
	"Bonjour, notre dossier en un seul document." "$W/dossier.pdf=Dossier Ressourcerie.pdf;application/pdf"
mkmsg "$W/4.eml" "Anne Roux <anne@fablab-perche.fr>" "Candidature" "Bonjour, notre dossier." \
	"$W/projet.pdf=Projet.pdf;application/pdf"
mkmsg "$W/5.eml" "Luc Morel <luc@atelier-bray.fr>" "Candidature" "Bonjour, notre dossier." \
	"$W/projet.pdf=Projet.pdf;application/pdf"

tap_is "$(ingest 2021-04-12T10:00:00+02:00 "$W/1.eml")" "IE-2021-0001 incomplete" \
	"the call's prefix and year: the first dossier is IE-2021-0001"
tap_is "$(sql "select group_concat(p.piece_key, ' ') from (select p.piece_key from pieces p join documents d on d.id = p.document_id order by d.position) p")" \
	"projet_equipement devis plan_financement" "its documents recognised as the call's pieces"
text=$(reply IE-2021-0001 ack-new)
tap_is "$(head -1 <<<"$text")" "[IE-2021-0001] Accusé de réception – Impulsion Équipement" \
	"the acknowledgement's subject names the call (short_name)"
tap_ok '[[ "$text" == *"L'"'"'attestation de régularité fiscale et sociale"* ]]' "it lists the missing required piece by its label"
tap_ok '[[ "$text" != *"photographies du lieu"* ]]' "and never the optional piece"
tap_ok '[[ "$text" == *"15 juin 2021"* ]]' "it states the call's deadline"
tap_ok '[[ "$text" == *"Courriel : impulsion-equipement@normandie.example"* ]]' \
	"and the service of the call file"

tap_is "$(ingest 2021-04-20T09:00:00+02:00 "$W/2.eml")" "IE-2021-0001 complete" \
	"the missing attestation completes the dossier, the optional piece still absent"
text=$(reply IE-2021-0001 complete)
tap_is "$(head -1 <<<"$text")" "[IE-2021-0001] Dossier complet – Impulsion Équipement" "a 'complete' reply"
tap_ok '[[ "$text" != *"photographies du lieu"* && "$text" != *"il manque encore"* ]]' "missing nothing, optional piece unmentioned"

tap_is "$(ingest 2021-05-03T14:00:00+02:00 "$W/3.eml")" "IE-2021-0002 incomplete" "a one-document dossier"
tap_is "$(sql "select group_concat(piece_key, ' ') from (select piece_key from pieces p join documents d on d.id = p.document_id join messages m on m.id = d.message_row join dossiers x on x.id = m.dossier_id where x.reference = 'IE-2021-0002' order by piece_key)")" \
	"devis plan_financement projet_equipement" "its sections recognised by their headings (content phrases)"
text=$(reply IE-2021-0002 ack-new)
tap_ok '[[ "$text" == *"attestation de régularité"* && "$text" != *"photographies du lieu"* ]]' \
	"missing: the attestation, not the photographs"

tap_is "$(ingest 2021-06-15T23:30:00+02:00 "$W/4.eml")" "IE-2021-0003 incomplete" "the closing day is on time (Paris time)"
tap_is "$(ingest 2021-06-16T00:30:00+02:00 "$W/5.eml")" "IE-2021-0004 late" "the next day is late"
tap_is "$(head -1 <<<"$(reply IE-2021-0004 late)")" "[IE-2021-0004] Reçu hors délai – Impulsion Équipement" "a 'late' reply"
tap_is "$(guichet list | awk '{print $1}' | tr '\n' ' ')" "IE-2021-0001 IE-2021-0002 IE-2021-0003 IE-2021-0004 " \
	"list shows the call's dossiers"
out=$(guichet check-config 2>&1); rc=$?
tap_ok '[[ "$rc" == 0 && "$out" != *"impulsion-equipement.call:"* ]]' \
	"check-config finds nothing to say about the call file ($rc)"
tap_done
