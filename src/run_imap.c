/* The daemon's pass over the IMAP mailbox (mbsync's rules): messages are
 * fetched with BODY.PEEK[] in batches, each goes through the pipeline in
 * its own transaction, and only what has committed is moved out of the
 * inbox. A crash anywhere leaves either a message still in the inbox (it
 * is fetched again and recognised by its SHA-256 if it had been stored,
 * then moved) or one already moved: nothing lost, nothing twice. */
#include "config.h"

#include <string.h>

#include <gio/gio.h>

#include "pipeline/intake.h"
#include "run.h"
#include "util/error.h"

#define FETCH_BATCH 50
#define IDLE_SECONDS (28 * 60)  /* RFC 2177: re-issue before 29 minutes */
#define BACKOFF_MAX 300

/* Runs oauth2_token_command anew for each connection: Gmail's and
 * Microsoft 365's tokens expire within the hour. */
static char *
oauth2_token (const char *command, GError **error)
{
  g_auto (GStrv) argv = NULL;
  if (!g_shell_parse_argv (command, NULL, &argv, error))
    return NULL;
  g_autoptr (GSubprocess) proc = g_subprocess_newv ((const char *const *) argv,
                                                    G_SUBPROCESS_FLAGS_STDOUT_PIPE, error);
  g_autofree char *out = NULL;
  if (proc == NULL || !g_subprocess_communicate_utf8 (proc, NULL, NULL, &out, NULL, error))
    return NULL;
  if (!g_subprocess_get_successful (proc) || out == NULL || *g_strstrip (out) == '\0')
    {
      g_set_error (error, GU_ERROR, GU_ERROR_CONFIG, "oauth2_token_command gave no token");
      return NULL;
    }
  return g_steal_pointer (&out);
}

static GuImap *
connect_imap (const GuConfig *cfg, GError **error)
{
  g_autofree char *password = NULL, *token = NULL;
  if (cfg->imap_oauth2_token_command != NULL)
    token = oauth2_token (cfg->imap_oauth2_token_command, error);
  else if (cfg->imap_password_file != NULL)
    password = gu_config_read_secret (cfg->imap_password_file, error);
  else
    password = g_strdup (g_getenv ("GUICHET_IMAP_PASSWORD"));
  if ((cfg->imap_oauth2_token_command != NULL && token == NULL)
      || (cfg->imap_password_file != NULL && password == NULL))
    return NULL;
  GuImapOptions opts = {
    .url = cfg->imap_url, .user = cfg->imap_user, .password = password, .oauth2_token = token,
    .tls_verify = cfg->imap_tls_verify, .ca_file = cfg->imap_ca_file,
  };
  return gu_imap_connect (&opts, error);
}

void
gu_run_imap_disconnect (GuRunState *state)
{
  g_clear_pointer (&state->imap, gu_imap_close);
}

void
gu_run_state_clear (GuRunState *state)
{
  gu_run_imap_disconnect (state);
  g_clear_pointer (&state->last_problem, g_free);
}

static gboolean
open_session (GuApp *app, GuRunState *state, GError **error)
{
  if (state->imap != NULL)
    return TRUE;
  state->imap = connect_imap (app->cfg, error);
  if (state->imap == NULL)
    return FALSE;
  if (!gu_imap_ensure_folder (state->imap, app->cfg->imap_processed_folder, error)
      || !gu_imap_ensure_folder (state->imap, app->cfg->imap_quarantine_folder, error))
    {
      gu_run_imap_disconnect (state);
      return FALSE;
    }
  if (state->last_problem != NULL)
    g_message ("connected to %s again", app->cfg->imap_url);
  else
    g_info ("connected to %s", app->cfg->imap_url);
  g_clear_pointer (&state->last_problem, g_free);
  state->backoff_seconds = 0;
  return TRUE;
}

/* Processes one fetched message; appends its UID to the list of where it
 * goes. A message the server returned empty is left for the next pass. */
static gboolean
process_message (GuIntake *intake, GuRunState *state, const GuImapMessage *m, GArray *done,
                 GArray *quarantined, GError **error)
{
  if (m->raw == NULL)
    {
      g_info ("UID %u came back empty; left for the next pass", m->uid);
      return TRUE;
    }
  GuReceipt receipt = { .mailbox = gu_imap_mailbox (state->imap), .uidvalidity = state->uidvalidity,
                        .uid = m->uid, .received_at = m->internaldate };
  GuIntakeResult result;
  if (!gu_intake_process (intake, m->raw, &receipt, &result, error))
    {
      gu_intake_result_clear (&result);
      return FALSE;
    }
  g_autofree char *line = gu_intake_result_line (&result);
  g_info ("UID %u: %s", m->uid, line);
  g_array_append_val (g_strcmp0 (result.outcome, "quarantined") == 0 ? quarantined : done, m->uid);
  gu_intake_result_clear (&result);
  return TRUE;
}

/* Moves what has committed; called after each batch, and on the way out
 * when a batch was cut short. */
static gboolean
move_processed (GuApp *app, GuRunState *state, GArray *done, GArray *quarantined, GError **error)
{
  gboolean ok = (done->len == 0
                 || gu_imap_move (state->imap, (guint32 *) done->data, done->len,
                                  app->cfg->imap_processed_folder, error))
                && (quarantined->len == 0
                    || gu_imap_move (state->imap, (guint32 *) quarantined->data, quarantined->len,
                                     app->cfg->imap_quarantine_folder, error));
  g_array_set_size (done, 0);
  g_array_set_size (quarantined, 0);
  return ok;
}

static gboolean
process_batch (GuApp *app, GuRunState *state, const guint32 *uids, guint n, GError **error)
{
  g_autoptr (GPtrArray) fetched = gu_imap_fetch (state->imap, uids, n, error);
  if (fetched == NULL)
    return FALSE;
  GuIntake intake = { .store = app->store, .cfg = app->cfg, .call = app->call, .classifier = app->classifier };
  g_autoptr (GArray) done = g_array_new (FALSE, FALSE, sizeof (guint32));
  g_autoptr (GArray) quarantined = g_array_new (FALSE, FALSE, sizeof (guint32));
  gboolean ok = TRUE;
  for (guint i = 0; ok && i < fetched->len && !gu_run_stopping (); i++)
    ok = process_message (&intake, state, g_ptr_array_index (fetched, i), done, quarantined, error);
  GError *move_error = NULL;
  if (!move_processed (app, state, done, quarantined, ok ? error : &move_error))
    ok = FALSE;
  g_clear_error (&move_error);
  return ok;
}

static gboolean
select_inbox (GuApp *app, GuRunState *state, GError **error)
{
  guint32 uidvalidity = 0, uidnext = 0;
  if (!gu_imap_select (state->imap, gu_imap_mailbox (state->imap), &uidvalidity, &uidnext, error))
    return FALSE;
  /* Nothing depends on UIDs across a change: stored messages are known by
   * their SHA-256 and simply moved. Worth a line in the log all the same. */
  if (state->uidvalidity != 0 && uidvalidity != state->uidvalidity)
    g_message ("UIDVALIDITY of %s changed from %u to %u", gu_imap_mailbox (state->imap),
               state->uidvalidity, uidvalidity);
  state->uidvalidity = uidvalidity;
  return TRUE;
}

static gboolean
process_inbox (GuApp *app, GuRunState *state, GError **error)
{
  if (!open_session (app, state, error) || !select_inbox (app, state, error))
    return FALSE;
  g_autoptr (GArray) uids = gu_imap_search_from (state->imap, 1, error);
  if (uids == NULL)
    return FALSE;
  for (guint i = 0; i < uids->len && !gu_run_stopping (); i += FETCH_BATCH)
    if (!process_batch (app, state, &g_array_index (uids, guint32, i), MIN (FETCH_BATCH, uids->len - i), error))
      return FALSE;
  return TRUE;
}

gboolean
gu_run_imap_pass (GuApp *app, GuRunState *state, GError **error)
{
  if (process_inbox (app, state, error))
    return TRUE;
  /* After a network error the session is unusable; after anything else a
   * fresh one costs little and clears whatever state the server kept. */
  gu_run_imap_disconnect (state);
  return FALSE;
}

void
gu_run_imap_wait (GuApp *app, GuRunState *state)
{
  if (state->imap == NULL || !app->cfg->imap_idle || !gu_imap_has_idle (state->imap))
    {
      gu_run_sleep (app->cfg->imap_poll_seconds);
      return;
    }
  g_autoptr (GError) error = NULL;
  gboolean changed = FALSE;
  if (!gu_imap_idle (state->imap, IDLE_SECONDS, gu_run_wake_flag (), &changed, &error))
    {
      g_info ("IDLE ended: %s", error->message);
      gu_run_imap_disconnect (state);
    }
}

void
gu_run_backoff (GuRunState *state, const GError *error)
{
  const char *problem = error != NULL ? error->message : "unknown error";
  state->backoff_seconds = state->backoff_seconds == 0 ? 1 : MIN (state->backoff_seconds * 2, BACKOFF_MAX);
  if (g_strcmp0 (problem, state->last_problem) != 0)
    {
      g_warning ("%s; retrying with backoff", problem);
      g_free (state->last_problem);
      state->last_problem = g_strdup (problem);
    }
  /* Jitter: many guichets restarted together must not hammer a server in
   * step. */
  int wait = state->backoff_seconds + g_random_int_range (0, state->backoff_seconds / 4 + 1);
  gu_run_sleep (wait);
}
