/* Shared by the view commands (cmd_views.c, cmd_show.c, cmd_export.c). */
#ifndef GU_CMD_VIEWS_H
#define GU_CMD_VIEWS_H

#include <json-glib/json-glib.h>

#include "core/call.h"
#include "core/types.h"

/* Returns utc_text (the store's UTC time) as ISO 8601 in the call's time
 * zone with its offset, newly allocated. */
char *gu_view_local_time (const GuCall *call, const char *utc_text);

/* Prints one dossier as the JSON object of doc/ARCHITECTURE.md's `show --json`. */
void gu_view_print_dossier_json (const GuCall *call, const GuDossier *d);

/* Prints the builder's value as indented JSON and a newline. json-glib
 * escapes C0 and DEL; C1 controls (U+0080-U+009F) are escaped here too,
 * so that the JSON read in a terminal is as safe as the text views. */
void gu_view_print_json (JsonBuilder *b);

/* printf to stdout for the text views (list, show, outbox): what they
 * print comes from strangers' mail, and a terminal obeys an ESC or a C1
 * CSI in it. Invalid UTF-8 becomes U+FFFD and control characters but
 * tab and newline become spaces, on the whole formatted text. */
void gu_view_printf (const char *format, ...) G_GNUC_PRINTF (1, 2);

#endif
