#!/usr/bin/python3
"""mkdoc.py: write one real document for the tests (stdlib only, but xls
(python3-xlwt) and --odfpy (python3-odf)).

usage: mkdoc.py OUT.{pdf,docx,odt,xlsx,ods,xls,txt,csv} [options]

  --page TEXT        one page of text (repeatable); lines split on newlines
  --page-file FILE   same, the page text read from FILE (UTF-8)
  --sheet NAME=CELLS one sheet (repeatable): rows separated by ';', cells by
                     '|' ("\\;" and "\\|" escape them); numbers are stored as
                     numbers in xlsx/ods
  --title T          document title (metadata only: PDF /Info, docProps/core.xml,
                     meta.xml); not part of the page text
  --no-text          PDF only: a page holding an image and no text (a "scan")
  --encoding ENC     txt/csv only: output encoding (default utf-8; e.g. cp1252)
  --delimiter C      csv only: field separator (default ';')
  --odfpy            odt/ods only: written by odfpy (python3-odf), the
                     library LibreOffice's format is written with in
                     Python, rather than by hand

Formats are chosen by the extension of OUT:
  pdf       PDF 1.4, Helvetica with WinAnsiEncoding (cp1252: é è à ç œ ’ « » €),
            long lines wrapped at 90 characters, one page per --page
  docx/odt  one paragraph per line of every --page (pages end with a page break)
  xlsx/ods  one sheet per --sheet (default: one empty sheet "Feuil1")
  xls       Excel 97 (BIFF8) written by xlwt (python3-xlwt), one sheet per
            --sheet, numbers as numbers
  txt       the pages, separated by a blank line
  csv       the first --sheet as CSV (or the pages' lines, one field each)

examples:
  mkdoc.py initiative.pdf --page $'Présentation de l\\'initiative\\nNotre tiers-lieu…' \\
      --page 'Stratégie de déploiement'
  mkdoc.py budget.xlsx --sheet "Étude=Poste|Montant;Étude de faisabilité|12000" \\
      --sheet "Lancement=Poste|Montant;Communication|3500.50"
"""

import argparse
import csv
import io
import re
import sys
import textwrap
import zipfile
from xml.sax.saxutils import escape as _xml_escape

# A fixed timestamp for every zip member, so that the same arguments give
# the same bytes (tests compare hashes).
ZIP_DATE = (2020, 1, 15, 10, 0, 0)
ISO_DATE = "2020-01-15T10:00:00Z"


def xml(text):
    return _xml_escape(text, {'"': "&quot;", "'": "&apos;"})


def lines_of(pages):
    return [page.split("\n") for page in pages]


# ---------------------------------------------------------------- PDF

def pdf_string(text):
    """A PDF literal string in WinAnsiEncoding (cp1252)."""
    raw = text.encode("cp1252", errors="replace")
    raw = raw.replace(b"\\", b"\\\\").replace(b"(", b"\\(").replace(b")", b"\\)")
    raw = raw.replace(b"\r", b"\\r").replace(b"\t", b" ")
    return b"(" + raw + b")"


def pdf_text_string(text):
    """A text string for /Info: UTF-16BE with a byte order mark."""
    return b"<FEFF" + text.encode("utf-16-be").hex().upper().encode() + b">"


def pdf_wrap(page):
    out = []
    for line in page.split("\n"):
        out.extend(textwrap.wrap(line, 90, break_long_words=True,
                                 break_on_hyphens=False) or [""])
    return out


def pdf_content(page):
    lines = pdf_wrap(page)
    # A4 is 595x842 pt; keep every line on the page by tightening the leading.
    leading = min(14.0, 760.0 / max(len(lines), 1))
    size = min(11.0, leading * 0.8)
    ops = [b"BT", b"/F1 %.2f Tf" % size, b"50 800 Td"]
    first = True
    for line in lines:
        if not first:
            ops.append(b"0 %.2f Td" % -leading)
        first = False
        if line.strip():
            ops.append(pdf_string(line) + b" Tj")
    ops.append(b"ET")
    return b"\n".join(ops) + b"\n"


def pdf_scan_content():
    # An 8x8 grey image stretched over the page: a scan without any text.
    return b"q 495 0 0 700 50 70 cm /Im1 Do Q\n"


def make_pdf(args):
    pages = args.pages or ([""] if args.no_text else [""])
    objs = {}  # number -> bytes (the body between "N 0 obj" and "endobj")
    objs[1] = b"<< /Type /Catalog /Pages 2 0 R >>"
    objs[3] = (b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica "
               b"/Encoding /WinAnsiEncoding >>")
    resources = b"<< /Font << /F1 3 0 R >> >>"
    nxt = 4
    if args.no_text:
        pixels = bytes((i * 37 + 90) % 256 for i in range(64))
        objs[4] = (b"<< /Type /XObject /Subtype /Image /Width 8 /Height 8 "
                   b"/ColorSpace /DeviceGray /BitsPerComponent 8 /Length %d >>\n"
                   b"stream\n" % len(pixels) + pixels + b"\nendstream")
        resources = b"<< /XObject << /Im1 4 0 R >> >>"
        nxt = 5
    kids = []
    for page in pages:
        content = pdf_scan_content() if args.no_text else pdf_content(page)
        objs[nxt] = (b"<< /Length %d >>\nstream\n" % len(content)
                     + content + b"endstream")
        objs[nxt + 1] = (b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] "
                         b"/Resources " + resources + b" /Contents %d 0 R >>" % nxt)
        kids.append(nxt + 1)
        nxt += 2
    objs[2] = (b"<< /Type /Pages /Kids ["
               + b" ".join(b"%d 0 R" % k for k in kids)
               + b"] /Count %d >>" % len(kids))
    info = b"<< /Producer (guichet mkdoc.py) /CreationDate (D:20200115100000Z)"
    if args.title:
        info += b" /Title " + pdf_text_string(args.title)
    objs[nxt] = info + b" >>"
    info_num = nxt

    out = bytearray(b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n")
    offsets = {}
    for num in sorted(objs):
        offsets[num] = len(out)
        out += b"%d 0 obj\n" % num + objs[num] + b"\nendobj\n"
    xref = len(out)
    size = max(objs) + 1
    out += b"xref\n0 %d\n" % size
    out += b"0000000000 65535 f \n"
    for num in range(1, size):
        out += b"%010d 00000 n \n" % offsets[num]
    out += (b"trailer\n<< /Size %d /Root 1 0 R /Info %d 0 R >>\n"
            b"startxref\n%d\n%%%%EOF\n" % (size, info_num, xref))
    return bytes(out)


# ---------------------------------------------------------------- zips

def zip_bytes(members):
    """members: list of (name, bytes, stored?) in the order wanted."""
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as z:
        for name, data, stored in members:
            info = zipfile.ZipInfo(name, ZIP_DATE)
            info.compress_type = zipfile.ZIP_STORED if stored else zipfile.ZIP_DEFLATED
            info.external_attr = 0o644 << 16
            z.writestr(info, data)
    return buf.getvalue()


XML_DECL = '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'


def ooxml_core(title):
    return (XML_DECL +
            '<cp:coreProperties xmlns:cp="http://schemas.openxmlformats.org/package/2006/metadata/core-properties"'
            ' xmlns:dc="http://purl.org/dc/elements/1.1/" xmlns:dcterms="http://purl.org/dc/terms/"'
            ' xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">'
            '<dc:title>%s</dc:title>'
            '<dcterms:created xsi:type="dcterms:W3CDTF">%s</dcterms:created>'
            '</cp:coreProperties>' % (xml(title), ISO_DATE))


def content_types(overrides, title):
    parts = [XML_DECL,
             '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">',
             '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>',
             '<Default Extension="xml" ContentType="application/xml"/>']
    for name, ctype in overrides:
        parts.append('<Override PartName="/%s" ContentType="%s"/>' % (name, ctype))
    if title:
        parts.append('<Override PartName="/docProps/core.xml" '
                     'ContentType="application/vnd.openxmlformats-package.core-properties+xml"/>')
    parts.append('</Types>')
    return "".join(parts)


def root_rels(main, title):
    rels = ['<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/'
            'relationships/officeDocument" Target="%s"/>' % main]
    if title:
        rels.append('<Relationship Id="rId2" Type="http://schemas.openxmlformats.org/package/2006/'
                    'relationships/metadata/core-properties" Target="docProps/core.xml"/>')
    return (XML_DECL + '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
            + "".join(rels) + '</Relationships>')


# libmagic (Magdir/msooxml) recognises OOXML by the zip member order that
# Office writes: the first member is [Content_Types].xml (or _rels/.rels),
# and the third (or fourth) member's name starts with word/, xl/ or ppt/.
# So: [Content_Types].xml, _rels/.rels, then the main part, docProps last.

def make_docx(args):
    body = []
    pages = lines_of(args.pages or [""])
    for i, page in enumerate(pages):
        for j, line in enumerate(page):
            brk = '<w:r><w:br w:type="page"/></w:r>' if i > 0 and j == 0 else ""
            run = '<w:r><w:t xml:space="preserve">%s</w:t></w:r>' % xml(line) if line else ""
            body.append("<w:p>%s%s</w:p>" % (brk, run))
    doc = (XML_DECL +
           '<w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main">'
           '<w:body>' + "".join(body) +
           '<w:sectPr><w:pgSz w:w="11906" w:h="16838"/></w:sectPr></w:body></w:document>')
    main = "word/document.xml"
    members = [
        ("[Content_Types].xml", content_types(
            [(main, "application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml")],
            args.title), False),
        ("_rels/.rels", root_rels(main, args.title), False),
        (main, doc, False),
    ]
    if args.title:
        members.append(("docProps/core.xml", ooxml_core(args.title), False))
    return zip_bytes([(n, d.encode(), s) for n, d, s in members])


NUMBER = re.compile(r"-?\d+(\.\d+)?\Z")


def parse_sheet(spec):
    if "=" not in spec:
        sys.exit("mkdoc.py: --sheet wants NAME=CELLS, got %r" % spec)
    name, cells = spec.split("=", 1)
    rows, row, cell, i = [], [], [], 0
    while i < len(cells):
        c = cells[i]
        if c == "\\" and i + 1 < len(cells):
            cell.append(cells[i + 1])
            i += 2
            continue
        if c == "|":
            row.append("".join(cell))
            cell = []
        elif c == ";":
            row.append("".join(cell))
            rows.append(row)
            row, cell = [], []
        else:
            cell.append(c)
        i += 1
    if cell or row or not rows:
        row.append("".join(cell))
        rows.append(row)
    return name, rows


def col_name(n):
    s = ""
    n += 1
    while n:
        n, r = divmod(n - 1, 26)
        s = chr(65 + r) + s
    return s


def make_xlsx(args):
    sheets = [parse_sheet(s) for s in args.sheets] or [("Feuil1", [[""]])]
    strings, index = [], {}

    def sst(text):
        if text not in index:
            index[text] = len(strings)
            strings.append(text)
        return index[text]

    members = []
    overrides = [("xl/workbook.xml",
                  "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml")]
    book_sheets, book_rels = [], []
    for n, (name, rows) in enumerate(sheets, 1):
        xrows = []
        for r, row in enumerate(rows, 1):
            cells = []
            for c, value in enumerate(row):
                ref = "%s%d" % (col_name(c), r)
                if value == "":
                    continue
                if NUMBER.match(value):
                    cells.append('<c r="%s"><v>%s</v></c>' % (ref, value))
                else:
                    cells.append('<c r="%s" t="s"><v>%d</v></c>' % (ref, sst(value)))
            xrows.append('<row r="%d">%s</row>' % (r, "".join(cells)))
        members.append(("xl/worksheets/sheet%d.xml" % n, XML_DECL +
                        '<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
                        '<sheetData>%s</sheetData></worksheet>' % "".join(xrows)))
        overrides.append(("xl/worksheets/sheet%d.xml" % n,
                          "application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"))
        book_sheets.append('<sheet name="%s" sheetId="%d" r:id="rId%d"/>' % (xml(name), n, n))
        book_rels.append('<Relationship Id="rId%d" Type="http://schemas.openxmlformats.org/officeDocument/'
                         '2006/relationships/worksheet" Target="worksheets/sheet%d.xml"/>' % (n, n))
    book_rels.append('<Relationship Id="rId%d" Type="http://schemas.openxmlformats.org/officeDocument/'
                     '2006/relationships/sharedStrings" Target="sharedStrings.xml"/>' % (len(sheets) + 1))
    overrides.append(("xl/sharedStrings.xml",
                      "application/vnd.openxmlformats-officedocument.spreadsheetml.sharedStrings+xml"))
    workbook = (XML_DECL +
                '<workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"'
                ' xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships">'
                '<sheets>%s</sheets></workbook>' % "".join(book_sheets))
    rels = (XML_DECL + '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
            + "".join(book_rels) + '</Relationships>')
    shared = (XML_DECL +
              '<sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" count="%d" uniqueCount="%d">'
              % (len(strings), len(strings))
              + "".join('<si><t xml:space="preserve">%s</t></si>' % xml(s) for s in strings) + '</sst>')
    ordered = [
        ("[Content_Types].xml", content_types(overrides, args.title)),
        ("_rels/.rels", root_rels("xl/workbook.xml", args.title)),
        ("xl/workbook.xml", workbook),
        ("xl/_rels/workbook.xml.rels", rels),
    ] + members + [("xl/sharedStrings.xml", shared)]
    if args.title:
        ordered.append(("docProps/core.xml", ooxml_core(args.title)))
    return zip_bytes([(n, d.encode(), False) for n, d in ordered])


# libmagic (Magdir/archive) recognises ODF by a first member named
# "mimetype", stored (not compressed) and without extra field, whose data
# is the media type: the bytes "mimetypeapplication/vnd.oasis..." at offset 30.

ODF_NS = ('xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0"'
          ' xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0"'
          ' xmlns:table="urn:oasis:names:tc:opendocument:xmlns:table:1.0"'
          ' xmlns:style="urn:oasis:names:tc:opendocument:xmlns:style:1.0"'
          ' xmlns:fo="urn:oasis:names:tc:opendocument:xmlns:xsl-fo-compatible:1.0"'
          ' xmlns:dc="http://purl.org/dc/elements/1.1/"'
          ' xmlns:meta="urn:oasis:names:tc:opendocument:xmlns:meta:1.0"')


def odf(mime, body, title, automatic_styles=""):
    content = (XML_DECL.replace(' standalone="yes"', '') +
               '<office:document-content %s office:version="1.2">'
               '<office:automatic-styles>%s</office:automatic-styles>'
               '<office:body>%s</office:body></office:document-content>'
               % (ODF_NS, automatic_styles, body))
    meta = (XML_DECL.replace(' standalone="yes"', '') +
            '<office:document-meta %s office:version="1.2"><office:meta>'
            '<meta:generator>guichet mkdoc.py</meta:generator>%s'
            '<meta:creation-date>2020-01-15T10:00:00</meta:creation-date>'
            '</office:meta></office:document-meta>'
            % (ODF_NS, "<dc:title>%s</dc:title>" % xml(title) if title else ""))
    manifest = (XML_DECL.replace(' standalone="yes"', '') +
                '<manifest:manifest xmlns:manifest="urn:oasis:names:tc:opendocument:xmlns:manifest:1.0"'
                ' manifest:version="1.2">'
                '<manifest:file-entry manifest:full-path="/" manifest:version="1.2" manifest:media-type="%s"/>'
                '<manifest:file-entry manifest:full-path="content.xml" manifest:media-type="text/xml"/>'
                '<manifest:file-entry manifest:full-path="meta.xml" manifest:media-type="text/xml"/>'
                '</manifest:manifest>' % mime)
    return zip_bytes([
        ("mimetype", mime.encode("ascii"), True),
        ("meta.xml", meta.encode(), False),
        ("content.xml", content.encode(), False),
        ("META-INF/manifest.xml", manifest.encode(), False),
    ])


def make_odt(args):
    paras = []
    for i, page in enumerate(lines_of(args.pages or [""])):
        for j, line in enumerate(page):
            style = ' text:style-name="PB"' if i > 0 and j == 0 else ""
            paras.append("<text:p%s>%s</text:p>" % (style, xml(line)))
    styles = ('<style:style style:name="PB" style:family="paragraph">'
              '<style:paragraph-properties fo:break-before="page"/></style:style>')
    return odf("application/vnd.oasis.opendocument.text",
               "<office:text>%s</office:text>" % "".join(paras), args.title, styles)


def make_ods(args):
    sheets = [parse_sheet(s) for s in args.sheets] or [("Feuil1", [[""]])]
    tables = []
    for name, rows in sheets:
        xrows = []
        for row in rows:
            cells = []
            for value in row:
                if value == "":
                    cells.append("<table:table-cell/>")
                elif NUMBER.match(value):
                    cells.append('<table:table-cell office:value-type="float" office:value="%s">'
                                 '<text:p>%s</text:p></table:table-cell>' % (value, value))
                else:
                    cells.append('<table:table-cell office:value-type="string">'
                                 '<text:p>%s</text:p></table:table-cell>' % xml(value))
            xrows.append("<table:table-row>%s</table:table-row>" % "".join(cells))
        tables.append('<table:table table:name="%s">%s</table:table>' % (xml(name), "".join(xrows)))
    return odf("application/vnd.oasis.opendocument.spreadsheet",
               "<office:spreadsheet>%s</office:spreadsheet>" % "".join(tables), args.title)


def make_odfpy(args, ext):
    from odf.opendocument import OpenDocumentSpreadsheet, OpenDocumentText
    from odf.table import Table, TableCell, TableRow
    from odf.text import P
    if ext == "odt":
        doc = OpenDocumentText()
        for page in lines_of(args.pages or [""]):
            for line in page:
                doc.text.addElement(P(text=line))
    else:
        doc = OpenDocumentSpreadsheet()
        for name, rows in [parse_sheet(s) for s in args.sheets] or [("Feuil1", [[""]])]:
            table = Table(name=name)
            for row in rows:
                tr = TableRow()
                for value in row:
                    if NUMBER.match(value):
                        cell = TableCell(valuetype="float", value=value)
                    else:
                        cell = TableCell(valuetype="string")
                    cell.addElement(P(text=value))
                    tr.addElement(cell)
                table.addElement(tr)
            doc.spreadsheet.addElement(table)
    out = io.BytesIO()
    doc.write(out)
    return out.getvalue()


def make_xls(args):
    import xlwt
    book = xlwt.Workbook(encoding="utf-8")
    sheets = [parse_sheet(s) for s in args.sheets]
    if not sheets:
        sheets = [("Feuil1", [[line] for page in lines_of(args.pages) for line in page])]
    for name, rows in sheets:
        sheet = book.add_sheet(name)
        for r, row in enumerate(rows):
            for c, value in enumerate(row):
                sheet.write(r, c, float(value) if NUMBER.match(value) else value)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


# ---------------------------------------------------------------- text

def make_txt(args):
    return "\n\n".join(args.pages).rstrip("\n") + "\n"


def make_csv(args):
    if args.sheets:
        rows = parse_sheet(args.sheets[0])[1]
    else:
        rows = [[line] for page in lines_of(args.pages) for line in page]
    out = io.StringIO()
    csv.writer(out, delimiter=args.delimiter, lineterminator="\r\n").writerows(rows)
    return out.getvalue()


MAKERS = {"pdf": make_pdf, "docx": make_docx, "odt": make_odt, "xlsx": make_xlsx,
          "ods": make_ods, "xls": make_xls, "txt": make_txt, "csv": make_csv}


def main():
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0],
                                epilog=__doc__.split("\n", 2)[2],
                                formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("out", metavar="OUT", help="output file; its extension chooses the format")
    p.add_argument("--page", dest="pages", action="append", default=[], metavar="TEXT")
    p.add_argument("--page-file", dest="page_files", action="append", default=[], metavar="FILE")
    p.add_argument("--sheet", dest="sheets", action="append", default=[], metavar="NAME=CELLS")
    p.add_argument("--title", metavar="T")
    p.add_argument("--no-text", action="store_true")
    p.add_argument("--encoding", default="utf-8", metavar="ENC")
    p.add_argument("--delimiter", default=";", metavar="C")
    p.add_argument("--odfpy", action="store_true")
    args = p.parse_args()
    for f in args.page_files:
        with open(f, encoding="utf-8") as fh:
            args.pages.append(fh.read())
    ext = args.out.rsplit(".", 1)[-1].lower() if "." in args.out else ""
    if ext not in MAKERS:
        p.error("unknown extension %r (want one of %s)" % (ext, ", ".join(MAKERS)))
    if args.sheets and ext not in ("xlsx", "ods", "xls", "csv"):
        p.error("--sheet is for xlsx, ods, xls and csv")
    if args.odfpy and ext not in ("odt", "ods"):
        p.error("--odfpy is for odt and ods")
    if args.no_text and ext != "pdf":
        p.error("--no-text is for pdf")
    data = make_odfpy(args, ext) if args.odfpy else MAKERS[ext](args)
    if isinstance(data, str):
        data = data.encode(args.encoding, errors="strict")
    with open(args.out, "wb") as fh:
        fh.write(data)


if __name__ == "__main__":
    main()
