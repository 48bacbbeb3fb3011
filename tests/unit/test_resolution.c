/* test_resolution.c - when a command's wall time measured nothing: at or
 * below the timer's resolution, or lost in the spread of a subtracted
 * shell start-up (src/measure/resolution.c); the flag in the results file
 * and in comparisons. */
#include <criterion/criterion.h>
#include <math.h>
#include <string.h>

#include "tach/tach.h"

/* n values around `center`, spread evenly over +-half (deterministic). */
static void around(double *x, size_t n, double center, double half)
{
	for (size_t i = 0; i < n; i++)
		x[i] = center - half + 2 * half * (double)((i * 7) % n) / (double)(n - 1);
}

Test(resolution, without_a_startup_the_timer_decides)
{
	double t[5] = {1e-9, 1e-9, 2e-9, 1e-9, 0};
	tach_resolution r;
	cr_assert_eq(tach_time_resolution(t, 5, NULL, 0, 1e-9, &r), 0);
	cr_expect_eq(r.kind, TACH_UNRESOLVED_TIMER);
	cr_expect_float_eq(r.own, 1e-9, 1e-18);
	cr_expect_float_eq(r.limit, 1e-9, 1e-18);
	cr_expect(isnan(r.lo));

	double zero[3] = {0, 0, 0};
	cr_assert_eq(tach_time_resolution(zero, 3, NULL, 0, 1e-9, &r), 0);
	cr_expect_eq(r.kind, TACH_UNRESOLVED_TIMER, "0 s is never a measurement");

	double ok[3] = {1e-3, 1.1e-3, 0.9e-3};
	cr_assert_eq(tach_time_resolution(ok, 3, NULL, 0, 1e-9, &r), 0);
	cr_expect_eq(r.kind, TACH_RESOLVED);
	/* a coarse clock: 4 ms ticks do not resolve 1 ms runs */
	cr_assert_eq(tach_time_resolution(ok, 3, NULL, 0, 4e-3, &r), 0);
	cr_expect_eq(r.kind, TACH_UNRESOLVED_TIMER);
}

Test(resolution, no_runs_is_not_a_verdict)
{
	tach_resolution r;
	cr_assert_eq(tach_time_resolution(NULL, 0, NULL, 0, 1e-9, &r), 0);
	cr_expect_eq(r.kind, TACH_RESOLVED);
	cr_expect(isnan(r.own));
}

Test(resolution, an_empty_command_through_a_shell_is_unresolved)
{
	/* the shell alone: 800 us +- 100 us; ':' through it: the same */
	double sh[30], colon[20];
	around(sh, 30, 800e-6, 100e-6);
	around(colon, 20, 805e-6, 100e-6);
	tach_resolution r;
	cr_assert_eq(tach_time_resolution(colon, 20, sh, 30, 1e-9, &r), 0);
	cr_expect_eq(r.kind, TACH_UNRESOLVED_STARTUP);
	cr_expect(r.own < r.limit, "own %g limit %g", r.own, r.limit);
	cr_expect(r.limit > 90e-6 && r.limit < 110e-6, "the IQR of the start-up: %g", r.limit);
	cr_expect(r.lo <= 0, "interval reaches 0: %g", r.lo);
}

Test(resolution, a_small_but_clear_shift_is_still_unresolved_inside_the_spread)
{
	/* 60 us more than the shell, consistently, but the shell's own IQR is
	 * 100 us: the interval excludes 0, the size does not stand out */
	double sh[30], cmd[30];
	around(sh, 30, 800e-6, 100e-6);
	around(cmd, 30, 860e-6, 100e-6);
	tach_resolution r;
	cr_assert_eq(tach_time_resolution(cmd, 30, sh, 30, 1e-9, &r), 0);
	cr_expect_eq(r.kind, TACH_UNRESOLVED_STARTUP);
	cr_expect(r.lo > 0, "the interval excludes 0: %g", r.lo);
	cr_expect(r.own < r.limit, "own %g limit %g", r.own, r.limit);
}

Test(resolution, a_real_command_through_a_shell_is_resolved)
{
	double sh[30], cmd[10];
	around(sh, 30, 800e-6, 100e-6);
	around(cmd, 10, 10.8e-3, 200e-6);
	tach_resolution r;
	cr_assert_eq(tach_time_resolution(cmd, 10, sh, 30, 1e-9, &r), 0);
	cr_expect_eq(r.kind, TACH_RESOLVED);
	cr_expect_float_eq(r.own, 10e-3, 1e-4);
	cr_expect(r.lo > 9e-3, "lower end of the own time %g", r.lo);
}

Test(resolution, the_flag_survives_the_results_file)
{
	tach_result *res = tach_result_new();
	tach_metric *m = tach_benchmark_add_metric(tach_result_add_benchmark(res, ":"), "time", "s",
	                                           TACH_LOWER_IS_BETTER);
	tach_metric_add_sample(m, 0);
	tach_metric_add_sample(m, 3e-5);
	m->flags |= TACH_METRIC_UNRESOLVED;
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);
	tach_error err;
	cr_assert_eq(tach_result_write(res, f, &err), 0);
	fclose(f);
	cr_expect(strstr(buf, "\"unresolved\": true"), "%s", buf);
	tach_result *back;
	cr_assert_eq(tach_result_read_buffer(buf, len, "mem.json", &back, &err), 0, "%s", err.message);
	cr_expect(tach_benchmark_metric(back->benchmarks[0], "time")->flags & TACH_METRIC_UNRESOLVED);
	tach_result_free(back);
	/* false and absent mean resolved */
	const char *plain = "{\"format\": 1, \"benchmarks\": [{\"name\": \"x\", \"metrics\": "
	                    "[{\"name\": \"time\", \"unit\": \"s\", \"direction\": \"lower\", "
	                    "\"unresolved\": false, \"samples\": [1]}]}]}";
	cr_assert_eq(tach_result_read_buffer(plain, strlen(plain), "p.json", &back, &err), 0, "%s",
	             err.message);
	cr_expect_eq(tach_benchmark_metric(back->benchmarks[0], "time")->flags, 0);
	tach_result_free(back);
	const char *bad = "{\"format\": 1, \"benchmarks\": [{\"name\": \"x\", \"metrics\": "
	                  "[{\"name\": \"time\", \"unit\": \"s\", \"direction\": \"lower\", "
	                  "\"unresolved\": 1, \"samples\": [1]}]}]}";
	cr_expect_neq(tach_result_read_buffer(bad, strlen(bad), "b.json", &back, &err), 0);
	cr_expect(strstr(err.message, "unresolved"), "%s", err.message);
	free(buf);
	tach_result_free(res);
}

/* 0 s against 30 us looks like an infinite regression; it is nothing */
Test(resolution, comparisons_of_unresolved_times_are_inconclusive)
{
	tach_result *a = tach_result_new(), *b = tach_result_new();
	tach_metric *ma = tach_benchmark_add_metric(tach_result_add_benchmark(a, ":"), "time", "s",
	                                            TACH_LOWER_IS_BETTER);
	tach_metric *mb = tach_benchmark_add_metric(tach_result_add_benchmark(b, ":"), "time", "s",
	                                            TACH_LOWER_IS_BETTER);
	for (int i = 0; i < 20; i++) {
		tach_metric_add_sample(ma, 1e-6 * (1 + i % 3));
		tach_metric_add_sample(mb, 30e-6 * (1 + i % 3));
	}
	tach_comparison *c;
	cr_assert_eq(tach_compare(a, b, NULL, &c), 0);
	cr_expect_eq(c->rows[0].verdict, TACH_REGRESSED, "without the flag: a clear regression");
	tach_comparison_free(c);
	mb->flags |= TACH_METRIC_UNRESOLVED; /* one side is enough */
	cr_assert_eq(tach_compare(a, b, NULL, &c), 0);
	cr_expect_eq(c->rows[0].verdict, TACH_INCONCLUSIVE);
	cr_expect(c->rows[0].flags & TACH_ROW_UNRESOLVED);
	cr_expect_eq(c->n_failed, 0);
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);
	tach_report_comparison(f, c, "a", "b", TACH_REPORT_TEXT, NULL);
	fclose(f);
	cr_expect(strstr(buf, "below resolution"), "%s", buf);
	free(buf);
	tach_comparison_free(c);
	tach_result_free(a);
	tach_result_free(b);
}
