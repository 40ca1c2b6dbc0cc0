/* All dossiers of a call as CSV (RFC 4180: CRLF, quoted where needed, a
 * header row, UTF-8, one row per dossier, one column per piece of the
 * call): what `guichet export` prints and the digest attaches. */
#include "config.h"

#include <string.h>

#include "dossier/dossier.h"

static void
csv_field (GString *row, const char *value)
{
  if (row->len > 0)
    g_string_append_c (row, ',');
  if (value == NULL)
    return;
  if (strpbrk (value, ",\"\r\n") == NULL)
    {
      g_string_append (row, value);
      return;
    }
  g_string_append_c (row, '"');
  for (const char *p = value; *p; p++)
    {
      if (*p == '"')
        g_string_append_c (row, '"');
      g_string_append_c (row, *p);
    }
  g_string_append_c (row, '"');
}

/* Moves the finished row to out. */
static void
end_row (GString *out, GString *row)
{
  g_string_append (out, row->str);
  g_string_append (out, "\r\n");
  g_string_truncate (row, 0);
}

/* The names of the documents that satisfy key, "; "-separated, late ones
 * marked: what an officer scanning the sheet wants in the cell. */
static char *
documents_for (const GuDossier *d, const char *key)
{
  GString *s = g_string_new (NULL);
  for (guint i = 0; i < d->documents->len; i++)
    {
      const GuDossierDocument *doc = g_ptr_array_index (d->documents, i);
      for (guint k = 0; k < doc->pieces->len; k++)
        if (strcmp (((GuPieceMatch *) g_ptr_array_index (doc->pieces, k))->key, key) == 0)
          {
            const char *name = doc->archive_path ? doc->archive_path : doc->filename ? doc->filename : doc->sha256;
            g_string_append_printf (s, "%s%s%s", s->len ? "; " : "", name, doc->flags & GU_DOC_LATE ? " (late)" : "");
          }
    }
  return g_string_free (s, FALSE);
}

static void
dossier_row (const GuCall *call, const GuDossier *d, GString *row)
{
  g_autoptr (GPtrArray) missing = g_ptr_array_new ();
  gu_dossier_status (call, d, missing);
  g_ptr_array_add (missing, NULL);
  g_autofree char *missing_text = g_strjoinv (" ", (char **) missing->pdata);
  g_autofree char *received = gu_call_local_time (call, d->first_received_at);
  g_autofree char *updated = gu_call_local_time (call, d->updated_at);
  csv_field (row, d->reference);
  csv_field (row, d->status);
  csv_field (row, d->applicant);
  csv_field (row, d->applicant_name);
  csv_field (row, d->organisation);
  csv_field (row, d->legal_category);
  csv_field (row, received);
  csv_field (row, updated);
  csv_field (row, missing_text);
  for (guint i = 0; i < call->pieces->len; i++)
    {
      g_autofree char *docs = documents_for (d, ((GuPiece *) g_ptr_array_index (call->pieces, i))->key);
      csv_field (row, docs);
    }
}

char *
gu_dossier_csv (const GuCall *call, GPtrArray *dossiers)
{
  static const char *const fixed[] = { "reference", "status", "applicant", "applicant_name", "organisation",
                                       "legal_category", "received_at", "updated_at", "missing" };
  GString *out = g_string_new (NULL);
  g_autoptr (GString) row = g_string_new (NULL);
  for (gsize i = 0; i < G_N_ELEMENTS (fixed); i++)
    csv_field (row, fixed[i]);
  for (guint i = 0; i < call->pieces->len; i++)
    csv_field (row, ((GuPiece *) g_ptr_array_index (call->pieces, i))->key);
  end_row (out, row);
  for (guint i = 0; i < dossiers->len; i++)
    {
      dossier_row (call, g_ptr_array_index (dossiers, i), row);
      end_row (out, row);
    }
  return g_string_free (out, FALSE);
}
