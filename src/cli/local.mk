# src/cli: one file per command of doc/ARCHITECTURE.md's "CLI", what they
# share (cli.h, app.c) and their output (output.c). The only module that
# sees json-glib's headers. Linked by src/guichet alone, so not one of
# GU_STAGE_LIBS (what the tests link).
noinst_LIBRARIES += src/cli/libgu_cli.a
src_cli_libgu_cli_a_SOURCES = \
	src/cli/cli.h src/cli/app.c src/cli/state.c \
	src/cli/output.c src/cli/output.h \
	src/cli/cmd-run.c \
	src/cli/cmd-ingest.c \
	src/cli/cmd-list.c \
	src/cli/cmd-show.c \
	src/cli/cmd-export.c \
	src/cli/cmd-outbox.c \
	src/cli/cmd-send.c \
	src/cli/cmd-digest.c \
	src/cli/cmd-classify.c \
	src/cli/cmd-file.c \
	src/cli/cmd-remind.c \
	src/cli/cmd-verify.c \
	src/cli/cmd-replay.c \
	src/cli/cmd-status.c \
	src/cli/cmd-purge.c \
	src/cli/cmd-check-config.c
src_cli_libgu_cli_a_CPPFLAGS = $(AM_CPPFLAGS) $(JSON_CFLAGS)
