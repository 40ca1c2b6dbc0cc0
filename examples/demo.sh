#!/bin/sh
# The main job on sample data, from a clean checkout on a new Debian 12
# machine: installs the packages, builds guichet, ingests the example
# dossiers of examples/dossiers (each with the receipt time of its
# MANIFEST line) into a fresh database, and shows what an admin sees.
#   sh examples/demo.sh
set -eu
export DEBIAN_FRONTEND=noninteractive LC_ALL=C.UTF-8 LANG=C.UTF-8
top=$(cd "$(dirname "$0")/.." && pwd)
sh "$top/build-aux/deps.sh"
build="${GU_BUILD_DIR:-$top/_build-demo}"
mkdir -p "$build"
(cd "$top" && autoreconf -fi >/dev/null 2>&1)
(cd "$build" && "$top/configure" >/dev/null && make -j2 >/dev/null)

state=$(mktemp -d /tmp/guichet-demo.XXXXXX)
cat >"$state/guichet.conf" <<CONF
[storage]
database = state/guichet.db
blobs = state/blobs
[call]
file = $top/schemas/fabrique-initiatives.call
[imap]
url = maildir:state/mail
[smtp]
url = smtp://127.0.0.1:2525
from = Fabrique d'Initiatives <fabrique@example.org>
[filters]
dir = $build/filters
CONF
guichet() { "$build/src/guichet" -c "$state/guichet.conf" "$@"; }

echo "== guichet ingest (one line per message: REF STATUS, or - OUTCOME)"
grep -v '^#' "$top/examples/dossiers/MANIFEST" | while IFS="$(printf '\t')" read -r file received; do
  printf '%-24s %s  ' "$file" "$received"
  guichet ingest --received "$received" "$top/examples/dossiers/$file"
done
echo
echo "== guichet list"
guichet list
echo
echo "== guichet show FI-2020-0003"
guichet show FI-2020-0003
echo
echo "== guichet export --format csv"
guichet export --format csv
echo
echo "(state kept in $state)"
