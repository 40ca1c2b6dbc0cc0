/* file: an admin files a message (a parked staff letter, or one filed in
 * the wrong dossier) in a dossier (src/pipeline/override.c), recorded so
 * that replay files it again. */
#include "config.h"

#include <stdio.h>
#include <string.h>

#include "cli/cli.h"
#include "pipeline/answer.h"
#include "pipeline/override.h"
#include "util/error.h"

static int
file_parse (GuCliArgs *args)
{
  return gu_cli_parse (args, "MESSAGE_ID REF - file (or move) a message and its documents in a dossier", NULL)
             ? GU_EXIT_OK : GU_EXIT_USAGE;
}

/* Where the message stands before it is filed: *row, 0 when unknown
 * (filing then says so), and *dossier_id, 0 when parked. */
static gboolean
locate (GuApp *app, const char *message_id, gint64 *row, gint64 *dossier_id, GError **error)
{
  GuStoredMessage m;
  if (!gu_store_message_get (app->store, 0, message_id, NULL, &m, error))
    return FALSE;
  *row = m.row;
  *dossier_id = m.dossier_id;
  gu_stored_message_clear (&m);
  return TRUE;
}

/* A staff letter filed by hand in a dossier it was not in is told to
 * that dossier's applicant like one staff filed themselves
 * (src/pipeline/answer.h). */
static gboolean
notify_applicant (GuApp *app, gint64 row, gint64 was_in, const GuDossier *d, GError **error)
{
  if (row == 0 || was_in == d->id)
    return TRUE;
  GuMailer mailer = { app->store, app->cfg, app->call };
  g_autoptr (GDateTime) now = g_date_time_new_now_utc ();
  return gu_answer_notify_filing (&mailer, row, d, now, error);
}

static int
file_run (GuApp *app, const GuCliArgs *args)
{
  if (args->argc != 3)
    {
      fprintf (stderr, "guichet: file MESSAGE_ID REF\n");
      return GU_EXIT_USAGE;
    }
  /* A Message-ID is written with or without its angle brackets. */
  g_autofree char *mid = g_strdup (args->argv[1]);
  if (mid[0] == '<' && mid[strlen (mid) - 1] == '>')
    {
      mid[strlen (mid) - 1] = '\0';
      memmove (mid, mid + 1, strlen (mid));
    }
  GError *error = NULL;
  if (!gu_store_begin (app->store, &error))
    return gu_app_fail (error);
  GuDossierStatus status;
  g_autoptr (GuDossier) d = NULL;
  gint64 row, was_in;
  if (!locate (app, mid, &row, &was_in, &error)
      || !gu_override_file_message (app->call, app->store, mid, NULL, args->argv[2], &status, &error)
      || (d = gu_store_dossier_load (app->store, 0, args->argv[2], FALSE, &error)) == NULL
      || !notify_applicant (app, row, was_in, d, &error) || !gu_store_commit (app->store, &error))
    {
      gu_store_rollback (app->store);
      return gu_app_fail (error);
    }
  printf ("%s %s\n", d->reference, gu_dossier_status_to_string (status));
  return GU_EXIT_OK;
}

const GuCommand gu_cmd_file = { file_parse, file_run };
