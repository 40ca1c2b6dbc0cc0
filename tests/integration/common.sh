# shellcheck shell=bash
# Sourced by the CLI integration tests: TAP helpers (from the rig's lib)
# and a private guichet installation in a temporary folder.
#   gu_setup            makes $GU_TMP with guichet.conf, exports GUICHET_CONFIG;
#                       as root, the config names the rig's daemon account in
#                       [daemon] user and $GU_TMP is handed over to it
#                       (tests/rig/lib.sh, rig_daemon_user)
#   gu_conf_set K=V...  rewrites keys of the test's config (section.key=value)
#   guichet ARGS...     runs the built binary
#   mkdoc, mkmail       tests/tools/mkdoc.py and mkmail.py; q JSON EXPR
#   gu_mail NAME        path of a message made by the test (in $GU_TMP/mail)

: "${GU_TOP_SRCDIR:?run me through make check}"
# shellcheck source=../rig/lib.sh
. "$GU_TOP_SRCDIR/tests/rig/lib.sh"

guichet() { "$GUICHET" "$@"; }

# Real documents and mails for the tests (tests/tools), failing loudly.
PY=/usr/bin/python3
TOOLS="$GU_TOP_SRCDIR/tests/tools"
mkdoc() { "$PY" "$TOOLS/mkdoc.py" "$@" || tap_diag "mkdoc.py $* failed"; }
mkmail() { "$PY" "$TOOLS/mkmail.py" "$@" || tap_diag "mkmail.py failed for $*"; }
# q JSON EXPR: a Python expression over the parsed JSON d (`show --json`…).
q() {
	printf '%s' "$1" | "$PY" -c '
import json, sys
d = json.load(sys.stdin)
v = eval(sys.argv[1])
print(v if isinstance(v, str) else json.dumps(v, sort_keys=True, ensure_ascii=False))
' "$2"
}

gu_setup() {
	rig_daemon_user
	GU_TMP=$(mktemp -d /tmp/guichet-cli.XXXXXX)
	trap 'rm -rf "$GU_TMP"' EXIT
	mkdir -p "$GU_TMP/mail"
	cat >"$GU_TMP/guichet.conf" <<CONF
[storage]
database = state/guichet.db
blobs = state/blobs
[call]
file = $GU_TOP_SRCDIR/schemas/fabrique-initiatives.call
[imap]
url = maildir:state/mail
[smtp]
url = smtp://127.0.0.1:2525
from = Fabrique d'Initiatives <fabrique@example.org>
[filters]
enabled = false
$(rig_daemon_conf)
CONF
	rig_hand_over "$GU_TMP"
	export GUICHET_CONFIG="$GU_TMP/guichet.conf"
}

# Prints the database's scalar answer to SQL (tests may look inside).
gu_sql() { sqlite3 "$GU_TMP/state/guichet.db" "$1"; }
