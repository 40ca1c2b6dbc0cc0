#!/usr/bin/python3
"""mktnef.py: write a winmail.dat (Outlook TNEF) holding files, for the tests.

usage: mktnef.py -o winmail.dat FILE[=NAME]...

The stream is laid out as Outlook 2016 writes one for a rich-text message
([MS-OXTNEF]): attTnefVersion, attOemCodepage (1252), attMessageClass
"IPM.Microsoft Mail.Note", attMessageID, attMAPIProps with the subject;
then per file attAttachRendData, attAttachTitle (the 8.3 name in cp1252),
attAttachModifyDate, attAttachData and attAttachment, whose MAPI
properties hold PR_ATTACH_LONG_FILENAME in UTF-16 (the name people see),
PR_ATTACH_EXTENSION, PR_ATTACH_MIME_TAG, PR_ATTACH_METHOD and a named
property (so that readers must skip one). Every attribute carries its
checksum.
"""
import argparse
import mimetypes
import os
import struct
import sys

LVL_MESSAGE, LVL_ATTACHMENT = 1, 2


def attribute(level, ident, value):
    checksum = sum(value) & 0xFFFF
    return struct.pack("<BII", level, ident, len(value)) + value + struct.pack("<H", checksum)


def pad4(b):
    return b + b"\0" * (-len(b) % 4)


def prop_var(ptype, pid, data):
    return struct.pack("<HHII", ptype, pid, 1, len(data)) + pad4(data)


def prop_long(pid, v):
    return struct.pack("<HHI", 0x0003, pid, v)


def prop_named_long(guid, lid, v):
    return struct.pack("<HH", 0x0003, 0x8005) + guid + struct.pack("<II", 0, lid) + struct.pack("<I", v)


def unicode(s):
    return (s + "\0").encode("utf-16-le")


def string8(s):
    return (s + "\0").encode("cp1252", "replace")


def dtr(year=2020, month=2, day=14, hour=10, minute=12):
    return struct.pack("<7H", year, month, day, hour, minute, 0, 5)


def short_name(name):
    base, ext = os.path.splitext(name)
    base = "".join(c for c in base.upper() if c.isalnum())[:6] or "FILE"
    return base + "~1" + ext.upper()[:4]


def attachment(data, name):
    mime = mimetypes.guess_type(name)[0] or "application/octet-stream"
    ext = os.path.splitext(name)[1]
    props = [
        prop_long(0x3705, 1),                      # PR_ATTACH_METHOD: by value
        prop_var(0x001F, 0x3707, unicode(name)),   # PR_ATTACH_LONG_FILENAME
        prop_var(0x001F, 0x3703, unicode(ext)),    # PR_ATTACH_EXTENSION
        prop_named_long(bytes(range(16)), 0x8514, 0),
        prop_var(0x001E, 0x370E, string8(mime)),   # PR_ATTACH_MIME_TAG
        prop_var(0x001F, 0x3001, unicode(name)),   # PR_DISPLAY_NAME
    ]
    mapi = struct.pack("<I", len(props)) + b"".join(props)
    rend = struct.pack("<HIhhHI", 1, 0xFFFFFFFF, -1, -1, 0, 0)
    return (attribute(LVL_ATTACHMENT, 0x00069002, rend)
            + attribute(LVL_ATTACHMENT, 0x00018010, string8(short_name(name)))
            + attribute(LVL_ATTACHMENT, 0x00038013, dtr())
            + attribute(LVL_ATTACHMENT, 0x0006800F, data)
            + attribute(LVL_ATTACHMENT, 0x00069005, mapi))


def tnef(files):
    subject = prop_var(0x001F, 0x0037, unicode("Candidature"))
    out = struct.pack("<IH", 0x223E9F78, 0x1234)
    out += attribute(LVL_MESSAGE, 0x00089006, struct.pack("<I", 0x00010000))
    out += attribute(LVL_MESSAGE, 0x00069007, struct.pack("<II", 1252, 0))
    out += attribute(LVL_MESSAGE, 0x00078008, b"IPM.Microsoft Mail.Note\0")
    out += attribute(LVL_MESSAGE, 0x00018009, b"0000000000000000000000005B2C3A12\0")
    out += attribute(LVL_MESSAGE, 0x00069003, struct.pack("<I", 1) + subject)
    for data, name in files:
        out += attachment(data, name)
    return out


def main():
    p = argparse.ArgumentParser(description="write a winmail.dat holding files")
    p.add_argument("-o", "--output", required=True)
    p.add_argument("files", nargs="+", metavar="FILE[=NAME]")
    a = p.parse_args()
    files = []
    for spec in a.files:
        path, _, name = spec.partition("=")
        with open(path, "rb") as f:
            files.append((f.read(), name or os.path.basename(path)))
    with open(a.output, "wb") as f:
        f.write(tnef(files))
    return 0


if __name__ == "__main__":
    sys.exit(main())
