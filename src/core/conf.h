/* guichet.conf: the keys of doc/ARCHITECTURE.md ("Configuration", a contract), plus
 * a [limits] group of our own. Relative paths are resolved against the
 * config file's folder at load time, so every path here is absolute. */
#ifndef GU_CORE_CONF_H
#define GU_CORE_CONF_H

#include <glib.h>

/* Limits on what an applicant can make us read (issue 3's safe defaults). */
typedef struct {
  guint64 max_message_bytes;       /* raw message hard limit: 50 MiB */
  guint archive_max_entries;       /* 1000 */
  guint64 archive_max_total_bytes; /* 200 MiB uncompressed per archive tree */
  guint64 archive_max_entry_bytes; /* 50 MiB */
  guint archive_max_ratio;         /* 100 (uncompressed:compressed) */
  guint archive_max_depth;         /* 3 */
  guint archive_max_seconds;       /* 30: a solid 7z block decompresses even to skip */
  /* Per-message budgets (issue 11): what one message may cost in all,
   * whatever its archives and documents hold. */
  guint64 message_max_unpacked_bytes; /* 256 MiB of documents decoded and unpacked */
  guint message_max_documents;     /* 500 documents, archive entries included */
  guint message_filter_seconds;    /* 120 s of filter time; the rest is read by name only */
  guint parser_memory_mb;          /* 512: the parse worker's address space per message */
  guint parser_seconds;            /* 60: parse worker CPU (and 2x wall) per message */
} GuLimits;

/* Returns the defaults above. */
GuLimits gu_limits_default (void);

typedef struct {
  char *path;              /* the config file itself, absolute */
  char *database;
  char *blobs;
  int busy_timeout_seconds; /* wait for another writer this long, then TEMPFAIL */
  char *call_file;

  char *imap_url;
  char *imap_user;
  char *imap_password_file;
  char *imap_oauth2_token_command;
  char *imap_processed_folder;
  char *imap_quarantine_folder;
  char *imap_ca_file;
  gboolean imap_tls_verify;
  gboolean imap_idle;
  int imap_poll_seconds;

  char *smtp_url;
  char *smtp_user;
  char *smtp_password_file;
  char *smtp_from;
  char *smtp_ca_file;
  gboolean smtp_tls_verify;
  int smtp_max_replies_per_address_per_day;
  int smtp_max_replies_per_window;   /* short window: at most N ... */
  int smtp_reply_window_minutes;     /* ... in this many minutes */

  char **staff_addresses;
  char **staff_domains;
  char *staff_trusted_authserv_id;
  gboolean staff_require_authentication;
  gboolean staff_notify_applicant;   /* tell the applicant when a staff letter is filed in
                                      * their dossier (default true) */

  char **digest_recipients;
  char *digest_time;       /* "HH:MM" local time */

  char *reminders_days_before; /* [reminders] days_before: "7, 2" (see
                                * gu_config_reminder_days); NULL or "": off */
  char *reminders_time;        /* "HH:MM" local time the daemon queues them after */

  char *filters_dir;
  int filters_timeout_seconds;
  gboolean filters_enabled;
  int filters_memory_mb;
  int filters_cpu_seconds;
  int filters_max_output_kb;
  /* [ocr]: the filter named "ocr" (scans and photos) is slow: its own
   * limits, and the pages it reads at most. */
  int ocr_timeout_seconds;
  int ocr_max_pages;
  int ocr_memory_mb;

  GuLimits limits;

  char *daemon_user;       /* [daemon] user: the account root switches to; NULL: none */

  /* [status]: beyond these, `guichet status` says something needs
   * attention (exit 1). */
  int status_max_poll_age_minutes;    /* 15: the daemon lists its mailbox every minute */
  int status_max_backlog;             /* 200 messages waiting at the last poll */
  int status_max_pending_age_minutes; /* 60: the oldest reply not yet sent */
  int status_max_failed;              /* 0 replies given up on */
  int status_max_quarantined;         /* 10 messages quarantined since the last digest */
  int status_min_free_mb;             /* 1024 MiB free under the state folder */
} GuConfig;

/* Resolves which file to read: explicit (from -c), else $GUICHET_CONFIG,
 * else /etc/guichet/guichet.conf. Returns a newly allocated path. */
char *gu_config_locate (const char *explicit_path);

/* Loads path. Problems that do not stop loading (an unknown key, a bad
 * value replaced by its default) are appended to problems as newly
 * allocated strings when problems is non-NULL, one line each. Returns NULL
 * with error set when the file cannot be read or parsed at all.
 * Returns a new config: free with gu_config_free. */
GuConfig *gu_config_load (const char *path, GPtrArray *problems, GError **error);

/* Deeper checks for `check-config`: URLs, secret file modes, readable
 * folders, the call file. Appends one line per problem to problems. */
void gu_config_check (const GuConfig *cfg, GPtrArray *problems);

/* Reads a secret (password) file, checking it is not readable by group or
 * others. Trailing newline removed. Returns a newly allocated string. */
char *gu_config_read_secret (const char *path, GError **error);

/* [reminders] days_before as numbers: text ("7, 2"; ',', ';' or blanks
 * between whole numbers of days, 0 to 365) read into a new array of int,
 * largest first, each once; empty for NULL or "". NULL with error
 * (GU_ERROR_CONFIG) when text is not such a list. */
GArray *gu_config_reminder_days (const char *text, GError **error);

void gu_config_free (GuConfig *cfg);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (GuConfig, gu_config_free)

#endif
