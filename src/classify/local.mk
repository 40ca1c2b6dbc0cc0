# src/classify: runs filters/ for text, applies the call's rules.
noinst_LIBRARIES += src/classify/libgu_classify.a
GU_STAGE_LIBS += src/classify/libgu_classify.a
src_classify_libgu_classify_a_SOURCES = \
	src/classify/classify.c src/classify/classify.h \
	src/classify/extract.c src/classify/extract.h
