/* The daemon's loop (src/daemon) against a fake source that implements
 * the driver interface (src/source/source.h) over messages in memory,
 * with the real pipeline and store behind it: a message is handed back
 * to the source only once its transaction committed, batch by batch; an
 * unparseable one goes to quarantine and the ones behind it go on; a
 * failing fetch backs off and is retried; a signal ends a wait at once;
 * SIGHUP reloads and opens the source again. */
#include "config.h"

#include <signal.h>
#include <string.h>
#include <unistd.h>

#include "core/call.h"
#include "core/conf.h"
#include "daemon/daemon.h"
#include "parse/parse.h"
#include "source/source.h"
#include "store/store.h"
#include "testutil.h"
#include "util/error.h"
#include "util/hash.h"

/* ---- the fake mailbox ---- */

typedef enum { WAITING, DONE, QUARANTINED } Place;

typedef struct {
  char *label;
  GBytes *raw;             /* NULL: the "server" gives no body */
  Place place;
  gboolean committed;      /* seen by another connection when it was marked */
  guint fetched_by;        /* the fetch_batch call that gave it out */
} FakeMessage;

/* What the fake source does and saw. One mailbox per test: the driver's
 * open takes only the config, so the fake lives here. */
static struct {
  GPtrArray *mailbox;      /* FakeMessage* */
  GuStore *observer;       /* a second connection: it sees only what committed */
  guint fail_fetch_call;   /* the fetch_batch call (1-based) that fails; 0: none */
  guint fetch_calls;
  guint mark_done_calls;   /* mark_done calls with at least one message */
  gboolean stop_when_idle; /* raise SIGTERM in a wait once nothing is left */
  gboolean hup_first_wait; /* raise SIGHUP in the first wait */
  guint opens;
  int kill_after_ms;       /* > 0: a thread sends SIGTERM this long after the first wait */
  GThread *killer;
  gint64 killed_at;
  gboolean woken;          /* a wait ended because the wake fd was readable */
  guint waits;
} fake;

typedef struct {
  GuSource base;
  GPtrArray *listing;      /* FakeMessage*, borrowed */
  guint next;
  GPtrArray *outstanding;  /* fetched, not yet marked */
} FakeSource;

static void
fake_message_free (FakeMessage *m)
{
  g_free (m->label);
  g_clear_pointer (&m->raw, g_bytes_unref);
  g_free (m);
}

static void
fake_add (const char *label, const char *raw)
{
  FakeMessage *m = g_new0 (FakeMessage, 1);
  m->label = g_strdup (label);
  m->raw = raw != NULL ? g_bytes_new (raw, strlen (raw)) : NULL;
  g_ptr_array_add (fake.mailbox, m);
}

static GuSource *
fake_open (const GuConfig *cfg, GError **error)
{
  fake.opens++;
  FakeSource *s = g_new0 (FakeSource, 1);
  s->listing = g_ptr_array_new ();
  s->outstanding = g_ptr_array_new ();
  return &s->base;
}

static void
fake_close (GuSource *src)
{
  FakeSource *s = (FakeSource *) src;
  g_ptr_array_unref (s->listing);
  g_ptr_array_unref (s->outstanding);
  g_free (s);
}

static gboolean
fake_list_new (GuSource *src, guint *count, GError **error)
{
  FakeSource *s = (FakeSource *) src;
  g_ptr_array_set_size (s->listing, 0);
  g_ptr_array_set_size (s->outstanding, 0);
  s->next = 0;
  for (guint i = 0; i < fake.mailbox->len; i++)
    {
      FakeMessage *m = g_ptr_array_index (fake.mailbox, i);
      if (m->place == WAITING)
        g_ptr_array_add (s->listing, m);
    }
  *count = s->listing->len;
  return TRUE;
}

static GuSourceMessage *
source_message (FakeMessage *m, guint uid)
{
  GuSourceMessage *out = g_new0 (GuSourceMessage, 1);
  out->raw = m->raw != NULL ? g_bytes_ref (m->raw) : NULL;
  out->received_at = g_date_time_new_from_iso8601 ("2020-02-14T10:00:00+01:00", NULL);
  out->mailbox = "INBOX";
  out->uidvalidity = 7;
  out->uid = uid;
  out->label = g_strdup (m->label);
  out->key = m;
  return out;
}

static gboolean committed (GBytes *raw);

static GPtrArray *
fake_fetch_batch (GuSource *src, guint max, GError **error)
{
  FakeSource *s = (FakeSource *) src;
  if (++fake.fetch_calls == fake.fail_fetch_call)
    {
      g_set_error (error, GU_ERROR, GU_ERROR_TEMPFAIL, "fake: connection lost");
      return NULL;
    }
  /* The loop fetches one batch ahead, never two: it has prepared and
   * recorded every batch but the last it was given. (It moves them in
   * groups; mark checks that each was committed first.) */
  for (guint i = 0; i < s->outstanding->len; i++)
    {
      FakeMessage *m = g_ptr_array_index (s->outstanding, i);
      if (m->raw != NULL && m->fetched_by + 1 < fake.fetch_calls)
        g_assert_true (committed (m->raw));
    }
  GPtrArray *out = g_ptr_array_new_with_free_func ((GDestroyNotify) gu_source_message_free);
  for (; out->len < max && s->next < s->listing->len; s->next++)
    {
      FakeMessage *m = g_ptr_array_index (s->listing, s->next);
      g_ptr_array_add (out, source_message (m, s->next + 1));
      m->fetched_by = fake.fetch_calls;
      g_ptr_array_add (s->outstanding, m);
    }
  return out;
}

static gboolean
committed (GBytes *raw)
{
  char sha[65];
  gsize len;
  const void *data = g_bytes_get_data (raw, &len);
  gu_sha256_hex (data, len, sha);
  g_autoptr (GError) error = NULL;
  gint64 row = 0;
  g_assert_true (gu_store_find_message_by_raw (fake.observer, sha, &row, &error));
  g_assert_no_error (error);
  return row > 0;
}

static gboolean
mark (GuSource *src, GPtrArray *messages, Place place)
{
  FakeSource *s = (FakeSource *) src;
  for (guint i = 0; i < messages->len; i++)
    {
      FakeMessage *m = ((GuSourceMessage *) g_ptr_array_index (messages, i))->key;
      g_assert_cmpint (m->place, ==, WAITING);
      m->place = place;
      m->committed = committed (m->raw);
      g_ptr_array_remove (s->outstanding, m);
    }
  return TRUE;
}

static gboolean
fake_mark_done (GuSource *src, GPtrArray *messages, GError **error)
{
  fake.mark_done_calls += messages->len > 0;
  return mark (src, messages, DONE);
}

static gboolean
fake_mark_quarantined (GuSource *src, GPtrArray *messages, GError **error)
{
  return mark (src, messages, QUARANTINED);
}

static gboolean
nothing_waiting (void)
{
  for (guint i = 0; i < fake.mailbox->len; i++)
    {
      FakeMessage *m = g_ptr_array_index (fake.mailbox, i);
      if (m->place == WAITING && m->raw != NULL)
        return FALSE;
    }
  return TRUE;
}

static gpointer
kill_later (gpointer data)
{
  g_usleep (fake.kill_after_ms * 1000);
  fake.killed_at = g_get_monotonic_time ();
  kill (getpid (), SIGTERM);
  return NULL;
}

static gboolean
fake_wait (GuSource *src, int wake_fd, int max_seconds, GError **error)
{
  guint wait = ++fake.waits;
  if (wait == 1 && fake.kill_after_ms > 0)
    fake.killer = g_thread_new ("killer", kill_later, NULL);
  if (wait == 1 && fake.hup_first_wait)
    raise (SIGHUP);
  else if (fake.stop_when_idle && nothing_waiting ())
    raise (SIGTERM);
  fake.woken = gu_source_sleep (wake_fd, max_seconds);
  return TRUE;
}

static const GuSourceDriver fake_driver = {
  .name = "fake",
  .open = fake_open,
  .list_new = fake_list_new,
  .fetch_batch = fake_fetch_batch,
  .mark_done = fake_mark_done,
  .mark_quarantined = fake_mark_quarantined,
  .wait = fake_wait,
  .close = fake_close,
};

/* ---- the world the daemon works in ---- */

typedef struct {
  char *dir;
  GuConfig *cfg;
  GuCall *call;
  GuStore *store;
} World;

static void
world_set_up (World *w, gconstpointer data)
{
  w->dir = gu_test_tmpdir ();
  g_autofree char *call = gu_test_srcpath ("schemas/fabrique-initiatives.call");
  g_autofree char *conf = g_strdup_printf ("[storage]\ndatabase = state/guichet.db\nblobs = state/blobs\n"
                                           "[call]\nfile = %s\n"
                                           "[imap]\nurl = imap://127.0.0.1/INBOX\npoll_seconds = 1\n"
                                           "[filters]\nenabled = false\n",
                                           call);
  g_autofree char *path = gu_test_write (w->dir, "guichet.conf", conf, 0644);
  g_autoptr (GError) error = NULL;
  w->cfg = gu_config_load (path, NULL, &error);
  g_assert_no_error (error);
  w->call = gu_call_load (w->cfg->call_file, NULL, &error);
  g_assert_no_error (error);
  w->store = gu_store_open (w->cfg->database, w->cfg->blobs, &error);
  g_assert_no_error (error);
  memset (&fake, 0, sizeof fake);
  fake.mailbox = g_ptr_array_new_with_free_func ((GDestroyNotify) fake_message_free);
  fake.observer = gu_store_open (w->cfg->database, w->cfg->blobs, &error);
  g_assert_no_error (error);
}

static void
world_tear_down (World *w, gconstpointer data)
{
  if (fake.killer != NULL)
    g_thread_join (fake.killer);
  gu_store_close (fake.observer);
  g_ptr_array_unref (fake.mailbox);
  gu_store_close (w->store);
  gu_call_free (w->call);
  gu_config_free (w->cfg);
  gu_test_rmtree (w->dir);
  g_free (w->dir);
}

static gboolean
run_daemon_with (World *w, gboolean once, GuDaemonReloadFunc reload, gpointer data, GError **error)
{
  GuDaemonOptions opts = {
    .world = { .cfg = w->cfg, .call = w->call, .store = w->store },
    .once = once,
    .driver = &fake_driver,
    .reload = reload,
    .reload_data = data,
  };
  return gu_daemon_run (&opts, error);
}

static gboolean
run_daemon (World *w, gboolean once, GError **error)
{
  return run_daemon_with (w, once, NULL, NULL, error);
}

/* An automatic reply: stored, never answered, no template involved. */
static char *
automatic_message (int i)
{
  return g_strdup_printf ("From: robot%d@auto.example\r\nTo: fabrique@example.org\r\nSubject: absence %d\r\n"
                          "Message-ID: <%d@auto.example>\r\nAuto-Submitted: auto-replied\r\n\r\nabsent %d\r\n",
                          i, i, i, i);
}

static void
add_automatic (int count)
{
  for (int i = 0; i < count; i++)
    {
      g_autofree char *label = g_strdup_printf ("robot %d", i);
      g_autofree char *raw = automatic_message (i);
      fake_add (label, raw);
    }
}

static FakeMessage *
message (guint i)
{
  return g_ptr_array_index (fake.mailbox, i);
}

/* ---- the tests ---- */

static void
test_moved_after_commit (World *w, gconstpointer data)
{
  /* More than one batch, and one the server gives no body for. */
  add_automatic (60);
  fake_add ("still being written", NULL);
  g_autoptr (GError) error = NULL;
  g_assert_true (run_daemon (w, TRUE, &error));
  g_assert_no_error (error);
  for (guint i = 0; i < 60; i++)
    {
      g_assert_cmpint (message (i)->place, ==, DONE);
      g_assert_true (message (i)->committed);
    }
  g_assert_cmpint (message (60)->place, ==, WAITING);
  g_assert_cmpuint (fake.fetch_calls, >=, 3);
  /* Two batches, one MOVE. */
  g_assert_cmpuint (fake.mark_done_calls, ==, 1);
}

static void
test_quarantine (World *w, gconstpointer data)
{
  g_autofree char *after = automatic_message (1);
  fake_add ("garbage", "this is not a mail message at all\n");
  fake_add ("after", after);
  g_autoptr (GError) error = NULL;
  g_assert_true (run_daemon (w, TRUE, &error));
  g_assert_cmpint (message (0)->place, ==, QUARANTINED);
  g_assert_true (message (0)->committed);
  g_assert_cmpint (message (1)->place, ==, DONE);
  g_assert_true (message (1)->committed);
}

/* With --once a failure is the answer: what committed before it has
 * been handed back, the rest waits. */
static void
test_once_fails (World *w, gconstpointer data)
{
  add_automatic (60);
  fake.fail_fetch_call = 2;
  g_autoptr (GError) error = NULL;
  g_assert_false (run_daemon (w, TRUE, &error));
  g_assert_error (error, GU_ERROR, GU_ERROR_TEMPFAIL);
  for (guint i = 0; i < 60; i++)
    g_assert_cmpint (message (i)->place, ==, i < 50 ? DONE : WAITING);
}

static void
test_backoff (World *w, gconstpointer data)
{
  add_automatic (3);
  fake.fail_fetch_call = 1;
  fake.stop_when_idle = TRUE;
  g_test_expect_message (NULL, G_LOG_LEVEL_WARNING, "fake: connection lost; retrying with backoff");
  gint64 start = g_get_monotonic_time ();
  g_autoptr (GError) error = NULL;
  g_assert_true (run_daemon (w, FALSE, &error));
  g_assert_no_error (error);
  g_test_assert_expected_messages ();
  gint64 took = g_get_monotonic_time () - start;
  g_assert_cmpint (took, >=, G_USEC_PER_SEC);
  g_assert_cmpint (took, <, 10 * G_USEC_PER_SEC);
  g_assert_cmpuint (fake.fetch_calls, >=, 3);
  for (guint i = 0; i < 3; i++)
    {
      g_assert_cmpint (message (i)->place, ==, DONE);
      g_assert_true (message (i)->committed);
    }
}

static void
test_signal_ends_wait (World *w, gconstpointer data)
{
  fake.kill_after_ms = 300;
  gint64 start = g_get_monotonic_time ();
  g_autoptr (GError) error = NULL;
  g_assert_true (run_daemon (w, FALSE, &error));
  g_assert_no_error (error);
  gint64 end = g_get_monotonic_time ();
  g_assert_true (fake.woken);
  g_assert_cmpuint (fake.waits, ==, 1);
  g_assert_cmpint (fake.killed_at, >, start);
  /* The wait allows a minute: only the signal can have ended it. */
  g_assert_cmpint (end - fake.killed_at, <, 2 * G_USEC_PER_SEC);
}

/* Mail that arrives while the configuration is read again. */
static gboolean
reload_same (gpointer data, GuDaemonWorld *world, GError **error)
{
  (*(guint *) data)++;
  g_autofree char *raw = automatic_message (99);
  fake_add ("during reload", raw);
  return TRUE;
}

static void
test_reload (World *w, gconstpointer data)
{
  fake.hup_first_wait = TRUE;
  fake.stop_when_idle = TRUE;
  guint reloads = 0;
  g_autoptr (GError) error = NULL;
  g_assert_true (run_daemon_with (w, FALSE, reload_same, &reloads, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (reloads, ==, 1);
  g_assert_cmpuint (fake.opens, ==, 2);
  g_assert_cmpuint (fake.waits, ==, 2);
  g_assert_cmpint (message (0)->place, ==, DONE);
  g_assert_true (message (0)->committed);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  gu_parse_init ();
  g_test_add ("/daemon/moved-after-commit", World, NULL, world_set_up, test_moved_after_commit, world_tear_down);
  g_test_add ("/daemon/quarantine", World, NULL, world_set_up, test_quarantine, world_tear_down);
  g_test_add ("/daemon/once-fails", World, NULL, world_set_up, test_once_fails, world_tear_down);
  g_test_add ("/daemon/backoff", World, NULL, world_set_up, test_backoff, world_tear_down);
  g_test_add ("/daemon/signal-ends-wait", World, NULL, world_set_up, test_signal_ends_wait, world_tear_down);
  g_test_add ("/daemon/reload", World, NULL, world_set_up, test_reload, world_tear_down);
  int status = g_test_run ();
  gu_parse_shutdown ();
  return status;
}
