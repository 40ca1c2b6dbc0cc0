/* What every source shares: the calls through its driver, the message
 * it hands over, and a wait that a signal interrupts. */
#include "config.h"

#include <errno.h>
#include <poll.h>

#include "source/source.h"

void
gu_source_message_free (GuSourceMessage *m)
{
  if (m == NULL)
    return;
  g_clear_pointer (&m->raw, g_bytes_unref);
  g_clear_pointer (&m->received_at, g_date_time_unref);
  g_free (m->label);
  g_free (m);
}

const GuSourceDriver *
gu_source_driver_for_url (const char *url)
{
  return url != NULL && g_str_has_prefix (url, "maildir:") ? &gu_source_maildir_driver : &gu_source_imap_driver;
}

GuSource *
gu_source_open (const GuSourceDriver *driver, const GuConfig *cfg, GError **error)
{
  GuSource *src = driver->open (cfg, error);
  if (src != NULL)
    src->driver = driver;
  return src;
}

gboolean
gu_source_list_new (GuSource *src, guint *count, GError **error)
{
  return src->driver->list_new (src, count, error);
}

GPtrArray *
gu_source_fetch_batch (GuSource *src, guint max, GError **error)
{
  return src->driver->fetch_batch (src, max, error);
}

gboolean
gu_source_mark_done (GuSource *src, GPtrArray *messages, GError **error)
{
  return messages->len == 0 || src->driver->mark_done (src, messages, error);
}

gboolean
gu_source_mark_quarantined (GuSource *src, GPtrArray *messages, GError **error)
{
  return messages->len == 0 || src->driver->mark_quarantined (src, messages, error);
}

gboolean
gu_source_wait (GuSource *src, int wake_fd, int max_seconds, GError **error)
{
  return src->driver->wait (src, wake_fd, max_seconds, error);
}

void
gu_source_close (GuSource *src)
{
  if (src != NULL)
    src->driver->close (src);
}

gboolean
gu_source_sleep (int wake_fd, int seconds)
{
  gint64 deadline = g_get_monotonic_time () + (gint64) MAX (seconds, 0) * G_USEC_PER_SEC;
  struct pollfd pfd = { .fd = wake_fd, .events = POLLIN };
  for (;;)
    {
      gint64 left_ms = (deadline - g_get_monotonic_time () + 999) / 1000;
      if (left_ms <= 0)
        return FALSE;
      /* poll ignores a negative fd: then this is a plain sleep. */
      int r = poll (&pfd, 1, (int) MIN (left_ms, G_MAXINT));
      if (r > 0)
        return TRUE;
      if (r < 0 && errno != EINTR)
        return FALSE;
    }
}
