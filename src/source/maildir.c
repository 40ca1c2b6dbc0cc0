/* A Maildir as the call's mailbox (maildir:/path), for a machine that
 * receives the mail itself: the same GuSource as IMAP. new/ and cur/
 * hold what is to be processed; a processed message moves to the
 * Maildir++ subfolder ".FOLDER" (".Traités", ".Quarantaine") once its
 * transaction committed. The file's mtime is the receipt time (the MTA
 * wrote it on delivery). A Maildir has no UIDs: like a file given to
 * ingest, a message is known by its SHA-256 alone, so one seen again
 * after a crash is recognised and only moved. */
#include "config.h"

#include <errno.h>
#include <string.h>
#include <sys/stat.h>

#include <glib/gstdio.h>

#include "source/source.h"
#include "util/error.h"
#include "util/fs.h"

typedef struct {
  char *path;        /* the file */
  char *name;        /* its Maildir name (unique id + flags) */
  GDateTime *received;
} MaildirEntry;

typedef struct {
  GuSource base;
  char *root;
  char *processed_folder;
  char *quarantine_folder;
  int poll_seconds;
  GPtrArray *pending;   /* MaildirEntry*: the last listing */
  guint next;           /* its first entry not yet fetched */
} MaildirSource;

static void
entry_free (MaildirEntry *entry)
{
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
      MaildirEntry *e = g_new0 (MaildirEntry, 1);
      e->path = g_steal_pointer (&path);
      e->name = g_strdup (name);
      e->received = g_date_time_new_from_unix_utc (st.st_mtime);
      g_ptr_array_add (out, e);
    }
}

static gint
by_time_then_name (gconstpointer a, gconstpointer b)
{
  const MaildirEntry *x = *(MaildirEntry *const *) a, *y = *(MaildirEntry *const *) b;
  int c = g_date_time_compare (x->received, y->received);
  return c != 0 ? c : strcmp (x->name, y->name);
}

/* Messages waiting in new/ and cur/ of root, oldest first (mtime, then
 * name); creates the folders of a missing Maildir. */
static GPtrArray *
list_pending (const char *root, GError **error)
{
  if (!ensure_maildir (root, error))
    return NULL;
  GPtrArray *out = g_ptr_array_new_with_free_func ((GDestroyNotify) entry_free);
  collect (root, "new", out);
  collect (root, "cur", out);
  g_ptr_array_sort (out, by_time_then_name);
  return out;
}

/* Moves entry into root's subfolder ".FOLDER/cur/", created if missing,
 * with a rename (atomic within one file system). */
static gboolean
move_entry (const char *root, const MaildirEntry *entry, const char *folder, GError **error)
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

static GuSource *
maildir_open (const GuConfig *cfg, GError **error)
{
  if (cfg->imap_url == NULL || !g_str_has_prefix (cfg->imap_url, "maildir:"))
    {
      g_set_error (error, GU_ERROR, GU_ERROR_CONFIG, "[imap] url is not maildir:/path in %s", cfg->path);
      return NULL;
    }
  MaildirSource *s = g_new0 (MaildirSource, 1);
  s->root = g_strdup (cfg->imap_url + strlen ("maildir:"));
  s->processed_folder = g_strdup (cfg->imap_processed_folder);
  s->quarantine_folder = g_strdup (cfg->imap_quarantine_folder);
  s->poll_seconds = MAX (cfg->imap_poll_seconds, 1);
  s->pending = g_ptr_array_new_with_free_func ((GDestroyNotify) entry_free);
  return &s->base;
}

static void
maildir_close (GuSource *src)
{
  MaildirSource *s = (MaildirSource *) src;
  g_free (s->root);
  g_free (s->processed_folder);
  g_free (s->quarantine_folder);
  g_ptr_array_unref (s->pending);
  g_free (s);
}

static gboolean
maildir_list_new (GuSource *src, guint *count, GError **error)
{
  MaildirSource *s = (MaildirSource *) src;
  *count = 0;
  GPtrArray *pending = list_pending (s->root, error);
  if (pending == NULL)
    return FALSE;
  g_ptr_array_unref (s->pending);
  s->pending = pending;
  s->next = 0;
  *count = pending->len;
  return TRUE;
}

static GPtrArray *
maildir_fetch_batch (GuSource *src, guint max, GError **error)
{
  MaildirSource *s = (MaildirSource *) src;
  g_autoptr (GPtrArray) out = g_ptr_array_new_with_free_func ((GDestroyNotify) gu_source_message_free);
  /* Sizes are known once read: the batch ends at the first message that
   * takes it past GU_SOURCE_BATCH_BYTES. */
  guint64 bytes = 0;
  for (; out->len < MAX (max, 1) && bytes < GU_SOURCE_BATCH_BYTES && s->next < s->pending->len; s->next++)
    {
      MaildirEntry *e = g_ptr_array_index (s->pending, s->next);
      GBytes *raw = gu_source_read_file (e->path, error);
      if (raw == NULL)
        return NULL;
      bytes += g_bytes_get_size (raw);
      GuSourceMessage *m = g_new0 (GuSourceMessage, 1);
      m->raw = raw;
      m->received_at = g_date_time_ref (e->received);
      m->label = g_strdup (e->name);
      m->key = e;
      g_ptr_array_add (out, m);
    }
  return g_steal_pointer (&out);
}

static gboolean
move_all (MaildirSource *s, GPtrArray *messages, const char *folder, GError **error)
{
  for (guint i = 0; i < messages->len; i++)
    if (!move_entry (s->root, ((GuSourceMessage *) g_ptr_array_index (messages, i))->key, folder, error))
      return FALSE;
  return TRUE;
}

static gboolean
maildir_mark_done (GuSource *src, GPtrArray *messages, GError **error)
{
  MaildirSource *s = (MaildirSource *) src;
  return move_all (s, messages, s->processed_folder, error);
}

static gboolean
maildir_mark_quarantined (GuSource *src, GPtrArray *messages, GError **error)
{
  MaildirSource *s = (MaildirSource *) src;
  return move_all (s, messages, s->quarantine_folder, error);
}

/* A poll: the daemon's wake-up fd ends it early. */
static gboolean
maildir_wait (GuSource *src, int wake_fd, int max_seconds, GError **error)
{
  MaildirSource *s = (MaildirSource *) src;
  gu_source_sleep (wake_fd, MIN (s->poll_seconds, max_seconds));
  return TRUE;
}

const GuSourceDriver gu_source_maildir_driver = {
  .name = "maildir",
  .open = maildir_open,
  .list_new = maildir_list_new,
  .fetch_batch = maildir_fetch_batch,
  .mark_done = maildir_mark_done,
  .mark_quarantined = maildir_mark_quarantined,
  .wait = maildir_wait,
  .close = maildir_close,
};
