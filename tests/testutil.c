#include "config.h"

#include <errno.h>
#include <sys/stat.h>

#include <glib/gstdio.h>

#include "testutil.h"

char *
gu_test_tmpdir (void)
{
  GError *error = NULL;
  char *dir = g_dir_make_tmp ("guichet-test-XXXXXX", &error);
  g_assert_no_error (error);
  return dir;
}

void
gu_test_rmtree (const char *path)
{
  GDir *dir = g_dir_open (path, 0, NULL);
  if (dir != NULL)
    {
      const char *name;
      while ((name = g_dir_read_name (dir)) != NULL)
        {
          g_autofree char *child = g_build_filename (path, name, NULL);
          if (g_file_test (child, G_FILE_TEST_IS_DIR) && !g_file_test (child, G_FILE_TEST_IS_SYMLINK))
            gu_test_rmtree (child);
          else
            g_unlink (child);
        }
      g_dir_close (dir);
    }
  g_rmdir (path);
}

char *
gu_test_write (const char *dir, const char *name, const char *content, int mode)
{
  char *path = g_build_filename (dir, name, NULL);
  g_autofree char *parent = g_path_get_dirname (path);
  GError *error = NULL;
  g_assert_cmpint (g_mkdir_with_parents (parent, 0755), ==, 0);
  g_file_set_contents (path, content, -1, &error);
  g_assert_no_error (error);
  g_assert_cmpint (g_chmod (path, mode), ==, 0);
  return path;
}

char *
gu_test_srcpath (const char *relative)
{
  const char *top = g_getenv ("GU_TOP_SRCDIR");
  return g_build_filename (top != NULL ? top : ".", relative, NULL);
}
