# src/unpack: libarchive only, archives -> documents with limits.
noinst_LIBRARIES += src/unpack/libgu_unpack.a
GU_STAGE_LIBS += src/unpack/libgu_unpack.a
src_unpack_libgu_unpack_a_SOURCES = \
	src/unpack/unpack.c src/unpack/unpack.h \
	src/unpack/tnef.c src/unpack/tnef-private.h
src_unpack_libgu_unpack_a_CPPFLAGS = $(AM_CPPFLAGS) $(ARCHIVE_CFLAGS)
