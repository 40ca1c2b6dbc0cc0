# Unit tests of src/reply: the template engine and every reply composed
# with the shipped call and templates.
check_PROGRAMS += tests/unit/test-reply
TESTS += tests/unit/test-reply
tests_unit_test_reply_SOURCES = tests/unit/test-reply.c
tests_unit_test_reply_CPPFLAGS = $(AM_CPPFLAGS) $(GMIME_CFLAGS) -I$(top_srcdir)/tests
tests_unit_test_reply_LDADD = tests/libgu_test.a src/reply/libgu_reply.a src/core/libgu_core.a src/util/libgu_util.a $(GMIME_LIBS) $(GNUTLS_LIBS) $(MAGIC_LIBS) $(GLIB_LIBS)
