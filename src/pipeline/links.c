/* Download links: found here rather than in the parse worker, from the
 * body text it sent back, so that the call's list needs no wire and the
 * worker no configuration; replay finds them again the same way. */
#include "config.h"

#include "dossier/links.h"
#include "pipeline/intake-private.h"
#include "pipeline/links.h"
#include "store/store.h"

gboolean
gu_links_record (GuIntake *intake, GuMessage *msg, gint64 row, GError **error)
{
  if (msg->role == GU_ROLE_AUTOMATIC || msg->parse_error != NULL)
    return TRUE;
  g_ptr_array_unref (msg->links);
  msg->links = gu_links_find (msg->body_text, &intake->call->links);
  return gu_store_insert_links (intake->store, row, msg->links, error);
}
