/* main.c - the command line every benchmark binary gets from TACH_MAIN()
 * (libtach_main): select, run, print a table, write results.
 *
 * The one documented place where the benchmark library prints: the table
 * on stdout, a progress line on a terminal's stderr, warnings on stderr.
 * Exit status: 0, 1 when a benchmark failed, 2 for usage errors.
 */
#include <errno.h>
#include <signal.h>
#include <math.h>
#include <regex.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "tach/bench.h"
#include "tach/clock.h"
#include "tach/counters.h"
#include "tach/report.h"
#include "tach/result.h"
#include "tach/sim.h"
#include "tach/stats.h"
#include "tach/system.h"
#include "tach/units.h"
#include "bench/alloc_pass.h"
#include "bench/instructions.h"

static const char usage[] =
	"usage: %s [OPTIONS]\n\n"
	"Runs the benchmarks of this program and prints time per iteration and more.\n\n"
	"options:\n"
	"  --filter REGEX      run only benchmarks whose full name matches (POSIX ERE);\n"
	"                      a filter that matches none is an error\n"
	"  --list              print the names of the benchmarks and exit\n"
	"  --min-time TIME     time of one repetition (default 10ms; 500ms, 0.1, ...)\n"
	"  --repetitions N     at least N repetitions (samples), default 10; more, up to\n"
	"                      30, until the median is stable\n"
	"  --max-repetitions N at most N repetitions (not below --repetitions; below\n"
	"                      the default 10 alone, it lowers the minimum too)\n"
	"  --max-time TIME     wall-clock budget of each benchmark (default 5s; 0: none):\n"
	"                      calibration and repetitions stop at it, with a note\n"
	"  --warmup N          untimed repetitions before the samples (default 1)\n"
	"  --threads LIST      run every benchmark with these thread counts: numbers,\n"
	"                      nproc (the online CPUs), LO..HI (LO, powers of 2 between,\n"
	"                      HI), e.g. 1,2,4 or 1..nproc\n"
	"  --format FMT        text (default), json (tach results format) or csv\n"
	"  --out FILE          also write the results file (tach results format) to FILE\n"
	"  --label KEY=VALUE   a label stored with the results\n"
	"  --testbed NAME      the testbed (machine) name stored with the results\n"
	"                      (default: derived from host, CPU model and cores)\n"
	"  --counters-tabular  print each custom metric (and throughput) in a column of\n"
	"                      its own instead of name-value pairs in the last column\n"
	"  --no-alloc          skip counting allocations per iteration (a separate\n"
	"                      process, after the timed runs)\n"
	"  --latency           time every iteration (percentiles; adds a clock read each)\n"
	"  --seed N            the seed tach_seed() gives the benchmarks (default 1)\n"
	"  --counters LIST     perf events per iteration in an extra pass, e.g.\n"
	"                      instructions,cycles,branch-misses,cache-misses,task-clock\n"
	"  --instructions      deterministic mode: count instructions, cache misses and\n"
	"                      estimated cycles per iteration under Valgrind's callgrind\n"
	"                      (no timing; see docs/deterministic.md)\n"
	"  --iterations N      --instructions: iterations per repetition (default 100)\n"
	"  --cpus LIST         run on these CPUs only (0,2-3): the process is pinned to\n"
	"                      them and thread t of a benchmark to the (t mod n)-th\n"
	"                      one; kept as \"cpus\" in the results' context\n"
	"  --rate LIST         load benchmarks: these rates in calls per second instead\n"
	"                      of their own, e.g. 1000 or 500,1000,2000\n"
	"  --duration TIME     load benchmarks: the measured window at each rate\n"
	"                      (default: the benchmark's own, else 1s)\n"
	"  --load-warmup TIME  load benchmarks: calls at the rate before the window,\n"
	"                      not measured (0: none)\n"
	"  --arrivals KIND     load benchmarks: constant (call k at k/rate) or poisson\n"
	"                      (random gaps of mean 1/rate, from --seed)\n"
	"  --help              this text\n";

typedef struct cli {
	tach_bench_run_opts o;
	int list, format; /* 0 text, 1 json, 2 csv */
	int no_alloc;
	int tabular; /* --counters-tabular (issue 19 item 6) */
	tach_counter_set *counters;
	const char *out;
	const char *testbed; /* --testbed: NULL, the derived name */
	tach_kvlist labels;
	int threads[3 * 64 + 1]; /* a range takes 3 (TACH_THREAD_RANGE_ITEMS) */
	tach_cpus cpus;
	double rates[65]; /* --rate: at most 64, 0-terminated */
} cli;

static int bad(const char *prog, const char *opt, const char *val, const char *why)
{
	fprintf(stderr, "%s: invalid value '%s' for %s: %s\n", prog, val, opt, why);
	return 2;
}

static int parse_count(const char *prog, const char *opt, const char *v, size_t *out)
{
	char *end;
	errno = 0;
	unsigned long long n = strtoull(v, &end, 10);
	if (!*v || *end || errno || *v == '-')
		return bad(prog, opt, v, "expected a whole number");
	*out = (size_t)n;
	return 0;
}

/* One thread count of --threads: 1..256 or "nproc" (TACH_NPROC). */
static int thread_count(const char *t, size_t len, int *out)
{
	if (len == 5 && !strncmp(t, "nproc", 5)) {
		*out = TACH_NPROC;
		return 0;
	}
	char buf[16], *end;
	if (!len || len >= sizeof buf)
		return -1;
	memcpy(buf, t, len);
	buf[len] = '\0';
	long k = strtol(buf, &end, 10);
	if (*end || k < 1 || k > 256)
		return -1;
	*out = (int)k;
	return 0;
}

/* --threads LIST: counts, "nproc" and LO..HI ranges (issue 19 item 4),
 * into the library's thread list, every entry as a range triple
 * (TACH_THREAD_RANGE_ITEMS; a single count N is N..N), 0-terminated, at
 * most 64 entries.  The library expands nproc and the ranges. */
static int parse_threads(const char *v, int *out)
{
	size_t n = 0;
	long ncpu = sysconf(_SC_NPROCESSORS_ONLN);
	while (*v && n < 64) {
		size_t len = strcspn(v, ",");
		const char *dots = strstr(v, "..");
		size_t a = dots && (size_t)(dots - v) < len ? (size_t)(dots - v) : len;
		int lo, hi;
		if (thread_count(v, a, &lo) ||
		    (a < len ? thread_count(dots + 2, len - a - 2, &hi) : (hi = lo, 0)))
			return -1;
		if ((hi == TACH_NPROC ? ncpu : hi) < (lo == TACH_NPROC ? ncpu : lo))
			return -1;
		out[n * 3] = TACH_THREADS_RANGE_;
		out[n * 3 + 1] = lo;
		out[n * 3 + 2] = hi;
		n++;
		v += len;
		if (*v == ',' && !*++v)
			return -1; /* a trailing comma */
	}
	out[n * 3] = 0;
	return n && !*v ? 0 : -1;
}

/* --rate LIST: positive numbers, comma-separated, at most 64. */
static int parse_rates(const char *v, double *out)
{
	size_t n = 0;
	while (*v && n < 64) {
		char *end;
		errno = 0;
		double r = strtod(v, &end);
		if (end == v || errno || !(r > 0) || r > 1e12 || (*end && *end != ','))
			return -1;
		out[n++] = r;
		v = end;
		if (*v == ',' && !*++v)
			return -1; /* a trailing comma */
	}
	out[n] = 0;
	return n && !*v ? 0 : -1;
}

static int parse_args(cli *c, int argc, char **argv)
{
	const char *prog = argv[0];
	for (int i = 1; i < argc; i++) {
		char *a = argv[i], *v = NULL;
		char name[64];
		snprintf(name, sizeof name, "%s", a);
		char *eq = strchr(name, '=');
		if (eq) {
			*eq = '\0';
			v = a + (eq - name) + 1;
		}
		int flag = !strcmp(name, "--list") || !strcmp(name, "--help") || !strcmp(name, "-h") ||
		           !strcmp(name, "--no-alloc") || !strcmp(name, "--latency") ||
		           !strcmp(name, "--instructions") || !strcmp(name, "--counters-tabular");
		if (!flag && !v) {
			if (i + 1 >= argc) {
				fprintf(stderr, "%s: option '%s' needs a value\n", prog, name);
				return 2;
			}
			v = argv[++i];
		}
		int rc = 0;
		if (!strcmp(name, "--help") || !strcmp(name, "-h")) {
			printf(usage, prog);
			return -1;
		} else if (!strcmp(name, "--list")) {
			c->list = 1;
		} else if (!strcmp(name, "--no-alloc")) {
			c->no_alloc = 1;
		} else if (!strcmp(name, "--counters-tabular")) {
			c->tabular = 1;
		} else if (!strcmp(name, "--latency")) {
			c->o.latency = 1;
		} else if (!strcmp(name, "--instructions")) {
			c->o.instructions = 1;
		} else if (!strcmp(name, "--iterations")) {
			size_t it;
			rc = parse_count(prog, name, v, &it);
			if (!rc && !it)
				rc = bad(prog, name, v, "expected at least 1");
			c->o.fixed_iterations = it;
		} else if (!strcmp(name, "--seed")) {
			size_t seed;
			rc = parse_count(prog, name, v, &seed);
			c->o.seed = seed;
		} else if (!strcmp(name, "--filter")) {
			c->o.filter = v;
		} else if (!strcmp(name, "--min-time")) {
			if (tach_parse_duration(v, &c->o.min_time) || c->o.min_time <= 0)
				rc = bad(prog, name, v, "expected a positive duration such as 10ms");
		} else if (!strcmp(name, "--max-time")) {
			if (tach_parse_duration(v, &c->o.max_time) || c->o.max_time < 0)
				rc = bad(prog, name, v, "expected a duration such as 5s, or 0 for none");
			else if (c->o.max_time == 0)
				c->o.max_time = -1; /* the library's 0 is the default */
		} else if (!strcmp(name, "--repetitions") || !strcmp(name, "--max-repetitions")) {
			/* the library reads 0 as "the default": refuse it here */
			size_t *to = name[2] == 'r' ? &c->o.repetitions : &c->o.max_repetitions;
			rc = parse_count(prog, name, v, to);
			if (!rc && !*to)
				rc = bad(prog, name, v, "expected at least 1");
		} else if (!strcmp(name, "--warmup")) {
			rc = parse_count(prog, name, v, &c->o.warmup);
			if (!rc && !c->o.warmup) /* the library's 0 is its default */
				c->o.warmup = TACH_BENCH_NO_WARMUP;
		} else if (!strcmp(name, "--threads")) {
			if (parse_threads(v, c->threads))
				rc = bad(prog, name, v, "expected thread counts from 1 to 256, nproc or "
				                        "ranges LO..HI, e.g. 1,2,4 or 1..nproc");
			c->o.threads = c->threads;
		} else if (!strcmp(name, "--rate")) {
			if (parse_rates(v, c->rates))
				rc = bad(prog, name, v, "expected calls per second above 0, up to 64 "
				                        "comma-separated, e.g. 500,1000");
			c->o.rates = c->rates;
		} else if (!strcmp(name, "--duration")) {
			if (tach_parse_duration(v, &c->o.load_duration) || c->o.load_duration <= 0)
				rc = bad(prog, name, v, "expected a positive duration such as 2s");
		} else if (!strcmp(name, "--load-warmup")) {
			if (tach_parse_duration(v, &c->o.load_warmup) || c->o.load_warmup < 0)
				rc = bad(prog, name, v, "expected a duration such as 500ms, or 0 for none");
			else if (c->o.load_warmup == 0)
				c->o.load_warmup = -1; /* the library's 0 is the benchmark's own */
		} else if (!strcmp(name, "--arrivals")) {
			c->o.set_arrivals = 1;
			if (!strcmp(v, "constant"))
				c->o.arrivals = TACH_ARRIVALS_CONSTANT;
			else if (!strcmp(v, "poisson"))
				c->o.arrivals = TACH_ARRIVALS_POISSON;
			else
				rc = bad(prog, name, v, "use constant or poisson");
		} else if (!strcmp(name, "--format")) {
			c->format = !strcmp(v, "text") ? 0 : !strcmp(v, "json") ? 1 : !strcmp(v, "csv") ? 2 : -1;
			if (c->format < 0)
				rc = bad(prog, name, v, "use text, json or csv");
		} else if (!strcmp(name, "--counters")) {
			tach_error e;
			tach_counters_free(c->counters);
			c->counters = NULL;
			if (tach_counters_parse(v, &c->counters, &e))
				rc = bad(prog, name, v, e.message);
		} else if (!strcmp(name, "--cpus")) {
			tach_error e;
			memset(&e, 0, sizeof e);
			if (tach_cpus_parse(v, &c->cpus, &e) || tach_cpus_check(NULL, &c->cpus, &e))
				rc = bad(prog, name, v, e.message);
			c->o.cpus = &c->cpus;
		} else if (!strcmp(name, "--out")) {
			c->out = v;
		} else if (!strcmp(name, "--testbed")) {
			c->testbed = v;
			if (!tach_testbed_name_valid(v))
				rc = bad(prog, name, v, "a testbed name is 1 to 64 of A-Z a-z 0-9 . _ + -, "
				         "not starting with '.' or '-'");
		} else if (!strcmp(name, "--label")) {
			char *e2 = strchr(v, '=');
			if (!e2 || e2 == v) {
				rc = bad(prog, name, v, "expected KEY=VALUE");
			} else {
				char key[256];
				snprintf(key, sizeof key, "%.*s", (int)(e2 - v), v);
				tach_kvlist_set(&c->labels, key, e2 + 1);
			}
		} else {
			fprintf(stderr, "%s: unknown option '%s'\ntry '%s --help'\n", prog, a, prog);
			return 2;
		}
		if (rc)
			return rc;
	}
	/* the library would raise the maximum to the minimum: an explicit
	 * minimum above it is an error, the default one (10) gives way */
	if (c->o.repetitions && c->o.max_repetitions && c->o.max_repetitions < c->o.repetitions) {
		fprintf(stderr, "%s: --max-repetitions %zu is below --repetitions %zu\n", prog,
		        c->o.max_repetitions, c->o.repetitions);
		return 2;
	}
	if (!c->o.repetitions && !c->o.instructions && c->o.max_repetitions &&
	    c->o.max_repetitions < TACH_BENCH_DEFAULT_REPETITIONS)
		c->o.repetitions = c->o.max_repetitions;
	return 0;
}

/* A --filter that selects nothing would write an empty results file that
 * every later step takes for a suite without benchmarks: an error.  2
 * after printing, or 0. */
static int check_filter(const char *prog, const char *filter, const tach_bench_run_opts *o)
{
	regex_t re;
	int e = regcomp(&re, filter, REG_EXTENDED | REG_NOSUB);
	if (e) {
		char msg[200];
		regerror(e, &re, msg, sizeof msg);
		fprintf(stderr, "%s: invalid value '%s' for --filter: %s\n", prog, filter, msg);
		return 2;
	}
	regfree(&re);
	if (!tach_bench_list_load(filter, o->threads, o->rates, 0)) {
		fprintf(stderr, "%s: no benchmark matches --filter '%s' (--list shows the names)\n",
		        prog, filter);
		return 2;
	}
	return 0;
}

static void progress(void *ctx, size_t done, size_t total, const char *name)
{
	(void)ctx;
	fprintf(stderr, "\r\x1b[K  [%zu/%zu] %s", done, total, name);
	if (done == total)
		fputs("\r\x1b[K", stderr);
	fflush(stderr);
}

static void fmt(char *buf, size_t size, const char *unit, double v)
{
	/* seconds per something (an inverted rate, "s/packet") scale as s */
	int per = !strncmp(unit, "s/", 2);
	tach_scale sc = tach_scale_for(per ? "s" : unit, v, 0);
	char num[32];
	tach_format_scaled(num, sizeof num, v, sc);
	snprintf(buf, size, "%s %s%s%s", num, sc.prefix, sc.unit, per ? unit + 1 : "");
}

/* Prints s right-aligned in `width` columns: printf's width counts bytes,
 * and "µs" has one character of two bytes. */
static void print_right(const char *s, int width)
{
	int chars = 0;
	for (const char *p = s; *p; p++)
		chars += ((unsigned char)*p & 0xc0) != 0x80;
	printf("%*s%s", width > chars ? width - chars : 0, "", s);
}

/* The median of a metric, formatted with its unit; "-" without one. */
static void fmt_median(char *buf, size_t size, const tach_metric *m)
{
	double med;
	if (!m || !m->n_samples || tach_stats_median(m->samples, m->n_samples, &med)) {
		snprintf(buf, size, "-");
		return;
	}
	fmt(buf, size, m->unit, med);
}

/* The metrics shown in the last column(s): all but time and cpu_time. */
static int extra_metric(const tach_metric *m)
{
	return strcmp(m->name, TACH_M_TIME) && strcmp(m->name, TACH_M_CPU_TIME);
}

/* --counters-tabular (issue 19 item 6): the names of the extra metrics
 * of every benchmark, in order of first appearance (at most max). */
static size_t column_names(const tach_result *r, const char **names, size_t max)
{
	size_t n = 0;
	for (size_t i = 0; i < r->n_benchmarks; i++)
		for (size_t k = 0; k < r->benchmarks[i]->n_metrics; k++) {
			const tach_metric *m = r->benchmarks[i]->metrics[k];
			size_t j = 0;
			while (j < n && strcmp(names[j], m->name))
				j++;
			if (j == n && n < max && extra_metric(m))
				names[n++] = m->name;
		}
	return n;
}

/* A load benchmark's results (issue 21 item 3) carry achieved_rate and
 * no time: they have a table of their own. */
static int is_load(const tach_benchmark *b)
{
	return tach_kvlist_get(&b->params, "rate") != NULL;
}

/* The single sample of a load metric, formatted; "-" without one. */
static void fmt_load(char *buf, size_t size, const tach_benchmark *b, const char *name)
{
	fmt_median(buf, size, tach_benchmark_metric(b, name));
}

/* Load benchmarks: set and achieved rate, latency from the scheduled
 * start and service time from the actual start (percentiles of every
 * call of the window), late starts, peak in flight, failures. */
static void print_load_table(const tach_result *r)
{
	size_t w = 9, n = 0;
	for (size_t i = 0; i < r->n_benchmarks; i++)
		if (is_load(r->benchmarks[i])) {
			n++;
			if (strlen(r->benchmarks[i]->name) > w)
				w = strlen(r->benchmarks[i]->name);
		}
	if (!n)
		return;
	if (n < r->n_benchmarks)
		printf("\n"); /* after print_table's */
	static const char *const col[] = {"achieved_rate", "latency_p50", "latency_p99",
	                                  "latency_max", "service_time_p50", "service_time_p99",
	                                  "late_starts", "peak_in_flight", "failures"};
	static const char *const head[] = {"achieved", "lat p50", "lat p99", "lat max",
	                                   "svc p50", "svc p99", "late", "peak", "failed"};
	static const int cw[] = {11, 10, 10, 10, 10, 10, 7, 5, 7};
	printf("%-*s", (int)w, "open loop");
	for (size_t k = 0; k < sizeof col / sizeof *col; k++)
		printf("  %*s", cw[k], head[k]);
	printf("\n");
	for (size_t i = 0; i < r->n_benchmarks; i++) {
		const tach_benchmark *b = r->benchmarks[i];
		if (!is_load(b))
			continue;
		printf("%-*s", (int)w, b->name);
		if (b->error || b->skipped) {
			printf("  %s: %s\n", b->error ? "error" : "skipped",
			       b->error ? b->error : b->skipped);
			continue;
		}
		char v[64];
		for (size_t k = 0; k < sizeof col / sizeof *col; k++) {
			fmt_load(v, sizeof v, b, col[k]);
			printf("  ");
			print_right(v, cw[k]);
		}
		printf("\n");
	}
	printf("latency: from each call's scheduled start to its end; svc (service time): from\n"
	       "its actual start; late: starts more than %g ms after their schedule\n",
	       TACH_LOAD_LATE * 1e3);
}

/* name, time/op and cpu/op (medians), +- CV, iterations, then throughput
 * and custom metrics: name-value pairs, or with `tabular` one column
 * each, headed by the metric's name ("-" where a benchmark has none). */
static void print_table(const tach_result *r, int tabular)
{
	size_t closed = 0;
	for (size_t i = 0; i < r->n_benchmarks; i++)
		closed += !is_load(r->benchmarks[i]);
	if (!closed && r->n_benchmarks)
		return; /* only load benchmarks: print_load_table */
	size_t w = 9;
	for (size_t i = 0; i < r->n_benchmarks; i++)
		if (strlen(r->benchmarks[i]->name) > w)
			w = strlen(r->benchmarks[i]->name);
	const char *cols[32];
	size_t n_cols = tabular ? column_names(r, cols, 32) : 0;
	int width[32];
	char v[64];
	for (size_t j = 0; j < n_cols; j++) {
		width[j] = (int)strlen(cols[j]);
		for (size_t i = 0; i < r->n_benchmarks; i++) {
			fmt_median(v, sizeof v, tach_benchmark_metric(r->benchmarks[i], cols[j]));
			if ((int)strlen(v) > width[j])
				width[j] = (int)strlen(v);
		}
	}
	printf("%-*s  %10s  %10s  %7s  %12s", (int)w, "benchmark", "time/op", "cpu/op", "CV",
	       "iterations");
	if (!tabular)
		printf("  throughput and metrics");
	for (size_t j = 0; j < n_cols; j++)
		printf("  %*s", width[j], cols[j]);
	printf("\n");
	for (size_t i = 0; i < r->n_benchmarks; i++) {
		const tach_benchmark *b = r->benchmarks[i];
		if (is_load(b))
			continue; /* print_load_table */
		printf("%-*s  ", (int)w, b->name);
		if (b->error) {
			printf("error: %s\n", b->error);
			continue;
		}
		const tach_metric *t = tach_benchmark_metric(b, TACH_M_TIME);
		if (!t) {
			printf("%s%s\n", b->skipped ? "skipped: " : "no samples",
			       b->skipped ? b->skipped : "");
			continue;
		}
		tach_summary s;
		tach_stats_summarize(t->samples, t->n_samples, &s);
		char tm[48], cpu[48], extra[512] = "";
		fmt(tm, sizeof tm, "s", s.median);
		fmt_median(cpu, sizeof cpu, tach_benchmark_metric(b, TACH_M_CPU_TIME));
		size_t len = 0;
		for (size_t k = 0; !tabular && k < b->n_metrics; k++) {
			const tach_metric *m = b->metrics[k];
			if (!extra_metric(m))
				continue;
			fmt_median(v, sizeof v, m);
			len += (size_t)snprintf(extra + len, len < sizeof extra ? sizeof extra - len : 0,
			                        "%s%s %s", len ? "  " : "", m->name, v);
			if (len >= sizeof extra)
				break;
		}
		int unstable = s.cv > 0.05 || s.n < 5;
		print_right(tm, 10);
		printf("  ");
		print_right(cpu, 10);
		printf("  %6.1f%%%s %12llu", s.cv * 100, unstable ? "!" : " ",
		       (unsigned long long)(t->iterations ? t->iterations[0] : 0));
		if (!tabular)
			printf("  %s", extra);
		for (size_t j = 0; j < n_cols; j++) {
			fmt_median(v, sizeof v, tach_benchmark_metric(b, cols[j]));
			printf("  ");
			print_right(v, width[j]);
		}
		printf("\n");
	}
}

/* The benchmarks alloc_pass.c found leaking (context key "leaking"), in
 * the summary as well as in its warnings. */
static void print_leaks(const tach_result *r)
{
	const char *list = tach_kvlist_get(&r->meta.context, "leaking");
	if (!list)
		return;
	printf("\nleaking (net heap growth above %g B per iteration): %s\n",
	       TACH_BENCH_LEAK_TOLERANCE, list);
}

/* Deterministic mode: counts per iteration, exact, no spread to show. */
static void print_instr_table(const tach_result *r)
{
	size_t w = 9;
	for (size_t i = 0; i < r->n_benchmarks; i++)
		if (strlen(r->benchmarks[i]->name) > w)
			w = strlen(r->benchmarks[i]->name);
	printf("%-*s  %14s  %12s  %12s  %14s\n", (int)w, "benchmark", "instructions", "L1 misses",
	       "LL misses", "est. cycles");
	for (size_t i = 0; i < r->n_benchmarks; i++) {
		const tach_benchmark *b = r->benchmarks[i];
		printf("%-*s  ", (int)w, b->name);
		if (b->error || b->skipped) {
			printf("%s: %s\n", b->error ? "error" : "skipped", b->error ? b->error : b->skipped);
			continue;
		}
		const char *names[] = {TACH_M_INSTRUCTIONS, TACH_M_L1_MISSES, TACH_M_LL_MISSES,
		                       TACH_M_EST_CYCLES};
		const int widths[] = {14, 12, 12, 14};
		for (size_t k = 0; k < 4; k++) {
			const tach_metric *m = tach_benchmark_metric(b, names[k]);
			double med = 0;
			if (m && m->n_samples)
				tach_stats_median(m->samples, m->n_samples, &med);
			printf("%*.*f%s", widths[k], med < 100 ? 2 : 1, med, k < 3 ? "  " : "\n");
		}
	}
	printf("\nper iteration; instructions and simulated cache misses are deterministic: "
	       "compare them with a threshold, not a test\n");
}

/* The clock's own cost beside latency figures, and the throughput of
 * each multi-thread benchmark against its 1-thread run. */
static void print_notes(const tach_result *r)
{
	int latency = 0;
	for (size_t i = 0; i < r->n_benchmarks; i++)
		latency |= !is_load(r->benchmarks[i]) &&
		           tach_benchmark_metric(r->benchmarks[i], TACH_M_LATENCY_P50) != NULL;
	if (latency) {
		const tach_clock_info *ci = tach_clock_get();
		printf("\nlatency figures include one reading of the timer per iteration "
		       "(%s, %.1f ns each)\n", ci->source, ci->overhead * 1e9);
	}
	int header = 0;
	for (size_t i = 0; i < r->n_benchmarks; i++) {
		const tach_benchmark *b = r->benchmarks[i];
		const tach_metric *e = tach_benchmark_metric(b, "scaling_efficiency");
		const char *th = tach_kvlist_get(&b->params, "threads");
		if (!th || is_load(b))
			continue;
		if (!header) {
			printf("\nscaling: iterations/s of all threads; efficiency = throughput_N / (N x throughput_1)\n");
			header = 1;
		}
		const tach_metric *t = tach_benchmark_metric(b, TACH_M_TIME);
		double med = 0;
		if (t)
			tach_stats_median(t->samples, t->n_samples, &med);
		char thr[48] = "-";
		if (med > 0) {
			double ops = atof(th) / med;
			tach_scale sc = tach_scale_for("/s", ops, 0);
			char num[32];
			tach_format_scaled(num, sizeof num, ops, sc);
			snprintf(thr, sizeof thr, "%s %s", num, sc.unit);
		}
		char eff[32] = "(the baseline)";
		if (e && e->n_samples)
			snprintf(eff, sizeof eff, "efficiency %.1f %%", e->samples[0]);
		else if (strcmp(th, "1"))
			snprintf(eff, sizeof eff, "-");
		printf("  %-40s %12s  %s\n", b->name, thr, eff);
	}
}

/* The benchmarks whose wall-clock budget cut calibration or repetitions
 * (the library lists them in the context, "name: what; ..."). */
static void note_budget(const char *prog, const tach_result *r)
{
	const char *list = tach_kvlist_get(&r->meta.context, "max_time_reached");
	while (list && *list) {
		size_t n = strcspn(list, ";");
		fprintf(stderr, "%s: note: %.*s (--max-time)\n", prog, (int)n, list);
		list += n;
		list += strspn(list, "; ");
	}
}

static void warn_unstable(const char *prog, const tach_result *r)
{
	for (size_t i = 0; i < r->n_benchmarks; i++) {
		const tach_metric *t = tach_benchmark_metric(r->benchmarks[i], TACH_M_TIME);
		if (!t)
			continue;
		double cv = tach_stats_cv(t->samples, t->n_samples);
		if (cv > 0.05)
			fprintf(stderr, "%s: warning: '%s' is unstable (CV %.1f%% > 5%%)\n", prog,
			        r->benchmarks[i]->name, cv * 100);
	}
}

/* Conditions that make timings unrepresentative, said once on stderr and
 * kept in the results' context. */
static void check_machine(const char *prog, tach_result *r)
{
	char buf[128] = "";
	FILE *f = fopen("/sys/devices/system/cpu/cpu0/cpufreq/scaling_governor", "r");
	if (f) {
		if (fgets(buf, sizeof buf, f)) {
			buf[strcspn(buf, "\n")] = '\0';
			tach_kvlist_set(&r->meta.context, "cpu_governor", buf);
			if (strcmp(buf, "performance"))
				fprintf(stderr, "%s: warning: CPU frequency governor is '%s', not "
				                "'performance'; times may drift with the clock speed\n",
				        prog, buf);
		}
		fclose(f);
	}
	double load;
	long ncpu = sysconf(_SC_NPROCESSORS_ONLN);
	f = fopen("/proc/loadavg", "r");
	if (f) {
		if (fscanf(f, "%lf", &load) == 1) {
			snprintf(buf, sizeof buf, "%.2f", load);
			tach_kvlist_set(&r->meta.context, "load_1min", buf);
			if (ncpu > 0 && load > 0.5 * (double)ncpu)
				fprintf(stderr, "%s: warning: the machine is busy (load %.2f on %ld CPUs); "
				                "expect noise\n", prog, load, ncpu);
		}
		fclose(f);
	}
}

/* A file-size limit must end in "File too large", not a silent death with
 * a half-written --out (a handler, unlike SIG_IGN, is not inherited by
 * programs a benchmark runs). */
static void on_xfsz(int sig)
{
	(void)sig;
}

int tach_main_impl(int argc, char **argv, int optimized)
{
	const char *prog = argc > 0 ? argv[0] : "bench";
	struct sigaction xfsz;
	memset(&xfsz, 0, sizeof xfsz);
	xfsz.sa_handler = on_xfsz;
	sigaction(SIGXFSZ, &xfsz, NULL);
	cli c;
	memset(&c, 0, sizeof c);
	int rc = parse_args(&c, argc, argv);
	const char *testbed = getenv("TACH_TESTBED");
	if (!rc && testbed && *testbed && !tach_testbed_name_valid(testbed))
		rc = bad(prog, "TACH_TESTBED", testbed, "a testbed name is 1 to 64 of A-Z a-z 0-9 . _ "
		         "+ -, not starting with '.' or '-'");
	if (!rc && c.o.filter)
		rc = check_filter(prog, c.o.filter, &c.o);
	if (rc) {
		tach_kvlist_release(&c.labels);
		return rc < 0 ? 0 : rc;
	}
	/* the counting process of alloc_pass.c: same options, no timing */
	rc = tach__alloc_child(prog, &c.o);
	if (rc >= 0) {
		tach_counters_free(c.counters);
		tach_kvlist_release(&c.labels);
		return rc;
	}
	if (c.list) {
		const char *n;
		for (size_t i = 0; (n = tach_bench_list_load(c.o.filter, c.o.threads, c.o.rates, i));
		     i++)
			printf("%s\n", n);
		tach_kvlist_release(&c.labels);
		return 0;
	}
	if (!optimized)
		fprintf(stderr, "%s: warning: the benchmarks were compiled without optimisation; "
		                "times are not representative\n", prog);
	tach_result *r = tach_result_new();
	if (!r || tach_meta_collect(&r->meta, NULL))
		return 2;
	for (size_t i = 0; i < c.labels.n; i++)
		tach_kvlist_set(&r->meta.labels, c.labels.items[i].key, c.labels.items[i].value);
	if (c.testbed)
		tach_meta_set(&r->meta.testbed, c.testbed);
	tach_kvlist_set(&r->meta.context, "build", optimized ? "optimized" : "debug");
	if (c.o.cpus) {
		/* the whole process, and what it starts (the counting pass) */
		char list[4096];
		int e = tach_cpus_pin(c.o.cpus);
		tach_cpus_format(c.o.cpus, list, sizeof list);
		if (e) {
			fprintf(stderr, "%s: cannot pin to CPUs %s: %s\n", prog, list, tach_strerror(e));
			tach_result_free(r);
			tach_counters_free(c.counters);
			tach_kvlist_release(&c.labels);
			return 2;
		}
		tach_kvlist_set(&r->meta.context, "cpus", list);
	}
	if (!c.o.instructions) /* timing conditions do not move instruction counts */
		check_machine(prog, r);
	char seed_s[32];
	snprintf(seed_s, sizeof seed_s, "%llu", (unsigned long long)(c.o.seed ? c.o.seed : 1));
	tach_kvlist_set(&r->meta.context, "seed", seed_s);
	if (!c.o.instructions) {
		char mt[32] = "none";
		if (c.o.max_time >= 0)
			snprintf(mt, sizeof mt, "%g",
			         c.o.max_time > 0 ? c.o.max_time : TACH_BENCH_DEFAULT_MAX_TIME);
		tach_kvlist_set(&r->meta.context, "max_time_s", mt);
	}
	if (c.counters) {
		/* say once which events cannot be counted here, and why */
		char why[512];
		if (tach_counters_open_self(c.counters, why, sizeof why) >= 0) {
			tach_counter_value v[32];
			tach_counters_read(c.counters, v, 32);
		}
		if (why[0])
			fprintf(stderr, "%s: counters: %s\n", prog, why);
		c.o.counters = c.counters;
	}
	/* the timer, stated rather than subtracted */
	tach_clock_init();
	const tach_clock_info *ci = tach_clock_get();
	char num[TACH_DOUBLE_BUFSIZE];
	tach_kvlist_set(&r->meta.context, "timer", ci->source);
	tach_format_double(ci->resolution, num);
	tach_kvlist_set(&r->meta.context, "timer_resolution_s", num);
	tach_format_double(ci->overhead, num);
	tach_kvlist_set(&r->meta.context, "timer_overhead_s", num);
	if (isatty(STDERR_FILENO))
		c.o.progress = progress;
	tach_error err;
	memset(&err, 0, sizeof err);
	int instr_parent = c.o.instructions && tach_bench_under_valgrind() != 1;
	if (instr_parent) {
		/* this process only starts the counting one and reads its counts */
		rc = tach__instr_parent(prog, argc, argv, r);
		if (rc) {
			tach_result_free(r);
			tach_counters_free(c.counters);
			tach_kvlist_release(&c.labels);
			return rc;
		}
	} else {
		if (tach_bench_under_valgrind() == 1) {
			char it[32];
			snprintf(it, sizeof it, "%llu",
			         (unsigned long long)(c.o.fixed_iterations ? c.o.fixed_iterations : 100));
			tach_kvlist_set(&r->meta.context, "fixed_iterations", it);
		}
		rc = tach_bench_run_all(&c.o, r, &err);
		/* allocations: counted in a process of their own, after the
		 * timed runs (alloc_pass.c) */
		if (!rc && !c.no_alloc && tach_bench_under_valgrind() != 1)
			tach__alloc_pass(prog, argc, argv, r);
	}
	int status = 0;
	if (rc) {
		fprintf(stderr, "%s: %s\n", prog, err.message[0] ? err.message : tach_strerror(rc));
		status = 2;
	} else {
		/* unstable benchmarks are flagged in every output: the table marks
		 * them, the results file lists them in its context */
		char list[1024] = "";
		size_t len = 0;
		for (size_t i = 0; i < r->n_benchmarks; i++) {
			const tach_metric *t = tach_benchmark_metric(r->benchmarks[i], TACH_M_TIME);
			if (t && (tach_stats_cv(t->samples, t->n_samples) > 0.05 || t->n_samples < 5) &&
			    len < sizeof list)
				len += (size_t)snprintf(list + len, sizeof list - len, "%s%s", len ? "," : "",
				                        r->benchmarks[i]->name);
		}
		if (len)
			tach_kvlist_set(&r->meta.context, "unstable", list);
		if (c.format == 1) {
			rc = tach_result_write(r, stdout, &err);
		} else if (c.format == 2) {
			tach_report_input in = {r, prog};
			rc = tach_report_summary(stdout, &in, 1, TACH_REPORT_CSV, NULL);
		} else if (instr_parent) {
			print_instr_table(r);
		} else {
			print_table(r, c.tabular);
			print_load_table(r);
			print_notes(r);
			tach_report_complexity(stdout, r);
			print_leaks(r);
		}
		warn_unstable(prog, r);
		note_budget(prog, r);
		for (size_t i = 0; i < r->n_benchmarks; i++)
			if (r->benchmarks[i]->error)
				status = 1;
		/* written whole or not at all: the old file survives a full disk */
		if (c.out && tach_result_write_file(r, c.out, &err)) {
			fprintf(stderr, "%s: %s\n", prog, err.message);
			status = 2;
		}
	}
	tach_result_free(r);
	tach_counters_free(c.counters);
	tach_kvlist_release(&c.labels);
	if (fflush(stdout) || ferror(stdout))
		status = 2;
	return status;
}
