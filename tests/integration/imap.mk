# src/source/imap.c against the test rig's real Dovecot (tests/rig/): the
# shell wrapper starts the rig and runs the gtest program, passing its TAP.
check_PROGRAMS += tests/integration/test-imap
TESTS += tests/integration/test-imap.sh
EXTRA_DIST += tests/integration/test-imap.sh
tests_integration_test_imap_SOURCES = tests/integration/test-imap.c
tests_integration_test_imap_CPPFLAGS = $(AM_CPPFLAGS) -I$(top_srcdir)/tests
tests_integration_test_imap_LDADD = tests/libgu_test.a src/source/libgu_source.a \
	src/core/libgu_core.a src/util/libgu_util.a \
	$(ETPAN_LIBS) $(GNUTLS_LIBS) $(MAGIC_LIBS) $(GLIB_LIBS)
