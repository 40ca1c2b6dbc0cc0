#!/bin/bash
# The CLI contract: exit codes, --version, --help, check-config, and
# every command of doc/ARCHITECTURE.md built (digest --stdout prints a message).
set -u
. "$GU_TOP_SRCDIR/tests/integration/common.sh"
gu_setup
tap_plan 19

out=$(guichet --version); tap_ok $? "--version exits 0"
tap_ok '[[ "$out" == "guichet "[0-9]* ]]' "--version prints the version"
out=$(guichet --help); tap_ok $? "--help exits 0"
for c in run ingest list show export outbox send digest classify check-config verify replay; do
	[[ "$out" == *"  $c "* ]] || missing="${missing:-} $c"
done
tap_is "${missing:-}" "" "--help lists every command of doc/ARCHITECTURE.md"

guichet frobnicate 2>/dev/null; tap_is $? 2 "an unknown command is a usage error (2)"
guichet 2>/dev/null; tap_is $? 2 "no command is a usage error (2)"
guichet ingest --no-such-option 2>/dev/null; tap_is $? 2 "an unknown option is a usage error (2)"

out=$(guichet digest --stdout 2>&1); rc=$?
tap_is $rc 0 "digest --stdout exits 0"
tap_ok '[[ "$out" == *"MIME-Version: 1.0"* && "$out" == *"Content-Type: multipart/mixed"* ]]' \
	"and prints the digest as a MIME message"

# check-config: the shipped example is clean.
cp -r "$GU_TOP_SRCDIR/examples" "$GU_TMP/ex"
mkdir -p "$GU_TMP/schemas" "$GU_TMP/filters"
cp "$GU_TOP_SRCDIR/schemas/fabrique-initiatives.call" "$GU_TMP/schemas/"
cp -R "$GU_TOP_BUILDDIR/filters/." "$GU_TMP/filters/"
out=$(guichet -c "$GU_TMP/ex/guichet.conf" check-config); rc=$?
tap_is "$rc:$out" "0:" "check-config on examples/guichet.conf prints nothing, exits 0"

# Filters are required once enabled: a missing one, or a program a filter
# runs, is a problem for check-config, and run/ingest refuse to start
# (78) rather than tell applicants their pieces are missing.
rm "$GU_TMP/filters/office-text"
sed -i '2a # requires: no-such-extractor' "$GU_TMP/filters/pdf"
out=$(guichet -c "$GU_TMP/ex/guichet.conf" check-config 2>/dev/null); rc=$?
tap_ok '[ "$rc" = 1 ] && [[ "$out" == *"filters/office-text is missing"* ]] && [[ "$out" == *"filters/pdf needs no-such-extractor, which is not installed"* ]]' \
	"check-config names a missing filter and a missing program ($rc)"
printf 'From: a@b.example\nSubject: x\nMessage-ID: <f@b.example>\n\nx\n' >"$GU_TMP/f.eml"
err=$(guichet -c "$GU_TMP/ex/guichet.conf" ingest "$GU_TMP/f.eml" 2>&1 >/dev/null); rc=$?
tap_ok '[ "$rc" = 78 ] && [[ "$err" == *"text extraction is not ready"* ]]' "ingest refuses to start: 78 ($err)"
rm "$GU_TMP/filters/filters.map"
out=$(guichet -c "$GU_TMP/ex/guichet.conf" check-config 2>/dev/null); rc=$?
tap_ok '[ "$rc" = 1 ] && [[ "$out" == *"filters.map"*"enabled = false"* ]]' "and a missing filters.map ($out)"

# The issue's example: three problems, three lines, exit 1.
printf 'secret\n' >"$GU_TMP/imap.secret"; chmod 644 "$GU_TMP/imap.secret"
cat >"$GU_TMP/bad.conf" <<CONF
[storage]
database = state/g.db
blobs = state/blobs
colour = blue
[call]
file = nowhere.call
[imap]
url = imaps://imap.example.org/INBOX
user = fabrique@example.org
password_file = imap.secret
[smtp]
url = smtp://127.0.0.1:2525
from = f@example.org
[filters]
enabled = false
CONF
out=$(guichet -c "$GU_TMP/bad.conf" check-config); rc=$?
tap_is "$rc" 1 "check-config with problems exits 1"
tap_is "$(printf '%s\n' "$out" | wc -l)" 3 "one line per problem"
tap_ok '[[ "$out" == *"unknown key [storage] colour"* ]]' "names the unknown key"
tap_ok '[[ "$out" == *"nowhere.call does not exist"* && "$out" == *"chmod 600"* ]]' "names the call file and the secret"

guichet -c "$GU_TMP/none.conf" check-config 2>/dev/null; tap_is $? 1 "a missing config file is an error (1)"
GUICHET_CONFIG="$GU_TMP/bad.conf" guichet check-config >/dev/null; tap_is $? 1 "\$GUICHET_CONFIG is honoured"
tap_done
