#!/usr/bin/python3
"""mime-attachments.py: the attachments Python's email package finds.

usage: mime-attachments.py FILE.eml...

Prints one line per attachment: the file's base name, the SHA-256 of
the decoded bytes and the content type, separated by tabs. An attachment is a leaf part with a file
name (what mail readers list), read as email.message_from_bytes reads a
message (compat32 policy) and decoded by get_payload(decode=True).
tests/unit/test-parse.c compares guichet's documents with these.
"""
import email
import hashlib
import os
import sys
from email import policy


def main():
    for path in sys.argv[1:]:
        with open(path, "rb") as f:
            msg = email.message_from_bytes(f.read(), policy=policy.compat32)
        for part in msg.walk():
            if part.is_multipart() or part.get_filename() is None:
                continue
            data = part.get_payload(decode=True)
            if data is None:
                continue
            print("%s\t%s\t%s" % (os.path.basename(path), hashlib.sha256(data).hexdigest(),
                                  part.get_content_type()))
    return 0


if __name__ == "__main__":
    sys.exit(main())
