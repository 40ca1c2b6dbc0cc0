/* What the commands print (doc/ARCHITECTURE.md, "CLI"): the JSON of
 * list, show and outbox, whose members are a contract, and the text
 * views, for people. What they print comes from strangers' mail: the
 * text views replace control characters, the JSON escapes them, C1
 * included. json-glib stays behind this header. */
#ifndef GU_CLI_OUTPUT_H
#define GU_CLI_OUTPUT_H

#include <glib.h>

#include "core/call.h"
#include "core/types.h"
#include "store/store.h"

/* printf to stdout for the text views (list, show, outbox): a terminal
 * obeys an ESC or a C1 CSI. Invalid UTF-8 becomes U+FFFD and control
 * characters but tab and newline become spaces, on the whole formatted
 * text. */
void gu_output_printf (const char *format, ...) G_GNUC_PRINTF (1, 2);

/* Prints one dossier as the object of `show --json`, its messages
 * included. */
void gu_output_dossier_json (const GuCall *call, const GuDossier *dossier);

/* Prints dossiers (GuDossier*) as the array of `list --json`. */
void gu_output_dossier_list_json (const GuCall *call, const GPtrArray *dossiers);

/* Prints list's line for a dossier: reference, status, first receipt,
 * applicant, organisation, how many pieces are missing. */
void gu_output_dossier_row (const GuCall *call, const GuDossier *dossier);

/* Prints outbox rows (GuOutboxRow*) as the array of `outbox --json`. */
void gu_output_outbox_json (const GPtrArray *rows);

/* Prints outbox's line for a reply: state, kind, dossier, recipient,
 * attempts, subject and the last error. */
void gu_output_outbox_row (const GuOutboxRow *row);

#endif
