# The parse workers: crash, overrun and distrust (src/isolate).
check_PROGRAMS += tests/isolate/parse-standin
tests_isolate_parse_standin_SOURCES = tests/isolate/parse-standin.c
tests_isolate_parse_standin_LDADD = src/isolate/libgu_isolate.a $(GU_ALL_LIBS)
TESTS += tests/isolate/test-isolate.sh
EXTRA_DIST += tests/isolate/test-isolate.sh
check_PROGRAMS += tests/isolate/test-wire
TESTS += tests/isolate/test-wire
tests_isolate_test_wire_SOURCES = tests/isolate/test-wire.c
tests_isolate_test_wire_LDADD = src/isolate/libgu_isolate.a $(GU_ALL_LIBS)
