/* html_bench.c - the report's per-benchmark sections: every sample of each
 * metric as a strip with its box (base above candidate), latency
 * percentiles on a "nines" axis, allocations per operation, and the
 * resource series of monitored runs (memory and CPU over time, the peak
 * marked).  One collapsed <details> per benchmark keeps a suite of a
 * thousand benchmarks navigable; the filter box matches data-name.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tach/result.h"
#include "tach/stats.h"
#include "report/emit.h"
#include "report/html.h"
#include "report/svg.h"

/* The latency percentiles a benchmark may carry, where they sit on the
 * axis: -log10(1 - q), so p90, p99 and p99.9 are evenly spaced like the
 * nines they add. */
static const struct {
	const char *metric, *label;
	double q;
} pcts[] = {
	{TACH_M_LATENCY_P50, "p50", 0.5},   {TACH_M_LATENCY_P90, "p90", 0.9},
	{TACH_M_LATENCY_P95, "p95", 0.95},  {TACH_M_LATENCY_P99, "p99", 0.99},
	{TACH_M_LATENCY_P999, "p99.9", 0.999},
};
#define N_PCTS (sizeof pcts / sizeof pcts[0])

static int is_latency(const char *name)
{
	return !strncmp(name, "latency_p", 9) || !strcmp(name, "latency_max");
}

static int is_alloc(const char *name)
{
	return !strcmp(name, TACH_M_ALLOCS_PER_OP) || !strcmp(name, TACH_M_BYTES_PER_OP);
}

/* Metrics shown by other panels (or that say nothing as a strip). */
static int own_strip(const tach_benchmark *b, const tach_metric *m)
{
	if (is_alloc(m->name) || !strcmp(m->name, "scaling_efficiency"))
		return 0;
	if (is_latency(m->name) && tach_benchmark_metric(b, TACH_M_LATENCY_P50))
		return 0;
	if (!strcmp(m->name, "exit_code") || !strcmp(m->name, "timed_out")) {
		for (size_t i = 0; i < m->n_samples; i++)
			if (m->samples[i] != 0)
				return 1;
		return 0;
	}
	return 1;
}

/* ---- distributions ---- */

/* A strip of every sample and a box (quartiles, median) for one side.
 * The dots are zero-length path segments with round caps: a tenth of the
 * bytes of one <circle> each, which matters for large suites. */
static void strip(FILE *f, const tach_metric *m, const tach__axis *ax, double y, const char *cls)
{
	if (!m || !m->n_samples)
		return;
	double *s = malloc(m->n_samples * sizeof *s);
	if (!s) {
		tach__html_nomem();
		return;
	}
	memcpy(s, m->samples, m->n_samples * sizeof *s);
	tach_stats_sort(s, m->n_samples);
	double q1 = tach_stats_percentile_sorted(s, m->n_samples, 25);
	double q2 = tach_stats_percentile_sorted(s, m->n_samples, 50);
	double q3 = tach_stats_percentile_sorted(s, m->n_samples, 75);
	free(s);
	const double left = 90, right = 700;
	double x1 = tach__axis_px(ax, q1, left, right), x3 = tach__axis_px(ax, q3, left, right);
	double x2 = tach__axis_px(ax, q2, left, right);
	/* the styles of the box, the median and the dots are the page's
	 * CSS (.box, .med, .dots), and attributes hold bare numbers: each
	 * chart of a thousand-benchmark page is written once per benchmark */
	fprintf(f, "<rect class='%s box' x=", cls);
	tach__svg_num(f, x1);
	fputs(" y=", f);
	tach__svg_num(f, y - 9);
	fputs(" width=", f);
	tach__svg_num(f, fmax(1, x3 - x1));
	fprintf(f, " height=18 /><line class='%s med' x1=", cls);
	tach__svg_num(f, x2);
	fputs(" x2=", f);
	tach__svg_num(f, x2);
	fputs(" y1=", f);
	tach__svg_num(f, y - 11);
	fputs(" y2=", f);
	tach__svg_num(f, y + 11);
	fprintf(f, " /><path class='%s dots' d='", cls);
	for (size_t i = 0; i < m->n_samples; i++) {
		/* a deterministic jitter keeps equal values apart; whole
		 * pixels, since a dot is five wide */
		double jy = y + ((double)((i * 7919) % 13) - 6) * 0.9;
		fputc('M', f);
		tach__svg_num(f, round(tach__axis_px(ax, m->samples[i], left, right)));
		fputc(' ', f);
		tach__svg_num(f, round(jy));
		fputs("h0", f);
	}
	fputs("'/>", f);
}

static void distribution(FILE *f, const tach_metric *base, const tach_metric *cand)
{
	const tach_metric *any = cand ? cand : base;
	double lo = INFINITY, hi = -INFINITY;
	for (int side = 0; side < 2; side++) {
		const tach_metric *m = side ? cand : base;
		for (size_t i = 0; m && i < m->n_samples; i++) {
			lo = fmin(lo, m->samples[i]);
			hi = fmax(hi, m->samples[i]);
		}
	}
	tach__axis ax;
	if (!isfinite(lo) || tach__axis_make(lo, hi, any->unit, 1, &ax))
		return;
	int two = base && cand;
	double height = two ? 92 : 62;
	fprintf(f, "<svg class=dist viewBox='0 0 740 %g' role=img aria-label='samples'>", height);
	tach__svg_xgrid(f, &ax, 90, 700, 4, height - 18);
	if (base) {
		fputs("<text x=4 y=26>base</text>", f);
		strip(f, base, &ax, 22, "base");
	}
	if (cand) {
		fprintf(f, "<text x=4 y='%d'>%s</text>", two ? 56 : 26, two ? "candidate" : "samples");
		strip(f, cand, &ax, two ? 52 : 22, two ? "cand" : "base");
	}
	fputs("</svg>\n", f);
}

/* ---- latency percentiles ---- */

static double nines(double q)
{
	return -log10(1 - q);
}

static void latency_line(FILE *f, const tach_benchmark *b, const tach__axis *ay, const char *cls)
{
	const double left = 90, right = 700, top = 10, bottom = 140;
	double x0 = nines(pcts[0].q), x1 = nines(pcts[N_PCTS - 1].q);
	fprintf(f, "<polyline class='%s line' stroke-width=1.5 points='", cls);
	for (size_t i = 0; i < N_PCTS; i++) {
		double v = tach__html_median(tach_benchmark_metric(b, pcts[i].metric));
		if (!isfinite(v))
			continue;
		tach__svg_num(f, left + (right - left) * (nines(pcts[i].q) - x0) / (x1 - x0));
		fputc(',', f);
		tach__svg_num(f, tach__axis_px(ay, v, bottom, top));
		fputc(' ', f);
	}
	fputs("'/>", f);
	for (size_t i = 0; i < N_PCTS; i++) {
		double v = tach__html_median(tach_benchmark_metric(b, pcts[i].metric));
		if (!isfinite(v))
			continue;
		char val[64];
		tach__html_value(val, sizeof val, v, "s");
		fprintf(f, "<circle class=%s r=3.5 cx='", cls);
		tach__svg_num(f, left + (right - left) * (nines(pcts[i].q) - x0) / (x1 - x0));
		fputs("' cy='", f);
		tach__svg_num(f, tach__axis_px(ay, v, bottom, top));
		fprintf(f, "'><title>%s %s</title></circle>", pcts[i].label, val);
	}
}

static void latency(FILE *f, const tach_benchmark *base, const tach_benchmark *cand)
{
	double lo = INFINITY, hi = -INFINITY;
	for (int side = 0; side < 2; side++) {
		const tach_benchmark *b = side ? cand : base;
		for (size_t i = 0; b && i < N_PCTS; i++) {
			double v = tach__html_median(tach_benchmark_metric(b, pcts[i].metric));
			if (isfinite(v)) {
				lo = fmin(lo, v);
				hi = fmax(hi, v);
			}
		}
	}
	tach__axis ay;
	if (!isfinite(lo) || tach__axis_make(lo, hi, "s", 1, &ay))
		return;
	fputs("<h3>latency percentiles <span class=meta>median over samples; the axis adds "
	      "a nine per step</span></h3>\n<div class=pair><svg class=lat viewBox='0 0 740 162' "
	      "role=img aria-label='latency percentiles'>",
	      f);
	tach__svg_ygrid(f, &ay, 140, 10, 90, 700);
	double x0 = nines(pcts[0].q), x1 = nines(pcts[N_PCTS - 1].q);
	for (size_t i = 0; i < N_PCTS; i++) {
		fputs("<text text-anchor=middle y='156' x='", f);
		tach__svg_num(f, 90 + 610 * (nines(pcts[i].q) - x0) / (x1 - x0));
		fprintf(f, "'>%s</text>", pcts[i].label);
	}
	if (base) {
		fputs("<text x='98' y='24'><tspan class=base>● base</tspan>  "
		      "<tspan class=cand>● candidate</tspan></text>",
		      f);
		latency_line(f, base, &ay, "base");
	}
	latency_line(f, cand, &ay, base ? "cand" : "base");
	fputs("</svg><table class=mini><thead><tr><th></th>", f);
	fputs(base ? "<th>base</th><th>cand</th><th>change</th>" : "<th>latency</th>", f);
	fputs("</tr></thead><tbody>", f);
	for (size_t i = 0; i <= N_PCTS; i++) {
		const char *metric = i < N_PCTS ? pcts[i].metric : "latency_max";
		const char *label = i < N_PCTS ? pcts[i].label : "max";
		double c = tach__html_median(tach_benchmark_metric(cand, metric));
		double b = base ? tach__html_median(tach_benchmark_metric(base, metric)) : NAN;
		if (!isfinite(c) && !isfinite(b))
			continue;
		char cv[64], bv[64], ch[32];
		tach__html_value(cv, sizeof cv, c, "s");
		fprintf(f, "<tr><td>%s</td>", label);
		if (base) {
			tach__html_value(bv, sizeof bv, b, "s");
			tach__html_pct(ch, sizeof ch, b > 0 ? c / b : NAN);
			fprintf(f, "<td>%s</td><td>%s</td><td>%s</td>", bv, cv, ch);
		} else {
			fprintf(f, "<td>%s</td>", cv);
		}
		fputs("</tr>", f);
	}
	fputs("</tbody></table></div>\n", f);
}

/* ---- allocations ---- */

static void allocations(FILE *f, const tach_benchmark *base, const tach_benchmark *cand)
{
	const char *names[] = {TACH_M_ALLOCS_PER_OP, TACH_M_BYTES_PER_OP};
	const char *labels[] = {"allocations per operation", "bytes allocated per operation"};
	double v[2][2]; /* [metric][side]: base, cand */
	double top = 0;
	int any = 0;
	for (size_t k = 0; k < 2; k++) {
		v[k][0] = base ? tach__html_median(tach_benchmark_metric(base, names[k])) : NAN;
		v[k][1] = tach__html_median(tach_benchmark_metric(cand, names[k]));
		any |= isfinite(v[k][1]);
	}
	if (!any)
		return;
	fputs("<h3>allocations</h3>\n<table class=mini><tbody>", f);
	for (size_t k = 0; k < 2; k++) {
		if (!isfinite(v[k][1]))
			continue;
		top = fmax(isfinite(v[k][0]) ? v[k][0] : 0, v[k][1]);
		const char *unit = k ? "B" : "count";
		for (int side = base ? 0 : 1; side < 2; side++) {
			char val[64];
			tach__html_value(val, sizeof val, v[k][side], unit);
			double w = top > 0 && isfinite(v[k][side]) ? 100 * v[k][side] / top : 0;
			fprintf(f, "<tr><td class=l>%s</td><td class=l>%s</td><td>%s</td>"
			           "<td class=barcell><span class='bar %s' style='width:%.1f%%'></span></td>",
			        side == (base ? 0 : 1) ? labels[k] : "",
			        base ? (side ? "candidate" : "base") : "", val, side ? "cand" : "base", w);
			if (base && side) {
				char ch[32];
				tach__html_pct(ch, sizeof ch, v[k][0] > 0 ? v[k][1] / v[k][0]
				                              : v[k][1] == v[k][0] ? 1 : NAN);
				fprintf(f, "<td>%s</td>", ch);
			} else if (base) {
				fputs("<td></td>", f);
			}
			fputs("</tr>", f);
		}
	}
	fputs("</tbody></table>\n", f);
}

/* ---- resource series ---- */

/* The most runs drawn per side, and the most points per run: a run's
 * points are bucketed keeping each bucket's largest value, so peaks
 * survive the thinning. */
#define MAX_RUNS_DRAWN 12
#define MAX_POINTS 300

static void series_line(FILE *f, const tach_series *s, const tach__axis *ax, const tach__axis *ay,
                        const char *cls, int peak_run)
{
	const double left = 90, right = 700, top = 10, bottom = 140;
	fprintf(f, "<polyline class='%s line' stroke-width=%s stroke-opacity=%s points='", cls,
	        peak_run ? "1.6" : "1", peak_run ? "1" : "0.35");
	size_t step = (s->n + MAX_POINTS - 1) / MAX_POINTS;
	if (!step)
		step = 1;
	for (size_t i = 0; i < s->n; i += step) {
		double t = s->t[i], v = s->v[i];
		for (size_t j = i + 1; j < i + step && j < s->n; j++)
			if (s->v[j] > v)
				v = s->v[j], t = s->t[j];
		tach__svg_num(f, tach__axis_px(ax, t, left, right));
		fputc(',', f);
		tach__svg_num(f, tach__axis_px(ay, v, bottom, top));
		fputc(' ', f);
	}
	fputs("'/>", f);
}

/* The run of a metric's series holding the largest value, and where. */
static const tach_series *peak_of(const tach_metric *m, double *t, double *v)
{
	const tach_series *best = NULL;
	*v = -INFINITY;
	for (size_t k = 0; m && k < m->n_series; k++)
		for (size_t i = 0; i < m->series[k]->n; i++)
			if (m->series[k]->v[i] > *v) {
				*v = m->series[k]->v[i];
				*t = m->series[k]->t[i];
				best = m->series[k];
			}
	return best;
}

static const char *resource_title(const char *metric)
{
	/* the tree's RSS series: on tree_peak_memory, or on peak_rss in
	 * files written before the two peaks were told apart */
	if (!strcmp(metric, TACH_M_TREE_PEAK_MEMORY) || !strcmp(metric, TACH_M_PEAK_RSS))
		return "memory over time <span class=meta>resident set of the whole process tree</span>";
	if (!strcmp(metric, TACH_M_CPU_PERCENT))
		return "CPU over time <span class=meta>% of one core, the whole process tree</span>";
	return NULL;
}

static void resource(FILE *f, const tach_metric *base, const tach_metric *cand)
{
	double tmax = 0, vmax = 0;
	size_t runs = 0;
	for (int side = 0; side < 2; side++) {
		const tach_metric *m = side ? cand : base;
		for (size_t k = 0; m && k < m->n_series; k++) {
			const tach_series *s = m->series[k];
			for (size_t i = 0; i < s->n; i++) {
				tmax = fmax(tmax, s->t[i]);
				vmax = fmax(vmax, s->v[i]);
			}
		}
		runs += m ? m->n_series : 0;
	}
	tach__axis ax, ay;
	if (!runs || tach__axis_make(0, tmax > 0 ? tmax : 1, "s", 0, &ax) ||
	    tach__axis_make(0, vmax > 0 ? vmax : 1, cand->unit, 0, &ay))
		return;
	const char *title = resource_title(cand->name);
	fputs("<h3>", f);
	if (title)
		fputs(title, f);
	else {
		tach__html_text(f, cand->name);
		fputs(" over time", f);
	}
	fputs("</h3>\n<svg class=dist viewBox='0 0 740 176' role=img aria-label='over time'>", f);
	tach__svg_ygrid(f, &ay, 140, 10, 90, 700);
	tach__svg_xgrid(f, &ax, 90, 700, 10, 140);
	size_t drawn = 0, total = 0;
	for (int side = 0; side < 2; side++) {
		const tach_metric *m = side ? cand : base;
		if (!m)
			continue;
		const char *cls = side && base ? "cand" : "base";
		double pt = 0, pv = 0;
		const tach_series *peak = peak_of(m, &pt, &pv);
		for (size_t k = 0; k < m->n_series; k++, total++)
			if (m->series[k] != peak && k < MAX_RUNS_DRAWN - 1) {
				series_line(f, m->series[k], &ax, &ay, cls, 0);
				drawn++;
			}
		if (!peak)
			continue;
		series_line(f, peak, &ax, &ay, cls, 1);
		drawn++;
		char val[64];
		tach__html_value(val, sizeof val, pv, m->unit);
		double x = tach__axis_px(&ax, pt, 90, 700), y = tach__axis_px(&ay, pv, 140, 10);
		fprintf(f, "<circle class=%s r=4 cx='", cls);
		tach__svg_num(f, x);
		fputs("' cy='", f);
		tach__svg_num(f, y);
		fprintf(f, "'/><text class=peak %s x='", x > 560 ? "text-anchor=end" : "");
		tach__svg_num(f, x > 560 ? x - 8 : x + 8);
		fputs("' y='", f);
		tach__svg_num(f, fmax(y, 12) + (side && base ? 14 : 0));
		fprintf(f, "'>%speak %s at %.2f s (run %zu)</text>", base ? (side ? "candidate " : "base ") : "",
		        val, pt, peak->sample + 1);
	}
	fputs("</svg>", f);
	if (drawn < total)
		fprintf(f, "<p class=meta>%zu of %zu runs drawn: the run with the peak and the first "
		           "ones</p>",
		        drawn, total);
	fputc('\n', f);
}

/* ---- the section ---- */

static void one(FILE *f, const tach_benchmark *b, const tach_benchmark *o, int open)
{
	char label[700];
	tach__display_name(label, sizeof label, b->name, &b->params);
	fprintf(f, "<details%s data-name=\"", open ? " open" : "");
	tach__html_text(f, label);
	fputs("\"><summary>", f);
	tach__html_name(f, b->name, &b->params);
	if (b->source.command) {
		fputs(" <code class=meta>", f);
		tach__html_text(f, b->source.command);
		fputs("</code>", f);
	}
	if (b->error) {
		fputs(" — <span class=warn>failed: ", f);
		tach__html_text(f, b->error);
		fputs("</span>", f);
	}
	fputs("</summary>\n", f);
	for (size_t k = 0; k < b->n_metrics; k++) {
		const tach_metric *m = b->metrics[k];
		if (!own_strip(b, m))
			continue;
		const tach_metric *om = o ? tach_benchmark_metric(o, m->name) : NULL;
		char med[64];
		tach__html_value(med, sizeof med, tach__html_median(m), m->unit);
		fputs("<h3>", f);
		tach__html_text(f, m->name);
		fprintf(f, " <span class=meta>median %s, %zu sample%s%s</span></h3>\n", med,
		        m->n_samples, m->n_samples == 1 ? "" : "s",
		        m->flags & TACH_METRIC_DETERMINISTIC ? ", deterministic" : "");
		distribution(f, om, m);
	}
	if (tach_benchmark_metric(b, TACH_M_LATENCY_P50) || tach_benchmark_metric(b, TACH_M_LATENCY_P99))
		latency(f, o, b);
	allocations(f, o, b);
	for (size_t k = 0; k < b->n_metrics; k++)
		if (b->metrics[k]->n_series)
			resource(f, o ? tach_benchmark_metric(o, b->metrics[k]->name) : NULL,
			         b->metrics[k]);
	fputs("</details>\n", f);
}

void tach__html_benchmarks(FILE *f, const tach_result *base, const tach_result *cand)
{
	fputs("<h2>Benchmarks</h2>\n", f);
	/* a handful of benchmarks are shown open; a suite starts folded */
	int open = cand->n_benchmarks <= 3;
	for (size_t i = 0; i < cand->n_benchmarks; i++) {
		const tach_benchmark *b = cand->benchmarks[i];
		one(f, b, base ? tach_result_find(base, b->name, &b->params) : NULL, open);
	}
}
