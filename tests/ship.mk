# Issue 15, "Ship it": monitoring (`guichet status`), the second call,
# data protection (`guichet purge`, `export --anonymised`).
TESTS += tests/integration/test-status.sh
EXTRA_DIST += tests/integration/test-status.sh
TESTS += tests/integration/test-second-call.sh
EXTRA_DIST += tests/integration/test-second-call.sh
TESTS += tests/integration/test-purge.sh
EXTRA_DIST += tests/integration/test-purge.sh
