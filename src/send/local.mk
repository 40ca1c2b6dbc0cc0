# src/send: SMTP submission. The only module that sees libcurl's headers.
noinst_LIBRARIES += src/send/libgu_send.a
GU_STAGE_LIBS += src/send/libgu_send.a
src_send_libgu_send_a_SOURCES = \
	src/send/send.c src/send/send.h src/send/send-private.h
src_send_libgu_send_a_CPPFLAGS = $(AM_CPPFLAGS) $(CURL_CFLAGS)
