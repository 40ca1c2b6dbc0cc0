/* The fields a reply's templates see, from the reply's context. The
 * list, with what each field holds, is in templates/README: keep both
 * in step. */
#include "config.h"

#include <string.h>

#include "reply/reply-private.h"

/* Longest filename shown, in characters: a receipt line, not a dump. */
#define MAX_NAME_CHARS 120

/* What a document shows, from a message's GuDocument or a stored one. */
typedef struct {
  const char *filename;
  const char *archive_path;
  const char *container;       /* the archive holding it, or NULL */
  const char *type;
  guint64 size;
  const char *sha256;
  guint flags;
  const char *reason;
  GPtrArray *pieces;           /* of GuPieceMatch* */
} DocView;

static void
set_flag (GuTplData *d, const char *name, gboolean on)
{
  gu_tpl_data_set (d, name, on ? "yes" : "");
}

static void
add_piece (GuTplData *d, const char *list, const GuCall *call, const char *key)
{
  const GuPiece *piece = gu_call_find_piece (call, key);
  GuTplData *item = gu_tpl_data_add_item (d, list);
  gu_tpl_data_set (item, "key", key);
  gu_tpl_data_set (item, "label", piece != NULL ? piece->label : key);
}

static gboolean
matches_have_key (GPtrArray *pieces, guint before, const char *key)
{
  for (guint i = 0; i < before; i++)
    if (strcmp (((GuPieceMatch *) g_ptr_array_index (pieces, i))->key, key) == 0)
      return TRUE;
  return FALSE;
}

/* Each piece once, even when two rules found it. */
static void
add_matches (GuTplData *item, const GuCall *call, GPtrArray *pieces)
{
  gu_tpl_data_list (item, "pieces");
  for (guint i = 0; pieces != NULL && i < pieces->len; i++)
    {
      const char *key = ((GuPieceMatch *) g_ptr_array_index (pieces, i))->key;
      if (!matches_have_key (pieces, i, key))
        add_piece (item, "pieces", call, key);
    }
}

static gboolean
reason_says_encrypted (const char *reason)
{
  g_autofree char *lower = g_ascii_strdown (reason != NULL ? reason : "", -1);
  return strstr (lower, "encrypt") != NULL || strstr (lower, "password") != NULL;
}

static GuTplData *
add_document (GuTplData *d, const char *list, const GuCall *call, const DocView *v, gboolean late)
{
  GuTplData *item = gu_tpl_data_add_item (d, list);
  const char *name = v->archive_path != NULL ? v->archive_path : v->filename;
  gu_tpl_data_take (item, "filename", name != NULL ? gu_reply_clean_text (name, MAX_NAME_CHARS) : NULL);
  gu_tpl_data_take (item, "container",
                    v->container != NULL ? gu_reply_clean_text (v->container, MAX_NAME_CHARS) : NULL);
  gu_tpl_data_take (item, "type", gu_reply_clean_text (v->type != NULL ? v->type : "", 80));
  gu_tpl_data_take (item, "size", gu_reply_format_size (call, v->size));
  /* The exact count only where size rounds ("12,3 Ko (12345 octets)"). */
  gu_tpl_data_take (item, "bytes", v->size >= 1000 ? g_strdup_printf ("%" G_GUINT64_FORMAT, v->size) : NULL);
  gu_tpl_data_set (item, "sha256", v->sha256);
  add_matches (item, call, v->pieces);
  set_flag (item, "late", late || (v->flags & GU_DOC_LATE));
  set_flag (item, "early", (v->flags & GU_DOC_EARLY) != 0);
  gboolean unreadable = (v->flags & GU_DOC_UNREADABLE) != 0;
  /* The reason is technical English ("encrypted", "corrupt: …"): the
   * templates say it in words and show it as a detail. */
  gu_tpl_data_take (item, "unreadable",
                    unreadable ? gu_reply_clean_text (v->reason != NULL ? v->reason : "?", 200) : NULL);
  set_flag (item, "encrypted", unreadable && reason_says_encrypted (v->reason));
  /* Protected (issue 13): an archive or document behind a password; the
   * applicant can send it again without one. */
  set_flag (item, "protected", (v->flags & GU_DOC_PROTECTED) != 0);
  /* A per-message budget ran out (issue 11): the file may be fine. */
  set_flag (item, "not_read", unreadable && v->reason != NULL && g_str_has_prefix (v->reason, "not read:"));
  set_flag (item, "truncated", (v->flags & GU_DOC_TRUNCATED) != 0);
  set_flag (item, "empty", (v->flags & GU_DOC_EMPTY) != 0);
  return item;
}

static void
add_message_document (GuTplData *d, const GuReplyContext *ctx, const GuDocument *doc,
                      GHashTable *earlier, gboolean late, const char *received)
{
  GPtrArray *docs = ctx->message->documents;
  const GuDocument *parent = doc->parent >= 0 && (guint) doc->parent < docs->len
                                 ? g_ptr_array_index (docs, doc->parent) : NULL;
  DocView v = {
    doc->filename, doc->archive_path,
    parent == NULL ? NULL : parent->archive_path != NULL ? parent->archive_path : parent->filename,
    doc->sniffed_type != NULL ? doc->sniffed_type : doc->declared_type,
    doc->content != NULL ? g_bytes_get_size (doc->content) : 0,
    doc->sha256, doc->flags, doc->unreadable_reason, doc->pieces,
  };
  /* Unreadable ones appear twice: in the receipt, and in the list the
   * "unreadable" reply dwells on. */
  for (int twice = 0; twice < ((doc->flags & GU_DOC_UNREADABLE) ? 2 : 1); twice++)
    {
      GuTplData *item = add_document (d, twice ? "unreadable_documents" : "documents", ctx->call, &v, late);
      set_flag (item, "already", g_hash_table_contains (earlier, doc->sha256));
      gu_tpl_data_set (item, "received_at", received);
    }
}

static void
add_message_documents (GuTplData *d, const GuReplyContext *ctx, GHashTable *earlier, gboolean late)
{
  gu_tpl_data_list (d, "documents");
  gu_tpl_data_list (d, "unreadable_documents");
  gu_tpl_data_set (d, "documents_count", "0");
  if (ctx->message == NULL || ctx->message->documents == NULL)
    return;
  g_autofree char *received = gu_reply_format_time (ctx->call, ctx->received_at);
  guint n = 0;
  for (guint i = 0; i < ctx->message->documents->len; i++)
    {
      const GuDocument *doc = g_ptr_array_index (ctx->message->documents, i);
      if (!gu_doc_is_shown (doc->flags))
        continue;
      add_message_document (d, ctx, doc, earlier, late, received);
      n++;
    }
  gu_tpl_data_take (d, "documents_count", g_strdup_printf ("%u", n));
}

/* A stored document came with an earlier message when it was received
 * before this one (the dossier already holds this message's documents). */
static gboolean
is_earlier (const GuDossierDocument *doc, GDateTime *received)
{
  g_autoptr (GTimeZone) utc = g_time_zone_new_utc ();
  g_autoptr (GDateTime) at = doc->received_at != NULL ? g_date_time_new_from_iso8601 (doc->received_at, utc) : NULL;
  return at != NULL && g_date_time_compare (at, received) < 0;
}

/* Fills earlier_documents and returns their SHA-256 set (borrowed strings). */
static GHashTable *
add_earlier_documents (GuTplData *d, const GuReplyContext *ctx)
{
  GHashTable *seen = g_hash_table_new (g_str_hash, g_str_equal);
  gu_tpl_data_list (d, "earlier_documents");
  guint n = 0;
  for (guint i = 0; ctx->dossier != NULL && i < ctx->dossier->documents->len; i++)
    {
      const GuDossierDocument *doc = g_ptr_array_index (ctx->dossier->documents, i);
      if (!gu_doc_is_shown (doc->flags) || doc->sha256 == NULL || !is_earlier (doc, ctx->received_at))
        continue;
      DocView v = { doc->filename, doc->archive_path, NULL, doc->sniffed_type, doc->size > 0 ? (guint64) doc->size : 0,
                    doc->sha256, doc->flags, doc->unreadable_reason, doc->pieces };
      GuTplData *item = add_document (d, "earlier_documents", ctx->call, &v, FALSE);
      g_autoptr (GTimeZone) utc = g_time_zone_new_utc ();
      g_autoptr (GDateTime) at = g_date_time_new_from_iso8601 (doc->received_at, utc);
      set_flag (item, "already", FALSE);
      gu_tpl_data_take (item, "received_at", gu_reply_format_time (ctx->call, at));
      /* A file sent before the window and again inside it is not
       * "already received": only the second copy counts. */
      if (!(doc->flags & GU_DOC_EARLY) || gu_call_window_position (ctx->call, ctx->received_at) == GU_WINDOW_EARLY)
        g_hash_table_add (seen, doc->sha256);
      n++;
    }
  gu_tpl_data_take (d, "earlier_count", g_strdup_printf ("%u", n));
  return seen;
}

static gboolean
in_missing (const GuReplyContext *ctx, const char *key)
{
  for (guint i = 0; ctx->missing != NULL && i < ctx->missing->len; i++)
    if (strcmp (g_ptr_array_index (ctx->missing, i), key) == 0)
      return TRUE;
  return FALSE;
}

/* An optional piece counts as received with an on-time document. */
static gboolean
dossier_has_piece (const GuDossier *dossier, const char *key)
{
  for (guint i = 0; dossier != NULL && i < dossier->documents->len; i++)
    {
      const GuDossierDocument *doc = g_ptr_array_index (dossier->documents, i);
      if (gu_doc_counts (doc->flags) && doc->pieces != NULL && matches_have_key (doc->pieces, doc->pieces->len, key))
        return TRUE;
    }
  return FALSE;
}

/* The parked letter a staff answer filed: what it was and what it held. */
static void
add_filed_letter (GuTplData *d, const GuReplyContext *ctx)
{
  gu_tpl_data_list (d, "filed_documents");
  gboolean filed = ctx->filed_received_at != NULL;
  gu_tpl_data_set (d, "filed", filed ? "yes" : "");
  gu_tpl_data_take (d, "filed_subject", filed ? gu_reply_clean_text (ctx->filed_subject != NULL ? ctx->filed_subject
                                                                                                 : "", 200)
                                              : NULL);
  gu_tpl_data_take (d, "filed_received_at", filed ? gu_reply_format_time (ctx->call, ctx->filed_received_at) : NULL);
  for (guint i = 0; ctx->filed_documents != NULL && i < ctx->filed_documents->len; i++)
    {
      const GuDossierDocument *doc = g_ptr_array_index (ctx->filed_documents, i);
      if (!gu_doc_is_shown (doc->flags))
        continue;
      DocView v = { doc->filename, doc->archive_path, NULL, doc->sniffed_type, doc->size > 0 ? (guint64) doc->size : 0,
                    doc->sha256, doc->flags, doc->unreadable_reason, doc->pieces };
      GuTplData *item = add_document (d, "filed_documents", ctx->call, &v, FALSE);
      set_flag (item, "already", FALSE);
    }
}

/* What someone else added to the applicant's dossier (an
 * applicant-notice): the documents, and by whom. */
static void
add_added_documents (GuTplData *d, const GuReplyContext *ctx)
{
  gu_tpl_data_list (d, "added_documents");
  guint n = 0;
  for (guint i = 0; ctx->added_documents != NULL && i < ctx->added_documents->len; i++)
    {
      const GuDossierDocument *doc = g_ptr_array_index (ctx->added_documents, i);
      if (!gu_doc_is_shown (doc->flags))
        continue;
      DocView v = { doc->filename, doc->archive_path, NULL, doc->sniffed_type, doc->size > 0 ? (guint64) doc->size : 0,
                    doc->sha256, doc->flags, doc->unreadable_reason, doc->pieces };
      GuTplData *item = add_document (d, "added_documents", ctx->call, &v, FALSE);
      set_flag (item, "already", FALSE);
      n++;
    }
  gu_tpl_data_take (d, "added_count", g_strdup_printf ("%u", n));
  gu_tpl_data_take (d, "added_by", ctx->added_by != NULL ? gu_reply_clean_text (ctx->added_by, 100) : NULL);
  set_flag (d, "by_staff", ctx->added_by_staff);
  set_flag (d, "applicant_told", ctx->applicant_told);
}

/* The call's pieces: required, optional, missing (in the order the
 * caller gives) and received (required ones not missing, optional ones
 * the dossier holds). */
static void
add_piece_lists (GuTplData *d, const GuReplyContext *ctx)
{
  const char *const lists[] = { "required", "optional", "missing", "received_pieces" };
  for (gsize i = 0; i < G_N_ELEMENTS (lists); i++)
    gu_tpl_data_list (d, lists[i]);
  for (guint i = 0; i < ctx->call->pieces->len; i++)
    {
      const GuPiece *piece = g_ptr_array_index (ctx->call->pieces, i);
      add_piece (d, piece->required ? "required" : "optional", ctx->call, piece->key);
      gboolean received = piece->required ? ctx->dossier != NULL && !in_missing (ctx, piece->key)
                                          : dossier_has_piece (ctx->dossier, piece->key);
      if (received)
        add_piece (d, "received_pieces", ctx->call, piece->key);
    }
  for (guint i = 0; ctx->missing != NULL && i < ctx->missing->len; i++)
    add_piece (d, "missing", ctx->call, g_ptr_array_index (ctx->missing, i));
}

/* Download links given instead of attachments (issue 13): the hosts, once
 * each, and the size one message may have, for the request to attach
 * the documents, split over several messages if need be. */
static void
add_links (GuTplData *d, const GuReplyContext *ctx)
{
  gu_tpl_data_list (d, "links");
  GPtrArray *links = ctx->message != NULL ? ctx->message->links : NULL;
  g_autoptr (GHashTable) hosts = g_hash_table_new (g_str_hash, g_str_equal);
  for (guint i = 0; links != NULL && i < links->len; i++)
    {
      const GuLink *link = g_ptr_array_index (links, i);
      if (!g_hash_table_add (hosts, link->host))
        continue;
      GuTplData *item = gu_tpl_data_add_item (d, "links");
      gu_tpl_data_take (item, "host", gu_reply_clean_text (link->host, 100));
      gu_tpl_data_take (item, "url", gu_reply_clean_text (link->url, 200));
    }
  gu_tpl_data_take (d, "message_size_limit",
                    ctx->max_message_bytes > 0 ? gu_reply_format_size (ctx->call, ctx->max_message_bytes) : NULL);
}

/* What an acknowledgement from an administration must state: who
 * handles the dossier and what silence will mean (see the call file's
 * [service] and [decision]). */
static void
add_legal_mentions (GuTplData *d, const GuCall *call)
{
  const GuService *s = &call->service;
  gu_tpl_data_set (d, "service_name", s->name);
  gu_tpl_data_set (d, "service_address", s->postal_address);
  gu_tpl_data_set (d, "service_email", s->email);
  gu_tpl_data_set (d, "service_phone", s->phone);
  set_flag (d, "implicit_rejection", call->decision.implicit == GU_IMPLICIT_REJECTION);
  set_flag (d, "implicit_acceptance", call->decision.implicit == GU_IMPLICIT_ACCEPTANCE);
  gu_tpl_data_take (d, "decision_months", g_strdup_printf ("%d", call->decision.after_months));
  gu_tpl_data_set (d, "appeal", call->decision.appeal);
}

GuTplData *
gu_reply_build_data (const GuReplyContext *ctx, const char *our_address)
{
  GuTplData *d = gu_tpl_data_new ();
  const GuCall *call = ctx->call;
  GuWindowPosition window = gu_call_window_position (call, ctx->received_at);
  gu_tpl_data_set (d, "kind", gu_reply_kind_to_string (ctx->kind));
  gu_tpl_data_set (d, "reference", ctx->dossier != NULL ? ctx->dossier->reference : NULL);
  gu_tpl_data_set (d, "applicant", ctx->dossier != NULL ? ctx->dossier->applicant : NULL);
  gu_tpl_data_set (d, "organisation", ctx->dossier != NULL ? ctx->dossier->organisation : NULL);
  gu_tpl_data_set (d, "call_name", call->name);
  gu_tpl_data_set (d, "call_short_name", call->short_name);
  gu_tpl_data_set (d, "address", our_address);
  gu_tpl_data_take (d, "received_at", gu_reply_format_time (call, ctx->received_at));
  gu_tpl_data_take (d, "opens", gu_reply_format_day (call, call->opens));
  gu_tpl_data_take (d, "closes", gu_reply_format_day (call, call->closes));
  set_flag (d, "late", window == GU_WINDOW_LATE);
  set_flag (d, "early", window == GU_WINDOW_EARLY);
  g_autoptr (GHashTable) earlier = add_earlier_documents (d, ctx);
  add_message_documents (d, ctx, earlier, window == GU_WINDOW_LATE);
  /* Technical English, like a document's "unreadable": the templates say
   * it in words. */
  const char *truncated = ctx->message != NULL ? ctx->message->truncated : NULL;
  gu_tpl_data_take (d, "message_truncated", truncated != NULL ? gu_reply_clean_text (truncated, 200) : NULL);
  set_flag (d, "over_budget", ctx->message != NULL && ctx->message->overruns->len > 0);
  add_piece_lists (d, ctx);
  add_legal_mentions (d, call);
  add_filed_letter (d, ctx);
  add_links (d, ctx);
  add_added_documents (d, ctx);
  gu_tpl_data_take (d, "days_left", g_strdup_printf ("%d", ctx->days_left));
  set_flag (d, "days_pl", ctx->days_left > 1);
  set_flag (d, "last_day", ctx->kind == GU_REPLY_REMINDER && ctx->days_left == 0);
  gboolean any = (ctx->message != NULL && ctx->message->documents != NULL && ctx->message->documents->len > 0)
                 || (ctx->filed_documents != NULL && ctx->filed_documents->len > 0);
  set_flag (d, "any_documents", any);
  return d;
}
