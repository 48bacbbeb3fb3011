/* pg_wire.c - the libpq plumbing of the PostgreSQL backend: statement
 * parameters (text, binary doubles and blobs), results, errors with the
 * password masked, prepared and pipelined statements, the schema created
 * or upgraded under an advisory lock, and the connection's password and
 * notices.  The operations on runs are in pg.c.
 *
 * The connection is non-blocking and every answer is waited for here,
 * with poll() and a limit: a server that stops answering mid-statement
 * (a hung host, a dropped network) ends in an error naming it rather than
 * a wait without end.  The server's own statement_timeout ends a slow
 * statement first; the limit only catches a server that can no longer
 * say so.
 */
#include <errno.h>
#include <libpq-fe.h>
#include <math.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "tach/store.h"
#include "tach/units.h"
#include "store/internal.h"
#include "store/pg_wire.h"
#include "util/util.h"

/* The advisory lock held while the schema is created or migrated: "tachstor". */
#define SCHEMA_LOCK "8386658464838006642"

/* Schema version 1 (the tables of sqlite_schema.c's version 1), the base the
 * upgrades start from.  A new database gets it and every upgrade in the
 * same transaction, so it never exists on its own. */
static const char schema_v1[] =
	"CREATE TABLE tach_meta(key TEXT PRIMARY KEY, value TEXT NOT NULL);"
	"CREATE TABLE runs(id BIGSERIAL PRIMARY KEY, added TEXT NOT NULL, timestamp TEXT,"
	" git_commit TEXT, git_branch TEXT, git_dirty INTEGER, host TEXT, tool_version TEXT,"
	" n_benchmarks INTEGER NOT NULL, meta TEXT NOT NULL);"
	"CREATE TABLE benchmarks(id BIGSERIAL PRIMARY KEY,"
	" run_id BIGINT NOT NULL REFERENCES runs(id) ON DELETE CASCADE, ord INTEGER NOT NULL,"
	" name TEXT NOT NULL, params_key TEXT NOT NULL, params TEXT NOT NULL, extra TEXT);"
	"CREATE TABLE metrics(id BIGSERIAL PRIMARY KEY,"
	" benchmark_id BIGINT NOT NULL REFERENCES benchmarks(id) ON DELETE CASCADE,"
	" name TEXT NOT NULL, unit TEXT NOT NULL, direction INTEGER NOT NULL,"
	" flags INTEGER NOT NULL, n INTEGER NOT NULL, median DOUBLE PRECISION, samples BYTEA,"
	" iterations BYTEA, series BYTEA);"
	"CREATE INDEX benchmarks_series ON benchmarks(name, params_key, run_id);"
	"CREATE INDEX metrics_benchmark ON metrics(benchmark_id, name);"
	"CREATE INDEX runs_branch ON runs(git_branch, id);";

/* From version 1 to 2: labels queryable per run (filled from the stored
 * metadata of existing runs), named baselines, runs found by commit. */
static const char migrate_v2[] =
	"CREATE TABLE run_labels(run_id BIGINT NOT NULL REFERENCES runs(id) ON DELETE CASCADE,"
	" key TEXT NOT NULL, value TEXT NOT NULL, PRIMARY KEY(run_id, key));"
	"CREATE TABLE baselines(name TEXT PRIMARY KEY,"
	" run_id BIGINT NOT NULL REFERENCES runs(id) ON DELETE CASCADE);"
	"CREATE INDEX runs_commit ON runs(git_commit);"
	"INSERT INTO run_labels(run_id, key, value) SELECT r.id, e.key, e.value"
	" FROM (SELECT id, meta::json -> 'meta' -> 'labels' AS l FROM runs) r"
	" CROSS JOIN LATERAL json_each_text(CASE WHEN json_typeof(r.l) = 'object' THEN r.l END) e"
	" ON CONFLICT DO NOTHING;";

/* From version 2 to 3: series keys that no two parameter sets share, as
 * tach__params_key (encode.c) makes them: a netstring of each name and
 * then its value, in the byte order of the names (COLLATE "C" compares
 * bytes, as strcmp does), from each benchmark's stored parameters. */
static const char migrate_v3[] =
	"UPDATE benchmarks b SET params_key = COALESCE((SELECT string_agg("
	"octet_length(e.key) || ':' || e.key || ',' || octet_length(e.value) || ':' || e.value"
	" || ',', '' ORDER BY e.key COLLATE \"C\") FROM json_each_text(b.params::json) e), '');";

/* From version 3 to 4: the testbed of every run, for series per machine;
 * the runs stored before get theirs from their metadata in
 * testbeds_from_meta ("unknown" until then, and when it says nothing of
 * the machine). */
static const char migrate_v4[] =
	"ALTER TABLE runs ADD COLUMN IF NOT EXISTS testbed TEXT NOT NULL DEFAULT 'unknown';"
	"CREATE INDEX IF NOT EXISTS runs_testbed ON runs(testbed, id);";

/* From version 4 to 5 (PostgreSQL only): every series once, and its
 * points.  `trend` and `publish` asked for a series by joining every
 * stored benchmark of that name to its metrics (tens of ms for 1,600
 * runs, and a plan that went wrong whenever the statistics lagged behind
 * a burst of writers), and for the catalog by sorting all of them; a
 * series is now one index range over its points.  A series row is made
 * by the first run that has it and kept (its points go with their runs;
 * the catalog lists a series only while it has points); its params, unit
 * and direction are those first stored, and (first_run, first_ord,
 * first_pos) orders the catalog as first stored.  A point's (ord, pos)
 * orders a run's points as its benchmarks and metrics.  No foreign keys:
 * series are never deleted, removing a run deletes its points in the
 * same statement, and a check per point would cost every writer.  The
 * series index holds the key alone (one that carried the point's columns
 * too, for reads from the index alone, cost writers more than it saved
 * readers, measured by bench/bench_pg_team); the run index is a BRIN
 * one, since points arrive in about the order of their runs and it is
 * only read when a run is removed.  The index of
 * benchmarks by name goes: series were its only reader, and each run
 * paid for it.  Rebuilt from
 * scratch, so that an upgrade that runs again (a test's tables set back
 * to an older version) ends with the same rows. */
static const char migrate_v5[] =
	"CREATE TABLE IF NOT EXISTS series(id BIGSERIAL PRIMARY KEY, name TEXT NOT NULL,"
	" params_key TEXT NOT NULL, metric TEXT NOT NULL, params TEXT NOT NULL,"
	" unit TEXT NOT NULL, direction INTEGER NOT NULL, first_run BIGINT NOT NULL,"
	" first_ord INTEGER NOT NULL, first_pos BIGINT NOT NULL,"
	" UNIQUE(name, params_key, metric));"
	"CREATE TABLE IF NOT EXISTS points(series_id BIGINT NOT NULL, run_id BIGINT NOT NULL,"
	" ord INTEGER NOT NULL, pos BIGINT NOT NULL, median DOUBLE PRECISION, n INTEGER NOT NULL);"
	"TRUNCATE points, series;"
	"INSERT INTO series(name, params_key, metric, params, unit, direction, first_run,"
	" first_ord, first_pos)"
	" SELECT DISTINCT ON (b.name, b.params_key, m.name) b.name, b.params_key, m.name,"
	" b.params, m.unit, m.direction, b.run_id, b.ord, m.id FROM benchmarks b JOIN metrics m"
	" ON m.benchmark_id = b.id ORDER BY b.name, b.params_key, m.name, b.run_id, b.ord, m.id;"
	"INSERT INTO points(series_id, run_id, ord, pos, median, n)"
	" SELECT s.id, b.run_id, b.ord, m.id, m.median, m.n FROM benchmarks b"
	" JOIN metrics m ON m.benchmark_id = b.id JOIN series s"
	" ON s.name = b.name AND s.params_key = b.params_key AND s.metric = m.name;"
	"CREATE INDEX IF NOT EXISTS points_series ON points(series_id);"
	"CREATE INDEX IF NOT EXISTS points_run ON points USING brin(run_id);"
	"DROP INDEX IF EXISTS benchmarks_series;"
	"ANALYZE series; ANALYZE points;";

/* From version 5 to 6: each run's complexity fits (tach_fit), as a
 * results-format document holding only them (encode.c), NULL for a run
 * without; runs stored before had theirs dropped and keep NULL. */
static const char migrate_v6[] = "ALTER TABLE runs ADD COLUMN IF NOT EXISTS complexity TEXT;";

/* Not a schema version of its own: an index that every version can have,
 * created by the first writer that finds it missing (in the schema's
 * transaction, under its lock).  A run's benchmarks found by run id:
 * reading a run back (compare, show, export) and the cascade of removing
 * one otherwise read the whole table, which with a team's history and
 * writers at work took seconds (bench/bench_pg_team).  SQLite stores
 * stay as they are: one writer, and a scan of a local file. */
static const char index_run[] = "CREATE INDEX benchmarks_run ON benchmarks(run_id, ord)";

/* The statements of adding a run, prepared once per connection.  All but
 * the first are pipelined (sent without waiting for answers).  ST_ROWS
 * adds a chunk of a run's benchmarks and all their metrics (pg_rows.c
 * sends the columns as arrays): the benchmarks in the order given, each
 * metric joined to its benchmark by its position in the run, and
 * inserted in the order given so that a benchmark's metrics keep their
 * order in their ids. */
static const char *const stmt_name[N_STMT] = {"tach_run", "tach_label", "tach_rows",
                                              "tach_series", "tach_points"};
static const char *const stmt_sql[N_STMT] = {
	"INSERT INTO runs(added, timestamp, git_commit, git_branch, git_dirty, host,"
	" tool_version, n_benchmarks, meta, testbed, complexity)"
	" VALUES($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11) RETURNING id",
	"INSERT INTO run_labels(run_id, key, value) VALUES($1, $2, $3)"
	" ON CONFLICT(run_id, key) DO UPDATE SET value = EXCLUDED.value",
	"WITH b AS (INSERT INTO benchmarks(run_id, ord, name, params_key, params, extra)"
	" SELECT $1, u.ord, u.name, u.params_key, u.params, u.extra"
	" FROM unnest($2::int4[], $3::text[], $4::text[], $5::text[], $6::text[])"
	" WITH ORDINALITY AS u(ord, name, params_key, params, extra, i)"
	" ORDER BY u.i RETURNING id, ord)"
	" INSERT INTO metrics(benchmark_id, name, unit, direction, flags, n, median, samples,"
	" iterations, series)"
	" SELECT b.id, m.name, m.unit, m.direction, m.flags, m.n, m.median, m.samples,"
	" m.iterations, m.series"
	" FROM unnest($7::int4[], $8::text[], $9::text[], $10::int4[], $11::int4[], $12::int4[],"
	" $13::float8[], $14::bytea[], $15::bytea[], $16::bytea[])"
	" WITH ORDINALITY AS m(ord, name, unit, direction, flags, n, median, samples,"
	" iterations, series, i)"
	" JOIN b ON b.ord = m.ord ORDER BY m.i",
	/* ST_SERIES, after each chunk's rows, from its metrics' columns
	 * ($2..$8, each metric with its benchmark's name, key and params:
	 * pg_rows.c): the series it is the first to have.  One array per
	 * column and no join between arrays, so that the plan kept for the
	 * prepared statement, made without knowing the arrays' sizes, stays
	 * an index probe per metric (a join of two arrays took 170 ms a chunk
	 * where it had taken 8).  Inserted in one order that every writer
	 * shares (the bytes of the key), so that two writers each making
	 * series the other also makes wait on each other in turn, never in a
	 * circle (a deadlock); a series another writer made first is left to
	 * it. */
	"INSERT INTO series(name, params_key, metric, params, unit, direction, first_run,"
	" first_ord, first_pos)"
	" SELECT u.name, u.key, u.metric, u.params, u.unit, u.direction, $1::bigint, u.ord, u.i"
	" FROM unnest($2::int4[], $3::text[], $4::text[], $5::text[], $6::text[], $7::text[],"
	" $8::int4[]) WITH ORDINALITY AS u(ord, name, key, params, metric, unit, direction, i)"
	" WHERE NOT EXISTS (SELECT 1 FROM series s WHERE s.name = u.name"
	" AND s.params_key = u.key AND s.metric = u.metric)"
	" ORDER BY u.name COLLATE \"C\", u.key COLLATE \"C\", u.metric COLLATE \"C\", u.ord, u.i"
	" ON CONFLICT DO NOTHING",
	/* ST_POINTS: the chunk's point in each of its series ($2..$7), a
	 * statement of its own so that it sees the series ST_SERIES or
	 * another writer just made */
	"INSERT INTO points(series_id, run_id, ord, pos, median, n)"
	" SELECT s.id, $1::bigint, u.ord, u.i, u.median, u.n"
	" FROM unnest($2::int4[], $3::text[], $4::text[], $5::text[], $6::int4[], $7::float8[])"
	" WITH ORDINALITY AS u(ord, name, key, metric, n, median, i)"
	" JOIN series s ON s.name = u.name AND s.params_key = u.key AND s.metric = u.metric",
};


/* ---- parameters ---- */



void tach__pg_arg_text(args *a, const char *t)
{
	a->val[a->n] = t;
	a->len[a->n] = 0;
	a->fmt[a->n] = 0;
	a->n++;
}

void tach__pg_arg_int(args *a, int64_t v)
{
	snprintf(a->num[a->n], sizeof a->num[a->n], "%lld", (long long)v);
	tach__pg_arg_text(a, a->num[a->n]);
}

/* float8 in binary is the IEEE bits, big-endian. */
void tach__pg_arg_double(args *a, double d)
{
	uint64_t u;
	memcpy(&u, &d, sizeof u);
	for (int i = 0; i < 8; i++)
		a->bin[a->n][i] = (unsigned char)(u >> (56 - 8 * i));
	a->val[a->n] = (const char *)a->bin[a->n];
	a->len[a->n] = 8;
	a->fmt[a->n] = 1;
	a->n++;
}

void tach__pg_arg_blob(args *a, const unsigned char *b, size_t len)
{
	a->val[a->n] = (const char *)b;
	a->len[a->n] = (int)len;
	a->fmt[a->n] = 1;
	a->n++;
}

/* ---- results ---- */

/* An integer column of a binary result (int2, int4 or int8, big-endian). */
int64_t tach__pg_bin_int(const PGresult *r, int row, int col)
{
	const unsigned char *p = (const unsigned char *)PQgetvalue(r, row, col);
	int len = PQgetlength(r, row, col);
	uint64_t v = len > 0 && (p[0] & 0x80) ? ~UINT64_C(0) : 0;
	for (int i = 0; i < len && i < 8; i++)
		v = v << 8 | p[i];
	return (int64_t)v;
}

double tach__pg_bin_double(const PGresult *r, int row, int col)
{
	const unsigned char *p = (const unsigned char *)PQgetvalue(r, row, col);
	uint64_t u = 0;
	for (int i = 0; i < 8 && i < PQgetlength(r, row, col); i++)
		u = u << 8 | p[i];
	double d;
	memcpy(&d, &u, sizeof d);
	return d;
}

int64_t tach__pg_text_int(const PGresult *r, int row, int col)
{
	return strtoll(PQgetvalue(r, row, col), NULL, 10);
}

/* A text column (in either format libpq ends values with a NUL byte), or
 * NULL for SQL NULL.  Borrowed from r. */
const char *tach__pg_field(const PGresult *r, int row, int col)
{
	return PQgetisnull(r, row, col) ? NULL : PQgetvalue(r, row, col);
}

/* ---- errors ---- */

/* Copies a libpq message into out on one line, with the password, should
 * it appear, replaced by "***". */
static void tidy(const char *msg, const char *password, char *out, size_t size)
{
	size_t o = 0, plen = password ? strlen(password) : 0;
	int space = 0;
	for (const char *p = msg; *p && o + 4 < size;) {
		if (plen && !strncmp(p, password, plen)) {
			memcpy(out + o, "***", 3);
			o += 3;
			p += plen;
			space = 0;
		} else if (*p == '\n' || *p == '\t' || *p == '\r' || *p == ' ') {
			space = o > 0;
			p++;
		} else {
			if (space)
				out[o++] = ' ';
			space = 0;
			out[o++] = *p++;
		}
	}
	out[o] = 0;
}

/* Fills err with "LOCATION: WHAT: why" from r (or the connection when r
 * holds no message).  -ENOSPC for a full disk, else TACH_EIO. */
int tach__pg_fail(tach_store *s, const PGresult *r, const char *what, tach_error *err)
{
	pg *p = s->impl;
	const char *why = r ? PQresultErrorField(r, PG_DIAG_MESSAGE_PRIMARY) : NULL;
	if (!why || !*why)
		why = r ? PQresultErrorMessage(r) : "";
	if (!*why)
		why = PQerrorMessage(p->conn);
	if (!*why)
		why = "out of memory";
	char clean[200];
	tidy(why, p->password, clean, sizeof clean);
	err->line = err->column = 0;
	snprintf(err->message, sizeof err->message, "%s: %s: %s", s->location, what, clean);
	const char *state = r ? PQresultErrorField(r, PG_DIAG_SQLSTATE) : NULL;
	return state && !strcmp(state, "53100") ? -ENOSPC : TACH_EIO;
}

int tach__pg_no_run(tach_store *s, tach_error *err, int64_t id)
{
	snprintf(err->message, sizeof err->message, "%s: no run #%lld", s->location, (long long)id);
	return TACH_EINVAL;
}

/* ---- statements ---- */

static int gone(tach_store *s, const char *what, tach_error *err)
{
	pg *p = s->impl;
	err->line = err->column = 0;
	snprintf(err->message, sizeof err->message,
	         "%s: %s: the server sent nothing for %g s and was given up on"
	         " (TACH_PG_TIMEOUT sets the wait)",
	         s->location, what, p->wait);
	return TACH_EIO;
}

/* Sends what libpq holds and reads what the server sends until a result
 * can be had without blocking.  The wait ends after p->wait seconds in
 * which nothing moved either way; the connection is then given up. */
static int pump(tach_store *s, const char *what, tach_error *err)
{
	pg *p = s->impl;
	if (p->dead)
		return gone(s, what, err);
	double quiet_since = tach__now();
	for (;;) {
		int unsent = PQflush(p->conn);
		if (unsent < 0)
			return tach__pg_fail(s, NULL, what, err);
		if (!unsent && !PQisBusy(p->conn))
			return 0;
		double left = p->wait - (tach__now() - quiet_since);
		if (left <= 0) {
			p->dead = 1;
			return gone(s, what, err);
		}
		struct pollfd fd = {.fd = PQsocket(p->conn), .events = POLLIN};
		if (unsent)
			fd.events |= POLLOUT;
		if (fd.fd < 0)
			return tach__pg_fail(s, NULL, what, err);
		double ms = ceil(left * 1000);
		int n = poll(&fd, 1, ms > 60000 ? 60000 : (int)ms);
		if (n < 0 && errno != EINTR) {
			snprintf(err->message, sizeof err->message, "%s: %s: waiting for the server: %s",
			         s->location, what, strerror(errno));
			return TACH_EIO;
		}
		if (n <= 0)
			continue;
		quiet_since = tach__now();
		if ((fd.revents & (POLLIN | POLLERR | POLLHUP)) && !PQconsumeInput(p->conn))
			return tach__pg_fail(s, NULL, what, err);
	}
}

/* The answer to the one command sent: 0 with *res (NULL: dropped), or the
 * first error among its results.  Reads every result, so the connection
 * is ready for the next command either way. */
static int finish(tach_store *s, PGresult **res, const char *what, tach_error *err)
{
	pg *p = s->impl;
	PGresult *keep = NULL;
	for (;;) {
		int rc = pump(s, what, err);
		if (rc) {
			PQclear(keep);
			return rc;
		}
		PGresult *r = PQgetResult(p->conn);
		if (!r)
			break;
		ExecStatusType st = PQresultStatus(keep);
		if (keep && st != PGRES_COMMAND_OK && st != PGRES_TUPLES_OK) {
			PQclear(r); /* the first error stands */
		} else {
			PQclear(keep);
			keep = r;
		}
	}
	ExecStatusType st = PQresultStatus(keep);
	if (keep && (st == PGRES_COMMAND_OK || st == PGRES_TUPLES_OK)) {
		if (res)
			*res = keep;
		else
			PQclear(keep);
		return 0;
	}
	int rc = tach__pg_fail(s, keep, what, err);
	PQclear(keep);
	return rc;
}

/* `sent`: what libpq's PQsend* returned. */
static int sent_and_finish(tach_store *s, int sent, PGresult **res, const char *what,
                           tach_error *err)
{
	pg *p = s->impl;
	if (p->dead)
		return gone(s, what, err);
	return sent ? finish(s, res, what, err) : tach__pg_fail(s, NULL, what, err);
}

/* Runs one statement with parameters a (NULL: none); the result in
 * binary when `binary`.  0 with *res for the caller to PQclear (res NULL:
 * dropped), or an error in err. */
int tach__pg_run(tach_store *s, const char *sql, const args *a, int binary, PGresult **res,
                 const char *what, tach_error *err)
{
	pg *p = s->impl;
	int sent = !p->dead && PQsendQueryParams(p->conn, sql, a ? a->n : 0, NULL,
	                                         a ? a->val : NULL, a ? a->len : NULL,
	                                         a ? a->fmt : NULL, binary);
	return sent_and_finish(s, sent, res, what, err);
}

/* Runs a constant script of one or more statements (schema, BEGIN...). */
int tach__pg_script(tach_store *s, const char *sql, const char *what, tach_error *err)
{
	pg *p = s->impl;
	return sent_and_finish(s, !p->dead && PQsendQuery(p->conn, sql), NULL, what, err);
}

/* A script whose failure changes nothing for the caller (undoing after an
 * error already reported). */
void tach__pg_quiet_script(tach_store *s, const char *sql)
{
	tach_error ignored = {0};
	tach__pg_script(s, sql, "undoing", &ignored);
}

/* Runs prepared statement `which` and waits for its answer. */
int tach__pg_run_stmt(tach_store *s, int which, const args *a, PGresult **res, tach_error *err)
{
	pg *p = s->impl;
	int sent = !p->dead &&
	           PQsendQueryPrepared(p->conn, stmt_name[which], a->n, a->val, a->len, a->fmt, 0);
	return sent_and_finish(s, sent, res, "adding a run", err);
}

/* Most of a run goes through libpq's pipeline mode: statements are sent
 * without waiting, and their answers read at a sync point every BATCH
 * statements and at the end.  A server across a network then costs a
 * round trip per batch rather than one per metric. */
#define BATCH 256

/* Reads the answers to everything queued: 0, or the first error. */
int tach__pg_flush(tach_store *s, tach_error *err)
{
	pg *p = s->impl;
	const char *what = "adding a run";
	p->queued = 0;
	if (p->dead)
		return gone(s, what, err);
	if (!PQpipelineSync(p->conn))
		return tach__pg_fail(s, NULL, what, err);
	int rc = 0, nulls = 0;
	for (;;) {
		int wrc = pump(s, what, err);
		if (wrc)
			return rc ? rc : wrc;
		PGresult *r = PQgetResult(p->conn);
		if (!r) {
			/* one NULL ends each statement's answers; two in a row
			 * mean the connection is gone */
			if (++nulls == 2 || PQstatus(p->conn) == CONNECTION_BAD) {
				if (!rc)
					rc = tach__pg_fail(s, NULL, what, err);
				break;
			}
			continue;
		}
		nulls = 0;
		ExecStatusType st = PQresultStatus(r);
		if (!rc && st != PGRES_COMMAND_OK && st != PGRES_TUPLES_OK &&
		    st != PGRES_PIPELINE_SYNC)
			rc = tach__pg_fail(s, r, what, err);
		PQclear(r);
		if (st == PGRES_PIPELINE_SYNC)
			break;
	}
	return rc;
}

int tach__pg_queue(tach_store *s, int which, const args *a, tach_error *err)
{
	pg *p = s->impl;
	if (p->dead)
		return gone(s, "adding a run", err);
	if (!PQsendQueryPrepared(p->conn, stmt_name[which], a->n, a->val, a->len, a->fmt, 0))
		return tach__pg_fail(s, NULL, "adding a run", err);
	return ++p->queued == BATCH ? tach__pg_flush(s, err) : 0;
}

int tach__pg_prepare(tach_store *s, tach_error *err)
{
	pg *p = s->impl;
	for (int i = 0; i < N_STMT; i++) {
		if (p->prepared & 1u << i)
			continue;
		int sent = !p->dead && PQsendPrepare(p->conn, stmt_name[i], stmt_sql[i], 0, NULL);
		int rc = sent_and_finish(s, sent, NULL, "preparing", err);
		if (rc)
			return rc;
		p->prepared |= 1u << i;
	}
	return 0;
}

void tach__pg_rollback(tach_store *s)
{
	tach__pg_quiet_script(s, "ROLLBACK");
}

/* The session's limits, set before anything else: a statement the server
 * takes more than 5 minutes over ends in an error rather than a wait
 * without end (a limit the user, role or database sets is kept), and
 * tach's own wait on a silent server is that limit plus a grace period,
 * or TACH_PG_TIMEOUT (a duration) when set. */
int tach__pg_session_limits(tach_store *s, tach_error *err)
{
	pg *p = s->impl;
	const char *env = getenv("TACH_PG_TIMEOUT");
	p->wait = PG_DEFAULT_WAIT;
	if (env && *env && (tach_parse_duration(env, &p->wait) || p->wait <= 0 || p->wait > 1e6)) {
		snprintf(err->message, sizeof err->message,
		         "TACH_PG_TIMEOUT: '%.40s' is not a duration such as 30s or 5m", env);
		return TACH_EINVAL;
	}
	int rc = tach__pg_script(s,
	                    "SELECT set_config('statement_timeout', '300s', false)"
	                    " WHERE current_setting('statement_timeout') = '0'",
	                    "setting a statement timeout", err);
	if (rc || (env && *env))
		return rc;
	PGresult *r = NULL;
	rc = tach__pg_run(s, "SELECT setting FROM pg_settings WHERE name = 'statement_timeout'", NULL, 0,
	             &r, "reading the statement timeout", err);
	if (rc)
		return rc;
	const char *v = PQntuples(r) == 1 ? tach__pg_field(r, 0, 0) : NULL;
	double ms = v ? strtod(v, NULL) : 0;
	if (ms > 0 && ms < 1e12)
		p->wait = ms / 1000 + PG_WAIT_GRACE;
	PQclear(r);
	return 0;
}

/* ---- the schema ---- */

/* The schema version in the database: 0 when it has no tach tables. */
static int schema_version(tach_store *s, int *v, tach_error *err)
{
	PGresult *r = NULL;
	*v = 0;
	int rc = tach__pg_run(s,
	             "SELECT to_regclass('tach_meta') IS NOT NULL, to_regclass('runs') IS NOT NULL",
	             NULL, 0, &r, "reading the schema", err);
	if (rc)
		return rc;
	int has_meta = PQgetvalue(r, 0, 0)[0] == 't', has_runs = PQgetvalue(r, 0, 1)[0] == 't';
	PQclear(r);
	if (!has_meta && !has_runs)
		return 0;
	const char *value = NULL;
	r = NULL;
	if (has_meta &&
	    (rc = tach__pg_run(s, "SELECT value FROM tach_meta WHERE key = 'schema'", NULL, 0, &r,
	              "reading the schema", err)))
		return rc;
	if (r && PQntuples(r) == 1)
		value = tach__pg_field(r, 0, 0);
	char *end = NULL;
	long version = value ? strtol(value, &end, 10) : 0;
	int valid = value && end != value && !*end && version >= 1 && version <= 1000000;
	PQclear(r);
	if (!valid) {
		snprintf(err->message, sizeof err->message,
		         "%s: the database has tables named like tach's but no tach schema version",
		         s->location);
		return TACH_EFORMAT;
	}
	*v = (int)version;
	return 0;
}

/* The upgrade to schema 4: each run's testbed from its stored metadata
 * (tach_meta_testbed needs the parsed metadata, which SQL cannot give),
 * inside the upgrade's transaction. */
static int testbeds_from_meta(tach_store *s, tach_error *err)
{
	const char *what = "upgrading to schema 4";
	/* a thousand runs at a time, each batch one UPDATE of arrays: a
	 * team's history of 100,000 runs is neither read whole into memory
	 * nor updated a statement per run.  Every name put in is 1-64 of
	 * [A-Za-z0-9._+-] (checked), so quoted in an array literal as it is. */
	enum { BATCH_RUNS = 1000 };
	int64_t after = 0;
	int rc = 0, more = 1;
	char *ids = NULL, *names = NULL;
	size_t icap = 0, ncap = 0;
	while (!rc && more) {
		PGresult *q = NULL;
		args a = {0};
		tach__pg_arg_int(&a, after);
		tach__pg_arg_int(&a, BATCH_RUNS);
		rc = tach__pg_run(s, "SELECT id, meta FROM runs WHERE id > $1::bigint ORDER BY id"
		                     " LIMIT $2::bigint",
		                  &a, 0, &q, what, err);
		if (rc)
			break;
		int rows = PQntuples(q);
		more = rows == BATCH_RUNS;
		size_t il = 0, nl = 0;
		rc = tach__grow((void **)&ids, &icap, (size_t)rows * 24 + 3, 1) ||
		             tach__grow((void **)&names, &ncap,
		                        (size_t)rows * (TACH_TESTBED_MAX + 3) + 3, 1)
		         ? TACH_ENOMEM
		         : 0;
		for (int row = 0; !rc && row < rows; row++) {
			char name[TACH_TESTBED_MAX + 1];
			after = tach__pg_text_int(q, row, 0);
			tach__testbed_of_meta(tach__pg_field(q, row, 1), name, sizeof name);
			/* a name from metadata this tach did not write is left
			 * "unknown" rather than quoted */
			if (!strcmp(name, "unknown") || !tach_testbed_name_valid(name))
				continue;
			il += (size_t)sprintf(ids + il, "%s%lld", il ? "," : "{", (long long)after);
			nl += (size_t)sprintf(names + nl, "%s\"%s\"", nl ? "," : "{", name);
		}
		PQclear(q);
		if (rc || !il)
			continue;
		strcpy(ids + il, "}");
		strcpy(names + nl, "}");
		args u = {0};
		tach__pg_arg_text(&u, ids);
		tach__pg_arg_text(&u, names);
		rc = tach__pg_run(s, "UPDATE runs SET testbed = u.t FROM unnest($1::bigint[], $2::text[])"
		                     " AS u(id, t) WHERE runs.id = u.id",
		                  &u, 0, NULL, what, err);
	}
	free(ids);
	free(names);
	return rc;
}

/* For a reader: a database without tach's tables is no history (nothing
 * is created in it); an older schema is upgraded as a writer would (under
 * the advisory lock); then the session reads only, so that the server
 * itself refuses any write. */
int tach__pg_reader_schema(tach_store *s, tach_error *err)
{
	int v = 0, rc = schema_version(s, &v, err);
	if (!rc && v == 0)
		return tach__no_history(s, err);
	if (!rc && v > TACH_STORE_SCHEMA_PG)
		return tach__schema_newer(s, v, TACH_STORE_SCHEMA_PG, err);
	if (!rc && v < TACH_STORE_SCHEMA_PG)
		rc = tach__pg_ensure_schema(s, err);
	if (!rc)
		rc = tach__pg_script(s, "SET SESSION CHARACTERISTICS AS TRANSACTION READ ONLY",
		                "opening for reading", err);
	return rc;
}

/* Creates or upgrades the schema in one transaction under the advisory
 * lock: of several processes doing it at once, one does the work and the
 * others, waiting on the lock, find it done. */
int tach__pg_ensure_schema(tach_store *s, tach_error *err)
{
	const char *what = "creating the schema";
	PGresult *r = NULL;
	int v = 0, rc = tach__pg_script(s, "BEGIN", what, err);
	if (rc)
		return rc;
	if (!(rc = tach__pg_script(s, "SELECT pg_advisory_xact_lock(" SCHEMA_LOCK ")", what, err)))
		rc = schema_version(s, &v, err);
	if (!rc && v > TACH_STORE_SCHEMA_PG)
		rc = tach__schema_newer(s, v, TACH_STORE_SCHEMA_PG, err);
	if (!rc && v < 1)
		rc = tach__pg_script(s, schema_v1, what, err);
	if (!rc && v < 2)
		rc = tach__pg_script(s, migrate_v2, what, err);
	if (!rc && v < 3)
		rc = tach__pg_script(s, migrate_v3, what, err);
	if (!rc && v < 4 && !(rc = tach__pg_script(s, migrate_v4, what, err)) && v >= 1)
		rc = testbeds_from_meta(s, err);
	if (!rc && (rc = tach__pg_run(s, "SELECT to_regclass('benchmarks_run') IS NULL", NULL, 0, &r,
	                             what, err)) == 0) {
		int missing = PQgetvalue(r, 0, 0)[0] == 't';
		PQclear(r);
		if (missing)
			rc = tach__pg_script(s, index_run, what, err);
	}
	if (!rc && v < 5)
		rc = tach__pg_script(s, migrate_v5, what, err);
	if (!rc && v < 6)
		rc = tach__pg_script(s, migrate_v6, what, err);
	if (!rc && v < TACH_STORE_SCHEMA_PG) {
		args a = {0};
		tach__pg_arg_int(&a, TACH_STORE_SCHEMA_PG);
		rc = tach__pg_run(s,
		         "INSERT INTO tach_meta(key, value) VALUES('schema', $1)"
		         " ON CONFLICT(key) DO UPDATE SET value = EXCLUDED.value",
		         &a, 0, NULL, what, err);
	}
	if (!rc)
		rc = tach__pg_script(s, "COMMIT", what, err);
	if (rc)
		tach__pg_rollback(s);
	return rc;
}

/* ---- opening and closing ---- */

void tach__pg_close_pg(tach_store *s)
{
	pg *p = s->impl;
	if (!p)
		return;
	PQfinish(p->conn);
	free(p->password);
	free(p);
	s->impl = NULL;
}

/* The password in a connection string, if any, so that messages can hide
 * it.  A string libpq cannot parse is reported without libpq's words
 * when it may hold a password, since they quote the string. */
int tach__pg_find_password(tach_store *s, const char *conninfo, char **password, tach_error *err)
{
	char *why = NULL;
	*password = NULL;
	PQconninfoOption *opts = PQconninfoParse(conninfo, &why);
	if (!opts) {
		/* any hint of a password, in any spelling: libpq's words stay out */
		const char *at = strchr(conninfo, '@'), *colon = strchr(conninfo, ':');
		int secret = strcasestr(conninfo, "pass") || strchr(conninfo, '%') ||
		             strcmp(conninfo, s->location) ||
		             (at && colon && strchr(colon + 1, ':') && strchr(colon + 1, ':') < at);
		char clean[160] = "";
		if (why && !secret)
			tidy(why, NULL, clean, sizeof clean);
		snprintf(err->message, sizeof err->message, "%s: not a valid connection string%s%s",
		         s->location, clean[0] ? ": " : "", clean);
		PQfreemem(why);
		return why ? TACH_EINVAL : TACH_ENOMEM;
	}
	int rc = 0;
	for (PQconninfoOption *o = opts; o->keyword; o++)
		if (!strcmp(o->keyword, "password") && o->val && o->val[0] &&
		    !(*password = strdup(o->val)))
			rc = TACH_ENOMEM;
	PQconninfoFree(opts);
	return rc;
}
