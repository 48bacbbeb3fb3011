/* test_bench.c - the benchmark library's logic with a fake clock:
 * calibration, repetitions and the adaptive stop, pause/resume,
 * arguments and names, throughput and custom metrics, threads starting
 * together, errors; and that do-not-optimize keeps work. */
#include <criterion/criterion.h>
#include <math.h>
#include <string.h>

#include "tach/tach.h"
#include "tach/bench.h"
#include "bench_testutil.h"

/* The fake clock: benchmarks advance it by their "cost" per iteration. */
static double fake_now;
static double fake_clock(void *ctx)
{
	(void)ctx;
	return fake_now;
}

static double cost = 0x1p-20; /* ~0.95 us, exact in binary: sums stay exact */

TACH_BENCH(bm_fixed)
{
	while (tach_loop(s))
		fake_now += cost;
}

TACH_BENCH(bm_args, .args = TACH_ARGS(8, 64), .args2 = TACH_ARGS(1, 2), .arg_names = "size,ways")
{
	int64_t n = tach_arg(s, 0) * tach_arg(s, 1);
	while (tach_loop(s))
		fake_now += 1e-9 * (double)n;
	tach_set_bytes(s, tach_iterations(s) * (uint64_t)n);
	tach_set_items(s, tach_iterations(s));
	tach_set_metric(s, "probes", 3.0 * (double)tach_iterations(s), "count",
	                TACH_LOWER_IS_BETTER, TACH_COUNTER_PER_ITERATION);
}

TACH_BENCH(bm_range, .range_lo = 1, .range_hi = 100, .range_mult = 10)
{
	while (tach_loop(s))
		fake_now += 1e-6;
}

TACH_BENCH(bm_pause)
{
	while (tach_loop(s)) {
		tach_pause(s);
		fake_now += 5e-6; /* excluded */
		tach_resume(s);
		fake_now += 1e-6;
	}
}

TACH_BENCH(bm_error)
{
	tach_skip_with_error(s, "no device");
	while (tach_loop(s))
		fake_now += 1e-6;
}

TACH_BENCH(bm_noloop)
{
	(void)s;
}

static tach_result *run(const char *filter, tach_bench_run_opts *o)
{
	tach_bench_run_opts d;
	memset(&d, 0, sizeof d);
	if (!o)
		o = &d;
	o->filter = filter;
	o->clock = fake_clock;
	tach_result *r = tach_result_new();
	tach_error err;
	cr_assert_eq(tach_bench_run_all(o, r, &err), 0, "%s", err.message);
	return r;
}

static unsigned counted_calls;

TACH_BENCH(bm_counted)
{
	counted_calls++;
	while (tach_loop(s))
		fake_now += cost;
}

/* A zeroed warmup is the default of one warm-up call, as every other
 * field's 0 is its default; TACH_BENCH_NO_WARMUP leaves it out. */
Test(bench, zeroed_options_warm_up_once)
{
	tach_bench_run_opts o;
	memset(&o, 0, sizeof o);
	o.repetitions = 3;
	counted_calls = 0;
	tach_result_free(run("^bm_counted$", &o));
	unsigned with_default = counted_calls;
	memset(&o, 0, sizeof o);
	o.repetitions = 3;
	o.warmup = TACH_BENCH_NO_WARMUP;
	counted_calls = 0;
	tach_result_free(run("^bm_counted$", &o));
	cr_expect_eq(with_default, counted_calls + 1, "%u calls with the default, %u without",
	             with_default, counted_calls);
}

Test(bench, calibration_and_repetitions)
{
	tach_result *r = run("^bm_fixed$", NULL);
	cr_assert_eq(r->n_benchmarks, 1);
	const tach_metric *t = tach_benchmark_metric(r->benchmarks[0], "time");
	cr_assert(t);
	/* x10 while far too short, then aim 40 % past 10 ms: 1, 10, 100,
	 * 1000, 10000 (9.5 ms), then 10000 * 0.014 / 0.0095367 = 14680 */
	cr_expect_eq(t->iterations[0], 14680, "%llu", (unsigned long long)t->iterations[0]);
	cr_expect_geq((double)t->iterations[0] * cost, 0.01);
	cr_expect_eq(t->n_samples, 10, "no noise: stable at the minimum count");
	cr_expect_float_eq(t->samples[0], cost, 1e-15);
	tach_result_free(r);

	tach_bench_run_opts o;
	memset(&o, 0, sizeof o);
	o.min_time = 0.5;
	o.repetitions = 12;
	o.max_time = -1; /* 15 calls of 0.5 s: more than the default budget */
	r = run("^bm_fixed$", &o);
	t = tach_benchmark_metric(r->benchmarks[0], "time");
	cr_expect_geq((double)t->iterations[0] * cost, 0.5);
	cr_expect_lt((double)t->iterations[0] * cost, 0.75, "not far past the target");
	cr_expect_eq(t->n_samples, 12);
	tach_result_free(r);
}

/* A call the scheduler stalls (the fake clock jumps 50 ms during it) must
 * not end calibration at a count far too small: the first call, or the
 * third (100 iterations), stalls; calibration still settles on 14680. */
static int stall_call = -1, calls_seen;
TACH_BENCH(bm_stall)
{
	int stalled = calls_seen++ == stall_call;
	while (tach_loop(s)) {
		if (stalled) {
			fake_now += 0.05;
			stalled = 0;
		}
		fake_now += cost;
	}
}

Test(bench, a_stalled_call_does_not_end_calibration)
{
	for (int k = 0; k < 2; k++) {
		stall_call = k == 0 ? 0 : 2;
		calls_seen = 0;
		tach_result *r = run("^bm_stall$", NULL);
		const tach_metric *t = tach_benchmark_metric(r->benchmarks[0], "time");
		cr_assert(t);
		cr_expect_eq(t->iterations[0], 14680, "stall in call %d: %llu iterations", stall_call,
		             (unsigned long long)t->iterations[0]);
		cr_expect_float_eq(t->samples[0], cost, 1e-15);
		tach_result_free(r);
	}
}

Test(bench, names_params_throughput_metrics)
{
	tach_result *r = run("^bm_args", NULL);
	cr_assert_eq(r->n_benchmarks, 4);
	cr_expect_str_eq(r->benchmarks[0]->name, "bm_args/8/1");
	cr_expect_str_eq(r->benchmarks[3]->name, "bm_args/64/2");
	cr_expect_str_eq(tach_kvlist_get(&r->benchmarks[3]->params, "size"), "64");
	cr_expect_str_eq(tach_kvlist_get(&r->benchmarks[3]->params, "ways"), "2");
	const tach_benchmark *b = r->benchmarks[3];
	const tach_metric *bps = tach_benchmark_metric(b, "bytes_per_second");
	const tach_metric *ips = tach_benchmark_metric(b, "items_per_second");
	const tach_metric *pr = tach_benchmark_metric(b, "probes");
	cr_assert(bps && ips && pr);
	/* 128 bytes per iteration at 128 ns: 1e9 B/s; 1/128ns items/s */
	cr_expect_float_eq(bps->samples[0], 1e9, 1e9 * 1e-9);
	cr_expect_float_eq(ips->samples[0], 1e9 / 128, 1e9 / 128 * 1e-9);
	cr_expect_float_eq(pr->samples[0], 3.0, 1e-12);
	cr_expect_eq(b->source.kind, TACH_SOURCE_LIBRARY);
	tach_result_free(r);

	r = run("^bm_range", NULL);
	cr_assert_eq(r->n_benchmarks, 3);
	cr_expect_str_eq(r->benchmarks[0]->name, "bm_range/1");
	cr_expect_str_eq(r->benchmarks[1]->name, "bm_range/10");
	cr_expect_str_eq(r->benchmarks[2]->name, "bm_range/100");
	tach_result_free(r);
}

/* Ranges expand as Google Benchmark's Range(lo, hi) with
 * RangeMultiplier(mult): the expected lists are what Google Benchmark
 * 1.7.1's --benchmark_list_tests printed for the same lo/hi/mult. */
static void gb_range(tach_state *s)
{
	while (tach_loop(s))
		fake_now += 1e-6;
}
#define GB_RANGE(name, ...) TEST_BENCH_REGISTER(name, gb_range, __VA_ARGS__)
GB_RANGE(gbr_a, .range_lo = 64, .range_hi = 16384, .range_mult = 16)
GB_RANGE(gbr_b, .range_lo = 1, .range_hi = 100)
GB_RANGE(gbr_c, .range_lo = 1, .range_hi = 100, .range_mult = 10)
GB_RANGE(gbr_d, .range_lo = 0, .range_hi = 512)
GB_RANGE(gbr_e, .range_lo = -20, .range_hi = 20, .range_mult = 2)
GB_RANGE(gbr_f, .range_lo = -100, .range_hi = -3, .range_mult = 4)
GB_RANGE(gbr_g, .range_lo = 5, .range_hi = 5)
GB_RANGE(gbr_h, .range_lo = 7, .range_hi = 8)
GB_RANGE(gbr_i, .range_lo = 10, .range_hi = 1000, .range_mult = 3)
GB_RANGE(gbr_j, .range_lo = -8, .range_hi = 0)
GB_RANGE(gbr_k, .range_lo = 64, .range_hi = 65536, .range_mult = 4)
GB_RANGE(gbr_l, .range_lo = 9, .range_hi = 63)
GB_RANGE(gbr_m, .range_lo = 1, .range_hi = INT64_MAX, .range_mult = 1000)
GB_RANGE(gbr_n, .range_lo = -1, .range_hi = 1)
GB_RANGE(gbr_o, .range_lo = -1, .range_hi = 0, .range_mult = 2)
GB_RANGE(gbr_p, .range_lo = 8, .range_hi = 64)
GB_RANGE(gbr_bad_order, .range_lo = 64, .range_hi = 8)
GB_RANGE(gbr_bad_mult, .range_lo = 1, .range_hi = 8, .range_mult = 1)

Test(bench, ranges_match_google_benchmark)
{
	expect_instances("gbr_a", "gbr_a/64 gbr_a/256 gbr_a/4096 gbr_a/16384");
	expect_instances("gbr_b", "gbr_b/1 gbr_b/8 gbr_b/64 gbr_b/100");
	expect_instances("gbr_c", "gbr_c/1 gbr_c/10 gbr_c/100");
	expect_instances("gbr_d", "gbr_d/0 gbr_d/1 gbr_d/8 gbr_d/64 gbr_d/512");
	expect_instances("gbr_e", "gbr_e/-20 gbr_e/-16 gbr_e/-8 gbr_e/-4 gbr_e/-2 gbr_e/-1 gbr_e/0 "
	                          "gbr_e/1 gbr_e/2 gbr_e/4 gbr_e/8 gbr_e/16 gbr_e/20");
	expect_instances("gbr_f", "gbr_f/-100 gbr_f/-64 gbr_f/-16 gbr_f/-4 gbr_f/-3");
	expect_instances("gbr_g", "gbr_g/5");
	expect_instances("gbr_h", "gbr_h/7 gbr_h/8");
	expect_instances("gbr_i", "gbr_i/10 gbr_i/27 gbr_i/81 gbr_i/243 gbr_i/729 gbr_i/1000");
	expect_instances("gbr_j", "gbr_j/-8 gbr_j/-1 gbr_j/0");
	expect_instances("gbr_k", "gbr_k/64 gbr_k/256 gbr_k/1024 gbr_k/4096 gbr_k/16384 gbr_k/65536");
	expect_instances("gbr_l", "gbr_l/9 gbr_l/63");
	expect_instances("gbr_m", "gbr_m/1 gbr_m/1000 gbr_m/1000000 gbr_m/1000000000 "
	                          "gbr_m/1000000000000 gbr_m/1000000000000000 "
	                          "gbr_m/1000000000000000000 gbr_m/9223372036854775807");
	expect_instances("gbr_n", "gbr_n/-1 gbr_n/0 gbr_n/1");
	expect_instances("gbr_o", "gbr_o/-1 gbr_o/0");
	expect_instances("gbr_p", "gbr_p/8 gbr_p/64");

	/* an invalid range is one instance reporting why, not a crash */
	tach_result *r = run("^gbr_bad_", NULL);
	cr_assert_eq(r->n_benchmarks, 2);
	cr_expect_str_eq(r->benchmarks[0]->name, "gbr_bad_order");
	cr_expect(strstr(r->benchmarks[0]->error, "range_hi"), "%s", r->benchmarks[0]->error);
	cr_expect(strstr(r->benchmarks[1]->error, "range_mult"), "%s", r->benchmarks[1]->error);
	tach_result_free(r);
}

Test(bench, pause_excludes_work)
{
	tach_result *r = run("^bm_pause$", NULL);
	const tach_metric *t = tach_benchmark_metric(r->benchmarks[0], "time");
	cr_expect_float_eq(t->samples[0], 1e-6, 1e-12, "paused time excluded: %g", t->samples[0]);
	tach_result_free(r);
}

/* The wall-clock budget, with the fake clock: 20 us of paused setup
 * around 60 ns of timed work per iteration.  min_time (10 ms timed)
 * would need 167,000 iterations, 3.4 s of wall per repetition. */
static void pause_heavy(tach_state *s)
{
	while (tach_loop(s)) {
		tach_pause(s);
		fake_now += 20e-6;
		tach_resume(s);
		fake_now += 60e-9;
	}
}
TACH_BENCH(bm_pause_heavy)
{
	pause_heavy(s);
}
TACH_BENCH(bm_pause_heavy_1s, .max_time = 1)
{
	pause_heavy(s);
}
/* the same with timed work that differs from call to call by 20 %: never
 * stable, it would run 30 repetitions */
static unsigned noisy_calls;
TACH_BENCH(bm_pause_noisy)
{
	double work = 60e-9 * (1 + 0.2 * (noisy_calls++ % 3));
	while (tach_loop(s)) {
		tach_pause(s);
		fake_now += 20e-6;
		tach_resume(s);
		fake_now += work;
	}
}

/* A machine that gets busy: the paused setup costs 20 us in calls of up
 * to 5000 iterations and 40 us in larger ones, so calibration's best wall
 * time per iteration is half what a full-size call takes. */
TACH_BENCH(bm_pause_loaded)
{
	double setup = tach_iterations(s) > 5000 ? 40e-6 : 20e-6;
	while (tach_loop(s)) {
		tach_pause(s);
		fake_now += setup;
		tach_resume(s);
		fake_now += 60e-9;
	}
}

/* Runs one benchmark and returns the fake wall time it took. */
static double wall_of(const char *filter, tach_bench_run_opts *o, tach_result **r)
{
	double t0 = fake_now;
	*r = run(filter, o);
	return fake_now - t0;
}

Test(bench, wall_clock_budget)
{
	/* default settings: a 5 s budget */
	tach_result *r;
	double wall = wall_of("^bm_pause_heavy$", NULL, &r);
	const tach_metric *t = tach_benchmark_metric(r->benchmarks[0], "time");
	cr_assert(t);
	/* a call may take 5 s / (10 repetitions + 1 warm-up + 2): 0.385 s,
	 * 19,000 iterations at 20.06 us of wall each */
	double call = (double)t->iterations[0] * 20.06e-6;
	cr_expect(call <= 5.0 / 13 * 1.001, "a call takes %g s of wall", call);
	cr_expect(call >= 5.0 / 13 * 0.5, "but not far less: %g s", call);
	cr_expect(wall <= 5.0 + call, "the instance took %g s (budget 5 s)", wall);
	cr_expect_geq(t->n_samples, 1);
	cr_expect_float_eq(t->samples[0], 60e-9, 1e-12, "the timing stays exact");
	const char *note = tach_kvlist_get(&r->meta.context, "max_time_reached");
	cr_assert(note, "the cut is recorded in the context");
	cr_expect(strstr(note, "bm_pause_heavy: 5 s wall-clock budget reached"), "%s", note);
	cr_expect(strstr(note, "iterations per repetition"), "%s", note);
	tach_result_free(r);

	/* the per-benchmark option */
	wall = wall_of("^bm_pause_heavy_1s$", NULL, &r);
	t = tach_benchmark_metric(r->benchmarks[0], "time");
	call = (double)t->iterations[0] * 20.06e-6;
	cr_expect(wall <= 1.0 + call, "took %g s (budget 1 s)", wall);
	cr_expect(strstr(tach_kvlist_get(&r->meta.context, "max_time_reached"), "1 s wall-clock"));
	tach_result_free(r);

	/* the run's option, and repetitions cut: 0.4 s for 10 repetitions of
	 * calls a little longer than their share */
	tach_bench_run_opts o;
	memset(&o, 0, sizeof o);
	o.max_time = 0.4;
	wall = wall_of("^bm_pause_heavy$", &o, &r);
	t = tach_benchmark_metric(r->benchmarks[0], "time");
	call = (double)t->iterations[0] * 20.06e-6;
	cr_expect(wall <= 0.4 + call, "took %g s (budget 0.4 s)", wall);
	tach_result_free(r);

	/* repetitions stop at the budget (one at least) */
	wall = wall_of("^bm_pause_noisy$", NULL, &r);
	t = tach_benchmark_metric(r->benchmarks[0], "time");
	call = (double)t->iterations[0] * 20.1e-6;
	cr_expect(wall <= 5.0 + call, "took %g s (budget 5 s)", wall);
	cr_expect(t->n_samples >= 10 && t->n_samples < 30, "%zu repetitions", t->n_samples);
	cr_expect(strstr(tach_kvlist_get(&r->meta.context, "max_time_reached"), " repetitions"));
	tach_result_free(r);

	/* the count is refitted to a full-size call's wall time: 9,585
	 * iterations, 0.385 s a call, 8 repetitions in what calibration (1.2
	 * s) and the warm-up left (at 19,170 iterations, 0.77 s a call, 3) */
	wall = wall_of("^bm_pause_loaded$", NULL, &r);
	t = tach_benchmark_metric(r->benchmarks[0], "time");
	call = (double)t->iterations[0] * 40.06e-6;
	cr_expect(call <= 5.0 / 13 * 1.01, "a call takes %g s of wall", call);
	cr_expect_geq(t->n_samples, 8, "%zu repetitions", t->n_samples);
	cr_expect(wall <= 5.0 + call, "took %g s (budget 5 s)", wall);
	tach_result_free(r);

	/* no budget: min_time is reached, at 3.4 s of wall per call */
	memset(&o, 0, sizeof o);
	o.max_time = -1;
	o.repetitions = 3;
	o.max_repetitions = 3;
	wall = wall_of("^bm_pause_heavy$", &o, &r);
	t = tach_benchmark_metric(r->benchmarks[0], "time");
	cr_expect_geq((double)t->iterations[0] * 60e-9, 0.01 * 0.999);
	cr_expect_gt(wall, 10.0, "%g s", wall);
	cr_expect_null(tach_kvlist_get(&r->meta.context, "max_time_reached"));
	tach_result_free(r);

	/* a benchmark far inside its budget is not cut */
	wall = wall_of("^bm_fixed$", NULL, &r);
	cr_expect_null(tach_kvlist_get(&r->meta.context, "max_time_reached"));
	cr_expect_eq(tach_benchmark_metric(r->benchmarks[0], "time")->iterations[0], 14680);
	tach_result_free(r);
}

Test(bench, errors_are_reported_not_crashes)
{
	tach_result *r = run("^bm_(error|noloop)$", NULL);
	cr_assert_eq(r->n_benchmarks, 2);
	cr_expect_str_eq(r->benchmarks[0]->error, "no device");
	cr_expect(strstr(r->benchmarks[1]->error, "never called tach_loop"), "%s",
	          r->benchmarks[1]->error);
	tach_result_free(r);
	tach_result *bad = tach_result_new();
	tach_bench_run_opts o;
	memset(&o, 0, sizeof o);
	o.filter = "([";
	tach_error err;
	cr_expect_eq(tach_bench_run_all(&o, bad, &err), TACH_EINVAL);
	cr_expect(strstr(err.message, "bad filter"), "%s", err.message);
	tach_result_free(bad);
}

/* ---- real clock ---- */

/* The barrier: every thread of a call arrives before any starts its loop,
 * so at each thread's first iteration the arrivals of this call are
 * complete (a multiple of the thread count). */
static _Atomic int arrived, early;
TACH_BENCH(bm_threads, .threads = TACH_THREADS(1, 4), .repetitions = 3, .min_time = 0.001)
{
	int first = 1;
	if (tach_threads(s) == 4)
		arrived++; /* only the 4-thread calls: a multiple of 4 after each */
	uint64_t x = 0;
	TACH_LOOP(s) {
		if (first) {
			if (tach_threads(s) == 4 && arrived % 4)
				early++;
			first = 0;
		}
		x += (uint64_t)tach_thread_index(s);
		tach_do_not_optimize(x);
	}
	/* per-thread accounting: thread i reports (i + 1) items per iteration */
	tach_set_items(s, tach_iterations(s) * (uint64_t)(tach_thread_index(s) + 1));
}

Test(bench, threads_start_together_and_sum_throughput)
{
	tach_bench_run_opts o;
	memset(&o, 0, sizeof o);
	o.filter = "^bm_threads";
	tach_result *r = tach_result_new();
	tach_error err;
	cr_assert_eq(tach_bench_run_all(&o, r, &err), 0);
	cr_assert_eq(r->n_benchmarks, 2);
	cr_expect_str_eq(r->benchmarks[1]->name, "bm_threads/threads:4");
	cr_expect_str_eq(tach_kvlist_get(&r->benchmarks[1]->params, "threads"), "4");
	cr_expect_eq(early, 0, "%d threads started before the others arrived", early);
	const tach_metric *ips = tach_benchmark_metric(r->benchmarks[1], "items_per_second");
	const tach_metric *t = tach_benchmark_metric(r->benchmarks[1], "time");
	cr_assert(ips && t);
	/* items summed over threads: 1 + 2 + 3 + 4 = 10 per iteration, over
	 * the same wall time the time per iteration comes from */
	cr_expect_float_eq(ips->samples[0] * t->samples[0], 10.0, 1e-9);
	cr_assert(tach_benchmark_metric(r->benchmarks[1], "scaling_efficiency"));
	cr_expect_null(tach_benchmark_metric(r->benchmarks[0], "scaling_efficiency"));
	tach_result_free(r);
}

/* Threads on fewer cores than threads, with a per-thread fake clock:
 * each thread's clock reads what the scheduler gave it.  Thread 1 starts
 * its loop 5 ms after the release (it waited for a core); thread 0 starts
 * at the release and pauses 3 ms per call (excluded).  Both run the same
 * iterations at `cost` each.  The call lasts from the release to thread
 * 1's finish: iterations x cost + 5 ms (not thread 1's own loop time
 * iterations x cost, which a late starter would get if counted from its
 * own start). */
static _Thread_local double tl_now;
static double tl_clock(void *ctx)
{
	(void)ctx;
	return tl_now;
}
static double late_by = 0.005;

TACH_BENCH(bm_late_start, .threads = TACH_THREADS(2), .repetitions = 3)
{
	int late = tach_thread_index(s) == 1;
	tl_now = 100.0 + (late ? late_by : 0); /* where this call's loop begins */
	int first = 1;
	while (tach_loop(s)) {
		if (first && !late) {
			tach_pause(s);
			tl_now += 0.003;
			tach_resume(s);
		}
		first = 0;
		tl_now += cost;
	}
	tach_set_items(s, tach_iterations(s));
}

Test(bench, late_threads_counted_from_the_common_release)
{
	tach_bench_run_opts o;
	memset(&o, 0, sizeof o);
	o.filter = "^bm_late_start/";
	o.clock = tl_clock;
	o.max_repetitions = 3;
	o.max_time = -1; /* per-thread clocks: no wall clock to budget */
	tach_result *r = tach_result_new();
	tach_error err;
	cr_assert_eq(tach_bench_run_all(&o, r, &err), 0, "%s", err.message);
	const tach_metric *t = tach_benchmark_metric(r->benchmarks[0], "time");
	const tach_metric *ips = tach_benchmark_metric(r->benchmarks[0], "items_per_second");
	cr_assert(t && ips && t->n_samples == 3);
	for (size_t i = 0; i < t->n_samples; i++) {
		double n = (double)t->iterations[i];
		double want = n * cost + late_by;
		cr_expect(fabs(t->samples[i] * n - want) < 1e-9, "call %g s, want %g s (loop %g s)",
		          t->samples[i] * n, want, n * cost);
		/* throughput over the same span: 2 threads x n items */
		cr_expect(fabs(ips->samples[i] - 2 * n / want) < 1e-6 * ips->samples[i], "%g vs %g",
		          ips->samples[i], 2 * n / want);
	}
	tach_result_free(r);

	/* a wait for a core longer than min_time: calibration still grows
	 * the count until the loops fill min_time (14680 x ~0.95 us), and
	 * does not stop at 1 iteration because the call already lasts 20 ms */
	late_by = 0.02;
	r = tach_result_new();
	cr_assert_eq(tach_bench_run_all(&o, r, &err), 0, "%s", err.message);
	t = tach_benchmark_metric(r->benchmarks[0], "time");
	cr_assert(t);
	cr_expect_eq(t->iterations[0], 14680, "%llu", (unsigned long long)t->iterations[0]);
	cr_expect(fabs(t->samples[0] * 14680 - (14680 * cost + 0.02)) < 1e-9);
	tach_result_free(r);
}

/* A thread that fails before its loop still passes the barrier: the
 * other thread's call ends instead of waiting forever. */
TACH_BENCH(bm_one_thread_fails, .threads = TACH_THREADS(2))
{
	if (tach_thread_index(s) == 0) {
		tach_skip_with_error(s, "thread 0 cannot run");
		return;
	}
	while (tach_loop(s))
		fake_now += cost;
}

Test(bench, a_failing_thread_does_not_hang_the_call, .timeout = 20)
{
	tach_result *r = run("^bm_one_thread_fails/", NULL);
	cr_assert_eq(r->n_benchmarks, 1);
	cr_expect_str_eq(r->benchmarks[0]->error, "thread 0 cannot run");
	tach_result_free(r);
}

/* A pure computation must not fold away at -O3: summing 1..n costs time
 * proportional to n with do_not_optimize on every step. */
static uint64_t sum_to(uint64_t n)
{
	uint64_t acc = 0;
	for (uint64_t i = 1; i <= n; i++) {
		acc += i;
		tach_do_not_optimize(acc);
	}
	return acc;
}

TACH_BENCH(bm_sum, .args = TACH_ARGS(1000, 100000), .repetitions = 3, .min_time = 0.002)
{
	uint64_t n = (uint64_t)tach_arg(s, 0);
	while (tach_loop(s)) {
		uint64_t v = sum_to(n);
		tach_do_not_optimize(v);
	}
}

Test(bench, do_not_optimize_keeps_the_work)
{
	tach_bench_run_opts o;
	memset(&o, 0, sizeof o);
	o.filter = "^bm_sum/";
	tach_result *r = tach_result_new();
	tach_error err;
	cr_assert_eq(tach_bench_run_all(&o, r, &err), 0);
	double small, big;
	tach_stats_median(r->benchmarks[0]->metrics[0]->samples, r->benchmarks[0]->metrics[0]->n_samples, &small);
	tach_stats_median(r->benchmarks[1]->metrics[0]->samples, r->benchmarks[1]->metrics[0]->n_samples, &big);
	/* 100x the work: at least 20x the time (not a timing threshold on the
	 * machine's speed: a folded loop would give a ratio near 1) */
	cr_expect_gt(big / small, 20, "ratio %g (%g s vs %g s)", big / small, big, small);
	cr_expect_gt(small, 1e-7, "1000 additions take more than 100 ns");
	tach_result_free(r);
}

Test(bench, list_and_json_round_trip)
{
	cr_expect_str_eq(tach_bench_list("^bm_range", 0), "bm_range/1");
	cr_expect_str_eq(tach_bench_list("^bm_range", 2), "bm_range/100");
	cr_expect_null(tach_bench_list("^bm_range", 3));
	tach_result *r = run("^bm_args/8/1$", NULL);
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);
	tach_error err;
	cr_assert_eq(tach_result_write(r, f, &err), 0, "%s", err.message);
	fclose(f);
	tach_result *back;
	cr_assert_eq(tach_result_read_buffer(buf, len, "b.json", &back, &err), 0, "%s", err.message);
	cr_expect_str_eq(back->benchmarks[0]->name, "bm_args/8/1");
	cr_expect_eq(back->benchmarks[0]->metrics[0]->iterations[0],
	             r->benchmarks[0]->metrics[0]->iterations[0]);
	free(buf);
	tach_result_free(back);
	tach_result_free(r);
}

/* Latency mode with the fake clock: iteration i costs (i % 100 + 1) us,
 * so the percentiles of each repetition are known. */
static uint64_t lat_i;
TACH_BENCH(bm_latency, .latency = 1, .repetitions = 3, .min_time = 0.001)
{
	while (tach_loop(s)) {
		fake_now += 1e-6 * (double)(lat_i++ % 100 + 1);
		if (lat_i % 7 == 0) { /* excluded work must not count */
			tach_pause(s);
			fake_now += 1.0;
			tach_resume(s);
		}
	}
}

Test(bench, latency_mode_percentiles)
{
	tach_bench_run_opts o;
	memset(&o, 0, sizeof o);
	o.repetitions = 3;
	o.max_repetitions = 3;
	o.max_time = -1; /* the 1 s pauses are wall time */
	tach_result *r = run("^bm_latency$", &o);
	const tach_benchmark *b = r->benchmarks[0];
	const tach_metric *p50 = tach_benchmark_metric(b, "latency_p50");
	const tach_metric *p99 = tach_benchmark_metric(b, "latency_p99");
	const tach_metric *mx = tach_benchmark_metric(b, "latency_max");
	cr_assert(p50 && p99 && mx);
	cr_expect_eq(p50->n_samples, 3);
	/* uniform over 1..100 us: p50 ~ 50 us, p99 ~ 99 us, max 100 us,
	 * within the histogram's 1/256 plus the discreteness of the ranks */
	cr_expect(fabs(p50->samples[2] - 50e-6) <= 1.5e-6, "p50 %g", p50->samples[2]);
	cr_expect(fabs(p99->samples[2] - 99e-6) <= 1.5e-6, "p99 %g", p99->samples[2]);
	cr_expect(fabs(mx->samples[2] - 100e-6) <= 0.5e-6, "max %g (pauses excluded)", mx->samples[2]);
	tach_result_free(r);
}

/* TACH_LOOP: the same accounting as tach_loop, with a register counter. */
TACH_BENCH(bm_fast_loop)
{
	TACH_LOOP(s)
		fake_now += cost;
}

static uint64_t lat_j;
TACH_BENCH(bm_fast_latency, .latency = 1, .repetitions = 3, .min_time = 0.001)
{
	TACH_LOOP(s) {
		fake_now += 1e-6 * (double)(lat_j++ % 100 + 1);
	}
}

Test(bench, tach_loop_macro_counts_like_the_function)
{
	tach_result *r = run("^bm_fast_loop$", NULL);
	const tach_metric *t = tach_benchmark_metric(r->benchmarks[0], "time");
	cr_assert(t);
	cr_expect_eq(t->iterations[0], 14680);
	cr_expect_float_eq(t->samples[0], cost, 1e-15);
	tach_result_free(r);

	tach_bench_run_opts o;
	memset(&o, 0, sizeof o);
	o.repetitions = 3;
	o.max_repetitions = 3;
	r = run("^bm_fast_latency$", &o);
	const tach_metric *mx = tach_benchmark_metric(r->benchmarks[0], "latency_max");
	const tach_metric *p50 = tach_benchmark_metric(r->benchmarks[0], "latency_p50");
	cr_assert(mx && p50);
	cr_expect(fabs(mx->samples[2] - 100e-6) <= 0.5e-6, "max %g", mx->samples[2]);
	cr_expect(fabs(p50->samples[2] - 50e-6) <= 1.5e-6, "p50 %g", p50->samples[2]);
	tach_result_free(r);
}

#include "tach/counters.h"

Test(bench, counters_pass_per_iteration)
{
	setenv("TACH_COUNTERS_FAIL", "instructions:ENOENT", 1);
	tach_counter_set *cs;
	tach_error err;
	cr_assert_eq(tach_counters_parse("instructions,task-clock", &cs, &err), 0, "%s", err.message);
	tach_bench_run_opts o;
	memset(&o, 0, sizeof o);
	o.filter = "^bm_sum/100000$";
	o.counters = cs;
	tach_result *r = tach_result_new();
	cr_assert_eq(tach_bench_run_all(&o, r, &err), 0, "%s", err.message);
	const tach_benchmark *b = r->benchmarks[0];
	const tach_metric *tc = tach_benchmark_metric(b, "task_clock");
	const tach_metric *t = tach_benchmark_metric(b, "time");
	cr_assert(tc, "software events work everywhere");
	cr_expect_null(tach_benchmark_metric(b, "instructions"), "unavailable: not reported");
	double med;
	tach_stats_median(t->samples, t->n_samples, &med);
	/* per iteration, not per call: of the order of the loop's wall time
	 * per iteration, where a per-call figure would be iterations (at
	 * least 20, checked below) times larger.  Only the order is checked: the counted call
	 * is a separate untimed call, and on a loaded machine its CPU time and
	 * the timed calls' wall times move apart by tens of percent. */
	cr_expect(tc->samples[0] > 0.1 * med && tc->samples[0] < 10 * med, "task-clock %g vs time %g",
	          tc->samples[0], med);
	cr_expect_geq(t->iterations ? t->iterations[0] : 0, 20,
	                "a per-call figure must fall outside the bound: %llu iterations", (unsigned long long)(t->iterations ? t->iterations[0] : 0));
	tach_result_free(r);
	tach_counters_free(cs);
}
