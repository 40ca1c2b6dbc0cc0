/* Download links instead of attachments: the links of a message's body
 * that lead to a file-transfer or cloud service named by the call's
 * [links]. Pure: text and rules in, links out; nothing is fetched. */
#ifndef GU_DOSSIER_LINKS_H
#define GU_DOSSIER_LINKS_H

#include <glib.h>

#include "core/call.h"
#include "core/types.h"

/* At most this many links are kept per message: a list, not a crawl. */
#define GU_LINKS_MAX 20

/* Returns the http(s) links in text (UTF-8, may be NULL) that rules name,
 * in the order written, each URL once, at most GU_LINKS_MAX: a new array
 * of GuLink* (free with g_ptr_array_unref). A URL ends at white space, a
 * quote or an angle bracket; trailing punctuation (".", ",", ")" …) is
 * the sentence's, not the URL's. */
GPtrArray *gu_links_find (const char *text, const GuLinkRules *rules);

#endif
