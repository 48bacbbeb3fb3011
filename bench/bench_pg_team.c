/* bench_pg_team.c - PostgreSQL at team scale: many CI runners writing
 * into one database at once while people read it.
 *
 * W writer processes (each with its own connection, tach_store_add) add
 * R runs each of 200 benchmarks x 3 metrics x 20 samples, while two
 * reader processes loop over what `tach trend --bench B` and
 * `tach compare @main @latest` do against the store (the same library
 * calls, each query opening its own connection as the command does).
 * Prints the aggregate ingest rate (benchmark results per second, from
 * the writers' start to the last writer's end), the p50/p99 of each
 * writer's add and of each query under that load, and checks at the end
 * that every run is in the database exactly once with all its
 * benchmarks and metrics.  Each configuration gets a database of its own
 * (CREATE DATABASE, dropped at the end unless --keep).
 *
 * usage: bench_pg_team [--writers N[,N...]] [--runs N] [--keep] [--pg URL]
 * (defaults: 32 writers x 50 runs; PostgreSQL from --pg or
 * $TACH_TEST_PG_URL, skipped with a message when neither).  Exit 1 when
 * a run is missing, doubled or incomplete or a call failed; a missed
 * speed goal is printed as MISSED, never an exit status.
 */
#include <errno.h>
#include <libpq-fe.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include "tach/tach.h"
#include "tach/changepoint.h"
#include "tach/compare.h"
#include "tach/store.h"
#include "bench_util.h"

enum { BENCHES = 200, METRICS = 3, SAMPLES = 20, MAX_WRITERS = 64, MAX_LAT = 100000 };

/* Goals of issue 20 item 5. */
#define GOAL_RATE 20000.0 /* benchmark results per second, all writers */
#define GOAL_P99 0.100    /* seconds, each query under load */

/* Shared between the processes (MAP_SHARED): the stop flag and every
 * latency measured, so the parent can take percentiles. */
typedef struct lat {
	int n;
	double v[MAX_LAT];
} lat;

typedef struct shared {
	volatile int stop;
	int failed;
	char why[256];
	lat add;
	/* [trend, compare][under load, idle][whole query, its store calls] */
	lat q[2][2][2];
} shared;

static shared *sh;
static int keep; /* --keep: the databases stay, for a look afterwards */

static void die(const char *what, const char *msg)
{
	fprintf(stderr, "bench_pg_team: %s: %s\n", what, msg);
	exit(1);
}

static void fail(const char *what, const char *msg)
{
	if (!__sync_lock_test_and_set(&sh->failed, 1))
		snprintf(sh->why, sizeof sh->why, "%s: %s", what, msg);
	_exit(1);
}

static void record(lat *l, double t)
{
	int i = __sync_fetch_and_add(&l->n, 1);
	if (i < MAX_LAT)
		l->v[i] = t;
}

/* ---- the server, directly (databases, and the final check) ---- */

static PGconn *pg_connect(const char *url)
{
	PGconn *c = PQconnectdb(url);
	if (PQstatus(c) != CONNECTION_OK)
		die(url, PQerrorMessage(c));
	return c;
}

static PGresult *pg_query(PGconn *c, const char *sql)
{
	PGresult *r = PQexec(c, sql);
	if (PQresultStatus(r) != PGRES_COMMAND_OK && PQresultStatus(r) != PGRES_TUPLES_OK)
		die(sql, PQresultErrorMessage(r));
	return r;
}

static void pg_exec(const char *url, const char *sql)
{
	PGconn *c = pg_connect(url);
	PQclear(pg_query(c, sql));
	PQfinish(c);
}

/* Seconds of CPU the whole machine has spent busy (every process, this
 * program's or not), from /proc/stat; 0 when unreadable. */
static double machine_busy(void)
{
	FILE *f = fopen("/proc/stat", "r");
	unsigned long long v[8] = {0};
	if (!f)
		return 0;
	int n = fscanf(f, "cpu %llu %llu %llu %llu %llu %llu %llu %llu", &v[0], &v[1], &v[2],
	               &v[3], &v[4], &v[5], &v[6], &v[7]);
	fclose(f);
	if (n != 8)
		return 0;
	/* all but idle (3) and iowait (4) */
	return (double)(v[0] + v[1] + v[2] + v[5] + v[6] + v[7]) / (double)sysconf(_SC_CLK_TCK);
}

static double children_cpu(void)
{
	struct rusage ru;
	getrusage(RUSAGE_CHILDREN, &ru);
	return (double)ru.ru_utime.tv_sec + ru.ru_utime.tv_usec / 1e6 + (double)ru.ru_stime.tv_sec +
	       ru.ru_stime.tv_usec / 1e6;
}

/* ---- the data ---- */

/* One writer's suite; its runs differ in commit, time and labels. */
static tach_result *suite(tach_rng *rng)
{
	static const char *const names[METRICS] = {"time", "cpu_time", "items_per_second"};
	static const char *const units[METRICS] = {"s", "s", "/s"};
	tach_result *r = tach_result_new();
	tach_meta_set(&r->meta.tool, "tach");
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

static void stamp(tach_result *r, int writer, int run)
{
	char ts[40], commit[48], v[16];
	snprintf(ts, sizeof ts, "2026-%02d-%02dT%02d:%02d:%02dZ", 1 + run % 12, 1 + run % 28,
	         writer % 24, run % 60, writer % 60);
	snprintf(commit, sizeof commit, "%08x%032x", 0x7ea40000u + (unsigned)writer, (unsigned)run);
	tach_meta_set(&r->meta.timestamp, ts);
	tach_meta_set(&r->meta.git_commit, commit);
	snprintf(v, sizeof v, "%d", writer);
	tach_kvlist_set(&r->meta.labels, "writer", v);
	snprintf(v, sizeof v, "%d", run);
	tach_kvlist_set(&r->meta.labels, "seq", v);
}

/* ---- the processes ---- */

/* Blocks until the parent closes the start pipe. */
static void wait_start(int fd)
{
	char c;
	while (read(fd, &c, 1) < 0 && errno == EINTR)
		;
	close(fd);
}

static void writer(const char *url, int w, int runs, int start)
{
	tach_rng rng;
	tach_rng_seed(&rng, 0x7ea40000u + (uint64_t)w);
	tach_result *r = suite(&rng);
	tach_store *s;
	tach_error err = {0};
	if (tach_store_open(url, &s, &err))
		fail("writer: opening", err.message);
	wait_start(start);
	for (int k = 0; k < runs; k++) {
		int64_t id;
		stamp(r, w, k);
		double t0 = bench_now();
		if (tach_store_add(s, r, NULL, &id, &err))
			fail("writer: adding", err.message);
		record(&sh->add, bench_now() - t0);
	}
	tach_store_close(s);
	tach_result_free(r);
	_exit(0);
}

/* What `tach trend --bench suite/bench007` asks of the store
 * (cli_history_load): open, verify, the baseline named main, the
 * catalog of the glob, each metric's series and its change points. */
static double trend_once(const char *url)
{
	double t0 = bench_now(), in_store = 0;
	tach_store *s;
	tach_error err = {0};
	tach_result *cat = NULL;
	int64_t base;
	if (tach_store_open_readonly(url, &s, &err) || tach_store_verify(s, &err) ||
	    tach_store_baseline_get(s, "main", &base, &err) ||
	    tach_store_catalog(s, "suite/bench007", NULL, &cat, &err))
		fail("trend", err.message);
	in_store += bench_now() - t0;
	for (size_t i = 0; i < cat->n_benchmarks; i++) {
		const tach_benchmark *b = cat->benchmarks[i];
		for (size_t k = 0; k < b->n_metrics; k++) {
			tach_history_point *p;
			size_t n;
			double t1 = bench_now();
			if (tach_store_series(s, b->name, &b->params, b->metrics[k]->name, NULL, &p, &n,
			                      &err))
				fail("trend: series", err.message);
			in_store += bench_now() - t1;
			double *x = malloc((n + 1) * sizeof *x);
			for (size_t j = 0; j < n; j++)
				x[j] = p[j].median;
			tach_changepoint_opts co = tach_changepoint_defaults();
			tach_changepoint *cps = NULL;
			size_t ncp = 0;
			tach_changepoints(x, n, &co, &cps, &ncp);
			free(cps);
			free(x);
			tach_history_points_free(p, n);
		}
	}
	tach_result_free(cat);
	tach_store_close(s);
	return in_store;
}

/* A run named by reference, as the CLI reads one side of a compare
 * (input.c): open, resolve, get, close. */
static tach_result *run_at(const char *url, const char *ref)
{
	tach_store *s;
	tach_error err = {0};
	tach_result *r = NULL;
	int64_t id;
	if (tach_store_open_readonly(url, &s, &err) || tach_store_resolve(s, ref, &id, &err) ||
	    tach_store_get(s, id, &r, &err))
		fail(ref, err.message);
	tach_store_close(s);
	return r;
}

/* `tach compare @main @latest`: both sides read, then compared. */
static double compare_once(const char *url)
{
	double t0 = bench_now();
	tach_result *a = run_at(url, "@main"), *b = run_at(url, "@latest");
	double in_store = bench_now() - t0;
	tach_comparison *c = NULL;
	if (tach_compare(a, b, NULL, &c))
		fail("compare", "tach_compare failed");
	tach_comparison_free(c);
	tach_result_free(a);
	tach_result_free(b);
	return in_store;
}

/* Runs query `which` (0: trend, 1: compare) and records its time and
 * the part spent in the store's calls under [which][idle]. */
static void query(const char *url, int which, int idle)
{
	double t0 = bench_now(), in_store = which ? compare_once(url) : trend_once(url);
	record(&sh->q[which][idle][0], bench_now() - t0);
	record(&sh->q[which][idle][1], in_store);
}

static void reader(const char *url, int which, int start)
{
	wait_start(start);
	while (!sh->stop)
		query(url, which, 0);
	_exit(0);
}

/* ---- one configuration ---- */

static pid_t spawn(void (*fn)(const char *, int, int, int), const char *url, int a, int b,
                   int pipefd[2])
{
	pid_t pid = fork();
	if (pid < 0)
		die("fork", strerror(errno));
	if (pid == 0) {
		close(pipefd[1]);
		fn(url, a, b, pipefd[0]);
	}
	return pid;
}

static void reader_fn(const char *url, int which, int unused, int start)
{
	(void)unused;
	reader(url, which, start);
}

static double pct(lat *l, double q)
{
	int n = l->n < MAX_LAT ? l->n : MAX_LAT;
	double v = 0;
	if (n)
		tach_stats_percentile(l->v, (size_t)n, q, &v);
	return v * 1e3;
}

/* Every run of every writer once, each with all its rows: the number of
 * problems found (printed). */
static int check(const char *url, int writers, int runs)
{
	PGconn *c = pg_connect(url);
	PGresult *r = pg_query(c,
	        "SELECT w.value::int, s.value::int, r.n_benchmarks, coalesce(c.nb, 0),"
	        " coalesce(c.nm, 0)"
	        " FROM runs r JOIN run_labels w ON w.run_id = r.id AND w.key = 'writer'"
	        " JOIN run_labels s ON s.run_id = r.id AND s.key = 'seq'"
	        " LEFT JOIN (SELECT b.run_id, count(DISTINCT b.id) AS nb, count(m.id) AS nm"
	        "  FROM benchmarks b LEFT JOIN metrics m ON m.benchmark_id = b.id"
	        "  GROUP BY b.run_id) c ON c.run_id = r.id");
	PGresult *all = pg_query(c, "SELECT count(*) FROM runs");
	int *seen = calloc((size_t)writers * (size_t)runs, sizeof *seen), bad = 0;
	long incomplete = 0, stray = 0;
	for (int i = 0; i < PQntuples(r); i++) {
		int w = atoi(PQgetvalue(r, i, 0)), k = atoi(PQgetvalue(r, i, 1));
		if (w < 0 || w >= writers || k < 0 || k >= runs) {
			stray++;
			continue;
		}
		seen[w * runs + k]++;
		if (atoi(PQgetvalue(r, i, 2)) != BENCHES || atoi(PQgetvalue(r, i, 3)) != BENCHES ||
		    atoi(PQgetvalue(r, i, 4)) != BENCHES * METRICS)
			incomplete++;
	}
	long missing = 0, doubled = 0;
	for (int i = 0; i < writers * runs; i++) {
		missing += seen[i] == 0;
		doubled += seen[i] > 1;
	}
	long total = atol(PQgetvalue(all, 0, 0)), expect = (long)writers * runs + 1; /* + seed */
	printf("  check: %ld runs stored (expected %ld): %ld missing, %ld twice, %ld incomplete,"
	       " %ld unexpected\n",
	       total, expect, missing, doubled, incomplete, stray + (total - PQntuples(r) - 1));
	bad = missing || doubled || incomplete || stray || total != expect;
	free(seen);
	PQclear(r);
	PQclear(all);
	PQfinish(c);
	return bad;
}

static int one_config(const char *base_url, int writers, int runs, int k)
{
	char db[64], sql[128], url[1024];
	snprintf(db, sizeof db, "tach_team_%d_%d", (int)getpid(), k);
	snprintf(sql, sizeof sql, "CREATE DATABASE %s", db);
	pg_exec(base_url, sql);
	snprintf(url, sizeof url, "%s%cdbname=%s", base_url, strchr(base_url, '?') ? '&' : '?', db);

	/* the schema and one run on main, so that @main and @latest
	 * resolve from the first query on */
	memset(sh, 0, sizeof *sh);
	tach_rng rng;
	tach_rng_seed(&rng, 1);
	tach_result *seed = suite(&rng);
	tach_store *s;
	tach_error err = {0};
	int64_t id;
	tach_meta_set(&seed->meta.timestamp, "2026-01-01T00:00:00Z");
	if (tach_store_open(url, &s, &err) || tach_store_add(s, seed, NULL, &id, &err))
		die("seeding", err.message);
	tach_store_close(s);
	tach_result_free(seed);

	int start[2];
	if (pipe(start))
		die("pipe", strerror(errno));
	pid_t pids[MAX_WRITERS + 2];
	for (int w = 0; w < writers; w++)
		pids[w] = spawn(writer, url, w, runs, start);
	for (int q = 0; q < 2; q++)
		pids[writers + q] = spawn(reader_fn, url, q, 0, start);
	close(start[0]);
	sleep(1); /* the writers have built their suites and connected */
	double t0 = bench_now(), cpu0 = children_cpu(), busy0 = machine_busy();
	close(start[1]);
	int failed = 0;
	for (int w = 0; w < writers; w++) {
		int st;
		waitpid(pids[w], &st, 0);
		failed |= !WIFEXITED(st) || WEXITSTATUS(st);
	}
	double wall = bench_now() - t0;
	double cpu = children_cpu() - cpu0, busy = machine_busy() - busy0;
	sh->stop = 1;
	for (int q = 0; q < 2; q++) {
		int st;
		waitpid(pids[writers + q], &st, 0);
		failed |= !WIFEXITED(st) || WEXITSTATUS(st);
	}
	if (failed)
		fprintf(stderr, "bench_pg_team: %s\n", sh->why[0] ? sh->why : "a process failed");

	/* the same queries on the same database with nothing else of ours
	 * running: what the load adds, apart from the history's size */
	for (int i = 0; i < 10; i++) {
		query(url, 0, 1);
		query(url, 1, 1);
	}
	double results = (double)writers * runs * BENCHES, rate = results / wall;
	lat(*q)[2][2] = sh->q;
	printf("| %d | %d | %.0f | %.1f | %.0f | %.0f / %.0f | %.0f / %.0f (%.0f / %.0f) %d |"
	       " %.0f / %.0f (%.0f / %.0f) %d |\n",
	       writers, writers * runs, results, wall, rate, pct(&sh->add, 50), pct(&sh->add, 99),
	       pct(&q[0][0][0], 50), pct(&q[0][0][0], 99), pct(&q[0][0][1], 50),
	       pct(&q[0][0][1], 99), q[0][0][0].n, pct(&q[1][0][0], 50), pct(&q[1][0][0], 99),
	       pct(&q[1][0][1], 50), pct(&q[1][0][1], 99), q[1][0][0].n);
	printf("  CPU while writing: %.1f s busy of %.1f s the machine's %ld cores had (every"
	       " process on it); the writers themselves %.1f s (%.1f ms a run)\n",
	       busy, wall * (double)sysconf(_SC_NPROCESSORS_ONLN), sysconf(_SC_NPROCESSORS_ONLN),
	       cpu, cpu * 1e3 / ((double)writers * runs));
	printf("  the same queries after the writers, nothing else of ours running (10 each),"
	       " ms p50 / p99 (store calls):\n  trend %.0f / %.0f (%.0f / %.0f), compare %.0f /"
	       " %.0f (%.0f / %.0f)\n",
	       pct(&q[0][1][0], 50), pct(&q[0][1][0], 99), pct(&q[0][1][1], 50),
	       pct(&q[0][1][1], 99), pct(&q[1][1][0], 50), pct(&q[1][1][0], 99),
	       pct(&q[1][1][1], 50), pct(&q[1][1][1], 99));
	int bad = check(url, writers, runs);
	if (rate < GOAL_RATE)
		printf("  MISSED: %.0f benchmark results/s < %.0f\n", rate, GOAL_RATE);
	if (pct(&q[0][0][0], 99) > GOAL_P99 * 1e3 || pct(&q[1][0][0], 99) > GOAL_P99 * 1e3)
		printf("  MISSED: a query's p99 > %.0f ms\n", GOAL_P99 * 1e3);
	if (keep) {
		printf("  kept: %s\n", url);
	} else {
		snprintf(sql, sizeof sql, "DROP DATABASE %s WITH (FORCE)", db);
		pg_exec(base_url, sql);
	}
	return failed || bad;
}

int main(int argc, char **argv)
{
	const char *pg = getenv("TACH_TEST_PG_URL");
	int list[16], n_list = 0, runs = 50;
	for (int i = 1; i < argc; i++) {
		if (!strcmp(argv[i], "--runs") && i + 1 < argc) {
			runs = atoi(argv[++i]);
		} else if (!strcmp(argv[i], "--pg") && i + 1 < argc) {
			pg = argv[++i];
		} else if (!strcmp(argv[i], "--keep")) {
			keep = 1;
		} else if (!strcmp(argv[i], "--writers") && i + 1 < argc) {
			for (char *p = argv[++i]; *p && n_list < 16; p += *p == ',')
				list[n_list++] = (int)strtol(p, &p, 10);
		} else {
			fprintf(stderr, "usage: bench_pg_team [--writers N[,N...]] [--runs N] [--keep] [--pg URL]\n");
			return 2;
		}
	}
	if (!n_list)
		list[n_list++] = 32;
	for (int i = 0; i < n_list; i++)
		if (list[i] < 1 || list[i] > MAX_WRITERS || runs < 1 || runs > 100000) {
			fprintf(stderr, "bench_pg_team: writers must be 1-%d and runs 1-100000\n",
			        MAX_WRITERS);
			return 2;
		}
	if (!pg || !*pg) {
		printf("bench_pg_team: skipped: no PostgreSQL server (set TACH_TEST_PG_URL or --pg URL)\n");
		return 0;
	}
	sh = mmap(NULL, sizeof *sh, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	if (sh == MAP_FAILED)
		die("mmap", strerror(errno));
	long cpus = sysconf(_SC_NPROCESSORS_ONLN);
	printf("PostgreSQL at team scale: W writers x %d runs of %d benchmarks x %d metrics x %d"
	       " samples,\nwhile `trend --bench suite/bench007` and `compare @main @latest` loop."
	       " Server and clients share %ld CPU(s).\n\n",
	       runs, BENCHES, METRICS, SAMPLES, cpus);
	printf("| writers | runs | benchmark results | wall s | results/s | add ms p50 / p99 |"
	       " trend ms p50 / p99 (store calls) n | compare ms p50 / p99 (store calls) n |\n");
	printf("|---|---|---|---|---|---|---|---|\n");
	int bad = 0;
	for (int i = 0; i < n_list; i++)
		bad |= one_config(pg, list[i], runs, i);
	printf("\ngoals: >= %.0f benchmark results/s aggregate, each query < %.0f ms p99, 0 lost\n",
	       GOAL_RATE, GOAL_P99 * 1e3);
	return bad;
}
