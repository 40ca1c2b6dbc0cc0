/* Outlook's TNEF stream (winmail.dat, application/ms-tnef): the files it
 * carries. Shared inside src/unpack only; unpack.c makes them documents
 * under the same limits as an archive's entries. */
#ifndef GU_UNPACK_TNEF_PRIVATE_H
#define GU_UNPACK_TNEF_PRIVATE_H

#include <glib.h>

/* One attached file. data points into the stream given to gu_tnef_read
 * (borrowed: valid while it is). */
typedef struct {
  char *name;          /* UTF-8: the long file name, else the short title; NULL when none */
  const guint8 *data;
  gsize len;
} GuTnefFile;

/* TRUE when data starts with TNEF's signature. */
gboolean gu_tnef_has_signature (const guint8 *data, gsize len);

/* Reads the TNEF stream data (len bytes) from memory, trusting no length
 * in it. Returns the files read, in order (of GuTnefFile*, owned by the
 * caller, freed with the array), at most max_files + 1 so that the caller
 * sees the limit passed. *corrupt is set (newly allocated, "corrupt: …")
 * when the stream is not TNEF or breaks off; the files complete before
 * the break are still returned, the one being read is dropped. */
GPtrArray *gu_tnef_read (const guint8 *data, gsize len, guint max_files, char **corrupt);

#endif
