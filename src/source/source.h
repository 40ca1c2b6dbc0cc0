/* src/source: where raw messages come from. A source yields the raw bytes
 * exactly as received plus the receipt time; nothing is parsed here.
 *
 * The daemon reads a mailbox through a GuSourceDriver, a small table of
 * functions in the style of mbsync's driver_t, so that its loop does not
 * know whether it talks to an IMAP server (source/imap-driver.c) or a
 * Maildir (source/maildir.c), and can be tested against a fake. A pass
 * is: list_new, then fetch_batch until it returns an empty array, each
 * batch's messages processed and then handed back to mark_done or
 * mark_quarantined. Only the caller knows when a message is safe (its
 * transaction committed), so a source never moves anything on its own:
 * a crash before mark_done leaves the message where it was, to be seen
 * again (doc/ARCHITECTURE.md, "Storage and crash safety"). */
#ifndef GU_SOURCE_SOURCE_H
#define GU_SOURCE_SOURCE_H

/* A fetch batch's bytes, past its first message (see fetch_batch). */
#define GU_SOURCE_BATCH_BYTES (12u * 1024 * 1024)

#include <glib.h>

#include "core/conf.h"

/* Reads a whole message from path, or from standard input when path is
 * "-". Returns a new GBytes, or NULL with error set (GU_ERROR_NOT_FOUND
 * for a missing or unreadable file). */
GBytes *gu_source_read_file (const char *path, GError **error);

/* One message as a source hands it over. */
typedef struct {
  GBytes *raw;            /* exactly as received; NULL when the server gave no body
                             (Exchange does so for a message it is still writing):
                             leave it for the next pass */
  GDateTime *received_at; /* the receipt time (IMAP INTERNALDATE, a Maildir file's
                             mtime); NULL if the source had none */
  const char *mailbox;    /* the IMAP mailbox, owned by the source; NULL for a Maildir */
  guint32 uidvalidity;    /* 0 where the source has no UIDs */
  guint32 uid;
  char *label;            /* how the log names it: "UID 12", a Maildir file name */
  gpointer key;           /* the source's own handle on it, owned by the source and
                             valid until its next list_new */
} GuSourceMessage;

/* Frees m (raw, received_at, label; not key). NULL is allowed. */
void gu_source_message_free (GuSourceMessage *m);

/* Every source starts with this; a driver's own state follows it. */
typedef struct GuSource GuSource;

/* Every function that can fail returns FALSE (or NULL) with error set in
 * GU_ERROR, GU_ERROR_TEMPFAIL for what retrying may cure. After a failure
 * the source drops whatever connection it held and makes a new one on the
 * next list_new: the caller only backs off and tries again. */
typedef struct {
  const char *name; /* "imap", "maildir": for the log */
  /* Reads what the source needs from cfg (copied: cfg may go on reload).
   * Connects lazily: a server that is down is an error of list_new, not
   * of open. Returns a new source; free with close. */
  GuSource *(*open) (const GuConfig *cfg, GError **error);
  /* Looks at what waits in the mailbox now, oldest first, and starts
   * fetch_batch over it. *count is how many wait. */
  gboolean (*list_new) (GuSource *src, guint *count, GError **error);
  /* The next messages of the listing, at most max and, past the first,
   * at most GU_SOURCE_BATCH_BYTES in all where the source knows sizes
   * beforehand (memory grows with the largest message, not with the
   * batch), in one round trip where the protocol allows. Returns a new
   * array of GuSourceMessage* (its free function set); empty when the
   * listing is exhausted. */
  GPtrArray *(*fetch_batch) (GuSource *src, guint max, GError **error);
  /* Moves messages (GuSourceMessage* of this source's last listing,
   * borrowed) out of the inbox: to the processed folder, or to the
   * quarantine folder. Called only after their transactions committed. */
  gboolean (*mark_done) (GuSource *src, GPtrArray *messages, GError **error);
  gboolean (*mark_quarantined) (GuSource *src, GPtrArray *messages, GError **error);
  /* Waits for new mail (IMAP IDLE, or the configured poll interval),
   * returning early when wake_fd becomes readable (a signal arrived) and
   * at the latest after max_seconds. Returning is no promise of new mail:
   * the caller lists again. FALSE with error when the wait broke the
   * connection. */
  gboolean (*wait) (GuSource *src, int wake_fd, int max_seconds, GError **error);
  /* Logs out if connected and frees src. NULL is allowed. */
  void (*close) (GuSource *src);
} GuSourceDriver;

struct GuSource {
  const GuSourceDriver *driver;
};

extern const GuSourceDriver gu_source_imap_driver;
extern const GuSourceDriver gu_source_maildir_driver;

/* The driver for an [imap] url: "maildir:/path" is a Maildir, anything
 * else IMAP (whose open then judges the URL). */
const GuSourceDriver *gu_source_driver_for_url (const char *url);

/* The calls through a driver, so that callers need not spell it. */
GuSource *gu_source_open (const GuSourceDriver *driver, const GuConfig *cfg, GError **error);
gboolean gu_source_list_new (GuSource *src, guint *count, GError **error);
GPtrArray *gu_source_fetch_batch (GuSource *src, guint max, GError **error);
gboolean gu_source_mark_done (GuSource *src, GPtrArray *messages, GError **error);
gboolean gu_source_mark_quarantined (GuSource *src, GPtrArray *messages, GError **error);
gboolean gu_source_wait (GuSource *src, int wake_fd, int max_seconds, GError **error);
void gu_source_close (GuSource *src);

/* Waits up to seconds for wake_fd (-1: none) to become readable: a
 * driver's poll, the daemon's backoff. Returns TRUE when it did. */
gboolean gu_source_sleep (int wake_fd, int seconds);

#endif
