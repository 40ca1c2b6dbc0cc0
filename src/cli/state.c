/* Entering the state folder: as which account, and under which lock
 * (doc/ARCHITECTURE.md, "Processes and threads" and "Storage"). */
#include "config.h"

#include <string.h>
#include <unistd.h>

#include "cli/cli.h"
#include "util/account.h"
#include "util/error.h"

/* What the command of this process claimed (one command per process:
 * main.c runs one, and its parse step claims before anything loads). */
static gboolean claimed;
static GuStateUse claimed_use;
static const char *claimed_command;

void
gu_app_claim_state (GuStateUse use, const char *command)
{
  claimed = TRUE;
  claimed_use = use;
  claimed_command = command;
}

/* Root without [daemon] user: the daemon refuses; a one-off command is
 * let through with a warning, since an admin may mean it, but what it
 * creates would be root's and unreadable by the daemon. */
static gboolean
root_without_user (const GuApp *app, GError **error)
{
  if (geteuid () != 0)
    return TRUE;
  if (claimed && claimed_use == GU_STATE_DAEMON)
    {
      g_set_error (error, GU_ERROR, GU_ERROR_ACCOUNT,
                   "refusing to %s as root: start it as the account that owns the state "
                   "folder, or name that account in [daemon] user of %s",
                   claimed_command, app->config_path);
      return FALSE;
    }
  if (claimed)
    g_warning ("%s as root without [daemon] user in %s: the files it creates in the state "
               "folder belong to root, and a daemon running as another account cannot use them",
               claimed_command, app->config_path);
  return TRUE;
}

/* [daemon] user names the account that owns the state: root becomes it
 * for good; that account itself goes on; anyone else is refused, since
 * only root can switch. */
static gboolean
settle_account (const GuApp *app, GError **error)
{
  const char *user = app->cfg->daemon_user;
  if (user == NULL || *user == '\0')
    return root_without_user (app, error);
  uid_t uid;
  gid_t gid;
  GError *local = NULL;
  if (!gu_account_lookup (user, &uid, &gid, &local))
    {
      g_set_error (error, GU_ERROR, GU_ERROR_ACCOUNT, "[daemon] user in %s: %s", app->config_path,
                   local->message);
      g_error_free (local);
      return FALSE;
    }
  if (uid == 0)
    {
      g_set_error (error, GU_ERROR, GU_ERROR_ACCOUNT,
                   "[daemon] user in %s is \"%s\", an account of uid 0: name an unprivileged one",
                   app->config_path, user);
      return FALSE;
    }
  if (geteuid () == uid && getuid () == uid)
    return TRUE;
  if (geteuid () != 0)
    {
      g_autofree char *me = gu_account_current_name ();
      g_set_error (error, GU_ERROR, GU_ERROR_ACCOUNT,
                   "[daemon] user in %s is \"%s\" but guichet runs as \"%s\", and only root can "
                   "switch accounts: run it as \"%s\" (or as root)",
                   app->config_path, user, me, user);
      return FALSE;
    }
  return gu_account_become (user, uid, gid, error);
}

/* The claimed lock, once per process: a reload keeps the one it holds,
 * and cannot move it to another folder. */
static gboolean
take_lock (GuApp *app, GError **error)
{
  if (!claimed)
    return TRUE;
  if (app->lock != NULL)
    {
      g_autofree char *folder = g_path_get_dirname (app->cfg->database);
      if (strcmp (folder, gu_state_lock_folder (app->lock)) == 0)
        return TRUE;
      g_set_error (error, GU_ERROR, GU_ERROR_CONFIG,
                   "[storage] database moved from %s to %s: restart guichet to use it",
                   gu_state_lock_folder (app->lock), folder);
      return FALSE;
    }
  app->lock = gu_store_lock_state (app->cfg->database, claimed_use, claimed_command, error);
  return app->lock != NULL;
}

gboolean
gu_app_enter_state (GuApp *app, GError **error)
{
  return settle_account (app, error) && take_lock (app, error);
}
