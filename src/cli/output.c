/* The commands' output: JSON through json-glib (the members are a
 * contract, doc/ARCHITECTURE.md, "CLI") and the text views. */
#include "config.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include <json-glib/json-glib.h>

#include "cli/output.h"
#include "dossier/dossier.h"
#include "util/text.h"

/* The one way a string member is written: NULL is null. */
static void
add_string (JsonBuilder *b, const char *name, const char *value)
{
  json_builder_set_member_name (b, name);
  if (value != NULL)
    json_builder_add_string_value (b, value);
  else
    json_builder_add_null_value (b);
}

/* A dossier's field left empty is as unknown as one never set: both are
 * null in its JSON (an outbox row's "" stays ""). */
static const char *
or_null (const char *value)
{
  return value != NULL && *value ? value : NULL;
}

/* Adds the local time of utc_text (the store's UTC) as a string member. */
static void
add_local_time (JsonBuilder *b, const char *name, const GuCall *call, const char *utc_text)
{
  g_autofree char *local = gu_call_local_time (call, utc_text);
  add_string (b, name, or_null (local));
}

static void
add_piece_keys (JsonBuilder *b, const char *name, const GPtrArray *pieces, gboolean evidence)
{
  json_builder_set_member_name (b, name);
  json_builder_begin_array (b);
  for (guint k = 0; k < pieces->len; k++)
    {
      const GuPieceMatch *m = g_ptr_array_index (pieces, k);
      json_builder_add_string_value (b, evidence ? m->evidence : m->key);
    }
  json_builder_end_array (b);
}

static void
build_piece (JsonBuilder *b, const GuCall *call, const GuDossierDocument *doc)
{
  json_builder_begin_object (b);
  add_string (b, "filename", or_null (doc->filename));
  add_string (b, "archive_path", or_null (doc->archive_path));
  json_builder_set_member_name (b, "sha256");
  json_builder_add_string_value (b, doc->sha256);
  json_builder_set_member_name (b, "size");
  json_builder_add_int_value (b, doc->size);
  add_piece_keys (b, "kinds", doc->pieces, FALSE);
  add_piece_keys (b, "evidence", doc->pieces, TRUE);
  json_builder_set_member_name (b, "late");
  json_builder_add_boolean_value (b, (doc->flags & GU_DOC_LATE) != 0);
  json_builder_set_member_name (b, "early");
  json_builder_add_boolean_value (b, (doc->flags & GU_DOC_EARLY) != 0);
  /* The JSON knows two sources: an automatic message's documents count
   * as the applicant's. */
  GuRole source = doc->source == GU_ROLE_STAFF ? GU_ROLE_STAFF : GU_ROLE_APPLICANT;
  add_string (b, "source", gu_role_to_string (source));
  add_string (b, "type", or_null (doc->sniffed_type));
  add_string (b, "unreadable", or_null (doc->unreadable_reason));
  add_string (b, "state", or_null (gu_doc_state (doc->flags)));
  /* Its MIME part was broken and recovered (issue 13): worth a look. */
  json_builder_set_member_name (b, "repaired");
  json_builder_add_boolean_value (b, (doc->flags & GU_DOC_REPAIRED) != 0);
  /* Filed by the reference its message gave, from another sender than
   * the applicant (issue 14): an admin may move it (`guichet file`). */
  json_builder_set_member_name (b, "other_sender");
  json_builder_add_boolean_value (b, (doc->flags & GU_DOC_OTHER_SENDER) != 0);
  add_local_time (b, "received_at", call, doc->received_at);
  json_builder_end_object (b);
}

/* The download links a message gave instead of attachments (issue 13):
 * url and host each, never fetched. */
static void
build_links (JsonBuilder *b, GPtrArray *links)
{
  json_builder_set_member_name (b, "links");
  json_builder_begin_array (b);
  for (guint i = 0; links != NULL && i < links->len; i++)
    {
      const GuLink *link = g_ptr_array_index (links, i);
      json_builder_begin_object (b);
      add_string (b, "url", link->url);
      add_string (b, "host", link->host);
      json_builder_end_object (b);
    }
  json_builder_end_array (b);
}

static void
build_messages (JsonBuilder *b, const GuCall *call, const GuDossier *d)
{
  json_builder_set_member_name (b, "messages");
  json_builder_begin_array (b);
  for (guint i = 0; i < d->messages->len; i++)
    {
      const GuDossierMessage *m = g_ptr_array_index (d->messages, i);
      json_builder_begin_object (b);
      add_string (b, "message_id", or_null (m->message_id));
      add_local_time (b, "received_at", call, m->received_at);
      add_string (b, "role", or_null (gu_role_to_string (m->role)));
      add_string (b, "outcome", or_null (gu_outcome_to_string (m->outcome)));
      add_string (b, "subject", or_null (m->subject));
      build_links (b, m->links);
      json_builder_end_object (b);
    }
  json_builder_end_array (b);
}

/* The documents a person thinks of as pieces (gu_doc_is_shown): not the
 * archive that carried them, not the logo in a signature. */
static void
build_pieces (JsonBuilder *b, const GuCall *call, const GuDossier *d)
{
  json_builder_set_member_name (b, "pieces");
  json_builder_begin_array (b);
  for (guint i = 0; i < d->documents->len; i++)
    {
      const GuDossierDocument *doc = g_ptr_array_index (d->documents, i);
      if (gu_doc_is_shown (doc->flags))
        build_piece (b, call, doc);
    }
  json_builder_end_array (b);
}

static void
build_dossier (JsonBuilder *b, const GuCall *call, const GuDossier *d, gboolean with_messages)
{
  g_autoptr (GPtrArray) missing = g_ptr_array_new ();
  gu_dossier_status (call, d, missing);
  json_builder_begin_object (b);
  add_string (b, "reference", or_null (d->reference));
  add_string (b, "status", or_null (gu_dossier_status_to_string (d->status)));
  add_string (b, "applicant", or_null (d->applicant));
  add_string (b, "applicant_name", or_null (d->applicant_name));
  add_string (b, "organisation", or_null (d->organisation));
  add_string (b, "legal_category", or_null (d->legal_category));
  add_string (b, "flags", or_null (d->flags));
  add_local_time (b, "received_at", call, d->first_received_at);
  json_builder_set_member_name (b, "missing");
  json_builder_begin_array (b);
  for (guint i = 0; i < missing->len; i++)
    json_builder_add_string_value (b, g_ptr_array_index (missing, i));
  json_builder_end_array (b);
  build_pieces (b, call, d);
  if (with_messages)
    build_messages (b, call, d);
  json_builder_end_object (b);
}

static void
build_outbox_row (JsonBuilder *b, const GuOutboxRow *r)
{
  json_builder_begin_object (b);
  add_string (b, "kind", gu_reply_kind_to_string (r->kind));
  add_string (b, "to", r->recipient);
  add_string (b, "subject", r->subject);
  add_string (b, "dossier", r->dossier_reference);
  add_string (b, "state", gu_outbox_state_to_string (r->state));
  json_builder_set_member_name (b, "attempts");
  json_builder_add_int_value (b, r->attempts);
  add_string (b, "last_error", r->last_error);
  add_string (b, "message_id", r->smtp_message_id);
  add_string (b, "created_at", r->created_at);
  add_string (b, "sent_at", r->sent_at);
  add_string (b, "server_reply", r->server_reply);
  json_builder_end_object (b);
}

/* Returns json with each C1 control written as \u00XX, newly allocated:
 * the same strings to a JSON reader, and as safe in a terminal as the
 * text views (json-glib escapes C0 and DEL only). Outside strings JSON
 * is ASCII, so every C2 80..9F is inside one. */
static char *
escape_c1 (const char *json)
{
  GString *out = g_string_sized_new (strlen (json));
  for (const guchar *p = (const guchar *) json; *p; p++)
    {
      if (p[0] == 0xc2 && p[1] >= 0x80 && p[1] <= 0x9f)
        {
          g_string_append_printf (out, "\\u%04x", (unsigned) p[1]);
          p++;
        }
      else
        g_string_append_c (out, (char) *p);
    }
  return g_string_free (out, FALSE);
}

/* Prints the builder's value as indented JSON and a newline. */
static void
print_json (JsonBuilder *b)
{
  g_autoptr (JsonGenerator) gen = json_generator_new ();
  g_autoptr (JsonNode) root = json_builder_get_root (b);
  json_generator_set_root (gen, root);
  json_generator_set_pretty (gen, TRUE);
  g_autofree char *text = json_generator_to_data (gen, NULL);
  g_autofree char *safe = escape_c1 (text);
  printf ("%s\n", safe);
}

void
gu_output_dossier_json (const GuCall *call, const GuDossier *dossier)
{
  g_autoptr (JsonBuilder) b = json_builder_new ();
  build_dossier (b, call, dossier, TRUE);
  print_json (b);
}

void
gu_output_dossier_list_json (const GuCall *call, const GPtrArray *dossiers)
{
  g_autoptr (JsonBuilder) b = json_builder_new ();
  json_builder_begin_array (b);
  for (guint i = 0; i < dossiers->len; i++)
    build_dossier (b, call, g_ptr_array_index (dossiers, i), FALSE);
  json_builder_end_array (b);
  print_json (b);
}

void
gu_output_outbox_json (const GPtrArray *rows)
{
  g_autoptr (JsonBuilder) b = json_builder_new ();
  json_builder_begin_array (b);
  for (guint i = 0; i < rows->len; i++)
    build_outbox_row (b, g_ptr_array_index (rows, i));
  json_builder_end_array (b);
  print_json (b);
}

void
gu_output_printf (const char *format, ...)
{
  va_list args;
  va_start (args, format);
  g_autofree char *text = g_strdup_vprintf (format, args);
  va_end (args);
  /* %-16.16s may cut a character in two: made valid, not printed raw. */
  g_autofree char *valid = g_utf8_make_valid (text, -1);
  g_autofree char *safe = gu_text_replace_controls (valid, "\t\n");
  fputs (safe, stdout);
}

void
gu_output_dossier_row (const GuCall *call, const GuDossier *d)
{
  g_autoptr (GPtrArray) missing = g_ptr_array_new ();
  gu_dossier_status (call, d, missing);
  g_autofree char *received = gu_call_local_time (call, d->first_received_at);
  gu_output_printf ("%-13s %-10s %-16.16s %-36s %s missing %u\n", d->reference,
                    gu_dossier_status_to_string (d->status), received, d->applicant,
                    d->organisation != NULL ? d->organisation : "-", missing->len);
}

void
gu_output_outbox_row (const GuOutboxRow *r)
{
  gu_output_printf ("%-10s %-12s %-13s %-32s %d %s%s%s\n", gu_outbox_state_to_string (r->state),
                    gu_reply_kind_to_string (r->kind), r->dossier_reference != NULL ? r->dossier_reference : "-",
                    r->recipient, r->attempts, r->subject, r->last_error != NULL ? "  -- " : "",
                    r->last_error != NULL ? r->last_error : "");
}
