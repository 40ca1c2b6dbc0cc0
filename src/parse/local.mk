# src/parse: GMime only, raw bytes -> GuMessage.
noinst_LIBRARIES += src/parse/libgu_parse.a
GU_STAGE_LIBS += src/parse/libgu_parse.a
src_parse_libgu_parse_a_SOURCES = \
	src/parse/parse.c src/parse/parse.h \
	src/parse/parse-private.h \
	src/parse/parse-auth.c \
	src/parse/parse-headers.c \
	src/parse/parse-html.c \
	src/parse/parse-parts.c \
	src/parse/parse-repair.c \
	src/parse/parse-role.c \
	src/parse/parse-text.c
src_parse_libgu_parse_a_CPPFLAGS = $(AM_CPPFLAGS) $(GMIME_CFLAGS)
