/* rule.c - measuring and deciding one row of a comparison.
 *
 * Why these choices (docs/statistics.md has the simulation behind them):
 * - Ratios, not differences: a 2 % change means the same for 10 ns and
 *   10 s, and timing noise is multiplicative.  So the estimate is the
 *   Hodges-Lehmann shift of the logarithms (the median of all pairwise
 *   log ratios), robust to the outliers every timing has.
 * - The U test is rank-based, so it needs no normality and the logarithm
 *   does not change it; one-sided in the direction observed, so that an
 *   improvement and a regression are each tested at alpha.
 * - Holm over every tested row keeps the chance of any false alarm in a
 *   whole suite at alpha, uniformly more powerful than Bonferroni.
 * - A minimum effect: with enough samples any difference is significant,
 *   and nobody wants a CI job failed by 0.2 %.
 * - "same" must be earned: the (1 - 2 alpha) interval inside +- the
 *   minimum effect is the two one-sided tests (TOST) equivalence test at
 *   alpha.  Anything else undecided is "inconclusive", with the sample
 *   count that would decide it.
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "tach/stats.h"
#include "compare/internal.h"

static double cv(const double *x, size_t n)
{
	return n >= 2 ? tach_stats_cv(x, n) : 0;
}

static int all_zero(const tach_metric *m)
{
	for (size_t i = 0; i < m->n_samples; i++)
		if (m->samples[i] != 0)
			return 0;
	return 1;
}

static int all_positive(const tach_metric *m)
{
	for (size_t i = 0; i < m->n_samples; i++)
		if (!(m->samples[i] > 0))
			return 0;
	return 1;
}

static double ratio_of(double cand, double base)
{
	if (base == 0)
		return cand == 0 ? 1 : (cand > 0 ? INFINITY : NAN);
	return cand / base;
}

/* Robust standard deviation of logs (1.4826 MAD), 0 when unknown. */
static int log_spread(const double *lx, size_t n, double *out)
{
	double mad;
	*out = 0;
	if (n < 2)
		return 0;
	int rc = tach_stats_mad(lx, n, &mad);
	if (rc)
		return rc;
	mad *= 1.4826;
	*out = mad > 0 ? mad : tach_stats_stddev(lx, n);
	return 0;
}

/* Samples per side for 90 % power at the minimum effect, one-sided at
 * alpha, for the U test (asymptotic relative efficiency 3/pi against
 * the t test under normality): n = pi/3 * 2 (z_a + z_b)^2 s^2 / d^2. */
static size_t needed(double s, const tach_compare_rule *rule)
{
	double d = log1p(rule->min_effect);
	if (!(s > 0) || !(d > 0))
		return 0;
	double z = tach_norm_ppf(1 - rule->alpha) + tach_norm_ppf(0.9);
	double n = ceil(M_PI / 3 * 2 * z * z * s * s / (d * d));
	if (n < 3)
		n = 3;
	return n > 1e7 ? 10000000 : (size_t)n;
}

int tach__compare_measure(const tach_metric *mb, const tach_metric *mk, tach_compare_row *row)
{
	size_t nb = mb->n_samples, nk = mk->n_samples;
	row->n_base = nb;
	row->n_cand = nk;
	row->flags = 0;
	row->base_median = row->cand_median = NAN;
	row->ratio = row->ratio_lo = row->ratio_hi = row->p = row->p_adjusted = NAN;
	int rc;
	if ((nb && (rc = tach_stats_median(mb->samples, nb, &row->base_median))) ||
	    (nk && (rc = tach_stats_median(mk->samples, nk, &row->cand_median))))
		return rc; /* TACH_ENOMEM: a median left out would be a wrong row */
	row->cv_base = cv(mb->samples, nb);
	row->cv_cand = cv(mk->samples, nk);
	if ((mb->flags | mk->flags) & TACH_METRIC_UNRESOLVED)
		row->flags |= TACH_ROW_UNRESOLVED;
	if (!nb || !nk)
		return 0; /* a metric without samples on a side: inconclusive */
	if (all_zero(mb) && all_zero(mk)) {
		row->flags |= TACH_ROW_ZERO;
		row->ratio = row->ratio_lo = row->ratio_hi = 1;
		return 0;
	}
	row->ratio = ratio_of(row->cand_median, row->base_median);
	if ((mb->flags | mk->flags) & TACH_METRIC_DETERMINISTIC) {
		row->flags |= TACH_ROW_DETERMINISTIC;
		if (isfinite(row->ratio) && row->ratio > 0)
			row->flags |= TACH_ROW_GEOMEAN;
		return 0;
	}
	if (nb < 2 || nk < 2) {
		row->flags |= TACH_ROW_SINGLE;
		return 0;
	}
	double level = 1 - 2 * row->rule.alpha;
	tach_test up, down;
	if ((rc = tach_stats_mann_whitney(mk->samples, nk, mb->samples, nb, TACH_GREATER, &up)) ||
	    (rc = tach_stats_mann_whitney(mk->samples, nk, mb->samples, nb, TACH_LESS, &down)))
		return rc;
	if (all_positive(mb) && all_positive(mk)) {
		double *lb = malloc((nb + nk) * sizeof *lb), *lk = lb + nb;
		if (!lb)
			return TACH_ENOMEM;
		for (size_t i = 0; i < nb; i++)
			lb[i] = log(mb->samples[i]);
		for (size_t i = 0; i < nk; i++)
			lk[i] = log(mk->samples[i]);
		tach_ci ci;
		rc = tach_stats_hodges_lehmann(lb, nb, lk, nk, level, &ci);
		free(lb);
		if (rc)
			return rc;
		row->ratio = exp(ci.estimate);
		row->ratio_lo = exp(ci.lo);
		row->ratio_hi = exp(ci.hi);
	} else if (row->base_median != 0) {
		/* zeros or negatives: the ratio of medians, bootstrapped */
		tach_ci ci;
		rc = tach_stats_bootstrap_ratio_ci(mb->samples, nb, mk->samples, nk, level, 2000, 1,
		                                   &ci);
		if (rc == 0) {
			row->ratio_lo = ci.lo;
			row->ratio_hi = ci.hi;
		} else if (rc != TACH_EDOMAIN) {
			return rc;
		}
	}
	/* one-sided in the direction the estimate points */
	if (row->ratio > 1)
		row->p = up.pvalue;
	else if (row->ratio < 1)
		row->p = down.pvalue;
	else
		row->p = fmin(1, 2 * fmin(up.pvalue, down.pvalue));
	row->flags |= TACH_ROW_TESTED;
	if (isfinite(row->ratio) && row->ratio > 0)
		row->flags |= TACH_ROW_GEOMEAN;
	return 0;
}

static int by_p(const void *a, const void *b)
{
	double x = (*(tach_compare_row *const *)a)->p, y = (*(tach_compare_row *const *)b)->p;
	return (x > y) - (x < y);
}

int tach__compare_holm(tach_comparison *c)
{
	size_t m = 0;
	for (size_t i = 0; i < c->n_rows; i++)
		m += (c->rows[i].flags & TACH_ROW_TESTED) != 0;
	c->n_tested = m;
	if (!m)
		return 0;
	tach_compare_row **order = malloc(m * sizeof *order);
	if (!order)
		return TACH_ENOMEM;
	size_t k = 0;
	for (size_t i = 0; i < c->n_rows; i++)
		if (c->rows[i].flags & TACH_ROW_TESTED)
			order[k++] = &c->rows[i];
	qsort(order, m, sizeof *order, by_p);
	/* p_(i) adjusted = max over j <= i of min(1, (m - j + 1) p_(j)) */
	double run = 0;
	for (size_t i = 0; i < m; i++) {
		double adj = fmin(1, (double)(m - i) * order[i]->p);
		run = fmax(run, adj);
		order[i]->p_adjusted = run;
	}
	free(order);
	return 0;
}

int tach__compare_decide(tach_compare_row *row)
{
	const tach_compare_rule *rule = &row->rule;
	double worse = tach_compare_row_worsening(row);
	double band = log1p(rule->min_effect);
	row->n_needed = 0;
	if (row->flags & TACH_ROW_UNRESOLVED) {
		/* more runs would not help: the measurement cannot see it */
		row->verdict = TACH_INCONCLUSIVE;
		return 0;
	}
	if (row->flags & TACH_ROW_ZERO) {
		row->verdict = TACH_SAME;
		return 0;
	}
	if (isnan(worse)) {
		row->verdict = TACH_INCONCLUSIVE;
		return 0;
	}
	if (row->flags & TACH_ROW_DETERMINISTIC) {
		/* a simulator's count does not vary: the threshold alone */
		double t = log1p(rule->threshold), l = log1p(worse);
		row->verdict = l > t ? TACH_REGRESSED : l < -t ? TACH_IMPROVED : TACH_SAME;
		return 0;
	}
	double effect = fabs(log1p(worse)); /* |log ratio|, symmetric */
	if (row->flags & TACH_ROW_SINGLE) {
		/* one value per side cannot show significance: never a failure */
		row->verdict = effect < band ? TACH_SAME : TACH_INCONCLUSIVE;
		return 0;
	}
	int significant = row->p_adjusted < rule->alpha;
	if (significant && effect >= band) {
		row->verdict = worse > 0 ? TACH_REGRESSED : TACH_IMPROVED;
		return 0;
	}
	double lo = log(row->ratio_lo), hi = log(row->ratio_hi);
	if (significant || (lo >= -band && hi <= band)) {
		row->verdict = TACH_SAME;
		return 0;
	}
	row->verdict = TACH_INCONCLUSIVE;
	const tach_metric *mb = tach_benchmark_metric(row->base, row->metric);
	const tach_metric *mk = tach_benchmark_metric(row->cand, row->metric);
	if (mb && mk && all_positive(mb) && all_positive(mk)) {
		size_t n = mb->n_samples + mk->n_samples;
		double *l = malloc(n * sizeof *l);
		if (!l)
			return TACH_ENOMEM;
		for (size_t i = 0; i < mb->n_samples; i++)
			l[i] = log(mb->samples[i]);
		for (size_t i = 0; i < mk->n_samples; i++)
			l[mb->n_samples + i] = log(mk->samples[i]);
		double sb, sk;
		int rc = log_spread(l, mb->n_samples, &sb);
		if (!rc)
			rc = log_spread(l + mb->n_samples, mk->n_samples, &sk);
		free(l);
		if (rc)
			return rc;
		row->n_needed = needed(sqrt((sb * sb + sk * sk) / 2), rule);
	}
	return 0;
}
