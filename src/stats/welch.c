/* welch.c - Welch's unequal-variance t-test (Welch, "The generalization of
 * Student's problem when several different population variances are
 * involved", Biometrika 34, 1947), computed as scipy.stats.ttest_ind(x, y,
 * equal_var=False) does, with defined answers where SciPy returns NaN.
 */
#include <math.h>

#include "stats_internal.h"

/* No noise to measure a difference against (stats.h): equal means are no
 * evidence at all, different means are certain. */
static void welch_degenerate(double mx, double my, tach_alternative alt,
                             tach_test *out)
{
	if (mx == my) {
		out->statistic = 0;
		out->pvalue = 1;
		return;
	}
	out->statistic = mx > my ? INFINITY : -INFINITY;
	switch (alt) {
	case TACH_LESS:
		out->pvalue = mx < my ? 0 : 1;
		break;
	case TACH_GREATER:
		out->pvalue = mx > my ? 0 : 1;
		break;
	default:
		out->pvalue = 0;
		break;
	}
}

int tach_stats_welch(const double *x, size_t nx, const double *y, size_t ny,
                     tach_alternative alt, tach_test *out)
{
	double mx, my, vnx, vny, a, b, df, denom, t;
	int e;

	out->statistic = 0;
	out->pvalue = 1;
	out->df = 0;
	out->exact = 0;
	if (nx == 0 || ny == 0)
		return 0; /* no sample, no evidence */

	mx = tach_stats_mean(x, nx);
	my = tach_stats_mean(y, ny);
	if (nx < 2 && ny < 2)
		return 0; /* two lone values: no estimate of noise, no evidence */
	if (nx < 2 || ny < 2) {
		/* One lone value against a sample: assume the lone value has the
		 * sample's noise, i.e. ask whether it lies outside the sample's
		 * prediction interval, t = d / (s sqrt(1 + 1/n)) with n - 1 df.
		 * Calling any difference certain (or the lone value exact) would
		 * fail a gate on one noisy run. */
		double v = nx < 2 ? tach_stats_variance(y, ny) : tach_stats_variance(x, nx);
		size_t n = nx < 2 ? ny : nx;
		denom = sqrt(v / (double)nx + v / (double)ny);
		if (denom == 0) {
			welch_degenerate(mx, my, alt, out);
			return 0;
		}
		t = (mx - my) / denom;
		df = (double)(n - 1);
		goto pvalue;
	}
	vnx = tach_stats_variance(x, nx) / (double)nx;
	vny = tach_stats_variance(y, ny) / (double)ny;
	denom = sqrt(vnx + vny);
	/* denom = 0 also catches variances so small that v/n underflows. */
	if (denom == 0) {
		welch_degenerate(mx, my, alt, out);
		return 0;
	}

	/* Welch-Satterthwaite df.  Scaling both terms by the same power of
	 * two changes no rounding but keeps the squares from underflowing
	 * or overflowing (where SciPy's df becomes NaN and then 1). */
	frexp(vnx > vny ? vnx : vny, &e);
	a = ldexp(vnx, -e);
	b = ldexp(vny, -e);
	df = (a + b) * (a + b) /
	     (a * a / (double)(nx - 1) + b * b / (double)(ny - 1));

	t = (mx - my) / denom;
pvalue:
	out->statistic = t;
	out->df = df;
	/* SciPy's _ttest_finish: stdtr(df, t), stdtr(df, -t) and
	 * 2 stdtr(df, -|t|). */
	switch (alt) {
	case TACH_LESS:
		out->pvalue = tach_t_cdf(t, df);
		break;
	case TACH_GREATER:
		out->pvalue = tach_t_cdf(-t, df);
		break;
	default:
		out->pvalue = 2 * tach_t_cdf(-fabs(t), df);
		break;
	}
	return 0;
}
