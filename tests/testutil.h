/* Helpers for the C unit tests. */
#ifndef GU_TESTS_TESTUTIL_H
#define GU_TESTS_TESTUTIL_H

#include <glib.h>

/* Returns a new empty temporary folder (freed string); it is removed
 * recursively by gu_test_rmtree. */
char *gu_test_tmpdir (void);
void gu_test_rmtree (const char *path);
/* Writes a file relative to dir, creating folders; returns its path (freed). */
char *gu_test_write (const char *dir, const char *name, const char *content, int mode);
/* Path of a file in the source tree (tests/data/...), freed. */
char *gu_test_srcpath (const char *relative);

#endif
