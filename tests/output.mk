# What reaches the admin's terminal and spreadsheet: formulas and
# control characters from hostile mail neutralised at the output edge.
TESTS += tests/integration/test-hostile-output.sh
EXTRA_DIST += tests/integration/test-hostile-output.sh
