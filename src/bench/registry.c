/* registry.c - benchmarks registered before main by TACH_BENCH, and their
 * expansion into instances: every combination of the argument
 * dimensions' values (lists and ranges expanded by args.c), every thread
 * count.
 *
 * Names follow Google Benchmark's convention (fn/64/threads:2), so that
 * results of the two tools line up by name; a load benchmark's rate goes
 * before the threads (fn/64/rate:1000/threads:2).
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

#define MAX_VALUES 1024 /* per argument list */

/* The argument dimensions of a benchmark: .args_product's lists, or the
 * first (.args or the .range_* fields) and second (.args2).  v holds
 * TACH_MAX_ARGS rows of MAX_VALUES.  NULL, or why they are invalid. */
static const char *dimensions(const tach_bench_opts *o, int64_t *v, size_t *nv, int *dims)
{
	*dims = 0;
	if (o->args_product) {
		if (o->args || o->args2 || o->range_lo || o->range_hi)
			return "set .args_product or .args/.args2/.range_*, not both";
		for (const int64_t *const *l = o->args_product; *l; l++) {
			if (*dims == TACH_MAX_ARGS)
				return "more than 8 argument dimensions (TACH_MAX_ARGS)";
			const char *bad = tach__arg_list(*l, v + *dims * MAX_VALUES, MAX_VALUES,
			                                 &nv[*dims]);
			if (bad)
				return bad;
			if (!nv[(*dims)++])
				return "an argument list of .args_product has no values";
		}
		return NULL;
	}
	const char *bad = NULL;
	if (o->args)
		bad = tach__arg_list(o->args, v, MAX_VALUES, &nv[0]);
	else if (o->range_lo || o->range_hi)
		bad = tach__arg_range(o->range_lo, o->range_hi, o->range_mult, v, MAX_VALUES,
		                      &nv[0]);
	else
		return NULL;
	if (bad)
		return bad;
	*dims = nv[0] ? 1 : 0;
	if (*dims && o->args2) {
		bad = tach__arg_list(o->args2, v + MAX_VALUES, MAX_VALUES, &nv[1]);
		*dims = nv[1] ? 2 : 1;
	}
	return bad;
}

/* Appends one instance (arguments at index pos of each dimension). */
static int add_instance(tach__instance **inst, size_t *n, size_t *cap, const tach__registered *r,
                        const char *bad, const int64_t *v, const size_t *pos, int dims,
                        int threads, int show_threads, double rate)
{
	if (*n == *cap) {
		tach__instance *ni = realloc(*inst, (*cap *= 2) * sizeof *ni);
		if (!ni)
			return TACH_ENOMEM;
		*inst = ni;
	}
	tach__instance *x = &(*inst)[(*n)++];
	memset(x, 0, sizeof *x);
	x->reg = r;
	x->error = bad;
	x->n_args = dims;
	x->threads = threads;
	x->show_threads = show_threads;
	int len = snprintf(x->name, sizeof x->name, "%s", r->name);
	for (int a = 0; a < dims; a++) {
		x->arg[a] = v[a * MAX_VALUES + pos[a]];
		if (len < (int)sizeof x->name)
			len += snprintf(x->name + len, sizeof x->name - (size_t)len, "/%lld",
			                (long long)x->arg[a]);
	}
	x->rate = rate;
	if (rate > 0 && len < (int)sizeof x->name)
		len += snprintf(x->name + len, sizeof x->name - (size_t)len, "/rate:%.15g", rate);
	if (show_threads && len < (int)sizeof x->name)
		snprintf(x->name + len, sizeof x->name - (size_t)len, "/threads:%d", threads);
	return 0;
}

#define MAX_RATES 64

/* A load benchmark's rates (issue 21 item 3) into v, 0-terminated (at
 * most MAX_RATES): the override, else its own; none (v[0] = 0) for
 * other benchmarks.  NULL or why the list is invalid. */
static const char *rate_list(const tach_bench_opts *o, const double *override, double *v)
{
	const double *l = o->load.rates ? override ? override : o->load.rates : NULL;
	size_t n = 0;
	v[0] = v[1] = 0;
	if (!l)
		return NULL;
	for (; *l != 0; l++) {
		if (n == MAX_RATES)
			return "more than 64 rates";
		if (!(*l > 0) || *l > 1e12)
			return "a rate must be above 0 and at most 1e12 calls per second";
		v[n++] = *l;
	}
	v[n] = 0;
	return n ? NULL : "an empty rate list";
}

int tach__instances(const int *threads_override, tach__instance **out, size_t *n_out)
{
	return tach__instances_load(threads_override, NULL, out, n_out);
}

/* Every combination of the dimensions' values (the last varying
 * fastest), each with every thread count, and for a load benchmark each
 * of those at every rate. */
int tach__instances_load(const int *threads_override, const double *rates_override,
                         tach__instance **out, size_t *n_out)
{
	size_t cap = 64, n = 0;
	tach__instance *inst = malloc(cap * sizeof *inst);
	int64_t *v = malloc(TACH_MAX_ARGS * MAX_VALUES * sizeof *v);
	if (!inst || !v) {
		free(inst);
		free(v);
		return TACH_ENOMEM;
	}
	int rc = 0;
	for (size_t r = 0; !rc && r < n_registered; r++) {
		const tach_bench_opts *o = registry[r].opts;
		size_t nv[TACH_MAX_ARGS] = {0}, pos[TACH_MAX_ARGS] = {0};
		int dims;
		const char *bad = dimensions(o, v, nv, &dims);
		if (bad)
			dims = 0; /* one instance (per thread count) carries the reason */
		const int one[] = {1, 0};
		int th[258];
		const char *bad_th = tach__thread_list(
			threads_override ? threads_override : o->threads ? o->threads : one, th,
			sizeof th / sizeof *th);
		if (bad_th || !th[0]) {
			bad = bad ? bad : bad_th ? bad_th : "an empty thread list";
			th[0] = 1;
			th[1] = 0;
		}
		int many = th[0] && th[1];
		double rates[MAX_RATES + 1];
		const char *bad_rate = rate_list(o, rates_override, rates);
		if (bad_rate) {
			bad = bad ? bad : bad_rate;
			rates[0] = rates[1] = 0; /* one instance carries the reason */
		}
		for (int more = 1; !rc && more;) {
			/* rates[0] = 0: once, not a load instance */
			for (const double *rate = rates; !rc && (rate == rates || *rate); rate++)
				for (const int *t = th; !rc && *t > 0; t++)
					rc = add_instance(&inst, &n, &cap, &registry[r], bad, v, pos,
					                  dims, *t, many || *t > 1, *rate);
			/* the next combination: an odometer, last dimension first */
			int d = dims - 1;
			while (d >= 0 && ++pos[d] == nv[d])
				pos[d--] = 0;
			more = d >= 0;
		}
	}
	free(v);
	if (rc) {
		free(inst);
		return rc;
	}
	*out = inst;
	*n_out = n;
	return 0;
}

const char *tach_bench_list(const char *filter, size_t i)
{
	return tach_bench_list_threads(filter, NULL, i);
}

const char *tach_bench_list_threads(const char *filter, const int *threads, size_t i)
{
	return tach_bench_list_load(filter, threads, NULL, i);
}

const char *tach_bench_list_load(const char *filter, const int *threads, const double *rates,
                                 size_t i)
{
	static tach__instance *inst;
	static size_t n;
	static char name[256];
	regex_t re;
	if (i == 0) {
		free(inst);
		inst = NULL;
		if (tach__instances_load(threads, rates, &inst, &n))
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
