/* show: one dossier, as JSON (a contract) or as an admin reads it in a
 * terminal: who, when, each piece with the documents and evidence behind
 * it, what is missing, late or unreadable, and the history. Every line
 * goes through gu_output_printf: names and subjects are the senders'. */
#include "config.h"

#include <stdio.h>

#include "cli/cli.h"
#include "cli/output.h"
#include "dossier/dossier.h"
#include "util/error.h"

typedef struct {
  gboolean json;
} ShowOptions;

static const char *
document_name (const GuDossierDocument *doc)
{
  if (doc->archive_path != NULL)
    return doc->archive_path;
  return doc->filename != NULL ? doc->filename : "(sans nom)";
}

static void
print_piece (const GuDossier *d, const GuPiece *piece)
{
  gboolean on_time = FALSE;
  for (guint i = 0; i < d->documents->len; i++)
    {
      const GuDossierDocument *doc = g_ptr_array_index (d->documents, i);
      if (gu_piece_find (doc->pieces, piece->key) != NULL && gu_doc_counts (doc->flags))
        on_time = TRUE;
    }
  gu_output_printf ("  %s %s%s\n     %s\n", on_time ? "✓" : "✗", piece->key, piece->required ? "" : " (optional)",
                    piece->label);
  for (guint i = 0; i < d->documents->len; i++)
    {
      const GuDossierDocument *doc = g_ptr_array_index (d->documents, i);
      const GuPieceMatch *m = gu_piece_find (doc->pieces, piece->key);
      if (m != NULL)
        gu_output_printf ("       %s%s%s  [%s]\n", document_name (doc), doc->flags & GU_DOC_LATE ? " (LATE)"
                                                                 : doc->flags & GU_DOC_EARLY ? " (EARLY)" : "",
                          doc->flags & GU_DOC_OTHER_SENDER ? " (from another sender)" : "", m->evidence);
    }
}

static void
print_document (const GuCall *call, const GuDossierDocument *doc)
{
  g_autofree char *received = gu_call_local_time (call, doc->received_at);
  g_autofree char *size = g_format_size ((guint64) doc->size);
  gu_output_printf ("  %s  %s  %s  %.12s…%s%s%s\n", received, document_name (doc), size, doc->sha256,
                    doc->flags & GU_DOC_LATE ? "  LATE" : doc->flags & GU_DOC_EARLY ? "  EARLY" : "",
                    doc->flags & GU_DOC_ARCHIVE ? "  (archive)" : "",
                    doc->pieces->len == 0 && !(doc->flags & (GU_DOC_ARCHIVE | GU_DOC_UNREADABLE | GU_DOC_EMPTY))
                      ? "  unclassified" : "");
  if (doc->unreadable_reason != NULL)
    gu_output_printf ("      could not be read: %s\n", doc->unreadable_reason);
  if (doc->flags & GU_DOC_PROTECTED)
    gu_output_printf ("      protected: needs a password; a copy without one was asked for\n");
  if (doc->flags & GU_DOC_REPAIRED)
    gu_output_printf ("      repaired: its MIME part was broken and recovered (the raw message is kept)\n");
  if (doc->flags & GU_DOC_OTHER_SENDER)
    gu_output_printf ("      from another sender: filed by the reference its message gave, not sent by the "
                      "applicant (see the events; `guichet file` moves it)\n");
  if (doc->flags & GU_DOC_EMPTY)
    gu_output_printf ("      empty: %s\n", doc->flags & GU_DOC_ARCHIVE ? "the archive holds no file" : "0 bytes");
}

static void
print_documents (const GuCall *call, const GuDossier *d)
{
  gu_output_printf ("\nDocuments\n");
  for (guint i = 0; i < d->documents->len; i++)
    {
      const GuDossierDocument *doc = g_ptr_array_index (d->documents, i);
      if (!(doc->flags & GU_DOC_INLINE_IMAGE))
        print_document (call, doc);
    }
}

static void
print_history (const GuCall *call, const GuDossier *d)
{
  gu_output_printf ("\nMessages\n");
  for (guint i = 0; i < d->messages->len; i++)
    {
      const GuDossierMessage *m = g_ptr_array_index (d->messages, i);
      g_autofree char *received = gu_call_local_time (call, m->received_at);
      gu_output_printf ("  %s  %-9s %-10s <%s>  %s\n", received, gu_role_to_string (m->role),
                        gu_outcome_to_string (m->outcome), m->message_id, m->subject != NULL ? m->subject : "");
      for (guint j = 0; m->links != NULL && j < m->links->len; j++)
        gu_output_printf ("      link: %s\n", ((GuLink *) g_ptr_array_index (m->links, j))->url);
    }
  gu_output_printf ("\nEvents\n");
  for (guint i = 0; i < d->events->len; i++)
    {
      const GuDossierEvent *e = g_ptr_array_index (d->events, i);
      g_autofree char *at = gu_call_local_time (call, e->at);
      gu_output_printf ("  %s  %s%s%s\n", at, gu_event_kind_to_string (e->kind), e->detail ? ": " : "",
                        e->detail ? e->detail : "");
    }
}

static void
print_dossier (const GuCall *call, const GuDossier *d)
{
  g_autofree char *received = gu_call_local_time (call, d->first_received_at);
  g_autofree char *updated = gu_call_local_time (call, d->updated_at);
  g_autoptr (GPtrArray) missing = g_ptr_array_new ();
  gu_dossier_status (call, d, missing);
  gu_output_printf ("%s  %s\n", d->reference, gu_dossier_status_to_string (d->status));
  gu_output_printf ("Applicant:    %s%s%s%s\n", d->applicant_name ? d->applicant_name : "",
                    d->applicant_name ? " <" : "", d->applicant, d->applicant_name ? ">" : "");
  gu_output_printf ("Organisation: %s%s%s%s\n", d->organisation ? d->organisation : "(unknown)",
                    d->legal_category ? " (" : "", d->legal_category ? d->legal_category : "",
                    d->legal_category ? ")" : "");
  if (d->flags != NULL && *d->flags)
    gu_output_printf ("Flags:        %s\n", d->flags);
  gu_output_printf ("Received:     %s\nUpdated:      %s\n\nPieces (%u missing)\n", received, updated, missing->len);
  for (guint i = 0; i < call->pieces->len; i++)
    print_piece (d, g_ptr_array_index (call->pieces, i));
  print_documents (call, d);
  print_history (call, d);
}

static int
show_parse (GuCliArgs *args)
{
  ShowOptions *o = g_new0 (ShowOptions, 1);
  args->options = o;
  args->free_options = g_free;
  GOptionEntry entries[] = {
    { "json", 0, 0, G_OPTION_ARG_NONE, &o->json, "print JSON", NULL },
    { NULL },
  };
  if (!gu_cli_parse (args, "REF - show one dossier", entries))
    return GU_EXIT_USAGE;
  if (args->argc != 2)
    {
      fprintf (stderr, "guichet: show takes one dossier reference (see --help)\n");
      return GU_EXIT_USAGE;
    }
  return GU_EXIT_OK;
}

static int
show_run (GuApp *app, const GuCliArgs *args)
{
  const ShowOptions *o = args->options;
  GError *error = NULL;
  g_autoptr (GuDossier) d = gu_store_dossier_load (app->store, 0, args->argv[1], TRUE, &error);
  if (d == NULL)
    return gu_app_fail (error);
  if (o->json)
    gu_output_dossier_json (app->call, d);
  else
    print_dossier (app->call, d);
  return GU_EXIT_OK;
}

const GuCommand gu_cmd_show = { show_parse, show_run };
