/* Filling a rendered reply to a reading width. Templates break their
 * lines where they like, but values (a call's name, a piece's label, a
 * date) make some lines longer than the width. Such a line is wrapped,
 * and its last piece joins the next line when that one carries on the
 * same sentence, so that a paragraph does not end up ragged. */
#include "config.h"

#include <string.h>

#include "reply/reply-private.h"

/* Quoted-printable keeps the wire lines <= 76 whatever this is. */
#define WRAP_COLUMNS 72

static gboolean
is_number (const char *s)
{
  if (*s == '\0')
    return FALSE;
  for (; *s; s++)
    if (!g_ascii_isdigit (*s))
      return FALSE;
  return TRUE;
}

/* No break before French closing signs (written after a space), after
 * "«", nor inside a time ("23 h 59"). */
static gboolean
clings (const char *previous, const char *word)
{
  static const char *const closing[] = { ":", ";", "?", "!", "»", "h" };
  for (gsize i = 0; i < G_N_ELEMENTS (closing); i++)
    if (strcmp (word, closing[i]) == 0)
      return TRUE;
  return strcmp (previous, "«") == 0 || (strcmp (previous, "h") == 0 && is_number (word));
}

/* The words of text, those that cling to the previous one joined to it
 * by a space: the units a line may break between. Newly allocated. */
static GPtrArray *
units_of (const char *text)
{
  GPtrArray *units = g_ptr_array_new_with_free_func (g_free);
  g_auto (GStrv) words = g_strsplit (text, " ", -1);
  const char *previous = NULL;
  for (char **w = words; *w != NULL; w++)
    {
      if (**w == '\0')
        continue;
      if (previous != NULL && clings (previous, *w))
        {
          char **last = (char **) &units->pdata[units->len - 1];
          char *joined = g_strconcat (*last, " ", *w, NULL);
          g_free (*last);
          *last = joined;
        }
      else
        g_ptr_array_add (units, g_strdup (*w));
      previous = *w;
    }
  return units;
}

/* Splits line into pieces of at most WRAP_COLUMNS characters (a longer
 * word, such as a filename, stays whole). Later pieces keep the
 * indentation, plus two under a "- " item. Returns newly allocated
 * strings. */
static GPtrArray *
wrap_line (const char *line)
{
  GPtrArray *pieces = g_ptr_array_new_with_free_func (g_free);
  int indent = (int) strspn (line, " ");
  if (g_utf8_strlen (line, -1) <= WRAP_COLUMNS)
    {
      g_ptr_array_add (pieces, g_strdup (line));
      return pieces;
    }
  int hang = indent + ((line[indent] == '-' || line[indent] == '*') && line[indent + 1] == ' ' ? 2 : 0);
  g_autoptr (GPtrArray) units = units_of (line + indent);
  GString *piece = g_string_new (NULL);
  g_string_append_printf (piece, "%*s", indent, "");
  glong column = indent;
  gboolean empty = TRUE;
  for (guint i = 0; i < units->len; i++)
    {
      const char *unit = g_ptr_array_index (units, i);
      glong width = g_utf8_strlen (unit, -1);
      if (!empty && column + 1 + width > WRAP_COLUMNS)
        {
          g_ptr_array_add (pieces, g_string_free (piece, FALSE));
          piece = g_string_new (NULL);
          g_string_append_printf (piece, "%*s", hang, "");
          column = hang;
          empty = TRUE;
        }
      if (!empty)
        {
          g_string_append_c (piece, ' ');
          column++;
        }
      g_string_append (piece, unit);
      column += width;
      empty = FALSE;
    }
  g_ptr_array_add (pieces, g_string_free (piece, FALSE));
  return pieces;
}

/* next carries on rest's sentence: same indentation, and it starts with
 * a lower-case letter, a digit or an opening sign. A field ("Taille :"),
 * an item ("- …") or a new sentence starts otherwise. */
static gboolean
continues (const char *rest, const char *next)
{
  size_t indent = strspn (rest, " ");
  if (strspn (next, " ") != indent || next[indent] == '\0')
    return FALSE;
  gunichar c = g_utf8_get_char (next + indent);
  return g_unichar_islower (c) || g_unichar_isdigit (c) || c == '(' || c == '[' || c == '"' || c == 0xAB;
}

char *
gu_reply_fill (const char *text)
{
  GString *out = g_string_new (NULL);
  g_auto (GStrv) lines = g_strsplit (text, "\n", -1);
  char *rest = NULL;   /* the last piece of a wrapped line, not yet written */
  for (char **l = lines; *l != NULL; l++)
    {
      g_strchomp (*l);  /* trailing blanks, and the CR of a template saved on Windows */
      g_autofree char *line = NULL;
      if (rest != NULL && continues (rest, *l))
        line = g_strconcat (rest, " ", *l + strspn (*l, " "), NULL);
      else
        {
          if (rest != NULL)
            g_string_append_printf (out, "%s\n", rest);
          line = g_strdup (*l);
        }
      g_clear_pointer (&rest, g_free);
      g_autoptr (GPtrArray) pieces = wrap_line (line);
      for (guint i = 0; i + 1 < pieces->len; i++)
        g_string_append_printf (out, "%s\n", (char *) g_ptr_array_index (pieces, i));
      if (pieces->len > 1)
        rest = g_strdup (g_ptr_array_index (pieces, pieces->len - 1));
      else
        g_string_append_printf (out, "%s\n", (char *) g_ptr_array_index (pieces, 0));
    }
  if (rest != NULL)
    g_string_append_printf (out, "%s\n", rest);
  g_free (rest);
  while (out->len >= 2 && out->str[out->len - 1] == '\n' && out->str[out->len - 2] == '\n')
    g_string_truncate (out, out->len - 1);
  return g_string_free (out, FALSE);
}
