#!/bin/bash
# What an applicant writes reaches the admin's screen and spreadsheet: a
# display name, a subject, an organisation and file names made of
# spreadsheet formulas (=cmd|' /C calc'!A0, +1+1, -2+3, @SUM(A1), a
# leading tab) and of terminal controls (ESC, C1 CSI, DEL). Checks that
# `export` and the digest's CSV start such cells with ' (plain numbers
# stay numbers), and that show, list and outbox print no control
# character (show --json escapes them).
set -u
. "$GU_TOP_SRCDIR/tests/integration/common.sh"
gu_setup
tap_plan 26
M="$GU_TMP/mail"
PY=/usr/bin/python3

# b64w TEXT: TEXT (printf %b escapes read) as one RFC 2047 encoded word.
b64w() { printf '=?utf-8?b?%s?=' "$(printf '%b' "$1" | base64 -w0)"; }
# RFC 2231 filename*= value of TEXT: every byte percent-encoded.
pct() { printf '%b' "$1" | od -An -tx1 -v | tr -d ' \n' | sed 's/../%&/g'; }
pdf_b64=$(printf '%%PDF-1.4\n%% hostile\n%%%%EOF\n' | base64 -w0)
attachment() { # file-name
	printf -- "--b1\r\nContent-Type: application/pdf\r\nContent-Disposition: attachment; filename*=utf-8''%s\r\nContent-Transfer-Encoding: base64\r\n\r\n%s\r\n" \
		"$(pct "$1")" "$pdf_b64"
}
mkmsg() { # file from-name address subject body attachment-names...
	local file=$1 name=$2 addr=$3 subject=$4 body=$5 a
	shift 5
	{
		printf 'From: %s <%s>\r\nTo: fabrique@example.org\r\nSubject: %s\r\n' "$(b64w "$name")" "$addr" "$(b64w "$subject")"
		printf 'Message-ID: <%s>\r\nDate: Fri, 14 Feb 2020 10:11:00 +0100\r\nMIME-Version: 1.0\r\n' "${addr/@/.}@x.example"
		printf 'Content-Type: multipart/mixed; boundary="b1"\r\n\r\n'
		printf -- '--b1\r\nContent-Type: text/plain; charset=utf-8\r\nContent-Transfer-Encoding: 8bit\r\n\r\n'
		printf '%b\r\n' "$body"
		for a in "$@"; do attachment "$a"; done
		printf -- '--b1--\r\n'
	} >"$file"
}

# ESC [31m, C1 CSI (U+009B), DEL, BEL: what repaints or retitles a terminal.
CTRL='\033[31m\xc2\x9b2J\x7f\a'
mkmsg "$M/a.eml" "=cmd|' /C calc'!A0${CTRL}" "a@x.example" "+1+1 ${CTRL}sujet" \
	"Bonjour,\nStructure : @SUM(A1) ${CTRL}fin\nCordialement" \
	"-2+3 initiative.pdf" "=cmd|'!A0 budget etude${CTRL}.pdf"
mkmsg "$M/b.eml" "\tTab ${CTRL}Name" "b@x.example" "\t${CTRL}" \
	"Bonjour,\nStructure : -3\nCordialement" "+1+1 plan pluriannuel.pdf" "@SUM(A1) strategie.pdf"
# A tab after a control that the intake turns into a space: the cell
# starts with blanks, then the formula.
mkmsg "$M/c.eml" "Chris" "c@x.example" "Candidature" \
	"Bonjour,\nStructure : \x01\t=1+1\nCordialement" "budget lancement.pdf"

ra=$(guichet ingest --received 2020-02-14T10:12:00+01:00 "$M/a.eml"); rc=$?
tap_ok '[[ $rc -eq 0 && "$ra" == FI-2020-* ]]' "the formula-and-escape mail makes a dossier ($ra)"
rb=$(guichet ingest --received 2020-02-14T10:13:00+01:00 "$M/b.eml"); rc=$?
tap_ok '[[ $rc -eq 0 && "$rb" == FI-2020-* ]]' "the leading-tab mail makes a dossier ($rb)"
rc_=$(guichet ingest --received 2020-02-14T10:14:00+01:00 "$M/c.eml"); rc=$?
tap_ok '[[ $rc -eq 0 && "$rc_" == FI-2020-* ]]' "the tab-and-formula organisation makes a dossier ($rc_)"
A=${ra%% *}
B=${rb%% *}
C=${rc_%% *}

# csvq FILE REF COLUMN: that cell of that dossier's row, between <>,
# with control characters backslash-escaped.
csvq() {
	"$PY" - "$@" <<'PY'
import csv, sys
rows = list(csv.DictReader(open(sys.argv[1], encoding="utf-8", newline="")))
row = [r for r in rows if r["reference"] == sys.argv[2]]
print("<%s>" % row[0][sys.argv[3]].encode("unicode_escape").decode() if row else "<no row>")
PY
}
# csv_bad FILE: every cell that a spreadsheet would run as a formula or
# that holds a control character, one per line; nothing when all is well.
csv_bad() {
	"$PY" - "$1" <<'PY'
import csv, re, sys
number = re.compile(r"[+-]?[0-9]+(\.[0-9]+)?\Z")
control = re.compile("[\x00-\x1f\x7f-\x9f]")
for row in csv.reader(open(sys.argv[1], encoding="utf-8", newline="")):
    for cell in row:
        bare = cell.lstrip(" ")
        if (bare[:1] in ("=", "+", "-", "@") and not number.match(bare)) or control.search(cell):
            print(repr(cell))
PY
}
# controls FILE: how many control characters (C0 but tab and newline,
# DEL, C1 whether UTF-8 encoded or raw bytes) the file holds.
controls() {
	"$PY" - "$1" <<'PY'
import re, sys
text = open(sys.argv[1], "rb").read().decode("utf-8", "surrogateescape")
print(len(re.findall("[\x00-\x08\x0b-\x1f\x7f-\x9f\udc80-\udc9f]", text)))
PY
}

# ---- export --format csv ----
guichet export --format csv >"$GU_TMP/export.csv"; rc=$?
tap_is "$rc" 0 "export --format csv exits 0"
X="$GU_TMP/export.csv"
tap_ok '[[ "$(csvq "$X" "$A" applicant_name)" == "<'"'"'=cmd|'"'"' /C calc'"'"'!A0"* ]]' \
	"a display name =cmd|' /C calc'!A0 starts with '"
tap_ok '[[ "$(csvq "$X" "$A" organisation)" == "<'"'"'@SUM(A1) "* ]]' "an organisation @SUM(A1) starts with '"
tap_is "$(csvq "$X" "$A" initiative)" "<'-2+3 initiative.pdf>" "a file name -2+3 starts with '"
tap_ok '[[ "$(csvq "$X" "$A" budget_etude)" == "<'"'"'=cmd|"* ]]' "a file name =cmd|... starts with '"
tap_is "$(csvq "$X" "$B" plan_pluriannuel)" "<'+1+1 plan pluriannuel.pdf>" "a file name +1+1 starts with '"
tap_is "$(csvq "$X" "$B" strategie_deploiement)" "<'@SUM(A1) strategie.pdf>" "a file name @SUM(A1) starts with '"
tap_is "$(csvq "$X" "$C" organisation)" "<'  =1+1>" "blanks before a formula do not hide it"
tap_is "$(csvq "$X" "$B" organisation)" "<-3>" "a plain number (-3) is left as it is"
tap_is "$(csv_bad "$GU_TMP/export.csv")" "" "no cell of the export is a formula or holds a control character"

# ---- the digest's CSV is the same text ----
guichet digest --stdout --date 2020-02-14 >"$GU_TMP/digest.eml"; rc=$?
tap_is "$rc" 0 "digest --stdout --date 2020-02-14 exits 0"
"$PY" - "$GU_TMP/digest.eml" <<'PY'
import email, email.policy, sys
m = email.message_from_binary_file(open(sys.argv[1], "rb"), policy=email.policy.default)
open(sys.argv[1] + ".csv", "wb").write(next(m.iter_attachments()).get_payload(decode=True))
open(sys.argv[1] + ".txt", "w", encoding="utf-8").write(m.get_body(("plain",)).get_content())
PY
tap_ok 'cmp -s "$GU_TMP/digest.eml.csv" "$GU_TMP/export.csv"' "the digest attaches exactly what export prints"
tap_is "$(csv_bad "$GU_TMP/digest.eml.csv")" "" "no cell of the digest's CSV is a formula or holds a control character"
tap_ok '[[ "$(csvq "$GU_TMP/digest.eml.csv" "$A" applicant_name)" == "<'"'"'=cmd|"* ]]' "the digest's CSV neutralises =cmd too"
tap_is "$(controls "$GU_TMP/digest.eml.txt")" 0 "the digest's text holds no control character"

# ---- text views: nothing a terminal would obey ----
guichet show "$A" >"$GU_TMP/show-a.txt"; rc=$?
tap_is "$rc:$(controls "$GU_TMP/show-a.txt")" "0:0" "show $A prints no ESC, DEL or C1"
tap_ok 'grep -qF "=cmd|'"'"' /C calc'"'"'!A0 [31m" "$GU_TMP/show-a.txt" && grep -qF "+1+1 " "$GU_TMP/show-a.txt"' \
	"show $A still prints the name and subject, controls as spaces"
guichet show "$B" >"$GU_TMP/show-b.txt"; rc=$?
tap_is "$rc:$(controls "$GU_TMP/show-b.txt")" "0:0" "show $B prints no ESC, DEL or C1"
guichet list >"$GU_TMP/list.txt"; rc=$?
tap_is "$rc:$(controls "$GU_TMP/list.txt")" "0:0" "list prints no ESC, DEL or C1"
tap_ok 'grep -qF "@SUM(A1) " "$GU_TMP/list.txt"' "list still prints the organisation"
guichet outbox >"$GU_TMP/outbox.txt"; rc=$?
tap_is "$rc:$(controls "$GU_TMP/outbox.txt")" "0:0" "outbox prints no ESC, DEL or C1"

# ---- JSON: json-glib escapes controls; nothing raw reaches the screen ----
guichet show "$A" --json >"$GU_TMP/show-a.json"; rc=$?
tap_is "$rc:$(controls "$GU_TMP/show-a.json")" "0:0" "show --json holds no raw ESC, DEL or C1"
guichet list --json >"$GU_TMP/list.json"; rc=$?
tap_is "$rc:$(controls "$GU_TMP/list.json")" "0:0" "list --json holds no raw ESC, DEL or C1"
tap_done
