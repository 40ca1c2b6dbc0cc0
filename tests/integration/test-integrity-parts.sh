#!/bin/bash
# Nothing the applicant sent vanishes without a trace, end to end through
# `guichet ingest`: a document nested deeper than the parser walks (70
# multipart levels) leaves the message filed, a "truncated" event in
# `show`, and a reply saying part of the message could not be read; an
# empty ZIP, a ZIP that is only its end record, a .gz of nothing and a
# ZIP of folders each appear in `show`, in `show --json` pieces with
# state "empty", and in the acknowledgement by name, which then never
# says the message held no document. A ZIP with files still shows them.
set -u
. "$GU_TOP_SRCDIR/tests/integration/common.sh"
gu_setup
tap_plan 41

M="$GU_TMP/mail"
W="$GU_TMP/docs"; mkdir -p "$W"
WHEN=2020-02-10T10:00:00+01:00
# ing FILE: the printed line, prefixed with the exit status.
ing() {
	local out rc
	out=$(guichet ingest --received "$WHEN" "$1" 2>"$GU_TMP/ing.err"); rc=$?
	[ "$rc" = 0 ] || tap_diag "ingest $1: exit $rc" "$(head -c 2000 "$GU_TMP/ing.err")"
	printf '%s:%s' "$rc" "$out"
}
ref_of() { local r=${1#*:}; printf '%s' "${r%% *}"; }
# q JSON EXPR [ARG...]: a Python expression over the parsed JSON `d`
# (ARGs are sys.argv[2:]); strings print as they are, the rest as JSON.
q() {
	printf '%s' "$1" | "$PY" -c '
import json, sys
try:
    d = json.load(sys.stdin)
except ValueError as e:
    print("<not JSON: %s>" % e); sys.exit(0)
try:
    v = eval(sys.argv[1])
except Exception as e:
    v = "<%s: %s>" % (type(e).__name__, e)
print(v if isinstance(v, str) else json.dumps(v, sort_keys=True, ensure_ascii=False, separators=(",", ":")))
' "${@:2}"
}
show_json() { guichet show "$1" --json 2>"$GU_TMP/show.err" || tap_diag "show $1 failed: $(cat "$GU_TMP/show.err")"; }
# The decoded body of the reply queued for dossier REF (the latest), its
# blanks collapsed so that wrapping does not matter; its kind first.
reply_of() {
	local row sha
	row=$(gu_sql "select o.kind || ' ' || coalesce(o.raw_sha256, '-') from outbox o join dossiers d on d.id = o.dossier_id
	              where d.reference = '$1' order by o.id desc limit 1")
	sha=${row#* }
	printf '%s ' "${row%% *}"
	[ -f "$GU_TMP/state/blobs/sha256/${sha:0:2}/${sha:2:2}/$sha" ] || { echo "<no reply blob>"; return; }
	"$PY" - "$GU_TMP/state/blobs/sha256/${sha:0:2}/${sha:2:2}/$sha" <<'PY'
import email, email.policy, sys
m = email.message_from_binary_file(open(sys.argv[1], "rb"), policy=email.policy.default)
print(" ".join(m.get_body(("plain",)).get_content().split()))
PY
}
has() { [[ "$1" == *"$2"* ]]; }

# ---- a message nested 70 multipart levels deep ----
# deep FILE LEVELS SENDER [TOP_NAME]: a PDF at the bottom of LEVELS nested
# multiparts (the top one included), and TOP_NAME, when given, at the top.
deep() {
	"$PY" - "$@" <<'PY'
import base64, sys
out, levels, sender = sys.argv[1], int(sys.argv[2]), sys.argv[3]
top_name = sys.argv[4] if len(sys.argv) > 4 else None
def attachment(name, data):
    return ('Content-Type: application/pdf; name="%s"\r\n'
            'Content-Disposition: attachment; filename="%s"\r\n'
            'Content-Transfer-Encoding: base64\r\n\r\n%s\r\n' % (name, name, base64.b64encode(data).decode()))
inner = attachment("budget-profond.pdf", b"%PDF-1.4\n% budget du fond\n%%EOF\n")
for level in range(levels - 1, 0, -1):
    b = "niveau-%d" % level
    inner = 'Content-Type: multipart/mixed; boundary="%s"\r\n\r\n--%s\r\n%s--%s--\r\n' % (b, b, inner, b)
parts = ['Content-Type: text/plain; charset=utf-8\r\n\r\nBonjour, voici notre dossier.\r\n']
if top_name:
    parts.append(attachment(top_name, b"%PDF-1.4\n% presentation\n%%EOF\n"))
parts.append(inner)
msg = ("From: %s\r\nTo: fabrique@example.org\r\nSubject: Candidature Fabrique d'Initiatives\r\n"
       "Date: Mon, 10 Feb 2020 09:30:00 +0100\r\nMessage-ID: <deep-%d-%s>\r\nMIME-Version: 1.0\r\n"
       'Content-Type: multipart/mixed; boundary="haut"\r\n\r\n' % (sender, levels, sender.strip("<>")))
msg += "".join("--haut\r\n" + p for p in parts) + "--haut--\r\n"
open(out, "wb").write(msg.encode())
PY
}

deep "$M/deep70.eml" 70 "<claire.martin@tierslieu-caux.fr>" "Presentation du projet.pdf"
r=$(ing "$M/deep70.eml")
tap_ok '[[ "$r" =~ ^0:FI-2020-[0-9]{4}\ incomplete$ ]]' "70 levels deep: the message is filed ($r)"
REF=$(ref_of "$r")
text=$(guichet show "$REF" 2>&1)
tap_ok 'has "$text" "truncated: nesting deeper than 64 levels"' "show $REF has the truncated line"
j=$(show_json "$REF")
tap_is "$(q "$j" '" ".join(p["filename"] for p in d["pieces"])')" "Presentation du projet.pdf" \
	"the document at the top is filed"
tap_is "$(gu_sql "select count(*) from events e join messages m on m.id = e.message_row
                  where e.kind = 'truncated' and e.detail = 'nesting deeper than 64 levels'")" 1 \
	"the event is on the message"
body=$(reply_of "$REF")
tap_ok 'has "$body" "Une partie de ce message n'"'"'a pas pu être lue"' "the reply says part of the message could not be read"
tap_ok 'has "$body" "nesting deeper than 64 levels"' "the reply gives the technical reason"
tap_ok 'has "$body" "Presentation du projet.pdf"' "the reply still lists the document at the top"
tap_ok '! has "$body" "aucun document"' "the reply does not say there was no document"

# Only the deep document: the message is filed all the same, and told.
deep "$M/deep-only.eml" 70 "<helene@asso-bocage.fr>"
r=$(ing "$M/deep-only.eml")
tap_ok '[[ "$r" =~ ^0:FI-2020-[0-9]{4}\ incomplete$ ]]' "nothing but the deep part: filed all the same ($r)"
REF2=$(ref_of "$r")
tap_ok 'has "$(guichet show "$REF2" 2>&1)" "truncated: nesting deeper than 64 levels"' "show $REF2 has the truncated line"
body=$(reply_of "$REF2")
tap_ok 'has "$body" "n'"'"'a pas pu être lue"' "its reply says part could not be read"
tap_ok '! has "$body" "aucun document"' "and not that it held no document"

# At the limit (64 levels) the deep document is read and nothing is said.
deep "$M/deep64.eml" 64 "<marc@coworking-falaises.fr>"
r=$(ing "$M/deep64.eml")
REF3=$(ref_of "$r")
tap_is "$(q "$(show_json "$REF3")" '" ".join(p["filename"] for p in d["pieces"])')" "budget-profond.pdf" \
	"64 levels deep: the document is read"
tap_ok '! has "$(guichet show "$REF3" 2>&1)" "truncated"' "and show has no truncated line"

# ---- empty archives ----
"$PY" - "$W" <<'PY'
import gzip, sys, zipfile
d = sys.argv[1]
with zipfile.ZipFile(d + "/vide.zip", "w") as z:  # no entries
    z.comment = b"aucun fichier"
open(d + "/fin-seule.zip", "wb").write(b"PK\x05\x06" + b"\0" * 18)
open(d + "/budget.pdf.gz", "wb").write(gzip.compress(b""))
with zipfile.ZipFile(d + "/dossiers.zip", "w") as z:
    z.writestr(zipfile.ZipInfo("Dossier/"), b"")
    z.writestr(zipfile.ZipInfo("Dossier/Budgets/"), b"")
PY
tap_is "$(wc -c <"$W/fin-seule.zip")" 22 "the end-record-only ZIP is 22 bytes"

n=0
for spec in "vide.zip;application/zip" "fin-seule.zip;application/zip" \
	"budget.pdf.gz;application/gzip" "dossiers.zip;application/x-zip-compressed"; do
	n=$((n + 1))
	name=${spec%%;*}
	mkmail --from "Candidat $n <candidat$n@structure$n.fr>" --subject "Candidature $n" \
		--attach "$W/$name;${spec#*;}" -o "$M/empty$n.eml"
	r=$(ing "$M/empty$n.eml")
	ref=$(ref_of "$r")
	tap_ok '[[ "$r" =~ ^0:FI-2020-[0-9]{4}\ incomplete$ ]]' "$name: filed ($r)"
	text=$(guichet show "$ref" 2>&1)
	tap_ok 'has "$text" "$name" && has "$text" "empty"' "$name: in show, said empty"
	j=$(show_json "$ref")
	tap_is "$(q "$j" '[[p["filename"], p["state"], p["kinds"]] for p in d["pieces"]]')" "[[\"$name\",\"empty\",[]]]" \
		"$name: a piece of show --json with state empty"
	body=$(reply_of "$ref")
	tap_ok 'has "$body" "- $name " && has "$body" "Vide : ce fichier ne contient rien"' \
		"$name: named in the acknowledgement, as empty"
	tap_ok '! has "$body" "aucun document"' "$name: the acknowledgement does not say there was no document"
done

# A file of 0 bytes is empty too, and no piece whatever its name says.
: >"$W/budget-etude.pdf"
mkmail --from "Candidat Zero <zero@structure-zero.fr>" --subject "Candidature zero" \
	--attach "$W/budget-etude.pdf;application/pdf" -o "$M/zero.eml"
ref=$(ref_of "$(ing "$M/zero.eml")")
tap_is "$(q "$(show_json "$ref")" '[[p["filename"], p["state"], p["kinds"]] for p in d["pieces"]]')" \
	'[["budget-etude.pdf","empty",[]]]' "a 0-byte budget-etude.pdf: state empty, recognised as nothing"
tap_ok 'has "$(guichet show "$ref")" "empty: 0 bytes"' "show says it is empty"
tap_ok 'has "$(reply_of "$ref")" "Vide : ce fichier ne contient rien"' "the acknowledgement says it is empty"

# A ZIP with files shows as before: its entries are the documents.
printf '%%PDF-1.4\n%% initiative\n%%%%EOF\n' >"$W/initiative.pdf"
mkmail --from "Candidat Zip <zip@structure-zip.fr>" --subject "Candidature zip" \
	--zip "complet.zip;application/zip" "$W/initiative.pdf=Dossier/initiative.pdf" -o "$M/zip.eml"
r=$(ing "$M/zip.eml")
ref=$(ref_of "$r")
j=$(show_json "$ref")
tap_is "$(q "$j" '[[p["filename"], p["archive_path"], p["state"]] for p in d["pieces"]]')" \
	'[["initiative.pdf","Dossier/initiative.pdf",null]]' "a ZIP with a file: its entry is the piece, the ZIP is not"
body=$(reply_of "$ref")
tap_ok 'has "$body" "- Dossier/initiative.pdf Contenu dans l'"'"'archive : complet.zip"' \
	"the acknowledgement lists the entry inside its archive"
tap_ok '! has "$body" "Vide"' "and says nothing is empty"

tap_done
