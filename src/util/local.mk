# src/util: generic helpers. Depends on GLib, GnuTLS (hashing), libmagic
# and libseccomp (walls).
noinst_LIBRARIES += src/util/libgu_util.a
GU_STAGE_LIBS += src/util/libgu_util.a
src_util_libgu_util_a_SOURCES = \
	src/util/account.c src/util/account.h \
	src/util/address.c src/util/address.h \
	src/util/error.c src/util/error.h \
	src/util/fs.c src/util/fs.h \
	src/util/hash.c src/util/hash.h \
	src/util/log.c src/util/log.h \
	src/util/sniff.c src/util/sniff.h \
	src/util/text.c src/util/text.h \
	src/util/tls-switch.c src/util/tls-switch.h \
	src/util/walls.c src/util/walls.h \
	src/util/workqueue.c src/util/workqueue.h
src_util_libgu_util_a_CPPFLAGS = $(AM_CPPFLAGS) $(GNUTLS_CFLAGS) $(MAGIC_CFLAGS) $(SECCOMP_CFLAGS)
