/* The admin's views of dossiers: list, show, export, and the classify
 * override. JSON through json-glib, CSV per RFC 4180. The field names of
 * --json are a contract (doc/ARCHITECTURE.md, "CLI"). */
#include "config.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include <json-glib/json-glib.h>

#include "cmd-views.h"
#include "commands.h"
#include "dossier/dossier.h"
#include "util/error.h"
#include "util/hash.h"
#include "util/text.h"

/* Documents a person thinks of as pieces: not the archive that carried
 * them (unless it is all there is of it: unreadable or empty), not the
 * logo in a signature. */
static gboolean
is_listed (const GuDossierDocument *doc)
{
  return gu_doc_is_shown (doc->flags);
}

char *
gu_view_local_time (const GuCall *call, const char *utc_text)
{
  return gu_call_local_time (call, utc_text);
}

static void
add_string_or_null (JsonBuilder *b, const char *name, const char *value)
{
  json_builder_set_member_name (b, name);
  if (value != NULL && *value)
    json_builder_add_string_value (b, value);
  else
    json_builder_add_null_value (b);
}

static void
build_piece (JsonBuilder *b, const GuCall *call, const GuDossierDocument *doc)
{
  json_builder_begin_object (b);
  add_string_or_null (b, "filename", doc->filename);
  add_string_or_null (b, "archive_path", doc->archive_path);
  json_builder_set_member_name (b, "sha256");
  json_builder_add_string_value (b, doc->sha256);
  json_builder_set_member_name (b, "size");
  json_builder_add_int_value (b, doc->size);
  json_builder_set_member_name (b, "kinds");
  json_builder_begin_array (b);
  for (guint k = 0; k < doc->pieces->len; k++)
    json_builder_add_string_value (b, ((GuPieceMatch *) g_ptr_array_index (doc->pieces, k))->key);
  json_builder_end_array (b);
  json_builder_set_member_name (b, "evidence");
  json_builder_begin_array (b);
  for (guint k = 0; k < doc->pieces->len; k++)
    json_builder_add_string_value (b, ((GuPieceMatch *) g_ptr_array_index (doc->pieces, k))->evidence);
  json_builder_end_array (b);
  json_builder_set_member_name (b, "late");
  json_builder_add_boolean_value (b, (doc->flags & GU_DOC_LATE) != 0);
  /* The JSON knows two sources: an automatic message's documents count
   * as the applicant's. */
  GuRole source = doc->source == GU_ROLE_STAFF ? GU_ROLE_STAFF : GU_ROLE_APPLICANT;
  json_builder_set_member_name (b, "source");
  json_builder_add_string_value (b, gu_role_to_string (source));
  add_string_or_null (b, "type", doc->sniffed_type);
  add_string_or_null (b, "unreadable", doc->unreadable_reason);
  add_string_or_null (b, "state", gu_doc_state (doc->flags));
  g_autofree char *received = gu_view_local_time (call, doc->received_at);
  add_string_or_null (b, "received_at", received);
  json_builder_end_object (b);
}

static void
build_messages (JsonBuilder *b, const GuCall *call, const GuDossier *d)
{
  json_builder_set_member_name (b, "messages");
  json_builder_begin_array (b);
  for (guint i = 0; i < d->messages->len; i++)
    {
      const GuDossierMessage *m = g_ptr_array_index (d->messages, i);
      g_autofree char *received = gu_view_local_time (call, m->received_at);
      json_builder_begin_object (b);
      add_string_or_null (b, "message_id", m->message_id);
      add_string_or_null (b, "received_at", received);
      add_string_or_null (b, "role", gu_role_to_string (m->role));
      add_string_or_null (b, "outcome", gu_outcome_to_string (m->outcome));
      add_string_or_null (b, "subject", m->subject);
      json_builder_end_object (b);
    }
  json_builder_end_array (b);
}

static void
build_dossier (JsonBuilder *b, const GuCall *call, const GuDossier *d, gboolean with_messages)
{
  g_autoptr (GPtrArray) missing = g_ptr_array_new ();
  gu_dossier_status (call, d, missing);
  g_autofree char *received = gu_view_local_time (call, d->first_received_at);
  json_builder_begin_object (b);
  add_string_or_null (b, "reference", d->reference);
  add_string_or_null (b, "status", gu_dossier_status_to_string (d->status));
  add_string_or_null (b, "applicant", d->applicant);
  add_string_or_null (b, "applicant_name", d->applicant_name);
  add_string_or_null (b, "organisation", d->organisation);
  add_string_or_null (b, "legal_category", d->legal_category);
  add_string_or_null (b, "flags", d->flags);
  add_string_or_null (b, "received_at", received);
  json_builder_set_member_name (b, "missing");
  json_builder_begin_array (b);
  for (guint i = 0; i < missing->len; i++)
    json_builder_add_string_value (b, g_ptr_array_index (missing, i));
  json_builder_end_array (b);
  json_builder_set_member_name (b, "pieces");
  json_builder_begin_array (b);
  for (guint i = 0; i < d->documents->len; i++)
    if (is_listed (g_ptr_array_index (d->documents, i)))
      build_piece (b, call, g_ptr_array_index (d->documents, i));
  json_builder_end_array (b);
  if (with_messages)
    build_messages (b, call, d);
  json_builder_end_object (b);
}

/* Returns json with each C1 control written as \u00XX, newly allocated:
 * the same strings to a JSON reader. Outside strings JSON is ASCII, so
 * every C2 80..9F is inside one. */
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

void
gu_view_print_json (JsonBuilder *b)
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
gu_view_printf (const char *format, ...)
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
gu_view_print_dossier_json (const GuCall *call, const GuDossier *d)
{
  g_autoptr (JsonBuilder) b = json_builder_new ();
  build_dossier (b, call, d, TRUE);
  gu_view_print_json (b);
}

int
gu_cmd_list (GuApp *app, int argc, char **argv)
{
  g_autofree char *status = NULL;
  gboolean json = FALSE;
  GOptionEntry entries[] = {
    { "status", 0, 0, G_OPTION_ARG_STRING, &status, "only dossiers with this status", "S" },
    { "json", 0, 0, G_OPTION_ARG_NONE, &json, "print JSON", NULL },
    { NULL },
  };
  g_autoptr (GOptionContext) ctx = g_option_context_new ("- list dossiers");
  g_option_context_add_main_entries (ctx, entries, NULL);
  if (!gu_app_parse_options (ctx, &argc, &argv))
    return GU_EXIT_USAGE;
  GuDossierStatus wanted;
  if (status != NULL && !gu_dossier_status_from_string (status, &wanted))
    {
      fprintf (stderr, "guichet: --status: \"%s\" is not early, late, complete or incomplete\n", status);
      return GU_EXIT_USAGE;
    }
  GError *error = NULL;
  if (!gu_app_load (app, TRUE, &error))
    return gu_app_fail (error);
  g_autoptr (GPtrArray) list = gu_store_dossier_list (app->store, app->call->id, status != NULL ? &wanted : NULL,
                                                      &error);
  if (list == NULL)
    return gu_app_fail (error);
  if (json)
    {
      g_autoptr (JsonBuilder) b = json_builder_new ();
      json_builder_begin_array (b);
      for (guint i = 0; i < list->len; i++)
        build_dossier (b, app->call, g_ptr_array_index (list, i), FALSE);
      json_builder_end_array (b);
      gu_view_print_json (b);
      return GU_EXIT_OK;
    }
  for (guint i = 0; i < list->len; i++)
    {
      const GuDossier *d = g_ptr_array_index (list, i);
      g_autoptr (GPtrArray) missing = g_ptr_array_new ();
      gu_dossier_status (app->call, d, missing);
      g_autofree char *received = gu_view_local_time (app->call, d->first_received_at);
      gu_view_printf ("%-13s %-10s %-16.16s %-36s %s missing %u\n", d->reference,
                      gu_dossier_status_to_string (d->status), received,
                      d->applicant, d->organisation != NULL ? d->organisation : "-", missing->len);
    }
  return GU_EXIT_OK;
}
