/* order.c - statistics of order: percentiles (sorted and by selection),
 * median, median absolute deviation, Tukey's outlier fences and the
 * one-sort summary `tach show` prints.  Percentiles follow NumPy's default
 * 'linear' method (Hyndman & Fan 1996, type 7) through select.c.
 */
#include <math.h>
#include <stdlib.h>

#include "stats_internal.h"

double tach_stats_percentile_sorted(const double *sorted, size_t n, double q)
{
	size_t lo;
	double gamma;

	if (n == 0)
		return 0;
	tach__stats_position(n, q, &lo, &gamma);
	if (gamma == 0)
		return sorted[lo];
	return tach__stats_interp(sorted[lo], sorted[lo + 1], gamma);
}

static double *copy_of(const double *x, size_t n)
{
	double *c;

	if (n > SIZE_MAX / sizeof *c)
		return NULL;
	c = malloc(n ? n * sizeof *c : 1);
	if (c && n)
		memcpy(c, x, n * sizeof *c);
	return c;
}

static int cmp_size(const void *a, const void *b)
{
	size_t x = *(const size_t *)a, y = *(const size_t *)b;

	return (x > y) - (x < y);
}

/* Percentiles of a[0..n), n > 0, rearranging a: each needed rank is
 * selected once, in increasing order, in the part right of the previous
 * one (a rank just after a selected one is a minimum scan). */
static int percentiles_inplace(double *a, size_t n, const double *qs,
                               size_t nq, double *out)
{
	size_t *pos, npos = 0, left = 0;

	if (nq > SIZE_MAX / (2 * sizeof *pos))
		return TACH_ENOMEM;
	pos = malloc(2 * nq * sizeof *pos + 1);
	if (!pos)
		return TACH_ENOMEM;
	for (size_t i = 0; i < nq; i++) {
		size_t lo;
		double gamma;

		tach__stats_position(n, qs[i], &lo, &gamma);
		pos[npos++] = lo;
		if (gamma != 0)
			pos[npos++] = lo + 1;
	}
	qsort(pos, npos, sizeof *pos, cmp_size);
	for (size_t i = 0; i < npos; i++) {
		size_t p = pos[i];

		if (p < left)
			continue; /* a duplicate, already in place */
		tach__stats_select(a + left, n - left, p - left);
		left = p + 1;
	}
	free(pos);

	for (size_t i = 0; i < nq; i++)
		out[i] = tach_stats_percentile_sorted(a, n, qs[i]);
	return 0;
}

/* One percentile of unsorted data, by tach__stats_select_ro where it
 * applies.  Returns 0, TACH_ENOMEM or 1 (use a copy). */
static int percentile_ro(const double *x, size_t n, double q, double *out)
{
	size_t lo;
	double gamma, a, b;
	int rc;

	tach__stats_position(n, q, &lo, &gamma);
	rc = tach__stats_select_ro(x, n, lo, gamma != 0, &a, &b);
	if (rc == 0)
		*out = gamma == 0 ? a : tach__stats_interp(a, b, gamma);
	return rc;
}

int tach_stats_percentiles(const double *x, size_t n, const double *qs,
                           size_t nq, double *out)
{
	double *a;
	int rc;

	if (n == 0 || nq == 0) {
		for (size_t i = 0; i < nq; i++)
			out[i] = 0;
		return 0;
	}
	if (nq == 1) {
		rc = percentile_ro(x, n, qs[0], out);
		if (rc <= 0)
			return rc;
	}
	a = copy_of(x, n);
	if (!a)
		return TACH_ENOMEM;
	rc = percentiles_inplace(a, n, qs, nq, out);
	free(a);
	return rc;
}

int tach_stats_percentile(const double *x, size_t n, double q, double *out)
{
	return tach_stats_percentiles(x, n, &q, 1, out);
}

int tach_stats_median(const double *x, size_t n, double *out)
{
	*out = 0;
	return tach_stats_percentiles(x, n, (const double[]){50}, 1, out);
}

/* median(|a - med|) where a holds the sample in any order; rearranges a.
 * As scipy.stats.median_abs_deviation(scale=1.0). */
static double mad_inplace(double *a, size_t n, double med)
{
	for (size_t i = 0; i < n; i++)
		a[i] = fabs(a[i] - med);
	return tach__stats_median_inplace(a, n);
}

int tach_stats_mad(const double *x, size_t n, double *out)
{
	double *a;

	*out = 0;
	if (n == 0)
		return 0;
	a = copy_of(x, n);
	if (!a)
		return TACH_ENOMEM;
	*out = mad_inplace(a, n, tach__stats_median_inplace(a, n));
	free(a);
	return 0;
}

/* Tukey, Exploratory Data Analysis (1977): fences at 1.5 and 3 IQR. */
int tach_stats_outliers(const double *x, size_t n, tach_outliers *out)
{
	static const double qs[2] = {25, 75};
	double q[2], iqr;
	int rc;

	memset(out, 0, sizeof *out);
	if (n == 0)
		return 0;
	rc = tach_stats_percentiles(x, n, qs, 2, q);
	if (rc != 0)
		return rc;
	iqr = q[1] - q[0];
	out->q1 = q[0];
	out->q3 = q[1];
	out->lo_severe = q[0] - 3 * iqr;
	out->lo_mild = q[0] - 1.5 * iqr;
	out->hi_mild = q[1] + 1.5 * iqr;
	out->hi_severe = q[1] + 3 * iqr;
	for (size_t i = 0; i < n; i++) {
		double v = x[i];

		if (v < out->lo_severe)
			out->low_severe++;
		else if (v < out->lo_mild)
			out->low_mild++;
		else if (v > out->hi_severe)
			out->high_severe++;
		else if (v > out->hi_mild)
			out->high_mild++;
	}
	return 0;
}

/* The k-th smallest (0-based) of |s[p] - med| over sorted s[0..n): the
 * deviations form two sorted runs, med - s[p] leftwards of the median and
 * s[p] - med rightwards (rounding is monotone, and fl(a - b) = -fl(b - a)),
 * so this is the k-th of two sorted arrays, a binary search. */
static double sorted_deviation(const double *s, size_t n, double med,
                               size_t k)
{
	size_t c = 0, hi = n, na, nb, lo;

	while (c < hi) { /* c = the number of values below med */
		size_t mid = c + (hi - c) / 2;
		if (s[mid] < med)
			c = mid + 1;
		else
			hi = mid;
	}
	na = c;
	nb = n - c;
#define A(i) (med - s[c - 1 - (i)])
#define B(j) (s[c + (j)] - med)
	/* Take i of the k + 1 smallest from A and k + 1 - i from B: the
	 * smallest i with B(k - i) <= A(i). */
	lo = k + 1 > nb ? k + 1 - nb : 0;
	hi = k + 1 < na ? k + 1 : na;
	while (lo < hi) {
		size_t i = lo + (hi - lo) / 2;
		if (B(k - i) > A(i))
			lo = i + 1;
		else
			hi = i;
	}
	if (lo == 0)
		return B(k);
	if (lo == k + 1)
		return A(k);
	return A(lo - 1) > B(k - lo) ? A(lo - 1) : B(k - lo);
#undef A
#undef B
}

int tach_stats_summarize(const double *x, size_t n, tach_summary *out)
{
	double *s, gamma;
	size_t lo;

	memset(out, 0, sizeof *out);
	if (n == 0)
		return 0;
	s = tach__stats_sorted_copy(x, n);
	if (!s)
		return TACH_ENOMEM;

	out->n = n;
	out->mean = tach_stats_mean(x, n);
	out->stddev = tach_stats_stddev(x, n);
	/* a standard deviation beyond DBL_MAX can still give a finite CV:
	 * tach_stats_cv divides before scaling back (one more pass, only then) */
	out->cv = (n < 2 || out->mean == 0)   ? 0
	          : isfinite(out->stddev) ? out->stddev / fabs(out->mean)
	                                  : tach_stats_cv(x, n);
	out->min = s[0];
	out->max = s[n - 1];
	out->median = tach_stats_percentile_sorted(s, n, 50);
	out->q1 = tach_stats_percentile_sorted(s, n, 25);
	out->q3 = tach_stats_percentile_sorted(s, n, 75);
	out->p90 = tach_stats_percentile_sorted(s, n, 90);
	out->p95 = tach_stats_percentile_sorted(s, n, 95);
	out->p99 = tach_stats_percentile_sorted(s, n, 99);
	tach__stats_position(n, 50, &lo, &gamma);
	out->mad = sorted_deviation(s, n, out->median, lo);
	if (gamma != 0)
		out->mad = tach__stats_interp(out->mad, sorted_deviation(s, n,
		                              out->median, lo + 1), gamma);
	free(s);
	return 0;
}
