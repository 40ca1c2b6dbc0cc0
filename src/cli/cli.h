/* src/cli: the commands of doc/ARCHITECTURE.md's "CLI" (a contract), one
 * file each, and what they share. main.c reads the global options and
 * runs a command in three steps: the command's parse step reads its own
 * options before anything is loaded (so that --help and a usage error
 * need no configuration), gu_app_load loads what main.c's command table
 * says the command needs, and the command's run step does the work. */
#ifndef GU_CLI_CLI_H
#define GU_CLI_CLI_H

#include <glib.h>

#include "classify/classify.h"
#include "core/call.h"
#include "core/conf.h"
#include "store/store.h"
#include "store/lock.h"

/* What a command works with, the column of main.c's command table. Any
 * flag implies the config and the call file. */
typedef enum {
  GU_NEEDS_NOTHING = 0,          /* check-config reads the config its own way */
  GU_NEEDS_CONFIG = 1 << 0,      /* the config and the call file */
  GU_NEEDS_STORE = 1 << 1,       /* and the store */
  GU_NEEDS_CLASSIFIER = 1 << 2,  /* and the classifier */
} GuNeeds;

typedef struct {
  char *config_path;        /* from -c, $GUICHET_CONFIG or the default */
  GuNeeds needs;            /* what gu_app_load loaded, and a reload loads again */
  GuConfig *cfg;
  GuCall *call;
  GuStore *store;
  GuClassifier *classifier;
  GuStateLock *lock;        /* the state folder's lock (store/lock.h) of a command that
                             * claimed one; kept across a reload */
} GuApp;

/* How the command about to run uses the state folder (store/lock.h).
 * Its parse step says so, before gu_app_load, so that the account switch
 * ([daemon] user) and the lock come before anything of the state is
 * opened; command ("run") names it in messages and in the lock file.
 * A command that claims nothing takes no lock. */
void gu_app_claim_state (GuStateUse use, const char *command);

/* Called by gu_app_load once the config is loaded, before the store
 * opens (src/cli/state.c): as root, becomes [daemon] user, or refuses
 * (`run`, GU_ERROR_ACCOUNT: exit 78) or warns (the other claimants)
 * when none is set; as another account than [daemon] user, refuses;
 * then takes the claimed lock into app->lock. */
gboolean gu_app_enter_state (GuApp *app, GError **error);

/* Loads what needs says into app (what it already holds is kept).
 * Unknown keys of the config are warned about (check-config makes them
 * errors). */
gboolean gu_app_load (GuApp *app, GuNeeds needs, GError **error);

/* Loads app's needs again into a new app and, only once all of it is
 * loaded, frees the old one in its place: a broken new config keeps the
 * old (FALSE with error, app untouched). */
gboolean gu_app_reload (GuApp *app, GError **error);

/* Frees what gu_app_load made, and config_path. */
void gu_app_clear (GuApp *app);

/* Prints error as the one clear line on stderr, frees it and returns its
 * exit status (doc/ARCHITECTURE.md: 1 handled error, 2 usage, 75
 * temporary failure). */
int gu_app_fail (GError *error);

/* What a command's parse step hands its run step. */
typedef struct {
  int argc;                     /* the operands; argv[0] is the command's name */
  char **argv;                  /* main's, reordered by the parse: borrowed */
  gpointer options;             /* the command's own options, or NULL */
  GDestroyNotify free_options;  /* frees options (NULL: nothing to free) */
} GuCliArgs;

/* Frees args->options and zeroes args. */
void gu_cli_args_clear (GuCliArgs *args);

/* Parses options with ctx; on failure prints the usage error and returns
 * FALSE (the caller then exits 2). */
gboolean gu_cli_parse_options (GOptionContext *ctx, int *argc, char ***argv);

/* Parses a command's options: entries (NULL: none) under parameter, the
 * text --help shows after the command's name. Returns FALSE after a
 * usage error (exit 2). */
gboolean gu_cli_parse (GuCliArgs *args, const char *parameter, const GOptionEntry *entries);

typedef struct {
  /* Reads the options and operands of the command into args. Returns
   * GU_EXIT_OK, or the status to exit with having said why. */
  int (*parse) (GuCliArgs *args);
  /* Does the command's work with what main.c loaded for it. Returns the
   * exit status. */
  int (*run) (GuApp *app, const GuCliArgs *args);
} GuCommand;

extern const GuCommand gu_cmd_run;
extern const GuCommand gu_cmd_ingest;
extern const GuCommand gu_cmd_list;
extern const GuCommand gu_cmd_show;
extern const GuCommand gu_cmd_export;
extern const GuCommand gu_cmd_outbox;
extern const GuCommand gu_cmd_send;
extern const GuCommand gu_cmd_digest;
extern const GuCommand gu_cmd_classify;
extern const GuCommand gu_cmd_file;
extern const GuCommand gu_cmd_remind;
extern const GuCommand gu_cmd_check_config;
extern const GuCommand gu_cmd_verify;
extern const GuCommand gu_cmd_replay;
extern const GuCommand gu_cmd_status;
extern const GuCommand gu_cmd_purge;

#endif
