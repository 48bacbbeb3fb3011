/* registry.c - benchmarks registered before main by TACH_BENCH, and their
 * expansion into instances: every argument value (list or geometric
 * range), every second-dimension value, every thread count.
 *
 * Names follow Google Benchmark's convention (fn/64/threads:2), so that
 * results of the two tools line up by name.
 */
#include <regex.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bench/internal.h"

static tach__registered *registry;
static size_t n_registered, cap_registered;

void tach_bench_register(const char *name, tach_bench_fn fn, const tach_bench_opts *opts)
{
	if (n_registered == cap_registered) {
		size_t nc = cap_registered ? cap_registered * 2 : 32;
		tach__registered *r = realloc(registry, nc * sizeof *r);
		if (!r)
			return; /* before main: nowhere to report; it is simply absent */
		registry = r;
		cap_registered = nc;
	}
	registry[n_registered].name = name;
	registry[n_registered].fn = fn;
	registry[n_registered].opts = opts;
	n_registered++;
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
static const char *range_values(const tach_bench_opts *o, int64_t *v, size_t max, size_t *n_out)
{
	int64_t lo = o->range_lo, hi = o->range_hi;
	int64_t mult = o->range_mult ? o->range_mult : 8;
	size_t n = 0;
	*n_out = 0;
	if (mult < 2)
		return "range_mult must be at least 2 (0 means 8)";
	if (hi < lo)
		return "range_hi must not be below range_lo";
	if (lo == INT64_MIN)
		return "range_lo must be above INT64_MIN";
	v[n++] = lo;
	if (lo != hi && lo + 1 == hi) {
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
	return NULL;
}

/* The values of the first dimension: the list, the range (set when
 * range_lo or range_hi is non-zero), or none.  NULL or why not. */
static const char *first_values(const tach_bench_opts *o, int64_t *v, size_t max, size_t *n)
{
	*n = 0;
	if (o->args) {
		for (const int64_t *a = o->args; *a != TACH_ARGS_END && *n < max; a++)
			v[(*n)++] = *a;
		return NULL;
	}
	if (o->range_lo || o->range_hi)
		return range_values(o, v, max, n);
	return NULL;
}

int tach__instances(const int *threads_override, tach__instance **out, size_t *n_out)
{
	size_t cap = 64, n = 0;
	tach__instance *inst = malloc(cap * sizeof *inst);
	if (!inst)
		return TACH_ENOMEM;
	for (size_t r = 0; r < n_registered; r++) {
		const tach_bench_opts *o = registry[r].opts;
		int64_t v1[256], v2[256];
		size_t n1, n2 = 0;
		const char *bad = first_values(o, v1, 256, &n1);
		if (o->args2)
			for (const int64_t *a = o->args2; *a != TACH_ARGS_END && n2 < 256; a++)
				v2[n2++] = *a;
		const int one[] = {1, 0};
		const int *th = threads_override ? threads_override : o->threads ? o->threads : one;
		int many = th[0] && th[1];
		for (size_t i = 0; i < (n1 ? n1 : 1); i++) {
			for (size_t j = 0; j < (n2 ? n2 : 1); j++) {
				for (const int *t = th; *t > 0; t++) {
					if (n == cap) {
						tach__instance *ni = realloc(inst, (cap *= 2) * sizeof *ni);
						if (!ni) {
							free(inst);
							return TACH_ENOMEM;
						}
						inst = ni;
					}
					tach__instance *x = &inst[n++];
					memset(x, 0, sizeof *x);
					x->reg = &registry[r];
					x->error = bad;
					x->n_args = n1 ? (n2 ? 2 : 1) : 0;
					x->arg[0] = n1 ? v1[i] : 0;
					x->arg[1] = n2 ? v2[j] : 0;
					x->threads = *t;
					x->show_threads = many || *t > 1;
					int len = snprintf(x->name, sizeof x->name, "%s", registry[r].name);
					for (int a = 0; a < x->n_args && len < (int)sizeof x->name; a++)
						len += snprintf(x->name + len, sizeof x->name - (size_t)len,
						                "/%lld", (long long)x->arg[a]);
					if (x->show_threads && len < (int)sizeof x->name)
						snprintf(x->name + len, sizeof x->name - (size_t)len,
						         "/threads:%d", *t);
				}
			}
		}
	}
	*out = inst;
	*n_out = n;
	return 0;
}

const char *tach_bench_list(const char *filter, size_t i)
{
	static tach__instance *inst;
	static size_t n;
	static char name[256];
	regex_t re;
	if (i == 0) {
		free(inst);
		inst = NULL;
		if (tach__instances(NULL, &inst, &n))
			return NULL;
	}
	if (filter && regcomp(&re, filter, REG_EXTENDED | REG_NOSUB))
		return NULL;
	const char *found = NULL;
	for (size_t k = 0, seen = 0; k < n && !found; k++) {
		if (filter && regexec(&re, inst[k].name, 0, NULL, 0))
			continue;
		if (seen++ == i) {
			snprintf(name, sizeof name, "%s", inst[k].name);
			found = name;
		}
	}
	if (filter)
		regfree(&re);
	return found;
}
