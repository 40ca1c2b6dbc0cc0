/* The download links of messages (schemas/006-message-links.sql). */
#include "config.h"

#include <string.h>

#include "store/store-private.h"
#include "util/error.h"

gboolean
gu_store_insert_links (GuStore *store, gint64 message_row, GPtrArray *links, GError **error)
{
  for (guint i = 0; links != NULL && i < links->len; i++)
    {
      const GuLink *link = g_ptr_array_index (links, i);
      sqlite3_stmt *stmt = gu_store_stmt (store,
          "INSERT INTO message_links (message_row, position, url, host) VALUES (?, ?, ?, ?)", error);
      if (stmt == NULL)
        return FALSE;
      sqlite3_bind_int64 (stmt, 1, message_row);
      sqlite3_bind_int (stmt, 2, (int) i);
      gu_store_bind_text (stmt, 3, link->url);
      gu_store_bind_text (stmt, 4, link->host);
      if (!gu_store_step_done (store, stmt, "insert link", error))
        return FALSE;
    }
  return TRUE;
}

/* A message is known by its Message-ID and receipt: the dossier's
 * messages carry no row id, and a reused Message-ID comes at another time. */
static gboolean
add_link (sqlite3_stmt *stmt, gpointer data, GError **error)
{
  GuDossier *d = data;
  const char *message_id = (const char *) sqlite3_column_text (stmt, 0);
  const char *received_at = (const char *) sqlite3_column_text (stmt, 1);
  for (guint i = 0; i < d->messages->len; i++)
    {
      GuDossierMessage *m = g_ptr_array_index (d->messages, i);
      if (g_strcmp0 (m->message_id, message_id) != 0 || g_strcmp0 (m->received_at, received_at) != 0)
        continue;
      GuLink *link = g_new0 (GuLink, 1);
      link->url = gu_store_column_dup (stmt, 2);
      link->host = gu_store_column_dup (stmt, 3);
      g_ptr_array_add (m->links, link);
      return TRUE;
    }
  return TRUE;
}

gboolean
gu_store_dossier_load_links (GuStore *store, GuDossier *d, GError **error)
{
  for (guint i = 0; i < d->messages->len; i++)
    {
      GuDossierMessage *m = g_ptr_array_index (d->messages, i);
      if (m->links == NULL)
        m->links = g_ptr_array_new_with_free_func (gu_link_free);
    }
  sqlite3_stmt *stmt = gu_store_stmt (store,
      "SELECT m.message_id, m.received_at, l.url, l.host FROM message_links l"
      " JOIN messages m ON m.id = l.message_row WHERE m.dossier_id = ? ORDER BY m.id, l.position", error);
  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_int64 (stmt, 1, d->id);
  return gu_store_each_row (store, stmt, add_link, d, error);
}
