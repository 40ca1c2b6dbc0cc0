/* guichet-parse: the parse worker (src/isolate/worker.c), started by
 * guichet with its socket on fd 3. Not meant to be run by hand. */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "isolate/isolate.h"

int
main (int argc, char **argv)
{
  guint memory_mb = 0;
  if (argc == 3 && strcmp (argv[1], "--memory-mb") == 0)
    memory_mb = (guint) strtoul (argv[2], NULL, 10);
  else if (argc != 1)
    {
      g_printerr ("usage: %s [--memory-mb N] (started by guichet, socket on fd 3)\n", argv[0]);
      return 2;
    }
  return gu_parse_worker_serve (3, memory_mb, NULL);
}
