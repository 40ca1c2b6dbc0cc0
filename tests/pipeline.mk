# Unit tests of src/pipeline against a real store.
check_PROGRAMS += tests/unit/test-pipeline
TESTS += tests/unit/test-pipeline
tests_unit_test_pipeline_SOURCES = tests/unit/test-pipeline.c
tests_unit_test_pipeline_CPPFLAGS = $(AM_CPPFLAGS) -I$(top_srcdir)/tests
tests_unit_test_pipeline_LDADD = $(GU_TEST_LIBS)
