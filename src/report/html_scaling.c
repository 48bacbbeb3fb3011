/* html_scaling.c - the report's "Scaling" section: for each family of
 * benchmarks run at several thread counts (a "threads" parameter, as the
 * benchmark library and Google Benchmark write it) the throughput against
 * threads beside the ideal line, and the scaling efficiency
 * throughput_N / ((N / N0) x throughput_N0), N0 the fewest threads run
 * (1 as a rule).  Points with more threads than the machine has CPUs are
 * drawn hollow and labelled oversubscribed.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tach/result.h"
#include "report/emit.h"
#include "report/html.h"
#include "report/svg.h"

#define MAX_POINTS 64

typedef struct point {
	long threads;
	double cand, base; /* throughput, NaN when unknown */
} point;

typedef struct family {
	char key[700];   /* name without "/threads:N" + other params */
	char label[700]; /* for display */
	const char *unit;
	point pts[MAX_POINTS];
	size_t n;
} family;

/* Throughput of a benchmark as a rate: its items or bytes per second, or
 * else the threads' iterations per second from the time per iteration
 * (each thread runs the iterations, so N / time). */
static double throughput(const tach_benchmark *b, long threads, const char **unit)
{
	if (!b)
		return NAN;
	const tach_metric *m = tach_benchmark_metric(b, TACH_M_ITEMS_PER_SECOND);
	if (!m)
		m = tach_benchmark_metric(b, TACH_M_BYTES_PER_SECOND);
	if (m) {
		*unit = m->unit;
		return tach__html_median(m);
	}
	m = tach_benchmark_metric(b, TACH_M_TIME);
	double t = tach__html_median(m);
	if (!(t > 0))
		return NAN;
	*unit = "/s";
	return (double)threads / t;
}

/* The family key and label of a benchmark: its name without the
 * "/threads:N" part and its parameters without threads.  The key gives
 * each part with its length ("LEN:TEXT,"), so that no name or value can
 * pass for another's; -1 when it does not fit (such a benchmark is left
 * out of the section rather than merged with another). */
static int family_of(const tach_benchmark *b, char *key, size_t ksize, char *label, size_t lsize)
{
	char name[512];
	if (strlen(b->name) >= sizeof name)
		return -1;
	snprintf(name, sizeof name, "%s", b->name);
	char *t = strstr(name, "/threads:");
	if (t) {
		char *end = t + 9;
		while (*end >= '0' && *end <= '9')
			end++;
		memmove(t, end, strlen(end) + 1);
	}
	tach_kvlist rest = {0};
	for (size_t i = 0; i < b->params.n; i++)
		if (strcmp(b->params.items[i].key, "threads") &&
		    tach_kvlist_set(&rest, b->params.items[i].key, b->params.items[i].value))
			tach__html_nomem(); /* a label without a parameter would merge families */
	tach__display_name(label, lsize, name, &rest);
	size_t k = (size_t)snprintf(key, ksize, "%zu:%s,", strlen(name), name);
	for (size_t i = 0; i < rest.n && k < ksize; i++) {
		const char *pk = rest.items[i].key, *pv = rest.items[i].value;
		k += (size_t)snprintf(key + k, ksize - k, "%zu:%s,%zu:%s,", strlen(pk), pk, strlen(pv),
		                      pv);
	}
	tach_kvlist_release(&rest);
	return k < ksize ? 0 : -1;
}

static int by_threads(const void *a, const void *b)
{
	long x = ((const point *)a)->threads, y = ((const point *)b)->threads;
	return (x > y) - (x < y);
}

/* Families of cand with two or more thread counts; *n_out of them. */
static family *families(const tach_result *base, const tach_result *cand, size_t *n_out)
{
	family *v = NULL;
	size_t n = 0, cap = 0;
	for (size_t i = 0; i < cand->n_benchmarks; i++) {
		const tach_benchmark *b = cand->benchmarks[i];
		const char *th = tach_kvlist_get(&b->params, "threads");
		char *end;
		long threads = th ? strtol(th, &end, 10) : 0;
		if (!th || *end || threads < 1)
			continue;
		char key[700], label[700];
		if (family_of(b, key, sizeof key, label, sizeof label))
			continue;
		size_t k = 0;
		while (k < n && strcmp(v[k].key, key))
			k++;
		if (k == n) {
			if (n == cap) {
				size_t nc = cap ? cap * 2 : 8;
				family *nv = realloc(v, nc * sizeof *nv);
				if (!nv) {
					tach__html_nomem();
					break;
				}
				v = nv;
				cap = nc;
			}
			memset(&v[n], 0, sizeof v[n]);
			memcpy(v[n].key, key, sizeof key);
			memcpy(v[n].label, label, sizeof label);
			n++;
		}
		family *fam = &v[k];
		if (fam->n == MAX_POINTS)
			continue;
		const char *unit = "/s", *bunit = "/s";
		point *p = &fam->pts[fam->n];
		p->threads = threads;
		p->cand = throughput(b, threads, &unit);
		p->base = base ? throughput(tach_result_find(base, b->name, &b->params), threads, &bunit)
		               : NAN;
		if (strcmp(unit, bunit))
			p->base = NAN;
		if (!fam->unit)
			fam->unit = unit;
		if (strcmp(fam->unit, unit) || !isfinite(p->cand))
			continue;
		fam->n++;
	}
	size_t kept = 0;
	for (size_t k = 0; k < n; k++)
		if (v[k].n >= 2) {
			qsort(v[k].pts, v[k].n, sizeof v[k].pts[0], by_threads);
			if (kept != k)
				v[kept] = v[k];
			kept++;
		}
	*n_out = kept;
	return v;
}

/* Efficiency of point i against the family's first (fewest threads). */
static double efficiency(const family *fam, size_t i, int base)
{
	const point *p0 = &fam->pts[0], *p = &fam->pts[i];
	double t0 = base ? p0->base : p0->cand, t = base ? p->base : p->cand;
	if (!(t0 > 0))
		return NAN;
	return t / ((double)p->threads / (double)p0->threads * t0);
}

static void line(FILE *f, const family *fam, int base, const tach__axis *ax, const tach__axis *ay,
                 const char *cls, int cpus)
{
	const double left = 90, right = 700, top = 10, bottom = 160;
	fprintf(f, "<polyline class='%s line' stroke-width=1.8 points='", cls);
	for (size_t i = 0; i < fam->n; i++) {
		double v = base ? fam->pts[i].base : fam->pts[i].cand;
		if (!isfinite(v))
			continue;
		tach__svg_num(f, tach__axis_px(ax, (double)fam->pts[i].threads, left, right));
		fputc(',', f);
		tach__svg_num(f, tach__axis_px(ay, v, bottom, top));
		fputc(' ', f);
	}
	fputs("'/>", f);
	for (size_t i = 0; i < fam->n; i++) {
		double v = base ? fam->pts[i].base : fam->pts[i].cand;
		if (!isfinite(v))
			continue;
		int over = cpus > 0 && fam->pts[i].threads > cpus;
		char val[64];
		tach__html_value(val, sizeof val, v, fam->unit);
		fprintf(f, "<circle class=%s r=4 %s cx='", cls, over ? "fill-opacity=0 stroke-width=1.5" : "");
		tach__svg_num(f, tach__axis_px(ax, (double)fam->pts[i].threads, left, right));
		fputs("' cy='", f);
		tach__svg_num(f, tach__axis_px(ay, v, bottom, top));
		fprintf(f, "'><title>%ld threads: %s, efficiency %.0f%%%s</title></circle>",
		        fam->pts[i].threads, val, efficiency(fam, i, base) * 100,
		        over ? " (oversubscribed)" : "");
	}
}

static void chart(FILE *f, const family *fam, int two, int cpus)
{
	const double left = 90, right = 700, top = 10, bottom = 160;
	long nmax = fam->pts[fam->n - 1].threads, n0 = fam->pts[0].threads;
	double ymax = 0;
	for (size_t i = 0; i < fam->n; i++)
		ymax = fmax(ymax, fmax(fam->pts[i].cand, two && isfinite(fam->pts[i].base)
		                                             ? fam->pts[i].base : 0));
	/* the ideal line ends where the measured points do, capped so that a
	 * family that does not scale at all still shows its own shape */
	double ideal = fam->pts[0].cand * (double)nmax / (double)n0;
	double ytop = fmax(ymax, fmin(ideal, ymax * 3));
	tach__axis ax, ay;
	if (tach__axis_make(0, (double)nmax, "count", 0, &ax) ||
	    tach__axis_make(0, ytop, fam->unit, 0, &ay))
		return;
	fputs("<svg class=dist viewBox='0 0 740 196' role=img aria-label='throughput against "
	      "threads'>",
	      f);
	if (cpus > 0 && nmax > cpus) {
		double x = tach__axis_px(&ax, cpus, left, right);
		fputs("<rect class=over x='", f);
		tach__svg_num(f, x);
		fprintf(f, "' y='%g' width='", top);
		tach__svg_num(f, right - x);
		fprintf(f, "' height='%g'/><text x='", bottom - top);
		tach__svg_num(f, x + 4);
		fprintf(f, "' y='24'>oversubscribed (&gt; %d CPUs)</text>", cpus);
	}
	tach__svg_ygrid(f, &ay, bottom, top, left, right);
	tach__svg_xgrid(f, &ax, left, right, top, bottom);
	fprintf(f, "<text text-anchor=middle x='395' y='192'>threads</text>");
	/* ideal: linear from the first point */
	fputs("<line class='same line' stroke-dasharray='5 4' x1='", f);
	tach__svg_num(f, tach__axis_px(&ax, (double)n0, left, right));
	fputs("' y1='", f);
	tach__svg_num(f, tach__axis_px(&ay, fam->pts[0].cand, bottom, top));
	/* clamp the end to the chart: along the line to where it leaves the top */
	double xe = (double)nmax, ye = ideal;
	if (ideal > ay.hi && ideal > fam->pts[0].cand) {
		ye = ay.hi;
		xe = n0 + (double)(nmax - n0) * (ye - fam->pts[0].cand) / (ideal - fam->pts[0].cand);
	}
	fputs("' x2='", f);
	tach__svg_num(f, tach__axis_px(&ax, xe, left, right));
	fputs("' y2='", f);
	tach__svg_num(f, tach__axis_px(&ay, ye, bottom, top));
	fputs("'><title>ideal: linear scaling</title></line>", f);
	fputs("<text x='98' y='24'>", f);
	if (two)
		fputs("<tspan class=base>● base</tspan>  <tspan class=cand>● candidate</tspan>  ", f);
	fputs("<tspan class=meta>- - linear scaling</tspan></text>", f);
	if (two)
		line(f, fam, 1, &ax, &ay, "base", cpus);
	line(f, fam, 0, &ax, &ay, two ? "cand" : "base", cpus);
	fputs("</svg>\n", f);
}

static void table(FILE *f, const family *fam, int two, int cpus)
{
	fputs("<table class=mini><thead><tr><th>threads</th>", f);
	fputs(two ? "<th>base</th><th>efficiency</th><th>candidate</th><th>efficiency</th>"
	          : "<th>throughput</th><th>efficiency</th>",
	      f);
	fputs("<th></th></tr></thead><tbody>", f);
	for (size_t i = 0; i < fam->n; i++) {
		const point *p = &fam->pts[i];
		char c[64], b[64];
		tach__html_value(c, sizeof c, p->cand, fam->unit);
		tach__html_value(b, sizeof b, p->base, fam->unit);
		fprintf(f, "<tr><td>%ld</td>", p->threads);
		if (two)
			fprintf(f, "<td>%s</td><td>%.0f%%</td>", b, efficiency(fam, i, 1) * 100);
		fprintf(f, "<td>%s</td><td>%.0f%%</td><td class=l>%s</td></tr>", c,
		        efficiency(fam, i, 0) * 100,
		        cpus > 0 && p->threads > cpus ? "oversubscribed"
		        : i == 0                      ? "the reference"
		                                      : "");
	}
	fputs("</tbody></table>\n", f);
}

void tach__html_scaling(FILE *f, const tach_result *base, const tach_result *cand)
{
	size_t n = 0;
	family *v = families(base, cand, &n);
	if (!n) {
		free(v);
		return;
	}
	int cpus = cand->meta.cpu_count;
	fputs("<h2>Scaling</h2><p class=meta>Throughput of all threads together against the "
	      "thread count; the dashed line is linear scaling from the first point, efficiency "
	      "= throughput<sub>N</sub> / (N/N<sub>0</sub> × throughput<sub>N<sub>0</sub></sub>).</p>\n",
	      f);
	for (size_t k = 0; k < n; k++) {
		const family *fam = &v[k];
		int two = 0;
		for (size_t i = 0; base && i < fam->n; i++)
			two |= isfinite(fam->pts[i].base);
		fprintf(f, "<details%s data-name=\"", n <= 6 ? " open" : "");
		tach__html_text(f, fam->label);
		fputs("\"><summary><bdi>", f);
		tach__html_text(f, fam->label);
		fprintf(f, "</bdi> <span class=meta>%zu thread counts, efficiency at %ld: %.0f%%</span>"
		           "</summary>\n<div class=pair>",
		        fam->n, fam->pts[fam->n - 1].threads, efficiency(fam, fam->n - 1, 0) * 100);
		chart(f, fam, two, cpus);
		table(f, fam, two, cpus);
		fputs("</div></details>\n", f);
	}
	free(v);
}
