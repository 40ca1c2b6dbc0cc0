#!/bin/bash
# Tests of the test tools mkdoc.py and mkmail.py: the documents they write
# are real (pdftotext reads the PDF, libmagic names every format) and the
# mails parse back with the right attachment names. Prints TAP; ignores
# its arguments (the driver passes --tap).
set -u
export LC_ALL=C.UTF-8
top=${GU_TOP_SRCDIR:-$(cd "$(dirname "$0")/../.." && pwd)}
py=/usr/bin/python3
mkdoc="$py $top/tests/tools/mkdoc.py"
mkmail="$py $top/tests/tools/mkmail.py"
tmp=$(mktemp -d "${TMPDIR:-/tmp}/gu-tools.XXXXXX")
trap 'rm -rf "$tmp"' EXIT
cd "$tmp" || exit 1

n=0
ok () { n=$((n + 1)); echo "ok $n - $1"; }
notok () { n=$((n + 1)); echo "not ok $n - $1"; shift; for l in "$@"; do echo "# $l"; done; }
check () {  # check DESCRIPTION COMMAND...
  local d=$1; shift
  local out
  if out=$("$@" 2>&1); then ok "$d"; else notok "$d" "$out"; fi
}

for t in pdftotext pdfinfo file unzip "$py"; do
  command -v "$t" >/dev/null || { echo "1..0 # SKIP $t missing"; exit 0; }
done
echo "1..13"

# ---- PDF
p1=$'Présentation de l\'initiative proposée\nApport pour les membres : « tiers-lieu » l’œuvre, ça coûte 1 500 €\nbackslash \\ and (parentheses)'
p2="Stratégie de déploiement $(printf 'envisagée %.0s' {1..30})"
p3="Budget de lancement et de mise en œuvre"
$mkdoc doc.pdf --title "Dossier complet œ" --page "$p1" --page "$p2" --page "$p3"
pdftotext -enc UTF-8 doc.pdf doc.txt 2>pdftotext.err
check "pdftotext gives back accents, œ, ’, « », € and escaped characters" \
  grep -q "l’œuvre, ça coûte 1 500 €" doc.txt
check "pdftotext gives back the first line and backslash/parentheses" \
  bash -c 'grep -qx "Présentation de l.initiative proposée" doc.txt && grep -qF "backslash \\ and (parentheses)" doc.txt'
ff=$(tr -cd '\f' <doc.txt | wc -c)
pages=$(pdfinfo doc.pdf 2>/dev/null | awk '/^Pages:/ {print $2}')
if [ "$ff" = 3 ] && [ "$pages" = 3 ] && [ ! -s pdftotext.err ] \
   && [ "$(awk 'BEGIN{RS="\f"} NR==3' doc.txt | tr -d '\n')" = "$p3" ]; then
  ok "three pages, three form feeds, no poppler warning, page 3 in place"
else
  notok "three pages, three form feeds, no poppler warning, page 3 in place" \
    "form feeds=$ff pages=$pages" "$(cat pdftotext.err)"
fi
check "long lines wrapped, nothing lost" \
  bash -c "[ \$(grep -o envisagée doc.txt | wc -l) = 30 ] && ! grep -q '^.\{91,\}' doc.txt"
$mkdoc scan.pdf --no-text
check "--no-text: a page, no text" \
  bash -c '[ -z "$(pdftotext scan.pdf - | tr -d "\f\n ")" ] && pdfinfo scan.pdf | grep -q "^Pages: *1$"'

# ---- libmagic
$mkdoc doc.docx --page $'Ligne un é\nLigne deux' --page "Page deux"
$mkdoc doc.odt --page $'Ligne un é\nLigne deux' --title "Titre"
$mkdoc doc.xlsx --sheet "Budget phase d'étude=Poste|Montant;Étude de faisabilité|12000" --sheet "Lancement=a|1.5"
$mkdoc doc.ods --sheet "Budget phase d'étude=Poste|Montant;Étude de faisabilité|12000" --sheet "Déploiement=a|b"
types=$(file -b --mime-type doc.pdf doc.docx doc.odt doc.xlsx doc.ods | tr '\n' ' ')
want="application/pdf application/vnd.openxmlformats-officedocument.wordprocessingml.document application/vnd.oasis.opendocument.text application/vnd.openxmlformats-officedocument.spreadsheetml.sheet application/vnd.oasis.opendocument.spreadsheet "
if [ "$types" = "$want" ]; then ok "file --mime-type names pdf, docx, odt, xlsx, ods"
else notok "file --mime-type names pdf, docx, odt, xlsx, ods" "got: $types"; fi
check "xlsx: sheet names and strings in the XML, numbers as numbers" \
  bash -c "unzip -p doc.xlsx xl/workbook.xml | grep -q 'name=\"Budget phase d&apos;étude\"' \
    && unzip -p doc.xlsx xl/sharedStrings.xml | grep -q 'Étude de faisabilité' \
    && unzip -p doc.xlsx xl/worksheets/sheet1.xml | grep -q '<c r=\"B2\"><v>12000</v></c>'"
check "ods and odt: names and text in content.xml" \
  bash -c "unzip -p doc.ods content.xml | grep -q 'table:name=\"Déploiement\"' \
    && unzip -p doc.odt content.xml | grep -q '<text:p>Ligne un é</text:p>'"

# ---- mail
$mkdoc budget.xlsx --sheet "Étude=Poste|Montant;Étude|12000"
mailargs=(--from "Hélène Dupré <helene@tiers-lieu.example>"
  --subject "Candidature Fabrique d'Initiatives – « Le Bocage »"
  --attach "doc.pdf=Présentation de l'initiative.pdf"
  --zip "Dossier complet.zip" "doc.docx=Dossier/Stratégie de déploiement.docx" "budget.xlsx=Dossier/Budgets/Budget étude.xlsx"
  --attach "doc.ods;application/vnd.oasis.opendocument.spreadsheet")
$mkmail "${mailargs[@]}" -o m1.eml
$mkmail "${mailargs[@]}" -o m2.eml
$mkmail "${mailargs[@]}" --names rfc2047 -o m3.eml
cat >parse.py <<'EOF'
import email, email.policy, sys
for path in sys.argv[1:]:
    m = email.message_from_binary_file(open(path, "rb"), policy=email.policy.default)
    print(m["From"].addresses[0].display_name, "|", m["Subject"])
    for part in m.iter_attachments():
        print(part.get_filename(), "|", part.get_content_type())
        if part.get_filename().endswith(".zip"):
            open("out.zip", "wb").write(part.get_content())
EOF
want_mail="Hélène Dupré | Candidature Fabrique d'Initiatives – « Le Bocage »
Présentation de l'initiative.pdf | application/octet-stream
Dossier complet.zip | application/octet-stream
doc.ods | application/vnd.oasis.opendocument.spreadsheet"
got=$($py parse.py m1.eml 2>&1)
if [ "$got" = "$want_mail" ]; then ok "mail parses back: display name, subject, attachment names and types"
else notok "mail parses back: display name, subject, attachment names and types" "$got"; fi
got=$($py parse.py m3.eml 2>&1)
if [ "$got" = "$want_mail" ] && grep -q 'filename="=?utf-8?b?' m3.eml && grep -q "filename\*=utf-8''Pr%C3%A9sentation" m1.eml; then
  ok "names in RFC 2231 by default, RFC 2047 with --names rfc2047"
else notok "names in RFC 2231 by default, RFC 2047 with --names rfc2047" "$got"; fi
$py parse.py m1.eml >/dev/null
check "unzip -l lists the accented entry names with folders" \
  bash -c 'l=$(unzip -l out.zip) && grep -q " Dossier/Stratégie de déploiement.docx$" <<<"$l" && grep -q " Dossier/Budgets/Budget étude.xlsx$" <<<"$l"'
check "CRLF line ends, only ASCII in headers and body" \
  bash -c '[ "$(grep -c $'"'"'\r$'"'"' m1.eml)" = "$(wc -l <m1.eml)" ] && ! LC_ALL=C grep -q "[^ -~[:space:]]" m1.eml'
check "same arguments, same bytes (mail and documents)" \
  bash -c "cmp -s m1.eml m2.eml && $mkdoc again.docx --page \$'Ligne un é\nLigne deux' --page 'Page deux' && cmp -s doc.docx again.docx"
