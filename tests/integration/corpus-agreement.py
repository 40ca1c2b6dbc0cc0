"""Compares guichet's attachment names with MANIFEST.tsv's py_attachments.

Only real names count (Python writes <no-name:type> for nameless parts).
Signature parts are left out on purpose by guichet (doc/ARCHITECTURE.md: they are not
documents), so Python's *.p7s / *.asc / *.sig names are not expected.
A file agrees when every real name Python found is among guichet's names.
Prints the agreement rate and each disagreement; exits 1 when a file
disagrees that is not in the list of understood differences below.
"""
import sys
from urllib.parse import unquote

# Differences looked at one by one and understood (why in each comment).
UNDERSTOOD = {
    "mail-attachment_emails-attachment_pdf_lf.eml":
        "the LF copy of attachment_pdf.eml: recognised as the same mail, not stored twice",
    "mail-attachment_emails-attachment_pdf_non_ascii_lf.eml":
        "the LF copy of attachment_pdf_non_ascii.eml: same mail, not stored twice",
    "mail-attachment_emails-attachment_with_unquoted_name.eml":
        "unquoted name=This is a test.txt: Python stops at the space, GMime keeps the whole name",
    "phpmmp-issue133.eml":
        "filename=attach/01: guichet keeps the last path component only (names are labels, never paths)",
    "mimekit-mbox-issue1189-001.eml":
        "the part's headers run into its base64 body with no blank line; GMime drops the part "
        "(the raw message is kept and the admin can release it)",
}

SIGNATURE_SUFFIXES = (".p7s", ".asc", ".sig", ".p7m")


def main(manifest, hashes, names):
    sha_of = dict(line.rstrip("\n").split("\t") for line in open(hashes, encoding="utf-8"))
    ours = {}
    for line in open(names, encoding="utf-8", errors="replace"):
        sha, _, name = line.rstrip("\n").partition("|")
        ours.setdefault(sha, []).append(name)
    compared = agreed = 0
    unexplained = []
    rows = open(manifest, encoding="utf-8").read().splitlines()[1:]
    for row in rows:
        cols = row.split("\t")
        fname, py = cols[0], cols[4] if len(cols) > 4 else ""
        real = [unquote(n) for n in py.split("|") if n and not n.startswith("<no-name:")]
        real = [n for n in real if not n.lower().endswith(SIGNATURE_SUFFIXES)]
        # guichet keeps only the last path component of a name (a label,
        # never a path); Python cannot decode some 8-bit names (U+FFFD) that
        # guichet reads as Windows-1252, and leaves RFC 2047 words inside
        # quoted names undecoded: compare what can be compared.
        real = [n.replace("\\", "/").rsplit("/", 1)[-1] for n in real
                if "\ufffd" not in n and "=?" not in n]
        if not real:
            continue
        compared += 1
        got = ours.get(sha_of.get(fname, ""), [])
        missing = [n for n in real if n not in got]
        if not missing:
            agreed += 1
            continue
        note = UNDERSTOOD.get(fname)
        line = f"{fname}: python {real} guichet {got}" + (f" (understood: {note})" if note else "")
        print(line)
        if not note:
            unexplained.append(fname)
    print(f"agreement: {agreed}/{compared} files ({100.0 * agreed / max(compared, 1):.1f}%),"
          f" {len(unexplained)} unexplained")
    return 1 if unexplained else 0


if __name__ == "__main__":
    sys.exit(main(*sys.argv[1:4]))
