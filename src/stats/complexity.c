/* complexity.c - least-squares fit of a time against a size n to one
 * curve through the origin (O(1) ... O(n^3)), and the choice of the curve
 * with the lowest residuals: the asymptotic complexity that tach/bench.h's
 * .complexity reports.  Formulas as Google Benchmark's complexity
 * reporting defines them (coefficient sum(t f) / sum(f^2); RMS of the
 * residuals over the mean time); checked against NumPy's lstsq
 * (tests/vectors/gen_complexity.py).
 */
#include <math.h>
#include <string.h>

#include "stats_internal.h"

static const char *const names[] = {"none", "1", "lgN", "N", "NlgN", "N^2", "N^3", "auto"};

double tach_complexity_eval(tach_complexity c, double n)
{
	switch (c) {
	case TACH_COMPLEXITY_O1: return 1;
	case TACH_COMPLEXITY_OLOGN: return log2(n);
	case TACH_COMPLEXITY_ON: return n;
	case TACH_COMPLEXITY_ONLOGN: return n * log2(n);
	case TACH_COMPLEXITY_ON2: return n * n;
	case TACH_COMPLEXITY_ON3: return n * n * n;
	default: return 0;
	}
}

const char *tach_complexity_name(tach_complexity c)
{
	return (unsigned)c < sizeof names / sizeof *names ? names[c] : names[0];
}

tach_complexity tach_complexity_parse(const char *s)
{
	for (unsigned c = TACH_COMPLEXITY_O1; c <= TACH_COMPLEXITY_ON3; c++)
		if (s && !strcmp(s, names[c]))
			return (tach_complexity)c;
	return TACH_COMPLEXITY_NONE;
}

/* One curve; 0, or TACH_EINVAL when every f(n) is 0 (log2(1) for lgN at
 * n = 1 only cannot happen: two different n are checked first). */
static int fit_one(const double *n, const double *t, size_t k, tach_complexity c,
                   tach_complexity_fit *out)
{
	double ff = 0, tf = 0, sum_t = 0;
	for (size_t i = 0; i < k; i++) {
		double f = tach_complexity_eval(c, n[i]);
		ff += f * f;
		tf += t[i] * f;
		sum_t += t[i];
	}
	if (!(ff > 0) || !isfinite(ff))
		return TACH_EINVAL;
	double coef = tf / ff, ss = 0;
	for (size_t i = 0; i < k; i++) {
		double r = t[i] - coef * tach_complexity_eval(c, n[i]);
		ss += r * r;
	}
	double mean = sum_t / (double)k;
	out->complexity = c;
	out->coefficient = coef;
	out->rms = mean > 0 ? sqrt(ss / (double)k) / mean : 0;
	return 0;
}

int tach_stats_complexity(const double *n, const double *t, size_t k, tach_complexity want,
                          tach_complexity_fit *out)
{
	if (k < 2 || want == TACH_COMPLEXITY_NONE || want > TACH_COMPLEXITY_AUTO)
		return TACH_EINVAL;
	int distinct = 0;
	for (size_t i = 0; i < k; i++) {
		if (!isfinite(n[i]) || n[i] < 1 || !isfinite(t[i]) || t[i] < 0)
			return TACH_EINVAL;
		distinct |= n[i] != n[0];
	}
	if (!distinct)
		return TACH_EINVAL;
	if (want != TACH_COMPLEXITY_AUTO)
		return fit_one(n, t, k, want, out);
	int found = 0;
	for (unsigned c = TACH_COMPLEXITY_O1; c <= TACH_COMPLEXITY_ON3; c++) {
		tach_complexity_fit f;
		/* strictly lower: on a tie the simpler curve stays */
		if (!fit_one(n, t, k, (tach_complexity)c, &f) && (!found || f.rms < out->rms)) {
			*out = f;
			found = 1;
		}
	}
	return found ? 0 : TACH_EINVAL;
}
