# src/pipeline: runs one message through the stages, the same code path
# for `ingest`, `replay` and the daemon.
noinst_LIBRARIES += src/pipeline/libgu_pipeline.a
GU_STAGE_LIBS += src/pipeline/libgu_pipeline.a
src_pipeline_libgu_pipeline_a_SOURCES = \
	src/pipeline/intake.c src/pipeline/intake.h src/pipeline/intake-private.h \
	src/pipeline/dedupe.c src/pipeline/dedupe.h \
	src/pipeline/filing.c src/pipeline/filing.h \
	src/pipeline/answer.c src/pipeline/answer.h \
	src/pipeline/override.c src/pipeline/override.h \
	src/pipeline/replay.c src/pipeline/replay.h \
	src/pipeline/delivery.c src/pipeline/delivery.h \
	src/pipeline/digest.c src/pipeline/digest.h \
	src/pipeline/remind.c src/pipeline/remind.h \
	src/pipeline/links.c src/pipeline/links.h
