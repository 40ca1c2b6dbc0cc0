#!/bin/bash
# Documents as applicants really send them (issue 13), the filter side,
# through `guichet ingest` with the build's filters behind their walls:
# (a) one dossier whose pieces come only as neutrally named ODT, ODS
# (odfpy), XLS (xlwt), a phone photo (JPEG, turned 4 degrees, off-white
# paper), a HEIC photo and a scanned PDF without text (PIL) is classified
# from content, OCR's evidence saying "content(ocr)" and the page;
# (b) a PDF locked by `qpdf --encrypt`, and Office files saved with a
# password (tests/tools/mkprotected.py), are kept and flagged protected,
# and the reply names them and asks for a version without a password;
# (c) `guichet replay` gives the same pieces.
set -u
. "$GU_TOP_SRCDIR/tests/integration/common.sh"
gu_setup
tap_plan 23

M="$GU_TMP/mail"
W="$GU_TMP/docs"; mkdir -p "$W"
mkphoto() { "$PY" "$TOOLS/mkphoto.py" "$@" || tap_diag "mkphoto.py $* failed"; }
mkprotected() { "$PY" "$TOOLS/mkprotected.py" "$@" || tap_diag "mkprotected.py $* failed"; }
sed -i "s|^enabled = false\$|dir = $GU_TOP_BUILDDIR/filters\\nenabled = true|" "$GUICHET_CONFIG"
rig_hand_over "$GU_TMP"

ing() { # mail: the printed line; stderr shown when it fails
	local out rc
	out=$(guichet ingest --received 2020-02-14T10:12:00+01:00 "$1" 2>"$GU_TMP/ing.err"); rc=$?
	[ "$rc" = 0 ] || tap_diag "ingest $1: exit $rc" "$(head -c 2000 "$GU_TMP/ing.err")"
	printf '%s' "$out"
}
last_row() { gu_sql 'select max(id) from messages'; }
# evidence NAME: the kinds and evidence of the document called NAME
evidence() { q "$json" "[(p['kinds'], p['evidence']) for p in d['pieces'] if p['filename'] == '$1']"; }
reply_text() { # the text of the reply to message row $1, on one line
	local sha
	sha=$(gu_sql "select raw_sha256 from outbox where message_row = $1")
	"$PY" -c '
import email, sys
from email import policy
m = email.message_from_binary_file(open(sys.argv[1], "rb"), policy=policy.default)
print(" ".join(m.get_body(("plain",)).get_content().split()))
' "$GU_TMP/state/blobs/sha256/${sha:0:2}/${sha:2:2}/$sha"
}

# ---- (a) content only: LibreOffice, old Excel, photos and a scan ----
mkdoc "$W/document1.odt" --odfpy --page "Présentation de l'initiative
Notre tiers-lieu accueille les habitants du quartier."
mkdoc "$W/document2.ods" --odfpy --sheet "Budget de déploiement=Poste|Montant;Matériel|12000"
mkdoc "$W/document3.xls" --sheet "Feuil1=Budget pour la phase d'étude;Étude de faisabilité|800.5"
mkphoto "$W/photo1.jpg" --rotate 4 "Budget de lancement" "Communication 3500 euros"
mkphoto "$W/photo2.heic" --rotate -3 "Lettre de soutien" "La commune soutient ce projet."
mkphoto "$W/document4.pdf" --rotate 0 "Annexes du dossier" --page "Plan de déploiement pluriannuel" "Année 1 : ouverture"
tap_is "$(pdftotext "$W/document4.pdf" - | tr -d '\f\n ')" "" "the scanned PDF has no text layer"

# ---- (b) locked by a password ----
mkdoc "$W/clear.pdf" --page "Stratégie de déploiement"
qpdf --encrypt secret owner 256 -- "$W/clear.pdf" "$W/locked.pdf" || tap_diag "qpdf failed"
for e in docx odt xls doc; do mkprotected "$W/locked.$e"; done

attach=()
for f in document1.odt document2.ods document3.xls photo1.jpg photo2.heic document4.pdf \
	locked.pdf locked.docx locked.odt locked.xls locked.doc; do
	attach+=(--attach "$W/$f")
done
mkmail --from "Claire Martin <claire@tiers-lieu.example>" --subject "Candidature Fabrique d'Initiatives" \
	--body "Bonjour, voici notre dossier." "${attach[@]}" -o "$M/dossier.eml"
out=$(ing "$M/dossier.eml")
ref=${out%% *}
tap_ok '[[ "$ref" == FI-2020-* ]]' "the message opens a dossier ($out)"
row=$(last_row)
json=$(guichet show "$ref" --json)

tap_is "$(evidence document1.odt)" '[[["initiative"], ["content:\"présentation de l'"'"'initiative\""]]]' \
	"ODT (odfpy): classified from its heading"
tap_is "$(evidence document2.ods)" '[[["budget_deploiement"], ["content:\"budget de déploiement\" sheet \"Budget de déploiement\""]]]' \
	"ODS (odfpy): classified from its sheet name"
tap_is "$(evidence document3.xls)" '[[["budget_etude"], ["content:\"budget pour la phase d'"'"'étude\" page 1"]]]' \
	"XLS (xlwt): classified from a cell"
tap_is "$(evidence photo1.jpg)" '[[["budget_lancement"], ["content(ocr):\"budget de lancement\" page 1"]]]' \
	"a JPEG photo turned 4 degrees on off-white paper is read by OCR"
tap_is "$(evidence photo2.heic)" '[[["courrier_soutien"], ["content(ocr):\"lettre de soutien\" page 1"]]]' \
	"a HEIC photo is read by OCR"
tap_is "$(evidence document4.pdf)" '[[["plan_pluriannuel"], ["content(ocr):\"plan de déploiement pluriannuel\" page 2"]]]' \
	"a scanned PDF without text is read by OCR, page by page"
show=$(guichet show "$ref")
tap_ok '[[ "$show" == *"content(ocr):\"budget de lancement\" page 1"* ]]' "show says the text was read by OCR"

tap_is "$(q "$json" "sorted((p['filename'], p['state']) for p in d['pieces'] if p['state'])")" \
	'[["locked.doc", "protected"], ["locked.docx", "protected"], ["locked.odt", "protected"], ["locked.pdf", "protected"], ["locked.xls", "protected"]]' \
	"the five locked documents, and only they, are protected"
tap_is "$(q "$json" "[p['unreadable'] for p in d['pieces'] if p['filename'] == 'locked.pdf']")" \
	'["PDF protected by a password"]' "the reason says a password protects it"
tap_is "$(q "$json" "sorted(set(k for p in d['pieces'] if p['state'] for k in p['kinds']))")" '[]' \
	"a protected document gives no piece"
tap_ok '[[ "$show" == *"locked.docx"* && "$show" == *"protected"* ]]' "show lists them as protected"
tap_is "$(gu_sql "select count(*) from documents where message_row = $row")" 11 "every document is kept"
tap_is "$(gu_sql "select kind from outbox where message_row = $row")" unreadable "the reply is about what could not be read"
text=$(reply_text "$row")
tap_ok '[[ "$text" == *"locked.pdf (protégé par mot de passe)"* && "$text" == *"locked.xls (protégé par mot de passe)"* ]]' \
	"the reply names the protected files"
tap_ok '[[ "$text" == *"Il est protégé par un mot de passe."* ]]' "and says each is protected by a password"
tap_ok '[[ "$text" == *"sans mot de passe"* ]]' "and asks for a version without a password"
tap_ok '[[ "$text" == *"Reconnu comme : Un budget de lancement"* ]]' "the receipt names the piece read from the photo"

# ---- (c) replay: the same pieces, OCR and protection included ----
NORM='json.dumps(sorted([p["filename"], sorted(p["kinds"]), p["evidence"], p["state"]] for p in d["pieces"]), ensure_ascii=False)'
before=$(q "$json" "$NORM")
out=$(guichet replay 2>"$GU_TMP/err"); rc=$?
tap_is "$rc" 0 "replay exits 0"
[ "$rc" = 0 ] || tap_diag "$(cat "$GU_TMP/err")"
tap_is "$(q "$(guichet show "$ref" --json)" "$NORM")" "$before" "after replay, the same pieces, evidence and states"

# ---- (d) a legacy .doc made by Microsoft Word itself (from the shared
# corpus: no Debian tool writes Word 97 files), named neutrally, read by
# content: a copy of the call file lets its text name a piece ----
word="$GU_SHARED_DIR/corpus/real-world/phpmmp-m0024.eml"
if [ -f "$word" ]; then
	"$PY" - "$word" "$W/document9.doc" <<'PY'
import email, sys
from email import policy
m = email.message_from_binary_file(open(sys.argv[1], "rb"), policy=policy.default)
doc = next(p for p in m.walk() if (p.get_filename() or "").endswith(".doc"))
open(sys.argv[2], "wb").write(doc.get_payload(decode=True))
PY
	sed 's/^content_phrases = stratégie de déploiement$/content_phrases = stratégie de déploiement;biodiversité de semaine/' \
		"$GU_TOP_SRCDIR/schemas/fabrique-initiatives.call" >"$GU_TMP/word.call"
	# The same call (its id is the file's name), read with one more phrase.
	mkdir -p "$GU_TMP/call" && mv "$GU_TMP/word.call" "$GU_TMP/call/fabrique-initiatives.call"
	sed -i "s|^templates = .*|templates = $GU_TOP_SRCDIR/templates|" "$GU_TMP/call/fabrique-initiatives.call"
	sed -i "s|^file = .*|file = $GU_TMP/call/fabrique-initiatives.call|" "$GUICHET_CONFIG"
	rig_hand_over "$GU_TMP"
	mkmail --from "Word <word@asso-word.fr>" --subject "Candidature" --body "Bonjour." \
		--attach "$W/document9.doc=document9.doc" -o "$M/word.eml"
	wout=$(ing "$M/word.eml")
	wref=${wout%% *}
	json=$(guichet show "$wref" --json 2>&1)
	[[ "$json" == "{"* ]] || tap_diag "ingest: $wout" "show: $json" "$(cat "$GU_TMP/ing.err")"
	tap_is "$(evidence document9.doc)" '[[["strategie_deploiement"], ["content:\"biodiversité de semaine\""]]]' \
		"a Word 97 .doc is classified from its text"
	tap_ok '[[ "$(guichet show "$wref")" == *"document9.doc"* ]]' "and shown"
else
	tap_skip "no corpus at $GU_SHARED_DIR (the Word 97 file comes from it)"
	tap_skip "no corpus at $GU_SHARED_DIR"
fi
tap_done
