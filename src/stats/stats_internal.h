/* stats_internal.h - helpers shared by the files of src/stats: the random
 * generator inlined for hot loops, order-preserving integer keys for doubles,
 * NumPy's percentile interpolation, selection, the exact Mann-Whitney null
 * distribution and pooled-sample ranking.  Hidden from the library's ABI.
 */
#ifndef TACH_STATS_INTERNAL_H
#define TACH_STATS_INTERNAL_H

#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "tach/stats.h"

#ifndef TACH_HIDDEN
#define TACH_HIDDEN __attribute__((visibility("hidden")))
#endif

/* ---------------------------------------------------------------------
 * 64 x 64 -> 128-bit multiplication, for Lemire's bounded draws.
 */
#if defined(__SIZEOF_INT128__)
__extension__ typedef unsigned __int128 tach__u128;
#define TACH__HAVE_U128 1
static inline uint64_t tach__mul128(uint64_t a, uint64_t b, uint64_t *lo)
{
	tach__u128 m = (tach__u128)a * b;
	*lo = (uint64_t)m;
	return (uint64_t)(m >> 64);
}
#else
#define TACH__HAVE_U128 0
static inline uint64_t tach__mul128(uint64_t a, uint64_t b, uint64_t *lo)
{
	uint64_t a0 = a & 0xffffffffu, a1 = a >> 32;
	uint64_t b0 = b & 0xffffffffu, b1 = b >> 32;
	uint64_t p00 = a0 * b0, p01 = a0 * b1, p10 = a1 * b0, p11 = a1 * b1;
	uint64_t mid = (p00 >> 32) + (p01 & 0xffffffffu) + (p10 & 0xffffffffu);
	*lo = (mid << 32) | (p00 & 0xffffffffu);
	return p11 + (p01 >> 32) + (p10 >> 32) + (mid >> 32);
}
#endif

/* ---------------------------------------------------------------------
 * xoshiro256** (Blackman & Vigna, "Scrambled linear pseudorandom number
 * generators", 2021) and Lemire's bounded integers, inline so that the
 * bootstrap's inner loop keeps the state in registers.  rng.c exports the
 * same functions; both must stay bit-identical to stats.h.
 */
static inline uint64_t tach__rotl(uint64_t x, int k)
{
	return (x << k) | (x >> (64 - k));
}

static inline uint64_t tach__rng_next(tach_rng *rng)
{
	uint64_t *s = rng->s;
	uint64_t result = tach__rotl(s[1] * 5, 7) * 9;
	uint64_t t = s[1] << 17;

	s[2] ^= s[0];
	s[3] ^= s[1];
	s[1] ^= s[2];
	s[0] ^= s[3];
	s[2] ^= t;
	s[3] = tach__rotl(s[3], 45);
	return result;
}

static inline uint64_t tach__rng_below(tach_rng *rng, uint64_t bound)
{
	uint64_t lo;
	uint64_t hi = tach__mul128(tach__rng_next(rng), bound, &lo);

	/* The threshold (2^64 mod bound) needs a division, so it is only
	 * computed in the rare case that rejection is possible at all. */
	if (lo < bound) {
		uint64_t threshold = (0 - bound) % bound;
		while (lo < threshold)
			hi = tach__mul128(tach__rng_next(rng), bound, &lo);
	}
	return hi;
}

/* ---------------------------------------------------------------------
 * Order-preserving keys: unsigned comparison of keys equals the numeric
 * order of the doubles, with -0.0 just before +0.0 and NaNs outside the
 * infinities.  Flip all bits of negatives, only the sign bit of positives.
 */
static inline uint64_t tach__stats_key(double v)
{
	uint64_t u;

	memcpy(&u, &v, sizeof u);
	return u ^ ((0 - (u >> 63)) | UINT64_C(0x8000000000000000));
}

static inline double tach__stats_unkey(uint64_t k)
{
	uint64_t u = k ^ (((k >> 63) - 1) | UINT64_C(0x8000000000000000));
	double v;

	memcpy(&v, &u, sizeof v);
	return v;
}

/* ---------------------------------------------------------------------
 * Percentiles (order.c, select.c).
 */

/* Where percentile q (clamped to [0, 100]) of n > 0 sorted values lies:
 * NumPy's 'linear' method, h = (n - 1) * (q / 100), *lo = floor h and
 * *gamma = h - floor h; gamma = 0 when h reaches the last value. */
TACH_HIDDEN void tach__stats_position(size_t n, double q, size_t *lo,
                                      double *gamma);

/* NumPy's _lerp(a, b, gamma) (numpy/lib/function_base.py), the exact
 * arithmetic of np.percentile, but defined where NumPy gives NaN or an
 * overflow: gamma = 0 or a = b gives a, infinities and differences that
 * overflow are interpolated without forming b - a. */
TACH_HIDDEN double tach__stats_interp(double a, double b, double gamma);

/* Rearranges a[0..n) so that a[k] is the value a sorted array would hold
 * there, nothing before it is larger and nothing after it is smaller
 * (Floyd & Rivest, "Algorithm 489: SELECT", CACM 18(3), 1975), in expected
 * O(n) time, O(n log n) at worst.  Requires k < n and no NaN. */
TACH_HIDDEN void tach__stats_select(double *a, size_t n, size_t k);

/* The k-th smallest (0-based) value of x[0..n) in *kth and, if want_next,
 * the (k+1)-th in *next (k + 1 < n then), without copying or changing x.
 * Returns 0, TACH_ENOMEM, or 1 when it declines (small n, or a sample that
 * failed to bracket k, or too many ties): the caller then selects on a
 * copy. */
TACH_HIDDEN int tach__stats_select_ro(const double *x, size_t n, size_t k,
                                      int want_next, double *kth,
                                      double *next);

/* The median of a[0..n), n > 0, rearranging a; the same value as
 * tach_stats_percentile_sorted(sorted a, n, 50). */
TACH_HIDDEN double tach__stats_median_inplace(double *a, size_t n);

/* A sorted private copy of x[0..n) the caller frees; NULL when out of
 * memory (n = 0 gives a non-NULL pointer too). */
TACH_HIDDEN double *tach__stats_sorted_copy(const double *x, size_t n);

/* x then y in one private buffer, each part sorted (for the two-sample
 * tests); the caller frees; NULL when out of memory. */
TACH_HIDDEN double *tach__stats_sorted_pair(const double *x, size_t nx,
                                            const double *y, size_t ny);

/* order[k] = the index in x of the k-th smallest value (stable), n <=
 * UINT32_MAX.  Returns 0 or TACH_ENOMEM. */
TACH_HIDDEN int tach__stats_order(const double *x, size_t n, uint32_t *order);

/* ---------------------------------------------------------------------
 * Mann-Whitney machinery shared by the U test and Hodges-Lehmann.
 */

/* Ranks of the pooled sample of sorted x and sorted y (merge, midranks
 * for ties; -0.0 ties +0.0). */
typedef struct tach__stats_ranks {
	double u1;       /* U of x: sum of x's ranks - nx(nx+1)/2 */
	double tie_term; /* sum of t^3 - t over tie groups */
	int ties;        /* 1 if any value occurs more than once */
	int all_equal;   /* 1 if the pooled sample is one tie group */
} tach__stats_ranks;
TACH_HIDDEN void tach__stats_rank_sorted(const double *x, size_t nx,
                                         const double *y, size_t ny,
                                         tach__stats_ranks *out);

/* SciPy's rule for the exact null distribution: min(nx, ny) <= 8 and no
 * ties in the pooled sample. */
#define TACH__MWU_EXACT_MAX 8

/* P(U <= u) under the null hypothesis for sample sizes nx, ny >= 1 and
 * min(nx, ny) <= TACH__MWU_EXACT_MAX, without ties, exact: the counts are
 * coefficients of the Gaussian binomial [nx+ny choose nx]_q (Di Bucchianico
 * 1999, the distribution scipy.stats.mannwhitneyu's _MWU counts).  Returns
 * 0 or TACH_ENOMEM. */
TACH_HIDDEN int tach__stats_mwu_cdf(size_t nx, size_t ny, uint64_t u,
                                    double *p);

/* The number of u >= 0 with P(U <= u) <= prob, for 0 <= prob < 0.5 and
 * the same sizes as above.  Returns 0 or TACH_ENOMEM. */
TACH_HIDDEN int tach__stats_mwu_count_le(size_t nx, size_t ny, double prob,
                                         uint64_t *count);

/* The normal approximation's standard deviation of U with SciPy's tie
 * correction: sqrt(nx ny / 12 ((n + 1) - T / (n (n - 1)))). */
TACH_HIDDEN double tach__stats_mwu_sd(size_t nx, size_t ny, double tie_term);

#endif
