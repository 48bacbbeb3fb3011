/* test_run_table.c - hyperfine's table of `tach run` (src/report/run_table.c)
 * on fixed samples, byte for byte in AsciiDoc and Org: the ratio of means
 * to the reference and its propagated standard deviation, worked out by
 * hand in the comments; the row order, the unit, the fastest as the
 * default reference; and the two functions under it,
 * tach_stats_mean_ratio and tach_scale_time_unit. */
#include <criterion/criterion.h>
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tach/tach.h"

/* ref: 1, 2, 3 ms (mean 2 ms, sd 1 ms); "b|x": 4, 5, 6 ms (mean 5, sd 1),
 * with the parameter n=1; "c": 1, 1, 1 ms (mean 1, sd 0), n=2. */
static tach_result *fixed(void)
{
	static const double ms[3][3] = {{1, 2, 3}, {4, 5, 6}, {1, 1, 1}};
	static const char *const names[3] = {"ref", "b|x", "c"};
	static const char *const n[3] = {NULL, "1", "2"};
	tach_result *r = tach_result_new();
	cr_assert(r);
	for (int i = 0; i < 3; i++) {
		tach_benchmark *b = tach_result_add_benchmark(r, names[i]);
		cr_assert(b);
		if (n[i])
			cr_assert_eq(tach_kvlist_set(&b->params, "n", n[i]), 0);
		tach_metric *m = tach_benchmark_add_metric(b, "time", "s", TACH_LOWER_IS_BETTER);
		cr_assert(m);
		for (int k = 0; k < 3; k++)
			cr_assert_eq(tach_metric_add_sample(m, ms[i][k] * 1e-3), 0);
	}
	return r;
}

static char *table(const tach_result *r, tach_markup mk, const tach_run_table_opts *o, int *rc)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);
	cr_assert(f);
	*rc = tach_report_run_table(f, r, mk, o);
	fclose(f);
	return buf;
}

/* b against ref: 5/2 = 2.5, sd 2.5 * sqrt(0.2^2 + 0.5^2) = 1.3463;
 * c: 1/2 = 0.5, sd 0.5 * sqrt(0 + 0.5^2) = 0.25 (printed 0.25). */
Test(run_table, asciidoc_against_a_reference)
{
	tach_result *r = fixed();
	int rc;
	tach_run_table_opts o = {NULL, NULL, 0};
	char *t = table(r, TACH_MARKUP_ASCIIDOC, &o, &rc);
	cr_assert_eq(rc, 0);
	cr_expect_str_eq(t, "[cols=\"<,<,>,>,>,>\"]\n"
	                    "|===\n"
	                    "| Command | pass:c[n] | Mean [ms] | Min [ms] | Max [ms] | Relative\n"
	                    "\n"
	                    "| `pass:c[ref]`\n| pass:c[]\n| 2.000 \xc2\xb1 1.000\n| 1.000\n| 3.000\n"
	                    "| 1.00\n"
	                    "\n"
	                    "| `pass:c[b\\|x]`\n| pass:c[1]\n| 5.000 \xc2\xb1 1.000\n| 4.000\n| 6.000\n"
	                    "| 2.50 \xc2\xb1 1.35\n"
	                    "\n"
	                    "| `pass:c[c]`\n| pass:c[2]\n| 1.000 \xc2\xb1 0\n| 1.000\n| 1.000\n"
	                    "| 0.50 \xc2\xb1 0.25\n"
	                    "|===\n");
	free(t);
	tach_result_free(r);
}

/* Without a reference the smallest mean (c) is 1.00; ordered by the
 * caller (c, ref, b); a fixed unit. */
Test(run_table, org_fastest_order_and_unit)
{
	tach_result *r = fixed();
	int rc;
	tach_scale us;
	cr_assert_eq(tach_scale_time_unit("us", 1, &us), 0);
	size_t order[3] = {2, 0, 1};
	tach_run_table_opts o = {&us, order, SIZE_MAX};
	char *t = table(r, TACH_MARKUP_ORG, &o, &rc);
	cr_assert_eq(rc, 0);
	/* ref/c = 2 ± 2 * 0.5 = 1; b/c = 5 ± 5 * 0.2 = 1 */
	cr_expect_str_eq(t, "| Command | n | Mean [us] | Min [us] | Max [us] | Relative |\n"
	                    "|---+---+---+---+---+---|\n"
	                    "| c | 2 | 1000 \xc2\xb1 0 | 1000 | 1000 | 1.00 |\n"
	                    "| ref |  | 2000 \xc2\xb1 1000 | 1000 | 3000 | 2.00 \xc2\xb1 1.00 |\n"
	                    "| b\\vert{}x | 1 | 5000 \xc2\xb1 1000 | 4000 | 6000 | 5.00 \xc2\xb1 1.00 |\n");
	free(t);
	tach_result_free(r);
}

Test(run_table, bad_options_and_missing_times)
{
	tach_result *r = fixed();
	int rc;
	tach_run_table_opts o = {NULL, NULL, 3};
	free(table(r, TACH_MARKUP_ORG, &o, &rc));
	cr_expect_eq(rc, TACH_EINVAL, "a reference out of range");
	size_t order[3] = {0, 1, 7};
	o = (tach_run_table_opts){NULL, order, SIZE_MAX};
	free(table(r, TACH_MARKUP_ORG, &o, &rc));
	cr_expect_eq(rc, TACH_EINVAL, "an order out of range");
	free(table(r, (tach_markup)9, NULL, &rc));
	cr_expect_eq(rc, TACH_EINVAL);

	/* a benchmark without times: dashes; an unresolved time: no ratio */
	tach_result_add_benchmark(r, "none");
	tach_benchmark_metric(r->benchmarks[1], "time")->flags |= TACH_METRIC_UNRESOLVED;
	char *t = table(r, TACH_MARKUP_ORG, NULL, &rc);
	cr_assert_eq(rc, 0);
	cr_expect(strstr(t, "| none |  | - | - | - | - |\n"), "%s", t);
	cr_expect(strstr(t, "| b\\vert{}x | 1 | 5.000 \xc2\xb1 1.000 | 4.000 | 6.000 | - |\n"), "%s", t);
	free(t);
	tach_result_free(r);
}

Test(run_table, mean_ratio)
{
	const double a[] = {4, 5, 6}, b[] = {1, 2, 3}, z[] = {0, 0};
	double ratio, sd;
	cr_assert_eq(tach_stats_mean_ratio(a, 3, b, 3, &ratio, &sd), 0);
	cr_expect_float_eq(ratio, 2.5, 1e-15);
	cr_expect_float_eq(sd, 2.5 * sqrt(0.04 + 0.25), 1e-15);
	cr_expect_eq(tach_stats_mean_ratio(a, 3, b, 0, &ratio, &sd), TACH_EDOMAIN);
	cr_expect_eq(ratio, 0);
	cr_expect_eq(tach_stats_mean_ratio(a, 3, z, 2, &ratio, &sd), TACH_EDOMAIN);
	cr_expect_eq(tach_stats_mean_ratio(z, 2, a, 3, &ratio, &sd), TACH_EDOMAIN);
	/* one sample each: no spread */
	cr_assert_eq(tach_stats_mean_ratio(a, 1, b, 1, &ratio, &sd), 0);
	cr_expect_float_eq(ratio, 4, 1e-15);
	cr_expect_eq(sd, 0);
}

Test(run_table, time_units)
{
	static const struct {
		const char *name;
		int ascii;
		double divisor;
		const char *unit;
	} ok[] = {
		{"ns", 0, 1e-9, "ns"},          {"nanosecond", 0, 1e-9, "ns"},
		{"us", 0, 1e-6, "\xc2\xb5s"},   {"us", 1, 1e-6, "us"},
		{"\xc2\xb5s", 1, 1e-6, "us"},   {"microsecond", 0, 1e-6, "\xc2\xb5s"},
		{"ms", 0, 1e-3, "ms"},          {"millisecond", 1, 1e-3, "ms"},
		{"s", 0, 1, "s"},               {"second", 0, 1, "s"},
	};
	for (size_t i = 0; i < sizeof ok / sizeof *ok; i++) {
		tach_scale sc;
		cr_assert_eq(tach_scale_time_unit(ok[i].name, ok[i].ascii, &sc), 0, "%s", ok[i].name);
		cr_expect_eq(sc.divisor, ok[i].divisor, "%s", ok[i].name);
		cr_expect_str_eq(sc.unit, ok[i].unit, "%s", ok[i].name);
		cr_expect_str_eq(sc.prefix, "");
	}
	static const char *const bad[] = {"", "S", "MS", "min", "m", "seconds", "ms ", "h"};
	for (size_t i = 0; i < sizeof bad / sizeof *bad; i++) {
		tach_scale sc = {7, "x", "y"};
		cr_expect_eq(tach_scale_time_unit(bad[i], 0, &sc), TACH_EINVAL, "'%s'", bad[i]);
		cr_expect_eq(sc.divisor, 7, "untouched");
	}
}
