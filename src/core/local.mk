# src/core: config, the call definition, shared types and their states.
noinst_LIBRARIES += src/core/libgu_core.a
GU_STAGE_LIBS += src/core/libgu_core.a
src_core_libgu_core_a_SOURCES = \
	src/core/call.c src/core/call.h \
	src/core/conf.c src/core/conf.h \
	src/core/conf-check.c \
	src/core/digest.c src/core/digest.h \
	src/core/problems.c src/core/problems.h \
	src/core/states.c src/core/states.h \
	src/core/types.c src/core/types.h
