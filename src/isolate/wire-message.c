/* What goes over the wire: the request (parse options, the raw message)
 * and the answer (a GuMessage and its documents). Writing is plain;
 * reading the answer distrusts everything, since a worker may have been
 * taken over by the very message it parsed. */
#include "config.h"

#include <string.h>

#include "isolate/isolate-private.h"
#include "util/address.h"
#include "util/error.h"
#include "util/text.h"

/* Deeper than unpack ever goes (archive_max_depth is a small number). */
#define MAX_DEPTH 64

static void
put_string (GVariantDict *d, const char *key, const char *s)
{
  if (s != NULL)
    g_variant_dict_insert_value (d, key, g_variant_new_bytestring (s));
}

static void
put_strv (GVariantDict *d, const char *key, const char *const *v, guint n)
{
  GVariantBuilder b;
  g_variant_builder_init (&b, G_VARIANT_TYPE ("aay"));
  for (guint i = 0; v != NULL && (n == G_MAXUINT ? v[i] != NULL : i < n); i++)
    g_variant_builder_add_value (&b, g_variant_new_bytestring (v[i]));
  g_variant_dict_insert_value (d, key, g_variant_builder_end (&b));
}

/* Returns a newly allocated string from a bytestring value, or NULL when
 * key is absent or not a bytestring. Not yet trusted: see label/text. */
/* How each kind of string from a worker is made fit, from its raw
 * bytes (NULL stays NULL). Text: valid UTF-8, nothing else changed, as
 * parse would have handed it on in our own process (control characters
 * in a subject or a body are the business of whoever shows them, as for
 * any mail). Label: a field parse hands on as one line (display names,
 * identifiers), held to it so that no CR or LF reaches a header we
 * write. Address: it goes into our replies' headers, so a bare
 * local@domain or nothing; Return-Path's "" (a bounce's <>) stays "". */
static char *
text_of (const char *raw)
{
  return raw != NULL ? g_utf8_make_valid (raw, -1) : NULL;
}

static char *
label_of (const char *raw)
{
  g_autofree char *valid = text_of (raw);
  return valid != NULL ? gu_text_one_line (valid) : NULL;
}

static char *
address_of (const char *raw)
{
  g_autofree char *valid = text_of (raw);
  if (valid == NULL || *valid == '\0')
    return g_steal_pointer (&valid);
  for (const char *p = valid; *p; p++)
    if ((guchar) *p <= ' ' || *p == 0x7f || *p == '<' || *p == '>' || *p == ',')
      return NULL;
  return gu_address_normalize (valid);
}

/* The bytestring under key, borrowed from d's value, or NULL. */
static const char *
raw_string (GVariantDict *d, const char *key, GVariant **holder)
{
  *holder = g_variant_dict_lookup_value (d, key, G_VARIANT_TYPE_BYTESTRING);
  return *holder != NULL ? g_variant_get_bytestring (*holder) : NULL;
}

static char *
get_text (GVariantDict *d, const char *key)
{
  g_autoptr (GVariant) v = NULL;
  return text_of (raw_string (d, key, &v));
}

static char *
get_label (GVariantDict *d, const char *key)
{
  g_autoptr (GVariant) v = NULL;
  return label_of (raw_string (d, key, &v));
}

static char *
get_address (GVariantDict *d, const char *key)
{
  g_autoptr (GVariant) v = NULL;
  return address_of (raw_string (d, key, &v));
}

/* A list of one-line values; addresses when is_address (an unusable
 * one is left out). */
static void
get_list (GVariantDict *d, const char *key, gboolean is_address, GPtrArray *into)
{
  g_autoptr (GVariant) v = g_variant_dict_lookup_value (d, key, G_VARIANT_TYPE ("aay"));
  gsize n = v != NULL ? g_variant_n_children (v) : 0;
  for (gsize i = 0; i < n; i++)
    {
      g_autoptr (GVariant) one = g_variant_get_child_value (v, i);
      const char *raw = g_variant_get_bytestring (one);
      char *value = is_address ? address_of (raw) : label_of (raw);
      if (value != NULL)
        g_ptr_array_add (into, value);
    }
}

static gboolean
get_bool (GVariantDict *d, const char *key)
{
  gboolean b = FALSE;
  return g_variant_dict_lookup (d, key, "b", &b) && b;
}

/* ---- request ---- */

/* The limits unpack reads, by name: a worker and a daemon of two
 * versions still agree on the ones both know. */
#define LIMIT(field, wide) { #field, G_STRUCT_OFFSET (GuLimits, field), wide }
static const struct {
  const char *name;
  glong offset;
  gboolean wide;  /* guint64, else guint */
} limit_fields[] = {
  LIMIT (max_message_bytes, TRUE),
  LIMIT (archive_max_entries, FALSE),
  LIMIT (archive_max_total_bytes, TRUE),
  LIMIT (archive_max_entry_bytes, TRUE),
  LIMIT (archive_max_ratio, FALSE),
  LIMIT (archive_max_depth, FALSE),
  LIMIT (archive_max_seconds, FALSE),
  LIMIT (message_max_unpacked_bytes, TRUE),
  LIMIT (message_max_documents, FALSE),
  LIMIT (message_filter_seconds, FALSE),
  LIMIT (parser_memory_mb, FALSE),
  LIMIT (parser_seconds, FALSE),
};

static GVariant *
limits_new (const GuLimits *limits)
{
  GVariantDict d;
  g_variant_dict_init (&d, NULL);
  for (gsize i = 0; i < G_N_ELEMENTS (limit_fields); i++)
    {
      gconstpointer p = G_STRUCT_MEMBER_P (limits, limit_fields[i].offset);
      guint64 v = limit_fields[i].wide ? *(const guint64 *) p : *(const guint *) p;
      g_variant_dict_insert (&d, limit_fields[i].name, "t", v);
    }
  return g_variant_dict_end (&d);
}

/* Unknown or absent names keep their defaults. */
static GuLimits
limits_read (GVariantDict *request)
{
  GuLimits limits = gu_limits_default ();
  g_autoptr (GVariant) v = g_variant_dict_lookup_value (request, "limits", G_VARIANT_TYPE_VARDICT);
  if (v == NULL)
    return limits;
  GVariantDict d;
  g_variant_dict_init (&d, v);
  for (gsize i = 0; i < G_N_ELEMENTS (limit_fields); i++)
    {
      guint64 value;
      if (!g_variant_dict_lookup (&d, limit_fields[i].name, "t", &value))
        continue;
      gpointer p = G_STRUCT_MEMBER_P (&limits, limit_fields[i].offset);
      if (limit_fields[i].wide)
        *(guint64 *) p = value;
      else
        *(guint *) p = (guint) MIN (value, G_MAXUINT);
    }
  g_variant_dict_clear (&d);
  return limits;
}

GVariant *
gu_wire_request_new (const GuParseOptions *opts, const GuLimits *limits, const char *raw_sha256,
                     guint64 raw_offset, guint64 raw_size)
{
  GVariantDict d;
  g_variant_dict_init (&d, NULL);
  g_variant_dict_insert_value (&d, "limits", limits_new (limits));
  put_string (&d, "raw_sha256", raw_sha256);
  g_variant_dict_insert (&d, "raw_offset", "t", raw_offset);
  g_variant_dict_insert (&d, "raw_size", "t", raw_size);
  put_string (&d, "own_address", opts->own_address);
  put_strv (&d, "staff_addresses", opts->staff_addresses, G_MAXUINT);
  put_strv (&d, "staff_domains", opts->staff_domains, G_MAXUINT);
  put_string (&d, "trusted_authserv_id", opts->trusted_authserv_id);
  g_variant_dict_insert (&d, "staff_unauthenticated", "b", opts->staff_unauthenticated);
  return g_variant_dict_end (&d);
}

static char **
lookup_strv (GVariantDict *d, const char *key)
{
  g_autoptr (GVariant) v = g_variant_dict_lookup_value (d, key, G_VARIANT_TYPE ("aay"));
  return v != NULL ? g_variant_dup_bytestring_array (v, NULL) : g_new0 (char *, 1);
}

gboolean
gu_wire_request_read (GVariant *variant, GBytes *mapping, GuParseOptions *opts, GuLimits *limits,
                      char ***staff_addresses, char ***staff_domains, const char **raw_sha256,
                      GBytes **raw, GError **error)
{
  GVariantDict d;
  g_variant_dict_init (&d, variant);
  guint64 off = 0, size = 0;
  gsize total = g_bytes_get_size (mapping);
  gboolean ok = g_variant_dict_lookup (&d, "raw_offset", "t", &off)
                && g_variant_dict_lookup (&d, "raw_size", "t", &size)
                && g_variant_dict_lookup (&d, "raw_sha256", "^&ay", raw_sha256)
                && off <= total && size <= total - off;
  if (!ok)
    {
      g_variant_dict_clear (&d);
      g_set_error (error, GU_ERROR, GU_ERROR_FAILED, "malformed request");
      return FALSE;
    }
  *staff_addresses = lookup_strv (&d, "staff_addresses");
  *staff_domains = lookup_strv (&d, "staff_domains");
  *opts = (GuParseOptions) {
    .staff_addresses = (const char *const *) *staff_addresses,
    .staff_domains = (const char *const *) *staff_domains,
  };
  g_variant_dict_lookup (&d, "own_address", "^&ay", &opts->own_address);
  g_variant_dict_lookup (&d, "trusted_authserv_id", "^&ay", &opts->trusted_authserv_id);
  opts->staff_unauthenticated = get_bool (&d, "staff_unauthenticated");
  *limits = limits_read (&d);
  *raw = g_bytes_new_from_bytes (mapping, off, size);
  g_variant_dict_clear (&d);
  return TRUE;
}

/* ---- answer: writing ---- */

static GVariant *
document_new (const GuDocument *doc, int fd, GError **error)
{
  GVariantDict d;
  g_variant_dict_init (&d, NULL);
  put_string (&d, "filename", doc->filename);
  put_string (&d, "archive_path", doc->archive_path);
  put_string (&d, "declared_type", doc->declared_type);
  put_string (&d, "sniffed_type", doc->sniffed_type);
  put_string (&d, "unreadable_reason", doc->unreadable_reason);
  g_variant_dict_insert (&d, "flags", "u", doc->flags);
  g_variant_dict_insert (&d, "parent", "i", doc->parent);
  g_variant_dict_insert (&d, "depth", "i", doc->depth);
  if (doc->content != NULL)
    {
      gsize len;
      const void *data = g_bytes_get_data (doc->content, &len);
      guint64 off;
      if (!gu_wire_append (fd, data, len, FALSE, &off, error))
        {
          g_variant_dict_clear (&d);
          return NULL;
        }
      g_variant_dict_insert (&d, "content", "(tt)", off, (guint64) len);
    }
  return g_variant_dict_end (&d);
}

static void
put_message_headers (GVariantDict *d, const GuMessage *msg)
{
  put_string (d, "message_id", msg->message_id);
  g_variant_dict_insert (d, "message_id_derived", "b", msg->message_id_derived);
  put_string (d, "from_addr", msg->from_addr);
  put_string (d, "from_name", msg->from_name);
  put_string (d, "from_recovered", msg->from_recovered);
  put_string (d, "from_raw", msg->from_raw);
  g_variant_dict_insert (d, "no_usable_sender", "b", msg->no_usable_sender);
  put_string (d, "reply_to", msg->reply_to);
  put_string (d, "return_path", msg->return_path);
  put_strv (d, "to", (const char *const *) msg->to->pdata, msg->to->len);
  put_string (d, "subject", msg->subject);
  put_string (d, "in_reply_to", msg->in_reply_to);
  put_strv (d, "references", (const char *const *) msg->references->pdata, msg->references->len);
  if (msg->date != NULL)
    {
      g_autofree char *iso = g_date_time_format_iso8601 (msg->date);
      put_string (d, "date", iso);
    }
  put_string (d, "auth_results", msg->auth_results);
}

GVariant *
gu_wire_answer_new (const GuMessage *msg, int fd, GError **error)
{
  GVariantDict d;
  g_variant_dict_init (&d, NULL);
  put_message_headers (&d, msg);
  g_variant_dict_insert (&d, "role", "u", (guint32) msg->role);
  put_string (&d, "automatic_reason", msg->automatic_reason);
  g_variant_dict_insert (&d, "is_bounce", "b", msg->is_bounce);
  put_string (&d, "bounced_message_id", msg->bounced_message_id);
  put_string (&d, "body_text", msg->body_text);
  put_string (&d, "parse_error", msg->parse_error);
  put_string (&d, "truncated", msg->truncated);
  put_strv (&d, "overruns", (const char *const *) msg->overruns->pdata, msg->overruns->len);
  GVariantBuilder docs;
  g_variant_builder_init (&docs, G_VARIANT_TYPE ("aa{sv}"));
  for (guint i = 0; i < msg->documents->len; i++)
    {
      GVariant *one = document_new (g_ptr_array_index (msg->documents, i), fd, error);
      if (one == NULL)
        {
          g_variant_builder_clear (&docs);
          g_variant_dict_clear (&d);
          return NULL;
        }
      g_variant_builder_add_value (&docs, one);
    }
  g_variant_dict_insert_value (&d, "documents", g_variant_builder_end (&docs));
  return g_variant_dict_end (&d);
}

/* ---- answer: reading, distrusting ---- */

static gboolean
malformed (GError **error, const char *why)
{
  g_set_error (error, GU_ERROR, GU_ERROR_FAILED, "the parse worker answered nonsense: %s", why);
  return FALSE;
}

/* Checks the document's place in the tree: its archive comes before it,
 * one level up. */
static gboolean
read_document_place (GVariantDict *d, GuDocument *doc, guint index, GPtrArray *docs,
                     GError **error)
{
  gint32 parent = -1, depth = 0;
  g_variant_dict_lookup (d, "parent", "i", &parent);
  g_variant_dict_lookup (d, "depth", "i", &depth);
  if (parent < -1 || parent >= (gint32) index)
    return malformed (error, "a document's archive is not before it");
  int expected = parent < 0 ? 0 : ((GuDocument *) g_ptr_array_index (docs, parent))->depth + 1;
  if (depth != expected || depth > MAX_DEPTH)
    return malformed (error, "a document's depth does not match its archive");
  doc->parent = parent;
  doc->depth = depth;
  return TRUE;
}

static gboolean
read_document_content (GVariantDict *d, GuDocument *doc, GBytes *mapping, GError **error)
{
  guint64 off, len;
  if (!g_variant_dict_lookup (d, "content", "(tt)", &off, &len))
    return TRUE;
  gsize total = g_bytes_get_size (mapping);
  if (off > total || len > total - off)
    return malformed (error, "a document's content lies outside the memory file");
  g_autoptr (GBytes) content = g_bytes_new_from_bytes (mapping, off, len);
  /* Hashed on our side (gu_wire_hash_documents): the worker's word is
   * not taken. */
  gu_document_set_content_unhashed (doc, content);
  return TRUE;
}

static GuDocument *
read_document (GVariant *v, guint index, GPtrArray *docs, GBytes *mapping, GError **error)
{
  GVariantDict d;
  g_variant_dict_init (&d, v);
  g_autoptr (GuDocument) doc = gu_document_new ();
  doc->filename = get_text (&d, "filename");
  doc->archive_path = get_text (&d, "archive_path");
  doc->declared_type = get_label (&d, "declared_type");
  doc->sniffed_type = get_label (&d, "sniffed_type");
  doc->unreadable_reason = get_text (&d, "unreadable_reason");
  g_variant_dict_lookup (&d, "flags", "u", &doc->flags);
  gboolean ok = read_document_place (&d, doc, index, docs, error)
                && read_document_content (&d, doc, mapping, error);
  g_variant_dict_clear (&d);
  return ok ? g_steal_pointer (&doc) : NULL;
}

static gboolean
read_documents (GVariantDict *d, GuMessage *msg, GBytes *mapping, guint max_documents,
                GError **error)
{
  g_autoptr (GVariant) v = g_variant_dict_lookup_value (d, "documents", G_VARIANT_TYPE ("aa{sv}"));
  gsize n = v != NULL ? g_variant_n_children (v) : 0;
  if (n > max_documents)
    return malformed (error, "more documents than the limit");
  for (gsize i = 0; i < n; i++)
    {
      g_autoptr (GVariant) one = g_variant_get_child_value (v, i);
      GuDocument *doc = read_document (one, (guint) i, msg->documents, mapping, error);
      if (doc == NULL)
        return FALSE;
      gu_message_add_document (msg, doc);
    }
  return TRUE;
}

static void
read_headers (GVariantDict *d, GuMessage *msg)
{
  msg->message_id = get_label (d, "message_id");
  msg->message_id_derived = get_bool (d, "message_id_derived");
  msg->from_addr = get_address (d, "from_addr");
  msg->from_name = get_label (d, "from_name");
  msg->from_recovered = get_label (d, "from_recovered");
  msg->from_raw = get_label (d, "from_raw");
  msg->no_usable_sender = get_bool (d, "no_usable_sender");
  msg->reply_to = get_address (d, "reply_to");
  msg->return_path = get_address (d, "return_path");
  get_list (d, "to", TRUE, msg->to);
  msg->subject = get_text (d, "subject");
  msg->in_reply_to = get_label (d, "in_reply_to");
  get_list (d, "references", FALSE, msg->references);
  g_autofree char *date = get_label (d, "date");
  msg->date = date != NULL ? g_date_time_new_from_iso8601 (date, NULL) : NULL;
  msg->auth_results = get_text (d, "auth_results");
}

/* A Message-ID we could not use is derived from the raw bytes, as parse
 * does (the worker is not believed on that either). */
static void
settle_message_id (GuMessage *msg)
{
  if (!msg->message_id_derived && gu_message_id_is_usable (msg->message_id))
    return;
  g_free (msg->message_id);
  msg->message_id = g_strdup_printf ("%s@guichet.invalid", msg->raw_sha256);
  msg->message_id_derived = TRUE;
}

GuMessage *
gu_wire_answer_read (GVariant *variant, GBytes *mapping, const char *raw_sha256, gsize raw_size,
                     guint max_documents, GError **error)
{
  GVariantDict d;
  g_variant_dict_init (&d, variant);
  g_autoptr (GuMessage) msg = gu_message_new ();
  msg->raw_sha256 = g_strdup (raw_sha256);
  msg->raw_size = raw_size;
  read_headers (&d, msg);
  guint32 role = 0;
  g_variant_dict_lookup (&d, "role", "u", &role);
  msg->role = role <= GU_ROLE_AUTOMATIC ? (GuRole) role : GU_ROLE_AUTOMATIC;
  msg->automatic_reason = get_text (&d, "automatic_reason");
  msg->is_bounce = get_bool (&d, "is_bounce");
  msg->bounced_message_id = get_label (&d, "bounced_message_id");
  msg->body_text = get_text (&d, "body_text");
  msg->parse_error = get_text (&d, "parse_error");
  msg->truncated = get_text (&d, "truncated");
  get_list (&d, "overruns", FALSE, msg->overruns);
  gboolean ok = read_documents (&d, msg, mapping, max_documents, error);
  g_variant_dict_clear (&d);
  if (!ok)
    return NULL;
  settle_message_id (msg);
  return g_steal_pointer (&msg);
}

void
gu_wire_hash_documents (GuMessage *msg)
{
  for (guint i = 0; i < msg->documents->len; i++)
    gu_document_hash (g_ptr_array_index (msg->documents, i));
}
