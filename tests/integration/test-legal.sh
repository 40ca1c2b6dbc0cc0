#!/bin/bash
# The acknowledgement is an "accusé de réception" in French administrative
# law (Code des relations entre le public et l'administration, L112-3,
# L112-11, R112-5, L114-5): read at the rig's SMTP sink, the reply to an
# incomplete dossier and the one to the message that completes it carry
# the date of receipt, the service's name, postal address, email and
# telephone, the missing pieces and the time limit, what silence means,
# and the means of appeal.
set -u
. "$GU_TOP_SRCDIR/tests/rig/lib.sh"
rig_start
rig_guichet_conf
# body N: the decoded text of the sink's message N, blanks collapsed so
# that line wrapping does not matter.
body() {
	/usr/bin/python3 - "$SINK_DIR/$(printf %06d "$1").eml" <<'PY'
import email, email.policy, sys
m = email.message_from_binary_file(open(sys.argv[1], "rb"), policy=email.policy.default)
print(" ".join(m.get_body(("plain",)).get_content().split()))
PY
}
has() { [[ "$1" == *"$2"* ]]; }
tap_plan 16

ex="$GU_TOP_SRCDIR/examples/dossiers"
rig append "$ex/04-falaises.eml" 2020-02-03T09:30:00+01:00 >/dev/null
rig append "$ex/05-falaises-suite.eml" 2020-02-10T16:45:00+01:00 >/dev/null
"$GUICHET" run --once 2>"$T/err"
tap_is "$?" 0 "run --once"
tap_is "$(find "$SINK_DIR" -name '*.eml' | wc -l)" 2 "two replies at the sink"

ack=$(body 1)
tap_ok 'has "$ack" "Accusé de réception" || has "$ack" "accusons réception"' "1: an acknowledgement"
tap_ok 'has "$ack" "reçu le 3 février 2020 à 9 h 30"' "1: the date of receipt"
tap_ok 'has "$ack" "Direction de l'"'"'économie, service Tiers-Lieux"' "1: the service's designation"
tap_ok 'has "$ack" "Abbaye aux Dames Place Reine Mathilde CS 50523 14035 Caen Cedex 1"' "1: its postal address"
tap_ok 'has "$ack" "Courriel : fabrique-initiatives@normandie.example"' "1: its email address"
tap_ok 'has "$ack" "Téléphone : 02 31 06 98 98"' "1: its telephone number"
tap_ok 'has "$ack" "il manque encore les pièces obligatoires suivantes" && has "$ack" "- Un plan de déploiement pluriannuel"' \
	"1: the missing pieces"
tap_ok 'has "$ack" "au plus tard le 1er mars 2020"' "1: the time limit to send them"
tap_ok 'has "$ack" "dans un délai de 2 mois" && has "$ack" "réputée rejetée"' "1: silence means rejection, after 2 months"
tap_ok 'has "$ack" "ce délai ne court qu'"'"'à compter de la réception des pièces manquantes"' \
	"1: incomplete: the delay starts with the missing pieces (L114-5)"
tap_ok 'has "$ack" "recours gracieux" && has "$ack" "tribunal administratif de Caen"' "1: the means of appeal"

done_=$(body 2)
tap_ok 'has "$done_" "comporte désormais l'"'"'ensemble des pièces obligatoires" && has "$done_" "Téléphone : 02 31 06 98 98"' \
	"2: the complete notice names the service too"
tap_ok 'has "$done_" "réputée rejetée" && has "$done_" "tribunal administratif de Caen"' "2: and what silence means, with the appeal"
tap_ok '! has "$done_" "pièces manquantes"' "2: complete: no word of missing pieces"
tap_done
