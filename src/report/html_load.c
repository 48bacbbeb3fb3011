/* html_load.c - the "Load" section of the HTML report: for every sweep of
 * an open-loop load test (tach/load.h: the benchmarks of one workload at
 * several set rates), latency against ACHIEVED rate -- p50, p90, p99 and
 * p99.9 as lines, the knee marked -- and a table of the percentiles per
 * set rate.  Drawn like the scaling charts (html_scaling.c) with the
 * shared axes of svg.c; latency goes on a log axis when it spans more than
 * two decades, as it does once the queue builds up past the knee.
 */
#include <math.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>

#include "tach/load.h"
#include "html.h"
#include "svg.h"

static const struct {
	const char *label, *color;
	size_t off; /* of the value in tach_load_point */
} lines[] = {
	{"p50", "#12a150", offsetof(tach_load_point, p50)},
	{"p90", "#6172f3", offsetof(tach_load_point, p90)},
	{"p99", "#c4850c", offsetof(tach_load_point, p99)},
	{"p99.9", "#d92d20", offsetof(tach_load_point, p999)},
};
#define N_LINES (sizeof lines / sizeof *lines)

static double at(const tach_load_point *p, size_t line)
{
	return *(const double *)((const char *)p + lines[line].off);
}

/* x of a point: its achieved rate, else its set rate */
static double xval(const tach_load_point *p)
{
	return isfinite(p->achieved) ? p->achieved : p->rate;
}

static void chart(FILE *f, const tach_load_sweep *s)
{
	const double left = 90, right = 700, top = 10, bottom = 160;
	double xmax = 0, ylo = INFINITY, yhi = 0;
	for (size_t i = 0; i < s->n; i++) {
		xmax = fmax(xmax, xval(&s->points[i]));
		for (size_t l = 0; l < N_LINES; l++) {
			double v = at(&s->points[i], l);
			if (v > 0 && isfinite(v)) {
				ylo = fmin(ylo, v);
				yhi = fmax(yhi, v);
			}
		}
	}
	if (!(yhi > 0))
		return;
	tach__axis ax, ay;
	if (tach__axis_make(0, xmax, "/s", 0, &ax) || tach__axis_make(ylo, yhi, "s", 1, &ay))
		return;
	fputs("<svg class=dist viewBox='0 0 740 196' role=img aria-label='latency against "
	      "achieved rate'>",
	      f);
	tach__svg_ygrid(f, &ay, bottom, top, left, right);
	tach__svg_xgrid(f, &ax, left, right, top, bottom);
	fputs("<text text-anchor=middle x='395' y='192'>achieved rate (starts per second)</text>", f);
	fputs("<text x='98' y='24'>", f);
	for (size_t l = 0; l < N_LINES; l++)
		fprintf(f, "<tspan fill='%s'>● %s</tspan>  ", lines[l].color, lines[l].label);
	fputs("<tspan class=meta>latency from the scheduled start</tspan></text>", f);
	if (s->knee != SIZE_MAX) {
		double x = tach__axis_px(&ax, xval(&s->points[s->knee]), left, right);
		fputs("<line class='same line' stroke-dasharray='5 4' x1='", f);
		tach__svg_num(f, x);
		fprintf(f, "' y1='%g' x2='", top);
		tach__svg_num(f, x);
		fprintf(f, "' y2='%g'><title>knee: %.10g/s set</title></line><text x='", bottom,
		        s->points[s->knee].rate);
		tach__svg_num(f, x + 4);
		fputs("' y='40'>knee</text>", f);
	}
	for (size_t l = 0; l < N_LINES; l++) {
		fprintf(f, "<polyline class=line stroke='%s' stroke-width=1.8 points='", lines[l].color);
		for (size_t i = 0; i < s->n; i++) {
			double v = at(&s->points[i], l);
			if (!(v > 0) || !isfinite(v))
				continue;
			tach__svg_num(f, tach__axis_px(&ax, xval(&s->points[i]), left, right));
			fputc(',', f);
			tach__svg_num(f, tach__axis_px(&ay, v, bottom, top));
			fputc(' ', f);
		}
		fputs("'/>", f);
		for (size_t i = 0; i < s->n; i++) {
			const tach_load_point *p = &s->points[i];
			double v = at(p, l);
			if (!(v > 0) || !isfinite(v))
				continue;
			char val[64];
			tach__html_value(val, sizeof val, v, "s");
			fprintf(f, "<circle r=3.5 fill='%s' %s cx='", lines[l].color,
			        p->sustained ? "" : "fill-opacity=0 stroke-width=1.5 stroke='#d92d20'");
			tach__svg_num(f, tach__axis_px(&ax, xval(p), left, right));
			fputs("' cy='", f);
			tach__svg_num(f, tach__axis_px(&ay, v, bottom, top));
			fprintf(f, "'><title>set %.10g/s, achieved %.1f/s: %s %s%s</title></circle>", p->rate,
			        xval(p), lines[l].label, val, p->sustained ? "" : " (not sustained)");
		}
	}
	fputs("</svg>\n", f);
}

static void table(FILE *f, const tach_load_sweep *s)
{
	fputs("<table class=mini><thead><tr><th>set rate</th><th>achieved</th><th>p50</th>"
	      "<th>p90</th><th>p99</th><th>p99.9</th><th>service p90</th><th></th></tr></thead>"
	      "<tbody>",
	      f);
	for (size_t i = 0; i < s->n; i++) {
		const tach_load_point *p = &s->points[i];
		char v[6][64];
		tach__html_value(v[0], sizeof v[0], p->achieved, "/s");
		for (size_t l = 0; l < N_LINES; l++)
			tach__html_value(v[1 + l], sizeof v[1 + l], at(p, l), "s");
		tach__html_value(v[5], sizeof v[5], p->service_p90, "s");
		fprintf(f, "<tr><td>%.10g/s</td><td>%s</td><td>%s</td><td>%s</td><td>%s</td><td>%s</td>"
		           "<td>%s</td><td class=l>%s</td></tr>",
		        p->rate, v[0], v[1], v[2], v[3], v[4], v[5],
		        i == s->knee                  ? "the knee"
		        : i == s->first_unsustained   ? "first rate not sustained"
		        : !p->sustained               ? "not sustained"
		                                      : "");
	}
	fputs("</tbody></table>\n", f);
}

void tach__html_load(FILE *f, const tach_result *cand)
{
	tach_load_sweep *sw;
	size_t n;
	if (tach_load_sweeps(cand, 0, &sw, &n)) {
		tach__html_nomem();
		return;
	}
	if (!n)
		return;
	fputs("<h2>Load</h2><p class=meta>Open-loop load tests: latency from each run's scheduled "
	      "start against the rate achieved, per set rate.  The knee is the highest rate whose "
	      "p99 stays within 2× the lowest rate's (every rate up to it sustained: achieved ≥ 95 % "
	      "of set, none dropped); hollow points were not sustained.</p>\n",
	      f);
	for (size_t k = 0; k < n; k++) {
		const tach_load_sweep *s = &sw[k];
		fprintf(f, "<details%s data-name=\"", n <= 6 ? " open" : "");
		tach__html_text(f, s->name);
		fputs("\"><summary><bdi>", f);
		tach__html_text(f, s->name);
		fprintf(f, "</bdi> <span class=meta>%zu rate%s", s->n, s->n == 1 ? "" : "s");
		if (s->knee != SIZE_MAX)
			fprintf(f, ", knee %.10g/s", s->points[s->knee].rate);
		if (s->first_unsustained != SIZE_MAX)
			fprintf(f, ", not sustained from %.10g/s", s->points[s->first_unsustained].rate);
		fputs("</span></summary>\n<div class=pair>", f);
		chart(f, s);
		table(f, s);
		fputs("</div></details>\n", f);
	}
	tach_load_sweeps_free(sw, n);
}
