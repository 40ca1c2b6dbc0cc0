# src/source: where raw messages come from: files and stdin, and the
# daemon's mailboxes behind one driver interface (source.h): an IMAP
# mailbox through libetpan, or a Maildir.
noinst_LIBRARIES += src/source/libgu_source.a
GU_STAGE_LIBS += src/source/libgu_source.a
src_source_libgu_source_a_SOURCES = \
	src/source/source.c src/source/source.h \
	src/source/file.c \
	src/source/maildir.c \
	src/source/imap-driver.c \
	src/source/imap.c src/source/imap.h
# imap.c is the only file that includes libetpan (and GnuTLS, to verify
# the certificates libetpan does not).
src_source_libgu_source_a_CPPFLAGS = $(AM_CPPFLAGS) $(ETPAN_CFLAGS) $(GNUTLS_CFLAGS)
