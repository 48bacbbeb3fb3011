/* bench_lib.c - tach's C benchmark library (tach/bench.h) against Google
 * Benchmark on the same workloads, in the same run: loop overhead, ns/op
 * of three real workloads, the CV of those over 10 repetitions, and the
 * wall time and run-to-run CV of a 50-benchmark suite at each library's
 * default settings; the efficiency of 8 threads of independent work on
 * this machine's cores, the run-to-run CV of the channels example's
 * oversubscribed efficiency, and the wall time of a 7-benchmark suite
 * holding one that pauses for setup in every iteration; and the heap
 * (malloc/free, a hash table) with tach's allocation counts beside the
 * exact ones; and tach's cpu_time beside Google Benchmark's cpu_time
 * for CPU-bound, sleeping and 8-thread workloads.  The two
 * benchmark programs (lib_suite_tach, lib_suite_gbench) are run with JSON
 * output, no shell; tach's is read with tach_result_read_buffer, Google
 * Benchmark's with jansson.
 * Printed, never asserted: the machine is shared and noisy.
 */
#include <errno.h>
#include <fcntl.h>
#include <math.h>
#include <sched.h>
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include <jansson.h>

#include "tach/tach.h"
#include "bench_util.h"

#ifndef TACH_SUITE_EXE
#define TACH_SUITE_EXE ""
#endif
#ifndef CHANNELS_EXE
#define CHANNELS_EXE ""
#endif
#ifndef GBENCH_EXE
#define GBENCH_EXE ""
#endif
#ifndef GBENCH_VERSION
#define GBENCH_VERSION "?"
#endif
#ifndef GBENCH_MISSING
#define GBENCH_MISSING "Google Benchmark was not found when the project was configured"
#endif

extern char **environ;

#define WORKLOAD_FILTER "^(empty|inc|memcpy_4k|hash64|qsort1k)$"
#define HEAP_FILTER "^(malloc_free/.*|hash_insert)$"
#define SUITE_FILTER "^suite_"
#define MAX_BENCH 64
#define MAX_SAMPLES 64
#define MAX_ROUNDS 3
/* figure 8: one process per tool and round; each process's heap and stack
 * land at random offsets (ASLR), which moves malloc/free's cost by up to
 * half from one process to the next in both tools, so it takes many */
#define HEAP_ROUNDS 9

/* The per-repetition times (ns per iteration) of one benchmark in one run
 * of one program. */
typedef struct series {
	char name[64];
	double ns[MAX_SAMPLES];
	double cpu_ns[MAX_SAMPLES]; /* each tool's cpu_time metric */
	size_t n;
	double allocs, bytes; /* tach: allocs_per_op, bytes_per_op; -1: none */
	double cpu[MAX_SAMPLES]; /* CPU ns per iteration (tach: task_clock) */
	size_t n_cpu;
} series;

/* One run of one program: its benchmarks in order, its wall time, and
 * Google Benchmark's report of how its library was built. */
typedef struct run_out {
	series b[MAX_BENCH];
	size_t n;
	double wall;
	char build_type[32];
} run_out;

enum { TOOL_TACH = 0, TOOL_GB = 1 };
static const char *const tool_name[] = {"tach", "Google Benchmark"};

static series *series_get(run_out *r, const char *name)
{
	for (size_t i = 0; i < r->n; i++)
		if (!strcmp(r->b[i].name, name))
			return &r->b[i];
	if (r->n == MAX_BENCH)
		return NULL;
	series *s = &r->b[r->n++];
	memset(s, 0, sizeof *s);
	snprintf(s->name, sizeof s->name, "%s", name);
	s->allocs = s->bytes = -1;
	return s;
}

static void series_add(series *s, double ns)
{
	if (s && s->n < MAX_SAMPLES)
		s->ns[s->n++] = ns;
}

static double median_of(const double *x, size_t n)
{
	double m = 0;
	tach_stats_median(x, n, &m);
	return m;
}

/* Runs argv (a path; no shell), stdout into *out (caller frees), stderr
 * into a temporary file that is shown only when the program fails, and
 * the wall time from spawn to reaped into *wall.  Returns 0, or 1 after
 * printing what went wrong. */
static int run_program(char *const argv[], char **out, size_t *len, double *wall)
{
	return bench_run_program("bench_lib", argv, 0, out, len, wall, NULL) < 0;
}

/* tach's results file: every sample of metric "time" (s) as ns. */
static int parse_tach(const char *text, size_t len, run_out *r)
{
	tach_result *res;
	tach_error err;
	memset(&err, 0, sizeof err);
	if (tach_result_read_buffer(text, len, "lib_suite_tach", &res, &err) != 0) {
		char msg[512];
		tach_error_format(&err, msg, sizeof msg);
		fprintf(stderr, "bench_lib: %s\n", msg);
		return 1;
	}
	int bad = 0;
	for (size_t i = 0; i < res->n_benchmarks; i++) {
		const tach_benchmark *b = res->benchmarks[i];
		const tach_metric *m = tach_benchmark_metric(b, TACH_M_TIME);
		if (b->error || !m) {
			fprintf(stderr, "bench_lib: tach: '%s' failed: %s\n", b->name,
			        b->error ? b->error : "no time metric");
			bad = 1;
			continue;
		}
		series *s = series_get(r, b->name);
		const tach_metric *ct = tach_benchmark_metric(b, TACH_M_CPU_TIME);
		for (size_t k = 0; k < m->n_samples; k++) {
			if (s && ct && k < ct->n_samples && s->n < MAX_SAMPLES)
				s->cpu_ns[s->n] = ct->samples[k] * 1e9;
			series_add(s, m->samples[k] * 1e9);
		}
		const tach_metric *tc = tach_benchmark_metric(b, "task_clock");
		for (size_t k = 0; s && tc && k < tc->n_samples && s->n_cpu < MAX_SAMPLES; k++)
			s->cpu[s->n_cpu++] = tc->samples[k] * 1e9;
		const tach_metric *ma = tach_benchmark_metric(b, TACH_M_ALLOCS_PER_OP);
		const tach_metric *mb = tach_benchmark_metric(b, TACH_M_BYTES_PER_OP);
		if (s && ma && mb && ma->n_samples && mb->n_samples) {
			s->allocs = ma->samples[0];
			s->bytes = mb->samples[0];
		}
	}
	tach_result_free(res);
	return bad;
}

/* Google Benchmark's JSON: the real_time of each repetition (rows with
 * run_type "iteration"; the "aggregate" rows are its own mean, median,
 * stddev and cv, which are ignored), grouped by run_name. */
static int parse_gbench(const char *text, size_t len, run_out *r)
{
	json_error_t jerr;
	json_t *root = json_loadb(text, len, 0, &jerr);
	if (!root) {
		fprintf(stderr, "bench_lib: lib_suite_gbench:%d:%d: %s\n", jerr.line, jerr.column,
		        jerr.text);
		return 1;
	}
	const char *bt = json_string_value(json_object_get(json_object_get(root, "context"),
	                                                   "library_build_type"));
	snprintf(r->build_type, sizeof r->build_type, "%s", bt ? bt : "unknown");
	json_t *list = json_object_get(root, "benchmarks");
	size_t i;
	json_t *e;
	int bad = !json_is_array(list);
	json_array_foreach(list, i, e) {
		const char *type = json_string_value(json_object_get(e, "run_type"));
		const char *name = json_string_value(json_object_get(e, "run_name"));
		const char *unit = json_string_value(json_object_get(e, "time_unit"));
		if (type && !strcmp(type, "aggregate"))
			continue;
		if (json_is_true(json_object_get(e, "error_occurred"))) {
			fprintf(stderr, "bench_lib: Google Benchmark: '%s' failed: %s\n",
			        name ? name : "?",
			        json_string_value(json_object_get(e, "error_message")));
			bad = 1;
			continue;
		}
		json_t *rt = json_object_get(e, "real_time");
		if (!name || !unit || !json_is_number(rt)) {
			bad = 1;
			continue;
		}
		double scale = !strcmp(unit, "ns") ? 1 : !strcmp(unit, "us") ? 1e3
		             : !strcmp(unit, "ms") ? 1e6 : 1e9;
		series *s = series_get(r, name);
		if (s && s->n < MAX_SAMPLES)
			s->cpu_ns[s->n] = json_number_value(json_object_get(e, "cpu_time")) * scale;
		series_add(s, json_number_value(rt) * scale);
		json_t *ct = json_object_get(e, "cpu_time");
		if (s && json_is_number(ct) && s->n_cpu < MAX_SAMPLES)
			s->cpu[s->n_cpu++] = json_number_value(ct) * scale;
	}
	if (bad)
		fprintf(stderr, "bench_lib: unexpected output from lib_suite_gbench\n");
	json_decref(root);
	return bad;
}

/* Runs one program of one tool and parses what it prints into *r. */
static int run_tool(int tool, char *const argv[], run_out *r)
{
	char *text;
	size_t len;
	memset(r, 0, sizeof *r);
	if (run_program(argv, &text, &len, &r->wall))
		return 1;
	int rc = tool == TOOL_TACH ? parse_tach(text, len, r) : parse_gbench(text, len, r);
	free(text);
	return rc;
}

/* --------------------------------------------------------------------
 * Figures 1-3: five workloads, 10 repetitions each, several rounds.
 */

static const char *const workloads[] = {"empty", "inc", "memcpy_4k", "hash64", "qsort1k"};
#define N_WORK (sizeof workloads / sizeof workloads[0])

/* Figure 8: the heap, with the allocations per iteration each must count
 * (lib_suite_work.h: one malloc of N bytes; a calloc of 128 bucket
 * pointers and 64 nodes of 24 bytes). */
static const struct {
	const char *name;
	double allocs, bytes;
} heap[] = {{"malloc_free/16", 1, 16},
            {"malloc_free/256", 1, 256},
            {"malloc_free/4096", 1, 4096},
            {"hash_insert", 1 + 64, 128 * 8 + 64 * 24}};
#define N_HEAP (sizeof heap / sizeof heap[0])

/* Per round and workload: each tool's median ns/op and CV. */
typedef struct round_fig {
	double med[2][N_WORK], cv[2][N_WORK];
	size_t reps[2][N_WORK];
} round_fig;

/* Per round and heap workload: each tool's median ns/op and CPU ns/op,
 * and tach's counts. */
typedef struct heap_fig {
	double med[2][N_HEAP], cpu[2][N_HEAP], allocs[N_HEAP], bytes[N_HEAP];
} heap_fig;

/* Runs both tools' programs into r[TOOL_*], which goes first alternating
 * with the round (the machine drifts). */
static int run_both(int round, char *const tach_argv[], char *const gb_argv[], run_out r[2])
{
	for (int k = 0; k < 2; k++) {
		int tool = (k + round) % 2;
		if (run_tool(tool, tool == TOOL_TACH ? tach_argv : gb_argv, &r[tool]))
			return 1;
	}
	return 0;
}

/* The series of `name` in r, or NULL after saying that the tool printed
 * none. */
static series *need_series(run_out *r, int tool, const char *name)
{
	series *s = series_get(r, name);
	if (!s || !s->n) {
		fprintf(stderr, "bench_lib: %s printed no '%s'\n", tool_name[tool], name);
		return NULL;
	}
	return s;
}

static int workloads_round(int round, int quick, round_fig *f, char *build_type, size_t bt_size)
{
	char *tach_argv[] = {TACH_SUITE_EXE, "--filter", WORKLOAD_FILTER, "--repetitions", "10",
	                     "--max-repetitions", "10", "--format", "json", NULL};
	char *gb_argv[] = {GBENCH_EXE, "--benchmark_filter=" WORKLOAD_FILTER,
	                   "--benchmark_repetitions=10", "--benchmark_format=json",
	                   quick ? "--benchmark_min_time=0.05" : NULL, NULL};
	static run_out r[2];
	if (run_both(round, tach_argv, gb_argv, r))
		return 1;
	snprintf(build_type, bt_size, "%s", r[TOOL_GB].build_type);
	for (int t = 0; t < 2; t++) {
		for (size_t w = 0; w < N_WORK; w++) {
			series *s = need_series(&r[t], t, workloads[w]);
			if (!s)
				return 1;
			f->reps[t][w] = s->n;
			f->med[t][w] = median_of(s->ns, s->n);
			f->cv[t][w] = tach_stats_cv(s->ns, s->n);
		}
	}
	return 0;
}

/* One round of figure 8: each tool's program once, in alternating order. */
static int heap_round(int round, int quick, heap_fig *f)
{
	/* task-clock: CPU time per iteration over one more, untimed call */
	char *tach_argv[] = {TACH_SUITE_EXE, "--filter", HEAP_FILTER, "--repetitions", "10",
	                     "--max-repetitions", "10", "--format", "json", "--counters",
	                     "task-clock", NULL};
	char *gb_argv[] = {GBENCH_EXE, "--benchmark_filter=" HEAP_FILTER,
	                   "--benchmark_repetitions=3", "--benchmark_format=json",
	                   quick ? "--benchmark_min_time=0.05" : NULL, NULL};
	static run_out r[2];
	if (run_both(round, tach_argv, gb_argv, r))
		return 1;
	for (int t = 0; t < 2; t++)
		for (size_t h = 0; h < N_HEAP; h++) {
			series *s = need_series(&r[t], t, heap[h].name);
			if (!s)
				return 1;
			f->med[t][h] = median_of(s->ns, s->n);
			f->cpu[t][h] = s->n_cpu ? median_of(s->cpu, s->n_cpu) : NAN;
			if (t == TOOL_TACH) {
				f->allocs[h] = s->allocs;
				f->bytes[h] = s->bytes;
			}
		}
	return 0;
}

static const char *met(int ok)
{
	return ok ? "met" : "MISSED";
}

/* ratio[k] = tach / GB of round k, and those ratios as text into per. */
static void round_ratios(const double *tm, const double *gm, int rounds, double *ratio,
                         char *per, size_t size)
{
	size_t pl = 0;
	per[0] = 0;
	for (int k = 0; k < rounds; k++) {
		ratio[k] = gm[k] > 0 ? tm[k] / gm[k] : NAN;
		pl += (size_t)snprintf(per + pl, pl < size ? size - pl : 0, "%s%.3f", k ? " " : "",
		                       ratio[k]);
	}
}

static void print_workloads(const round_fig *f, int rounds)
{
	double tm[MAX_ROUNDS], gm[MAX_ROUNDS], ratio[MAX_ROUNDS], tc[MAX_ROUNDS], gc[MAX_ROUNDS];
	printf("\nfigure 1: per-iteration overhead (ns/op, median of the %d rounds' medians)\n",
	       rounds);
	printf("%-10s %10s %10s %8s  %-22s  %s\n", "loop", "tach", "GB", "ratio",
	       "ratio per round", "goal");
	for (size_t w = 0; w < N_WORK; w++) {
		if (w == 2) {
			printf("\nfigure 2: ns/op of three workloads (median of the %d rounds' medians)\n",
			       rounds);
			printf("%-10s %10s %10s %8s  %-22s  %s\n", "workload", "tach", "GB", "ratio",
			       "ratio per round", "goal");
		}
		char per[64];
		for (int k = 0; k < rounds; k++) {
			tm[k] = f[k].med[TOOL_TACH][w];
			gm[k] = f[k].med[TOOL_GB][w];
		}
		round_ratios(tm, gm, rounds, ratio, per, sizeof per);
		double t = median_of(tm, (size_t)rounds), g = median_of(gm, (size_t)rounds);
		double q = median_of(ratio, (size_t)rounds);
		char goal[48];
		if (w < 2)
			snprintf(goal, sizeof goal, "<= 1.00x %s", met(q <= 1.0));
		else
			snprintf(goal, sizeof goal, "within +-2%% %s", met(fabs(q - 1) <= 0.02));
		/* a loop the compiler removed runs in well under a cycle */
		if (g < 0.05 && t < 0.05)
			snprintf(goal, sizeof goal, "n/a: both loops compiled away");
		else if (g < 0.05)
			snprintf(goal, sizeof goal, "MISSED: GB's loop compiled away");
		if (g < 0.05)
			printf("%-10s %10.3f %10.3f %8s  %-22s  %s\n", workloads[w], t, g, "-", "-",
			       goal);
		else
			printf("%-10s %10.3f %10.3f %7.3fx  %-22s  %s\n", workloads[w], t, g, q, per,
			       goal);
	}
	printf("\nfigure 3: CV of the 10 repetitions (median over the %d rounds)\n", rounds);
	printf("%-10s %10s %10s  %-36s  %s\n", "workload", "tach", "GB", "tach/GB per round",
	       "goal");
	for (size_t w = 2; w < N_WORK; w++) {
		char per[96] = "";
		size_t pl = 0;
		for (int k = 0; k < rounds; k++) {
			tc[k] = f[k].cv[TOOL_TACH][w];
			gc[k] = f[k].cv[TOOL_GB][w];
			pl += (size_t)snprintf(per + pl, sizeof per - pl, "%s%.2f%%/%.2f%%",
			                       k ? " " : "", tc[k] * 100, gc[k] * 100);
		}
		double t = median_of(tc, (size_t)rounds), g = median_of(gc, (size_t)rounds);
		printf("%-10s %9.2f%% %9.2f%%  %-36s  <= GB %s\n", workloads[w], t * 100, g * 100,
		       per, met(t <= g));
	}
}

/* Figure 8: the heap workloads' ns/op (the counting of allocations must
 * cost the timed runs nothing) and tach's counts beside the exact ones.
 * Returns 1 when a count is wrong. */
static int print_heap(const heap_fig *f, int rounds)
{
	int wrong = 0;
	printf("\nfigure 8: the heap: ns/op (median of the %d rounds' medians) and tach's "
	       "allocations\n(each round: one process of each tool, order alternating; tach 10 "
	       "repetitions, GB 3)\n", rounds);
	printf("%-17s %9s %9s %8s  %-*s  %-11s %s\n", "workload", "tach", "GB", "ratio",
	       6 * rounds, "ratio per round", "goal", "allocs/op bytes/op (exact)");
	for (size_t h = 0; h < N_HEAP; h++) {
		double tm[HEAP_ROUNDS], gm[HEAP_ROUNDS], ratio[HEAP_ROUNDS];
		char per[80];
		int exact = 1;
		for (int k = 0; k < rounds; k++) {
			tm[k] = f[k].med[TOOL_TACH][h];
			gm[k] = f[k].med[TOOL_GB][h];
			exact &= f[k].allocs[h] == heap[h].allocs && f[k].bytes[h] == heap[h].bytes;
		}
		round_ratios(tm, gm, rounds, ratio, per, sizeof per);
		double q = median_of(ratio, (size_t)rounds);
		char goal[32], counts[96];
		snprintf(goal, sizeof goal, "+-3%% %s", met(fabs(q - 1) <= 0.03));
		snprintf(counts, sizeof counts, "%g %g (%g %g) %s", f[0].allocs[h], f[0].bytes[h],
		         heap[h].allocs, heap[h].bytes, exact ? "exact" : "WRONG");
		printf("%-17s %9.3f %9.3f %7.3fx  %-*s  %-11s %s\n", heap[h].name,
		       median_of(tm, (size_t)rounds), median_of(gm, (size_t)rounds), q,
		       6 * rounds, per, goal, counts);
		wrong |= !exact;
	}
	/* CPU time is what a busy machine does not inflate: preemption adds
	 * wall time, not CPU time */
	printf("CPU ns/op (tach: task-clock over one untimed call; GB: cpu_time, median of "
	       "its repetitions)\n");
	for (size_t h = 0; h < N_HEAP; h++) {
		double tm[HEAP_ROUNDS], gm[HEAP_ROUNDS], ratio[HEAP_ROUNDS];
		char per[80];
		for (int k = 0; k < rounds; k++) {
			tm[k] = f[k].cpu[TOOL_TACH][h];
			gm[k] = f[k].cpu[TOOL_GB][h];
		}
		round_ratios(tm, gm, rounds, ratio, per, sizeof per);
		double q = median_of(ratio, (size_t)rounds);
		printf("%-17s %9.3f %9.3f %7.3fx  %-*s  +-3%% %s\n", heap[h].name,
		       median_of(tm, (size_t)rounds), median_of(gm, (size_t)rounds), q,
		       6 * rounds, per, met(fabs(q - 1) <= 0.03));
	}
	printf("  tach counts allocations in a separate process after the timed runs; the\n"
	       "  timed process has no malloc interposer (docs/bench-library.md, Allocations)\n");
	return wrong;
}

/* --------------------------------------------------------------------
 * Figure 4: the 50-benchmark suite at default settings, several runs.
 */

static int suite_runs(int runs, int quick)
{
	char *tach_argv[] = {TACH_SUITE_EXE, "--filter", SUITE_FILTER, "--format", "json",
	                     quick ? "--min-time" : NULL, "2ms", NULL};
	char *gb_argv[] = {GBENCH_EXE, "--benchmark_filter=" SUITE_FILTER,
	                   "--benchmark_format=json",
	                   quick ? "--benchmark_min_time=0.02" : NULL, NULL};
	static run_out r[2][MAX_ROUNDS];
	double wall[2][MAX_ROUNDS];
	/* tach GB, GB tach, tach GB ... */
	for (int k = 0; k < runs; k++) {
		for (int j = 0; j < 2; j++) {
			int tool = (j + k) % 2;
			if (run_tool(tool, tool == TOOL_TACH ? tach_argv : gb_argv, &r[tool][k]))
				return 1;
			wall[tool][k] = r[tool][k].wall;
		}
	}
	/* per benchmark: each run's estimate (tach: the median of its
	 * repetitions; GB: its one repetition), the CV of those across runs */
	double across[2][MAX_BENCH], within[MAX_BENCH];
	size_t nb = r[TOOL_TACH][0].n;
	if (nb != r[TOOL_GB][0].n) {
		fprintf(stderr, "bench_lib: the suites differ: tach has %zu benchmarks, GB %zu\n",
		        nb, r[TOOL_GB][0].n);
		return 1;
	}
	size_t reps_total = 0;
	for (size_t i = 0; i < nb; i++) {
		const char *name = r[TOOL_TACH][0].b[i].name;
		within[i] = tach_stats_cv(r[TOOL_TACH][0].b[i].ns, r[TOOL_TACH][0].b[i].n);
		for (int t = 0; t < 2; t++) {
			double est[MAX_ROUNDS];
			for (int k = 0; k < runs; k++) {
				series *s = series_get(&r[t][k], name);
				if (!s || !s->n) {
					fprintf(stderr, "bench_lib: %s printed no '%s'\n", tool_name[t],
					        name);
					return 1;
				}
				est[k] = median_of(s->ns, s->n);
				if (t == TOOL_TACH)
					reps_total += s->n;
			}
			across[t][i] = tach_stats_cv(est, (size_t)runs);
		}
	}
	double wt = median_of(wall[TOOL_TACH], (size_t)runs);
	double wg = median_of(wall[TOOL_GB], (size_t)runs);
	double ct = median_of(across[TOOL_TACH], nb), cg = median_of(across[TOOL_GB], nb);
	printf("\nfigure 4: a %zu-benchmark suite at %s, %d runs (alternating order)\n", nb,
	       quick ? "shortened settings (tach 2 ms, GB 0.02 s)" : "default settings", runs);
	printf("%-36s %10s %10s %8s  %s\n", "", "tach", "GB", "ratio", "goal");
	printf("%-36s %9.2fs %9.2fs %7.3fx  <= 0.50x %s\n", "wall time (median of the runs)", wt,
	       wg, wt / wg, met(wt / wg <= 0.5));
	printf("%-36s %9.2f%% %9.2f%% %7.3fx  <= GB %s\n", "run-to-run CV (median over bench.)",
	       ct * 100, cg * 100, cg > 0 ? ct / cg : NAN, met(ct <= cg));
	printf("  wall time per run: tach");
	for (int k = 0; k < runs; k++)
		printf(" %.2fs", wall[TOOL_TACH][k]);
	printf(", GB");
	for (int k = 0; k < runs; k++)
		printf(" %.2fs", wall[TOOL_GB][k]);
	printf("\n  run-to-run CV: per benchmark, the CV over the %d runs of each run's estimate\n"
	       "  (tach: median of its repetitions; GB: its single repetition), then the median\n"
	       "  over the %zu benchmarks\n", runs, nb);
	printf("  tach took %.1f repetitions per benchmark on average (adaptive stop, 10..30);\n"
	       "  the median CV within one tach run is %.2f%%\n",
	       (double)reps_total / (double)(nb * (size_t)runs), median_of(within, nb) * 100);
	return 0;
}

/* --------------------------------------------------------------------
 * Figures 5-7: threads that outnumber cores, and the wall-clock budget.
 */

#define INDEP_FILTER "^indep/"
#define BUDGET_FILTER "^(empty|inc|memcpy_4k|hash64|qsort1k|suite_fnv1a/4096|pause_setup)$"
#define MAX_RUNS 5

/* Runs a tach benchmark program (JSON on stdout) and reads the results. */
static int run_tach_result(char *const argv[], tach_result **res, double *wall)
{
	char *text;
	size_t len;
	tach_error err;
	memset(&err, 0, sizeof err);
	if (run_program(argv, &text, &len, wall))
		return 1;
	int rc = tach_result_read_buffer(text, len, argv[0], res, &err);
	free(text);
	if (rc) {
		char msg[512];
		tach_error_format(&err, msg, sizeof msg);
		fprintf(stderr, "bench_lib: %s\n", msg);
		return 1;
	}
	return 0;
}

/* The median of one metric of one benchmark in a results set, or NAN. */
static double result_median(const tach_result *r, const char *bench, const char *metric)
{
	for (size_t i = 0; i < r->n_benchmarks; i++) {
		if (strcmp(r->benchmarks[i]->name, bench))
			continue;
		const tach_metric *m = tach_benchmark_metric(r->benchmarks[i], metric);
		return m && m->n_samples ? median_of(m->samples, m->n_samples) : NAN;
	}
	return NAN;
}

/* The CPUs this process may run on. */
static int usable_cpus(void)
{
	cpu_set_t set;
	if (sched_getaffinity(0, sizeof set, &set) == 0)
		return CPU_COUNT(&set);
	long n = sysconf(_SC_NPROCESSORS_ONLN);
	return n > 0 ? (int)n : 1;
}

/* The 1-minute load average: other processes on the machine take CPU
 * from the threads these figures count on. */
static double load_1min(void)
{
	double l = NAN;
	FILE *f = fopen("/proc/loadavg", "r");
	if (f) {
		if (fscanf(f, "%lf", &l) != 1)
			l = NAN;
		fclose(f);
	}
	return l;
}

static void print_values(const char *label, const double *v, int n, const char *unit)
{
	printf("  %s:", label);
	for (int k = 0; k < n; k++)
		printf(" %.1f%s", v[k], unit);
	printf("\n");
}

/* Figure 5: indep/threads:8 against indep/threads:1, each library at its
 * defaults, `runs` runs alternating.  tach's figure is its
 * scaling_efficiency (median time per iteration, 1 thread / 8 threads);
 * Google Benchmark's is computed the same way from its real_time. */
static int figure_indep(int runs)
{
	char *tach_argv[] = {TACH_SUITE_EXE, "--filter", INDEP_FILTER, "--format", "json",
	                     "--no-alloc", "--counters", "task-clock", NULL};
	char *gb_argv[] = {GBENCH_EXE, "--benchmark_filter=" INDEP_FILTER,
	                   "--benchmark_format=json", NULL};
	double eff[2][MAX_RUNS], eff_cpu[2][MAX_RUNS], cpu1[2][MAX_RUNS], time8[2][MAX_RUNS];
	static run_out gb;
	double load0 = load_1min();
	for (int k = 0; k < runs; k++) {
		for (int j = 0; j < 2; j++) {
			int tool = (j + k) % 2;
			if (tool == TOOL_TACH) {
				tach_result *r;
				double wall;
				if (run_tach_result(tach_argv, &r, &wall))
					return 1;
				eff[tool][k] = result_median(r, "indep/threads:8", "scaling_efficiency");
				cpu1[tool][k] = result_median(r, "indep/threads:1", "task_clock");
				time8[tool][k] = result_median(r, "indep/threads:8", TACH_M_TIME);
				tach_result_free(r);
			} else {
				if (run_tool(TOOL_GB, gb_argv, &gb))
					return 1;
				series *one = series_get(&gb, "indep/threads:1");
				series *eight = series_get(&gb, "indep/threads:8");
				int ok = one && eight && one->n && eight->n;
				eff[tool][k] = ok ? 100 * median_of(one->ns, one->n) /
				                            median_of(eight->ns, eight->n)
				                  : NAN;
				cpu1[tool][k] = ok ? median_of(one->cpu_ns, one->n) : NAN;
				time8[tool][k] = ok ? median_of(eight->ns, eight->n) : NAN;
			}
		}
	}
	int cpus = usable_cpus();
	double bound = cpus >= 8 ? 100 : 100.0 * cpus / 8;
	/* the 1-thread CPU time per iteration of fixed work: the smallest over
	 * the runs (disturbances only ever add to it) */
	for (int t = 0; t < 2; t++) {
		double best = INFINITY;
		for (int k = 0; k < runs; k++)
			if (cpu1[t][k] < best)
				best = cpu1[t][k];
		for (int k = 0; k < runs; k++)
			eff_cpu[t][k] = 100 * best / time8[t][k];
	}
	double worst[2] = {-INFINITY, -INFINITY}, worst_cpu[2] = {-INFINITY, -INFINITY};
	for (int t = 0; t < 2; t++) {
		for (int k = 0; k < runs; k++) {
			if (!(eff[t][k] <= worst[t])) /* NAN counts as the worst */
				worst[t] = eff[t][k];
			if (!(eff_cpu[t][k] <= worst_cpu[t]))
				worst_cpu[t] = eff_cpu[t][k];
		}
	}
	printf("\nfigure 5: 8 threads of independent work (FNV-1a over 1 KiB each) on %d CPU%s,\n"
	       "efficiency against 1 thread, %d runs alternating, each library at its defaults\n",
	       cpus, cpus > 1 ? "s" : "", runs);
	printf("%-36s %10s %10s  %s\n", "", "tach", "GB", "goal");
	printf("%-36s %9.1f%% %9.1f%%  tach <= %.1f%% x 1.06 = %.1f%% %s\n",
	       "highest efficiency over the runs", worst[TOOL_TACH], worst[TOOL_GB], bound,
	       bound * 1.06, met(worst[TOOL_TACH] <= bound * 1.06));
	printf("%-36s %9.1f%% %9.1f%%  tach <= %.1f%% %s\n",
	       "highest vs 1 thread's CPU time", worst_cpu[TOOL_TACH], worst_cpu[TOOL_GB],
	       bound * 1.06, met(worst_cpu[TOOL_TACH] <= bound * 1.06));
	print_values("tach per run", eff[TOOL_TACH], runs, "%");
	print_values("GB per run  ", eff[TOOL_GB], runs, "%");
	print_values("tach per run, vs CPU time", eff_cpu[TOOL_TACH], runs, "%");
	print_values("GB per run, vs CPU time  ", eff_cpu[TOOL_GB], runs, "%");
	printf("  at most %.0f %% is possible: %d cores run 8 threads' work in at least 8/%d of\n"
	       "  the time of one; tach times a call from the barrier's release to the last\n"
	       "  thread's finish; GB's real_time is the threads' mean own loop time\n"
	       "  load average (1 min) %.2f before, %.2f after: other runnable threads on the\n"
	       "  machine give 8 threads a larger share of the CPUs than 1, raising the bound\n"
	       "  of the first row; the second divides the 1-thread CPU time per iteration\n"
	       "  (tach: task_clock from --counters; GB: cpu_time; the smallest over the\n"
	       "  runs) by each run's 8-thread time, which no load can push above the bound\n",
	       bound, cpus, cpus < 8 ? cpus : 8, load0, load_1min());
	return 0;
}

/* Figure 6: the channels example's MPMC workers, `runs` runs at default
 * settings: the scaling_efficiency of the oversubscribed instance (the
 * largest thread count, 2 x the CPUs), and its CV over the runs. */
static int figure_channels(int runs)
{
	/* the example's own list is the channel seed's 1 ... 16 workers; the
	 * figure needs 1, one per CPU and 2 x the CPUs on any machine */
	int cpus = usable_cpus();
	char threads[48];
	snprintf(threads, sizeof threads, "1,%d,%d", cpus, 2 * cpus);
	char *argv[] = {CHANNELS_EXE, "--filter", "^mpmc_workers/", "--threads", threads,
	                "--format", "json", "--no-alloc", NULL};
	double eff[MAX_RUNS], eff_fit[MAX_RUNS];
	char name[64] = "", fit[64];
	/* the control: as many workers as CPUs, nobody waits for a core */
	snprintf(fit, sizeof fit, "mpmc_workers/threads:%d", cpus);
	double load0 = load_1min();
	for (int k = 0; k < runs; k++) {
		tach_result *r;
		double wall;
		if (run_tach_result(argv, &r, &wall))
			return 1;
		int most = 0;
		for (size_t i = 0; i < r->n_benchmarks; i++) {
			const char *th = tach_kvlist_get(&r->benchmarks[i]->params, "threads");
			if (th && atoi(th) > most) {
				most = atoi(th);
				snprintf(name, sizeof name, "%s", r->benchmarks[i]->name);
			}
		}
		eff[k] = result_median(r, name, "scaling_efficiency");
		eff_fit[k] = result_median(r, fit, "scaling_efficiency");
		tach_result_free(r);
	}
	double cv = tach_stats_cv(eff, (size_t)runs);
	double cv_fit = tach_stats_cv(eff_fit, (size_t)runs);
	printf("\nfigure 6: examples/channels %s (oversubscribed: 2 x %d CPUs), %d runs at\n"
	       "default settings: scaling_efficiency of each run and its CV over the runs\n",
	       name, cpus, runs);
	printf("%-36s %10s  %s\n", "", "tach", "goal");
	printf("%-36s %9.1f%%  <= 10%% %s\n", "CV of the efficiency over the runs", cv * 100,
	       met(cv <= 0.10));
	printf("%-36s %9.1f%%  (control)\n", "the same at threads:CPUs", cv_fit * 100);
	print_values("efficiency per run", eff, runs, "%");
	print_values("threads:CPUs per run", eff_fit, runs, "%");
	printf("  load average (1 min) %.2f before, %.2f after; the control has one worker per\n"
	       "  CPU, so no thread waits for a core: what moves it is the machine (the time\n"
	       "  a cache line takes between the CPUs, other processes), not the timing of\n"
	       "  threads that outnumber cores\n", load0, load_1min());
	return 0;
}

/* Figure 7: a 7-benchmark suite holding pause_setup (20 us of paused
 * setup around 60 ns of timed work per iteration) at each library's
 * default settings: the wall time of the whole program, and pause_setup's
 * time per iteration in both. */
static int figure_budget(void)
{
	char *tach_argv[] = {TACH_SUITE_EXE, "--filter", BUDGET_FILTER, "--format", "json", NULL};
	char *gb_argv[] = {GBENCH_EXE, "--benchmark_filter=" BUDGET_FILTER,
	                   "--benchmark_format=json", NULL};
	static run_out gb;
	tach_result *r;
	double wall_t;
	if (run_tach_result(tach_argv, &r, &wall_t) || run_tool(TOOL_GB, gb_argv, &gb)) {
		return 1;
	}
	double ns_t = result_median(r, "pause_setup", TACH_M_TIME) * 1e9;
	const char *cut = tach_kvlist_get(&r->meta.context, "max_time_reached");
	const tach_metric *pt = NULL;
	for (size_t i = 0; i < r->n_benchmarks; i++)
		if (!strcmp(r->benchmarks[i]->name, "pause_setup"))
			pt = tach_benchmark_metric(r->benchmarks[i], TACH_M_TIME);
	series *ps = series_get(&gb, "pause_setup");
	double ns_g = ps && ps->n ? median_of(ps->ns, ps->n) : NAN;
	printf("\nfigure 7: a %zu-benchmark suite with pause_setup (20 us paused setup, ~60 ns timed\n"
	       "per iteration), each library at its default settings, one run each\n",
	       r->n_benchmarks);
	printf("%-36s %10s %10s %8s  %s\n", "", "tach", "GB", "ratio", "goal");
	printf("%-36s %9.1fs %9.1fs %7.3fx  tach <= 30 s %s\n", "wall time of the suite", wall_t,
	       gb.wall, wall_t / gb.wall, met(wall_t <= 30));
	printf("%-36s %10.1f %10.1f %7.3fx\n", "pause_setup ns/op", ns_t, ns_g, ns_t / ns_g);
	if (pt)
		printf("  tach's pause_setup: %zu repetitions of %llu iterations\n", pt->n_samples,
		       (unsigned long long)(pt->iterations ? pt->iterations[0] : 0));
	printf("  tach's note (context max_time_reached): %s\n", cut ? cut : "(none)");
	tach_result_free(r);
	return 0;
}

/* Figure 9: tach's cpu_time against Google Benchmark's cpu_time, both
 * per iteration of one thread (all threads' CPU over all threads'
 * iterations), on CPU-bound work, a loop that sleeps, and 8 threads. */
#define CPU_FILTER "^(memcpy_4k|hash64|qsort1k|sleep_50us|indep/threads:(1|8))$"
static const char *const cpu_work[] = {"memcpy_4k", "hash64", "qsort1k", "sleep_50us",
                                       "indep/threads:1", "indep/threads:8"};
#define N_CPU (sizeof cpu_work / sizeof cpu_work[0])

typedef struct cpu_fig {
	double time[2][N_CPU], cpu[2][N_CPU];
} cpu_fig;

static int cpu_round(int round, int quick, cpu_fig *f)
{
	char *tach_argv[] = {TACH_SUITE_EXE, "--filter", CPU_FILTER, "--repetitions", "5",
	                     "--max-repetitions", "5", "--no-alloc", "--format", "json", NULL};
	char *gb_argv[] = {GBENCH_EXE, "--benchmark_filter=" CPU_FILTER,
	                   "--benchmark_repetitions=5", "--benchmark_format=json",
	                   quick ? "--benchmark_min_time=0.05" : NULL, NULL};
	static run_out r[2];
	if (run_both(round, tach_argv, gb_argv, r))
		return 1;
	for (int t = 0; t < 2; t++)
		for (size_t w = 0; w < N_CPU; w++) {
			series *s = need_series(&r[t], t, cpu_work[w]);
			if (!s)
				return 1;
			f->time[t][w] = median_of(s->ns, s->n);
			f->cpu[t][w] = median_of(s->cpu_ns, s->n);
		}
	return 0;
}

static void print_cpu(const cpu_fig *f, int rounds)
{
	printf("\nfigure 9: cpu_time per iteration (ns; median of the %d rounds' medians of 5\n"
	       "repetitions); cpu ratio = tach cpu_time / GB cpu_time\n", rounds);
	printf("%-16s %10s %10s %10s %10s %8s  %-22s  %s\n", "workload", "tach time", "tach cpu",
	       "GB time", "GB cpu", "ratio", "ratio per round", "goal");
	for (size_t w = 0; w < N_CPU; w++) {
		double tm[MAX_ROUNDS], gm[MAX_ROUNDS], ratio[MAX_ROUNDS], tt[MAX_ROUNDS],
			gt[MAX_ROUNDS];
		for (int k = 0; k < rounds; k++) {
			tm[k] = f[k].cpu[TOOL_TACH][w];
			gm[k] = f[k].cpu[TOOL_GB][w];
			tt[k] = f[k].time[TOOL_TACH][w];
			gt[k] = f[k].time[TOOL_GB][w];
		}
		char per[64];
		round_ratios(tm, gm, rounds, ratio, per, sizeof per);
		double q = median_of(ratio, (size_t)rounds);
		printf("%-16s %10.1f %10.1f %10.1f %10.1f %7.3fx  %-22s  within +-5%% %s\n",
		       cpu_work[w], median_of(tt, (size_t)rounds), median_of(tm, (size_t)rounds),
		       median_of(gt, (size_t)rounds), median_of(gm, (size_t)rounds), q, per,
		       met(fabs(q - 1) <= 0.05));
	}
	printf("  (time: tach's is the call's wall time over one thread's iterations, GB's\n"
	       "  real_time over all threads' iterations: with 8 threads they differ by up to 8x;\n"
	       "  cpu_time means the same in both)\n");
}

/* --------------------------------------------------------------------
 * Figure 10: the open-loop scheduler of load benchmarks (issue 21 item 3).
 */

/* Google Benchmark's items_per_second of empty_threads/threads:2, or NAN. */
static double gbench_items_rate(void)
{
	char *argv[] = {GBENCH_EXE, "--benchmark_filter=^empty_threads/threads:2$",
	                "--benchmark_format=json", NULL};
	char *text;
	size_t len;
	double wall;
	if (run_program(argv, &text, &len, &wall))
		return NAN;
	json_t *root = json_loadb(text, len, 0, NULL);
	free(text);
	json_t *b = json_array_get(json_object_get(root, "benchmarks"), 0);
	double v = json_is_number(json_object_get(b, "items_per_second"))
	                   ? json_number_value(json_object_get(b, "items_per_second"))
	                   : NAN;
	json_decref(root);
	return v;
}

/* lib_suite_tach's load_empty at `rate` for `duration` (a string), with
 * `filter`: the result set (caller frees), or NULL after printing. */
static tach_result *run_load_empty(const char *filter, const char *rate, const char *duration)
{
	char *argv[] = {TACH_SUITE_EXE, "--filter", (char *)filter, "--rate", (char *)rate,
	                "--duration", (char *)duration, "--format", "json", "--no-alloc", NULL};
	tach_result *r;
	double wall;
	return run_tach_result(argv, &r, &wall) ? NULL : r;
}

/* The cost of one read of CLOCK_MONOTONIC, which the scheduler reads
 * once per call at its ceiling (the end of a call is the start of the
 * next) and twice below it: ns, the median of 5 x 1e6. */
static double monotonic_read_ns(void)
{
	double t[5];
	uint64_t sink = 0;
	for (int k = 0; k < 5; k++) {
		double t0 = bench_now();
		for (int i = 0; i < 1000000; i++)
			sink += tach__clock_monotonic_ns();
		t[k] = (bench_now() - t0) * 1e3;
	}
	__asm__ volatile("" : : "r"(sink));
	return bench_median(t, 5);
}

/* The rows of figure 10's lateness table: the metrics of load_empty on
 * 2 workers at one set rate, per round. */
#define LOAD_ROWS 3
#define LOAD_COLS 5
static const char *const load_cols[LOAD_COLS] = {"achieved_rate", "latency_p50", "latency_p99",
                                                 "service_time_p99", "late_starts"};

/* A rate of two significant digits at `fraction` of `ceiling`. */
static void rate_at(double ceiling, double fraction, char *buf, size_t size)
{
	double r = ceiling * fraction;
	double mag = pow(10, floor(log10(r)) - 1);
	snprintf(buf, size, "%.0f", floor(r / mag) * mag);
}

/* Figure 10: load_empty far above its ceiling (1e9/s: every call late,
 * the workers never sleep) on 1 and 2 workers -- the ceiling is the
 * achieved rate -- then on 2 workers at 1,000/s and at a hundredth and a
 * tenth of the ceiling: lateness (the latency of an empty call is its
 * start's lateness plus some ns); beside Google Benchmark's closed-loop
 * iteration rate of the same empty body on 2 threads.  `rounds` rounds,
 * the two programs alternating; medians. */
static int figure_load(int rounds, int quick)
{
	const char *dur = quick ? "200ms" : "1s";
	double ceil1[MAX_RUNS], ceil2[MAX_RUNS], gb[MAX_RUNS];
	double v[LOAD_ROWS][LOAD_COLS][MAX_RUNS];
	double load0 = load_1min();
	for (int k = 0; k < rounds; k++) {
		for (int j = 0; j < 2; j++) {
			if ((j + k) % 2) {
				gb[k] = gbench_items_rate();
				continue;
			}
			tach_result *r = run_load_empty("^load_empty/", "1e9", dur);
			if (!r)
				return 1;
			ceil1[k] = result_median(r, "load_empty/rate:1000000000/threads:1",
			                         "achieved_rate");
			ceil2[k] = result_median(r, "load_empty/rate:1000000000/threads:2",
			                         "achieved_rate");
			tach_result_free(r);
		}
	}
	size_t n = (size_t)rounds;
	double c2 = bench_median(ceil2, n);
	char rate[LOAD_ROWS][32] = {"1000"}, rates[128];
	rate_at(c2, 0.01, rate[1], sizeof rate[1]);
	rate_at(c2, 0.1, rate[2], sizeof rate[2]);
	snprintf(rates, sizeof rates, "%s,%s,%s", rate[0], rate[1], rate[2]);
	for (int k = 0; k < rounds; k++) {
		tach_result *r = run_load_empty("^load_empty/.*/threads:2$", rates, dur);
		if (!r)
			return 1;
		for (int row = 0; row < LOAD_ROWS; row++) {
			char name[160];
			snprintf(name, sizeof name, "load_empty/rate:%s/threads:2", rate[row]);
			for (int col = 0; col < LOAD_COLS; col++)
				v[row][col][k] = result_median(r, name, load_cols[col]);
		}
		tach_result_free(r);
	}
	double c1 = bench_median(ceil1, n), g = bench_median(gb, n);
	double clk = monotonic_read_ns();
	printf("\nfigure 10: the open-loop scheduler (load benchmarks) calling an empty function,\n"
	       "%d rounds, tach and GB alternating, %s per rate; medians over the rounds\n",
	       rounds, dur);
	printf("  %-52s %14s\n", "", "calls/s");
	printf("  %-52s %14.0f\n", "tach ceiling, 1 worker (achieved at 1e9/s set)", c1);
	printf("  %-52s %14.0f\n", "tach ceiling, 2 workers (achieved at 1e9/s set)", c2);
	printf("  %-52s %14.0f\n", "GB closed loop, 2 threads (items_per_second)", g);
	printf("  %-52s %13.1fx\n", "GB / tach on 2 threads", g / c2);
	printf("  scheduling cost per call on one worker: %.1f ns (1e9 / ceiling); of it, one\n"
	       "  read of CLOCK_MONOTONIC at %.1f ns (measured after the runs; a late worker's end of one\n"
	       "  call is the start of the next), the rest the claim (an atomic add), two\n"
	       "  histogram records and the loop's edge\n", 1e9 / c1, clk);
	printf("  2 workers at 1000/s, 1/100 and 1/10 of the ceiling: lateness of the starts\n"
	       "  (the latency of an empty call is its start's lateness + its service time):\n");
	printf("  %-12s %12s %14s %14s %12s %12s\n", "set rate /s", "achieved", "latency_p50",
	       "latency_p99", "svc_p99", "late_starts");
	for (int row = 0; row < LOAD_ROWS; row++)
		printf("  %-12s %12.0f %11.2f us %11.2f us %9.2f us %12.0f\n", rate[row],
		       bench_median(v[row][0], n), bench_median(v[row][1], n) * 1e6,
		       bench_median(v[row][2], n) * 1e6, bench_median(v[row][3], n) * 1e6,
		       bench_median(v[row][4], n));
	print_values("ceiling 2 workers per round", ceil2, rounds, "");
	print_values("GB per round", gb, rounds, "");
	printf("  load average (1 min) %.2f before, %.2f after; the workers spin the last 50 us\n"
	       "  before each start (TACH_LOAD_DEFAULT_SPIN) with a timer slack of 1 ns\n",
	       load0, load_1min());
	return 0;
}

int main(int argc, char **argv)
{
	int quick = 0;
	unsigned figures = 0; /* bit k: figure k; none given: all */
	for (int i = 1; i < argc; i++) {
		if (!strcmp(argv[i], "--quick")) {
			quick = 1;
		} else if (!strcmp(argv[i], "--figure") && i + 1 < argc) {
			int k = atoi(argv[++i]);
			if (k < 1 || k > 10) {
				fprintf(stderr, "bench_lib: invalid value '%s' for --figure: expected "
				                "1 to 10\n", argv[i]);
				return 2;
			}
			figures |= 1u << (k <= 3 ? 1 : k); /* 1-3 come together */
		} else if (!strcmp(argv[i], "--help") || !strcmp(argv[i], "-h")) {
			printf("usage: %s [--quick] [--figure N]...\n\n"
			       "Compares tach's benchmark library with Google Benchmark on the same\n"
			       "workloads (about 8 minutes; --quick: a smoke test, shorter repetitions,\n"
			       "not default settings, fewer runs; --figure N: only figure N, 1 to 10;\n"
			       "figures 1-3 come together).\n", argv[0]);
			return 0;
		} else {
			fprintf(stderr, "bench_lib: unknown option '%s'\n", argv[i]);
			return 2;
		}
	}
	if (!GBENCH_EXE[0]) {
		fprintf(stderr, "bench_lib: lib_suite_gbench was not built: %s\n"
		                "bench_lib: install g++ and libbenchmark-dev, then reconfigure "
		                "(meson setup --reconfigure build)\n", GBENCH_MISSING);
		return 2;
	}
	if (access(GBENCH_EXE, X_OK) != 0 || access(TACH_SUITE_EXE, X_OK) != 0) {
		fprintf(stderr, "bench_lib: '%s' or '%s' is missing: run ninja -C build first\n",
		        TACH_SUITE_EXE, GBENCH_EXE);
		return 2;
	}
	if (!figures)
		figures = ~0u;
	int rounds = quick ? 1 : 3, runs = quick ? 2 : 3;
	double t0 = bench_now();
	round_fig f[MAX_ROUNDS];
	char build_type[32] = "unknown";
	for (int k = 0; k < rounds && (figures & 2); k++)
		if (workloads_round(k, quick, &f[k], build_type, sizeof build_type))
			return 1;

	printf("bench_lib (%s): tach %s vs Google Benchmark %s, same workloads, same run\n",
	       quick ? "quick: shorter repetitions, not default settings" : "full",
	       TACH_VERSION_STRING, GBENCH_VERSION);
	printf("both programs: gcc/g++ -O2, the same workload code (lib_suite_work.h); time = wall\n"
	       "time per iteration (tach: metric time; GB: real_time); ratio = tach / GB\n");
	if (figures & 2) {
		printf("Google Benchmark: Debian's libbenchmark %s (built as a %s library per its "
		       "own report, library_build_type \"%s\")\n", GBENCH_VERSION, build_type,
		       build_type);
		printf("figures 1-3: %d round%s, order alternating, of 10 repetitions per workload;\n"
		       "repetition length: %s\n",
		       rounds, rounds > 1 ? "s" : "",
		       quick ? "tach 10 ms (default), GB 0.05 s (not its default)"
		             : "each library's default (tach 10 ms, GB 0.5 s)");
		print_workloads(f, rounds);
	}
	fflush(stdout);
	if ((figures & 1u << 4) && suite_runs(runs, quick))
		return 1;
	fflush(stdout);
	if ((figures & 1u << 5) && figure_indep(quick ? 2 : MAX_RUNS))
		return 1;
	fflush(stdout);
	if ((figures & 1u << 6) && (!CHANNELS_EXE[0] || access(CHANNELS_EXE, X_OK) != 0)) {
		fprintf(stderr, "bench_lib: '%s' is missing: run ninja -C build first\n",
		        CHANNELS_EXE);
		return 2;
	}
	if ((figures & 1u << 6) && figure_channels(quick ? 2 : MAX_RUNS))
		return 1;
	fflush(stdout);
	if ((figures & 1u << 7) && !quick && figure_budget())
		return 1;
	fflush(stdout);
	int wrong = 0;
	if (figures & 1u << 8) {
		int heap_rounds = quick ? 3 : HEAP_ROUNDS;
		static heap_fig hf[HEAP_ROUNDS];
		for (int k = 0; k < heap_rounds; k++)
			if (heap_round(k, quick, &hf[k]))
				return 1;
		wrong = print_heap(hf, heap_rounds);
	}
	fflush(stdout);
	if (figures & 1u << 9) {
		static cpu_fig cf[MAX_ROUNDS];
		for (int k = 0; k < rounds; k++)
			if (cpu_round(k, quick, &cf[k]))
				return 1;
		print_cpu(cf, rounds);
	}
	fflush(stdout);
	if ((figures & 1u << 10) && figure_load(quick ? 1 : 3, quick))
		return 1;
	printf("\ntotal time of this program: %.0f s\n", bench_now() - t0);
	return wrong;
}
