/* test_store_read.c - what schema 3 of the store changed, on SQLite and
 * PostgreSQL (TACH_TEST_PG_URL): series keys no two parameter sets share,
 * with the upgrade of a version-2 store rekeying its rows; and opening for
 * reading (tach_store_open_readonly), which creates nothing, says "no
 * history at ..." for a missing store, refuses writes and reads a store in
 * a directory it may not write. */
#include <criterion/criterion.h>
#include <errno.h>
#include <libpq-fe.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "tach/tach.h"
#include "pg_test.h"

static char tmpdir[64];

static void make_tmpdir(void)
{
	snprintf(tmpdir, sizeof tmpdir, "/tmp/tach-read-XXXXXX");
	cr_assert(mkdtemp(tmpdir));
}

static void remove_tmpdir(void)
{
	char cmd[200];
	snprintf(cmd, sizeof cmd, "chmod -R u+w '%s'; rm -rf '%s'", tmpdir, tmpdir);
	cr_expect_eq(system(cmd), 0);
}

/* The two parameter sets schema 2 keyed alike: {p: "a", q: "b"} and
 * {p: "a<U+001F>q=b"}, as BM_p with medians 1 and 5. */
static tach_result *colliding(void)
{
	tach_result *r = tach_result_new();
	tach_meta_set(&r->meta.timestamp, "2026-06-02T03:04:00Z");
	tach_meta_set(&r->meta.git_branch, "main");
	for (int i = 0; i < 2; i++) {
		tach_benchmark *b = tach_result_add_benchmark(r, "BM_p");
		if (i == 0) {
			tach_kvlist_set(&b->params, "p", "a");
			tach_kvlist_set(&b->params, "q", "b");
		} else {
			tach_kvlist_set(&b->params, "p", "a\x1fq=b");
		}
		tach_metric *m = tach_benchmark_add_metric(b, "time", "s", TACH_LOWER_IS_BETTER);
		tach_metric_add_sample(m, i ? 5.0 : 1.0);
	}
	return r;
}

/* Each of the two parameter sets is a series of its own, one point each
 * with its own median, and the catalog lists two. */
static void expect_two_series(tach_store *s)
{
	tach_error err;
	tach_result *cat;
	cr_assert_eq(tach_store_catalog(s, "BM_p", NULL, &cat, &err), 0, "%s", err.message);
	cr_expect_eq(cat->n_benchmarks, 2, "two series, not one");
	tach_result_free(cat);
	tach_result *r = colliding();
	for (int i = 0; i < 2; i++) {
		tach_history_point *p;
		size_t n;
		cr_assert_eq(tach_store_series(s, "BM_p", &r->benchmarks[i]->params, "time", NULL, &p, &n,
		                               &err),
		             0, "%s", err.message);
		cr_expect_eq(n, 1, "set %d: %zu points", i, n);
		if (n)
			cr_expect_eq(p[n - 1].median, i ? 5.0 : 1.0, "set %d: the other set's point", i);
		tach_history_points_free(p, n);
	}
	tach_result_free(r);
}

static void colliding_sets_are_two_series(const char *loc)
{
	tach_store *s;
	tach_error err;
	cr_assert_eq(tach_store_open(loc, &s, &err), 0, "%s", err.message);
	tach_result *r = colliding();
	int64_t id;
	cr_assert_eq(tach_store_add(s, r, NULL, &id, &err), 0, "%s", err.message);
	tach_result_free(r);
	expect_two_series(s);
	cr_assert_eq(tach_store_remove(s, id, &err), 0, "%s", err.message);
	tach_store_close(s);
}

Test(store_keys, colliding_parameter_sets_are_two_series_sqlite, .init = make_tmpdir,
     .fini = remove_tmpdir)
{
	char path[128];
	snprintf(path, sizeof path, "%s/h.db", tmpdir);
	colliding_sets_are_two_series(path);
}

Test(store_keys, colliding_parameter_sets_are_two_series_pg, .fini = pg_drop)
{
	colliding_sets_are_two_series(pg_fresh());
}

static void expect_schema_file(const char *path, int version)
{
	sqlite3 *db;
	sqlite3_stmt *q;
	cr_assert_eq(sqlite3_open(path, &db), SQLITE_OK);
	sqlite3_prepare_v2(db, "SELECT value FROM tach_meta WHERE key = 'schema'", -1, &q, NULL);
	cr_assert_eq(sqlite3_step(q), SQLITE_ROW);
	cr_expect_eq(sqlite3_column_int(q, 0), version);
	sqlite3_finalize(q);
	sqlite3_close(db);
}

/* tests/fixtures/history-v2.db (made by make-history-v2.sh) holds the two
 * sets under one key: opening it, for writing or for reading, upgrades it
 * to version 3 in place and keys them apart. */
Test(store_keys, version_2_file_is_upgraded_in_place, .init = make_tmpdir,
     .fini = remove_tmpdir)
{
	for (int readonly = 0; readonly < 2; readonly++) {
		char path[256], cmd[512];
		snprintf(path, sizeof path, "%s/v2-%d.db", tmpdir, readonly);
		snprintf(cmd, sizeof cmd, "cp '%s/tests/fixtures/history-v2.db' '%s'", TACH_SOURCE_ROOT,
		         path);
		cr_assert_eq(system(cmd), 0);
		tach_store *s;
		tach_error err;
		int rc = readonly ? tach_store_open_readonly(path, &s, &err)
		                  : tach_store_open(path, &s, &err);
		cr_assert_eq(rc, 0, "%s", err.message);
		expect_two_series(s);
		tach_result *r;
		cr_assert_eq(tach_store_get(s, 1, &r, &err), 0, "%s", err.message);
		cr_expect_str_eq(r->benchmarks[1]->params.items[0].value, "a\x1fq=b");
		tach_result_free(r);
		tach_store_close(s);
		expect_schema_file(path, TACH_STORE_SCHEMA);
	}
}

/* A PostgreSQL store of version 2: the tables are those of version 3, so
 * the test writes the colliding run with this tach, puts schema 2's keys
 * and version back, and opens it again. */
Test(store_keys, version_2_database_is_upgraded_in_place, .fini = pg_drop)
{
	const char *url = pg_fresh();
	for (int readonly = 0; readonly < 2; readonly++) {
		tach_store *s;
		tach_error err;
		cr_assert_eq(tach_store_open(url, &s, &err), 0, "%s", err.message);
		tach_result *r = colliding();
		int64_t id;
		cr_assert_eq(tach_store_add(s, r, NULL, &id, &err), 0, "%s", err.message);
		tach_result_free(r);
		tach_store_close(s);
		PGconn *c = pg_connect(url);
		pg_exec(c, "UPDATE benchmarks SET params_key = 'p=a' || chr(31) || 'q=b'"
		           " WHERE name = 'BM_p'");
		pg_exec(c, "UPDATE tach_meta SET value = '2' WHERE key = 'schema'");
		int rc = readonly ? tach_store_open_readonly(url, &s, &err)
		                  : tach_store_open(url, &s, &err);
		cr_assert_eq(rc, 0, "%s", err.message);
		expect_two_series(s);
		tach_store_close(s);
		PGresult *q = PQexec(c, "SELECT value FROM tach_meta WHERE key = 'schema'");
		cr_expect_eq(atoi(PQgetvalue(q, 0, 0)), TACH_STORE_SCHEMA_PG);
		PQclear(q);
		q = PQexec(c, "SELECT params_key FROM benchmarks WHERE name = 'BM_p' ORDER BY id");
		cr_assert_eq(PQntuples(q), 2);
		cr_expect_str_eq(PQgetvalue(q, 0, 0), "1:p,1:a,1:q,1:b,");
		cr_expect_str_eq(PQgetvalue(q, 1, 0), "1:p,5:a\x1fq=b,");
		PQclear(q);
		char del[80];
		snprintf(del, sizeof del, "DELETE FROM runs WHERE id = %lld", (long long)id);
		pg_exec(c, del);
		PQfinish(c);
	}
}

/* The key is the same on both backends: SQLite's own, from encode.c, and
 * what PostgreSQL's upgrade computes in SQL, for names whose byte order
 * differs from a locale's and values with ',' and ':' in them. */
static void both_fini(void)
{
	remove_tmpdir();
	pg_drop();
}

Test(store_keys, sqlite_and_pg_upgrade_key_alike, .init = make_tmpdir, .fini = both_fini)
{
	const char *url = pg_fresh();
	tach_result *r = tach_result_new();
	tach_benchmark *b = tach_result_add_benchmark(r, "BM_k");
	tach_kvlist_set(&b->params, "b", "1:2,3");
	tach_kvlist_set(&b->params, "B", "");
	tach_kvlist_set(&b->params, "\xc3\xa9t\xc3\xa9", "x");
	tach_kvlist_set(&b->params, "a_", "y");
	tach_metric_add_sample(tach_benchmark_add_metric(b, "time", "s", TACH_LOWER_IS_BETTER), 1);
	char path[128];
	snprintf(path, sizeof path, "%s/k.db", tmpdir);
	const char *locs[2] = {path, url};
	char keys[2][256];
	for (int pg = 0; pg < 2; pg++) {
		tach_store *s;
		tach_error err;
		int64_t id;
		cr_assert_eq(tach_store_open(locs[pg], &s, &err), 0, "%s", err.message);
		cr_assert_eq(tach_store_add(s, r, NULL, &id, &err), 0, "%s", err.message);
		tach_store_close(s);
		/* back to schema 2, so that opening rekeys with the backend's SQL */
		char sql[160];
		if (pg) {
			PGconn *c = pg_connect(url);
			pg_exec(c, "UPDATE benchmarks SET params_key = 'old' WHERE name = 'BM_k'");
			pg_exec(c, "UPDATE tach_meta SET value = '2' WHERE key = 'schema'");
			cr_assert_eq(tach_store_open(url, &s, &err), 0, "%s", err.message);
			tach_store_close(s);
			PGresult *q = PQexec(c, "SELECT params_key FROM benchmarks WHERE name = 'BM_k'");
			cr_assert_eq(PQntuples(q), 1);
			snprintf(keys[pg], sizeof keys[pg], "%s", PQgetvalue(q, 0, 0));
			PQclear(q);
			snprintf(sql, sizeof sql, "DELETE FROM runs WHERE id = %lld", (long long)id);
			pg_exec(c, sql);
			PQfinish(c);
		} else {
			sqlite3 *db;
			sqlite3_stmt *q;
			cr_assert_eq(sqlite3_open(path, &db), SQLITE_OK);
			cr_assert_eq(sqlite3_exec(db,
			                          "UPDATE benchmarks SET params_key = 'old';"
			                          "UPDATE tach_meta SET value = '2' WHERE key = 'schema'",
			                          NULL, NULL, NULL),
			             SQLITE_OK);
			sqlite3_close(db);
			cr_assert_eq(tach_store_open(path, &s, &err), 0, "%s", err.message);
			tach_store_close(s);
			cr_assert_eq(sqlite3_open(path, &db), SQLITE_OK);
			sqlite3_prepare_v2(db, "SELECT params_key FROM benchmarks", -1, &q, NULL);
			cr_assert_eq(sqlite3_step(q), SQLITE_ROW);
			snprintf(keys[pg], sizeof keys[pg], "%s", (const char *)sqlite3_column_text(q, 0));
			sqlite3_finalize(q);
			sqlite3_close(db);
		}
	}
	cr_expect_str_eq(keys[0], "1:B,0:,2:a_,1:y,1:b,5:1:2,3,5:\xc3\xa9t\xc3\xa9,1:x,");
	cr_expect_str_eq(keys[1], keys[0], "PostgreSQL's upgrade keys as encode.c does");
	tach_result_free(r);
}

/* ---- opening for reading ---- */

static tach_store *expect_no_history(const char *loc, const char *shown)
{
	tach_store *s = NULL;
	tach_error err;
	cr_expect_eq(tach_store_open_readonly(loc, &s, &err), -ENOENT, "%s", loc);
	cr_expect_null(s);
	char want[400];
	snprintf(want, sizeof want, "no history at %s", shown);
	cr_expect_str_eq(err.message, want);
	return s;
}

Test(store_read, missing_store_is_no_history_and_nothing_is_made, .init = make_tmpdir,
     .fini = remove_tmpdir)
{
	char path[160], typo[160];
	snprintf(path, sizeof path, "%s/typo/dir/h.db", tmpdir);
	expect_no_history(path, path);
	snprintf(typo, sizeof typo, "%s/typo", tmpdir);
	struct stat st;
	cr_expect_neq(stat(typo, &st), 0, "%s was made", typo);
	snprintf(path, sizeof path, "%s/h.db", tmpdir);
	expect_no_history(path, path);
	cr_expect_neq(stat(path, &st), 0, "%s was made", path);
}

/* Found by default (no --db, no TACH_DB), outside git: still nothing made. */
Test(store_read, default_store_is_not_made, .init = make_tmpdir, .fini = remove_tmpdir)
{
	cr_assert_eq(chdir(tmpdir), 0);
	unsetenv("TACH_DB");
	char path[160], shown[200];
	snprintf(path, sizeof path, "%s/.tach", tmpdir);
	char *real = realpath(tmpdir, NULL);
	snprintf(shown, sizeof shown, "%s/.tach/history.db", real);
	free(real);
	expect_no_history(NULL, shown);
	struct stat st;
	cr_expect_neq(stat(path, &st), 0, "%s was made", path);
}

/* An empty file, or a SQLite file of another program, holds no history;
 * a reader creates no table in it. */
Test(store_read, file_without_tach_schema_is_no_history, .init = make_tmpdir,
     .fini = remove_tmpdir)
{
	char path[160];
	snprintf(path, sizeof path, "%s/empty.db", tmpdir);
	fclose(fopen(path, "w"));
	expect_no_history(path, path);
	struct stat st;
	cr_expect_eq(stat(path, &st), 0);
	cr_expect_eq(st.st_size, 0, "something was written");
	snprintf(path, sizeof path, "%s/other.db", tmpdir);
	sqlite3 *db;
	cr_assert_eq(sqlite3_open(path, &db), SQLITE_OK);
	cr_assert_eq(sqlite3_exec(db, "CREATE TABLE notes(x)", NULL, NULL, NULL), SQLITE_OK);
	sqlite3_close(db);
	expect_no_history(path, path);
	cr_assert_eq(sqlite3_open(path, &db), SQLITE_OK);
	sqlite3_stmt *q;
	sqlite3_prepare_v2(db, "SELECT count(*) FROM sqlite_schema", -1, &q, NULL);
	cr_assert_eq(sqlite3_step(q), SQLITE_ROW);
	cr_expect_eq(sqlite3_column_int(q, 0), 1, "tables were created");
	sqlite3_finalize(q);
	sqlite3_close(db);
}

/* A reader is refused every write, with the same words on both backends. */
static void writes_are_refused(const char *loc)
{
	tach_store *s;
	tach_error err;
	int64_t id;
	cr_assert_eq(tach_store_open(loc, &s, &err), 0, "%s", err.message);
	tach_result *r = colliding();
	cr_assert_eq(tach_store_add(s, r, NULL, &id, &err), 0, "%s", err.message);
	tach_store_close(s);
	cr_assert_eq(tach_store_open_readonly(loc, &s, &err), 0, "%s", err.message);
	int64_t other;
	cr_expect_eq(tach_store_add(s, r, NULL, &other, &err), TACH_EINVAL);
	cr_expect(strstr(err.message, "adding a run: the store was opened for reading only"), "%s",
	          err.message);
	cr_expect_eq(tach_store_begin(s, &err), TACH_EINVAL);
	cr_expect_eq(tach_store_remove(s, id, &err), TACH_EINVAL);
	cr_expect_eq(tach_store_baseline_set(s, "main", id, &err), TACH_EINVAL);
	tach_result *back;
	cr_expect_eq(tach_store_get(s, id, &back, &err), 0, "reads still work: %s", err.message);
	tach_result_free(back);
	tach_store_close(s);
	cr_assert_eq(tach_store_open(loc, &s, &err), 0, "%s", err.message);
	cr_expect_eq(tach_store_remove(s, id, &err), 0, "%s", err.message);
	tach_store_close(s);
	tach_result_free(r);
}

Test(store_read, writes_are_refused_sqlite, .init = make_tmpdir, .fini = remove_tmpdir)
{
	char path[128];
	snprintf(path, sizeof path, "%s/h.db", tmpdir);
	writes_are_refused(path);
}

Test(store_read, writes_are_refused_pg, .fini = pg_drop)
{
	writes_are_refused(pg_fresh());
}

/* A store (in WAL mode, closed, so without its -wal and -shm files) in a
 * directory the reader may not write: listed all the same.  Root may
 * write anything, so as root the reading runs in a child as nobody. */
Test(store_read, read_only_store_in_read_only_directory_is_listed, .init = make_tmpdir,
     .fini = remove_tmpdir)
{
	char dir[128], path[160];
	snprintf(dir, sizeof dir, "%s/ro", tmpdir);
	snprintf(path, sizeof path, "%s/h.db", dir);
	cr_assert_eq(mkdir(dir, 0755), 0);
	tach_store *s;
	tach_error err;
	int64_t id;
	cr_assert_eq(tach_store_open(path, &s, &err), 0, "%s", err.message);
	tach_result *r = colliding();
	cr_assert_eq(tach_store_add(s, r, NULL, &id, &err), 0, "%s", err.message);
	tach_result_free(r);
	tach_store_close(s);
	cr_assert_eq(chmod(path, 0444), 0);
	cr_assert_eq(chmod(dir, 0555), 0);
	cr_assert_eq(chmod(tmpdir, 0755), 0);
	pid_t pid = fork();
	cr_assert_geq(pid, 0);
	if (pid == 0) {
		if (geteuid() == 0 && (setgid(65534) || setuid(65534)))
			_exit(10);
		tach_store *c;
		tach_error e;
		tach_run_info *runs;
		size_t n = 0;
		if (tach_store_open_readonly(path, &c, &e)) {
			fprintf(stderr, "open: %s\n", e.message);
			_exit(11);
		}
		if (tach_store_verify(c, &e) || tach_store_list(c, NULL, &runs, &n, &e)) {
			fprintf(stderr, "list: %s\n", e.message);
			_exit(12);
		}
		tach_run_infos_free(runs, n);
		tach_store_close(c);
		_exit(n == 1 ? 0 : 13);
	}
	int status;
	cr_assert_eq(waitpid(pid, &status, 0), pid);
	cr_expect(WIFEXITED(status) && WEXITSTATUS(status) == 0, "the reader failed: status %d",
	          WIFEXITED(status) ? WEXITSTATUS(status) : -1);
	struct stat st;
	char wal[180];
	snprintf(wal, sizeof wal, "%s-wal", path);
	cr_expect_neq(stat(wal, &st), 0, "a -wal file appeared");
}

/* A PostgreSQL database without tach's tables is no history, and a
 * reader creates none in it. */
Test(store_read, database_without_tach_schema_is_no_history, .fini = pg_drop)
{
	const char *loc = pg_fresh();
	expect_no_history(loc, loc);
	PGconn *c = pg_connect(loc);
	PGresult *q = PQexec(c, "SELECT count(*) FROM information_schema.tables"
	                        " WHERE table_schema = 'public'");
	cr_expect_str_eq(PQgetvalue(q, 0, 0), "0", "tables were created");
	PQclear(q);
	PQfinish(c);
}

/* A store of a newer schema is refused by a reader too, untouched. */
Test(store_read, newer_schema_is_refused, .init = make_tmpdir, .fini = remove_tmpdir)
{
	char path[128];
	snprintf(path, sizeof path, "%s/h.db", tmpdir);
	tach_store *s;
	tach_error err;
	cr_assert_eq(tach_store_open(path, &s, &err), 0, "%s", err.message);
	tach_store_close(s);
	sqlite3 *db;
	cr_assert_eq(sqlite3_open(path, &db), SQLITE_OK);
	cr_assert_eq(sqlite3_exec(db, "UPDATE tach_meta SET value = '99' WHERE key = 'schema'", NULL,
	                          NULL, NULL),
	             SQLITE_OK);
	sqlite3_close(db);
	cr_expect_eq(tach_store_open_readonly(path, &s, &err), TACH_EVERSION);
	cr_expect(strstr(err.message, "made by a newer tach (schema 99"), "%s", err.message);
	expect_schema_file(path, 99);
}

/* tach_store_baseline_get finds a baseline by its name only: the newest
 * run of branch main is not the baseline main (as "@main" would have it). */
Test(store_read, baseline_get_is_the_named_baseline_only, .init = make_tmpdir,
     .fini = remove_tmpdir)
{
	char path[128];
	snprintf(path, sizeof path, "%s/h.db", tmpdir);
	tach_store *s;
	tach_error err;
	int64_t first, latest, id = -1;
	cr_assert_eq(tach_store_open(path, &s, &err), 0, "%s", err.message);
	tach_result *r = colliding();
	cr_assert_eq(tach_store_add(s, r, NULL, &first, &err), 0, "%s", err.message);
	cr_assert_eq(tach_store_add(s, r, NULL, &latest, &err), 0, "%s", err.message);
	tach_result_free(r);
	cr_expect_eq(tach_store_baseline_get(s, "main", &id, &err), 0, "%s", err.message);
	cr_expect_eq(id, 0, "no baseline is named main");
	cr_expect_eq(tach_store_resolve(s, "@main", &id, &err), 0, "%s", err.message);
	cr_expect_eq(id, latest, "@main is the newest run on branch main");
	cr_assert_eq(tach_store_baseline_set(s, "main", first, &err), 0, "%s", err.message);
	cr_expect_eq(tach_store_baseline_get(s, "main", &id, &err), 0, "%s", err.message);
	cr_expect_eq(id, first);
	tach_store_close(s);
}
