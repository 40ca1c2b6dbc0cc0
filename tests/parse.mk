# Unit tests of src/parse.
check_PROGRAMS += tests/unit/test-parse
TESTS += tests/unit/test-parse
tests_unit_test_parse_SOURCES = tests/unit/test-parse.c
tests_unit_test_parse_CPPFLAGS = $(AM_CPPFLAGS) -I$(top_srcdir)/tests
tests_unit_test_parse_LDADD = tests/libgu_test.a src/parse/libgu_parse.a src/core/libgu_core.a src/util/libgu_util.a $(GMIME_LIBS) $(MAGIC_LIBS) $(GNUTLS_LIBS) $(GLIB_LIBS)
