/* complexity.c - the asymptotic complexity of a benchmark (.complexity in
 * tach_bench_opts): after every instance has run, the median time per
 * iteration of each instance is fitted against its first argument
 * (tach_stats_complexity) and the fit is added to the result set.
 *
 * A family is the instances of one function that differ only in the first
 * argument: the instance name with its first argument's segment taken out
 * ("BM_x/64/8/threads:2" belongs to "BM_x/8/threads:2"), which stays true
 * however many dimensions the name carries.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tach/result.h"
#include "tach/stats.h"
#include "bench/internal.h"

/* The family of instance x into buf: its name without "/<first arg>". */
static void family(const tach__instance *x, char *buf, size_t size)
{
	size_t base = strlen(x->reg->name);
	const char *rest = x->name + base;
	if (*rest == '/')
		rest += 1 + strcspn(rest + 1, "/");
	snprintf(buf, size, "%s%s", x->reg->name, rest);
}

/* Appends "name: why" to the context's complexity_not_fitted. */
static int not_fitted(tach_result *out, const char *name, const char *why)
{
	const char *old = tach_kvlist_get(&out->meta.context, "complexity_not_fitted");
	size_t len = (old ? strlen(old) + 2 : 0) + strlen(name) + strlen(why) + 3;
	char *v = malloc(len);
	if (!v)
		return TACH_ENOMEM;
	snprintf(v, len, "%s%s%s: %s", old ? old : "", old ? "; " : "", name, why);
	int rc = tach_kvlist_set(&out->meta.context, "complexity_not_fitted", v);
	free(v);
	return rc ? TACH_ENOMEM : 0;
}

/* The fit of the family of instance i (the instances j >= i in it are
 * marked done). */
static int fit_family(const tach__instance *inst, size_t n, size_t i, size_t first,
                      const size_t *result_of, char *done, tach_result *out)
{
	char key[256], other[256];
	family(&inst[i], key, sizeof key);
	double *ns = malloc(n * sizeof *ns), *ts = malloc(n * sizeof *ts);
	const tach_benchmark **bs = malloc(n * sizeof *bs);
	int rc = ns && ts && bs ? 0 : TACH_ENOMEM;
	size_t k = 0;
	for (size_t j = i; !rc && j < n; j++) {
		if (done[j] || result_of[j] == (size_t)-1 || inst[j].reg != inst[i].reg)
			continue;
		family(&inst[j], other, sizeof other);
		if (strcmp(key, other))
			continue;
		done[j] = 1;
		const tach_benchmark *b = out->benchmarks[first + result_of[j]];
		const tach_metric *t = tach_benchmark_metric(b, TACH_M_TIME);
		double med;
		if (b->error || b->skipped || !t || tach_stats_median(t->samples, t->n_samples, &med))
			continue;
		ns[k] = (double)inst[j].arg[0];
		ts[k] = med;
		bs[k++] = b;
	}
	tach_complexity_fit f;
	tach_complexity want = inst[i].reg->opts->complexity;
	if (!rc && tach_stats_complexity(ns, ts, k, want, &f))
		rc = not_fitted(out, key, "needs times at two or more sizes n >= 1");
	else if (!rc) {
		const tach_kvlist *params = &bs[0]->params;
		tach_fit *fit = tach_result_add_fit(out, key, params->n ? params->items[0].key : "n",
		                                    TACH_M_TIME, tach_complexity_name(f.complexity));
		if (!fit)
			rc = TACH_ENOMEM;
		else {
			fit->automatic = want == TACH_COMPLEXITY_AUTO;
			fit->coefficient = f.coefficient;
			fit->rms = f.rms;
		}
		for (size_t j = 0; !rc && j < k; j++)
			rc = tach_fit_add_benchmark(fit, bs[j]->name);
	}
	free(ns);
	free(ts);
	free(bs);
	return rc;
}

int tach__bench_complexity(const tach__instance *inst, size_t n, size_t first,
                           const size_t *result_of, tach_result *out)
{
	char *done = calloc(n ? n : 1, 1);
	if (!done)
		return TACH_ENOMEM;
	int rc = 0;
	for (size_t i = 0; !rc && i < n; i++) {
		const tach_bench_opts *o = inst[i].reg->opts;
		if (done[i] || result_of[i] == (size_t)-1 || o->complexity == TACH_COMPLEXITY_NONE)
			continue;
		if (!inst[i].n_args) {
			done[i] = 1;
			rc = not_fitted(out, inst[i].name, "has no argument to be n");
			continue;
		}
		rc = fit_family(inst, n, i, first, result_of, done, out);
	}
	free(done);
	return rc;
}
