/* changepoint.c - change points of a history series (tach/changepoint.h):
 * outliers clamped, E-divisive means in sliding windows proposing
 * candidates, Student's t-test corrected for the search keeping the
 * significant ones.  The header describes the method and cites its
 * sources; the comments here say how the pieces are computed and why.
 */
#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "tach/changepoint.h"
#include "stats_internal.h"

/* Candidates of the whole series in increasing order, at least m0 apart
 * and from the ends, each with the corrected p-value of its latest test
 * (set once selection starts). */
typedef struct cands {
	size_t *at;
	double *p;
	size_t n, cap;
} cands;

/* The state of one call. */
typedef struct ctx {
	const double *z;   /* the analysed series: log x or x */
	size_t m0;         /* min_segment */
	double level;      /* the candidates' significance level */
	size_t n;          /* points in the series */
	size_t window;     /* window length, <= n */
	double *w;         /* energy table of the current window */
	size_t *cuts;      /* accepted splits of the current window, sorted */
} ctx;

tach_changepoint_opts tach_changepoint_defaults(void)
{
	tach_changepoint_opts o = {.max_p = 0.001, .window = 50, .min_segment = 5};

	return o;
}

static int cands_grow(cands *c)
{
	size_t cap = c->cap ? 2 * c->cap : 16;
	size_t *at = realloc(c->at, cap * sizeof *at);
	double *p;

	if (!at)
		return TACH_ENOMEM;
	c->at = at;
	p = realloc(c->p, cap * sizeof *p);
	if (!p)
		return TACH_ENOMEM;
	c->p = p;
	c->cap = cap;
	return 0;
}

/* Inserts a candidate at `at` as the i-th, i <= c->n; its p is unset. */
static int cands_insert(cands *c, size_t i, size_t at)
{
	if (c->n == c->cap && cands_grow(c) != 0)
		return TACH_ENOMEM;
	memmove(c->at + i + 1, c->at + i, (c->n - i) * sizeof *c->at);
	memmove(c->p + i + 1, c->p + i, (c->n - i) * sizeof *c->p);
	c->at[i] = at;
	c->n++;
	return 0;
}

/* Sum of x[0..n) - ref and of its squared deviations from their mean. */
static void moments(const double *x, size_t n, double ref, double *sum,
                    double *ss)
{
	double mean;

	*sum = 0;
	*ss = 0;
	for (size_t i = 0; i < n; i++)
		*sum += x[i] - ref;
	mean = *sum / (double)n;
	for (size_t i = 0; i < n; i++)
		*ss += (x[i] - ref - mean) * (x[i] - ref - mean);
}

/* Student's two-sided t-test (pooled variance, n + m - 2 df) between x[0..n)
 * and y[0..m), n, m >= 2, as scipy.stats.ttest_ind(x, y).  Pooled, not
 * Welch (tach_stats_welch): under the null hypothesis of no change both
 * sides share one noise level, and the search for the largest difference
 * also finds short segments whose few points happen to agree; Welch would
 * believe their small variance and call a 6-point bump of noise certain.
 * Values are taken relative to x[0], so that two constant sides of equal
 * value give exactly no difference rather than one of rounding, which
 * without noise would count as certain. */
static double student_p(const double *x, size_t n, const double *y, size_t m)
{
	double sx, ssx, sy, ssy, d, df = (double)(n + m - 2), se;

	moments(x, n, x[0], &sx, &ssx);
	moments(y, m, x[0], &sy, &ssy);
	d = sy / (double)m - sx / (double)n;
	se = sqrt((ssx + ssy) / df * (1 / (double)n + 1 / (double)m));
	/* No noise: equal means are no evidence, different ones certain. */
	if (se == 0)
		return d == 0 ? 1 : 0;
	return 2 * tach_t_sf(fabs(d) / se, df);
}

/* ---------------------------------------------------------------------
 * E-divisive means on one window z[0..len).
 *
 * w[a * (len + 1) + b] = sum of |z_i - z_j| over a <= i < j < b, for all
 * a <= b <= len, filled from the last row up: the pairs of [a, b) are
 * those of [a + 1, b) plus the pairs (a, j), a running sum along the row.
 * Every sum the energy statistic needs is then a difference of three
 * entries, so the whole (tau, kappa) search of a segment costs O(len^2)
 * instead of O(len^4).
 */
static void energy_table(const double *z, size_t len, double *w)
{
	size_t stride = len + 1;

	for (size_t b = 0; b <= len; b++)
		w[len * stride + b] = 0;
	for (size_t a = len; a-- > 0;) {
		double row = 0;

		w[a * stride + a] = 0;
		w[a * stride + a + 1] = 0;
		for (size_t b = a + 2; b <= len; b++) {
			row += fabs(z[a] - z[b - 1]);
			w[a * stride + b] = w[(a + 1) * stride + b] + row;
		}
	}
}

/* The split tau of segment [s, e) of the window that maximizes Matteson &
 * James's Q(tau, kappa) = nm/(n+m) E(X, Y) over X = [s, tau), Y = [tau,
 * kappa), n = tau - s >= m0, m = kappa - tau >= m0, kappa <= e, with the
 * energy distance E = 2 mean|X - Y| - mean|X - X'| - mean|Y - Y'| (means
 * over distinct pairs).  Letting Y end before e lets a second change
 * further on not mask this one.  Returns 0 and sets *tau, *q; 1 when the
 * segment is too short to split.  Ties go to the smallest tau. */
static int best_split(const double *w, size_t len, size_t s, size_t e,
                      size_t m0, size_t *tau, double *q)
{
	size_t stride = len + 1;
	double best = -INFINITY;

	if (e - s < 2 * m0)
		return 1;
	for (size_t t = s + m0; t + m0 <= e; t++) {
		double n = (double)(t - s);
		double wx = w[s * stride + t];
		double within_x = 2 * wx / (n * (n - 1));

		for (size_t k = t + m0; k <= e; k++) {
			double m = (double)(k - t);
			double wy = w[t * stride + k];
			double cross = w[s * stride + k] - wx - wy;
			double energy = 2 * cross / (n * m) - within_x -
			                2 * wy / (m * (m - 1));
			double qk = n * m / (n + m) * energy;

			if (qk > best) {
				best = qk;
				*tau = t;
			}
		}
	}
	*q = best;
	return 0;
}

/* Splits window z[start, start + len) as long as the best remaining split
 * passes the candidates' t-test, and appends the splits to c in order. */
static int window_candidates(const ctx *cx, size_t start, size_t len,
                             cands *c)
{
	const double *z = cx->z + start;
	size_t *cuts = cx->cuts, ncut = 2;

	energy_table(z, len, cx->w);
	cuts[0] = 0;
	cuts[1] = len;
	for (;;) {
		size_t seg = 0, tau = 0;
		double q = -INFINITY;

		for (size_t i = 0; i + 1 < ncut; i++) {
			size_t t = 0;
			double qi;

			if (best_split(cx->w, len, cuts[i], cuts[i + 1], cx->m0,
			               &t, &qi) == 0 && qi > q) {
				q = qi;
				tau = t;
				seg = i;
			}
		}
		/* q <= 0: no split separates anything (a constant window). */
		if (!(q > 0))
			break;
		if (student_p(z + cuts[seg], tau - cuts[seg], z + tau,
		              cuts[seg + 1] - tau) > cx->level)
			break;
		memmove(cuts + seg + 2, cuts + seg + 1,
		        (ncut - seg - 1) * sizeof *cuts);
		cuts[seg + 1] = tau;
		ncut++;
	}
	for (size_t i = 1; i + 1 < ncut; i++)
		if (cands_insert(c, c->n, start + cuts[i]) != 0)
			return TACH_ENOMEM;
	return 0;
}

/* Windows of `window` points, half a window apart; a window starts no
 * earlier than the last candidate so far, so that no change is proposed
 * twice and candidates stay at least m0 apart. */
static int split(const ctx *cx, cands *c)
{
	size_t n = cx->n, window = cx->window, step = window / 2, start = 0;

	for (;;) {
		size_t end = n - start > window ? start + window : n;
		size_t next = start + step;

		if (end - start >= 2 * cx->m0 &&
		    window_candidates(cx, start, end - start, c) != 0)
			return TACH_ENOMEM;
		if (end == n)
			return 0;
		if (c->n && c->at[c->n - 1] > next)
			next = c->at[c->n - 1];
		start = next;
	}
}

/* ---------------------------------------------------------------------
 * Selection among the candidates.
 */

/* The bounds of candidate i's test: the neighbouring candidates or the
 * ends of the series. */
static void bounds(const ctx *cx, const cands *c, size_t i, size_t *a,
                   size_t *b)
{
	*a = i ? c->at[i - 1] : 0;
	*b = i + 1 < c->n ? c->at[i + 1] : cx->n;
}

/* The p-value of a change at t between [a, t) and [t, b), corrected for
 * the search that put it there.  The position was picked where the
 * difference looked largest: one of n - 2 m0 + 1 places in the series.
 * When the shorter side ends at another change rather than at an end of
 * the series, its length was picked too (a short run of noise that
 * happens to sit high is the typical false change, and E-divisive tries
 * every length a window holds): one of window - 2 m0 + 1.  Bonferroni
 * over both bounds the cost of the search whatever its path was; it is
 * conservative, as neighbouring positions give nearly the same test.
 *
 * Each side is cut to its SIDE_WINDOWS windows nearest the change, which
 * keeps a test O(window) however long the segments (dropping candidates
 * would otherwise retest ever longer ones: quadratic time on a long flat
 * series) and compares a change with the runs around it rather than with
 * a distant past that may have drifted.  A side so cut ends at a fixed
 * distance, not at a chosen change. */
#define SIDE_WINDOWS 10

static double corrected_p(const ctx *cx, size_t a, size_t t, size_t b,
                          int left_ends_at_change, int right_ends_at_change)
{
	size_t m0 = cx->m0, side = SIDE_WINDOWS * cx->window;
	double family = (double)(cx->n - 2 * m0 + 1), p;

	if (t - a > side) {
		a = t - side;
		left_ends_at_change = 0;
	}
	if (b - t > side) {
		b = t + side;
		right_ends_at_change = 0;
	}
	p = student_p(cx->z + a, t - a, cx->z + t, b - t);
	if (t - a <= b - t ? left_ends_at_change : right_ends_at_change)
		family *= (double)(cx->window - 2 * m0 + 1);
	p *= family;
	return p < 1 ? p : 1;
}

static void retest(const ctx *cx, cands *c, size_t i)
{
	size_t a, b;

	bounds(cx, c, i, &a, &b);
	c->p[i] = corrected_p(cx, a, c->at[i], b, i > 0, i + 1 < c->n);
}

static void retest_all(const ctx *cx, cands *c)
{
	for (size_t i = 0; i < c->n; i++)
		retest(cx, c, i);
}

/* The position u in [lo, hi] where the means of [a, u) and [u, b) differ
 * most for their sizes: the largest between-segments sum of squares,
 * (mean_l - mean_r)^2 n_l n_r / (n_l + n_r), i.e. the least-squares
 * position of one level shift (its maximum-likelihood estimate under
 * Gaussian noise).  O(b - a).  Ties go to the smallest u. */
static size_t ls_split(const double *z, size_t a, size_t b, size_t lo,
                       size_t hi)
{
	/* Sums relative to a value of the segment, so that large values do
	 * not swamp small differences. */
	double ref = z[lo], left = 0, right = 0, top = -1;
	size_t best = lo;

	for (size_t j = a; j < lo; j++)
		left += z[j] - ref;
	for (size_t j = lo; j < b; j++)
		right += z[j] - ref;
	for (size_t u = lo; u <= hi; u++) {
		double nl = (double)(u - a), nr = (double)(b - u);
		double d = left / nl - right / nr;
		double between = d * d * nl * nr / (nl + nr);

		if (between > top) {
			top = between;
			best = u;
		}
		left += z[u] - ref;
		right -= z[u] - ref;
	}
	return best;
}

/* Moves candidate i, by at most half a window, to the least-squares
 * position between its neighbours.  E-divisive placed it seeing one
 * window only, and for a small step often several points off; the
 * segments to the neighbours are usually much longer.  Returns 1 if it
 * moved. */
static int relocate(const ctx *cx, cands *c, size_t i)
{
	size_t a, b, t = c->at[i], reach = cx->window / 2, m0 = cx->m0;
	size_t lo, hi;

	bounds(cx, c, i, &a, &b);
	lo = t - a >= m0 + reach ? t - reach : a + m0;
	hi = b - t >= m0 + reach ? t + reach : b - m0;
	c->at[i] = ls_split(cx->z, a, b, lo, hi);
	return c->at[i] != t;
}

/* Drops the weakest candidate while it fails max_p; dropping one widens
 * its neighbours' segments, so only they need a new test. */
static void drop_weak(const ctx *cx, cands *c, double max_p)
{
	while (c->n) {
		size_t worst = 0;

		for (size_t i = 1; i < c->n; i++)
			if (c->p[i] > c->p[worst])
				worst = i;
		if (c->p[worst] <= max_p)
			return;
		c->n--;
		memmove(c->at + worst, c->at + worst + 1,
		        (c->n - worst) * sizeof *c->at);
		memmove(c->p + worst, c->p + worst + 1,
		        (c->n - worst) * sizeof *c->p);
		if (worst > 0)
			retest(cx, c, worst - 1);
		if (worst < c->n)
			retest(cx, c, worst);
	}
}

/* Tests the least-squares split of every gap between candidates (and the
 * ends) as a whole and keeps those that pass.  This finds a step too
 * small for any one window to show (a 1 % step at 1 % noise gives a
 * window p of only about 0.001 to 0.01) once enough runs follow it.
 * Sets *added to the number kept. */
static int fill_gaps(const ctx *cx, cands *c, double max_p, size_t *added)
{
	size_t m0 = cx->m0;

	*added = 0;
	for (size_t g = 0; g <= c->n; g++) {
		size_t a = g ? c->at[g - 1] : 0;
		size_t b = g < c->n ? c->at[g] : cx->n;
		size_t u;
		double p;

		if (b - a < 2 * m0)
			continue;
		u = ls_split(cx->z, a, b, a + m0, b - m0);
		p = corrected_p(cx, a, u, b, g > 0, g < c->n);
		if (p > max_p)
			continue;
		if (cands_insert(c, g, u) != 0)
			return TACH_ENOMEM;
		c->p[g] = p;
		if (g > 0)
			retest(cx, c, g - 1);
		if (g + 1 < c->n)
			retest(cx, c, g + 1);
		(*added)++;
		g++; /* past the new one: its right gap is [u, b) */
	}
	return 0;
}

/* Selection: drop the weak, move the survivors to their best position on
 * the longer segments, test the gaps, until nothing changes.  Each round
 * costs O(n + k^2) for k candidates; MERGE_ROUNDS bounds the rounds where
 * candidates keep trading places (it is rarely reached: on the synthetic
 * series of the tests and the bench two or three rounds settle). */
#define MERGE_ROUNDS 8

static int merge(const ctx *cx, cands *c, double max_p)
{
	retest_all(cx, c);
	drop_weak(cx, c, max_p);
	for (int round = 0; round < MERGE_ROUNDS; round++) {
		int moved = 0;
		size_t added;

		for (size_t i = 0; i < c->n; i++)
			moved |= relocate(cx, c, i);
		if (moved) {
			retest_all(cx, c);
			drop_weak(cx, c, max_p);
		}
		if (fill_gaps(cx, c, max_p, &added) != 0)
			return TACH_ENOMEM;
		if (!moved && !added)
			break;
		drop_weak(cx, c, max_p);
	}
	/* Whatever round it stopped in, every reported change passes. */
	retest_all(cx, c);
	drop_weak(cx, c, max_p);
	return 0;
}

/* ---------------------------------------------------------------------
 * Entry point.
 */

static int check_args(const double *x, size_t n, const tach_changepoint_opts *o)
{
	if (n && !x)
		return TACH_EINVAL;
	if (!(o->max_p > 0 && o->max_p < 1) || o->min_segment < 2 ||
	    o->window / 2 < o->min_segment)
		return TACH_EINVAL;
	for (size_t i = 0; i < n; i++)
		if (!isfinite(x[i]))
			return TACH_EINVAL;
	return 0;
}

/* Pulls lone outliers in before anything is tested: a run disturbed by
 * a noisy neighbour would otherwise, alone in a short segment, make a
 * change of its own, and inflate the noise of a long one.  Each z_i is
 * clamped to within CLAMP_SD robust standard deviations of the median of
 * the 2 m0 + 1 points around it (3: Gaussian noise loses 0.3 % of its
 * points, barely moved; outliers of 1.2-2x in 1 % of the runs of a
 * 1,000-point series make a false change in 0.13 % of such series instead
 * of 10.6 %, bench_changepoint).  That median follows a genuine step (it
 * switches where the step is) but ignores up to m0 outliers near each
 * other.  The standard deviation comes from the successive differences,
 * 1.4826 median|z_i+1 - z_i| / sqrt 2, which steps hardly move either.
 * If it is 0 (at least half of the successive differences 0, as with
 * counts) the series is left alone. */
#define CLAMP_SD 3.0

static int clamp_outliers(double *z, size_t n, size_t m0)
{
	size_t span = 2 * m0 + 1;
	double *buf = malloc((n > span ? n : span) * sizeof *buf);
	double *mid = malloc(n * sizeof *mid);
	double sd;

	if (!buf || !mid) {
		free(buf);
		free(mid);
		return TACH_ENOMEM;
	}
	for (size_t i = 0; i + 1 < n; i++)
		buf[i] = fabs(z[i + 1] - z[i]);
	sd = TACH_MAD_NORMAL * tach__stats_median_inplace(buf, n - 1) / sqrt(2);
	for (size_t i = 0; sd > 0 && i < n; i++) {
		size_t lo = i > m0 ? i - m0 : 0, hi = n - i > m0 ? i + m0 + 1 : n;

		memcpy(buf, z + lo, (hi - lo) * sizeof *buf);
		mid[i] = tach__stats_median_inplace(buf, hi - lo);
	}
	for (size_t i = 0; sd > 0 && i < n; i++)
		z[i] = fmin(fmax(z[i], mid[i] - CLAMP_SD * sd), mid[i] + CLAMP_SD * sd);
	free(buf);
	free(mid);
	return 0;
}

/* median(x[t, b)) / median(x[a, t)) as the header defines it. */
static int change_ratio(const double *x, size_t a, size_t t, size_t b,
                        double *out)
{
	double before, after;

	if (tach_stats_median(x + a, t - a, &before) != 0 ||
	    tach_stats_median(x + t, b - t, &after) != 0)
		return TACH_ENOMEM;
	if (after == before)
		*out = 1;
	else if (before == 0)
		*out = after > 0 ? INFINITY : -INFINITY;
	else
		*out = after / before;
	return 0;
}

static int report(const double *x, size_t n, const cands *c,
                  tach_changepoint **out, size_t *n_out)
{
	tach_changepoint *r;

	if (c->n == 0)
		return 0;
	r = malloc(c->n * sizeof *r);
	if (!r)
		return TACH_ENOMEM;
	for (size_t i = 0; i < c->n; i++) {
		size_t a = i ? c->at[i - 1] : 0;
		size_t b = i + 1 < c->n ? c->at[i + 1] : n;

		r[i].index = c->at[i];
		r[i].p = c->p[i];
		if (change_ratio(x, a, c->at[i], b, &r[i].change) != 0) {
			free(r);
			return TACH_ENOMEM;
		}
	}
	*out = r;
	*n_out = c->n;
	return 0;
}

int tach_changepoints(const double *x, size_t n, const tach_changepoint_opts *o,
                      tach_changepoint **out, size_t *n_out)
{
	tach_changepoint_opts def = tach_changepoint_defaults();
	cands c = {0};
	ctx cx = {0};
	double *z = NULL;
	size_t window, positive = 0;
	int rc;

	if (!out || !n_out)
		return TACH_EINVAL;
	*out = NULL;
	*n_out = 0;
	if (!o)
		o = &def;
	rc = check_args(x, n, o);
	if (rc != 0 || n < 2 * o->min_segment)
		return rc;

	window = o->window < n ? o->window : n;
	/* The table is (window + 1)^2 doubles. */
	if (window + 1 > SIZE_MAX / sizeof(double) / (window + 1))
		return TACH_ENOMEM;
	z = malloc(n * sizeof *z);
	cx.w = malloc((window + 1) * (window + 1) * sizeof *cx.w);
	cx.cuts = malloc((window / o->min_segment + 2) * sizeof *cx.cuts);
	rc = TACH_ENOMEM;
	if (!z || !cx.w || !cx.cuts)
		goto done;

	for (size_t i = 0; i < n; i++)
		positive += x[i] > 0;
	for (size_t i = 0; i < n; i++)
		z[i] = positive == n ? log(x[i]) : x[i];
	if ((rc = clamp_outliers(z, n, o->min_segment)) != 0)
		goto done;
	cx.z = z;
	cx.m0 = o->min_segment;
	cx.n = n;
	cx.window = window;
	/* Otava's first pass is 10x laxer than the final level: a candidate
	 * the final test rejects costs little, a missed one is lost. */
	cx.level = fmax(o->max_p, fmin(10 * o->max_p, 0.5));

	if ((rc = split(&cx, &c)) != 0 ||
	    (rc = merge(&cx, &c, o->max_p)) != 0)
		goto done;
	rc = report(x, n, &c, out, n_out);
done:
	free(z);
	free(cx.w);
	free(cx.cuts);
	free(c.at);
	free(c.p);
	return rc;
}
