/* bench_instr.c - deterministic mode (instruction counts under Valgrind's
 * callgrind) against timing mode, in the same run: run-to-run CV of
 * instructions vs of wall time on the benchmark-library workloads, the
 * slowdown of the mode, and the smallest change each mode detects with
 * `tach compare`.  Every program (tach, lib_suite_tach, tach_testprog) is
 * spawned without a shell; results files are read with
 * tach_result_read_file, `tach compare -f json` with jansson.
 * Printed, never asserted: the machine is shared and noisy.
 */
#include <errno.h>
#include <fcntl.h>
#include <math.h>
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include <jansson.h>

#include "tach/tach.h"
#include "bench_util.h"

#ifndef TACH_EXE
#define TACH_EXE ""
#endif
#ifndef TACH_TESTPROG
#define TACH_TESTPROG ""
#endif
#ifndef TACH_SUITE_EXE
#define TACH_SUITE_EXE ""
#endif

extern char **environ;

#define WORKLOAD_FILTER "^(memcpy_4k|hash64|qsort1k)$"
static const char *const workloads[] = {"memcpy_4k", "hash64", "qsort1k"};
#define N_WORK 3
#define MAX_RUNS 5    /* figure 1: separate runs per mode */
#define MAX_REPEATS 5 /* figure 3: repeats of the timing detection */
#define TIMING_REPS 10
#define SIDE_RUNS 20 /* figure 3: timing runs per side */

static const double det_x[] = {0.001, 0.0025, 0.005, 0.0075, 0.01, 0.02};
#define N_DET (sizeof det_x / sizeof det_x[0])
static const double time_x[] = {0.01, 0.02, 0.05, 0.10};
#define N_TIME (sizeof time_x / sizeof time_x[0])

/* The settings of a full or --quick run. */
typedef struct config {
	int quick;
	int runs;             /* figure 1 */
	long long spin_n;     /* figure 2: steps of the slowdown run */
	double lib_target;    /* figure 2: native seconds of the large iteration count */
	int lib_pairs;        /* figure 2: invocations at each iteration count */
	long long det_n;      /* figure 3: steps of the deterministic detection */
	double run_target;    /* figure 3: native seconds of one timing run */
	int repeats;          /* figure 3: repeats of the timing detection */
} config;

static char tmpdir[64];

static const char *tmp_path(char *buf, size_t size, const char *name)
{
	snprintf(buf, size, "%s/%s", tmpdir, name);
	return buf;
}

static double median_of(const double *x, size_t n)
{
	double m = 0;
	tach_stats_median(x, n, &m);
	return m;
}

/* --------------------------------------------------------------------
 * Running programs and reading what they write.
 */

/* What a program cost: wall time from spawn to reaped, and the CPU time
 * (user + system) of it and the descendants it waited for (wait4).  On a
 * loaded machine the CPU time hardly moves where the wall time does. */
typedef struct cost {
	double wall, cpu;
} cost;

/* Runs argv (a path; no shell) with stdin /dev/null, stdout into *out
 * (caller frees; discarded when out is NULL) and stderr into a temporary
 * file that is shown only when the program fails; its cost into *c when
 * c is not NULL.  An exit status above max_ok is a failure.  Returns the
 * exit status, or -1 after printing what went wrong. */
static int run_program(char *const argv[], int max_ok, char **out, cost *c)
{
	return bench_run_program("bench_instr", argv, max_ok, out, NULL, c ? &c->wall : NULL,
	                         c ? &c->cpu : NULL);
}

static tach_result *read_results(const char *path)
{
	tach_result *res = NULL;
	tach_error err;
	memset(&err, 0, sizeof err);
	if (tach_result_read_file(path, &res, &err) != 0) {
		char msg[512];
		tach_error_format(&err, msg, sizeof msg);
		fprintf(stderr, "bench_instr: %s\n", msg);
		return NULL;
	}
	return res;
}

/* The samples of metric `metric` of benchmark `name`, or NULL after
 * printing what is missing. */
static const tach_metric *find_metric(const tach_result *res, const char *name,
                                      const char *metric, const char *file)
{
	for (size_t i = 0; i < res->n_benchmarks; i++) {
		const tach_benchmark *b = res->benchmarks[i];
		if (strcmp(b->name, name))
			continue;
		const tach_metric *m = tach_benchmark_metric(b, metric);
		if (b->error || !m || !m->n_samples) {
			fprintf(stderr, "bench_instr: %s: '%s' has no %s%s%s\n", file, name, metric,
			        b->error ? ": " : "", b->error ? b->error : "");
			return NULL;
		}
		return m;
	}
	fprintf(stderr, "bench_instr: %s: no benchmark '%s'\n", file, name);
	return NULL;
}

/* One row of `tach compare -f json`: the verdict, the ratio of medians
 * and the base side's CV. */
typedef struct verdict {
	char word[16];
	double ratio, cv_base;
} verdict;

static int parse_compare(const char *text, const char *metric, verdict *v)
{
	json_error_t jerr;
	json_t *root = json_loads(text, 0, &jerr);
	if (!root) {
		fprintf(stderr, "bench_instr: tach compare output:%d:%d: %s\n", jerr.line,
		        jerr.column, jerr.text);
		return 1;
	}
	size_t i;
	json_t *row;
	int found = 0;
	json_array_foreach(json_object_get(root, "rows"), i, row) {
		const char *m = json_string_value(json_object_get(row, "metric"));
		const char *w = json_string_value(json_object_get(row, "verdict"));
		if (!m || strcmp(m, metric) || !w)
			continue;
		snprintf(v->word, sizeof v->word, "%s", w);
		v->ratio = json_number_value(json_object_get(row, "ratio"));
		v->cv_base = json_number_value(json_object_get(row, "cv_base"));
		found = 1;
		break;
	}
	json_decref(root);
	if (!found)
		fprintf(stderr, "bench_instr: tach compare printed no '%s' row\n", metric);
	return !found;
}

/* The command line of tach_testprog --spin n, as tach splits it. */
static void spin_cmd(char *buf, size_t size, long long n)
{
	snprintf(buf, size, "'%s' --spin %lld", TACH_TESTPROG, n);
}

/* --------------------------------------------------------------------
 * Figure 1: run-to-run CV of instructions vs of wall time.
 */

typedef struct fig1 {
	double ins[N_WORK][MAX_RUNS];    /* instructions per iteration, each run */
	double tmed[N_WORK][MAX_RUNS];   /* median s per iteration, each timing run */
	double within[N_WORK][MAX_RUNS]; /* CV of the repetitions, each timing run */
	cost inv_instr[MAX_RUNS], inv_time[MAX_RUNS]; /* the invocations */
	double ins_1000[N_WORK]; /* instructions per iteration at --iterations 1000 */
} fig1;

static int fig1_measure(const config *cf, fig1 *f)
{
	char ipath[128], tpath[128];
	tmp_path(ipath, sizeof ipath, "instr.json");
	tmp_path(tpath, sizeof tpath, "time.json");
	char *instr_argv[] = {TACH_SUITE_EXE, "--filter", WORKLOAD_FILTER, "--instructions",
	                      "--repetitions", "1", "--out", ipath, NULL};
	char *time_argv[] = {TACH_SUITE_EXE, "--filter", WORKLOAD_FILTER, "--repetitions", "10",
	                     "--max-repetitions", "10", "--out", tpath, NULL};
	for (int k = 0; k < cf->runs; k++) {
		/* alternate which mode goes first */
		for (int j = 0; j < 2; j++) {
			int instr = (j + k) % 2 == 0;
			cost *c = instr ? &f->inv_instr[k] : &f->inv_time[k];
			if (run_program(instr ? instr_argv : time_argv, 0, NULL, c) < 0)
				return 1;
			const char *path = instr ? ipath : tpath;
			tach_result *res = read_results(path);
			if (!res)
				return 1;
			for (size_t w = 0; w < N_WORK; w++) {
				const tach_metric *m = find_metric(res, workloads[w],
				                                   instr ? TACH_M_INSTRUCTIONS : TACH_M_TIME,
				                                   instr ? "--instructions run" : "timing run");
				if (!m) {
					tach_result_free(res);
					return 1;
				}
				if (instr) {
					f->ins[w][k] = m->samples[0];
				} else {
					f->tmed[w][k] = median_of(m->samples, m->n_samples);
					f->within[w][k] = tach_stats_cv(m->samples, m->n_samples);
				}
			}
			tach_result_free(res);
		}
	}
	/* once more at 10x the iterations: what of the count is per repetition */
	char *k_argv[] = {TACH_SUITE_EXE, "--filter", WORKLOAD_FILTER, "--instructions",
	                  "--repetitions", "1", "--iterations", "1000", "--out", ipath, NULL};
	if (run_program(k_argv, 0, NULL, NULL) < 0)
		return 1;
	tach_result *res = read_results(ipath);
	for (size_t w = 0; res && w < N_WORK; w++) {
		const tach_metric *m = find_metric(res, workloads[w], TACH_M_INSTRUCTIONS,
		                                   "--iterations 1000 run");
		if (!m) {
			tach_result_free(res);
			return 1;
		}
		f->ins_1000[w] = m->samples[0];
	}
	tach_result_free(res);
	return !res;
}

static void fig1_print(const config *cf, const fig1 *f)
{
	size_t n = (size_t)cf->runs;
	printf("\nfigure 1: run-to-run CV, %d separate runs per mode (lib_suite_tach)\n", cf->runs);
	printf("%-10s %12s %10s  %10s %9s %9s  %8s  %s\n", "workload", "instr/iter", "instr CV",
	       "time/iter", "time CV", "within", "CV ratio", "goal");
	for (size_t w = 0; w < N_WORK; w++) {
		double ci = tach_stats_cv(f->ins[w], n), ct = tach_stats_cv(f->tmed[w], n);
		char ratio[16], goal[64];
		if (ci > 0)
			snprintf(ratio, sizeof ratio, "%.0fx", ct / ci);
		else
			snprintf(ratio, sizeof ratio, "inf");
		if (ct >= 0.01)
			snprintf(goal, sizeof goal, "%s", ci < 1e-4 ? "goal met" : "GOAL MISSED");
		else /* the goal speaks of a noisy machine */
			snprintf(goal, sizeof goal, "%s, but time CV < 1%%",
			         ci < 1e-4 ? "instr CV met" : "GOAL MISSED");
		printf("%-10s %12.2f %9.4f%%  %8.2fns %8.2f%% %8.2f%%  %8s  %s\n", workloads[w],
		       median_of(f->ins[w], n), ci * 100, median_of(f->tmed[w], n) * 1e9, ct * 100,
		       median_of(f->within[w], n) * 100, ratio, goal);
	}
	printf("  goal: instructions CV < 0.01%% where time CV >= 1%%\n"
	       "  per run: instructions per iteration | median time per iteration (ns)\n");
	for (size_t w = 0; w < N_WORK; w++) {
		printf("  %-10s", workloads[w]);
		for (size_t k = 0; k < n; k++)
			printf(" %.2f", f->ins[w][k]);
		printf(" |");
		for (size_t k = 0; k < n; k++)
			printf(" %.2f", f->tmed[w][k] * 1e9);
		printf("\n");
	}
	/* count per iteration = c + h / K: h instructions per repetition */
	printf("  at --iterations 1000:");
	for (size_t w = 0; w < N_WORK; w++)
		printf("%s %s %.3f", w ? ";" : "", workloads[w], f->ins_1000[w]);
	printf("\n  count per iteration = c + h / K for K iterations per repetition: h =");
	for (size_t w = 0; w < N_WORK; w++)
		printf(" %.1f", (f->ins[w][0] - f->ins_1000[w]) / (1.0 / 100 - 1.0 / 1000));
	printf("\n  instructions per repetition (the loop's start and stop), so counts per\n"
	       "  iteration compare only at equal --iterations\n");
}

/* --------------------------------------------------------------------
 * Figure 2: the slowdown of the mode.
 */

#define SPIN_RUNS 3
_Static_assert(SPIN_RUNS == 3, "figure 2a prints three counts");

/* One `tach run [--instructions] -r 1 -n spin "tach_testprog --spin n"`:
 * the invocation's cost, and natively the run's wall and CPU time as tach
 * measured them, under callgrind the run's instructions (tach drops
 * timings in that mode). */
static int spin_once(long long n, int instr, cost *inv, cost *run, double *ins)
{
	char cmd[4200], path[128];
	spin_cmd(cmd, sizeof cmd, n);
	tmp_path(path, sizeof path, "spin.json");
	char *argv[] = {TACH_EXE, "run", "-r", "1", "-n", "spin", "--export-json", path, cmd,
	                instr ? "--instructions" : NULL, NULL};
	if (run_program(argv, 0, NULL, inv) < 0)
		return 1;
	tach_result *res = read_results(path);
	if (!res)
		return 1;
	int bad = 0;
	if (instr) {
		const tach_metric *m = find_metric(res, "spin", TACH_M_INSTRUCTIONS, "tach run");
		bad = !m;
		*ins = m ? m->samples[0] : 0;
	} else {
		const tach_metric *t = find_metric(res, "spin", TACH_M_TIME, "tach run");
		const tach_metric *u = find_metric(res, "spin", TACH_M_USER_TIME, "tach run");
		const tach_metric *y = find_metric(res, "spin", TACH_M_SYSTEM_TIME, "tach run");
		bad = !t || !u || !y;
		if (!bad) {
			run->wall = t->samples[0];
			run->cpu = u->samples[0] + y->samples[0];
		}
	}
	tach_result_free(res);
	return bad;
}

/* The median wall / CPU time of c[0..n), n <= MAX_COSTS. */
#define MAX_COSTS 8
static double med_wall(const cost *c, size_t n)
{
	double x[MAX_COSTS];
	for (size_t i = 0; i < n && i < MAX_COSTS; i++)
		x[i] = c[i].wall;
	return median_of(x, n < MAX_COSTS ? n : MAX_COSTS);
}

static double med_cpu(const cost *c, size_t n)
{
	double x[MAX_COSTS];
	for (size_t i = 0; i < n && i < MAX_COSTS; i++)
		x[i] = c[i].cpu;
	return median_of(x, n < MAX_COSTS ? n : MAX_COSTS);
}

static void print_row(const char *label, cost nat, cost vg, int factor)
{
	printf("%-26s %8.2fms %8.2fms %9.3fs %9.3fs", label, nat.wall * 1e3, nat.cpu * 1e3, vg.wall,
	       vg.cpu);
	if (factor)
		printf(" %7.1fx %7.1fx", vg.wall / nat.wall, vg.cpu / nat.cpu);
	printf("\n");
}

/* Prints figure 2a; *per_step: native CPU seconds per step of
 * tach_testprog --spin, for figure 3. */
static int fig2_spin(const config *cf, double *per_step)
{
	/* [--spin N, --spin 0][invocation] */
	cost nat_inv[2][SPIN_RUNS], nat_run[2][SPIN_RUNS], vg_inv[2][SPIN_RUNS];
	cost own[2 * SPIN_RUNS];
	double ins[2][SPIN_RUNS];
	const long long size[2] = {cf->spin_n, 0};
	for (int k = 0; k < SPIN_RUNS; k++)
		for (int z = 0; z < 2; z++)
			if (spin_once(size[z], 0, &nat_inv[z][k], &nat_run[z][k], NULL) ||
			    spin_once(size[z], 1, &vg_inv[z][k], NULL, &ins[z][k]))
				return 1;
	/* tach's own part of an invocation (start, set-up, writing the file):
	 * natively the invocation's cost minus the run's; it comes off the
	 * callgrind invocations too */
	for (int z = 0; z < 2; z++)
		for (int k = 0; k < SPIN_RUNS; k++) {
			own[z * SPIN_RUNS + k].wall = nat_inv[z][k].wall - nat_run[z][k].wall;
			own[z * SPIN_RUNS + k].cpu = nat_inv[z][k].cpu - nat_run[z][k].cpu;
		}
	cost over = {med_wall(own, 2 * SPIN_RUNS), med_cpu(own, 2 * SPIN_RUNS)};
	cost nat[2], vg[2];
	for (int z = 0; z < 2; z++) {
		nat[z] = (cost){med_wall(nat_run[z], SPIN_RUNS), med_cpu(nat_run[z], SPIN_RUNS)};
		vg[z] = (cost){med_wall(vg_inv[z], SPIN_RUNS) - over.wall,
		               med_cpu(vg_inv[z], SPIN_RUNS) - over.cpu};
	}
	double n = (double)cf->spin_n;
	cost nat_d = {nat[0].wall - nat[1].wall, nat[0].cpu - nat[1].cpu};
	cost vg_d = {vg[0].wall - vg[1].wall, vg[0].cpu - vg[1].cpu};
	/* CPU time: on a loaded machine the wall time of a run would size
	 * figure 3's runs by the load */
	*per_step = nat_d.cpu / n;
	printf("\nfigure 2a: slowdown on tach_testprog --spin N, N = %lld; %d invocations of\n"
	       "tach run -r 1 per mode and size, interleaved; medians\n", cf->spin_n, SPIN_RUNS);
	printf("%-26s %10s %10s %10s %10s %8s %8s\n", "", "native", "native", "callgrind",
	       "callgrind", "factor", "factor");
	printf("%-26s %10s %10s %10s %10s %8s %8s\n", "", "wall", "cpu", "wall", "cpu", "wall",
	       "cpu");
	print_row("one run, --spin N (gross)", nat[0], vg[0], 1);
	print_row("one run, --spin 0 (start)", nat[1], vg[1], 0);
	print_row("N steps: N minus 0 (net)", nat_d, vg_d, 1);
	printf("%-26s %8.3fns %8.3fns %8.2fns %8.2fns\n", "per step", nat_d.wall / n * 1e9,
	       nat_d.cpu / n * 1e9, vg_d.wall / n * 1e9, vg_d.cpu / n * 1e9);
	int same = ins[0][0] == ins[0][1] && ins[0][1] == ins[0][2];
	printf("  gross includes valgrind's start-up, net subtracts it (--spin 0); cpu = user +\n"
	       "  system time.  native: the run as tach measured it; callgrind: tach drops timings\n"
	       "  in that mode, so the invocation's cost (wait4) minus tach's own part, which is\n"
	       "  the native invocations' cost minus their run's (median %.0f ms wall, %.0f ms cpu)\n",
	       over.wall * 1e3, over.cpu * 1e3);
	printf("  instructions of the %d runs of --spin N: %.0f %.0f %.0f (%s); of --spin 0:\n"
	       "  %.0f %.0f %.0f; %.3f instructions per step\n",
	       SPIN_RUNS, ins[0][0], ins[0][1], ins[0][2], same ? "identical" : "NOT identical",
	       ins[1][0], ins[1][1], ins[1][2], (ins[0][0] - ins[1][0]) / n);
	return 0;
}

/* The cost of one `lib_suite_tach --filter ^w$ --instructions
 * --repetitions 1 --iterations k` invocation. */
static int lib_instr_cost(const char *w, long long k, cost *c)
{
	char filter[64], iters[32], path[128];
	snprintf(filter, sizeof filter, "^%s$", w);
	snprintf(iters, sizeof iters, "%lld", k);
	tmp_path(path, sizeof path, "lib.json");
	char *argv[] = {TACH_SUITE_EXE, "--filter", filter, "--instructions", "--repetitions", "1",
	                "--iterations", iters, "--out", path, NULL};
	return run_program(argv, 0, NULL, c) < 0;
}

/* Two significant digits: a readable iteration count. */
static long long round2(double x)
{
	double p = pow(10, floor(log10(x)) - 1);
	return (long long)(round(x / p) * p);
}

static int fig2_lib(const config *cf, const fig1 *f)
{
	size_t n = (size_t)cf->runs, np = (size_t)cf->lib_pairs;
	const long long k1 = 100;
	printf("\nfigure 2b: slowdown of lib_suite_tach --instructions, per workload; %d\n"
	       "invocation%s at each iteration count, alternating%s\n", cf->lib_pairs,
	       cf->lib_pairs > 1 ? "s" : "", cf->lib_pairs > 1 ? ", medians" : "");
	printf("%-10s %10s %8s %12s %12s %8s %8s   %s\n", "workload", "native/it", "K2",
	       "callgrind/it", "(cpu)", "factor", "(cpu)", "wall K1, K2");
	double native_sum = 0;
	for (size_t w = 0; w < N_WORK; w++) {
		double nat = median_of(f->tmed[w], n);
		native_sum += nat;
		long long k2 = round2(fmax(cf->lib_target / nat, 10.0 * (double)k1));
		cost a[MAX_RUNS], b[MAX_RUNS];
		for (size_t k = 0; k < np; k++)
			if (lib_instr_cost(workloads[w], k1, &a[k]) ||
			    lib_instr_cost(workloads[w], k2, &b[k]))
				return 1;
		/* the child runs a warm-up call of K iterations before the one
		 * counted repetition: 2 K iterations execute */
		double per = 2.0 * (double)(k2 - k1);
		double wall1 = med_wall(a, np), wall2 = med_wall(b, np);
		double vg = (wall2 - wall1) / per, vc = (med_cpu(b, np) - med_cpu(a, np)) / per;
		printf("%-10s %8.2fns %8lld %10.1fns %10.1fns %7.1fx %7.1fx   %.2fs, %.2fs\n",
		       workloads[w], nat * 1e9, k2, vg * 1e9, vc * 1e9, vg / nat, vc / nat, wall1,
		       wall2);
	}
	printf("  native/it: figure 1's median time per iteration (timing mode); K1 = %lld\n"
	       "  iterations (the default), K2 sized for about %.0f ms natively; callgrind/it =\n"
	       "  (cost at K2 - cost at K1) / (2 (K2 - K1)), wall and cpu: the child runs a\n"
	       "  warm-up call of K iterations before the one counted repetition, so 2 K execute\n"
	       "  (a counted iteration costs twice this)\n", k1, cf->lib_target * 1e3);
	cost mi = {med_wall(f->inv_instr, n), med_cpu(f->inv_instr, n)};
	cost mt = {med_wall(f->inv_time, n), med_cpu(f->inv_time, n)};
	printf("  whole invocation for the 3 workloads (figure 1's runs, medians): --instructions\n"
	       "  (100 iterations, 1 repetition) %.2f s wall, %.2f s cpu vs timing (10 repetitions\n"
	       "  of ~10 ms) %.2f s wall, %.2f s cpu: %.2fx wall; natively the 3 x 2 x 100\n"
	       "  executed iterations take %.2f ms, so that invocation is fixed cost (valgrind\n"
	       "  start-up, two processes)\n",
	       mi.wall, mi.cpu, mt.wall, mt.cpu, mi.wall / mt.wall, native_sum * 200 * 1e3);
	return 0;
}

/* --------------------------------------------------------------------
 * Figure 3: the smallest change each mode detects.
 */

static int det_run(long long n, const char *name)
{
	char cmd[4200], path[128];
	spin_cmd(cmd, sizeof cmd, n);
	tmp_path(path, sizeof path, name);
	char *argv[] = {TACH_EXE, "run", "--instructions", "-r", "1", "-n", "spin", "--export-json",
	                path, cmd, NULL};
	return run_program(argv, 0, NULL, NULL) < 0;
}

/* Returns the index of the smallest x flagged, N_DET when none. */
static int fig3_det(const config *cf, size_t *smallest)
{
	char base[128], cand[128];
	tmp_path(base, sizeof base, "det_base.json");
	tmp_path(cand, sizeof cand, "det_cand.json");
	if (det_run(cf->det_n, "det_base.json"))
		return 1;
	printf("\nfigure 3a: deterministic mode, one run per side, N = %lld\n", cf->det_n);
	printf("%8s %14s %12s  %s\n", "x", "N (1 + x)", "instr change", "verdict (instructions)");
	*smallest = N_DET;
	for (size_t i = 0; i < N_DET; i++) {
		long long n = llround((double)cf->det_n * (1 + det_x[i]));
		if (det_run(n, "det_cand.json"))
			return 1;
		char *out = NULL;
		char *argv[] = {TACH_EXE, "compare", "--no-config", "-m", TACH_M_INSTRUCTIONS, "-f",
		                "json", base, cand, NULL};
		verdict v;
		if (run_program(argv, 1, &out, NULL) < 0)
			return 1;
		int bad = parse_compare(out, TACH_M_INSTRUCTIONS, &v);
		free(out);
		if (bad)
			return 1;
		if (!strcmp(v.word, "regressed") && *smallest == N_DET)
			*smallest = i;
		printf("%7.2f%% %14lld %11.4f%%  %s\n", det_x[i] * 100, n, (v.ratio - 1) * 100, v.word);
	}
	printf("  instr change: tach's ratio - 1, a little below x because the program's start-up\n"
	       "  instructions do not grow with N; 'regressed' needs more than the threshold\n");
	return 0;
}

/* The smallest x flagged in every repeat, in most, in at least one
 * (N_TIME: none). */
typedef struct smallest {
	size_t all, most, any;
} smallest;

static int fig3_time(const config *cf, long long n, smallest *sm)
{
	verdict v[N_TIME][MAX_REPEATS];
	char base[4200], cand[4200];
	spin_cmd(base, sizeof base, n);
	for (int r = 0; r < cf->repeats; r++) {
		for (size_t i = 0; i < N_TIME; i++) {
			char seed[16], runs[16], *out = NULL;
			snprintf(seed, sizeof seed, "%d", r + 1);
			snprintf(runs, sizeof runs, "%d", SIDE_RUNS);
			spin_cmd(cand, sizeof cand, llround((double)n * (1 + time_x[i])));
			char *argv[] = {TACH_EXE, "compare", "--run", "--no-config", "--min-runs", runs,
			                "--max-runs", runs, "--no-confirm", "--seed", seed, "-m",
			                TACH_M_TIME, "-f", "json", base, cand, NULL};
			if (run_program(argv, 1, &out, NULL) < 0)
				return 1;
			int bad = parse_compare(out, TACH_M_TIME, &v[i][r]);
			free(out);
			if (bad)
				return 1;
		}
	}
	printf("\nfigure 3b: timing mode, %d runs per side interleaved (one tach compare --run),\n"
	       "N = %lld, %d repeat%s\n", SIDE_RUNS, n, cf->repeats, cf->repeats > 1 ? "s" : "");
	printf("%8s %11s %9s %9s  %-8s %s\n", "x", "N (1 + x)", "change", "CV base", "flagged",
	       "verdict per repeat");
	sm->all = sm->most = sm->any = N_TIME;
	for (size_t i = 0; i < N_TIME; i++) {
		double ratio[MAX_REPEATS], cv[MAX_REPEATS];
		int flagged = 0;
		char per[128] = "";
		size_t pl = 0;
		for (int r = 0; r < cf->repeats; r++) {
			ratio[r] = v[i][r].ratio;
			cv[r] = v[i][r].cv_base;
			flagged += !strcmp(v[i][r].word, "regressed");
			pl += (size_t)snprintf(per + pl, sizeof per - pl, "%s%s", r ? " " : "",
			                       v[i][r].word);
		}
		if (flagged == cf->repeats && sm->all == N_TIME)
			sm->all = i;
		if (2 * flagged > cf->repeats && sm->most == N_TIME)
			sm->most = i;
		if (flagged && sm->any == N_TIME)
			sm->any = i;
		char fl[16];
		snprintf(fl, sizeof fl, "%d/%d", flagged, cf->repeats);
		printf("%7.0f%% %11lld %8.2f%% %8.2f%%  %-8s %s\n", time_x[i] * 100,
		       llround((double)n * (1 + time_x[i])), (median_of(ratio, (size_t)cf->repeats) - 1) * 100,
		       median_of(cv, (size_t)cf->repeats) * 100, fl, per);
	}
	printf("  change below x: process start-up (figure 2a, --spin 0) does not grow with N\n");
	return 0;
}

static const char *time_x_text(size_t i, char *buf, size_t size)
{
	if (i < N_TIME)
		snprintf(buf, size, "%.0f%%", time_x[i] * 100);
	else
		snprintf(buf, size, "none up to %.0f%%", time_x[N_TIME - 1] * 100);
	return buf;
}

static void print_smallest(const config *cf, size_t det, const smallest *sm)
{
	char d[32], a[32], m[32], y[32];
	if (det < N_DET)
		snprintf(d, sizeof d, "%.2f%%", det_x[det] * 100);
	else
		snprintf(d, sizeof d, "none up to %.0f%%", det_x[N_DET - 1] * 100);
	printf("\nsmallest change flagged \"regressed\":\n"
	       "  deterministic mode (one run per side): %s\n"
	       "  timing mode (%d runs per side, %d repeat%s):\n"
	       "    in every repeat: %s; in most: %s; in at least one: %s\n",
	       d, SIDE_RUNS, cf->repeats, cf->repeats > 1 ? "s" : "",
	       time_x_text(sm->all, a, sizeof a), time_x_text(sm->most, m, sizeof m),
	       time_x_text(sm->any, y, sizeof y));
	if (det < N_DET && sm->most < N_TIME)
		printf("  ratio timing (most repeats) / deterministic: %.1fx\n",
		       time_x[sm->most] / det_x[det]);
	else
		printf("  ratio timing / deterministic: n/a (%s)\n",
		       det < N_DET ? "timing flagged no x in most repeats" : "deterministic flagged none");
}

/* --------------------------------------------------------------------
 */

static void remove_tmpdir(void)
{
	static const char *const names[] = {"instr.json", "time.json", "spin.json", "lib.json",
	                                    "det_base.json", "det_cand.json", NULL};
	char path[128];
	for (size_t i = 0; names[i]; i++)
		unlink(tmp_path(path, sizeof path, names[i]));
	rmdir(tmpdir);
}

static void print_header(const config *cf, double load)
{
	printf("bench_instr (%s): tach %s\n"
	       "deterministic mode (--instructions, Valgrind's callgrind) against timing mode,\n"
	       "measured in the same run; load average at the start %.2f on %ld CPUs\n",
	       cf->quick ? "quick: fewer runs and repeats, smaller N" : "full", TACH_VERSION_STRING,
	       load, sysconf(_SC_NPROCESSORS_ONLN));
	printf("figure 1: lib_suite_tach's memcpy_4k, hash64, qsort1k, %d separate runs per mode\n"
	       "  (alternating): --instructions --repetitions 1 (100 iterations) gives instructions\n"
	       "  per iteration; --repetitions 10 --max-repetitions 10 gives 10 times per iteration.\n"
	       "  instr CV / time CV: CV over the runs of each run's count / median time; within:\n"
	       "  CV of the 10 repetitions inside one timing run (median over the runs); CV ratio =\n"
	       "  time CV / instr CV (inf when the counts are identical); one more --instructions\n"
	       "  run at --iterations 1000 splits the count into per-iteration and per-repetition\n",
	       cf->runs);
	printf("figure 2: slowdown = time under callgrind / native time of the same work, in wall\n"
	       "  time and in CPU time (user + system; a loaded machine stretches wall time, hardly\n"
	       "  CPU time): 2a on tach_testprog --spin N via tach run (gross, and net of the\n"
	       "  --spin 0 start-up), 2b per benchmark-library iteration (marginal cost of more\n"
	       "  iterations)\n");
	printf("figure 3: smallest change detected, tach compare with default rules (deterministic:\n"
	       "  'regressed' when instructions grow more than the 0.5%% threshold; timing:\n"
	       "  one-sided U test at alpha 0.01 (Holm) and a change of at least --min-effect 1%%);\n"
	       "  x = relative change of --spin N; 3a one tach run --instructions -r 1 per side;\n"
	       "  3b %d timing runs per side, interleaved in one tach compare --run --min-runs %d\n"
	       "  --max-runs %d --no-confirm, N sized for ~%.0f ms of CPU per run natively;\n"
	       "  change = median over the repeats of tach's ratio of medians - 1; CV base = the\n"
	       "  base side's CV\n",
	       SIDE_RUNS, SIDE_RUNS, SIDE_RUNS, cf->run_target * 1e3);
	fflush(stdout);
}

int main(int argc, char **argv)
{
	config cf = {.quick = 0, .runs = 5, .spin_n = 50000000, .lib_target = 0.005, .lib_pairs = 3,
	             .det_n = 50000000, .run_target = 0.075, .repeats = 5};
	for (int i = 1; i < argc; i++) {
		if (!strcmp(argv[i], "--quick")) {
			cf = (config){.quick = 1, .runs = 3, .spin_n = 10000000, .lib_target = 0.002,
			              .lib_pairs = 1,
			              .det_n = 10000000, .run_target = 0.03, .repeats = 1};
		} else if (!strcmp(argv[i], "--help") || !strcmp(argv[i], "-h")) {
			printf("usage: %s [--quick]\n\n"
			       "Deterministic mode (instruction counts under Valgrind) against timing\n"
			       "mode: run-to-run CV, slowdown, smallest detected change (about 2-3\n"
			       "minutes; --quick: fewer runs, smaller N, under a minute).\n", argv[0]);
			return 0;
		} else {
			fprintf(stderr, "bench_instr: unknown option '%s'\n", argv[i]);
			return 2;
		}
	}
	if (access(TACH_EXE, X_OK) || access(TACH_TESTPROG, X_OK) || access(TACH_SUITE_EXE, X_OK)) {
		fprintf(stderr, "bench_instr: '%s', '%s' or '%s' is missing: run ninja -C build first\n",
		        TACH_EXE, TACH_TESTPROG, TACH_SUITE_EXE);
		return 2;
	}
	snprintf(tmpdir, sizeof tmpdir, "/tmp/bench_instr-XXXXXX");
	if (!mkdtemp(tmpdir)) {
		fprintf(stderr, "bench_instr: cannot make a temporary directory: %s\n", strerror(errno));
		return 1;
	}
	double t0 = bench_now(), load0 = 0;
	getloadavg(&load0, 1);
	print_header(&cf, load0);
	static fig1 f1;
	double per_step = 0;
	size_t det = N_DET;
	smallest sm = {N_TIME, N_TIME, N_TIME};
	int rc = fig1_measure(&cf, &f1);
	if (!rc) {
		fig1_print(&cf, &f1);
		fflush(stdout);
		rc = fig2_spin(&cf, &per_step) || fig2_lib(&cf, &f1);
		fflush(stdout);
	}
	if (!rc)
		rc = fig3_det(&cf, &det);
	if (!rc) {
		fflush(stdout);
		/* a run of ~run_target natively, in whole millions of steps */
		double steps = per_step > 0 ? cf.run_target / per_step : 2e8;
		long long n = llround(fmin(fmax(steps, 1e7), 2e9) / 1e6) * 1000000;
		rc = fig3_time(&cf, n, &sm);
	}
	if (!rc)
		print_smallest(&cf, det, &sm);
	remove_tmpdir();
	if (rc)
		return 1;
	double load[3] = {0, 0, 0};
	getloadavg(load, 3);
	printf("\ntotal time of this program: %.0f s; load average at the end %.2f\n",
	       bench_now() - t0, load[0]);
	return 0;
}
