/* stats_testutil.h - reproducible test data and independent reference
 * implementations shared by the statistics tests (test_stats*.c). */
#ifndef TACH_STATS_TESTUTIL_H
#define TACH_STATS_TESTUTIL_H

#include <criterion/criterion.h>
#include <float.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "tach/stats.h"

/* ---------------------------------------------------------------------
 * Helpers.
 */

/* Test data from the library's own generator: reproducible everywhere. */
static inline void fill_normal(double *x, size_t n, uint64_t seed, double mu,
                        double sigma)
{
	tach_rng g;

	tach_rng_seed(&g, seed);
	for (size_t i = 0; i < n; i++) {
		/* Box-Muller; 1 - u keeps the log finite. */
		double u = 1 - tach_rng_uniform(&g), v = tach_rng_uniform(&g);
		x[i] = mu + sigma * sqrt(-2 * log(u)) *
		                    cos(6.283185307179586 * v);
	}
}

static inline void fill_ints(double *x, size_t n, uint64_t seed, int lo, int hi)
{
	tach_rng g;

	tach_rng_seed(&g, seed);
	for (size_t i = 0; i < n; i++)
		x[i] = lo + (double)tach_rng_below(&g, (uint64_t)(hi - lo + 1));
}

static inline double *alloc_doubles(size_t n)
{
	double *p = malloc((n ? n : 1) * sizeof *p);

	cr_assert_not_null(p);
	return p;
}

/* Numeric order with -0.0 before +0.0: the order stats.h promises. */
static inline int cmp_total(const void *pa, const void *pb)
{
	double a = *(const double *)pa, b = *(const double *)pb;

	if (a < b)
		return -1;
	if (a > b)
		return 1;
	return (int)(signbit(b) != 0) - (int)(signbit(a) != 0);
}

static inline void ref_sort(double *x, size_t n)
{
	qsort(x, n, sizeof *x, cmp_total);
}

static inline int rel_close(double a, double b, double tol)
{
	if (a == b)
		return 1;
	return fabs(a - b) <= tol * fabs(b);
}

/* NumPy-linear percentile of sorted data, written out independently. */
static inline double ref_percentile(const double *s, size_t n, double q)
{
	double h = (double)(n - 1) * (q / 100);
	size_t f = (size_t)floor(h);
	double g = h - (double)f;

	if (f + 1 >= n)
		return s[n - 1];
	if (g == 0)
		return s[f];
	return g < 0.5 ? s[f] + (s[f + 1] - s[f]) * g
	               : s[f + 1] - (s[f + 1] - s[f]) * (1 - g);
}


#endif
