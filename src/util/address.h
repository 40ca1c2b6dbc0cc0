/* Mail identifiers read one way by every stage: addresses (a sender's, a
 * staff member's, our own From) and Message-IDs. */
#ifndef GU_UTIL_ADDRESS_H
#define GU_UTIL_ADDRESS_H

#include <glib.h>

/* Returns addr_spec ("local@domain", as a parsed header gives it) trimmed,
 * with its domain lower-cased (a local part may be case-sensitive), as
 * valid UTF-8; NULL when it is not local@domain (no '@', or nothing
 * before or after the last one). Newly allocated. */
char *gu_address_normalize (const char *addr_spec);

/* Returns the address of a mailbox as a configuration writes it ("Name
 * <local@domain>", or a bare address): what its last <…> holds, else the
 * whole text, normalised by gu_address_normalize; NULL when there is no
 * address (mailbox NULL included). Newly allocated. */
char *gu_address_of_mailbox (const char *mailbox);

/* TRUE for a Message-ID (without <>) fit to store and to repeat in our
 * headers: printable ASCII without spaces or angle brackets, with an
 * '@', at most 998 characters (RFC 5322's line limit). Mail carries
 * garbage here, and a header must never receive a CR or LF from it. */
gboolean gu_message_id_is_usable (const char *id);

#endif
