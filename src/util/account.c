/* Accounts: see util/account.h. */
#include "config.h"

#include <errno.h>
#include <grp.h>
#include <pwd.h>
#include <unistd.h>

#include "util/account.h"
#include "util/error.h"

gboolean
gu_account_lookup (const char *name, uid_t *uid, gid_t *gid, GError **error)
{
  errno = 0;
  struct passwd *pw = getpwnam (name);
  if (pw == NULL)
    {
      int err = errno;
      g_set_error (error, GU_ERROR, GU_ERROR_ACCOUNT, "no account \"%s\" on this system%s%s", name,
                   err != 0 ? ": " : "", err != 0 ? g_strerror (err) : "");
      return FALSE;
    }
  *uid = pw->pw_uid;
  *gid = pw->pw_gid;
  return TRUE;
}

static gboolean
fail_step (const char *step, const char *name, GError **error)
{
  int err = errno;
  g_set_error (error, GU_ERROR, GU_ERROR_ACCOUNT, "cannot become \"%s\" (%s): %s", name, step,
               g_strerror (err));
  return FALSE;
}

gboolean
gu_account_become (const char *name, uid_t uid, gid_t gid, GError **error)
{
  /* Groups before the user: once the uid is dropped, the groups can no
   * longer be changed, and root's own would stay. */
  if (initgroups (name, gid) != 0)
    return fail_step ("initgroups", name, error);
  if (setresgid (gid, gid, gid) != 0)
    return fail_step ("setresgid", name, error);
  if (setresuid (uid, uid, uid) != 0)
    return fail_step ("setresuid", name, error);
  uid_t r, e, s;
  gid_t rg, eg, sg;
  if (getresuid (&r, &e, &s) != 0 || getresgid (&rg, &eg, &sg) != 0)
    return fail_step ("getresuid", name, error);
  /* A uid that is still 0 anywhere, or a way back to it, would make the
   * switch a pretence. */
  if (r != uid || e != uid || s != uid || rg != gid || eg != gid || sg != gid
      || (uid != 0 && (setuid (0) == 0 || seteuid (0) == 0)))
    {
      g_set_error (error, GU_ERROR, GU_ERROR_ACCOUNT,
                   "cannot become \"%s\": the process could still get root back", name);
      return FALSE;
    }
  return TRUE;
}

char *
gu_account_current_name (void)
{
  struct passwd *pw = getpwuid (geteuid ());
  if (pw == NULL)
    return g_strdup_printf ("uid %ld", (long) geteuid ());
  return g_strdup (pw->pw_name);
}
