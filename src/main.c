/* guichet: global options, the command table and dispatch; the commands
 * themselves are src/cli (doc/ARCHITECTURE.md, "CLI"). */
#include "config.h"

#include <locale.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>

#include "cli/cli.h"
#include "parse/parse.h"
#include "util/error.h"
#include "util/log.h"
#include "util/walls.h"

/* A command, what it needs loaded before it runs (the store and the
 * classifier, and with them the config and the call file), and its line
 * of --help. */
typedef struct {
  const char *name;
  const GuCommand *command;
  GuNeeds needs;
  const char *summary;
} Command;

static const Command commands[] = {
  { "run", &gu_cmd_run, GU_NEEDS_STORE | GU_NEEDS_CLASSIFIER,
    "the daemon: fetch, process, send (--once: one pass)" },
  { "ingest", &gu_cmd_ingest, GU_NEEDS_STORE | GU_NEEDS_CLASSIFIER,
    "process messages from files or stdin as if fetched" },
  { "list", &gu_cmd_list, GU_NEEDS_STORE, "list dossiers" },
  { "show", &gu_cmd_show, GU_NEEDS_STORE, "show one dossier" },
  { "export", &gu_cmd_export, GU_NEEDS_STORE, "all dossiers, one row each (CSV)" },
  { "outbox", &gu_cmd_outbox, GU_NEEDS_STORE, "replies: pending, sent, failed" },
  { "send", &gu_cmd_send, GU_NEEDS_STORE, "try the outbox once now" },
  { "digest", &gu_cmd_digest, GU_NEEDS_STORE, "build (and send) the daily digest" },
  { "classify", &gu_cmd_classify, GU_NEEDS_STORE, "override a document's piece classification" },
  { "file", &gu_cmd_file, GU_NEEDS_STORE, "file (or move) a message in a dossier" },
  { "remind", &gu_cmd_remind, GU_NEEDS_STORE, "queue the reminders due on a day before the deadline" },
  /* It reads the config its own way: unknown keys are errors there. */
  { "check-config", &gu_cmd_check_config, GU_NEEDS_NOTHING, "validate the config and the call file" },
  { "verify", &gu_cmd_verify, GU_NEEDS_STORE, "re-hash every stored blob against the database" },
  { "replay", &gu_cmd_replay, GU_NEEDS_STORE | GU_NEEDS_CLASSIFIER,
    "rebuild the database from the stored raw messages" },
  /* It loads what it needs itself: any failure there is its exit 2. */
  { "status", &gu_cmd_status, GU_NEEDS_NOTHING, "is all well? (for monitoring: exit 0, 1 or 2)" },
  { "purge", &gu_cmd_purge, GU_NEEDS_STORE, "delete a closed call's personal data (RGPD)" },
};

static char *
command_summary (void)
{
  GString *s = g_string_new ("Commands:\n");
  for (gsize i = 0; i < G_N_ELEMENTS (commands); i++)
    g_string_append_printf (s, "  %-14s %s\n", commands[i].name, commands[i].summary);
  g_string_append (s, "\n`guichet COMMAND --help` describes a command's options.");
  return g_string_free (s, FALSE);
}

static const Command *
find_command (const char *name)
{
  for (gsize i = 0; i < G_N_ELEMENTS (commands); i++)
    if (strcmp (commands[i].name, name) == 0)
      return &commands[i];
  return NULL;
}

typedef struct {
  char *config;
  gboolean version;
  gboolean verbose;
  gboolean use_syslog;
} GlobalOptions;

/* Parses options up to the command name (strict POSIX: the first
 * non-option ends them, so each command parses its own). */
static gboolean
parse_global (int *argc, char ***argv, GlobalOptions *opts)
{
  GOptionEntry entries[] = {
    { "config", 'c', 0, G_OPTION_ARG_FILENAME, &opts->config, "configuration file", "FILE" },
    { "verbose", 'v', 0, G_OPTION_ARG_NONE, &opts->verbose, "log debug messages", NULL },
    { "syslog", 0, 0, G_OPTION_ARG_NONE, &opts->use_syslog, "log to syslog instead of stderr", NULL },
    { "version", 0, 0, G_OPTION_ARG_NONE, &opts->version, "print the version and exit", NULL },
    { NULL },
  };
  g_autoptr (GOptionContext) ctx = g_option_context_new ("COMMAND [ARGS…]");
  g_option_context_set_summary (ctx, "Runs a call for projects by email.");
  g_autofree char *desc = command_summary ();
  g_option_context_set_description (ctx, desc);
  g_option_context_set_strict_posix (ctx, TRUE);
  g_option_context_add_main_entries (ctx, entries, NULL);
  return gu_cli_parse_options (ctx, argc, argv);
}

/* The command's options first, so that --help and a usage error need no
 * configuration; then what the table says it needs; then the command. */
static int
run_command (const Command *cmd, GuApp *app, int argc, char **argv)
{
  GuCliArgs args = { .argc = argc, .argv = argv };
  int status = cmd->command->parse (&args);
  if (status == GU_EXIT_OK)
    {
      GError *error = NULL;
      status = gu_app_load (app, cmd->needs, &error) ? cmd->command->run (app, &args) : gu_app_fail (error);
    }
  gu_cli_args_clear (&args);
  return status;
}

int
main (int argc, char **argv)
{
  /* libarchive returns NULL names for UTF-8 zips in the C locale, and
   * a write to a closed socket must be an error, not a death. */
  setlocale (LC_ALL, "");
  setlocale (LC_CTYPE, "C.UTF-8");
  signal (SIGPIPE, SIG_IGN);

  GlobalOptions opts = { 0 };
  if (!parse_global (&argc, &argv, &opts))
    return GU_EXIT_USAGE;
  if (opts.version)
    {
      printf ("guichet %s\n", PACKAGE_VERSION);
      g_free (opts.config);
      return GU_EXIT_OK;
    }
  if (argc < 2)
    {
      fprintf (stderr, "guichet: no command given (see guichet --help)\n");
      g_free (opts.config);
      return GU_EXIT_USAGE;
    }
  const Command *cmd = find_command (argv[1]);
  if (cmd == NULL)
    {
      fprintf (stderr, "guichet: unknown command \"%s\" (see guichet --help)\n", argv[1]);
      g_free (opts.config);
      return GU_EXIT_USAGE;
    }
  gu_log_init (opts.use_syslog, opts.verbose);
  /* Before any file is written or a secret read (doc/ARCHITECTURE.md,
   * "Walls"). */
  gu_walls_harden_process ();
  gu_parse_init ();
  GuApp app = { .config_path = gu_config_locate (opts.config) };
  g_free (opts.config);
  int status = run_command (cmd, &app, argc - 1, argv + 1);
  gu_app_clear (&app);
  gu_parse_shutdown ();
  return status;
}
