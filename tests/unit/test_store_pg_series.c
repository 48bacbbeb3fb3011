/* test_store_pg_series.c - PostgreSQL's schema 5, the tables of series and
 * their points that `trend` and `publish` read (TACH_TEST_PG_URL; skipped
 * without): a version-4 database upgraded in place answers every series
 * and the catalog as before; a series whose runs are all removed leaves
 * the catalog (its points removed with them) and comes back, in its old
 * place, with a new run; several writers making the
 * same new series in opposite orders at once neither deadlock nor
 * double a series, and every run keeps its points; and the upgrade to
 * schema 4 names the testbeds of thousands of runs, in batches. */
#include <criterion/criterion.h>
#include <libpq-fe.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "tach/tach.h"
#include "pg_test.h"

/* A run of `n` benchmarks named PREFIX_k in the order given by `step`
 * (+1 or -1), each with a parameter and two metrics, "time" without
 * samples every third benchmark; values from `v`. */
static tach_result *run_of(const char *prefix, int n, int step, const char *when, double v)
{
	tach_result *r = tach_result_new();
	tach_meta_set(&r->meta.timestamp, when);
	tach_meta_set(&r->meta.git_branch, "main");
	for (int i = 0; i < n; i++) {
		int k = step > 0 ? i : n - 1 - i;
		char name[48];
		snprintf(name, sizeof name, "%s_%03d", prefix, k);
		tach_benchmark *b = tach_result_add_benchmark(r, name);
		tach_kvlist_set(&b->params, "size", k % 2 ? "64" : "4096");
		tach_metric *t = tach_benchmark_add_metric(b, "time", "s", TACH_LOWER_IS_BETTER);
		tach_metric *c = tach_benchmark_add_metric(b, "items", "/s", TACH_HIGHER_IS_BETTER);
		for (int j = 0; j < 3; j++) {
			if (k % 3)
				tach_metric_add_sample(t, v * (k + 1) + j);
			tach_metric_add_sample(c, 1e6 / (v + k + j));
		}
	}
	return r;
}

typedef struct snapshot {
	size_t n_series;
	char names[64][96];
	size_t points[64];
	double last[64];
} snapshot;

/* Every series of the catalog with its points, as trend reads them. */
static void take(tach_store *s, snapshot *out)
{
	tach_error err;
	tach_result *cat;
	memset(out, 0, sizeof *out);
	cr_assert_eq(tach_store_catalog(s, NULL, NULL, &cat, &err), 0, "%s", err.message);
	for (size_t i = 0; i < cat->n_benchmarks; i++) {
		const tach_benchmark *b = cat->benchmarks[i];
		for (size_t k = 0; k < b->n_metrics; k++) {
			cr_assert_lt(out->n_series, 64);
			size_t at = out->n_series++;
			snprintf(out->names[at], sizeof out->names[at], "%s %s %s", b->name,
			         b->params.n ? b->params.items[0].value : "-", b->metrics[k]->name);
			tach_history_point *p;
			size_t n;
			cr_assert_eq(tach_store_series(s, b->name, &b->params, b->metrics[k]->name, NULL,
			                               &p, &n, &err),
			             0, "%s", err.message);
			out->points[at] = n;
			out->last[at] = n ? p[n - 1].median : -1;
			tach_history_points_free(p, n);
		}
	}
	tach_result_free(cat);
}

static void expect_same(const snapshot *a, const snapshot *b)
{
	cr_assert_eq(a->n_series, b->n_series);
	for (size_t i = 0; i < a->n_series; i++) {
		cr_expect_str_eq(a->names[i], b->names[i], "series %zu in the same order", i);
		cr_expect_eq(a->points[i], b->points[i], "%s", a->names[i]);
		cr_expect_eq(a->last[i], b->last[i], "%s", a->names[i]);
	}
}

Test(store_pg_series, version_4_database_is_upgraded_in_place, .fini = pg_drop)
{
	const char *url = pg_fresh();
	tach_store *s;
	tach_error err;
	int64_t id;
	cr_assert_eq(tach_store_open(url, &s, &err), 0, "%s", err.message);
	const char *when[3] = {"2026-01-01T00:00:00Z", "2026-01-02T00:00:00Z",
	                       "2026-01-03T00:00:00Z"};
	for (int i = 0; i < 3; i++) {
		tach_result *r = run_of(i == 1 ? "other" : "bm", 5, i == 2 ? -1 : 1, when[i], i + 1);
		cr_assert_eq(tach_store_add(s, r, NULL, &id, &err), 0, "%s", err.message);
		tach_result_free(r);
	}
	snapshot before, after;
	take(s, &before);
	tach_store_close(s);
	/* 3 runs of 5 benchmarks x 2 metrics: 20 series, bm's with 2 runs each
	 * (one fewer for time without samples), other's with 1 */
	cr_expect_eq(before.n_series, 20);
	cr_expect_str_eq(before.names[0], "bm_000 4096 time", "as first stored");
	cr_expect_eq(before.points[0], 0, "bm_000 has no time samples");
	cr_expect_eq(before.points[1], 2);

	PGconn *c = pg_connect(url);
	pg_long(c, "DROP TABLE points; DROP TABLE series;"
	           " UPDATE tach_meta SET value = '4' WHERE key = 'schema'");
	PQfinish(c);
	/* a reader upgrades (through a connection of its own), then reads */
	cr_assert_eq(tach_store_open_readonly(url, &s, &err), 0, "%s", err.message);
	take(s, &after);
	tach_store_close(s);
	expect_same(&before, &after);
	c = pg_connect(url);
	cr_expect_eq(pg_long(c, "SELECT value FROM tach_meta WHERE key = 'schema'"),
	             TACH_STORE_SCHEMA_PG);
	cr_expect_eq(pg_long(c, "SELECT count(*) FROM points"), 30, "a point per stored metric");
	PQfinish(c);
}

Test(store_pg_series, removed_runs_leave_the_catalog, .fini = pg_drop)
{
	const char *url = pg_fresh();
	tach_store *s;
	tach_error err;
	int64_t a, b;
	cr_assert_eq(tach_store_open(url, &s, &err), 0, "%s", err.message);
	tach_result *r1 = run_of("gone", 2, 1, "2026-01-01T00:00:00Z", 1);
	tach_result *r2 = run_of("kept", 2, 1, "2026-01-02T00:00:00Z", 2);
	cr_assert_eq(tach_store_add(s, r1, NULL, &a, &err), 0, "%s", err.message);
	cr_assert_eq(tach_store_add(s, r2, NULL, &b, &err), 0, "%s", err.message);
	snapshot snap;
	take(s, &snap);
	cr_expect_eq(snap.n_series, 8);
	cr_assert_eq(tach_store_remove(s, a, &err), 0, "%s", err.message);
	take(s, &snap);
	cr_expect_eq(snap.n_series, 4, "only kept's series");
	PGconn *c = pg_connect(url);
	cr_expect_eq(pg_long(c, "SELECT count(*) FROM points"), 4, "the removed run's points gone");
	PQfinish(c);
	cr_expect_str_eq(snap.names[0], "kept_000 4096 time");
	/* the name filter of a glob finds no removed names either */
	tach_result *cat;
	cr_assert_eq(tach_store_catalog(s, "gone*", NULL, &cat, &err), 0, "%s", err.message);
	cr_expect_eq(cat->n_benchmarks, 0);
	tach_result_free(cat);
	/* stored again, the series is back with its one point */
	cr_assert_eq(tach_store_add(s, r1, NULL, &a, &err), 0, "%s", err.message);
	take(s, &snap);
	cr_expect_eq(snap.n_series, 8);
	cr_expect_str_eq(snap.names[0], "gone_000 4096 time", "a series keeps its place");
	cr_expect_eq(snap.points[1], 1);
	tach_result_free(r1);
	tach_result_free(r2);
	tach_store_close(s);
}

/* Writers that each make the same new series, half of them listing the
 * benchmarks backwards, at once: were the series inserted in each run's
 * own order, two writers could each hold a series the other waits for. */
Test(store_pg_series, writers_making_the_same_series_at_once, .fini = pg_drop)
{
	const char *url = pg_fresh();
	enum { WRITERS = 6, ROUNDS = 8, BENCHES = 40 };
	tach_store *s;
	tach_error err;
	cr_assert_eq(tach_store_open(url, &s, &err), 0, "%s", err.message);
	tach_store_close(s);
	pid_t pid[WRITERS];
	for (int w = 0; w < WRITERS; w++) {
		pid[w] = fork();
		cr_assert_geq(pid[w], 0);
		if (pid[w])
			continue;
		int bad = 0;
		if (tach_store_open(url, &s, &err)) {
			fprintf(stderr, "writer %d: %s\n", w, err.message);
			_exit(1);
		}
		for (int round = 0; round < ROUNDS && !bad; round++) {
			char prefix[16];
			snprintf(prefix, sizeof prefix, "r%d", round); /* new series each round */
			tach_result *r = run_of(prefix, BENCHES, w % 2 ? -1 : 1, "2026-02-01T00:00:00Z",
			                        w + 1);
			int64_t id;
			if (tach_store_add(s, r, NULL, &id, &err)) {
				fprintf(stderr, "writer %d round %d: %s\n", w, round, err.message);
				bad = 1;
			}
			tach_result_free(r);
		}
		tach_store_close(s);
		_exit(bad);
	}
	for (int w = 0; w < WRITERS; w++) {
		int st;
		cr_assert_eq(waitpid(pid[w], &st, 0), pid[w]);
		cr_expect(WIFEXITED(st) && WEXITSTATUS(st) == 0, "writer %d failed (see stderr)", w);
	}
	PGconn *c = pg_connect(url);
	cr_expect_eq(pg_long(c, "SELECT count(*) FROM series"), ROUNDS * BENCHES * 2,
	             "each series once");
	cr_expect_eq(pg_long(c, "SELECT count(*) FROM points"), WRITERS * ROUNDS * BENCHES * 2);
	cr_expect_eq(pg_long(c, "SELECT count(*) FROM (SELECT series_id, run_id FROM points"
	                        " GROUP BY 1, 2 HAVING count(*) <> 1) d"),
	             0, "a point per series and run");
	PQfinish(c);
}

/* The upgrade to schema 4 names the testbeds of runs stored before, a
 * thousand runs per statement: 2,500 runs of 2,500 hosts (copies of one
 * stored run with its host name changed, made in SQL) each get theirs. */
Test(store_pg_series, upgrade_names_the_testbeds_of_many_runs, .fini = pg_drop)
{
	const char *url = pg_fresh();
	tach_store *s;
	tach_error err;
	int64_t id;
	cr_assert_eq(tach_store_open(url, &s, &err), 0, "%s", err.message);
	tach_result *r = run_of("bm", 1, 1, "2026-01-01T00:00:00Z", 1);
	tach_meta_set(&r->meta.hostname, "hostzz");
	tach_meta_set(&r->meta.cpu_model, "Xeon");
	r->meta.cpu_count = 4;
	cr_assert_eq(tach_store_add(s, r, NULL, &id, &err), 0, "%s", err.message);
	char want[TACH_TESTBED_MAX + 1];
	tach_meta_set(&r->meta.hostname, "host1234");
	tach_meta_testbed(&r->meta, want, sizeof want);
	tach_result_free(r);
	tach_store_close(s);
	PGconn *c = pg_connect(url);
	pg_long(c, "INSERT INTO runs(added, timestamp, n_benchmarks, meta, testbed)"
	           " SELECT added, timestamp, 0, replace(meta, 'hostzz', 'host' || i), 'x'"
	           " FROM runs, generate_series(1, 2499) i");
	pg_long(c, "UPDATE runs SET testbed = 'unknown';"
	           " UPDATE tach_meta SET value = '3' WHERE key = 'schema'");
	cr_assert_eq(tach_store_open(url, &s, &err), 0, "%s", err.message);
	tach_store_close(s);
	cr_expect_eq(pg_long(c, "SELECT count(DISTINCT testbed) FROM runs WHERE testbed LIKE 'host%'"),
	             2500, "every run its own host's testbed");
	char sql[200];
	snprintf(sql, sizeof sql,
	         "SELECT count(*) FROM runs WHERE testbed = '%s' AND meta LIKE '%%\"host1234\"%%'",
	         want);
	cr_expect_eq(pg_long(c, sql), 1, "host1234's run is %s", want);
	PQfinish(c);
}
