# Documents as applicants really send them (issue 13): protected
# archives, winmail.dat, download links; the link finder's unit test and
# the binary end to end.
check_PROGRAMS += tests/unit/test-links
TESTS += tests/unit/test-links tests/integration/test-messages13.sh
EXTRA_DIST += tests/integration/test-messages13.sh
tests_unit_test_links_SOURCES = tests/unit/test-links.c
tests_unit_test_links_CPPFLAGS = $(AM_CPPFLAGS) $(GMIME_CFLAGS) -I$(top_srcdir)/tests
tests_unit_test_links_LDADD = $(GU_TEST_LIBS)
