/* test_clock.c - the benchmark timer: readings never go back, ticks convert
 * to the seconds CLOCK_MONOTONIC sees, TACH_CLOCK=monotonic forces the
 * fallback, and the info is filled in and finite.  Criterion runs every test
 * in a fresh process, so each test's first tach_clock_init() chooses anew
 * (the forced-fallback test relies on that and checks it).
 */
#include <criterion/criterion.h>
#include <math.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "tach/clock.h"

static double mono_seconds(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

static void sleep_ms(long ms)
{
	struct timespec ts = {ms / 1000, (ms % 1000) * 1000000};
	while (nanosleep(&ts, &ts) != 0)
		;
}

/* 1 when /proc/cpuinfo lists both flags the TSC needs. */
static int cpu_has_invariant_tsc(void)
{
	FILE *f = fopen("/proc/cpuinfo", "r");
	if (!f)
		return 0;
	char *line = NULL;
	size_t cap = 0;
	int ok = 0;
	while (getline(&line, &cap, f) > 0) {
		if (strncmp(line, "flags", 5) == 0) {
			ok = strstr(line, " constant_tsc") && strstr(line, " nonstop_tsc");
			break;
		}
	}
	free(line);
	fclose(f);
	return ok;
}

static void check_info(const tach_clock_info *ci)
{
	cr_assert(ci);
	cr_assert(ci->source);
	cr_expect(isfinite(ci->resolution) && ci->resolution > 0 && ci->resolution <= 1e-6,
	          "resolution %g", ci->resolution);
	cr_expect(isfinite(ci->overhead) && ci->overhead > 0 && ci->overhead < 1e-5,
	          "overhead %g", ci->overhead);
	cr_expect(isfinite(ci->overhead_ordered) && ci->overhead_ordered > 0 &&
	          ci->overhead_ordered < 1e-5, "overhead_ordered %g", ci->overhead_ordered);
	cr_expect(isfinite(ci->tsc_hz) && ci->tsc_hz >= 0);
	if (strcmp(ci->source, "tsc") == 0) {
		cr_expect_null(ci->why);
		cr_expect(ci->tsc_hz > 1e8 && ci->tsc_hz < 1e11, "tsc_hz %g", ci->tsc_hz);
		cr_expect(fabs(ci->resolution * ci->tsc_hz - 1) < 1e-9);
		cr_expect_eq(tach__clock_tsc, 1);
	} else {
		cr_expect_str_eq(ci->source, "clock_monotonic");
		cr_expect(ci->why && *ci->why, "the fallback says why");
		cr_expect_eq(tach__clock_tsc, 0);
	}
}

Test(clock, info_filled_and_finite)
{
	cr_assert_eq(tach_clock_init(), 0);
	cr_assert_eq(tach_clock_init(), 0);
	const tach_clock_info *ci = tach_clock_get();
	check_info(ci);
	cr_expect_eq(tach_clock_get(), ci);
	cr_log_info("clock: %s, %.4g Hz, resolution %.3g s, overhead %.3g s (ordered %.3g s), why: %s",
	            ci->source, ci->tsc_hz, ci->resolution, ci->overhead, ci->overhead_ordered,
	            ci->why ? ci->why : "-");
}

/* Where the CPU advertises an invariant TSC, tach either uses it or says
 * that calibration failed: the flags alone never make it fall back. */
Test(clock, invariant_tsc_is_used_or_explained)
{
#if !defined(__x86_64__)
	cr_skip_test("not x86-64");
#endif
	if (getenv("TACH_CLOCK"))
		cr_skip_test("TACH_CLOCK is set");
	if (!cpu_has_invariant_tsc())
		cr_skip_test("no constant_tsc + nonstop_tsc");
	const tach_clock_info *ci = tach_clock_get();
	if (strcmp(ci->source, "tsc") != 0)
		cr_expect(strstr(ci->why, "calibration"), "unexpected reason: %s", ci->why);
}

static void check_monotonic(void)
{
	uint64_t prev = tach_clock_ticks();
	for (int i = 0; i < 200000; i++) {
		uint64_t t = (i & 1) ? tach_clock_ticks() : tach_clock_ticks_ordered();
		cr_assert_geq(t, prev, "reading %d went back: %llu < %llu", i,
		              (unsigned long long)t, (unsigned long long)prev);
		prev = t;
	}
}

Test(clock, readings_never_go_back)
{
	tach_clock_init();
	check_monotonic();
}

static double ticks_vs_monotonic(void)
{
	double best = INFINITY;
	for (int k = 0; k < 3; k++) {  /* best of 3: a preemption between paired reads skews one */
		double m0 = mono_seconds();
		uint64_t t0 = tach_clock_ticks_ordered();
		sleep_ms(50);
		uint64_t t1 = tach_clock_ticks_ordered();
		double m1 = mono_seconds();
		double err = fabs(tach_clock_seconds(t1 - t0) / (m1 - m0) - 1);
		if (err < best)
			best = err;
	}
	return best;
}

/* A check of the calibration: 1 % is generous (a good calibration is off by
 * parts per million), so only a wrong rate fails it. */
Test(clock, ticks_convert_to_monotonic_seconds)
{
	tach_clock_init();
	double err = ticks_vs_monotonic();
	cr_expect_lt(err, 0.01, "ticks disagree with CLOCK_MONOTONIC by %.3g %% (source %s)",
	             err * 100, tach_clock_get()->source);
	cr_expect_eq(tach_clock_seconds(0), 0);
}

Test(clock, env_forces_monotonic)
{
	cr_assert_eq(tach__clock_tsc, 0, "the clock was chosen before this test started");
	setenv("TACH_CLOCK", "monotonic", 1);
	cr_assert_eq(tach_clock_init(), 0);
	const tach_clock_info *ci = tach_clock_get();
	cr_assert_str_eq(ci->source, "clock_monotonic");
	cr_expect_str_eq(ci->why, "TACH_CLOCK=monotonic");
	cr_expect_eq(ci->tsc_hz, 0);
	cr_expect_eq(ci->resolution, 1e-9, "clock_getres(CLOCK_MONOTONIC) = %g", ci->resolution);
	check_info(ci);
	check_monotonic();
	/* ticks are nanoseconds now */
	cr_expect_eq(tach_clock_seconds(1000000000), 1.0);
	cr_expect_lt(ticks_vs_monotonic(), 0.01);
}

static void *init_thread(void *arg)
{
	tach_clock_init();
	*(const tach_clock_info **)arg = tach_clock_get();
	return NULL;
}

Test(clock, concurrent_init_chooses_once)
{
	pthread_t t[4];
	const tach_clock_info *ci[4];
	for (int i = 0; i < 4; i++)
		cr_assert_eq(pthread_create(&t[i], NULL, init_thread, &ci[i]), 0);
	for (int i = 0; i < 4; i++)
		pthread_join(t[i], NULL);
	for (int i = 1; i < 4; i++)
		cr_expect_eq(ci[i], ci[0]);
	check_info(ci[0]);
}
