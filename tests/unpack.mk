# Unit tests of src/unpack: archives are built in memory by the test.
check_PROGRAMS += tests/unit/test-unpack
TESTS += tests/unit/test-unpack
tests_unit_test_unpack_SOURCES = tests/unit/test-unpack.c
tests_unit_test_unpack_CPPFLAGS = $(AM_CPPFLAGS) $(ARCHIVE_CFLAGS) -I$(top_srcdir)/tests
tests_unit_test_unpack_LDADD = tests/libgu_test.a src/unpack/libgu_unpack.a \
	src/core/libgu_core.a src/util/libgu_util.a \
	$(ARCHIVE_LIBS) $(MAGIC_LIBS) $(GNUTLS_LIBS) $(GLIB_LIBS)
