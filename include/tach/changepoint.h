/* changepoint.h - change points of a performance history: the runs after
 * which a benchmark's values (one per run, in time order) shifted to a new
 * level and stayed there.  Used by `tach trend`.
 *
 * The method is the one of Apache Otava (formerly DataStax Hunter; Fleming
 * et al., "Hunter: Using Change Point Detection to Hunt for Performance
 * Regressions", ICPE 2023); the code is ours.  docs/history.md explains it
 * with its measured error rates.
 */
#ifndef TACH_CHANGEPOINT_H
#define TACH_CHANGEPOINT_H

#include <stddef.h>

#include "tach/error.h"

#ifdef __cplusplus
extern "C" {
#endif

/* ---------------------------------------------------------------------
 * Method.  When every value is > 0 the series is analysed as log x, so a
 * change is a ratio and a 2 % step looks the same at 1 ms and at 1 s;
 * otherwise (a zero or a negative value anywhere) as x itself.
 *
 * 0. Outliers.  Each point is clamped to within 3 robust standard
 *    deviations (from the successive differences) of the median of the
 *    2 min_segment + 1 points around it, so that one disturbed run
 *    neither makes a change of its own nor hides one.  (The change ratio
 *    is computed on the values as given.)
 * 1. Candidates (Otava's "split").  Windows of `window` points slide by
 *    half a window; a window starts no earlier than the last candidate.
 *    In each, E-divisive means (Matteson & James, "A nonparametric
 *    approach for multiple change point analysis of multivariate data",
 *    JASA 109, 2014; energy distance, exponent 1) proposes the split that
 *    best separates what comes before from what comes after, and a
 *    Student t-test between the two sides accepts it at p <= 10 max_p (at
 *    most 0.5); the window is split again until a proposal fails.
 * 2. Selection (Otava's "merge").  Each candidate is tested again between
 *    the segments reaching to its neighbours (at most 10 windows each
 *    way, so that a test costs O(window)).  While the largest
 *    p-value exceeds max_p that candidate is dropped and its neighbours
 *    retested.  The survivors are then moved, by at most half a window,
 *    to the least-squares position between their neighbours (the maximum-
 *    likelihood position of a level shift), and each gap between them is
 *    tested as a whole at its least-squares split, which finds a small
 *    step that no single window showed.  Repeated until nothing changes
 *    (at most 8 rounds).
 *
 * The test of step 2 is Student's two-sample t-test (pooled variance, as
 * scipy.stats.ttest_ind) with its p-value multiplied, Bonferroni-style,
 * by the size of the search that found the change: the n - 2 min_segment
 * + 1 positions of the series, times window - 2 min_segment + 1 lengths
 * when the shorter side ends at another change instead of at an end of
 * the series.  Otava applies no correction; without it this procedure
 * reports a false change in 31 % of flat 1,000-point series (typically a
 * short run of noise that happens to sit high), with it in none of
 * 10,000.  The price is power on short segments: at n = 1,000 a step
 * must be about 5 standard errors of the difference of the two sides'
 * means, not 3.3.
 *
 * Time is O(n window) for the candidates plus O(n + k^2) per selection
 * round for k candidates (k is about n / 200 on noise; the k^2 is a
 * scan that stays small): about 0.5 us per point from 10^3 to 10^6
 * points.  Memory O(n + window^2).
 */
typedef struct tach_changepoint_opts {
	/* Significance level of each reported change, 0 < max_p < 1, after
	 * the correction above.  Default 0.001, Otava's. */
	double max_p;
	/* Window length in points, >= 2 min_segment.  Default 50, Otava's:
	 * a step of one noise standard deviation then has at least 12 points
	 * on its shorter side in some window, where the t-test gives about
	 * p = 0.004 (a candidate); larger windows cost O(window) per point. */
	size_t window;
	/* Fewest points on each side of a change, >= 2 (a t-test needs two to
	 * see noise).  Default 5.  A change closer than this to another one
	 * or to an end of the series is not reported; a run of up to this
	 * many points far from its neighbours is pulled in as outliers
	 * (step 0). */
	size_t min_segment;
} tach_changepoint_opts;

/* One change point. */
typedef struct tach_changepoint {
	size_t index;  /* position of the first point after the change */
	double p;      /* its corrected p-value (step 2), <= max_p */
	/* median(after) / median(before), over the segments reaching to the
	 * neighbouring change points (or the ends of the series), on the
	 * values as given.  1 when both medians are equal (also both 0);
	 * +-inf when only the median before is 0. */
	double change;
} tach_changepoint;

/* The defaults above: max_p 0.001, window 50, min_segment 5. */
TACH_API tach_changepoint_opts tach_changepoint_defaults(void);

/* Finds the change points of x[0..n) and stores them in increasing index
 * order in *out, a malloc'd array the caller frees (NULL when none), and
 * their number in *n_out.  o = NULL means the defaults.  No change is
 * found in a series shorter than 2 min_segment, nor in a constant one.
 * Returns 0; TACH_EINVAL when a value is NaN or infinite, x is NULL with
 * n > 0, out or n_out is NULL, or an option is outside its range;
 * TACH_ENOMEM.  On error *out = NULL and *n_out = 0. */
TACH_API int tach_changepoints(const double *x, size_t n,
                               const tach_changepoint_opts *o,
                               tach_changepoint **out, size_t *n_out);

#ifdef __cplusplus
}
#endif
#endif
