#!/usr/bin/python3
"""mkmail.py: write one email (RFC 5322, MIME, CRLF line ends) for the tests.

usage: mkmail.py --from ADDR --subject S [options] [-o FILE]

  --from ADDR          "Claire Martin <claire@tiers-lieu.example>" (non-ASCII
                       display names are RFC 2047 encoded)
  --to ADDR            default fabrique@example.org (repeatable)
  --subject S          RFC 2047 encoded when not ASCII
  --date D             RFC 2822 ("Mon, 10 Feb 2020 09:30:00 +0100") or ISO 8601
                       ("2020-02-10T09:30:00", naive = Europe/Paris);
                       default Wed, 15 Jan 2020 10:00:00 +0100
  --message-id ID      default: <HASH@DOMAIN-OF-FROM>, HASH from the arguments
                       (not -o), so the same command gives the same Message-ID
  --in-reply-to ID, --references "ID ID"
  --header "Name: value"   any other header (repeatable; e.g. Auto-Submitted)
  --body TEXT | --body-file F   the text (UTF-8); default: a short greeting
  --html               the body is HTML: sent as multipart/alternative with a
                       text/plain version (tags stripped)
  --html-only          the body is HTML, sent as text/html alone
  --cte CTE            body transfer encoding: quoted-printable (default), 8bit, base64
  --attach FILE[=NAME][;TYPE]   attach FILE, shown as NAME (default: its
                       basename), of type TYPE (default application/octet-stream)
  --zip NAME.zip[;TYPE] FILE[=ENTRY]...   build a zip of the FILEs (entries
                       named ENTRY, which may hold folders and accents; UTF-8
                       flag set) and attach it as NAME.zip
  --names rfc2231|rfc2047   how non-ASCII attachment names are written:
                       filename*=utf-8''... (default, Thunderbird, Python) or
                       filename="=?utf-8?b?...?=" (Outlook, Gmail)
  -o FILE              write there instead of stdout

Attachments and zips keep their command-line order. Boundaries, dates and
zip timestamps are fixed, so the output is the same for the same input.

examples:
  mkmail.py --from "Claire Martin <claire@tiers-lieu.example>" \\
      --subject "Candidature Fabrique d'Initiatives – Tiers-lieu du Bocage" \\
      --body "Bonjour, veuillez trouver notre dossier." \\
      --attach initiative.pdf --attach budget.xlsx="Budget phase d'étude.xlsx" -o m1.eml
  mkmail.py --from "Hélène Dupré <helene@asso.example>" --subject "Re: [FI-2020-0007] pièces" \\
      --in-reply-to "<ack-7@guichet.example>" --zip "Dossier complet.zip" \\
      a.pdf="Dossier/Présentation du projet.pdf" b.ods="Dossier/Budgets/Budget étude.ods" -o m2.eml
"""

import argparse
import base64
import datetime
import email.policy
import email.utils
import hashlib
import html
import io
import os
import re
import sys
import zipfile
from email.message import EmailMessage

DEFAULT_DATE = "Wed, 15 Jan 2020 10:00:00 +0100"
ZIP_DATE = (2020, 1, 15, 10, 0, 0)
TYPE_RE = re.compile(r"[A-Za-z0-9.+-]+/[A-Za-z0-9.+-]+\Z")


class Ordered(argparse.Action):
    """Keeps --attach and --zip in one list, in command-line order."""

    def __call__(self, parser, ns, values, option_string=None):
        ns.parts = (ns.parts or []) + [(self.dest, values)]


def split_type(spec, default="application/octet-stream"):
    if ";" in spec:
        head, tail = spec.rsplit(";", 1)
        if TYPE_RE.match(tail.strip()):
            return head, tail.strip()
    return spec, default


def split_name(spec):
    path, _, name = spec.partition("=")
    return path, name or os.path.basename(path)


def read(path):
    with open(path, "rb") as fh:
        return fh.read()


def make_zip(files):
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as z:
        for spec in files:
            path, entry = split_name(spec)
            info = zipfile.ZipInfo(entry, ZIP_DATE)  # UTF-8 flag when not ASCII
            info.compress_type = zipfile.ZIP_DEFLATED
            info.external_attr = 0o644 << 16
            z.writestr(info, read(path))
    return buf.getvalue()


def parse_date(text):
    try:
        when = datetime.datetime.fromisoformat(text)
    except ValueError:
        return text  # taken as RFC 2822, as given
    if when.tzinfo is None:
        try:
            from zoneinfo import ZoneInfo
            when = when.replace(tzinfo=ZoneInfo("Europe/Paris"))
        except Exception:
            when = when.replace(tzinfo=datetime.timezone(datetime.timedelta(hours=1)))
    return email.utils.format_datetime(when)


def html_to_text(text):
    text = re.sub(r"(?i)<br\s*/?>|</p>|</div>|</li>", "\n", text)
    return html.unescape(re.sub(r"<[^>]*>", "", text)).strip() + "\n"


def main():
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0],
                                epilog=__doc__.split("\n", 2)[2],
                                formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--from", dest="sender", required=True, metavar="ADDR")
    p.add_argument("--to", action="append", metavar="ADDR")
    p.add_argument("--subject", required=True, metavar="S")
    p.add_argument("--date", metavar="D")
    p.add_argument("--message-id", metavar="ID")
    p.add_argument("--in-reply-to", metavar="ID")
    p.add_argument("--references", metavar="IDS")
    p.add_argument("--header", action="append", default=[], metavar="'NAME: VALUE'")
    body = p.add_mutually_exclusive_group()
    body.add_argument("--body", metavar="TEXT")
    body.add_argument("--body-file", metavar="F")
    kind = p.add_mutually_exclusive_group()
    kind.add_argument("--html", action="store_true")
    kind.add_argument("--html-only", action="store_true")
    p.add_argument("--cte", default="quoted-printable",
                   choices=["quoted-printable", "8bit", "base64"])
    p.add_argument("--attach", action=Ordered, metavar="FILE[=NAME][;TYPE]")
    p.add_argument("--zip", action=Ordered, nargs="+", metavar="NAME.zip FILE[=ENTRY]")
    p.add_argument("--names", choices=["rfc2231", "rfc2047"], default="rfc2231")
    p.add_argument("-o", "--output", metavar="FILE")
    p.set_defaults(parts=[])
    args = p.parse_args()

    if args.body_file:
        with open(args.body_file, encoding="utf-8") as fh:
            text = fh.read()
    else:
        text = args.body if args.body is not None else "Bonjour,\n\nVeuillez trouver ci-joint notre dossier.\n\nCordialement.\n"
    if not text.endswith("\n"):
        text += "\n"

    # From the arguments, but not from where the output goes.
    key = sorted((k, repr(v)) for k, v in vars(args).items() if k != "output")
    digest = hashlib.sha256(repr(key).encode()).hexdigest()
    domain = email.utils.parseaddr(args.sender)[1].rpartition("@")[2] or "mkmail.example"

    msg = EmailMessage(policy=email.policy.SMTP)
    msg["From"] = args.sender
    msg["To"] = ", ".join(args.to or ["fabrique@example.org"])
    msg["Subject"] = args.subject
    msg["Date"] = parse_date(args.date) if args.date else DEFAULT_DATE
    msg["Message-ID"] = args.message_id or "<%s@%s>" % (digest[:24], domain)
    if args.in_reply_to:
        msg["In-Reply-To"] = args.in_reply_to
    if args.references:
        msg["References"] = args.references
    for h in args.header:
        name, sep, value = h.partition(":")
        if not sep:
            p.error("--header wants 'Name: value', got %r" % h)
        msg[name.strip()] = value.strip()

    if args.html_only:
        msg.set_content(text, subtype="html", cte=args.cte)
    else:
        msg.set_content(html_to_text(text) if args.html else text, cte=args.cte)
        if args.html:
            msg.add_alternative(text, subtype="html", cte=args.cte)

    placeholders = {}  # ASCII stand-in -> real name, for --names rfc2047
    for n, (kind_, value) in enumerate(args.parts):
        if kind_ == "attach":
            spec, ctype = split_type(value)
            path, name = split_name(spec)
            data = read(path)
        else:
            spec, ctype = split_type(value[0])
            name, data = os.path.basename(spec), make_zip(value[1:])
        if args.names == "rfc2047" and not name.isascii():
            stand_in = "mkmail-name-%d-%s.bin" % (n, digest[:8])
            placeholders[stand_in] = name
            name = stand_in
        maintype, subtype = ctype.split("/", 1)
        msg.add_attachment(data, maintype=maintype, subtype=subtype, filename=name)
        part = msg.get_payload()[-1]
        part.set_param("name", name)  # as mail clients do

    for n, part in enumerate(msg.walk()):
        if part.is_multipart():
            part.set_boundary("=_mkmail_%s_%d" % (digest[:16], n))
        if part is not msg:
            # Python adds MIME-Version to sub-parts and puts Content-Type
            # last; mail clients do neither.
            del part["MIME-Version"]
            headers = sorted(part.items(), key=lambda h: h[0].lower() != "content-type")
            for name, _ in headers:
                del part[name]
            for name, value in headers:
                part[name] = value

    out = msg.as_bytes(policy=email.policy.SMTP)
    for stand_in, name in placeholders.items():
        encoded = "=?utf-8?b?%s?=" % base64.b64encode(name.encode()).decode()
        out = out.replace(stand_in.encode(), encoded.encode())

    if args.output:
        with open(args.output, "wb") as fh:
            fh.write(out)
    else:
        sys.stdout.buffer.write(out)


if __name__ == "__main__":
    main()
