#!/bin/sh
# Regenerates examples/dossiers/: example applications to the Fabrique
# d'Initiatives call, with real PDF, DOCX, XLSX and ODS documents, made by
# the test tools. The .eml files are committed; run this only to change
# them. MANIFEST lists each message with the receipt time it stands for.
set -eu
here=$(cd "$(dirname "$0")" && pwd)
tools="$here/../tests/tools"
out="$here/dossiers"
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
doc() { f=$1; shift; /usr/bin/python3 "$tools/mkdoc.py" "$work/$f" "$@" >/dev/null; }
mail() { name=$1; shift; /usr/bin/python3 "$tools/mkmail.py" "$@" -o "$out/$name"; }
cd "$work"
mkdir -p "$out"
rm -f "$out"/*.eml

# 1. Tiers-lieu du Bocage: a complete dossier in one message.
doc presentation.pdf --page "$(printf '%s\n' "1. L'initiative proposée et son apport pour les membres et les usagers" \
  "Le Tiers-lieu du Bocage ouvre un atelier partagé et un espace de coworking à Vire." \
  "Les membres y trouvent des machines, une salle de réunion et un accompagnement.")"
doc strategie.docx --page "$(printf '%s\n' "2. La stratégie de déploiement envisagée" \
  "Ouverture d'un second site à Condé-en-Normandie en 2021, puis itinérance.")"
doc bp-etude.xlsx --sheet "Budget phase d'étude=Poste|Montant;Étude de faisabilité|8000;Ingénierie|4000"
doc bp-deploiement.ods --sheet "Budget de déploiement=Poste|Montant;Travaux|42000;Équipement|18000"
doc plan.pdf --page "$(printf '%s\n' "Plan de déploiement pluriannuel 2020-2023" "2020 : ouverture" "2021 : second site" "2022-2023 : itinérance")"
doc lancement.xlsx --sheet "Budget de lancement=Poste|Montant;Communication|3500;Animation|6000"
mail 02-bocage.eml --from "Claire Martin <claire.martin@tiersbocage.fr>" \
  --subject "Candidature Fabrique d'Initiatives – Tiers-lieu du Bocage" \
  --body "$(printf '%s\n' "Bonjour," "" "Veuillez trouver ci-joint notre dossier de candidature." "" \
    "Structure : Tiers-lieu du Bocage" "Statut : association loi 1901" "" "Bien cordialement," "Claire Martin")" \
  --attach "presentation.pdf=01-Présentation projet.pdf" --attach "strategie.docx=Stratégie_déploiement.docx" \
  --attach "bp-etude.xlsx=BP_etude.xlsx" --attach "bp-deploiement.ods=Budget deploiement.ods" \
  --attach "plan.pdf=Plan pluriannuel 2020-2023.pdf" --attach "lancement.xlsx=Budget-lancement.xlsx"

# 2. Coworking des Falaises: incomplete, then completed by a reply that
#    carries the reference (FI-2020-0003: the dossiers are numbered in the
#    order messages arrive, and the early one below came first).
doc falaises.pdf --page "$(printf '%s\n' "Présentation de l'initiative proposée" "Un coworking face à la mer à Fécamp.")" \
  --page "$(printf '%s\n' "La stratégie de déploiement envisagée" "Partenariats avec l'office de tourisme.")"
doc budgets.xlsx --sheet "Budget phase d'étude=Étude|5000" --sheet "Budget de déploiement=Aménagement|30000" \
  --sheet "Budget de lancement=Communication|2500"
mail 04-falaises.eml --from "Marc Lefebvre <marc@coworking-falaises.fr>" \
  --subject "Dossier Fabrique d'Initiatives" \
  --body "$(printf '%s\n' "Bonjour," "" "Structure : SAS Coworking des Falaises" "Statut : entreprise" "" \
    "Le plan pluriannuel suivra." "Marc Lefebvre")" \
  --attach "falaises.pdf=dossier.pdf" --attach "budgets.xlsx=Budgets.xlsx"
doc planning.pdf --page "$(printf '%s\n' "PLAN DE DÉPLOIEMENT PLURIANNUEL" "2020 : ouverture, 2021 : 20 postes, 2022 : 40 postes")"
mail 05-falaises-suite.eml --from "Marc Lefebvre <marc@coworking-falaises.fr>" \
  --subject "Re: [FI-2020-0003] pièce manquante" \
  --body "$(printf '%s\n' "Bonjour," "" "Voici le plan de déploiement." "Marc")" \
  --attach "planning.pdf=scan0003.pdf"

# 3. Commune de Vire-Normandie: everything in one ZIP, and a letter of support.
doc lettre.pdf --page "$(printf '%s\n' "Lettre de soutien" "La Communauté d'agglomération apporte son soutien au projet.")"
mail 07-vire.eml --from "Service développement <developpement@vire-normandie.fr>" \
  --subject "Fabrique d'Initiatives : candidature de la commune" \
  --body "$(printf '%s\n' "Madame, Monsieur," "" "Collectivité : Commune de Vire-Normandie" \
    "Statut : collectivité territoriale" "" "Le dossier complet est dans l'archive jointe.")" \
  --zip "Dossier Fabrique.zip" "presentation.pdf=Dossier/1 - Présentation de l'initiative.pdf" \
    "strategie.docx=Dossier/2 - Stratégie.docx" "bp-etude.xlsx=Dossier/Budgets/Budget étude.xlsx" \
    "bp-deploiement.ods=Dossier/Budgets/Budget déploiement.ods" "plan.pdf=Dossier/Plan pluriannuel.pdf" \
    "lancement.xlsx=Dossier/Budgets/Budget lancement.xlsx" "lettre.pdf=Dossier/Lettre de soutien agglo.pdf"

# 4. A consortium that names no lead applicant, incomplete.
mail 08-consortium.eml --from "Julie Robert <julie.robert@gmail.com>" \
  --subject "Candidature consortium Pays d'Auge" \
  --body "$(printf '%s\n' "Bonjour," "" "Nous candidatons en consortium : deux associations et une SCIC." "Julie")" \
  --attach "presentation.pdf=Présentation du projet.pdf"

# 5. Too early, and too late.
mail 01-trop-tot.eml --from "Paul Durand <paul@fablab-cherbourg.fr>" --subject "Candidature anticipée" \
  --body "Bonjour, voici notre dossier." --attach "presentation.pdf=Presentation.pdf"
mail 09-trop-tard.eml --from "Anne Petit <anne@atelier-bayeux.fr>" --subject "Candidature" \
  --body "Bonjour, désolée pour le retard." --attach "presentation.pdf=Presentation.pdf" \
  --attach "budgets.xlsx=Budgets.xlsx"

# 6. A question without attachment, and an out-of-office reply.
mail 06-question.eml --from "Luc Bernard <luc.bernard@orange.fr>" --subject "Comment candidater ?" \
  --body "Bonjour, comment dois-je envoyer mon dossier ?"
mail 03-absence.eml --from "Claire Martin <claire.martin@tiersbocage.fr>" --subject "Absence du bureau" \
  --header "Auto-Submitted: auto-replied" --body "Je suis absente jusqu'au 3 février."

# 7. Ressourcerie du Pays de Caux: a budget scanned on a photocopier (a
#    PDF of page images, read by OCR) and documents sent from Outlook in
#    rich text (a winmail.dat).
/usr/bin/python3 "$tools/mkphoto.py" "$work/scan-budget.pdf" --rotate 2 "Budget de lancement" \
  "Communication : 2 500 euros" "Animation du lieu : 6 000 euros" >/dev/null
doc caux-initiative.docx --page "$(printf '%s\n' "L'initiative proposée" \
  "Une ressourcerie et un atelier de réparation ouverts aux habitants d'Yvetot.")"
doc caux-plan.pdf --page "$(printf '%s\n' "Plan de déploiement pluriannuel" "2020 : atelier, 2021 : boutique")"
/usr/bin/python3 "$tools/mktnef.py" -o "$work/winmail.dat" \
  "$work/caux-initiative.docx=Présentation de l'initiative.docx" "$work/caux-plan.pdf=Plan pluriannuel.pdf" >/dev/null
mail 10-caux.eml --from "Sophie Lemaire <s.lemaire@ressourcerie-caux.fr>" \
  --subject "Candidature Fabrique d'Initiatives – Ressourcerie du Pays de Caux" \
  --body "$(printf '%s\n' "Bonjour," "" "Structure : Ressourcerie du Pays de Caux" "Statut : association" "" \
    "Le budget de lancement est scanné." "Sophie Lemaire")" \
  --attach "scan-budget.pdf=Scan_20200227.pdf" --attach "winmail.dat=winmail.dat;application/ms-tnef"

cat >"$out/MANIFEST" <<'M'
# message	received (the server's receipt time, standing for IMAP INTERNALDATE)
01-trop-tot.eml	2019-12-18T08:00:00+01:00
02-bocage.eml	2020-01-15T10:12:00+01:00
03-absence.eml	2020-01-15T10:13:00+01:00
04-falaises.eml	2020-02-03T09:30:00+01:00
05-falaises-suite.eml	2020-02-10T16:45:00+01:00
06-question.eml	2020-02-11T12:00:00+01:00
07-vire.eml	2020-02-20T11:00:00+01:00
08-consortium.eml	2020-02-25T14:20:00+01:00
09-trop-tard.eml	2020-03-02T00:30:00+01:00
10-caux.eml	2020-02-27T09:15:00+01:00
M
