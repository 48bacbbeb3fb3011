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
 * 1. Candidates (split).  Windows of `window` points slide over the series
 *    by half a window; a window starts no earlier than the last candidate
 *    found in the one before.  Inside each window, E-divisive means
 *    (Matteson & James, "A nonparametric approach for multiple change
 *    point analysis of multivariate data", JASA 109, 2014; energy distance
 *    with exponent 1) proposes the split that best separates the points
 *    before from the points after it; Welch's two-sided t-test between the
 *    two sides of the split (each reaching to the window's edge or the
 *    nearest accepted split) accepts it when p <= min(10 max_p, 0.5); the
 *    window is split again until a proposal fails.  The candidates are
 *    deliberately many: a 1-sigma step gives p <= 0.004 in any window.
 * 2. Selection (merge).  Each candidate is tested again, now between the
 *    whole segments reaching to its neighbouring candidates, with Welch's
 *    t-test; that p-value is multiplied by the number of positions the
 *    change could have taken in those segments (b - a - 2 min_segment + 1
 *    for the segment [a, b)), a Bonferroni correction for the position
 *    having been chosen where the difference looks largest.  While the
 *    largest corrected p-value exceeds max_p, that candidate is dropped
 *    and its two neighbours are tested again.  What remains is returned.
 *
 * Without the correction of step 2 (Otava has none) the test would be run
 * as if the position had been fixed in advance: on flat noise it then
 * reports a false change in a few per cent of 1,000-point series.  With
 * it, none were found in 10,000 such series (bench/bench_changepoint.c).
 *
 * Time is O(n window) for the candidates plus O(k^2 + n log k) for
 * selecting among k of them; memory O(n + window^2).
 */
typedef struct tach_changepoint_opts {
	/* Significance level of each reported change, 0 < max_p < 1 (after
	 * the correction above).  Default 0.001, Otava's. */
	double max_p;
	/* Window length in points, >= 2 min_segment.  Default 50, Otava's:
	 * a step of one noise standard deviation then always has >= 12
	 * points on its shorter side in some window, enough for a candidate. */
	size_t window;
	/* Fewest points on each side of a change, >= 2 (a t-test needs two to
	 * see noise).  Default 5.  Changes closer than this to each other or
	 * to an end of the series are not reported. */
	size_t min_segment;
} tach_changepoint_opts;

/* One change point. */
typedef struct tach_changepoint {
	size_t index;  /* position of the first point after the change */
	double p;      /* corrected p-value of the test that accepted it */
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
