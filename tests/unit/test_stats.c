/* test_stats.c - properties and degenerate cases of the statistics core
 * (include/tach/stats.h): defined values for n = 0, n = 1 and zero
 * variance, sorting and selection against simple references, the random
 * stream, bootstrap against its naive definition, the tests' symmetries,
 * Hodges-Lehmann against brute force.  SciPy oracle vectors live in
 * test_stats_vectors.c.
 */
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
static void fill_normal(double *x, size_t n, uint64_t seed, double mu,
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

static void fill_ints(double *x, size_t n, uint64_t seed, int lo, int hi)
{
	tach_rng g;

	tach_rng_seed(&g, seed);
	for (size_t i = 0; i < n; i++)
		x[i] = lo + (double)tach_rng_below(&g, (uint64_t)(hi - lo + 1));
}

static double *alloc_doubles(size_t n)
{
	double *p = malloc((n ? n : 1) * sizeof *p);

	cr_assert_not_null(p);
	return p;
}

/* Numeric order with -0.0 before +0.0: the order stats.h promises. */
static int cmp_total(const void *pa, const void *pb)
{
	double a = *(const double *)pa, b = *(const double *)pb;

	if (a < b)
		return -1;
	if (a > b)
		return 1;
	return (int)(signbit(b) != 0) - (int)(signbit(a) != 0);
}

static void ref_sort(double *x, size_t n)
{
	qsort(x, n, sizeof *x, cmp_total);
}

static int rel_close(double a, double b, double tol)
{
	if (a == b)
		return 1;
	return fabs(a - b) <= tol * fabs(b);
}

/* NumPy-linear percentile of sorted data, written out independently. */
static double ref_percentile(const double *s, size_t n, double q)
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

/* ---------------------------------------------------------------------
 * Descriptive statistics.
 */

Test(descriptive, empty_sample_gives_zeros)
{
	double out = 1;

	cr_assert_eq(tach_stats_mean(NULL, 0), 0);
	cr_assert_eq(tach_stats_min(NULL, 0), 0);
	cr_assert_eq(tach_stats_max(NULL, 0), 0);
	cr_assert_eq(tach_stats_variance(NULL, 0), 0);
	cr_assert_eq(tach_stats_stddev(NULL, 0), 0);
	cr_assert_eq(tach_stats_cv(NULL, 0), 0);
	cr_assert_eq(tach_stats_geomean(NULL, 0, &out), 0);
	cr_assert_eq(out, 0);
}

Test(descriptive, single_value)
{
	double x[] = {-3.25};

	cr_assert_eq(tach_stats_mean(x, 1), -3.25);
	cr_assert_eq(tach_stats_min(x, 1), -3.25);
	cr_assert_eq(tach_stats_max(x, 1), -3.25);
	cr_assert_eq(tach_stats_variance(x, 1), 0);
	cr_assert_eq(tach_stats_stddev(x, 1), 0);
	cr_assert_eq(tach_stats_cv(x, 1), 0);
}

Test(descriptive, all_equal_has_exactly_zero_spread)
{
	double x[1000];

	for (size_t i = 0; i < 1000; i++)
		x[i] = 0.1;
	cr_assert_eq(tach_stats_variance(x, 1000), 0);
	cr_assert_eq(tach_stats_stddev(x, 1000), 0);
	cr_assert_eq(tach_stats_cv(x, 1000), 0);
}

Test(descriptive, known_values)
{
	double x[] = {2, 4, 4, 4, 5, 5, 7, 9};

	cr_assert_eq(tach_stats_mean(x, 8), 5);
	cr_assert_eq(tach_stats_min(x, 8), 2);
	cr_assert_eq(tach_stats_max(x, 8), 9);
	/* sum of squared deviations 32, divisor n - 1 = 7 */
	cr_assert(rel_close(tach_stats_variance(x, 8), 32.0 / 7, 1e-15));
	cr_assert(rel_close(tach_stats_stddev(x, 8), sqrt(32.0 / 7), 1e-15));
	cr_assert(rel_close(tach_stats_cv(x, 8), sqrt(32.0 / 7) / 5, 1e-15));
}

Test(descriptive, cv_of_zero_mean_is_zero)
{
	double x[] = {-1, 1, -2, 2};

	cr_assert_eq(tach_stats_cv(x, 4), 0);
}

Test(descriptive, extremes_do_not_overflow)
{
	double big[] = {1.5e308, 1.5e308, 1.5e308};
	double wide[] = {-1e308, 1e308};

	cr_assert_eq(tach_stats_mean(big, 3), 1.5e308);
	cr_assert_eq(tach_stats_variance(big, 3), 0);
	/* The variance (2e616) overflows, its square root does not. */
	cr_assert(rel_close(tach_stats_stddev(wide, 2), sqrt(2.0) * 1e308,
	                    1e-15));
	cr_assert(isinf(tach_stats_variance(wide, 2)));
}

Test(descriptive, variance_survives_a_large_offset)
{
	double x[1000];

	fill_normal(x, 1000, 11, 1e9, 1e-3);
	/* Exact for the shifted data is unknowable here, but the two-pass
	 * variance must be close to sigma^2 and never negative. */
	double v = tach_stats_variance(x, 1000);
	cr_assert(v > 0.7e-6 && v < 1.3e-6, "variance %g", v);
}

Test(descriptive, geomean)
{
	double x[] = {1, 100}, y[] = {4, 4, 4}, bad0[] = {1, 0},
	       badneg[] = {-1, 2}, badinf[] = {1, INFINITY}, out = -1;

	cr_assert_eq(tach_stats_geomean(x, 2, &out), 0);
	cr_assert(rel_close(out, 10, 1e-15));
	cr_assert_eq(tach_stats_geomean(y, 3, &out), 0);
	cr_assert(rel_close(out, 4, 1e-15));
	cr_assert_eq(tach_stats_geomean(bad0, 2, &out), TACH_EDOMAIN);
	cr_assert_eq(tach_stats_geomean(badneg, 2, &out), TACH_EDOMAIN);
	cr_assert_eq(tach_stats_geomean(badinf, 2, &out), TACH_EDOMAIN);
}

/* ---------------------------------------------------------------------
 * Sorting.
 */

static void check_sort(double *x, size_t n)
{
	double *ref = alloc_doubles(n);

	memcpy(ref, x, n * sizeof *x);
	ref_sort(ref, n);
	cr_assert_eq(tach_stats_sort(x, n), 0);
	for (size_t i = 0; i < n; i++) {
		cr_assert(x[i] == ref[i] || (isnan(x[i]) && isnan(ref[i])),
		          "n=%zu i=%zu: %a vs %a", n, i, x[i], ref[i]);
		cr_assert_eq(signbit(x[i]) != 0, signbit(ref[i]) != 0,
		             "sign of zero at %zu", i);
	}
	free(ref);
}

Test(sort, empty_and_single)
{
	double x[] = {42};

	cr_assert_eq(tach_stats_sort(NULL, 0), 0);
	cr_assert_eq(tach_stats_sort(x, 1), 0);
	cr_assert_eq(x[0], 42);
}

Test(sort, special_values_small_and_large)
{
	static const double specials[] = {
		0.0, -0.0, INFINITY, -INFINITY, 1e-320, -1e-320, 5e-324,
		-5e-324, DBL_MIN, -DBL_MIN, DBL_MAX, -DBL_MAX, 1, -1,
		0.1, -0.1, 1e300, -1e300, 1e-300, -1e-300};
	size_t ns = sizeof specials / sizeof *specials;
	size_t sizes[] = {2, 3, 20, 47, 48, 49, 200, 5000, 100003};

	for (size_t k = 0; k < sizeof sizes / sizeof *sizes; k++) {
		size_t n = sizes[k];
		double *x = alloc_doubles(n);
		tach_rng g;

		tach_rng_seed(&g, n);
		for (size_t i = 0; i < n; i++) {
			uint64_t r = tach_rng_below(&g, 4);
			if (r == 0)
				x[i] = specials[tach_rng_below(&g, ns)];
			else if (r == 1)
				x[i] = (tach_rng_uniform(&g) - 0.5) *
				       ldexp(1, (int)tach_rng_below(&g, 2000) -
				                    1000);
			else
				x[i] = (double)tach_rng_below(&g, 7) - 3;
		}
		check_sort(x, n);
		free(x);
	}
}

Test(sort, negative_zero_sorts_before_positive_zero)
{
	double x[] = {0.0, -0.0, 0.0, -0.0, -1, 1};

	cr_assert_eq(tach_stats_sort(x, 6), 0);
	cr_assert_eq(x[0], -1);
	cr_assert(signbit(x[1]) && signbit(x[2]));
	cr_assert(!signbit(x[3]) && !signbit(x[4]));
	cr_assert_eq(x[5], 1);
}

Test(sort, already_sorted_reversed_and_constant)
{
	size_t n = 70000;
	double *x = alloc_doubles(n);

	for (size_t i = 0; i < n; i++)
		x[i] = (double)i;
	check_sort(x, n);
	for (size_t i = 0; i < n; i++)
		x[i] = -(double)i;
	check_sort(x, n);
	for (size_t i = 0; i < n; i++)
		x[i] = 7.5;
	check_sort(x, n);
	free(x);
}

/* ---------------------------------------------------------------------
 * Percentiles, median, MAD, outliers, summary.
 */

Test(percentile, sorted_definition_and_clamping)
{
	double s[] = {1, 2, 4, 8, 16};

	cr_assert_eq(tach_stats_percentile_sorted(s, 0, 50), 0);
	cr_assert_eq(tach_stats_percentile_sorted(s, 1, 73), 1);
	cr_assert_eq(tach_stats_percentile_sorted(s, 5, 0), 1);
	cr_assert_eq(tach_stats_percentile_sorted(s, 5, 100), 16);
	cr_assert_eq(tach_stats_percentile_sorted(s, 5, 50), 4);
	cr_assert_eq(tach_stats_percentile_sorted(s, 5, 25), 2);
	/* h = 4 * 0.9 = 3.6: 8 + 0.6 * 8 */
	cr_assert(rel_close(tach_stats_percentile_sorted(s, 5, 90), 12.8,
	                    1e-15));
	cr_assert_eq(tach_stats_percentile_sorted(s, 5, -10), 1);
	cr_assert_eq(tach_stats_percentile_sorted(s, 5, 250), 16);
}

Test(percentile, median_small_cases)
{
	double odd[] = {3, 1, 2}, even[] = {4, 1, 3, 2}, out = -1;

	cr_assert_eq(tach_stats_median(odd, 3, &out), 0);
	cr_assert_eq(out, 2);
	cr_assert_eq(tach_stats_median(even, 4, &out), 0);
	cr_assert_eq(out, 2.5);
	cr_assert_eq(tach_stats_median(NULL, 0, &out), 0);
	cr_assert_eq(out, 0);
	cr_assert_eq(tach_stats_percentile(NULL, 0, 99, &out), 0);
	cr_assert_eq(out, 0);
}

static void check_percentiles_vs_sorting(const double *x, size_t n)
{
	static const double qs[] = {0, 0.1, 1, 5, 25, 33.3, 50, 66.6, 75,
	                            90, 95, 99, 99.9, 100};
	size_t nq = sizeof qs / sizeof *qs;
	double *s = alloc_doubles(n), many[sizeof qs / sizeof *qs], one;

	memcpy(s, x, n * sizeof *x);
	ref_sort(s, n);
	cr_assert_eq(tach_stats_percentiles(x, n, qs, nq, many), 0);
	for (size_t i = 0; i < nq; i++) {
		double want = ref_percentile(s, n, qs[i]);
		cr_assert_eq(tach_stats_percentile(x, n, qs[i], &one), 0);
		cr_assert_eq(one, want, "n=%zu q=%g: %a vs %a", n, qs[i], one,
		             want);
		cr_assert_eq(many[i], want, "n=%zu q=%g (batch)", n, qs[i]);
		cr_assert_eq(tach_stats_percentile_sorted(s, n, qs[i]), want);
	}
	cr_assert_eq(tach_stats_median(x, n, &one), 0);
	cr_assert_eq(one, ref_percentile(s, n, 50));
	free(s);
}

Test(percentile, unsorted_matches_sorting)
{
	size_t sizes[] = {1, 2, 3, 10, 601, 602, 19999, 20000, 65537, 250000};

	for (size_t k = 0; k < sizeof sizes / sizeof *sizes; k++) {
		size_t n = sizes[k];
		double *x = alloc_doubles(n);

		fill_normal(x, n, 100 + n, 0, 1);
		check_percentiles_vs_sorting(x, n);
		fill_ints(x, n, 200 + n, -3, 3); /* heavy ties */
		check_percentiles_vs_sorting(x, n);
		free(x);
	}
}

Test(percentile, large_degenerate_inputs)
{
	size_t n = 100000;
	double *x = alloc_doubles(n);

	for (size_t i = 0; i < n; i++)
		x[i] = 2.5; /* all equal */
	check_percentiles_vs_sorting(x, n);
	for (size_t i = 0; i < n; i++)
		x[i] = i < n / 2 ? -1 : 1; /* two values, median between */
	check_percentiles_vs_sorting(x, n);
	for (size_t i = 0; i < n; i++)
		x[i] = (double)(n - i); /* descending */
	check_percentiles_vs_sorting(x, n);
	for (size_t i = 0; i < n; i++)
		x[i] = (double)(i % 17); /* periodic */
	check_percentiles_vs_sorting(x, n);
	free(x);
}

Test(percentile, infinite_ends_give_no_nan)
{
	double x[] = {1, 2, INFINITY}, y[] = {-INFINITY, 0, 1}, out;

	cr_assert_eq(tach_stats_percentile(x, 3, 90, &out), 0);
	cr_assert(isinf(out) && out > 0);
	cr_assert_eq(tach_stats_percentile(y, 3, 10, &out), 0);
	cr_assert(isinf(out) && out < 0);
	cr_assert_eq(tach_stats_percentile(x, 3, 25, &out), 0);
	cr_assert_eq(out, 1.5);
}

Test(mad, known_and_degenerate)
{
	double x[] = {1, 2, 3, 4, 100}, same[] = {5, 5, 5}, out = -1;

	cr_assert_eq(tach_stats_mad(x, 5, &out), 0);
	cr_assert_eq(out, 1); /* deviations 2 1 0 1 97 */
	cr_assert_eq(tach_stats_mad(same, 3, &out), 0);
	cr_assert_eq(out, 0);
	cr_assert_eq(tach_stats_mad(NULL, 0, &out), 0);
	cr_assert_eq(out, 0);
	cr_assert(rel_close(TACH_MAD_NORMAL, 1 / tach_norm_ppf(0.75), 1e-15));
}

Test(outliers, fences_and_counts)
{
	/* 1..8: q1 = 2.75, q3 = 6.25, IQR = 3.5; mild fences -2.5, 11.5,
	 * severe fences -7.75, 16.75. */
	double base[] = {1, 2, 3, 4, 5, 6, 7, 8};
	tach_outliers o;

	cr_assert_eq(tach_stats_outliers(base, 8, &o), 0);
	cr_assert_eq(o.q1, 2.75);
	cr_assert_eq(o.q3, 6.25);
	cr_assert_eq(o.lo_mild, -2.5);
	cr_assert_eq(o.hi_mild, 11.5);
	cr_assert_eq(o.lo_severe, -7.75);
	cr_assert_eq(o.hi_severe, 16.75);
	cr_assert_eq(o.low_mild + o.low_severe, 0);
	cr_assert_eq(o.high_mild + o.high_severe, 0);

	/* q1 = 2.25, q3 = 8.75, IQR = 6.5: fences -17.25, -7.5, 18.5,
	 * 28.25; one value in each outlier class. */
	double y[] = {1, 2, 3, 4, 5, 6, 7, 8, 9, 10, -12, 22, -40, 60};
	cr_assert_eq(tach_stats_outliers(y, 14, &o), 0);
	cr_assert(o.q1 == 2.25 && o.q3 == 8.75);
	cr_assert(o.lo_severe == -17.25 && o.lo_mild == -7.5);
	cr_assert(o.hi_mild == 18.5 && o.hi_severe == 28.25);
	cr_assert(o.low_severe == 1 && o.low_mild == 1);
	cr_assert(o.high_mild == 1 && o.high_severe == 1);

	memset(&o, 0xff, sizeof o);
	cr_assert_eq(tach_stats_outliers(NULL, 0, &o), 0);
	cr_assert_eq(o.q1, 0);
	cr_assert_eq(o.high_severe, 0);
}

Test(outliers, value_on_fence_is_not_outlier)
{
	/* q1 = 2, q3 = 4 (n = 5), IQR = 2: mild fences -1 and 7. */
	double x[] = {2, 2, 3, 4, 7};
	tach_outliers o;

	cr_assert_eq(tach_stats_outliers(x, 5, &o), 0);
	cr_assert_eq(o.hi_mild, 7);
	cr_assert_eq(o.high_mild + o.high_severe, 0);
}

Test(summary, agrees_with_the_single_functions)
{
	size_t sizes[] = {1, 2, 5, 64, 1001, 30000};

	for (size_t k = 0; k < sizeof sizes / sizeof *sizes; k++) {
		size_t n = sizes[k];
		double *x = alloc_doubles(n), v;
		tach_summary s;

		fill_normal(x, n, 7 * n, 10, 3);
		for (size_t i = 0; i < n; i += 3)
			x[i] = round(x[i]); /* some ties */
		cr_assert_eq(tach_stats_summarize(x, n, &s), 0);
		cr_assert_eq(s.n, n);
		cr_assert_eq(s.mean, tach_stats_mean(x, n));
		cr_assert_eq(s.stddev, tach_stats_stddev(x, n));
		cr_assert_eq(s.cv, tach_stats_cv(x, n));
		cr_assert_eq(s.min, tach_stats_min(x, n));
		cr_assert_eq(s.max, tach_stats_max(x, n));
		tach_stats_median(x, n, &v);
		cr_assert_eq(s.median, v);
		tach_stats_mad(x, n, &v);
		cr_assert_eq(s.mad, v, "n=%zu mad %a vs %a", n, s.mad, v);
		tach_stats_percentile(x, n, 25, &v);
		cr_assert_eq(s.q1, v);
		tach_stats_percentile(x, n, 75, &v);
		cr_assert_eq(s.q3, v);
		tach_stats_percentile(x, n, 90, &v);
		cr_assert_eq(s.p90, v);
		tach_stats_percentile(x, n, 95, &v);
		cr_assert_eq(s.p95, v);
		tach_stats_percentile(x, n, 99, &v);
		cr_assert_eq(s.p99, v);
		free(x);
	}
}

Test(summary, empty_is_all_zero)
{
	tach_summary s;

	memset(&s, 0xff, sizeof s);
	cr_assert_eq(tach_stats_summarize(NULL, 0, &s), 0);
	cr_assert_eq(s.n, 0);
	cr_assert_eq(s.mean, 0);
	cr_assert_eq(s.p99, 0);
	cr_assert_eq(s.mad, 0);
}

/* ---------------------------------------------------------------------
 * Random numbers.  Expected values from an independent Python
 * implementation of splitmix64 and xoshiro256** (Vigna's reference C).
 */

Test(rng, splitmix64_seeding)
{
	tach_rng g;

	tach_rng_seed(&g, 0);
	cr_assert_eq(g.s[0], UINT64_C(0xe220a8397b1dcdaf));
	cr_assert_eq(g.s[1], UINT64_C(0x6e789e6aa1b965f4));
	cr_assert_eq(g.s[2], UINT64_C(0x06c45d188009454f));
	cr_assert_eq(g.s[3], UINT64_C(0xf88bb8a8724c81ec));
}

Test(rng, xoshiro256starstar_first_outputs)
{
	tach_rng g;

	tach_rng_seed(&g, 0);
	cr_assert_eq(tach_rng_next(&g), UINT64_C(0x99ec5f36cb75f2b4));
	cr_assert_eq(tach_rng_next(&g), UINT64_C(0xbf6e1f784956452a));
	cr_assert_eq(tach_rng_next(&g), UINT64_C(0x1a5f849d4933e6e0));
	cr_assert_eq(tach_rng_next(&g), UINT64_C(0x6aa594f1262d2d2c));
	tach_rng_seed(&g, 42);
	cr_assert_eq(g.s[0], UINT64_C(0xbdd732262feb6e95));
	cr_assert_eq(tach_rng_next(&g), UINT64_C(0x15780b2e0c2ec716));
	cr_assert_eq(tach_rng_next(&g), UINT64_C(0x6104d9866d113a7e));
}

Test(rng, bounded_draws)
{
	static const uint64_t small[] = {7, 2, 8, 9, 9, 8, 0, 1};
	static const uint64_t huge[] = {
		UINT64_C(6461677535414237997), UINT64_C(7744196453246319819),
		UINT64_C(9049029322324588832), UINT64_C(9139072988219048332)};
	tach_rng g;

	tach_rng_seed(&g, 7);
	for (size_t i = 0; i < 8; i++)
		cr_assert_eq(tach_rng_below(&g, 10), small[i]);
	/* 2^63 + 1 rejects almost half of all outputs: the rejection loop
	 * must consume exactly as the definition says. */
	tach_rng_seed(&g, 7);
	for (size_t i = 0; i < 4; i++)
		cr_assert_eq(tach_rng_below(&g, (UINT64_C(1) << 63) + 1),
		             huge[i]);
	for (size_t i = 0; i < 1000; i++)
		cr_assert_eq(tach_rng_below(&g, 1), 0);
}

Test(rng, uniform_is_top_53_bits)
{
	tach_rng a, b;

	tach_rng_seed(&a, 99);
	tach_rng_seed(&b, 99);
	for (int i = 0; i < 1000; i++) {
		double u = tach_rng_uniform(&a);
		cr_assert(u >= 0 && u < 1);
		cr_assert_eq(u, (double)(tach_rng_next(&b) >> 11) * 0x1p-53);
	}
}

/* ---------------------------------------------------------------------
 * Bootstrap: checked against its naive definition, written out here.
 */

static double naive_median_of_draws(const double *x, size_t n, tach_rng *g,
                                    double *tmp)
{
	for (size_t i = 0; i < n; i++)
		tmp[i] = x[tach_rng_below(g, n)];
	cr_assert_eq(tach_stats_sort(tmp, n), 0);
	return tach_stats_percentile_sorted(tmp, n, 50);
}

static void naive_interval(double *v, size_t m, double level, double *lo,
                           double *hi)
{
	cr_assert_eq(tach_stats_sort(v, m), 0);
	*lo = tach_stats_percentile_sorted(v, m, 100 * (1 - level) / 2);
	*hi = tach_stats_percentile_sorted(v, m, 100 * (1 + level) / 2);
}

Test(bootstrap, median_ci_equals_naive_definition)
{
	size_t sizes[] = {2, 3, 4, 7, 64, 65, 200};

	for (size_t k = 0; k < sizeof sizes / sizeof *sizes; k++) {
		size_t n = sizes[k], R = 50;
		double *x = alloc_doubles(n), *tmp = alloc_doubles(n);
		double meds[50], lo, hi, med;
		tach_ci ci;
		tach_rng g;

		if (k % 2)
			fill_ints(x, n, k, 0, 4);
		else
			fill_normal(x, n, k, 5, 2);
		cr_assert_eq(tach_stats_bootstrap_median_ci(x, n, 0.9, R,
		                                            1234 + k, &ci), 0);
		tach_rng_seed(&g, 1234 + k);
		for (size_t r = 0; r < R; r++)
			meds[r] = naive_median_of_draws(x, n, &g, tmp);
		naive_interval(meds, R, 0.9, &lo, &hi);
		tach_stats_median(x, n, &med);
		cr_assert_eq(ci.estimate, med);
		cr_assert_eq(ci.lo, lo, "n=%zu lo %a vs %a", n, ci.lo, lo);
		cr_assert_eq(ci.hi, hi, "n=%zu hi %a vs %a", n, ci.hi, hi);
		cr_assert_eq(ci.level, 0.9);
		free(x);
		free(tmp);
	}
}

Test(bootstrap, deterministic_and_contains_estimate)
{
	size_t n = 500, R = 2000;
	double *x = alloc_doubles(n);
	tach_ci a, b, c;

	fill_normal(x, n, 3, 100, 10);
	cr_assert_eq(tach_stats_bootstrap_median_ci(x, n, .95, R, 77, &a), 0);
	cr_assert_eq(tach_stats_bootstrap_median_ci(x, n, .95, R, 77, &b), 0);
	cr_assert_eq(tach_stats_bootstrap_median_ci(x, n, .95, R, 78, &c), 0);
	cr_assert_eq(a.lo, b.lo);
	cr_assert_eq(a.hi, b.hi);
	cr_assert(a.lo != c.lo || a.hi != c.hi, "seed must matter");
	cr_assert(a.lo <= a.estimate && a.estimate <= a.hi);
	cr_assert(a.lo < a.hi);
	/* A 95% interval of the median of N(100, 10), n = 500, is about
	 * +-1.4 wide; anything far off means the resampling is wrong. */
	cr_assert(a.hi - a.lo > 0.5 && a.hi - a.lo < 4, "width %g",
	          a.hi - a.lo);
	free(x);
}

Test(bootstrap, degenerate_and_invalid)
{
	double one[] = {3.5}, x[] = {1, 2, 3};
	tach_ci ci;

	cr_assert_eq(tach_stats_bootstrap_median_ci(NULL, 0, 0.95, 100, 1, &ci),
	             0);
	cr_assert(ci.estimate == 0 && ci.lo == 0 && ci.hi == 0);
	cr_assert_eq(tach_stats_bootstrap_median_ci(one, 1, 0.95, 100, 1, &ci),
	             0);
	cr_assert(ci.estimate == 3.5 && ci.lo == 3.5 && ci.hi == 3.5);
	cr_assert_eq(tach_stats_bootstrap_median_ci(x, 3, 0, 100, 1, &ci),
	             TACH_EINVAL);
	cr_assert_eq(tach_stats_bootstrap_median_ci(x, 3, 1, 100, 1, &ci),
	             TACH_EINVAL);
	cr_assert_eq(tach_stats_bootstrap_median_ci(x, 3, NAN, 100, 1, &ci),
	             TACH_EINVAL);
	cr_assert_eq(tach_stats_bootstrap_median_ci(x, 3, 0.9, 0, 1, &ci),
	             TACH_EINVAL);
}

/* The ratio definition: per resample n_base draws into base, then n_cand
 * into cand; resamples with a zero base median are skipped. */
static size_t naive_ratio(const double *b, size_t nb, const double *c,
                          size_t nc, double level, size_t R, uint64_t seed,
                          tach_ci *out)
{
	double *tb = alloc_doubles(nb), *tc = alloc_doubles(nc);
	double *rat = alloc_doubles(R), mb, mc;
	size_t m = 0;
	tach_rng g;

	tach_rng_seed(&g, seed);
	for (size_t r = 0; r < R; r++) {
		double rb = naive_median_of_draws(b, nb, &g, tb);
		double rc = naive_median_of_draws(c, nc, &g, tc);
		if (rb != 0)
			rat[m++] = rc / rb;
	}
	tach_stats_median(b, nb, &mb);
	tach_stats_median(c, nc, &mc);
	out->estimate = mc / mb;
	if (m == 0)
		out->lo = out->hi = out->estimate;
	else
		naive_interval(rat, m, level, &out->lo, &out->hi);
	free(tb);
	free(tc);
	free(rat);
	return m;
}

Test(bootstrap, ratio_ci_equals_naive_definition)
{
	double b[40], c[33];
	tach_ci got, want;

	fill_normal(b, 40, 5, 10, 1);
	fill_normal(c, 33, 6, 12, 2);
	cr_assert_eq(tach_stats_bootstrap_ratio_ci(b, 40, c, 33, 0.95, 300, 9,
	                                           &got), 0);
	naive_ratio(b, 40, c, 33, 0.95, 300, 9, &want);
	cr_assert_eq(got.estimate, want.estimate);
	cr_assert_eq(got.lo, want.lo);
	cr_assert_eq(got.hi, want.hi);
	cr_assert(got.lo <= got.estimate && got.estimate <= got.hi);

	/* Base medians that are often zero: skipped resamples. */
	double bz[] = {0, 0, 0, 1, 2, 3}, cz[] = {1, 2, 3};
	cr_assert_eq(tach_stats_bootstrap_ratio_ci(bz, 6, cz, 3, 0.8, 200, 4,
	                                           &got), 0);
	naive_ratio(bz, 6, cz, 3, 0.8, 200, 4, &want);
	cr_assert_eq(got.lo, want.lo);
	cr_assert_eq(got.hi, want.hi);
}

Test(bootstrap, ratio_all_resamples_skipped)
{
	/* median(b) = 1, but a resample's median is 0 whenever four of its
	 * seven draws are zeros (p ~ 0.29).  With one resample per call,
	 * some seeds skip it (then lo = hi = estimate = 2) and some keep it
	 * (ratio 2 / resample median, mostly not 2). */
	double b[] = {0, 0, 0, 1, 2, 3, 4}, c[] = {2};
	int skipped = 0, kept_other = 0;

	for (uint64_t seed = 0; seed < 100; seed++) {
		tach_ci got, want;
		size_t m = naive_ratio(b, 7, c, 1, 0.9, 1, seed, &want);

		cr_assert_eq(tach_stats_bootstrap_ratio_ci(b, 7, c, 1, 0.9, 1,
		                                           seed, &got), 0);
		cr_assert_eq(got.estimate, 2);
		cr_assert_eq(got.lo, want.lo, "seed %llu",
		             (unsigned long long)seed);
		cr_assert_eq(got.hi, want.hi);
		if (m == 0) {
			cr_assert(got.lo == 2 && got.hi == 2);
			skipped++;
		} else if (got.lo != 2) {
			kept_other++;
		}
	}
	cr_assert(skipped > 0 && kept_other > 0);
}

Test(bootstrap, ratio_errors)
{
	double b[] = {0, 0, 1}, c[] = {1, 2, 3};
	tach_ci ci;

	cr_assert_eq(tach_stats_bootstrap_ratio_ci(b, 3, c, 3, 0.9, 10, 1, &ci),
	             TACH_EDOMAIN);
	cr_assert_eq(tach_stats_bootstrap_ratio_ci(c, 3, NULL, 0, 0.9, 10, 1,
	                                           &ci), TACH_EDOMAIN);
	cr_assert_eq(tach_stats_bootstrap_ratio_ci(NULL, 0, c, 3, 0.9, 10, 1,
	                                           &ci), TACH_EDOMAIN);
	cr_assert_eq(tach_stats_bootstrap_ratio_ci(c, 3, c, 3, 1.5, 10, 1, &ci),
	             TACH_EINVAL);
	cr_assert_eq(tach_stats_bootstrap_ratio_ci(c, 3, c, 3, 0.9, 0, 1, &ci),
	             TACH_EINVAL);
}

/* ---------------------------------------------------------------------
 * Mann-Whitney U.
 */

static tach_test mwu(const double *x, size_t nx, const double *y, size_t ny,
                     tach_alternative alt)
{
	tach_test t;

	cr_assert_eq(tach_stats_mann_whitney(x, nx, y, ny, alt, &t), 0);
	cr_assert(t.pvalue >= 0 && t.pvalue <= 1, "p = %g", t.pvalue);
	cr_assert_eq(t.df, 0);
	return t;
}

Test(mann_whitney, scipy_documentation_example)
{
	/* scipy.stats.mannwhitneyu docstring (SciPy 1.10). */
	double males[] = {19, 22, 16, 29, 24}, females[] = {20, 11, 17, 12};
	tach_test t = mwu(males, 5, females, 4, TACH_TWO_SIDED);

	cr_assert_eq(t.statistic, 17);
	cr_assert(t.exact);
	cr_assert(rel_close(t.pvalue, 0.1111111111111111, 1e-15));
	t = mwu(females, 4, males, 5, TACH_LESS);
	cr_assert_eq(t.statistic, 3);
	cr_assert(rel_close(t.pvalue, 0.05555555555555555, 1e-15));
	/* P(U >= 3) = 1 - P(U <= 2) = 1 - 4/126: the long tail, summed as
	 * the complement of the short one. */
	t = mwu(females, 4, males, 5, TACH_GREATER);
	cr_assert(rel_close(t.pvalue, 122.0 / 126, 1e-15));
}

Test(mann_whitney, ties_use_the_normal_approximation)
{
	/* SciPy 1.10: statistic 11.5, p 0.023396045038144207 (two-sided),
	 * 0.011698022519072104 (less). */
	double x[] = {1, 2, 2, 3, 3, 3, 7};
	double y[] = {2, 3, 4, 4, 5, 6, 8, 9, 9, 10};
	tach_test t = mwu(x, 7, y, 10, TACH_TWO_SIDED);

	cr_assert_eq(t.statistic, 11.5);
	cr_assert(!t.exact);
	cr_assert(rel_close(t.pvalue, 0.023396045038144207, 1e-12));
	t = mwu(x, 7, y, 10, TACH_LESS);
	cr_assert(rel_close(t.pvalue, 0.011698022519072104, 1e-12));
}

Test(mann_whitney, degenerate)
{
	double x[] = {1, 2, 3}, same[] = {4, 4, 4, 4, 4, 4, 4, 4, 4, 4};
	tach_test t;

	t = mwu(NULL, 0, x, 3, TACH_TWO_SIDED);
	cr_assert(t.statistic == 0 && t.pvalue == 1);
	t = mwu(x, 3, NULL, 0, TACH_LESS);
	cr_assert(t.statistic == 0 && t.pvalue == 1);
	for (int a = 0; a < 3; a++) {
		t = mwu(same, 4, same, 10, (tach_alternative)a);
		cr_assert_eq(t.pvalue, 1);
		cr_assert_eq(t.statistic, 20); /* all pairs tied: 4 * 10 / 2 */
	}
	t = mwu(x, 1, x, 1, TACH_TWO_SIDED); /* one value each, equal */
	cr_assert_eq(t.pvalue, 1);
}

Test(mann_whitney, swapping_samples_mirrors_the_test)
{
	size_t sizes[][2] = {{3, 5}, {8, 30}, {9, 9}, {40, 25}, {300, 500}};

	for (size_t k = 0; k < sizeof sizes / sizeof *sizes; k++) {
		size_t nx = sizes[k][0], ny = sizes[k][1];
		double *x = alloc_doubles(nx), *y = alloc_doubles(ny);

		fill_normal(x, nx, 2 * k, 0, 1);
		fill_normal(y, ny, 2 * k + 1, 0.4, 1);
		if (k % 2) { /* with ties */
			for (size_t i = 0; i < nx; i++)
				x[i] = round(2 * x[i]);
			for (size_t i = 0; i < ny; i++)
				y[i] = round(2 * y[i]);
		}
		tach_test xy2 = mwu(x, nx, y, ny, TACH_TWO_SIDED);
		tach_test yx2 = mwu(y, ny, x, nx, TACH_TWO_SIDED);
		tach_test xyl = mwu(x, nx, y, ny, TACH_LESS);
		tach_test yxg = mwu(y, ny, x, nx, TACH_GREATER);
		tach_test xyg = mwu(x, nx, y, ny, TACH_GREATER);

		cr_assert_eq(xy2.statistic + yx2.statistic, (double)(nx * ny));
		cr_assert(rel_close(xy2.pvalue, yx2.pvalue, 1e-14));
		cr_assert(rel_close(xyl.pvalue, yxg.pvalue, 1e-14));
		cr_assert_eq(xy2.exact, yx2.exact);
		/* Both one-sided p include the observed U: they sum to >= 1,
		 * and the two-sided p doubles the smaller. */
		cr_assert(xyl.pvalue + xyg.pvalue >= 1 - 1e-15);
		cr_assert(rel_close(xy2.pvalue, fmin(1, 2 * fmin(xyl.pvalue,
		                                                 xyg.pvalue)),
		                    1e-15));
		free(x);
		free(y);
	}
}

Test(mann_whitney, exact_distribution_matches_enumeration)
{
	/* nx = 3, ny = 4, no ties: 35 equally likely arrangements.  With x
	 * all below y, U1 = 0 and P(U <= 0) = 1/35; one-sided "less" p. */
	double x[] = {1, 2, 3}, y[] = {4, 5, 6, 7};
	tach_test t = mwu(x, 3, y, 4, TACH_LESS);

	cr_assert(t.exact);
	cr_assert_eq(t.statistic, 0);
	cr_assert(rel_close(t.pvalue, 1.0 / 35, 1e-15));
	t = mwu(x, 3, y, 4, TACH_TWO_SIDED);
	cr_assert(rel_close(t.pvalue, 2.0 / 35, 1e-15));
	t = mwu(x, 3, y, 4, TACH_GREATER);
	cr_assert_eq(t.pvalue, 1);
}

Test(mann_whitney, separated_large_samples_keep_a_positive_tiny_p)
{
	size_t n = 2000;
	double *x = alloc_doubles(n), *y = alloc_doubles(n);

	for (size_t i = 0; i < n; i++) {
		x[i] = (double)i;
		y[i] = (double)(i + n);
	}
	tach_test t = mwu(x, n, y, n, TACH_LESS);
	/* z = -(2e6 - 0.5) / 36511.6 ~ -54.8: p ~ 1e-654 underflows. */
	cr_assert(t.pvalue >= 0 && t.pvalue < 1e-300);
	for (size_t i = 0; i < n; i++)
		y[i] = (double)i + 0.5 + (i % 3 ? 300 : 0);
	t = mwu(x, n, y, n, TACH_LESS);
	cr_assert(t.pvalue > 0 && t.pvalue < 1e-10, "p = %g", t.pvalue);
	free(x);
	free(y);
}

/* ---------------------------------------------------------------------
 * Welch's t-test.
 */

Test(welch, scipy_reference_value)
{
	/* scipy.stats.ttest_ind(males, females, equal_var=False). */
	double m[] = {19, 22, 16, 29, 24}, f[] = {20, 11, 17, 12};
	tach_test t;

	cr_assert_eq(tach_stats_welch(m, 5, f, 4, TACH_TWO_SIDED, &t), 0);
	cr_assert(rel_close(t.statistic, 2.2831482556870477, 1e-14));
	cr_assert(rel_close(t.pvalue, 0.05675092592187574, 1e-12));
	cr_assert(rel_close(t.df, 6.928837482846501, 1e-14));
	cr_assert_eq(tach_stats_welch(m, 5, f, 4, TACH_GREATER, &t), 0);
	cr_assert(rel_close(t.pvalue, 0.02837546296093787, 1e-12));
}

Test(welch, swapping_samples_mirrors_the_test)
{
	double x[50], y[70];
	tach_test a, b;

	fill_normal(x, 50, 1, 10, 2);
	fill_normal(y, 70, 2, 11, 5);
	tach_stats_welch(x, 50, y, 70, TACH_TWO_SIDED, &a);
	tach_stats_welch(y, 70, x, 50, TACH_TWO_SIDED, &b);
	cr_assert_eq(a.statistic, -b.statistic);
	cr_assert_eq(a.df, b.df);
	cr_assert(rel_close(a.pvalue, b.pvalue, 1e-15));
	tach_stats_welch(x, 50, y, 70, TACH_LESS, &a);
	tach_stats_welch(y, 70, x, 50, TACH_GREATER, &b);
	cr_assert(rel_close(a.pvalue, b.pvalue, 1e-15));
	cr_assert(a.pvalue >= 0 && a.pvalue <= 1);
	tach_stats_welch(x, 50, y, 70, TACH_GREATER, &b);
	cr_assert(rel_close(a.pvalue + b.pvalue, 1, 1e-14));
}

Test(welch, degenerate_cases)
{
	double a[] = {3, 3, 3}, b[] = {3, 3}, c[] = {5, 5, 5, 5}, one[] = {4};
	tach_test t;

	/* Zero variance, equal means: no evidence. */
	cr_assert_eq(tach_stats_welch(a, 3, b, 2, TACH_TWO_SIDED, &t), 0);
	cr_assert(t.statistic == 0 && t.pvalue == 1 && t.df == 0);
	/* Zero variance, different means: certain. */
	cr_assert_eq(tach_stats_welch(a, 3, c, 4, TACH_TWO_SIDED, &t), 0);
	cr_assert(isinf(t.statistic) && t.statistic < 0);
	cr_assert(t.pvalue == 0 && t.df == 0);
	tach_stats_welch(a, 3, c, 4, TACH_LESS, &t);
	cr_assert_eq(t.pvalue, 0);
	tach_stats_welch(a, 3, c, 4, TACH_GREATER, &t);
	cr_assert_eq(t.pvalue, 1);
	tach_stats_welch(c, 4, a, 3, TACH_GREATER, &t);
	cr_assert(t.pvalue == 0 && t.statistic > 0);
	/* n < 2 on one side. */
	tach_stats_welch(one, 1, c, 4, TACH_TWO_SIDED, &t);
	cr_assert(!isnan(t.pvalue) && t.df == 0);
	/* One lone value against a noisy sample: a prediction-interval test,
	 * not certainty. */
	double noisy[] = {1, 2, 4, 5, 7}, lone[] = {3};
	tach_stats_welch(lone, 1, noisy, 5, TACH_TWO_SIDED, &t);
	cr_assert(t.df == 4 && t.pvalue > 0.7 && t.pvalue < 0.8, "p %g df %g", t.pvalue, t.df);
	/* Two lone values: no evidence either way. */
	tach_stats_welch(lone, 1, one, 1, TACH_TWO_SIDED, &t);
	cr_assert(t.pvalue == 1 && t.statistic == 0);
	/* Empty sample: nothing to compare. */
	cr_assert_eq(tach_stats_welch(NULL, 0, c, 4, TACH_LESS, &t), 0);
	cr_assert(t.statistic == 0 && t.pvalue == 1 && t.df == 0);
}

Test(welch, one_sided_zero_variance_is_still_a_t_test)
{
	double a[] = {3, 3, 3}, b[] = {4, 5, 6, 7};
	tach_test t;

	cr_assert_eq(tach_stats_welch(a, 3, b, 4, TACH_TWO_SIDED, &t), 0);
	/* vx = 0: t = (3 - 5.5) / sqrt(5/3 / 4), df = ny - 1 = 3. */
	cr_assert(rel_close(t.statistic, -2.5 / sqrt(5.0 / 12), 1e-14));
	cr_assert(rel_close(t.df, 3, 1e-14));
	cr_assert(t.pvalue > 0 && t.pvalue < 0.1);
}

/* ---------------------------------------------------------------------
 * Distributions.  References: closed forms, and mpmath at 40 digits.
 */

Test(distributions, normal)
{
	cr_assert_eq(tach_norm_cdf(0), 0.5);
	cr_assert_eq(tach_norm_sf(0), 0.5);
	cr_assert(rel_close(tach_norm_sf(1.5), 0.066807201268858066004, 1e-14));
	cr_assert(rel_close(tach_norm_sf(10), 7.619853024160526066e-24, 1e-13));
	cr_assert(rel_close(tach_norm_sf(37), 5.7255712225245768227e-300,
	                    1e-12));
	cr_assert(rel_close(tach_norm_cdf(-37), 5.7255712225245768227e-300,
	                    1e-12));
	cr_assert_eq(tach_norm_cdf(INFINITY), 1);
	cr_assert_eq(tach_norm_cdf(-INFINITY), 0);
	for (double z = -8; z <= 8; z += 0.25)
		cr_assert(rel_close(tach_norm_cdf(z), tach_norm_sf(-z), 1e-15));
}

Test(distributions, normal_quantile)
{
	cr_assert(rel_close(tach_norm_ppf(0.975), 1.9599639845400538556,
	                    1e-15));
	cr_assert(rel_close(tach_norm_ppf(0.3), -0.52440051270804081597,
	                    1e-15));
	cr_assert_eq(tach_norm_ppf(0.5), 0);
	cr_assert(isinf(tach_norm_ppf(0)) && tach_norm_ppf(0) < 0);
	cr_assert(isinf(tach_norm_ppf(1)) && tach_norm_ppf(1) > 0);
	cr_assert(isinf(tach_norm_ppf(-0.5)) && tach_norm_ppf(2) > 0);
	/* Round trips through the lower tail, where p carries z's digits. */
	for (double z = -37; z <= 0.5; z += 0.5) {
		double p = tach_norm_cdf(z);
		cr_assert(fabs(tach_norm_ppf(p) - z) <= 1e-12 * (1 + fabs(z)),
		          "z=%g back %.17g", z, tach_norm_ppf(p));
	}
}

Test(distributions, student_t_closed_forms)
{
	/* df = 1 (Cauchy): sf = atan(1/t) / pi; df = 2: sf = (1 - t /
	 * sqrt(2 + t^2)) / 2. */
	double ts[] = {0.001, 0.5, 1, 3, 10, 1e3, 1e8};

	for (size_t i = 0; i < sizeof ts / sizeof *ts; i++) {
		double t = ts[i];
		double s1 = atan(1 / t) / 3.14159265358979323846;
		double r = sqrt(2 + t * t);
		double s2 = 1 / (r * (r + t)); /* (1 - t/r) / 2 uncancelled */
		cr_assert(rel_close(tach_t_sf(t, 1), s1, 1e-13), "t=%g", t);
		cr_assert(rel_close(tach_t_cdf(-t, 1), s1, 1e-13));
		cr_assert(rel_close(tach_t_sf(t, 2), s2, 1e-12), "t=%g %.17g",
		          t, tach_t_sf(t, 2));
	}
	cr_assert_eq(tach_t_cdf(0, 7.5), 0.5);
	cr_assert_eq(tach_t_sf(INFINITY, 3), 0);
	cr_assert_eq(tach_t_cdf(INFINITY, 3), 1);
}

Test(distributions, student_t_reference_values)
{
	static const struct {
		double t, df, sf;
	} ref[] = {
		{2.0, 10, 0.036694017385370182809},
		{3.5, 4.5, 0.010270844984692786952},
		{30, 1000, 7.6873437220217411056e-142},
		{8, 2e6, 6.2242453478387908084e-16},
		{1.5, 1e8, 0.066807202847353760043},
		{5, 1e7, 2.866564037504269496e-7},
	};

	for (size_t i = 0; i < sizeof ref / sizeof *ref; i++) {
		double got = tach_t_sf(ref[i].t, ref[i].df);
		cr_assert(rel_close(got, ref[i].sf, 1e-12), "t=%g df=%g: %.17g",
		          ref[i].t, ref[i].df, got);
		cr_assert(rel_close(tach_t_cdf(-ref[i].t, ref[i].df), ref[i].sf,
		                    1e-12));
	}
	/* Huge df approaches the normal. */
	cr_assert(rel_close(tach_t_sf(3, 1e14), tach_norm_sf(3), 1e-10));
}

/* ---------------------------------------------------------------------
 * Hodges-Lehmann against brute force.
 */

/* P(U <= u) counts for sizes (m, n) by SciPy's recurrence
 * f(m, n, u) = f(m - 1, n, u - n) + f(m, n - 1, u), in doubles. */
static double *null_counts(size_t m, size_t n)
{
	size_t K = m * n + 1;
	double *f = calloc((m + 1) * (n + 1) * K, sizeof *f);

	cr_assert_not_null(f);
#define F(a, b, u) f[((a) * (n + 1) + (b)) * K + (u)]
	for (size_t a = 0; a <= m; a++)
		for (size_t b = 0; b <= n; b++)
			for (size_t u = 0; u <= a * b; u++) {
				if (u == 0) {
					F(a, b, u) = 1;
					continue;
				}
				double v = 0;
				if (a > 0 && u >= b && u - b <= (a - 1) * b)
					v += F(a - 1, b, u - b);
				if (b > 0 && u <= a * (b - 1))
					v += F(a, b - 1, u);
				F(a, b, u) = v;
			}
	double *out = malloc(K * sizeof *out);
	cr_assert_not_null(out);
	for (size_t u = 0; u < K; u++)
		out[u] = F(m, n, u);
#undef F
	free(f);
	return out;
}

static void brute_hl(const double *x, size_t nx, const double *y, size_t ny,
                     double level, tach_ci *out)
{
	size_t N = nx * ny, k, n = nx + ny;
	double *d = alloc_doubles(N), *pool = alloc_doubles(n);
	double alpha = 1 - level, T = 0;
	int ties = 0;

	for (size_t i = 0; i < nx; i++)
		for (size_t j = 0; j < ny; j++)
			d[i * ny + j] = y[j] - x[i];
	ref_sort(d, N);
	out->estimate = tach_stats_percentile_sorted(d, N, 50);

	memcpy(pool, x, nx * sizeof *x);
	memcpy(pool + nx, y, ny * sizeof *y);
	ref_sort(pool, n);
	for (size_t i = 0; i < n;) {
		size_t j = i;
		while (j < n && pool[j] == pool[i])
			j++;
		double t = (double)(j - i);
		if (j - i > 1)
			ties = 1;
		T += t * t * t - t;
		i = j;
	}
	if ((nx <= 8 || ny <= 8) && !ties) {
		size_t m = nx < ny ? nx : ny, big = nx < ny ? ny : nx;
		double *c = null_counts(m, big), total = 0, cum = 0;
		for (size_t u = 0; u <= N; u++)
			total += c[u];
		k = 0;
		for (size_t u = 0; u <= N; u++) {
			cum += c[u];
			if (cum / total > alpha / 2)
				break;
			k = u + 1; /* P(U <= k - 1) <= alpha / 2 */
		}
		free(c);
	} else {
		double s = sqrt((double)N / 12 * ((double)(n + 1) -
		                                  T / ((double)n * (n - 1))));
		double z = tach_norm_ppf(1 - alpha / 2);
		double c = floor((double)N / 2 - z * s);
		k = c >= 1 ? (size_t)c : 0;
	}
	if (k < 1)
		k = 1;
	if (k > N + 1 - k) {
		out->lo = d[0];
		out->hi = d[N - 1];
	} else {
		out->lo = d[k - 1];
		out->hi = d[N - k];
	}
	free(d);
	free(pool);
}

static void check_hl(const double *x, size_t nx, const double *y, size_t ny,
                     double level)
{
	tach_ci got, want;

	cr_assert_eq(tach_stats_hodges_lehmann(x, nx, y, ny, level, &got), 0);
	brute_hl(x, nx, y, ny, level, &want);
	cr_assert_eq(got.estimate, want.estimate, "nx=%zu ny=%zu est %a vs %a",
	             nx, ny, got.estimate, want.estimate);
	cr_assert_eq(got.lo, want.lo, "nx=%zu ny=%zu lo %a vs %a", nx, ny,
	             got.lo, want.lo);
	cr_assert_eq(got.hi, want.hi, "nx=%zu ny=%zu hi %a vs %a", nx, ny,
	             got.hi, want.hi);
	cr_assert_eq(got.level, level);
	cr_assert(got.lo <= got.hi);
}

Test(hodges_lehmann, equals_brute_force)
{
	/* Small (exact interval) through 90000 pairs, more than the
	 * library gathers at once, so its narrowing loop runs too. */
	size_t sizes[][2] = {{1, 1}, {1, 7}, {2, 3}, {5, 8}, {8, 40},
	                     {3, 100}, {9, 9}, {20, 31}, {120, 80},
	                     {300, 300}, {250, 400}};
	double levels[] = {0.5, 0.9, 0.95, 0.99};

	for (size_t k = 0; k < sizeof sizes / sizeof *sizes; k++) {
		size_t nx = sizes[k][0], ny = sizes[k][1];
		double *x = alloc_doubles(nx), *y = alloc_doubles(ny);
		double level = levels[k % 4];

		fill_normal(x, nx, 10 * k, 0, 1);
		fill_normal(y, ny, 10 * k + 1, 0.3, 2);
		check_hl(x, nx, y, ny, level);
		/* ties, also between the samples */
		fill_ints(x, nx, 10 * k + 2, 0, 6);
		fill_ints(y, ny, 10 * k + 3, 1, 7);
		check_hl(x, nx, y, ny, level);
		/* mixed magnitudes and signed zeros */
		fill_normal(x, nx, 10 * k + 4, 0, 1);
		for (size_t i = 0; i < nx; i++)
			x[i] = i % 3 ? ldexp(x[i], (int)(i % 40) - 20) : -0.0;
		fill_normal(y, ny, 10 * k + 5, 0, 1);
		for (size_t j = 0; j < ny; j++)
			y[j] = j % 4 ? y[j] * 1e3 : 0.0;
		check_hl(x, nx, y, ny, level);
		free(x);
		free(y);
	}
}

Test(hodges_lehmann, shift_and_degenerate)
{
	double x[] = {1, 2, 3, 4, 5}, y[] = {11, 12, 13, 14, 15};
	double same[] = {2, 2};
	tach_ci ci;

	cr_assert_eq(tach_stats_hodges_lehmann(x, 5, y, 5, 0.95, &ci), 0);
	cr_assert_eq(ci.estimate, 10);
	cr_assert(ci.lo <= 10 && ci.hi >= 10);
	cr_assert_eq(tach_stats_hodges_lehmann(same, 2, same, 2, 0.95, &ci), 0);
	cr_assert(ci.estimate == 0 && ci.lo == 0 && ci.hi == 0);
	cr_assert_eq(tach_stats_hodges_lehmann(NULL, 0, y, 5, 0.95, &ci), 0);
	cr_assert(ci.estimate == 0 && ci.lo == 0 && ci.hi == 0);
	cr_assert_eq(tach_stats_hodges_lehmann(x, 5, y, 5, 1, &ci),
	             TACH_EINVAL);
	cr_assert_eq(tach_stats_hodges_lehmann(x, 5, y, 5, 0, &ci),
	             TACH_EINVAL);
}

Test(hodges_lehmann, interval_widens_with_level)
{
	double x[200], y[150];
	tach_ci a, b;

	fill_normal(x, 200, 1, 0, 1);
	fill_normal(y, 150, 2, 1, 1);
	tach_stats_hodges_lehmann(x, 200, y, 150, 0.8, &a);
	tach_stats_hodges_lehmann(x, 200, y, 150, 0.99, &b);
	cr_assert(b.lo < a.lo && a.hi < b.hi);
	cr_assert(a.lo < a.estimate && a.estimate < a.hi);
	cr_assert(a.lo > 0.5 && a.hi < 1.5, "[%g, %g]", a.lo, a.hi);
}
