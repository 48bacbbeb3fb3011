/* mwu_null.c - the exact null distribution of the Mann-Whitney U statistic
 * for small samples without ties, shared by the U test and the
 * Hodges-Lehmann interval.
 *
 * Under H0 every one of the C(m+n, m) arrangements of the pooled ranks is
 * equally likely, and the number with U = u is the coefficient of q^u in
 * the Gaussian binomial [m+n choose m]_q = prod_{i=1..m} (1 - q^(n+i)) /
 * (1 - q^i) (Andrews, The Theory of Partitions, 3.3; the counts SciPy's
 * _MWU builds by the recurrence of Di Bucchianico 1999).  The product is
 * taken factor by factor on a power series truncated at the largest u
 * needed, which is at most mn/2 by symmetry: O(m K) time, O(K) memory.
 *
 * The counts are integers modulo 2^128 (2^64 without __int128): division
 * by (1 - q^i) is exact over the integers, so the modular results are the
 * true counts whenever C(m+n, m) fits, and cdf = count / total has only
 * the rounding of the final division.  Beyond that (m = 8 with n above
 * about 2e5) doubles are used; the subtractions then cost a few digits.
 */
#include <math.h>
#include <stdlib.h>

#include "stats_internal.h"

#if TACH__HAVE_U128
typedef tach__u128 count_t;
#define COUNT_BITS 128
#else
typedef uint64_t count_t;
#define COUNT_BITS 64
#endif

/* c[0..K] = coefficients of [n+m choose m]_q, in arithmetic type T. */
#define GAUSS_BINOMIAL(T, c, K, m, n)                                       \
	do {                                                                \
		memset((c), 0, ((K) + 1) * sizeof(T));                      \
		(c)[0] = 1;                                                 \
		for (uint64_t i_ = 1; i_ <= (m); i_++) {                    \
			uint64_t s_ = (n) + i_;                             \
			/* times (1 - q^s), downwards: old values */        \
			for (uint64_t k_ = (K); k_ >= s_ && k_ <= (K); k_--) \
				(c)[k_] -= (c)[k_ - s_];                    \
			/* divided by (1 - q^i), upwards: new values */     \
			for (uint64_t k_ = i_; k_ <= (K); k_++)             \
				(c)[k_] += (c)[k_ - i_];                    \
		}                                                           \
	} while (0)

/* log2 C(m + n, m) */
static double log2_binom(uint64_t m, uint64_t n)
{
	return (lgamma((double)(m + n) + 1) - lgamma((double)m + 1) -
	        lgamma((double)n + 1)) / log(2.0);
}

/* C(m + n, m) exactly, for totals well inside count_t. */
static count_t binom_exact(uint64_t m, uint64_t n)
{
	count_t b = 1;

	/* b = C(n + i, i) after step i; b (n + i) = C(n + i, i) i divides. */
	for (uint64_t i = 1; i <= m; i++)
		b = b * (n + i) / i;
	return b;
}

static double binom_double(uint64_t m, uint64_t n)
{
	double b = 1;

	for (uint64_t i = 1; i <= m; i++)
		b = b * (double)(n + i) / (double)i;
	return b;
}

/* The counts for u = 0..K of the smaller-sample form (m <= n), either
 * exact (*wide set) or in doubles (*narrow set).  Returns 0 or
 * TACH_ENOMEM. */
typedef struct null_counts {
	uint64_t m, n, K;
	count_t *wide;
	double *narrow;
} null_counts;

static int counts_build(null_counts *nc, size_t nx, size_t ny, uint64_t K)
{
	uint64_t m = nx < ny ? nx : ny, n = nx < ny ? ny : nx;

	nc->m = m;
	nc->n = n;
	nc->K = K;
	nc->wide = NULL;
	nc->narrow = NULL;
	if (K >= SIZE_MAX / sizeof(count_t))
		return TACH_ENOMEM;
	/* 8 bits of headroom: the exact binomial's intermediates are at
	 * most m <= 8 times the total. */
	if (log2_binom(m, n) < COUNT_BITS - 8) {
		nc->wide = malloc((size_t)(K + 1) * sizeof(count_t));
		if (!nc->wide)
			return TACH_ENOMEM;
		GAUSS_BINOMIAL(count_t, nc->wide, K, m, n);
	} else {
		nc->narrow = malloc((size_t)(K + 1) * sizeof(double));
		if (!nc->narrow)
			return TACH_ENOMEM;
		GAUSS_BINOMIAL(double, nc->narrow, K, m, n);
	}
	return 0;
}

static void counts_free(null_counts *nc)
{
	free(nc->wide);
	free(nc->narrow);
}

int tach__stats_mwu_cdf(size_t nx, size_t ny, uint64_t u, double *p)
{
	uint64_t mn = (uint64_t)nx * ny, K;
	int upper, rc;
	null_counts nc;

	if (u >= mn) {
		*p = 1;
		return 0;
	}
	/* P(U <= u) = 1 - P(U <= mn - u - 1) by symmetry: sum the shorter
	 * side. */
	upper = u > mn - u - 1;
	K = upper ? mn - u - 1 : u;
	rc = counts_build(&nc, nx, ny, K);
	if (rc != 0)
		return rc;
	if (nc.wide) {
		count_t cum = 0, total = binom_exact(nc.m, nc.n);
		for (uint64_t k = 0; k <= K; k++)
			cum += nc.wide[k];
		*p = (double)(upper ? total - cum : cum) / (double)total;
	} else {
		double cum = 0, total = binom_double(nc.m, nc.n);
		for (uint64_t k = 0; k <= K; k++)
			cum += nc.narrow[k];
		*p = upper ? 1 - cum / total : cum / total;
	}
	counts_free(&nc);
	return 0;
}

int tach__stats_mwu_count_le(size_t nx, size_t ny, double prob,
                             uint64_t *count)
{
	uint64_t mn = (uint64_t)nx * ny, K = mn / 2, k = 0;
	int rc;
	null_counts nc;

	/* P(U <= mn/2) >= 1/2 > prob, so the count is at most mn/2. */
	rc = counts_build(&nc, nx, ny, K);
	if (rc != 0)
		return rc;
	if (nc.wide) {
		count_t cum = 0;
		double total = (double)binom_exact(nc.m, nc.n);
		for (; k <= K; k++) {
			cum += nc.wide[k];
			if ((double)cum / total > prob)
				break;
		}
	} else {
		double cum = 0, total = binom_double(nc.m, nc.n);
		for (; k <= K; k++) {
			cum += nc.narrow[k];
			if (cum / total > prob)
				break;
		}
	}
	counts_free(&nc);
	*count = k;
	return 0;
}
