/* pg.c - the PostgreSQL backend of the store (libpq), for a history that
 * a team or a CI fleet shares: the tables and encodings of sqlite.c over
 * one connection.
 *
 * Every value travels as a statement parameter, never inside SQL text;
 * blobs and doubles travel in binary, so nothing is quoted or rounded.
 * Each added run is one transaction, its rows pipelined so that a server
 * across a network costs a few round trips, not one per metric.  The
 * schema is created or upgraded in one transaction holding a fixed
 * advisory lock, so processes opening a new database at once queue
 * instead of colliding on CREATE TABLE.
 */
#include <errno.h>
#include <libpq-fe.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "tach/tach.h"
#include "store/internal.h"

/* The advisory lock held while the schema is created or migrated: "tachstor". */
#define SCHEMA_LOCK "8386658464838006642"

/* Schema version 1 (the tables of sqlite.c's version 1), the base the
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

/* The statements of adding a run, prepared once per connection.  All but
 * the first are pipelined (sent without waiting for answers), so a metric
 * finds its benchmark as the last one this session inserted. */
enum { ST_RUN, ST_LABEL, ST_BENCH, ST_METRIC, N_STMT };

static const char *const stmt_name[N_STMT] = {"tach_run", "tach_label", "tach_bench",
                                              "tach_metric"};
static const char *const stmt_sql[N_STMT] = {
	"INSERT INTO runs(added, timestamp, git_commit, git_branch, git_dirty, host,"
	" tool_version, n_benchmarks, meta) VALUES($1, $2, $3, $4, $5, $6, $7, $8, $9)"
	" RETURNING id",
	"INSERT INTO run_labels(run_id, key, value) VALUES($1, $2, $3)"
	" ON CONFLICT(run_id, key) DO UPDATE SET value = EXCLUDED.value",
	"INSERT INTO benchmarks(run_id, ord, name, params_key, params, extra)"
	" VALUES($1, $2, $3, $4, $5, $6)",
	"INSERT INTO metrics(benchmark_id, name, unit, direction, flags, n, median, samples,"
	" iterations, series) VALUES(currval(pg_get_serial_sequence('benchmarks', 'id')),"
	" $1, $2, $3, $4, $5, $6, $7, $8, $9)",
};

typedef struct pg {
	PGconn *conn;
	char *password; /* masked in every message passed on; NULL: none given */
	unsigned prepared; /* bit i: statement i is prepared */
	int queued;        /* statements sent in the pipeline, answers unread */
} pg;

/* ---- parameters ---- */

#define MAX_ARGS 10

/* One statement's parameters: text (NULL: SQL NULL), integers as text,
 * doubles and blobs in binary. */
typedef struct args {
	int n;
	const char *val[MAX_ARGS];
	int len[MAX_ARGS], fmt[MAX_ARGS];
	char num[MAX_ARGS][24];
	unsigned char bin[MAX_ARGS][8];
} args;

static void arg_text(args *a, const char *t)
{
	a->val[a->n] = t;
	a->len[a->n] = 0;
	a->fmt[a->n] = 0;
	a->n++;
}

static void arg_int(args *a, int64_t v)
{
	snprintf(a->num[a->n], sizeof a->num[a->n], "%lld", (long long)v);
	arg_text(a, a->num[a->n]);
}

/* float8 in binary is the IEEE bits, big-endian. */
static void arg_double(args *a, double d)
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

static void arg_blob(args *a, const unsigned char *b, size_t len)
{
	a->val[a->n] = (const char *)b;
	a->len[a->n] = (int)len;
	a->fmt[a->n] = 1;
	a->n++;
}

/* ---- results ---- */

/* An integer column of a binary result (int2, int4 or int8, big-endian). */
static int64_t bin_int(const PGresult *r, int row, int col)
{
	const unsigned char *p = (const unsigned char *)PQgetvalue(r, row, col);
	int len = PQgetlength(r, row, col);
	uint64_t v = len > 0 && (p[0] & 0x80) ? ~UINT64_C(0) : 0;
	for (int i = 0; i < len && i < 8; i++)
		v = v << 8 | p[i];
	return (int64_t)v;
}

static double bin_double(const PGresult *r, int row, int col)
{
	const unsigned char *p = (const unsigned char *)PQgetvalue(r, row, col);
	uint64_t u = 0;
	for (int i = 0; i < 8 && i < PQgetlength(r, row, col); i++)
		u = u << 8 | p[i];
	double d;
	memcpy(&d, &u, sizeof d);
	return d;
}

static int64_t text_int(const PGresult *r, int row, int col)
{
	return strtoll(PQgetvalue(r, row, col), NULL, 10);
}

/* A text column (in either format libpq ends values with a NUL byte), or
 * NULL for SQL NULL.  Borrowed from r. */
static const char *field(const PGresult *r, int row, int col)
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
static int fail(tach_store *s, const PGresult *r, const char *what, tach_error *err)
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

static int no_run(tach_store *s, tach_error *err, int64_t id)
{
	snprintf(err->message, sizeof err->message, "%s: no run #%lld", s->location, (long long)id);
	return TACH_EINVAL;
}

/* ---- statements ---- */

static int check(tach_store *s, PGresult *r, PGresult **res, const char *what, tach_error *err)
{
	ExecStatusType st = PQresultStatus(r);
	if (r && (st == PGRES_COMMAND_OK || st == PGRES_TUPLES_OK)) {
		if (res)
			*res = r;
		else
			PQclear(r);
		return 0;
	}
	int rc = fail(s, r, what, err);
	PQclear(r);
	return rc;
}

/* Runs one statement with parameters a (NULL: none); the result in
 * binary when `binary`.  0 with *res for the caller to PQclear (res NULL:
 * dropped), or an error in err. */
static int run(tach_store *s, const char *sql, const args *a, int binary, PGresult **res,
               const char *what, tach_error *err)
{
	pg *p = s->impl;
	PGresult *r = PQexecParams(p->conn, sql, a ? a->n : 0, NULL, a ? a->val : NULL,
	                           a ? a->len : NULL, a ? a->fmt : NULL, binary);
	return check(s, r, res, what, err);
}

/* Runs a constant script of one or more statements (schema, BEGIN...). */
static int script(tach_store *s, const char *sql, const char *what, tach_error *err)
{
	return check(s, PQexec(((pg *)s->impl)->conn, sql), NULL, what, err);
}

/* Runs prepared statement `which` and waits for its answer. */
static int run_stmt(tach_store *s, int which, const args *a, PGresult **res, tach_error *err)
{
	pg *p = s->impl;
	PGresult *r = PQexecPrepared(p->conn, stmt_name[which], a->n, a->val, a->len, a->fmt, 0);
	return check(s, r, res, "adding a run", err);
}

/* Most of a run goes through libpq's pipeline mode: statements are sent
 * without waiting, and their answers read at a sync point every BATCH
 * statements and at the end.  A server across a network then costs a
 * round trip per batch rather than one per metric. */
#define BATCH 256

/* Reads the answers to everything queued: 0, or the first error. */
static int flush(tach_store *s, tach_error *err)
{
	pg *p = s->impl;
	p->queued = 0;
	if (!PQpipelineSync(p->conn))
		return fail(s, NULL, "adding a run", err);
	int rc = 0, nulls = 0;
	for (;;) {
		PGresult *r = PQgetResult(p->conn);
		if (!r) {
			/* one NULL ends each statement's answers; two in a row
			 * mean the connection is gone */
			if (++nulls == 2 || PQstatus(p->conn) == CONNECTION_BAD) {
				if (!rc)
					rc = fail(s, NULL, "adding a run", err);
				break;
			}
			continue;
		}
		nulls = 0;
		ExecStatusType st = PQresultStatus(r);
		if (!rc && st != PGRES_COMMAND_OK && st != PGRES_TUPLES_OK &&
		    st != PGRES_PIPELINE_SYNC)
			rc = fail(s, r, "adding a run", err);
		PQclear(r);
		if (st == PGRES_PIPELINE_SYNC)
			break;
	}
	return rc;
}

static int queue(tach_store *s, int which, const args *a, tach_error *err)
{
	pg *p = s->impl;
	if (!PQsendQueryPrepared(p->conn, stmt_name[which], a->n, a->val, a->len, a->fmt, 0))
		return fail(s, NULL, "adding a run", err);
	return ++p->queued == BATCH ? flush(s, err) : 0;
}

static int prepare(tach_store *s, tach_error *err)
{
	pg *p = s->impl;
	for (int i = 0; i < N_STMT; i++) {
		if (p->prepared & 1u << i)
			continue;
		int rc = check(s, PQprepare(p->conn, stmt_name[i], stmt_sql[i], 0, NULL), NULL,
		               "preparing", err);
		if (rc)
			return rc;
		p->prepared |= 1u << i;
	}
	return 0;
}

static void rollback(tach_store *s)
{
	PQclear(PQexec(((pg *)s->impl)->conn, "ROLLBACK"));
}

/* ---- the schema ---- */

/* The schema version in the database: 0 when it has no tach tables. */
static int schema_version(tach_store *s, int *v, tach_error *err)
{
	PGresult *r = NULL;
	*v = 0;
	int rc = run(s,
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
	    (rc = run(s, "SELECT value FROM tach_meta WHERE key = 'schema'", NULL, 0, &r,
	              "reading the schema", err)))
		return rc;
	if (r && PQntuples(r) == 1)
		value = field(r, 0, 0);
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

/* Creates or upgrades the schema in one transaction under the advisory
 * lock: of several processes doing it at once, one does the work and the
 * others, waiting on the lock, find it done. */
static int ensure_schema(tach_store *s, tach_error *err)
{
	const char *what = "creating the schema";
	int v = 0, rc = script(s, "BEGIN", what, err);
	if (rc)
		return rc;
	if (!(rc = script(s, "SELECT pg_advisory_xact_lock(" SCHEMA_LOCK ")", what, err)))
		rc = schema_version(s, &v, err);
	if (!rc && v > TACH_STORE_SCHEMA) {
		snprintf(err->message, sizeof err->message,
		         "%s: made by a newer tach (schema %d; this tach knows up to %d)", s->location,
		         v, TACH_STORE_SCHEMA);
		rc = TACH_EVERSION;
	}
	if (!rc && v < 1)
		rc = script(s, schema_v1, what, err);
	if (!rc && v < 2)
		rc = script(s, migrate_v2, what, err);
	if (!rc && v < TACH_STORE_SCHEMA) {
		args a = {0};
		arg_int(&a, TACH_STORE_SCHEMA);
		rc = run(s,
		         "INSERT INTO tach_meta(key, value) VALUES('schema', $1)"
		         " ON CONFLICT(key) DO UPDATE SET value = EXCLUDED.value",
		         &a, 0, NULL, what, err);
	}
	if (!rc)
		rc = script(s, "COMMIT", what, err);
	if (rc)
		rollback(s);
	return rc;
}

/* ---- adding a run ---- */

static void now_utc(char *buf, size_t size)
{
	struct timespec ts;
	clock_gettime(CLOCK_REALTIME, &ts);
	struct tm tm;
	gmtime_r(&ts.tv_sec, &tm);
	strftime(buf, size, "%Y-%m-%dT%H:%M:%SZ", &tm);
}

static int add_metric(tach_store *s, const tach_metric *m, tach_error *err)
{
	size_t slen, ilen = 0, serlen;
	int oom;
	unsigned char *samples = tach__pack_doubles(m->samples, m->n_samples, &slen);
	unsigned char *iters = m->iterations ? tach__pack_u64(m->iterations, m->n_samples, &ilen)
	                                     : NULL;
	unsigned char *series = tach__pack_series(m, &serlen, &oom);
	double median = 0;
	int rc = 0;
	if (!samples || (m->iterations && !iters) || oom ||
	    (m->n_samples && tach_stats_median(m->samples, m->n_samples, &median)))
		rc = TACH_ENOMEM;
	else if (slen > INT32_MAX || serlen > INT32_MAX) {
		/* past what one protocol message can carry */
		snprintf(err->message, sizeof err->message, "%s: metric '%s' has too many samples",
		         s->location, m->name);
		rc = TACH_ERANGE;
	}
	if (!rc) {
		args a = {0};
		arg_text(&a, m->name);
		arg_text(&a, m->unit);
		arg_int(&a, (int64_t)m->direction);
		arg_int(&a, (int64_t)m->flags);
		arg_int(&a, (int64_t)m->n_samples);
		if (m->n_samples)
			arg_double(&a, median);
		else
			arg_text(&a, NULL);
		arg_blob(&a, samples, slen);
		arg_blob(&a, iters, ilen);
		arg_blob(&a, series, serlen);
		rc = queue(s, ST_METRIC, &a, err);
	}
	free(samples);
	free(iters);
	free(series);
	return rc;
}

static int add_bench(tach_store *s, int64_t run_id, size_t ord, const tach_benchmark *b,
                     tach_error *err)
{
	char *key = tach__params_key(&b->params), *params = tach__params_json(&b->params);
	char *extra = tach__bench_json(b);
	int rc = key && params && extra ? 0 : TACH_ENOMEM;
	if (!rc) {
		args a = {0};
		arg_int(&a, run_id);
		arg_int(&a, (int64_t)ord);
		arg_text(&a, b->name);
		arg_text(&a, key);
		arg_text(&a, params);
		arg_text(&a, extra);
		rc = queue(s, ST_BENCH, &a, err);
	}
	free(key);
	free(params);
	free(extra);
	for (size_t i = 0; !rc && i < b->n_metrics; i++)
		rc = add_metric(s, b->metrics[i], err);
	return rc;
}

static int add_labels(tach_store *s, int64_t run_id, const tach_kvlist *l, tach_error *err)
{
	int rc = 0;
	for (size_t i = 0; !rc && l && i < l->n; i++) {
		args a = {0};
		arg_int(&a, run_id);
		arg_text(&a, l->items[i].key);
		arg_text(&a, l->items[i].value);
		rc = queue(s, ST_LABEL, &a, err);
	}
	return rc;
}

static int op_add(tach_store *s, const tach_result *r, const tach_kvlist *labels, int64_t *id,
                  tach_error *err)
{
	pg *p = s->impl;
	char added[32], *meta = tach__meta_json(r, labels);
	if (!meta)
		return TACH_ENOMEM;
	now_utc(added, sizeof added);
	int rc = prepare(s, err);
	if (!rc)
		rc = script(s, "BEGIN", "adding a run", err);
	if (rc) {
		free(meta);
		return rc;
	}
	args a = {0};
	arg_text(&a, added);
	arg_text(&a, r->meta.timestamp ? r->meta.timestamp : added);
	arg_text(&a, r->meta.git_commit);
	arg_text(&a, r->meta.git_branch);
	if (r->meta.git_dirty >= 0)
		arg_int(&a, r->meta.git_dirty);
	else
		arg_text(&a, NULL);
	arg_text(&a, r->meta.hostname);
	arg_text(&a, r->meta.tool_version);
	arg_int(&a, (int64_t)r->n_benchmarks);
	arg_text(&a, meta);
	PGresult *res = NULL;
	rc = run_stmt(s, ST_RUN, &a, &res, err);
	free(meta);
	int64_t run_id = 0;
	if (!rc) {
		run_id = text_int(res, 0, 0);
		PQclear(res);
		if (!PQenterPipelineMode(p->conn))
			rc = fail(s, NULL, "adding a run", err);
	}
	if (!rc && !(rc = add_labels(s, run_id, &r->meta.labels, err)))
		rc = add_labels(s, run_id, labels, err);
	for (size_t i = 0; !rc && i < r->n_benchmarks; i++)
		rc = add_bench(s, run_id, i, r->benchmarks[i], err);
	if (PQpipelineStatus(p->conn) != PQ_PIPELINE_OFF) {
		tach_error ignored;
		int frc = flush(s, rc ? &ignored : err);
		rc = rc ? rc : frc;
		PQexitPipelineMode(p->conn);
	}
	if (!rc)
		rc = script(s, "COMMIT", "adding a run", err);
	if (rc) {
		rollback(s);
		return rc;
	}
	*id = run_id;
	return 0;
}

/* ---- reading runs ---- */

/* The metrics of every benchmark of run `id`, in one query ordered like
 * the benchmarks; ids[i] is the database id of r's benchmark i. */
static int read_metrics(tach_store *s, int64_t id, tach_result *r, const int64_t *ids,
                        tach_error *err)
{
	args a = {0};
	arg_int(&a, id);
	PGresult *q;
	int rc = run(s,
	             "SELECT m.benchmark_id, m.name, m.unit, m.direction, m.flags, m.samples,"
	             " m.iterations, m.series FROM metrics m JOIN benchmarks b"
	             " ON b.id = m.benchmark_id WHERE b.run_id = $1 ORDER BY b.ord, b.id, m.id",
	             &a, 1, &q, "reading metrics", err);
	if (rc)
		return rc;
	size_t at = 0;
	for (int row = 0; !rc && row < PQntuples(q); row++) {
		int64_t bench = bin_int(q, row, 0);
		while (at < r->n_benchmarks && ids[at] != bench)
			at++;
		if (at == r->n_benchmarks) {
			rc = TACH_EFORMAT;
			break;
		}
		tach_metric *m = tach_benchmark_add_metric(r->benchmarks[at], field(q, row, 1),
		                                           field(q, row, 2),
		                                           (tach_direction)bin_int(q, row, 3));
		if (!m) {
			rc = TACH_ENOMEM;
			break;
		}
		m->flags = (unsigned)bin_int(q, row, 4);
		rc = tach__unpack_samples(m, (const unsigned char *)PQgetvalue(q, row, 5),
		                          (size_t)PQgetlength(q, row, 5),
		                          (const unsigned char *)PQgetvalue(q, row, 6),
		                          (size_t)PQgetlength(q, row, 6));
		if (!rc)
			rc = tach__unpack_series(m, (const unsigned char *)PQgetvalue(q, row, 7),
			                         (size_t)PQgetlength(q, row, 7));
	}
	PQclear(q);
	if (rc == TACH_EFORMAT)
		snprintf(err->message, sizeof err->message, "%s: a damaged metric in the store",
		         s->location);
	return rc;
}

static int read_benchmarks(tach_store *s, int64_t id, tach_result *r, tach_error *err)
{
	args a = {0};
	arg_int(&a, id);
	PGresult *q;
	int rc = run(s,
	             "SELECT id, name, params, extra FROM benchmarks WHERE run_id = $1"
	             " ORDER BY ord, id",
	             &a, 0, &q, "reading benchmarks", err);
	if (rc)
		return rc;
	int64_t *ids = malloc(((size_t)PQntuples(q) + 1) * sizeof *ids);
	rc = ids ? 0 : TACH_ENOMEM;
	for (int row = 0; !rc && row < PQntuples(q); row++) {
		tach_benchmark *b = tach_result_add_benchmark(r, field(q, row, 1));
		if (!b) {
			rc = TACH_ENOMEM;
			break;
		}
		ids[row] = text_int(q, row, 0);
		rc = tach__params_from_json(&b->params, field(q, row, 2));
		if (!rc && field(q, row, 3))
			rc = tach__bench_from_json(b, field(q, row, 3));
	}
	PQclear(q);
	if (rc == TACH_EFORMAT)
		snprintf(err->message, sizeof err->message, "%s: a damaged benchmark in the store",
		         s->location);
	if (!rc)
		rc = read_metrics(s, id, r, ids, err);
	free(ids);
	return rc;
}

static int op_get(tach_store *s, int64_t id, tach_result **out, tach_error *err)
{
	*out = NULL;
	args a = {0};
	arg_int(&a, id);
	PGresult *q;
	int rc = run(s, "SELECT meta FROM runs WHERE id = $1", &a, 0, &q, "reading a run", err);
	if (rc)
		return rc;
	if (PQntuples(q) != 1) {
		PQclear(q);
		return no_run(s, err, id);
	}
	tach_result *r = tach_result_new();
	rc = r ? 0 : TACH_ENOMEM;
	if (!rc) {
		/* the stored metadata replaces the new set's defaults */
		tach_meta_set(&r->meta.tool, NULL);
		tach_meta_set(&r->meta.tool_version, NULL);
		rc = tach__meta_from_json(r, field(q, 0, 0), err);
	}
	PQclear(q);
	if (!rc)
		rc = read_benchmarks(s, id, r, err);
	if (rc) {
		tach_result_free(r);
		return rc;
	}
	*out = r;
	return 0;
}

static int op_remove(tach_store *s, int64_t id, tach_error *err)
{
	args a = {0};
	arg_int(&a, id);
	PGresult *q;
	int rc = run(s, "DELETE FROM runs WHERE id = $1", &a, 0, &q, "removing a run", err);
	if (rc)
		return rc;
	int gone = strcmp(PQcmdTuples(q), "0") != 0;
	PQclear(q);
	return gone ? 0 : no_run(s, err, id);
}

/* ---- benchmark globs ---- */

/* A LIKE pattern matching every name the glob (fnmatch, as tach__glob)
 * matches; *exact says whether it matches those only.  '*' is '%'; '?'
 * could be one byte or one character depending on the locale, and a
 * bracket expression is cut short with '%', so after either the caller
 * filters names with tach__glob.  NULL when out of memory. */
static char *glob_like(const char *glob, int *exact)
{
	char *like = malloc(2 * strlen(glob) + 2), *o = like;
	*exact = 1;
	if (!like)
		return NULL;
	for (const char *p = glob; *p; p++) {
		if (*p == '*' || *p == '?') {
			*exact &= *p == '*';
			*o++ = '%';
		} else if (*p == '[' || (*p == '\\' && !p[1])) {
			*exact = 0;
			*o++ = '%';
			break;
		} else {
			if (*p == '\\')
				p++;
			if (*p == '%' || *p == '_' || *p == '\\')
				*o++ = '\\';
			*o++ = *p;
		}
	}
	*o = 0;
	return like;
}

/* Appends `v`, quoted, to the text[] literal being built in *buf
 * ("{" at first; the caller closes it). */
static int array_add(char **buf, size_t *len, size_t *cap, const char *v)
{
	if (tach__grow((void **)buf, cap, *len + 2 * strlen(v) + 5, 1))
		return TACH_ENOMEM;
	char *o = *buf + *len;
	if (*len > 1)
		*o++ = ',';
	*o++ = '"';
	for (; *v; v++) {
		if (*v == '"' || *v == '\\')
			*o++ = '\\';
		*o++ = *v;
	}
	*o++ = '"';
	*o = 0;
	*len = (size_t)(o - *buf);
	return 0;
}

/* A benchmark-name filter for a statement: either *like, a LIKE pattern
 * that matches exactly the glob's names, or *names, a text[] literal of
 * every stored name the glob matches.  Both NULL for no glob.  The
 * caller frees both. */
static int bench_filter(tach_store *s, const char *glob, char **like, char **names,
                        tach_error *err)
{
	*like = *names = NULL;
	if (!glob)
		return 0;
	int exact;
	char *pattern = glob_like(glob, &exact);
	if (!pattern)
		return TACH_ENOMEM;
	if (exact) {
		*like = pattern;
		return 0;
	}
	args a = {0};
	arg_text(&a, pattern);
	PGresult *q;
	int rc = run(s, "SELECT DISTINCT name FROM benchmarks WHERE name LIKE $1", &a, 0, &q,
	             "matching benchmarks", err);
	free(pattern);
	if (rc)
		return rc;
	size_t len = 1, cap = 0;
	char *buf = NULL;
	rc = tach__grow((void **)&buf, &cap, 3, 1);
	if (!rc)
		strcpy(buf, "{");
	for (int row = 0; !rc && row < PQntuples(q); row++)
		if (tach__glob(glob, PQgetvalue(q, row, 0)))
			rc = array_add(&buf, &len, &cap, PQgetvalue(q, row, 0));
	PQclear(q);
	if (!rc)
		strcpy(buf + len, "}");
	if (rc) {
		free(buf);
		return rc;
	}
	*names = buf;
	return 0;
}

/* ---- listing ---- */

/* The labels of the listed runs, in one query. */
static int read_labels(tach_store *s, tach_run_info *v, size_t n, tach_error *err)
{
	if (!n)
		return 0;
	char *ids = malloc(n * 22 + 3), *o = ids;
	if (!ids)
		return TACH_ENOMEM;
	*o++ = '{';
	for (size_t i = 0; i < n; i++)
		o += sprintf(o, "%s%lld", i ? "," : "", (long long)v[i].id);
	strcpy(o, "}");
	args a = {0};
	arg_text(&a, ids);
	PGresult *q;
	int rc = run(s,
	             "SELECT run_id, key, value FROM run_labels WHERE run_id = ANY($1::bigint[])"
	             " ORDER BY run_id DESC, key COLLATE \"C\"",
	             &a, 0, &q, "listing runs", err);
	free(ids);
	if (rc)
		return rc;
	size_t at = 0;
	for (int row = 0; !rc && row < PQntuples(q); row++) {
		int64_t run_id = text_int(q, row, 0);
		while (at < n && v[at].id != run_id)
			at++;
		if (at == n)
			break; /* not in the order expected: cannot happen */
		rc = tach_kvlist_set(&v[at].labels, field(q, row, 1), field(q, row, 2));
	}
	PQclear(q);
	return rc;
}

static int op_list(tach_store *s, const tach_run_filter *f, tach_run_info **out, size_t *n,
                   tach_error *err)
{
	*out = NULL;
	*n = 0;
	char *like, *names;
	int rc = bench_filter(s, f ? f->bench : NULL, &like, &names, err);
	if (rc)
		return rc;
	args a = {0};
	arg_text(&a, f ? f->branch : NULL);
	arg_text(&a, f ? f->since : NULL);
	arg_text(&a, like);
	arg_text(&a, names);
	if (f && f->limit)
		arg_int(&a, (int64_t)f->limit);
	else
		arg_text(&a, NULL); /* LIMIT NULL: all */
	PGresult *q;
	rc = run(s,
	         "SELECT id, timestamp, git_commit, git_branch, git_dirty, host, n_benchmarks"
	         " FROM runs r WHERE ($1::text IS NULL OR git_branch = $1)"
	         " AND ($2::text IS NULL OR r.timestamp COLLATE \"C\" >= $2)"
	         " AND ($3::text IS NULL OR EXISTS (SELECT 1 FROM benchmarks b"
	         " WHERE b.run_id = r.id AND b.name LIKE $3))"
	         " AND ($4::text[] IS NULL OR EXISTS (SELECT 1 FROM benchmarks b"
	         " WHERE b.run_id = r.id AND b.name = ANY($4::text[])))"
	         " ORDER BY id DESC LIMIT $5::bigint",
	         &a, 0, &q, "listing runs", err);
	free(like);
	free(names);
	if (rc)
		return rc;
	size_t rows = (size_t)PQntuples(q);
	tach_run_info *v = rows ? calloc(rows, sizeof *v) : NULL;
	rc = rows && !v ? TACH_ENOMEM : 0;
	for (size_t i = 0; !rc && i < rows; i++) {
		int row = (int)i;
		v[i].id = text_int(q, row, 0);
		v[i].git_dirty = field(q, row, 4) ? (int)text_int(q, row, 4) : -1;
		v[i].n_benchmarks = (size_t)text_int(q, row, 6);
		if (tach_meta_set(&v[i].timestamp, field(q, row, 1)) ||
		    tach_meta_set(&v[i].git_commit, field(q, row, 2)) ||
		    tach_meta_set(&v[i].git_branch, field(q, row, 3)) ||
		    tach_meta_set(&v[i].hostname, field(q, row, 5)))
			rc = TACH_ENOMEM;
	}
	PQclear(q);
	if (!rc)
		rc = read_labels(s, v, rows, err);
	if (rc) {
		tach_run_infos_free(v, rows);
		return rc;
	}
	*out = v;
	*n = rows;
	return 0;
}

/* ---- baselines and references ---- */

static int op_baseline_set(tach_store *s, const char *name, int64_t id, tach_error *err)
{
	args a = {0};
	arg_text(&a, name);
	arg_int(&a, id);
	PGresult *q;
	/* from runs: no row, rather than a foreign-key error, for a missing run */
	int rc = run(s,
	             "INSERT INTO baselines(name, run_id) SELECT $1, id FROM runs WHERE id = $2"
	             " ON CONFLICT(name) DO UPDATE SET run_id = EXCLUDED.run_id",
	             &a, 0, &q, "setting a baseline", err);
	if (rc)
		return rc;
	int set = strcmp(PQcmdTuples(q), "0") != 0;
	PQclear(q);
	return set ? 0 : no_run(s, err, id);
}

/* *id = the first column of the first row of the query, or 0. */
static int one_id(tach_store *s, const char *sql, const args *a, int64_t *id, tach_error *err)
{
	PGresult *q;
	*id = 0;
	int rc = run(s, sql, a, 0, &q, "finding a run", err);
	if (rc)
		return rc;
	if (PQntuples(q) > 0)
		*id = text_int(q, 0, 0);
	PQclear(q);
	return 0;
}

static int op_baseline_get(tach_store *s, const char *name, int64_t *id, tach_error *err)
{
	args a = {0};
	arg_text(&a, name);
	return one_id(s, "SELECT run_id FROM baselines WHERE name = $1", &a, id, err);
}

static int op_find(tach_store *s, int what, const char *text, size_t skip, int64_t *id,
                   tach_error *err)
{
	args a = {0};
	switch (what) {
	case TACH__FIND_LATEST:
		arg_int(&a, (int64_t)skip);
		return one_id(s, "SELECT id FROM runs ORDER BY id DESC LIMIT 1 OFFSET $1::bigint", &a,
		              id, err);
	case TACH__FIND_COMMIT:
		arg_text(&a, text);
		return one_id(s,
		              "SELECT id FROM runs WHERE starts_with(git_commit, $1::text)"
		              " ORDER BY id DESC LIMIT 1",
		              &a, id, err);
	default:
		arg_text(&a, text);
		return one_id(s, "SELECT id FROM runs WHERE git_branch = $1 ORDER BY id DESC LIMIT 1",
		              &a, id, err);
	}
}

/* ---- history ---- */

static int op_series(tach_store *s, const char *name, const char *params_key, const char *metric,
                     const char *branch, tach_history_point **out, size_t *n, tach_error *err)
{
	*out = NULL;
	*n = 0;
	args a = {0};
	arg_text(&a, name);
	arg_text(&a, params_key ? params_key : "");
	arg_text(&a, metric);
	arg_text(&a, branch);
	PGresult *q;
	/* binary: the medians come back bit for bit */
	int rc = run(s,
	             "SELECT r.id, r.timestamp, r.git_commit, m.median, m.n"
	             " FROM benchmarks b JOIN runs r ON r.id = b.run_id"
	             " JOIN metrics m ON m.benchmark_id = b.id"
	             " WHERE b.name = $1 AND b.params_key = $2 AND m.name = $3"
	             " AND ($4::text IS NULL OR r.git_branch = $4)"
	             " AND m.median IS NOT NULL" /* a metric without samples in that run */
	             " ORDER BY r.timestamp COLLATE \"C\" NULLS FIRST, r.id, b.ord, m.id",
	             &a, 1, &q, "reading a series", err);
	if (rc)
		return rc;
	size_t rows = (size_t)PQntuples(q);
	tach_history_point *p = rows ? calloc(rows, sizeof *p) : NULL;
	rc = rows && !p ? TACH_ENOMEM : 0;
	for (size_t i = 0; !rc && i < rows; i++) {
		int row = (int)i;
		p[i].run = bin_int(q, row, 0);
		p[i].median = bin_double(q, row, 3);
		p[i].n = (size_t)bin_int(q, row, 4);
		if (tach_meta_set(&p[i].timestamp, field(q, row, 1)) ||
		    tach_meta_set(&p[i].git_commit, field(q, row, 2)))
			rc = TACH_ENOMEM;
	}
	PQclear(q);
	if (rc) {
		tach_history_points_free(p, rows);
		return rc;
	}
	*out = p;
	*n = rows;
	return 0;
}

static int op_catalog(tach_store *s, const char *bench, const char *metric, tach_result **out,
                      tach_error *err)
{
	*out = NULL;
	char *like, *names;
	int rc = bench_filter(s, bench, &like, &names, err);
	if (rc)
		return rc;
	args a = {0};
	arg_text(&a, like);
	arg_text(&a, names);
	arg_text(&a, metric);
	PGresult *q;
	/* each (benchmark, parameters, metric) once, as first stored, in the
	 * order first stored */
	rc = run(s,
	         "SELECT name, params, metric, unit, direction FROM ("
	         " SELECT DISTINCT ON (b.name, b.params_key, m.name) b.name, b.params,"
	         " m.name AS metric, m.unit, m.direction, b.id AS bid, m.id AS mid"
	         " FROM benchmarks b JOIN metrics m ON m.benchmark_id = b.id"
	         " WHERE ($1::text IS NULL OR b.name LIKE $1)"
	         " AND ($2::text[] IS NULL OR b.name = ANY($2::text[]))"
	         " AND ($3::text IS NULL OR m.name = $3)"
	         " ORDER BY b.name, b.params_key, m.name, b.id, m.id) c ORDER BY bid, mid",
	         &a, 0, &q, "listing series", err);
	free(like);
	free(names);
	if (rc)
		return rc;
	tach_result *r = tach_result_new();
	rc = r ? 0 : TACH_ENOMEM;
	for (int row = 0; !rc && row < PQntuples(q); row++) {
		tach_kvlist params = {0};
		rc = tach__params_from_json(&params, field(q, row, 1));
		tach_benchmark *b = rc ? NULL : tach_result_find(r, field(q, row, 0), &params);
		if (!rc && !b) {
			b = tach_result_add_benchmark(r, field(q, row, 0));
			for (size_t i = 0; b && !rc && i < params.n; i++)
				rc = tach_kvlist_set(&b->params, params.items[i].key,
				                     params.items[i].value);
		}
		tach_kvlist_release(&params);
		if (!rc && (!b || !tach_benchmark_add_metric(b, field(q, row, 2), field(q, row, 3),
		                                             (tach_direction)text_int(q, row, 4))))
			rc = TACH_ENOMEM;
	}
	PQclear(q);
	if (rc) {
		tach_result_free(r);
		return rc;
	}
	*out = r;
	return 0;
}

/* ---- opening and closing ---- */

static void close_pg(tach_store *s)
{
	pg *p = s->impl;
	if (!p)
		return;
	PQfinish(p->conn);
	free(p->password);
	free(p);
	s->impl = NULL;
}

/* The library never prints: notices ("table exists, skipping") go nowhere. */
static void quiet(void *arg, const char *message)
{
	(void)arg;
	(void)message;
}

/* The password in a connection string, if any, so that messages can hide
 * it.  A string libpq cannot parse is reported without libpq's words
 * when it may hold a password, since they quote the string. */
static int find_password(tach_store *s, const char *conninfo, char **password, tach_error *err)
{
	char *why = NULL;
	*password = NULL;
	PQconninfoOption *opts = PQconninfoParse(conninfo, &why);
	if (!opts) {
		const char *at = strchr(conninfo, '@'), *colon = strchr(conninfo, ':');
		int secret = strstr(conninfo, "password") ||
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

static const tach__store_ops pg_ops = {
	.name = "postgresql",
	.add = op_add,
	.get = op_get,
	.remove = op_remove,
	.list = op_list,
	.baseline_set = op_baseline_set,
	.baseline_get = op_baseline_get,
	.find = op_find,
	.series = op_series,
	.catalog = op_catalog,
	.close = close_pg,
};

int tach__pg_open(tach_store *s, const char *conninfo, tach_error *err)
{
	pg *p = calloc(1, sizeof *p);
	if (!p)
		return TACH_ENOMEM;
	int rc = find_password(s, conninfo, &p->password, err);
	if (rc) {
		free(p);
		return rc;
	}
	/* dbname expands the whole string; later keys override what it says */
	const char *const keys[] = {"dbname", "fallback_application_name", "client_encoding", NULL};
	const char *const vals[] = {conninfo, "tach", "UTF8", NULL};
	p->conn = PQconnectdbParams(keys, vals, 1);
	s->impl = p;
	s->ops = &pg_ops;
	if (!p->conn) {
		rc = TACH_ENOMEM;
	} else if (PQstatus(p->conn) != CONNECTION_OK) {
		rc = fail(s, NULL, "cannot connect", err);
	} else {
		PQsetNoticeProcessor(p->conn, quiet, NULL);
		rc = ensure_schema(s, err);
	}
	if (rc) {
		close_pg(s);
		s->ops = NULL;
	}
	return rc;
}
