/* A parse worker taken over by its message, for tests/isolate/test-isolate.sh:
 * the real worker (walls, limits, protocol) with a hook that obeys an
 * "X-Test-Parser:" header of the raw message before parsing it:
 *   crash           dies of SIGSEGV
 *   spin            burns CPU for ever
 *   eat-memory      allocates until something stops it
 *   escape A B C…   tries, and reports on stderr, to read files A, B,
 *                   C…, to create a file in the folder of A, to connect
 *                   to TCP port (the last word) on 127.0.0.1, to run
 *                   /bin/true; then parses the message as usual
 * It never appears outside the tests. */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "isolate/isolate.h"

static void
report (const char *what, const char *path, int rc)
{
  g_printerr ("escape: %s %s: %s\n", what, path, rc < 0 ? g_strerror (errno) : "SUCCEEDED");
}

static void
try_connect (int port)
{
  int s = socket (AF_INET, SOCK_STREAM, 0);
  if (s < 0)
    {
      report ("socket", "AF_INET", -1);
      return;
    }
  struct sockaddr_in a = { .sin_family = AF_INET, .sin_port = htons (port),
                           .sin_addr.s_addr = htonl (INADDR_LOOPBACK) };
  report ("connect", "127.0.0.1", connect (s, (struct sockaddr *) &a, sizeof a));
  close (s);
}

static void
try_escape (char **words)
{
  guint n = g_strv_length (words);
  for (guint i = 0; i + 1 < n; i++)
    {
      int fd = open (words[i], O_RDONLY);
      report ("read", words[i], fd);
      if (fd >= 0)
        close (fd);
    }
  if (n >= 2)
    {
      g_autofree char *dir = g_path_get_dirname (words[0]);
      g_autofree char *planted = g_build_filename (dir, "planted-by-parser", NULL);
      int fd = open (planted, O_WRONLY | O_CREAT, 0600);
      report ("create", planted, fd);
      if (fd >= 0)
        close (fd);
    }
  if (n >= 1)
    try_connect (atoi (words[n - 1]));
  char *argv[] = { (char *) "/bin/true", NULL };
  report ("exec", "/bin/true", execv ("/bin/true", argv));
}

static void
obey (GBytes *raw)
{
  gsize len;
  const char *data = g_bytes_get_data (raw, &len);
  const char *at = g_strstr_len (data, (gssize) MIN (len, 65536), "X-Test-Parser: ");
  if (at == NULL)
    return;
  at += strlen ("X-Test-Parser: ");
  g_autofree char *line = g_strndup (at, strcspn (at, "\r\n"));
  g_auto (GStrv) words = g_strsplit (line, " ", -1);
  if (strcmp (words[0], "crash") == 0)
    raise (SIGSEGV);
  else if (strcmp (words[0], "spin") == 0)
    for (volatile guint64 i = 0;; i++)
      ;
  else if (strcmp (words[0], "eat-memory") == 0)
    for (;;)
      memset (malloc (16 << 20), 1, 16 << 20);
  else if (strcmp (words[0], "escape") == 0)
    try_escape (words + 1);
}

int
main (int argc, char **argv)
{
  guint memory_mb = argc == 3 ? (guint) strtoul (argv[2], NULL, 10) : 0;
  return gu_parse_worker_serve (3, memory_mb, obey);
}
