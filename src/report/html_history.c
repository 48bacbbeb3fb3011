/* html_history.c - the report's "History" section: per series of a
 * history store, each run's median as a line, change points as dashed
 * lines with their step and commit, the baseline as a dotted one.
 */
#include <math.h>
#include <stdio.h>

#include "tach/changepoint.h"
#include "tach/report.h"
#include "tach/store.h"
#include "report/emit.h"
#include "report/html.h"
#include "report/svg.h"

/* A series as a line of run medians, each change point as a dashed
 * vertical line at its first run, the baseline as a horizontal one. */
static void series_chart(FILE *f, const tach_html_series *s)
{
	if (!s->n)
		return;
	double lo = INFINITY, hi = -INFINITY;
	for (size_t i = 0; i < s->n; i++) {
		lo = fmin(lo, s->points[i].median);
		hi = fmax(hi, s->points[i].median);
	}
	if (isfinite(s->baseline)) {
		lo = fmin(lo, s->baseline);
		hi = fmax(hi, s->baseline);
	}
	tach__axis ay;
	if (tach__axis_make(lo, hi, s->unit, 1, &ay))
		return;
	const double left = 90, right = 700, top = 10, bottom = 150;
	double span = s->n > 1 ? (double)(s->n - 1) : 1;
	fputs("<svg class=dist viewBox='0 0 740 172' role=img aria-label='history'>", f);
	tach__svg_ygrid(f, &ay, bottom, top, left, right);
	if (isfinite(s->baseline)) {
		double y = tach__axis_px(&ay, s->baseline, bottom, top);
		fputs("<line class=base stroke-dasharray='2 3' x1='90' x2='700' y1='", f);
		tach__svg_num(f, y);
		fputs("' y2='", f);
		tach__svg_num(f, y);
		fputs("'><title>baseline</title></line>", f);
	}
	for (size_t k = 0; k < s->n_cps; k++) {
		const tach_changepoint *c = &s->cps[k];
		double x = left + (right - left) * (double)c->index / span;
		const tach_history_point *p = &s->points[c->index];
		int worse = s->direction == TACH_HIGHER_IS_BETTER ? c->change < 1 : c->change > 1;
		fprintf(f, "<line class=%s stroke-dasharray='4 3' x1='", worse ? "regressed" : "improved");
		tach__svg_num(f, x);
		fputs("' x2='", f);
		tach__svg_num(f, x);
		fprintf(f, "' y1='%g' y2='%g'><title>change %+.2f%%, p = %.2g, run #%lld", top, bottom,
		        (c->change - 1) * 100, c->p, (long long)p->run);
		if (p->git_commit) {
			fputs(", commit ", f);
			tach__html_commit(f, p->git_commit, 12);
		}
		fputs("</title></line>", f);
		/* the size of the step beside it, readable without hovering */
		fprintf(f, "<text class=%s %sx='", worse ? "regressed" : "improved",
		        x > 620 ? "text-anchor=end " : "");
		tach__svg_num(f, x > 620 ? x - 4 : x + 4);
		fprintf(f, "' y='%g'>%+.1f%%</text>", top + 10, (c->change - 1) * 100);
	}
	/* x is the run's index, scaled by the transform: a history of a
	 * thousand series stays small */
	fprintf(f, "<polyline class='cand line' stroke-width=1.5 vector-effect=non-scaling-stroke "
	           "transform='translate(%g 0) scale(%.6g 1)' points='",
	        left, (right - left) / span);
	for (size_t i = 0; i < s->n; i++) {
		fprintf(f, "%zu,", i);
		tach__svg_num(f, tach__axis_px(&ay, s->points[i].median, bottom, top));
		fputc(' ', f);
	}
	fputs("'/>", f);
	/* commits on the axis: the first, the last, and each change's */
	for (size_t i = 0; i < s->n; i++) {
		int mark = i == 0 || i + 1 == s->n;
		for (size_t k = 0; !mark && k < s->n_cps; k++)
			mark = s->cps[k].index == i;
		if (!mark)
			continue;
		fputs("<text text-anchor=middle y='166' x='", f);
		tach__svg_num(f, left + (right - left) * (double)i / span);
		fputs("'>", f);
		if (s->points[i].git_commit)
			tach__html_commit(f, s->points[i].git_commit, 7);
		else
			fprintf(f, "#%lld", (long long)s->points[i].run);
		fputs("</text>", f);
	}
	fputs("</svg>\n", f);
}

void tach__html_history(FILE *f, const tach_html_series *v, size_t n)
{
	fputs("<h2>History</h2><p class=meta>Each run's median, oldest first; dashed lines mark "
	      "change points (red: slower), the dotted line the baseline.</p>\n",
	      f);
	for (size_t i = 0; i < n; i++) {
		const tach_html_series *s = &v[i];
		char label[700];
		tach__display_name(label, sizeof label, s->name, s->params);
		fprintf(f, "<details%s data-name=\"", s->n_cps ? " open" : "");
		tach__html_text(f, label);
		fputs("\"><summary>", f);
		tach__html_name(f, s->name, s->params);
		fputs(" ", f);
		tach__html_text(f, s->metric);
		fprintf(f, " <span class=meta>%zu runs", s->n);
		if (s->n_cps)
			fprintf(f, ", %zu change point%s", s->n_cps, s->n_cps == 1 ? "" : "s");
		fputs("</span></summary>\n", f);
		series_chart(f, s);
		fputs("</details>\n", f);
	}
}

void tach__html_history_chart(FILE *f, const tach_html_series *s)
{
	series_chart(f, s);
}
