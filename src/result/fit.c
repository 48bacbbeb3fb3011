/* fit.c - the complexity fits of a result set (tach_fit): building,
 * finding, freeing and checking them.  A fit names its benchmarks rather
 * than pointing at them, so that removing or renaming benchmarks never
 * leaves a dangling pointer (a report simply finds fewer points).
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "tach/result.h"
#include "result/internal.h"
#include "util/util.h"

/* The curves a fit may name: Google Benchmark's names (tach/stats.h's
 * tach_complexity_name gives the same strings; result sits below stats). */
static const char *const curves[] = {"1", "lgN", "N", "NlgN", "N^2", "N^3", NULL};

static void fit_free(tach_fit *f)
{
	if (!f)
		return;
	free(f->name);
	free(f->param);
	free(f->metric);
	free(f->big_o);
	for (size_t i = 0; i < f->n_benchmarks; i++)
		free(f->benchmarks[i]);
	free(f->benchmarks);
	free(f);
}

void tach__fits_free(tach_result *r)
{
	for (size_t i = 0; i < r->n_fits; i++)
		fit_free(r->fits[i]);
	free(r->fits);
	r->fits = NULL;
	r->n_fits = r->cap_fits = 0;
}

tach_fit *tach_result_add_fit(tach_result *r, const char *name, const char *param,
                              const char *metric, const char *big_o)
{
	if (tach__grow((void **)&r->fits, &r->cap_fits, r->n_fits + 1, sizeof *r->fits))
		return NULL;
	tach_fit *f = calloc(1, sizeof *f);
	if (!f || !(f->name = strdup(name)) || !(f->param = strdup(param)) ||
	    !(f->metric = strdup(metric)) || !(f->big_o = strdup(big_o))) {
		fit_free(f);
		return NULL;
	}
	r->fits[r->n_fits++] = f;
	return f;
}

int tach_fit_add_benchmark(tach_fit *f, const char *name)
{
	if (tach__grow((void **)&f->benchmarks, &f->cap_benchmarks, f->n_benchmarks + 1,
	               sizeof *f->benchmarks))
		return TACH_ENOMEM;
	if (!(f->benchmarks[f->n_benchmarks] = strdup(name)))
		return TACH_ENOMEM;
	f->n_benchmarks++;
	return 0;
}

tach_fit *tach_result_fit(const tach_result *r, const char *name, const char *metric)
{
	for (size_t i = 0; i < r->n_fits; i++)
		if (!strcmp(r->fits[i]->name, name) && (!metric || !strcmp(r->fits[i]->metric, metric)))
			return r->fits[i];
	return NULL;
}

int tach__fit_curve_valid(const char *big_o)
{
	for (size_t i = 0; big_o && curves[i]; i++)
		if (!strcmp(big_o, curves[i]))
			return 1;
	return 0;
}

/* One fit's invariants; i is its index (for the message). */
static int fit_validate(const tach_fit *f, size_t i, tach_error *err)
{
	const char *strings[] = {f->name, f->param, f->metric};
	for (size_t k = 0; k < 3; k++)
		if (!strings[k] || !*strings[k] || !tach__utf8_valid(strings[k])) {
			tach__error_set(err, "complexity[%zu]: empty or invalid name, param or metric", i);
			return TACH_EFORMAT;
		}
	if (!tach__fit_curve_valid(f->big_o)) {
		tach__error_set(err, "complexity '%s': unknown curve \"%s\" (1, lgN, N, NlgN, N^2 "
		                     "or N^3)", f->name, f->big_o ? f->big_o : "");
		return TACH_EFORMAT;
	}
	if (!isfinite(f->coefficient) || !isfinite(f->rms) || f->rms < 0) {
		tach__error_set(err, "complexity '%s': coefficient and rms must be finite and rms "
		                     "not negative", f->name);
		return TACH_EFORMAT;
	}
	for (size_t k = 0; k < f->n_benchmarks; k++)
		if (!*f->benchmarks[k] || !tach__utf8_valid(f->benchmarks[k])) {
			tach__error_set(err, "complexity '%s': empty or invalid benchmark name", f->name);
			return TACH_EFORMAT;
		}
	return 0;
}

int tach__fits_validate(const tach_result *r, tach_error *err)
{
	for (size_t i = 0; i < r->n_fits; i++) {
		const tach_fit *f = r->fits[i];
		if (fit_validate(f, i, err))
			return TACH_EFORMAT;
		/* one fit per family and metric: a report could not choose */
		for (size_t k = 0; k < i; k++)
			if (!strcmp(r->fits[k]->name, f->name) && !strcmp(r->fits[k]->metric, f->metric)) {
				tach__error_set(err, "complexity '%s' of metric '%s' appears twice", f->name,
				                f->metric);
				return TACH_EFORMAT;
			}
	}
	return 0;
}
