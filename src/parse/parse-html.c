#include "config.h"

#include <string.h>

#include "parse/parse-private.h"

/* Collects text with white space collapsed: runs of blanks become one
 * space, at most one blank line between paragraphs, nothing at the ends. */
typedef struct {
  GString *out;
  gboolean space;   /* a blank is pending */
  int newlines;     /* line breaks pending (at most 2) */
} Sink;

static void
sink_text (Sink *sink, const char *s, gsize len)
{
  if (sink->out->len > 0)
    {
      if (sink->newlines > 0)
        g_string_append_len (sink->out, "\n\n", sink->newlines);
      else if (sink->space)
        g_string_append_c (sink->out, ' ');
    }
  sink->space = FALSE;
  sink->newlines = 0;
  g_string_append_len (sink->out, s, (gssize) len);
}

static void
sink_break (Sink *sink, int lines)
{
  sink->newlines = MAX (sink->newlines, lines);
}

static const struct { const char *name; const char *text; } entities[] = {
  { "amp", "&" }, { "lt", "<" }, { "gt", ">" }, { "quot", "\"" }, { "apos", "'" },
  { "nbsp", " " }, { "eacute", "é" }, { "egrave", "è" }, { "ecirc", "ê" },
  { "euml", "ë" }, { "agrave", "à" }, { "acirc", "â" }, { "auml", "ä" },
  { "ccedil", "ç" }, { "icirc", "î" }, { "iuml", "ï" }, { "ocirc", "ô" },
  { "ouml", "ö" }, { "ugrave", "ù" }, { "ucirc", "û" }, { "uuml", "ü" },
  { "Eacute", "É" }, { "Egrave", "È" }, { "Ecirc", "Ê" }, { "Agrave", "À" },
  { "Ccedil", "Ç" }, { "oelig", "œ" }, { "OElig", "Œ" }, { "laquo", "«" },
  { "raquo", "»" }, { "rsquo", "’" }, { "lsquo", "‘" }, { "rdquo", "”" },
  { "ldquo", "“" }, { "hellip", "…" }, { "ndash", "–" }, { "mdash", "—" },
  { "euro", "€" }, { "copy", "©" }, { "reg", "®" }, { "deg", "°" },
  { "middot", "·" }, { "bull", "•" }, { "shy", "" }, { "zwnj", "" },
};

/* Decodes the numeric entity in [p, end) ("#233" or "#xE9") into buf. */
static gboolean
decode_numeric_entity (const char *p, const char *end, char buf[8])
{
  gboolean hex = p + 1 < end && (p[1] == 'x' || p[1] == 'X');
  const char *digits = p + (hex ? 2 : 1);
  if (digits >= end || end - digits > 8)
    return FALSE;
  g_autofree char *num = g_strndup (digits, (gsize) (end - digits));
  char *stop = NULL;
  guint64 code = g_ascii_strtoull (num, &stop, hex ? 16 : 10);
  if (stop == NULL || *stop != '\0')
    return FALSE;
  gunichar c = code > 0 && code <= 0x10ffff && g_unichar_validate ((gunichar) code)
                 ? (gunichar) code : 0xfffd;
  buf[g_unichar_to_utf8 (c, buf)] = '\0';
  return TRUE;
}

/* Decodes the entity at p ('&'); returns the bytes consumed, 0 when it is
 * not an entity (the '&' is then text). */
static gsize
decode_entity (const char *p, Sink *sink)
{
  const char *semi = memchr (p, ';', strnlen (p, 12));
  if (semi == NULL || semi == p + 1)
    return 0;
  char buf[8];
  if (p[1] == '#')
    {
      if (!decode_numeric_entity (p + 1, semi, buf))
        return 0;
      if (strcmp (buf, "\xc2\xa0") == 0)
        sink->space = TRUE;
      else
        sink_text (sink, buf, strlen (buf));
      return (gsize) (semi - p) + 1;
    }
  gsize nlen = (gsize) (semi - p) - 1;
  for (gsize i = 0; i < G_N_ELEMENTS (entities); i++)
    if (strlen (entities[i].name) == nlen && strncmp (p + 1, entities[i].name, nlen) == 0)
      {
        if (strcmp (entities[i].text, " ") == 0)
          sink->space = TRUE;
        else
          sink_text (sink, entities[i].text, strlen (entities[i].text));
        return (gsize) (semi - p) + 1;
      }
  return 0;
}

/* Returns the end of the tag starting at p ('<'): just past its '>',
 * honouring quoted attribute values; the end of the string when unclosed. */
static const char *
tag_end (const char *p)
{
  char quote = 0;
  for (p++; *p; p++)
    {
      if (quote != 0)
        {
          if (*p == quote)
            quote = 0;
        }
      else if (*p == '"' || *p == '\'')
        quote = *p;
      else if (*p == '>')
        return p + 1;
    }
  return p;
}

static gboolean
name_is (const char *name, gsize len, const char *const *list)
{
  for (; *list != NULL; list++)
    if (strlen (*list) == len && g_ascii_strncasecmp (name, *list, len) == 0)
      return TRUE;
  return FALSE;
}

/* Returns where the text resumes after the element whose content is not
 * shown (script, style, head, title): past its closing tag, or the end. */
static const char *
skip_element (const char *after_open, const char *name, gsize len)
{
  g_autofree char *closing = g_strdup_printf ("</%.*s", (int) len, name);
  gsize clen = strlen (closing);
  for (const char *p = after_open; (p = strchr (p, '<')) != NULL; p++)
    if (g_ascii_strncasecmp (p, closing, clen) == 0)
      return tag_end (p);
  return after_open + strlen (after_open);
}

/* Handles the tag at p ('<'); returns where the text resumes. */
static const char *
handle_tag (const char *p, Sink *sink)
{
  static const char *const hidden[] = { "script", "style", "head", "title", NULL };
  static const char *const paragraphs[] = { "p", "div", "table", "tr", "ul", "ol", "li", "h1", "h2",
                                            "h3", "h4", "h5", "h6", "blockquote", "pre", "hr",
                                            "dl", "dt", "dd", "section", "article", "header",
                                            "footer", "center", NULL };
  static const char *const cells[] = { "td", "th", NULL };
  if (strncmp (p, "<!--", 4) == 0)
    {
      const char *end = strstr (p + 4, "-->");
      return end != NULL ? end + 3 : p + strlen (p);
    }
  gboolean closing = p[1] == '/';
  const char *name = p + (closing ? 2 : 1);
  gsize len = 0;
  while (g_ascii_isalnum (name[len]))
    len++;
  const char *end = tag_end (p);
  if (!closing && name_is (name, len, hidden))
    return skip_element (end, name, len);
  if (len == 2 && g_ascii_strncasecmp (name, "br", 2) == 0)
    sink_break (sink, 1);
  else if (name_is (name, len, paragraphs))
    sink_break (sink, 2);
  else if (name_is (name, len, cells))
    sink->space = TRUE;
  return end;
}

static gboolean
starts_tag (const char *p)
{
  return p[0] == '<' && (g_ascii_isalpha (p[1]) || p[1] == '/' || p[1] == '!' || p[1] == '?');
}

char *
gu_parse_html_to_text (const char *html)
{
  Sink sink = { .out = g_string_new (NULL) };
  const char *p = html != NULL ? html : "";
  while (*p)
    {
      gsize used;
      if (starts_tag (p))
        p = handle_tag (p, &sink);
      else if (*p == '&' && (used = decode_entity (p, &sink)) > 0)
        p += used;
      else if (g_ascii_isspace (*p))
        {
          sink.space = TRUE;
          p++;
        }
      else
        {
          const char *next = g_utf8_next_char (p);
          sink_text (&sink, p, (gsize) (next - p));
          p = next;
        }
    }
  return gu_parse_take_valid_utf8 (g_string_free (sink.out, FALSE));
}
