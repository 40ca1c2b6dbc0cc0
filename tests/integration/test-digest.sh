#!/bin/bash
# The daily digest end to end: the example dossiers up to 3 February 2020
# (and one whose organisation is an HTML injection) through `ingest`, then
# `digest --stdout --date 2020-02-03` read by Python's email parser: the
# subject, the counts, the new dossier and its missing piece, the HTML
# escaped, the CSV attached. Then sent to the rig's SMTP sink: once per
# recipient, once per day; and queued by the daemon once due.
set -u
. "$GU_TOP_SRCDIR/tests/integration/common.sh"
gu_setup
rig_start
trap 'rig_stop; rm -rf "$GU_TMP"' EXIT
tap_plan 27

C="$GUICHET_CONFIG"
cat >"$C" <<CONF
[storage]
database = state/guichet.db
blobs = state/blobs
[call]
file = $GU_TOP_SRCDIR/schemas/fabrique-initiatives.call
[imap]
url = maildir:state/mail
[smtp]
url = smtp://127.0.0.1:$SMTP_PORT
ca_file = $RIG_CA
from = Fabrique d'Initiatives <fabrique@example.org>
[filters]
dir = $GU_TOP_BUILDDIR/filters
$(rig_daemon_conf)
CONF
py() { /usr/bin/python3 - "$@"; }

# --- the dossiers as they stood on the evening of 3 February 2020 ---
ex="$GU_TOP_SRCDIR/examples/dossiers"
grep -v '^#' "$ex/MANIFEST" | while IFS="$(printf '\t')" read -r file received; do
	[[ "$received" < "2020-02-04" ]] || continue
	guichet ingest --received "$received" "$ex/$file" >/dev/null || tap_diag "ingest $file failed"
done
printf '%%PDF-1.4 initiative\n' >"$GU_TMP/initiative.pdf"
/usr/bin/python3 "$GU_TOP_SRCDIR/tests/tools/mkmail.py" --from "Zoé Malin <zoe@malin.example.net>" \
	--subject "Candidature" --body "Bonjour,
Structure : <script>alert(1)</script>
Cordialement" --attach "$GU_TMP/initiative.pdf=Présentation du projet.pdf;application/pdf" \
	-o "$GU_TMP/mail/evil.eml"
guichet ingest --received 2020-02-03T15:00:00+01:00 "$GU_TMP/mail/evil.eml" >/dev/null
# What needs a person that day: a workbook that is no zip (unreadable), a
# stranger quoting FI-2020-0003 (filed elsewhere, with a note), a message
# with no usable sender (set aside).
dossiers="$GU_TOP_SRCDIR/tests/integration/dossiers"
head -c 3000 /dev/urandom >"$GU_TMP/junk.bin"
mk() { /usr/bin/python3 "$GU_TOP_SRCDIR/tests/tools/mkmail.py" "$@"; }
mk --from "Louis Caen <louis@atelier-caen.fr>" --subject "Candidature" --body "Bonjour,
Structure : Atelier partagé de Caen" --attach "$dossiers/initiative.txt=initiative.txt;text/plain" \
	--attach "$GU_TMP/junk.bin=Budgets.xlsx;application/vnd.openxmlformats-officedocument.spreadsheetml.sheet" \
	-o "$GU_TMP/mail/unreadable.eml"
mk --from "Sophie <sophie@ailleurs.example.net>" --subject "Complément au dossier FI-2020-0003" \
	--body "Voici le plan." --attach "$dossiers/plan.txt=plan.txt;text/plain" -o "$GU_TMP/mail/other.eml"
mk --from "undisclosed-recipients:;" --subject "Dossier" --body "Bonjour" \
	--attach "$dossiers/plan.txt=plan.txt;text/plain" -o "$GU_TMP/mail/nosender.eml"
for m in unreadable other nosender; do
	guichet ingest --received 2020-02-03T16:00:00+01:00 "$GU_TMP/mail/$m.eml" >/dev/null 2>&1
done
tap_is "$(gu_sql "select organisation from dossiers where applicant = 'zoe@malin.example.net'")" \
	"<script>alert(1)</script>" "an organisation written as a script tag is on file as it was stated"

# --- digest --stdout: the whole message, nothing sent or recorded ---
guichet digest --stdout --date 2020-02-03 >"$GU_TMP/digest.eml"; rc=$?
tap_is "$rc" 0 "digest --stdout --date 2020-02-03 exits 0"
guichet list --json >"$GU_TMP/list.json"
out=$(py "$GU_TMP/digest.eml" "$GU_TMP/list.json" <<'PY'
import csv, email, email.policy, io, json, sys
raw = open(sys.argv[1], "rb").read()
m = email.message_from_bytes(raw, policy=email.policy.default)
print("subject=" + m["subject"])
print("auto=" + m["auto-submitted"])
print("type=" + m.get_content_type())
print("crlf=%s" % all(l.endswith(b"\r") for l in raw.split(b"\n")[:-1]))
print("long=%d" % sum(len(l) > 79 for l in raw.split(b"\n")))
text = m.get_body(("plain",)).get_content()
html = m.get_body(("html",)).get_content()
open(sys.argv[1] + ".txt", "w").write(text)
open(sys.argv[1] + ".html", "w").write(html)
atts = list(m.iter_attachments())
print("attachments=" + " ".join("%s:%s" % (a.get_filename(), a.get_content_type()) for a in atts))
rows = list(csv.DictReader(io.StringIO(atts[0].get_content(), newline="")))
listed = json.load(open(sys.argv[2]))
print("csv_rows=%d/%d" % (len(rows), len(listed)))
print("csv_refs=%s" % (sorted(r["reference"] for r in rows) == sorted(d["reference"] for d in listed)))
PY
)
txt=$(cat "$GU_TMP/digest.eml.txt" 2>/dev/null)
html=$(cat "$GU_TMP/digest.eml.html" 2>/dev/null)
tap_ok '[[ "$out" == *"subject=[Fabrique d'"'"'Initiatives] Synthèse du 3 février 2020"* ]]' "the subject names the day, decoded"
tap_ok '[[ "$out" == *"auto=auto-generated"* && "$out" == *"type=multipart/mixed"* ]]' \
	"multipart/mixed, Auto-Submitted: auto-generated"
tap_ok '[[ "$out" == *"crlf=True"* && "$out" == *"long=0"* ]]' "CRLF line ends, no line over 78 characters"
mkdir -p "$GU_TMP/show"
for ref in $(gu_sql "select reference from dossiers"); do guichet show --json "$ref" >"$GU_TMP/show/$ref.json"; done
facts=$(/usr/bin/python3 "$GU_TOP_SRCDIR/tests/integration/digest-check.py" "$GU_TMP/digest.eml.html" \
	"$GU_TMP/digest.eml.txt" "$GU_TMP/list.json" "$GU_TMP/show" "$GU_TOP_SRCDIR/schemas/fabrique-initiatives.call" 2020-02-03)
fact() { printf '%s\n' "$facts" | sed -n "s/^$1=//p"; }
printf '%s\n' "$facts" | grep '^#' | while read -r l; do tap_diag "$l"; done
# Unreadable documents of the day, by flag (GU_DOC_UNREADABLE = 2): the
# workbook, and whatever the examples hold.
n_unreadable=$(gu_sql "select count(*) from documents doc join messages m on m.id = doc.message_row
	where doc.flags & 2 and m.received_at >= '2020-02-02T23:00:00Z' and m.received_at < '2020-02-03T23:00:00Z'")
tap_is "$(fact box)" "Autre expéditeur:1,Document illisible:$n_unreadable,Sans expéditeur:1" \
	"à traiter: the unreadable documents ($n_unreadable), the stranger's note, the message without sender; nothing else"
tap_is "$(fact box_refs)" "$(gu_sql "select group_concat(reference, ' ') from (select d.reference from documents doc
	join messages m on m.id = doc.message_row join dossiers d on d.id = m.dossier_id where doc.flags & 2
	union select d.reference from events e join dossiers d on d.id = e.dossier_id where e.kind = 'note' order by 1)")" \
	"the box names the dossiers of the unreadable document and of the note"
tap_is "$(fact matrix_refs):$(fact matrix_rows)" "True:$(gu_sql "select count(*) from dossiers where status = 'incomplete'")" \
	"the matrix has one row per incomplete dossier"
tap_is "$(fact matrix_marks):$(fact matrix_order)" "True:True" \
	"its marks agree with show --json, most advanced first"
tap_is "$(fact chart_counts):$(fact chart_heights):$(fact chart_zero)" "True:True:True" \
	"one bar a day since the opening, in proportion to the new dossiers of the day"
before() { gu_sql "select count(*) from dossiers where status = '$1' and first_received_at < '2020-02-02T23:00:00Z'"; }
now() { gu_sql "select count(*) from dossiers where status = '$1'"; }
change() { local n=$(( $(now "$1") - $(before "$1") )); if [ "$n" -gt 0 ]; then echo "+$n"; elif [ "$n" -lt 0 ]; then echo "−${n#-}"; else echo "="; fi; }
tap_is "$(fact counts)" "$(now incomplete)$(change incomplete) $(now complete)$(change complete) $(now late)$(change late) $(now early)$(change early)" \
	"the counts by status with their change since the day before"
tap_ok '[ "$(fact text_width)" -le 72 ] && [ "$(fact sparkline)" = 34 ]' \
	"the text part within 72 columns, with a sparkline of the 34 days since the opening"
tap_ok '[[ "$html" == *"<table"* && "$html" == *"FI-2020-0003"* ]]' "an HTML part with tables"
tap_ok '[[ "$html" == *"&lt;script&gt;alert(1)&lt;/script&gt;"* && "$html" != *"<script"* ]]' \
	"the organisation is escaped in the HTML"
tap_ok '[[ "$out" == *"attachments=dossiers-2020-02-03.csv:text/csv"* ]]' "the CSV is attached as dossiers-2020-02-03.csv"
tap_ok '[[ "$out" == *"csv_rows=$(gu_sql "select count(*) from dossiers")/"* && "$out" == *"csv_refs=True"* ]]' \
	"one CSV row per dossier"
guichet export >"$GU_TMP/export.csv"
tap_ok 'py "$GU_TMP/digest.eml" "$GU_TMP/export.csv" <<<"import email,email.policy,sys
m=email.message_from_binary_file(open(sys.argv[1],\"rb\"),policy=email.policy.default)
a=next(m.iter_attachments()).get_payload(decode=True)
sys.exit(a!=open(sys.argv[2],\"rb\").read())"' "the attachment is exactly what export prints"
tap_is "$(gu_sql "select count(*) from digests")/$(gu_sql "select count(*) from outbox where kind = 'digest'")" "0/0" \
	"--stdout records nothing"
guichet digest --stdout --date 2020-02-30 >/dev/null 2>&1; tap_is $? 2 "a date that is no day is a usage error"

# --- digest: sent to each recipient, once ---
printf '[digest]\nrecipients = admin@normandie.fr; direction@normandie.fr\ntime = 00:00\n' >>"$C"
digests_in_sink() {
	py "$SINK_DIR" <<'PY'
import email, email.policy, glob, sys
n = 0
for f in glob.glob(sys.argv[1] + "/*.eml"):
    m = email.message_from_binary_file(open(f, "rb"), policy=email.policy.default)
    n += "Synthèse du 3 février 2020" in str(m["subject"])
print(n)
PY
}
out=$(guichet digest --date 2020-02-03); rc=$?
tap_is "$rc" 0 "digest --date 2020-02-03 exits 0"
tap_is "$(digests_in_sink)" 2 "the sink received the digest twice, once per recipient"
out=$(guichet digest --date 2020-02-03); rc=$?
tap_ok '[ "$rc" = 0 ] && [[ "$out" == *"already sent"* ]]' "a second digest of the day says it was sent"
tap_is "$(digests_in_sink)" 2 "and sends nothing more"
guichet outbox --json >"$GU_TMP/outbox.json"
tap_is "$(py "$GU_TMP/outbox.json" <<'PY'
import json, sys
rows = [r for r in json.load(open(sys.argv[1])) if r["kind"] == "digest"]
print(" ".join(sorted("%s:%s" % (r["to"], r["state"]) for r in rows)))
PY
)" "admin@normandie.fr:sent direction@normandie.fr:sent" "outbox --json shows the digest rows, sent"
tap_is "$(gu_sql "select count(*) from digests where day = '2020-02-03' and outbox_id is not null")" 1 \
	"the day is recorded with its outbox row"

# --- the daemon queues yesterday's digest once [digest] time has passed ---
mkdir -p "$GU_TMP/state/mail/"{cur,new,tmp}
rig_hand_over "$GU_TMP/state/mail"
yesterday=$(TZ=Europe/Paris date -d yesterday +%F)
guichet run --once 2>"$GU_TMP/run.err"; rc=$?
tap_is "$rc:$(gu_sql "select count(*) from outbox where kind = 'digest' and state = 'sent' and dedupe_key like 'digest:$yesterday:%'")" \
	"0:2" "run --once queues and sends yesterday's digest ($yesterday) when due"
guichet run --once 2>>"$GU_TMP/run.err"
tap_is "$(gu_sql "select count(*) from outbox where kind = 'digest'")" 4 "a second pass queues nothing more"
tap_done
