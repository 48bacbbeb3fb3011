/* mann_whitney.c - the Mann-Whitney U test (Mann & Whitney, Ann. Math.
 * Statist. 18, 1947) as scipy.stats.mannwhitneyu of SciPy 1.10 computes
 * it (scipy/stats/_mannwhitneyu.py), and the pooled ranking it shares with
 * the Hodges-Lehmann interval.
 *
 * Ranking sorts both samples with the radix sort and merges them: O(n)
 * instead of SciPy's argsort of the pooled sample.
 */
#include <math.h>
#include <stdlib.h>

#include "stats_internal.h"

/* Walks the tie groups of the merged sorted samples.  U1 is the number
 * of pairs with x above y plus half the tied pairs, so 2 U1 accumulates
 * as integers, exactly: 2 cx (y below the group) + cx cy per group. */
void tach__stats_rank_sorted(const double *x, size_t nx, const double *y,
                             size_t ny, tach__stats_ranks *out)
{
	size_t i = 0, j = 0, groups = 0;
	uint64_t u1x2 = 0;
	double tie_term = 0;

	while (i < nx || j < ny) {
		size_t cx = 0, cy = 0, below;
		double v;

		/* Take the smaller head first so every round makes progress
		 * even on values that compare unequal to themselves. */
		if (j >= ny || (i < nx && !(y[j] < x[i]))) {
			v = x[i++];
			cx = 1;
		} else {
			v = y[j++];
			cy = 1;
		}
		while (i < nx && x[i] == v) {
			i++;
			cx++;
		}
		while (j < ny && y[j] == v) {
			j++;
			cy++;
		}
		below = j - cy;
		u1x2 += 2 * (uint64_t)cx * below + (uint64_t)cx * cy;
		if (cx + cy > 1) {
			double t = (double)(cx + cy);
			tie_term += t * t * t - t;
		}
		groups++;
	}
	out->u1 = (double)u1x2 / 2;
	out->tie_term = tie_term;
	out->ties = groups < nx + ny;
	out->all_equal = groups == 1;
}

/* SciPy's _get_mwu_z: s = sqrt(n1 n2 / 12 ((n + 1) - T / (n (n - 1)))),
 * the standard deviation of U under H0, corrected for ties. */
double tach__stats_mwu_sd(size_t nx, size_t ny, double tie_term)
{
	uint64_t n = (uint64_t)nx + ny;
	double v = (double)((uint64_t)nx * ny) / 12 *
	           ((double)(n + 1) - tie_term / (double)(n * (n - 1)));

	return v > 0 ? sqrt(v) : 0;
}

int tach_stats_mann_whitney(const double *x, size_t nx, const double *y,
                            size_t ny, tach_alternative alt, tach_test *out)
{
	tach__stats_ranks r;
	double *buf, u2, u, p, f;
	int rc;

	out->statistic = 0;
	out->pvalue = 1;
	out->df = 0;
	out->exact = 0;
	if (nx == 0 || ny == 0)
		return 0;
	buf = tach__stats_sorted_pair(x, nx, y, ny);
	if (!buf)
		return TACH_ENOMEM;
	tach__stats_rank_sorted(buf, nx, buf + nx, ny, &r);
	free(buf);

	out->statistic = r.u1;
	if (r.all_equal)
		return 0; /* p = 1: nothing to rank */

	/* U1 + U2 = nx ny.  "greater" uses the survival function of U1,
	 * "less" that of U2 by symmetry, two-sided the larger, doubled. */
	u2 = (double)((uint64_t)nx * ny) - r.u1;
	if (alt == TACH_GREATER) {
		u = r.u1;
		f = 1;
	} else if (alt == TACH_LESS) {
		u = u2;
		f = 1;
	} else {
		u = r.u1 > u2 ? r.u1 : u2;
		f = 2;
	}

	if ((nx <= TACH__MWU_EXACT_MAX || ny <= TACH__MWU_EXACT_MAX) &&
	    !r.ties) {
		/* P(U >= u) = P(U <= mn - u); u is an integer here. */
		uint64_t mn = (uint64_t)nx * ny;
		rc = tach__stats_mwu_cdf(nx, ny, mn - (uint64_t)u, &p);
		if (rc != 0)
			return rc;
		out->exact = 1;
	} else {
		/* Continuity correction: SciPy always subtracts 1/2, since
		 * it always takes the survival function. */
		double mu = (double)((uint64_t)nx * ny) / 2;
		double s = tach__stats_mwu_sd(nx, ny, r.tie_term);
		p = s > 0 ? tach_norm_sf((u - mu - 0.5) / s) : 1;
	}
	p *= f;
	out->pvalue = p < 0 ? 0 : p > 1 ? 1 : p;
	return 0;
}
