/* distributions.c - the continuous distributions the tests need: the
 * standard normal (CDF, survival function, quantile) and Student's t (CDF,
 * survival function) through the regularized incomplete beta function.
 *
 * Tail probabilities keep their relative accuracy down to the underflow
 * threshold: nothing here computes a small probability as 1 - (something
 * close to 1).
 */
#include <float.h>
#include <math.h>

#include "stats_internal.h"

#define SQRT1_2 0.70710678118654752440 /* 1/sqrt(2) */
#define LN_SQRT_2PI 0.91893853320467274178 /* log(sqrt(2 pi)) */

/* ---------------------------------------------------------------------
 * Normal distribution.
 */

/* Cephes ndtr, the code behind scipy.special.ndtr and so behind
 * scipy.stats.norm.cdf/sf: erf near the centre, erfc in the tails. */
double tach_norm_cdf(double z)
{
	double x = z * SQRT1_2;
	double ax = fabs(x);
	double y;

	if (ax < SQRT1_2)
		return 0.5 + 0.5 * erf(x);
	y = 0.5 * erfc(ax);
	return x > 0 ? 1 - y : y;
}

double tach_norm_sf(double z)
{
	return tach_norm_cdf(-z);
}

static double poly7(const double *c, double r)
{
	return ((((((c[7] * r + c[6]) * r + c[5]) * r + c[4]) * r + c[3]) * r +
	         c[2]) * r + c[1]) * r + c[0];
}

/* Wichura, "Algorithm AS 241: The percentage points of the normal
 * distribution", Applied Statistics 37(3), 1988, PPND16: rational
 * approximations accurate to about 1 part in 10^16. */
double tach_norm_ppf(double p)
{
	static const double a[8] = {
		3.3871328727963666080e0, 1.3314166789178437745e+2,
		1.9715909503065514427e+3, 1.3731693765509461125e+4,
		4.5921953931549871457e+4, 6.7265770927008700853e+4,
		3.3430575583588128105e+4, 2.5090809287301226727e+3};
	static const double b[8] = {
		1.0, 4.2313330701600911252e+1,
		6.8718700749205790830e+2, 5.3941960214247511077e+3,
		2.1213794301586595867e+4, 3.9307895800092710610e+4,
		2.8729085735721942674e+4, 5.2264952788528545610e+3};
	static const double c[8] = {
		1.42343711074968357734e0, 4.63033784615654529590e0,
		5.76949722146069140550e0, 3.64784832476320460504e0,
		1.27045825245236838258e0, 2.41780725177450611770e-1,
		2.27238449892691845833e-2, 7.74545014278341407640e-4};
	static const double d[8] = {
		1.0, 2.05319162663775882187e0,
		1.67638483018380384940e0, 6.89767334985100004550e-1,
		1.48103976427480074590e-1, 1.51986665636164571966e-2,
		5.47593808499534494600e-4, 1.05075007164441684324e-9};
	static const double e[8] = {
		6.65790464350110377720e0, 5.46378491116411436990e0,
		1.78482653991729133580e0, 2.96560571828504891230e-1,
		2.65321895265761230930e-2, 1.24266094738807843860e-3,
		2.71155556874348757815e-5, 2.01033439929228813265e-7};
	static const double f[8] = {
		1.0, 5.99832206555887937690e-1,
		1.36929880922735805310e-1, 1.48753612908506148525e-2,
		7.86869131145613259100e-4, 1.84631831751005468180e-5,
		1.42151175831644588870e-7, 2.04426310338993978564e-15};
	double q, r, z;

	if (isnan(p))
		return p;
	if (p <= 0)
		return -INFINITY;
	if (p >= 1)
		return INFINITY;

	q = p - 0.5;
	if (fabs(q) <= 0.425) {
		r = 0.180625 - q * q;
		return q * poly7(a, r) / poly7(b, r);
	}
	r = sqrt(-log(q < 0 ? p : 1 - p));
	if (r <= 5) {
		r -= 1.6;
		z = poly7(c, r) / poly7(d, r);
	} else {
		r -= 5;
		z = poly7(e, r) / poly7(f, r);
	}
	return q < 0 ? -z : z;
}

/* ---------------------------------------------------------------------
 * Regularized incomplete beta I_x(a, b), with y = 1 - x passed in
 * separately so callers that know 1 - x exactly lose nothing to it.
 */

/* log Gamma(z) - Stirling's approximation, for z >= 15 by the series
 * 1/(12 z) - 1/(360 z^3) + ... (Abramowitz & Stegun 6.1.41), whose next
 * term there is below 2.5e-16. */
static double stirling_error(double z)
{
	double z2 = 1 / (z * z);

	return (1.0 / 12 - z2 * (1.0 / 360 - z2 * (1.0 / 1260 - z2 *
	        (1.0 / 1680 - z2 * (1.0 / 1188 - z2 * (691.0 / 360360)))))) / z;
}

/* -log B(a, b) = lgamma(a + b) - lgamma(a) - lgamma(b).  When the larger
 * argument is big, lgamma(a + b) - lgamma(a) is formed from Stirling's
 * series instead of subtracting two large logs (which would cost ~7 digits
 * at a = 5e5, the Welch df of a million samples). */
static double neg_log_beta(double a, double b)
{
	double big = a > b ? a : b, small = a > b ? b : a, c = a + b;

	if (big < 15)
		return lgamma(c) - lgamma(a) - lgamma(b);
	return (big - 0.5) * log1p(small / big) + small * log(c) - small +
	       stirling_error(c) - stirling_error(big) - lgamma(small);
}

/* One step of the modified Lentz method with partial numerator aa: c and
 * d updated (kept off zero), their product returned. */
static double lentz_step(double aa, double *c, double *d)
{
	const double tiny = 1e-300;
	*d = 1 + aa * *d;
	if (fabs(*d) < tiny)
		*d = tiny;
	*c = 1 + aa / *c;
	if (fabs(*c) < tiny)
		*c = tiny;
	*d = 1 / *d;
	return *d * *c;
}

/* The continued fraction for I_x(a, b) (Abramowitz & Stegun 26.5.8;
 * Numerical Recipes 3rd ed. 6.4, betacf) by the modified Lentz method
 * (Thompson & Barnett 1986).  It converges fast for x < (a + 1) /
 * (a + b + 2); near x = 1 with large a its first denominator
 * 1 - (a + b) x / (a + 1) would cancel, so it is formed from y = 1 - x. */
static double beta_cf(double a, double b, double x, double y)
{
	const double tiny = 1e-300;
	double qab = a + b, qap = a + 1, qam = a - 1;
	double c = 1, d, h;

	d = x < 0.5 ? 1 - qab * x / qap : (1 - b + qab * y) / qap;
	if (fabs(d) < tiny)
		d = tiny;
	d = 1 / d;
	h = d;
	for (long m = 1; m <= 1000000; m++) {
		double m2 = 2.0 * (double)m, dm = (double)m, aa, del;

		aa = dm * (b - dm) * x / ((qam + m2) * (a + m2));
		h *= lentz_step(aa, &c, &d); /* the even step */
		aa = -(a + dm) * (qab + dm) * x / ((a + m2) * (qap + m2));
		del = lentz_step(aa, &c, &d); /* the odd step */
		h *= del;
		if (fabs(del - 1) <= DBL_EPSILON)
			break;
	}
	return h;
}

/* x^a y^b / (a B(a, b)) times the continued fraction: I_x(a, b) on the
 * side where the fraction converges.  lx = log x and ly = log y come from
 * the caller, who can form them without the rounding of x and y (which
 * may even underflow). */
static double beta_front_cf(double a, double b, double x, double y,
                            double lx, double ly)
{
	double lfront = a * lx + b * ly + neg_log_beta(a, b);

	return exp(lfront) * beta_cf(a, b, x, y) / a;
}

static double ibeta(double a, double b, double x, double y, double lx,
                    double ly)
{
	if (isinf(lx))
		return 0;
	if (isinf(ly))
		return 1;
	if (x > (a + 1) / (a + b + 2))
		return 1 - beta_front_cf(b, a, y, x, ly, lx);
	return beta_front_cf(a, b, x, y, lx, ly);
}

/* ---------------------------------------------------------------------
 * Student's t: P(T > |t|) = I_x(df/2, 1/2) / 2 with x = df / (df + t^2)
 * (Abramowitz & Stegun 26.7.1, 26.5.27).
 */

/* For large a the continued fraction loses digits near x = 1 in
 * proportion to a (1e-9 relative at df = 1e8), so there I_x(a, b) comes
 * from its expansion in incomplete gamma functions, the idea of BGRAT in
 * DiDonato & Morris, "Algorithm 708", ACM TOMS 18(3), 1992: with x = e^-u,
 *   (1 - e^-u)^(b-1) = e^(-(b-1)u/2) u^(b-1) (sinh(u/2) / (u/2))^(b-1)
 * and the last factor = sum c_n u^(2n), so with nu = a + (b-1)/2 and
 * z = -nu log x,
 *   I_x(a, b) = nu^-b / B(a, b) sum_n c_n nu^(-2n) Gamma(b + 2n, z),
 * asymptotic in nu.  Here b = 1/2, Gamma(1/2, z) = sqrt(pi) erfc(sqrt z),
 * Gamma(s + 1, z) = s Gamma(s, z) + z^s e^-z carries it upward (all terms
 * positive), and c_n are the power-series coefficients of
 * (sinh w / w)^(-1/2) in w^2 = u^2/4 by J.C.P. Miller's recurrence for
 * powers of series.  Used where a >= TAIL_EXPANSION_A and x >= 1/2, where
 * u <= log 2 and the terms fall at least as fast as (u / (2 pi))^(2n). */
#define TAIL_EXPANSION_A 50.0
#define TAIL_EXPANSION_TERMS 30

static double ibeta_half_large_a(double a, double lx)
{
	const double b = 0.5, p = b - 1;
	double nu = a + (b - 1) / 2;
	double z = -nu * lx;
	double g[TAIL_EXPANSION_TERMS], h[TAIL_EXPANSION_TERMS];
	double fact = 1;
	double gam, ez, q, sum, inv_nu2 = 1 / (nu * nu), zn2 = z * z * inv_nu2;
	double scale = 1;

	/* (sinh w / w) = sum w^(2k) / (2k+1)!; its power p by Miller. */
	g[0] = 1;
	for (int k = 1; k < TAIL_EXPANSION_TERMS; k++) {
		fact *= (2.0 * k) * (2.0 * k + 1);
		g[k] = 1 / fact;
	}
	h[0] = 1;

	/* R_n = Gamma(b + 2n, z) / nu^(2n), q_n = z^(b + 2n) e^-z / nu^(2n) */
	gam = 1.7724538509055160273 * erfc(sqrt(z)); /* sqrt(pi) erfc */
	ez = exp(-z);
	q = sqrt(z) * ez;
	sum = gam;
	for (int n = 1; n < TAIL_EXPANSION_TERMS; n++) {
		double s = b + 2 * (n - 1), hn = 0, term;

		/* two upward steps, s -> s + 1 -> s + 2 */
		gam = ((s + 1) * s * gam + ((s + 1) + z) * q) * inv_nu2;
		q *= zn2;
		for (int j = 1; j <= n; j++)
			hn += ((p + 1) * j - n) * g[j] * h[n - j];
		h[n] = hn / n;
		scale *= 0.25; /* c_n = h_n / 4^n */
		term = h[n] * scale * gam;
		sum += term;
		if (fabs(term) <= 1e-17 * sum)
			break;
	}
	return exp(neg_log_beta(a, b) - b * log(nu)) * sum;
}

static double t_upper_tail(double at, double df)
{
	double t2 = at * at, x, y, lx, ly;

	if (isinf(at))
		return 0;
	if (isinf(t2)) {
		/* df + t^2 = t^2 to double precision. */
		lx = log(df) - 2 * log(at);
		x = exp(lx);
		y = 1;
		ly = 0;
	} else {
		x = df / (df + t2);
		y = t2 / (df + t2);
		lx = -log1p(t2 / df);
		ly = -log1p(df / t2);
	}
	if (0.5 * df >= TAIL_EXPANSION_A && x >= 0.5)
		return 0.5 * ibeta_half_large_a(0.5 * df, lx);
	return 0.5 * ibeta(0.5 * df, 0.5, x, y, lx, ly);
}

/* df <= 0 is outside the contract; the answers given are the limit
 * df -> 0+, where all mass escapes to +-infinity in equal halves. */
double tach_t_cdf(double t, double df)
{
	double tail;

	if (isnan(t) || isnan(df))
		return t + df;
	if (t == 0)
		return 0.5;
	if (isinf(df))
		return tach_norm_cdf(t);
	if (!(df > 0))
		tail = isinf(t) ? 0 : 0.5;
	else
		tail = t_upper_tail(fabs(t), df);
	return t < 0 ? tail : 1 - tail;
}

double tach_t_sf(double t, double df)
{
	return tach_t_cdf(-t, df);
}
