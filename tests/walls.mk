# The walls around filters and parse workers (src/util/walls): each wall
# of each profile tried from a child, and a hostile stand-in filter end
# to end through `guichet ingest`.
check_PROGRAMS += tests/unit/test-walls
TESTS += tests/unit/test-walls tests/integration/test-walls.sh
tests_unit_test_walls_SOURCES = tests/unit/test-walls.c
tests_unit_test_walls_CPPFLAGS = $(AM_CPPFLAGS) -I$(top_srcdir)/tests
tests_unit_test_walls_LDADD = tests/libgu_test.a src/util/libgu_util.a \
	$(MAGIC_LIBS) $(GNUTLS_LIBS) $(SECCOMP_LIBS) $(GLIB_LIBS)
EXTRA_DIST += tests/integration/test-walls.sh
