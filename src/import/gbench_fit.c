/* gbench_fit.c - Google Benchmark's complexity rows (FAMILY_BigO and
 * FAMILY_RMS) as a complexity fit of the result set (tach_fit), shared by
 * the JSON and the console importers so that both make the same fit of
 * the same program's output.  Each importer reads its own syntax; this
 * file holds what a BigO row and an RMS row mean. */
#include <string.h>

#include "tach/result.h"
#include "import/internal.h"

/* tach's name of Google Benchmark's curve, NULL for one tach has no name
 * for (f(N), a lambda of the user's). */
static const char *curve_name(const char *gb, size_t len)
{
	static const char *const map[][2] = {{"(1)", "1"}, {"lgN", "lgN"}, {"N", "N"},
	                                     {"NlgN", "NlgN"}, {"N^2", "N^2"}, {"N^3", "N^3"}};
	for (size_t i = 0; gb && i < sizeof map / sizeof map[0]; i++)
		if (strlen(map[i][0]) == len && !memcmp(gb, map[i][0], len))
			return map[i][1];
	return NULL;
}

int tach__gbench_fit_bigo(tach_result *r, const char *family, const char *curve, size_t len,
                          double coefficient)
{
	const char *big_o = curve_name(curve, len);
	if (!family[0] || !big_o || tach_result_fit(r, family, TACH_M_TIME))
		return 0;
	tach_fit *fit = tach_result_add_fit(r, family, "n", TACH_M_TIME, big_o);
	if (!fit)
		return TACH_ENOMEM;
	fit->coefficient = coefficient;
	return 0;
}

void tach__gbench_fit_rms(tach_result *r, const char *family, double rms)
{
	tach_fit *fit = tach_result_fit(r, family, TACH_M_TIME);
	if (fit && rms >= 0)
		fit->rms = rms;
}

int tach__gbench_fit_link(tach_result *r)
{
	for (size_t i = 0; i < r->n_fits; i++) {
		tach_fit *fit = r->fits[i];
		size_t len = strlen(fit->name);
		for (size_t k = 0; k < r->n_benchmarks; k++) {
			const char *name = r->benchmarks[k]->name;
			if (!strncmp(name, fit->name, len) && name[len] == '/' &&
			    tach_fit_add_benchmark(fit, name))
				return TACH_ENOMEM;
		}
	}
	return 0;
}
