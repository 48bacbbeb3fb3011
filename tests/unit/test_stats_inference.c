/* test_stats_inference.c - properties of the inferential statistics
 * (include/tach/stats.h): bootstrap against its naive definition, the
 * Mann-Whitney and Welch tests' symmetries and degenerate cases, the
 * distributions, Hodges-Lehmann against brute force.
 */
#include "stats_testutil.h"

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
