#!/bin/bash
# The walls around filters (doc/ARCHITECTURE.md, "Walls"): a stand-in for
# a filter taken over by a hostile PDF goes after guichet's configuration,
# the IMAP password, the database (directly and through guichet's
# /proc/PID/fd), a TCP listener of this test, the state folder; then it
# runs the real pdftotext. It writes what it got as its text, which
# guichet stores: every attempt must have failed, and the real text must
# still classify the document. Also: check-config names the walls.
set -u
. "$GU_TOP_SRCDIR/tests/integration/common.sh"
gu_setup
tap_plan 21

PY=/usr/bin/python3
STATE="$GU_TMP/state"
SECRET="$GU_TMP/imap.pass"
printf 'imap-secret-%s\n' "$RANDOM$RANDOM" >"$SECRET"
chmod 600 "$SECRET"
mkdir -p "$GU_TMP/tmp" "$STATE"

# The listener: one line per connection with what it was sent, in order.
LOG="$GU_TMP/listener.log"
: >"$LOG"
"$PY" -c '
import os, socket, sys
s = socket.socket()
s.bind(("127.0.0.1", 0))
s.listen(16)
with open(sys.argv[1] + ".tmp", "w") as f:
    f.write(str(s.getsockname()[1]))
os.rename(sys.argv[1] + ".tmp", sys.argv[1])
log = open(sys.argv[2], "a", buffering=1)
while True:
    c, _ = s.accept()
    c.settimeout(5)
    try:
        data = c.recv(100)
    except OSError:
        data = b""
    log.write("connection %r\n" % data)
    c.close()
' "$GU_TMP/port" "$LOG" &
LISTENER=$!
trap 'kill "$LISTENER" 2>/dev/null; rm -rf "$GU_TMP"' EXIT
rig_wait_file "$GU_TMP/port" || echo "Bail out! the listener did not start"
PORT=$(cat "$GU_TMP/port")

# The filters folder: the built one, with a hostile pdf.
mkdir "$GU_TMP/filters"
for f in "$GU_TOP_BUILDDIR"/filters/*; do
	[ -f "$f" ] && cp -p "$f" "$GU_TMP/filters/"
done
cat >"$GU_TMP/filters/pdf" <<HOSTILE
#!/bin/bash
# try WHAT CMD...: WHAT=OPEN when CMD succeeds and says something (within
# a second: without walls, reading a pipe of guichet's would block).
R=
try() {
	local what=\$1 out
	shift
	if out=\$(timeout 1 "\$@" 2>/dev/null) && [ -n "\$out" ]; then R="\$R \$what=OPEN"; else R="\$R \$what=DENIED"; fi
}
try control-read head -c 5 /etc/ld.so.cache
try control-tmp sh -c 'echo x >"\$TMPDIR/mine" && cat "\$TMPDIR/mine"'
try config cat "$GU_TMP/guichet.conf"
try secret cat "$SECRET"
try database head -c 15 "$STATE/guichet.db"
try parent-fd-list ls /proc/\$PPID/fd
for n in \$(seq 0 40); do try "parent-fd-\$n" head -c 64 /proc/\$PPID/fd/\$n; done
try parent-environ cat /proc/\$PPID/environ
try parent-mem head -c 64 /proc/\$PPID/mem
try tcp-bash bash -c 'exec 3<>/dev/tcp/127.0.0.1/$PORT && echo hostile-bash >&3 && echo connected'
try tcp-python $PY -c 'import socket; socket.create_connection(("127.0.0.1", $PORT)).sendall(b"hostile-py"); print("connected")'
try ptrace $PY -c 'import ctypes, sys; sys.exit(ctypes.CDLL(None).ptrace(0x4206, int(sys.argv[1]), 0, 0) != 0 or print("seized"))' \$PPID
try write-state sh -c 'echo pwned >"$STATE/pwned" && echo wrote'
try write-config-folder sh -c 'echo pwned >"$GU_TMP/pwned" && echo wrote'
try write-tmp sh -c 'echo pwned >"\${TMPDIR%/*}/pwned" && echo wrote'
R="\$R nnp-prctl=\$($PY -c 'import ctypes; print(ctypes.CDLL(None).prctl(39, 0, 0, 0, 0))' 2>/dev/null || echo failed)"
R="\$R nnp-status=\$(sed -n 's/^NoNewPrivs:[[:space:]]*//p' /proc/self/status 2>/dev/null || echo unreadable)"
# The report document: what it got, as the reason it "cannot be read".
if head -c 64 /dev/stdin | grep -q walls-report; then
	echo "WALLS\$R" >&2
	exit 65
fi
exec pdftotext -enc UTF-8 -eol unix - -
HOSTILE
chmod 755 "$GU_TMP/filters/pdf"
sed -i '/^\[filters\]/,/^enabled/d' "$GUICHET_CONFIG"
cat >>"$GUICHET_CONFIG" <<CONF
[filters]
dir = $GU_TMP/filters
enabled = true
timeout_seconds = 90
CONF
sed -i "s|^\[imap\]\$|[imap]\npassword_file = $SECRET|" "$GUICHET_CONFIG"
if declare -F rig_hand_over >/dev/null; then rig_hand_over "$GU_TMP"; fi

# Two PDFs: one whose name says nothing, only its text makes it the study
# budget; a stub on which the filter reports instead.
"$PY" "$GU_TOP_SRCDIR/tests/tools/mkdoc.py" "$GU_TMP/document.pdf" \
	--page-file "$GU_TOP_SRCDIR/tests/integration/dossiers/budget-etude.txt"
printf '%%PDF-1.4\n%% walls-report\n%%%%EOF\n' >"$GU_TMP/report.pdf"
"$PY" "$GU_TOP_SRCDIR/tests/tools/mkmail.py" --from "Claire Martin <claire@tiers-lieu.example>" \
	--to fabrique@example.org --subject "Candidature Fabrique d'Initiatives" \
	--date "Fri, 14 Feb 2020 10:11:00 +0100" --body "Bonjour, voici deux pièces." \
	--attach "$GU_TMP/document.pdf=document.pdf" --attach "$GU_TMP/report.pdf=rapport.pdf" \
	-o "$GU_TMP/mail/a.eml"

out=$(TMPDIR="$GU_TMP/tmp" guichet ingest --received 2020-02-14T10:12:00+01:00 "$GU_TMP/mail/a.eml" 2>"$GU_TMP/ingest.err")
rc=$?
tap_is "$rc" 0 "ingest exits 0 with the hostile filter ($out)"
[ "$rc" = 0 ] || tap_diag "$(head -c 2000 "$GU_TMP/ingest.err")"

report=$(gu_sql "select unreadable_reason from documents where filename = 'rapport.pdf'")
tap_ok '[[ "$report" == "WALLS "* ]]' "the filter's report is stored (as why rapport.pdf cannot be read)"
tap_diag "$report"
# got KEY-REGEX: the distinct outcomes of the attempts named so
got() { grep -oE "(^| )($1)=[^ ]*" <<<"$report" | sed 's/.*=//' | sort -u | tr '\n' ' ' | sed 's/ $//'; }

tap_is "$(got control-read)" OPEN "control: the filter can read the system's files"
tap_is "$(got control-tmp)" OPEN "control: the filter can write in its own TMPDIR"
tap_is "$(got config)" DENIED "guichet.conf cannot be read"
tap_is "$(got secret)" DENIED "the IMAP password file cannot be read"
tap_is "$(got database)" DENIED "the database cannot be read"
tap_is "$(got parent-fd-list)" DENIED "guichet's /proc/PID/fd cannot be listed"
tap_is "$(got 'parent-fd-[0-9]+')" DENIED "no descriptor of guichet can be opened through /proc/PID/fd (0 to 40)"
tap_is "$(got 'parent-(environ|mem)')" DENIED "nor its environment or memory"
tap_is "$(got 'tcp-(bash|python)')" DENIED "no TCP connection to 127.0.0.1"
tap_is "$(got ptrace)" DENIED "guichet cannot be traced"
tap_is "$(got 'write-(state|config-folder|tmp)')" DENIED "no file written outside its TMPDIR"
tap_is "$(find "$STATE" "$GU_TMP" "$GU_TMP/tmp" -maxdepth 1 -name pwned | wc -l)" 0 \
	"and none appeared in the state, config or temporary folder"
tap_is "$(got nnp-prctl)" 1 "no_new_privs is set"
tap_ok '[[ "$(got nnp-status)" =~ ^(unreadable|1)$ ]]' "/proc/self/status is walled off or says NoNewPrivs: 1"

# The listener works (this test connects), and got nothing before.
"$PY" -c 'import socket, sys; socket.create_connection(("127.0.0.1", int(sys.argv[1]))).sendall(b"probe")' "$PORT"
tries=200
until grep -q probe "$LOG" || [ "$tries" = 0 ]; do sleep 0.05; tries=$((tries - 1)); done
tap_is "$(cat "$LOG")" "connection b'probe'" "the listener received the test's probe and nothing else"

kinds=$(guichet show "$(gu_sql 'select reference from dossiers')" --json |
	"$PY" -c 'import json, sys; print(",".join(sorted(k for p in json.load(sys.stdin)["pieces"] if p["filename"] == "document.pdf" for k in p["kinds"])))')
tap_is "$kinds" budget_etude "pdftotext's text came through: document.pdf is classified from its content"
tap_is "$(find "$GU_TMP/tmp" -mindepth 1 | wc -l)" 0 "the filter's private temporary folder is gone"

# check-config: which walls this machine puts up, on stderr.
out=$(guichet check-config 2>"$GU_TMP/cc.err"); rc=$?
tap_is "$rc:$out" "0:" "check-config still prints no problem and exits 0"
tap_is "$(grep -cE '^walls: (landlock|seccomp|no_new_privs): ' "$GU_TMP/cc.err")" 3 \
	"check-config names Landlock, seccomp and no_new_privs, one line each"
tap_diag "$(cat "$GU_TMP/cc.err")"

tap_done
