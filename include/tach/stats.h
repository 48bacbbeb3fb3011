/* stats.h - the statistics core: descriptive statistics, resampling and
 * hypothesis tests used by show, compare, gates and history.
 *
 * All functions are pure functions of their arguments: they read
 * `(const double *x, size_t n)` and never modify it, keep no state and are
 * safe to call from several threads.  Degenerate input (n = 0, n = 1, all
 * values equal, zero variance) always gives the defined result documented at
 * each function, never NaN.  Inputs must not contain NaN; infinities are
 * allowed only where a function says so.
 *
 * Reference: every function here is checked against SciPy/NumPy
 * (tests/vectors/gen_stats.py) to 1e-9 relative where the oracle is exact.
 */
#ifndef TACH_STATS_H
#define TACH_STATS_H

#include <stddef.h>
#include <stdint.h>

#include "tach/error.h"

#ifdef __cplusplus
extern "C" {
#endif

/* ---------------------------------------------------------------------
 * Random numbers: xoshiro256** seeded through splitmix64, so a seed gives
 * the same stream on every platform.  Used by the bootstrap.
 */
typedef struct tach_rng {
	uint64_t s[4];
} tach_rng;

/* Seeds the generator: s[i] are four successive splitmix64 outputs of
 * `seed` (state starts at `seed`; each step adds 0x9e3779b97f4a7c15). */
TACH_API void tach_rng_seed(tach_rng *rng, uint64_t seed);
/* The next 64 random bits (xoshiro256**). */
TACH_API uint64_t tach_rng_next(tach_rng *rng);
/* A uniform integer in [0, bound), bound > 0, without bias: Lemire's
 * multiply-shift with rejection ("Fast Random Integer Generation in an
 * Interval", 2019) on 64-bit outputs: m = next * bound (128-bit);
 * reject while (uint64)m < (-bound % bound); return m >> 64. */
TACH_API uint64_t tach_rng_below(tach_rng *rng, uint64_t bound);
/* A uniform double in [0, 1): (next >> 11) * 2^-53. */
TACH_API double tach_rng_uniform(tach_rng *rng);

/* ---------------------------------------------------------------------
 * Descriptive statistics.  Functions returning double never fail.
 */

/* Arithmetic mean; 0 for n = 0.  Finite for finite x even where the sum
 * overflows (samples near ±DBL_MAX). */
TACH_API double tach_stats_mean(const double *x, size_t n);
/* Smallest / largest value; 0 for n = 0. */
TACH_API double tach_stats_min(const double *x, size_t n);
TACH_API double tach_stats_max(const double *x, size_t n);
/* Sample variance (divisor n - 1, NumPy ddof=1); 0 for n < 2. */
TACH_API double tach_stats_variance(const double *x, size_t n);
/* Sample standard deviation, sqrt of the above; 0 for n < 2.  The
 * squares are scaled by a power of two when they overflow, so this is
 * finite whenever the true value is below DBL_MAX (the variance of such
 * data may still be inf). */
TACH_API double tach_stats_stddev(const double *x, size_t n);
/* Coefficient of variation, stddev / |mean|; 0 for n < 2 or mean = 0.
 * Divided before scaling back: finite even when stddev is not. */
TACH_API double tach_stats_cv(const double *x, size_t n);

/* Sorts x ascending in place (LSD radix sort on the IEEE bit patterns:
 * O(n), stable; -0.0 sorts before +0.0). */
TACH_API int tach_stats_sort(double *x, size_t n);

/* Percentile q (0 <= q <= 100) of already sorted data, NumPy's default
 * 'linear' method (Hyndman & Fan type 7): h = (n - 1) q / 100, result
 * x[floor h] + (h - floor h)(x[floor h + 1] - x[floor h]), rounded as
 * NumPy's _lerp rounds it (from the nearer neighbour).  0 for n = 0;
 * q is clamped to [0, 100]. */
TACH_API double tach_stats_percentile_sorted(const double *sorted, size_t n,
                                             double q);

/* Percentile q of unsorted data, same definition, by selection on a
 * private copy (O(n)).  Returns 0 or TACH_ENOMEM.  *out = 0 for n = 0. */
TACH_API int tach_stats_percentile(const double *x, size_t n, double q,
                                   double *out);

/* Several percentiles at once (one copy, one selection pass per distinct
 * position).  out[i] is the percentile qs[i].  Returns 0 or TACH_ENOMEM. */
TACH_API int tach_stats_percentiles(const double *x, size_t n,
                                    const double *qs, size_t nq, double *out);

/* Median = percentile 50.  Returns 0 or TACH_ENOMEM; *out = 0 for n = 0. */
TACH_API int tach_stats_median(const double *x, size_t n, double *out);

/* Median absolute deviation, median(|x - median(x)|), unscaled (SciPy's
 * median_abs_deviation with scale=1.0).  Multiply by TACH_MAD_NORMAL for a
 * consistent estimate of the standard deviation under normality.
 * Returns 0 or TACH_ENOMEM; *out = 0 for n = 0. */
#define TACH_MAD_NORMAL 1.482602218505602
TACH_API int tach_stats_mad(const double *x, size_t n, double *out);

/* Geometric mean, exp(mean(log x)) as scipy.stats.gmean.  All values must
 * be > 0 and finite: TACH_EDOMAIN otherwise.  *out = 0 for n = 0. */
TACH_API int tach_stats_geomean(const double *x, size_t n, double *out);

/* The ratio of the means of a and b, mean(a) / mean(b), with its
 * standard deviation propagated to first order from the samples' standard
 * deviations: ratio * sqrt((sd_a/mean_a)^2 + (sd_b/mean_b)^2), the
 * relative speed and its "±" that hyperfine prints.  TACH_EDOMAIN when
 * either side is empty or its mean is not > 0 (ratio and sd then 0). */
TACH_API int tach_stats_mean_ratio(const double *a, size_t na, const double *b, size_t nb,
                                   double *ratio, double *sd);

/* Tukey's fences from the quartiles (NumPy linear percentiles 25 and 75)
 * and IQR = q3 - q1:  mild outliers lie beyond 1.5 IQR from the quartiles,
 * severe ones beyond 3 IQR.  A value exactly on a fence is not an outlier.
 * The counts are disjoint: low_severe counts x < lo_severe, low_mild
 * lo_severe <= x < lo_mild, high_mild hi_mild < x <= hi_severe and
 * high_severe x > hi_severe. */
typedef struct tach_outliers {
	double q1, q3;
	double lo_severe, lo_mild, hi_mild, hi_severe; /* the four fences */
	size_t low_severe, low_mild, high_mild, high_severe;
} tach_outliers;
/* Returns 0 or TACH_ENOMEM.  n = 0 gives all zeros. */
TACH_API int tach_stats_outliers(const double *x, size_t n,
                                 tach_outliers *out);

/* Everything `tach show` prints for one metric, computed with one sort. */
typedef struct tach_summary {
	size_t n;
	double mean, stddev, cv;
	double min, max;
	double median, mad; /* mad unscaled */
	double q1, q3;
	double p90, p95, p99;
} tach_summary;
/* Returns 0 or TACH_ENOMEM.  n = 0 gives all zeros. */
TACH_API int tach_stats_summarize(const double *x, size_t n,
                                  tach_summary *out);

/* ---------------------------------------------------------------------
 * Confidence intervals.
 */
typedef struct tach_ci {
	double estimate; /* the point estimate from the original data */
	double lo, hi;   /* the interval; lo <= hi */
	double level;    /* confidence level, e.g. 0.95 */
} tach_ci;

/* Percentile bootstrap CI of the median.  Each of `resamples` resamples
 * draws n indices with tach_rng_below(rng, n) from a generator seeded with
 * `seed` (one generator for the whole call, resamples in order); the
 * interval is the NumPy-linear percentiles 100*(1-level)/2 and
 * 100*(1+level)/2 of the resample medians.  estimate = median(x).
 * n = 0: all zero.  n = 1: lo = hi = estimate.  level in (0, 1) and
 * resamples >= 1 else TACH_EINVAL.  Returns 0, TACH_EINVAL or TACH_ENOMEM. */
TACH_API int tach_stats_bootstrap_median_ci(const double *x, size_t n,
                                            double level, size_t resamples,
                                            uint64_t seed, tach_ci *out);

/* Percentile bootstrap CI of median(cand) / median(base).  One generator
 * seeded with `seed`; for each resample, first n_base indices into base,
 * then n_cand indices into cand, each drawn with tach_rng_below.
 * estimate = median(cand) / median(base).  Resamples whose base median is
 * 0 are skipped; if all are, lo = hi = estimate.  Both sample sets need
 * n >= 1 and median(base) != 0, else TACH_EDOMAIN.  Returns 0,
 * TACH_EINVAL, TACH_EDOMAIN or TACH_ENOMEM. */
TACH_API int tach_stats_bootstrap_ratio_ci(const double *base, size_t n_base,
                                           const double *cand, size_t n_cand,
                                           double level, size_t resamples,
                                           uint64_t seed, tach_ci *out);

/* ---------------------------------------------------------------------
 * Hypothesis tests.  "x" is the first sample and "y" the second, as in
 * SciPy; alternatives are about x relative to y.
 */
typedef enum tach_alternative {
	TACH_TWO_SIDED = 0,
	TACH_LESS = 1,    /* x tends to be smaller than y */
	TACH_GREATER = 2, /* x tends to be larger than y */
} tach_alternative;

typedef struct tach_test {
	double statistic; /* U of x (Mann-Whitney) or t (Welch) */
	double pvalue;    /* in [0, 1] */
	double df;        /* Welch: degrees of freedom; Mann-Whitney: 0 */
	int exact;        /* Mann-Whitney: 1 if the exact distribution was used */
} tach_test;

/* Mann-Whitney U test, the same as scipy.stats.mannwhitneyu(x, y,
 * use_continuity=True, alternative, method='auto') of SciPy 1.10:
 * statistic = U1 = R1 - nx(nx+1)/2 with midranks for ties.  Exact null
 * distribution when min(nx, ny) <= 8 and there are no ties in the pooled
 * sample; otherwise the normal approximation with tie correction and
 * continuity correction.  Two-sided p = 2 sf(max(U1, U2)) clipped to 1.
 * nx = 0 or ny = 0: statistic 0, p = 1.  All values equal: p = 1.
 * Returns 0 or TACH_ENOMEM. */
TACH_API int tach_stats_mann_whitney(const double *x, size_t nx,
                                     const double *y, size_t ny,
                                     tach_alternative alt, tach_test *out);

/* Welch's unequal-variance t-test, as scipy.stats.ttest_ind(x, y,
 * equal_var=False, alternative): t = (mean x - mean y) / sqrt(vx/nx +
 * vy/ny), Welch-Satterthwaite df, p from Student's t.  Defined results
 * where SciPy gives NaN:
 *   nx = 0 or ny = 0, or nx = ny = 1: t = 0, df = 0, p = 1 (no evidence);
 *   one side a single value, the other n >= 2 values with variance v > 0:
 *     the single value is given the other side's variance, so t = d /
 *     sqrt(v/nx + v/ny) with df = n - 1 (a prediction-interval test);
 *   both variances zero (or v = 0 above): t = 0, df = 0 and p = 1 if the
 *     means are equal, else t = +-inf (sign of the difference), df = 0
 *     and p from the sign (0 or 1 one-sided, 0 two-sided) -- a difference
 *     without any noise is certain.
 * Returns 0. */
TACH_API int tach_stats_welch(const double *x, size_t nx, const double *y,
                              size_t ny, tach_alternative alt, tach_test *out);

/* Hodges-Lehmann estimate of the shift of y relative to x: the median of
 * all nx*ny differences y[j] - x[i], with its distribution-free confidence
 * interval from the Mann-Whitney null distribution (Hollander & Wolfe,
 * Nonparametric Statistical Methods, 3rd ed., sec. 4.3):  with the N
 * differences sorted, D(1) <= ... <= D(N), the interval is [D(k), D(N+1-k)]
 * where, with alpha = 1 - level,
 *   exact (same rule as the U test: min(nx,ny) <= 8 and no ties):
 *     k = the largest integer >= 1 with P(U <= k - 1) <= alpha/2
 *     (k = 1 if there is none);
 *   otherwise:
 *     k = max(1, floor(N/2 - z * s)), z = Phi^-1(1 - alpha/2) and
 *     s = sqrt(nx*ny/12 * ((n+1) - T/(n(n-1)))), n = nx+ny, T = sum(t^3-t)
 *     over tie groups of the pooled sample (the U test's tie-corrected sd).
 * If k would exceed N+1-k the interval is [D(1), D(N)].  Selection runs in
 * O((nx+ny) log) time without forming the N differences.
 * nx = 0 or ny = 0: all zero.  Returns 0, TACH_EINVAL or TACH_ENOMEM. */
TACH_API int tach_stats_hodges_lehmann(const double *x, size_t nx,
                                       const double *y, size_t ny,
                                       double level, tach_ci *out);

/* ---------------------------------------------------------------------
 * Distributions used above, exposed for the comparison code.
 */
/* Standard normal CDF, survival function and quantile (inverse CDF; for
 * p <= 0 -> -inf, p >= 1 -> +inf), accurate to a few ulp / 1e-15. */
TACH_API double tach_norm_cdf(double z);
TACH_API double tach_norm_sf(double z);
TACH_API double tach_norm_ppf(double p);
/* Student's t CDF and survival function with df > 0 degrees of freedom
 * (df need not be an integer), via the regularized incomplete beta. */
TACH_API double tach_t_cdf(double t, double df);
TACH_API double tach_t_sf(double t, double df);

/* ---------------------------------------------------------------------
 * Asymptotic complexity: how a time grows with a size n, fitted by least
 * squares through the origin to one curve f(n), as Google Benchmark's
 * Complexity() does.  Used by tach/bench.h (.complexity) and the reports.
 */
typedef enum tach_complexity {
	TACH_COMPLEXITY_NONE = 0, /* no fit */
	TACH_COMPLEXITY_O1,       /* f(n) = 1 */
	TACH_COMPLEXITY_OLOGN,    /* f(n) = log2(n) */
	TACH_COMPLEXITY_ON,       /* f(n) = n */
	TACH_COMPLEXITY_ONLOGN,   /* f(n) = n log2(n) */
	TACH_COMPLEXITY_ON2,      /* f(n) = n^2 */
	TACH_COMPLEXITY_ON3,      /* f(n) = n^3 */
	TACH_COMPLEXITY_AUTO,     /* the curve of the six with the lowest RMS */
} tach_complexity;

/* A fitted curve: time(n) ~ coefficient * f(n). */
typedef struct tach_complexity_fit {
	tach_complexity complexity; /* the curve (never AUTO or NONE) */
	double coefficient;         /* sum(t f(n)) / sum(f(n)^2) */
	/* sqrt(mean((t - coefficient f(n))^2)) / mean(t): the residuals'
	 * root mean square as a fraction of the mean time (0 when every t
	 * is 0) */
	double rms;
} tach_complexity_fit;

/* f(n) of curve c (0 for NONE and AUTO). */
TACH_API double tach_complexity_eval(tach_complexity c, double n);
/* Google Benchmark's name of a curve: "1", "lgN", "N", "NlgN", "N^2",
 * "N^3" ("auto", "none" for the others).  Static string. */
TACH_API const char *tach_complexity_name(tach_complexity c);
/* The curve named s (the names above), or TACH_COMPLEXITY_NONE. */
TACH_API tach_complexity tach_complexity_parse(const char *s);

/* Fits t[i] ~ coefficient * f(n[i]) for i < k by least squares through
 * the origin (NumPy: np.linalg.lstsq(f(n)[:, None], t)), for curve `want`
 * or, with TACH_COMPLEXITY_AUTO, for each of O(1), O(log n), O(n),
 * O(n log n), O(n^2), O(n^3) in that order, keeping the first with the
 * lowest RMS.  Needs k >= 2, every n >= 1 and finite, at least two
 * different n and every t finite and >= 0: otherwise TACH_EINVAL (a fit
 * through fewer sizes says nothing about growth).  Returns 0 or
 * TACH_EINVAL; *out is set only on success. */
TACH_API int tach_stats_complexity(const double *n, const double *t, size_t k,
                                   tach_complexity want, tach_complexity_fit *out);

#ifdef __cplusplus
}
#endif
#endif
