#include "config.h"

#include <string.h>

#include "core/types.h"
#include "util/hash.h"

static const struct { guint flag; const char *name; } flag_names[] = {
  { GU_DOC_INLINE_IMAGE, "inline-image" },
  { GU_DOC_UNREADABLE, "unreadable" },
  { GU_DOC_ARCHIVE, "archive" },
  { GU_DOC_TRUNCATED, "truncated" },
  { GU_DOC_INLINE, "inline" },
  { GU_DOC_FROM_FORWARD, "forwarded" },
  { GU_DOC_LATE, "late" },
  { GU_DOC_EMPTY, "empty" },
  { GU_DOC_EARLY, "early" },
  { GU_DOC_PROTECTED, "protected" },
  { GU_DOC_REPAIRED, "repaired" },
  { GU_DOC_OTHER_SENDER, "other-sender" },
};

char *
gu_doc_flags_to_string (guint flags)
{
  GString *s = g_string_new (NULL);
  for (gsize i = 0; i < G_N_ELEMENTS (flag_names); i++)
    if (flags & flag_names[i].flag)
      {
        if (s->len > 0)
          g_string_append_c (s, ' ');
        g_string_append (s, flag_names[i].name);
      }
  return g_string_free (s, FALSE);
}

gboolean
gu_doc_is_shown (guint flags)
{
  if (flags & GU_DOC_INLINE_IMAGE)
    return FALSE;
  return !(flags & GU_DOC_ARCHIVE) || (flags & (GU_DOC_UNREADABLE | GU_DOC_EMPTY));
}

gboolean
gu_doc_counts (guint flags)
{
  return !(flags & (GU_DOC_EARLY | GU_DOC_LATE));
}

const char *
gu_doc_state (guint flags)
{
  if (flags & GU_DOC_PROTECTED)
    return "protected";
  if (flags & GU_DOC_UNREADABLE)
    return "unreadable";
  if (flags & GU_DOC_EMPTY)
    return "empty";
  return NULL;
}

const GuPieceMatch *
gu_piece_find (GPtrArray *pieces, const char *key)
{
  for (guint i = 0; i < pieces->len; i++)
    {
      const GuPieceMatch *m = g_ptr_array_index (pieces, i);
      if (strcmp (m->key, key) == 0)
        return m;
    }
  return NULL;
}

static void
piece_match_free (gpointer p)
{
  GuPieceMatch *m = p;
  g_free (m->key);
  g_free (m->evidence);
  g_free (m);
}

GuDocument *
gu_document_new (void)
{
  GuDocument *doc = g_new0 (GuDocument, 1);
  doc->parent = -1;
  doc->pieces = g_ptr_array_new_with_free_func (piece_match_free);
  return doc;
}

void
gu_document_free (GuDocument *doc)
{
  if (doc == NULL)
    return;
  g_free (doc->filename);
  g_free (doc->archive_path);
  g_free (doc->declared_type);
  g_free (doc->sniffed_type);
  g_clear_pointer (&doc->content, g_bytes_unref);
  g_free (doc->unreadable_reason);
  g_free (doc->text);
  g_ptr_array_unref (doc->pieces);
  g_free (doc);
}

static gboolean hashing_deferred;

void
gu_documents_defer_hashing (void)
{
  hashing_deferred = TRUE;
}

void
gu_document_set_content_unhashed (GuDocument *doc, GBytes *bytes)
{
  g_bytes_ref (bytes);
  g_clear_pointer (&doc->content, g_bytes_unref);
  doc->content = bytes;
  doc->sha256[0] = '\0';
}

void
gu_document_hash (GuDocument *doc)
{
  gsize len = 0;
  const void *data = doc->content != NULL ? g_bytes_get_data (doc->content, &len) : NULL;
  gu_sha256_hex (data != NULL ? data : "", len, doc->sha256);
}

void
gu_document_set_content (GuDocument *doc, GBytes *bytes)
{
  gu_document_set_content_unhashed (doc, bytes);
  if (!hashing_deferred)
    gu_document_hash (doc);
}

void
gu_document_add_piece (GuDocument *doc, const char *key, const char *evidence)
{
  GuPieceMatch *m = g_new0 (GuPieceMatch, 1);
  m->key = g_strdup (key);
  m->evidence = g_strdup (evidence);
  g_ptr_array_add (doc->pieces, m);
}

GuMessage *
gu_message_new (void)
{
  GuMessage *msg = g_new0 (GuMessage, 1);
  msg->to = g_ptr_array_new_with_free_func (g_free);
  msg->references = g_ptr_array_new_with_free_func (g_free);
  msg->documents = g_ptr_array_new_with_free_func ((GDestroyNotify) gu_document_free);
  msg->overruns = g_ptr_array_new_with_free_func (g_free);
  msg->links = g_ptr_array_new_with_free_func (gu_link_free);
  return msg;
}

void
gu_message_free (GuMessage *msg)
{
  if (msg == NULL)
    return;
  g_free (msg->raw_sha256);
  g_free (msg->message_id);
  g_free (msg->from_addr);
  g_free (msg->from_name);
  g_free (msg->from_recovered);
  g_free (msg->from_raw);
  g_free (msg->reply_to);
  g_free (msg->return_path);
  g_ptr_array_unref (msg->overruns);
  g_ptr_array_unref (msg->links);
  g_ptr_array_unref (msg->to);
  g_free (msg->subject);
  g_free (msg->in_reply_to);
  g_ptr_array_unref (msg->references);
  g_clear_pointer (&msg->date, g_date_time_unref);
  g_free (msg->auth_results);
  g_free (msg->automatic_reason);
  g_free (msg->bounced_message_id);
  g_free (msg->body_text);
  g_ptr_array_unref (msg->documents);
  g_free (msg->parse_error);
  g_free (msg->truncated);
  g_free (msg);
}

int
gu_message_add_document (GuMessage *msg, GuDocument *doc)
{
  g_ptr_array_add (msg->documents, doc);
  return (int) msg->documents->len - 1;
}

static void
dossier_document_free (gpointer p)
{
  GuDossierDocument *d = p;
  g_free (d->filename);
  g_free (d->archive_path);
  g_free (d->sha256);
  g_free (d->sniffed_type);
  g_free (d->unreadable_reason);
  g_ptr_array_unref (d->pieces);
  g_free (d->received_at);
  g_free (d);
}

GuDossierDocument *
gu_dossier_document_new (void)
{
  GuDossierDocument *d = g_new0 (GuDossierDocument, 1);
  d->pieces = g_ptr_array_new_with_free_func (piece_match_free);
  return d;
}

static void
dossier_message_free (gpointer p)
{
  GuDossierMessage *m = p;
  g_free (m->message_id);
  g_free (m->received_at);
  g_free (m->subject);
  g_clear_pointer (&m->links, g_ptr_array_unref);
  g_free (m);
}

void
gu_link_free (gpointer p)
{
  GuLink *link = p;
  g_free (link->url);
  g_free (link->host);
  g_free (link);
}

static void
dossier_event_free (gpointer p)
{
  GuDossierEvent *e = p;
  g_free (e->at);
  g_free (e->detail);
  g_free (e);
}

GuDossier *
gu_dossier_new (void)
{
  GuDossier *d = g_new0 (GuDossier, 1);
  d->documents = g_ptr_array_new_with_free_func (dossier_document_free);
  d->messages = g_ptr_array_new_with_free_func (dossier_message_free);
  d->events = g_ptr_array_new_with_free_func (dossier_event_free);
  d->receipts = g_ptr_array_new_with_free_func (g_free);
  return d;
}

void
gu_dossier_free (GuDossier *d)
{
  if (d == NULL)
    return;
  g_free (d->reference);
  g_free (d->applicant);
  g_free (d->applicant_name);
  g_free (d->organisation);
  g_free (d->legal_category);
  g_free (d->flags);
  g_free (d->first_received_at);
  g_free (d->updated_at);
  g_ptr_array_unref (d->documents);
  g_ptr_array_unref (d->messages);
  g_ptr_array_unref (d->events);
  g_ptr_array_unref (d->receipts);
  g_free (d);
}
