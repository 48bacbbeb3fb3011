/* svg.c - axes for the report's charts: round ticks, log scale for wide
 * ranges, one display unit per axis. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tach/units.h"
#include "report/emit.h"
#include "report/svg.h"

/* The round step (1, 2 or 5 x 10^k) giving about `want` intervals. */
static double nice_step(double span, int want)
{
	double raw = span / want, mag = pow(10, floor(log10(raw))), f = raw / mag;
	return (f < 1.5 ? 1 : f < 3.5 ? 2 : f < 7.5 ? 5 : 10) * mag;
}

/* A tick label in the axis's scale with as many decimals as the step
 * needs ("4.35 ns" beside "4.36 ns", "700 M/s"), not a fixed count of
 * significant digits. */
static void label(tach__axis *a, size_t i, tach_scale sc, double step)
{
	double v = a->ticks[i] / sc.divisor, st = step / sc.divisor;
	int dec = 0;
	if (a->log)
		dec = v < 1 ? (int)ceil(-log10(v) - 1e-9) : 0;
	else if (st > 0)
		dec = (int)ceil(-log10(st) - 1e-9);
	if (dec < 0)
		dec = 0;
	if (dec > 9)
		dec = 9;
	snprintf(a->labels[i], sizeof a->labels[i], "%.*f%s%s%s", dec, v,
	         sc.unit && *sc.unit ? " " : "", sc.prefix, sc.unit ? sc.unit : "");
}

int tach__axis_make(double lo, double hi, const char *unit, int allow_log, tach__axis *a)
{
	memset(a, 0, sizeof *a);
	if (!isfinite(lo) || !isfinite(hi))
		return TACH_EINVAL;
	if (lo > hi) {
		double t = lo;
		lo = hi;
		hi = t;
	}
	if (lo == hi) {
		double d = lo ? fabs(lo) * 0.1 : 1;
		lo -= d;
		hi += d;
		if (lo < 0 && hi - 2 * d >= 0)
			lo = 0;
	}
	/* a span that overflows cannot be drawn */
	if (!isfinite(hi - lo))
		return TACH_EINVAL;
	tach_scale sc;
	if (allow_log && lo > 0 && hi / lo > 100) {
		a->log = 1;
		double e0 = floor(log10(lo)), e1 = ceil(log10(hi));
		int step = (int)ceil((e1 - e0) / (TACH_AXIS_MAX_TICKS - 1));
		if (step < 1)
			step = 1;
		for (double e = e0; e <= e1 + 1e-9 && a->n_ticks < TACH_AXIS_MAX_TICKS; e += step)
			a->ticks[a->n_ticks++] = pow(10, e);
		a->lo = pow(10, e0);
		a->hi = a->ticks[a->n_ticks - 1];
		if (a->hi < hi)
			a->hi = pow(10, e1);
		sc = tach_scale_for(unit ? unit : "count", a->ticks[a->n_ticks / 2], 0);
	} else {
		/* steps round in the unit the labels are read in: 10 MiB, not
		 * 10,000,000 B, which would read 9.54 MiB */
		sc = tach_scale_for(unit ? unit : "count", fmax(fabs(lo), fabs(hi)), 0);
		double d = sc.divisor > 0 ? sc.divisor : 1;
		double step = nice_step((hi - lo) / d, 5) * d, t0 = floor(lo / step) * step;
		for (size_t i = 0; a->n_ticks < TACH_AXIS_MAX_TICKS; i++) {
			double t = t0 + (double)i * step;
			a->ticks[a->n_ticks++] = fabs(t) < step * 1e-9 ? 0 : t;
			if (t >= hi - step * 1e-9)
				break;
		}
		a->lo = a->ticks[0];
		a->hi = a->ticks[a->n_ticks - 1];
	}
	double step = a->n_ticks > 1 ? a->ticks[1] - a->ticks[0] : 0;
	for (size_t i = 0; i < a->n_ticks; i++)
		label(a, i, sc, step);
	return 0;
}

int tach__axis_ratio(double lo, double hi, tach__axis *a)
{
	memset(a, 0, sizeof *a);
	if (!(lo > 0) || !(hi > 0) || !isfinite(lo) || !isfinite(hi))
		return TACH_EINVAL;
	/* symmetric around no change, at least +-2 % */
	double m = fmax(fabs(log(lo)), fabs(log(hi)));
	m = fmax(m, log(1.02));
	if (m >= log(10) - 1e-12) {
		/* ten times or more: decades, labelled as factors ("/100",
		 * "x100"), since -99.99% and -99.9% would sit on top of each other */
		int k = (int)ceil(m / log(10) - 1e-9);
		int mid = (k + 1) / 2;
		int e[5] = {-k, -mid, 0, mid, k};
		size_t n = k > 1 ? 5 : 3;
		const int *use = n == 5 ? e : (const int[]){-k, 0, k};
		a->log = 1;
		a->lo = pow(10, -k);
		a->hi = pow(10, k);
		for (size_t i = 0; i < n; i++) {
			a->ticks[i] = pow(10, use[i]);
			if (use[i] == 0)
				snprintf(a->labels[i], sizeof a->labels[i], "0%%");
			else
				snprintf(a->labels[i], sizeof a->labels[i], "%s%.0f", use[i] < 0 ? "/" : "x",
				         pow(10, abs(use[i])));
		}
		a->n_ticks = n;
		return 0;
	}
	double pct = expm1(m) * 100, step = nice_step(pct, 2);
	double top = ceil(pct / step) * step;
	a->log = 1;
	a->lo = 1 / (1 + top / 100);
	a->hi = 1 + top / 100;
	double marks[] = {-top, -step, 0, step, top};
	size_t n = top > step ? 5 : 3;
	const double *use = n == 5 ? marks : (const double[]){-top, 0, top};
	for (size_t i = 0; i < n; i++) {
		double p = use[i];
		/* a -x % tick sits at the mirror of +x %, i.e. ratio 1/(1+x) */
		a->ticks[i] = p >= 0 ? 1 + p / 100 : 1 / (1 - p / 100);
		/* two significant digits, never an exponent: +5%, -4.8%, +200% */
		double shown = p >= 0 ? p : (a->ticks[i] - 1) * 100;
		if (p == 0)
			snprintf(a->labels[i], sizeof a->labels[i], "0%%");
		else if (fabs(shown) >= 10)
			snprintf(a->labels[i], sizeof a->labels[i], "%+.0f%%", shown);
		else
			snprintf(a->labels[i], sizeof a->labels[i], "%+.2g%%", shown);
	}
	a->n_ticks = n;
	return 0;
}

double tach__axis_px(const tach__axis *a, double v, double px0, double px1)
{
	double f;
	if (a->log)
		f = v > 0 ? (log(v) - log(a->lo)) / (log(a->hi) - log(a->lo)) : 0;
	else
		f = a->hi > a->lo ? (v - a->lo) / (a->hi - a->lo) : 0.5;
	if (!(f >= 0))
		f = 0;
	if (f > 1)
		f = 1;
	return px0 + f * (px1 - px0);
}

void tach__svg_num(FILE *f, double v)
{
	if (!isfinite(v))
		v = 0;
	if (fabs(v) >= 1e15) { /* no decimals to keep; the integer path below would overflow */
		fprintf(f, "%.0f", v);
		return;
	}
	/* tenths of a pixel by hand: a page of a thousand charts writes
	 * millions of these, and printf's float path was most of its time */
	long long k = llround(v * 10);
	char buf[24], *p = buf + sizeof buf;
	*--p = 0;
	unsigned long long u = k < 0 ? (unsigned long long)(-k) : (unsigned long long)k;
	if (u % 10) {
		*--p = (char)('0' + u % 10);
		*--p = '.';
	}
	u /= 10;
	do {
		*--p = (char)('0' + u % 10);
		u /= 10;
	} while (u);
	if (k < 0)
		*--p = '-';
	fputs(p, f);
}

/* Grid lines go into one <path> (a tenth of the bytes of a <line> each),
 * then the labels. */
void tach__svg_xgrid(FILE *f, const tach__axis *a, double px0, double px1, double y0, double y1)
{
	fputs("<path class=axis d='", f);
	for (size_t t = 0; t < a->n_ticks; t++) {
		fputc('M', f);
		tach__svg_num(f, tach__axis_px(a, a->ticks[t], px0, px1));
		fputc(' ', f);
		tach__svg_num(f, y0);
		fputc('V', f);
		tach__svg_num(f, y1);
	}
	/* numbers need no quotes in HTML attributes: the labels are most of
	 * a chart's bytes */
	/* the labels' common y is the group's, moved by a transform (a
	 * text's y is not inherited) */
	fputs("'/><g text-anchor=middle transform=translate(0,", f);
	tach__svg_num(f, y1 + 14);
	fputs(")>", f);
	for (size_t t = 0; t < a->n_ticks; t++) {
		fputs("<text x=", f);
		tach__svg_num(f, tach__axis_px(a, a->ticks[t], px0, px1));
		fputc('>', f);
		tach__emit_html(f, a->labels[t]); /* a custom unit is the file's text */
		fputs("</text>", f);
	}
	fputs("</g>", f);
}

void tach__svg_ygrid(FILE *f, const tach__axis *a, double py0, double py1, double x0, double x1)
{
	fputs("<path class=axis d='", f);
	for (size_t t = 0; t < a->n_ticks; t++) {
		fputc('M', f);
		tach__svg_num(f, x0);
		fputc(' ', f);
		tach__svg_num(f, tach__axis_px(a, a->ticks[t], py0, py1));
		fputc('H', f);
		tach__svg_num(f, x1);
	}
	fputs("'/><g text-anchor=end transform=translate(", f);
	tach__svg_num(f, x0 - 6);
	fputs(",0)>", f);
	for (size_t t = 0; t < a->n_ticks; t++) {
		fputs("<text y=", f);
		tach__svg_num(f, tach__axis_px(a, a->ticks[t], py0, py1) + 4);
		fputc('>', f);
		tach__emit_html(f, a->labels[t]); /* a custom unit is the file's text */
		fputs("</text>", f);
	}
	fputs("</g>", f);
}
