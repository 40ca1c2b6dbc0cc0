#include "config.h"

#include <errno.h>
#include <string.h>
#include <sys/stat.h>

#include <glib/gstdio.h>

#include "source/maildir.h"
#include "util/error.h"
#include "util/fs.h"

void
gu_maildir_entry_free (GuMaildirEntry *entry)
{
  if (entry == NULL)
    return;
  g_free (entry->path);
  g_free (entry->name);
  g_clear_pointer (&entry->received, g_date_time_unref);
  g_free (entry);
}

static gboolean
ensure_maildir (const char *root, GError **error)
{
  static const char *const subs[] = { "new", "cur", "tmp" };
  for (gsize i = 0; i < G_N_ELEMENTS (subs); i++)
    {
      g_autofree char *dir = g_build_filename (root, subs[i], NULL);
      if (!gu_mkdir_p (dir, error))
        return FALSE;
    }
  return TRUE;
}

static void
collect (const char *root, const char *sub, GPtrArray *out)
{
  g_autofree char *dir = g_build_filename (root, sub, NULL);
  g_autoptr (GDir) d = g_dir_open (dir, 0, NULL);
  const char *name;
  while (d != NULL && (name = g_dir_read_name (d)) != NULL)
    {
      if (name[0] == '.')
        continue;
      g_autofree char *path = g_build_filename (dir, name, NULL);
      GStatBuf st;
      if (g_stat (path, &st) != 0 || !S_ISREG (st.st_mode))
        continue;
      GuMaildirEntry *e = g_new0 (GuMaildirEntry, 1);
      e->path = g_steal_pointer (&path);
      e->name = g_strdup (name);
      e->received = g_date_time_new_from_unix_utc (st.st_mtime);
      g_ptr_array_add (out, e);
    }
}

static gint
by_time_then_name (gconstpointer a, gconstpointer b)
{
  const GuMaildirEntry *x = *(GuMaildirEntry *const *) a, *y = *(GuMaildirEntry *const *) b;
  int c = g_date_time_compare (x->received, y->received);
  return c != 0 ? c : strcmp (x->name, y->name);
}

GPtrArray *
gu_maildir_pending (const char *root, GError **error)
{
  if (!ensure_maildir (root, error))
    return NULL;
  GPtrArray *out = g_ptr_array_new_with_free_func ((GDestroyNotify) gu_maildir_entry_free);
  collect (root, "new", out);
  collect (root, "cur", out);
  g_ptr_array_sort (out, by_time_then_name);
  return out;
}

gboolean
gu_maildir_move (const char *root, const GuMaildirEntry *entry, const char *folder, GError **error)
{
  g_autofree char *sub = g_strconcat (".", folder, NULL);
  g_autofree char *folder_root = g_build_filename (root, sub, NULL);
  if (!ensure_maildir (folder_root, error))
    return FALSE;
  /* A message from new/ has no ":2," info yet; cur/ names need one. */
  g_autofree char *name = strstr (entry->name, ":2,") != NULL ? g_strdup (entry->name)
                                                              : g_strconcat (entry->name, ":2,", NULL);
  g_autofree char *target = g_build_filename (folder_root, "cur", name, NULL);
  if (g_rename (entry->path, target) != 0)
    {
      int err = errno;
      g_set_error (error, GU_ERROR, GU_ERROR_TEMPFAIL, "cannot move %s to %s: %s", entry->path, target,
                   g_strerror (err));
      return FALSE;
    }
  return TRUE;
}
