/* src/parse: raw bytes -> GuMessage. The only place that uses GMime for
 * reading mail. */
#ifndef GU_PARSE_PARSE_H
#define GU_PARSE_PARSE_H

#include <glib.h>

#include "core/types.h"

typedef struct {
  const char *own_address;  /* our From address: X-Loop naming it, or mail from it, is automatic */
} GuParseOptions;

/* Initialises GMime; call once per process before gu_parse_message. */
void gu_parse_init (void);
void gu_parse_shutdown (void);

/* Parses one raw message. Never returns NULL: raw_sha256, raw_size and
 * message_id are always set (message_id derived from the raw SHA-256 when
 * absent or unusable). When GMime cannot make sense of the input,
 * parse_error is set and the message holds what could be read.
 * Attachments and document-like inline parts become documents with their
 * declared type; nothing is sniffed or unpacked here.
 * Returns a new message: free with gu_message_free. */
GuMessage *gu_parse_message (GBytes *raw, const GuParseOptions *opts);

#endif
