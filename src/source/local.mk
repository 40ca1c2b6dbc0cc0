# src/source: where raw messages come from (files and stdin here; IMAP
# through libetpan and Maildir in the daemon issue).
noinst_LIBRARIES += src/source/libgu_source.a
GU_STAGE_LIBS += src/source/libgu_source.a
src_source_libgu_source_a_SOURCES = \
	src/source/file.c src/source/source.h
