/* sqlite_schema.c - opening a SQLite store: the connection's settings
 * and SQL functions, the schema (version 1 and the upgrades since, each
 * in the one transaction that creates or upgrades it), WAL, and the
 * read-only connection of the read commands, which creates nothing.
 */
#include <ctype.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "tach/result.h"
#include "tach/store.h"
#include "store/sqlite_impl.h"

/* Schema version 1, kept to document the upgrade path (and to let the
 * tests make a version-1 file): runs, benchmarks, metrics. */
static const char schema_v1[] =
	"CREATE TABLE tach_meta(key TEXT PRIMARY KEY, value TEXT NOT NULL);"
	"CREATE TABLE runs(id INTEGER PRIMARY KEY, added TEXT NOT NULL, timestamp TEXT,"
	" git_commit TEXT, git_branch TEXT, git_dirty INTEGER, host TEXT, tool_version TEXT,"
	" n_benchmarks INTEGER NOT NULL, meta TEXT NOT NULL);"
	"CREATE TABLE benchmarks(id INTEGER PRIMARY KEY,"
	" run_id INTEGER NOT NULL REFERENCES runs(id) ON DELETE CASCADE, ord INTEGER NOT NULL,"
	" name TEXT NOT NULL, params_key TEXT NOT NULL, params TEXT NOT NULL, extra TEXT);"
	"CREATE TABLE metrics(id INTEGER PRIMARY KEY,"
	" benchmark_id INTEGER NOT NULL REFERENCES benchmarks(id) ON DELETE CASCADE,"
	" name TEXT NOT NULL, unit TEXT NOT NULL, direction INTEGER NOT NULL,"
	" flags INTEGER NOT NULL, n INTEGER NOT NULL, median REAL, samples BLOB,"
	" iterations BLOB, series BLOB);"
	"CREATE INDEX benchmarks_series ON benchmarks(name, params_key, run_id);"
	"CREATE INDEX metrics_benchmark ON metrics(benchmark_id, name);"
	"CREATE INDEX runs_branch ON runs(git_branch, id);"
	"INSERT INTO tach_meta VALUES('schema', '1');";

/* From version 1 to 2: labels queryable per run, named baselines, runs
 * found by commit. */
static const char migrate_v2[] =
	"CREATE TABLE run_labels(run_id INTEGER NOT NULL REFERENCES runs(id) ON DELETE CASCADE,"
	" key TEXT NOT NULL, value TEXT NOT NULL, PRIMARY KEY(run_id, key));"
	"CREATE TABLE baselines(name TEXT PRIMARY KEY,"
	" run_id INTEGER NOT NULL REFERENCES runs(id) ON DELETE CASCADE);"
	"CREATE INDEX runs_commit ON runs(git_commit);"
	"UPDATE tach_meta SET value = '2' WHERE key = 'schema';";

/* From version 2 to 3: series keys that no two parameter sets share
 * (encode.c), rewritten from each benchmark's stored parameters by the
 * function tach_params_key. */
static const char migrate_v3[] =
	"UPDATE benchmarks SET params_key = tach_params_key(params);"
	"UPDATE tach_meta SET value = '3' WHERE key = 'schema';";

/* From version 3 to 4: the testbed of every run (tach_meta_testbed),
 * for series per machine; a run stored before says it only through its
 * metadata, read by the function tach_testbed ("unknown" when it says
 * nothing of its machine). */
static const char migrate_v4_column[] =
	"ALTER TABLE runs ADD COLUMN testbed TEXT NOT NULL DEFAULT 'unknown';";
/* (a store whose version was set back by hand may have the column) */
static const char migrate_v4[] =
	"UPDATE runs SET testbed = tach_testbed(meta);"
	"CREATE INDEX IF NOT EXISTS runs_testbed ON runs(testbed, id);"
	"UPDATE tach_meta SET value = '4' WHERE key = 'schema';";

/* From version 4 to 5: each run's complexity fits (tach_fit), as a
 * results-format document holding only them (encode.c), NULL for a run
 * without; runs stored before had theirs dropped and keep NULL. */
static const char migrate_v5_column[] = "ALTER TABLE runs ADD COLUMN complexity TEXT;";
static const char migrate_v5[] = "UPDATE tach_meta SET value = '5' WHERE key = 'schema';";

/* An upgrade that adds a column to runs: `add` (ALTER TABLE) unless runs
 * has the column already (a store whose version was set back by hand),
 * then `rest`.  0, or the error naming the upgrade (`what`).  The query
 * for the column can fail for memory, which may also have rolled the
 * transaction back: an answer of "no" then would send the upgrade on
 * without the tables it just made, so its error is the upgrade's. */
static int add_column(tach_store *s, const char *column, const char *add, const char *rest,
                      const char *what, tach_error *err)
{
	db *d = s->impl;
	sqlite3_stmt *q;
	if (sqlite3_prepare_v2(d->h, "SELECT 1 FROM pragma_table_info('runs') WHERE name = ?", -1,
	                       &q, NULL) != SQLITE_OK)
		return tach__sq_fail(s, err, what);
	sqlite3_bind_text(q, 1, column, -1, SQLITE_STATIC);
	int step = sqlite3_step(q), found = step == SQLITE_ROW;
	int rc = found ? 0 : tach__sq_rows_end(s, step, 0, what, err);
	sqlite3_finalize(q);
	if (!rc && ((!found && sqlite3_exec(d->h, add, NULL, NULL, NULL) != SQLITE_OK) ||
	            sqlite3_exec(d->h, rest, NULL, NULL, NULL) != SQLITE_OK))
		rc = tach__sq_fail(s, err, what);
	return rc;
}

const char *tach__sqlite_schema_v1(void);
const char *tach__sqlite_schema_v1(void)
{
	return schema_v1;
}

/* tach_glob(pattern, text): the same glob as PostgreSQL's backend and
 * the gate config (fnmatch), where SQL's GLOB differs on [!...] and
 * escapes. */
static void sql_glob(sqlite3_context *ctx, int argc, sqlite3_value **v)
{
	(void)argc;
	const char *g = (const char *)sqlite3_value_text(v[0]);
	const char *t = (const char *)sqlite3_value_text(v[1]);
	sqlite3_result_int(ctx, g && t && tach__glob(g, t));
}

/* tach_params_key(params): the series key of schema 3 of a benchmark's
 * stored parameters (a JSON object), for the upgrade from version 2.
 * Parameters that do not parse are an error: the upgrade then changes
 * nothing rather than keying a series wrongly. */
static void sql_params_key(sqlite3_context *ctx, int argc, sqlite3_value **v)
{
	(void)argc;
	const char *json = (const char *)sqlite3_value_text(v[0]);
	tach_kvlist params = {0};
	int rc = json ? tach__params_from_json(&params, json) : TACH_EFORMAT;
	char *key = rc ? NULL : tach__params_key(&params);
	tach_kvlist_release(&params);
	if (key)
		sqlite3_result_text(ctx, key, -1, free);
	else if (rc == TACH_EFORMAT)
		sqlite3_result_error(ctx, "a benchmark's stored parameters do not parse (a damaged store)",
		                     -1);
	else
		sqlite3_result_error_nomem(ctx);
}

/* tach_testbed(meta): the testbed of a run's stored metadata, for the
 * upgrade to version 4. */
static void sql_testbed(sqlite3_context *ctx, int argc, sqlite3_value **v)
{
	(void)argc;
	char buf[TACH_TESTBED_MAX + 1];
	const char *t = tach__testbed_of_meta((const char *)sqlite3_value_text(v[0]), buf, sizeof buf);
	sqlite3_result_text(ctx, t, -1, SQLITE_TRANSIENT);
}

/* Labels were queryable only from version 2 on: fill run_labels of the
 * runs a version-1 store holds from their stored metadata. */
static int labels_from_meta(tach_store *s, tach_error *err)
{
	db *d = s->impl;
	sqlite3_stmt *q;
	if (sqlite3_prepare_v2(d->h, "SELECT id, meta FROM runs", -1, &q, NULL) != SQLITE_OK)
		return tach__sq_fail(s, err, "upgrading labels");
	int rc = 0, step = SQLITE_DONE;
	while (!rc && (step = sqlite3_step(q)) == SQLITE_ROW) {
		tach_result *r = tach_result_new();
		const char *meta = (const char *)sqlite3_column_text(q, 1);
		tach_error e;
		if (!r)
			rc = TACH_ENOMEM;
		else if (meta && tach__meta_from_json(r, meta, &e) == 0 &&
		         tach__sq_add_labels(s, sqlite3_column_int64(q, 0), &r->meta.labels))
			rc = tach__sq_fail(s, err, "upgrading labels");
		tach_result_free(r);
	}
	rc = tach__sq_rows_end(s, step, rc, "upgrading labels", err);
	sqlite3_finalize(q);
	return rc;
}

/* The schema version in *v: 0 for a file without tach's tables.  A
 * schema that cannot be read (a damaged file) is an error, not a new
 * store to create tables in. */
static int schema_version(tach_store *s, int *v, tach_error *err)
{
	db *d = s->impl;
	sqlite3_stmt *q;
	*v = 0;
	if (sqlite3_prepare_v2(d->h,
	                       "SELECT 1 FROM sqlite_schema WHERE type = 'table' AND name = 'tach_meta'",
	                       -1, &q, NULL) != SQLITE_OK)
		return tach__sq_fail(s, err, "reading the schema");
	int step = sqlite3_step(q);
	int rc = step == SQLITE_ROW ? 0 : tach__sq_rows_end(s, step, 0, "reading the schema", err);
	sqlite3_finalize(q);
	if (step != SQLITE_ROW)
		return rc; /* no tach_meta: a new store, or an error */
	if (sqlite3_prepare_v2(d->h, "SELECT value FROM tach_meta WHERE key = 'schema'", -1, &q,
	                       NULL) != SQLITE_OK)
		return tach__sq_fail(s, err, "reading the schema");
	if ((step = sqlite3_step(q)) == SQLITE_DONE) {
		rc = tach__sq_damaged(s, err, 0);
	} else if (step == SQLITE_ROW) {
		const char *t = (const char *)sqlite3_column_text(q, 0);
		char *end = NULL;
		long version = t ? strtol(t, &end, 10) : 0;
		if (!t || end == t || *end || version < 1 || version > 1000000)
			rc = tach__sq_damaged(s, err, 0);
		*v = (int)version;
	} else {
		rc = tach__sq_rows_end(s, step, 0, "reading the schema", err);
	}
	sqlite3_finalize(q);
	return rc;
}

/* Creates or upgrades the schema inside one IMMEDIATE transaction, so
 * that of several processes doing it at once one does the work and the
 * others, queued by the busy timeout, find it done. */
static int ensure_schema(tach_store *s, tach_error *err)
{
	db *d = s->impl;
	int rc = tach__sq_exec(s, "BEGIN IMMEDIATE", err);
	if (rc)
		return rc;
	int v;
	if ((rc = schema_version(s, &v, err))) {
		tach__sq_exec(s, "ROLLBACK", NULL);
		return rc;
	}
	if (v > TACH_STORE_SCHEMA) {
		tach__sq_exec(s, "ROLLBACK", NULL);
		return tach__schema_newer(s, v, TACH_STORE_SCHEMA, err);
	}
	if (v < 1)
		rc = tach__sq_exec(s, schema_v1, err);
	if (!rc && v < 2)
		rc = tach__sq_exec(s, migrate_v2, err);
	if (!rc && v == 1)
		rc = labels_from_meta(s, err);
	if (!rc && v < 3 && sqlite3_exec(d->h, migrate_v3, NULL, NULL, NULL) != SQLITE_OK)
		rc = tach__sq_fail(s, err, "upgrading to schema 3");
	if (!rc && v < 4)
		rc = add_column(s, "testbed", migrate_v4_column, migrate_v4, "upgrading to schema 4",
		                err);
	if (!rc && v < 5)
		rc = add_column(s, "complexity", migrate_v5_column, migrate_v5,
		                "upgrading to schema 5", err);
	if (!rc)
		rc = tach__sq_exec(s, "COMMIT", err);
	if (rc)
		sqlite3_exec(d->h, "ROLLBACK", NULL, NULL, NULL);
	return rc;
}

/* journal_mode=WAL needs a moment with no other connection writing; a
 * busy answer is retried until the timeout. */
static int set_wal(tach_store *s, tach_error *err)
{
	db *d = s->impl;
	struct timespec pause = {0, 5000000};
	for (int tries = 0; tries < BUSY_MS / 5; tries++) {
		int rc = sqlite3_exec(d->h, "PRAGMA journal_mode=WAL", NULL, NULL, NULL);
		if (rc == SQLITE_OK)
			return 0;
		if ((rc & 0xff) != SQLITE_BUSY && (rc & 0xff) != SQLITE_LOCKED)
			return tach__sq_fail(s, err, "switching to WAL");
		nanosleep(&pause, NULL);
	}
	return tach__sq_fail(s, err, "switching to WAL");
}

/* Opens the connection (flags of sqlite3_open_v2) with tach's settings
 * of every connection: the busy timeout, the SQL functions, extended
 * result codes. */
static int connect_db(tach_store *s, const char *path, int flags, tach_error *err)
{
	db *d = s->impl;
	if (sqlite3_open_v2(path, &d->h, flags, NULL) != SQLITE_OK)
		return tach__sq_fail(s, err, "opening");
	sqlite3_busy_timeout(d->h, BUSY_MS);
	sqlite3_extended_result_codes(d->h, 1);
	/* a function that could not be made (out of memory) would surface
	 * later as "no such function" */
	if (sqlite3_create_function(d->h, "tach_glob", 2, SQLITE_UTF8 | SQLITE_DETERMINISTIC, NULL,
	                            sql_glob, NULL, NULL) != SQLITE_OK ||
	    sqlite3_create_function(d->h, "tach_params_key", 1, SQLITE_UTF8 | SQLITE_DETERMINISTIC,
	                            NULL, sql_params_key, NULL, NULL) != SQLITE_OK ||
	    sqlite3_create_function(d->h, "tach_testbed", 1, SQLITE_UTF8 | SQLITE_DETERMINISTIC,
	                            NULL, sql_testbed, NULL, NULL) != SQLITE_OK)
		return tach__sq_fail(s, err, "opening");
	/* a 32 MiB page cache keeps the indexes of a large history in memory
	 * while a run is added or a series read (the default 2 MiB rereads
	 * them) */
	return tach__sq_exec(s, "PRAGMA cache_size=-32768", err);
}

/* The writer's connection: WAL, foreign keys, the schema created or
 * upgraded.  create: the file may be made. */
int tach__sq_open_writer(tach_store *s, const char *path, int create, tach_error *err)
{
	int rc = connect_db(s, path, SQLITE_OPEN_READWRITE | (create ? SQLITE_OPEN_CREATE : 0), err);
	if (!rc && !(rc = tach__sq_exec(s, "PRAGMA foreign_keys=ON", err)) && !(rc = set_wal(s, err)) &&
	    !(rc = tach__sq_exec(s, "PRAGMA synchronous=NORMAL", err)))
		rc = ensure_schema(s, err);
	return rc;
}

/* A reader of a WAL file needs its -shm file, which it cannot make in a
 * directory it may not write.  When there is no -wal file either, every
 * committed run is in the main file and nobody can write the store there
 * (a writer cannot make its -wal or journal), so the file is opened as
 * immutable: read without the shared memory or locks.  Else the path as
 * it is, into buf. */
static const char *reader_path(const char *path, char *buf, size_t size, int *uri)
{
	char dir[4096], wal[4096 + 8];
	snprintf(dir, sizeof dir, "%s", path);
	char *slash = strrchr(dir, '/');
	if (slash)
		slash == dir ? (void)(dir[1] = 0) : (void)(*slash = 0);
	else
		snprintf(dir, sizeof dir, ".");
	snprintf(wal, sizeof wal, "%s-wal", path);
	*uri = 0;
	if (access(dir, W_OK) == 0 || access(wal, F_OK) == 0 || strlen(path) * 3 + 32 > size)
		return path;
	/* a URI: every byte but the unreserved ones and '/' percent-encoded */
	char *p = buf + sprintf(buf, "file:");
	for (const unsigned char *c = (const unsigned char *)path; *c; c++)
		p += isalnum(*c) || strchr("/-._~", *c) ? sprintf(p, "%c", *c) : sprintf(p, "%%%02X", *c);
	sprintf(p, "?immutable=1");
	*uri = 1;
	return buf;
}

/* The reader's connection: read-only, nothing created.  An older schema
 * is upgraded first through a writer's connection of its own (the keys of
 * its series would be wrong to read as they are). */
int tach__sq_open_reader(tach_store *s, const char *path, tach_error *err)
{
	db *d = s->impl;
	char buf[4096 * 3 + 32];
	int uri, v = 0;
	const char *name = reader_path(path, buf, sizeof buf, &uri);
	int rc = connect_db(s, name, SQLITE_OPEN_READONLY | (uri ? SQLITE_OPEN_URI : 0), err);
	if (!rc)
		rc = schema_version(s, &v, err);
	if (!rc && v == 0)
		return tach__no_history(s, err);
	if (!rc && v > TACH_STORE_SCHEMA)
		return tach__schema_newer(s, v, TACH_STORE_SCHEMA, err);
	if (rc || v == TACH_STORE_SCHEMA)
		return rc;
	sqlite3_close_v2(d->h);
	d->h = NULL;
	if ((rc = tach__sq_open_writer(s, path, 0, err))) {
		char why[sizeof err->message];
		tach_error_format(err, why, sizeof why);
		int n = snprintf(err->message, sizeof err->message,
		                 "%s: schema %d must be upgraded to %d before it is read, and that "
		                 "failed: %s",
		                 s->location, v, TACH_STORE_SCHEMA, why);
		if (n >= (int)sizeof err->message)
			memcpy(err->message + sizeof err->message - 4, "...", 4);
		return rc;
	}
	for (int i = 0; i < N_STMT; i++) {
		sqlite3_finalize(d->st[i]);
		d->st[i] = NULL;
	}
	sqlite3_close_v2(d->h);
	d->h = NULL;
	return connect_db(s, name, SQLITE_OPEN_READONLY | (uri ? SQLITE_OPEN_URI : 0), err);
}
