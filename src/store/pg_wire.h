/* pg_wire.h - the libpq plumbing of the PostgreSQL backend (pg_wire.c)
 * that its operations (pg.c) use: the connection, statement parameters,
 * reading results, errors with the password masked, the pipelined
 * statements of an added run, and the schema.  Internal to src/store. */
#ifndef TACH_STORE_PG_WIRE_H
#define TACH_STORE_PG_WIRE_H

#include <libpq-fe.h>
#include <stdint.h>

#include "store/internal.h"
/* The prepared statements of adding a run (pg_wire.c holds their SQL). */
enum { ST_RUN, ST_LABEL, ST_ROWS, ST_SERIES, ST_POINTS, N_STMT };

/* The backend's connection, s->impl. */
typedef struct pg {
	PGconn *conn;
	char *password; /* masked in every message passed on; NULL: none given */
	unsigned prepared; /* bit i: statement i is prepared */
	int queued;        /* statements sent in the pipeline, answers unread */
	double wait;       /* seconds of silence from the server that end a wait */
	int dead;          /* the server stopped answering: the connection is given up */
} pg;

/* Seconds tach waits on a silent server unless TACH_PG_TIMEOUT says: the
 * 5-minute statement timeout tach sets, plus time for its error to come. */
#define PG_DEFAULT_WAIT 330.0
#define PG_WAIT_GRACE 30.0

#define MAX_ARGS 16
/* One statement's parameters: text (NULL: SQL NULL), integers as text,
 * doubles and blobs in binary. */
typedef struct args {
	int n;
	const char *val[MAX_ARGS];
	int len[MAX_ARGS], fmt[MAX_ARGS];
	char num[MAX_ARGS][24];
	unsigned char bin[MAX_ARGS][8];
} args;

TACH_HIDDEN void tach__pg_arg_text(args *a, const char *t);
TACH_HIDDEN void tach__pg_arg_int(args *a, int64_t v);
TACH_HIDDEN void tach__pg_arg_double(args *a, double d);
TACH_HIDDEN void tach__pg_arg_blob(args *a, const unsigned char *b, size_t len);
TACH_HIDDEN int64_t tach__pg_bin_int(const PGresult *r, int row, int col);
TACH_HIDDEN double tach__pg_bin_double(const PGresult *r, int row, int col);
TACH_HIDDEN int64_t tach__pg_text_int(const PGresult *r, int row, int col);
TACH_HIDDEN const char *tach__pg_field(const PGresult *r, int row, int col);
TACH_HIDDEN int tach__pg_fail(tach_store *s, const PGresult *r, const char *what, tach_error *err);
TACH_HIDDEN int tach__pg_no_run(tach_store *s, tach_error *err, int64_t id);
TACH_HIDDEN int tach__pg_run(tach_store *s, const char *sql, const args *a, int binary,
                             PGresult **res, const char *what, tach_error *err);
TACH_HIDDEN int tach__pg_script(tach_store *s, const char *sql, const char *what, tach_error *err);
TACH_HIDDEN int tach__pg_run_stmt(tach_store *s, int which, const args *a, PGresult **res,
                                  tach_error *err);
TACH_HIDDEN int tach__pg_flush(tach_store *s, tach_error *err);
TACH_HIDDEN int tach__pg_queue(tach_store *s, int which, const args *a, tach_error *err);
/* Queues the statements adding r's benchmarks and metrics to run
 * `run_id` (pg_rows.c). */
TACH_HIDDEN int tach__pg_queue_rows(tach_store *s, int64_t run_id, const tach_result *r,
                                    tach_error *err);
TACH_HIDDEN int tach__pg_prepare(tach_store *s, tach_error *err);
TACH_HIDDEN void tach__pg_rollback(tach_store *s);
TACH_HIDDEN void tach__pg_quiet_script(tach_store *s, const char *sql);
TACH_HIDDEN int tach__pg_session_limits(tach_store *s, tach_error *err);
TACH_HIDDEN int tach__pg_ensure_schema(tach_store *s, tach_error *err);
TACH_HIDDEN int tach__pg_reader_schema(tach_store *s, tach_error *err);
TACH_HIDDEN void tach__pg_close_pg(tach_store *s);
TACH_HIDDEN int tach__pg_find_password(tach_store *s, const char *conninfo, char **password,
                                       tach_error *err);

#endif
