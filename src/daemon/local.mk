# src/daemon: the loop of `guichet run`, its signals, backoff, daily jobs
# and outbox thread. GLib only: the source, the pipeline and the store are
# reached through their headers, never through a library's.
noinst_LIBRARIES += src/daemon/libgu_daemon.a
GU_STAGE_LIBS += src/daemon/libgu_daemon.a
src_daemon_libgu_daemon_a_SOURCES = \
	src/daemon/daemon.c src/daemon/daemon.h \
	src/daemon/daemon-private.h \
	src/daemon/pass.c \
	src/daemon/signals.c \
	src/daemon/backoff.c \
	src/daemon/jobs.c \
	src/daemon/sender.c
