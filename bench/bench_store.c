/* bench_store.c - the history store's figures: ingest rate, series query
 * time, change points over stored series, and size per sample; and the
 * layout decision measured in the same run: tach's packed sample blobs
 * against the alternative, one row per sample in a child table.
 *
 * The upgrade of that store from schema 2 is timed too, beside the time
 * its runs took to add.
 *
 * With --publish: `tach publish` of 500 benchmarks x 3 metrics x 200
 * runs (10 samples each) instead: the time to publish the whole site,
 * its size and its index page's, then one more run added and the site
 * rebuilt (time, files rewritten), from SQLite and, given a server, from
 * an empty PostgreSQL database.
 *
 * usage: bench_store [--runs N] [--pg URL] [--publish]   (defaults: 1000
 * runs, 200 with --publish; PostgreSQL from --pg or $TACH_TEST_PG_URL,
 * skipped when neither)
 * Prints figures; asserts nothing.
 */
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <unistd.h>

#include "tach/tach.h"
#include "tach/changepoint.h"
#include "bench_util.h"

enum { BENCHES = 200, METRICS = 3, SAMPLES = 20 };

static void die(const char *what, const char *msg)
{
	fprintf(stderr, "bench_store: %s: %s\n", what, msg);
	exit(1);
}

/* One run of the suite: 200 benchmarks x 3 metrics x 20 samples. */
static tach_result *suite(tach_rng *rng, int run)
{
	static const char *const names[METRICS] = {"time", "cpu_time", "items_per_second"};
	static const char *const units[METRICS] = {"s", "s", "/s"};
	tach_result *r = tach_result_new();
	char ts[40], commit[48];
	snprintf(ts, sizeof ts, "2026-%02d-%02dT%02d:%02d:00Z", 1 + run / 600, 1 + run / 24 % 25,
	         run % 24, run % 60);
	snprintf(commit, sizeof commit, "%040x", 0x5eed000 + run);
	tach_meta_set(&r->meta.tool, "tach");
	tach_meta_set(&r->meta.timestamp, ts);
	tach_meta_set(&r->meta.git_commit, commit);
	tach_meta_set(&r->meta.git_branch, "main");
	for (int b = 0; b < BENCHES; b++) {
		char name[48];
		snprintf(name, sizeof name, "suite/bench%03d", b);
		tach_benchmark *bb = tach_result_add_benchmark(r, name);
		for (int m = 0; m < METRICS; m++) {
			tach_metric *mm = tach_benchmark_add_metric(
				bb, names[m], units[m], m == 2 ? TACH_HIGHER_IS_BETTER : TACH_LOWER_IS_BETTER);
			for (int k = 0; k < SAMPLES; k++)
				tach_metric_add_sample(mm, 1e-6 * (b + 1) * bench_lognormal(rng, 0.01));
		}
	}
	return r;
}

static double file_mb(const char *path)
{
	struct stat st;
	char wal[512];
	double total = stat(path, &st) == 0 ? (double)st.st_size : 0;
	snprintf(wal, sizeof wal, "%s-wal", path);
	if (stat(wal, &st) == 0)
		total += (double)st.st_size;
	return total / 1e6;
}

/* Serialized size of one run in the results format, for MB/s. */
static double result_mb(const tach_result *r)
{
	char *text = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&text, &len);
	tach_result_write(r, f, NULL);
	fclose(f);
	free(text);
	return (double)len / 1e6;
}

typedef struct figures {
	double ingest_s, series_ms, cp_s, mb;
	size_t runs;
	int first_n;    /* also time the first first_n runs, */
	double first_s; /* for a comparison at the same store size */
} figures;

static void measure_store(const char *loc, int runs, tach_result **data, int n_data, figures *fg)
{
	tach_store *s;
	tach_error err;
	if (tach_store_open(loc, &s, &err))
		die(loc, err.message);
	double t0 = bench_now();
	for (int i = 0; i < runs; i++) {
		int64_t id;
		if (tach_store_add(s, data[i % n_data], NULL, &id, &err))
			die("add", err.message);
		if (i + 1 == fg->first_n)
			fg->first_s = bench_now() - t0;
	}
	fg->ingest_s = bench_now() - t0;
	fg->runs = (size_t)runs;
	double q[21];
	for (int i = 0; i < 21; i++) {
		tach_history_point *p;
		size_t n;
		char name[48];
		snprintf(name, sizeof name, "suite/bench%03d", i * 7 % BENCHES);
		t0 = bench_now();
		if (tach_store_series(s, name, NULL, "time", NULL, &p, &n, &err))
			die("series", err.message);
		q[i] = bench_now() - t0;
		if (n != (size_t)runs)
			die("series", "wrong number of points");
		tach_history_points_free(p, n);
	}
	fg->series_ms = bench_median(q, 21) * 1e3;
	/* change points over 100 stored series: read and detect */
	t0 = bench_now();
	tach_changepoint_opts co = tach_changepoint_defaults();
	for (int b = 0; b < 100; b++) {
		tach_history_point *p;
		size_t n;
		char name[48];
		snprintf(name, sizeof name, "suite/bench%03d", b);
		if (tach_store_series(s, name, NULL, "time", NULL, &p, &n, &err))
			die("series", err.message);
		double *x = malloc(n * sizeof *x);
		for (size_t k = 0; k < n; k++)
			x[k] = p[k].median;
		tach_changepoint *cps;
		size_t ncp;
		if (tach_changepoints(x, n, &co, &cps, &ncp))
			die("changepoints", "failed");
		free(cps);
		free(x);
		tach_history_points_free(p, n);
	}
	fg->cp_s = bench_now() - t0;
	tach_store_close(s);
}

/* The alternative layout: a row per sample in a child table, otherwise
 * the same transaction per run. */
static double child_table(const char *path, int runs, tach_result **data, int n_data,
                          double *mb)
{
	sqlite3 *db;
	if (sqlite3_open(path, &db) != SQLITE_OK)
		die(path, "open");
	sqlite3_exec(db, "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;"
	                 "CREATE TABLE runs(id INTEGER PRIMARY KEY, ts TEXT);"
	                 "CREATE TABLE benchmarks(id INTEGER PRIMARY KEY, run_id INTEGER, name TEXT);"
	                 "CREATE TABLE metrics(id INTEGER PRIMARY KEY, benchmark_id INTEGER, name TEXT);"
	                 "CREATE TABLE samples(metric_id INTEGER, i INTEGER, value REAL,"
	                 " PRIMARY KEY(metric_id, i)) WITHOUT ROWID;"
	                 "CREATE INDEX b_name ON benchmarks(name, run_id);",
	             NULL, NULL, NULL);
	sqlite3_stmt *qr, *qb, *qm, *qs;
	sqlite3_prepare_v2(db, "INSERT INTO runs(ts) VALUES(?)", -1, &qr, NULL);
	sqlite3_prepare_v2(db, "INSERT INTO benchmarks(run_id, name) VALUES(?,?)", -1, &qb, NULL);
	sqlite3_prepare_v2(db, "INSERT INTO metrics(benchmark_id, name) VALUES(?,?)", -1, &qm, NULL);
	sqlite3_prepare_v2(db, "INSERT INTO samples VALUES(?,?,?)", -1, &qs, NULL);
	double t0 = bench_now();
	for (int i = 0; i < runs; i++) {
		const tach_result *r = data[i % n_data];
		sqlite3_exec(db, "BEGIN IMMEDIATE", NULL, NULL, NULL);
		sqlite3_bind_text(qr, 1, r->meta.timestamp, -1, SQLITE_STATIC);
		sqlite3_step(qr);
		sqlite3_reset(qr);
		sqlite3_int64 run = sqlite3_last_insert_rowid(db);
		for (size_t b = 0; b < r->n_benchmarks; b++) {
			sqlite3_bind_int64(qb, 1, run);
			sqlite3_bind_text(qb, 2, r->benchmarks[b]->name, -1, SQLITE_STATIC);
			sqlite3_step(qb);
			sqlite3_reset(qb);
			sqlite3_int64 bid = sqlite3_last_insert_rowid(db);
			for (size_t m = 0; m < r->benchmarks[b]->n_metrics; m++) {
				const tach_metric *mm = r->benchmarks[b]->metrics[m];
				sqlite3_bind_int64(qm, 1, bid);
				sqlite3_bind_text(qm, 2, mm->name, -1, SQLITE_STATIC);
				sqlite3_step(qm);
				sqlite3_reset(qm);
				sqlite3_int64 mid = sqlite3_last_insert_rowid(db);
				for (size_t k = 0; k < mm->n_samples; k++) {
					sqlite3_bind_int64(qs, 1, mid);
					sqlite3_bind_int64(qs, 2, (sqlite3_int64)k);
					sqlite3_bind_double(qs, 3, mm->samples[k]);
					sqlite3_step(qs);
					sqlite3_reset(qs);
				}
			}
		}
		sqlite3_exec(db, "COMMIT", NULL, NULL, NULL);
	}
	double t = bench_now() - t0;
	sqlite3_finalize(qr);
	sqlite3_finalize(qb);
	sqlite3_finalize(qm);
	sqlite3_finalize(qs);
	sqlite3_close(db);
	*mb = file_mb(path);
	return t;
}

/* The upgrade of the whole store from schema 2 (every benchmark's series
 * key rewritten from its stored parameters, in one transaction): what the
 * first command of a newer tach waits for, once.  Seconds. */
static double upgrade_s(const char *path)
{
	sqlite3 *db;
	if (sqlite3_open(path, &db) != SQLITE_OK ||
	    sqlite3_exec(db, "UPDATE tach_meta SET value = '2' WHERE key = 'schema'", NULL, NULL,
	                 NULL) != SQLITE_OK)
		die(path, "setting schema 2");
	sqlite3_close(db);
	tach_store *s;
	tach_error err;
	double t0 = bench_now();
	if (tach_store_open(path, &s, &err))
		die("upgrade", err.message);
	double t = bench_now() - t0;
	tach_store_close(s);
	return t;
}

static void print(const char *what, const figures *f, double run_mb)
{
	double results = (double)f->runs * BENCHES;
	printf("| %s | %zu | %.0f | %.1f | %.2f ms | %.3f s | %.1f MB | %.1f |\n", what, f->runs,
	       results / f->ingest_s, run_mb * (double)f->runs / f->ingest_s, f->series_ms, f->cp_s,
	       f->mb, f->mb * 1e6 / ((double)f->runs * BENCHES * METRICS * SAMPLES));
}

/* ---- tach publish ---- */

enum { PUB_BENCHES = 500, PUB_SAMPLES = 10 };

/* Run `run` of the published suite: 500 benchmarks x 3 metrics, one
 * benchmark in 50 10 % slower from run 120 on (an alert each). */
static tach_result *pub_suite(tach_rng *rng, int run)
{
	static const char *const names[METRICS] = {"time", "cpu_time", "items_per_second"};
	static const char *const units[METRICS] = {"s", "s", "/s"};
	tach_result *r = tach_result_new();
	char ts[40], commit[48];
	snprintf(ts, sizeof ts, "2026-%02d-%02dT%02d:%02d:00Z", 1 + run / 600, 1 + run / 24 % 25,
	         run % 24, run % 60);
	snprintf(commit, sizeof commit, "%08x%032x", 0x9e3779b9u * (unsigned)(run + 1), run);
	tach_meta_set(&r->meta.tool, "tach");
	tach_meta_set(&r->meta.timestamp, ts);
	tach_meta_set(&r->meta.git_commit, commit);
	tach_meta_set(&r->meta.git_branch, "main");
	tach_meta_set(&r->meta.hostname, "ci-runner-1");
	for (int b = 0; b < PUB_BENCHES; b++) {
		char name[48];
		snprintf(name, sizeof name, "suite/bench%03d", b);
		tach_benchmark *bb = tach_result_add_benchmark(r, name);
		double slow = b % 50 == 0 && run >= 120 ? 1.1 : 1;
		for (int m = 0; m < METRICS; m++) {
			tach_metric *mm = tach_benchmark_add_metric(
				bb, names[m], units[m], m == 2 ? TACH_HIGHER_IS_BETTER : TACH_LOWER_IS_BETTER);
			for (int k = 0; k < PUB_SAMPLES; k++) {
				double t = 1e-6 * (b + 1) * slow * bench_lognormal(rng, 0.01);
				tach_metric_add_sample(mm, m == 2 ? 1 / t : t);
			}
		}
	}
	return r;
}

static void pub_add(tach_store *s, tach_rng *rng, int run)
{
	tach_error err;
	int64_t id;
	tach_result *r = pub_suite(rng, run);
	if (tach_store_add(s, r, NULL, &id, &err))
		die("add", err.message);
	tach_result_free(r);
}

static void pub_measure(const char *what, const char *loc, int runs, const char *site)
{
	tach_store *s;
	tach_error err;
	tach_rng rng;
	tach_rng_seed(&rng, 7);
	if (tach_store_open(loc, &s, &err))
		die(loc, err.message);
	tach_run_info *ri;
	size_t n;
	if (tach_store_list(s, NULL, &ri, &n, &err))
		die("list", err.message);
	tach_run_infos_free(ri, n);
	if (n) {
		printf("| %s | (the database already holds runs: give an empty one) | | | | |\n", what);
		tach_store_close(s);
		return;
	}
	double t0 = bench_now();
	for (int i = 0; i < runs; i++)
		pub_add(s, &rng, i);
	double ingest = bench_now() - t0;
	tach_publish_stats st, st2;
	struct rusage ru0, ru1;
	getrusage(RUSAGE_SELF, &ru0);
	t0 = bench_now();
	if (tach_publish(s, site, NULL, &st, &err))
		die("publish", err.message);
	double first = bench_now() - t0;
	getrusage(RUSAGE_SELF, &ru1);
	double cpu = (double)(ru1.ru_utime.tv_sec - ru0.ru_utime.tv_sec + ru1.ru_stime.tv_sec -
	                      ru0.ru_stime.tv_sec) +
	             (double)(ru1.ru_utime.tv_usec - ru0.ru_utime.tv_usec + ru1.ru_stime.tv_usec -
	                      ru0.ru_stime.tv_usec) / 1e6;
	pub_add(s, &rng, runs);
	t0 = bench_now();
	if (tach_publish(s, site, NULL, &st2, &err))
		die("publish", err.message);
	double again = bench_now() - t0;
	tach_store_close(s);
	printf("| %s | %.1f s (%.1f s CPU in tach; %zu files) | %.1f MB | %.2f MB | %.1f s: %zu "
	       "written, %zu unchanged | %.0f s |\n",
	       what, first, cpu, st.written, (double)st.bytes / 1e6, (double)st.index_bytes / 1e6, again,
	       st2.written, st2.unchanged, ingest);
	printf("\nGoals (%s): published in <= 10 s (%s), <= 50 MB (%s), index <= 2 MB (%s).\n\n", what,
	       first <= 10 ? "met" : "MISSED", st.bytes <= 50000000 ? "met" : "MISSED",
	       st.index_bytes <= 2000000 ? "met" : "MISSED");
}

static int publish_figures(int runs, const char *pg)
{
	char dir[] = "/tmp/tach-bench-publish-XXXXXX", path[256], site[256], site_pg[256];
	if (!mkdtemp(dir))
		die("mkdtemp", "failed");
	snprintf(path, sizeof path, "%s/history.db", dir);
	snprintf(site, sizeof site, "%s/site", dir);
	snprintf(site_pg, sizeof site_pg, "%s/site-pg", dir);
	printf("# tach publish\n\n%d benchmarks x %d metrics x %d runs (%d samples each), one "
	       "testbed, one branch; then one more run and the site published again.\n\n",
	       PUB_BENCHES, METRICS, runs, PUB_SAMPLES);
	printf("| store | publish | site | index.html | after one more run | adding the runs |\n"
	       "|---|---:|---:|---:|---:|---:|\n");
	pub_measure("SQLite", path, runs, site);
	if (pg && *pg)
		pub_measure("PostgreSQL", pg, runs, site_pg);
	else
		printf("| PostgreSQL | (no server: set TACH_TEST_PG_URL or --pg URL) | | | | |\n");
	char cmd[300];
	snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
	return system(cmd) == 0 ? 0 : 1;
}

int main(int argc, char **argv)
{
	int runs = 1000, publish = 0, runs_set = 0;
	const char *pg = getenv("TACH_TEST_PG_URL");
	for (int i = 1; i < argc; i++) {
		if (!strcmp(argv[i], "--runs") && i + 1 < argc) {
			runs = atoi(argv[++i]);
			runs_set = 1;
		} else if (!strcmp(argv[i], "--publish"))
			publish = 1;
		else if (!strcmp(argv[i], "--pg") && i + 1 < argc)
			pg = argv[++i];
		else {
			fprintf(stderr, "usage: bench_store [--runs N] [--pg URL] [--publish]\n");
			return 2;
		}
	}
	if (publish)
		return publish_figures(runs_set ? runs : 200, pg);
	if (runs < 10)
		runs = 10;
	tach_rng rng;
	tach_rng_seed(&rng, 42);
	enum { DATA = 8 };
	tach_result *data[DATA];
	for (int i = 0; i < DATA; i++)
		data[i] = suite(&rng, i);
	double run_mb = result_mb(data[0]);
	char dir[] = "/tmp/tach-bench-store-XXXXXX", path[256], alt[256];
	if (!mkdtemp(dir))
		die("mkdtemp", "failed");
	snprintf(path, sizeof path, "%s/history.db", dir);
	snprintf(alt, sizeof alt, "%s/child.db", dir);

	printf("# tach history store\n\n%d runs x %d benchmarks x %d metrics x %d samples "
	       "(%.2f MB per run in the results format)\n\n", runs, BENCHES, METRICS, SAMPLES, run_mb);
	printf("| store | runs | benchmark results/s | MB/s | series of %d points | change points, "
	       "100 series | size | bytes/sample |\n|---|---:|---:|---:|---:|---:|---:|---:|\n", runs);
	int alt_runs = runs / 10;
	figures f = {.first_n = alt_runs};
	measure_store(path, runs, data, DATA, &f);
	f.mb = file_mb(path);
	print("SQLite (tach: packed samples)", &f, run_mb);
	if (pg && *pg) {
		figures g = {0};
		int pg_runs = runs > 200 ? 200 : runs;
		measure_store(pg, pg_runs, data, DATA, &g);
		g.mb = 0;
		print("PostgreSQL (tach; size not measured)", &g, run_mb);
	} else {
		printf("| PostgreSQL | - | (no server: set TACH_TEST_PG_URL or --pg URL) | | | | | |\n");
	}
	/* the alternative layout on a tenth of the runs, against tach's
	 * first tenth: the same store size */
	double alt_mb, alt_s = child_table(alt, alt_runs, data, DATA, &alt_mb);
	double tach_rate = (double)runs * BENCHES / f.ingest_s;
	double first_rate = (double)alt_runs * BENCHES / f.first_s;
	double alt_rate = (double)alt_runs * BENCHES / alt_s;
	printf("\nLayout, same run, first %d runs: tach's packed blobs %.0f benchmark results/s; "
	       "a row per sample in a child table %.0f/s, %.1f bytes/sample: packed is %.1fx "
	       "faster to ingest and %.1fx smaller.\n",
	       alt_runs, first_rate, alt_rate,
	       alt_mb * 1e6 / ((double)alt_runs * BENCHES * METRICS * SAMPLES), first_rate / alt_rate,
	       (alt_mb / alt_runs) / (f.mb / runs));
	printf("Upgrade from schema 2 (series keys rewritten), same store: %.0f benchmark rows in "
	       "%.2f s, against %.1f s to add its runs.\n",
	       (double)runs * BENCHES, upgrade_s(path), f.ingest_s);
	printf("Goals: ingest >= 10,000 benchmark results/s into SQLite (%s), a series query < 50 ms "
	       "(%s), change points for 100 x %d points < 1 s (%s).\n",
	       tach_rate >= 10000 ? "met" : "MISSED", f.series_ms < 50 ? "met" : "MISSED", runs,
	       f.cp_s < 1 ? "met" : "MISSED");
	for (int i = 0; i < DATA; i++)
		tach_result_free(data[i]);
	char cmd[300];
	snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
	return system(cmd) == 0 ? 0 : 1;
}
