#!/bin/bash
# See the admins' digest as a browser shows it: the example dossiers of
# examples/dossiers (the demo's data) ingested into a throwaway state,
# then the HTML part of the digest of one day rendered by headless
# Chromium (Debian package `chromium`) at 375 px (a phone) and 1,200 px
# wide into PNGs. Not part of `make check`; the PNGs are not kept in git.
#   bash doc/render-digest.sh [BUILD_DIR] [DAY] [OUT_DIR]
# BUILD_DIR holds a built src/guichet (default _build), DAY the digest's
# day (default 2020-02-25, when most dossiers are in), OUT_DIR where the
# HTML, the text part and the PNGs go (default a new temporary folder).
set -eu
top=$(cd "$(dirname "$0")/.." && pwd)
build=$(cd "${1:-$top/_build}" && pwd)
day=${2:-2020-02-25}
out=${3:-$(mktemp -d /tmp/guichet-digest.XXXXXX)}
mkdir -p "$out"
state=$(mktemp -d /tmp/guichet-render.XXXXXX)
trap 'rm -rf "$state"' EXIT
cat >"$state/guichet.conf" <<CONF
[storage]
database = state/guichet.db
blobs = state/blobs
[call]
file = $top/schemas/fabrique-initiatives.call
[imap]
url = maildir:state/mail
[smtp]
url = smtp://127.0.0.1:1
from = Fabrique d'Initiatives <fabrique@example.org>
[filters]
dir = $build/filters
CONF
guichet() { "$build/src/guichet" -c "$state/guichet.conf" "$@"; }
grep -v '^#' "$top/examples/dossiers/MANIFEST" | while IFS="$(printf '\t')" read -r file received; do
	guichet ingest --received "$received" "$top/examples/dossiers/$file" >/dev/null 2>&1
done
guichet digest --stdout --date "$day" >"$out/digest.eml"
/usr/bin/python3 - "$out" <<'PY'
import email, email.policy, sys
out = sys.argv[1]
m = email.message_from_binary_file(open(out + "/digest.eml", "rb"), policy=email.policy.default)
open(out + "/digest.html", "w").write(m.get_body(("html",)).get_content())
open(out + "/digest.txt", "w").write(m.get_body(("plain",)).get_content())
PY
for width in 375 1200; do
	chromium --headless --no-sandbox --disable-gpu --hide-scrollbars \
		--screenshot="$out/digest-$width.png" --window-size="$width,2200" \
		"file://$out/digest.html" >/dev/null 2>&1
done
echo "$out: digest.html, digest.txt, digest-375.png, digest-1200.png"
