# The dossier rules of issue 14: early submissions, staff letters found
# and filed (`guichet file`) and the applicant told, reminders before
# the deadline (`guichet remind`, the daemon's daily job).
check_PROGRAMS += tests/unit/test-remind
TESTS += tests/unit/test-remind tests/integration/test-rules.sh tests/integration/test-reminders.sh
EXTRA_DIST += tests/integration/test-rules.sh tests/integration/test-reminders.sh
tests_unit_test_remind_SOURCES = tests/unit/test-remind.c
tests_unit_test_remind_CPPFLAGS = $(AM_CPPFLAGS) -I$(top_srcdir)/tests
tests_unit_test_remind_LDADD = $(GU_TEST_LIBS)
