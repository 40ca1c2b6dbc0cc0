#!/bin/bash
# Reminders before the deadline (issue 14, item 4), end to end: with
# [reminders] days_before = 7, 2, `guichet remind --date` queues one
# reminder per incomplete dossier on 23 and 28 February 2020 (the call
# closes on 1 March), to its applicant, saying what is missing and the
# deadline; never to a complete, late or early dossier, nor to one opened
# after the day; once per dossier and day, run twice, after `replay`, and
# when the rate limits suppressed it. Then the daemon: on a reminder day
# (a call closing a week from today), `run --once` queues the day's
# reminders once, across restarts.
set -u
. "$GU_TOP_SRCDIR/tests/integration/common.sh"
gu_setup
tap_plan 25

printf '[reminders]\ndays_before = 7, 2\n' >>"$GUICHET_CONFIG"

M="$GU_TMP/mail"
W="$GU_TMP/docs"; mkdir -p "$W"
# ing WHEN FILE [CONFIG]: the printed line, prefixed with the exit status.
ing() {
	local out rc
	out=$(guichet ingest --received "$1" "$2" 2>"$GU_TMP/ing.err"); rc=$?
	[ "$rc" = 0 ] || tap_diag "ingest $2: exit $rc" "$(head -c 2000 "$GU_TMP/ing.err")"
	printf '%s:%s' "$rc" "$out"
}
# ref_of WHEN FILE: the reference the message went to.
ref_of() { local r; r=$(ing "$1" "$2"); r=${r#0:}; printf '%s' "${r%% *}"; }
# The stored mail of outbox row ID: To, Subject, then the body on one line.
mail_text() {
	local sha
	sha=$(gu_sql "select raw_sha256 from outbox where id = $1")
	"$PY" - "$(dirname "$GUICHET_CONFIG")/state/blobs/sha256/${sha:0:2}/${sha:2:2}/$sha" <<'PY'
import email, email.policy, sys
m = email.message_from_binary_file(open(sys.argv[1], "rb"), policy=email.policy.default)
print(m["to"]); print(m["subject"])
print(" ".join(m.get_body(("plain",)).get_content().split()))
PY
}
mail_header() {
	local sha
	sha=$(gu_sql "select raw_sha256 from outbox where id = $1")
	"$PY" - "$(dirname "$GUICHET_CONFIG")/state/blobs/sha256/${sha:0:2}/${sha:2:2}/$sha" "$2" <<'PY'
import email, email.policy, sys
m = email.message_from_binary_file(open(sys.argv[1], "rb"), policy=email.policy.default)
print(m[sys.argv[2]] or "")
PY
}
reminders() { gu_sql "select count(*) from outbox where kind = 'reminder'"; }

mkdoc "$W/initiative.pdf" --page "Présentation de l'initiative : un café associatif."
mkdoc "$W/strategie.pdf" --page "Stratégie de déploiement du café associatif."
mkdoc "$W/etude.pdf" --page "Budget de la phase d'étude."
mkdoc "$W/deploiement.pdf" --page "Budget de déploiement du bien."
mkdoc "$W/plan.pdf" --page "Plan de déploiement pluriannuel 2020-2023."
mkdoc "$W/lancement.pdf" --page "Budget de lancement et de mise en œuvre."
ALL=(--attach "$W/initiative.pdf=Présentation du projet.pdf" --attach "$W/strategie.pdf=Stratégie de déploiement.pdf"
	--attach "$W/etude.pdf=Budget étude.pdf" --attach "$W/deploiement.pdf=Budget déploiement.pdf"
	--attach "$W/plan.pdf=Plan pluriannuel.pdf" --attach "$W/lancement.pdf=Budget lancement.pdf")
TWO=(--attach "$W/initiative.pdf=Présentation du projet.pdf" --attach "$W/strategie.pdf=Stratégie de déploiement.pdf")

# ==== the dossiers, one of each kind ====
mkmail --from "Anne <anne@complet.fr>" --subject "Candidature" --body "Notre dossier complet." "${ALL[@]}" -o "$M/a.eml"
RA=$(ref_of 2020-02-01T10:00:00+01:00 "$M/a.eml")
mkmail --from "Bruno <bruno@incomplet.fr>" --subject "Candidature" --body "Deux pièces." "${TWO[@]}" -o "$M/b.eml"
RB=$(ref_of 2020-02-03T10:00:00+01:00 "$M/b.eml")
mkmail --from "Chloé <chloe@avance.fr>" --subject "Candidature" --body "En avance." "${ALL[@]}" -o "$M/c1.eml"
RC=$(ref_of 2019-12-20T10:00:00+01:00 "$M/c1.eml")
mkmail --from "Chloé <chloe@avance.fr>" --subject "Re: [$RC] de nouveau" --body "Deux pièces, de nouveau." "${TWO[@]}" -o "$M/c2.eml"
ing 2020-01-06T10:00:00+01:00 "$M/c2.eml" >/dev/null
mkmail --from "Denis <denis@tot.fr>" --subject "Candidature" --body "Trop tôt." "${TWO[@]}" -o "$M/d.eml"
RD=$(ref_of 2019-12-15T10:00:00+01:00 "$M/d.eml")
mkmail --from "Emma <emma@tard.fr>" --subject "Candidature" --body "Trop tôt." "${TWO[@]}" -o "$M/e1.eml"
RE=$(ref_of 2019-12-16T10:00:00+01:00 "$M/e1.eml")
mkmail --from "Emma <emma@tard.fr>" --subject "Re: [$RE] suite" --body "Et trop tard." "${TWO[@]}" -o "$M/e2.eml"
ing 2020-03-05T10:00:00+01:00 "$M/e2.eml" >/dev/null
mkmail --from "Fanny <fanny@tardive.fr>" --subject "Candidature" --body "Deux pièces." "${TWO[@]}" -o "$M/f.eml"
RF=$(ref_of 2020-02-25T10:00:00+01:00 "$M/f.eml")
tap_is "$(guichet list --json | "$PY" -c 'import json,sys; print(" ".join(x["reference"] + ":" + x["status"] for x in sorted(json.load(sys.stdin), key=lambda x: x["reference"])))')" \
	"$RA:complete $RB:incomplete $RC:incomplete $RD:early $RE:late $RF:incomplete" \
	"the dossiers: complete, incomplete, early then resent, early, early then late, opened on 25 February"

# ==== guichet remind --date ====
out=$(guichet remind --date 2020-02-23 2>"$GU_TMP/err"); rc=$?
tap_is "$rc|$out" "0|$RB pending
$RC pending" "7 days before: one reminder to each incomplete dossier open by then, none to the others"
tap_is "$(gu_sql "select recipient || ' ' || d.reference from outbox o join dossiers d on d.id = o.dossier_id where o.kind = 'reminder' order by d.reference")" \
	"bruno@incomplet.fr $RB
chloe@avance.fr $RC" "to each dossier's applicant, for the dossier"
row=$(gu_sql "select o.id from outbox o join dossiers d on d.id = o.dossier_id where o.kind = 'reminder' and d.reference = '$RB'")
t=$(mail_text "$row")
tap_ok '[[ "$t" == "bruno@incomplet.fr"* && "$t" == *"[$RB] Rappel avant la clôture – Fabrique d'"'"'Initiatives"* ]]' \
	"the reminder's To and Subject"
tap_ok '[[ "$t" == *"Votre dossier $RB"*"est à ce jour incomplet"* && "$t" == *"au plus tard le 1er mars 2020 à 23 h 59 (heure de Paris), dans 7 jours"* ]]' \
	"it says the deadline, and how many days are left"
tap_ok '[[ "$t" == *"il y manque les pièces obligatoires suivantes. - Un budget pour la phase d'"'"'étude"*"Un budget de lancement"* && "$t" == *"Pièces figurant à ce jour dans votre dossier : - L'"'"'initiative proposée"* ]]' \
	"it lists what is missing, and what is there"
tap_is "$(mail_header "$row" auto-submitted)|$(mail_header "$row" in-reply-to)" \
	"auto-generated|<$(gu_sql "select smtp_message_id from outbox where kind = 'ack-new' and recipient = 'bruno@incomplet.fr'")>" \
	"Auto-Submitted: auto-generated, in the thread of the applicant's acknowledgement"
tap_is "$(gu_sql "select state from outbox where kind = 'reminder' group by state")" "pending" "queued, for the outbox to send"
tap_is "$(gu_sql "select days_before || ' ' || queued from reminder_days where day = '2020-02-23'")" "7 2" "the day is recorded"
guichet digest --stdout --date 2020-02-23 >"$GU_TMP/digest.eml" 2>"$GU_TMP/digest.err"
"$PY" - "$GU_TMP/digest.eml" >"$GU_TMP/digest.txt" <<'PY'
import email, email.policy, sys
m = email.message_from_binary_file(open(sys.argv[1], "rb"), policy=email.policy.default)
print(m.get_body(preferencelist=("plain",)).get_content())
PY
tap_ok 'grep -q "Relance : $RB, bruno@incomplet.fr" "$GU_TMP/digest.txt"' "the day's digest lists the reminders sent"
grep -q "Relance : $RB" "$GU_TMP/digest.txt" || tap_diag "$(grep -A12 'DEPUIS' "$GU_TMP/digest.txt")" "$(cat "$GU_TMP/digest.err")"

out=$(guichet remind --date 2020-02-23 2>&1); rc=$?
tap_is "$rc|$out|$(reminders)" "0||2" "run again for the same day: nothing more"
tap_is "$(guichet remind --date 2020-02-24 2>&1)" "no reminder due on 2020-02-24" "a day that is not a reminder day: none"
tap_is "$(guichet remind --date 2020-03-01 2>&1)|$(guichet remind --date 2019-12-27 2>&1)" \
	"no reminder due on 2020-03-01|no reminder due on 2019-12-27" "nor on the closing day, nor 7 days before 3 January (the window was not open)"
guichet remind --date 2020-02-30 >/dev/null 2>&1
tap_is "$?" 2 "a day that does not exist is a usage error"

# The rate limits apply: the daily cap (here 0) suppresses them, and a
# suppressed reminder is a reminder sent for the day.
sed -i 's/^\[smtp\]$/[smtp]\nmax_replies_per_address_per_day = 0/' "$GUICHET_CONFIG"
out=$(guichet remind --date 2020-02-28 2>&1)
tap_is "$out" "$RB suppressed: daily cap of 0 replies to bruno@incomplet.fr reached
$RC suppressed: daily cap of 0 replies to chloe@avance.fr reached
$RF suppressed: daily cap of 0 replies to fanny@tardive.fr reached" \
	"2 days before (a dossier opened on the 25th included), over the daily cap: suppressed, and said so"
sed -i '/^max_replies_per_address_per_day = 0$/d' "$GUICHET_CONFIG"
tap_is "$(guichet remind --date 2020-02-28 2>&1)|$(reminders)" "|5" "once per dossier and day, suppressed or not"
tap_is "$(gu_sql "select count(*) from events e join dossiers d on d.id = e.dossier_id where e.kind = 'reply-suppressed' and d.reference = '$RF'")" 1 \
	"the suppression is in the dossier's events"

# `outbox --json` shows them as the kind reminder.
tap_is "$(guichet outbox --json | "$PY" -c 'import json,sys; print(sorted(set((o["kind"], o["dossier"] is not None, bool(o["message_id"])) for o in json.load(sys.stdin) if o["kind"] == "reminder")))')" \
	"[('reminder', True, True)]" "outbox --json: kind reminder, with the dossier and the Message-ID"

# ==== replay keeps them: nothing is reminded twice ====
OUTBOX='import json, sys; print("\n".join(sorted(json.dumps([o["kind"], o["to"], o["dossier"], o["state"], o["message_id"]]) for o in json.load(sys.stdin))))'
guichet outbox --json | "$PY" -c "$OUTBOX" >"$GU_TMP/outbox-before"
guichet replay >/dev/null 2>"$GU_TMP/err" || tap_diag "replay: $(cat "$GU_TMP/err")"
guichet outbox --json | "$PY" -c "$OUTBOX" >"$GU_TMP/outbox-after"
tap_ok 'cmp -s "$GU_TMP/outbox-before" "$GU_TMP/outbox-after"' "replay: the reminders are kept, with their states"
cmp -s "$GU_TMP/outbox-before" "$GU_TMP/outbox-after" || tap_diag "$(diff "$GU_TMP/outbox-before" "$GU_TMP/outbox-after")"
tap_is "$(guichet remind --date 2020-02-23 2>&1)|$(guichet remind --date 2020-02-28 2>&1)|$(reminders)" "||5" \
	"after replay, remind queues nothing again"

# ==== check-config ====
printf 'time = 25:00\n' >>"$GUICHET_CONFIG"
sed -i 's/^days_before = 7, 2$/days_before = 7 jours/' "$GUICHET_CONFIG"
out=$(guichet check-config 2>&1)
tap_ok '[[ "$out" == *"[reminders] days_before: \"7 jours\" is not a list of whole days"* && "$out" == *"[reminders] time: \"25:00\" is not HH:MM"* ]]' \
	"check-config: a bad days_before and a bad time"
sed -i 's/^days_before = 7 jours$/days_before = 7, 2/; /^time = 25:00$/d' "$GUICHET_CONFIG"

# ==== the daemon: a call that closes a week from today ====
B="$GU_TMP/daemon"
mkdir -p "$B/state/mail/"{cur,new,tmp}
today=$(TZ=Europe/Paris date +%F)
opens=$(TZ=Europe/Paris date -d "-30 days" +%F)
closes=$(TZ=Europe/Paris date -d "+7 days" +%F)
sed -e "s/^opens = .*/opens = $opens/" -e "s/^closes = .*/closes = $closes/" \
	-e "s|^templates = .*|templates = $GU_TOP_SRCDIR/templates|" \
	"$GU_TOP_SRCDIR/schemas/fabrique-initiatives.call" >"$B/semaine.call"
sed -e "s|^file = .*|file = $B/semaine.call|" -e '/^\[reminders\]$/,$d' "$GUICHET_CONFIG" >"$B/guichet.conf"
printf '[reminders]\ndays_before = 7\ntime = 00:00\n' >>"$B/guichet.conf"
rig_hand_over "$B"
export GUICHET_CONFIG="$B/guichet.conf"
mkmail --from "Gaël <gael@semaine.fr>" --subject "Candidature" --body "Deux pièces." "${TWO[@]}" -o "$M/g.eml"
RG=$(guichet ingest "$M/g.eml" 2>/dev/null); RG=${RG%% *}
mkmail --from "Hugo <hugo@semaine.fr>" --subject "Candidature" --body "Tout." "${ALL[@]}" -o "$M/h.eml"
guichet ingest "$M/h.eml" >/dev/null 2>&1
gu_sql() { sqlite3 "$B/state/guichet.db" "$1"; }
guichet run --once 2>"$GU_TMP/run.err"; rc=$?
tap_is "$rc|$(gu_sql "select d.reference || ' ' || o.dedupe_key from outbox o join dossiers d on d.id = o.dossier_id where o.kind = 'reminder'")" \
	"0|$RG reminder:$today:$RG" "run --once on a reminder day queues the day's reminder for the incomplete dossier"
tap_is "$(gu_sql "select days_before || ' ' || queued from reminder_days where day = '$today'")" "7 1" "and records the day"
guichet run --once 2>>"$GU_TMP/run.err"
tap_is "$(gu_sql "select count(*) from outbox where kind = 'reminder'")" 1 "a restart the same day queues nothing more"
tap_is "$(guichet remind 2>&1)|$(gu_sql "select count(*) from outbox where kind = 'reminder'")" "|1" \
	"nor does \`guichet remind\` (today by default)"
tap_done
