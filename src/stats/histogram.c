/* histogram.c - the log-linear latency histogram of include/tach/histogram.h:
 * lifecycle, merging, and the queries over the buckets and the exact sums.
 * Recording itself is static inline in the header so that it can be inlined
 * into benchmark loops.
 *
 * Invariants: count = sum of counts[]; min <= max when count > 0, and
 * min = UINT64_MAX, max = 0, everything else 0 when count = 0.
 */
#include <float.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "tach/histogram.h"

#define OVERFLOW_BUCKET (TACH_HISTOGRAM_BUCKETS - 1)

static uint64_t clamp_top(uint64_t v)
{
	return v < TACH_HISTOGRAM_TOP ? v : TACH_HISTOGRAM_TOP;
}

/* Smallest value in bucket i (the inverse of tach__histogram_index). */
static uint64_t bucket_lo(size_t i)
{
	size_t sub = (size_t)1 << TACH_HISTOGRAM_SUB_BITS;

	if (i < 2 * sub)
		return i;
	unsigned shift = (unsigned)(i >> TACH_HISTOGRAM_SUB_BITS) - 1;
	uint64_t mant = (uint64_t)(i & (sub - 1)) | sub;
	return mant << shift;
}

/* Largest value in bucket i; for the overflow bucket, the exact max. */
static uint64_t bucket_hi(const tach_histogram *h, size_t i)
{
	if (i == OVERFLOW_BUCKET)
		return h->max;
	return bucket_lo(i + 1) - 1;
}

tach_histogram *tach_histogram_new(void)
{
	tach_histogram *h = malloc(sizeof *h);

	if (h)
		tach_histogram_init(h);
	return h;
}

void tach_histogram_free(tach_histogram *h)
{
	free(h);
}

void tach_histogram_init(tach_histogram *h)
{
	memset(h, 0, sizeof *h);
	h->min = UINT64_MAX;
}

void tach_histogram_reset(tach_histogram *h)
{
	tach_histogram_init(h);
}

void tach_histogram_record_n(tach_histogram *h, uint64_t ns, uint64_t n)
{
	if (n == 0)
		return; /* must not touch min/max */
	uint64_t v = clamp_top(ns);

	h->counts[tach__histogram_index(v)] += n;
	h->count += n;
	h->sum += (tach__u128)v * n;
	h->sum_sq += (tach__u128)v * v * n;
	if (ns < h->min)
		h->min = ns;
	if (ns > h->max)
		h->max = ns;
}

void tach_histogram_merge(tach_histogram *dst, const tach_histogram *src)
{
	/* Read src's scalars first: dst may be src. */
	uint64_t count = src->count, min = src->min, max = src->max;
	tach__u128 sum = src->sum, sum_sq = src->sum_sq;

	if (count == 0)
		return;
	size_t lo = tach__histogram_index(clamp_top(min));
	size_t hi = tach__histogram_index(clamp_top(max));
	for (size_t i = lo; i <= hi; i++)
		dst->counts[i] += src->counts[i];
	dst->count += count;
	dst->sum += sum;
	dst->sum_sq += sum_sq;
	if (min < dst->min)
		dst->min = min;
	if (max > dst->max)
		dst->max = max;
}

uint64_t tach_histogram_count(const tach_histogram *h)
{
	return h->count;
}

uint64_t tach_histogram_saturated(const tach_histogram *h)
{
	return h->counts[OVERFLOW_BUCKET];
}

uint64_t tach_histogram_min(const tach_histogram *h)
{
	return h->count ? h->min : 0;
}

uint64_t tach_histogram_max(const tach_histogram *h)
{
	return h->count ? h->max : 0;
}

double tach_histogram_mean(const tach_histogram *h)
{
	if (h->count == 0)
		return 0;
	/* sum = q n + r exactly; q <= 2^42 converts exactly, r / n rounds
	 * once and the addition once more. */
	uint64_t q = (uint64_t)(h->sum / h->count);
	uint64_t r = (uint64_t)(h->sum % h->count);
	return (double)q + (double)r / (double)h->count;
}

double tach_histogram_stddev(const tach_histogram *h)
{
	uint64_t n = h->count;

	if (n < 2)
		return 0;
	/* Sum of squared deviations M2 = S2 - S1^2 / n.  With S1 = q n + r,
	 * S1^2 / n = q^2 n + 2 q r + r^2 / n, so M2 = t - r^2 / n with
	 * t = S2 - q^2 n - 2 q r an exact nonnegative integer (Cauchy-Schwarz
	 * bounds q^2 n + 2 q r by S2, so nothing wraps).  Only t and r^2 / n
	 * (< n) are rounded: no cancellation of large sums in floating point,
	 * unlike the textbook S2/n - mean^2 (Chan, Golub & LeVeque, "Algorithms
	 * for computing the sample variance", 1983). */
	tach__u128 q = h->sum / n, r = h->sum % n;
	tach__u128 t = h->sum_sq - q * q * n - 2 * q * r;
	long double m2 = (long double)t - (long double)r * (long double)r / n;
	if (m2 < 0) /* rounding when t is tiny */
		m2 = 0;
	return (double)sqrtl(m2 / (long double)(n - 1));
}

double tach_histogram_percentile(const tach_histogram *h, double q)
{
	uint64_t n = h->count;

	if (n == 0)
		return 0;
	if (!(q >= 0)) /* also NaN */
		q = 0;
	if (q > 100)
		q = 100;
	/* Rank r = ceil(q n / 100) in 1..n.  q is a binary double: 99.9 is
	 * really 99.900000000000006, and 99.9 * 1000 / 100 must give rank
	 * 999, not 1000.  So a product within a few ulp of q (relative) of an
	 * integer counts as that integer. */
	long double x = (long double)q * n / 100, k = roundl(x);
	long double rank_f = fabsl(x - k) <= x * (4 * DBL_EPSILON) ? k : ceill(x);
	uint64_t rank = rank_f < 1 ? 1 : rank_f >= n ? n : (uint64_t)rank_f;
	if (rank == 1)
		return (double)h->min;
	if (rank == n)
		return (double)h->max;

	size_t i = tach__histogram_index(clamp_top(h->min));
	size_t last = tach__histogram_index(clamp_top(h->max));
	uint64_t seen = 0;
	for (; i < last; i++) {
		seen += h->counts[i];
		if (seen >= rank)
			break;
	}
	if (i == OVERFLOW_BUCKET)
		return (double)TACH_HISTOGRAM_TOP;
	/* Midpoint of the integers lo..hi; every one is within (hi - lo) / 2
	 * of it, and hi - lo < lo / 128 (see the layout in the header). */
	uint64_t lo = bucket_lo(i), hi = bucket_hi(h, i);
	double mid = (double)lo + (double)(hi - lo) / 2;
	if (mid < (double)h->min)
		mid = (double)h->min;
	if (mid > (double)h->max)
		mid = (double)h->max;
	return mid;
}

double tach_histogram_relative_error(void)
{
	return TACH_HISTOGRAM_REL_ERROR;
}

int tach_histogram_next(const tach_histogram *h, size_t *iter,
                        tach_histogram_bucket *out)
{
	if (h->count == 0)
		return 0;
	size_t i = *iter;
	size_t first = tach__histogram_index(clamp_top(h->min));
	size_t last = tach__histogram_index(clamp_top(h->max));

	if (i < first)
		i = first;
	while (i <= last && h->counts[i] == 0)
		i++;
	if (i > last) {
		*iter = i;
		return 0;
	}
	out->lo = bucket_lo(i);
	out->hi = bucket_hi(h, i);
	out->count = h->counts[i];
	*iter = i + 1;
	return 1;
}
