#!/bin/bash
# Ingest throughput on the real-world corpus, as ratios against baselines
# measured in the same run on the same files (never an absolute time):
#   hash   sha256sum of every file (the floor: reading and hashing)
#   python Python's email package parsing every file and walking its parts
#   guichet guichet ingest of every file into a fresh store (fsync on),
#          text filters off (they are measured by the filters' own tests)
# Usage: bench/ingest.sh BUILD_DIR [CORPUS_DIR]   (a build without sanitizers)
set -eu
build=${1:?usage: bench/ingest.sh BUILD_DIR [CORPUS_DIR]}
top=$(cd "$(dirname "$0")/.." && pwd)
corpus=${2:-$top/../shared/corpus/real-world}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
files=("$corpus"/*.eml)
cat >"$work/g.conf" <<CONF
[storage]
database = $work/state/g.db
blobs = $work/state/blobs
[call]
file = $top/schemas/fabrique-initiatives.call
[filters]
enabled = false
CONF
seconds() { local s e; s=$(date +%s%N); "$@" >/dev/null 2>&1; e=$(date +%s%N); echo $(( (e - s) / 1000000 )); }
hash_ms=$(seconds sha256sum "${files[@]}")
python_ms=$(seconds /usr/bin/python3 -c '
import email, email.policy, sys
for f in sys.argv[1:]:
    m = email.message_from_binary_file(open(f, "rb"), policy=email.policy.default)
    for part in m.walk():
        part.get_payload(decode=True)
' "${files[@]}")
guichet_ms=$(seconds "$build/src/guichet" -c "$work/g.conf" ingest "${files[@]}")
bytes=$(cat "${files[@]}" | wc -c)
printf '%d messages, %d bytes\n' "${#files[@]}" "$bytes"
printf 'guichet / sha256sum      %6.2f\n' "$(echo "$guichet_ms / ($hash_ms + 1)" | bc -l)"
printf 'guichet / python email   %6.2f   (below 1: faster than parsing alone in Python)\n' \
  "$(echo "$guichet_ms / ($python_ms + 1)" | bc -l)"
