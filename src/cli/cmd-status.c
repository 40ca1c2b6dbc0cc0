/* status: is the service well? For people, and for Nagios, Icinga or a
 * systemd timer as is: exit 0 all is well, 1 something needs attention
 * (the [status] thresholds of guichet.conf(5)), 2 the state cannot be
 * read at all. It loads what it needs itself, so that every failure,
 * a broken configuration included, is the 2 a monitor expects. */
#include "config.h"

#include <errno.h>
#include <stdio.h>
#include <sys/statvfs.h>

#include <json-glib/json-glib.h>

#include "cli/cli.h"
#include "cli/output.h"
#include "util/error.h"

enum { STATUS_OK = 0, STATUS_ATTENTION = 1, STATUS_ERROR = 2 };

typedef struct {
  gboolean json;
} StatusOptions;

/* What status found: the store's facts and what follows from them. */
typedef struct {
  GuStoreStatus db;
  char *state_folder;
  guint64 disk_free_bytes;
  gint64 poll_age;          /* seconds; -1: never polled */
  gint64 pending_age;       /* seconds; -1: nothing pending */
  GPtrArray *attention;     /* one line per threshold passed */
} Report;

static void
report_clear (Report *r)
{
  gu_store_status_clear (&r->db);
  g_free (r->state_folder);
  g_ptr_array_unref (r->attention);
}

static int
status_parse (GuCliArgs *args)
{
  StatusOptions *o = g_new0 (StatusOptions, 1);
  args->options = o;
  args->free_options = g_free;
  GOptionEntry entries[] = {
    { "json", 0, 0, G_OPTION_ARG_NONE, &o->json, "print JSON", NULL },
    { NULL },
  };
  return gu_cli_parse (args, "- is all well? (exit 0 yes, 1 needs attention, 2 error)", entries)
             ? GU_EXIT_OK
             : GU_EXIT_USAGE;
}

/* Seconds from the store's time text to now; -1 for none. */
static gint64
age_of (const char *utc_text, GDateTime *now)
{
  if (utc_text == NULL)
    return -1;
  g_autoptr (GDateTime) t = g_date_time_new_from_iso8601 (utc_text, NULL);
  if (t == NULL)
    return -1;
  return MAX (g_date_time_difference (now, t) / G_TIME_SPAN_SECOND, 0);
}

static void
judge (Report *r, const GuConfig *cfg)
{
  if (r->poll_age < 0)
    g_ptr_array_add (r->attention, g_strdup ("the daemon has never polled its mailbox"));
  else if (r->poll_age > (gint64) cfg->status_max_poll_age_minutes * 60)
    g_ptr_array_add (r->attention, g_strdup_printf ("last poll %" G_GINT64_FORMAT " min ago (more than %d)",
                                                    r->poll_age / 60, cfg->status_max_poll_age_minutes));
  if (r->db.backlog > cfg->status_max_backlog)
    g_ptr_array_add (r->attention, g_strdup_printf ("%" G_GINT64_FORMAT " messages waiting (more than %d)",
                                                    r->db.backlog, cfg->status_max_backlog));
  if (r->pending_age > (gint64) cfg->status_max_pending_age_minutes * 60)
    g_ptr_array_add (r->attention,
                     g_strdup_printf ("oldest pending reply %" G_GINT64_FORMAT " min old (more than %d)",
                                      r->pending_age / 60, cfg->status_max_pending_age_minutes));
  if (r->db.outbox_failed > cfg->status_max_failed)
    g_ptr_array_add (r->attention, g_strdup_printf ("%" G_GINT64_FORMAT " failed replies (more than %d)",
                                                    r->db.outbox_failed, cfg->status_max_failed));
  if (r->db.quarantined > cfg->status_max_quarantined)
    g_ptr_array_add (r->attention,
                     g_strdup_printf ("%" G_GINT64_FORMAT " quarantined since the last digest (more than %d)",
                                      r->db.quarantined, cfg->status_max_quarantined));
  if (r->disk_free_bytes < (guint64) cfg->status_min_free_mb * 1024 * 1024)
    g_ptr_array_add (r->attention, g_strdup_printf ("%" G_GUINT64_FORMAT " MiB free under %s (less than %d)",
                                                    r->disk_free_bytes >> 20, r->state_folder,
                                                    cfg->status_min_free_mb));
}

static gboolean
gather (GuApp *app, Report *r, GError **error)
{
  if (!gu_app_load (app, GU_NEEDS_CONFIG, error))
    return FALSE;
  if (!g_file_test (app->cfg->database, G_FILE_TEST_EXISTS))
    {
      g_set_error (error, GU_ERROR, GU_ERROR_NOT_FOUND, "no database at %s: guichet has never run here",
                   app->cfg->database);
      return FALSE;
    }
  if (!gu_app_load (app, GU_NEEDS_STORE, error) || !gu_store_status (app->store, &r->db, error))
    return FALSE;
  r->state_folder = g_path_get_dirname (app->cfg->database);
  struct statvfs fs;
  if (statvfs (r->state_folder, &fs) != 0)
    {
      int err = errno;
      g_set_error (error, GU_ERROR, GU_ERROR_FAILED, "%s: %s", r->state_folder, g_strerror (err));
      return FALSE;
    }
  r->disk_free_bytes = (guint64) fs.f_bavail * fs.f_frsize;
  g_autoptr (GDateTime) now = g_date_time_new_now_utc ();
  r->poll_age = age_of (r->db.last_poll_at, now);
  r->pending_age = age_of (r->db.oldest_pending_at, now);
  judge (r, app->cfg);
  return TRUE;
}

static void
print_text (const Report *r)
{
  if (r->poll_age < 0)
    gu_output_printf ("last poll: never\n");
  else
    gu_output_printf ("last poll: %s (%" G_GINT64_FORMAT " s ago), %" G_GINT64_FORMAT " message(s) waiting\n",
                      r->db.last_poll_at, r->poll_age, r->db.backlog);
  gu_output_printf ("outbox: %" G_GINT64_FORMAT " pending", r->db.outbox_pending);
  if (r->pending_age >= 0)
    gu_output_printf (" (oldest %s, %" G_GINT64_FORMAT " s ago)", r->db.oldest_pending_at, r->pending_age);
  gu_output_printf (", %" G_GINT64_FORMAT " failed\n", r->db.outbox_failed);
  gu_output_printf ("last digest: %s\n", r->db.last_digest_day != NULL ? r->db.last_digest_day : "none");
  gu_output_printf ("quarantined since the last digest: %" G_GINT64_FORMAT "\n", r->db.quarantined);
  gu_output_printf ("disk free under %s: %" G_GUINT64_FORMAT " MiB\n", r->state_folder, r->disk_free_bytes >> 20);
  if (r->attention->len == 0)
    gu_output_printf ("status: ok\n");
  for (guint i = 0; i < r->attention->len; i++)
    gu_output_printf ("attention: %s\n", (const char *) g_ptr_array_index (r->attention, i));
}

static void
member_text (JsonBuilder *b, const char *name, const char *value)
{
  json_builder_set_member_name (b, name);
  if (value != NULL)
    json_builder_add_string_value (b, value);
  else
    json_builder_add_null_value (b);
}

/* An age or a count that may be absent (-1). */
static void
member_int (JsonBuilder *b, const char *name, gint64 value)
{
  json_builder_set_member_name (b, name);
  if (value >= 0)
    json_builder_add_int_value (b, value);
  else
    json_builder_add_null_value (b);
}

static void
print_json (const Report *r)
{
  g_autoptr (JsonBuilder) b = json_builder_new ();
  json_builder_begin_object (b);
  json_builder_set_member_name (b, "ok");
  json_builder_add_boolean_value (b, r->attention->len == 0);
  json_builder_set_member_name (b, "attention");
  json_builder_begin_array (b);
  for (guint i = 0; i < r->attention->len; i++)
    json_builder_add_string_value (b, g_ptr_array_index (r->attention, i));
  json_builder_end_array (b);
  member_text (b, "last_poll_at", r->db.last_poll_at);
  member_int (b, "last_poll_age_seconds", r->poll_age);
  member_int (b, "backlog", r->poll_age >= 0 ? r->db.backlog : -1);
  member_int (b, "outbox_pending", r->db.outbox_pending);
  member_int (b, "outbox_failed", r->db.outbox_failed);
  member_text (b, "oldest_pending_at", r->db.oldest_pending_at);
  member_int (b, "oldest_pending_age_seconds", r->pending_age);
  member_text (b, "last_digest_day", r->db.last_digest_day);
  member_int (b, "quarantined_since_last_digest", r->db.quarantined);
  member_text (b, "state_folder", r->state_folder);
  json_builder_set_member_name (b, "disk_free_bytes");
  json_builder_add_int_value (b, (gint64) MIN (r->disk_free_bytes, (guint64) G_MAXINT64));
  json_builder_end_object (b);
  g_autoptr (JsonNode) root = json_builder_get_root (b);
  g_autofree char *text = json_to_string (root, TRUE);
  printf ("%s\n", text);
}

static int
status_run (GuApp *app, const GuCliArgs *args)
{
  const StatusOptions *o = args->options;
  Report r = { .attention = g_ptr_array_new_with_free_func (g_free), .poll_age = -1, .pending_age = -1 };
  GError *error = NULL;
  if (!gather (app, &r, &error))
    {
      fprintf (stderr, "guichet: %s\n", error->message);
      g_error_free (error);
      report_clear (&r);
      return STATUS_ERROR;
    }
  if (o->json)
    print_json (&r);
  else
    print_text (&r);
  int status = r.attention->len == 0 ? STATUS_OK : STATUS_ATTENTION;
  report_clear (&r);
  return status;
}

const GuCommand gu_cmd_status = { status_parse, status_run };
