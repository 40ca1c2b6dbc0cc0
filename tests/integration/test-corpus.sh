#!/bin/bash
# The real-world corpus (../shared/corpus/real-world, 368 public messages):
# every one through `guichet ingest` without a crash or a sanitizer
# report, every one stored, stored once when ingested twice, and the
# attachment names found compared with Python's email package.
set -u
. "$GU_TOP_SRCDIR/tests/integration/common.sh"
corpus="$GU_SHARED_DIR/corpus/real-world"
if [ ! -f "$corpus/MANIFEST.tsv" ]; then
	echo "1..0 # SKIP no corpus at $corpus (set GU_SHARED_DIR)"
	exit 0
fi
gu_setup
tap_plan 8
files=("$corpus"/*.eml)
n=${#files[@]}

guichet ingest --received 2020-02-01T12:00:00+01:00 "${files[@]}" >"$GU_TMP/first" 2>"$GU_TMP/err1"
tap_is $? 0 "ingest of all $n messages exits 0 (no crash, no sanitizer report)"
tap_is "$(wc -l <"$GU_TMP/first")" "$n" "one line per message"
# Four files are the same mail as another one with only transport
# differences (doc/ARCHITECTURE.md rule 7): the same message with LF instead of CRLF
# line ends, or with Received headers added. They are recognised, not
# stored twice; every other file gets its own row.
same_mail="mail-attachment_emails-attachment_pdf_lf.eml
mail-attachment_emails-attachment_pdf_non_ascii_lf.eml
mail-plain_emails-basic_email_lf.eml
mail-rfc2822-example09.eml"
dups=$(paste <(printf '%s\n' "${files[@]##*/}") "$GU_TMP/first" | awk -F'\t' '$2 == "- duplicate" {print $1}')
tap_is "$dups" "$same_mail" "only the four copies that differ in transport alone are duplicates"
tap_is "$(gu_sql 'select count(*) from messages')" "$((n - 4))" "every other message is stored"
tap_diag "outcomes: $(sort "$GU_TMP/first" | sed 's/^FI-[0-9-]* /REF /' | uniq -c | tr -s ' \n' ' ')"

guichet ingest "${files[@]}" >"$GU_TMP/second" 2>/dev/null
tap_is "$(sort -u "$GU_TMP/second")" "- duplicate" "ingested twice: every message is a duplicate"
tap_is "$(gu_sql 'select count(*) from messages')" "$((n - 4))" "and nothing is stored twice"
out=$(guichet verify); tap_is $? 0 "verify: $out"

# Names per file from the database, keyed by the file's SHA-256.
for f in "${files[@]}"; do
	printf '%s\t%s\n' "$(basename "$f")" "$(sha256sum <"$f" | cut -d' ' -f1)"
done >"$GU_TMP/hashes"
gu_sql "select m.raw_sha256, coalesce(d.filename, '') from documents d join messages m on m.id = d.message_row
        where d.archive_path is null and d.filename is not null order by m.id, d.position" >"$GU_TMP/names"
report=$(/usr/bin/python3 "$GU_TOP_SRCDIR/tests/integration/corpus-agreement.py" \
	"$corpus/MANIFEST.tsv" "$GU_TMP/hashes" "$GU_TMP/names")
rc=$?
tap_diag "$report"
tap_is "$rc" 0 "attachment names agree with Python's email wherever it lists real names"
tap_done
