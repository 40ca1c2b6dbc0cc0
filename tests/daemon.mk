# The daemon's loop (src/daemon) against a fake source implementing the
# driver interface of src/source/source.h: moved only after commit, batch
# by batch; quarantine; backoff; a signal ends a wait at once. The real
# sources are tested end to end against Dovecot (tests/integration/).
check_PROGRAMS += tests/unit/test-daemon
TESTS += tests/unit/test-daemon
tests_unit_test_daemon_SOURCES = tests/unit/test-daemon.c
tests_unit_test_daemon_CPPFLAGS = $(AM_CPPFLAGS) -I$(top_srcdir)/tests
tests_unit_test_daemon_LDADD = $(GU_TEST_LIBS)
