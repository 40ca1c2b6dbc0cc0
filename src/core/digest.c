#include "config.h"

#include "core/digest.h"

GuDigestItem *
gu_digest_item_new (void)
{
  return g_new0 (GuDigestItem, 1);
}

void
gu_digest_item_free (GuDigestItem *item)
{
  if (item == NULL)
    return;
  g_free (item->at);
  g_free (item->reference);
  g_free (item->who);
  g_free (item->what);
  g_free (item->state);
  g_free (item->detail);
  g_strfreev (item->keys);
  g_strfreev (item->late_keys);
  g_strfreev (item->early_keys);
  g_free (item);
}

static GPtrArray *
new_list (void)
{
  return g_ptr_array_new_with_free_func ((GDestroyNotify) gu_digest_item_free);
}

GuDigestFacts *
gu_digest_facts_new (const char *day)
{
  GuDigestFacts *f = g_new0 (GuDigestFacts, 1);
  f->day = g_strdup (day);
  f->created = new_list ();
  f->completed = new_list ();
  f->missing = new_list ();
  f->late_arrivals = new_list ();
  f->unmatched = new_list ();
  f->quarantined = new_list ();
  f->set_aside = new_list ();
  f->undelivered = new_list ();
  f->suppressed = new_list ();
  f->unreadable = new_list ();
  f->other_sender = new_list ();
  f->reminders = new_list ();
  f->per_day = g_array_new (FALSE, TRUE, sizeof (gint64));
  return f;
}

void
gu_digest_facts_free (GuDigestFacts *f)
{
  if (f == NULL)
    return;
  g_free (f->day);
  GPtrArray *lists[] = { f->created, f->completed, f->missing, f->late_arrivals,
                         f->unmatched, f->quarantined, f->set_aside, f->undelivered, f->suppressed,
                         f->unreadable, f->other_sender, f->reminders };
  for (gsize i = 0; i < G_N_ELEMENTS (lists); i++)
    g_ptr_array_unref (lists[i]);
  g_free (f->chart_first);
  g_array_unref (f->per_day);
  g_free (f);
}
