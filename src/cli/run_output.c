/* run_output.c - the terminal side of `tach run`: progress and summary.
 *
 * The progress line is drawn on stderr only when stderr is a terminal, and
 * erased before the summary, so pipes and files see only the summary.
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "tach/tach.h"
#include "cli/run_output.h"
#include "util/util.h"

static int progress_on;
static double started, mean_acc;
static size_t mean_n;

/* "12.34 ms": in `unit` (--time-unit), or NULL: the unit that suits s */
static void fmt_time(char *buf, size_t size, double s, int ascii, const tach_scale *unit)
{
	tach_scale sc = unit ? *unit : tach_scale_for("s", s, ascii);
	char num[32];
	tach_format_scaled(num, sizeof num, s, sc);
	snprintf(buf, size, "%s %s", num, sc.unit);
}

void cli_run_progress_begin(int show)
{
	progress_on = show < 0 ? isatty(STDERR_FILENO) : show;
	started = tach__now();
	mean_acc = 0;
	mean_n = 0;
}

void cli_run_progress(void *ctx, size_t done, size_t total, size_t bench,
                      const tach_run_sample *last)
{
	(void)ctx;
	(void)bench;
	mean_acc += last->wall;
	mean_n++;
	if (!progress_on)
		return;
	static double drawn;
	double t = tach__now();
	if (t - drawn < 0.05 && done < total)
		return; /* at most 20 redraws a second */
	drawn = t;
	if (total < done)
		total = done;
	int width = 30, fill = total ? (int)((double)done / (double)total * width) : 0;
	char bar[64], eta[64], mean[64];
	for (int i = 0; i < width; i++)
		bar[i] = i < fill ? '#' : '-';
	bar[width] = '\0';
	double el = t - started, left = done ? el / (double)done * (double)(total - done) : 0;
	fmt_time(eta, sizeof eta, left, 1, NULL);
	fmt_time(mean, sizeof mean, mean_acc / (double)mean_n, 1, NULL);
	fprintf(stderr, "\r\x1b[K  [%s] %zu/%zu runs  ETA %s  mean %s", bar, done, total, eta, mean);
	fflush(stderr);
}

void cli_run_progress_end(void)
{
	if (progress_on) {
		fputs("\r\x1b[K", stderr);
		fflush(stderr);
	}
}

static double median_of(const tach_metric *m)
{
	double v = 0;
	if (m && m->n_samples)
		tach_stats_median(m->samples, m->n_samples, &v);
	return v;
}

/* A count with thousands grouped: 1,054,471 (fractions kept to 2
 * decimals for per-iteration counts). */
static void fmt_count(char *buf, size_t size, double v)
{
	char digits[64];
	snprintf(digits, sizeof digits, "%.0f", floor(fabs(v)));
	size_t n = strlen(digits), k = 0;
	char out[96];
	if (v < 0)
		out[k++] = '-';
	for (size_t i = 0; i < n && k + 2 < sizeof out; i++) {
		if (i && (n - i) % 3 == 0)
			out[k++] = ',';
		out[k++] = digits[i];
	}
	out[k] = 0;
	double frac = fabs(v) - floor(fabs(v));
	if (frac >= 0.005)
		snprintf(buf, size, "%s.%02d", out, (int)(frac * 100 + 0.5) % 100);
	else
		snprintf(buf, size, "%s", out);
}

static void print_failures(FILE *f, const tach_metric *ec, const tach_metric *to, int color)
{
	size_t bad = 0, timeouts = 0;
	for (size_t k = 0; ec && k < ec->n_samples; k++)
		bad += ec->samples[k] != 0;
	for (size_t k = 0; to && k < to->n_samples; k++)
		timeouts += to->samples[k] != 0;
	if (bad || timeouts) {
		fprintf(f, "  %sFailures:          %zu of %zu runs failed", color ? "\x1b[31m" : "",
		        bad + timeouts - (timeouts <= bad ? timeouts : 0), ec->n_samples);
		if (timeouts)
			fprintf(f, " (%zu timed out)", timeouts);
		fprintf(f, "%s\n", color ? "\x1b[0m" : "");
	}
}

/* A benchmark measured with --instructions: counts, no timings. */
static void print_counts(FILE *f, const tach_benchmark *b, const tach_metric *ins)
{
	char v[64], l1[64], ll[64], cy[64];
	double lo = tach_stats_min(ins->samples, ins->n_samples);
	double hi = tach_stats_max(ins->samples, ins->n_samples);
	fmt_count(v, sizeof v, median_of(ins));
	fmt_count(l1, sizeof l1, median_of(tach_benchmark_metric(b, TACH_M_L1_MISSES)));
	fmt_count(ll, sizeof ll, median_of(tach_benchmark_metric(b, TACH_M_LL_MISSES)));
	fmt_count(cy, sizeof cy, median_of(tach_benchmark_metric(b, TACH_M_EST_CYCLES)));
	fprintf(f, "  Instructions:      %s per run", v);
	if (ins->n_samples > 1 && hi == lo)
		fprintf(f, " (all %zu runs equal)\n", ins->n_samples);
	else if (ins->n_samples > 1)
		fprintf(f, " (runs differ by %.4f %%)\n", lo > 0 ? (hi / lo - 1) * 100 : 0);
	else
		fputc('\n', f);
	fprintf(f, "  Cache misses:      L1 %s, last level %s (simulated)\n", l1, ll);
	fprintf(f, "  Est. cycles:       %s\n", cy);
}

/* The largest of a metric's samples, scaled: "1.617 MiB". */
static void fmt_peak(char *buf, size_t size, const tach_metric *m, int ascii)
{
	double peak = tach_stats_max(m->samples, m->n_samples);
	tach_scale sc = tach_scale_for("B", peak, ascii);
	char num[48];
	tach_format_scaled(num, sizeof num, peak, sc);
	snprintf(buf, size, "%s %s", num, sc.unit);
}

/* The two peaks (docs/cli.md, "Peak memory"): the largest single
 * process, comparable with /usr/bin/time -v and hyperfine, and the whole
 * tree at once, with its method or why it is missing.  Files written
 * before the two were told apart have one peak_rss whose method is
 * peak_rss_method. */
static void print_memory(FILE *f, const tach_benchmark *b, const tach_metric *rss,
                         const tach_kvlist *ctx, int ascii)
{
	const char *method = tach_kvlist_get(ctx, "peak_rss_method");
	const char *tree_method = tach_kvlist_get(ctx, "tree_peak_memory_method");
	const char *why = tach_kvlist_get(ctx, "tree_peak_memory_why");
	const tach_metric *tree = tach_benchmark_metric(b, TACH_M_TREE_PEAK_MEMORY);
	int pool = tach_benchmark_metric(b, "runs_per_second") != NULL;
	char v[64];
	if (rss && rss->n_samples) {
		fmt_peak(v, sizeof v, rss, ascii);
		if (!tree_method) /* an older file: one peak, of its method */
			fprintf(f, "  Peak memory:       %s (%s; %s)\n", v,
			        pool ? "all copies at once" : "max over runs",
			        method ? method : "unknown method");
		else
			fprintf(f, "  Peak RSS:          %s (largest single process, max over %s)\n",
			        v, pool ? "all copies" : "runs");
	}
	if (tree && tree->n_samples) {
		fmt_peak(v, sizeof v, tree, ascii);
		fprintf(f, "  Tree peak memory:  %s (whole tree at once, %s; %s)\n", v,
		        pool ? "all copies" : "max over runs", tree_method ? tree_method : "?");
	}
	if (tree_method && why)
		fprintf(f, "  %s %s\n", tree && tree->n_samples ? "Tree peak method: " : "Tree peak memory: ",
		        why);
}

static void print_bench(FILE *f, size_t i, const tach_benchmark *b, const tach_kvlist *ctx,
                        const cli_run_view *v)
{
	int color = v->color, ascii = v->ascii;
	const tach_scale *unit = v->time_unit;
	const tach_metric *t = tach_benchmark_metric(b, TACH_M_TIME);
	const tach_metric *u = tach_benchmark_metric(b, TACH_M_USER_TIME);
	const tach_metric *s = tach_benchmark_metric(b, TACH_M_SYSTEM_TIME);
	const tach_metric *rss = tach_benchmark_metric(b, TACH_M_PEAK_RSS);
	const tach_metric *ec = tach_benchmark_metric(b, "exit_code");
	const tach_metric *to = tach_benchmark_metric(b, "timed_out");
	fprintf(f, "%sBenchmark %zu: ", color ? "\x1b[1m" : "", i + 1);
	tach_text_write(f, b->name);
	fputs(color ? "\x1b[0m\n" : "\n", f);
	const tach_metric *ins = tach_benchmark_metric(b, TACH_M_INSTRUCTIONS);
	if ((!t || !t->n_samples) && ins && ins->n_samples) {
		print_counts(f, b, ins);
		print_failures(f, ec, to, color);
		fputc('\n', f);
		return;
	}
	if (!t || !t->n_samples) {
		fputs("  no runs measured\n", f);
		return;
	}
	tach_summary sm;
	tach_stats_summarize(t->samples, t->n_samples, &sm);
	char med[64], mean[64], sd[64], lo[64], hi[64], us[64], sy[64];
	fmt_time(med, sizeof med, sm.median, ascii, unit);
	fmt_time(mean, sizeof mean, sm.mean, ascii, unit);
	fmt_time(sd, sizeof sd, sm.stddev, ascii, unit);
	fmt_time(lo, sizeof lo, sm.min, ascii, unit);
	fmt_time(hi, sizeof hi, sm.max, ascii, unit);
	fmt_time(us, sizeof us, median_of(u), ascii, unit);
	fmt_time(sy, sizeof sy, median_of(s), ascii, unit);
	fprintf(f, "  Time (median):     %s%s%s%s\n", color ? "\x1b[32m" : "", med, color ? "\x1b[0m" : "",
	        t->flags & TACH_METRIC_UNRESOLVED ? "   (too fast to measure: not resolved)" : "");
	fprintf(f, "  Time (mean %s %s):  %s %s %s   [User: %s, System: %s]\n",
	        ascii ? "+-" : "\xc2\xb1", ascii ? "sd" : "\xcf\x83", mean,
	        ascii ? "+-" : "\xc2\xb1", sd, us, sy);
	fprintf(f, "  Range (min %s max): %s %s %s    %zu run%s\n", ascii ? "..." : "\xe2\x80\xa6",
	        lo, ascii ? "..." : "\xe2\x80\xa6", hi, sm.n, sm.n == 1 ? "" : "s");
	print_memory(f, b, rss, ctx, ascii);
	/* --monitor: each run's CPU % is its rusage over its wall time (exact
	 * even for runs shorter than one interval); the series its shape */
	const tach_metric *cpu = tach_benchmark_metric(b, TACH_M_CPU_PERCENT);
	if (cpu && cpu->n_samples) {
		size_t points = 0;
		double span = 0, sum = 0;
		for (size_t k = 0; k < cpu->n_series; k++) {
			const tach_series *sr = cpu->series[k];
			points += sr->n;
			if (sr->n)
				span += sr->t[sr->n - 1];
		}
		for (size_t k = 0; k < cpu->n_samples; k++)
			sum += cpu->samples[k];
		char dur[64];
		fmt_time(dur, sizeof dur, span, ascii, unit);
		fprintf(f, "  CPU (monitored):   %.1f %% of one core on average (user + system / wall);"
		        " %zu samples over %s\n",
		        sum / (double)cpu->n_samples, points, dur);
	}
	const tach_metric *rps = tach_benchmark_metric(b, "runs_per_second");
	const char *conc = tach_kvlist_get(&b->params, "concurrency");
	if (rps && rps->n_samples)
		fprintf(f, "  Throughput:        %.1f runs/s with %s at once\n", rps->samples[0],
		        conc ? conc : "several");
	print_failures(f, ec, to, color);
	fputc('\n', f);
}

/* Times with samples that measured something (not TACH_METRIC_UNRESOLVED). */
static int resolved(const tach_metric *t)
{
	return t && t->n_samples && !(t->flags & TACH_METRIC_UNRESOLVED);
}

/* Deterministic counts need no interval: the fewest instructions, and
 * every other command's ratio to it. */
static void summary_counts(FILE *f, const tach_result *r, int color, int ascii)
{
	size_t best = 0;
	double bm = INFINITY;
	for (size_t i = 0; i < r->n_benchmarks; i++) {
		double m = median_of(tach_benchmark_metric(r->benchmarks[i], TACH_M_INSTRUCTIONS));
		if (m > 0 && m < bm) {
			bm = m;
			best = i;
		}
	}
	if (!isfinite(bm))
		return;
	fprintf(f, "%sSummary%s\n  ", color ? "\x1b[1m" : "", color ? "\x1b[0m" : "");
	tach_text_write(f, r->benchmarks[best]->name);
	fputs(" executed the fewest instructions\n", f);
	for (size_t i = 0; i < r->n_benchmarks; i++) {
		double m = median_of(tach_benchmark_metric(r->benchmarks[i], TACH_M_INSTRUCTIONS));
		if (i != best && m > 0) {
			fputs("    ", f);
			tach_text_write(f, r->benchmarks[i]->name);
			fprintf(f, ": %.4f%s as many (%+.2f %%)\n", m / bm, ascii ? "x" : "\xc3\x97",
			        (m / bm - 1) * 100);
		}
	}
}

/* The mean or median of a benchmark's time samples; INFINITY without any. */
static double time_of(const tach_benchmark *b, int key)
{
	const tach_metric *t = tach_benchmark_metric(b, TACH_M_TIME);
	if (!t || !t->n_samples)
		return INFINITY;
	return key == CLI_ORDER_MEAN ? tach_stats_mean(t->samples, t->n_samples) : median_of(t);
}

typedef struct keyed {
	double mean;
	size_t i;
} keyed;

static int by_mean(const void *a, const void *b)
{
	const keyed *x = a, *y = b;
	if (x->mean != y->mean)
		return x->mean < y->mean ? -1 : 1;
	return x->i < y->i ? -1 : x->i > y->i; /* stable: as given on a tie */
}

int cli_run_order(const tach_result *r, int key, size_t *order)
{
	keyed *k = malloc((r->n_benchmarks ? r->n_benchmarks : 1) * sizeof *k);
	if (!k)
		return -1;
	for (size_t i = 0; i < r->n_benchmarks; i++)
		k[i] = (keyed){key == CLI_ORDER_GIVEN ? 0 : time_of(r->benchmarks[i], key), i};
	qsort(k, r->n_benchmarks, sizeof *k, by_mean);
	for (size_t i = 0; i < r->n_benchmarks; i++)
		order[i] = k[i].i;
	free(k);
	return 0;
}

/* Without a reference: the fastest by median time, then every other
 * against it, by a ratio of medians with its bootstrap CI. */
static void summary_fastest(FILE *f, const tach_result *r, const size_t *order,
                            const cli_run_view *v)
{
	int color = v->color, ascii = v->ascii;
	size_t best = 0;
	double bm = INFINITY;
	for (size_t i = 0; i < r->n_benchmarks; i++) {
		const tach_metric *t = tach_benchmark_metric(r->benchmarks[i], TACH_M_TIME);
		double m = resolved(t) ? median_of(t) : INFINITY;
		if (m < bm) {
			bm = m;
			best = i;
		}
	}
	size_t others = 0;
	for (size_t i = 0; i < r->n_benchmarks; i++) {
		const tach_metric *t = tach_benchmark_metric(r->benchmarks[i], TACH_M_TIME);
		others += i != best && resolved(t);
	}
	if (!isfinite(bm) || bm <= 0 || !others)
		return;
	const tach_metric *bt = tach_benchmark_metric(r->benchmarks[best], TACH_M_TIME);
	fprintf(f, "%sSummary%s\n  ", color ? "\x1b[1m" : "", color ? "\x1b[0m" : "");
	tach_text_write(f, r->benchmarks[best]->name);
	fputs(" ran\n", f);
	for (size_t n = 0; n < r->n_benchmarks; n++) {
		size_t i = order[n];
		if (i == best)
			continue;
		const tach_metric *t = tach_benchmark_metric(r->benchmarks[i], TACH_M_TIME);
		if (t && t->n_samples && !resolved(t)) {
			fputs("    ", f);
			tach_text_write(f, r->benchmarks[i]->name);
			fputs(" (too fast to measure: not compared)\n", f);
			continue;
		}
		if (!resolved(t))
			continue;
		tach_ci ci;
		if (tach_stats_bootstrap_ratio_ci(bt->samples, bt->n_samples, t->samples, t->n_samples,
		                                  0.95, 2000, 1, &ci) != 0)
			continue;
		fprintf(f, "    %s%.2f%s%s faster than ", color ? "\x1b[32m" : "", ci.estimate,
		        ascii ? "x" : "\xc3\x97", color ? "\x1b[0m" : "");
		tach_text_write(f, r->benchmarks[i]->name);
		fprintf(f, "  [95%% CI %.2f %s %.2f]\n", ci.lo, ascii ? "..." : "\xe2\x80\xa6", ci.hi);
	}
}

/* With --reference: every other command against it, as hyperfine's
 * relative speed -- the ratio of mean times with its standard deviation
 * propagated from both sides' (tach_stats_mean_ratio) -- said as a factor
 * of at least 1: "1.50 ± 0.02 times slower than REF" (in red; faster in
 * green). */
static void summary_reference(FILE *f, const tach_result *r, const size_t *order,
                              const cli_run_view *v)
{
	int color = v->color;
	const char *pm = v->ascii ? "+-" : "\xc2\xb1";
	const tach_benchmark *rb = r->benchmarks[v->reference];
	const tach_metric *rt = tach_benchmark_metric(rb, TACH_M_TIME);
	fprintf(f, "%sSummary%s\n", color ? "\x1b[1m" : "", color ? "\x1b[0m" : "");
	if (!resolved(rt)) {
		fputs("  the reference ", f);
		tach_text_write(f, rb->name);
		fputs(" has no resolved times: nothing compared\n", f);
		return;
	}
	for (size_t n = 0; n < r->n_benchmarks; n++) {
		size_t i = order[n];
		const tach_metric *t = tach_benchmark_metric(r->benchmarks[i], TACH_M_TIME);
		double ratio, sd;
		if (i == v->reference || !t || !t->n_samples)
			continue;
		fputs("  ", f);
		tach_text_write(f, r->benchmarks[i]->name);
		if (!resolved(t) ||
		    tach_stats_mean_ratio(t->samples, t->n_samples, rt->samples, rt->n_samples, &ratio,
		                          &sd)) {
			fputs(" (too fast to measure: not compared)\n", f);
			continue;
		}
		/* 1/ratio has the same relative standard deviation */
		double shown = ratio >= 1 ? ratio : 1 / ratio, shown_sd = sd / ratio * shown;
		fprintf(f, " ran %s%.2f %s %.2f%s times %s ",
		        !color ? "" : ratio > 1 ? "\x1b[31m" : "\x1b[32m", shown, pm,
		        shown_sd, color ? "\x1b[0m" : "",
		        ratio > 1 ? "slower than" : ratio < 1 ? "faster than" : "as fast as");
		tach_text_write(f, rb->name);
		fputc('\n', f);
	}
}

size_t cli_run_reference_of(const tach_result *r)
{
	const char *name = tach_kvlist_get(&r->meta.context, CLI_CONTEXT_REFERENCE);
	for (size_t i = 0; name && i < r->n_benchmarks; i++)
		if (!r->benchmarks[i]->params.n && !strcmp(r->benchmarks[i]->name, name))
			return i;
	return SIZE_MAX;
}

void cli_run_summary(FILE *f, const tach_result *r, const cli_run_view *v)
{
	for (size_t i = 0; i < r->n_benchmarks; i++)
		print_bench(f, i, r->benchmarks[i], &r->meta.context, v);
	cli_run_comparison(f, r, v);
}

void cli_run_comparison(FILE *f, const tach_result *r, const cli_run_view *v)
{
	if (r->n_benchmarks < 2)
		return;
	if (tach_benchmark_metric(r->benchmarks[0], TACH_M_INSTRUCTIONS)) {
		summary_counts(f, r, v->color, v->ascii);
		return;
	}
	size_t *order = malloc(r->n_benchmarks * sizeof *order);
	/* auto: by the time compared, the median or against a reference the mean */
	int key = v->sort == CLI_SORT_COMMAND ? CLI_ORDER_GIVEN
	          : v->sort == CLI_SORT_MEAN || v->reference < r->n_benchmarks ? CLI_ORDER_MEAN
	                                                                       : CLI_ORDER_MEDIAN;
	if (!order || cli_run_order(r, key, order)) {
		free(order);
		return;
	}
	if (v->reference < r->n_benchmarks)
		summary_reference(f, r, order, v);
	else
		summary_fastest(f, r, order, v);
	free(order);
}
