/* test_store_pg_rows.c - PostgreSQL's way of adding a run at team scale
 * (TACH_TEST_PG_URL; skipped without): a run's benchmarks and metrics
 * sent as arrays, a statement per chunk of benchmarks (pg_rows.c), come
 * back as they went in, across chunks, with metrics without samples or
 * benchmarks without metrics; a writer killed with SIGKILL in the middle
 * of such runs leaves whole runs only; and the index that reads a run's
 * benchmarks by run id is there, also in a store made before it. */
#include <criterion/criterion.h>
#include <libpq-fe.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "tach/tach.h"
#include "pg_test.h"

/* 2,100 benchmarks (three chunks): benchmark 0 without metrics; the
 * others with parameters and metrics in an order that is not by name,
 * one of them without samples every seventh benchmark. */
static tach_result *big_run(int seed)
{
	tach_result *r = tach_result_new();
	tach_meta_set(&r->meta.timestamp, "2026-06-02T03:04:00Z");
	tach_meta_set(&r->meta.git_branch, "main");
	tach_result_add_benchmark(r, "BM_empty");
	for (int b = 1; b < 2100; b++) {
		char name[40], v[16];
		snprintf(name, sizeof name, "BM_%04d", b);
		tach_benchmark *bb = tach_result_add_benchmark(r, name);
		snprintf(v, sizeof v, "%d", b % 5);
		tach_kvlist_set(&bb->params, "size", v);
		tach_metric *z = tach_benchmark_add_metric(bb, "zeta", "s", TACH_LOWER_IS_BETTER);
		tach_metric *a = tach_benchmark_add_metric(bb, "alpha", "/s", TACH_HIGHER_IS_BETTER);
		tach_metric *m = tach_benchmark_add_metric(bb, "mid", "B", TACH_LOWER_IS_BETTER);
		for (int k = 0; k < 5; k++) {
			tach_metric_add_sample(z, seed + b + k * 0.25);
			tach_metric_add_sample(a, 1e6 / (b + k));
			if (b % 7)
				tach_metric_add_sample(m, b * 10.0 + k);
		}
	}
	return r;
}

static void expect_same(const tach_result *want, const tach_result *got)
{
	cr_assert_eq(got->n_benchmarks, want->n_benchmarks);
	for (size_t i = 0; i < want->n_benchmarks; i++) {
		const tach_benchmark *w = want->benchmarks[i], *g = got->benchmarks[i];
		cr_assert_str_eq(g->name, w->name, "benchmark %zu", i);
		cr_assert_eq(g->params.n, w->params.n, "%s", w->name);
		cr_assert_eq(g->n_metrics, w->n_metrics, "%s", w->name);
		for (size_t k = 0; k < w->n_metrics; k++) {
			const tach_metric *wm = w->metrics[k], *gm = g->metrics[k];
			cr_assert_str_eq(gm->name, wm->name, "%s: metrics keep their order", w->name);
			cr_assert_str_eq(gm->unit, wm->unit);
			cr_assert_eq(gm->direction, wm->direction);
			cr_assert_eq(gm->n_samples, wm->n_samples, "%s %s", w->name, wm->name);
			for (size_t j = 0; j < wm->n_samples; j++)
				cr_assert_eq(gm->samples[j], wm->samples[j], "bit for bit");
		}
	}
}

Test(store_pg_rows, runs_across_chunks_come_back_whole, .fini = pg_drop)
{
	const char *url = pg_fresh();
	tach_store *s;
	tach_error err = {0};
	cr_assert_eq(tach_store_open(url, &s, &err), 0, "%s", err.message);
	tach_result *r = big_run(1), *r2 = big_run(2), *got = NULL;
	int64_t id, id2;
	cr_assert_eq(tach_store_add(s, r, NULL, &id, &err), 0, "%s", err.message);
	cr_assert_eq(tach_store_add(s, r2, NULL, &id2, &err), 0, "%s", err.message);
	cr_assert_eq(tach_store_get(s, id, &got, &err), 0, "%s", err.message);
	expect_same(r, got);
	tach_result_free(got);
	cr_assert_eq(tach_store_get(s, id2, &got, &err), 0, "%s", err.message);
	expect_same(r2, got);
	tach_result_free(got);

	/* the series: one point a run, none for the runs without samples */
	tach_history_point *p;
	size_t n;
	tach_kvlist params = {0};
	tach_kvlist_set(&params, "size", "3");
	cr_assert_eq(tach_store_series(s, "BM_0013", &params, "zeta", NULL, &p, &n, &err), 0, "%s",
	             err.message);
	cr_assert_eq(n, 2);
	cr_expect_eq(p[0].median, 1 + 13 + 0.5);
	cr_expect_eq(p[1].median, 2 + 13 + 0.5);
	tach_history_points_free(p, n);
	tach_kvlist_set(&params, "size", "4");
	cr_assert_eq(tach_store_series(s, "BM_0014", &params, "mid", NULL, &p, &n, &err), 0, "%s",
	             err.message);
	cr_expect_eq(n, 0, "BM_0014's mid has no samples");
	tach_history_points_free(p, n);
	tach_kvlist_release(&params);

	/* inside a transaction of several runs, and rolled back */
	cr_assert_eq(tach_store_begin(s, &err), 0, "%s", err.message);
	cr_assert_eq(tach_store_add(s, r, NULL, &id, &err), 0, "%s", err.message);
	tach_store_rollback(s);
	PGconn *c = pg_connect(url);
	cr_expect_eq(pg_long(c, "SELECT count(*) FROM runs"), 2);
	cr_expect_eq(pg_long(c, "SELECT count(*) FROM benchmarks"), 2 * 2100);
	cr_expect_eq(pg_long(c, "SELECT count(*) FROM metrics"), 2 * 2099 * 3);
	PQfinish(c);
	tach_result_free(r);
	tach_result_free(r2);
	tach_store_close(s);
}

Test(store_pg_rows, a_killed_writer_leaves_whole_runs, .fini = pg_drop)
{
	const char *url = pg_fresh();
	tach_store *s;
	tach_error err = {0};
	cr_assert_eq(tach_store_open(url, &s, &err), 0, "%s", err.message);
	tach_store_close(s);
	pid_t pid = fork();
	cr_assert(pid >= 0);
	if (pid == 0) {
		tach_result *r = big_run(3);
		int64_t id;
		if (tach_store_open(url, &s, &err))
			_exit(3);
		for (;;)
			if (tach_store_add(s, r, NULL, &id, &err))
				_exit(4);
	}
	/* killed once a run is in, most likely in the middle of the next */
	PGconn *c = pg_connect(url);
	for (int i = 0; i < 3000 && pg_long(c, "SELECT count(*) FROM runs") < 1; i++)
		usleep(10000);
	usleep(30000);
	kill(pid, SIGKILL);
	int st;
	waitpid(pid, &st, 0);
	cr_assert(WIFSIGNALED(st), "the writer failed instead of being killed");
	long runs = pg_long(c, "SELECT count(*) FROM runs");
	cr_assert_geq(runs, 1);
	cr_expect_eq(pg_long(c, "SELECT count(*) FROM benchmarks"), runs * 2100);
	cr_expect_eq(pg_long(c, "SELECT count(*) FROM metrics"), runs * 2099 * 3);
	cr_expect_eq(pg_long(c, "SELECT count(*) FROM runs r WHERE n_benchmarks <>"
	                        " (SELECT count(*) FROM benchmarks b WHERE b.run_id = r.id)"),
	             0, "every run whole");
	PQfinish(c);
}

Test(store_pg_rows, a_runs_benchmarks_are_indexed_by_run, .fini = pg_drop)
{
	const char *url = pg_fresh();
	tach_store *s;
	tach_error err = {0};
	cr_assert_eq(tach_store_open(url, &s, &err), 0, "%s", err.message);
	tach_store_close(s);
	PGconn *c = pg_connect(url);
	cr_assert_eq(pg_long(c, "SELECT count(*) FROM pg_indexes WHERE tablename = 'benchmarks'"
	                        " AND indexname = 'benchmarks_run'"),
	             1, "a new store has it");
	/* a store made before the index: the next writer adds it */
	pg_long(c, "DROP INDEX benchmarks_run");
	cr_assert_eq(tach_store_open_readonly(url, &s, &err), 0, "%s", err.message);
	tach_store_close(s);
	cr_assert_eq(pg_long(c, "SELECT count(*) FROM pg_indexes WHERE indexname = 'benchmarks_run'"),
	             0, "a reader creates nothing");
	cr_assert_eq(tach_store_open(url, &s, &err), 0, "%s", err.message);
	tach_store_close(s);
	cr_assert_eq(pg_long(c, "SELECT count(*) FROM pg_indexes WHERE indexname = 'benchmarks_run'"),
	             1, "a writer adds it");
	PQfinish(c);
}
