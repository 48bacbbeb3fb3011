/* pg.c - the PostgreSQL backend of the store (libpq), for a history that
 * a team or a CI fleet shares: the tables and encodings of sqlite.c over
 * one connection.
 *
 * Every value travels as a statement parameter, never inside SQL text;
 * blobs and doubles travel in binary, so nothing is quoted or rounded.
 * Each added run is one transaction, its rows sent as arrays in a
 * statement per chunk of benchmarks (pg_rows.c) and pipelined, so that a
 * server across a network costs a few round trips, not one per metric.  The
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

#include "tach/result.h"
#include "tach/stats.h"
#include "tach/store.h"
#include "store/conninfo.h"
#include "store/internal.h"
#include "store/pg_wire.h"

/* ---- adding a run ---- */

static int add_labels(tach_store *s, int64_t run_id, const tach_kvlist *l, tach_error *err)
{
	int rc = 0;
	for (size_t i = 0; !rc && l && i < l->n; i++) {
		args a = {0};
		tach__pg_arg_int(&a, run_id);
		tach__pg_arg_text(&a, l->items[i].key);
		tach__pg_arg_text(&a, l->items[i].value);
		rc = tach__pg_queue(s, ST_LABEL, &a, err);
	}
	return rc;
}

static int op_add(tach_store *s, const tach_result *r, const tach_kvlist *labels, int64_t *id,
                  tach_error *err)
{
	pg *p = s->impl;
	char added[32], *meta = tach__meta_json(r, labels), *fits = NULL;
	int rc = meta ? tach__fits_json(r, &fits) : TACH_ENOMEM;
	if (rc) {
		free(meta);
		snprintf(err->message, sizeof err->message, "%s: adding a run: %s", s->location,
		         rc == TACH_ENOMEM ? "out of memory" : "its complexity fits do not validate");
		return rc;
	}
	tach__now_utc(added, sizeof added);
	rc = tach__pg_prepare(s, err);
	/* inside tach_store_begin's transaction a run is a savepoint, so
	 * that a failed add undoes itself and no more */
	if (!rc)
		rc = tach__pg_script(s, s->batch ? "SAVEPOINT tach_add" : "BEGIN", "adding a run", err);
	if (rc) {
		free(meta);
		free(fits);
		return rc;
	}
	args a = {0};
	tach__pg_arg_text(&a, added);
	tach__pg_arg_text(&a, r->meta.timestamp ? r->meta.timestamp : added);
	tach__pg_arg_text(&a, r->meta.git_commit);
	tach__pg_arg_text(&a, r->meta.git_branch);
	if (r->meta.git_dirty >= 0)
		tach__pg_arg_int(&a, r->meta.git_dirty);
	else
		tach__pg_arg_text(&a, NULL);
	tach__pg_arg_text(&a, r->meta.hostname);
	tach__pg_arg_text(&a, r->meta.tool_version);
	tach__pg_arg_int(&a, (int64_t)r->n_benchmarks);
	tach__pg_arg_text(&a, meta);
	char testbed[TACH_TESTBED_MAX + 1];
	tach__pg_arg_text(&a, tach_meta_testbed(&r->meta, testbed, sizeof testbed));
	tach__pg_arg_text(&a, fits);
	PGresult *res = NULL;
	rc = tach__pg_run_stmt(s, ST_RUN, &a, &res, err);
	free(meta);
	free(fits);
	int64_t run_id = 0;
	if (!rc) {
		run_id = tach__pg_text_int(res, 0, 0);
		PQclear(res);
		if (!PQenterPipelineMode(p->conn))
			rc = tach__pg_fail(s, NULL, "adding a run", err);
	}
	if (!rc && !(rc = add_labels(s, run_id, &r->meta.labels, err)))
		rc = add_labels(s, run_id, labels, err);
	if (!rc)
		rc = tach__pg_queue_rows(s, run_id, r, err);
	if (PQpipelineStatus(p->conn) != PQ_PIPELINE_OFF) {
		tach_error ignored;
		int frc = tach__pg_flush(s, rc ? &ignored : err);
		rc = rc ? rc : frc;
		PQexitPipelineMode(p->conn);
	}
	if (!rc)
		rc = tach__pg_script(s, s->batch ? "RELEASE SAVEPOINT tach_add" : "COMMIT", "adding a run",
		                err);
	if (rc) {
		if (s->batch)
			tach__pg_quiet_script(s, "ROLLBACK TO SAVEPOINT tach_add; RELEASE SAVEPOINT tach_add");
		else
			tach__pg_rollback(s);
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
	tach__pg_arg_int(&a, id);
	PGresult *q;
	int rc = tach__pg_run(s,
	             "SELECT m.benchmark_id, m.name, m.unit, m.direction, m.flags, m.samples,"
	             " m.iterations, m.series FROM metrics m JOIN benchmarks b"
	             " ON b.id = m.benchmark_id WHERE b.run_id = $1 ORDER BY b.ord, b.id, m.id",
	             &a, 1, &q, "reading metrics", err);
	if (rc)
		return rc;
	size_t at = 0;
	for (int row = 0; !rc && row < PQntuples(q); row++) {
		int64_t bench = tach__pg_bin_int(q, row, 0);
		while (at < r->n_benchmarks && ids[at] != bench)
			at++;
		if (at == r->n_benchmarks) {
			rc = TACH_EFORMAT;
			break;
		}
		tach_metric *m = tach_benchmark_add_metric(r->benchmarks[at], tach__pg_field(q, row, 1),
		                                           tach__pg_field(q, row, 2),
		                                           (tach_direction)tach__pg_bin_int(q, row, 3));
		if (!m) {
			rc = TACH_ENOMEM;
			break;
		}
		m->flags = (unsigned)tach__pg_bin_int(q, row, 4);
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
	tach__pg_arg_int(&a, id);
	PGresult *q;
	int rc = tach__pg_run(s,
	             "SELECT id, name, params, extra FROM benchmarks WHERE run_id = $1"
	             " ORDER BY ord, id",
	             &a, 0, &q, "reading benchmarks", err);
	if (rc)
		return rc;
	int64_t *ids = malloc(((size_t)PQntuples(q) + 1) * sizeof *ids);
	long long *counts = malloc(((size_t)PQntuples(q) + 1) * sizeof *counts);
	rc = ids && counts ? 0 : TACH_ENOMEM;
	for (int row = 0; !rc && row < PQntuples(q); row++) {
		tach_benchmark *b = tach_result_add_benchmark(r, tach__pg_field(q, row, 1));
		if (!b) {
			rc = TACH_ENOMEM;
			break;
		}
		ids[row] = tach__pg_text_int(q, row, 0);
		counts[row] = -1;
		rc = tach__params_from_json(&b->params, tach__pg_field(q, row, 2));
		if (!rc && tach__pg_field(q, row, 3))
			rc = tach__bench_from_json(b, tach__pg_field(q, row, 3), &counts[row]);
	}
	PQclear(q);
	if (rc == TACH_EFORMAT)
		snprintf(err->message, sizeof err->message, "%s: a damaged benchmark in the store",
		         s->location);
	if (!rc)
		rc = read_metrics(s, id, r, ids, err);
	/* every metric row the benchmark counted when it was added */
	for (size_t i = 0; !rc && i < r->n_benchmarks; i++)
		if (counts[i] >= 0 && (long long)r->benchmarks[i]->n_metrics != counts[i]) {
			snprintf(err->message, sizeof err->message,
			         "%s: run #%lld is damaged in the store", s->location, (long long)id);
			rc = TACH_EFORMAT;
		}
	free(ids);
	free(counts);
	return rc;
}

static int op_get(tach_store *s, int64_t id, tach_result **out, tach_error *err)
{
	*out = NULL;
	args a = {0};
	tach__pg_arg_int(&a, id);
	PGresult *q;
	int rc = tach__pg_run(s, "SELECT meta, complexity FROM runs WHERE id = $1", &a, 0, &q,
	                      "reading a run", err);
	if (rc)
		return rc;
	if (PQntuples(q) != 1) {
		PQclear(q);
		return tach__pg_no_run(s, err, id);
	}
	tach_result *r = tach_result_new();
	rc = r ? 0 : TACH_ENOMEM;
	if (!rc) {
		/* the stored metadata replaces the new set's defaults */
		tach_meta_set(&r->meta.tool, NULL);
		tach_meta_set(&r->meta.tool_version, NULL);
		const char *meta = tach__pg_field(q, 0, 0), *fits = tach__pg_field(q, 0, 1);
		rc = meta ? tach__meta_from_json(r, meta, err) : TACH_EFORMAT;
		int in_fits = 0;
		/* the fits as the results format wrote them (NULL: none, or a run
		 * stored before schema 6) */
		if (!rc && fits)
			in_fits = (rc = tach__fits_from_json(r, fits, err)) != 0;
		if (rc && rc != TACH_ENOMEM) {
			char why[160] = "";
			if (in_fits)
				tach_error_format(err, why, sizeof why);
			snprintf(err->message, sizeof err->message,
			         "%s: run #%lld is damaged: its stored %s does not parse%s%s", s->location,
			         (long long)id, in_fits ? "complexity" : "metadata", why[0] ? ": " : "",
			         why);
			err->file = NULL;
			err->line = err->column = 0;
			rc = TACH_EFORMAT;
		}
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
	tach__pg_arg_int(&a, id);
	PGresult *q;
	/* the points first, in the same statement: they have no foreign key
	 * to cascade along (pg_wire.c, schema 5) */
	int rc = tach__pg_run(s,
	             "WITH p AS (DELETE FROM points WHERE run_id = $1::bigint)"
	             " DELETE FROM runs WHERE id = $1::bigint",
	             &a, 0, &q, "removing a run", err);
	if (rc)
		return rc;
	int gone = strcmp(PQcmdTuples(q), "0") != 0;
	PQclear(q);
	return gone ? 0 : tach__pg_no_run(s, err, id);
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
	tach__pg_arg_text(&a, pattern);
	PGresult *q;
	int rc = tach__pg_run(s, "SELECT DISTINCT name FROM series WHERE name LIKE $1", &a, 0, &q,
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
	tach__pg_arg_text(&a, ids);
	PGresult *q;
	int rc = tach__pg_run(s,
	             "SELECT run_id, key, value FROM run_labels WHERE run_id = ANY($1::bigint[])"
	             " ORDER BY run_id DESC, key COLLATE \"C\"",
	             &a, 0, &q, "listing runs", err);
	free(ids);
	if (rc)
		return rc;
	size_t at = 0;
	for (int row = 0; !rc && row < PQntuples(q); row++) {
		int64_t run_id = tach__pg_text_int(q, row, 0);
		while (at < n && v[at].id != run_id)
			at++;
		if (at == n)
			break; /* not in the order expected: cannot happen */
		rc = tach_kvlist_set(&v[at].labels, tach__pg_field(q, row, 1), tach__pg_field(q, row, 2));
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
	tach__pg_arg_text(&a, f ? f->branch : NULL);
	tach__pg_arg_text(&a, f ? f->since : NULL);
	tach__pg_arg_text(&a, like);
	tach__pg_arg_text(&a, names);
	if (f && f->limit)
		tach__pg_arg_int(&a, (int64_t)f->limit);
	else
		tach__pg_arg_text(&a, NULL); /* LIMIT NULL: all */
	tach__pg_arg_text(&a, f ? f->testbed : NULL);
	PGresult *q;
	rc = tach__pg_run(s,
	         "SELECT id, timestamp, git_commit, git_branch, git_dirty, host, n_benchmarks, testbed"
	         " FROM runs r WHERE ($1::text IS NULL OR git_branch = $1)"
	         " AND ($6::text IS NULL OR testbed = $6)"
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
		v[i].id = tach__pg_text_int(q, row, 0);
		v[i].git_dirty = tach__pg_field(q, row, 4) ? (int)tach__pg_text_int(q, row, 4) : -1;
		v[i].n_benchmarks = (size_t)tach__pg_text_int(q, row, 6);
		if (tach_meta_set(&v[i].timestamp, tach__pg_field(q, row, 1)) ||
		    tach_meta_set(&v[i].git_commit, tach__pg_field(q, row, 2)) ||
		    tach_meta_set(&v[i].git_branch, tach__pg_field(q, row, 3)) ||
		    tach_meta_set(&v[i].hostname, tach__pg_field(q, row, 5)) ||
		    tach_meta_set(&v[i].testbed, tach__pg_field(q, row, 7)))
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
	tach__pg_arg_text(&a, name);
	tach__pg_arg_int(&a, id);
	PGresult *q;
	/* from runs: no row, rather than a foreign-key error, for a missing run */
	int rc = tach__pg_run(s,
	             "INSERT INTO baselines(name, run_id) SELECT $1, id FROM runs WHERE id = $2"
	             " ON CONFLICT(name) DO UPDATE SET run_id = EXCLUDED.run_id",
	             &a, 0, &q, "setting a baseline", err);
	if (rc)
		return rc;
	int set = strcmp(PQcmdTuples(q), "0") != 0;
	PQclear(q);
	return set ? 0 : tach__pg_no_run(s, err, id);
}

/* *id = the first column of the first row of the query, or 0. */
static int one_id(tach_store *s, const char *sql, const args *a, int64_t *id, tach_error *err)
{
	PGresult *q;
	*id = 0;
	int rc = tach__pg_run(s, sql, a, 0, &q, "finding a run", err);
	if (rc)
		return rc;
	if (PQntuples(q) > 0)
		*id = tach__pg_text_int(q, 0, 0);
	PQclear(q);
	return 0;
}

static int op_baseline_get(tach_store *s, const char *name, int64_t *id, tach_error *err)
{
	args a = {0};
	tach__pg_arg_text(&a, name);
	return one_id(s, "SELECT run_id FROM baselines WHERE name = $1", &a, id, err);
}

static int op_find(tach_store *s, const tach__find *f, int64_t *id, char *testbed, size_t size,
                   tach_error *err)
{
	/* the query is assembled so that every parameter it declares is used
	 * (the server cannot type an unused one) and a testbed is a plain
	 * "testbed = $n" that the index runs_testbed(testbed, id) serves */
	args a = {0};
	char sql[256] = "SELECT id, testbed FROM runs WHERE ";
	size_t n = strlen(sql);
	switch (f->what) {
	case TACH__FIND_LATEST:
		n += (size_t)snprintf(sql + n, sizeof sql - n, "true");
		break;
	case TACH__FIND_COMMIT:
		tach__pg_arg_text(&a, f->text);
		n += (size_t)snprintf(sql + n, sizeof sql - n, "starts_with(git_commit, $1::text)");
		break;
	case TACH__FIND_BRANCH:
		tach__pg_arg_text(&a, f->text);
		n += (size_t)snprintf(sql + n, sizeof sql - n, "git_branch = $1");
		break;
	default:
		tach__pg_arg_int(&a, f->num);
		n += (size_t)snprintf(sql + n, sizeof sql - n, "id = $1::bigint");
		break;
	}
	if (f->testbed) {
		tach__pg_arg_text(&a, f->testbed);
		n += (size_t)snprintf(sql + n, sizeof sql - n, " AND testbed = $%d::text", a.n);
	}
	n += (size_t)snprintf(sql + n, sizeof sql - n, " ORDER BY id DESC LIMIT 1");
	if (f->what == TACH__FIND_LATEST) {
		tach__pg_arg_int(&a, f->num);
		snprintf(sql + n, sizeof sql - n, " OFFSET $%d::bigint", a.n);
	}
	PGresult *q;
	*id = 0;
	int rc = tach__pg_run(s, sql, &a, 0, &q, "finding a run", err);
	if (rc)
		return rc;
	if (PQntuples(q) > 0) {
		*id = tach__pg_text_int(q, 0, 0);
		snprintf(testbed, size, "%s", tach__pg_field(q, 0, 1) ? tach__pg_field(q, 0, 1) : "unknown");
	}
	PQclear(q);
	return 0;
}

/* ---- history ---- */

static int op_series(tach_store *s, const char *name, const char *params_key, const char *metric,
                     const char *branch, const char *testbed, tach_history_point **out, size_t *n,
                     tach_error *err)
{
	*out = NULL;
	*n = 0;
	args a = {0};
	tach__pg_arg_text(&a, name);
	tach__pg_arg_text(&a, params_key ? params_key : "");
	tach__pg_arg_text(&a, metric);
	tach__pg_arg_text(&a, branch);
	tach__pg_arg_text(&a, testbed);
	PGresult *q;
	/* binary: the medians come back bit for bit */
	int rc = tach__pg_run(s,
	             "SELECT r.id, r.timestamp, r.git_commit, p.median, p.n"
	             " FROM series s JOIN points p ON p.series_id = s.id"
	             " JOIN runs r ON r.id = p.run_id"
	             " WHERE s.name = $1 AND s.params_key = $2 AND s.metric = $3"
	             " AND ($4::text IS NULL OR r.git_branch = $4)"
	             " AND ($5::text IS NULL OR r.testbed = $5)"
	             " AND p.median IS NOT NULL" /* a metric without samples in that run */
	             " ORDER BY r.timestamp COLLATE \"C\" NULLS FIRST, r.id, p.ord, p.pos",
	             &a, 1, &q, "reading a series", err);
	if (rc)
		return rc;
	size_t rows = (size_t)PQntuples(q);
	tach_history_point *p = rows ? calloc(rows, sizeof *p) : NULL;
	rc = rows && !p ? TACH_ENOMEM : 0;
	for (size_t i = 0; !rc && i < rows; i++) {
		int row = (int)i;
		p[i].run = tach__pg_bin_int(q, row, 0);
		p[i].median = tach__pg_bin_double(q, row, 3);
		p[i].n = (size_t)tach__pg_bin_int(q, row, 4);
		if (tach_meta_set(&p[i].timestamp, tach__pg_field(q, row, 1)) ||
		    tach_meta_set(&p[i].git_commit, tach__pg_field(q, row, 2)))
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

static int op_testbeds(tach_store *s, tach_testbed_info **out, size_t *n, tach_error *err)
{
	PGresult *q;
	int rc = tach__pg_run(s,
	             "SELECT testbed, count(*), max(timestamp COLLATE \"C\") FROM runs"
	             " GROUP BY testbed ORDER BY testbed COLLATE \"C\"",
	             NULL, 0, &q, "listing testbeds", err);
	if (rc)
		return rc;
	size_t rows = (size_t)PQntuples(q);
	tach_testbed_info *v = rows ? calloc(rows, sizeof *v) : NULL;
	rc = rows && !v ? TACH_ENOMEM : 0;
	for (size_t i = 0; !rc && i < rows; i++) {
		v[i].n_runs = (size_t)tach__pg_text_int(q, (int)i, 1);
		if (tach_meta_set(&v[i].name, tach__pg_field(q, (int)i, 0)) ||
		    tach_meta_set(&v[i].latest, tach__pg_field(q, (int)i, 2)))
			rc = TACH_ENOMEM;
	}
	PQclear(q);
	if (rc) {
		tach_testbed_infos_free(v, rows);
		return rc;
	}
	*out = v;
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
	tach__pg_arg_text(&a, like);
	tach__pg_arg_text(&a, names);
	tach__pg_arg_text(&a, metric);
	PGresult *q;
	/* each (benchmark, parameters, metric) once, as first stored, in the
	 * order first stored */
	rc = tach__pg_run(s,
	         "SELECT name, params, metric, unit, direction FROM series s"
	         " WHERE ($1::text IS NULL OR name LIKE $1)"
	         " AND ($2::text[] IS NULL OR name = ANY($2::text[]))"
	         " AND ($3::text IS NULL OR metric = $3)"
	         /* runs: one deleted by hand in SQL leaves its points behind */
	         " AND EXISTS (SELECT 1 FROM points p JOIN runs r ON r.id = p.run_id"
	         " WHERE p.series_id = s.id)"
	         " ORDER BY first_run, first_ord, first_pos",
	         &a, 0, &q, "listing series", err);
	free(like);
	free(names);
	if (rc)
		return rc;
	tach_result *r = tach_result_new();
	rc = r ? 0 : TACH_ENOMEM;
	for (int row = 0; !rc && row < PQntuples(q); row++)
		rc = tach__catalog_add(r, tach__pg_field(q, row, 0), tach__pg_field(q, row, 1),
		                       tach__pg_field(q, row, 2), tach__pg_field(q, row, 3),
		                       (int)tach__pg_text_int(q, row, 4));
	PQclear(q);
	if (rc == TACH_EFORMAT)
		snprintf(err->message, sizeof err->message, "%s: a damaged benchmark in the store",
		         s->location);
	if (rc) {
		tach_result_free(r);
		return rc;
	}
	*out = r;
	return 0;
}

/* The library never prints: notices ("table exists, skipping") go nowhere. */
static void quiet(void *arg, const char *message)
{
	(void)arg;
	(void)message;
}

static int op_txn(tach_store *s, int what, tach_error *err)
{
	static const char *const sql[] = {"BEGIN", "COMMIT", "ROLLBACK"};
	static const char *const doing[] = {"starting a transaction", "committing", "rolling back"};
	PGresult *q;
	int rc = tach__pg_run(s, sql[what], NULL, 0, &q, doing[what], err);
	if (rc)
		return rc;
	/* COMMIT of a transaction the server aborted answers ROLLBACK */
	if (what == TACH__TXN_COMMIT && strcmp(PQcmdStatus(q), "COMMIT")) {
		snprintf(err->message, sizeof err->message, "%s: committing: the server rolled back",
		         s->location);
		rc = TACH_EIO;
	}
	PQclear(q);
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
	.testbeds = op_testbeds,
	.catalog = op_catalog,
	.txn = op_txn,
	.close = tach__pg_close_pg,
};

int tach__pg_open(tach_store *s, const char *conninfo, tach_error *err)
{
	pg *p = calloc(1, sizeof *p);
	if (!p)
		return TACH_ENOMEM;
	int rc = tach__pg_find_password(s, conninfo, &p->password, err);
	if (rc) {
		free(p);
		return rc;
	}
	const char *keys[6], *vals[6];
	tach__conninfo_params(conninfo, keys, vals);
	p->conn = PQconnectdbParams(keys, vals, 1);
	s->impl = p;
	s->ops = &pg_ops;
	if (!p->conn) {
		rc = TACH_ENOMEM;
	} else if (PQstatus(p->conn) != CONNECTION_OK) {
		rc = tach__pg_fail(s, NULL, "cannot connect", err);
	} else {
		PQsetNoticeProcessor(p->conn, quiet, NULL);
		rc = PQsetnonblocking(p->conn, 1) ? tach__pg_fail(s, NULL, "connecting", err)
		                                  : tach__pg_session_limits(s, err);
		if (!rc)
			rc = s->readonly ? tach__pg_reader_schema(s, err) : tach__pg_ensure_schema(s, err);
	}
	if (rc) {
		tach__pg_close_pg(s);
		s->ops = NULL;
	}
	return rc;
}
