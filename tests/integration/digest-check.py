#!/usr/bin/python3
"""Reads the digest's HTML with a real parser and checks it against
`guichet list --json` and `show --json` (test-digest.sh). Prints one
"name=value" line per fact; the shell compares them.
  digest-check.py DIGEST.html DIGEST.txt LIST.json SHOWDIR CALLFILE DAY"""
import collections, datetime, html.parser, json, re, sys, zoneinfo

html_file, text_file, list_file, show_dir, call_file, day = sys.argv[1:7]
tz = zoneinfo.ZoneInfo("Europe/Paris")


class Digest(html.parser.HTMLParser):
    """The box's items, the matrix's rows, the chart's bars, the counts."""

    def __init__(self):
        super().__init__()
        self.stack, self.where = [], None
        self.box, self.rows, self.headers, self.bars, self.counts = [], [], [], [], []
        self.cell = None

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "table" and a.get("id") in ("a-traiter", "matrice", "graphique", "statuts"):
            self.where = a["id"]
        if self.where == "a-traiter" and tag == "p":
            self.box.append("")
        if self.where == "matrice" and tag == "tr":
            self.rows.append([])
        if self.where == "matrice" and tag in ("td", "th"):
            self.cell = ""
        if self.where == "graphique" and tag == "td":
            self.bars.append({"title": a.get("title")})
        if self.where == "graphique" and tag == "div":
            m = re.search(r"height:(\d+)px", a.get("style", ""))
            self.bars[-1]["height"] = int(m.group(1))
            self.bars[-1]["n"] = a.get("data-n")
        if self.where == "statuts" and tag == "td":
            self.counts.append("")

    def handle_endtag(self, tag):
        if tag == "table":
            self.where = None
        if self.where == "matrice" and tag in ("td", "th") and self.cell is not None:
            self.rows[-1].append(self.cell.strip())
            self.cell = None

    def handle_data(self, data):
        if self.where == "a-traiter" and self.box:
            self.box[-1] += data
        if self.where == "matrice" and self.cell is not None:
            self.cell += data
        if self.where == "statuts" and self.counts:
            self.counts[-1] += data + "|"


d = Digest()
d.feed(open(html_file).read())
listed = json.load(open(list_file))

# --- the box: one line per item, by kind ---
box = [" ".join(p.split()) for p in d.box]
kinds = collections.Counter(p.split(" — ")[0] for p in box if " — " in p)
print("box=" + ",".join("%s:%d" % kv for kv in sorted(kinds.items())))
print("box_refs=" + " ".join(sorted(set(re.findall(r"FI-\d{4}-\d{4}", " ".join(box))))))

# --- the matrix against show --json ---
call_short = {}
key = None
for line in open(call_file):
    m = re.match(r"\[piece (\w+)\]", line)
    key = m.group(1) if m else key
    m = re.match(r"short = (.*)", line.rstrip("\n"))
    if m and key:
        call_short[m.group(1)] = key
header, rows = d.rows[0], d.rows[1:]
keys = [call_short[h] for h in header[1:]]


def expected_mark(show, k):
    if k not in show["missing"]:
        return "✓"
    holders = [p for p in show["pieces"] if k in p["kinds"]]
    if any(p["late"] for p in holders):
        return "retard"
    if holders:
        return "avance"
    return "✗"


ok = True
for row in rows:
    ref = row[0][:12]
    show = json.load(open("%s/%s.json" % (show_dir, ref)))
    want = [expected_mark(show, k) for k in keys]
    if row[1:] != want:
        ok = False
        print("# %s: %s, want %s" % (ref, row[1:], want))
incomplete = sorted(x["reference"] for x in listed if x["status"] == "incomplete")
print("matrix_refs=%s" % (sorted(r[0][:12] for r in rows) == incomplete))
print("matrix_rows=%d" % len(rows))
print("matrix_marks=%s" % ok)
missing = [len(json.load(open("%s/%s.json" % (show_dir, r[0][:12])))["missing"]) for r in rows]
print("matrix_order=%s" % (missing == sorted(missing)))

# --- the chart: one bar a day from the opening, heights in proportion ---
per_day = collections.Counter(
    datetime.datetime.fromisoformat(x["received_at"]).astimezone(tz).date() for x in listed)
first, last = datetime.date(2020, 1, 1), datetime.date.fromisoformat(day)
want = [per_day[first + datetime.timedelta(i)] for i in range((last - first).days + 1)]
got = [int(b["title"].rsplit(": ", 1)[1]) for b in d.bars]
print("chart_counts=%s" % (got == want))
top = max(want)
print("chart_heights=%s" % all(abs(b["height"] - 60 * n / top) <= 1 for b, n in zip(d.bars, want) if n))
print("chart_zero=%s" % all(b["height"] <= 1 and b["n"] is None for b, n in zip(d.bars, want) if not n))

# --- counts and their change since the day before ---
print("counts=" + " ".join(c.split("|")[0] + c.split("|")[2] for c in d.counts))

# --- the text part ---
text = open(text_file).read()
print("text_width=%d" % max(len(l) for l in text.split("\n")))
spark = [l.strip() for l in text.split("\n") if l.strip() and set(l.strip()) <= set("▁▂▃▄▅▆▇█")]
print("sparkline=%d" % (len(spark[0]) if spark else 0))
