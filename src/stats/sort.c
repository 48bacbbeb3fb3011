/* sort.c - sorting doubles: an LSD radix sort on order-preserving 64-bit
 * keys (stats_internal.h), O(n) and stable, used wherever the statistics
 * need sorted data (summary, ranks, Hodges-Lehmann), and the same sort
 * carrying indices for the bootstrap, which needs each value's rank.
 *
 * Keys are 11-bit digits, six passes (64 = 5 x 11 + 9): 2048 buckets keep
 * the counters in L1 while needing two passes fewer than bytes would.  All
 * six histograms come from one read of the data, and a pass whose digit is
 * the same for every key (e.g. the sign and high exponent bits of timings)
 * is skipped.  Small inputs use insertion sort on the keys instead.
 */
#include <stdlib.h>

#include "stats_internal.h"

#define RADIX_BITS 11
#define RADIX_SIZE (1u << RADIX_BITS)
#define RADIX_MASK (RADIX_SIZE - 1)
#define RADIX_PASSES 6
#define INSERTION_MAX 48

static void insertion_sort(double *x, size_t n)
{
	for (size_t i = 1; i < n; i++) {
		double v = x[i];
		uint64_t k = tach__stats_key(v);
		size_t j = i;

		while (j > 0 && tach__stats_key(x[j - 1]) > k) {
			x[j] = x[j - 1];
			j--;
		}
		x[j] = v;
	}
}

/* Counts key k in the histogram of every pass's digit.  Written out: GCC
 * at -O2 keeps the loop form, which costs 8 % of a sort of 1e6. */
static inline void count_digits(size_t (*hist)[RADIX_SIZE], uint64_t k)
{
	_Static_assert(RADIX_PASSES == 6 && RADIX_BITS == 11, "one line per pass");
	hist[0][k & RADIX_MASK]++;
	hist[1][(k >> 11) & RADIX_MASK]++;
	hist[2][(k >> 22) & RADIX_MASK]++;
	hist[3][(k >> 33) & RADIX_MASK]++;
	hist[4][(k >> 44) & RADIX_MASK]++;
	hist[5][k >> 55]++;
}

/* Turns a pass's digit counts into the first slot of each digit. */
static inline void first_slots(size_t *h)
{
	size_t sum = 0;
	for (size_t d = 0; d < RADIX_SIZE; d++) {
		size_t c = h[d];
		h[d] = sum;
		sum += c;
	}
}

/* The data ping-pong between keys[] and x[], which holds key bits through
 * memcpy while it serves as the second buffer (no type punning). */
static void radix_passes(double *x, uint64_t *keys, size_t n,
                         size_t (*hist)[RADIX_SIZE])
{
	int in_keys = 1; /* where the current order lives */

	for (int p = 0; p < RADIX_PASSES; p++) {
		unsigned shift = (unsigned)p * RADIX_BITS;
		size_t *h = hist[p];

		/* Trivial pass: every key has the digit of keys[0]. */
		uint64_t first;
		if (in_keys)
			first = keys[0];
		else
			memcpy(&first, &x[0], sizeof first);
		if (h[(first >> shift) & RADIX_MASK] == n)
			continue;

		first_slots(h);
		if (in_keys) {
			for (size_t i = 0; i < n; i++) {
				uint64_t k = keys[i];
				memcpy(&x[h[(k >> shift) & RADIX_MASK]++], &k,
				       sizeof k);
			}
		} else {
			for (size_t i = 0; i < n; i++) {
				uint64_t k;
				memcpy(&k, &x[i], sizeof k);
				keys[h[(k >> shift) & RADIX_MASK]++] = k;
			}
		}
		in_keys = !in_keys;
	}

	if (in_keys) {
		for (size_t i = 0; i < n; i++)
			x[i] = tach__stats_unkey(keys[i]);
	} else {
		for (size_t i = 0; i < n; i++) {
			uint64_t k;
			memcpy(&k, &x[i], sizeof k);
			x[i] = tach__stats_unkey(k);
		}
	}
}

int tach_stats_sort(double *x, size_t n)
{
	if (n < 2)
		return 0;
	if (n <= INSERTION_MAX) {
		insertion_sort(x, n);
		return 0;
	}
	if (n > SIZE_MAX / sizeof(uint64_t))
		return TACH_ENOMEM;

	uint64_t *keys = malloc(n * sizeof *keys);
	size_t(*hist)[RADIX_SIZE] = calloc(RADIX_PASSES, sizeof *hist);
	if (!keys || !hist) {
		free(keys);
		free(hist);
		return TACH_ENOMEM;
	}

	for (size_t i = 0; i < n; i++) {
		keys[i] = tach__stats_key(x[i]);
		count_digits(hist, keys[i]);
	}
	radix_passes(x, keys, n, hist);

	free(hist);
	free(keys);
	return 0;
}

double *tach__stats_sorted_copy(const double *x, size_t n)
{
	double *c;

	if (n > SIZE_MAX / sizeof *c)
		return NULL;
	c = malloc(n ? n * sizeof *c : 1);
	if (!c)
		return NULL;
	if (n)
		memcpy(c, x, n * sizeof *c);
	if (tach_stats_sort(c, n) != 0) {
		free(c);
		return NULL;
	}
	return c;
}

/* Radix passes over (key, index) pairs, ping-ponging between the a and b
 * buffers; returns the buffer holding the final order of indices. */
static uint32_t *radix_order(uint64_t *ka, uint32_t *ia, uint64_t *kb,
                             uint32_t *ib, size_t n,
                             size_t (*hist)[RADIX_SIZE])
{
	for (int p = 0; p < RADIX_PASSES; p++) {
		unsigned shift = (unsigned)p * RADIX_BITS;
		size_t *h = hist[p];

		if (h[(ka[0] >> shift) & RADIX_MASK] == n)
			continue;
		first_slots(h);
		for (size_t i = 0; i < n; i++) {
			size_t to = h[(ka[i] >> shift) & RADIX_MASK]++;
			kb[to] = ka[i];
			ib[to] = ia[i];
		}
		uint64_t *kt = ka;
		uint32_t *it = ia;
		ka = kb;
		kb = kt;
		ia = ib;
		ib = it;
	}
	return ia;
}

int tach__stats_order(const double *x, size_t n, uint32_t *order)
{
	uint64_t *keys;
	uint32_t *idx, *res;
	size_t(*hist)[RADIX_SIZE];

	if (n > UINT32_MAX || n > SIZE_MAX / (2 * sizeof *keys))
		return TACH_ENOMEM;
	if (n <= INSERTION_MAX) {
		for (size_t i = 0; i < n; i++) {
			uint64_t k = tach__stats_key(x[i]);
			size_t j = i;

			while (j > 0 && tach__stats_key(x[order[j - 1]]) > k) {
				order[j] = order[j - 1];
				j--;
			}
			order[j] = (uint32_t)i;
		}
		return 0;
	}
	keys = malloc(2 * n * sizeof *keys);
	idx = malloc(n * sizeof *idx);
	hist = calloc(RADIX_PASSES, sizeof *hist);
	if (!keys || !idx || !hist) {
		free(keys);
		free(idx);
		free(hist);
		return TACH_ENOMEM;
	}
	for (size_t i = 0; i < n; i++) {
		keys[i] = tach__stats_key(x[i]);
		idx[i] = (uint32_t)i;
		count_digits(hist, keys[i]);
	}
	res = radix_order(keys, idx, keys + n, order, n, hist);
	if (res != order)
		memcpy(order, res, n * sizeof *order);
	free(hist);
	free(idx);
	free(keys);
	return 0;
}

double *tach__stats_sorted_pair(const double *x, size_t nx, const double *y,
                                size_t ny)
{
	double *c;

	if (nx > SIZE_MAX / sizeof *c - ny)
		return NULL;
	c = malloc(nx + ny ? (nx + ny) * sizeof *c : 1);
	if (!c)
		return NULL;
	if (nx)
		memcpy(c, x, nx * sizeof *c);
	if (ny)
		memcpy(c + nx, y, ny * sizeof *c);
	if (tach_stats_sort(c, nx) != 0 || tach_stats_sort(c + nx, ny) != 0) {
		free(c);
		return NULL;
	}
	return c;
}
