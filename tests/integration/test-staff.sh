#!/bin/bash
# Staff of the Region, end to end through `guichet ingest`: a letter of
# support from an authenticated staff address goes to the dossier its
# subject names (any applicant's), as a staff piece, and its sender gets
# a receipt; a letter naming no dossier is parked (`- unmatched`) and the
# sender asked for the reference; the same letter forged (no, or
# someone else's, Authentication-Results) is an applicant's mail: never
# a staff piece; like any other sender's, filed by the reference it
# gives but marked as from another sender (issue 14).
set -u
. "$GU_TOP_SRCDIR/tests/integration/common.sh"
gu_setup
tap_plan 27

cat >>"$GUICHET_CONFIG" <<'CONF'
[staff]
addresses = instructeur@normandie.fr
domains = normandie.fr
trusted_authserv_id = mx.normandie.fr
CONF

M="$GU_TMP/mail"
W="$GU_TMP/docs"; mkdir -p "$W"
# ing WHEN FILE: the printed line, prefixed with the exit status.
ing() {
	local out rc
	out=$(guichet ingest --received "$1" "$2" 2>"$GU_TMP/ing.err"); rc=$?
	[ "$rc" = 0 ] || tap_diag "ingest $2: exit $rc" "$(head -c 2000 "$GU_TMP/ing.err")"
	printf '%s:%s' "$rc" "$out"
}
# q JSON EXPR: a Python expression over the parsed JSON `d`.
q() {
	printf '%s' "$1" | "$PY" -c '
import json, sys
d = json.load(sys.stdin)
try:
    v = eval(sys.argv[1])
except Exception as e:
    v = "<%s: %s>" % (type(e).__name__, e)
print(v if isinstance(v, str) else json.dumps(v, sort_keys=True, ensure_ascii=False, separators=(",", ":")))
' "$2"
}
show() { guichet show "$1" --json; }
outbox() { guichet outbox --json; }
# The decoded body of the stored reply of outbox row KIND (the latest).
reply_body() {
	local sha
	sha=$(gu_sql "select raw_sha256 from outbox where kind = '$1' order by id desc limit 1")
	"$PY" - "$GU_TMP/state/blobs/sha256/${sha:0:2}/${sha:2:2}/$sha" <<'PY'
import email, email.policy, sys
m = email.message_from_binary_file(open(sys.argv[1], "rb"), policy=email.policy.default)
print(m["to"]); print(m["subject"])
print(" ".join(m.get_body(("plain",)).get_content().split()))
PY
}

AR_OURS="Authentication-Results: mx.normandie.fr; dkim=pass header.d=normandie.fr header.s=s2020"
STAFF="Jean Instructeur <instructeur@normandie.fr>"
STAFF_BODY="Bonjour,

Veuillez trouver ci-joint la lettre de soutien de la Région pour ce projet.

Organisme : Région Normandie – Direction de l'aménagement du territoire

Cordialement,
Jean Instructeur"

mkdoc "$W/presentation.pdf" --page "Présentation de l'initiative : un fablab associatif au cœur du Pays de Caux."
mkdoc "$W/soutien.pdf" --page "Lettre de soutien. La Région Normandie soutient le projet de tiers-lieu."
mkdoc "$W/avis.pdf" --page "Avis favorable du conseil municipal sur le projet de tiers-lieu."

# ==== an applicant's dossier ====
mkmail --from "Claire Martin <claire.martin@tierslieu-caux.fr>" --subject "Candidature Fabrique d'Initiatives" \
	--body "Bonjour,

Structure : Tiers-Lieu du Pays de Caux

Voici notre présentation." \
	--attach "$W/presentation.pdf=Presentation du projet.pdf;application/pdf" -o "$M/applicant.eml"
r=$(ing 2020-02-10T09:30:00+01:00 "$M/applicant.eml")
tap_is "$r" "0:FI-2020-0001 incomplete" "the applicant's dossier is created"

# ==== a staff letter naming it ====
mkmail --from "$STAFF" --subject "Lettre de soutien – dossier [FI-2020-0001]" --header "$AR_OURS" \
	--body "$STAFF_BODY" --attach "$W/soutien.pdf=Lettre de soutien.pdf;application/pdf" -o "$M/staff.eml"
r=$(ing 2020-02-12T14:00:00+01:00 "$M/staff.eml")
tap_is "$r" "0:FI-2020-0001 incomplete" "an authenticated staff letter naming the dossier is filed in it"
d=$(show FI-2020-0001)
tap_is "$(q "$d" '[p["source"] for p in d["pieces"] if p["filename"] == "Lettre de soutien.pdf"]')" '["staff"]' \
	"the letter is a staff piece"
tap_is "$(q "$d" '[p["kinds"] for p in d["pieces"] if p["filename"] == "Lettre de soutien.pdf"]')" '[["courrier_soutien"]]' \
	"recognised as a letter of support"
tap_is "$(q "$d" '[p["source"] for p in d["pieces"] if p["filename"] != "Lettre de soutien.pdf"]')" '["applicant"]' \
	"the applicant's piece stays the applicant's"
tap_is "$(q "$d" '" ".join(m["role"] for m in d["messages"])')" "applicant staff" "the message is recorded as staff"
tap_is "$(q "$d" 'd["applicant"] + " / " + str(d["organisation"])')" \
	"claire.martin@tierslieu-caux.fr / Tiers-Lieu du Pays de Caux" \
	"the staff letter's own \"Organisme :\" line does not rename the applicant"
tap_is "$(q "$(guichet list --json)" 'len(d)')" 1 "no dossier created for staff"
ob=$(outbox)
tap_is "$(q "$ob" '[(o["kind"], o["dossier"]) for o in d if o["to"] == "instructeur@normandie.fr"]')" \
	'[["staff-receipt","FI-2020-0001"]]' "outbox: a staff-receipt to the staff address, for the dossier"
tap_is "$(q "$ob" '[o["state"] for o in d if o["kind"] == "staff-receipt"]')" '["pending"]' "the receipt is queued"
body=$(reply_body staff-receipt)
tap_ok '[[ "$body" == *"rattaché au dossier FI-2020-0001"* ]]' "the receipt names the dossier"
tap_ok '[[ "$(sed -n 2p <<<"$body")" == "[FI-2020-0001] Courrier rattaché"* ]]' "subject: $(sed -n 2p <<<"$body")"
sha=$(q "$d" '[p["sha256"] for p in d["pieces"] if p["filename"] == "Lettre de soutien.pdf"][0]')
tap_ok '[[ "$body" == *"$sha"* ]]' "the receipt gives the letter's SHA-256"

# ==== a staff letter naming no dossier: parked ====
mkmail --from "Marie Dupont <marie.dupont@normandie.fr>" --subject "Avis du conseil municipal" \
	--header "Authentication-Results: mx.normandie.fr; dmarc=pass (p=quarantine) header.from=normandie.fr" \
	--body "Bonjour, voici l'avis du conseil municipal." \
	--attach "$W/avis.pdf=Avis conseil municipal.pdf;application/pdf" -o "$M/parked.eml"
r=$(ing 2020-02-13T10:00:00+01:00 "$M/parked.eml")
tap_is "$r" "0:- unmatched" "a staff letter (by domain, DMARC) with no reference is parked"
tap_is "$(gu_sql "select role || ' ' || outcome || ' ' || ifnull(dossier_id, 'none') from messages where sender = 'marie.dupont@normandie.fr'")" \
	"staff unmatched none" "recorded as an unmatched staff message"
ob=$(outbox)
tap_is "$(q "$ob" '[(o["kind"], o["dossier"]) for o in d if o["to"] == "marie.dupont@normandie.fr"]')" \
	'[["staff-unmatched",null]]' "outbox: staff-unmatched, no dossier"
body=$(reply_body staff-unmatched)
avis_sha=$(sha256sum "$W/avis.pdf" | cut -d' ' -f1)
tap_ok '[[ "$body" == *"$avis_sha"* ]]' "the request lists the letter's SHA-256"
tap_ok '[[ "$body" == *"FI-2020-NNNN"* && "$body" == *"pas pu déterminer"* ]]' "and asks for the reference"
tap_is "$(q "$(guichet list --json)" 'len(d)')" 1 "still one dossier"

# ==== the same letter, forged ====
mkmail --from "$STAFF" --subject "Lettre de soutien – dossier [FI-2020-0001]" --message-id "<forged-1@evil.example>" \
	--body "$STAFF_BODY" --attach "$W/soutien.pdf=Lettre de soutien.pdf;application/pdf" -o "$M/forged.eml"
r=$(ing 2020-02-14T10:00:00+01:00 "$M/forged.eml")
tap_is "$r" "0:FI-2020-0001 incomplete" \
	"no Authentication-Results: an applicant's mail, filed by its reference as from another sender (issue 14)"
tap_is "$(gu_sql "select role from messages where message_id = 'forged-1@evil.example'")" "applicant" "recorded as an applicant"
mkmail --from "$STAFF" --subject "Lettre de soutien – dossier [FI-2020-0001]" --message-id "<forged-2@evil.example>" \
	--header "Authentication-Results: mx.evil.example; dkim=pass header.d=normandie.fr" \
	--body "$STAFF_BODY" --attach "$W/avis.pdf=Autre lettre.pdf;application/pdf" -o "$M/forged2.eml"
r=$(ing 2020-02-14T11:00:00+01:00 "$M/forged2.eml")
tap_ok '[[ "$r" == 0:FI-2020-0001\ * && "$(gu_sql "select role from messages where message_id = '"'forged-2@evil.example'"'")" == applicant ]]' \
	"another server's Authentication-Results: still an applicant ($r)"
PIECES='sorted([p["source"], p["other_sender"]] for p in d["pieces"])'
tap_is "$(q "$(show FI-2020-0001)" "$PIECES")" '[["applicant",false],["applicant",true],["applicant",true],["staff",false]]' \
	"neither forgery is a staff piece: both are the applicant's, marked as from another sender"
tap_is "$(q "$(outbox)" '[o["kind"] for o in d if o["to"] == "instructeur@normandie.fr"]')" \
	'["staff-receipt","other-sender-receipt","other-sender-receipt"]' \
	"the forger is answered as another sender, never with a staff receipt"

# ==== replay decides alike ====
guichet replay >/dev/null 2>"$GU_TMP/replay.err"; rc=$?
tap_is "$rc" 0 "replay"
tap_is "$(q "$(show FI-2020-0001)" "$PIECES")" '[["applicant",false],["applicant",true],["applicant",true],["staff",false]]' \
	"after replay, the letter is still a staff piece of FI-2020-0001, the forgeries still marked"

# ==== require_authentication = false: the address alone ====
printf 'require_authentication = false\n' >>"$GUICHET_CONFIG"
mkmail --from "$STAFF" --subject "Second courrier [FI-2020-0001]" --message-id "<loose@normandie.fr>" \
	--body "Un second courrier." --attach "$W/avis.pdf=Avis.pdf;application/pdf" -o "$M/loose.eml"
r=$(ing 2020-02-15T10:00:00+01:00 "$M/loose.eml")
tap_is "$r" "0:FI-2020-0001 incomplete" "without required authentication, the address alone is staff"
