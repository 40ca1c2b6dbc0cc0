#!/usr/bin/python3
"""mkcorpus.py: a seedable corpus of dossier messages for bench/run.

usage: mkcorpus.py OUT_DIR [--kind mailbox|growth|idle|big] [--messages N]
                   [--scale F] [--seed S] [--tools DIR]

  mailbox  (default) a call's mailbox: new dossiers, follow-ups naming their
           reference, staff forwards, auto-replies and bounces.  Messages
           carrying documents are 70% of 50-300 KB, 25% of 1-3 MB and 5%
           of 8-15 MB (times --scale); auto-replies (a signature logo) and
           bounces are small.  Documents are real PDF, DOCX and XLSX files
           (tests/tools/mkdoc.py), a quarter of the multi-document
           dossiers sent as one ZIP; the size comes from incompressible
           padding appended to the PDFs as an unreferenced stream object
           (an incremental update, so pdftotext still reads the text).
  growth   N small messages (a few KB each): 70% new dossiers, 30%
           follow-ups naming their reference.
  idle     N small new dossiers (about 50 KB times --scale), one per sender.
  big      one message with a single 20 MB PDF attachment (about 27 MB of
           message once base64-encoded).

Writes OUT_DIR/NNNNNN.eml (CRLF), OUT_DIR/MANIFEST (file TAB INTERNALDATE,
ISO 8601 with the Paris offset, in the order to append them) and
OUT_DIR/corpus.json (counts, bytes, seed).  The same seed and options give
the same bytes.  References: guichet numbers dossiers in the order it
creates them, and the messages are appended in MANIFEST order, so the Nth
new dossier of the corpus is FI-2020-000N; follow-ups and staff forwards
name that reference.
"""

import argparse
import datetime
import importlib.util
import json
import os
import random
import re
import shutil
import sys
from types import SimpleNamespace
from zoneinfo import ZoneInfo

PARIS = ZoneInfo("Europe/Paris")
WINDOW_START = datetime.datetime(2020, 1, 1, 8, 0, tzinfo=PARIS)
WINDOW_END = datetime.datetime(2020, 3, 1, 20, 0, tzinfo=PARIS)
KB = 1000
MB = 1000 * 1000
# base64 with CRLF every 76 characters: 78 bytes on the wire per 57.
B64 = 78 / 57


def load(name, path):
    spec = importlib.util.spec_from_file_location(name, path)
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    return mod


PLACES = ["Bocage", "Pays de Caux", "Falaises", "Vire", "Cotentin", "Perche",
          "Pays d'Auge", "Suisse normande", "Val de Saire", "Bessin", "Avranchin",
          "Pays de Bray", "Lieuvin", "Vexin normand", "Houlme", "Roumois",
          "Marais du Cotentin", "Hague", "Plaine de Caen", "Pays d'Ouche"]
KINDS_OF_PLACE = ["Tiers-lieu", "La Fabrique", "Atelier partagé", "Coworking",
                  "Fablab", "Ressourcerie", "Café associatif", "La Grange",
                  "Maison des services", "L'Établi"]
FIRST = ["Claire", "Hélène", "Marc", "Zoé", "Louis", "Inès", "Paul", "Léa",
         "Hugo", "Chloé", "Étienne", "Manon", "Yann", "Sarah", "Gaël", "Anaïs"]
LAST = ["Martin", "Dupré", "Lefèvre", "Moreau", "Leroy", "Roux", "Fournier",
        "Girard", "Bonnet", "Lambert", "Fontaine", "Rousseau", "Vincent", "Morel"]
WEBMAIL = ["gmail.com", "orange.fr", "laposte.net", "free.fr"]
STAFF = [("Jean Instructeur", "instructeur"), ("Anne Chargée", "anne.chargee"),
         ("Luc Référent", "luc.referent"), ("Sophie Service", "sophie.service"),
         ("Marie Territoire", "marie.territoire")]
AR_OURS = ("Authentication-Results: mx.normandie.fr; dkim=pass header.d=normandie.fr"
           " header.s=s2020; dmarc=pass (p=quarantine) header.from=normandie.fr")


def slug(text):
    import unicodedata
    t = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode().lower()
    return re.sub(r"[^a-z0-9]+", "-", t).strip("-")


class Corpus:
    def __init__(self, out, seed, scale, tools):
        self.out = out
        self.rng = random.Random(seed)
        self.seed = seed
        self.scale = scale
        self.mkdoc = load("bench_mkdoc", os.path.join(tools, "mkdoc.py"))
        self.mkmail = load("bench_mkmail", os.path.join(tools, "mkmail.py"))
        self.work = os.path.join(out, ".docs")
        os.makedirs(self.work, exist_ok=True)
        self.n = 0
        self.manifest = []
        self.counts = {}
        self.dossiers = []  # dicts: ref, sender, org, messages
        self.docseq = 0

    # --- documents ---------------------------------------------------------

    def doc_path(self, ext):
        self.docseq += 1
        return os.path.join(self.work, "d%06d.%s" % (self.docseq, ext))

    def pdf(self, pages, title=None, padding=0):
        data = self.mkdoc.make_pdf(SimpleNamespace(pages=pages, no_text=False, title=title))
        if padding > 0:
            data = pad_pdf(data, padding, self.rng)
        path = self.doc_path("pdf")
        with open(path, "wb") as f:
            f.write(data)
        return path

    def docx(self, pages, title=None):
        path = self.doc_path("docx")
        with open(path, "wb") as f:
            f.write(self.mkdoc.make_docx(SimpleNamespace(pages=pages, title=title)))
        return path

    def xlsx(self, sheets, title=None):
        path = self.doc_path("xlsx")
        with open(path, "wb") as f:
            f.write(self.mkdoc.make_xlsx(SimpleNamespace(sheets=sheets, title=title)))
        return path

    def prose(self, org, words):
        vocab = ("le projet associe les habitants du territoire et les acteurs locaux "
                 "autour d'un lieu ouvert où chacun peut apprendre fabriquer partager "
                 "se former travailler et créer des services utiles aux usagers").split()
        out, line = [], []
        for _ in range(words):
            line.append(self.rng.choice(vocab))
            if len(line) >= 14:
                out.append(" ".join(line).capitalize() + ".")
                line = []
        return "%s\n%s" % (org, "\n".join(out))

    def budget_sheets(self, org, which):
        def rows(title):
            r = ["Poste|Montant"]
            for post in ("Étude de faisabilité", "Animation", "Aménagement",
                         "Équipement", "Communication", "Frais de personnel"):
                r.append("%s|%d.%02d" % (post, self.rng.randint(500, 40000),
                                         self.rng.randint(0, 99)))
            return "%s=%s;%s" % (title, "Budget %s – %s" % (title.lower(), org), ";".join(r))
        return [rows(w) for w in which]

    # (path, shown name, type) of one piece, by key.
    def piece(self, key, org, padding=0):
        if key == "initiative":
            return (self.pdf(["Présentation de l'initiative\n" + self.prose(org, 120),
                              "Apport pour les membres et les usagers\n" + self.prose(org, 80)],
                             title="Présentation – " + org, padding=padding),
                    "Présentation du projet.pdf", "application/pdf")
        if key == "strategie":
            return (self.docx(["Stratégie de déploiement\n" + self.prose(org, 150)],
                              title="Stratégie"),
                    "Stratégie de déploiement.docx",
                    "application/vnd.openxmlformats-officedocument.wordprocessingml.document")
        if key == "budgets":
            return (self.xlsx(self.budget_sheets(org, ["Étude", "Déploiement", "Lancement"]),
                              title="Budgets"),
                    "Budgets prévisionnels.xlsx",
                    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
        if key == "plan":
            return (self.pdf(["Plan de déploiement pluriannuel\n2020 : étude\n2021 : travaux\n"
                              "2022 : ouverture\n" + self.prose(org, 60)], padding=padding),
                    "Plan pluriannuel.pdf", "application/pdf")
        if key == "soutien":
            return (self.pdf(["Lettre de soutien\nLa commune apporte son soutien au projet "
                              "porté par %s.\nNous apportons notre soutien à cette initiative."
                              % org], padding=padding),
                    "Lettre de soutien.pdf", "application/pdf")
        raise ValueError(key)

    # --- messages ------------------------------------------------------------

    def target_size(self):
        u = self.rng.random()
        if u < 0.70:
            lo, hi = 50 * KB, 300 * KB
        elif u < 0.95:
            lo, hi = 1 * MB, 3 * MB
        else:
            lo, hi = 8 * MB, 15 * MB
        return int(self.rng.uniform(lo, hi) * self.scale)

    def next_name(self):
        self.n += 1
        return "%06d.eml" % self.n

    def record(self, name, when, kind):
        self.manifest.append((name, when.isoformat()))
        self.counts[kind] = self.counts.get(kind, 0) + 1

    def mail(self, args, name):
        saved = sys.argv
        sys.argv = ["mkmail.py"] + args + ["-o", os.path.join(self.out, name)]
        try:
            self.mkmail.main()
        finally:
            sys.argv = saved

    def attach_args(self, pieces, zipped):
        if zipped:
            entries = ["%s=Dossier/%s" % (p, n) for p, n, _ in pieces]
            return ["--zip", "Dossier complet.zip;application/zip"] + entries
        out = []
        for p, n, t in pieces:
            out += ["--attach", "%s=%s;%s" % (p, n, t)]
        return out

    def padding_for(self, target, keys):
        base = 12 * KB * len(keys) + 4 * KB
        return max(0, int(target / B64) - base)

    def new_applicant(self, when, target=None, small=False):
        org = "%s %s" % (self.rng.choice(KINDS_OF_PLACE), self.rng.choice(PLACES))
        first, last = self.rng.choice(FIRST), self.rng.choice(LAST)
        uniq = len(self.dossiers) + 1
        if self.rng.random() < 0.3:
            addr = "%s.%s.%d@%s" % (slug(first), slug(last), uniq, self.rng.choice(WEBMAIL))
        else:
            addr = "%s@%s-%d.fr" % (slug(first), slug(org), uniq)
        d = {"ref": "FI-2020-%04d" % uniq, "sender": "%s %s <%s>" % (first, last, addr),
             "org": org, "messages": 1, "sent": set()}
        self.dossiers.append(d)
        if small:
            keys = ["initiative"]
        else:
            keys = self.rng.choice([["initiative"], ["initiative", "strategie"],
                                    ["initiative", "strategie", "budgets"],
                                    ["initiative", "strategie", "budgets", "plan"]])
        target = self.target_size() if target is None else target
        pad = 0 if small else self.padding_for(target, keys)
        pieces = [self.piece(k, org, padding=pad if i == 0 else 0) for i, k in enumerate(keys)]
        d["sent"].update(keys)
        zipped = len(pieces) > 1 and self.rng.random() < 0.25
        name = self.next_name()
        body = ("Bonjour,\n\nStructure : %s\nStatut juridique : association\n\n"
                "Veuillez trouver ci-joint notre candidature à la Fabrique d'Initiatives.\n\n"
                "Cordialement,\n%s %s\n" % (org, first, last))
        self.mail(["--from", d["sender"], "--subject",
                   "Candidature Fabrique d'Initiatives – %s" % org, "--body", body,
                   "--date", (when - datetime.timedelta(minutes=3)).replace(tzinfo=None).isoformat(),
                   "--message-id", "<bench-%s-%d@%s>" % (self.seed, self.n, addr.split("@")[1])]
                  + self.attach_args(pieces, zipped), name)
        self.record(name, when, "new-dossier")
        return d

    def follow_up(self, when, d, small=False):
        missing = [k for k in ("strategie", "budgets", "plan", "soutien") if k not in d["sent"]]
        keys = missing[:self.rng.randint(1, 2)] if missing else ["plan"]
        keys = [keys[0]] if small else keys
        # The first piece carries the padding: make it a PDF.
        if keys[0] not in ("plan", "soutien"):
            keys = ["plan"] + [k for k in keys if k != "plan"]
        target = self.target_size()
        pad = 0 if small else self.padding_for(target, keys)
        pieces = [self.piece(k, d["org"], padding=pad if i == 0 else 0) for i, k in enumerate(keys)]
        d["sent"].update(keys)
        d["messages"] += 1
        name = self.next_name()
        named = self.rng.random() < 0.7
        subject = ("Re: [%s] Compléments au dossier" % d["ref"]) if named else "Compléments"
        addr = re.search(r"<([^>]+)>", d["sender"]).group(1)
        self.mail(["--from", d["sender"], "--subject", subject,
                   "--body", "Bonjour,\n\nVoici les pièces manquantes.\n\nCordialement.\n",
                   "--date", (when - datetime.timedelta(minutes=2)).replace(tzinfo=None).isoformat(),
                   "--message-id", "<bench-%s-%d@%s>" % (self.seed, self.n, addr.split("@")[1])]
                  + self.attach_args(pieces, False), name)
        self.record(name, when, "follow-up")

    def staff_forward(self, when, d):
        staff_name, local = self.rng.choice(STAFF)
        target = self.target_size()
        piece = self.piece("soutien", d["org"], padding=self.padding_for(target, ["soutien"]))
        name = self.next_name()
        body = ("Bonjour,\n\nJe vous transfère la lettre de soutien de la commune pour le "
                "dossier %s.\n\n-------- Message transféré --------\nDe : Mairie\n"
                "Objet : Soutien au projet %s\n\nCordialement,\n%s\n"
                % (d["ref"], d["org"], staff_name))
        self.mail(["--from", "%s <%s@normandie.fr>" % (staff_name, local),
                   "--subject", "TR: Lettre de soutien – dossier %s" % d["ref"],
                   "--header", AR_OURS, "--body", body,
                   "--date", (when - datetime.timedelta(minutes=5)).replace(tzinfo=None).isoformat(),
                   "--message-id", "<bench-%s-%d@normandie.fr>" % (self.seed, self.n),
                   "--attach", "%s=Lettre de soutien – %s.pdf;application/pdf"
                   % (piece[0], d["org"])], name)
        d["sent"].add("soutien")
        self.record(name, when, "staff-forward")

    def auto_reply(self, when, d):
        logo = self.doc_path("png")
        with open(logo, "wb") as f:
            f.write(b"\x89PNG\r\n\x1a\n" + self.rng.randbytes(
                int(self.rng.uniform(5 * KB, 60 * KB) * self.scale)))
        name = self.next_name()
        addr = re.search(r"<([^>]+)>", d["sender"]).group(1)
        self.mail(["--from", d["sender"], "--subject",
                   "Réponse automatique : absence du bureau",
                   "--header", "Auto-Submitted: auto-replied",
                   "--header", "X-Auto-Response-Suppress: All",
                   "--body", "Je suis absente jusqu'au 2 mars. Pour toute urgence, "
                   "contactez l'accueil.\n",
                   "--date", (when - datetime.timedelta(minutes=1)).replace(tzinfo=None).isoformat(),
                   "--message-id", "<bench-%s-%d@%s>" % (self.seed, self.n, addr.split("@")[1]),
                   "--attach", "%s=logo.png;image/png" % logo], name)
        self.record(name, when, "auto-reply")

    def bounce(self, when, d):
        addr = re.search(r"<([^>]+)>", d["sender"]).group(1)
        name = self.next_name()
        date = when.strftime("%a, %d %b %Y %H:%M:%S %z")
        lines = [
            "From: Mail Delivery System <MAILER-DAEMON@mx.%s>" % addr.split("@")[1],
            "To: fabrique@example.org",
            "Subject: Undelivered Mail Returned to Sender",
            "Date: %s" % date,
            "Message-ID: <bench-%s-%d-dsn@mx.example>" % (self.seed, self.n),
            "Auto-Submitted: auto-replied",
            "MIME-Version: 1.0",
            'Content-Type: multipart/report; report-type=delivery-status; boundary="BNC%d"'
            % self.n,
            "",
            "--BNC%d" % self.n,
            "Content-Type: text/plain; charset=us-ascii",
            "",
            "This is the mail system at host mx.example.",
            "Your message could not be delivered to one or more recipients.",
            "",
            "--BNC%d" % self.n,
            "Content-Type: message/delivery-status",
            "",
            "Reporting-MTA: dns; mx.example",
            "",
            "Final-Recipient: rfc822; %s" % addr,
            "Action: failed",
            "Status: 5.2.2",
            "Diagnostic-Code: smtp; 552 5.2.2 mailbox full",
            "",
            "--BNC%d" % self.n,
            "Content-Type: text/rfc822-headers",
            "",
            "From: Fabrique d'Initiatives <fabrique@example.org>",
            "To: %s" % addr,
            "Subject: [%s] Accusé de réception" % d["ref"],
            "Message-ID: <unknown-%d@guichet.example>" % self.n,
            "",
            "--BNC%d--" % self.n,
            "",
        ]
        with open(os.path.join(self.out, name), "wb") as f:
            f.write("\r\n".join(lines).encode("utf-8"))
        self.record(name, when, "bounce")

    # --- plans ---------------------------------------------------------------

    def instants(self, n, start=WINDOW_START, end=WINDOW_END):
        span = (end - start).total_seconds()
        secs = sorted(self.rng.uniform(0, span) for _ in range(n))
        return [(start + datetime.timedelta(seconds=int(s))).astimezone(PARIS) for s in secs]

    def mailbox(self, n):
        for when in self.instants(n):
            u = self.rng.random()
            open_ = [d for d in self.dossiers if d["messages"] < 4]
            if not self.dossiers or u < 0.58 or (u < 0.83 and not open_):
                self.new_applicant(when)
            elif u < 0.83:
                self.follow_up(when, self.rng.choice(open_))
            elif u < 0.89:
                self.staff_forward(when, self.rng.choice(self.dossiers))
            elif u < 0.95:
                self.auto_reply(when, self.rng.choice(self.dossiers))
            else:
                self.bounce(when, self.rng.choice(self.dossiers))

    def growth(self, n):
        for when in self.instants(n):
            open_ = [d for d in self.dossiers[-200:] if d["messages"] < 4]
            if self.dossiers and open_ and self.rng.random() < 0.3:
                self.follow_up(when, self.rng.choice(open_), small=True)
            else:
                self.new_applicant(when, small=True)

    def idle(self, n):
        for when in self.instants(n):
            self.new_applicant(when, target=int(50 * KB * self.scale))

    def big(self, attachment_bytes):
        when = datetime.datetime(2020, 2, 14, 10, 12, tzinfo=PARIS)
        org = "Grand Tiers-lieu du Cotentin"
        base = self.mkdoc.make_pdf(SimpleNamespace(
            pages=["Présentation de l'initiative\n" + self.prose(org, 200)],
            no_text=False, title="Dossier complet"))
        path = self.doc_path("pdf")
        with open(path, "wb") as f:
            f.write(pad_pdf(base, attachment_bytes - len(base) - 200, self.rng))
        name = self.next_name()
        self.mail(["--from", "Grand Tiers-lieu <contact@grand-tiers-lieu.fr>",
                   "--subject", "Candidature – dossier complet (%s)" % org,
                   "--body", "Bonjour,\n\nStructure : %s\n\nNotre dossier complet.\n" % org,
                   "--message-id", "<bench-big-%s@grand-tiers-lieu.fr>" % self.seed,
                   "--attach", "%s=Dossier complet.pdf;application/pdf" % path], name)
        self.dossiers.append({"ref": "FI-2020-0001"})
        self.record(name, when, "new-dossier")

    def finish(self, kind):
        shutil.rmtree(self.work, ignore_errors=True)
        with open(os.path.join(self.out, "MANIFEST"), "w") as f:
            f.write("# message\tINTERNALDATE (Europe/Paris)\n")
            for name, when in self.manifest:
                f.write("%s\t%s\n" % (name, when))
        sizes = [os.path.getsize(os.path.join(self.out, n)) for n, _ in self.manifest]
        summary = {"kind": kind, "seed": self.seed, "scale": self.scale,
                   "messages": len(sizes), "bytes": sum(sizes),
                   "largest": max(sizes) if sizes else 0,
                   "by_kind": self.counts, "dossiers": len(self.dossiers),
                   "size_classes": {
                       "under_1MB": sum(1 for s in sizes if s < MB),
                       "1MB_to_5MB": sum(1 for s in sizes if MB <= s < 5 * MB),
                       "5MB_and_more": sum(1 for s in sizes if s >= 5 * MB)}}
        with open(os.path.join(self.out, "corpus.json"), "w") as f:
            json.dump(summary, f, indent=1, sort_keys=True)
            f.write("\n")
        return summary


def pad_pdf(data, nbytes, rng):
    """Appends an unreferenced stream of nbytes random bytes to a PDF as an
    incremental update (new object, xref section, trailer with /Prev)."""
    nbytes = max(0, int(nbytes))
    m = re.search(rb"startxref\s+(\d+)\s+%%EOF\s*$", data)
    size_m = re.search(rb"/Size (\d+)", data[data.rfind(b"trailer"):])
    root_m = re.search(rb"/Root (\d+ \d+ R)", data[data.rfind(b"trailer"):])
    if not (m and size_m and root_m):
        raise ValueError("not a PDF that mkdoc.py wrote")
    prev, size = int(m.group(1)), int(size_m.group(1))
    if not data.endswith(b"\n"):
        data += b"\n"
    off = len(data)
    obj = (b"%d 0 obj\n<< /Length %d >>\nstream\n" % (size, nbytes)
           + rng.randbytes(nbytes) + b"\nendstream\nendobj\n")
    xref = len(data) + len(obj)
    tail = (b"xref\n%d 1\n%010d 00000 n \ntrailer\n<< /Size %d /Root %s /Prev %d >>\n"
            b"startxref\n%d\n%%%%EOF\n" % (size, off, size + 1, root_m.group(1), prev, xref))
    return data + obj + tail


def main():
    here = os.path.dirname(os.path.abspath(__file__))
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0],
                                epilog=__doc__.split("\n", 2)[2],
                                formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("out")
    p.add_argument("--kind", choices=["mailbox", "growth", "idle", "big"], default="mailbox")
    p.add_argument("--messages", type=int, default=300)
    p.add_argument("--scale", type=float, default=1.0)
    p.add_argument("--seed", type=int, default=2020)
    p.add_argument("--attachment-bytes", type=int, default=20 * MB)
    p.add_argument("--tools", default=os.path.join(here, "..", "tests", "tools"))
    a = p.parse_args()
    if a.messages < 1 or not 0 < a.scale <= 10:
        p.error("--messages must be positive and --scale in (0, 10]")
    os.makedirs(a.out, exist_ok=True)
    c = Corpus(a.out, a.seed, a.scale, a.tools)
    if a.kind == "mailbox":
        c.mailbox(a.messages)
    elif a.kind == "growth":
        c.growth(a.messages)
    elif a.kind == "idle":
        c.idle(a.messages)
    else:
        c.big(a.attachment_bytes)
    s = c.finish(a.kind)
    print("%d messages, %.1f MB (%s)" % (s["messages"], s["bytes"] / MB,
                                         ", ".join("%s %d" % kv for kv in sorted(s["by_kind"].items()))))


if __name__ == "__main__":
    main()
