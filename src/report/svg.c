/* svg.c - axes for the report's charts: round ticks, log scale for wide
 * ranges, one display unit per axis. */
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "tach/tach.h"
#include "report/svg.h"

/* The round step (1, 2 or 5 x 10^k) giving about `want` intervals. */
static double nice_step(double span, int want)
{
	double raw = span / want, mag = pow(10, floor(log10(raw))), f = raw / mag;
	return (f < 1.5 ? 1 : f < 3.5 ? 2 : f < 7.5 ? 5 : 10) * mag;
}

static void label(tach__axis *a, size_t i, tach_scale sc)
{
	char num[24];
	tach_format_scaled(num, sizeof num, a->ticks[i], sc);
	snprintf(a->labels[i], sizeof a->labels[i], "%s%s%s%s", num, sc.unit && *sc.unit ? " " : "",
	         sc.prefix, sc.unit ? sc.unit : "");
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
	} else {
		double step = nice_step(hi - lo, 5), t0 = floor(lo / step) * step;
		for (double t = t0; a->n_ticks < TACH_AXIS_MAX_TICKS; t += step) {
			a->ticks[a->n_ticks++] = fabs(t) < step * 1e-9 ? 0 : t;
			if (t >= hi - step * 1e-9)
				break;
		}
		a->lo = a->ticks[0];
		a->hi = a->ticks[a->n_ticks - 1];
	}
	/* one scale for every label, chosen by the largest magnitude */
	double big = fmax(fabs(a->lo), fabs(a->hi));
	tach_scale sc = tach_scale_for(unit ? unit : "count", big, 0);
	if (a->log)
		sc = tach_scale_for(unit ? unit : "count", a->ticks[a->n_ticks / 2], 0);
	for (size_t i = 0; i < a->n_ticks; i++)
		label(a, i, sc);
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
		snprintf(a->labels[i], sizeof a->labels[i], p == 0 ? "0%%" : "%+.2g%%",
		         p >= 0 ? p : (a->ticks[i] - 1) * 100);
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
	double r = round(v * 100) / 100;
	if (r == floor(r))
		fprintf(f, "%.0f", r);
	else
		fprintf(f, "%.2f", r);
}
