/* The IMAP mailbox as a GuSource (mbsync's rules): the inbox listed with
 * UID SEARCH, fetched with BODY.PEEK[] in batches (never \Seen before
 * commit), and messages moved only when the caller says they committed.
 * A crash anywhere leaves either a message still in the inbox (fetched
 * again and recognised by its SHA-256 if it had been stored, then moved)
 * or one already moved: nothing lost, nothing twice. The protocol itself
 * is source/imap.c's. */
#include "config.h"

#include <string.h>

#include <gio/gio.h>

#include "source/imap.h"
#include "source/source.h"
#include "util/error.h"

#define IDLE_SECONDS (28 * 60) /* RFC 2177: re-issue before 29 minutes */

typedef struct {
  GuSource base;
  char *url;
  char *user;
  char *password_file;
  char *oauth2_token_command;
  char *ca_file;
  char *processed_folder;
  char *quarantine_folder;
  gboolean tls_verify;
  gboolean idle;
  int poll_seconds;
  char *mailbox;          /* from the URL: what every message names */
  GuImap *imap;           /* NULL while not connected */
  gboolean unreachable;   /* the last connection attempt failed */
  guint32 uidvalidity;    /* of the last SELECT, to notice a change */
  GArray *uids;           /* the last listing */
  GHashTable *sizes;      /* its RFC822.SIZEs: UID -> bytes */
  guint next;             /* its first UID not yet fetched */
} ImapSource;

/* Runs oauth2_token_command anew for each connection: Gmail's and
 * Microsoft 365's tokens expire within the hour. */
static char *
oauth2_token (const char *command, GError **error)
{
  g_auto (GStrv) argv = NULL;
  if (!g_shell_parse_argv (command, NULL, &argv, error))
    return NULL;
  g_autoptr (GSubprocess) proc = g_subprocess_newv ((const char *const *) argv,
                                                    G_SUBPROCESS_FLAGS_STDOUT_PIPE, error);
  g_autofree char *out = NULL;
  if (proc == NULL || !g_subprocess_communicate_utf8 (proc, NULL, NULL, &out, NULL, error))
    return NULL;
  if (!g_subprocess_get_successful (proc) || out == NULL || *g_strstrip (out) == '\0')
    {
      g_set_error (error, GU_ERROR, GU_ERROR_CONFIG, "oauth2_token_command gave no token");
      return NULL;
    }
  return g_steal_pointer (&out);
}

static GuImap *
connect_imap (const ImapSource *s, GError **error)
{
  g_autofree char *password = NULL, *token = NULL;
  if (s->oauth2_token_command != NULL)
    token = oauth2_token (s->oauth2_token_command, error);
  else if (s->password_file != NULL)
    password = gu_config_read_secret (s->password_file, error);
  else
    password = g_strdup (g_getenv ("GUICHET_IMAP_PASSWORD"));
  if ((s->oauth2_token_command != NULL && token == NULL) || (s->password_file != NULL && password == NULL))
    return NULL;
  GuImapOptions opts = {
    .url = s->url, .user = s->user, .password = password, .oauth2_token = token,
    .tls_verify = s->tls_verify, .ca_file = s->ca_file,
  };
  return gu_imap_connect (&opts, error);
}

static void
disconnect (ImapSource *s)
{
  g_clear_pointer (&s->imap, gu_imap_close);
}

/* After a network error the session is unusable; after anything else a
 * fresh one costs little and clears whatever state the server kept. */
static gboolean
drop (ImapSource *s)
{
  disconnect (s);
  return FALSE;
}

static gboolean
ensure_connected (ImapSource *s, GError **error)
{
  if (s->imap != NULL)
    return TRUE;
  s->imap = connect_imap (s, error);
  if (s->imap == NULL)
    {
      s->unreachable = TRUE;
      return FALSE;
    }
  if (!gu_imap_ensure_folder (s->imap, s->processed_folder, error)
      || !gu_imap_ensure_folder (s->imap, s->quarantine_folder, error))
    return drop (s);
  if (s->unreachable)
    g_message ("connected to %s again", s->url);
  else
    g_info ("connected to %s", s->url);
  s->unreachable = FALSE;
  return TRUE;
}

static GuSource *
imap_open (const GuConfig *cfg, GError **error)
{
  if (cfg->imap_url == NULL)
    {
      g_set_error (error, GU_ERROR, GU_ERROR_CONFIG, "[imap] url is not set in %s", cfg->path);
      return NULL;
    }
  g_autofree char *host = NULL, *mailbox = NULL;
  int port;
  GuImapTls tls;
  if (!gu_imap_parse_url (cfg->imap_url, &host, &port, &tls, &mailbox, error))
    return NULL;
  ImapSource *s = g_new0 (ImapSource, 1);
  s->url = g_strdup (cfg->imap_url);
  s->user = g_strdup (cfg->imap_user);
  s->password_file = g_strdup (cfg->imap_password_file);
  s->oauth2_token_command = g_strdup (cfg->imap_oauth2_token_command);
  s->ca_file = g_strdup (cfg->imap_ca_file);
  s->processed_folder = g_strdup (cfg->imap_processed_folder);
  s->quarantine_folder = g_strdup (cfg->imap_quarantine_folder);
  s->tls_verify = cfg->imap_tls_verify;
  s->idle = cfg->imap_idle;
  s->poll_seconds = MAX (cfg->imap_poll_seconds, 1);
  s->mailbox = g_steal_pointer (&mailbox);
  s->uids = g_array_new (FALSE, FALSE, sizeof (guint32));
  s->sizes = g_hash_table_new (NULL, NULL);
  return &s->base;
}

static void
imap_close (GuSource *src)
{
  ImapSource *s = (ImapSource *) src;
  disconnect (s);
  g_free (s->url);
  g_free (s->user);
  g_free (s->password_file);
  g_free (s->oauth2_token_command);
  g_free (s->ca_file);
  g_free (s->processed_folder);
  g_free (s->quarantine_folder);
  g_free (s->mailbox);
  g_array_unref (s->uids);
  g_hash_table_unref (s->sizes);
  g_free (s);
}

static gboolean
select_inbox (ImapSource *s, GError **error)
{
  guint32 uidvalidity = 0, uidnext = 0;
  if (!gu_imap_select (s->imap, s->mailbox, &uidvalidity, &uidnext, error))
    return FALSE;
  /* Nothing depends on UIDs across a change: stored messages are known by
   * their SHA-256 and simply moved. Worth a line in the log all the same. */
  if (s->uidvalidity != 0 && uidvalidity != s->uidvalidity)
    g_message ("UIDVALIDITY of %s changed from %u to %u", s->mailbox, s->uidvalidity, uidvalidity);
  s->uidvalidity = uidvalidity;
  return TRUE;
}

/* The sizes of the listing, in one round trip: batches are cut by them. */
static gboolean
list_sizes (ImapSource *s, GError **error)
{
  g_hash_table_remove_all (s->sizes);
  g_autoptr (GPtrArray) sized = gu_imap_fetch_sizes (s->imap, (guint32 *) s->uids->data, s->uids->len, error);
  if (sized == NULL)
    return FALSE;
  for (guint i = 0; i < sized->len; i++)
    {
      const GuImapMessage *m = g_ptr_array_index (sized, i);
      g_hash_table_insert (s->sizes, GUINT_TO_POINTER (m->uid), GUINT_TO_POINTER (m->size));
    }
  return TRUE;
}

/* How many of the listing's next UIDs make the next batch: at most max,
 * and past the first no more than GU_SOURCE_BATCH_BYTES. */
static guint
batch_length (const ImapSource *s, guint max)
{
  guint n = 0;
  guint64 bytes = 0;
  while (n < MAX (max, 1) && s->next + n < s->uids->len)
    {
      guint32 uid = g_array_index (s->uids, guint32, s->next + n);
      guint64 size = GPOINTER_TO_UINT (g_hash_table_lookup (s->sizes, GUINT_TO_POINTER (uid)));
      if (n > 0 && bytes + size > GU_SOURCE_BATCH_BYTES)
        break;
      bytes += size;
      n++;
    }
  return n;
}

static gboolean
imap_list_new (GuSource *src, guint *count, GError **error)
{
  ImapSource *s = (ImapSource *) src;
  g_array_set_size (s->uids, 0);
  s->next = 0;
  *count = 0;
  if (!ensure_connected (s, error) || !select_inbox (s, error))
    return drop (s);
  GArray *uids = gu_imap_search_from (s->imap, 1, error);
  if (uids == NULL)
    return drop (s);
  g_array_unref (s->uids);
  s->uids = uids;
  *count = uids->len;
  return list_sizes (s, error) || drop (s);
}

static GuSourceMessage *
message_from_imap (const ImapSource *s, const GuImapMessage *m)
{
  GuSourceMessage *out = g_new0 (GuSourceMessage, 1);
  out->raw = m->raw != NULL ? g_bytes_ref (m->raw) : NULL;
  out->received_at = m->internaldate != NULL ? g_date_time_ref (m->internaldate) : NULL;
  out->mailbox = s->mailbox;
  out->uidvalidity = s->uidvalidity;
  out->uid = m->uid;
  out->label = g_strdup_printf ("UID %u", m->uid);
  return out;
}

static GPtrArray *
imap_fetch_batch (GuSource *src, guint max, GError **error)
{
  ImapSource *s = (ImapSource *) src;
  GPtrArray *out = g_ptr_array_new_with_free_func ((GDestroyNotify) gu_source_message_free);
  /* UIDs expunged by another client since the listing come back as
   * nothing: go on to the next slice rather than end the pass early. */
  while (out->len == 0 && s->next < s->uids->len)
    {
      guint n = batch_length (s, max);
      g_autoptr (GPtrArray) fetched = gu_imap_fetch (s->imap, &g_array_index (s->uids, guint32, s->next), n,
                                                     error);
      if (fetched == NULL)
        {
          g_ptr_array_unref (out);
          drop (s);
          return NULL;
        }
      s->next += n;
      for (guint i = 0; i < fetched->len; i++)
        g_ptr_array_add (out, message_from_imap (s, g_ptr_array_index (fetched, i)));
    }
  return out;
}

static gboolean
move_to (ImapSource *s, GPtrArray *messages, const char *folder, GError **error)
{
  g_autoptr (GArray) uids = g_array_sized_new (FALSE, FALSE, sizeof (guint32), messages->len);
  for (guint i = 0; i < messages->len; i++)
    g_array_append_val (uids, ((GuSourceMessage *) g_ptr_array_index (messages, i))->uid);
  if (s->imap == NULL)
    {
      g_set_error (error, GU_ERROR, GU_ERROR_TEMPFAIL, "IMAP: not connected to %s", s->url);
      return FALSE;
    }
  return gu_imap_move (s->imap, (guint32 *) uids->data, uids->len, folder, error) || drop (s);
}

static gboolean
imap_mark_done (GuSource *src, GPtrArray *messages, GError **error)
{
  ImapSource *s = (ImapSource *) src;
  return move_to (s, messages, s->processed_folder, error);
}

static gboolean
imap_mark_quarantined (GuSource *src, GPtrArray *messages, GError **error)
{
  ImapSource *s = (ImapSource *) src;
  return move_to (s, messages, s->quarantine_folder, error);
}

/* IDLE where the server has it and the config wants it, else a poll. */
static gboolean
imap_wait (GuSource *src, int wake_fd, int max_seconds, GError **error)
{
  ImapSource *s = (ImapSource *) src;
  if (s->imap == NULL || !s->idle || !gu_imap_has_idle (s->imap))
    {
      gu_source_sleep (wake_fd, MIN (s->poll_seconds, max_seconds));
      return TRUE;
    }
  gboolean changed = FALSE;
  return gu_imap_idle_fd (s->imap, MIN (IDLE_SECONDS, max_seconds), wake_fd, &changed, error) || drop (s);
}

const GuSourceDriver gu_source_imap_driver = {
  .name = "imap",
  .open = imap_open,
  .list_new = imap_list_new,
  .fetch_batch = imap_fetch_batch,
  .mark_done = imap_mark_done,
  .mark_quarantined = imap_mark_quarantined,
  .wait = imap_wait,
  .close = imap_close,
};
