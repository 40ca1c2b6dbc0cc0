/* src/parse: raw bytes -> GuMessage. The only place that uses GMime for
 * reading mail. */
#ifndef GU_PARSE_PARSE_H
#define GU_PARSE_PARSE_H

#include <glib.h>

#include "core/types.h"

/* Borrowed by gu_parse_message for the duration of the call. A zeroed
 * struct is the safe default: nobody is staff, and once staff are named
 * they still need a passing Authentication-Results from the trusted
 * server (the config's require_authentication = true). */
typedef struct {
  const char *own_address;  /* our From address, bare or "Name <addr>": X-Loop naming it,
                             * or mail from it, is automatic */
  const char *const *staff_addresses; /* NULL-terminated, or NULL: compared case-insensitively */
  const char *const *staff_domains;   /* NULL-terminated, or NULL: the From domain exactly
                                       * (a subdomain is another domain) */
  const char *trusted_authserv_id;    /* authserv-id of our own server's Authentication-Results */
  gboolean staff_unauthenticated;     /* TRUE (require_authentication = false): the
                                       * address alone makes staff */
} GuParseOptions;

/* Initialises GMime; call once per process before gu_parse_message. */
void gu_parse_init (void);
void gu_parse_shutdown (void);

/* Parses one raw message. Never returns NULL: raw_sha256, raw_size and
 * message_id are always set (message_id derived from the raw SHA-256 when
 * absent or unusable: gu_message_id_is_usable). When GMime cannot make
 * sense of the input, parse_error is set and the message holds what could
 * be read. Attachments and document-like inline parts become documents
 * with their declared type; nothing is sniffed or unpacked here.
 * Returns a new message: free with gu_message_free. */
GuMessage *gu_parse_message (GBytes *raw, const GuParseOptions *opts);

/* The same for a caller that has already hashed raw (intake hashes it
 * once, to look for a duplicate before anything else): raw_sha256 is its
 * lower-case hex SHA-256, trusted as given. NULL: the caller hashes it
 * elsewhere (the daemon, while a worker parses); it is computed here
 * only if the message needs it (a repair, a derived Message-ID), and
 * raw_sha256 of the result is NULL otherwise. */
GuMessage *gu_parse_message_hashed (GBytes *raw, const char *raw_sha256, const GuParseOptions *opts);

/* Authentication-Results (RFC 8601), read tolerantly: comments, quoted
 * strings, folding, a version after the authserv-id, properties without
 * a ptype (Microsoft's "action=none"), junk skipped up to the next ';'. */
typedef struct {
  char *method;           /* lower case, version dropped: "dkim", "dmarc", "spf" */
  char *result;           /* lower case: "pass", "fail", … */
  GPtrArray *properties;  /* of char*, pairs: lower-case name ("header.d",
                           * "reason"), then its value as written, unquoted */
} GuAuthResult;

typedef struct {
  char *authserv_id;      /* as written, unquoted; NULL when the header has
                           * none (Microsoft 365 writes none) */
  GPtrArray *results;     /* of GuAuthResult*, in header order */
} GuAuthResults;

/* Parses one header value (unfolded or not). Never returns NULL.
 * Returns new results: free with gu_auth_results_free. */
GuAuthResults *gu_auth_results_parse (const char *value);
void gu_auth_results_free (GuAuthResults *ar);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (GuAuthResults, gu_auth_results_free)

/* Returns the value of the first property called name (lower case) of r,
 * or NULL. Borrowed from r. */
const char *gu_auth_result_property (const GuAuthResult *r, const char *name);

/* TRUE when ar reports, for domain (lower case), dkim=pass with header.d
 * equal to it (header.i's domain when there is no header.d), or
 * dmarc=pass with header.from equal to it. Domains compare exactly,
 * case-insensitively: a signature of a parent domain does not count. */
gboolean gu_auth_results_vouch_for (const GuAuthResults *ar, const char *domain);

#endif
