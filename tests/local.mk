# Tests: TAP everywhere. GLib's gtest speaks TAP with --tap; shell tests
# print TAP themselves and ignore their arguments.
LOG_DRIVER = env AM_TAP_AWK='$(AWK)' $(SHELL) $(top_srcdir)/build-aux/tap-driver.sh
AM_TESTS_ENVIRONMENT = \
	export GU_TOP_SRCDIR='$(abs_top_srcdir)' GU_TOP_BUILDDIR='$(abs_top_builddir)' \
	GU_SHARED_DIR="$${GU_SHARED_DIR:-$(abs_top_srcdir)/../shared}" \
	GUICHET='$(abs_top_builddir)/src/guichet' \
	GUICHET_PARSE_WORKER='$(abs_top_builddir)/src/guichet-parse' \
	G_DEBUG=gc-friendly MALLOC_CHECK_=2 \
	ASAN_OPTIONS=detect_leaks=1:abort_on_error=1 \
	UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1 \
	LSAN_OPTIONS=suppressions='$(abs_top_srcdir)/tests/lsan.supp':print_suppressions=0 \
	LC_ALL=C.UTF-8;

# Support code shared by the C tests.
check_LIBRARIES = tests/libgu_test.a
tests_libgu_test_a_SOURCES = tests/testutil.c tests/testutil.h
GU_TEST_LIBS = tests/libgu_test.a $(GU_ALL_LIBS)

EXTRA_DIST += tests/lsan.supp tests/integration/common.sh tests/run-suite.sh

# The layering of doc/ARCHITECTURE.md, over every #include of src/.
TESTS += tests/check-layering.sh
EXTRA_DIST += tests/check-layering.sh

include tests/unit/local.mk
include tests/parse.mk
include tests/pipeline.mk
include tests/daemon.mk
include tests/sender.mk
include tests/staff.mk
include tests/rules.mk
include tests/unpack.mk
include tests/budgets.mk
include tests/reply.mk
include tests/digest.mk
include tests/filters.mk
include tests/walls.mk
include tests/rig.mk
include tests/integration/local.mk
include tests/output.mk
include tests/integrity.mk
include tests/instance.mk
include tests/ship.mk
include tests/isolate.mk
include tests/messages13.mk
include tests/documents.mk
include tests/integration/send.mk
include tests/integration/imap.mk
include tests/fuzz/local.mk
include tests/tools/local.mk
