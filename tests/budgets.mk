# The per-message budgets (issue 11): unpack and classify on messages
# built in memory, then the binary end to end with small [limits].
check_PROGRAMS += tests/unit/test-budgets
TESTS += tests/unit/test-budgets tests/integration/test-budgets.sh
EXTRA_DIST += tests/integration/test-budgets.sh
tests_unit_test_budgets_SOURCES = tests/unit/test-budgets.c
tests_unit_test_budgets_CPPFLAGS = $(AM_CPPFLAGS) $(ARCHIVE_CFLAGS) -I$(top_srcdir)/tests
tests_unit_test_budgets_LDADD = $(GU_TEST_LIBS)
