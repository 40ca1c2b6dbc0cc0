# One guichet per state folder (store/lock.h) and never the daemon as
# root (src/cli/state.c): a second run, a replay beside it, an ingest
# beside it; root without and with [daemon] user.
TESTS += tests/integration/test-instance.sh
EXTRA_DIST += tests/integration/test-instance.sh
