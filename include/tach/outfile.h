/* outfile.h - writing an output file so that a failure loses nothing.
 *
 * Every file tach writes (results, exports, reports, history exports, a
 * benchmark program's --out) goes to a temporary file in the target's
 * directory, is flushed and fsynced, and only then renamed over the
 * target.  A full disk, a file-size limit or a kill half-way leaves the
 * old file as it was; a symbolic link at the target is replaced itself,
 * never followed to the file it names.
 */
#ifndef TACH_OUTFILE_H
#define TACH_OUTFILE_H

#include <stdio.h>

#include "tach/error.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef struct tach_outfile tach_outfile;

/* Starts writing `path`: "-" is standard output (written in place, never
 * closed); an existing target that is not a regular file or a symbolic
 * link (a terminal, /dev/null, a pipe) is written in place too, since it
 * cannot be replaced; anything else gets a temporary file
 * ".NAME.tach-XXXXXX" beside it, with the mode of the file it replaces
 * (else 0666 less the umask).  On success *out is the caller's, to end with
 * tach_outfile_commit or tach_outfile_abort.  0, TACH_ENOMEM or -errno
 * (-EACCES: the directory is not writable; -EISDIR: path is a directory). */
TACH_API int tach_outfile_open(const char *path, tach_outfile **out);

/* The stream to write to; borrowed until commit or abort. */
TACH_API FILE *tach_outfile_stream(tach_outfile *o);

/* Finishes the file: flushes it, checks that every write succeeded,
 * fsyncs it, renames it over the target and fsyncs the directory.  On any
 * failure the temporary file is removed and the target left as it was.
 * Frees o in every case.  0, or -errno of the first failure (-ENOSPC,
 * -EFBIG "file too large", -EIO ...). */
TACH_API int tach_outfile_commit(tach_outfile *o);

/* As tach_outfile_commit without either fsync: the file is complete and
 * renamed over the target (a reader sees the old file or the new one,
 * never part of one), but until the caller syncs the file system
 * (syncfs(2)) a crash of the machine may lose it.  For writing many files
 * and then syncing once: tach_publish writes 500 pages with one flush
 * rather than a thousand.  Frees o; 0 or -errno as tach_outfile_commit. */
TACH_API int tach_outfile_commit_nosync(tach_outfile *o);

/* Gives up: closes and removes the temporary file, leaves the target as it
 * was, frees o.  NULL is a no-op. */
TACH_API void tach_outfile_abort(tach_outfile *o);

#ifdef __cplusplus
}
#endif
#endif
