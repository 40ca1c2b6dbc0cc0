#!/usr/bin/python3
"""report.py: bench/run's table, from the measurements in one folder.

usage: report.py MEASURE_DIR [--write-results FILE --label LABEL]

MEASURE_DIR holds what bench/run wrote: facts (key=value lines),
NAME.time ("%e %U %S %M" of /usr/bin/time), NAME.wall (seconds, ns
clock), NAME.server (CPU seconds of Dovecot and the SMTP sink during the
step), corpus-*.json, idle.json, eqp.txt.  Prints the report; with
--write-results, replaces (or appends) the section LABEL of FILE.
"""
import argparse
import json
import os
import re
import sys

MB = 1000 * 1000


def read(d, name, default=None):
    try:
        with open(os.path.join(d, name), encoding="utf-8") as f:
            return f.read().strip()
    except FileNotFoundError:
        return default


def facts(d):
    out = {}
    for line in (read(d, "facts", "") or "").splitlines():
        if "=" in line:
            k, v = line.split("=", 1)
            out[k] = v
    return out


def step(d, name):
    t = read(d, name + ".time")
    if t is None:
        return None
    # /usr/bin/time may prepend "Command exited with non-zero status N".
    last = t.splitlines()[-1].split()
    e, u, s, m = float(last[0]), float(last[1]), float(last[2]), int(last[3])
    wall = float(read(d, name + ".wall", e))
    server = read(d, name + ".server")
    split = read(d, name + ".split")
    children = None
    if split:
        su, ss, cu, cs = (float(x) for x in split.split())
        children = cu + cs
    return {"wall": wall, "cpu": u + s, "user": u, "sys": s, "rss_mb": m / 1024,
            "children": children,
            "server": float(server) if server else None,
            "failed": read(d, name + ".failed") is not None}


def corpus(d, name):
    c = read(d, "corpus-%s.json" % name)
    return json.loads(c) if c else None


def fmt(x, spec):
    return "-" if x is None else format(x, spec)


def ratio(a, b):
    return None if not a or not b else a / b


def mailbox_table(d, f, lines):
    c = corpus(d, "mailbox")
    rows = [("a. raw IMAP transfer (imaplib)", "raw"),
            ("b. Python reference pipeline", "python"),
            ("c. guichet run --once, filters off", "goff"),
            ("d. guichet run --once, filters on", "gon")]
    steps = {k: step(d, k) for _, k in rows}
    if c is None or not any(steps.values()):
        return steps
    n, size = c["messages"], c["bytes"] / MB
    lines.append("Mailbox: %d messages, %.1f MB (%s); largest %.1f MB"
                 % (n, size, ", ".join("%s %d" % kv for kv in sorted(c["by_kind"].items())),
                    c["largest"] / MB))
    lines.append("")
    head = "%-38s %7s %7s %7s %7s %9s %9s %7s" % ("", "msg/s", "MB/s", "wall s", "CPU s",
                                                  "child s", "server s", "RSS MB")
    lines.append(head)
    for label, k in rows:
        s = steps[k]
        if s is None:
            lines.append("%-38s %s" % (label, "(not run)"))
            continue
        lines.append("%-38s %7.1f %7.1f %7.2f %7.2f %9s %9s %7.1f%s"
                     % (label, n / s["wall"], size / s["wall"], s["wall"], s["cpu"],
                        fmt(s["children"], ".2f"), fmt(s["server"], ".2f"), s["rss_mb"],
                        "  FAILED" if s["failed"] else ""))
    lines.append("  (child s: CPU of the processes guichet ran and reaped before it ended: its filters,")
    lines.append("  and its parse workers when they were reaped in time; all of it is in CPU s)")
    lines.append("")
    w = {k: (s["wall"] if s else None) for k, s in steps.items()}
    cpu = {k: (s["cpu"] if s else None) for k, s in steps.items()}
    lines.append("ratios             wall    CPU")
    for label, a, b in (("guichet/raw, filters off", "goff", "raw"),
                        ("guichet/raw, filters on", "gon", "raw"),
                        ("python/guichet, filters off", "python", "goff"),
                        ("python/guichet, filters on", "python", "gon")):
        lines.append("  %-30s %6s %6s" % (label, fmt(ratio(w[a], w[b]), ".2f"),
                                          fmt(ratio(cpu[a], cpu[b]), ".2f")))
    for k, label in (("goff", "filters off"), ("gon", "filters on")):
        if f.get(k + "_messages"):
            lines.append("  guichet, %s: %s messages stored, %s replies delivered to the sink, "
                         "outcomes: %s" % (label, f.get(k + "_messages"), f.get(k + "_replies"),
                                           f.get(k + "_outcomes", "?")))
    for k, label in (("goff", "filters off"), ("gon", "filters on")):
        if f.get(k + "_outbox"):
            lines.append("  outbox after run --once, %s: %s" % (label, f[k + "_outbox"]))
        s = step(d, k + "-drain")
        if s:
            lines.append("    the pending rest drained with `guichet send` (one batch per call): "
                         "%s more replies in %.2f s wall, %.2f s CPU%s"
                         % (f.get(k + "_drain_replies", "?"), s["wall"], s["cpu"],
                            "  FAILED" if s["failed"] else ""))
    if f.get("append_wall"):
        lines.append("  (setup, not measured above: APPEND of the corpus took %.2f s)" % float(f["append_wall"]))
    return steps


def extras(d, f, lines):
    big = corpus(d, "big")
    for k, label in (("big-off", "filters off"), ("big-on", "filters on")):
        s = step(d, k)
        if s and big:
            lines.append("Peak RSS, guichet ingest of one %.1f MB message (one %.0f MB PDF), %s: "
                         "%.1f MB  (wall %.2f s, CPU %.2f s)%s"
                         % (big["bytes"] / MB, int(f.get("big_attachment", "0")) / MB, label,
                            s["rss_mb"], s["wall"], s["cpu"], "  FAILED" if s["failed"] else ""))
    idle = read(d, "idle.json")
    if idle:
        j = json.loads(idle)
        lines.append("IDLE latency, %d messages appended one at a time, APPEND sent -> "
                     "acknowledgement accepted by the SMTP sink: median %.3f s, p95 %.3f s "
                     "(min %.3f, max %.3f)" % (j["n"], j["median"], j["p95"], j["min"], j["max"]))
        if j.get("notify") and j.get("after_notify"):
            lines.append("  of which Dovecot's EXISTS push to IDLE clients (APPEND -> EXISTS seen by "
                         "an observer): median %.3f s, p95 %.3f s; guichet's part (EXISTS -> "
                         "reply at the sink): median %.3f s, p95 %.3f s"
                         % (j["notify"]["median"], j["notify"]["p95"],
                            j["after_notify"]["median"], j["after_notify"]["p95"]))
    elif f.get("idle_error"):
        lines.append("IDLE latency: FAILED (%s)" % f["idle_error"])
    chunks = []
    i = 1
    while True:
        s = step(d, "growth-%02d" % i)
        if s is None:
            break
        chunks.append(s)
        i += 1
    if chunks:
        per = int(f.get("growth_chunk", "1"))
        total = int(f.get("growth_messages", "0"))
        first, last = chunks[0], chunks[-1]
        lines.append("Growth, guichet ingest of %d small messages (%.1f MB) into one database, "
                     "filters off, %d per process:" % (total, float(f.get("growth_bytes", "0")) / MB, per))
        lines.append("  per message, first %d: %.2f ms wall, %.2f ms CPU; messages %d-%d: "
                     "%.2f ms wall, %.2f ms CPU; ratio last/first %.2f (wall), %.2f (CPU)"
                     % (per, 1000 * first["wall"] / per, 1000 * first["cpu"] / per,
                        total - per + 1, total, 1000 * last["wall"] / per,
                        1000 * last["cpu"] / per, last["wall"] / first["wall"],
                        ratio(last["cpu"], first["cpu"]) or 0))
        lines.append("  ms/message by chunk: " + " ".join("%.1f" % (1000 * c["wall"] / per)
                                                           for c in chunks))
        lines.append("  database %s MB, %s dossiers" % (f.get("growth_db_mb", "?"),
                                                       f.get("growth_dossiers", "?")))
        for k, label in (("list", "list --json"), ("show", "show %s --json" % f.get("growth_ref", "REF")),
                         ("export", "export")):
            s = step(d, "growth-" + k)
            if s:
                lines.append("  %-28s %.3f s wall, %.3f s CPU, %.1f MB RSS%s"
                             % (label, s["wall"], s["cpu"], s["rss_mb"],
                                "  FAILED" if s["failed"] else ""))
    eqp = read(d, "eqp.txt")
    if eqp:
        lines.append("")
        lines.append("EXPLAIN QUERY PLAN on the growth database (bench/queries.sql):")
        lines.extend("  " + l for l in eqp.splitlines())


def report(d):
    f = facts(d)
    lines = []
    lines.append("guichet benchmark (bench/run) -- %s, commit %s" % (f.get("date", "?"), f.get("commit", "?")))
    lines.append("machine: %s CPUs (%s), %s memory, Linux %s; load average %s at start, %s at end"
                 % (f.get("nproc", "?"), f.get("cpu", "?"), f.get("memory", "?"),
                    f.get("kernel", "?"), f.get("load_start", "?"), f.get("load_end", "?")))
    lines.append("build: %s; storage on %s" % (f.get("build", "?"), f.get("fs", "?")))
    if f.get("note"):
        lines.append("note: " + f["note"])
    lines.append("")
    before = len(lines)
    mailbox_table(d, f, lines)
    if len(lines) > before:
        lines.append("")
    extras(d, f, lines)
    return "\n".join(lines).rstrip() + "\n", f


HEADER = """# Benchmark results

Written by `bench/run --write-results` (see bench/README for what each
number means). One section per kind of run; a new run of the same kind
replaces its section. Benchmarks compare within one run: the ratios
travel between machines, the absolute numbers do not.
"""


def write_results(path, label, text, f):
    begin = "<!-- bench/run: %s -->" % label
    end = "<!-- end: %s -->" % label
    section = "%s\n## %s\n\n%s, commit %s\n\n```\n%s```\n%s\n" % (
        begin, label, f.get("date", "?"), f.get("commit", "?"), text, end)
    try:
        with open(path, encoding="utf-8") as fh:
            old = fh.read()
    except FileNotFoundError:
        old = HEADER
    pat = re.compile(re.escape(begin) + r".*?" + re.escape(end) + r"\n?", re.S)
    if pat.search(old):
        new = pat.sub(lambda _: section, old)
    else:
        new = old.rstrip("\n") + "\n\n" + section
    tmp = path + ".tmp"
    with open(tmp, "w", encoding="utf-8") as fh:
        fh.write(new)
    os.replace(tmp, path)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("dir")
    ap.add_argument("--write-results", metavar="FILE")
    ap.add_argument("--label")
    a = ap.parse_args()
    text, f = report(a.dir)
    sys.stdout.write(text)
    if a.write_results:
        write_results(a.write_results, a.label or "run", text, f)
        print("(written to %s, section \"%s\")" % (a.write_results, a.label or "run"))


if __name__ == "__main__":
    main()
