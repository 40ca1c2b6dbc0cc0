/* All dossiers of a call as CSV (RFC 4180: CRLF, quoted where needed, a
 * header row, UTF-8, one row per dossier, one column per piece of the
 * call): what `guichet export` prints and the digest attaches. Cells
 * hold what strangers wrote (names, file names), read by an officer's
 * spreadsheet: no control characters, no formulas. */
#include "config.h"

#include <string.h>

#include "dossier/dossier.h"
#include "util/text.h"

/* "-3", "+12.5": what a spreadsheet reads as a number, not a formula. */
static gboolean
is_plain_number (const char *s)
{
  if (*s == '+' || *s == '-')
    s++;
  if (!g_ascii_isdigit (*s))
    return FALSE;
  while (g_ascii_isdigit (*s))
    s++;
  if (*s == '.' && g_ascii_isdigit (s[1]))
    s++;
  while (g_ascii_isdigit (*s))
    s++;
  return *s == '\0';
}

/* A spreadsheet runs a cell that starts with = + - @ as a formula, and
 * one that starts with a tab or CR may become one once trimmed (OWASP,
 * "CSV Injection"). clean is value with its controls as spaces: blanks
 * or a control before the = must not hide it either. */
static gboolean
is_formula (const char *value, const char *clean)
{
  if (*value == '\t' || *value == '\r')
    return TRUE;
  const char *p = clean + strspn (clean, " ");
  return *p != '\0' && strchr ("=+-@", *p) != NULL && !is_plain_number (p);
}

char *
gu_dossier_csv_cell (const char *value)
{
  if (value == NULL)
    return g_strdup ("");
  g_autofree char *clean = gu_text_one_line (value);
  g_autofree char *text = is_formula (value, clean) ? g_strconcat ("'", clean, NULL) : g_steal_pointer (&clean);
  if (strpbrk (text, ",\"") == NULL)
    return g_steal_pointer (&text);
  GString *quoted = g_string_new ("\"");
  for (const char *p = text; *p; p++)
    {
      if (*p == '"')
        g_string_append_c (quoted, '"');
      g_string_append_c (quoted, *p);
    }
  g_string_append_c (quoted, '"');
  return g_string_free (quoted, FALSE);
}

static void
csv_field (GString *row, const char *value)
{
  if (row->len > 0)
    g_string_append_c (row, ',');
  g_autofree char *cell = gu_dossier_csv_cell (value);
  g_string_append (row, cell);
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
      if (gu_piece_find (doc->pieces, key) == NULL)
        continue;
      const char *name = doc->archive_path ? doc->archive_path : doc->filename ? doc->filename : doc->sha256;
      g_string_append_printf (s, "%s%s%s", s->len ? "; " : "", name, doc->flags & GU_DOC_LATE ? " (late)" : "");
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
  csv_field (row, gu_dossier_status_to_string (d->status));
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
