#!/bin/bash
# Realistic dossiers of the Fabrique d'Initiatives call, end to end: real
# PDF/DOCX/XLSX/ODT/ODS documents (tests/tools/mkdoc.py) in real mails
# (tests/tools/mkmail.py) go through `guichet ingest` with the text
# filters on, then through show/list/export/classify/replay. The texts of
# the sections are in tests/integration/dossiers/.
set -u
. "$GU_TOP_SRCDIR/tests/integration/common.sh"
gu_setup
tap_plan 94

M="$GU_TMP/mail"                              # mails
W="$GU_TMP/docs"; mkdir -p "$W"               # documents
P="$GU_TOP_SRCDIR/tests/integration/dossiers" # section texts
REQUIRED="initiative strategie_deploiement budget_etude budget_deploiement plan_pluriannuel budget_lancement"

# The filters must run: text decides where names say nothing.
filters_conf() { # config-file filters-dir timeout
	sed -i '/^\[filters\]/,$d' "$1"
	printf '[filters]\ndir = %s\nenabled = true\ntimeout_seconds = %s\n' "$2" "$3" >>"$1"
}
filters_conf "$GUICHET_CONFIG" "$GU_TOP_BUILDDIR/filters" 2


# ing WHEN FILE [guichet options before the command]: the printed line,
# prefixed with the exit status ("0:FI-2020-0001 complete"); stderr is
# shown as a diagnostic when the command fails.
ing() {
	local when=$1 file=$2 out rc
	shift 2
	out=$(guichet "$@" ingest --received "$when" "$file" 2>"$GU_TMP/ing.err"); rc=$?
	[ "$rc" = 0 ] || tap_diag "ingest $file: exit $rc" "$(head -c 2000 "$GU_TMP/ing.err")"
	printf '%s:%s' "$rc" "$out"
}
# The reference out of an ing result.
ref_of() { local r=${1#*:}; printf '%s' "${r%% *}"; }
REFS=() # every dossier made in the main state, in order
made() { REFS+=("$(ref_of "$1")"); }

# q JSON EXPR [ARG...]: evaluates a Python expression over the parsed JSON `d`;
# strings print as they are, anything else as compact sorted JSON. The
# ARGs are sys.argv[2:].
q() {
	printf '%s' "$1" | "$PY" -c '
import json, sys
try:
    d = json.load(sys.stdin)
except ValueError as e:
    print("<not JSON: %s>" % e); sys.exit(0)
try:
    v = eval(sys.argv[1])
except Exception as e:
    v = "<%s: %s>" % (type(e).__name__, e)
print(v if isinstance(v, str) else json.dumps(v, sort_keys=True, ensure_ascii=False, separators=(",", ":")))
' "${@:2}"
}
show() { guichet show "$1" --json 2>"$GU_TMP/show.err" || tap_diag "show $1 failed: $(cat "$GU_TMP/show.err")"; }
# Common expressions over a show/list object.
KINDS='{(p["archive_path"] or p["filename"]): sorted(p["kinds"]) for p in d["pieces"]}'
MISSING='" ".join(sorted(d["missing"]))'
LATE='{(p["archive_path"] or p["filename"]): p["late"] for p in d["pieces"]}'
# shellcheck disable=SC2086 # $1 is a list of words
sorted_words() { printf '%s\n' $1 | sort | tr '\n' ' ' | sed 's/ $//'; }
# A JSON object of name -> sorted kinds, from "name=k1,k2" arguments.
kinds_json() {
	"$PY" -c '
import json, sys
print(json.dumps({a.rsplit("=", 1)[0]: sorted(filter(None, a.rsplit("=", 1)[1].split(","))) for a in sys.argv[1:]},
                 sort_keys=True, ensure_ascii=False, separators=(",", ":")))' "$@"
}
n_dossiers() { q "$(guichet list --json)" 'len(d)'; }

# ---- the documents, written as applicants write them ----
pages() { local a=() f; for f in "$@"; do a+=(--page-file "$P/$f.txt"); done; printf '%s\n' "${a[@]}"; }
mapfile -t ALL_PAGES < <(pages couverture initiative strategie budget-etude budget-deploiement plan budget-lancement)
SHEET_ETUDE="Budget de la phase d'étude|;Poste|Montant TTC (€);Étude de faisabilité technique (bureau d'études)|9600;Accompagnement au modèle économique|4800;Concertation et ateliers participatifs|2100;Déplacements et visites de fablabs|900;Total des dépenses|17400;;Financement|Montant (€);Région Normandie – Fabrique d'Initiatives|12180;Communauté de communes|3000;Autofinancement|2220"
SHEET_DEPLOIEMENT="Budget de déploiement du bien / service|;Poste|Montant HT (€);Travaux de mise aux normes|38000;Découpeuse laser\, imprimantes 3D\, outillage|46500;Mobilier et aménagement de l'espace de réparation|7200;Total|91700;;Financement|Montant (€);Région Normandie|36680;Département de la Seine-Maritime|18000;LEADER|20000;Emprunt associatif|10000;Fonds propres|7020"
SHEET_LANCEMENT="Budget de lancement et de mise en œuvre|;Poste (première année)|Montant (€);Salaire chargé du fabmanager (9 mois)|28500;Consommables et maintenance|4200;Communication et inauguration|2800;Assurances|1300;Total|36800"
# The same tables without their title row: only a name can tell then.
untitled() { printf '%s' "${1#*|;}"; }

mkdoc "$W/presentation.pdf" --page-file "$P/initiative.txt" --title "Présentation du projet Fab'Caux"
mkdoc "$W/strategie.docx" --page-file "$P/strategie.txt"
mkdoc "$W/strategie.pdf" --page-file "$P/strategie.txt"
mkdoc "$W/plan.pdf" --page-file "$P/plan.txt"
mkdoc "$W/plan.odt" --page-file "$P/plan.txt"
mkdoc "$W/initiative.odt" --page-file "$P/initiative.txt"
mkdoc "$W/etude.xlsx" --sheet "Étude=$(untitled "$SHEET_ETUDE")"
mkdoc "$W/etude.ods" --sheet "Étude=$(untitled "$SHEET_ETUDE")"
mkdoc "$W/deploiement.ods" --sheet "Déploiement=$(untitled "$SHEET_DEPLOIEMENT")"
mkdoc "$W/deploiement.xlsx" --sheet "Déploiement=$(untitled "$SHEET_DEPLOIEMENT")"
mkdoc "$W/lancement.xlsx" --sheet "Lancement=$(untitled "$SHEET_LANCEMENT")"
mkdoc "$W/lancement.ods" --sheet "Lancement=$(untitled "$SHEET_LANCEMENT")"

BODY_CAUX="Madame, Monsieur,

Veuillez trouver ci-joint le dossier de candidature de notre association à l'appel à projets « Fabrique d'Initiatives – Tiers-Lieux Normandie » : la présentation de l'initiative, la stratégie de déploiement, les trois budgets et le plan pluriannuel.

Structure : Tiers-Lieu du Pays de Caux
Statut : association
Adresse : 12 rue de la Gare, 76190 Yvetot
SIRET : 831 000 000 00017

Nous restons à votre disposition pour tout complément.

Bien cordialement,
Claire Martin
Coordinatrice"

# ==== 1. complete in one message, files named the applicant's way ====
mkmail --from "Claire Martin <claire.martin@tierslieu-caux.fr>" \
	--subject "Candidature Fabrique d'Initiatives – Tiers-Lieu du Pays de Caux" \
	--date "Mon, 10 Feb 2020 09:30:00 +0100" --body "$BODY_CAUX" \
	--attach "$W/presentation.pdf=01-Presentation projet.pdf;application/pdf" \
	--attach "$W/strategie.docx=Strategie_deploiement.docx" \
	--attach "$W/etude.xlsx=BP_etude.xlsx" \
	--attach "$W/deploiement.ods=budget deploiement.ods" \
	--attach "$W/plan.pdf=Plan pluriannuel 2020-2023.pdf" \
	--attach "$W/lancement.xlsx=Budget-lancement.xlsx" -o "$M/s1.eml"
r=$(ing 2020-02-10T09:31:12+01:00 "$M/s1.eml"); made "$r"
tap_is "$r" "0:FI-2020-0001 complete" "1: six pieces in one mail: FI-2020-0001 complete"
J=$(show FI-2020-0001)
tap_is "$(q "$J" 'd["status"] + "|" + json.dumps(d["missing"])')" "complete|[]" "1: show: complete, nothing missing"
tap_is "$(q "$J" "$KINDS")" "$(kinds_json "01-Presentation projet.pdf=initiative" \
	"Strategie_deploiement.docx=strategie_deploiement" "BP_etude.xlsx=budget_etude" \
	"budget deploiement.ods=budget_deploiement" "Plan pluriannuel 2020-2023.pdf=plan_pluriannuel" \
	"Budget-lancement.xlsx=budget_lancement")" "1: each file is the piece its name says, and only that"
tap_is "$(q "$J" 'sorted({(p["late"], p["source"]) for p in d["pieces"]})')" '[[false,"applicant"]]' "1: every piece on time, from the applicant"
tap_is "$(q "$J" 'd["applicant"]')" "claire.martin@tierslieu-caux.fr" "1: the applicant is the sender's address"

# ==== 14. organisation and legal category from the body ====
tap_is "$(q "$J" 'd["organisation"]')" "Tiers-Lieu du Pays de Caux" "14: organisation from \"Structure :\""
tap_is "$(q "$J" 'd["legal_category"]')" "association" "14: legal category from \"Statut :\""
tap_ok '[[ "$(q "$J" "d.get(\"flags\") or \"\"")" != *consortium-without-lead* ]]' "14: an association is not flagged as a consortium"

# ==== 2. incomplete, then completed by a follow-up naming the reference ====
mkmail --from "Hélène Dupré <helene.dupre@cooperative-bocage.fr>" \
	--subject "Candidature – La Coopérative du Bocage (Vire)" --date "Tue, 11 Feb 2020 18:02:00 +0100" \
	--body "Bonjour,

Voici une première partie de notre dossier : la note de présentation, la stratégie et le calendrier. Les budgets suivront dès leur validation par notre conseil d'administration.

Structure : La Coopérative du Bocage
Statut : association

Cordialement,
Hélène Dupré" \
	--attach "$W/initiative.odt=Note de présentation.odt" \
	--attach "$W/strategie.pdf=Stratégie de déploiement.pdf;application/pdf" \
	--attach "$W/plan.odt=Calendrier 2020-2023.odt" -o "$M/s2a.eml"
r=$(ing 2020-02-11T18:02:30+01:00 "$M/s2a.eml"); R2=$(ref_of "$r"); made "$r"
tap_ok '[[ "$r" =~ ^0:FI-2020-[0-9]{4}\ incomplete$ && "$R2" != FI-2020-0001 ]]' "2: three pieces: a new dossier, incomplete ($r)"
J=$(show "$R2")
tap_is "$(q "$J" "$MISSING")" "$(sorted_words "budget_etude budget_deploiement budget_lancement")" "2: missing exactly the three budgets"
tap_is "$(q "$J" "$KINDS")" "$(kinds_json "Note de présentation.odt=initiative" \
	"Stratégie de déploiement.pdf=strategie_deploiement" "Calendrier 2020-2023.odt=plan_pluriannuel")" "2: the three pieces recognised"
mkmail --from "Hélène Dupré <helene.dupre@cooperative-bocage.fr>" \
	--subject "Re: [$R2] pièces complémentaires" --date "Mon, 17 Feb 2020 11:40:00 +0100" \
	--body "Bonjour,

Comme convenu, voici les trois budgets qui complètent notre dossier $R2.

Bien cordialement,
Hélène Dupré" \
	--attach "$W/etude.ods=Budget phase étude.ods" \
	--attach "$W/deploiement.xlsx=Budget de déploiement.xlsx" \
	--attach "$W/lancement.ods=Budget de lancement.ods" -o "$M/s2b.eml"
tap_is "$(ing 2020-02-17T11:40:05+01:00 "$M/s2b.eml")" "0:$R2 complete" "2: the follow-up with [$R2] completes it"
J=$(show "$R2")
tap_is "$(q "$J" 'd["status"] + "|" + json.dumps(d["missing"]) + "|" + str(len(d["pieces"]))')" "complete|[]|6" "2: complete, nothing missing, six pieces"
tap_is "$(q "$J" '[m["outcome"] for m in d["messages"]]')" '["dossier","dossier"]' "2: both messages filed in the dossier"

# ==== 3. everything in one ZIP, in a folder, accented names ====
Z="Dossier de candidature – Fab'Lab de la Grange"
mkmail --from "Jérôme Lefèvre <jerome.lefevre@la-grange-numerique.org>" \
	--subject "Dossier Fabrique d'Initiatives – La Grange numérique" --date "Wed, 12 Feb 2020 14:15:00 +0100" \
	--body "Bonjour,

Vous trouverez notre dossier complet dans l'archive jointe.

Structure : La Grange numérique
Statut : association

Jérôme Lefèvre, président" \
	--zip "Dossier FI La Grange.zip" "$W/presentation.pdf=$Z/1 - Présentation du projet.pdf" \
	"$W/strategie.docx=$Z/2 - Stratégie de déploiement.docx" \
	"$W/etude.xlsx=$Z/Budgets/Budget étude.xlsx" \
	"$W/deploiement.xlsx=$Z/Budgets/Budget déploiement.xlsx" \
	"$W/lancement.ods=$Z/Budgets/Budget lancement.ods" \
	"$W/plan.odt=$Z/5 - Plan pluriannuel 2020-2023.odt" -o "$M/s3.eml"
r=$(ing 2020-02-12T14:15:40+01:00 "$M/s3.eml"); R3=$(ref_of "$r"); made "$r"
tap_ok '[[ "$r" =~ ^0:FI-2020-[0-9]{4}\ complete$ ]]' "3: a ZIP of the whole dossier: complete ($r)"
J=$(show "$R3")
tap_is "$(q "$J" 'json.dumps(d["missing"]) + "|" + str(len(d["pieces"]))')" "[]|6" "3: nothing missing; the six entries are the pieces (not the zip)"
tap_is "$(q "$J" 'sorted(p["archive_path"] for p in d["pieces"])')" "$("$PY" -c 'import json,sys; print(json.dumps(sorted(sys.argv[2:]), ensure_ascii=False, separators=(",", ":")))' x \
	"$Z/1 - Présentation du projet.pdf" "$Z/2 - Stratégie de déploiement.docx" "$Z/Budgets/Budget étude.xlsx" \
	"$Z/Budgets/Budget déploiement.xlsx" "$Z/Budgets/Budget lancement.ods" "$Z/5 - Plan pluriannuel 2020-2023.odt")" \
	"3: every piece shows its path in the archive, accents intact"
tap_is "$(q "$J" "$KINDS")" "$(kinds_json "$Z/1 - Présentation du projet.pdf=initiative" \
	"$Z/2 - Stratégie de déploiement.docx=strategie_deploiement" "$Z/Budgets/Budget étude.xlsx=budget_etude" \
	"$Z/Budgets/Budget déploiement.xlsx=budget_deploiement" "$Z/Budgets/Budget lancement.ods=budget_lancement" \
	"$Z/5 - Plan pluriannuel 2020-2023.odt=plan_pluriannuel")" \
	"3: each entry is what its own name says (the folder \"Dossier de candidature\" names no piece)"

# ==== 4. one PDF holding every section ====
mkdoc "$W/Dossier.pdf" "${ALL_PAGES[@]}" --title "Dossier de candidature"
mkmail --from "Mathilde Roux <mathilde.roux76@gmail.com>" \
	--subject "candidature appel à projets tiers-lieux" --date "Thu, 13 Feb 2020 22:47:00 +0100" \
	--body "Bonsoir,
Ci-joint notre dossier complet en un seul fichier.
Mathilde Roux" \
	--attach "$W/Dossier.pdf;application/pdf" -o "$M/s4.eml"
r=$(ing 2020-02-13T22:47:09+01:00 "$M/s4.eml"); R4=$(ref_of "$r"); made "$r"
tap_ok '[[ "$r" =~ ^0:FI-2020-[0-9]{4}\ complete$ ]]' "4: one PDF with every section: complete ($r)"
J=$(show "$R4")
tap_is "$(q "$J" '" ".join(sorted(d["pieces"][0]["kinds"])) if len(d["pieces"]) == 1 else d["pieces"]')" "$(sorted_words "$REQUIRED")" "4: its kinds are exactly the six required pieces"
tap_is "$(q "$J" '[e.split(" page ")[-1] for e in d["pieces"][0]["evidence"]]')" '["2","3","4","5","6","7"]' "4: the evidence names the page of each section"
tap_is "$(q "$J" 'json.dumps(d["missing"]) + "|" + json.dumps(d["organisation"])')" "[]|null" "4: nothing missing; no organisation for a webmail sender"

# ==== 5. generic names: only the content tells ====
mkdoc "$W/scan0003.pdf" --page-file "$P/initiative.txt"
mkdoc "$W/document1.docx" --page-file "$P/strategie.txt"
mkdoc "$W/Classeur1.xlsx" --sheet "Feuil1=$SHEET_ETUDE"
mkdoc "$W/Sans nom 1.ods" --sheet "Feuille1=$SHEET_DEPLOIEMENT"
mkdoc "$W/doc2.odt" --page-file "$P/plan.txt"
mkdoc "$W/Classeur2.xlsx" --sheet "Feuil1=$SHEET_LANCEMENT"
mkmail --from "Karim Benali <k.benali@atelier-des-possibles.fr>" \
	--subject "Fabrique d'Initiatives" --date "Fri, 14 Feb 2020 08:05:00 +0100" \
	--body "Bonjour, voici nos documents. Cordialement, K. Benali" \
	--attach "$W/scan0003.pdf" --attach "$W/document1.docx" --attach "$W/Classeur1.xlsx" \
	--attach "$W/Sans nom 1.ods" --attach "$W/doc2.odt" --attach "$W/Classeur2.xlsx" -o "$M/s5.eml"
r=$(ing 2020-02-14T08:05:30+01:00 "$M/s5.eml"); R5=$(ref_of "$r"); made "$r"
tap_ok '[[ "$r" =~ ^0:FI-2020-[0-9]{4}\ complete$ ]]' "5: generic names, telling content: complete ($r)"
J=$(show "$R5")
tap_is "$(q "$J" "$KINDS")" "$(kinds_json scan0003.pdf=initiative document1.docx=strategie_deploiement \
	Classeur1.xlsx=budget_etude "Sans nom 1.ods=budget_deploiement" doc2.odt=plan_pluriannuel \
	Classeur2.xlsx=budget_lancement)" "5: each document classified by its content"
tap_is "$(q "$J" 'sorted({e.split(":")[0] for p in d["pieces"] for e in p["evidence"]})')" '["content"]' "5: all the evidence is content"
tap_is "$(q "$J" "$MISSING")" "" "5: nothing missing"

# ==== 6. one workbook, one sheet per budget ====
mkdoc "$W/Budgets prévisionnels.xlsx" --sheet "Budget phase d'étude=$(untitled "$SHEET_ETUDE")" \
	--sheet "Budget de déploiement=$(untitled "$SHEET_DEPLOIEMENT")" \
	--sheet "Budget de lancement=$(untitled "$SHEET_LANCEMENT")"
mkmail --from "Sophie Laurent <sophie.laurent@maison-services-falaise.fr>" \
	--subject "Dossier de candidature – Maison des services de Falaise" --date "Fri, 14 Feb 2020 16:20:00 +0100" \
	--body "Bonjour,

Structure : Maison des services de Falaise
Statut : collectivité

Les trois budgets sont dans un même classeur, un onglet par budget.
Sophie Laurent" \
	--attach "$W/presentation.pdf=Presentation.pdf" --attach "$W/strategie.pdf=Strategie.pdf" \
	--attach "$W/plan.pdf=Plan pluriannuel.pdf" --attach "$W/Budgets prévisionnels.xlsx" -o "$M/s6.eml"
r=$(ing 2020-02-14T16:20:30+01:00 "$M/s6.eml"); R6=$(ref_of "$r"); made "$r"
tap_ok '[[ "$r" =~ ^0:FI-2020-[0-9]{4}\ complete$ ]]' "6: three budgets in the sheets of one workbook: complete ($r)"
J=$(show "$R6")
W6='[p for p in d["pieces"] if p["filename"] == "Budgets prévisionnels.xlsx"][0]'
tap_is "$(q "$J" "sorted(${W6}[\"kinds\"])")" '["budget_deploiement","budget_etude","budget_lancement"]' "6: the workbook is the three budget pieces"
tap_is "$(q "$J" "{k: e for k, e in zip(${W6}[\"kinds\"], ${W6}[\"evidence\"])}")" \
	'{"budget_deploiement":"content:\"budget de déploiement\" sheet \"Budget de déploiement\"","budget_etude":"content:\"budget phase d'"'"'étude\" sheet \"Budget phase d'"'"'étude\"","budget_lancement":"content:\"budget de lancement\" sheet \"Budget de lancement\""}' \
	"6: each budget's evidence names its sheet"
tap_is "$(q "$J" 'd["legal_category"]')" "collectivite" "6: \"Statut : collectivité\" is the category collectivite"
# doc/ARCHITECTURE.md: "a spreadsheet "budget" with sheets "Étude", "Déploiement",
# "Lancement" satisfies three".
mkdoc "$W/Budget.xlsx" --sheet "Étude=$(untitled "$SHEET_ETUDE")" \
	--sheet "Déploiement=$(untitled "$SHEET_DEPLOIEMENT")" --sheet "Lancement=$(untitled "$SHEET_LANCEMENT")"
mkmail --from "Sophie Laurent <sophie.laurent@maison-services-falaise.fr>" \
	--subject "Re: [$R6] budget au format demandé" --date "Mon, 17 Feb 2020 09:00:00 +0100" \
	--body "Bonjour, voici le budget sous une autre forme. S. Laurent" --attach "$W/Budget.xlsx" -o "$M/s6b.eml"
tap_is "$(ing 2020-02-17T09:00:10+01:00 "$M/s6b.eml")" "0:$R6 complete" "6: a second workbook, filed in the same dossier"
tap_is "$(q "$(show "$R6")" '[sorted(p["kinds"]) for p in d["pieces"] if p["filename"] == "Budget.xlsx"]')" \
	'[["budget_deploiement","budget_etude","budget_lancement"]]' "6: \"Budget.xlsx\" with sheets Étude, Déploiement, Lancement is the three budgets (doc/ARCHITECTURE.md)"

# A complete set of the six pieces, for the window scenarios.
full_set() { # extra mkmail args...
	mkmail "$@" --attach "$W/presentation.pdf=Présentation du projet.pdf" \
		--attach "$W/strategie.docx=Stratégie de déploiement.docx" --attach "$W/etude.xlsx=Budget étude.xlsx" \
		--attach "$W/deploiement.xlsx=Budget déploiement.xlsx" --attach "$W/plan.pdf=Plan pluriannuel.pdf" \
		--attach "$W/lancement.xlsx=Budget lancement.xlsx"
}

# ==== 7. late ====
full_set --from "Paul Garnier <paul.garnier@ressourcerie-vire.fr>" --subject "Candidature Ressourcerie du Bocage virois" \
	--date "Mon, 2 Mar 2020 08:58:00 +0100" --body "Bonjour, avec nos excuses pour ce léger retard, voici notre dossier. Paul Garnier" -o "$M/s7.eml"
r=$(ing 2020-03-02T09:00:00+01:00 "$M/s7.eml"); R7=$(ref_of "$r"); made "$r"
tap_ok '[[ "$r" =~ ^0:FI-2020-[0-9]{4}\ late$ ]]' "7: received on 2 March: late ($r)"
J=$(show "$R7")
tap_is "$(q "$J" 'd["status"] + "|" + str(len(d["pieces"])) + "|" + json.dumps(sorted({p["late"] for p in d["pieces"]}))')" "late|6|[true]" "7: the six pieces are kept, each flagged late"
tap_is "$(q "$J" "$MISSING")" "$(sorted_words "$REQUIRED")" "7: late pieces complete nothing: all six missing"

# ==== 8. early ====
full_set --from "Lucie Moreau <lucie.moreau@cafe-associatif-bernay.fr>" --subject "Candidature Café associatif de Bernay" \
	--date "Fri, 20 Dec 2019 10:00:00 +0100" --body "Bonjour, nous vous adressons notre dossier en avance. Lucie Moreau" -o "$M/s8.eml"
r=$(ing 2019-12-20T10:00:00+01:00 "$M/s8.eml"); R8=$(ref_of "$r"); made "$r"
tap_ok '[[ "$r" =~ ^0:FI-2020-[0-9]{4}\ early$ ]]' "8: received on 20 December 2019: early ($r)"
J=$(show "$R8")
tap_is "$(q "$J" 'd["status"] + "|" + str(len(d["missing"])) + "|" + json.dumps(sorted({(p["early"], p["late"]) for p in d["pieces"]}), separators=(",", ":"))')" "early|6|[[true,false]]" "8: early, the pieces early (not late) and counting for nothing"

# ==== 9. the edges of the window (Europe/Paris) ====
mkmail --from "Thomas Lemaire <t.lemaire@atelier-partage-dieppe.fr>" --subject "Candidature Atelier partagé de Dieppe" \
	--date "Sun, 1 Mar 2020 23:54:00 +0100" --body "Bonsoir, voici la présentation de notre initiative ; le reste suit. T. Lemaire" \
	--attach "$W/presentation.pdf=Présentation de l'initiative.pdf" -o "$M/s9a.eml"
r=$(ing 2020-03-01T23:55:00+01:00 "$M/s9a.eml"); R9=$(ref_of "$r"); made "$r"
tap_ok '[[ "$r" =~ ^0:FI-2020-[0-9]{4}\ incomplete$ ]]' "9: 1 March 23:55 in Paris is on time ($r)"
mkmail --from "Thomas Lemaire <t.lemaire@atelier-partage-dieppe.fr>" --subject "Re: [$R9] suite du dossier" \
	--date "Mon, 2 Mar 2020 08:14:00 +0100" --body "Bonjour, voici les autres pièces. T. Lemaire" \
	--attach "$W/strategie.docx=Stratégie de déploiement.docx" --attach "$W/etude.xlsx=Budget étude.xlsx" \
	--attach "$W/deploiement.xlsx=Budget déploiement.xlsx" --attach "$W/plan.pdf=Plan pluriannuel.pdf" \
	--attach "$W/lancement.xlsx=Budget lancement.xlsx" -o "$M/s9b.eml"
tap_is "$(ing 2020-03-02T08:15:00+01:00 "$M/s9b.eml")" "0:$R9 incomplete" "9: a late follow-up does not complete an on-time dossier"
J=$(show "$R9")
tap_is "$(q "$J" 'd["status"] + "|" + str(len(d["pieces"]))')" "incomplete|6" "9: the dossier stays on time (incomplete), the late pieces kept"
tap_is "$(q "$J" "$LATE")" '{"Budget déploiement.xlsx":true,"Budget lancement.xlsx":true,"Budget étude.xlsx":true,"Plan pluriannuel.pdf":true,"Présentation de l'"'"'initiative.pdf":false,"Stratégie de déploiement.docx":true}' "9: only the follow-up's pieces are late"
tap_is "$(q "$J" "$MISSING")" "$(sorted_words "strategie_deploiement budget_etude budget_deploiement plan_pluriannuel budget_lancement")" "9: the late pieces are still missing"
mkmail --from "Agathe Colin <agathe.colin@lescomptoirs-evreux.fr>" --subject "Candidature Les Comptoirs d'Évreux" \
	--date "Mon, 2 Mar 2020 00:29:00 +0100" --body "Bonsoir, voici notre présentation. A. Colin" \
	--attach "$W/presentation.pdf=Présentation.pdf" -o "$M/s9c.eml"
r=$(ing 2020-03-01T23:30:00Z "$M/s9c.eml"); made "$r"
tap_ok '[[ "$r" =~ ^0:FI-2020-[0-9]{4}\ late$ ]]' "9: 23:30 UTC on 1 March is 00:30 on 2 March in Paris: late ($r)"
tap_is "$(q "$(show "$(ref_of "$r")")" 'd["received_at"]')" "2020-03-02T00:30:00+01:00" "9: received_at shown in Paris time"
mkmail --from "Inès Fabre <ines.fabre@ecolieu-perche.fr>" --subject "Candidature Écolieu du Perche" \
	--date "Wed, 1 Jan 2020 00:30:00 +0100" --body "Bonne année ! Voici notre présentation. Inès Fabre" \
	--attach "$W/presentation.pdf=Présentation.pdf" -o "$M/s9d.eml"
r=$(ing 2019-12-31T23:30:00Z "$M/s9d.eml"); made "$r"
tap_ok '[[ "$r" =~ ^0:FI-2020-[0-9]{4}\ incomplete$ ]]' "9: 23:30 UTC on 31 December is 1 January in Paris: on time ($r)"
mkmail --from "Hugo Marchand <hugo.marchand@fablab-alencon.fr>" --subject "Candidature Fablab d'Alençon" \
	--date "Tue, 31 Dec 2019 23:59:00 +0100" --body "Bonsoir, voici notre présentation. Hugo" \
	--attach "$W/presentation.pdf=Présentation.pdf" -o "$M/s9e.eml"
r=$(ing 2019-12-31T22:59:59Z "$M/s9e.eml"); made "$r"
tap_ok '[[ "$r" =~ ^0:FI-2020-[0-9]{4}\ early$ ]]' "9: 23:59:59 on 31 December in Paris: early ($r)"

# ==== 10. the same message twice ====
before=$(show FI-2020-0001)
tap_is "$(ing 2020-02-10T09:45:00+01:00 "$M/s1.eml")" "0:- duplicate" "10: the same file again: duplicate"
tap_is "$(show FI-2020-0001)" "$before" "10: the dossier did not change at all"

# ==== 11. a reference to someone else's dossier ====
N=$(n_dossiers)
mkmail --from "Bertrand Noël <bertrand.noel@collectif-ecolieu.fr>" \
	--subject "Re: [FI-2020-0001] notre candidature" --date "Tue, 18 Feb 2020 10:00:00 +0100" \
	--body "Bonjour, je reprends votre message pour vous adresser notre présentation. Bertrand Noël" \
	--attach "$W/presentation.pdf=Présentation du projet.pdf" -o "$M/s11a.eml"
r=$(ing 2020-02-18T10:00:30+01:00 "$M/s11a.eml")
# Issue 14: a message naming an existing dossier never opens another one;
# from another sender, its documents are filed there, marked.
tap_ok '[[ "$r" =~ ^0:FI-2020-0001\ (incomplete|complete)$ ]]' "11: B citing A's reference with a document: filed in A's dossier all the same ($r)"
tap_is "$(n_dossiers)" "$N" "11: B gets no dossier of their own"
tap_is "$(q "$(show FI-2020-0001)" '[(p["filename"], " ".join(p["kinds"])) for p in d["pieces"] if p["other_sender"]]')" \
	'[["Présentation du projet.pdf","initiative"]]' "11: B's document is in A's dossier, marked as from another sender"
A_BEFORE=$(show FI-2020-0001)
mkmail --from "Camille Roy <camille.roy@lafabrique-lisieux.fr>" \
	--subject "[FI-2020-0001] question sur le budget" --date "Tue, 18 Feb 2020 11:00:00 +0100" \
	--body "Bonjour, le budget de lancement doit-il inclure les salaires ? Camille Roy" -o "$M/s11b.eml"
tap_is "$(ing 2020-02-18T11:00:30+01:00 "$M/s11b.eml")" "0:- no-dossier" "11: C citing A's reference without attachment: no dossier"
tap_is "$(show FI-2020-0001)" "$A_BEFORE" "11: A's dossier is still untouched"

# ==== 12. no attachment, no dossier ====
N=$(n_dossiers)
mkmail --from "Étienne Giraud <etienne.giraud@orange.fr>" --subject "Renseignements sur l'appel à projets" \
	--date "Wed, 19 Feb 2020 09:00:00 +0100" \
	--body "Bonjour, notre association peut-elle candidater si elle n'a pas encore de local ? Merci. É. Giraud" -o "$M/s12.eml"
tap_is "$(ing 2020-02-19T09:00:30+01:00 "$M/s12.eml")" "0:- no-dossier" "12: a question without attachment: no-dossier"
tap_is "$(n_dossiers)" "$N" "12: no dossier created"

# ==== 13. an auto-reply ====
mkmail --from "Julien Perrin <julien.perrin@mairie-example.fr>" --subject "Réponse automatique : absent du bureau" \
	--header "Auto-Submitted: auto-replied" --date "Wed, 19 Feb 2020 09:05:00 +0100" \
	--body "Je suis absent jusqu'au 24 février. Vous trouverez ci-joint la plaquette de présentation de la commune." \
	--attach "$W/presentation.pdf=Plaquette de présentation.pdf" -o "$M/s13.eml"
tap_is "$(ing 2020-02-19T09:05:30+01:00 "$M/s13.eml")" "0:- automatic" "13: Auto-Submitted: auto-replied: automatic"
tap_is "$(n_dossiers)" "$N" "13: no dossier created, even with an attachment"

# The applicant's own out-of-office answering our acknowledgement.
A_BEFORE=$(show FI-2020-0001)
mkmail --from "Claire Martin <claire.martin@tierslieu-caux.fr>" \
	--subject "Absente : Re: [FI-2020-0001] Accusé de réception de votre dossier" \
	--header "Auto-Submitted: auto-replied" --header "X-Autoreply: yes" --date "Wed, 19 Feb 2020 09:10:00 +0100" \
	--body "Je suis en congés jusqu'au 2 mars. Pour toute urgence : contact@tierslieu-caux.fr" -o "$M/s13b.eml"
tap_is "$(ing 2020-02-19T09:10:30+01:00 "$M/s13b.eml")" "0:- automatic" "13: the applicant's out-of-office naming the reference: automatic"
tap_is "$(show FI-2020-0001)" "$A_BEFORE" "13: and the dossier is untouched"

# ==== 14. consortium, with and without a lead ====
mkmail --from "Antoine Petit <antoine.petit@coop-normande.fr>" --subject "Candidature du consortium Tiers-Lieux du Bocage" \
	--date "Thu, 20 Feb 2020 10:00:00 +0100" --body "Bonjour,

Nous candidatons à plusieurs structures, réunies en consortium.

Structure : Consortium Tiers-Lieux du Bocage
Statut : consortium
Membres : La Coopérative du Bocage, Le Bocal (SCIC), Mairie de Condé-en-Normandie

Antoine Petit" --attach "$W/presentation.pdf=Présentation du projet.pdf" -o "$M/s14a.eml"
r=$(ing 2020-02-20T10:00:30+01:00 "$M/s14a.eml"); R14a=$(ref_of "$r"); made "$r"
J=$(show "$R14a")
tap_is "$(q "$J" 'd["organisation"] + "|" + str(d["legal_category"])')" "Consortium Tiers-Lieux du Bocage|consortium" "14: a consortium's organisation and category"
tap_ok '[[ "$(q "$J" "d.get(\"flags\") or \"\"")" == *consortium-without-lead* ]]' "14: a consortium without \"Porteur principal :\" is flagged consortium-without-lead"
mkmail --from "Léa Marie <lea.marie@tierslieux-cotentin.fr>" --subject "Candidature du consortium Cotentin" \
	--date "Thu, 20 Feb 2020 11:00:00 +0100" --body "Bonjour,

Structure : Consortium des tiers-lieux du Cotentin
Statut : consortium
Porteur principal : Association Le Hangar (Cherbourg)

Léa Marie" --attach "$W/presentation.pdf=Présentation du projet.pdf" -o "$M/s14b.eml"
r=$(ing 2020-02-20T11:00:30+01:00 "$M/s14b.eml"); R14b=$(ref_of "$r"); made "$r"
J=$(show "$R14b")
tap_ok '[[ "$(q "$J" "d[\"legal_category\"]")" == consortium && "$(q "$J" "d.get(\"flags\") or \"\"")" != *consortium-without-lead* ]]' "14: a consortium naming its lead is not flagged"

# ==== 15. filters that hang or crash: classified by name, quickly ====
mkdoc "$W/strategie-plus.pdf" --page-file "$P/strategie.txt" --page-file "$P/budget-lancement.txt"
mkmail --from "Nadia Haddad <nadia.haddad@lepotager-rouen.fr>" --subject "Candidature Le Potager urbain" \
	--date "Fri, 21 Feb 2020 10:00:00 +0100" --body "Bonjour, voici notre stratégie. Nadia Haddad" \
	--attach "$W/strategie-plus.pdf=strategie.pdf;application/pdf" -o "$M/s15.eml"
# With working filters the content also says budget_lancement.
r=$(ing 2020-02-21T10:00:30+01:00 "$M/s15.eml"); made "$r"
tap_is "$(q "$(show "$(ref_of "$r")")" '[sorted(p["kinds"]) for p in d["pieces"]]')" '[["budget_lancement","strategie_deploiement"]]' "15: (control) read, strategie.pdf is two pieces"
hang_mark=31.4159
broken_filters() { # name, pdf filter body
	local dir="$GU_TMP/filters-$1" conf="$GU_TMP/guichet-$1.conf"
	mkdir -p "$dir" && cp -a "$GU_TOP_BUILDDIR/filters/." "$dir/"
	rm -f "$dir/pdf"
	printf '#!/bin/sh\n%s\n' "$2" >"$dir/pdf" && chmod 755 "$dir/pdf"
	sed "s|^database = .*|database = state-$1/guichet.db|; s|^blobs = .*|blobs = state-$1/blobs|" "$GUICHET_CONFIG" >"$conf"
	filters_conf "$conf" "$dir" 1
	printf '%s' "$conf"
}
for kind in hang segv; do
	case $kind in
	hang) conf=$(broken_filters hang "sleep $hang_mark; cat") ;;
	segv) conf=$(broken_filters segv 'kill -SEGV $$') ;;
	esac
	t0=$(date +%s)
	r=$(ing 2020-02-21T10:00:30+01:00 "$M/s15.eml" -c "$conf")
	t1=$(date +%s)
	tap_ok '[ $((t1 - t0)) -lt 10 ]' "15 ($kind): the ingest returns in well under 30 s ($((t1 - t0)) s)"
	tap_is "$r" "0:FI-2020-0001 incomplete" "15 ($kind): the mail is still filed"
	tap_is "$(q "$(guichet -c "$conf" show FI-2020-0001 --json)" '[[p["filename"], p["kinds"], p["evidence"]] for p in d["pieces"]]')" \
		'[["strategie.pdf",["strategie_deploiement"],["filename:\"strategie\""]]]' "15 ($kind): strategie.pdf classified by its name alone"
done
left=$(ps -eo pid=,args= | awk -v m="$hang_mark" '$2 == "sleep" && $3 == m { print $1 }')
tap_is "$left" "" "15 (hang): the hung filter's children were killed too"
# shellcheck disable=SC2086 # a list of pids
[ -z "$left" ] || kill $left 2>/dev/null

# ==== 16. classify: an admin's override ====
mkdoc "$W/annexe.xlsx" --sheet "Feuil1=$(untitled "$SHEET_LANCEMENT")"
mkmail --from "Yann Le Gall <yann.legall@tierslieu-vire.fr>" --subject "Candidature Tiers-lieu de Vire" \
	--date "Mon, 24 Feb 2020 15:00:00 +0100" --body "Bonjour, voici notre dossier. Le budget de lancement est dans l'annexe financière. Yann Le Gall" \
	--attach "$W/presentation.pdf=Présentation.pdf" --attach "$W/strategie.docx=Stratégie.docx" \
	--attach "$W/etude.xlsx=Budget étude.xlsx" --attach "$W/deploiement.xlsx=Budget déploiement.xlsx" \
	--attach "$W/plan.pdf=Plan pluriannuel.pdf" --attach "$W/annexe.xlsx=Annexe financière.xlsx" -o "$M/s16.eml"
r=$(ing 2020-02-24T15:00:30+01:00 "$M/s16.eml"); R16=$(ref_of "$r"); made "$r"
J=$(show "$R16")
tap_is "${r#*:}|$(q "$J" "$MISSING")|$(q "$J" '[p["kinds"] for p in d["pieces"] if p["filename"] == "Annexe financière.xlsx"]')" \
	"$R16 incomplete|budget_lancement|[[]]" "16: an untitled annex is unclassified, budget_lancement missing"
SHA16=$(q "$J" '[p["sha256"] for p in d["pieces"] if p["filename"] == "Annexe financière.xlsx"][0]')
out=$(guichet classify "$R16" "$SHA16" budget_lancement 2>"$GU_TMP/err"); rc=$?
tap_is "$rc:$out" "0:$R16 complete" "16: classify prints the recomputed status"
J=$(show "$R16")
tap_is "$(q "$J" '[d["status"], d["missing"], [[p["kinds"], p["evidence"]] for p in d["pieces"] if p["filename"] == "Annexe financière.xlsx"]]')" \
	'["complete",[],[[["budget_lancement"],["admin"]]]]' "16: the document is now budget_lancement, evidence admin"
guichet classify "$R16" "$SHA16" budget_fonctionnement 2>/dev/null; tap_is $? 2 "16: an unknown key is a usage error (2)"
guichet classify "$R16" "$(printf '%064d' 0)" budget_lancement 2>/dev/null; tap_is $? 1 "16: an unknown document is an error (1)"
# (A's "budget deploiement.ods" is in no other dossier.)
SHA_A=$(q "$(show FI-2020-0001)" '[p["sha256"] for p in d["pieces"] if p["filename"] == "budget deploiement.ods"][0]')
guichet classify "$R16" "$SHA_A" budget_lancement 2>/dev/null; tap_is $? 1 "16: another dossier's document is an error (1)"
guichet classify FI-2020-9999 "$SHA16" budget_lancement 2>/dev/null; tap_is $? 1 "16: an unknown dossier is an error (1)"
tap_is "$(show "$R16")" "$J" "16: the refused overrides changed nothing"
tap_is "$(q "$(show FI-2020-0001)" 'd["status"] + "|" + " ".join(sorted(k for p in d["pieces"] for k in p["kinds"]))')" \
	"complete|$(sorted_words "$REQUIRED initiative")" "16: nor A's dossier (which holds B's presentation too, scenario 11)"

# ==== 19. names that say less than they seem ====
# A cover letter is not a letter of support, an "avis de situation" from
# INSEE is no "avis" of a public body, and a budget "du projet" is no
# presentation of the initiative: none of them may fill a piece.
mkdoc "$W/lettre.pdf" --page-file "$P/lettre-candidature.txt"
mkdoc "$W/sirene.pdf" --page-file "$P/avis-sirene.txt"
mkdoc "$W/budget-projet.xlsx" --sheet "Feuil1=$(untitled "$SHEET_DEPLOIEMENT")"
mkmail --from "Marion Lebrun <marion.lebrun@letabli-avranches.fr>" --subject "Candidature de l'association L'Établi" \
	--date "Tue, 25 Feb 2020 17:30:00 +0100" --body "Bonjour,

Structure : L'Établi
Statut : association

Veuillez trouver ci-joint notre lettre de candidature, notre avis de situation Sirene, la stratégie et le budget prévisionnel du projet.
Marion Lebrun" \
	--attach "$W/lettre.pdf=Lettre de candidature.pdf" --attach "$W/sirene.pdf=Avis de situation SIRENE.pdf" \
	--attach "$W/strategie.pdf=Stratégie.pdf" --attach "$W/budget-projet.xlsx=Budget prévisionnel du projet.xlsx" -o "$M/s19.eml"
r=$(ing 2020-02-25T17:30:30+01:00 "$M/s19.eml"); R19=$(ref_of "$r"); made "$r"
J=$(show "$R19")
tap_is "$(q "$J" "$KINDS")" "$(kinds_json "Lettre de candidature.pdf=" "Avis de situation SIRENE.pdf=" \
	"Stratégie.pdf=strategie_deploiement" "Budget prévisionnel du projet.xlsx=")" \
	"19: a cover letter, an INSEE notice and a budget \"du projet\" are none of the pieces"
tap_is "${r#*:}|$(q "$J" "$MISSING")" "$R19 incomplete|$(sorted_words "initiative budget_etude budget_deploiement plan_pluriannuel budget_lancement")" \
	"19: the presentation of the initiative is missing"

# ==== 17. the JSON and CSV contracts ====
cat >"$GU_TMP/contract.py" <<'PY'
import json, re, subprocess, sys
KEYS = sys.argv[2].split()
REQUIRED = sys.argv[3].split()
ISO = re.compile(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?([+-]\d\d:\d\d|Z)$")
problems = []
def bad(where, what): problems.append("%s: %s" % (where, what))
def check_dossier(d, where, with_messages):
    if not isinstance(d, dict): return bad(where, "not an object")
    for k in ("reference", "status", "applicant", "organisation", "received_at", "missing", "pieces"):
        if k not in d: bad(where, "no " + k)
    if not (isinstance(d.get("reference"), str) and re.match(r"^FI-2020-\d{4}$", d["reference"])): bad(where, "reference %r" % d.get("reference"))
    if d.get("status") not in ("incomplete", "complete", "late", "early"): bad(where, "status %r" % d.get("status"))
    if not (isinstance(d.get("applicant"), str) and "@" in d["applicant"]): bad(where, "applicant %r" % d.get("applicant"))
    if not (d.get("organisation") is None or isinstance(d.get("organisation"), str)): bad(where, "organisation %r" % d.get("organisation"))
    if not (isinstance(d.get("received_at"), str) and ISO.match(d["received_at"])): bad(where, "received_at %r" % d.get("received_at"))
    m = d.get("missing")
    if not (isinstance(m, list) and all(isinstance(k, str) and k in REQUIRED for k in m)): bad(where, "missing %r" % m)
    ps = d.get("pieces")
    if not isinstance(ps, list): bad(where, "pieces %r" % ps); ps = []
    for i, p in enumerate(ps):
        w = "%s piece %d" % (where, i)
        if not isinstance(p, dict): bad(w, "not an object"); continue
        if not isinstance(p.get("filename"), str): bad(w, "filename %r" % p.get("filename"))
        if not (isinstance(p.get("sha256"), str) and re.match(r"^[0-9a-f]{64}$", p["sha256"])): bad(w, "sha256 %r" % p.get("sha256"))
        if not (type(p.get("size")) is int and p["size"] > 0): bad(w, "size %r" % p.get("size"))
        if not (isinstance(p.get("kinds"), list) and all(k in KEYS for k in p["kinds"])): bad(w, "kinds %r" % p.get("kinds"))
        if type(p.get("late")) is not bool: bad(w, "late %r" % p.get("late"))
        if p.get("source") not in ("applicant", "staff"): bad(w, "source %r" % p.get("source"))
    if with_messages:
        ms = d.get("messages")
        if not (isinstance(ms, list) and ms): bad(where, "messages %r" % ms); ms = []
        for i, x in enumerate(ms):
            w = "%s message %d" % (where, i)
            if not isinstance(x, dict): bad(w, "not an object"); continue
            for k in ("message_id", "role", "outcome"):
                if not (isinstance(x.get(k), str) and x[k]): bad(w, "%s %r" % (k, x.get(k)))
            if not (isinstance(x.get("received_at"), str) and ISO.match(x["received_at"])): bad(w, "received_at %r" % x.get("received_at"))
    elif "messages" in d:
        bad(where, "list --json has messages")
def run(*args):
    return subprocess.run([sys.argv[1]] + list(args), stdout=subprocess.PIPE, check=True).stdout
listed = json.loads(run("list", "--json"))
if not isinstance(listed, list): bad("list", "not an array"); listed = []
for d in listed:
    check_dossier(d, "list " + str(d.get("reference")), False)
    shown = json.loads(run("show", d["reference"], "--json"))
    check_dossier(shown, "show " + d["reference"], True)
    shown.pop("messages", None)
    if shown != d: bad("show " + d["reference"], "differs from its list entry")
refs = [d.get("reference") for d in listed]
if len(set(refs)) != len(refs): bad("list", "a reference twice")
print("\n".join(problems) if problems else "ok")
print(json.dumps(sorted(refs)), file=sys.stderr)
PY
KEYS="$REQUIRED courrier_soutien"
tap_is "$("$PY" "$GU_TMP/contract.py" "$GUICHET" "$KEYS" "$REQUIRED" 2>"$GU_TMP/refs")" "ok" "17: every dossier of list --json and show --json has the contract's fields and types"
tap_is "$(q "$(cat "$GU_TMP/refs")" '" ".join(d)')" "$(printf '%s\n' "${REFS[@]}" | sort | tr '\n' ' ' | sed 's/ $//')" \
	"17: list --json holds exactly the ${#REFS[@]} dossiers made above"
L=$(guichet list --status complete --json)
tap_is "$(q "$L" '" ".join(sorted(x["reference"] for x in d))')" \
	"$(q "$(guichet list --json)" '" ".join(sorted(x["reference"] for x in d if x["status"] == "complete"))')" "17: list --status complete: exactly the complete ones"
tap_is "$(q "$L" '" ".join(sorted(x["status"] for x in d if x["reference"] in ("FI-2020-0001", sys.argv[2])))' "$R5")" "complete complete" "17: and they are there"
tap_is "$(q "$(guichet list --status late --json)" '" ".join(sorted(x["status"] for x in d))')" "late late" "17: list --status late"
guichet export --format csv >"$GU_TMP/export.csv"; rc=$?
tap_is "$rc" 0 "17: export --format csv exits 0"
cat >"$GU_TMP/check_export.py" <<'PY'
import csv, io, json, sys
raw = open(sys.argv[1], "rb").read()
listed = json.loads(sys.argv[2]); keys = sys.argv[3].split()
out = []
out.append("crlf" if raw.endswith(b"\r\n") and raw.count(b"\n") == raw.count(b"\r\n") else "bare LF")
rows = list(csv.reader(io.StringIO(raw.decode("utf-8"), newline="")))
head = rows[0]
out.append("header" if all(k in head for k in ["reference", "status"] + keys) and len(set(head)) == len(head) else "header %r" % head)
out.append("widths" if all(len(r) == len(head) for r in rows) else "widths")
body = [dict(zip(head, r)) for r in rows[1:]]
want = sorted((d["reference"], d["status"]) for d in listed)
out.append("rows" if sorted((r["reference"], r["status"]) for r in body) == want else "rows %r" % body)
a = [r for r in body if r["reference"] == "FI-2020-0001"]
out.append(a[0]["initiative"] + "|" + a[0]["budget_lancement"] + "|" + a[0]["courrier_soutien"] if a else "no FI-2020-0001")
print(" ".join(out))
PY
tap_is "$("$PY" "$GU_TMP/check_export.py" "$GU_TMP/export.csv" "$(guichet list --json)" "$KEYS")" \
	"crlf header widths rows 01-Presentation projet.pdf; Présentation du projet.pdf|Budget-lancement.xlsx|" \
	"17: export: CRLF, a header with reference, status and the seven keys, one row per dossier, the files in their piece's column"

bad=
for ref in "${REFS[@]}"; do
	guichet show "$ref" >"$GU_TMP/show.txt" 2>&1 && head -1 "$GU_TMP/show.txt" | grep -q "^$ref " || bad="$bad $ref"
done
tap_is "$bad" "" "17: show (text) works for every dossier"
guichet list >"$GU_TMP/list.txt" 2>&1; rc=$?
tap_is "$rc:$(wc -l <"$GU_TMP/list.txt")" "0:${#REFS[@]}" "17: list (text): one line per dossier"

# ==== 18. replay rebuilds the same dossiers ====
# One line per dossier: reference, status, missing, and each piece.
NORM='"\n".join(json.dumps([x["reference"], x["status"], sorted(x["missing"]), sorted([p["sha256"], p["archive_path"] or p["filename"], sorted(p["kinds"]), p["late"]] for p in x["pieces"])], ensure_ascii=False) for x in sorted(d, key=lambda x: x["reference"]))'
q "$(guichet list --json)" "$NORM" >"$GU_TMP/before-replay"
out=$(guichet replay 2>"$GU_TMP/err"); rc=$?
tap_is "$rc" 0 "18: replay exits 0"
[ "$rc" = 0 ] || tap_diag "$(cat "$GU_TMP/err")"
q "$(guichet list --json)" "$NORM" >"$GU_TMP/after-replay"
tap_ok 'cmp -s "$GU_TMP/before-replay" "$GU_TMP/after-replay"' "18: after replay, list --json has the same references, statuses and pieces"
cmp -s "$GU_TMP/before-replay" "$GU_TMP/after-replay" || tap_diag "$(diff "$GU_TMP/before-replay" "$GU_TMP/after-replay")"
tap_ok '[ "$(wc -l <"$GU_TMP/after-replay")" -ge "${#REFS[@]}" ]' "18: (and the comparison is over every dossier)"
tap_is "$(q "$(show "$R16")" 'd["status"]')" "complete" "18: including the admin's override"
tap_done
