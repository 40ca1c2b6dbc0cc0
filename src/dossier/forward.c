/* What a staff letter says of the dossier it is about, when it names no
 * reference: who wrote the letter it forwards inline, and which
 * organisation it names. Pure text work; the pipeline asks the store
 * which dossier answers to each. */
#include "config.h"

#include <string.h>

#include "dossier/dossier.h"
#include "util/address.h"
#include "util/text.h"

/* The longest label of a header line a mail client writes above a
 * forwarded message ("Envoyé", "Subject", "Date"). */
#define MAX_LABEL_CHARS 24
/* A forward's header block has at least From, Date or Sent, and To or
 * Subject: three lines; a signature's "Tél : …" lines rarely hold an
 * address in the first of them. */
#define MIN_BLOCK_LINES 3

/* The line without the quoting and emphasis clients add around it:
 * "> ", "*De :*" (Outlook's bold, as plain text). */
static const char *
strip_quoting (const char *line)
{
  while (*line == '>' || *line == ' ' || *line == '\t' || *line == '*')
    line++;
  return line;
}

/* TRUE when line is "Label: value" or "Label : value" with a label of
 * letters, spaces and apostrophes only: what every client writes, in
 * every language, above the message it forwards. *value points into
 * line. */
static gboolean
header_line (const char *line, const char **value)
{
  const char *colon = strchr (line, ':');
  if (colon == NULL || colon == line)
    return FALSE;
  glong chars = g_utf8_strlen (line, colon - line);
  if (chars > MAX_LABEL_CHARS || !g_unichar_isalpha (g_utf8_get_char (line)))
    return FALSE;
  for (const char *p = line; p < colon; p = g_utf8_next_char (p))
    {
      gunichar c = g_utf8_get_char (p);
      if (!g_unichar_isalpha (c) && c != ' ' && c != '\'' && c != 0x2019 && c != '*' && c != 0xA0)
        return FALSE;
    }
  *value = colon + 1;
  return TRUE;
}

/* The first address in text ("Name <a@b>", "Name [mailto:a@b]", "a@b"),
 * normalised, newly allocated, or NULL. */
static char *
first_address (const char *text)
{
  g_autoptr (GRegex) re = g_regex_new ("[A-Za-z0-9._%+'=-]+@[A-Za-z0-9-]+(\\.[A-Za-z0-9-]+)*\\.[A-Za-z]{2,}", 0, 0, NULL);
  g_autoptr (GMatchInfo) info = NULL;
  if (re == NULL || !g_regex_match (re, text, 0, &info))
    return NULL;
  g_autofree char *found = g_match_info_fetch (info, 0);
  return gu_address_normalize (found);
}

/* The author of a block: its first address, and the value of the line
 * that held it (for the name written before the address). */
typedef struct {
  char *address;
  char *value;
} Author;

static void
author_clear (Author *a)
{
  g_clear_pointer (&a->address, g_free);
  g_clear_pointer (&a->value, g_free);
}

/* Ends a block: its author is a candidate when it had enough header
 * lines. */
static void
end_block (GArray *authors, guint *lines, Author *author)
{
  if (*lines >= MIN_BLOCK_LINES && author->address != NULL)
    {
      g_array_append_val (authors, *author);
      memset (author, 0, sizeof *author);
    }
  author_clear (author);
  *lines = 0;
}

/* Every forward block's author in body, in order: an array of Author. */
static GArray *
scan_authors (const char *body)
{
  GArray *authors = g_array_new (FALSE, TRUE, sizeof (Author));
  g_array_set_clear_func (authors, (GDestroyNotify) author_clear);
  if (body == NULL)
    return authors;
  g_auto (GStrv) lines = g_strsplit (body, "\n", -1);
  guint block_lines = 0;
  Author author = { 0 };
  for (char **l = lines; *l != NULL; l++)
    {
      g_strchomp (*l);
      const char *line = strip_quoting (*l), *value;
      if (header_line (line, &value))
        {
          block_lines++;
          if (author.address == NULL && (author.address = first_address (value)) != NULL)
            author.value = g_strdup (value);
        }
      else if (*line == '\0' || block_lines == 0)
        end_block (authors, &block_lines, &author);
      /* else: a header wrapped onto the next line ("To: a@b,\n c@d") */
    }
  end_block (authors, &block_lines, &author);
  return authors;
}

GPtrArray *
gu_dossier_forwarded_authors (const char *body)
{
  GPtrArray *out = g_ptr_array_new_with_free_func (g_free);
  g_autoptr (GArray) authors = scan_authors (body);
  for (guint i = 0; i < authors->len; i++)
    g_ptr_array_add (out, g_steal_pointer (&g_array_index (authors, Author, i).address));
  return out;
}

/* The name a header value gives before its address: "Mairie de Yvetot"
 * of "Mairie de Yvetot [mailto:…]", "\"Dupont, Marie\" <…>"; NULL when
 * it gives none. */
static char *
name_before_address (const char *value)
{
  gsize n = strcspn (value, "<[(");
  g_autofree char *name = g_strndup (value, n);
  g_strstrip (name);
  gsize len = strlen (name);
  if (len >= 2 && (name[0] == '"' || name[0] == '\'') && name[len - 1] == name[0])
    {
      name[len - 1] = '\0';
      memmove (name, name + 1, len - 1);
      g_strstrip (name);
    }
  if (*name == '\0' || strchr (name, '@') != NULL || g_utf8_strlen (name, -1) > 100)
    return NULL;
  return g_steal_pointer (&name);
}

gboolean
gu_dossier_forwarded_author (const char *body, char **name, char **address)
{
  g_autoptr (GArray) authors = scan_authors (body);
  if (authors->len == 0)
    return FALSE;
  Author *first = &g_array_index (authors, Author, 0);
  if (name != NULL)
    *name = name_before_address (first->value);
  if (address != NULL)
    *address = g_steal_pointer (&first->address);
  return TRUE;
}

/* TRUE when words (folded, space-separated) start with phrase at p. */
static gboolean
starts_with_phrase (const char *p, const char *phrase)
{
  gsize n = strlen (phrase);
  return n > 0 && strncmp (p, phrase, n) == 0 && (p[n] == ' ' || p[n] == '\0');
}

char *
gu_dossier_organisation_key (const GuCall *call, const char *text)
{
  g_autofree char *folded = gu_text_fold (text != NULL ? text : "");
  GString *key = g_string_new (NULL);
  const char *p = folded;
  while (*p != '\0')
    {
      const char *skip = NULL;
      for (char **w = call->vocabulary.legal_form_words; w != NULL && *w != NULL && skip == NULL; w++)
        if (starts_with_phrase (p, *w))
          skip = p + strlen (*w);
      const char *end = skip != NULL ? skip : p + strcspn (p, " ");
      if (skip == NULL)
        g_string_append_printf (key, "%s%.*s", key->len > 0 ? " " : "", (int) (end - p), p);
      p = end;
      while (*p == ' ')
        p++;
    }
  return g_string_free (key, FALSE);
}

gboolean
gu_dossier_text_names (const char *text_key, const char *organisation_key)
{
  gsize n = organisation_key != NULL ? strlen (organisation_key) : 0;
  /* A name of one short word ("caux") names too much to decide on. */
  if (n < 5 || text_key == NULL)
    return FALSE;
  for (const char *p = strstr (text_key, organisation_key); p != NULL; p = strstr (p + 1, organisation_key))
    if ((p == text_key || p[-1] == ' ') && (p[n] == ' ' || p[n] == '\0'))
      return TRUE;
  return FALSE;
}
