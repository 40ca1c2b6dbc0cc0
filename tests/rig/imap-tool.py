#!/usr/bin/python3
"""IMAP helper for the test rig (stdlib imaplib; talks to 127.0.0.1 only).

  imap-tool.py [CONN] append [--date ISO] [--flags F] FOLDER FILE...
                                  (prints the new UID when given one FILE)
  imap-tool.py [CONN] bulk-append [--date ISO] FOLDER DIR|FILE...
                                  (one connection; a DIR's files in name
                                  order; prints how many were appended)
  imap-tool.py [CONN] list FOLDER     one line per message:
                                      UID EPOCH INTERNALDATE-ISO SIZE FLAGS
  imap-tool.py [CONN] count FOLDER    number of messages
  imap-tool.py [CONN] fetch FOLDER UID  raw message (as served: CRLF) to stdout
  imap-tool.py [CONN] flags FOLDER UID  the message's flags
  imap-tool.py [CONN] create FOLDER
  imap-tool.py [CONN] delete FOLDER
  imap-tool.py [CONN] folders         one folder name per line (UTF-8)
  imap-tool.py [CONN] capability      capabilities after login
  imap-tool.py [CONN] login           exit 0 if the login works

CONN: --rig DIR (reads DIR/rig.env) or IMAP_PORT/IMAP_USER/IMAP_PASSWORD/
RIG_CA from the environment, overridden by --port, --user, --password,
--ca; --tls selects IMAPS (IMAPS_PORT), --starttls STARTTLS on the plain port.
Folder names are given in UTF-8 and sent in modified UTF-7.
INTERNALDATE: ISO 8601 ("2020-02-14T10:12:00+01:00"; a date without an
offset is taken as UTC).
"""
import argparse
import base64
import datetime
import imaplib
import os
import re
import shlex
import ssl
import sys

HOST = "127.0.0.1"


def read_env(rig_dir):
    env = {}
    with open(os.path.join(rig_dir, "rig.env"), encoding="utf-8") as f:
        for line in f:
            line = line.strip()
            if not line or line.startswith("#") or "=" not in line:
                continue
            key, value = line.split("=", 1)
            parts = shlex.split(value)
            env[key] = parts[0] if parts else ""
    return env


# --- modified UTF-7 (RFC 3501 5.1.3) -----------------------------------------

def mutf7_encode(name):
    out, buf = [], []

    def flush():
        if buf:
            b = "".join(buf).encode("utf-16-be")
            out.append("&" + base64.b64encode(b).decode().rstrip("=")
                       .replace("/", ",") + "-")
            buf.clear()

    for ch in name:
        if 0x20 <= ord(ch) <= 0x7E:
            flush()
            out.append("&-" if ch == "&" else ch)
        else:
            buf.append(ch)
    flush()
    return "".join(out)


def mutf7_decode(name):
    def dec(m):
        s = m.group(1)
        if s == "":
            return "&"
        s = s.replace(",", "/")
        s += "=" * (-len(s) % 4)
        return base64.b64decode(s).decode("utf-16-be")
    return re.sub(r"&([^-]*)-", dec, name)


def quote(name):
    enc = mutf7_encode(name)
    return '"' + enc.replace("\\", "\\\\").replace('"', '\\"') + '"'


# --- dates -------------------------------------------------------------------

def parse_iso(text):
    text = text.strip()
    if text.endswith("Z"):
        text = text[:-1] + "+00:00"
    d = datetime.datetime.fromisoformat(text)
    if d.tzinfo is None:
        d = d.replace(tzinfo=datetime.timezone.utc)
    return d


def imap_date(iso):
    """ISO 8601 -> '"14-Feb-2020 10:12:00 +0100"' (quoted, with its offset)."""
    return imaplib.Time2Internaldate(parse_iso(iso))


MONTHS = ["Jan", "Feb", "Mar", "Apr", "May", "Jun",
          "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"]


def parse_internaldate(text):
    """'14-Feb-2020 09:12:00 +0000' -> aware datetime (locale independent)."""
    m = re.match(r"^ ?(\d{1,2})-(\w{3})-(\d{4}) (\d\d):(\d\d):(\d\d) ([-+])(\d\d)(\d\d)$",
                 text)
    if m is None:
        raise ValueError("bad INTERNALDATE %r" % text)
    off = datetime.timedelta(hours=int(m.group(8)), minutes=int(m.group(9)))
    tz = datetime.timezone(-off if m.group(7) == "-" else off)
    return datetime.datetime(int(m.group(3)), MONTHS.index(m.group(2)) + 1,
                             int(m.group(1)), int(m.group(4)), int(m.group(5)),
                             int(m.group(6)), tzinfo=tz)


# --- connection --------------------------------------------------------------

def connect(a):
    env = dict(os.environ)
    if a.rig:
        env.update(read_env(a.rig))
    user = a.user or env.get("IMAP_USER", "fabrique@example.org")
    password = a.password or env.get("IMAP_PASSWORD", "secret")
    ca = a.ca or env.get("RIG_CA")
    if a.tls:
        port = a.port or int(env["IMAPS_PORT"])
        ctx = ssl.create_default_context(cafile=ca)
        m = imaplib.IMAP4_SSL(HOST, port, ssl_context=ctx, timeout=30)
    else:
        port = a.port or int(env["IMAP_PORT"])
        m = imaplib.IMAP4(HOST, port, timeout=30)
        if a.starttls:
            m.starttls(ssl.create_default_context(cafile=ca))
    m.login(user, password)
    return m


def check(typ, data, what):
    if typ != "OK":
        raise SystemExit("imap-tool: %s failed: %s %r" % (what, typ, data))
    return data


def select(m, folder, readonly=True):
    check(*m.select(quote(folder), readonly=readonly), "SELECT " + folder)


def do_append(m, folder, files, date, flags):
    when = imap_date(date) if date else None
    n = 0
    for path in files:
        with open(path, "rb") as f:
            data = f.read()
        # imaplib converts bare LF to CRLF itself.
        typ, resp = m.append(quote(folder), flags, when, data)
        check(typ, resp, "APPEND " + path)
        n += 1
        code = resp[0].decode() if resp and resp[0] else ""
        mm = re.search(r"APPENDUID \d+ (\d+)", code)
        if mm and len(files) == 1:
            print(mm.group(1))
    return n


FETCH_RE = re.compile(rb"UID (\d+)|INTERNALDATE \"([^\"]+)\"|RFC822\.SIZE (\d+)"
                      rb"|FLAGS \(([^)]*)\)")


def do_list(m, folder):
    select(m, folder)
    typ, data = m.uid("FETCH", "1:*", "(UID INTERNALDATE RFC822.SIZE FLAGS)")
    check(typ, data, "UID FETCH")
    rows = []
    for item in data:
        if item is None:
            continue
        line = item if isinstance(item, bytes) else item[0]
        uid = date = size = None
        flags = ""
        for mm in FETCH_RE.finditer(line):
            if mm.group(1):
                uid = int(mm.group(1))
            elif mm.group(2):
                date = parse_internaldate(mm.group(2).decode())
            elif mm.group(3):
                size = int(mm.group(3))
            elif mm.group(4) is not None:
                flags = mm.group(4).decode()
        if uid is not None:
            rows.append((uid, date, size, flags))
    for uid, date, size, flags in sorted(rows):
        print("%d %d %s %d %s" % (uid, int(date.timestamp()), date.isoformat(),
                                  size, flags or "-"))


def main():
    ap = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--rig", metavar="DIR")
    ap.add_argument("--port", type=int)
    ap.add_argument("--user")
    ap.add_argument("--password")
    ap.add_argument("--ca")
    g = ap.add_mutually_exclusive_group()
    g.add_argument("--tls", action="store_true")
    g.add_argument("--starttls", action="store_true")
    sub = ap.add_subparsers(dest="cmd", required=True)
    for name in ("append", "bulk-append"):
        p = sub.add_parser(name)
        p.add_argument("--date")
        p.add_argument("--flags")
        p.add_argument("folder")
        p.add_argument("files", nargs="+")
    for name in ("list", "count", "create", "delete"):
        sub.add_parser(name).add_argument("folder")
    for name in ("fetch", "flags"):
        p = sub.add_parser(name)
        p.add_argument("folder")
        p.add_argument("uid", type=int)
    for name in ("folders", "capability", "login"):
        sub.add_parser(name)
    a = ap.parse_args()

    m = connect(a)
    try:
        if a.cmd in ("append", "bulk-append"):
            files = []
            for path in a.files:
                if os.path.isdir(path):
                    files.extend(os.path.join(path, n) for n in sorted(os.listdir(path))
                                 if os.path.isfile(os.path.join(path, n)))
                else:
                    files.append(path)
            flags = "(%s)" % a.flags if a.flags else None
            n = do_append(m, a.folder, files, a.date, flags)
            if a.cmd == "bulk-append":
                print(n)
        elif a.cmd == "list":
            do_list(m, a.folder)
        elif a.cmd == "count":
            typ, data = m.status(quote(a.folder), "(MESSAGES)")
            check(typ, data, "STATUS")
            print(re.search(rb"MESSAGES (\d+)", data[0]).group(1).decode())
        elif a.cmd == "fetch":
            select(m, a.folder)
            typ, data = m.uid("FETCH", str(a.uid), "(BODY.PEEK[])")
            check(typ, data, "UID FETCH")
            body = next((d[1] for d in data if isinstance(d, tuple)), None)
            if body is None:
                raise SystemExit("imap-tool: no message with UID %d" % a.uid)
            sys.stdout.buffer.write(body)
        elif a.cmd == "flags":
            select(m, a.folder)
            typ, data = m.uid("FETCH", str(a.uid), "(FLAGS)")
            check(typ, data, "UID FETCH")
            mm = re.search(rb"FLAGS \(([^)]*)\)", data[0] or b"")
            if mm is None:
                raise SystemExit("imap-tool: no message with UID %d" % a.uid)
            print(mm.group(1).decode())
        elif a.cmd == "create":
            check(*m.create(quote(a.folder)), "CREATE")
        elif a.cmd == "delete":
            check(*m.delete(quote(a.folder)), "DELETE")
        elif a.cmd == "folders":
            typ, data = m.list()
            check(typ, data, "LIST")
            for line in data:
                mm = re.match(rb'\(.*?\) (?:"[^"]*"|NIL) (.*)$', line)
                name = mm.group(1).decode()
                if name.startswith('"'):
                    name = name[1:-1].replace('\\"', '"').replace("\\\\", "\\")
                print(mutf7_decode(name))
        elif a.cmd == "capability":
            typ, data = m.capability()
            print(data[0].decode())
        elif a.cmd == "login":
            pass
    finally:
        try:
            m.logout()
        except (imaplib.IMAP4.error, OSError):
            pass
    return 0


if __name__ == "__main__":
    sys.exit(main())
