/* sqlite_impl.h - what the SQLite backend's two files share: the
 * connection (s->impl), its errors, and the helpers the schema upgrades
 * use.  sqlite.c holds the operations on runs, sqlite_schema.c opening,
 * creating and upgrading.  Internal to src/store. */
#ifndef TACH_STORE_SQLITE_IMPL_H
#define TACH_STORE_SQLITE_IMPL_H

#include <sqlite3.h>
#include <stdint.h>

#include "store/internal.h"

/* The busy timeout: how long a writer queues behind another. */
#define BUSY_MS 60000

enum { ST_RUN, ST_LABEL, ST_BENCH, ST_METRIC, N_STMT };

typedef struct db {
	sqlite3 *h;
	sqlite3_stmt *st[N_STMT];
} db;

/* "LOCATION: WHAT: why" from the connection's last error: TACH_ENOMEM,
 * -ENOSPC for a full disk, else TACH_EIO (err may be NULL). */
TACH_HIDDEN int tach__sq_fail(tach_store *s, tach_error *err, const char *what);
/* Runs constant SQL; its error as tach__sq_fail's. */
TACH_HIDDEN int tach__sq_exec(tach_store *s, const char *sql, tach_error *err);
/* The end of a loop over a statement's rows: a step that is neither a
 * row nor done is an error; rc, the loop's own error, wins. */
TACH_HIDDEN int tach__sq_rows_end(tach_store *s, int step, int rc, const char *what,
                                  tach_error *err);
/* Run `run` (0: the store) does not hold together: TACH_EFORMAT. */
TACH_HIDDEN int tach__sq_damaged(tach_store *s, tach_error *err, int64_t run);
TACH_HIDDEN int tach__sq_add_labels(tach_store *s, int64_t run, const tach_kvlist *l);
TACH_HIDDEN void tach__sq_close(tach_store *s);
/* sqlite_schema.c: the writer's connection (create: the file may be
 * made) with the schema created or upgraded, and the reader's. */
TACH_HIDDEN int tach__sq_open_writer(tach_store *s, const char *path, int create,
                                     tach_error *err);
TACH_HIDDEN int tach__sq_open_reader(tach_store *s, const char *path, tach_error *err);

#endif
