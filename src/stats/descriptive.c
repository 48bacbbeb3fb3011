/* descriptive.c - moments and extremes: mean, variance, standard
 * deviation, coefficient of variation, geometric mean, min and max.
 *
 * Sums use NumPy's pairwise summation (numpy/core/src/umath/loops_utils.h,
 * blocks of 128 with 8 accumulators) in NumPy's chunks of 8192, so results
 * match np.mean / np.var bit for bit in ordinary ranges, with O(log n)
 * rather than O(n) rounding growth.  Bit-identical matters: for data like
 * 1e9 + noise, one ulp of the mean moves the variance by 1e-8 relative.
 */
#include <math.h>

#include "stats_internal.h"

#define PW_BLOCKSIZE 128

/* Sum of f(x[i]) where f is the identity or, with `center` set, the
 * square of x[i] - c: the two sums the moments need. */
static double pairwise(const double *x, size_t n, int center, double c)
{
#define TERM(v) (center ? ((v) - c) * ((v) - c) : (v))
	if (n < 8) {
		double res = 0.;
		for (size_t i = 0; i < n; i++)
			res += TERM(x[i]);
		return res;
	}
	if (n <= PW_BLOCKSIZE) {
		double r[8], res;
		size_t i;

		for (i = 0; i < 8; i++)
			r[i] = TERM(x[i]);
		for (; i < n - (n % 8); i += 8) {
			r[0] += TERM(x[i + 0]);
			r[1] += TERM(x[i + 1]);
			r[2] += TERM(x[i + 2]);
			r[3] += TERM(x[i + 3]);
			r[4] += TERM(x[i + 4]);
			r[5] += TERM(x[i + 5]);
			r[6] += TERM(x[i + 6]);
			r[7] += TERM(x[i + 7]);
		}
		res = ((r[0] + r[1]) + (r[2] + r[3])) +
		      ((r[4] + r[5]) + (r[6] + r[7]));
		for (; i < n; i++)
			res += TERM(x[i]);
		return res;
	}
	size_t n2 = n / 2;
	n2 -= n2 % 8;
	return pairwise(x, n2, center, c) + pairwise(x + n2, n - n2, center, c);
#undef TERM
}

/* np.add.reduce on a contiguous array: its iterator hands the loop
 * buffers of 8192 values, each summed pairwise, and adds those in order. */
#define NPY_BUFSIZE 8192

static double sum_of(const double *x, size_t n, int center, double c)
{
	double s = 0;

	for (size_t i = 0; i < n; i += NPY_BUFSIZE)
		s += pairwise(x + i, n - i < NPY_BUFSIZE ? n - i : NPY_BUFSIZE,
		              center, c);
	return s;
}

/* Mean of finite values whose sum overflows: scaling by a power of two is
 * exact, so the result is still the correctly summed mean.  (A sum can
 * also overflow to +inf in one partial sum and -inf in another, which
 * makes it NaN: ±1e308 samples, summed pairwise.) */
static double scaled_mean(const double *x, size_t n)
{
	double s = 0;

	for (size_t i = 0; i < n; i++)
		s += ldexp(x[i], -64);
	return ldexp(s / (double)n, 64);
}

double tach_stats_mean(const double *x, size_t n)
{
	double m;

	if (n == 0)
		return 0;
	m = sum_of(x, n, 0, 0) / (double)n;
	if (!isfinite(m)) {
		int finite = 1;
		for (size_t i = 0; i < n && finite; i++)
			finite = isfinite(x[i]);
		if (finite)
			m = scaled_mean(x, n);
	}
	return m;
}

/* The smallest (largest when `max`) of x, 0 for none. */
static double extreme(const double *x, size_t n, int max)
{
	if (n == 0)
		return 0;
	double m = x[0];
	for (size_t i = 1; i < n; i++)
		if (max ? x[i] > m : x[i] < m)
			m = x[i];
	return m;
}

double tach_stats_min(const double *x, size_t n)
{
	return extreme(x, n, 0);
}

double tach_stats_max(const double *x, size_t n)
{
	return extreme(x, n, 1);
}

/* Variance as NumPy computes it (two passes: mean, then squared
 * deviations) but returned as v * 2^(2 e), so that the standard deviation
 * of values near the overflow threshold stays finite: when the direct sum
 * of squares overflows, the data are rescaled by 2^-e first (exact). */
static double variance_scaled(const double *x, size_t n, int *e)
{
	double m, v;
	size_t same = 1;

	*e = 0;
	/* All values equal: exactly 0, as stats.h promises, although the
	 * rounded mean of n copies of 0.1 is not 0.1 (NumPy gives 2e-35).
	 * Real data leaves this loop at once. */
	while (same < n && x[same] == x[0])
		same++;
	if (same == n)
		return 0;
	m = tach_stats_mean(x, n);
	v = sum_of(x, n, 1, m) / (double)(n - 1);
	if (isfinite(v))
		return v;
	/* Deviations up to 2 DBL_MAX: 2^-600 brings their squares well
	 * into range. */
	*e = 600;
	m = ldexp(m, -600);
	v = 0;
	for (size_t i = 0; i < n; i++) {
		double d = ldexp(x[i], -600) - m;
		v += d * d;
	}
	return v / (double)(n - 1);
}

/* The sample variance, or (sd) its square root, scaled back: the root is
 * taken while scaled, so a standard deviation past DBL_MAX's root stays
 * finite where its variance would not. */
static double spread(const double *x, size_t n, int sd)
{
	if (n < 2)
		return 0;
	int e;
	double v = variance_scaled(x, n, &e);
	return sd ? ldexp(sqrt(v), e) : ldexp(v, 2 * e);
}

double tach_stats_variance(const double *x, size_t n)
{
	return spread(x, n, 0);
}

double tach_stats_stddev(const double *x, size_t n)
{
	return spread(x, n, 1);
}

double tach_stats_cv(const double *x, size_t n)
{
	double m, v;
	int e;

	if (n < 2)
		return 0;
	m = tach_stats_mean(x, n);
	if (m == 0)
		return 0;
	/* divided while still scaled: a standard deviation beyond DBL_MAX
	 * (samples near ±DBL_MAX) can still give a finite CV */
	v = variance_scaled(x, n, &e);
	return ldexp(sqrt(v) / fabs(m), e);
}

/* scipy.stats.gmean: exp(mean(log x)).  The logs are summed pairwise in
 * chunks, which keeps the rounding growth logarithmic without a buffer of
 * n logs (and so without an allocation that could fail). */
#define GM_CHUNK 512

int tach_stats_geomean(const double *x, size_t n, double *out)
{
	double total = 0;

	*out = 0;
	for (size_t i = 0; i < n; i++)
		if (!(x[i] > 0) || !isfinite(x[i]))
			return TACH_EDOMAIN;
	if (n == 0)
		return 0;
	for (size_t done = 0; done < n;) {
		double buf[GM_CHUNK];
		size_t m = n - done < GM_CHUNK ? n - done : GM_CHUNK;

		for (size_t i = 0; i < m; i++)
			buf[i] = log(x[done + i]);
		total += sum_of(buf, m, 0, 0);
		done += m;
	}
	*out = exp(total / (double)n);
	return 0;
}

int tach_stats_mean_ratio(const double *a, size_t na, const double *b, size_t nb,
                          double *ratio, double *sd)
{
	double ma = tach_stats_mean(a, na), mb = tach_stats_mean(b, nb);
	*ratio = *sd = 0;
	if (!na || !nb || !(ma > 0) || !(mb > 0))
		return TACH_EDOMAIN;
	double ra = tach_stats_stddev(a, na) / ma, rb = tach_stats_stddev(b, nb) / mb;
	*ratio = ma / mb;
	*sd = *ratio * sqrt(ra * ra + rb * rb);
	return 0;
}
