/* sqlite.c - the SQLite backend of the store: one file, WAL mode, a busy
 * timeout, foreign keys, one IMMEDIATE transaction per added run.
 *
 * Why these settings: WAL lets readers (tach trend) run while a CI job
 * adds a run, and a process killed mid-write leaves only whole committed
 * runs (the write-ahead log is replayed or discarded as a unit).
 * synchronous=NORMAL keeps that guarantee for a killed process and costs
 * no fsync per commit; only a power cut can lose the newest run.  BEGIN
 * IMMEDIATE takes the write lock up front, so two writers queue under the
 * busy timeout instead of deadlocking on a lock upgrade.
 *
 * This file holds the operations on runs; sqlite_schema.c opens the file
 * and creates or upgrades its schema.
 */
#include <errno.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "tach/result.h"
#include "tach/stats.h"
#include "tach/store.h"
#include "store/sqlite_impl.h"

static const char *const stmt_sql[N_STMT] = {
	"INSERT INTO runs(added, timestamp, git_commit, git_branch, git_dirty, host,"
	" tool_version, n_benchmarks, meta, testbed, complexity) VALUES(?,?,?,?,?,?,?,?,?,?,?)",
	"INSERT OR REPLACE INTO run_labels(run_id, key, value) VALUES(?,?,?)",
	"INSERT INTO benchmarks(run_id, ord, name, params_key, params, extra) VALUES(?,?,?,?,?,?)",
	"INSERT INTO metrics(benchmark_id, name, unit, direction, flags, n, median, samples,"
	" iterations, series) VALUES(?,?,?,?,?,?,?,?,?,?)",
};

int tach__sq_fail(tach_store *s, tach_error *err, const char *what)
{
	db *d = s->impl;
	int code = d && d->h ? sqlite3_extended_errcode(d->h) : SQLITE_ERROR;
	if (err) {
		err->line = err->column = 0;
		const char *why = d && d->h ? sqlite3_errmsg(d->h) : "out of memory";
		if ((code & 0xff) == SQLITE_FULL)
			why = "the disk is full";
		else if ((code & 0xff) == SQLITE_READONLY)
			why = "the database is read-only";
		int sys = d && d->h ? sqlite3_system_errno(d->h) : 0;
		if (sys && (code & 0xff) == SQLITE_IOERR)
			snprintf(err->message, sizeof err->message, "%s: %s: %s (%s)", s->location, what,
			         why, strerror(sys));
		else
			snprintf(err->message, sizeof err->message, "%s: %s: %s", s->location, what, why);
	}
	if ((code & 0xff) == SQLITE_NOMEM || !d || !d->h)
		return TACH_ENOMEM;
	return (code & 0xff) == SQLITE_FULL ? -ENOSPC : TACH_EIO;
}

int tach__sq_exec(tach_store *s, const char *sql, tach_error *err)
{
	db *d = s->impl;
	return sqlite3_exec(d->h, sql, NULL, NULL, NULL) == SQLITE_OK ? 0 : tach__sq_fail(s, err, "SQL");
}

/* The end of a loop over a statement's rows, before the statement is
 * finalized: a step that is neither a row nor done (a damaged page, an
 * I/O error) is an error naming the store, never a shorter answer.  rc is
 * the loop's own error, which wins. */
int tach__sq_rows_end(tach_store *s, int step, int rc, const char *what, tach_error *err)
{
	return rc || step == SQLITE_DONE ? rc : tach__sq_fail(s, err, what);
}

/* A run whose rows do not hold together (a NULL where the schema says
 * NOT NULL, a blob of the wrong length, fewer benchmarks than the run
 * counted, stored metadata that no longer parses): the store is damaged
 * there.  A message already in err (the parser's) is kept as the reason. */
int tach__sq_damaged(tach_store *s, tach_error *err, int64_t run)
{
	char why[200] = "";
	if (err->message[0])
		tach_error_format(err, why, sizeof why);
	char what[48] = "the store";
	if (run)
		snprintf(what, sizeof what, "run #%lld", (long long)run);
	memset(err, 0, sizeof *err);
	/* The reason is cut rather than the location when both are long; the
	 * length is checked so a compiler sees the cut is meant. */
	int n = snprintf(err->message, sizeof err->message, "%s: %s is damaged%s%s", s->location,
	                 what, why[0] ? ": " : "", why);
	if (n >= (int)sizeof err->message)
		memcpy(err->message + sizeof err->message - 4, "...", 4);
	return TACH_EFORMAT;
}

void tach__sq_close(tach_store *s)
{
	db *d = s->impl;
	if (!d)
		return;
	for (int i = 0; i < N_STMT; i++)
		sqlite3_finalize(d->st[i]);
	sqlite3_close_v2(d->h);
	free(d);
	s->impl = NULL;
}

static sqlite3_stmt *stmt(tach_store *s, int which)
{
	db *d = s->impl;
	if (!d->st[which] &&
	    sqlite3_prepare_v3(d->h, stmt_sql[which], -1, SQLITE_PREPARE_PERSISTENT, &d->st[which],
	                       NULL) != SQLITE_OK)
		return NULL;
	sqlite3_reset(d->st[which]);
	sqlite3_clear_bindings(d->st[which]);
	return d->st[which];
}

/* SQLITE_STATIC, not TRANSIENT: a copy can fail for memory, and a failed
 * bind leaves the parameter NULL while the step goes on (a run stored with
 * a field missing).  Every caller's string outlives its step, and stmt()
 * clears the bindings before a cached statement is used again. */
static void bind_text(sqlite3_stmt *q, int i, const char *t)
{
	if (t)
		sqlite3_bind_text(q, i, t, -1, SQLITE_STATIC);
	else
		sqlite3_bind_null(q, i);
}

static int add_metric(tach_store *s, int64_t bench_id, const tach_metric *m)
{
	sqlite3_stmt *q = stmt(s, ST_METRIC);
	if (!q)
		return -1;
	double median = 0;
	size_t slen, ilen = 0, serlen;
	int oom;
	unsigned char *samples = tach__pack_doubles(m->samples, m->n_samples, &slen);
	unsigned char *iters = m->iterations ? tach__pack_u64(m->iterations, m->n_samples, &ilen)
	                                     : NULL;
	unsigned char *series = tach__pack_series(m, &serlen, &oom);
	int rc = -1;
	if (samples && (!m->iterations || iters) && !oom) {
		sqlite3_bind_int64(q, 1, bench_id);
		bind_text(q, 2, m->name);
		bind_text(q, 3, m->unit);
		sqlite3_bind_int(q, 4, (int)m->direction);
		sqlite3_bind_int(q, 5, (int)m->flags);
		sqlite3_bind_int64(q, 6, (sqlite3_int64)m->n_samples);
		if (m->n_samples && tach_stats_median(m->samples, m->n_samples, &median) == 0)
			sqlite3_bind_double(q, 7, median);
		sqlite3_bind_blob(q, 8, samples, (int)slen, SQLITE_STATIC);
		if (iters)
			sqlite3_bind_blob(q, 9, iters, (int)ilen, SQLITE_STATIC);
		if (series)
			sqlite3_bind_blob(q, 10, series, (int)serlen, SQLITE_STATIC);
		rc = sqlite3_step(q) == SQLITE_DONE ? 0 : -1;
		sqlite3_reset(q);
	}
	free(samples);
	free(iters);
	free(series);
	return rc;
}

static int add_bench(tach_store *s, int64_t run, size_t ord, const tach_benchmark *b)
{
	sqlite3_stmt *q = stmt(s, ST_BENCH);
	char *key = tach__params_key(&b->params), *params = tach__params_json(&b->params);
	char *extra = tach__bench_json(b);
	int rc = -1;
	if (q && key && params && extra) {
		sqlite3_bind_int64(q, 1, run);
		sqlite3_bind_int64(q, 2, (sqlite3_int64)ord);
		bind_text(q, 3, b->name);
		bind_text(q, 4, key);
		bind_text(q, 5, params);
		bind_text(q, 6, extra);
		rc = sqlite3_step(q) == SQLITE_DONE ? 0 : -1;
	}
	free(key);
	free(params);
	free(extra);
	if (rc)
		return rc;
	int64_t id = sqlite3_last_insert_rowid(((db *)s->impl)->h);
	for (size_t i = 0; !rc && i < b->n_metrics; i++)
		rc = add_metric(s, id, b->metrics[i]);
	return rc;
}

int tach__sq_add_labels(tach_store *s, int64_t run, const tach_kvlist *l)
{
	for (size_t i = 0; l && i < l->n; i++) {
		sqlite3_stmt *q = stmt(s, ST_LABEL);
		if (!q)
			return -1;
		sqlite3_bind_int64(q, 1, run);
		bind_text(q, 2, l->items[i].key);
		bind_text(q, 3, l->items[i].value);
		if (sqlite3_step(q) != SQLITE_DONE)
			return -1;
	}
	return 0;
}

static int op_add(tach_store *s, const tach_result *r, const tach_kvlist *labels, int64_t *id,
                  tach_error *err)
{
	db *d = s->impl;
	char *meta = tach__meta_json(r, labels), added[32], *fits = NULL;
	int rc = meta ? tach__fits_json(r, &fits) : TACH_ENOMEM;
	if (rc) {
		free(meta);
		if (err)
			snprintf(err->message, sizeof err->message, "%s: adding a run: %s", s->location,
			         rc == TACH_ENOMEM ? "out of memory" : "its complexity fits do not validate");
		return rc;
	}
	tach__now_utc(added, sizeof added);
	/* inside tach_store_begin's transaction a run is a savepoint, so
	 * that a failed add undoes itself and no more */
	rc = tach__sq_exec(s, s->batch ? "SAVEPOINT tach_add" : "BEGIN IMMEDIATE", err);
	if (rc) {
		free(meta);
		free(fits);
		return rc;
	}
	sqlite3_stmt *q = stmt(s, ST_RUN);
	int ok = q != NULL;
	if (ok) {
		bind_text(q, 1, added);
		bind_text(q, 2, r->meta.timestamp ? r->meta.timestamp : added);
		bind_text(q, 3, r->meta.git_commit);
		bind_text(q, 4, r->meta.git_branch);
		if (r->meta.git_dirty >= 0)
			sqlite3_bind_int(q, 5, r->meta.git_dirty);
		bind_text(q, 6, r->meta.hostname);
		bind_text(q, 7, r->meta.tool_version);
		sqlite3_bind_int64(q, 8, (sqlite3_int64)r->n_benchmarks);
		bind_text(q, 9, meta);
		char testbed[TACH_TESTBED_MAX + 1];
		bind_text(q, 10, tach_meta_testbed(&r->meta, testbed, sizeof testbed));
		bind_text(q, 11, fits);
		ok = sqlite3_step(q) == SQLITE_DONE;
	}
	free(meta);
	free(fits);
	int64_t run = ok ? sqlite3_last_insert_rowid(d->h) : 0;
	ok = ok && !tach__sq_add_labels(s, run, &r->meta.labels) && !tach__sq_add_labels(s, run, labels);
	for (size_t i = 0; ok && i < r->n_benchmarks; i++)
		ok = !add_bench(s, run, i, r->benchmarks[i]);
	if (ok && sqlite3_exec(d->h, s->batch ? "RELEASE tach_add" : "COMMIT", NULL, NULL, NULL) ==
	                  SQLITE_OK) {
		*id = run;
		return 0;
	}
	int last = sqlite3_errcode(d->h);
	if (last == SQLITE_OK || last == SQLITE_DONE || last == SQLITE_ROW) {
		/* nothing failed in SQLite: one of our own allocations did */
		rc = TACH_ENOMEM;
		if (err)
			snprintf(err->message, sizeof err->message, "%s: adding a run: out of memory",
			         s->location);
	} else {
		rc = tach__sq_fail(s, err, "adding a run");
	}
	sqlite3_exec(d->h, s->batch ? "ROLLBACK TO tach_add; RELEASE tach_add" : "ROLLBACK", NULL,
	             NULL, NULL);
	return rc;
}

static int no_run(tach_store *s, tach_error *err, int64_t id)
{
	snprintf(err->message, sizeof err->message, "%s: no run #%lld", s->location, (long long)id);
	return TACH_EINVAL;
}

static const char *col_text(sqlite3_stmt *q, int i)
{
	return (const char *)sqlite3_column_text(q, i);
}

static int read_metrics(tach_store *s, int64_t bench_id, tach_benchmark *b, tach_error *err)
{
	db *d = s->impl;
	sqlite3_stmt *q;
	if (sqlite3_prepare_v2(d->h,
	                       "SELECT name, unit, direction, flags, samples, iterations, series, n"
	                       " FROM metrics WHERE benchmark_id = ? ORDER BY id",
	                       -1, &q, NULL) != SQLITE_OK)
		return tach__sq_fail(s, err, "reading metrics");
	sqlite3_bind_int64(q, 1, bench_id);
	int rc = 0, step = SQLITE_DONE;
	while (!rc && (step = sqlite3_step(q)) == SQLITE_ROW) {
		if (!col_text(q, 0) || !col_text(q, 1)) {
			rc = TACH_EFORMAT;
			break;
		}
		tach_metric *m = tach_benchmark_add_metric(b, col_text(q, 0), col_text(q, 1),
		                                           (tach_direction)sqlite3_column_int(q, 2));
		if (!m) {
			rc = TACH_ENOMEM;
			break;
		}
		m->flags = (unsigned)sqlite3_column_int(q, 3);
		const void *sb = sqlite3_column_blob(q, 4);
		size_t sl = (size_t)sqlite3_column_bytes(q, 4);
		const void *ib = sqlite3_column_blob(q, 5);
		size_t il = (size_t)sqlite3_column_bytes(q, 5);
		rc = tach__unpack_samples(m, sb, sl, ib, il);
		if (!rc)
			rc = tach__unpack_series(m, sqlite3_column_blob(q, 6),
			                         (size_t)sqlite3_column_bytes(q, 6));
		/* the count stored beside the samples: a blob cut short is damage */
		if (!rc && m->n_samples != (size_t)sqlite3_column_int64(q, 7))
			rc = TACH_EFORMAT;
	}
	rc = tach__sq_rows_end(s, step, rc, "reading metrics", err);
	sqlite3_finalize(q);
	return rc;
}

static int op_get(tach_store *s, int64_t id, tach_result **out, tach_error *err)
{
	db *d = s->impl;
	sqlite3_stmt *q;
	*out = NULL;
	if (sqlite3_prepare_v2(d->h, "SELECT meta, n_benchmarks, complexity FROM runs WHERE id = ?",
	                       -1, &q, NULL) != SQLITE_OK)
		return tach__sq_fail(s, err, "reading a run");
	sqlite3_bind_int64(q, 1, id);
	int step = sqlite3_step(q);
	if (step != SQLITE_ROW) {
		int rc = step == SQLITE_DONE ? no_run(s, err, id) : tach__sq_fail(s, err, "reading a run");
		sqlite3_finalize(q);
		return rc;
	}
	tach_result *r = tach_result_new();
	int64_t counted = sqlite3_column_int64(q, 1);
	int rc = !r ? TACH_ENOMEM : !col_text(q, 0) ? TACH_EFORMAT
	                                            : tach__meta_from_json(r, col_text(q, 0), err);
	/* the fits as the results format wrote them (NULL: none, or a run
	 * stored before schema 5) */
	if (!rc && col_text(q, 2))
		rc = tach__fits_from_json(r, col_text(q, 2), err);
	if (rc && rc != TACH_ENOMEM)
		rc = TACH_EFORMAT; /* the metadata or fits tach wrote no longer parse */
	sqlite3_finalize(q);
	if (!rc && sqlite3_prepare_v2(d->h,
	                              "SELECT id, name, params, extra FROM benchmarks"
	                              " WHERE run_id = ? ORDER BY ord",
	                              -1, &q, NULL) != SQLITE_OK)
		rc = tach__sq_fail(s, err, "reading benchmarks");
	else if (!rc) {
		sqlite3_bind_int64(q, 1, id);
		while (!rc && (step = sqlite3_step(q)) == SQLITE_ROW) {
			if (!col_text(q, 1) || !col_text(q, 2)) {
				rc = TACH_EFORMAT;
				break;
			}
			tach_benchmark *b = tach_result_add_benchmark(r, col_text(q, 1));
			if (!b) {
				rc = TACH_ENOMEM;
				break;
			}
			long long n_metrics = -1;
			rc = tach__params_from_json(&b->params, col_text(q, 2));
			if (!rc && col_text(q, 3))
				rc = tach__bench_from_json(b, col_text(q, 3), &n_metrics);
			if (!rc)
				rc = read_metrics(s, sqlite3_column_int64(q, 0), b, err);
			if (!rc && n_metrics >= 0 && (long long)b->n_metrics != n_metrics)
				rc = TACH_EFORMAT;
		}
		rc = tach__sq_rows_end(s, step, rc, "reading benchmarks", err);
		sqlite3_finalize(q);
	}
	/* the run counted its benchmarks when added: fewer rows is loss */
	if (!rc && (int64_t)r->n_benchmarks != counted)
		rc = TACH_EFORMAT;
	if (rc == TACH_EFORMAT)
		tach__sq_damaged(s, err, id);
	if (rc) {
		tach_result_free(r);
		return rc;
	}
	*out = r;
	return 0;
}

static int op_remove(tach_store *s, int64_t id, tach_error *err)
{
	db *d = s->impl;
	sqlite3_stmt *q;
	if (sqlite3_prepare_v2(d->h, "DELETE FROM runs WHERE id = ?", -1, &q, NULL) != SQLITE_OK)
		return tach__sq_fail(s, err, "removing a run");
	sqlite3_bind_int64(q, 1, id);
	int step = sqlite3_step(q);
	sqlite3_finalize(q);
	if (step != SQLITE_DONE)
		return tach__sq_fail(s, err, "removing a run");
	return sqlite3_changes(d->h) ? 0 : no_run(s, err, id);
}

static int op_list(tach_store *s, const tach_run_filter *f, tach_run_info **out, size_t *n,
                   tach_error *err)
{
	db *d = s->impl;
	sqlite3_stmt *q, *lq;
	*out = NULL;
	*n = 0;
	if (sqlite3_prepare_v2(d->h,
	                       "SELECT id, timestamp, git_commit, git_branch, git_dirty, host,"
	                       " n_benchmarks, testbed FROM runs r WHERE (?1 IS NULL OR git_branch = ?1)"
	                       " AND (?5 IS NULL OR testbed = ?5)"
	                       " AND (?2 IS NULL OR timestamp >= ?2) AND (?3 IS NULL OR EXISTS"
	                       " (SELECT 1 FROM benchmarks b WHERE b.run_id = r.id"
	                       " AND tach_glob(?3, b.name)))"
	                       " ORDER BY id DESC LIMIT ?4",
	                       -1, &q, NULL) != SQLITE_OK)
		return tach__sq_fail(s, err, "listing runs");
	if (sqlite3_prepare_v2(d->h, "SELECT key, value FROM run_labels WHERE run_id = ?", -1, &lq,
	                       NULL) != SQLITE_OK) {
		sqlite3_finalize(q);
		return tach__sq_fail(s, err, "listing runs");
	}
	bind_text(q, 1, f ? f->branch : NULL);
	bind_text(q, 2, f ? f->since : NULL);
	bind_text(q, 3, f ? f->bench : NULL);
	sqlite3_bind_int64(q, 4, f && f->limit ? (sqlite3_int64)f->limit : -1);
	bind_text(q, 5, f ? f->testbed : NULL);
	size_t cap = 0;
	int rc = 0, step = SQLITE_DONE;
	while (!rc && (step = sqlite3_step(q)) == SQLITE_ROW) {
		if (tach__grow((void **)out, &cap, *n + 1, sizeof **out)) {
			rc = TACH_ENOMEM;
			break;
		}
		tach_run_info *ri = &(*out)[(*n)++];
		memset(ri, 0, sizeof *ri);
		ri->id = sqlite3_column_int64(q, 0);
		ri->git_dirty = sqlite3_column_type(q, 4) == SQLITE_NULL ? -1 : sqlite3_column_int(q, 4);
		ri->n_benchmarks = (size_t)sqlite3_column_int64(q, 6);
		if (tach_meta_set(&ri->timestamp, col_text(q, 1)) ||
		    tach_meta_set(&ri->git_commit, col_text(q, 2)) ||
		    tach_meta_set(&ri->git_branch, col_text(q, 3)) ||
		    tach_meta_set(&ri->hostname, col_text(q, 5)) ||
		    tach_meta_set(&ri->testbed, col_text(q, 7)))
			rc = TACH_ENOMEM;
		sqlite3_reset(lq);
		sqlite3_bind_int64(lq, 1, ri->id);
		int lstep = SQLITE_DONE;
		while (!rc && (lstep = sqlite3_step(lq)) == SQLITE_ROW)
			rc = !col_text(lq, 0) || !col_text(lq, 1)
			             ? tach__sq_damaged(s, err, ri->id)
			             : tach_kvlist_set(&ri->labels, col_text(lq, 0), col_text(lq, 1));
		rc = tach__sq_rows_end(s, lstep, rc, "listing runs", err);
	}
	rc = tach__sq_rows_end(s, step, rc, "listing runs", err);
	sqlite3_finalize(q);
	sqlite3_finalize(lq);
	if (rc) {
		tach_run_infos_free(*out, *n);
		*out = NULL;
		*n = 0;
	}
	return rc;
}

static int op_baseline_set(tach_store *s, const char *name, int64_t id, tach_error *err)
{
	db *d = s->impl;
	sqlite3_stmt *q;
	if (sqlite3_prepare_v2(d->h,
	                       "INSERT INTO baselines(name, run_id) VALUES(?, ?)"
	                       " ON CONFLICT(name) DO UPDATE SET run_id = excluded.run_id",
	                       -1, &q, NULL) != SQLITE_OK)
		return tach__sq_fail(s, err, "setting a baseline");
	bind_text(q, 1, name);
	sqlite3_bind_int64(q, 2, id);
	int step = sqlite3_step(q);
	sqlite3_finalize(q);
	if (step == SQLITE_CONSTRAINT || sqlite3_extended_errcode(d->h) == SQLITE_CONSTRAINT_FOREIGNKEY)
		return no_run(s, err, id);
	return step == SQLITE_DONE ? 0 : tach__sq_fail(s, err, "setting a baseline");
}

/* One int64 from a query with one text and one integer parameter. */
static int one_id(tach_store *s, const char *sql, const char *text, int64_t num, int64_t *id,
                  tach_error *err)
{
	db *d = s->impl;
	sqlite3_stmt *q;
	*id = 0;
	if (sqlite3_prepare_v2(d->h, sql, -1, &q, NULL) != SQLITE_OK)
		return tach__sq_fail(s, err, "finding a run");
	bind_text(q, 1, text);
	sqlite3_bind_int64(q, 2, num);
	int step = sqlite3_step(q);
	if (step == SQLITE_ROW)
		*id = sqlite3_column_int64(q, 0);
	sqlite3_finalize(q);
	return step == SQLITE_ROW || step == SQLITE_DONE ? 0 : tach__sq_fail(s, err, "finding a run");
}

static int op_baseline_get(tach_store *s, const char *name, int64_t *id, tach_error *err)
{
	return one_id(s, "SELECT run_id FROM baselines WHERE name = ?1 AND ?2 = ?2", name, 0, id,
	              err);
}

/* The queries of op_find by tach__find.what, without and with a testbed
 * (?1 text, ?2 num, ?3 testbed); a testbed of its own query rather than
 * "?3 IS NULL OR" keeps the indexes runs_testbed, runs_branch and
 * runs_commit usable. */
static const char *const find_sql[][2] = {
	[TACH__FIND_LATEST] = {"SELECT id, testbed FROM runs ORDER BY id DESC LIMIT 1 OFFSET ?2",
	                       "SELECT id, testbed FROM runs WHERE testbed = ?3"
	                       " ORDER BY id DESC LIMIT 1 OFFSET ?2"},
	[TACH__FIND_COMMIT] = {"SELECT id, testbed FROM runs WHERE substr(git_commit, 1, length(?1)) = ?1"
	                       " ORDER BY id DESC LIMIT 1",
	                       "SELECT id, testbed FROM runs WHERE substr(git_commit, 1, length(?1)) = ?1"
	                       " AND testbed = ?3 ORDER BY id DESC LIMIT 1"},
	[TACH__FIND_BRANCH] = {"SELECT id, testbed FROM runs WHERE git_branch = ?1"
	                       " ORDER BY id DESC LIMIT 1",
	                       "SELECT id, testbed FROM runs WHERE git_branch = ?1 AND testbed = ?3"
	                       " ORDER BY id DESC LIMIT 1"},
	[TACH__FIND_ID] = {"SELECT id, testbed FROM runs WHERE id = ?2",
	                   "SELECT id, testbed FROM runs WHERE id = ?2 AND testbed = ?3"},
};

static int op_find(tach_store *s, const tach__find *f, int64_t *id, char *testbed, size_t size,
                   tach_error *err)
{
	db *d = s->impl;
	sqlite3_stmt *q;
	*id = 0;
	if (sqlite3_prepare_v2(d->h, find_sql[f->what][f->testbed != NULL], -1, &q, NULL) != SQLITE_OK)
		return tach__sq_fail(s, err, "finding a run");
	/* a parameter the query does not hold is SQLITE_RANGE, harmless */
	bind_text(q, 1, f->text);
	sqlite3_bind_int64(q, 2, f->num);
	bind_text(q, 3, f->testbed);
	int step = sqlite3_step(q);
	if (step == SQLITE_ROW) {
		*id = sqlite3_column_int64(q, 0);
		snprintf(testbed, size, "%s", col_text(q, 1) ? col_text(q, 1) : "unknown");
	}
	sqlite3_finalize(q);
	return step == SQLITE_ROW || step == SQLITE_DONE ? 0 : tach__sq_fail(s, err, "finding a run");
}

static int op_series(tach_store *s, const char *name, const char *params_key, const char *metric,
                     const char *branch, const char *testbed, tach_history_point **out, size_t *n,
                     tach_error *err)
{
	db *d = s->impl;
	sqlite3_stmt *q;
	*out = NULL;
	*n = 0;
	if (sqlite3_prepare_v2(d->h,
	                       "SELECT r.id, r.timestamp, r.git_commit, m.median, m.n"
	                       " FROM benchmarks b JOIN runs r ON r.id = b.run_id"
	                       " JOIN metrics m ON m.benchmark_id = b.id"
	                       " WHERE b.name = ?1 AND b.params_key = ?2 AND m.name = ?3"
	                       " AND (?4 IS NULL OR r.git_branch = ?4)"
	                       " AND (?5 IS NULL OR r.testbed = ?5)"
	                       " ORDER BY r.timestamp, r.id",
	                       -1, &q, NULL) != SQLITE_OK)
		return tach__sq_fail(s, err, "reading a series");
	bind_text(q, 1, name);
	bind_text(q, 2, params_key);
	bind_text(q, 3, metric);
	bind_text(q, 4, branch);
	bind_text(q, 5, testbed);
	size_t cap = 0;
	int rc = 0, step = SQLITE_DONE;
	while (!rc && (step = sqlite3_step(q)) == SQLITE_ROW) {
		if (sqlite3_column_type(q, 3) == SQLITE_NULL)
			continue; /* a metric without samples in that run */
		if (tach__grow((void **)out, &cap, *n + 1, sizeof **out)) {
			rc = TACH_ENOMEM;
			break;
		}
		tach_history_point *p = &(*out)[(*n)++];
		memset(p, 0, sizeof *p);
		p->run = sqlite3_column_int64(q, 0);
		p->median = sqlite3_column_double(q, 3);
		p->n = (size_t)sqlite3_column_int64(q, 4);
		if (tach_meta_set(&p->timestamp, col_text(q, 1)) ||
		    tach_meta_set(&p->git_commit, col_text(q, 2)))
			rc = TACH_ENOMEM;
	}
	rc = tach__sq_rows_end(s, step, rc, "reading a series", err);
	sqlite3_finalize(q);
	if (rc) {
		tach_history_points_free(*out, *n);
		*out = NULL;
		*n = 0;
	}
	return rc;
}

static int op_testbeds(tach_store *s, tach_testbed_info **out, size_t *n, tach_error *err)
{
	db *d = s->impl;
	sqlite3_stmt *q;
	if (sqlite3_prepare_v2(d->h,
	                       "SELECT testbed, count(*), max(timestamp) FROM runs GROUP BY testbed"
	                       " ORDER BY testbed",
	                       -1, &q, NULL) != SQLITE_OK)
		return tach__sq_fail(s, err, "listing testbeds");
	size_t cap = 0;
	int rc = 0, step = SQLITE_DONE;
	while (!rc && (step = sqlite3_step(q)) == SQLITE_ROW) {
		if (tach__grow((void **)out, &cap, *n + 1, sizeof **out)) {
			rc = TACH_ENOMEM;
			break;
		}
		tach_testbed_info *t = &(*out)[(*n)++];
		memset(t, 0, sizeof *t);
		t->n_runs = (size_t)sqlite3_column_int64(q, 1);
		if (!col_text(q, 0))
			rc = tach__sq_damaged(s, err, 0);
		else if (tach_meta_set(&t->name, col_text(q, 0)) ||
		         tach_meta_set(&t->latest, col_text(q, 2)))
			rc = TACH_ENOMEM;
	}
	rc = tach__sq_rows_end(s, step, rc, "listing testbeds", err);
	sqlite3_finalize(q);
	if (rc) {
		tach_testbed_infos_free(*out, *n);
		*out = NULL;
		*n = 0;
	}
	return rc;
}

static int op_catalog(tach_store *s, const char *bench, const char *metric, tach_result **out,
                      tach_error *err)
{
	db *d = s->impl;
	sqlite3_stmt *q;
	*out = NULL;
	if (sqlite3_prepare_v2(d->h,
	                       "SELECT b.name, b.params, m.name, m.unit, m.direction, min(b.id)"
	                       " FROM benchmarks b JOIN metrics m ON m.benchmark_id = b.id"
	                       " WHERE (?1 IS NULL OR tach_glob(?1, b.name))"
	                       " AND (?2 IS NULL OR m.name = ?2)"
	                       " GROUP BY b.name, b.params_key, m.name ORDER BY min(b.id), min(m.id)",
	                       -1, &q, NULL) != SQLITE_OK)
		return tach__sq_fail(s, err, "listing series");
	bind_text(q, 1, bench);
	bind_text(q, 2, metric);
	tach_result *r = tach_result_new();
	int rc = r ? 0 : TACH_ENOMEM, step = SQLITE_DONE;
	while (!rc && (step = sqlite3_step(q)) == SQLITE_ROW)
		rc = tach__catalog_add(r, col_text(q, 0), col_text(q, 1), col_text(q, 2), col_text(q, 3),
		                       sqlite3_column_int(q, 4));
	if (rc == TACH_EFORMAT)
		tach__sq_damaged(s, err, 0);
	rc = tach__sq_rows_end(s, step, rc, "listing series", err);
	sqlite3_finalize(q);
	if (rc) {
		tach_result_free(r);
		return rc;
	}
	*out = r;
	return 0;
}

/* PRAGMA integrity_check answers "ok", or one row per problem found. */
static int op_verify(tach_store *s, tach_error *err)
{
	db *d = s->impl;
	sqlite3_stmt *q;
	if (sqlite3_prepare_v2(d->h, "PRAGMA integrity_check(1)", -1, &q, NULL) != SQLITE_OK)
		return tach__sq_fail(s, err, "checking the store");
	int step = sqlite3_step(q), rc = 0;
	const char *t = step == SQLITE_ROW ? col_text(q, 0) : NULL;
	if (step != SQLITE_ROW) {
		rc = tach__sq_fail(s, err, "checking the store");
	} else if (!t || strcmp(t, "ok")) {
		snprintf(err->message, sizeof err->message, "%s: the store is damaged: %.160s",
		         s->location, t ? t : "(no answer)");
		rc = TACH_EFORMAT;
	}
	sqlite3_finalize(q);
	return rc;
}

static int op_txn(tach_store *s, int what, tach_error *err)
{
	static const char *const sql[] = {"BEGIN IMMEDIATE", "COMMIT", "ROLLBACK"};
	static const char *const doing[] = {"starting a transaction", "committing", "rolling back"};
	db *d = s->impl;
	return sqlite3_exec(d->h, sql[what], NULL, NULL, NULL) == SQLITE_OK
	               ? 0
	               : tach__sq_fail(s, err, doing[what]);
}

static const tach__store_ops sqlite_ops = {
	.name = "sqlite",
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
	.verify = op_verify,
	.txn = op_txn,
	.close = tach__sq_close,
};

int tach__sqlite_open(tach_store *s, const char *path, tach_error *err)
{
	db *d = calloc(1, sizeof *d);
	if (!d) {
		if (err)
			snprintf(err->message, sizeof err->message, "%s: opening: out of memory",
			         s->location);
		return TACH_ENOMEM;
	}
	s->impl = d;
	s->ops = &sqlite_ops;
	int rc = s->readonly ? tach__sq_open_reader(s, path, err) : tach__sq_open_writer(s, path, 1, err);
	if (rc)
		tach__sq_close(s);
	return rc;
}
