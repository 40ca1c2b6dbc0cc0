# src/send against the rig's SMTP sink: a GLib test run by a shell
# wrapper that starts the rig.
check_PROGRAMS += tests/integration/test-send
TESTS += tests/integration/test-send.sh
EXTRA_DIST += tests/integration/test-send.sh tests/integration/flaky-smtp.py
tests_integration_test_send_SOURCES = tests/integration/test-send.c
tests_integration_test_send_CPPFLAGS = $(AM_CPPFLAGS) $(JSON_CFLAGS) -I$(top_srcdir)/tests
tests_integration_test_send_LDADD = tests/libgu_test.a src/send/libgu_send.a \
	src/core/libgu_core.a src/util/libgu_util.a \
	$(CURL_LIBS) $(JSON_LIBS) $(GNUTLS_LIBS) $(MAGIC_LIBS) $(GLIB_LIBS)
