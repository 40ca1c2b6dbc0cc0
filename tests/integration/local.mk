# End-to-end tests of the guichet binary (shell, TAP).
GU_CLI_TESTS = \
	tests/integration/test-cli.sh \
	tests/integration/test-ingest.sh \
	tests/integration/test-line-ends.sh \
	tests/integration/test-corpus.sh \
	tests/integration/test-dossiers.sh \
	tests/integration/test-daemon.sh \
	tests/integration/test-replies.sh \
	tests/integration/test-legal.sh \
	tests/integration/test-install.sh \
	tests/integration/test-query-plans.sh
TESTS += $(GU_CLI_TESTS)
EXTRA_DIST += $(GU_CLI_TESTS)
EXTRA_DIST += tests/integration/corpus-agreement.py
EXTRA_DIST += \
	tests/integration/dossiers/avis-sirene.txt \
	tests/integration/dossiers/budget-deploiement.txt \
	tests/integration/dossiers/budget-etude.txt \
	tests/integration/dossiers/budget-lancement.txt \
	tests/integration/dossiers/couverture.txt \
	tests/integration/dossiers/initiative.txt \
	tests/integration/dossiers/lettre-candidature.txt \
	tests/integration/dossiers/plan.txt \
	tests/integration/dossiers/strategie.txt
