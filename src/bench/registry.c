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

/* The values of the first dimension: the list, the range, or none. */
static size_t first_values(const tach_bench_opts *o, int64_t *v, size_t max)
{
	size_t n = 0;
	if (o->args) {
		for (const int64_t *a = o->args; *a != TACH_ARGS_END && n < max; a++)
			v[n++] = *a;
	} else if (o->range_hi > 0) {
		int64_t mult = o->range_mult > 1 ? o->range_mult : 8;
		int64_t x = o->range_lo > 0 ? o->range_lo : 1;
		for (; x < o->range_hi && n < max; x *= mult)
			v[n++] = x;
		if (n < max)
			v[n++] = o->range_hi;
	}
	return n;
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
		size_t n1 = first_values(o, v1, 256), n2 = 0;
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
