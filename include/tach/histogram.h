/* histogram.h - a log-linear latency histogram: O(1), allocation-free
 * recording of per-operation latencies in integer nanoseconds, constant
 * memory, mergeable across threads, with percentiles to within 0.4 %.
 *
 * The idea is HdrHistogram's (Gil Tene, hdrhistogram.org); the code is ours.
 */
#ifndef TACH_HISTOGRAM_H
#define TACH_HISTOGRAM_H

#include <stddef.h>
#include <stdint.h>

#include "tach/error.h"

#ifdef __cplusplus
extern "C" {
#endif

/* ---------------------------------------------------------------------
 * Layout.  Values are unsigned integers, meant as nanoseconds (any integer
 * tick works; the limits below are then in ticks).  Integers avoid a
 * float conversion in the hot path and make every bucket edge exact.
 *
 *   v < 256:               one bucket per value (exact);
 *   2^e <= v < 2^(e+1):    128 buckets of width 2^(e-7), for 8 <= e < 42;
 *   v >= 2^42 (73.3 min):  saturated: one overflow bucket, the last.
 *
 * The bucket of v is  s = max(0, floor(log2 v) - 7),  i = 128 s + (v >> s):
 * a count-leading-zeros, a subtraction, a shift and an add.  A bucket
 * holding v spans at most v / 128, so its midpoint is within
 * TACH_HISTOGRAM_REL_ERROR = 1/256 (0.39 %) of every value in it.
 * 4609 buckets of 8 bytes: a histogram is about 36 KiB.
 */
#define TACH_HISTOGRAM_SUB_BITS 7  /* 2^7 = 128 sub-buckets per octave */
#define TACH_HISTOGRAM_TOP_BITS 42 /* values from 2^42 on saturate */
#define TACH_HISTOGRAM_TOP (UINT64_C(1) << TACH_HISTOGRAM_TOP_BITS)
#define TACH_HISTOGRAM_BUCKETS                                     \
	(((TACH_HISTOGRAM_TOP_BITS - TACH_HISTOGRAM_SUB_BITS + 1)  \
	  << TACH_HISTOGRAM_SUB_BITS) + 1)
#define TACH_HISTOGRAM_REL_ERROR (1.0 / (2 << TACH_HISTOGRAM_SUB_BITS))

/* 128-bit sums keep the mean and variance exact; they and
 * __builtin_clzll need GCC or Clang. */
#if !defined(__GNUC__)
#error "tach/histogram.h needs GCC or Clang (unsigned __int128, __builtin_clzll)"
#endif
__extension__ typedef unsigned __int128 tach__u128;

/* Public only so that tach_histogram_record() can be inlined into a
 * benchmark loop: read it through the functions below, never directly.
 * The sums and the buckets see values clamped to TACH_HISTOGRAM_TOP;
 * min and max see them as recorded. */
typedef struct tach_histogram {
	uint64_t count;     /* values recorded */
	uint64_t min, max;  /* exact; min = UINT64_MAX while empty */
	tach__u128 sum;     /* sum of the clamped values */
	tach__u128 sum_sq;  /* sum of their squares */
	uint64_t counts[TACH_HISTOGRAM_BUCKETS];
} tach_histogram;

/* One non-empty bucket: the values lo..hi (both inclusive) were recorded
 * `count` times.  For the overflow bucket lo = TACH_HISTOGRAM_TOP and hi is
 * the exact maximum. */
typedef struct tach_histogram_bucket {
	uint64_t lo, hi;
	uint64_t count;
} tach_histogram_bucket;

/* ---------------------------------------------------------------------
 * Lifecycle.  A histogram is not thread-safe: give each thread its own and
 * combine them with tach_histogram_merge() once the threads are done.
 */

/* A new, empty histogram on the heap (about 36 KiB).  Caller frees with
 * tach_histogram_free().  NULL when out of memory. */
TACH_API tach_histogram *tach_histogram_new(void);
/* Frees a histogram from tach_histogram_new().  NULL is a no-op. */
TACH_API void tach_histogram_free(tach_histogram *h);
/* Makes caller-owned memory (static, stack, arena) an empty histogram.
 * Nothing to release afterwards. */
TACH_API void tach_histogram_init(tach_histogram *h);
/* Empties a histogram, as tach_histogram_init(). */
TACH_API void tach_histogram_reset(tach_histogram *h);

/* ---------------------------------------------------------------------
 * Recording.  Never allocates, never fails.
 */

/* Bucket index of a value: see Layout above. */
static inline size_t tach__histogram_index(uint64_t v)
{
	/* v < TOP here; `| 255` makes all v < 256 share shift 0 (exact) and
	 * keeps clzll's argument nonzero. */
	unsigned shift = (unsigned)(63 - TACH_HISTOGRAM_SUB_BITS) -
	                 (unsigned)__builtin_clzll(v | 255);
	return ((size_t)shift << TACH_HISTOGRAM_SUB_BITS) + (size_t)(v >> shift);
}

/* Records one value of `ns` nanoseconds: about a dozen integer
 * instructions, no allocation; the only branches are the min/max updates.  A value at or
 * above TACH_HISTOGRAM_TOP (2^42 ns, 73.3 minutes) counts in the overflow
 * bucket and enters the mean, stddev and percentiles as TACH_HISTOGRAM_TOP;
 * tach_histogram_saturated() tells how many did; min and max stay exact. */
static inline void tach_histogram_record(tach_histogram *h, uint64_t ns)
{
	uint64_t v = ns < TACH_HISTOGRAM_TOP ? ns : TACH_HISTOGRAM_TOP;

	h->counts[tach__histogram_index(v)]++;
	h->count++;
	h->sum += v;
	h->sum_sq += (tach__u128)v * v;
	if (ns < h->min)
		h->min = ns;
	if (ns > h->max)
		h->max = ns;
}

/* Records `n` values equal to `ns` at once (n = 0 is a no-op), exactly as
 * n calls of tach_histogram_record() would, e.g. for a batch timed as a
 * whole and attributed to its operations evenly.  Counts wrap at 2^64 and
 * the sum of squares at 2^128: more than 10^13 values at the top. */
TACH_API void tach_histogram_record_n(tach_histogram *h, uint64_t ns,
                                      uint64_t n);

/* Adds src's values to dst, as if dst had recorded them too: afterwards dst
 * answers every query exactly as one histogram that recorded both.  src is
 * not changed; dst == src doubles every count. */
TACH_API void tach_histogram_merge(tach_histogram *dst,
                                   const tach_histogram *src);

/* ---------------------------------------------------------------------
 * Queries.  All are defined on an empty histogram (zero, never NaN).
 */

/* Number of values recorded. */
TACH_API uint64_t tach_histogram_count(const tach_histogram *h);
/* Number of them at or above TACH_HISTOGRAM_TOP (the overflow bucket). */
TACH_API uint64_t tach_histogram_saturated(const tach_histogram *h);
/* Smallest and largest value as recorded, exact; 0 when empty. */
TACH_API uint64_t tach_histogram_min(const tach_histogram *h);
TACH_API uint64_t tach_histogram_max(const tach_histogram *h);
/* Arithmetic mean from the exact 128-bit sum, rounded once to double
 * (exact whenever nothing saturated); 0 when empty. */
TACH_API double tach_histogram_mean(const tach_histogram *h);
/* Sample standard deviation (divisor n - 1, as tach_stats_stddev) from the
 * exact sums of values and squares, not from bucket midpoints: the sum of
 * squared deviations is formed in exact integer arithmetic and rounded
 * once, so there is no cancellation even for 1e9 +- 1 ns.  0 for n < 2. */
TACH_API double tach_histogram_stddev(const tach_histogram *h);

/* Percentile q (0 <= q <= 100; outside is clamped, NaN means 0).  Let
 * r = ceil(q / 100 * n) clamped to 1..n (q n / 100 within a few ulp of an
 * integer counts as that integer, so that q = 99.9, n = 1000 gives 999) and
 * x(r) the r-th smallest value recorded.  Returns x(1) = min exactly for r = 1, x(n) = max exactly for
 * r = n, and otherwise the midpoint of the bucket holding x(r), clamped to
 * [min, max]: within TACH_HISTOGRAM_REL_ERROR of x(r) relative (exact below
 * 256 ns).  The midpoint rather than the upper edge halves the worst-case
 * error and makes it symmetric, so reported percentiles are not biased
 * upwards.  A percentile in the overflow bucket is TACH_HISTOGRAM_TOP (a
 * lower bound).  0 when empty.  O(number of buckets between min and max). */
TACH_API double tach_histogram_percentile(const tach_histogram *h, double q);

/* The bound on the relative error of a percentile, 1/256: the largest
 * |reported - x(r)| / x(r) tach_histogram_percentile() can give below
 * TACH_HISTOGRAM_TOP. */
TACH_API double tach_histogram_relative_error(void);

/* Iterates over the non-empty buckets in ascending order.  Start with
 * *iter = 0; each call that returns 1 fills *out and advances *iter;
 * returns 0 after the last bucket.  The histogram must not change during
 * the walk.
 *
 *   size_t it = 0;  tach_histogram_bucket b;
 *   while (tach_histogram_next(h, &it, &b))
 *           printf("%llu..%llu %llu\n", b.lo, b.hi, b.count);
 */
TACH_API int tach_histogram_next(const tach_histogram *h, size_t *iter,
                                 tach_histogram_bucket *out);

#ifdef __cplusplus
}
#endif
#endif
