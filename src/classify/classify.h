/* src/classify: which pieces of the call each document satisfies, from
 * the call file's rules only, with the evidence a person can check. */
#ifndef GU_CLASSIFY_CLASSIFY_H
#define GU_CLASSIFY_CLASSIFY_H

#include <glib.h>

#include "core/call.h"
#include "core/conf.h"
#include "core/types.h"

typedef struct GuClassifier GuClassifier;

/* Returns a classifier for call using the [filters] settings of cfg (the
 * filter map is read from cfg->filters_dir/filters.map; a missing map
 * disables extraction with one warning). Both must outlive it. Free with
 * gu_classifier_free. */
GuClassifier *gu_classifier_new (const GuCall *call, const GuConfig *cfg);

/* With [filters] enabled, appends to problems (of char*) what keeps text
 * extraction from working as configured: no filters.map, a filter
 * missing, a program a filter needs not installed. A guichet that runs
 * anyway would tell applicants their pieces are missing. Appends nothing
 * when filters are disabled (the explicit way to run without them). */
void gu_classifier_check (const GuConfig *cfg, GPtrArray *problems);
void gu_classifier_free (GuClassifier *c);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (GuClassifier, gu_classifier_free)

/* Extracts the text of every readable document of msg (setting doc->text)
 * and fills doc->pieces. Archives, inline images and unreadable documents
 * get no pieces. A filter that fails costs only that document's text:
 * classification then falls back to the file name. A filter that says
 * the document is locked by a password (extract.h) flags it
 * GU_DOC_PROTECTED with GU_DOC_UNREADABLE. A PDF whose filter gives no
 * text (a scan) is read again by the filter named "ocr" of
 * cfg->filters_dir; that filter runs with the [ocr] limits (timeout,
 * memory, max_pages) wherever the map sends a document to it.
 *
 * The filters of one message share cfg->limits.message_filter_seconds of
 * wall time (0: no budget); each filter's timeout is cut to what is left.
 * Once it is spent, the remaining documents are classified by name only,
 * then flagged GU_DOC_UNREADABLE with reason "not read: time budget"
 * (their pieces by name kept), and one line naming them is appended to
 * msg->overruns. */
void gu_classify_message (GuClassifier *c, GuMessage *msg);
/* (Thread-safe: several messages may be classified at once, each on its
 * own thread, with one classifier.) */

/* The matching itself, on a name and a text already extracted: adds to
 * doc->pieces every piece whose patterns or phrases match. Exposed for
 * tests and for re-classification without re-extraction. */
void gu_classify_document (const GuCall *call, GuDocument *doc);

#endif
