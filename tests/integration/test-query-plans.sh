#!/bin/bash
# The queries made for every message (duplicates, matching, the rate
# limit, `show REF`) search an index; none scans a table that grows with
# the call. The statements are bench/queries.sql's, which follows
# src/store; the plans are SQLite's own, on a database guichet made.
set -u
. "$GU_TOP_SRCDIR/tests/integration/common.sh"
gu_setup
printf 'From: a@b.example\nSubject: x\nMessage-ID: <p@b.example>\n\nx\n' >"$GU_TMP/mail/m.eml"
guichet ingest "$GU_TMP/mail/m.eml" >/dev/null 2>&1
python3 - "$GU_TMP/state/guichet.db" "$GU_TOP_SRCDIR/bench/queries.sql" <<'PY'
import re, sqlite3, sys
db = sqlite3.connect(sys.argv[1])
blocks = re.findall(r"^-- name: (.*?)\n(.*?)\n;", open(sys.argv[2]).read(), re.S | re.M)
# Whole-call reports (list, export, digest) may read everything; the
# per-message path may not.
hot = [b for b in blocks if re.match(r"(intake|matching|rate limit|show REF)", b[0])]
print(f"1..{len(hot) + 1}")
print(f"{'ok' if len(hot) >= 8 else 'not ok'} 1 - bench/queries.sql names the per-message queries ({len(hot)})")
for n, (name, sql) in enumerate(hot, 2):
    plan = [row[-1] for row in db.execute("EXPLAIN QUERY PLAN " + sql, [None] * sql.count("?"))]
    scans = [p for p in plan if p.startswith("SCAN")]
    print(f"{'not ok' if scans else 'ok'} {n} - {name}: {'; '.join(plan)}")
PY
