/* test_store_testbed.c - testbeds (issue 20 item 1): the name of the
 * machine a run was measured on, derived or given, in the results file
 * (meta.testbed) and in the store (one series per testbed), and the
 * upgrade of stores of every older schema to 4, SQLite and PostgreSQL
 * (TACH_TEST_PG_URL). */
#include <criterion/criterion.h>
#include <libpq-fe.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "tach/tach.h"
#include "pg_test.h"

static char tmpdir[64];

static void make_tmpdir(void)
{
	snprintf(tmpdir, sizeof tmpdir, "/tmp/tach-testbed-XXXXXX");
	cr_assert(mkdtemp(tmpdir));
}

static void remove_tmpdir(void)
{
	char cmd[128];
	snprintf(cmd, sizeof cmd, "rm -rf '%s'", tmpdir);
	cr_expect_eq(system(cmd), 0);
}

static tach_result *machine(const char *host, const char *cpu, int cores, const char *name)
{
	tach_result *r = tach_result_new();
	cr_assert(r);
	tach_meta_set(&r->meta.timestamp, "2026-11-01T10:00:00Z");
	tach_meta_set(&r->meta.hostname, host);
	tach_meta_set(&r->meta.cpu_model, cpu);
	r->meta.cpu_count = cores;
	tach_meta_set(&r->meta.testbed, name);
	return r;
}

/* ---- the name ---- */

Test(testbed, derived_name_is_stable_and_the_users_name_wins)
{
	char buf[TACH_TESTBED_MAX + 1];
	tach_result *r = machine("ci-runner-7", "Intel(R) Xeon(R) Gold 6130", 16, NULL);
	/* fixed for good: a change here splits every store's series */
	cr_expect_str_eq(tach_meta_testbed(&r->meta, buf, sizeof buf), "ci-runner-7-16c-34c3d3fb");
	tach_meta_set(&r->meta.kernel, "6.1.0");
	tach_meta_set(&r->meta.compiler, "gcc 12");
	cr_expect_str_eq(tach_meta_testbed(&r->meta, buf, sizeof buf), "ci-runner-7-16c-34c3d3fb",
	                 "kernel and compiler do not change the machine");
	tach_meta_set(&r->meta.hostname, "my host/with:odd*chars");
	cr_expect_str_eq(tach_meta_testbed(&r->meta, buf, sizeof buf), "my-host-with-odd-chars-16c-34c3d3fb");
	cr_expect(tach_testbed_name_valid(buf));
	tach_meta_set(&r->meta.testbed, "lab-box");
	cr_expect_str_eq(tach_meta_testbed(&r->meta, buf, sizeof buf), "lab-box");
	tach_result_free(r);
	r = machine(NULL, NULL, 0, NULL);
	cr_expect_str_eq(tach_meta_testbed(&r->meta, buf, sizeof buf), "unknown");
	tach_result_free(r);
	/* the longest host name still leaves a valid name */
	char host[300];
	memset(host, 'h', sizeof host - 1);
	host[sizeof host - 1] = '\0';
	r = machine(host, "x", 1024, NULL);
	cr_expect(tach_testbed_name_valid(tach_meta_testbed(&r->meta, buf, sizeof buf)), "%s", buf);
	tach_result_free(r);
	/* an empty host name, as a stranger's file may hold ("hostname": ""):
	 * "h", and nothing of the stack after it (found by fuzz_results) */
	r = machine("", "I5", 0, NULL);
	cr_expect_str_eq(tach_meta_testbed(&r->meta, buf, sizeof buf), "h-0c-87e93883");
	tach_result_free(r);
}

Test(testbed, names_are_checked)
{
	cr_expect(tach_testbed_name_valid("ci-x86_64.large+avx2"));
	cr_expect(!tach_testbed_name_valid(""));
	cr_expect(!tach_testbed_name_valid(NULL));
	cr_expect(!tach_testbed_name_valid("-x"));
	cr_expect(!tach_testbed_name_valid(".hidden"));
	cr_expect(!tach_testbed_name_valid("a b"));
	cr_expect(!tach_testbed_name_valid("a/b"));
	cr_expect(!tach_testbed_name_valid("caf\xc3\xa9"));
	char longname[TACH_TESTBED_MAX + 2];
	memset(longname, 'a', sizeof longname - 1);
	longname[sizeof longname - 1] = '\0';
	cr_expect(!tach_testbed_name_valid(longname));
	longname[TACH_TESTBED_MAX] = '\0';
	cr_expect(tach_testbed_name_valid(longname));
}

Test(testbed, differs_by_a_known_fact_or_by_name_alone)
{
	tach_result *a = machine("alpha", "Xeon", 8, NULL), *b = machine("beta", "Xeon", 8, NULL),
	            *a2 = machine("alpha", NULL, 8, NULL), *named = machine("alpha", "Xeon", 8, "lab"),
	            *n1 = machine(NULL, NULL, 0, "one"), *n2 = machine(NULL, NULL, 0, "two"),
	            *none = machine(NULL, NULL, 0, NULL), *cores = machine("alpha", "Xeon", 4, NULL);
	cr_expect(tach_meta_testbed_differs(&a->meta, &b->meta), "host");
	cr_expect(tach_meta_testbed_differs(&a->meta, &cores->meta), "cores");
	cr_expect(!tach_meta_testbed_differs(&a->meta, &a->meta));
	cr_expect(!tach_meta_testbed_differs(&a->meta, &a2->meta), "an import that knew less");
	cr_expect(!tach_meta_testbed_differs(&a->meta, &named->meta), "one machine, two names");
	cr_expect(tach_meta_testbed_differs(&n1->meta, &n2->meta), "names are all there is");
	cr_expect(!tach_meta_testbed_differs(&a->meta, &none->meta), "unknown says nothing");
	tach_result *all[] = {a, b, a2, named, n1, n2, none, cores};
	for (size_t i = 0; i < sizeof all / sizeof *all; i++)
		tach_result_free(all[i]);
}

/* ---- the results file ---- */

Test(testbed, results_file_carries_meta_testbed)
{
	tach_result *r = machine("alpha", "Xeon", 8, "lab-box");
	tach_meta_set(&r->meta.kernel, "6.1.0");
	tach_meta_set(&r->meta.compiler, "gcc 12");
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);
	cr_assert_eq(tach_result_write(r, f, NULL), 0);
	fclose(f);
	cr_expect(strstr(buf, "\"testbed\": {\n      \"name\": \"lab-box\",\n      \"host\": \"alpha\",\n"
	                      "      \"cpu\": \"Xeon\",\n      \"cores\": 8,\n      \"kernel\": \"6.1.0\",\n"
	                      "      \"compiler\": \"gcc 12\"\n    }"),
	          "%s", buf);
	tach_result *back;
	tach_error err;
	cr_assert_eq(tach_result_read_buffer(buf, len, "mem", &back, &err), 0, "%s", err.message);
	cr_expect_str_eq(back->meta.testbed, "lab-box");
	free(buf);
	tach_result_free(back);
	tach_result_free(r);
	/* a derived name is written too, so that the file says its testbed */
	r = machine("alpha", "Xeon", 8, NULL);
	buf = NULL;
	f = open_memstream(&buf, &len);
	cr_assert_eq(tach_result_write(r, f, NULL), 0);
	fclose(f);
	char want[TACH_TESTBED_MAX + 1];
	cr_assert_eq(tach_result_read_buffer(buf, len, "mem", &back, &err), 0, "%s", err.message);
	cr_expect_str_eq(back->meta.testbed, tach_meta_testbed(&r->meta, want, sizeof want));
	free(buf);
	tach_result_free(back);
	tach_result_free(r);
}

static void expect_refused(const char *meta, const char *why)
{
	char doc[600];
	snprintf(doc, sizeof doc, "{\"format\": 1, \"meta\": {%s}, \"benchmarks\": []}", meta);
	tach_result *r = NULL;
	tach_error err;
	cr_expect_eq(tach_result_read_buffer(doc, strlen(doc), "t.json", &r, &err), TACH_EFORMAT,
	             "%s", meta);
	cr_expect(strstr(err.message, why), "%s: %s", meta, err.message);
	tach_result_free(r);
}

Test(testbed, reader_accepts_old_files_and_checks_new_ones)
{
	const char *old = "{\"format\": 1, \"meta\": {\"host\": {\"hostname\": \"h\"}}, \"benchmarks\": []}";
	tach_result *r;
	tach_error err;
	cr_assert_eq(tach_result_read_buffer(old, strlen(old), "old.json", &r, &err), 0, "%s",
	             err.message);
	cr_expect_null(r->meta.testbed);
	tach_result_free(r);
	expect_refused("\"testbed\": {\"host\": \"h\"}", "meta.testbed has no \"name\"");
	expect_refused("\"testbed\": {\"name\": \"a b\"}", "meta.testbed.name must be");
	expect_refused("\"testbed\": {\"name\": 3}", "meta.testbed.name");
	expect_refused("\"testbed\": {\"name\": \"x\", \"cores\": -1}", "meta.testbed.cores");
	expect_refused("\"testbed\": {\"name\": \"x\", \"name\": \"y\"}", "duplicate key");
	expect_refused("\"testbed\": \"x\"", "meta.testbed");
	/* the facts it repeats fill those the file's host section lacks */
	const char *only = "{\"format\": 1, \"meta\": {\"testbed\": {\"name\": \"x\", \"host\": \"h\","
	                   " \"cpu\": \"c\", \"cores\": 2}}, \"benchmarks\": []}";
	cr_assert_eq(tach_result_read_buffer(only, strlen(only), "t.json", &r, &err), 0, "%s",
	             err.message);
	cr_expect_str_eq(r->meta.hostname, "h");
	cr_expect_str_eq(r->meta.cpu_model, "c");
	cr_expect_eq(r->meta.cpu_count, 2);
	tach_result_free(r);
}

/* ---- the store ---- */

static tach_result *run_on(const char *host, const char *name, const char *ts, double v)
{
	tach_result *r = machine(host, "Xeon", 8, name);
	tach_meta_set(&r->meta.timestamp, ts);
	tach_metric *m = tach_benchmark_add_metric(tach_result_add_benchmark(r, "BM_x"), "time", "s",
	                                           TACH_LOWER_IS_BETTER);
	for (int k = 0; k < 3; k++)
		tach_metric_add_sample(m, v);
	return r;
}

static void series_per_testbed(const char *loc)
{
	tach_store *s;
	tach_error err;
	cr_assert_eq(tach_store_open(loc, &s, &err), 0, "%s", err.message);
	struct { const char *host, *name, *ts; double v; } runs[] = {
		{"alpha", NULL, "2026-11-01T10:00:00Z", 1.0},
		{"beta", "lab-box", "2026-11-01T11:00:00Z", 2.0},
		{"alpha", NULL, "2026-11-02T10:00:00Z", 1.1},
		{"beta", "lab-box", "2026-11-02T11:00:00Z", 2.1},
		{"beta", "lab-box", "2026-11-03T11:00:00Z", 2.2},
	};
	cr_assert_eq(tach_store_begin(s, &err), 0, "%s", err.message);
	for (size_t i = 0; i < 5; i++) {
		tach_result *r = run_on(runs[i].host, runs[i].name, runs[i].ts, runs[i].v);
		int64_t id;
		cr_assert_eq(tach_store_add(s, r, NULL, &id, &err), 0, "%s", err.message);
		tach_result_free(r);
	}
	cr_assert_eq(tach_store_commit(s, &err), 0, "%s", err.message);
	char alpha[TACH_TESTBED_MAX + 1];
	tach_result *a = machine("alpha", "Xeon", 8, NULL);
	tach_meta_testbed(&a->meta, alpha, sizeof alpha);
	tach_result_free(a);

	tach_testbed_info *tb;
	size_t n;
	cr_assert_eq(tach_store_testbeds(s, &tb, &n, &err), 0, "%s", err.message);
	cr_assert_eq(n, 2);
	cr_expect_str_eq(tb[0].name, alpha);
	cr_expect_eq(tb[0].n_runs, 2);
	cr_expect_str_eq(tb[0].latest, "2026-11-02T10:00:00Z");
	cr_expect_str_eq(tb[1].name, "lab-box");
	cr_expect_eq(tb[1].n_runs, 3);
	tach_testbed_infos_free(tb, n);

	tach_run_filter f = {.testbed = "lab-box"};
	tach_run_info *ri;
	cr_assert_eq(tach_store_list(s, &f, &ri, &n, &err), 0, "%s", err.message);
	cr_assert_eq(n, 3);
	for (size_t i = 0; i < n; i++)
		cr_expect_str_eq(ri[i].testbed, "lab-box");
	tach_run_infos_free(ri, n);
	cr_assert_eq(tach_store_list(s, NULL, &ri, &n, &err), 0, "%s", err.message);
	cr_assert_eq(n, 5);
	cr_expect_str_eq(ri[0].testbed, "lab-box");
	cr_expect_str_eq(ri[2].testbed, alpha);
	tach_run_infos_free(ri, n);

	tach_history_point *p;
	cr_assert_eq(tach_store_series_on(s, "BM_x", NULL, "time", NULL, alpha, &p, &n, &err), 0,
	             "%s", err.message);
	cr_assert_eq(n, 2);
	cr_expect_eq(p[0].median, 1.0);
	cr_expect_eq(p[1].median, 1.1);
	tach_history_points_free(p, n);
	cr_assert_eq(tach_store_series_on(s, "BM_x", NULL, "time", NULL, "nowhere", &p, &n, &err), 0,
	             "%s", err.message);
	cr_expect_eq(n, 0);
	tach_history_points_free(p, n);
	cr_assert_eq(tach_store_series(s, "BM_x", NULL, "time", NULL, &p, &n, &err), 0, "%s",
	             err.message);
	cr_expect_eq(n, 5, "without a testbed: every run");
	tach_history_points_free(p, n);
	/* the stored run reads back with its testbed */
	tach_result *back;
	f.testbed = alpha;
	f.limit = 1;
	cr_assert_eq(tach_store_list(s, &f, &ri, &n, &err), 0, "%s", err.message);
	cr_assert_eq(n, 1);
	cr_assert_eq(tach_store_get(s, ri[0].id, &back, &err), 0, "%s", err.message);
	tach_run_infos_free(ri, n);
	char name[TACH_TESTBED_MAX + 1];
	cr_expect_str_eq(tach_meta_testbed(&back->meta, name, sizeof name), alpha);
	tach_result_free(back);
	tach_store_close(s);
}

Test(store_testbed, sqlite_keeps_series_per_testbed, .init = make_tmpdir, .fini = remove_tmpdir)
{
	char path[128];
	snprintf(path, sizeof path, "%s/h.db", tmpdir);
	series_per_testbed(path);
}

Test(store_testbed, postgresql_keeps_series_per_testbed, .fini = pg_drop)
{
	series_per_testbed(pg_fresh());
}

/* Opens (read-write or read-only) an old store and expects schema 4 with
 * run 1's testbed `want`. */
static void expect_upgraded(const char *loc, int readonly, const char *want)
{
	tach_store *s;
	tach_error err;
	int rc = readonly ? tach_store_open_readonly(loc, &s, &err) : tach_store_open(loc, &s, &err);
	cr_assert_eq(rc, 0, "%s", err.message);
	tach_run_info *ri;
	size_t n;
	cr_assert_eq(tach_store_list(s, NULL, &ri, &n, &err), 0, "%s", err.message);
	cr_assert_geq(n, 1);
	cr_expect_str_eq(ri[n - 1].testbed, want, "run #%lld", (long long)ri[n - 1].id);
	tach_run_infos_free(ri, n);
	tach_testbed_info *tb;
	cr_assert_eq(tach_store_testbeds(s, &tb, &n, &err), 0, "%s", err.message);
	cr_expect_geq(n, 1);
	tach_testbed_infos_free(tb, n);
	tach_store_close(s);
}

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

/* tests/fixtures/history-v1.db and -v2.db hold one run each, measured on
 * "old-host" and "v2-host" with no CPU facts. */
Test(store_testbed, sqlite_version_1_and_2_files_get_their_testbeds, .init = make_tmpdir,
     .fini = remove_tmpdir)
{
	const char *fixtures[] = {"history-v1.db", "history-v2.db"};
	const char *want[] = {"old-host-0c-811c9dc5", "v2-host-0c-811c9dc5"};
	for (int i = 0; i < 2; i++)
		for (int readonly = 0; readonly < 2; readonly++) {
			char path[256], cmd[600];
			snprintf(path, sizeof path, "%s/v%d-%d.db", tmpdir, i + 1, readonly);
			snprintf(cmd, sizeof cmd, "cp '%s/tests/fixtures/%s' '%s'", TACH_SOURCE_ROOT,
			         fixtures[i], path);
			cr_assert_eq(system(cmd), 0);
			cr_expect_eq(sqlite_schema(path), i + 1);
			expect_upgraded(path, readonly, want[i]);
			cr_expect_eq(sqlite_schema(path), TACH_STORE_SCHEMA);
		}
}

/* A version-3 file: this tach's tables with the column and index of
 * version 4 dropped and the version set back; a run whose metadata says
 * nothing of its machine gets "unknown". */
Test(store_testbed, sqlite_version_3_file_gets_its_testbeds, .init = make_tmpdir,
     .fini = remove_tmpdir)
{
	char path[128];
	snprintf(path, sizeof path, "%s/v3.db", tmpdir);
	tach_store *s;
	tach_error err;
	int64_t id;
	cr_assert_eq(tach_store_open(path, &s, &err), 0, "%s", err.message);
	tach_result *r = run_on("alpha", "lab-box", "2026-11-01T10:00:00Z", 1.0);
	cr_assert_eq(tach_store_add(s, r, NULL, &id, &err), 0, "%s", err.message);
	tach_result_free(r);
	r = run_on(NULL, NULL, "2026-11-02T10:00:00Z", 1.0);
	r->meta.cpu_count = 0;
	tach_meta_set(&r->meta.cpu_model, NULL);
	cr_assert_eq(tach_store_add(s, r, NULL, &id, &err), 0, "%s", err.message);
	tach_result_free(r);
	tach_store_close(s);
	sqlite3 *db;
	cr_assert_eq(sqlite3_open(path, &db), SQLITE_OK);
	cr_assert_eq(sqlite3_exec(db,
	                          "DROP INDEX runs_testbed; ALTER TABLE runs DROP COLUMN testbed;"
	                          "UPDATE tach_meta SET value = '3' WHERE key = 'schema'",
	                          NULL, NULL, NULL),
	             SQLITE_OK, "%s", sqlite3_errmsg(db));
	sqlite3_close(db);
	cr_assert_eq(tach_store_open(path, &s, &err), 0, "%s", err.message);
	tach_run_info *ri;
	size_t n;
	cr_assert_eq(tach_store_list(s, NULL, &ri, &n, &err), 0, "%s", err.message);
	cr_assert_eq(n, 2);
	cr_expect_str_eq(ri[0].testbed, "unknown");
	cr_expect_str_eq(ri[1].testbed, "lab-box", "the name stored in the run's metadata");
	tach_run_infos_free(ri, n);
	tach_store_close(s);
	cr_expect_eq(sqlite_schema(path), TACH_STORE_SCHEMA);
}

/* PostgreSQL from versions 1, 2 and 3: this tach's tables put back to the
 * older version (the column dropped, the version set back), opened again. */
Test(store_testbed, postgresql_older_versions_get_their_testbeds, .fini = pg_drop)
{
	const char *loc = pg_fresh();
	for (int v = 1; v <= 3; v++) {
		tach_store *s;
		tach_error err;
		int64_t id;
		cr_assert_eq(tach_store_open(loc, &s, &err), 0, "%s", err.message);
		tach_result *r = run_on("alpha", v == 3 ? "lab-box" : NULL, "2026-11-01T10:00:00Z", 1.0);
		cr_assert_eq(tach_store_add(s, r, NULL, &id, &err), 0, "%s", err.message);
		char want[TACH_TESTBED_MAX + 1];
		tach_meta_testbed(&r->meta, want, sizeof want);
		tach_result_free(r);
		tach_store_close(s);
		PGconn *c = pg_connect(loc);
		if (v == 1) /* what version 2 added */
			pg_exec(c, "DROP TABLE run_labels; DROP TABLE baselines; DROP INDEX runs_commit");
		pg_exec(c, "DROP INDEX runs_testbed");
		pg_exec(c, "ALTER TABLE runs DROP COLUMN testbed");
		char sql[120];
		snprintf(sql, sizeof sql, "UPDATE tach_meta SET value = '%d' WHERE key = 'schema'", v);
		pg_exec(c, sql);
		expect_upgraded(loc, v == 2, want);
		PGresult *q = PQexec(c, "SELECT value FROM tach_meta WHERE key = 'schema'");
		cr_expect_eq(atoi(PQgetvalue(q, 0, 0)), TACH_STORE_SCHEMA_PG);
		PQclear(q);
		snprintf(sql, sizeof sql, "DELETE FROM runs WHERE id = %lld", (long long)id);
		pg_exec(c, sql);
		PQfinish(c);
	}
}
