/* select.c - order statistics without sorting: Floyd-Rivest selection,
 * in place or on a small part of a read-only array singled out by a
 * sample, and NumPy's rule for where a percentile lies and how it is
 * interpolated.  Every percentile, median and MAD in src/stats goes through
 * tach__stats_position and tach__stats_interp, so sorted and unsorted
 * paths (and the bootstrap's histogram medians) give bit-identical values.
 */
#include <math.h>
#include <stdlib.h>

#include "stats_internal.h"

/* Floyd-Rivest recurses on a sample only for ranges above this size; their
 * paper and Kiwiel ("On Floyd and Rivest's SELECT algorithm", TCS 347,
 * 2005) use 600. */
#define FR_CUTOFF 600

/* Partition rounds before selection gives up on sampling and finishes with
 * heapsort, which bounds the worst case at O(n log n) (introselect's idea,
 * Musser 1997).  Expected rounds are a handful. */
#define FR_MAX_ROUNDS 64

static inline void swap(double *a, ptrdiff_t i, ptrdiff_t j)
{
	double t = a[i];
	a[i] = a[j];
	a[j] = t;
}

static void sift_down(double *a, ptrdiff_t root, ptrdiff_t n)
{
	for (;;) {
		ptrdiff_t child = 2 * root + 1;

		if (child >= n)
			return;
		if (child + 1 < n && a[child + 1] > a[child])
			child++;
		if (!(a[child] > a[root]))
			return;
		swap(a, root, child);
		root = child;
	}
}

static void heap_sort(double *a, ptrdiff_t n)
{
	for (ptrdiff_t i = n / 2; i-- > 0;)
		sift_down(a, i, n);
	for (ptrdiff_t end = n - 1; end > 0; end--) {
		swap(a, 0, end);
		sift_down(a, 0, end);
	}
}

/* ACM Algorithm 489 as restated by Kiwiel (2005): partition around a[k]
 * after recursively placing a[k] well inside a sample of size ~n^(2/3). */
static void fr_select(double *a, ptrdiff_t left, ptrdiff_t right, ptrdiff_t k,
                      int depth)
{
	int rounds = 0;

	while (right > left) {
		if (++rounds > FR_MAX_ROUNDS || depth > FR_MAX_ROUNDS) {
			heap_sort(a + left, right - left + 1);
			return;
		}
		if (right - left > FR_CUTOFF) {
			double n = (double)(right - left + 1);
			double i = (double)(k - left + 1);
			double z = log(n);
			double s = 0.5 * exp(2.0 * z / 3.0);
			double sd = 0.5 * sqrt(z * s * (n - s) / n) *
			            (i - n / 2 < 0 ? -1.0 : 1.0);
			double lo = floor((double)k - i * s / n + sd);
			double hi = floor((double)k + (n - i) * s / n + sd);
			ptrdiff_t nl = lo > (double)left ? (ptrdiff_t)lo
			                                 : left;
			ptrdiff_t nr = hi < (double)right ? (ptrdiff_t)hi
			                                  : right;

			if (nl <= k && k <= nr)
				fr_select(a, nl, nr, k, depth + 1);
		}

		double t = a[k];
		ptrdiff_t i = left, j = right;

		/* a[left] = t and a[right] >= t after the swaps serve as
		 * sentinels for the two scans. */
		swap(a, left, k);
		if (a[right] > t)
			swap(a, right, left);
		while (i < j) {
			swap(a, i, j);
			i++;
			j--;
			while (a[i] < t)
				i++;
			while (a[j] > t)
				j--;
		}
		if (a[left] == t) {
			swap(a, left, j);
		} else {
			j++;
			swap(a, j, right);
		}
		if (j <= k)
			left = j + 1;
		if (k <= j)
			right = j - 1;
	}
}

void tach__stats_select(double *a, size_t n, size_t k)
{
	if (k == 0 || k + 1 == n) {
		/* An extreme: one scan, no partitioning. */
		size_t best = 0;
		for (size_t i = 1; i < n; i++)
			if (k == 0 ? a[i] < a[best] : a[i] > a[best])
				best = i;
		swap(a, (ptrdiff_t)k, (ptrdiff_t)best);
		return;
	}
	fr_select(a, 0, (ptrdiff_t)n - 1, (ptrdiff_t)k, 0);
}

/* Smallest value of a[0..n), n > 0. */
static double min_of(const double *a, size_t n)
{
	double m = a[0];

	for (size_t i = 1; i < n; i++)
		if (a[i] < m)
			m = a[i];
	return m;
}

void tach__stats_position(size_t n, double q, size_t *lo, double *gamma)
{
	double h;

	/* !(q >= 0) also catches a NaN q. */
	if (!(q >= 0))
		q = 0;
	if (q > 100)
		q = 100;
	/* Divide first, as np.percentile does (q = np.true_divide(q, 100)),
	 * so h is rounded exactly like NumPy's virtual index. */
	h = (double)(n - 1) * (q / 100);
	if (h >= (double)(n - 1)) {
		*lo = n - 1;
		*gamma = 0;
		return;
	}
	*lo = (size_t)h;
	*gamma = h - (double)*lo;
}

double tach__stats_interp(double a, double b, double gamma)
{
	double d;

	if (gamma == 0 || a == b)
		return a;
	d = b - a;
	if (!isfinite(d)) {
		/* An infinite end dominates; finite ends whose difference
		 * overflows are weighted separately instead. */
		if (isinf(a) && isinf(b))
			return gamma < 0.5 ? a : b;
		if (isinf(a))
			return a;
		if (isinf(b))
			return b;
		return a * (1 - gamma) + b * gamma;
	}
	/* NumPy's _lerp: from the nearer end, exact at both ends. */
	if (gamma < 0.5)
		return a + d * gamma;
	return b - d * (1 - gamma);
}

double tach__stats_median_inplace(double *a, size_t n)
{
	size_t lo;
	double gamma;

	tach__stats_position(n, 50, &lo, &gamma);
	tach__stats_select(a, n, lo);
	if (gamma == 0)
		return a[lo];
	return tach__stats_interp(a[lo], min_of(a + lo + 1, n - lo - 1),
	                          gamma);
}

/* Below this size a plain copy is as cheap as the sampling pass. */
#define RO_MIN_N 20000

/* Floyd and Rivest's sampling step turned into a filter: a sample of
 * s ~ n^(2/3) values brackets the wanted rank with two of its own order
 * statistics, one pass over x counts the values below the bracket and
 * copies those inside (about 5 n / sqrt(s) of them), and selection
 * finishes in that small buffer.  Nothing of size n is allocated or
 * written, which matters as much as the saved work: a fresh 8 MB copy
 * costs more in page faults than the selection itself. */
int tach__stats_select_ro(const double *x, size_t n, size_t k, int want_next,
                          double *kth, double *next)
{
	size_t s, lo_r, hi_r, cap, below = 0, inside = 0;
	double *smp, *buf, lo_v, hi_v, p, delta;
	tach_rng rng;
	int rc = 1;

	if (n < RO_MIN_N)
		return 1;
	s = (size_t)pow((double)n, 2.0 / 3.0);
	p = (double)k / (double)n;
	/* Five standard deviations of the wanted value's rank in the
	 * sample, sqrt(s p (1 - p)), plus a margin for the extremes. */
	delta = 5 * sqrt((double)s * p * (1 - p)) + 16;
	lo_r = (double)k * s / n > delta ? (size_t)((double)k * s / n - delta)
	                                 : 0;
	hi_r = (size_t)((double)k * s / n + delta) + 1;
	if (hi_r >= s)
		hi_r = s - 1;
	cap = (size_t)(2 * (double)(hi_r - lo_r + 1) * n / s) + 1024;

	smp = malloc(s * sizeof *smp);
	buf = malloc((cap + 1) * sizeof *buf);
	if (!smp || !buf) {
		rc = TACH_ENOMEM;
		goto done;
	}
	/* Any sample is correct (the bracket is checked below); a fixed
	 * seed keeps the work, not just the answer, reproducible. */
	tach_rng_seed(&rng, 0x5e1ec7);
	for (size_t i = 0; i < s; i++)
		smp[i] = x[tach__rng_below(&rng, n)];
	tach__stats_select(smp, s, lo_r);
	lo_v = smp[lo_r];
	tach__stats_select(smp + lo_r, s - lo_r, hi_r - lo_r);
	hi_v = smp[hi_r];

	/* Branch-free: near the median half the values fall on each side,
	 * and a mispredicted branch per value would cost more than the
	 * rest of the pass.  buf[cap] is a scratch slot for overflow. */
	for (size_t i = 0; i < n; i++) {
		double v = x[i];
		buf[inside < cap ? inside : cap] = v;
		below += v < lo_v;
		inside += (v >= lo_v) & (v <= hi_v);
	}
	/* The wanted ranks must lie inside the bracket. */
	if (below > k || k + (want_next ? 1 : 0) >= below + inside)
		goto done;
	if (inside > cap) {
		if (lo_v != hi_v)
			goto done; /* too many to keep: let the caller copy */
		*kth = *next = lo_v; /* all inside are equal */
		rc = 0;
		goto done;
	}
	tach__stats_select(buf, inside, k - below);
	*kth = buf[k - below];
	if (want_next)
		*next = min_of(buf + (k - below) + 1, inside - (k - below) - 1);
	rc = 0;
done:
	free(smp);
	free(buf);
	return rc;
}
