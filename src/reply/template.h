/* A small template language for the replies (internal to src/reply).
 *
 *   {{name}}                 the value of name
 *   {{#list}}…{{/list}}      the block once per item of list; inside, an
 *                            item's own fields come first, then the
 *                            enclosing ones
 *   {{?name}}…{{/name}}      the block when the value or list is non-empty
 *   {{^name}}…{{/name}}      the block when it is empty
 *   {{>partial}}             another template of the same language,
 *                            rendered here with the current fields
 *   {{! comment }}           nothing
 *
 * A section, partial or comment tag alone on its line (spaces aside)
 * takes its line with it, so blocks can be written one tag per line.
 * A name the data does not define is an error naming the template and
 * line: a typo fails in the tests, never renders as a silent blank.
 *
 * In a template whose origin ends in ".html", every {{name}} is written
 * HTML-escaped (& < > " '), in its partials too: values are untrusted. */
#ifndef GU_REPLY_TEMPLATE_H
#define GU_REPLY_TEMPLATE_H

#include <glib.h>

/* Fields: names -> strings, and names -> lists of items (each a GuTplData). */
typedef struct GuTplData GuTplData;

/* Returns new empty data; free with gu_tpl_data_free (frees its items). */
GuTplData *gu_tpl_data_new (void);
void gu_tpl_data_free (GuTplData *data);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (GuTplData, gu_tpl_data_free)

/* Sets name to a copy of value (NULL counts as ""). */
void gu_tpl_data_set (GuTplData *data, const char *name, const char *value);
/* The same, taking ownership of value (a g_malloc'ed string or NULL). */
void gu_tpl_data_take (GuTplData *data, const char *name, char *value);
/* Declares the list name (empty) if it is not yet: an empty list is still
 * a known name. */
void gu_tpl_data_list (GuTplData *data, const char *name);
/* Appends a new item to the list name (declared if needed) and returns
 * it, owned by data. */
GuTplData *gu_tpl_data_add_item (GuTplData *data, const char *name);

/* Loads the text of a partial; origin receives a name for errors (a path).
 * Both newly allocated. NULL with error when absent. */
typedef char *(*GuTplLoadFunc) (gpointer user_data, const char *partial, char **origin,
                                GError **error);

/* Renders text (named origin in errors) with data. loader may be NULL
 * (then a partial is an error). Returns a newly allocated string, or NULL
 * with error (GU_ERROR_CONFIG) "ORIGIN:LINE: …". */
char *gu_tpl_render (const char *origin, const char *text, const GuTplData *data,
                     GuTplLoadFunc loader, gpointer loader_data, GError **error);

#endif
