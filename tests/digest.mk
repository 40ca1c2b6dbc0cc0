# The daily digest: the template engine's HTML escaping and the digest
# composed from hand-made facts (unit), then end to end on the example
# dossiers with the rig's SMTP sink (integration).
check_PROGRAMS += tests/unit/test-digest
TESTS += tests/unit/test-digest tests/integration/test-digest.sh
EXTRA_DIST += tests/integration/test-digest.sh tests/integration/digest-check.py doc/render-digest.sh
tests_unit_test_digest_SOURCES = tests/unit/test-digest.c
tests_unit_test_digest_CPPFLAGS = $(AM_CPPFLAGS) $(GMIME_CFLAGS) -I$(top_srcdir)/tests
tests_unit_test_digest_LDADD = tests/libgu_test.a src/reply/libgu_reply.a src/core/libgu_core.a src/util/libgu_util.a $(GMIME_LIBS) $(GNUTLS_LIBS) $(MAGIC_LIBS) $(GLIB_LIBS)
