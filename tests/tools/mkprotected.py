#!/usr/bin/python3
"""mkprotected.py: write a password-protected Office document for the tests.

usage: mkprotected.py OUT.{docx,xlsx,odt,ods,doc,xls}

The shapes are those Office and LibreOffice write when a document is
saved with a password; the encrypted bytes themselves are random (what
the filters must recognise is the container, not the cipher):
  docx/xlsx  a Compound File holding "EncryptionInfo" and
             "EncryptedPackage" streams (ECMA-376 encryption)
  odt/ods    a zip whose manifest gives content.xml an
             <manifest:encryption-data> (ODF 1.2 encryption)
  doc        a Compound File whose "WordDocument" stream starts with a
             Word 97 FIB with fEncrypted set
  xls        an .xls written by xlwt (python3-xlwt) with a FILEPASS
             record after its first BOF, as Excel writes one
Needs only the standard library, and python3-xlwt for xls.
"""

import os
import struct
import sys
import zipfile

SECTOR = 512
FREE, END, FATSECT = 0xFFFFFFFF, 0xFFFFFFFE, 0xFFFFFFFD


def _dir_entry(name, kind, child=FREE, right=FREE, start=END, size=0):
    raw = name.encode("utf-16-le") + b"\0\0" if name else b""
    return (raw.ljust(64, b"\0") + struct.pack("<HBB", len(raw), kind, 1)
            + struct.pack("<III", FREE, right, child) + b"\0" * 16 + b"\0" * 4
            + b"\0" * 16 + struct.pack("<IQ", start, size))


def _cdf_order(name):
    return (len(name), name.upper())


def compound_file(streams):
    """A version 3 Compound File of streams (name -> bytes), each padded
    to 4096 bytes so that none lives in the mini stream."""
    names = sorted(streams, key=_cdf_order)
    data = [streams[n].ljust(4096, b"\0") for n in names]
    data = [d + b"\0" * (-len(d) % SECTOR) for d in data]
    fat = [FATSECT, END]  # sector 0: the FAT, sector 1: the directory
    starts = []
    for d in data:
        first = len(fat)
        count = len(d) // SECTOR
        starts.append(first)
        fat += [first + i + 1 for i in range(count - 1)] + [END]
    assert len(fat) <= SECTOR // 4
    fat += [FREE] * (SECTOR // 4 - len(fat))
    # the root's child is the first name; each next is the right sibling
    entries = [_dir_entry("Root Entry", 5, child=1 if names else FREE)]
    for i, n in enumerate(names):
        right = i + 2 if i + 1 < len(names) else FREE
        entries.append(_dir_entry(n, 2, right=right, start=starts[i], size=len(streams[n])))
    directory = b"".join(entries)
    directory += _dir_entry("", 0) * ((-len(directory) % SECTOR) // 128)
    assert len(directory) == SECTOR
    header = (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 16
              + struct.pack("<HHHHH", 0x3E, 3, 0xFFFE, 9, 6) + b"\0" * 6
              + struct.pack("<IIIIIIIII", 0, 1, 1, 0, 4096, END, 0, END, 0)
              + struct.pack("<I", 0) + struct.pack("<I", FREE) * 108)
    assert len(header) == SECTOR
    return header + struct.pack("<%dI" % len(fat), *fat) + directory + b"".join(data)


def encrypted_ooxml():
    info = struct.pack("<HHI", 4, 4, 0x40) + b'<?xml version="1.0"?><encryption/>'
    return compound_file({"EncryptionInfo": info,
                          "EncryptedPackage": struct.pack("<Q", 8000) + os.urandom(8000)})


def encrypted_odf(mime):
    manifest = ('<?xml version="1.0" encoding="UTF-8"?>'
                '<manifest:manifest xmlns:manifest="urn:oasis:names:tc:opendocument:xmlns:manifest:1.0"'
                ' manifest:version="1.2">'
                '<manifest:file-entry manifest:full-path="/" manifest:media-type="%s"/>'
                '<manifest:file-entry manifest:full-path="content.xml" manifest:media-type="text/xml"'
                ' manifest:size="2000"><manifest:encryption-data'
                ' manifest:checksum-type="urn:oasis:names:tc:opendocument:xmlns:manifest:1.0#sha256-1k"'
                ' manifest:checksum="AAAA"><manifest:algorithm'
                ' manifest:algorithm-name="http://www.w3.org/2001/04/xmlenc#aes256-cbc"'
                ' manifest:initialisation-vector="AAAA"/><manifest:key-derivation'
                ' manifest:key-derivation-name="PBKDF2" manifest:key-size="32"'
                ' manifest:iteration-count="100000" manifest:salt="AAAA"/>'
                '</manifest:encryption-data></manifest:file-entry>'
                '</manifest:manifest>' % mime)
    path = sys.argv[1] + ".tmp"
    with zipfile.ZipFile(path, "w") as z:
        z.writestr(zipfile.ZipInfo("mimetype"), mime)
        z.writestr("content.xml", os.urandom(1500), zipfile.ZIP_DEFLATED)
        z.writestr("META-INF/manifest.xml", manifest, zipfile.ZIP_DEFLATED)
    with open(path, "rb") as fh:
        data = fh.read()
    os.unlink(path)
    return data


def encrypted_doc():
    # FIB: wIdent 0xA5EC, nFib 193 (Word 97), then the flags word whose
    # bit 8 is fEncrypted (and bit 9 fWhichTblStm); lKey after it.
    fib = struct.pack("<HHHHH", 0xA5EC, 193, 0, 0x0409, 0) + struct.pack("<H", 0x0100 | 0x0200)
    fib += struct.pack("<HHI", 0xBF, 0, 0x12345678)
    return compound_file({"WordDocument": fib.ljust(4096, b"\0"),
                          "1Table": os.urandom(4096)})


def encrypted_xls():
    import xlwt
    from xlwt import CompoundDoc
    book = xlwt.Workbook()
    book.add_sheet("Budget").write(0, 0, "Budget de lancement")
    biff = book.get_biff_data()
    # FILEPASS (0x002F), XOR obfuscation: type 0, key, verifier
    bof_len = 4 + struct.unpack("<H", biff[2:4])[0]
    filepass = struct.pack("<HHHHH", 0x2F, 6, 0, 0x1234, 0x5678)
    out = sys.argv[1] + ".tmp"
    CompoundDoc.XlsDoc().save(out, biff[:bof_len] + filepass + biff[bof_len:])
    with open(out, "rb") as fh:
        data = fh.read()
    os.unlink(out)
    return data


def main():
    if len(sys.argv) != 2 or "." not in sys.argv[1]:
        sys.exit(__doc__)
    ext = sys.argv[1].rsplit(".", 1)[1].lower()
    makers = {
        "docx": encrypted_ooxml, "xlsx": encrypted_ooxml,
        "odt": lambda: encrypted_odf("application/vnd.oasis.opendocument.text"),
        "ods": lambda: encrypted_odf("application/vnd.oasis.opendocument.spreadsheet"),
        "doc": encrypted_doc, "xls": encrypted_xls,
    }
    if ext not in makers:
        sys.exit("unknown extension %r" % ext)
    data = makers[ext]()
    with open(sys.argv[1], "wb") as fh:
        fh.write(data)


if __name__ == "__main__":
    main()
