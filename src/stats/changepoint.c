/* changepoint.c - change points of a history series (tach/changepoint.h):
 * E-divisive means in sliding windows proposes candidates, Welch's t-test
 * corrected for the chosen position keeps the significant ones.  The
 * header describes the method and cites its sources; the comments here
 * say how the pieces are computed.
 */
#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "tach/changepoint.h"
#include "stats_internal.h"

/* Candidates of the whole series in increasing order, each with the
 * corrected p-value of its latest test (used only while merging). */
typedef struct cands {
	size_t *at;
	double *p;
	size_t n, cap;
} cands;

/* Scratch shared by all windows of one call. */
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

static int cands_push(cands *c, size_t at)
{
	if (c->n == c->cap) {
		size_t cap = c->cap ? 2 * c->cap : 16;
		size_t *a = realloc(c->at, cap * sizeof *a);

		if (!a)
			return TACH_ENOMEM;
		c->at = a;
		c->cap = cap;
	}
	c->at[c->n++] = at;
	return 0;
}

/* Student's two-sided t-test (pooled variance, n + m - 2 df) between x[0..n)
 * and y[0..m), n, m >= 2, as scipy.stats.ttest_ind(x, y).  Pooled, not
 * Welch: under the null hypothesis of no change both sides share one
 * noise level, and the search for the largest difference also finds short
 * segments whose few points happen to agree; Welch would believe their
 * small variance and call a 6-point bump of noise certain. */
static double student_p(const double *x, size_t n, const double *y, size_t m)
{
	double d = tach_stats_mean(y, m) - tach_stats_mean(x, n);
	double df = (double)(n + m - 2);
	double pooled = ((double)(n - 1) * tach_stats_variance(x, n) +
	                 (double)(m - 1) * tach_stats_variance(y, m)) / df;
	double se = sqrt(pooled * (1 / (double)n + 1 / (double)m));

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
		if (cands_push(c, start + cuts[i]) != 0)
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

static int exp_corr(void){const char*e=getenv("CP_CORR");return e?atoi(e):2;}
static int exp_reloc(void){const char*e=getenv("CP_RELOC");return e?atoi(e):1;}

/* The bounds of candidate i's test: the neighbouring candidates or the
 * ends of the series. */
static void bounds(const ctx *cx, const cands *c, size_t i, size_t *a,
                   size_t *b)
{
	*a = i ? c->at[i - 1] : 0;
	*b = i + 1 < c->n ? c->at[i + 1] : cx->n;
}

static void retest(const ctx *cx, cands *c, size_t i)
{
	size_t a, b, t = c->at[i], m0 = cx->m0;
	double p, family;
	int short_left;

	bounds(cx, c, i, &a, &b);
	p = student_p(cx->z + a, t - a, cx->z + t, b - t);
	short_left = t - a <= b - t;
	switch (exp_corr()) {
	case 0: family = (double)(b - a - 2 * m0 + 1); break;
	case 1: family = (double)(cx->n - 2 * m0 + 1); break;
	case 3: family = (double)(cx->n - 2 * m0 + 1) * (double)(cx->window - 2 * m0 + 1); break;
	default:
		family = (double)(cx->n - 2 * m0 + 1);
		if (short_left ? i > 0 : i + 1 < c->n)
			family *= (double)(cx->window - 2 * m0 + 1);
	}
	p *= family;
	c->p[i] = p < 1 ? p : 1;
}

/* Moves candidate i to where, between its neighbours, the two sides'
 * means differ most for their sizes (largest between-segments sum of
 * squares, the least-squares position of one level shift: its maximum
 * likelihood estimate for Gaussian noise), searching half a window either
 * way.  E-divisive placed it seeing one window only; the segments to the
 * neighbours are usually much longer.  Returns 1 if it moved. */
static int relocate(const ctx *cx, cands *c, size_t i)
{
	const double *z = cx->z;
	size_t a, b, t = c->at[i], reach = cx->window / 2, lo, hi, best = t;
	double ref = z[t], left = 0, right = 0, top = -1;

	bounds(cx, c, i, &a, &b);
	lo = t - a >= cx->m0 + reach ? t - reach : a + cx->m0;
	hi = b - t >= cx->m0 + reach ? t + reach : b - cx->m0;
	/* Sums relative to a value of the series, so that large values do
	 * not swamp small differences. */
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
	c->at[i] = best;
	return best != t;
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

/* Selection, then relocation of the survivors on their now longer
 * segments, repeated while anything moves (a few rounds at most: each
 * round can only drop candidates or move them closer to where the data
 * put them). */
#define MERGE_ROUNDS 4

static int merge(const ctx *cx, cands *c, double max_p)
{
	if (c->n == 0)
		return 0;
	c->p = malloc(c->n * sizeof *c->p);
	if (!c->p)
		return TACH_ENOMEM;
	for (int round = 0; round < MERGE_ROUNDS; round++) {
		int moved = 0;

		for (size_t i = 0; i < c->n; i++)
			retest(cx, c, i);
		drop_weak(cx, c, max_p);
		if (!exp_reloc()) break;
		for (size_t i = 0; i < c->n; i++)
			moved |= relocate(cx, c, i);
		if (!moved)
			break;
	}
	for (size_t i = 0; i < c->n; i++)
		retest(cx, c, i);
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
