#include "config.h"

#include <errno.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "core/call.h"
#include "core/conf.h"
#include "core/problems.h"
#include "util/error.h"

#define MIB (1024ull * 1024ull)

GuLimits
gu_limits_default (void)
{
  GuLimits l = {
    .max_message_bytes = 50 * MIB,
    .archive_max_entries = 1000,
    .archive_max_total_bytes = 200 * MIB,
    .archive_max_entry_bytes = 50 * MIB,
    .archive_max_ratio = 100,
    .archive_max_depth = 3,
    .archive_max_seconds = 30,
    .message_max_unpacked_bytes = 256 * MIB,
    .message_max_documents = 500,
    .message_filter_seconds = 120,
    .parser_memory_mb = 512,
    .parser_seconds = 60,
  };
  return l;
}

typedef enum { KEY_STRING, KEY_PATH, KEY_BOOL, KEY_INT, KEY_LIST, KEY_SIZE } KeyType;

/* Every key guichet knows, with where its value lands in GuConfig. The
 * table is the single list of keys: loading, defaults and the
 * unknown-key check all read it. */
typedef struct {
  const char *group;
  const char *key;
  KeyType type;
  gsize offset;
  const char *fallback; /* default as text, NULL for none */
} KeySpec;

#define F(field) G_STRUCT_OFFSET (GuConfig, field)
static const KeySpec key_specs[] = {
  { "storage", "database", KEY_PATH, F (database), GU_LOCALSTATEDIR "/lib/guichet/guichet.db" },
  { "storage", "blobs", KEY_PATH, F (blobs), GU_LOCALSTATEDIR "/lib/guichet/blobs" },
  { "storage", "busy_timeout_seconds", KEY_INT, F (busy_timeout_seconds), "30" },
  { "call", "file", KEY_PATH, F (call_file), GU_DATADIR "/schemas/fabrique-initiatives.call" },
  { "imap", "url", KEY_STRING, F (imap_url), NULL },
  { "imap", "user", KEY_STRING, F (imap_user), NULL },
  { "imap", "password_file", KEY_PATH, F (imap_password_file), NULL },
  { "imap", "oauth2_token_command", KEY_STRING, F (imap_oauth2_token_command), NULL },
  { "imap", "processed_folder", KEY_STRING, F (imap_processed_folder), "Traités" },
  { "imap", "quarantine_folder", KEY_STRING, F (imap_quarantine_folder), "Quarantaine" },
  { "imap", "ca_file", KEY_PATH, F (imap_ca_file), NULL },
  { "imap", "tls_verify", KEY_BOOL, F (imap_tls_verify), "true" },
  { "imap", "idle", KEY_BOOL, F (imap_idle), "true" },
  { "imap", "poll_seconds", KEY_INT, F (imap_poll_seconds), "60" },
  { "smtp", "url", KEY_STRING, F (smtp_url), NULL },
  { "smtp", "user", KEY_STRING, F (smtp_user), NULL },
  { "smtp", "password_file", KEY_PATH, F (smtp_password_file), NULL },
  { "smtp", "from", KEY_STRING, F (smtp_from), NULL },
  { "smtp", "ca_file", KEY_PATH, F (smtp_ca_file), NULL },
  { "smtp", "tls_verify", KEY_BOOL, F (smtp_tls_verify), "true" },
  { "smtp", "max_replies_per_address_per_day", KEY_INT, F (smtp_max_replies_per_address_per_day), "10" },
  { "smtp", "max_replies_per_window", KEY_INT, F (smtp_max_replies_per_window), "5" },
  { "smtp", "reply_window_minutes", KEY_INT, F (smtp_reply_window_minutes), "10" },
  { "staff", "addresses", KEY_LIST, F (staff_addresses), NULL },
  { "staff", "domains", KEY_LIST, F (staff_domains), NULL },
  { "staff", "trusted_authserv_id", KEY_STRING, F (staff_trusted_authserv_id), NULL },
  { "staff", "require_authentication", KEY_BOOL, F (staff_require_authentication), "true" },
  { "staff", "notify_applicant", KEY_BOOL, F (staff_notify_applicant), "true" },
  { "digest", "recipients", KEY_LIST, F (digest_recipients), NULL },
  { "digest", "time", KEY_STRING, F (digest_time), "08:00" },
  { "reminders", "days_before", KEY_STRING, F (reminders_days_before), NULL },
  { "reminders", "time", KEY_STRING, F (reminders_time), "09:00" },
  { "filters", "dir", KEY_PATH, F (filters_dir), GU_LIBEXECDIR "/filters" },
  { "filters", "timeout_seconds", KEY_INT, F (filters_timeout_seconds), "20" },
  { "filters", "enabled", KEY_BOOL, F (filters_enabled), "true" },
  { "filters", "memory_mb", KEY_INT, F (filters_memory_mb), "512" },
  { "filters", "cpu_seconds", KEY_INT, F (filters_cpu_seconds), "30" },
  { "filters", "max_output_kb", KEY_INT, F (filters_max_output_kb), "4096" },
  { "ocr", "timeout_seconds", KEY_INT, F (ocr_timeout_seconds), "120" },
  { "ocr", "max_pages", KEY_INT, F (ocr_max_pages), "20" },
  { "ocr", "memory_mb", KEY_INT, F (ocr_memory_mb), "1024" },
  { "limits", "max_message_bytes", KEY_SIZE, F (limits.max_message_bytes), NULL },
  { "limits", "archive_max_entries", KEY_INT, F (limits.archive_max_entries), NULL },
  { "limits", "archive_max_total_bytes", KEY_SIZE, F (limits.archive_max_total_bytes), NULL },
  { "limits", "archive_max_entry_bytes", KEY_SIZE, F (limits.archive_max_entry_bytes), NULL },
  { "limits", "archive_max_ratio", KEY_INT, F (limits.archive_max_ratio), NULL },
  { "limits", "archive_max_depth", KEY_INT, F (limits.archive_max_depth), NULL },
  { "limits", "archive_max_seconds", KEY_INT, F (limits.archive_max_seconds), NULL },
  { "limits", "message_max_unpacked_bytes", KEY_SIZE, F (limits.message_max_unpacked_bytes), NULL },
  { "limits", "message_max_documents", KEY_INT, F (limits.message_max_documents), NULL },
  { "limits", "message_filter_seconds", KEY_INT, F (limits.message_filter_seconds), NULL },
  { "limits", "parser_memory_mb", KEY_INT, F (limits.parser_memory_mb), NULL },
  { "limits", "parser_seconds", KEY_INT, F (limits.parser_seconds), NULL },
  { "daemon", "user", KEY_STRING, F (daemon_user), NULL },
  { "status", "max_poll_age_minutes", KEY_INT, F (status_max_poll_age_minutes), "15" },
  { "status", "max_backlog", KEY_INT, F (status_max_backlog), "200" },
  { "status", "max_pending_age_minutes", KEY_INT, F (status_max_pending_age_minutes), "60" },
  { "status", "max_failed", KEY_INT, F (status_max_failed), "0" },
  { "status", "max_quarantined", KEY_INT, F (status_max_quarantined), "10" },
  { "status", "min_free_mb", KEY_INT, F (status_min_free_mb), "1024" },
};
#undef F

char *
gu_config_locate (const char *explicit_path)
{
  if (explicit_path != NULL && *explicit_path)
    return g_strdup (explicit_path);
  const char *env = g_getenv ("GUICHET_CONFIG");
  if (env != NULL && *env)
    return g_strdup (env);
  return g_build_filename (GU_SYSCONFDIR, "guichet", "guichet.conf", NULL);
}

static const KeySpec *
find_spec (const char *group, const char *key)
{
  for (gsize i = 0; i < G_N_ELEMENTS (key_specs); i++)
    if (strcmp (key_specs[i].group, group) == 0 && strcmp (key_specs[i].key, key) == 0)
      return &key_specs[i];
  return NULL;
}

static gboolean
group_is_known (const char *group)
{
  for (gsize i = 0; i < G_N_ELEMENTS (key_specs); i++)
    if (strcmp (key_specs[i].group, group) == 0)
      return TRUE;
  return FALSE;
}

/* Relative paths are relative to the config file's folder, so that a
 * config and its secrets can be moved together. */
static char *
resolve_path (const char *base_dir, const char *value)
{
  if (g_path_is_absolute (value))
    return g_strdup (value);
  return g_canonicalize_filename (value, base_dir);
}

/* "50M", "200 MiB", "1048576" -> bytes. Returns FALSE on garbage. */
static gboolean
parse_size (const char *text, guint64 *out)
{
  char *end = NULL;
  guint64 n = g_ascii_strtoull (text, &end, 10);
  if (end == text)
    return FALSE;
  while (*end == ' ')
    end++;
  guint64 mult = 1;
  switch (g_ascii_toupper (*end))
    {
    case '\0': break;
    case 'K': mult = 1024; break;
    case 'M': mult = MIB; break;
    case 'G': mult = 1024 * MIB; break;
    default: return FALSE;
    }
  if (*end != '\0')
    {
      const char *rest = end + 1;
      if (*rest && g_ascii_strcasecmp (rest, "iB") != 0 && g_ascii_strcasecmp (rest, "B") != 0)
        return FALSE;
    }
  *out = n * mult;
  return TRUE;
}

static gboolean
store_int (const KeySpec *spec, GuConfig *cfg, const char *text)
{
  char *end = NULL;
  gint64 n = g_ascii_strtoll (text, &end, 10);
  if (end == text || *end != '\0' || n < 0 || n > G_MAXINT)
    return FALSE;
  if (strcmp (spec->group, "limits") == 0)
    *(guint *) G_STRUCT_MEMBER_P (cfg, spec->offset) = (guint) n;
  else
    G_STRUCT_MEMBER (int, cfg, spec->offset) = (int) n;
  return TRUE;
}

/* Stores text (already unescaped by GKeyFile) into the field of spec.
 * Returns FALSE when the value is not of the key's type. */
static gboolean
store_value (const KeySpec *spec, GuConfig *cfg, const char *base_dir, const char *text)
{
  switch (spec->type)
    {
    case KEY_STRING:
      g_free (G_STRUCT_MEMBER (char *, cfg, spec->offset));
      G_STRUCT_MEMBER (char *, cfg, spec->offset) = g_strdup (text);
      return TRUE;
    case KEY_PATH:
      g_free (G_STRUCT_MEMBER (char *, cfg, spec->offset));
      G_STRUCT_MEMBER (char *, cfg, spec->offset) = resolve_path (base_dir, text);
      return TRUE;
    case KEY_BOOL:
      if (g_ascii_strcasecmp (text, "true") == 0 || g_ascii_strcasecmp (text, "yes") == 0 || strcmp (text, "1") == 0)
        G_STRUCT_MEMBER (gboolean, cfg, spec->offset) = TRUE;
      else if (g_ascii_strcasecmp (text, "false") == 0 || g_ascii_strcasecmp (text, "no") == 0 || strcmp (text, "0") == 0)
        G_STRUCT_MEMBER (gboolean, cfg, spec->offset) = FALSE;
      else
        return FALSE;
      return TRUE;
    case KEY_INT:
      return store_int (spec, cfg, text);
    case KEY_SIZE:
      return parse_size (text, (guint64 *) G_STRUCT_MEMBER_P (cfg, spec->offset));
    case KEY_LIST:
      g_strfreev (G_STRUCT_MEMBER (char **, cfg, spec->offset));
      G_STRUCT_MEMBER (char **, cfg, spec->offset) = NULL;
      {
        g_auto (GStrv) items = g_strsplit (text, ";", -1);
        GPtrArray *kept = g_ptr_array_new ();
        for (char **it = items; *it; it++)
          {
            char *item = g_strstrip (*it);
            if (*item)
              g_ptr_array_add (kept, g_strdup (item));
          }
        g_ptr_array_add (kept, NULL);
        G_STRUCT_MEMBER (char **, cfg, spec->offset) = (char **) g_ptr_array_free (kept, FALSE);
      }
      return TRUE;
    }
  return FALSE;
}

static void
apply_defaults (GuConfig *cfg, const char *base_dir)
{
  cfg->limits = gu_limits_default ();
  for (gsize i = 0; i < G_N_ELEMENTS (key_specs); i++)
    if (key_specs[i].fallback != NULL)
      store_value (&key_specs[i], cfg, base_dir, key_specs[i].fallback);
}

/* maildir:PATH is a path like any other: relative to the config file. */
static void
resolve_maildir_url (GuConfig *cfg, const char *base_dir)
{
  if (cfg->imap_url == NULL || !g_str_has_prefix (cfg->imap_url, "maildir:"))
    return;
  if (cfg->imap_url[strlen ("maildir:")] == '\0')
    return;
  g_autofree char *path = resolve_path (base_dir, cfg->imap_url + strlen ("maildir:"));
  g_free (cfg->imap_url);
  cfg->imap_url = g_strconcat ("maildir:", path, NULL);
}

static void
load_group (GKeyFile *kf, const char *group, GuConfig *cfg, const char *base_dir, GPtrArray *problems)
{
  g_auto (GStrv) keys = g_key_file_get_keys (kf, group, NULL, NULL);
  for (char **k = keys; k != NULL && *k; k++)
    {
      const KeySpec *spec = find_spec (group, *k);
      if (spec == NULL)
        {
          gu_problem_add (problems, "%s: unknown key [%s] %s", cfg->path, group, *k);
          continue;
        }
      g_autofree char *value = g_key_file_get_string (kf, group, *k, NULL);
      if (value == NULL)
        continue;
      g_strstrip (value);
      if (!store_value (spec, cfg, base_dir, value))
        gu_problem_add (problems, "%s: [%s] %s: invalid value \"%s\"", cfg->path, group, *k, value);
    }
}

/* A [reminders] days_before that is no list of days is said once, at
 * loading, and turns the reminders off. */
static void
check_reminder_days (GuConfig *cfg, GPtrArray *problems)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (GArray) days = gu_config_reminder_days (cfg->reminders_days_before, &error);
  if (days != NULL)
    return;
  gu_problem_add (problems, "%s: %s; no reminders", cfg->path, error->message);
  g_clear_pointer (&cfg->reminders_days_before, g_free);
}

GuConfig *
gu_config_load (const char *path, GPtrArray *problems, GError **error)
{
  g_autoptr (GKeyFile) kf = g_key_file_new ();
  GError *local = NULL;
  if (!g_key_file_load_from_file (kf, path, G_KEY_FILE_NONE, &local))
    {
      g_set_error (error, GU_ERROR, GU_ERROR_CONFIG, "%s: %s", path, local->message);
      g_error_free (local);
      return NULL;
    }
  GuConfig *cfg = g_new0 (GuConfig, 1);
  g_autofree char *abs = g_canonicalize_filename (path, NULL);
  g_autofree char *base_dir = g_path_get_dirname (abs);
  cfg->path = g_steal_pointer (&abs);
  apply_defaults (cfg, base_dir);
  g_auto (GStrv) groups = g_key_file_get_groups (kf, NULL);
  for (char **g = groups; *g; g++)
    {
      if (!group_is_known (*g))
        gu_problem_add (problems, "%s: unknown section [%s]", cfg->path, *g);
      else
        load_group (kf, *g, cfg, base_dir, problems);
    }
  resolve_maildir_url (cfg, base_dir);
  check_reminder_days (cfg, problems);
  return cfg;
}

void
gu_config_free (GuConfig *cfg)
{
  if (cfg == NULL)
    return;
  for (gsize i = 0; i < G_N_ELEMENTS (key_specs); i++)
    {
      const KeySpec *spec = &key_specs[i];
      if (spec->type == KEY_STRING || spec->type == KEY_PATH)
        g_free (G_STRUCT_MEMBER (char *, cfg, spec->offset));
      else if (spec->type == KEY_LIST)
        g_strfreev (G_STRUCT_MEMBER (char **, cfg, spec->offset));
    }
  g_free (cfg->path);
  g_free (cfg);
}

static gint
larger_first (gconstpointer a, gconstpointer b)
{
  int x = *(const int *) a, y = *(const int *) b;
  return x > y ? -1 : x < y;
}

GArray *
gu_config_reminder_days (const char *text, GError **error)
{
  g_autoptr (GArray) days = g_array_new (FALSE, FALSE, sizeof (int));
  g_auto (GStrv) items = g_strsplit_set (text != NULL ? text : "", ",; \t", -1);
  for (char **it = items; *it != NULL; it++)
    {
      if (**it == '\0')
        continue;
      char *end;
      errno = 0;
      gint64 n = g_ascii_strtoll (*it, &end, 10);
      if (*end != '\0' || errno != 0 || n < 0 || n > 365 || !g_ascii_isdigit (**it))
        {
          g_set_error (error, GU_ERROR, GU_ERROR_CONFIG,
                       "[reminders] days_before: \"%s\" is not a list of whole days (0 to 365), e.g. \"7, 2\"", text);
          return NULL;
        }
      gboolean seen = FALSE;
      for (guint i = 0; i < days->len && !seen; i++)
        seen = g_array_index (days, int, i) == (int) n;
      if (!seen)
        {
          int d = (int) n;
          g_array_append_val (days, d);
        }
    }
  g_array_sort (days, larger_first);
  return g_steal_pointer (&days);
}

char *
gu_config_read_secret (const char *path, GError **error)
{
  struct stat st;
  if (stat (path, &st) != 0)
    {
      g_set_error (error, GU_ERROR, GU_ERROR_CONFIG, "%s: %s", path, g_strerror (errno));
      return NULL;
    }
  if (st.st_mode & (S_IRWXG | S_IRWXO))
    {
      g_set_error (error, GU_ERROR, GU_ERROR_CONFIG,
                   "%s: mode %03o lets others read the secret; chmod 600 it",
                   path, (unsigned) (st.st_mode & 0777));
      return NULL;
    }
  char *content = NULL;
  GError *local = NULL;
  if (!g_file_get_contents (path, &content, NULL, &local))
    {
      g_set_error (error, GU_ERROR, GU_ERROR_CONFIG, "%s", local->message);
      g_error_free (local);
      return NULL;
    }
  g_strchomp (content);
  return content;
}
