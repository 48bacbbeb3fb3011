/* hodges_lehmann.c - the Hodges-Lehmann shift estimate (Hodges & Lehmann,
 * Ann. Math. Statist. 34, 1963) and its distribution-free interval from
 * the Mann-Whitney null distribution (Hollander & Wolfe, Nonparametric
 * Statistical Methods, 3rd ed., sec. 4.3).
 *
 * Order statistics of the N = nx ny differences y[j] - x[i] are found
 * without forming them.  With both samples sorted, the rounded difference
 * fl(y[j] - x[i]) rises with y and falls with x (rounding is monotone), so
 * the number of differences <= t is one merge-like sweep, O(nx + ny).  The
 * k-th smallest lies in a bracket (L, H] with count(L) < k <= count(H)
 * that each sweep narrows, by interpolating the count in value or, when
 * that stalls, by halving the integer keys that order the doubles (at most
 * 64 halvings).  Once at most GATHER_MAX differences remain inside, one
 * more sweep copies them out and selection finishes: the answer is exactly
 * the k-th element of the sorted differences.
 */
#include <math.h>
#include <stdlib.h>

#include "stats_internal.h"

/* At most this many differences (512 KiB) are copied out for the final
 * selection: little next to the sweeps the narrowing would still need. */
#define GATHER_MAX 65536

/* Narrowing steps: at most 64 halvings of the keys, each after at most
 * one interpolation.  Only NaN differences (infinite inputs, outside the
 * contract) could use them up. */
#define MAX_STEPS 130

typedef struct pairs {
	const double *x, *y; /* sorted */
	size_t nx, ny;
} pairs;

/* The number of (i, j) with fl(y[j] - x[i]) <= t. */
static uint64_t count_le(const pairs *d, double t)
{
	uint64_t count = 0;
	size_t j = 0;

	/* As x[i] grows, y[j] - x[i] <= t holds for a growing prefix. */
	for (size_t i = 0; i < d->nx; i++) {
		while (j < d->ny && d->y[j] - d->x[i] <= t)
			j++;
		count += j;
	}
	return count;
}

/* The smallest difference greater than t, or t itself if there is none. */
static double next_above(const pairs *d, double t)
{
	double best = t;
	int found = 0;
	size_t j = 0;

	for (size_t i = 0; i < d->nx; i++) {
		while (j < d->ny && d->y[j] - d->x[i] <= t)
			j++;
		if (j < d->ny) {
			double v = d->y[j] - d->x[i];
			if (!found || v < best) {
				best = v;
				found = 1;
			}
		}
	}
	return best;
}

/* Copies the differences d with lo < d <= hi into buf, at most
 * GATHER_MAX of them, and returns how many it copied. */
static size_t gather(const pairs *d, double lo, double hi, double *buf)
{
	size_t jl = 0, jh = 0, m = 0;

	for (size_t i = 0; i < d->nx; i++) {
		while (jl < d->ny && d->y[jl] - d->x[i] <= lo)
			jl++;
		while (jh < d->ny && d->y[jh] - d->x[i] <= hi)
			jh++;
		for (size_t j = jl; j < jh && m < GATHER_MAX; j++)
			buf[m++] = d->y[j] - d->x[i];
	}
	return m;
}

/* A point strictly inside (lo, hi) in value, or lo if there is none
 * worth trying: the interpolated position of rank k between the counts
 * at the ends, computed without overflow. */
static double interpolate(double lo, double hi, uint64_t c_lo, uint64_t c_hi,
                          uint64_t k)
{
	double f = ((double)(k - c_lo) - 0.5) / (double)(c_hi - c_lo);
	double t = lo * (1 - f) + hi * f;

	return t > lo && t < hi ? t : lo;
}

/* D(k), 1 <= k <= N: the k-th smallest difference.  buf holds
 * GATHER_MAX doubles. */
static double kth(const pairs *d, uint64_t k, double *buf)
{
	double lo = d->y[0] - d->x[d->nx - 1];  /* D(1) */
	double hi = d->y[d->ny - 1] - d->x[0];  /* D(N) */
	uint64_t c_lo = count_le(d, lo), c_hi = (uint64_t)d->nx * d->ny;
	int bisect = 0, steps = 0;
	size_t m;

	if (c_lo >= k)
		return lo;
	/* Invariant: c_lo = count(lo) < k <= count(hi) = c_hi. */
	while (c_hi - c_lo > GATHER_MAX) {
		uint64_t klo = tach__stats_key(lo), khi = tach__stats_key(hi);
		double t;
		uint64_t c, before = c_hi - c_lo;

		if (khi - klo <= 1 || ++steps > MAX_STEPS)
			return hi; /* no double in between (or NaN input) */
		t = bisect ? lo : interpolate(lo, hi, c_lo, c_hi, k);
		if (t == lo)
			t = tach__stats_unkey(klo + (khi - klo) / 2);
		c = count_le(d, t);
		if (c >= k) {
			hi = t;
			c_hi = c;
		} else {
			lo = t;
			c_lo = c;
		}
		/* Interpolation that fails to halve the bracket hands the
		 * next step to bisection, which always halves the keys. */
		bisect = !bisect && c_hi - c_lo > before / 2;
	}
	m = gather(d, lo, hi, buf);
	if (m < k - c_lo)
		return hi; /* only with NaN differences */
	tach__stats_select(buf, m, (size_t)(k - c_lo - 1));
	return buf[k - c_lo - 1];
}

/* Hollander & Wolfe's C_alpha as stats.h states it; 1 <= k. */
static int interval_k(const pairs *d, double level, uint64_t n_pairs,
                      uint64_t *k)
{
	tach__stats_ranks r;
	double alpha = 1 - level;

	tach__stats_rank_sorted(d->x, d->nx, d->y, d->ny, &r);
	if ((d->nx <= TACH__MWU_EXACT_MAX || d->ny <= TACH__MWU_EXACT_MAX) &&
	    !r.ties) {
		/* The number of u >= 0 with P(U <= u) <= alpha/2 is the
		 * largest k with P(U <= k - 1) <= alpha/2. */
		int rc = tach__stats_mwu_count_le(d->nx, d->ny, alpha / 2, k);
		if (rc != 0)
			return rc;
	} else {
		double z = tach_norm_ppf(1 - alpha / 2);
		double s = tach__stats_mwu_sd(d->nx, d->ny, r.tie_term);
		double c = floor((double)n_pairs / 2 - z * s);
		*k = c >= 1 ? (uint64_t)c : 0;
	}
	if (*k < 1)
		*k = 1;
	return 0;
}

int tach_stats_hodges_lehmann(const double *x, size_t nx, const double *y,
                              size_t ny, double level, tach_ci *out)
{
	double *buf, *work;
	uint64_t n_pairs, k;
	pairs d;
	int rc;

	memset(out, 0, sizeof *out);
	if (!(level > 0 && level < 1))
		return TACH_EINVAL;
	if (nx == 0 || ny == 0)
		return 0;
	if (nx > UINT64_MAX / ny || nx > SIZE_MAX / sizeof *buf - ny)
		return TACH_EINVAL;
	n_pairs = (uint64_t)nx * ny;

	buf = tach__stats_sorted_pair(x, nx, y, ny);
	work = malloc(GATHER_MAX * sizeof *work);
	if (!buf || !work) {
		free(buf);
		free(work);
		return TACH_ENOMEM;
	}
	rc = 0;
	d.x = buf;
	d.nx = nx;
	d.y = buf + nx;
	d.ny = ny;

	/* The median of the differences, interpolated as
	 * tach_stats_percentile_sorted(D, N, 50) would. */
	if (n_pairs % 2) {
		out->estimate = kth(&d, n_pairs / 2 + 1, work);
	} else {
		double a = kth(&d, n_pairs / 2, work), b = a;
		if (count_le(&d, a) < n_pairs / 2 + 1)
			b = next_above(&d, a);
		out->estimate = tach__stats_interp(a, b, 0.5);
	}

	rc = interval_k(&d, level, n_pairs, &k);
	if (rc != 0)
		goto done;
	if (k > n_pairs + 1 - k) {
		out->lo = d.y[0] - d.x[nx - 1];
		out->hi = d.y[ny - 1] - d.x[0];
	} else {
		out->lo = kth(&d, k, work);
		out->hi = kth(&d, n_pairs + 1 - k, work);
	}
	out->level = level;
done:
	free(buf);
	free(work);
	if (rc != 0)
		memset(out, 0, sizeof *out);
	return rc;
}
