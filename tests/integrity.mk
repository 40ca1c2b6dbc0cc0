# Nothing the applicant sent vanishes without a trace: MIME parts nested
# too deep flag the message, empty archives are kept and shown as empty.
check_PROGRAMS += tests/unit/test-integrity
TESTS += tests/unit/test-integrity tests/integration/test-integrity-parts.sh
EXTRA_DIST += tests/integration/test-integrity-parts.sh
tests_unit_test_integrity_SOURCES = tests/unit/test-integrity.c
tests_unit_test_integrity_CPPFLAGS = $(AM_CPPFLAGS) $(GMIME_CFLAGS) $(ARCHIVE_CFLAGS) -I$(top_srcdir)/tests
tests_unit_test_integrity_LDADD = tests/libgu_test.a src/reply/libgu_reply.a src/parse/libgu_parse.a \
	src/unpack/libgu_unpack.a src/core/libgu_core.a src/util/libgu_util.a \
	$(GMIME_LIBS) $(ARCHIVE_LIBS) $(MAGIC_LIBS) $(GNUTLS_LIBS) $(GLIB_LIBS)
