/* outbox (what replies exist and where they stand) and send (deliver the
 * due ones now). The fields of `outbox --json` are a contract. */
#include "config.h"

#include <stdio.h>

#include <json-glib/json-glib.h>

#include "cmd-views.h"
#include "commands.h"
#include "pipeline/delivery.h"
#include "util/error.h"

static void
member_string (JsonBuilder *b, const char *name, const char *value)
{
  json_builder_set_member_name (b, name);
  if (value != NULL)
    json_builder_add_string_value (b, value);
  else
    json_builder_add_null_value (b);
}

static void
print_json (GPtrArray *rows)
{
  g_autoptr (JsonBuilder) b = json_builder_new ();
  json_builder_begin_array (b);
  for (guint i = 0; i < rows->len; i++)
    {
      const GuOutboxRow *r = g_ptr_array_index (rows, i);
      json_builder_begin_object (b);
      member_string (b, "kind", gu_reply_kind_to_string (r->kind));
      member_string (b, "to", r->recipient);
      member_string (b, "subject", r->subject);
      member_string (b, "dossier", r->dossier_reference);
      member_string (b, "state", gu_outbox_state_to_string (r->state));
      json_builder_set_member_name (b, "attempts");
      json_builder_add_int_value (b, r->attempts);
      member_string (b, "last_error", r->last_error);
      member_string (b, "message_id", r->smtp_message_id);
      member_string (b, "created_at", r->created_at);
      member_string (b, "sent_at", r->sent_at);
      member_string (b, "server_reply", r->server_reply);
      json_builder_end_object (b);
    }
  json_builder_end_array (b);
  gu_view_print_json (b);
}

int
gu_cmd_outbox (GuApp *app, int argc, char **argv)
{
  gboolean json = FALSE;
  GOptionEntry entries[] = {
    { "json", 0, 0, G_OPTION_ARG_NONE, &json, "print JSON", NULL },
    { NULL },
  };
  g_autoptr (GOptionContext) ctx = g_option_context_new ("- replies: pending, sent, failed");
  g_option_context_add_main_entries (ctx, entries, NULL);
  if (!gu_app_parse_options (ctx, &argc, &argv))
    return GU_EXIT_USAGE;
  GError *error = NULL;
  if (!gu_app_load (app, TRUE, &error))
    return gu_app_fail (error);
  g_autoptr (GPtrArray) rows = gu_store_outbox_list (app->store, &error);
  if (rows == NULL)
    return gu_app_fail (error);
  if (json)
    {
      print_json (rows);
      return GU_EXIT_OK;
    }
  for (guint i = 0; i < rows->len; i++)
    {
      const GuOutboxRow *r = g_ptr_array_index (rows, i);
      gu_view_printf ("%-10s %-12s %-13s %-32s %d %s%s%s\n", gu_outbox_state_to_string (r->state),
                      gu_reply_kind_to_string (r->kind),
                      r->dossier_reference != NULL ? r->dossier_reference : "-", r->recipient, r->attempts,
                      r->subject, r->last_error != NULL ? "  -- " : "", r->last_error != NULL ? r->last_error : "");
    }
  return GU_EXIT_OK;
}

int
gu_cmd_send (GuApp *app, int argc, char **argv)
{
  g_autoptr (GOptionContext) ctx = g_option_context_new ("- try the outbox once now");
  if (!gu_app_parse_options (ctx, &argc, &argv))
    return GU_EXIT_USAGE;
  GError *error = NULL;
  if (!gu_app_load (app, TRUE, &error))
    return gu_app_fail (error);
  g_autoptr (GDateTime) now = g_date_time_new_now_utc ();
  GuDeliveryCounts counts;
  if (!gu_delivery_run (app->store, app->cfg, now, &counts, &error))
    return gu_app_fail (error);
  printf ("%u sent, %u to retry, %u failed\n", counts.sent, counts.retry, counts.failed);
  return GU_EXIT_OK;
}
