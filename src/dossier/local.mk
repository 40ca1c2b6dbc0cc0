# src/dossier: matching, applicant, status. Pure logic on core types.
noinst_LIBRARIES += src/dossier/libgu_dossier.a
GU_STAGE_LIBS += src/dossier/libgu_dossier.a
src_dossier_libgu_dossier_a_SOURCES = \
	src/dossier/dossier.c src/dossier/dossier.h \
	src/dossier/csv.c \
	src/dossier/forward.c \
	src/dossier/links.c src/dossier/links.h
