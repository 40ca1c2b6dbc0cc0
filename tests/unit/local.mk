# Unit tests of the foundation: config, call, store, blobs.
GU_UNIT_TESTS = \
	tests/unit/test-config \
	tests/unit/test-call \
	tests/unit/test-store \
	tests/unit/test-workqueue
check_PROGRAMS += $(GU_UNIT_TESTS)
TESTS += $(GU_UNIT_TESTS)
tests_unit_test_config_SOURCES = tests/unit/test-config.c
tests_unit_test_config_CPPFLAGS = $(AM_CPPFLAGS) -I$(top_srcdir)/tests
tests_unit_test_config_LDADD = $(GU_TEST_LIBS)
tests_unit_test_call_SOURCES = tests/unit/test-call.c
tests_unit_test_call_CPPFLAGS = $(AM_CPPFLAGS) -I$(top_srcdir)/tests
tests_unit_test_call_LDADD = $(GU_TEST_LIBS)
tests_unit_test_store_SOURCES = tests/unit/test-store.c
tests_unit_test_store_CPPFLAGS = $(AM_CPPFLAGS) $(SQLITE_CFLAGS) -I$(top_srcdir)/tests
tests_unit_test_store_LDADD = $(GU_TEST_LIBS)
tests_unit_test_workqueue_SOURCES = tests/unit/test-workqueue.c
tests_unit_test_workqueue_CPPFLAGS = $(AM_CPPFLAGS) -I$(top_srcdir)/tests
tests_unit_test_workqueue_LDADD = $(GU_TEST_LIBS)

GU_UNIT_TESTS_2 = tests/unit/test-classify tests/unit/test-dossier
check_PROGRAMS += $(GU_UNIT_TESTS_2)
TESTS += $(GU_UNIT_TESTS_2)
tests_unit_test_classify_SOURCES = tests/unit/test-classify.c
tests_unit_test_classify_CPPFLAGS = $(AM_CPPFLAGS) -I$(top_srcdir)/tests
tests_unit_test_classify_LDADD = $(GU_TEST_LIBS)
tests_unit_test_dossier_SOURCES = tests/unit/test-dossier.c
tests_unit_test_dossier_CPPFLAGS = $(AM_CPPFLAGS) -I$(top_srcdir)/tests
tests_unit_test_dossier_LDADD = $(GU_TEST_LIBS)
