#!/bin/sh
# Builds real test documents in DIR: OOXML and OpenDocument files zipped
# from their XML parts, a two-page PDF written byte by byte with its xref
# table, a Windows-1252 CSV and an HTML page. Every document says
# "Stratégie de déploiement" and "phase d'étude"; the workbooks have the
# sheets "Budget phase d'étude", "Budget de déploiement", "Budget de
# lancement". Needs zip(1).
set -eu
out=${1:?usage: make-docs.sh DIR}
mkdir -p "$out"
out=$(cd "$out" && pwd)
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT INT TERM

part () { mkdir -p "$(dirname "$1")"; cat > "$1"; }
# zip DOC from the current folder, [Content_Types].xml or mimetype first
# (stored) as Office and LibreOffice write them, so libmagic knows them.
pack () { doc=$1 first=$2; shift 2; rm -f "$doc"; zip -X -q -0 "$doc" "$first"; zip -X -q -r "$doc" "$@"; }

xml='<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
W='xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main" xmlns:mc="http://schemas.openxmlformats.org/markup-compatibility/2006"'
R='xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"'
PR='xmlns="http://schemas.openxmlformats.org/package/2006/relationships"'

# ---- dossier.docx ----
mkdir "$work/docx" && cd "$work/docx"
part '[Content_Types].xml' <<X
$xml<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"><Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/><Default Extension="xml" ContentType="application/xml"/><Override PartName="/word/document.xml" ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"/></Types>
X
part _rels/.rels <<X
$xml<Relationships $PR><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="word/document.xml"/></Relationships>
X
part word/document.xml <<X
$xml<w:document $W><w:body>
<w:p><w:pPr><w:tabs><w:tab w:val="left" w:pos="720"/></w:tabs></w:pPr><w:r><w:t>Strat</w:t></w:r><w:r><w:rPr><w:b/></w:rPr><w:t>&#233;gie de d&#xE9;ploiement</w:t></w:r></w:p>
<w:p><w:r><w:t xml:space="preserve">Un budget pour la phase d&apos;étude &amp; </w:t></w:r><w:r><w:tab/><w:t>Tiers-Lieux</w:t></w:r><w:r><w:br w:type="page"/><w:t>Page deux</w:t></w:r></w:p>
<w:tbl><w:tr><w:tc><w:p><w:r><w:t>Poste</w:t></w:r></w:p></w:tc><w:tc><w:p><w:r><w:t>Montant</w:t></w:r></w:p></w:tc></w:tr>
<w:tr><w:tc><w:p><w:r><w:t>Étude</w:t></w:r></w:p></w:tc><w:tc><w:p><w:r><w:t>1200</w:t></w:r></w:p></w:tc></w:tr></w:tbl>
<w:p><w:r><mc:AlternateContent><mc:Choice Requires="wps"><w:t>Encadré</w:t></mc:Choice><mc:Fallback><w:t>DOUBLON</w:t></mc:Fallback></mc:AlternateContent></w:r><w:r><w:delText>SUPPRIMÉ</w:delText></w:r></w:p>
</w:body></w:document>
X
part word/header1.xml <<X
$xml<w:hdr $W><w:p><w:r><w:t>En-tête Fabrique d'Initiatives</w:t></w:r></w:p></w:hdr>
X
pack "$out/dossier.docx" '[Content_Types].xml' _rels word

# ---- budget.xlsx: sheet files in another order than the sheets ----
mkdir "$work/xlsx" && cd "$work/xlsx"
part '[Content_Types].xml' <<X
$xml<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"><Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/><Default Extension="xml" ContentType="application/xml"/><Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/></Types>
X
part _rels/.rels <<X
$xml<Relationships $PR><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="xl/workbook.xml"/></Relationships>
X
part xl/workbook.xml <<X
$xml<workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" $R><sheets><sheet name="Budget phase d&apos;étude" sheetId="1" r:id="rId3"/><sheet name="Budget de déploiement" sheetId="2" r:id="rId1"/><sheet name="Budget de lancement" sheetId="3" r:id="rId2"/></sheets></workbook>
X
part xl/_rels/workbook.xml.rels <<X
$xml<Relationships $PR><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" Target="worksheets/sheet1.xml"/><Relationship Id="rId2" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" Target="/xl/worksheets/sheet2.xml"/><Relationship Id="rId3" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" Target="worksheets/sheet3.xml"/></Relationships>
X
part xl/sharedStrings.xml <<X
$xml<sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" count="4" uniqueCount="4"><si><t>Poste</t></si><si><t>Montant</t></si><si><r><t>Stratégie de </t></r><r><t>déploiement</t></r><rPh><t>PHONETIQUE</t></rPh></si><si><t>Lancement &lt;2020&gt;</t></si></sst>
X
part xl/worksheets/sheet3.xml <<X
$xml<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData><row r="1"><c r="A1" t="s"><v>0</v></c><c r="B1" t="s"><v>1</v></c></row><row r="2"><c r="A2" t="inlineStr"><is><t>Étude de faisabilité</t></is></c><c r="B2"><v>1200.5</v></c></row><row r="3"/></sheetData></worksheet>
X
part xl/worksheets/sheet1.xml <<X
$xml<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData><row r="1"><c r="A1" t="s"><v>2</v></c><c r="B1"><f>SUM(B2:B3)</f><v>3400</v></c></row></sheetData></worksheet>
X
part xl/worksheets/sheet2.xml <<X
$xml<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData><row r="1"><c r="A1" t="s"><v>3</v></c><c r="B1" t="s"><v>99</v></c></row></sheetData></worksheet>
X
pack "$out/budget.xlsx" '[Content_Types].xml' _rels xl

# ---- slides.pptx ----
mkdir "$work/pptx" && cd "$work/pptx"
part '[Content_Types].xml' <<X
$xml<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"><Default Extension="xml" ContentType="application/xml"/><Override PartName="/ppt/presentation.xml" ContentType="application/vnd.openxmlformats-officedocument.presentationml.presentation.main+xml"/></Types>
X
A='xmlns:a="http://schemas.openxmlformats.org/drawingml/2006/main" xmlns:p="http://schemas.openxmlformats.org/presentationml/2006/main"'
for n in 1 2 10; do
  case $n in
    1) t='Stratégie de déploiement' ;;
    2) t="La phase d'étude" ;;
    10) t='Dixième diapositive' ;;
  esac
  part ppt/slides/slide$n.xml <<X
$xml<p:sld $A><p:cSld><p:spTree><p:sp><p:txBody><a:p><a:r><a:t>$t</a:t></a:r><a:br/><a:r><a:t>ligne</a:t></a:r></a:p></p:txBody></p:sp></p:spTree></p:cSld></p:sld>
X
done
part ppt/presentation.xml <<X
$xml<p:presentation $A/>
X
pack "$out/slides.pptx" '[Content_Types].xml' ppt

# ---- OpenDocument ----
O='xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0" xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0" xmlns:table="urn:oasis:names:tc:opendocument:xmlns:table:1.0" xmlns:style="urn:oasis:names:tc:opendocument:xmlns:style:1.0" office:version="1.2"'
odf () { # DIR MIMETYPE
  mkdir -p "$work/$1/META-INF" && cd "$work/$1"
  printf '%s' "$2" > mimetype
  part META-INF/manifest.xml <<X
$xml<manifest:manifest xmlns:manifest="urn:oasis:names:tc:opendocument:xmlns:manifest:1.0"><manifest:file-entry manifest:full-path="/" manifest:media-type="$2"/><manifest:file-entry manifest:full-path="content.xml" manifest:media-type="text/xml"/></manifest:manifest>
X
}
odf odt application/vnd.oasis.opendocument.text
part content.xml <<X
$xml<office:document-content $O><office:automatic-styles><style:style style:name="P1" style:family="paragraph"/></office:automatic-styles><office:body><office:text>
<text:h text:outline-level="1">Stratégie de <text:span>déploiement</text:span></text:h>
<text:p>Budget pour la phase d'étude<text:s text:c="3"/>et<text:tab/>suite<text:line-break/>ligne deux</text:p>
<text:tracked-changes><text:changed-region><text:deletion><text:p>SUPPRIMÉ</text:p></text:deletion></text:changed-region></text:tracked-changes>
<table:table table:name="Tableau1"><table:table-row><table:table-cell><text:p>Poste</text:p></table:table-cell><table:table-cell><text:p>Montant</text:p></table:table-cell></table:table-row></table:table>
</office:text></office:body></office:document-content>
X
pack "$out/dossier.odt" mimetype META-INF content.xml

odf ods application/vnd.oasis.opendocument.spreadsheet
sheet () { # NAME CELL1 CELL2
  printf '<table:table table:name="%s"><table:table-row><table:table-cell office:value-type="string"><text:p>%s</text:p></table:table-cell><table:table-cell table:number-columns-repeated="3"/><table:table-cell office:value-type="float" office:value="%s"><text:p>%s</text:p></table:table-cell><table:table-cell table:number-columns-repeated="1000"/></table:table-row><table:table-row table:number-rows-repeated="1000"><table:table-cell table:number-columns-repeated="1024"/></table:table-row></table:table>' "$1" "$2" "$3" "$3"
}
{
  printf '%s<office:document-content %s><office:body><office:spreadsheet>' "$xml" "$O"
  sheet "Budget phase d&apos;étude" "Stratégie de déploiement" 1200
  sheet "Budget de déploiement" "Matériel" 3400
  sheet "Budget de lancement" "Communication &amp; lancement" 800
  printf '</office:spreadsheet></office:body></office:document-content>\n'
} > content.xml
pack "$out/budget.ods" mimetype META-INF content.xml

# ---- dossier.pdf: two pages of Helvetica text in WinAnsiEncoding ----
pdf=$out/dossier.pdf
offsets=
obj () { offsets="$offsets $(wc -c < "$pdf")"; printf '%s 0 obj\n' "$1" >> "$pdf"; cat >> "$pdf"; printf '\nendobj\n' >> "$pdf"; }
stream () { # N CONTENT-FILE
  { printf '<< /Length %s >>\nstream\n' "$(wc -c < "$2")"; cat "$2"; printf '\nendstream'; } | obj "$1"
}
printf '%%PDF-1.4\n%%\342\343\317\323\n' > "$pdf"
printf '<< /Type /Catalog /Pages 2 0 R >>' | obj 1
printf '<< /Type /Pages /Kids [3 0 R 4 0 R] /Count 2 >>' | obj 2
for n in 3 4; do
  printf '<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Resources << /Font << /F1 7 0 R >> >> /Contents %s 0 R >>' $((n + 2)) | obj $n
done
printf 'BT /F1 14 Tf 72 760 Td (Strat\351gie de d\351ploiement) Tj 0 -24 Td (Un budget pour la phase d\222\351tude) Tj ET' > "$work/p1"
printf "BT /F1 14 Tf 72 760 Td (Budget de lancement et de mise en \234uvre) Tj 0 -24 Td (phase d'\351tude) Tj ET" > "$work/p2"
stream 5 "$work/p1"
stream 6 "$work/p2"
printf '<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /Encoding /WinAnsiEncoding >>' | obj 7
xref=$(wc -c < "$pdf")
{
  printf 'xref\n0 8\n0000000000 65535 f \n'
  for o in $offsets; do printf '%010d 00000 n \n' "$o"; done
  printf 'trailer\n<< /Size 8 /Root 1 0 R >>\nstartxref\n%s\n%%%%EOF\n' "$xref"
} >> "$pdf"

# ---- plain text, CSV in Windows-1252, HTML ----
printf 'Poste;Montant\r\nStrat\351gie de d\351ploiement;1200\r\nPhase d\222\351tude;800 \200\r\n' > "$out/budget.csv"
printf 'Strat\303\251gie de d\303\251ploiement\nphase d\342\200\231\303\251tude\n' > "$out/notes.txt"
cat > "$out/page.html" <<'X'
<!DOCTYPE html>
<html><head><title>Dossier</title><style>p { color: red; }</style>
<script type="text/javascript">if (a < b && c > d) { document.write("SCRIPT"); }</script></head>
<body><h1>Strat&eacute;gie de d&#233;ploiement</h1><!-- COMMENTAIRE <p>cach&eacute;</p> -->
<p>Un budget pour la phase d&#x27;&#xe9;tude &amp; le lancement&nbsp;: 1&nbsp;200&nbsp;&euro;</p>
<p
  class="x">Multi-ligne<br>suite</p><table><tr><td>Poste</td><td>Montant</td></tr></table>
</body></html>
X
