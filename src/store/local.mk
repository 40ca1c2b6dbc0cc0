# src/store: SQLite only. Schema files are compiled into the binary as a
# GResource so an installed guichet never depends on finding them.
noinst_LIBRARIES += src/store/libgu_store.a
GU_STAGE_LIBS += src/store/libgu_store.a
GU_SCHEMA_FILES = \
	schemas/001-initial.sql \
	schemas/002-admin-overrides.sql \
	schemas/003-admin-filings.sql \
	schemas/004-reminders.sql \
	schemas/005-status-purge.sql \
	schemas/006-message-links.sql \
	schemas/007-nocase-indexes.sql
src_store_libgu_store_a_SOURCES = \
	src/store/store.c src/store/store.h \
	src/store/blobs.c src/store/blobs.h \
	src/store/lock.c src/store/lock.h \
	src/store/migrate.c src/store/migrate.h \
	src/store/messages.c src/store/store-private.h \
	src/store/dossiers.c src/store/dossier-load.c \
	src/store/outbox.c \
	src/store/filings.c \
	src/store/reminders.c \
	src/store/links.c \
	src/store/digest.c \
	src/store/status.c \
	src/store/purge.c
nodist_src_store_libgu_store_a_SOURCES = src/store/schemas-resource.c
src_store_libgu_store_a_CPPFLAGS = $(AM_CPPFLAGS) $(SQLITE_CFLAGS)
BUILT_SOURCES += src/store/schemas-resource.c
CLEANFILES += src/store/schemas-resource.c
EXTRA_DIST += src/store/schemas.gresource.xml $(GU_SCHEMA_FILES)
src/store/schemas-resource.c: $(srcdir)/src/store/schemas.gresource.xml $(GU_SCHEMA_FILES:%=$(srcdir)/%)
	$(AM_V_GEN)$(MKDIR_P) src/store && \
	$(GLIB_COMPILE_RESOURCES) --target=$@ --sourcedir=$(srcdir) \
		--generate-source --c-name gu_schemas $(srcdir)/src/store/schemas.gresource.xml
