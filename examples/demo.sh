#!/bin/bash
# The main job on sample data, from a clean checkout on a new Debian 12
# machine: installs the packages, builds guichet, starts a throwaway
# Dovecot and SMTP sink on 127.0.0.1 (tests/rig), appends the example
# dossiers of examples/dossiers to the mailbox with their receipt dates,
# runs `guichet run --once`, and shows what an admin and the applicants
# see: `guichet list`, one dossier, the outbox, and the replies captured.
#   bash examples/demo.sh
set -eu
export DEBIAN_FRONTEND=noninteractive LC_ALL=C.UTF-8 LANG=C.UTF-8
top=$(cd "$(dirname "$0")/.." && pwd)
sh "$top/build-aux/deps.sh"
build="${GU_BUILD_DIR:-$top/_build-demo}"
mkdir -p "$build"
(cd "$top" && autoreconf -fi >/dev/null 2>&1)
(cd "$build" && { [ -f Makefile ] || "$top/configure" >/dev/null; } && make -j2 >/dev/null)

# shellcheck source=../tests/rig/lib.sh
. "$top/tests/rig/lib.sh"
rig_start >/dev/null
GU_TOP_SRCDIR=$top GU_TOP_BUILDDIR=$build rig_guichet_conf
state=$T
guichet() { "$build/src/guichet" -c "$state/guichet.conf" "$@"; }

echo "== the mailbox: the example messages, appended with their receipt times"
grep -v '^#' "$top/examples/dossiers/MANIFEST" | while IFS="$(printf '\t')" read -r file received; do
  printf '  %-24s received %s\n' "$file" "$received"
  rig append "$top/examples/dossiers/$file" "$received" >/dev/null
done
echo
echo "== guichet run --once"
guichet -v run --once 2>&1 | sed -n 's/^guichet: info: UID/  UID/p; s/^guichet: notice: /  /p'
echo
echo "== guichet list"
guichet list
echo
echo "== guichet show FI-2020-0003"
guichet show FI-2020-0003
echo
echo "== guichet outbox"
guichet outbox
echo
echo "== the replies the SMTP sink received (one shown in full)"
for f in "$SINK_DIR"/*.eml; do
  /usr/bin/python3 - "$f" <<'PY'
import email, email.policy, sys
m = email.message_from_binary_file(open(sys.argv[1], "rb"), policy=email.policy.default)
print(f"  {m['to']:<36} {m['subject']}")
PY
done
/usr/bin/python3 - "$SINK_DIR/000003.eml" <<'PY'
import email, email.policy, sys
m = email.message_from_binary_file(open(sys.argv[1], "rb"), policy=email.policy.default)
print()
for h in ("From", "To", "Subject", "Auto-Submitted"):
    print(f"{h}: {m[h]}")
print()
print(m.get_body(("plain",)).get_content())
PY
rig_stop
