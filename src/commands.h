/* The CLI's commands (doc/ARCHITECTURE.md, "CLI": a contract). main.c parses the
 * global options and dispatches; each command parses its own. */
#ifndef GU_COMMANDS_H
#define GU_COMMANDS_H

#include <glib.h>

#include "classify/classify.h"
#include "core/call.h"
#include "core/conf.h"
#include "store/store.h"

typedef struct {
  char *config_path;  /* from -c, $GUICHET_CONFIG or the default */
  GuConfig *cfg;      /* loaded by gu_app_load */
  GuCall *call;
  GuStore *store;
  GuClassifier *classifier; /* made by gu_app_load along with the store */
} GuApp;

/* Loads the config and the call file, and opens the store when
 * want_store. Unknown keys are warned about (check-config makes them
 * errors). */
gboolean gu_app_load (GuApp *app, gboolean want_store, GError **error);

/* Frees what gu_app_load made (and config_path). */
void gu_app_clear (GuApp *app);

/* Prints error as the one clear line on stderr and returns its exit
 * status (doc/ARCHITECTURE.md: 1 handled error, 2 usage, 75 temporary failure). */
int gu_app_fail (GError *error);

/* Parses a command's own options; on failure prints the usage error and
 * returns FALSE (the command then exits 2). */
gboolean gu_app_parse_options (GOptionContext *ctx, int *argc, char ***argv);

int gu_cmd_list (GuApp *app, int argc, char **argv);
int gu_cmd_show (GuApp *app, int argc, char **argv);
int gu_cmd_export (GuApp *app, int argc, char **argv);
int gu_cmd_classify (GuApp *app, int argc, char **argv);
int gu_cmd_outbox (GuApp *app, int argc, char **argv);
int gu_cmd_send (GuApp *app, int argc, char **argv);
int gu_cmd_digest (GuApp *app, int argc, char **argv);
int gu_cmd_run (GuApp *app, int argc, char **argv);
int gu_cmd_ingest (GuApp *app, int argc, char **argv);
int gu_cmd_replay (GuApp *app, int argc, char **argv);
int gu_cmd_verify (GuApp *app, int argc, char **argv);
int gu_cmd_check_config (GuApp *app, int argc, char **argv);

#endif
