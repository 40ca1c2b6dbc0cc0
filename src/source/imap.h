/* src/source/imap.c: the IMAP mailbox, through libetpan's mailimap API
 * (the only file that includes libetpan). One GuImap is one connection;
 * errors are GError in GU_ERROR: GU_ERROR_TEMPFAIL for anything that a
 * reconnection may cure (network, server down, timeout, a dropped
 * connection), GU_ERROR_CONFIG for what it will not (login refused, a
 * certificate that does not verify, a mailbox that does not exist). After
 * a TEMPFAIL the connection is unusable: close it and connect again. */
#ifndef GU_SOURCE_IMAP_H
#define GU_SOURCE_IMAP_H

#include <glib.h>

typedef struct {
  const char *url;             /* imaps://host[:port]/MAILBOX or imap://host[:port]/MAILBOX;
                                  a ";tls=none" or "?tls=none" suffix on imap:// allows plain
                                  text (only ever needed off loopback) */
  const char *user;
  const char *password;        /* NULL when oauth2_token is used */
  const char *oauth2_token;    /* XOAUTH2 access token, or NULL */
  gboolean tls_verify;         /* verify the server certificate and its name */
  const char *ca_file;         /* extra trust anchors (PEM), or NULL for the system store */
  int timeout_seconds;         /* every network operation; 0: 30 s */
} GuImapOptions;

typedef struct GuImap GuImap;

/* Connects (implicit TLS for imaps://; STARTTLS, required, for imap://
 * except on a loopback host or with ";tls=none", where the session stays
 * in plain text), verifies the server
 * certificate before sending any credential, logs in, asks CAPABILITY
 * again. Returns a new connection; close with gu_imap_close. */
GuImap *gu_imap_connect (const GuImapOptions *opts, GError **error);
void gu_imap_close (GuImap *imap);

/* The mailbox named in the URL (decoded, UTF-8), owned by imap. */
const char *gu_imap_mailbox (GuImap *imap);
gboolean gu_imap_has_idle (GuImap *imap);
gboolean gu_imap_has_move (GuImap *imap);

/* SELECTs mailbox (UTF-8; encoded to modified UTF-7 here) and reports its
 * UIDVALIDITY and UIDNEXT. */
gboolean gu_imap_select (GuImap *imap, const char *mailbox, guint32 *uidvalidity, guint32 *uidnext,
                         GError **error);

/* UIDs of the messages of the selected mailbox with UID >= from_uid
 * (strictly: libetpan's "n:*" answer that includes the highest UID below
 * n is filtered out), ascending. Returns a new GArray of guint32. */
GArray *gu_imap_search_from (GuImap *imap, guint32 from_uid, GError **error);

/* One fetched message. raw is NULL when the server returned no body
 * (Exchange does so for messages it is still writing): leave it. */
typedef struct {
  guint32 uid;
  GDateTime *internaldate;  /* the server's receipt time; NULL if it sent none */
  GBytes *raw;
  guint32 size;             /* RFC822.SIZE */
} GuImapMessage;

void gu_imap_message_free (GuImapMessage *m);

/* Fetches uids (BODY.PEEK[] INTERNALDATE RFC822.SIZE UID: never sets
 * \Seen) in ONE round trip per call, however many: the caller batches.
 * Returns a new array of GuImapMessage* in UID order. */
GPtrArray *gu_imap_fetch (GuImap *imap, const guint32 *uids, guint n, GError **error);

/* The same with UID and RFC822.SIZE only (raw and internaldate NULL):
 * what a batch bounded by bytes is cut by. */
GPtrArray *gu_imap_fetch_sizes (GuImap *imap, const guint32 *uids, guint n, GError **error);

/* Moves uids of the selected mailbox to folder: UID MOVE when the server
 * has MOVE, else UID COPY + \Deleted + UID EXPUNGE with UIDPLUS, else
 * COPY + \Deleted + EXPUNGE. */
gboolean gu_imap_move (GuImap *imap, const guint32 *uids, guint n, const char *folder, GError **error);

/* Creates folder (UTF-8) unless it exists. */
gboolean gu_imap_ensure_folder (GuImap *imap, const char *folder, GError **error);

/* IDLE on the selected mailbox until the server reports a change, a
 * timeout (seconds) passes, or *stop becomes TRUE (checked at least once
 * a second). Returns TRUE on a normal end (changed tells whether the
 * server said anything; a keepalive counts, so always search after). */
gboolean gu_imap_idle (GuImap *imap, int timeout_seconds, const volatile int *stop, gboolean *changed,
                       GError **error);
/* The same, ending early when wake_fd becomes readable (a signal's
 * self-pipe) instead of watching a flag: nothing polls in between. */
gboolean gu_imap_idle_fd (GuImap *imap, int timeout_seconds, int wake_fd, gboolean *changed, GError **error);

/* Parses an IMAP URL: host, port (993 for imaps, 143 for imap), TLS mode
 * and mailbox (default INBOX). For tests and check-config. */
typedef enum { GU_IMAP_TLS_IMPLICIT, GU_IMAP_TLS_STARTTLS, GU_IMAP_TLS_NONE } GuImapTls;
gboolean gu_imap_parse_url (const char *url, char **host, int *port, GuImapTls *tls, char **mailbox,
                            GError **error);

#endif
