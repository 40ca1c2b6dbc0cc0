#!/bin/bash
# guichet status (issue 15, "Monitoring"): what the daemon's last pass
# left (its poll and the mailbox backlog then), the outbox, the last
# digest, what was quarantined since, the disk; exit 0 all well, 1 a
# [status] threshold passed, 2 the state cannot be read.
set -u
. "$GU_TOP_SRCDIR/tests/integration/common.sh"
gu_setup
tap_plan 21
state="$GU_TMP/state"
# Port 1 refuses connections: the replies stay pending.
sed -i 's|^url = smtp://.*|url = smtp://127.0.0.1:1|' "$GU_TMP/guichet.conf"
mkdir -p "$state/mail/new" "$state/mail/cur" "$state/mail/tmp"
rig_hand_over "$GU_TMP"
# sql: as the account that owns the database, so that no file SQLite
# makes beside it (the WAL) belongs to root.
sql() {
	if [ -n "${RIG_DAEMON_USER:-}" ]; then runuser -u "$RIG_DAEMON_USER" -- sqlite3 "$state/guichet.db" "$1"
	else sqlite3 "$state/guichet.db" "$1"; fi
}
# with_status "KEY = VALUE"...: status under a config with those [status] keys.
with_status() {
	{ cat "$GU_TMP/guichet.conf"; printf '[status]\n'; printf '%s\n' "$@"; } >"$GU_TMP/status.conf"
	"$GUICHET" -c "$GU_TMP/status.conf" status
}
json() { python3 -c 'import json,sys; d=json.load(sys.stdin); print(d'"$1"')'; }

out=$(guichet status 2>&1); rc=$?
tap_is "$rc" 2 "before guichet ever ran: exit 2"
tap_ok '[[ "$out" == *"no database at $state/guichet.db"* ]]' "saying so: $out"

for who in a b; do
	/usr/bin/python3 "$GU_TOP_SRCDIR/tests/tools/mkmail.py" --from "$who@tiers-lieu.example" \
		--subject "Candidature" --body "Bonjour, notre dossier." -o "$state/mail/new/$who.eml"
done
rig_hand_over "$GU_TMP"
guichet run --once 2>"$GU_TMP/run.err"
tap_is "$?" 0 "run --once over two waiting messages"
out=$(guichet status --json); rc=$?
tap_is "$rc" 0 "status: all well (exit 0)"
tap_is "$(json '["backlog"]' <<<"$out")" 2 "the backlog is what waited at the daemon's last listing"
tap_ok '[ "$(json "[\"last_poll_age_seconds\"]" <<<"$out")" -lt 600 ]' "the poll is recent: $(json '["last_poll_at"]' <<<"$out")"
tap_is "$(json '["outbox_pending"]' <<<"$out")" 2 "two acknowledgements pending (the SMTP server refuses)"
tap_is "$(json '["ok"], d["attention"], d["last_digest_day"], d["quarantined_since_last_digest"]' <<<"$out")" \
	"True [] None 0" "ok, nothing needs attention, no digest yet, nothing quarantined"

out=$(with_status "max_backlog = 1"); rc=$?
tap_is "$rc" 1 "a backlog over [status] max_backlog: exit 1"
tap_ok '[[ "$out" == *"attention: 2 messages waiting (more than 1)"* ]]' "saying why"

sql "UPDATE polls SET at = '2020-01-01T00:00:00Z'"
out=$(guichet status); rc=$?
tap_is "$rc" 1 "no poll for longer than max_poll_age_minutes (15): exit 1"
tap_ok '[[ "$out" == *"attention: last poll "*" min ago (more than 15)"* ]]' "saying when: $(grep attention <<<"$out")"
guichet run --once 2>>"$GU_TMP/run.err"
tap_is "$(guichet status --json | json '["backlog"]')" 0 "a new pass records its poll again (nothing waiting)"

sql "UPDATE outbox SET created_at = '2020-01-01T00:00:00Z' WHERE id = (SELECT min(id) FROM outbox)"
out=$(guichet status); rc=$?
tap_ok '[[ "$rc" == 1 && "$out" == *"attention: oldest pending reply"* ]]' \
	"a reply pending for longer than max_pending_age_minutes: exit 1 ($rc)"
sql "UPDATE outbox SET created_at = strftime('%Y-%m-%dT%H:%M:%SZ','now'), state = 'failed'"
out=$(guichet status); rc=$?
tap_ok '[[ "$rc" == 1 && "$out" == *"attention: 2 failed replies (more than 0)"* ]]' "failed replies: exit 1 ($rc)"
sql "UPDATE outbox SET state = 'sent'"

sql "UPDATE messages SET outcome = 'quarantined'"
out=$(with_status "max_quarantined = 1"); rc=$?
tap_ok '[[ "$rc" == 1 && "$out" == *"attention: 2 quarantined since the last digest"* ]]' \
	"quarantined messages over max_quarantined: exit 1 ($rc)"
sql "INSERT INTO digests (day, created_at) VALUES ('2031-01-01', '2999-01-01T00:00:00Z')"
out=$(with_status "max_quarantined = 1"); rc=$?
tap_ok '[[ "$rc" == 0 && "$out" == *"last digest: 2031-01-01"* && "$out" == *"quarantined since the last digest: 0"* ]]' \
	"a digest made since lists them: exit 0 ($rc)"

out=$(with_status "min_free_mb = 2147483647"); rc=$?
tap_ok '[[ "$rc" == 1 && "$out" == *"MiB free under $state (less than 2147483647)"* ]]' "too little disk: exit 1 ($rc)"

echo "[storage" >"$GU_TMP/broken.conf"
out=$("$GUICHET" -c "$GU_TMP/broken.conf" status 2>&1); rc=$?
tap_is "$rc" 2 "a configuration that does not load: exit 2 ($out)"
out=$(guichet status --bogus 2>&1); rc=$?
tap_is "$rc" 2 "a usage error: exit 2"

# check-config (src/core/conf-check.c): the account [daemon] user names.
{ grep -v '^user = ' "$GU_TMP/guichet.conf"; printf '[daemon]\nuser = gu-no-such-account\n'; } >"$GU_TMP/user.conf"
out=$("$GUICHET" -c "$GU_TMP/user.conf" check-config 2>&1)
tap_ok '[[ "$out" == *"[daemon] user: no account \"gu-no-such-account\" on this system"* ]]' \
	"check-config names a [daemon] user that does not exist"
tap_done
