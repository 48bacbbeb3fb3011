/* html_complexity.c - the report's "Complexity" section: for the fits of a
 * result set (tach_fit: .complexity in tach/bench.h, or imported), the
 * fitted benchmarks' medians against n with each fitted curve, one chart
 * per parameter and metric (so an O(n) lookup and an O(1) one sit side by
 * side), and a table of the curves, coefficients and RMS.  Axes turn
 * logarithmic when the values span more than two decades, where every
 * power of n is a straight line.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tach/result.h"
#include "tach/stats.h"
#include "report/html.h"
#include "report/svg.h"

#define MAX_POINTS 256
#define CURVE_STEPS 64

/* Colours of the families in one chart, in order (the first two are the
 * report's base and candidate colours). */
static const char *const colours[] = {"var(--base)", "var(--cand)", "#12a150", "#c4850c",
                                      "#7a5af8", "#0ba5ec", "#667085"};
#define N_COLOURS (sizeof colours / sizeof colours[0])

typedef struct points {
	double n[MAX_POINTS], t[MAX_POINTS];
	size_t k;
} points;

/* The n of a fitted benchmark: its parameter f->param or, for a file
 * without parameters (Google Benchmark's), the number after "FAMILY/" in
 * its name.  NaN when neither. */
static double n_of(const tach_fit *f, const tach_benchmark *b)
{
	const char *v = tach_kvlist_get(&b->params, f->param);
	size_t len = strlen(f->name);
	if (!v && !strncmp(b->name, f->name, len) && b->name[len] == '/')
		v = b->name + len + 1;
	char *end;
	double n = v ? strtod(v, &end) : NAN;
	return v && end != v && (!*end || *end == '/') ? n : NAN;
}

/* The medians of f's benchmarks in r, with their n. */
static void collect(const tach_result *r, const tach_fit *f, points *p)
{
	p->k = 0;
	for (size_t i = 0; i < f->n_benchmarks && p->k < MAX_POINTS; i++) {
		const tach_benchmark *b = tach_result_find(r, f->benchmarks[i], NULL);
		double n = b ? n_of(f, b) : NAN;
		double t = b ? tach__html_median(tach_benchmark_metric(b, f->metric)) : NAN;
		if (!isfinite(n) || !isfinite(t))
			continue;
		p->n[p->k] = n;
		p->t[p->k++] = t;
	}
}

/* The curve coefficient * f(n) at n, NaN when it cannot be drawn. */
static double curve(const tach_fit *f, double n)
{
	return f->coefficient * tach_complexity_eval(tach_complexity_parse(f->big_o), n);
}

/* The unit of the group's metric, from its first benchmark with one. */
static const char *unit_of(const tach_result *r, const tach_fit *f)
{
	for (size_t i = 0; i < f->n_benchmarks; i++) {
		const tach_benchmark *b = tach_result_find(r, f->benchmarks[i], NULL);
		const tach_metric *m = b ? tach_benchmark_metric(b, f->metric) : NULL;
		if (m)
			return m->unit;
	}
	return "s";
}

static int same_group(const tach_fit *a, const tach_fit *b)
{
	return !strcmp(a->param, b->param) && !strcmp(a->metric, b->metric);
}

/* The chart of the fits in the group of fit g0 (index in r->fits). */
static void chart(FILE *f, const tach_result *r, size_t g0, const char *unit)
{
	const double left = 90, right = 700, top = 10, bottom = 170;
	double nlo = INFINITY, nhi = -INFINITY, tlo = INFINITY, thi = -INFINITY;
	points *p = malloc(sizeof *p);
	if (!p) {
		tach__html_nomem();
		return;
	}
	for (size_t i = g0; i < r->n_fits; i++) {
		if (!same_group(r->fits[g0], r->fits[i]))
			continue;
		collect(r, r->fits[i], p);
		for (size_t k = 0; k < p->k; k++) {
			nlo = fmin(nlo, p->n[k]), nhi = fmax(nhi, p->n[k]);
			if (p->t[k] > 0)
				tlo = fmin(tlo, p->t[k]), thi = fmax(thi, p->t[k]);
		}
	}
	tach__axis ax, ay;
	if (!(nlo <= nhi) || !(tlo <= thi) || tach__axis_make(nlo, nhi, "count", 1, &ax) ||
	    tach__axis_make(tlo, thi, unit, 1, &ay)) {
		free(p);
		return;
	}
	fputs("<svg class=dist viewBox='0 0 740 206' role=img aria-label='time against n with "
	      "the fitted curves'>",
	      f);
	tach__svg_ygrid(f, &ay, bottom, top, left, right);
	tach__svg_xgrid(f, &ax, left, right, top, bottom);
	fputs("<text text-anchor=middle x='395' y='202'>", f);
	tach__html_text(f, r->fits[g0]->param);
	fputs("</text>", f);
	size_t c = 0;
	for (size_t i = g0; i < r->n_fits; i++) {
		const tach_fit *fit = r->fits[i];
		if (!same_group(r->fits[g0], fit))
			continue;
		const char *col = colours[c++ % N_COLOURS];
		collect(r, fit, p);
		/* the curve, sampled evenly along the drawn axis */
		fprintf(f, "<polyline class=line stroke-width=1.6 stroke-dasharray='5 3' "
		           "style='stroke:%s' points='", col);
		for (int s = 0; s <= CURVE_STEPS; s++) {
			double u = (double)s / CURVE_STEPS;
			double n = ax.log ? nlo * pow(nhi / nlo, u) : nlo + (nhi - nlo) * u;
			double y = curve(fit, n);
			if (!isfinite(y) || (ay.log && !(y > 0)))
				continue;
			tach__svg_num(f, tach__axis_px(&ax, n, left, right));
			fputc(',', f);
			tach__svg_num(f, tach__axis_px(&ay, y, bottom, top));
			fputc(' ', f);
		}
		fputs("'><title>", f);
		tach__html_text(f, fit->name);
		fprintf(f, ": O(%s)</title></polyline>", fit->big_o);
		for (size_t k = 0; k < p->k; k++) {
			char val[64];
			tach__html_value(val, sizeof val, p->t[k], unit);
			fprintf(f, "<circle r=4 style='fill:%s' cx='", col);
			tach__svg_num(f, tach__axis_px(&ax, p->n[k], left, right));
			fputs("' cy='", f);
			tach__svg_num(f, tach__axis_px(&ay, p->t[k], bottom, top));
			fputs("'><title>", f);
			tach__html_text(f, fit->name);
			fprintf(f, " at %g: %s</title></circle>", p->n[k], val);
		}
		/* the legend, top left, one line per family */
		fprintf(f, "<text x='98' y='%zu' style='fill:%s'>● ", 24 + 14 * (c - 1), col);
		tach__html_text(f, fit->name);
		fprintf(f, " — O(%s)</text>", fit->big_o);
	}
	fputs("</svg>\n", f);
	free(p);
}

/* A fit's coefficient in the metric's unit per unit of f(n). */
static void coefficient(char *buf, size_t size, const tach_fit *fit, const char *unit)
{
	char v[64];
	tach__html_value(v, sizeof v, fit->coefficient, unit);
	snprintf(buf, size, "%s × %s", v, fit->big_o);
}

static void table(FILE *f, const tach_result *base, const tach_result *r, size_t g0,
                  const char *unit)
{
	fputs("<table class=mini><thead><tr><th class=l>benchmark</th><th>curve</th>"
	      "<th>coefficient</th><th>RMS</th><th>sizes</th>",
	      f);
	if (base)
		fputs("<th>base curve</th><th>base RMS</th>", f);
	fputs("</tr></thead><tbody>", f);
	for (size_t i = g0; i < r->n_fits; i++) {
		const tach_fit *fit = r->fits[i];
		if (!same_group(r->fits[g0], fit))
			continue;
		char co[128];
		coefficient(co, sizeof co, fit, unit);
		fputs("<tr><td class=l><bdi>", f);
		tach__html_text(f, fit->name);
		fputs("</bdi></td><td>O(", f);
		tach__html_text(f, fit->big_o);
		fprintf(f, ")%s</td><td>", fit->automatic ? " <span class=meta>auto</span>" : "");
		tach__html_text(f, co);
		fprintf(f, "</td><td>%.1f%%</td><td>%zu</td>", fit->rms * 100, fit->n_benchmarks);
		if (base) {
			const tach_fit *bf = tach_result_fit(base, fit->name, fit->metric);
			if (bf) {
				coefficient(co, sizeof co, bf, unit);
				fputs("<td>", f);
				tach__html_text(f, co);
				fprintf(f, "</td><td>%.1f%%</td>", bf->rms * 100);
			} else {
				fputs("<td>-</td><td>-</td>", f);
			}
		}
		fputs("</tr>", f);
	}
	fputs("</tbody></table>\n", f);
}

void tach__html_complexity(FILE *f, const tach_result *base, const tach_result *cand)
{
	if (!cand->n_fits)
		return;
	fputs("<h2>Complexity</h2><p class=meta>Median of each benchmark against n, and the "
	      "curve fitted to them by least squares (dashed): time ≈ coefficient × f(n); RMS is "
	      "the residuals' root mean square over the mean time.</p>\n",
	      f);
	for (size_t g = 0; g < cand->n_fits; g++) {
		size_t first = 0;
		while (!same_group(cand->fits[first], cand->fits[g]))
			first++;
		if (first != g)
			continue; /* drawn with its group */
		const char *unit = unit_of(cand, cand->fits[g]);
		fputs("<details open data-name=\"", f);
		tach__html_text(f, cand->fits[g]->name);
		fputs("\"><summary>", f);
		tach__html_text(f, cand->fits[g]->metric);
		fputs(" against <bdi>", f);
		tach__html_text(f, cand->fits[g]->param);
		fputs("</bdi></summary>\n<div class=pair>", f);
		chart(f, cand, g, unit);
		table(f, base, cand, g, unit);
		fputs("</div></details>\n", f);
	}
}
