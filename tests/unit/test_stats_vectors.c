/* test_stats_vectors.c - checks the statistics core against the SciPy/NumPy
 * oracle in tests/vectors/stats.json (made by tests/vectors/gen_stats.py).
 *
 * One Test per function family loops over that family's cases.  Values must
 * agree to 1e-9 relative; an expected 0 allows a small absolute error scaled
 * to the data, and results in the subnormal range allow a few units of the
 * smallest subnormal.  Every mismatch is reported (cr_expect) with the case
 * name, the function, the input sizes, the expected and the computed value.
 */
#include <criterion/criterion.h>
#include <float.h>
#include <inttypes.h>
#include <jansson.h>
#include <math.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tach/stats.h"

#define RTOL 1e-9
/* Results that are subnormal carry fewer than 53 bits: allow 4 units. */
#define SUBNORMAL_FLOOR (4 * DBL_TRUE_MIN)
/* An expected 0 that comes from cancellation allows this much of the
 * data's magnitude. */
#define ZERO_FRACTION 1e-12

static json_t *vectors;

static void load_vectors(void)
{
	json_error_t err;

	vectors = json_load_file(TACH_VECTORS_DIR "/stats.json", 0, &err);
	cr_assert_not_null(vectors, "%s:%d:%d: %s", TACH_VECTORS_DIR "/stats.json",
	                   err.line, err.column, err.text);
}

static void free_vectors(void)
{
	json_decref(vectors);
	vectors = NULL;
}

TestSuite(stats_vectors, .init = load_vectors, .fini = free_vectors);

/* ---------------------------------------------------------------------
 * Reading the vectors
 */

/* The family's array of cases; fails the test when it is missing. */
static json_t *family(const char *name)
{
	json_t *a = json_object_get(vectors, name);

	cr_assert(json_is_array(a) && json_array_size(a) > 0,
	          "stats.json has no cases for '%s'", name);
	return a;
}

/* A double: a JSON number, or "inf" / "-inf" for the infinities. */
static double num(const json_t *v)
{
	if (json_is_number(v))
		return json_number_value(v);
	if (json_is_string(v)) {
		const char *s = json_string_value(v);
		if (strcmp(s, "inf") == 0)
			return INFINITY;
		if (strcmp(s, "-inf") == 0)
			return -INFINITY;
	}
	cr_assert_fail("stats.json: expected a number, got type %d",
	               v ? (int)json_typeof(v) : -1);
	return NAN;
}

/* True when the case has a non-null value under `key`: null means "not
 * checked" (see the case's note in stats.json). */
static bool has(const json_t *obj, const char *key)
{
	const json_t *v = json_object_get(obj, key);
	return v != NULL && !json_is_null(v);
}

static double get(const json_t *obj, const char *key)
{
	const json_t *v = json_object_get(obj, key);

	cr_assert(v != NULL, "stats.json: missing key '%s'", key);
	return num(v);
}

static const char *name_of(const json_t *c)
{
	const char *s = json_string_value(json_object_get(c, "name"));
	return s ? s : "?";
}

/* A malloc'd copy of a JSON array of doubles; *n gets its length.  Never
 * NULL, so an empty sample still has a valid pointer.  Caller frees. */
static double *doubles(const json_t *obj, const char *key, size_t *n)
{
	const json_t *a = json_object_get(obj, key);
	size_t i;
	double *x;

	cr_assert(json_is_array(a), "stats.json: '%s' is not an array", key);
	*n = json_array_size(a);
	x = malloc((*n ? *n : 1) * sizeof *x);
	cr_assert_not_null(x);
	for (i = 0; i < *n; i++)
		x[i] = num(json_array_get(a, i));
	return x;
}

static uint64_t hex64(const json_t *v)
{
	cr_assert(json_is_string(v), "stats.json: expected a hex string");
	return strtoull(json_string_value(v), NULL, 16);
}

/* The return code a case expects: 0, or a TACH_E* name. */
static int expected_rc(const json_t *c)
{
	const json_t *v = json_object_get(c, "rc");

	if (json_is_integer(v))
		return (int)json_integer_value(v);
	if (json_is_string(v)) {
		const char *s = json_string_value(v);
		if (strcmp(s, "TACH_EINVAL") == 0)
			return TACH_EINVAL;
		if (strcmp(s, "TACH_EDOMAIN") == 0)
			return TACH_EDOMAIN;
		if (strcmp(s, "TACH_ENOMEM") == 0)
			return TACH_ENOMEM;
	}
	cr_assert_fail("stats.json: case '%s' has a bad rc", name_of(c));
	return 0;
}

static double max_abs(const double *x, size_t n)
{
	double m = 0;
	size_t i;

	for (i = 0; i < n; i++)
		if (isfinite(x[i]) && fabs(x[i]) > m)
			m = fabs(x[i]);
	return m;
}

/* ---------------------------------------------------------------------
 * Comparing
 */

static bool agrees(double want, double got, double atol)
{
	double tol;

	if (isnan(got))
		return false;
	if (want == got)
		return true; /* also both +inf or both -inf */
	if (isinf(want) || isinf(got))
		return false;
	tol = RTOL * fabs(want);
	if (tol < SUBNORMAL_FLOOR)
		tol = SUBNORMAL_FLOOR;
	if (want == 0 && tol < atol)
		tol = atol;
	return fabs(want - got) <= tol;
}

static double rel_err(double want, double got)
{
	if (want == got)
		return 0;
	if (want == 0)
		return fabs(got);
	return fabs(want - got) / fabs(want);
}

/* `sizes` describes the input, e.g. "n = 20" or "nx = 5, ny = 7". */
#define CHECK(cname, fn, sizes, want, got, atol)                            \
	do {                                                                \
		double want_ = (want), got_ = (got);                        \
		cr_expect(agrees(want_, got_, (atol)),                      \
		          "%s: %s (%s): expected %.17g, got %.17g "        \
		          "(rel. error %.3g)",                              \
		          (cname), (fn), (sizes), want_, got_,              \
		          rel_err(want_, got_));                            \
	} while (0)

#define CHECK_RC(cname, fn, sizes, want, got)                               \
	cr_expect((want) == (got), "%s: %s (%s): expected return %d, got %d", \
	          (cname), (fn), (sizes), (want), (got))

/* qsort order with -0.0 before +0.0, the order tach_stats_sort promises. */
static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	if (x < y)
		return -1;
	if (x > y)
		return 1;
	return (signbit(y) != 0) - (signbit(x) != 0);
}

static double *sorted_copy(const double *x, size_t n)
{
	double *s = malloc((n ? n : 1) * sizeof *s);

	cr_assert_not_null(s);
	if (n)
		memcpy(s, x, n * sizeof *s);
	qsort(s, n, sizeof *s, cmp_double);
	return s;
}

static bool all_finite(const double *x, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (!isfinite(x[i]))
			return false;
	return true;
}

/* ---------------------------------------------------------------------
 * Descriptive statistics
 */

Test(stats_vectors, moments)
{
	json_t *cases = family("descriptive"), *c;
	size_t i;

	json_array_foreach(cases, i, c) {
		const char *nm = name_of(c);
		char sz[64];
		size_t n;
		double *x = doubles(c, "x", &n);
		double scale = max_abs(x, n), a = ZERO_FRACTION * scale;
		double avar = a * a;

		if (!isfinite(avar))
			avar = DBL_MAX;
		snprintf(sz, sizeof sz, "n = %zu", n);
		if (has(c, "mean"))
			CHECK(nm, "tach_stats_mean", sz, get(c, "mean"),
			      tach_stats_mean(x, n), a);
		if (has(c, "min"))
			CHECK(nm, "tach_stats_min", sz, get(c, "min"),
			      tach_stats_min(x, n), 0);
		if (has(c, "max"))
			CHECK(nm, "tach_stats_max", sz, get(c, "max"),
			      tach_stats_max(x, n), 0);
		if (has(c, "variance"))
			CHECK(nm, "tach_stats_variance", sz, get(c, "variance"),
			      tach_stats_variance(x, n), avar);
		if (has(c, "stddev"))
			CHECK(nm, "tach_stats_stddev", sz, get(c, "stddev"),
			      tach_stats_stddev(x, n), a);
		if (has(c, "cv"))
			CHECK(nm, "tach_stats_cv", sz, get(c, "cv"),
			      tach_stats_cv(x, n), ZERO_FRACTION);
		free(x);
	}
}

/* Data near the overflow threshold: the sums overflow, the moments need
 * not (a NaN mean once made the CV "-nan%" and the CSV's stddev null). */
Test(stats_vectors, moments_overflow)
{
	json_t *cases = family("moments_overflow"), *c;
	size_t i;

	json_array_foreach(cases, i, c) {
		const char *nm = name_of(c);
		char sz[64];
		size_t n;
		double *x = doubles(c, "x", &n);
		double a = ZERO_FRACTION * max_abs(x, n);
		tach_summary s;

		snprintf(sz, sizeof sz, "n = %zu", n);
		CHECK(nm, "tach_stats_mean", sz, get(c, "mean"), tach_stats_mean(x, n), a);
		CHECK(nm, "tach_stats_variance", sz, get(c, "variance"),
		      tach_stats_variance(x, n), 0);
		CHECK(nm, "tach_stats_stddev", sz, get(c, "stddev"), tach_stats_stddev(x, n), a);
		CHECK(nm, "tach_stats_cv", sz, get(c, "cv"), tach_stats_cv(x, n), ZERO_FRACTION);
		CHECK_RC(nm, "tach_stats_summarize", sz, 0, tach_stats_summarize(x, n, &s));
		CHECK(nm, "tach_stats_summarize .mean", sz, get(c, "mean"), s.mean, a);
		CHECK(nm, "tach_stats_summarize .stddev", sz, get(c, "stddev"), s.stddev, a);
		CHECK(nm, "tach_stats_summarize .cv", sz, get(c, "cv"), s.cv, ZERO_FRACTION);
		free(x);
	}
}

Test(stats_vectors, sort)
{
	json_t *cases = family("descriptive"), *c;
	size_t i, j;

	json_array_foreach(cases, i, c) {
		const char *nm = name_of(c);
		size_t n;
		double *x = doubles(c, "x", &n), *want;
		int rc;

		if (!all_finite(x, n)) {
			free(x);
			continue;
		}
		want = sorted_copy(x, n);
		rc = tach_stats_sort(x, n);
		cr_expect(rc == 0, "%s: tach_stats_sort (n = %zu): returned %d",
		          nm, n, rc);
		for (j = 0; j < n; j++) {
			if (memcmp(&want[j], &x[j], sizeof x[j]) != 0) {
				cr_expect_fail("%s: tach_stats_sort (n = %zu): "
				               "x[%zu] is %.17g, expected %.17g",
				               nm, n, j, x[j], want[j]);
				break;
			}
		}
		free(want);
		free(x);
	}
}

Test(stats_vectors, percentiles)
{
	json_t *cases = family("descriptive"), *c;
	json_t *jqs = json_object_get(vectors, "percentile_qs");
	size_t nq = json_array_size(jqs), i, j;
	double *qs = malloc(nq * sizeof *qs), *outs = malloc(nq * sizeof *outs);

	cr_assert(nq > 0 && qs && outs);
	for (j = 0; j < nq; j++)
		qs[j] = num(json_array_get(jqs, j));
	json_array_foreach(cases, i, c) {
		const char *nm = name_of(c);
		json_t *want = json_object_get(c, "percentiles");
		char sz[64];
		size_t n;
		double *x, *orig, *sorted, a, got;
		int rc;

		if (!json_is_array(want))
			continue;
		cr_assert(json_array_size(want) == nq);
		x = doubles(c, "x", &n);
		orig = doubles(c, "x", &n);
		sorted = sorted_copy(x, n);
		a = ZERO_FRACTION * max_abs(x, n);
		snprintf(sz, sizeof sz, "n = %zu", n);
		for (j = 0; j < nq; j++) {
			double w = num(json_array_get(want, j));
			char fn[96];

			snprintf(fn, sizeof fn, "tach_stats_percentile_sorted q=%g", qs[j]);
			CHECK(nm, fn, sz, w, tach_stats_percentile_sorted(sorted, n, qs[j]), a);
			snprintf(fn, sizeof fn, "tach_stats_percentile q=%g", qs[j]);
			got = NAN;
			rc = tach_stats_percentile(x, n, qs[j], &got);
			CHECK_RC(nm, fn, sz, 0, rc);
			CHECK(nm, fn, sz, w, got, a);
		}
		for (j = 0; j < nq; j++)
			outs[j] = NAN;
		rc = tach_stats_percentiles(x, n, qs, nq, outs);
		CHECK_RC(nm, "tach_stats_percentiles", sz, 0, rc);
		for (j = 0; j < nq; j++) {
			char fn[96];

			snprintf(fn, sizeof fn, "tach_stats_percentiles q=%g", qs[j]);
			CHECK(nm, fn, sz, num(json_array_get(want, j)), outs[j], a);
		}
		/* q is clamped to [0, 100] */
		if (qs[0] == 0 && qs[nq - 1] == 100) {
			CHECK(nm, "tach_stats_percentile_sorted q=-5", sz,
			      num(json_array_get(want, 0)),
			      tach_stats_percentile_sorted(sorted, n, -5), a);
			CHECK(nm, "tach_stats_percentile_sorted q=150", sz,
			      num(json_array_get(want, nq - 1)),
			      tach_stats_percentile_sorted(sorted, n, 150), a);
		}
		/* the input is read, never modified */
		cr_expect(n == 0 || memcmp(x, orig, n * sizeof *x) == 0,
		          "%s: tach_stats_percentile* (%s) modified its input", nm, sz);
		free(sorted);
		free(orig);
		free(x);
	}
	free(outs);
	free(qs);
}

Test(stats_vectors, median_mad)
{
	json_t *cases = family("descriptive"), *c;
	size_t i;

	json_array_foreach(cases, i, c) {
		const char *nm = name_of(c);
		char sz[64];
		size_t n;
		double *x, a, got;
		int rc;

		if (!has(c, "median"))
			continue;
		x = doubles(c, "x", &n);
		a = ZERO_FRACTION * max_abs(x, n);
		snprintf(sz, sizeof sz, "n = %zu", n);
		got = NAN;
		rc = tach_stats_median(x, n, &got);
		CHECK_RC(nm, "tach_stats_median", sz, 0, rc);
		CHECK(nm, "tach_stats_median", sz, get(c, "median"), got, a);
		got = NAN;
		rc = tach_stats_mad(x, n, &got);
		CHECK_RC(nm, "tach_stats_mad", sz, 0, rc);
		CHECK(nm, "tach_stats_mad", sz, get(c, "mad"), got, a);
		free(x);
	}
}

Test(stats_vectors, geomean)
{
	json_t *cases = family("descriptive"), *c;
	size_t i;

	json_array_foreach(cases, i, c) {
		const char *nm = name_of(c);
		json_t *g = json_object_get(c, "geomean");
		char sz[64];
		size_t n;
		double *x, got = NAN;
		int rc, want_rc;

		if (!json_is_object(g))
			continue;
		x = doubles(c, "x", &n);
		snprintf(sz, sizeof sz, "n = %zu", n);
		want_rc = expected_rc(g);
		rc = tach_stats_geomean(x, n, &got);
		CHECK_RC(nm, "tach_stats_geomean", sz, want_rc, rc);
		if (want_rc == 0)
			CHECK(nm, "tach_stats_geomean", sz, get(g, "value"), got, 0);
		free(x);
	}
}

Test(stats_vectors, outliers)
{
	static const char *const fences[] = {"q1", "q3", "lo_severe", "lo_mild",
	                                     "hi_mild", "hi_severe"};
	static const char *const counts[] = {"low_severe", "low_mild",
	                                     "high_mild", "high_severe"};
	json_t *cases = family("descriptive"), *c;
	size_t i, j;

	json_array_foreach(cases, i, c) {
		const char *nm = name_of(c);
		json_t *o = json_object_get(c, "outliers");
		tach_outliers out;
		double gotf[6];
		size_t gotc[4];
		char sz[64];
		size_t n;
		double *x, a;
		int rc;

		if (!json_is_object(o))
			continue;
		x = doubles(c, "x", &n);
		a = ZERO_FRACTION * max_abs(x, n);
		snprintf(sz, sizeof sz, "n = %zu", n);
		memset(&out, 0xff, sizeof out);
		rc = tach_stats_outliers(x, n, &out);
		CHECK_RC(nm, "tach_stats_outliers", sz, 0, rc);
		gotf[0] = out.q1;
		gotf[1] = out.q3;
		gotf[2] = out.lo_severe;
		gotf[3] = out.lo_mild;
		gotf[4] = out.hi_mild;
		gotf[5] = out.hi_severe;
		gotc[0] = out.low_severe;
		gotc[1] = out.low_mild;
		gotc[2] = out.high_mild;
		gotc[3] = out.high_severe;
		for (j = 0; j < 6; j++) {
			char fn[64];

			snprintf(fn, sizeof fn, "tach_stats_outliers .%s", fences[j]);
			CHECK(nm, fn, sz, get(o, fences[j]), gotf[j], a);
		}
		for (j = 0; j < 4; j++) {
			size_t want = (size_t)json_integer_value(json_object_get(o, counts[j]));

			cr_expect(want == gotc[j],
			          "%s: tach_stats_outliers .%s (%s): expected %zu, got %zu",
			          nm, counts[j], sz, want, gotc[j]);
		}
		free(x);
	}
}

Test(stats_vectors, summary)
{
	json_t *cases = family("descriptive"), *c;
	json_t *jqs = json_object_get(vectors, "percentile_qs");
	size_t i;

	json_array_foreach(cases, i, c) {
		const char *nm = name_of(c);
		json_t *p = json_object_get(c, "percentiles");
		tach_summary s;
		char sz[64];
		size_t n, j;
		double *x, a;
		int rc;
		struct {
			double q;
			const double *got;
			const char *fn;
		} want_q[] = {
			{25, &s.q1, "tach_stats_summarize .q1"},
			{75, &s.q3, "tach_stats_summarize .q3"},
			{90, &s.p90, "tach_stats_summarize .p90"},
			{95, &s.p95, "tach_stats_summarize .p95"},
			{99, &s.p99, "tach_stats_summarize .p99"},
		};

		if (!has(c, "mean") || !json_is_array(p))
			continue;
		x = doubles(c, "x", &n);
		a = ZERO_FRACTION * max_abs(x, n);
		snprintf(sz, sizeof sz, "n = %zu", n);
		memset(&s, 0xff, sizeof s);
		rc = tach_stats_summarize(x, n, &s);
		CHECK_RC(nm, "tach_stats_summarize", sz, 0, rc);
		cr_expect(s.n == n, "%s: tach_stats_summarize .n (%s): got %zu",
		          nm, sz, s.n);
		CHECK(nm, "tach_stats_summarize .mean", sz, get(c, "mean"), s.mean, a);
		if (has(c, "stddev"))
			CHECK(nm, "tach_stats_summarize .stddev", sz,
			      get(c, "stddev"), s.stddev, a);
		if (has(c, "cv"))
			CHECK(nm, "tach_stats_summarize .cv", sz, get(c, "cv"),
			      s.cv, ZERO_FRACTION);
		CHECK(nm, "tach_stats_summarize .min", sz, get(c, "min"), s.min, 0);
		CHECK(nm, "tach_stats_summarize .max", sz, get(c, "max"), s.max, 0);
		CHECK(nm, "tach_stats_summarize .median", sz, get(c, "median"),
		      s.median, a);
		CHECK(nm, "tach_stats_summarize .mad", sz, get(c, "mad"), s.mad, a);
		for (j = 0; j < sizeof want_q / sizeof want_q[0]; j++) {
			size_t k;

			for (k = 0; k < json_array_size(jqs); k++)
				if (num(json_array_get(jqs, k)) == want_q[j].q)
					break;
			cr_assert(k < json_array_size(jqs),
			          "stats.json: percentile %g missing", want_q[j].q);
			CHECK(nm, want_q[j].fn, sz, num(json_array_get(p, k)),
			      *want_q[j].got, a);
		}
		free(x);
	}
}

/* ---------------------------------------------------------------------
 * Hypothesis tests
 */

static const struct {
	const char *key;
	tach_alternative alt;
} alternatives[] = {
	{"two-sided", TACH_TWO_SIDED},
	{"less", TACH_LESS},
	{"greater", TACH_GREATER},
};

Test(stats_vectors, mann_whitney)
{
	json_t *cases = family("mann_whitney"), *c;
	size_t i, j;

	json_array_foreach(cases, i, c) {
		const char *nm = name_of(c);
		json_t *res = json_object_get(c, "results");
		char sz[64];
		size_t nx, ny;
		double *x = doubles(c, "x", &nx), *y = doubles(c, "y", &ny);

		snprintf(sz, sizeof sz, "nx = %zu, ny = %zu", nx, ny);
		for (j = 0; j < 3; j++) {
			json_t *r = json_object_get(res, alternatives[j].key);
			tach_test t;
			char fn[64];
			int rc;

			cr_assert(json_is_object(r));
			snprintf(fn, sizeof fn, "tach_stats_mann_whitney %s",
			         alternatives[j].key);
			memset(&t, 0xff, sizeof t);
			rc = tach_stats_mann_whitney(x, nx, y, ny, alternatives[j].alt, &t);
			CHECK_RC(nm, fn, sz, 0, rc);
			CHECK(nm, fn, sz, get(r, "statistic"), t.statistic, 0);
			CHECK(nm, fn, sz, get(r, "pvalue"), t.pvalue, 0);
			CHECK(nm, fn, sz, 0.0, t.df, 0);
			if (has(c, "exact")) {
				int want = json_is_true(json_object_get(c, "exact"));

				cr_expect(t.exact == want,
				          "%s: %s (%s): expected exact = %d, got %d",
				          nm, fn, sz, want, t.exact);
			}
		}
		free(y);
		free(x);
	}
}

Test(stats_vectors, welch)
{
	json_t *cases = family("welch"), *c;
	size_t i, j;

	json_array_foreach(cases, i, c) {
		const char *nm = name_of(c);
		json_t *res = json_object_get(c, "results");
		char sz[64];
		size_t nx, ny;
		double *x = doubles(c, "x", &nx), *y = doubles(c, "y", &ny);

		snprintf(sz, sizeof sz, "nx = %zu, ny = %zu", nx, ny);
		for (j = 0; j < 3; j++) {
			json_t *r = json_object_get(res, alternatives[j].key);
			tach_test t;
			char fn[64];
			int rc;

			cr_assert(json_is_object(r));
			snprintf(fn, sizeof fn, "tach_stats_welch %s",
			         alternatives[j].key);
			memset(&t, 0xff, sizeof t);
			rc = tach_stats_welch(x, nx, y, ny, alternatives[j].alt, &t);
			CHECK_RC(nm, fn, sz, 0, rc);
			CHECK(nm, fn, sz, get(r, "statistic"), t.statistic, ZERO_FRACTION);
			CHECK(nm, fn, sz, get(r, "pvalue"), t.pvalue, 0);
			CHECK(nm, fn, sz, get(r, "df"), t.df, 0);
		}
		free(y);
		free(x);
	}
}

/* ---------------------------------------------------------------------
 * Distributions
 */

Test(stats_vectors, normal)
{
	json_t *rows = family("norm_cdf_sf"), *r;
	size_t i;

	json_array_foreach(rows, i, r) {
		double z = num(json_array_get(r, 0));
		char sz[64];

		snprintf(sz, sizeof sz, "z = %.17g", z);
		CHECK("norm", "tach_norm_cdf", sz, num(json_array_get(r, 1)),
		      tach_norm_cdf(z), 0);
		CHECK("norm", "tach_norm_sf", sz, num(json_array_get(r, 2)),
		      tach_norm_sf(z), 0);
	}
	rows = family("norm_ppf");
	json_array_foreach(rows, i, r) {
		double p = num(json_array_get(r, 0));
		char sz[64];

		snprintf(sz, sizeof sz, "p = %.17g", p);
		CHECK("norm", "tach_norm_ppf", sz, num(json_array_get(r, 1)),
		      tach_norm_ppf(p), 1e-15);
	}
}

Test(stats_vectors, student_t)
{
	json_t *rows = family("t_cdf_sf"), *r;
	size_t i;

	json_array_foreach(rows, i, r) {
		double t = num(json_array_get(r, 0)), df = num(json_array_get(r, 1));
		char sz[80];

		snprintf(sz, sizeof sz, "t = %.17g, df = %.17g", t, df);
		CHECK("t", "tach_t_cdf", sz, num(json_array_get(r, 2)),
		      tach_t_cdf(t, df), 0);
		CHECK("t", "tach_t_sf", sz, num(json_array_get(r, 3)),
		      tach_t_sf(t, df), 0);
	}
}

/* ---------------------------------------------------------------------
 * Random numbers and the bootstrap
 */

Test(stats_vectors, rng)
{
	json_t *cases = family("rng"), *c, *a, *b, *v;
	size_t i, j, k;

	json_array_foreach(cases, i, c) {
		uint64_t seed = hex64(json_object_get(c, "seed"));
		tach_rng rng;

		tach_rng_seed(&rng, seed);
		a = json_object_get(c, "state");
		for (j = 0; j < 4; j++) {
			uint64_t want = hex64(json_array_get(a, j));

			cr_expect(rng.s[j] == want,
			          "seed %#018" PRIx64 ": tach_rng_seed s[%zu]: "
			          "expected %#018" PRIx64 ", got %#018" PRIx64,
			          seed, j, want, rng.s[j]);
		}
		a = json_object_get(c, "next");
		json_array_foreach(a, j, v) {
			uint64_t want = hex64(v), got = tach_rng_next(&rng);

			cr_expect(got == want,
			          "seed %#018" PRIx64 ": tach_rng_next #%zu: "
			          "expected %#018" PRIx64 ", got %#018" PRIx64,
			          seed, j, want, got);
		}
		a = json_object_get(c, "below");
		json_array_foreach(a, j, b) {
			uint64_t bound = hex64(json_object_get(b, "bound"));
			json_t *vals = json_object_get(b, "values");

			tach_rng_seed(&rng, seed);
			json_array_foreach(vals, k, v) {
				uint64_t want = hex64(v), got = tach_rng_below(&rng, bound);

				cr_expect(got == want,
				          "seed %#018" PRIx64 ": tach_rng_below(%#" PRIx64
				          ") #%zu: expected %#" PRIx64 ", got %#" PRIx64,
				          seed, bound, k, want, got);
			}
		}
		tach_rng_seed(&rng, seed);
		a = json_object_get(c, "uniform");
		json_array_foreach(a, j, v) {
			double want = num(v), got = tach_rng_uniform(&rng);

			cr_expect(got == want,
			          "seed %#018" PRIx64 ": tach_rng_uniform #%zu: "
			          "expected %.17g, got %.17g", seed, j, want, got);
		}
	}
}

static void check_ci(const char *nm, const char *fn, const char *sz,
                     const json_t *c, const tach_ci *ci, double scale,
                     bool check_level)
{
	double a = ZERO_FRACTION * scale;

	CHECK(nm, fn, sz, get(c, "estimate"), ci->estimate, a);
	CHECK(nm, fn, sz, get(c, "lo"), ci->lo, a);
	CHECK(nm, fn, sz, get(c, "hi"), ci->hi, a);
	if (check_level)
		CHECK(nm, fn, sz, get(c, "level"), ci->level, 0);
}

Test(stats_vectors, bootstrap_median)
{
	json_t *cases = family("bootstrap_median"), *c;
	size_t i;

	json_array_foreach(cases, i, c) {
		const char *nm = name_of(c);
		const char *fn = "tach_stats_bootstrap_median_ci";
		size_t n, resamples = (size_t)json_integer_value(json_object_get(c, "resamples"));
		double *x = doubles(c, "x", &n);
		uint64_t seed = hex64(json_object_get(c, "seed"));
		int want_rc = expected_rc(c), rc;
		char sz[128];
		tach_ci ci;

		snprintf(sz, sizeof sz, "n = %zu, level = %g, resamples = %zu, seed = %#" PRIx64,
		         n, get(c, "level"), resamples, seed);
		memset(&ci, 0xff, sizeof ci);
		rc = tach_stats_bootstrap_median_ci(x, n, get(c, "level"), resamples,
		                                    seed, &ci);
		CHECK_RC(nm, fn, sz, want_rc, rc);
		/* n = 0 gives "all zero": whether that includes .level is open */
		if (want_rc == 0 && rc == 0)
			check_ci(nm, fn, sz, c, &ci, max_abs(x, n), n > 0);
		free(x);
	}
}

Test(stats_vectors, bootstrap_ratio)
{
	json_t *cases = family("bootstrap_ratio"), *c;
	size_t i;

	json_array_foreach(cases, i, c) {
		const char *nm = name_of(c);
		const char *fn = "tach_stats_bootstrap_ratio_ci";
		size_t nb, nc, resamples = (size_t)json_integer_value(json_object_get(c, "resamples"));
		double *base = doubles(c, "base", &nb), *cand = doubles(c, "cand", &nc);
		uint64_t seed = hex64(json_object_get(c, "seed"));
		int want_rc = expected_rc(c), rc;
		char sz[160];
		tach_ci ci;

		snprintf(sz, sizeof sz,
		         "n_base = %zu, n_cand = %zu, level = %g, resamples = %zu, seed = %#" PRIx64,
		         nb, nc, get(c, "level"), resamples, seed);
		memset(&ci, 0xff, sizeof ci);
		rc = tach_stats_bootstrap_ratio_ci(base, nb, cand, nc, get(c, "level"),
		                                   resamples, seed, &ci);
		CHECK_RC(nm, fn, sz, want_rc, rc);
		if (want_rc == 0 && rc == 0)
			check_ci(nm, fn, sz, c, &ci, fabs(get(c, "estimate")), true);
		free(cand);
		free(base);
	}
}

Test(stats_vectors, hodges_lehmann)
{
	json_t *cases = family("hodges_lehmann"), *c;
	size_t i;

	json_array_foreach(cases, i, c) {
		const char *nm = name_of(c);
		const char *fn = "tach_stats_hodges_lehmann";
		size_t nx, ny;
		double *x = doubles(c, "x", &nx), *y = doubles(c, "y", &ny);
		double scale = fmax(max_abs(x, nx), max_abs(y, ny));
		int want_rc = expected_rc(c), rc;
		char sz[96];
		tach_ci ci;

		snprintf(sz, sizeof sz, "nx = %zu, ny = %zu, level = %g", nx, ny,
		         get(c, "level"));
		memset(&ci, 0xff, sizeof ci);
		rc = tach_stats_hodges_lehmann(x, nx, y, ny, get(c, "level"), &ci);
		CHECK_RC(nm, fn, sz, want_rc, rc);
		if (want_rc == 0 && rc == 0)
			check_ci(nm, fn, sz, c, &ci, scale, nx > 0 && ny > 0);
		free(y);
		free(x);
	}
}
