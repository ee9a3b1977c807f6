#ifndef BO_IO_ATOMIC_FILE_H
#define BO_IO_ATOMIC_FILE_H

/* A whole file written so that readers only ever see the old file or the
 * complete new one: the text is gathered in memory, then written to PATH.tmp
 * in the same folder with write(), synced, and only then renamed over PATH. A full disk, an I/O error or a
 * crash part-way therefore never leaves a truncated model.txt or report; the
 * previous version, if any, stays in place.
 *
 *     bo_atomic_file af;
 *     FILE *f = bo_atomic_file_open(&af, path, err, errlen);
 *     if (!f) return BO_EIO;
 *     fprintf(f, ...);
 *     return bo_atomic_file_commit(&af, err, errlen);
 */

#include <stddef.h>
#include <stdio.h>

#include "gp/bo_status.h"

typedef struct bo_atomic_file {
    FILE *f;
    char *path;
    char *text;  /* the stream's buffer (open_memstream) */
    size_t size;
} bo_atomic_file;

/* Returns a stream (owned by af) that gathers the file's text in memory;
 * nothing is on disk before the commit. NULL with a message in err when out
 * of memory; af then holds nothing to release. */
FILE *bo_atomic_file_open(bo_atomic_file *af, const char *path, char *err, size_t errlen);

/* Writes the gathered text to PATH.tmp, syncs it, renames it to PATH and
 * syncs the folder. On any failure (cannot create, a short write such as
 * ENOSPC, a failed sync or rename) the temporary file is removed, PATH is
 * left as it was, and err names the file and the system's reason: BO_EIO
 * (BO_ENOMEM when the text did not fit in memory). Always releases af. */
bo_status bo_atomic_file_commit(bo_atomic_file *af, char *err, size_t errlen);

/* Gives up: the gathered text is dropped, nothing written. */
void bo_atomic_file_abandon(bo_atomic_file *af);

#endif
