# src/isolate: parsing, sniffing and unpacking in walled worker
# processes (guichet-parse), and the pool that feeds them.
noinst_LIBRARIES += src/isolate/libgu_isolate.a
GU_STAGE_LIBS += src/isolate/libgu_isolate.a
src_isolate_libgu_isolate_a_SOURCES = \
	src/isolate/isolate.h src/isolate/isolate-private.h \
	src/isolate/pool.c \
	src/isolate/wire.c \
	src/isolate/wire-message.c \
	src/isolate/worker.c

# The worker executable: installed beside the filters, never in $PATH.
pkglibexec_PROGRAMS += src/guichet-parse
src_guichet_parse_SOURCES = src/guichet-parse.c
src_guichet_parse_LDADD = src/isolate/libgu_isolate.a $(GU_ALL_LIBS)
