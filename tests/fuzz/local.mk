# libFuzzer target for parse+unpack (configure --enable-fuzzing, CC=clang).
EXTRA_DIST += tests/fuzz/run-fuzz.sh tests/fuzz/seeds/zip.eml tests/fuzz/seeds/targz.eml
EXTRA_DIST += tests/fuzz/seeds/tnef.eml
if ENABLE_FUZZING
check_PROGRAMS += tests/fuzz/fuzz-intake
TESTS += tests/fuzz/run-fuzz.sh
tests_fuzz_fuzz_intake_SOURCES = tests/fuzz/fuzz-intake.c
tests_fuzz_fuzz_intake_LDFLAGS = $(AM_LDFLAGS) -fsanitize=fuzzer
tests_fuzz_fuzz_intake_LDADD = src/unpack/libgu_unpack.a src/parse/libgu_parse.a \
	src/core/libgu_core.a src/util/libgu_util.a \
	$(GMIME_LIBS) $(ARCHIVE_LIBS) $(MAGIC_LIBS) $(GNUTLS_LIBS) $(GLIB_LIBS)
else
EXTRA_DIST += tests/fuzz/fuzz-intake.c
endif
