# Tests of the filters (filters/) and their runner (src/classify/extract).
check_PROGRAMS += tests/unit/test-extract tests/unit/test-office-text
TESTS += tests/unit/test-extract tests/unit/check-filters.sh
tests_unit_test_extract_SOURCES = tests/unit/test-extract.c
tests_unit_test_extract_CPPFLAGS = $(AM_CPPFLAGS) -I$(top_srcdir)/tests
tests_unit_test_extract_LDADD = tests/libgu_test.a src/classify/libgu_classify.a \
	src/core/libgu_core.a src/util/libgu_util.a \
	$(ARCHIVE_LIBS) $(MAGIC_LIBS) $(GNUTLS_LIBS) $(SECCOMP_LIBS) $(GLIB_LIBS)
# (test-extract also runs filters/office-text: built by "all", which
# "check" builds first.)

# office-text with the full sanitizers (the installed one has UBSan only,
# see filters/local.mk), run directly by check-filters.sh.
tests_unit_test_office_text_SOURCES = filters/office-text.c
tests_unit_test_office_text_CPPFLAGS = $(AM_CPPFLAGS) $(ARCHIVE_CFLAGS)
tests_unit_test_office_text_LDADD = $(ARCHIVE_LIBS) $(GLIB_LIBS)

EXTRA_DIST += tests/unit/check-filters.sh tests/data/filters/make-docs.sh
