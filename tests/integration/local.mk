# End-to-end tests of the guichet binary (shell, TAP).
GU_CLI_TESTS = \
	tests/integration/test-cli.sh \
	tests/integration/test-ingest.sh \
	tests/integration/test-corpus.sh
TESTS += $(GU_CLI_TESTS)
EXTRA_DIST += $(GU_CLI_TESTS)
EXTRA_DIST += tests/integration/corpus-agreement.py
