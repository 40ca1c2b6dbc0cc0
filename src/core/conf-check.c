/* The deeper checks behind `guichet check-config`: everything a person
 * would otherwise discover at 3 a.m. when the daemon first needs it. */
#include "config.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "core/call.h"
#include "core/conf.h"
#include "core/problems.h"
#include "util/account.h"
#include "util/error.h"

static gboolean
url_has_scheme (const char *url, const char *const *schemes)
{
  for (const char *const *s = schemes; *s; s++)
    if (g_str_has_prefix (url, *s))
      return TRUE;
  return FALSE;
}

/* A URL we can connect to: scheme among those allowed, and a host. */
static void
check_url (const GuConfig *cfg, const char *what, const char *url,
           const char *const *schemes, GPtrArray *problems)
{
  if (url == NULL)
    {
      gu_problem_add (problems, "%s: %s is not set", cfg->path, what);
      return;
    }
  if (g_str_has_prefix (url, "maildir:") && strcmp (what, "[imap] url") == 0)
    return;
  g_autoptr (GError) error = NULL;
  g_autoptr (GUri) uri = g_uri_parse (url, G_URI_FLAGS_NONE, &error);
  if (uri == NULL || !url_has_scheme (url, schemes) || g_uri_get_host (uri) == NULL
      || *g_uri_get_host (uri) == '\0')
    gu_problem_add (problems, "%s: %s: bad URL \"%s\" (expected %s…)", cfg->path, what, url, schemes[0]);
}

static void
check_secret (const GuConfig *cfg, const char *what, const char *path, GPtrArray *problems)
{
  if (path == NULL)
    return;
  g_autoptr (GError) error = NULL;
  g_autofree char *secret = gu_config_read_secret (path, &error);
  if (secret == NULL)
    gu_problem_add (problems, "%s: %s: %s", cfg->path, what, error->message);
}

/* A folder we will write to: it must be usable if it exists, and
 * creatable (its nearest existing ancestor writable) if not. */
static void
check_writable_dir (const GuConfig *cfg, const char *what, const char *dir, GPtrArray *problems)
{
  g_autofree char *probe = g_strdup (dir);
  while (!g_file_test (probe, G_FILE_TEST_EXISTS))
    {
      char *parent = g_path_get_dirname (probe);
      g_free (probe);
      probe = parent;
    }
  if (!g_file_test (probe, G_FILE_TEST_IS_DIR) || access (probe, R_OK | W_OK | X_OK) != 0)
    gu_problem_add (problems, "%s: %s: folder %s is not readable and writable", cfg->path, what, probe);
}

static gboolean
looks_like_address (const char *s)
{
  const char *at = strchr (s, '@');
  return at != NULL && at != s && at[1] != '\0' && strchr (at + 1, '@') == NULL
         && strpbrk (s, " \t\r\n<>") == NULL;
}

static void
check_addresses (const GuConfig *cfg, const char *what, char **list, GPtrArray *problems)
{
  for (char **a = list; a != NULL && *a; a++)
    if (!looks_like_address (*a))
      gu_problem_add (problems, "%s: %s: \"%s\" is not an address", cfg->path, what, *a);
}

static void
check_storage_and_call (const GuConfig *cfg, GPtrArray *problems)
{
  g_autofree char *db_dir = g_path_get_dirname (cfg->database);
  check_writable_dir (cfg, "[storage] database", db_dir, problems);
  check_writable_dir (cfg, "[storage] blobs", cfg->blobs, problems);
  if (!g_file_test (cfg->call_file, G_FILE_TEST_IS_REGULAR))
    {
      gu_problem_add (problems, "%s: [call] file: %s does not exist", cfg->path, cfg->call_file);
      return;
    }
  g_autoptr (GError) error = NULL;
  g_autoptr (GuCall) call = gu_call_load (cfg->call_file, problems, &error);
  if (call == NULL)
    gu_problem_add (problems, "%s", error->message);
}

static void
check_imap (const GuConfig *cfg, GPtrArray *problems)
{
  static const char *const schemes[] = { "imaps://", "imap://", NULL };
  check_url (cfg, "[imap] url", cfg->imap_url, schemes, problems);
  if (cfg->imap_url != NULL && g_str_has_prefix (cfg->imap_url, "maildir:"))
    {
      const char *dir = cfg->imap_url + strlen ("maildir:");
      if (*dir == '\0')
        gu_problem_add (problems, "%s: [imap] url: maildir: needs a folder", cfg->path);
      return;
    }
  if (cfg->imap_url != NULL && cfg->imap_user == NULL)
    gu_problem_add (problems, "%s: [imap] user is not set", cfg->path);
  check_secret (cfg, "[imap] password_file", cfg->imap_password_file, problems);
  if (cfg->imap_ca_file != NULL && access (cfg->imap_ca_file, R_OK) != 0)
    gu_problem_add (problems, "%s: [imap] ca_file: cannot read %s", cfg->path, cfg->imap_ca_file);
  if (cfg->imap_poll_seconds <= 0)
    gu_problem_add (problems, "%s: [imap] poll_seconds must be positive", cfg->path);
}

static void
check_smtp (const GuConfig *cfg, GPtrArray *problems)
{
  static const char *const schemes[] = { "smtps://", "smtp://", NULL };
  check_url (cfg, "[smtp] url", cfg->smtp_url, schemes, problems);
  check_secret (cfg, "[smtp] password_file", cfg->smtp_password_file, problems);
  if (cfg->smtp_from == NULL)
    gu_problem_add (problems, "%s: [smtp] from is not set", cfg->path);
  else if (strchr (cfg->smtp_from, '@') == NULL)
    gu_problem_add (problems, "%s: [smtp] from: \"%s\" has no address", cfg->path, cfg->smtp_from);
}

/* Staff named but no server to believe: every one of them would be
 * treated as an applicant, silently. */
static void
check_staff (const GuConfig *cfg, GPtrArray *problems)
{
  check_addresses (cfg, "[staff] addresses", cfg->staff_addresses, problems);
  gboolean named = (cfg->staff_addresses != NULL && cfg->staff_addresses[0] != NULL)
                   || (cfg->staff_domains != NULL && cfg->staff_domains[0] != NULL);
  const char *id = cfg->staff_trusted_authserv_id;
  if (named && cfg->staff_require_authentication && (id == NULL || *id == '\0'))
    gu_problem_add (problems, "%s: [staff] trusted_authserv_id is not set: no staff sender can be "
                    "authenticated, all are treated as applicants", cfg->path);
}

static void
check_misc (const GuConfig *cfg, GPtrArray *problems)
{
  check_staff (cfg, problems);
  check_addresses (cfg, "[digest] recipients", cfg->digest_recipients, problems);
  int hh, mm;
  char extra;
  if (cfg->digest_time == NULL || sscanf (cfg->digest_time, "%d:%d%c", &hh, &mm, &extra) != 2
      || hh < 0 || hh > 23 || mm < 0 || mm > 59)
    gu_problem_add (problems, "%s: [digest] time: \"%s\" is not HH:MM", cfg->path,
                 cfg->digest_time ? cfg->digest_time : "");
  if (cfg->reminders_time == NULL || sscanf (cfg->reminders_time, "%d:%d%c", &hh, &mm, &extra) != 2
      || hh < 0 || hh > 23 || mm < 0 || mm > 59)
    gu_problem_add (problems, "%s: [reminders] time: \"%s\" is not HH:MM", cfg->path,
                    cfg->reminders_time ? cfg->reminders_time : "");
  if (cfg->filters_enabled && !g_file_test (cfg->filters_dir, G_FILE_TEST_IS_DIR))
    gu_problem_add (problems, "%s: [filters] dir: %s is not a readable folder", cfg->path, cfg->filters_dir);
  if (cfg->filters_timeout_seconds <= 0)
    gu_problem_add (problems, "%s: [filters] timeout_seconds must be positive", cfg->path);
  if (cfg->limits.archive_max_depth == 0 || cfg->limits.archive_max_ratio == 0)
    gu_problem_add (problems, "%s: [limits] archive limits must be positive", cfg->path);
}

/* The account root switches to must exist, and not be root itself:
 * otherwise every command that opens the state refuses to start. */
static void
check_daemon_user (const GuConfig *cfg, GPtrArray *problems)
{
  if (cfg->daemon_user == NULL || *cfg->daemon_user == '\0')
    return;
  uid_t uid;
  gid_t gid;
  g_autoptr (GError) error = NULL;
  if (!gu_account_lookup (cfg->daemon_user, &uid, &gid, &error))
    gu_problem_add (problems, "%s: [daemon] user: %s", cfg->path, error->message);
  else if (uid == 0)
    gu_problem_add (problems, "%s: [daemon] user: \"%s\" has uid 0: name an unprivileged account",
                    cfg->path, cfg->daemon_user);
}

void
gu_config_check (const GuConfig *cfg, GPtrArray *problems)
{
  check_storage_and_call (cfg, problems);
  check_imap (cfg, problems);
  check_smtp (cfg, problems);
  check_misc (cfg, problems);
  check_daemon_user (cfg, problems);
}
