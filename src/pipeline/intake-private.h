/* The intake context, shared by the files of src/pipeline that work
 * inside intake's transaction (intake.c, filing.c, answer.c). */
#ifndef GU_PIPELINE_INTAKE_PRIVATE_H
#define GU_PIPELINE_INTAKE_PRIVATE_H

#include "isolate/isolate.h"
#include "parse/parse.h"
#include "pipeline/intake.h"
#include "util/workqueue.h"

struct GuIntake {
  GuStore *store;
  const GuConfig *cfg;
  const GuCall *call;
  GuClassifier *classifier;     /* NULL: documents are not classified */
  char *own_address;            /* [smtp] from, bare; NULL when unset */
  GuParseOptions parse_options; /* borrows own_address and cfg's lists */
  GuParserPool *parsers;        /* the walled parse workers, started as needed */
  GHashTable *prefetched;       /* raw GBytes (by address) -> Prefetched: gu_intake_prefetch */
  GuWorkQueue *hashers;         /* hashes and content keys of prefetched messages, off this thread */
  GuWorkQueue *classifiers;     /* gu_classify_message of prepared messages, one per core */
};

#endif
