/* html_history.c - the report's "History" section: per series of a
 * history store, each run's median as a line, change points as dashed
 * lines with their step and commit, the baseline as a dotted one.  A
 * store holds a series per benchmark metric, some ninety for the demo and
 * thousands for a suite, so the series are grouped by workload (the name
 * up to its first '/') and the ones a change made worse come first, in
 * the page and in each group: the reader opens the page for those.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tach/changepoint.h"
#include "tach/error.h"
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
	 * thousand series stays small.  The line is a path of relative steps
	 * ("l1 4 1-7 ..."), each one run to the right, in whole pixels: the
	 * chart is 140 high, so a pixel is under 1 % of its range, and a step
	 * takes about four bytes where "index,y " took seven */
	fprintf(f, "<path class='cand line' stroke-width=1.5 vector-effect=non-scaling-stroke "
	           "transform='translate(%g 0) scale(%.6g 1)' d='M0 ",
	        left, (right - left) / span);
	long prev = lround(tach__axis_px(&ay, s->points[0].median, bottom, top));
	fprintf(f, "%ld", prev);
	for (size_t i = 1; i < s->n; i++) {
		long y = lround(tach__axis_px(&ay, s->points[i].median, bottom, top));
		fputs(i == 1 ? "l1" : " 1", f);
		fprintf(f, y < prev ? "%ld" : " %ld", y - prev); /* a minus separates */
		prev = y;
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

/* How much a change point made its metric worse: +0.05 for 5 % slower
 * (or 5 % less throughput), 0 when it made it better. */
static double worsening(const tach_html_series *s, const tach_changepoint *c)
{
	double w = s->direction == TACH_HIGHER_IS_BETTER ? (c->change > 0 ? 1 / c->change : INFINITY)
	                                                 : c->change;
	return w > 1 ? w - 1 : 0;
}

/* One series' place in the order. */
typedef struct placed {
	size_t i;           /* index in the caller's array */
	size_t group;       /* index of its group's first series */
	int rank;           /* 0: a change made it worse; 1: only better; 2: none */
	double worst;       /* its largest worsening (0.05: 5 % worse) */
	int group_rank;     /* the smallest rank in its group */
	double group_worst; /* the largest worsening in its group */
} placed;

/* A series' workload: its name up to the first '/' (the whole name
 * when there is none): "channels/spsc_rtt" is in "channels", a
 * Google Benchmark family "BM_sort/1024" in "BM_sort". */
static size_t group_len(const char *name)
{
	const char *slash = name ? strchr(name, '/') : NULL;
	return slash ? (size_t)(slash - name) : name ? strlen(name) : 0;
}

static int same_group(const char *a, const char *b)
{
	size_t n = group_len(a);
	return n == group_len(b) && (!n || !memcmp(a, b, n));
}

/* Worse groups first, then groups with changes for the better, then
 * the rest; the larger worsening first; then the order given.  The same
 * inside a group. */
static int by_place(const void *pa, const void *pb)
{
	const placed *a = pa, *b = pb;
	if (a->group != b->group) {
		if (a->group_rank != b->group_rank)
			return a->group_rank - b->group_rank;
		if (a->group_worst != b->group_worst)
			return a->group_worst < b->group_worst ? 1 : -1;
		return a->group < b->group ? -1 : 1;
	}
	if (a->rank != b->rank)
		return a->rank - b->rank;
	if (a->worst != b->worst)
		return a->worst < b->worst ? 1 : -1;
	return a->i < b->i ? -1 : a->i > b->i;
}

int tach__html_history_order(const tach_html_series *v, size_t n, size_t *order)
{
	placed *p = malloc((n ? n : 1) * sizeof *p);
	if (!p)
		return TACH_ENOMEM;
	for (size_t i = 0; i < n; i++) {
		const tach_html_series *s = &v[i];
		p[i] = (placed){.i = i, .group = i, .rank = 2};
		for (size_t k = 0; k < s->n_cps; k++) {
			double w = worsening(s, &s->cps[k]);
			p[i].rank = w > 0 ? 0 : p[i].rank < 1 ? p[i].rank : 1;
			p[i].worst = fmax(p[i].worst, w);
		}
		/* the group is named by its first series: quadratic in the
		 * number of groups only, since each series stops at its own */
		for (size_t j = 0; j < i; j++)
			if (p[j].group == j && same_group(v[j].name, s->name)) {
				p[i].group = j;
				break;
			}
	}
	for (size_t i = 0; i < n; i++) {
		p[i].group_rank = 2;
		p[i].group_worst = 0;
	}
	for (size_t i = 0; i < n; i++) {
		placed *g = &p[p[i].group];
		g->group_rank = p[i].rank < g->group_rank ? p[i].rank : g->group_rank;
		g->group_worst = fmax(g->group_worst, p[i].worst);
	}
	for (size_t i = 0; i < n; i++) {
		p[i].group_rank = p[p[i].group].group_rank;
		p[i].group_worst = p[p[i].group].group_worst;
	}
	qsort(p, n, sizeof *p, by_place);
	for (size_t i = 0; i < n; i++)
		order[i] = p[i].i;
	free(p);
	return 0;
}

/* One series: folded unless a change point is in it; its summary says
 * how much worse the worst change made it. */
static void one_series(FILE *f, const tach_html_series *s)
{
	char label[700];
	tach__display_name(label, sizeof label, s->name, s->params);
	double worst = 0;
	for (size_t k = 0; k < s->n_cps; k++)
		worst = fmax(worst, worsening(s, &s->cps[k]));
	fprintf(f, "<details%s data-name=\"", s->n_cps ? " open" : "");
	tach__html_text(f, label);
	fputs("\"><summary>", f);
	tach__html_name(f, s->name, s->params);
	fputs(" ", f);
	tach__html_text(f, s->metric);
	if (worst > 0)
		fprintf(f, " <b class=worse>%.1f%% worse</b>", worst * 100);
	fprintf(f, " <span class=meta>%zu runs", s->n);
	if (s->n_cps)
		fprintf(f, ", %zu change point%s", s->n_cps, s->n_cps == 1 ? "" : "s");
	fputs("</span></summary>\n", f);
	series_chart(f, s);
	fputs("</details>\n", f);
}

void tach__html_history(FILE *f, const tach_html_series *v, size_t n)
{
	fputs("<h2>History</h2><p class=meta>Each run's median, oldest first; dashed lines mark "
	      "change points (red: worse), the dotted line the baseline. Grouped by workload "
	      "(the name up to its first <code>/</code>); the series a change made worse "
	      "come first, then those with changes for the better.</p>\n",
	      f);
	size_t *order = malloc((n ? n : 1) * sizeof *order);
	if (!order || tach__html_history_order(v, n, order)) {
		free(order);
		tach__html_nomem();
		return;
	}
	for (size_t i = 0; i < n;) {
		/* a group: the run of series in the order that share it */
		const tach_html_series *first = &v[order[i]];
		size_t end = i, worse = 0, better = 0;
		for (; end < n && same_group(v[order[end]].name, first->name); end++) {
			const tach_html_series *s = &v[order[end]];
			double w = 0;
			for (size_t k = 0; k < s->n_cps; k++)
				w = fmax(w, worsening(s, &s->cps[k]));
			worse += w > 0;
			better += w == 0 && s->n_cps;
		}
		size_t len = group_len(first->name);
		fprintf(f, "<details class=group%s><summary><b>", worse || better ? " open" : "");
		char *g = strndup(first->name ? first->name : "", len);
		if (!g)
			tach__html_nomem();
		tach__html_text(f, g);
		free(g);
		fprintf(f, "</b> <span class=meta>%zu series</span>", end - i);
		if (worse)
			fprintf(f, " <span class=worse>%zu worse</span>", worse);
		if (better)
			fprintf(f, " <span class=better>%zu better</span>", better);
		fputs("</summary>\n", f);
		/* the changed series, then the rest folded once more when there
		 * is more than one of them: a group of twenty with one change
		 * shows the change and one line */
		size_t rest = end - i - worse - better;
		for (; i < end && v[order[i]].n_cps; i++)
			one_series(f, &v[order[i]]);
		if (rest > 1 && (worse || better))
			fprintf(f, "<details class=rest><summary class=meta>%zu series without a change "
			           "point</summary>\n",
			        rest);
		for (; i < end; i++)
			one_series(f, &v[order[i]]);
		if (rest > 1 && (worse || better))
			fputs("</details>\n", f);
		fputs("</details>\n", f);
	}
	free(order);
}

void tach__html_history_chart(FILE *f, const tach_html_series *s)
{
	series_chart(f, s);
}
