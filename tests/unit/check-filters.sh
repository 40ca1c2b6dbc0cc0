#!/bin/sh
# The filters of filters/ run directly (no runner) on real documents made
# by tests/data/filters/make-docs.sh, tests/tools/mkphoto.py (PIL: scans
# and photos for ocr), mkprotected.py and mkdoc.py (odfpy, xlwt). Prints
# TAP; arguments are ignored.
# office-text is the ASan build (tests/unit/test-office-text) when there
# is one: the installed filter cannot have ASan (RLIMIT_AS).
set -u
src=${GU_TOP_SRCDIR:-$(cd "$(dirname "$0")/../.." && pwd)}
build=${GU_TOP_BUILDDIR:-$src}
filters=$src/filters
office=$build/tests/unit/test-office-text
[ -x "$office" ] || office=$build/filters/office-text
export LC_ALL=C.UTF-8

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT INT TERM
docs=$work/docs
mkdir "$work/tmp"
export TMPDIR=$work/tmp

n=0
failed=0
check () { # DESCRIPTION COMMAND...
  desc=$1
  shift
  n=$((n + 1))
  if "$@"; then
    echo "ok $n - $desc"
  else
    echo "not ok $n - $desc"
    failed=$((failed + 1))
  fi
}
has () { grep -qF -- "$2" "$1"; }
lacks () { ! grep -qF -- "$2" "$1"; }
# FILE COUNT: number of form feeds
feeds () { [ "$(tr -cd '\f' < "$1" | wc -c)" -eq "$2" ]; }
same () { # FILE PRINTF-FORMAT
  printf "$2" > "$1.expected"
  cmp -s "$1" "$1.expected" || { echo "# got:"; sed 's/^/#   /' "$1" | cat -A; }
  cmp -s "$1" "$1.expected"
}
# FILTER DOC: runs the filter on DOC into $work/DOC.txt, 0 on success
run () { "$1" < "$docs/$2" > "$work/$2.txt" 2> "$work/$2.err"; }

check "make-docs.sh builds the documents" "$src/tests/data/filters/make-docs.sh" "$docs"

# ---- OOXML and OpenDocument ----
t=$work/dossier.docx.txt
check "docx: office-text succeeds" run "$office" dossier.docx
check "docx: accents and entities" has "$t" "Stratégie de déploiement"
check "docx: apostrophe entity" has "$t" "Un budget pour la phase d'étude & "
check "docx: tab in a run, page break" has "$t" "$(printf '& \tTiers-Lieux\fPage deux')"
check "docx: table cells and rows" has "$t" "$(printf 'Étude\t1200')"
check "docx: header" has "$t" "En-tête Fabrique d'Initiatives"
check "docx: text box once, deleted text dropped" sh -c "grep -qF Encadré '$t' && ! grep -qE 'DOUBLON|SUPPRIMÉ' '$t'"

t=$work/budget.xlsx.txt
check "xlsx: office-text succeeds" run "$office" budget.xlsx
check "xlsx: sheets in workbook order, names, shared and inline strings" same "$t" \
  "[sheet] Budget phase d'étude\nPoste\tMontant\nÉtude de faisabilité\t1200.5\n\f[sheet] Budget de déploiement\nStratégie de déploiement\t3400\n\f[sheet] Budget de lancement\nLancement <2020>\n"

t=$work/slides.pptx.txt
check "pptx: office-text succeeds" run "$office" slides.pptx
check "pptx: slides in numeric order" same "$t" \
  "Stratégie de déploiement\nligne\n\fLa phase d'étude\nligne\n\fDixième diapositive\nligne\n"

t=$work/dossier.odt.txt
check "odt: office-text succeeds" run "$office" dossier.odt
check "odt: heading with span" has "$t" "Stratégie de déploiement"
check "odt: text:s, text:tab, line break" has "$t" "$(printf "phase d'étude   et\tsuite")"
check "odt: tracked deletion dropped" lacks "$t" "SUPPRIMÉ"
check "odt: no [sheet] for a text table" lacks "$t" "[sheet]"

t=$work/budget.ods.txt
check "ods: office-text succeeds" run "$office" budget.ods
check "ods: sheet names" sh -c "grep -n '^.\\?\\[sheet\\]' '$t' | tr -d '\\f' | cut -d' ' -f2- | tr '\\n' '|' | grep -qxF \"Budget phase d'étude|Budget de déploiement|Budget de lancement|\""
check "ods: cells" has "$t" "$(printf 'Communication & lancement\t\t800')"
check "ods: sheets separated by form feeds" feeds "$t" 2
check "ods: repeated empty rows and cells dropped" [ "$(wc -l < "$t")" -eq 6 ]

printf 'PK\003\004 not really a zip' > "$docs/fake.docx"
check "office-text: not a zip exits 65 (unreadable)" sh -c "'$office' < '$docs/fake.docx' 2>/dev/null; [ \$? -eq 65 ]"
(cd "$work" && printf 'x' > a.txt && zip -q -X plain.zip a.txt && mv plain.zip "$docs/")
check "office-text: a zip without office parts exits 65 (unreadable)" sh -c "'$office' < '$docs/plain.zip' 2>/dev/null; [ \$? -eq 65 ]"
head -c 400 "$docs/budget.ods" > "$docs/cut.ods"
check "office-text: a truncated zip fails cleanly" sh -c "'$office' < '$docs/cut.ods' >/dev/null 2>&1; [ \$? -lt 128 ]"
check "office-text: garbage on stdin exits 65 (unreadable)" sh -c "head -c 5000 /dev/urandom | '$office' >/dev/null 2>&1; [ \$? -eq 65 ]"

# ---- PDF, text, HTML, RTF ----
t=$work/dossier.pdf.txt
check "pdf: pdftotext succeeds" run "$filters/pdf" dossier.pdf
check "pdf: page 1" has "$t" "Stratégie de déploiement"
check "pdf: page 2 after a form feed, œ ligature" has "$t" "$(printf '\fBudget de lancement et de mise en œuvre')"
check "pdf: one form feed per page" feeds "$t" 2
printf '%%PDF-1.4\nnot a pdf\n' > "$docs/bad.pdf"
check "pdf: a broken PDF exits 65 (unreadable)" sh -c "'$filters/pdf' < '$docs/bad.pdf' >/dev/null 2>&1; [ \$? -eq 65 ]"

t=$work/budget.csv.txt
check "text: Windows-1252 CSV" run "$filters/text" budget.csv
check "text: converted to UTF-8" has "$t" "$(printf 'Phase d\342\200\231\303\251tude;800 \342\202\254\r')"
check "text: UTF-8 passes unchanged" sh -c "'$filters/text' < '$docs/notes.txt' | cmp -s - '$docs/notes.txt'"
printf '\377\376S\000t\000r\000a\000t\000\351\000g\000i\000e\000' > "$docs/utf16.txt"
check "text: UTF-16 with a byte order mark" sh -c "'$filters/text' < '$docs/utf16.txt' | grep -qF 'Stratégie'"
check "text: from a pipe, through a temporary file that is removed" \
  sh -c "cat '$docs/budget.csv' | '$filters/text' | grep -qF 'Stratégie' && [ -z \"\$(ls -A '$TMPDIR')\" ]"

t=$work/page.html.txt
check "html: succeeds" run "$filters/html" page.html
check "html: named and numeric references" has "$t" "Stratégie de déploiement"
check "html: hex references, nbsp, euro" has "$t" "Un budget pour la phase d'étude & le lancement : 1 200 €"
check "html: tag across lines, <br>" sh -c "grep -qxF 'Multi-ligne' '$t' && grep -qxF suite '$t'"
check "html: table cells" has "$t" "$(printf 'Poste\tMontant')"
check "html: no script, style or comment" sh -c "! grep -qE 'SCRIPT|COMMENTAIRE|color|caché' '$t'"

printf "{\\\\rtf1\\\\ansi\\\\ansicpg1252 Strat\\\\'e9gie de d\\\\'e9ploiement\\\\par phase d'\\\\'e9tude\\\\par}" > "$docs/dossier.rtf"
check "rtf: catdoc" sh -c "'$filters/rtf' < '$docs/dossier.rtf' | grep -qF 'Stratégie de déploiement'"

# Legacy .doc/.xls cannot be made without an Office writer: check what
# the filters do with something that is not one.
check "doc: not a Word file: antiword refuses, catdoc reads it as 8-bit text" \
  sh -c "'$filters/doc' < '$docs/notes.txt' 2>/dev/null | grep -qF 'Strat'"
check "xls: not an Excel file exits nonzero or prints nothing" \
  sh -c "[ -z \"\$('$filters/xls' < '$docs/notes.txt' 2>/dev/null)\" ]"

# ---- scans and photos: ocr (tesseract), issue 13 ----
# Images made by tests/tools/mkphoto.py: dark text on off-white paper,
# turned a few degrees as a hand-held photo is.
photo () { /usr/bin/python3 "$src/tests/tools/mkphoto.py" "$@"; }
photo "$docs/photo.jpg" --rotate 4 "Budget de lancement" "Communication 3500 euros"
photo "$docs/photo.png" --rotate -5 "Lettre de soutien"
photo "$docs/photo.heic" --rotate 3 "Budget de lancement"
photo "$docs/pages.tif" --rotate 0 "Page un" --page "Page deux" --page "Page trois"
photo "$docs/scan.pdf" --rotate 0 "Page un" --page "Budget de lancement" --page "Page trois"
t=$work/photo.jpg.txt
check "ocr: a JPEG photo turned 4 degrees" run "$filters/ocr" photo.jpg
check "ocr: the marker line first, then the text, one form feed a page" same "$t" \
  "[ocr]\nBudget de lancement\n\nCommunication 3500 euros\n\f"
check "ocr: a PNG turned -5 degrees" sh -c "'$filters/ocr' < '$docs/photo.png' | grep -qxF 'Lettre de soutien'"
check "ocr: a HEIC photo (heif-convert)" sh -c "'$filters/ocr' < '$docs/photo.heic' | grep -qxF 'Budget de lancement'"
t=$work/pages.tif.txt
check "ocr: a multi-page TIFF, capped by GU_FILTER_MAX_PAGES" sh -c "GU_FILTER_MAX_PAGES=2 '$filters/ocr' < '$docs/pages.tif' > '$t'"
check "ocr: the first two pages only" same "$t" "[ocr]\nPage un\n\fPage deux\n\f"
check "pdf: a scanned PDF gives no text (form feeds only)" \
  sh -c "[ -z \"\$('$filters/pdf' < '$docs/scan.pdf' | tr -d '\\f')\" ]"
t=$work/scan.pdf.txt
check "ocr: a scanned PDF, page by page, at most GU_FILTER_MAX_PAGES" \
  sh -c "GU_FILTER_MAX_PAGES=2 '$filters/ocr' < '$docs/scan.pdf' > '$t'"
check "ocr: its pages, in order" same "$t" "[ocr]\nPage un\n\fBudget de lancement\n\f"
check "ocr: its rendered pages are removed from TMPDIR" [ -z "$(ls -A "$TMPDIR")" ]
check "ocr: not an image: the filter fails (1), the document is not called unreadable" sh -c "'$filters/ocr' < '$docs/notes.txt' >/dev/null 2>&1; [ \$? -eq 1 ]"
check "ocr: a JPEG tesseract cannot decode: the same" sh -c "printf '\\377\\330\\377\\340junk' | '$filters/ocr' >/dev/null 2>&1; [ \$? -eq 1 ]"

# ---- locked by a password: exit 65, "protected:" (extract.h) ----
protected () { # FILTER DOC
  "$1" < "$docs/$2" > /dev/null 2> "$work/$2.err"
  [ $? -eq 65 ] && head -n 1 "$work/$2.err" | grep -q '^protected: .* protected by a password$'
}
/usr/bin/python3 "$src/tests/tools/mkdoc.py" "$docs/clear.pdf" --page "Stratégie de déploiement"
qpdf --encrypt secret owner 256 -- "$docs/clear.pdf" "$docs/locked.pdf"
qpdf --encrypt "" owner 256 -- "$docs/clear.pdf" "$docs/restricted.pdf"
for e in docx xlsx odt ods doc xls; do /usr/bin/python3 "$src/tests/tools/mkprotected.py" "$docs/locked.$e"; done
check "pdf: a user password: protected" protected "$filters/pdf" locked.pdf
check "pdf: an owner password only (restrictions) is read" \
  sh -c "'$filters/pdf' < '$docs/restricted.pdf' | grep -qF 'Stratégie de déploiement'"
check "pdf: a broken PDF is not called protected" sh -c "! '$filters/pdf' < '$docs/bad.pdf' 2>&1 | grep -q protected"
check "office-text: an encrypted .docx (EncryptedPackage): protected" protected "$office" locked.docx
check "office-text: an encrypted .xlsx: protected" protected "$office" locked.xlsx
check "office-text: an .odt with encryption-data: protected" protected "$office" locked.odt
check "office-text: an .ods with encryption-data: protected" protected "$office" locked.ods
check "doc: fEncrypted: protected" protected "$filters/doc" locked.doc
check "xls: FILEPASS: protected" protected "$filters/xls" locked.xls

# ---- LibreOffice (odfpy) and Excel 97 (xlwt): real writers ----
/usr/bin/python3 "$src/tests/tools/mkdoc.py" "$docs/odfpy.odt" --odfpy --page "Présentation de l'initiative
Suite"
/usr/bin/python3 "$src/tests/tools/mkdoc.py" "$docs/odfpy.ods" --odfpy --sheet "Budget de déploiement=Poste|Montant;Matériel|1200"
/usr/bin/python3 "$src/tests/tools/mkdoc.py" "$docs/xlwt.xls" --sheet "Feuil1=Budget pour la phase d'étude;Étude|800.5" \
  --sheet "Feuil2=Budget de lancement"
check "odt (odfpy): paragraphs" sh -c "'$office' < '$docs/odfpy.odt' | grep -qxF \"Présentation de l'initiative\""
check "ods (odfpy): sheet name and cells" sh -c "'$office' < '$docs/odfpy.ods' > '$work/odfpy.ods.txt'"
check "ods (odfpy): as office-text writes them" same "$work/odfpy.ods.txt" \
  "[sheet] Budget de déploiement\nPoste\tMontant\nMatériel\t1200\n"
check "xls (xlwt): cells, sheets separated by form feeds, accents in UTF-8" \
  sh -c "'$filters/xls' < '$docs/xlwt.xls' > '$work/xlwt.xls.txt'"
check "xls (xlwt): as xls2csv writes them" same "$work/xlwt.xls.txt" \
  "Budget pour la phase d'étude\nÉtude\t800.5\n\fBudget de lancement\n\f"

# ---- the map names existing filters ----
missing=
for f in $(grep -v '^#' "$filters/filters.map" | awk 'NF == 2 { print $2 }' | sort -u); do
  case $f in
    office-text) [ -f "$src/filters/office-text.c" ] || missing="$missing $f" ;;
    *) [ -x "$filters/$f" ] && sh -n "$filters/$f" || missing="$missing $f" ;;
  esac
done
check "filters.map: every filter exists, scripts parse${missing:+ (missing:$missing)}" [ -z "$missing" ]

echo "1..$n"
[ "$failed" -eq 0 ]
