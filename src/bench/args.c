/* args.c - argument and thread lists as a benchmark declares them, turned
 * into plain values: dense ranges (TACH_DENSE), geometric ranges
 * (TACH_RANGE, .range_lo/.range_hi), thread ranges and "nproc".
 *
 * The expansions follow Google Benchmark's DenseRange, Range and
 * ThreadRange value for value, so that instance names line up with its
 * results.  Bad lists are a reason string: the benchmark is reported as
 * failed with it (registry.c), never a silent truncation.
 */
#include <stdint.h>
#include <string.h>
#include <unistd.h>

#include "bench/internal.h"

int tach__nproc(void)
{
	long n = sysconf(_SC_NPROCESSORS_ONLN);
	return n < 1 ? 1 : n > 256 ? 256 : (int)n;
}

/* Appends the powers of mult (1, mult, mult^2, ...) in [lo, hi], 0 < lo
 * <= hi, ascending; stops before a power would overflow. */
static size_t add_powers(int64_t lo, int64_t hi, int64_t mult, int64_t *v, size_t n, size_t max)
{
	for (int64_t p = 1; p <= hi && n < max; p *= mult) {
		if (p >= lo)
			v[n++] = p;
		if (p > INT64_MAX / mult)
			break;
	}
	return n;
}

/* A range as Google Benchmark's Range(lo, hi) with RangeMultiplier(mult)
 * expands it, so that instance names line up: lo; the powers of mult
 * strictly between lo and hi, negated powers below zero (-mult^k), and 0
 * when the range crosses from negative to non-negative; hi if not yet
 * there.  RangeMultiplier(16)->Range(64, 16384) is 64, 256, 4096, 16384
 * (not lo times powers of mult).  NULL, or why the range is invalid. */
const char *tach__arg_range(int64_t lo, int64_t hi, int64_t mult, int64_t *v, size_t max,
                            size_t *n_out)
{
	size_t n = 0;
	mult = mult ? mult : 8;
	*n_out = 0;
	if (mult < 2)
		return "range_mult must be at least 2 (0 means 8)";
	if (hi < lo)
		return "range_hi must not be below range_lo";
	if (lo == INT64_MIN)
		return "range_lo must be above INT64_MIN";
	if (max == 0)
		return "too many argument values (at most 1024 in one list)";
	v[n++] = lo;
	if (lo != hi && lo + 1 == hi) {
		if (n < max)
			v[n++] = hi;
	} else if (lo != hi) {
		int64_t in_lo = lo + 1, in_hi = hi - 1; /* strictly between */
		if (in_lo < 0) {
			/* powers in [-min(in_hi, -1), -in_lo], negated, ascending */
			size_t first = n;
			n = add_powers(in_hi < -1 ? -in_hi : 1, -in_lo, mult, v, n, max);
			for (size_t a = first, b = n; a < b; a++, b--) {
				int64_t t = -v[a];
				v[a] = -v[b - 1];
				v[b - 1] = t;
			}
		}
		if (lo < 0 && hi >= 0 && n < max)
			v[n++] = 0;
		if (in_hi > 0)
			n = add_powers(in_lo > 1 ? in_lo : 1, in_hi, mult, v, n, max);
		if (v[n - 1] != hi && n < max)
			v[n++] = hi;
	}
	*n_out = n;
	return n == max && v[n - 1] != hi ? "too many argument values (at most 1024 in one list)"
	                                  : NULL;
}

/* lo, lo + step, ... <= hi, as Google Benchmark's DenseRange. */
static const char *dense(int64_t lo, int64_t hi, int64_t step, int64_t *v, size_t max,
                         size_t *n)
{
	if (step < 1)
		return "TACH_DENSE step must be at least 1";
	if (hi < lo)
		return "TACH_DENSE hi must not be below lo";
	for (int64_t x = lo;; x += step) {
		if (*n == max)
			return "too many argument values (at most 1024 in one list)";
		v[(*n)++] = x;
		if (x > hi - step) /* the next would pass hi (or overflow) */
			break;
	}
	return NULL;
}

const char *tach__arg_list(const int64_t *list, int64_t *v, size_t max, size_t *n)
{
	*n = 0;
	for (const int64_t *a = list; *a != TACH_ARGS_END; a++) {
		if (*a != TACH_ARGS_DENSE_ && *a != TACH_ARGS_RANGE_) {
			if (*n == max)
				return "too many argument values (at most 1024 in one list)";
			v[(*n)++] = *a;
			continue;
		}
		/* a marker and its three values; a list cut short is refused
		 * rather than read past its end */
		for (int k = 1; k <= 3; k++)
			if (a[k] == TACH_ARGS_END)
				return "a TACH_DENSE or TACH_RANGE marker needs three values";
		const char *bad;
		if (*a == TACH_ARGS_DENSE_) {
			bad = dense(a[1], a[2], a[3], v, max, n);
		} else {
			size_t k;
			bad = tach__arg_range(a[1], a[2], a[3], v + *n, max - *n, &k);
			*n += k;
		}
		if (bad)
			return bad;
		a += 3;
	}
	return NULL;
}

/* Appends t to v unless it is there already (one instance per count). */
static void add_thread(int *v, size_t *n, int t)
{
	for (size_t i = 0; i < *n; i++)
		if (v[i] == t)
			return;
	v[(*n)++] = t;
}

const char *tach__thread_list(const int *list, int *v, size_t max)
{
	size_t n = 0;
	v[0] = 0;
	for (const int *t = list; *t; t++) {
		int lo = *t, hi = *t;
		if (*t == TACH_THREADS_RANGE_) {
			if (!t[1] || !t[2])
				return "TACH_THREAD_RANGE needs two thread counts";
			lo = t[1];
			hi = t[2];
			t += 2;
		}
		lo = lo == TACH_NPROC ? tach__nproc() : lo;
		hi = hi == TACH_NPROC ? tach__nproc() : hi;
		if (lo < 1 || hi < 1 || lo > 256 || hi > 256)
			return "thread counts are 1 to 256 (or TACH_NPROC)";
		if (hi < lo)
			return "TACH_THREAD_RANGE hi must not be below lo";
		int64_t r[16]; /* 1..256 by 2: at most 10 values */
		size_t k;
		tach__arg_range(lo, hi, 2, r, 16, &k);
		for (size_t i = 0; i < k; i++) {
			if (n + 1 >= max)
				return "too many thread counts";
			add_thread(v, &n, (int)r[i]);
		}
	}
	v[n] = 0;
	return NULL;
}
