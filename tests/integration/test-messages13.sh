#!/bin/bash
# Documents as applicants really send them (issue 13), through
# `guichet ingest`: (a) a ZIP made by `zip -P` and a 7z made by `7z -p
# -mhe=on` are kept and flagged protected, and the reply asks for a copy
# without a password; (b) Outlook's winmail.dat (written by
# tests/tools/mktnef.py, read back by the `tnef` tool) gives its files as
# documents, with names, sizes and SHA-256 in `show` and the receipt;
# (c) a message with only a WeTransfer link opens a dossier, the link is
# recorded, never fetched, and the reply names the host; (d) a ZIP whose
# part headers run into its base64 (no blank line) is recovered and
# flagged repaired.
set -u
. "$GU_TOP_SRCDIR/tests/integration/common.sh"
gu_setup
tap_plan 28

M="$GU_TMP/mail"
W="$GU_TMP/docs"; mkdir -p "$W"
rig_hand_over "$GU_TMP"

ing() { # mail: the printed line; stderr shown when it fails
	local out rc
	out=$(guichet ingest --received 2020-02-14T10:12:00+01:00 "$1" 2>"$GU_TMP/ing.err"); rc=$?
	[ "$rc" = 0 ] || tap_diag "ingest $1: exit $rc" "$(head -c 2000 "$GU_TMP/ing.err")"
	printf '%s' "$out"
}
last_row() { gu_sql 'select max(id) from messages'; }
# The text of the reply to message row $1, decoded, on one line.
reply_text() {
	local sha
	sha=$(gu_sql "select raw_sha256 from outbox where message_row = $1")
	"$PY" -c '
import email, sys
from email import policy
m = email.message_from_binary_file(open(sys.argv[1], "rb"), policy=policy.default)
print(" ".join(m.get_body(("plain",)).get_content().split()))
' "$GU_TMP/state/blobs/sha256/${sha:0:2}/${sha:2:2}/$sha"
}

# ---- (a) protected archives ----
printf 'Budget de la phase d étude\n' >"$W/budget.txt"
(cd "$W" && zip -q -P secret annexes.zip budget.txt) || tap_diag "zip -P failed"
mkmail --from "Claire Martin <claire@tiers-lieu.example>" --subject "Candidature Fabrique d'Initiatives" \
	--body "Bonjour, voici nos annexes." --attach "$W/annexes.zip;application/zip" -o "$M/zip.eml"
out=$(ing "$M/zip.eml")
ref=${out%% *}
tap_ok '[[ "$ref" == FI-2020-* ]]' "a message with a protected zip opens a dossier ($out)"
row=$(last_row)
json=$(guichet show "$ref" --json)
tap_is "$(q "$json" "[(p['archive_path'], p['state'], p['unreadable']) for p in d['pieces'] if p['state']]")" \
	'[["budget.txt", "protected", "encrypted"]]' "show --json: the entry is protected"
show=$(guichet show "$ref")
tap_ok '[[ "$show" == *"protected: needs a password"* ]]' "show says it is protected"
tap_is "$(gu_sql "select kind from outbox where message_row = $row")" unreadable "the reply is about what could not be read"
text=$(reply_text "$row")
tap_ok '[[ "$text" == *"budget.txt (protégé par mot de passe)"* ]]' "the reply names the file"
tap_ok '[[ "$text" == *"Il est protégé par un mot de passe."* ]]' "and says it is protected by a password"
tap_ok '[[ "$text" == *"version sans mot de passe (ce fichier se trouve dans l'"'"'archive annexes.zip)"* ]]' \
	"and asks for a version without a password, naming the archive"

(cd "$W" && 7z a -bd -bso0 -psecret -mhe=on dossier.7z budget.txt) || tap_diag "7z failed"
mkmail --from "Paul Leroy <paul@fablab.example>" --subject "Candidature Fabrique d'Initiatives" \
	--body "Bonjour, voici le dossier." --attach "$W/dossier.7z;application/x-7z-compressed" -o "$M/7z.eml"
out=$(ing "$M/7z.eml")
ref=${out%% *}
row=$(last_row)
json=$(guichet show "$ref" --json)
tap_is "$(q "$json" "[(p['filename'], p['state']) for p in d['pieces']]")" '[["dossier.7z", "protected"]]' \
	"a 7z with encrypted headers is kept and protected itself"
text=$(reply_text "$row")
tap_ok '[[ "$text" == *"dossier.7z (protégé par mot de passe) Merci de nous en envoyer une version sans mot de passe."* ]]' \
	"the reply names it and asks for a version without a password"

# ---- (b) winmail.dat ----
printf 'Budget de lancement : dépenses et recettes.\n' >"$W/lancement.txt"
printf 'Lettre de soutien de la commune.\n' >"$W/soutien.txt"
"$PY" "$TOOLS/mktnef.py" -o "$W/winmail.dat" "$W/lancement.txt=Budget de lancement été.txt" \
	"$W/soutien.txt=Lettre de soutien.txt" || tap_diag "mktnef.py failed"
tap_is "$(tnef -t "$W/winmail.dat" | cut -f1 | tr '\n' '/')" "Budget de lancement été.txt/Lettre de soutien.txt/" \
	"the tnef tool reads the winmail.dat the test wrote"
mkmail --from "Anne Roux <anne@tierslieu.example>" --subject "Candidature Fabrique d'Initiatives" \
	--body "Bonjour, voici nos pièces." --attach "$W/winmail.dat;application/ms-tnef" -o "$M/tnef.eml"
out=$(ing "$M/tnef.eml")
ref=${out%% *}
tap_ok '[[ "$ref" == FI-2020-* ]]' "a message with a winmail.dat opens a dossier ($out)"
row=$(last_row)
json=$(guichet show "$ref" --json)
sha_l=$(sha256sum <"$W/lancement.txt" | cut -d' ' -f1)
sha_s=$(sha256sum <"$W/soutien.txt" | cut -d' ' -f1)
tap_is "$(q "$json" "[(p['archive_path'], p['size'], p['sha256']) for p in d['pieces'] if p['archive_path']]")" \
	"[[\"Budget de lancement été.txt\", $(stat -c %s "$W/lancement.txt"), \"$sha_l\"], [\"Lettre de soutien.txt\", $(stat -c %s "$W/soutien.txt"), \"$sha_s\"]]" \
	"show --json: the files inside, with their sizes and SHA-256"
tap_is "$(q "$json" "sorted(k for p in d['pieces'] for k in p['kinds'])")" '["budget_lancement", "courrier_soutien"]' \
	"they are classified like any attachment"
show=$(guichet show "$ref")
tap_ok '[[ "$show" == *"Budget de lancement été.txt"* && "$show" == *"${sha_s:0:12}"* ]]' "show lists them"
tap_is "$(gu_sql "select count(*) from documents where message_row = $row and unreadable_reason is not null")" 0 \
	"nothing is flagged unreadable"
text=$(reply_text "$row")
tap_ok '[[ "$text" == *"Budget de lancement été.txt"* && "$text" == *"$sha_l"* && "$text" == *"$sha_s"* ]]' \
	"the receipt names them with their SHA-256"
tap_ok '[[ "$text" == *"Contenu dans l'"'"'archive : winmail.dat"* && "$text" != *"- winmail.dat"* ]]' \
	"each says it came in the winmail.dat, which is not listed itself"

# ---- (c) download links instead of attachments ----
mkmail --from "Luc Petit <luc@asso-velo.example>" --subject "Candidature Fabrique d'Initiatives" \
	--body "Bonjour, notre dossier est trop lourd : https://wetransfer.com/downloads/4a1b2c3d4e5f/9z8y7x et aussi https://www.dropbox.com/s/abc123/budget.xlsx?dl=0 merci." \
	-o "$M/links.eml"
out=$(ing "$M/links.eml")
ref=${out%% *}
tap_ok '[[ "$ref" == FI-2020-* ]]' "a message with only download links opens a dossier ($out)"
row=$(last_row)
json=$(guichet show "$ref" --json)
tap_is "$(q "$json" "[(l['host'], l['url']) for m in d['messages'] for l in m['links']]")" \
	'[["wetransfer.com", "https://wetransfer.com/downloads/4a1b2c3d4e5f/9z8y7x"], ["www.dropbox.com", "https://www.dropbox.com/s/abc123/budget.xlsx?dl=0"]]' \
	"show --json: the links are recorded on the message"
tap_is "$(gu_sql "select count(*) from documents where message_row = $row")" 0 "nothing was fetched"
text=$(reply_text "$row")
tap_ok '[[ "$text" == *"wetransfer.com"* && "$text" == *"www.dropbox.com"* ]]' "the reply names the hosts"
tap_ok '[[ "$text" == *"joints au message"* && "$text" == *"plusieurs messages"* ]]' \
	"and asks for attachments, split over several messages"
tap_ok '[[ "$text" == *"Mo"* ]]' "with the size limit"
show=$(guichet show "$ref")
tap_ok '[[ "$show" == *"link: https://wetransfer.com/downloads/"* ]]' "show lists the links"

# ---- (d) broken MIME: no blank line between a part's headers and body ----
printf 'Budget de la phase d étude.\n' >"$W/etude.txt"
(cd "$W" && zip -q annexe.zip etude.txt) || tap_diag "zip failed"
"$PY" - "$W/annexe.zip" "$M/broken.eml" <<'PY'
import base64, sys
data = base64.encodebytes(open(sys.argv[1], "rb").read()).decode().replace("\n", "\r\n")
msg = ("From: Marc Blanc <marc@asso-jardin.example>\r\nTo: fabrique@example.org\r\n"
       "Subject: Candidature Fabrique d'Initiatives\r\nMessage-ID: <broken-1@asso-jardin.example>\r\n"
       "Date: Fri, 14 Feb 2020 10:00:00 +0100\r\nMIME-Version: 1.0\r\n"
       "Content-Type: multipart/mixed; boundary=\"000bfd031\"\r\n\r\n"
       "--000bfd031\r\nContent-Type: text/plain; charset=UTF-8\r\n\r\nBonjour, notre annexe.\r\n\r\n"
       "--000bfd031\r\nContent-Type: application/x-zip-compressed; name=\"annexe.zip\"\r\n"
       "Content-Transfer-Encoding: base64\r\n"
       "Content-Disposition: attachment; filename=\"annexe.zip\"\r\n" + data +
       "\r\n--000bfd031--\r\n")
open(sys.argv[2], "wb").write(msg.encode())
PY
out=$(ing "$M/broken.eml")
ref=${out%% *}
tap_ok '[[ "$ref" == FI-2020-* ]]' "a message whose zip part lacks the blank line opens a dossier ($out)"
json=$(guichet show "$ref" --json)
tap_is "$(q "$json" "[(p['archive_path'], p['sha256']) for p in d['pieces']]")" \
	"[[\"etude.txt\", \"$(sha256sum <"$W/etude.txt" | cut -d' ' -f1)\"]]" "the zip was recovered and opened"
tap_is "$(gu_sql "select flags & 1024 from documents where filename = 'annexe.zip'")" 1024 \
	"the zip is flagged repaired"
tap_ok '[[ "$(guichet show "$ref")" == *"repaired: its MIME part was broken"* ]]' "show says so"

tap_done
