# A sender recovered from a From GMime cannot read (the From repaired,
# else Sender, Reply-To, Return-Path), and a message with none set aside
# for the digest: parsing (unit), then ingest, show and digest end to end.
check_PROGRAMS += tests/unit/test-sender
TESTS += tests/unit/test-sender tests/integration/test-sender.sh
EXTRA_DIST += tests/integration/test-sender.sh
tests_unit_test_sender_SOURCES = tests/unit/test-sender.c
tests_unit_test_sender_CPPFLAGS = $(AM_CPPFLAGS) -I$(top_srcdir)/tests
tests_unit_test_sender_LDADD = tests/libgu_test.a src/parse/libgu_parse.a src/core/libgu_core.a src/util/libgu_util.a $(GMIME_LIBS) $(MAGIC_LIBS) $(GNUTLS_LIBS) $(GLIB_LIBS)
