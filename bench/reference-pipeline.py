#!/usr/bin/python3
"""Reference pipeline for bench/run: the same job as guichet's, minus the
dossier logic and the replies, in plain Python (imaplib + email + hashlib +
sqlite3). Every message: fetched with BODY.PEEK[] in batches, hashed,
stored raw; every attachment (and every ZIP entry) decoded, hashed and
written to a file; one row per message in SQLite (WAL, synchronous=FULL,
one transaction each); files fsynced like guichet's blobs (--no-fsync to
skip). usage: reference-pipeline.py --port P --user U --password-file F OUT"""
import argparse, email, email.policy, hashlib, imaplib, io, json, os, sqlite3, zipfile

ap = argparse.ArgumentParser(usage=__doc__)
ap.add_argument("out"); ap.add_argument("--port", type=int, required=True)
ap.add_argument("--user", required=True); ap.add_argument("--password-file", required=True)
ap.add_argument("--folder", default="INBOX"); ap.add_argument("--batch", type=int, default=50)
ap.add_argument("--no-fsync", action="store_true")
a = ap.parse_args()

def store(data):
    """Content-addressed file, written to a temporary name, fsynced, renamed."""
    h = hashlib.sha256(data).hexdigest()
    path = os.path.join(a.out, "blobs", h[:2], h)
    if not os.path.exists(path):
        os.makedirs(os.path.dirname(path), exist_ok=True)
        with open(path + ".tmp", "wb") as f:
            f.write(data)
            if not a.no_fsync: os.fsync(f.fileno())
        os.rename(path + ".tmp", path)
    return h

os.makedirs(a.out, exist_ok=True)
db = sqlite3.connect(os.path.join(a.out, "reference.db"), isolation_level=None)
db.execute("PRAGMA journal_mode=WAL"); db.execute("PRAGMA synchronous=%s" % ("OFF" if a.no_fsync else "FULL"))
db.execute("CREATE TABLE IF NOT EXISTS messages (uid INTEGER, internaldate TEXT, sha256 TEXT UNIQUE,"
           " message_id TEXT, sender TEXT, subject TEXT, body TEXT, attachments TEXT)")
imap = imaplib.IMAP4("127.0.0.1", a.port, timeout=60)
imap.login(a.user, open(a.password_file).read().strip())
imap.select('"%s"' % a.folder, readonly=True)
uids = imap.uid("SEARCH", None, "ALL")[1][0].split()
for i in range(0, len(uids), a.batch):
    typ, data = imap.uid("FETCH", b",".join(uids[i:i + a.batch]).decode(), "(UID INTERNALDATE BODY.PEEK[])")
    for item in (d for d in data if isinstance(d, tuple)):
        meta, raw = item
        uid = meta.split(b"UID ")[1].split()[0].decode()
        date = meta.split(b'INTERNALDATE "')[1].split(b'"')[0].decode()
        raw_sha = store(raw)
        msg = email.message_from_bytes(raw, policy=email.policy.default)
        body = msg.get_body(("plain", "html"))
        files = []
        for part in msg.iter_attachments():
            name, payload = part.get_filename() or "", part.get_payload(decode=True) or b""
            files.append({"name": name, "size": len(payload), "sha256": store(payload)})
            if name.lower().endswith(".zip"):
                with zipfile.ZipFile(io.BytesIO(payload)) as z:
                    for entry in z.infolist():
                        if not entry.is_dir():
                            content = z.read(entry)
                            files.append({"name": name + "/" + entry.filename, "size": len(content),
                                          "sha256": store(content)})
        db.execute("BEGIN IMMEDIATE")
        db.execute("INSERT OR IGNORE INTO messages VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                   (uid, date, raw_sha, msg["message-id"], str(msg["from"]), str(msg["subject"]),
                    body.get_content() if body is not None else None, json.dumps(files)))
        db.execute("COMMIT")
imap.logout()
print(db.execute("SELECT count(*) FROM messages").fetchone()[0])
