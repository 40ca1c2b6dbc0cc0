# Staff messages: who is staff (Authentication-Results from our own
# server), where their letters go, and the replies they get.
check_PROGRAMS += tests/unit/test-staff
TESTS += tests/unit/test-staff tests/integration/test-staff.sh
EXTRA_DIST += tests/integration/test-staff.sh
tests_unit_test_staff_SOURCES = tests/unit/test-staff.c
tests_unit_test_staff_CPPFLAGS = $(AM_CPPFLAGS) -I$(top_srcdir)/tests
tests_unit_test_staff_LDADD = tests/libgu_test.a src/reply/libgu_reply.a src/parse/libgu_parse.a \
	src/core/libgu_core.a src/util/libgu_util.a $(GMIME_LIBS) $(MAGIC_LIBS) $(GNUTLS_LIBS) $(GLIB_LIBS)
