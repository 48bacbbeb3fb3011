/* bench_report.c - the HTML report's figures (tach_report_html): the time
 * to generate the page and its size for suites of N = 10, 100 and 1,000
 * benchmarks, each with a comparison of 20 against 20 samples and a
 * history series of 100 runs with its change points.  The peer, timed the
 * same way in the same run: the same two result sets written as data
 * (tach_result_write, JSON).  Both write into memory (open_memstream).
 * Usage: bench_report [--quick] [--seed S]
 * Prints figures; asserts nothing (a missed goal prints GOAL MISSED, exit 0).
 */
#include <errno.h>
#include <inttypes.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "tach/tach.h"
#include "bench_util.h"

#define DEFAULT_SEED 20261124u
#define SAMPLES 20       /* per benchmark metric and side */
#define RUNS 100         /* history points per series */
#define BASELINE_RUN 90  /* index of the run the baseline line marks */
#define CV_SAMPLE 0.02   /* noise of one sample */
#define CV_RUN 0.01      /* run-to-run noise of a run's median */
#define MIN_TIME 1.0     /* seconds of repetitions per N, at least */
#define MAX_REPS 200
#define GOAL_N 1000      /* the goal: 1,000 benchmarks x 100 points */
#define GOAL_BYTES 5e6   /* <= 5 MB */
#define GOAL_SECONDS 1.0 /* <= 1 s */

static const char *const FAMILIES[] = {"hash", "sort", "copy", "parse_json", "map_insert",
                                       "regex", "compress", "queue_push", "alloc", "rpc"};
static const unsigned SIZES[] = {64, 512, 4096, 32768, 262144};
#define N_FAMILIES (sizeof FAMILIES / sizeof *FAMILIES)
#define N_SIZES (sizeof SIZES / sizeof *SIZES)

/* The runs of the history, shared by every series as in a store where
 * each run holds the whole suite. */
static char run_time[RUNS][24], run_commit[RUNS][41];

/* One suite of n benchmarks: the report's input, built before timing. */
typedef struct suite {
	size_t n;
	tach_result *base, *cand;
	tach_comparison *cmp;
	tach_html_series *series;   /* n, one per benchmark: metric time */
	tach_history_point *points; /* n * RUNS; strings point into run_* */
	tach_changepoint **cps;     /* n, owned */
	size_t n_stepped, n_cps;    /* series with a step; change points found */
	size_t n_metrics;           /* benchmark metrics (comparison rows) */
} suite;

static void die(const char *what, int rc)
{
	fprintf(stderr, "bench_report: %s: %s\n", what, tach_strerror(rc));
	exit(1);
}

static void *xcalloc(size_t n, size_t size)
{
	void *p = calloc(n ? n : 1, size);
	if (!p)
		die("calloc", TACH_ENOMEM);
	return p;
}

/* splitmix64's finalizer, for commit hashes that look random. */
static uint64_t mix(uint64_t z)
{
	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
	return z ^ (z >> 31);
}

static void commit_hex(char out[41], uint64_t seed, uint64_t key)
{
	snprintf(out, 41, "%016" PRIx64 "%016" PRIx64 "%08" PRIx32, mix(seed ^ mix(key)),
	         mix(seed + key * 3 + 1), (uint32_t)mix(key + 7));
}

static double sigma_for(double cv)
{
	return sqrt(log1p(cv * cv));
}

/* Run j: one a day from 2026-08-01, at varying hours. */
static void make_runs(uint64_t seed)
{
	struct tm t0 = {.tm_year = 2026 - 1900, .tm_mon = 7, .tm_mday = 1};
	time_t base = timegm(&t0);
	for (int j = 0; j < RUNS; j++) {
		time_t t = base + (time_t)j * 86400 + (time_t)((j * 37) % 24) * 3600 + j * 61 % 3600;
		struct tm tm;
		gmtime_r(&t, &tm);
		strftime(run_time[j], sizeof run_time[j], "%Y-%m-%dT%H:%M:%SZ", &tm);
		commit_hex(run_commit[j], seed, (uint64_t)j);
	}
}

static void set_meta(tach_result *r, uint64_t seed, uint64_t key, const char *ts,
                     const char *branch)
{
	char commit[41];
	commit_hex(commit, seed, key);
	if (tach_meta_set(&r->meta.timestamp, ts) || tach_meta_set(&r->meta.git_commit, commit) ||
	    tach_meta_set(&r->meta.git_branch, branch) ||
	    tach_meta_set(&r->meta.hostname, "ci-runner-07") ||
	    tach_meta_set(&r->meta.os, "Linux") ||
	    tach_meta_set(&r->meta.cpu_model, "AMD EPYC 7B13 64-Core Processor") ||
	    tach_meta_set(&r->meta.compiler, "gcc 12.2.0") ||
	    tach_meta_set(&r->meta.compiler_flags, "-O2 -g"))
		die("tach_meta_set", TACH_ENOMEM);
	r->meta.git_dirty = 0;
	r->meta.cpu_count = 2;
}

static tach_metric *add_metric(tach_benchmark *b, const char *name)
{
	const char *unit;
	tach_direction dir;
	if (!tach_metric_known(name, &unit, &dir))
		die(name, TACH_EINVAL);
	tach_metric *m = tach_benchmark_add_metric(b, name, unit, dir);
	if (!m)
		die("tach_benchmark_add_metric", TACH_ENOMEM);
	return m;
}

static void add(tach_metric *m, double v)
{
	if (tach_metric_add_sample(m, v))
		die("tach_metric_add_sample", TACH_ENOMEM);
}

/* One side of benchmark i: `time` for every benchmark; items_per_second,
 * allocs_per_op + bytes_per_op or latency percentiles for a few.  `t` is
 * its true time per iteration on this side. */
static void fill_benchmark(tach_benchmark *b, size_t i, double t, unsigned size, tach_rng *rng)
{
	double sd = sigma_for(CV_SAMPLE);
	tach_metric *time = add_metric(b, TACH_M_TIME);
	double x[SAMPLES];
	for (int k = 0; k < SAMPLES; k++) {
		x[k] = t * bench_lognormal(rng, sd);
		add(time, x[k]);
	}
	if (i % 16 == 3) {
		tach_metric *m = add_metric(b, TACH_M_ITEMS_PER_SECOND);
		for (int k = 0; k < SAMPLES; k++)
			add(m, (double)size / x[k]);
	} else if (i % 16 == 6) {
		/* counted, not timed: the same every sample */
		tach_metric *a = add_metric(b, TACH_M_ALLOCS_PER_OP);
		tach_metric *y = add_metric(b, TACH_M_BYTES_PER_OP);
		for (int k = 0; k < SAMPLES; k++) {
			add(a, 1 + size / 4096);
			add(y, size + 64.0 * (1 + size / 4096));
		}
	} else if (i % 16 == 9) {
		static const char *const names[] = {TACH_M_LATENCY_P50, TACH_M_LATENCY_P90,
		                                    TACH_M_LATENCY_P99, TACH_M_LATENCY_P999};
		static const double scale[] = {1, 1.6, 3.2, 7.5}, cv[] = {0.03, 0.05, 0.10, 0.20};
		for (int q = 0; q < 4; q++) {
			tach_metric *m = add_metric(b, names[q]);
			for (int k = 0; k < SAMPLES; k++)
				add(m, 4 * t * scale[q] * bench_lognormal(rng, sigma_for(cv[q])));
		}
	}
}

/* The suite of n benchmarks "bm_<family>_<k>/size:<size>" (parameter
 * size), base and candidate; benchmarks 4, 29, 54 ... are 5 % slower in
 * the candidate, 9, 34, 59 ... 4 % faster; every 20th series (2, 22, ...)
 * has one step of 3-8 % either way. */
static void build(suite *s, size_t n, uint64_t seed, int third)
{
	tach_rng rng;
	tach_rng_seed(&rng, seed ^ mix(n));
	memset(s, 0, sizeof *s);
	s->n = n;
	s->base = tach_result_new();
	s->cand = tach_result_new();
	if (!s->base || !s->cand)
		die("tach_result_new", TACH_ENOMEM);
	set_meta(s->base, seed, 1000, "2026-11-09T21:14:03Z", "main");
	set_meta(s->cand, seed, 1001, "2026-11-10T08:40:51Z", "feature/faster-hash");
	s->series = xcalloc(n, sizeof *s->series);
	s->points = xcalloc(n * RUNS, sizeof *s->points);
	s->cps = xcalloc(n, sizeof *s->cps);
	tach_changepoint_opts co = tach_changepoint_defaults();
	double sd_run = sigma_for(CV_RUN), x[RUNS];
	for (size_t i = 0; i < n; i++) {
		unsigned size = SIZES[i % N_SIZES];
		char name[80], sz[16];
		snprintf(name, sizeof name, "bm_%s_%zu/size:%u", FAMILIES[i / N_SIZES % N_FAMILIES],
		         i / (N_SIZES * N_FAMILIES), size);
		snprintf(sz, sizeof sz, "%u", size);
		double t = 1e-9 * (20 + size * (0.2 + 0.6 * tach_rng_uniform(&rng)));
		double change = third ? (i % 3 == 0 ? 1.05 : 1)
		                : i % 25 == 4 ? 1.05 : i % 25 == 9 ? 0.96 : 1;
		for (int side = 0; side < 2; side++) {
			tach_benchmark *b = tach_result_add_benchmark(side ? s->cand : s->base, name);
			if (!b || tach_kvlist_set(&b->params, "size", sz) ||
			    tach_benchmark_set_source(b, TACH_SOURCE_LIBRARY, "tach", NULL))
				die("tach_result_add_benchmark", TACH_ENOMEM);
			fill_benchmark(b, i, side ? t * change : t, size, &rng);
			s->n_metrics += side ? b->n_metrics : 0;
		}

		/* its history: run medians around the base level */
		size_t at = RUNS;
		double step = 0;
		if (i % 20 == 2) {
			at = 30 + (size_t)tach_rng_below(&rng, 40);
			step = (0.03 + 0.05 * tach_rng_uniform(&rng)) * (tach_rng_below(&rng, 2) ? 1 : -1);
			s->n_stepped++;
		}
		tach_history_point *p = s->points + i * RUNS;
		for (size_t j = 0; j < RUNS; j++) {
			x[j] = t * bench_lognormal(&rng, sd_run) * (j >= at ? 1 + step : 1);
			p[j] = (tach_history_point){.run = 1001 + (int64_t)j, .timestamp = run_time[j],
			                            .git_commit = run_commit[j], .median = x[j],
			                            .n = SAMPLES};
		}
		size_t ncp;
		int rc = tach_changepoints(x, RUNS, &co, &s->cps[i], &ncp);
		if (rc)
			die("tach_changepoints", rc);
		s->n_cps += ncp;
		const tach_benchmark *cb = s->cand->benchmarks[i];
		s->series[i] = (tach_html_series){.name = cb->name, .params = &cb->params,
		                                  .metric = TACH_M_TIME, .unit = "s",
		                                  .direction = TACH_LOWER_IS_BETTER, .points = p,
		                                  .n = RUNS, .cps = s->cps[i], .n_cps = ncp,
		                                  .baseline = x[BASELINE_RUN]};
	}
	int rc = tach_compare(s->base, s->cand, NULL, &s->cmp);
	if (rc)
		die("tach_compare", rc);
}

static void release(suite *s)
{
	for (size_t i = 0; i < s->n; i++)
		free(s->cps[i]);
	free(s->cps);
	free(s->points);
	free(s->series);
	tach_comparison_free(s->cmp);
	tach_result_free(s->base);
	tach_result_free(s->cand);
}

/* What is timed: the page with its history, the page without it, and the
 * peer (both result sets as JSON). */
enum { PAGE, PAGE_NO_HISTORY, JSON, N_KINDS };

static int write_kind(int kind, const suite *s, FILE *f)
{
	if (kind == JSON) {
		int rc = tach_result_write(s->base, f, NULL);
		return rc ? rc : tach_result_write(s->cand, f, NULL);
	}
	tach_html_input in = {.title = "tach report: feature/faster-hash against main",
	                      .comparison = s->cmp, .base_name = "base.json",
	                      .cand_name = "cand.json", .series = s->series,
	                      .n_series = kind == PAGE ? s->n : 0};
	return tach_report_html(f, &in);
}

/* Writes one kind into memory; returns the seconds taken, *len the exact
 * bytes; *keep (if not NULL) receives the text, else it is freed. */
static double time_one(int kind, const suite *s, size_t *len, char **keep)
{
	char *text = NULL;
	FILE *f = open_memstream(&text, len);
	if (!f)
		die("open_memstream", -errno);
	double t0 = bench_now();
	int rc = write_kind(kind, s, f);
	int closed = fclose(f);
	double t = bench_now() - t0;
	if (rc)
		die(kind == JSON ? "tach_result_write" : "tach_report_html", rc);
	if (closed)
		die("fclose", -errno);
	if (keep)
		*keep = text;
	else
		free(text);
	return t;
}

typedef struct figures {
	double s[N_KINDS];   /* median seconds */
	size_t len[N_KINDS]; /* bytes (the same every repetition) */
	int reps;
	char *page; /* the last page with history, for the breakdown */
} figures;

/* At least min_reps repetitions and MIN_TIME seconds in all (at most
 * MAX_REPS), the three kinds in a rotating order. */
static void measure(const suite *s, int min_reps, figures *fg)
{
	static double t[N_KINDS][MAX_REPS];
	double total = 0;
	int r = 0;
	fg->page = NULL;
	for (; r < MAX_REPS && (r < min_reps || total < MIN_TIME); r++) {
		for (int j = 0; j < N_KINDS; j++) {
			int kind = (r + j) % N_KINDS;
			size_t len;
			char **keep = NULL;
			if (kind == PAGE) {
				free(fg->page);
				fg->page = NULL;
				keep = &fg->page;
			}
			t[kind][r] = time_one(kind, s, &len, keep);
			total += t[kind][r];
			if (r > 0 && len != fg->len[kind])
				die("output size changed between repetitions", TACH_EINVAL);
			fg->len[kind] = len;
		}
	}
	fg->reps = r;
	for (int k = 0; k < N_KINDS; k++)
		fg->s[k] = bench_median(t[k], (size_t)r);
}

/* The page's parts: what comes before the first <h2>, each <h2> section
 * up to the next, and from <footer> (the footer and the script) on. */
static void part(const char *label, const char *from, const char *to, size_t len, size_t n)
{
	if (to > from)
		printf("| %s | %zu | %.1f %% | %.0f B |\n", label, (size_t)(to - from),
		       100.0 * (double)(to - from) / (double)len, (double)(to - from) / (double)n);
}

static void breakdown(const char *page, size_t len, size_t n)
{
	const char *end = page + len, *foot = strstr(page, "<footer");
	const char *from = page, *h2 = strstr(page, "<h2>");
	char label[64] = "head: style, header, cards";
	if (!foot)
		foot = end;
	printf("| part of the page | bytes | share | per benchmark |\n|---|---:|---:|---:|\n");
	for (; h2 && h2 < foot; h2 = strstr(h2 + 4, "<h2>")) {
		part(label, from, h2, len, n);
		const char *close = strchr(h2 + 4, '<');
		int w = close ? (int)(close - (h2 + 4)) : 0;
		snprintf(label, sizeof label, "section \"%.*s\"", w > 40 ? 40 : w, h2 + 4);
		from = h2;
	}
	part(label, from, foot, len, n);
	part("footer and script", foot, end, len, n);
}

static int usage(const char *why, const char *arg)
{
	fprintf(stderr, "bench_report: %s '%s'\n"
	        "usage: bench_report [--quick] [--seed S] [--out FILE]\n", why, arg);
	return 2;
}

int main(int argc, char **argv)
{
	static const size_t SIZES_N[] = {10, 100, 1000};
	uint64_t seed = DEFAULT_SEED;
	int quick = 0;
	const char *out = NULL;
	double start = bench_now();
	for (int i = 1; i < argc; i++) {
		if (!strcmp(argv[i], "--quick")) {
			quick = 1;
		} else if (!strcmp(argv[i], "--out")) {
			if (++i == argc)
				return usage("missing value after", "--out");
			out = argv[i];
		} else if (!strcmp(argv[i], "--seed")) {
			char *e;
			if (++i == argc)
				return usage("missing value after", "--seed");
			errno = 0;
			seed = strtoull(argv[i], &e, 10);
			if (errno || e == argv[i] || *e || *argv[i] == '-')
				return usage("invalid value", argv[i]);
		} else {
			return usage("unknown option", argv[i]);
		}
	}
	int min_reps = quick ? 3 : 5;
	size_t n_sizes = quick ? 2 : 3;
	make_runs(seed);

	printf("# tach HTML report: generation time and size%s\n\n", quick ? " (--quick)" : "");
	printf("Suite (seed %" PRIu64 "): N benchmarks \"bm_<family>_<k>/size:<size>\" with "
	       "parameter size; metric time, %d samples a side, CV %.0f %% (log-normal); every "
	       "25th benchmark +5 %% and every 25th -4 %% in the candidate; 1 in 16 also "
	       "items_per_second, 1 in 16 allocs_per_op + bytes_per_op, 1 in 16 latency "
	       "p50/p90/p99/p999.  Per benchmark a history series of time, %d runs (run-to-run "
	       "CV %.0f %%), 1 in 20 with one step of 3-8 %%, change points from "
	       "tach_changepoints (defaults), baseline line at run %d.\n\n",
	       seed, SAMPLES, CV_SAMPLE * 100, RUNS, CV_RUN * 100, BASELINE_RUN + 1);
	printf("Timed: tach_report_html into memory (open_memstream, fclose included), "
	       "inputs built beforehand.  Peer, same run, same sink, same timing: the two "
	       "result sets written as data, tach_result_write (JSON) of base then candidate "
	       "(it holds every sample but not the history).  Median of >= %d repetitions "
	       "and >= %.1f s per N, kinds interleaved.  MB = 10^6 bytes, KB = 10^3.\n\n",
	       min_reps, MIN_TIME);
	printf("| N | rows | change points (stepped series) | reps | report ms | report MB | "
	       "KB / benchmark | without history: ms, MB | JSON ms | JSON MB | time report/JSON "
	       "| size report/JSON |\n|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|\n");
	figures goal = {0}, last = {0};
	size_t last_n = 0;
	for (size_t k = 0; k < n_sizes; k++) {
		size_t n = SIZES_N[k];
		suite s;
		figures fg;
		build(&s, n, seed, 0);
		measure(&s, min_reps, &fg);
		printf("| %zu | %zu | %zu (%zu) | %d | %.2f | %.3f | %.2f | %.2f, %.3f | %.2f | %.3f | "
		       "%.2fx | %.2fx |\n",
		       n, s.cmp->n_rows, s.n_cps, s.n_stepped, fg.reps, fg.s[PAGE] * 1e3,
		       (double)fg.len[PAGE] / 1e6, (double)fg.len[PAGE] / 1e3 / (double)n,
		       fg.s[PAGE_NO_HISTORY] * 1e3, (double)fg.len[PAGE_NO_HISTORY] / 1e6,
		       fg.s[JSON] * 1e3, (double)fg.len[JSON] / 1e6, fg.s[PAGE] / fg.s[JSON],
		       (double)fg.len[PAGE] / (double)fg.len[JSON]);
		fflush(stdout);
		if (n == GOAL_N)
			goal = fg;
		free(last.page);
		last = fg;
		last_n = n;
		release(&s);
	}

	printf("\n## Where the bytes go, N = %zu\n\n", last_n);
	printf("History: %.1f %% of the page (%zu of %zu bytes, %.0f B per series of %d points); "
	       "it adds %.0f %% to the generation time.\n\n",
	       100.0 * (double)(last.len[PAGE] - last.len[PAGE_NO_HISTORY]) / (double)last.len[PAGE],
	       last.len[PAGE] - last.len[PAGE_NO_HISTORY], last.len[PAGE],
	       (double)(last.len[PAGE] - last.len[PAGE_NO_HISTORY]) / (double)last_n, RUNS,
	       100 * (last.s[PAGE] / last.s[PAGE_NO_HISTORY] - 1));
	breakdown(last.page, last.len[PAGE], last_n);
	if (out) {
		FILE *o = fopen(out, "w");
		if (!o || fwrite(last.page, 1, last.len[PAGE], o) != last.len[PAGE] || fclose(o))
			die(out, -errno);
	}
	free(last.page);

	printf("\n## Goal (the issue): %d benchmarks x %d history points\n\n", GOAL_N, RUNS);
	if (!goal.reps) {
		printf("not checked: --quick stops at N = %zu (run without --quick)\n", last_n);
	} else {
		printf("size <= %.0f MB: %s (%.3f MB)\n", GOAL_BYTES / 1e6,
		       (double)goal.len[PAGE] <= GOAL_BYTES ? "goal met" : "GOAL MISSED",
		       (double)goal.len[PAGE] / 1e6);
		printf("time <= %.0f s: %s (%.3f s)\n", GOAL_SECONDS,
		       goal.s[PAGE] <= GOAL_SECONDS ? "goal met" : "GOAL MISSED", goal.s[PAGE]);
	}
	/* issue 20's page: the same suite with a third of it changed */
	if (!quick) {
		suite s;
		build(&s, GOAL_N, seed, 1);
		figures fg;
		measure(&s, min_reps, &fg);
		printf("\n## Goal (issue 20): %d benchmarks, every third 5 %% slower, %d samples a "
		       "side\n\n", GOAL_N, SAMPLES);
		printf("%zu rows: %zu regressed, %zu unchanged, %zu inconclusive.\n\n", s.cmp->n_rows,
		       s.cmp->counts[TACH_REGRESSED], s.cmp->counts[TACH_SAME],
		       s.cmp->counts[TACH_INCONCLUSIVE]);
		printf("| page | MB | goal | |\n|---|---:|---:|---|\n");
		printf("| with %d-run history | %.3f | <= %.0f MB | %s |\n", RUNS,
		       (double)fg.len[PAGE] / 1e6, GOAL_BYTES / 1e6,
		       (double)fg.len[PAGE] <= GOAL_BYTES ? "goal met" : "GOAL MISSED");
		printf("| without history | %.3f | <= %.0f MB | %s |\n\n",
		       (double)fg.len[PAGE_NO_HISTORY] / 1e6, GOAL_BYTES / 1e6,
		       (double)fg.len[PAGE_NO_HISTORY] <= GOAL_BYTES ? "goal met" : "GOAL MISSED");
		breakdown(fg.page, fg.len[PAGE], GOAL_N);
		free(fg.page);
		release(&s);
	}
	printf("\n%s, %.1f s in all.\n", tach_version(), bench_now() - start);
	return fflush(stdout) != 0 || ferror(stdout);
}
