/* test_store_complexity.c - the history keeps each run's complexity fits
 * (runs.complexity: SQLite schema 5, PostgreSQL 6): a run reads back with
 * the fits it was added with, a run without keeps none, stores of the
 * version before are upgraded in place, and a damaged column or a fit
 * that does not validate is an error naming the store, with no run half
 * written.  PostgreSQL through TACH_TEST_PG_URL (skipped without it). */
#include <criterion/criterion.h>
#include <libpq-fe.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "tach/tach.h"
#include "pg_test.h"

static char tmpdir[64], db_path[128];

static void make_tmpdir(void)
{
	snprintf(tmpdir, sizeof tmpdir, "/tmp/tach-fits-XXXXXX");
	cr_assert(mkdtemp(tmpdir));
	snprintf(db_path, sizeof db_path, "%s/h.db", tmpdir);
}

static void remove_tmpdir(void)
{
	char cmd[128];
	snprintf(cmd, sizeof cmd, "rm -rf '%s'", tmpdir);
	cr_expect_eq(system(cmd), 0);
}

/* A run of the family lookup/8..64 with `fits` fits: one of tach's own
 * (automatic, naming its benchmarks) and one imported (none named). */
static tach_result *run_with_fits(int fits)
{
	tach_result *r = tach_result_new();
	cr_assert(r);
	tach_meta_set(&r->meta.timestamp, "2026-12-01T10:00:00Z");
	static const char *const names[] = {"lookup/8", "lookup/16", "lookup/64"};
	for (int i = 0; i < 3; i++) {
		tach_benchmark *b = tach_result_add_benchmark(r, names[i]);
		cr_assert(b);
		cr_assert_eq(tach_kvlist_set(&b->params, "n", names[i] + 7), 0);
		tach_metric *m = tach_benchmark_add_metric(b, "time", "s", TACH_LOWER_IS_BETTER);
		for (int k = 0; k < 3; k++)
			cr_assert_eq(tach_metric_add_sample(m, 1e-9 * (i + 1) * (k + 10)), 0);
	}
	if (fits > 0) {
		tach_fit *f = tach_result_add_fit(r, "lookup", "n", "time", "N");
		cr_assert(f);
		f->automatic = 1;
		f->coefficient = 5.112e-10;
		f->rms = 0.17;
		for (int i = 0; i < 3; i++)
			cr_assert_eq(tach_fit_add_benchmark(f, names[i]), 0);
	}
	if (fits > 1) {
		tach_fit *f = tach_result_add_fit(r, "BM_scan", "n", "time", "NlgN");
		cr_assert(f);
		f->coefficient = 0.1 + 0.2; /* not a short decimal: kept to the bit */
		f->rms = 0;
	}
	return r;
}

static void expect_same_fits(const tach_result *got, const tach_result *want)
{
	cr_assert_eq(got->n_fits, want->n_fits);
	for (size_t i = 0; i < want->n_fits; i++) {
		const tach_fit *a = got->fits[i], *b = want->fits[i];
		cr_expect_str_eq(a->name, b->name);
		cr_expect_str_eq(a->param, b->param);
		cr_expect_str_eq(a->metric, b->metric);
		cr_expect_str_eq(a->big_o, b->big_o);
		cr_expect_eq(a->automatic, b->automatic);
		cr_expect_eq(a->coefficient, b->coefficient, "%.17g", a->coefficient);
		cr_expect_eq(a->rms, b->rms);
		cr_assert_eq(a->n_benchmarks, b->n_benchmarks);
		for (size_t k = 0; k < b->n_benchmarks; k++)
			cr_expect_str_eq(a->benchmarks[k], b->benchmarks[k]);
	}
}

static int64_t add(tach_store *s, const tach_result *r)
{
	tach_error err;
	int64_t id = 0;
	cr_assert_eq(tach_store_add(s, r, NULL, &id, &err), 0, "%s", err.message);
	return id;
}

/* Reads run id back and expects the fits of `want`. */
static void expect_run(tach_store *s, int64_t id, const tach_result *want)
{
	tach_result *got;
	tach_error err;
	cr_assert_eq(tach_store_get(s, id, &got, &err), 0, "%s", err.message);
	cr_expect_eq(got->n_benchmarks, want->n_benchmarks);
	expect_same_fits(got, want);
	tach_result_free(got);
}

/* Runs with two fits, one, none; in a batch too (a savepoint per run). */
static void keeps_fits(const char *loc)
{
	tach_store *s;
	tach_error err;
	cr_assert_eq(tach_store_open(loc, &s, &err), 0, "%s", err.message);
	tach_result *r[3] = {run_with_fits(2), run_with_fits(1), run_with_fits(0)};
	int64_t id[3], batch[3];
	for (int i = 0; i < 3; i++)
		id[i] = add(s, r[i]);
	cr_assert_eq(tach_store_begin(s, &err), 0, "%s", err.message);
	for (int i = 0; i < 3; i++)
		batch[i] = add(s, r[i]);
	cr_assert_eq(tach_store_commit(s, &err), 0, "%s", err.message);
	tach_store_close(s);
	/* read back by a reader's connection, as export and report do */
	cr_assert_eq(tach_store_open_readonly(loc, &s, &err), 0, "%s", err.message);
	for (int i = 0; i < 3; i++) {
		expect_run(s, id[i], r[i]);
		expect_run(s, batch[i], r[i]);
		tach_result_free(r[i]);
	}
	tach_store_close(s);
}

Test(store_complexity, sqlite_keeps_fits, .init = make_tmpdir, .fini = remove_tmpdir)
{
	keeps_fits(db_path);
}

Test(store_complexity, postgresql_keeps_fits, .fini = pg_drop)
{
	keeps_fits(pg_fresh());
}

/* A fit the results writer refuses (an unknown curve) fails the add with
 * the store's name, and no run is stored. */
static void refuses_invalid_fit(const char *loc)
{
	tach_store *s;
	tach_error err;
	cr_assert_eq(tach_store_open(loc, &s, &err), 0, "%s", err.message);
	tach_result *r = run_with_fits(1);
	free(r->fits[0]->big_o);
	r->fits[0]->big_o = strdup("N^4");
	int64_t id;
	cr_expect_neq(tach_store_add(s, r, NULL, &id, &err), 0);
	cr_expect(strstr(err.message, "adding a run: its complexity fits do not validate"), "%s",
	          err.message);
	cr_expect(strstr(err.message, "h.db") || strstr(err.message, "dbname="), "%s", err.message);
	tach_run_info *ri;
	size_t n;
	cr_assert_eq(tach_store_list(s, NULL, &ri, &n, &err), 0, "%s", err.message);
	cr_expect_eq(n, 0, "no run half written");
	tach_run_infos_free(ri, n);
	tach_result_free(r);
	tach_store_close(s);
}

Test(store_complexity, sqlite_refuses_an_invalid_fit, .init = make_tmpdir, .fini = remove_tmpdir)
{
	refuses_invalid_fit(db_path);
}

Test(store_complexity, postgresql_refuses_an_invalid_fit, .fini = pg_drop)
{
	refuses_invalid_fit(pg_fresh());
}

/* ---- damaged columns ---- */

static const char *const damage[] = {
	"not json",
	"{\"format\": 1, \"benchmarks\": [], \"complexity\": [{\"name\": \"lookup\"}]}",
	"{\"format\": 1, \"benchmarks\": [], \"complexity\": [{\"name\": \"lookup\", \"param\":"
	" \"n\", \"metric\": \"time\", \"big_o\": \"N^7\", \"coefficient\": 1, \"rms\": 0}]}",
};

static void sqlite_set_complexity(const char *path, int64_t id, const char *text)
{
	sqlite3 *db;
	sqlite3_stmt *q;
	cr_assert_eq(sqlite3_open(path, &db), SQLITE_OK);
	cr_assert_eq(sqlite3_prepare_v2(db, "UPDATE runs SET complexity = ? WHERE id = ?", -1, &q,
	                                NULL),
	             SQLITE_OK, "%s", sqlite3_errmsg(db));
	sqlite3_bind_text(q, 1, text, -1, SQLITE_STATIC);
	sqlite3_bind_int64(q, 2, id);
	cr_assert_eq(sqlite3_step(q), SQLITE_DONE);
	sqlite3_finalize(q);
	sqlite3_close(db);
}

static void pg_set_complexity(const char *loc, int64_t id, const char *text)
{
	PGconn *c = pg_connect(loc);
	char ids[24];
	snprintf(ids, sizeof ids, "%lld", (long long)id);
	const char *vals[] = {text, ids};
	PGresult *q = PQexecParams(c, "UPDATE runs SET complexity = $1 WHERE id = $2::bigint", 2,
	                           NULL, vals, NULL, NULL, 0);
	cr_assert_eq(PQresultStatus(q), PGRES_COMMAND_OK, "%s", PQerrorMessage(c));
	PQclear(q);
	PQfinish(c);
}

/* Each damaged text: tach_store_get fails with TACH_EFORMAT, naming the
 * store, the run and the column, and returns no result. */
static void damaged_column(const char *loc, void (*set)(const char *, int64_t, const char *))
{
	tach_store *s;
	tach_error err;
	cr_assert_eq(tach_store_open(loc, &s, &err), 0, "%s", err.message);
	tach_result *r = run_with_fits(1);
	int64_t id = add(s, r);
	tach_result_free(r);
	tach_store_close(s);
	for (size_t i = 0; i < sizeof damage / sizeof *damage; i++) {
		set(loc, id, damage[i]);
		cr_assert_eq(tach_store_open_readonly(loc, &s, &err), 0, "%s", err.message);
		tach_result *got = (tach_result *)1;
		memset(&err, 0, sizeof err);
		cr_expect_eq(tach_store_get(s, id, &got, &err), TACH_EFORMAT, "%s", damage[i]);
		cr_expect_null(got);
		char want[64];
		snprintf(want, sizeof want, "run #%lld is damaged", (long long)id);
		cr_expect(strstr(err.message, want), "%s", err.message);
		cr_expect(strstr(err.message, "complexity"), "the column is named: %s", err.message);
		cr_expect(strstr(err.message, "h.db") || strstr(err.message, "dbname="), "%s",
		          err.message);
		tach_store_close(s);
	}
}

Test(store_complexity, sqlite_damaged_column_is_an_error, .init = make_tmpdir,
     .fini = remove_tmpdir)
{
	damaged_column(db_path, sqlite_set_complexity);
}

Test(store_complexity, postgresql_damaged_column_is_an_error, .fini = pg_drop)
{
	damaged_column(pg_fresh(), pg_set_complexity);
}

/* ---- upgrades ---- */

static int sqlite_schema(const char *path)
{
	sqlite3 *db;
	sqlite3_stmt *q;
	cr_assert_eq(sqlite3_open(path, &db), SQLITE_OK);
	sqlite3_prepare_v2(db, "SELECT value FROM tach_meta WHERE key = 'schema'", -1, &q, NULL);
	cr_assert_eq(sqlite3_step(q), SQLITE_ROW);
	int v = sqlite3_column_int(q, 0);
	sqlite3_finalize(q);
	sqlite3_close(db);
	return v;
}

/* After an upgrade: the old run reads back (without fits: they were never
 * stored), a new run keeps its fits. */
static void after_upgrade(const char *loc, int readonly, int64_t old)
{
	tach_store *s;
	tach_error err;
	int rc = readonly ? tach_store_open_readonly(loc, &s, &err) : tach_store_open(loc, &s, &err);
	cr_assert_eq(rc, 0, "%s", err.message);
	tach_result *none = run_with_fits(0);
	expect_run(s, old, none);
	tach_result_free(none);
	tach_store_close(s);
	cr_assert_eq(tach_store_open(loc, &s, &err), 0, "%s", err.message);
	tach_result *r = run_with_fits(2);
	expect_run(s, add(s, r), r);
	tach_result_free(r);
	tach_store_close(s);
}

/* A version-4 file (this tach's tables with the column dropped and the
 * version set back), opened by a writer and by a reader; and the
 * committed version-1 file. */
Test(store_complexity, sqlite_version_4_file_is_upgraded, .init = make_tmpdir,
     .fini = remove_tmpdir)
{
	for (int readonly = 0; readonly < 2; readonly++) {
		char path[160];
		snprintf(path, sizeof path, "%s/v4-%d.db", tmpdir, readonly);
		tach_store *s;
		tach_error err;
		cr_assert_eq(tach_store_open(path, &s, &err), 0, "%s", err.message);
		tach_result *r = run_with_fits(0);
		int64_t id = add(s, r);
		tach_store_close(s);
		sqlite3 *db;
		cr_assert_eq(sqlite3_open(path, &db), SQLITE_OK);
		cr_assert_eq(sqlite3_exec(db,
		                          "ALTER TABLE runs DROP COLUMN complexity;"
		                          "UPDATE tach_meta SET value = '4' WHERE key = 'schema'",
		                          NULL, NULL, NULL),
		             SQLITE_OK, "%s", sqlite3_errmsg(db));
		sqlite3_close(db);
		cr_expect_eq(sqlite_schema(path), 4);
		after_upgrade(path, readonly, id);
		cr_expect_eq(sqlite_schema(path), TACH_STORE_SCHEMA);
		cr_expect_eq(TACH_STORE_SCHEMA, 5);
		tach_result_free(r);
	}
	char cmd[400], v1[128];
	snprintf(v1, sizeof v1, "%s/v1.db", tmpdir);
	snprintf(cmd, sizeof cmd, "cp '%s/tests/fixtures/history-v1.db' '%s'", TACH_SOURCE_ROOT, v1);
	cr_assert_eq(system(cmd), 0);
	tach_store *s;
	tach_error err;
	cr_assert_eq(tach_store_open(v1, &s, &err), 0, "%s", err.message);
	tach_result *r = run_with_fits(1);
	expect_run(s, add(s, r), r);
	tach_result_free(r);
	tach_store_close(s);
	cr_expect_eq(sqlite_schema(v1), TACH_STORE_SCHEMA);
}

/* A version-4 file whose version was set back by hand with the column
 * still there: the upgrade does not add it twice. */
Test(store_complexity, sqlite_upgrade_finds_the_column_there, .init = make_tmpdir,
     .fini = remove_tmpdir)
{
	tach_store *s;
	tach_error err;
	cr_assert_eq(tach_store_open(db_path, &s, &err), 0, "%s", err.message);
	tach_result *r = run_with_fits(2);
	int64_t id = add(s, r);
	tach_store_close(s);
	sqlite3 *db;
	cr_assert_eq(sqlite3_open(db_path, &db), SQLITE_OK);
	cr_assert_eq(sqlite3_exec(db, "UPDATE tach_meta SET value = '4' WHERE key = 'schema'", NULL,
	                          NULL, NULL),
	             SQLITE_OK);
	sqlite3_close(db);
	cr_assert_eq(tach_store_open(db_path, &s, &err), 0, "%s", err.message);
	expect_run(s, id, r);
	tach_store_close(s);
	cr_expect_eq(sqlite_schema(db_path), TACH_STORE_SCHEMA);
	tach_result_free(r);
}

/* PostgreSQL version 5 (the column dropped, the version set back),
 * upgraded by a writer and by a reader. */
Test(store_complexity, postgresql_version_5_is_upgraded, .fini = pg_drop)
{
	const char *loc = pg_fresh();
	for (int readonly = 0; readonly < 2; readonly++) {
		tach_store *s;
		tach_error err;
		cr_assert_eq(tach_store_open(loc, &s, &err), 0, "%s", err.message);
		tach_result *r = run_with_fits(0);
		int64_t id = add(s, r);
		tach_store_close(s);
		PGconn *c = pg_connect(loc);
		pg_exec(c, "ALTER TABLE runs DROP COLUMN complexity");
		pg_exec(c, "UPDATE tach_meta SET value = '5' WHERE key = 'schema'");
		after_upgrade(loc, readonly, id);
		cr_expect_eq(pg_long(c, "SELECT value::int FROM tach_meta WHERE key = 'schema'"),
		             TACH_STORE_SCHEMA_PG);
		cr_expect_eq(TACH_STORE_SCHEMA_PG, 6);
		PQfinish(c);
		tach_result_free(r);
	}
}
