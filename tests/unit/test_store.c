/* test_store.c - the history store, the same suite against SQLite (a
 * temporary file) and PostgreSQL (the throw-away server scripts/run-tests
 * starts; TACH_TEST_PG_URL), plus SQLite's own promises: an old schema
 * upgraded in place, whole runs only after kill -9, a full disk leaving
 * the store as it was. */
#include <criterion/criterion.h>
#include <errno.h>
#include <libpq-fe.h>
#include <signal.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "tach/tach.h"
#include "store/conninfo.h"

/* ---- fixtures ---- */

static char tmpdir[64];

static void make_tmpdir(void)
{
	snprintf(tmpdir, sizeof tmpdir, "/tmp/tach-store-XXXXXX");
	cr_assert(mkdtemp(tmpdir));
}

static void remove_tmpdir(void)
{
	char cmd[128];
	snprintf(cmd, sizeof cmd, "rm -rf '%s'", tmpdir);
	cr_expect_eq(system(cmd), 0);
}

/* A fresh store of either backend; PostgreSQL tables are emptied first so
 * every test starts clean. */
static const char *location(int pg, const char *name, char *buf, size_t size)
{
	if (!pg) {
		snprintf(buf, size, "%s/%s.db", tmpdir, name);
		return buf;
	}
	const char *url = getenv("TACH_TEST_PG_URL");
	if (!url || !*url)
		return NULL;
	return url;
}

static tach_store *open_clean(int pg, const char *name)
{
	static char buf[256];
	const char *loc = location(pg, name, buf, sizeof buf);
	if (!loc)
		cr_skip_test("TACH_TEST_PG_URL not set: no PostgreSQL server for this run");
	tach_store *s;
	tach_error err;
	cr_assert_eq(tach_store_open(loc, &s, &err), 0, "%s", err.message);
	if (pg) {
		/* empty it through the API: remove every run */
		tach_run_info *runs;
		size_t n;
		cr_assert_eq(tach_store_list(s, NULL, &runs, &n, &err), 0, "%s", err.message);
		for (size_t i = 0; i < n; i++)
			cr_assert_eq(tach_store_remove(s, runs[i].id, &err), 0, "%s", err.message);
		tach_run_infos_free(runs, n);
	}
	return s;
}

static tach_result *sample_result(const char *commit, const char *branch, const char *ts,
                                  double scale, size_t n_bench)
{
	tach_result *r = tach_result_new();
	tach_meta_set(&r->meta.tool, "tach");
	tach_meta_set(&r->meta.tool_version, "0.1.0");
	tach_meta_set(&r->meta.timestamp, ts);
	tach_meta_set(&r->meta.git_commit, commit);
	tach_meta_set(&r->meta.git_branch, branch);
	tach_meta_set(&r->meta.hostname, "host-1");
	r->meta.git_dirty = 0;
	tach_kvlist_set(&r->meta.labels, "suite", "unit");
	for (size_t i = 0; i < n_bench; i++) {
		char name[32];
		snprintf(name, sizeof name, "BM_copy/%zu", i);
		tach_benchmark *b = tach_result_add_benchmark(r, name);
		tach_benchmark_set_source(b, TACH_SOURCE_LIBRARY, "tach", NULL);
		char v[24];
		snprintf(v, sizeof v, "%zu", i);
		tach_kvlist_set(&b->params, "size", v);
		tach_kvlist_set(&b->params, "align", "8");
		tach_metric *m = tach_benchmark_add_metric(b, "time", "s", TACH_LOWER_IS_BETTER);
		for (int k = 0; k < 5; k++)
			tach_metric_add_sample_iters(m, scale * (1e-6 + k * 1e-9) + i * 1e-9, 1000 + k);
		tach_metric *c = tach_benchmark_add_metric(b, "instructions", "count",
		                                           TACH_LOWER_IS_BETTER);
		c->flags = TACH_METRIC_DETERMINISTIC;
		tach_metric_add_sample(c, 12345);
	}
	return r;
}

static int64_t add(tach_store *s, const tach_result *r)
{
	int64_t id = 0;
	tach_error err;
	cr_assert_eq(tach_store_add(s, r, NULL, &id, &err), 0, "%s", err.message);
	cr_assert_gt(id, 0);
	return id;
}

/* ---- the shared suite ---- */

static void roundtrip(int pg)
{
	tach_store *s = open_clean(pg, "roundtrip");
	tach_result *r = sample_result("aaaa1111bbbb2222cccc3333dddd4444eeee5555", "main",
	                               "2026-11-01T10:00:00Z", 1, 3);
	tach_benchmark *bad = tach_result_add_benchmark(r, "BM_crash <\"'>");
	tach_meta_set(&bad->error, "segfault");
	tach_metric *m = r->benchmarks[0]->metrics[0];
	tach_series *ser = tach_metric_add_series(m, 1);
	tach_series_add(ser, 0.01, 4096);
	tach_series_add(ser, 0.02, 8192);
	tach_kvlist extra = {0};
	tach_kvlist_set(&extra, "ci", "yes");
	int64_t id;
	tach_error err;
	cr_assert_eq(tach_store_add(s, r, &extra, &id, &err), 0, "%s", err.message);
	tach_result *back;
	cr_assert_eq(tach_store_get(s, id, &back, &err), 0, "%s", err.message);
	cr_assert_eq(back->n_benchmarks, 4);
	cr_expect_str_eq(back->meta.git_commit, r->meta.git_commit);
	cr_expect_str_eq(back->meta.git_branch, "main");
	cr_expect_str_eq(back->meta.hostname, "host-1");
	cr_expect_str_eq(tach_kvlist_get(&back->meta.labels, "ci"), "yes");
	cr_expect_str_eq(tach_kvlist_get(&back->meta.labels, "suite"), "unit");
	for (size_t i = 0; i < 3; i++) {
		const tach_benchmark *a = r->benchmarks[i], *b = back->benchmarks[i];
		cr_expect_str_eq(b->name, a->name);
		cr_assert_eq(b->params.n, 2);
		cr_expect_str_eq(b->params.items[0].key, "size", "parameters keep their order");
		cr_expect_str_eq(b->params.items[1].key, "align");
		cr_assert_eq(b->n_metrics, 2);
		const tach_metric *ma = a->metrics[0], *mb = b->metrics[0];
		cr_assert_eq(mb->n_samples, ma->n_samples);
		cr_expect_eq(memcmp(mb->samples, ma->samples, ma->n_samples * sizeof(double)), 0,
		             "samples come back bit for bit");
		cr_assert(mb->iterations);
		cr_expect_eq(mb->iterations[4], 1004);
		cr_expect_eq(b->metrics[1]->flags, TACH_METRIC_DETERMINISTIC);
	}
	cr_assert_eq(back->benchmarks[0]->metrics[0]->n_series, 1);
	cr_expect_eq(back->benchmarks[0]->metrics[0]->series[0]->v[1], 8192);
	cr_expect_str_eq(back->benchmarks[3]->error, "segfault");
	cr_expect_str_eq(back->benchmarks[3]->name, "BM_crash <\"'>");
	tach_result_free(back);
	tach_result_free(r);
	tach_kvlist_release(&extra);
	cr_expect_neq(tach_store_get(s, id + 1000, &back, &err), 0);
	cr_expect(strstr(err.message, "no run"), "%s", err.message);
	tach_store_close(s);
}

static void list_resolve_series(int pg)
{
	tach_store *s = open_clean(pg, "list");
	tach_result *r1 = sample_result("1111aaaa", "main", "2026-11-01T10:00:00Z", 1.00, 2);
	tach_result *r2 = sample_result("2222bbbb", "feature", "2026-11-02T10:00:00Z", 1.10, 2);
	tach_result *r3 = sample_result("3333cccc", "main", "2026-11-03T10:00:00Z", 1.20, 1);
	/* a run measured earlier but added last: the series orders by time */
	tach_result *r0 = sample_result("0000dddd", "main", "2026-10-30T10:00:00Z", 0.90, 2);
	int64_t a = add(s, r1), b = add(s, r2), c = add(s, r3), d = add(s, r0);
	tach_run_info *runs;
	size_t n;
	tach_error err;
	cr_assert_eq(tach_store_list(s, NULL, &runs, &n, &err), 0, "%s", err.message);
	cr_assert_eq(n, 4);
	cr_expect_eq(runs[0].id, d, "newest first");
	cr_expect_str_eq(tach_kvlist_get(&runs[0].labels, "suite"), "unit");
	tach_run_infos_free(runs, n);
	tach_run_filter f = {.branch = "main", .since = "2026-11-01", .limit = 10};
	cr_assert_eq(tach_store_list(s, &f, &runs, &n, &err), 0);
	cr_expect_eq(n, 2);
	tach_run_infos_free(runs, n);
	f = (tach_run_filter){.bench = "BM_copy/1", .limit = 1};
	cr_assert_eq(tach_store_list(s, &f, &runs, &n, &err), 0);
	cr_assert_eq(n, 1);
	cr_expect_eq(runs[0].id, d);
	tach_run_infos_free(runs, n);

	int64_t id;
	cr_assert_eq(tach_store_resolve(s, "@latest", &id, &err), 0, "%s", err.message);
	cr_expect_eq(id, d);
	cr_assert_eq(tach_store_resolve(s, "@latest~3", &id, &err), 0);
	cr_expect_eq(id, a);
	cr_expect_neq(tach_store_resolve(s, "@latest~4", &id, &err), 0);
	cr_assert_eq(tach_store_resolve(s, "2222", &id, &err), 0, "%s", err.message);
	cr_expect_eq(id, b);
	cr_assert_eq(tach_store_resolve(s, "@feature", &id, &err), 0, "%s", err.message);
	cr_expect_eq(id, b, "a branch name");
	cr_assert_eq(tach_store_baseline_set(s, "feature", a, &err), 0, "%s", err.message);
	cr_assert_eq(tach_store_resolve(s, "@feature", &id, &err), 0);
	cr_expect_eq(id, a, "a baseline wins over a branch of the same name");
	cr_expect_neq(tach_store_baseline_set(s, "x", 99999, &err), 0, "no such run");
	char ref[32];
	snprintf(ref, sizeof ref, "#%lld", (long long)c);
	cr_assert_eq(tach_store_resolve(s, ref, &id, &err), 0, "%s", err.message);
	cr_expect_eq(id, c);
	cr_expect_neq(tach_store_resolve(s, "@nothing-like-this", &id, &err), 0);
	cr_expect(strstr(err.message, "nothing-like-this"), "%s", err.message);

	tach_kvlist p = {0};
	tach_kvlist_set(&p, "align", "8"); /* in another order than stored */
	tach_kvlist_set(&p, "size", "0");
	tach_history_point *pts;
	cr_assert_eq(tach_store_series(s, "BM_copy/0", &p, "time", NULL, &pts, &n, &err), 0, "%s",
	             err.message);
	cr_assert_eq(n, 4);
	cr_expect_eq(pts[0].run, d, "oldest measurement first");
	cr_expect_eq(pts[3].run, c);
	cr_expect_float_eq(pts[1].median, 1.002e-6, 1e-15);
	cr_expect_eq(pts[1].n, 5);
	tach_history_points_free(pts, n);
	cr_assert_eq(tach_store_series(s, "BM_copy/0", &p, "time", "feature", &pts, &n, &err), 0);
	cr_expect_eq(n, 1);
	tach_history_points_free(pts, n);
	tach_kvlist_release(&p);

	tach_result *cat;
	cr_assert_eq(tach_store_catalog(s, "BM_copy/*", "time", &cat, &err), 0, "%s", err.message);
	cr_expect_eq(cat->n_benchmarks, 2);
	cr_expect_eq(cat->benchmarks[0]->n_metrics, 1);
	tach_result_free(cat);

	cr_assert_eq(tach_store_remove(s, a, &err), 0);
	cr_expect_neq(tach_store_resolve(s, "@feature", &id, &err) == 0 && id == a, 1,
	              "the baseline went with its run");
	cr_expect_neq(tach_store_remove(s, a, &err), 0, "removed twice");
	tach_result_free(r0);
	tach_result_free(r1);
	tach_result_free(r2);
	tach_result_free(r3);
	tach_store_close(s);
}

static size_t count_runs(tach_store *s)
{
	tach_run_info *runs;
	size_t n;
	tach_error err;
	cr_assert_eq(tach_store_list(s, NULL, &runs, &n, &err), 0, "%s", err.message);
	tach_run_infos_free(runs, n);
	return n;
}

/* tach_store_begin: the adds after it stay only on commit; a rollback,
 * or closing the store without a commit, leaves it as it was (issue 16.6:
 * an import stopped by a bad line had kept the runs before it). */
static void all_or_nothing(int pg)
{
	tach_store *s = open_clean(pg, "txn");
	tach_result *r = sample_result("feedf00d", "main", "2026-11-08T00:00:00Z", 1, 2);
	tach_error err;
	add(s, r);
	cr_assert_eq(tach_store_begin(s, &err), 0, "%s", err.message);
	cr_expect_eq(tach_store_begin(s, &err), TACH_EINVAL, "not nested");
	add(s, r);
	add(s, r);
	cr_expect_eq(count_runs(s), 3, "this connection sees its own adds");
	tach_store_rollback(s);
	cr_expect_eq(count_runs(s), 1, "rolled back: the run from before only");
	cr_expect_eq(tach_store_commit(s, &err), TACH_EINVAL, "no transaction");
	cr_assert_eq(tach_store_begin(s, &err), 0, "%s", err.message);
	add(s, r);
	add(s, r);
	cr_assert_eq(tach_store_commit(s, &err), 0, "%s", err.message);
	cr_expect_eq(count_runs(s), 3);
	cr_assert_eq(tach_store_begin(s, &err), 0, "%s", err.message);
	add(s, r);
	tach_store_close(s);
	char buf[256];
	cr_assert_eq(tach_store_open(location(pg, "txn", buf, sizeof buf), &s, &err), 0, "%s",
	             err.message);
	cr_expect_eq(count_runs(s), 3, "closed without a commit: nothing kept");
	tach_store_close(s);
	tach_result_free(r);
}

/* 8 processes open the same (new) store at once and add 100 runs each. */
static void concurrent_writers(int pg)
{
	char buf[256];
	const char *loc = location(pg, "concurrent", buf, sizeof buf);
	if (!loc)
		cr_skip_test("TACH_TEST_PG_URL not set: no PostgreSQL server for this run");
	if (pg)
		tach_store_close(open_clean(pg, "concurrent"));
	enum { PROCS = 8, RUNS = 100 };
	pid_t pids[PROCS];
	for (int p = 0; p < PROCS; p++) {
		pids[p] = fork();
		cr_assert_geq(pids[p], 0);
		if (pids[p] == 0) {
			tach_store *s;
			tach_error err;
			if (tach_store_open(loc, &s, &err)) {
				fprintf(stderr, "open: %s\n", err.message);
				_exit(1);
			}
			for (int k = 0; k < RUNS; k++) {
				char label[32];
				snprintf(label, sizeof label, "%d-%d", p, k);
				tach_result *r = sample_result("cafe", "main", "2026-11-05T00:00:00Z", 1, 2);
				tach_kvlist l = {0};
				tach_kvlist_set(&l, "who", label);
				int64_t id;
				int rc = tach_store_add(s, r, &l, &id, &err);
				tach_kvlist_release(&l);
				tach_result_free(r);
				if (rc) {
					fprintf(stderr, "add: %s\n", err.message);
					_exit(1);
				}
			}
			tach_store_close(s);
			_exit(0);
		}
	}
	for (int p = 0; p < PROCS; p++) {
		int st;
		waitpid(pids[p], &st, 0);
		cr_expect(WIFEXITED(st) && WEXITSTATUS(st) == 0, "writer %d failed", p);
	}
	tach_store *s;
	tach_error err;
	cr_assert_eq(tach_store_open(loc, &s, &err), 0, "%s", err.message);
	tach_run_info *runs;
	size_t n;
	cr_assert_eq(tach_store_list(s, NULL, &runs, &n, &err), 0);
	cr_expect_eq(n, PROCS * RUNS);
	/* every (process, run) label exactly once */
	static char seen[PROCS][RUNS];
	memset(seen, 0, sizeof seen);
	for (size_t i = 0; i < n; i++) {
		int p, k;
		const char *w = tach_kvlist_get(&runs[i].labels, "who");
		cr_assert(w && sscanf(w, "%d-%d", &p, &k) == 2);
		cr_expect_eq(seen[p][k]++, 0, "run %s twice", w);
	}
	tach_run_infos_free(runs, n);
	tach_store_close(s);
}

Test(store_sqlite, roundtrip, .init = make_tmpdir, .fini = remove_tmpdir) { roundtrip(0); }
Test(store_sqlite, list_resolve_series, .init = make_tmpdir, .fini = remove_tmpdir)
{
	list_resolve_series(0);
}
Test(store_sqlite, concurrent_writers, .init = make_tmpdir, .fini = remove_tmpdir)
{
	concurrent_writers(0);
}
Test(store_sqlite, all_or_nothing, .init = make_tmpdir, .fini = remove_tmpdir)
{
	all_or_nothing(0);
}
/* One database for the whole PostgreSQL suite: the cases run in order,
 * not in parallel, since each starts by emptying it. */
Test(store_pg, suite, .init = make_tmpdir, .fini = remove_tmpdir)
{
	roundtrip(1);
	list_resolve_series(1);
	concurrent_writers(1);
	all_or_nothing(1);
}

/* ---- SQLite's own promises ---- */

Test(store_sqlite, version_1_file_is_upgraded_in_place, .init = make_tmpdir,
     .fini = remove_tmpdir)
{
	char path[256], cmd[512];
	snprintf(path, sizeof path, "%s/old.db", tmpdir);
	snprintf(cmd, sizeof cmd, "cp '%s/tests/fixtures/history-v1.db' '%s'", TACH_SOURCE_ROOT,
	         path);
	cr_assert_eq(system(cmd), 0);
	tach_store *s;
	tach_error err;
	cr_assert_eq(tach_store_open(path, &s, &err), 0, "%s", err.message);
	tach_result *r;
	cr_assert_eq(tach_store_get(s, 1, &r, &err), 0, "%s", err.message);
	cr_expect_str_eq(r->benchmarks[0]->name, "BM_old/64");
	cr_expect_eq(r->benchmarks[0]->metrics[0]->samples[2], 3.0);
	cr_expect_str_eq(r->meta.hostname, "old-host");
	tach_result_free(r);
	int64_t id;
	cr_assert_eq(tach_store_baseline_set(s, "old", 1, &err), 0, "%s: a v2 feature", err.message);
	cr_assert_eq(tach_store_resolve(s, "0123456", &id, &err), 0, "%s", err.message);
	tach_store_close(s);
	sqlite3 *db;
	sqlite3_stmt *q;
	cr_assert_eq(sqlite3_open(path, &db), SQLITE_OK);
	sqlite3_prepare_v2(db, "SELECT value FROM tach_meta WHERE key = 'schema'", -1, &q, NULL);
	cr_assert_eq(sqlite3_step(q), SQLITE_ROW);
	cr_expect_eq(sqlite3_column_int(q, 0), TACH_STORE_SCHEMA);
	sqlite3_finalize(q);
	sqlite3_close(db);
}

/* The store holds whole runs only: n_benchmarks of every run equals its
 * benchmark rows, and the file passes integrity_check. */
static void expect_whole(const char *path, size_t *runs_out)
{
	sqlite3 *db;
	sqlite3_stmt *q;
	cr_assert_eq(sqlite3_open(path, &db), SQLITE_OK);
	cr_assert_eq(sqlite3_prepare_v2(db, "PRAGMA integrity_check", -1, &q, NULL), SQLITE_OK);
	cr_assert_eq(sqlite3_step(q), SQLITE_ROW);
	cr_expect_str_eq((const char *)sqlite3_column_text(q, 0), "ok");
	sqlite3_finalize(q);
	cr_assert_eq(sqlite3_prepare_v2(db,
	                                "SELECT count(*), sum(r.n_benchmarks = (SELECT count(*) FROM"
	                                " benchmarks b WHERE b.run_id = r.id)) FROM runs r",
	                                -1, &q, NULL),
	             SQLITE_OK);
	cr_assert_eq(sqlite3_step(q), SQLITE_ROW);
	int runs = sqlite3_column_int(q, 0), whole = sqlite3_column_int(q, 1);
	cr_expect_eq(runs, whole, "%d runs, %d whole", runs, whole);
	sqlite3_finalize(q);
	sqlite3_close(db);
	*runs_out = (size_t)runs;
}

Test(store_sqlite, kill_9_while_adding_leaves_whole_runs, .init = make_tmpdir,
     .fini = remove_tmpdir)
{
	char path[256];
	snprintf(path, sizeof path, "%s/kill.db", tmpdir);
	tach_store *s;
	tach_error err;
	cr_assert_eq(tach_store_open(path, &s, &err), 0);
	tach_store_close(s);
	tach_result *big = sample_result("dead", "main", "2026-11-06T00:00:00Z", 1, 2000);
	srand(7);
	size_t last = 0;
	for (int round = 0; round < 100; round++) {
		pid_t pid = fork();
		cr_assert_geq(pid, 0);
		if (pid == 0) {
			tach_store *c;
			if (tach_store_open(path, &c, NULL))
				_exit(1);
			for (;;) {
				int64_t id;
				if (tach_store_add(c, big, NULL, &id, NULL))
					_exit(1);
			}
		}
		struct timespec t = {0, (long)(rand() % 40 + 1) * 1000000L};
		nanosleep(&t, NULL);
		kill(pid, SIGKILL);
		int st;
		waitpid(pid, &st, 0);
		cr_assert(WIFSIGNALED(st), "the writer failed instead of being killed");
	}
	expect_whole(path, &last);
	tach_result_free(big);
}

Test(store_sqlite, full_disk_is_an_error_and_the_store_stays, .init = make_tmpdir,
     .fini = remove_tmpdir)
{
	char path[256];
	snprintf(path, sizeof path, "%s/full.db", tmpdir);
	tach_store *s;
	tach_error err;
	cr_assert_eq(tach_store_open(path, &s, &err), 0);
	tach_result *small = sample_result("beef", "main", "2026-11-07T00:00:00Z", 1, 2);
	add(s, small);
	tach_store_close(s);
	pid_t pid = fork();
	cr_assert_geq(pid, 0);
	if (pid == 0) {
		/* files may not grow past 256 KiB: the big run cannot fit */
		signal(SIGXFSZ, SIG_IGN);
		struct rlimit rl = {256 * 1024, 256 * 1024};
		setrlimit(RLIMIT_FSIZE, &rl);
		tach_store *c;
		if (tach_store_open(path, &c, &err))
			_exit(3);
		tach_result *big = sample_result("f00d", "main", "2026-11-07T01:00:00Z", 1, 5000);
		int64_t id;
		int rc = tach_store_add(c, big, NULL, &id, &err);
		fprintf(stderr, "full disk: %s\n", err.message);
		_exit(rc == 0 ? 0 : strstr(err.message, tmpdir) ? 2 : 4);
	}
	int st;
	waitpid(pid, &st, 0);
	cr_assert(WIFEXITED(st));
	cr_expect_eq(WEXITSTATUS(st), 2, "an error naming the store (status %d)", WEXITSTATUS(st));
	size_t runs;
	expect_whole(path, &runs);
	cr_expect_eq(runs, 1, "the store is as it was");
	tach_result_free(small);
}

Test(store, default_path_and_masked_urls, .init = make_tmpdir, .fini = remove_tmpdir)
{
	char old[1024], buf[1024], sub[256];
	cr_assert(getcwd(old, sizeof old));
	snprintf(sub, sizeof sub, "%s/repo/a/b", tmpdir);
	char cmd[512];
	snprintf(cmd, sizeof cmd, "mkdir -p '%s' '%s/repo/.git'", sub, tmpdir);
	cr_assert_eq(system(cmd), 0);
	cr_assert_eq(chdir(sub), 0);
	cr_assert_eq(tach_store_default_path(buf, sizeof buf), 0);
	char want[512];
	snprintf(want, sizeof want, "%s/repo/.tach/history.db", tmpdir);
	cr_expect_str_eq(buf, want, "the top of the work tree");
	snprintf(cmd, sizeof cmd, "mkdir -p '%s/repo/a/.tach' && touch '%s/repo/a/.tach/history.db'",
	         tmpdir, tmpdir);
	cr_assert_eq(system(cmd), 0);
	cr_assert_eq(tach_store_default_path(buf, sizeof buf), 0);
	snprintf(want, sizeof want, "%s/repo/a/.tach/history.db", tmpdir);
	cr_expect_str_eq(buf, want, "an existing store nearer wins");
	cr_assert_eq(chdir(old), 0);
	tach_store *s;
	tach_error err;
	int rc = tach_store_open("postgresql://me:s3cret@127.0.0.1:1/none?connect_timeout=1", &s, &err);
	cr_expect_neq(rc, 0);
	cr_expect_null(strstr(err.message, "s3cret"), "the password is never printed: %s",
	               err.message);
}

/* ---- the store found by default (issue 16.9) ---- */

/* A valid store at dir/.tach/history.db, made by this user. */
static void make_store_in(const char *dir)
{
	char path[512];
	snprintf(path, sizeof path, "%s/.tach/history.db", dir);
	tach_store *s;
	tach_error err;
	cr_assert_eq(tach_store_open(path, &s, &err), 0, "%s", err.message);
	tach_store_close(s);
}

static int open_found(tach_error *err)
{
	tach_store *s;
	int rc = tach_store_open(NULL, &s, err);
	tach_store_close(s);
	return rc;
}

/* Outside git, a store in a directory above is not looked for: it may
 * be anybody's (the system's temporary directory). */
Test(store, outside_git_only_the_current_directory, .init = make_tmpdir, .fini = remove_tmpdir)
{
	unsetenv("TACH_DB");
	char sub[256], buf[1024], want[512], old[1024];
	cr_assert(getcwd(old, sizeof old));
	make_store_in(tmpdir);
	snprintf(sub, sizeof sub, "%s/work", tmpdir);
	cr_assert_eq(mkdir(sub, 0755), 0);
	cr_assert_eq(chdir(sub), 0);
	cr_assert_eq(tach_store_default_path(buf, sizeof buf), 0);
	snprintf(want, sizeof want, "%s/.tach/history.db", sub);
	cr_expect_str_eq(buf, want, "the current directory, not the store above it");
	cr_assert_eq(chdir(old), 0);
}

/* A store found by default that every user may write, or in a directory
 * every user may write, is refused with the reason; named, it is used. */
Test(store, found_store_writable_by_all_is_refused, .init = make_tmpdir, .fini = remove_tmpdir)
{
	unsetenv("TACH_DB");
	char old[1024], path[512], dir[256];
	cr_assert(getcwd(old, sizeof old));
	make_store_in(tmpdir);
	snprintf(dir, sizeof dir, "%s/.tach", tmpdir);
	snprintf(path, sizeof path, "%s/history.db", dir);
	cr_assert_eq(chdir(tmpdir), 0);
	tach_error err;
	cr_expect_eq(open_found(&err), 0, "our own store: %s", err.message);
	cr_assert_eq(chmod(path, 0666), 0);
	cr_expect_eq(open_found(&err), -EPERM);
	cr_expect(strstr(err.message, path) && strstr(err.message, "writable by every user"), "%s",
	          err.message);
	cr_expect(strstr(err.message, "--db"), "says how to use it anyway: %s", err.message);
	tach_store *s;
	cr_expect_eq(tach_store_open(path, &s, &err), 0, "named explicitly: %s", err.message);
	tach_store_close(s);
	setenv("TACH_DB", path, 1);
	cr_expect_eq(open_found(&err), 0, "named by TACH_DB: %s", err.message);
	unsetenv("TACH_DB");
	cr_assert_eq(chmod(path, 0644), 0);
	cr_assert_eq(chmod(dir, 0777), 0);
	cr_expect_eq(open_found(&err), -EPERM);
	cr_expect(strstr(err.message, "its directory is writable by every user"), "%s", err.message);
	cr_assert_eq(chmod(dir, 0755), 0);
	cr_expect_eq(open_found(&err), 0, "%s", err.message);
	cr_assert_eq(chdir(old), 0);
}

/* A store another user owns (nobody, uid 65534), or in a directory that
 * user owns, is refused; it takes root to make one. */
Test(store, found_store_of_another_user_is_refused, .init = make_tmpdir, .fini = remove_tmpdir)
{
	if (geteuid() != 0)
		cr_skip_test("not root: cannot give a store to another user");
	unsetenv("TACH_DB");
	char old[1024], path[512], dir[256];
	cr_assert(getcwd(old, sizeof old));
	make_store_in(tmpdir);
	snprintf(dir, sizeof dir, "%s/.tach", tmpdir);
	snprintf(path, sizeof path, "%s/history.db", dir);
	cr_assert_eq(chdir(tmpdir), 0);
	tach_error err;
	cr_assert_eq(chown(path, 65534, 65534), 0);
	cr_expect_eq(open_found(&err), -EPERM);
	cr_expect(strstr(err.message, "it is owned by another user (uid 65534)"), "%s", err.message);
	cr_assert_eq(chown(path, 0, 0), 0);
	cr_assert_eq(chown(dir, 65534, 65534), 0);
	cr_expect_eq(open_found(&err), -EPERM);
	cr_expect(strstr(err.message, "its directory is owned by another user"), "%s", err.message);
	tach_store *s;
	cr_expect_eq(tach_store_open(path, &s, &err), 0, "named explicitly: %s", err.message);
	tach_store_close(s);
	cr_assert_eq(chdir(old), 0);
}

/* ---- PostgreSQL connection strings (issues 16.10, 16.11) ---- */

/* Every spelling of a password libpq reads: each string, as libpq parses
 * it, holds the password "hun ter'2" or "hunter2"; masked, and in the
 * error of a connection that fails, none of it shows. */
Test(store, every_password_spelling_is_masked)
{
	static const struct {
		const char *conninfo, *password, *masked;
	} cases[] = {
		{"postgresql://ci:hunter2@127.0.0.1:1/db", "hunter2", "postgresql://ci:***@127.0.0.1:1/db"},
		{"postgres://ci:hun%20ter%272@127.0.0.1:1/db", "hun ter'2",
		 "postgres://ci:***@127.0.0.1:1/db"},
		{"postgresql://ci@127.0.0.1:1/db?password=hunter2&sslmode=disable", "hunter2",
		 "postgresql://ci@127.0.0.1:1/db?password=***&sslmode=disable"},
		{"postgresql://127.0.0.1:1/db?sslmode=disable&pass%77ord=hunter2", "hunter2",
		 "postgresql://127.0.0.1:1/db?sslmode=disable&pass%77ord=***"},
		{"host=127.0.0.1 port=1 password=hunter2 dbname=db", "hunter2",
		 "host=127.0.0.1 port=1 password=*** dbname=db"},
		{"host=127.0.0.1 port=1 password = hunter2 dbname=db", "hunter2",
		 "host=127.0.0.1 port=1 password = *** dbname=db"},
		{"host=127.0.0.1 port=1 password= hunter2", "hunter2", "host=127.0.0.1 port=1 password= ***"},
		{"password =hunter2\tport=1 host=127.0.0.1", "hunter2", "password =***\tport=1 host=127.0.0.1"},
		{"host=127.0.0.1 port=1 password='hun ter\\'2' dbname=db", "hun ter'2",
		 "host=127.0.0.1 port=1 password=*** dbname=db"},
		{"host=127.0.0.1 port=1 password=hun\\ ter\\'2 dbname=db", "hun ter'2",
		 "host=127.0.0.1 port=1 password=*** dbname=db"},
		{"user=ci password='' host=127.0.0.1 port=1", "", "user=ci password=*** host=127.0.0.1 port=1"},
	};
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		const char *c = cases[i].conninfo;
		/* the case is one libpq reads, with that password */
		char *why = NULL;
		PQconninfoOption *opts = PQconninfoParse(c, &why);
		cr_assert(opts, "%s: %s", c, why ? why : "");
		const char *pw = NULL;
		for (PQconninfoOption *o = opts; o->keyword; o++)
			if (!strcmp(o->keyword, "password"))
				pw = o->val;
		cr_expect_str_eq(pw ? pw : "(none)", cases[i].password, "libpq reads %s", c);
		PQconninfoFree(opts);
		cr_expect(tach__is_conninfo(c), "%s is a connection string", c);
		char *m = tach__conninfo_masked(c);
		cr_expect_str_eq(m, cases[i].masked);
		free(m);
		tach_store *s;
		tach_error err;
		cr_expect_neq(tach_store_open(c, &s, &err), 0, "nothing listens on port 1");
		cr_expect(strstr(err.message, "***"), "%s", err.message);
		if (cases[i].password[0]) {
			cr_expect_null(strstr(err.message, "hunter2"), "%s", err.message);
			cr_expect_null(strstr(err.message, "ter'2"), "%s", err.message);
			cr_expect_null(strstr(err.message, "ter%272"), "%s", err.message);
		}
	}
	cr_expect(!tach__is_conninfo("results/history.db"));
	cr_expect(!tach__is_conninfo("size=3.db"), "not a libpq keyword: a file");
	char *m = tach__conninfo_masked("/tmp/password=x.db");
	cr_expect_str_eq(m, "/tmp/password=x.db", "a file path is printed as it is");
	free(m);
}

static int has_key(const char *const *keys, const char *const *vals, const char *key,
                   const char *val)
{
	for (size_t i = 0; keys[i]; i++)
		if (!strcmp(keys[i], key))
			return !val || !strcmp(vals[i], val);
	return 0;
}

/* connect_timeout: tach's default unless the string or the environment
 * sets one. */
Test(store, default_connect_timeout_only_when_unset)
{
	const char *keys[6], *vals[6];
	unsetenv("PGCONNECT_TIMEOUT");
	tach__conninfo_params("postgresql://u@db.example/x", keys, vals);
	cr_expect(has_key(keys, vals, "connect_timeout", TACH__PG_CONNECT_TIMEOUT));
	cr_expect(has_key(keys, vals, "dbname", "postgresql://u@db.example/x"));
	tach__conninfo_params("host=db.example dbname=x", keys, vals);
	cr_expect(has_key(keys, vals, "connect_timeout", TACH__PG_CONNECT_TIMEOUT));
	tach__conninfo_params("postgresql://u@db.example/x?connect_timeout=3", keys, vals);
	cr_expect(!has_key(keys, vals, "connect_timeout", NULL), "the URL's own");
	tach__conninfo_params("host=db.example connect_timeout = 3", keys, vals);
	cr_expect(!has_key(keys, vals, "connect_timeout", NULL), "the string's own");
	setenv("PGCONNECT_TIMEOUT", "4", 1);
	tach__conninfo_params("host=db.example", keys, vals);
	cr_expect(!has_key(keys, vals, "connect_timeout", NULL), "the environment's");
	unsetenv("PGCONNECT_TIMEOUT");
}
