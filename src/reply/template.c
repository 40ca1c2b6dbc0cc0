#include "config.h"

#include <stdarg.h>
#include <string.h>

#include "reply/template.h"
#include "util/error.h"

struct GuTplData {
  GHashTable *values;   /* name -> char* */
  GHashTable *lists;    /* name -> GPtrArray of GuTplData* */
};

GuTplData *
gu_tpl_data_new (void)
{
  GuTplData *data = g_new0 (GuTplData, 1);
  data->values = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  data->lists = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, (GDestroyNotify) g_ptr_array_unref);
  return data;
}

void
gu_tpl_data_free (GuTplData *data)
{
  if (data == NULL)
    return;
  g_hash_table_unref (data->values);
  g_hash_table_unref (data->lists);
  g_free (data);
}

void
gu_tpl_data_take (GuTplData *data, const char *name, char *value)
{
  g_hash_table_insert (data->values, g_strdup (name), value != NULL ? value : g_strdup (""));
}

void
gu_tpl_data_set (GuTplData *data, const char *name, const char *value)
{
  gu_tpl_data_take (data, name, g_strdup (value));
}

void
gu_tpl_data_list (GuTplData *data, const char *name)
{
  if (!g_hash_table_contains (data->lists, name))
    g_hash_table_insert (data->lists, g_strdup (name),
                         g_ptr_array_new_with_free_func ((GDestroyNotify) gu_tpl_data_free));
}

GuTplData *
gu_tpl_data_add_item (GuTplData *data, const char *name)
{
  gu_tpl_data_list (data, name);
  GuTplData *item = gu_tpl_data_new ();
  g_ptr_array_add (g_hash_table_lookup (data->lists, name), item);
  return item;
}

/* The fields visible at a point: a list item, then the ones around it. */
typedef struct Scope {
  const GuTplData *data;
  const struct Scope *up;
} Scope;

typedef struct {
  const char *origin;
  const char *text;
  gsize len;
  GuTplLoadFunc loader;
  gpointer loader_data;
  int depth;            /* of partials, against a partial including itself */
  GString *out;         /* shared with the partials */
  gboolean html;        /* values are escaped: the template is HTML */
} Render;

typedef struct {
  char kind;            /* 0 for a value, else one of # ? ^ / > ! */
  char name[64];
  gsize at;             /* the tag's offset, for its line number */
  gsize lit_end;        /* where the literal text before it ends */
  gsize resume;         /* where the text after it starts */
} Tag;

static guint
line_of (const Render *r, gsize at)
{
  guint line = 1;
  for (gsize i = 0; i < at; i++)
    line += r->text[i] == '\n';
  return line;
}

/* Sets error to "ORIGIN:LINE: message" and returns FALSE. */
static gboolean G_GNUC_PRINTF (4, 5)
fail (const Render *r, gsize at, GError **error, const char *format, ...)
{
  va_list args;
  va_start (args, format);
  g_autofree char *msg = g_strdup_vprintf (format, args);
  va_end (args);
  g_set_error (error, GU_ERROR, GU_ERROR_CONFIG, "%s:%u: %s", r->origin, line_of (r, at), msg);
  return FALSE;
}

/* A section, partial or comment tag alone on its line takes the line. */
static void
take_line_if_alone (const Render *r, Tag *t)
{
  gsize start = t->at, stop = t->resume;
  while (start > 0 && (r->text[start - 1] == ' ' || r->text[start - 1] == '\t'))
    start--;
  while (stop < r->len && (r->text[stop] == ' ' || r->text[stop] == '\t'))
    stop++;
  if ((start == 0 || r->text[start - 1] == '\n') && (stop == r->len || r->text[stop] == '\n'))
    {
      t->lit_end = start;
      t->resume = stop < r->len ? stop + 1 : stop;
    }
}

/* Finds the next tag in [from, end) into t; *found is FALSE when there
 * is none. FALSE with error for a tag that cannot be read. */
static gboolean
next_tag (const Render *r, gsize from, gsize end, Tag *t, gboolean *found, GError **error)
{
  const char *open = g_strstr_len (r->text + from, (gssize) (end - from), "{{");
  *found = open != NULL;
  if (open == NULL)
    return TRUE;
  t->at = (gsize) (open - r->text);
  const char *close = g_strstr_len (open + 2, (gssize) (end - t->at - 2), "}}");
  if (close == NULL)
    return fail (r, t->at, error, "\"{{\" without \"}}\"");
  const char *s = open + 2;
  t->kind = *s != '\0' && strchr ("#?^/>!", *s) != NULL ? *s++ : 0;
  while (s < close && *s == ' ')
    s++;
  gsize n = 0;
  for (; s < close && (g_ascii_isalnum (*s) || *s == '_') && n + 1 < sizeof t->name; s++)
    t->name[n++] = *s;
  t->name[n] = '\0';
  while (s < close && *s == ' ')
    s++;
  if (t->kind != '!' && (n == 0 || s != close))
    return fail (r, t->at, error, "malformed tag %.*s", (int) (close + 2 - open), open);
  t->lit_end = t->at;
  t->resume = (gsize) (close + 2 - r->text);
  if (t->kind != 0)
    take_line_if_alone (r, t);
  return TRUE;
}

static gboolean
lookup (const Scope *scope, const char *name, const char **value, GPtrArray **list)
{
  for (; scope != NULL; scope = scope->up)
    {
      *value = g_hash_table_lookup (scope->data->values, name);
      *list = g_hash_table_lookup (scope->data->lists, name);
      if (*value != NULL || *list != NULL)
        return TRUE;
    }
  return FALSE;
}

/* The {{/name}} that closes open, skipping nested sections of that name. */
static gboolean
find_close (const Render *r, const Tag *open, gsize end, Tag *close, GError **error)
{
  int depth = 0;
  for (gsize pos = open->resume;; pos = close->resume)
    {
      gboolean found;
      if (!next_tag (r, pos, end, close, &found, error))
        return FALSE;
      if (!found)
        return fail (r, open->at, error, "{{%c%s}} is never closed", open->kind, open->name);
      if (close->kind == 0 || strchr ("#?^/", close->kind) == NULL || strcmp (close->name, open->name) != 0)
        continue;
      if (close->kind != '/')
        depth++;
      else if (depth-- == 0)
        return TRUE;
    }
}

static gboolean render (Render *r, gsize from, gsize end, const Scope *scope, GError **error);

static gboolean
render_section (Render *r, const Tag *open, gsize end, const Scope *scope, gsize *pos, GError **error)
{
  Tag close;
  const char *value;
  GPtrArray *list;
  if (!find_close (r, open, end, &close, error))
    return FALSE;
  if (!lookup (scope, open->name, &value, &list))
    return fail (r, open->at, error, "unknown name \"%s\"", open->name);
  *pos = close.resume;
  if (open->kind == '#' && list == NULL)
    return fail (r, open->at, error, "\"%s\" is not a list", open->name);
  if (open->kind == '#')
    {
      for (guint i = 0; i < list->len; i++)
        {
          Scope item = { g_ptr_array_index (list, i), scope };
          if (!render (r, open->resume, close.lit_end, &item, error))
            return FALSE;
        }
      return TRUE;
    }
  gboolean filled = list != NULL ? list->len > 0 : value[0] != '\0';
  return filled != (open->kind == '?') || render (r, open->resume, close.lit_end, scope, error);
}

static gboolean
render_partial (Render *r, const Tag *t, const Scope *scope, GError **error)
{
  if (r->loader == NULL || r->depth >= 8)
    return fail (r, t->at, error, "partial \"%s\" not allowed here", t->name);
  g_autofree char *origin = NULL;
  g_autofree char *text = r->loader (r->loader_data, t->name, &origin, error);
  if (text == NULL)
    {
      g_prefix_error (error, "%s:%u: ", r->origin, line_of (r, t->at));
      return FALSE;
    }
  Render sub = { origin, text, strlen (text), r->loader, r->loader_data, r->depth + 1, r->out, r->html };
  return render (&sub, 0, sub.len, scope, error);
}

/* Values are untrusted (filenames, organisations): in HTML they are text,
 * never markup. Not g_markup_escape_text: it writes &apos;, which HTML 4
 * mail readers show as is. */
static void
append_html (GString *out, const char *value)
{
  for (const char *p = value; *p; p++)
    switch (*p)
      {
      case '&': g_string_append (out, "&amp;"); break;
      case '<': g_string_append (out, "&lt;"); break;
      case '>': g_string_append (out, "&gt;"); break;
      case '"': g_string_append (out, "&quot;"); break;
      case '\'': g_string_append (out, "&#39;"); break;
      default: g_string_append_c (out, *p);
      }
}

static gboolean
render_value (Render *r, const Tag *t, const Scope *scope, GError **error)
{
  const char *value;
  GPtrArray *list;
  if (!lookup (scope, t->name, &value, &list))
    return fail (r, t->at, error, "unknown name \"%s\"", t->name);
  if (value == NULL)
    return fail (r, t->at, error, "\"%s\" is a list, not a value", t->name);
  if (!r->html)
    {
      g_string_append (r->out, value);
      return TRUE;
    }
  append_html (r->out, value);
  return TRUE;
}

static gboolean
render (Render *r, gsize from, gsize end, const Scope *scope, GError **error)
{
  gsize pos = from;
  Tag t;
  for (;;)
    {
      gboolean found;
      if (!next_tag (r, pos, end, &t, &found, error))
        return FALSE;
      if (!found)
        break;
      g_string_append_len (r->out, r->text + pos, (gssize) (t.lit_end - pos));
      pos = t.resume;
      gboolean ok = TRUE;
      if (t.kind == 0)
        ok = render_value (r, &t, scope, error);
      else if (t.kind == '>')
        ok = render_partial (r, &t, scope, error);
      else if (t.kind == '/')
        ok = fail (r, t.at, error, "{{/%s}} closes nothing", t.name);
      else if (t.kind != '!')
        ok = render_section (r, &t, end, scope, &pos, error);
      if (!ok)
        return FALSE;
    }
  g_string_append_len (r->out, r->text + pos, (gssize) (end - pos));
  return TRUE;
}

char *
gu_tpl_render (const char *origin, const char *text, const GuTplData *data,
               GuTplLoadFunc loader, gpointer loader_data, GError **error)
{
  Scope top = { data, NULL };
  Render r = { origin, text, strlen (text), loader, loader_data, 0, g_string_new (NULL),
               g_str_has_suffix (origin, ".html") };
  if (!render (&r, 0, r.len, &top, error))
    {
      g_string_free (r.out, TRUE);
      return NULL;
    }
  return g_string_free (r.out, FALSE);
}
