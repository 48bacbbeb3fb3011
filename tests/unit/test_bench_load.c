/* test_bench_load.c - load benchmarks of tach/bench.h (issue 21 item 3):
 * the open-loop schedule on a fake clock (slots at k / rate, a slow call
 * pushing the latency of the calls after it but not their service time,
 * the Poisson arrivals' mean and spread, warm-up, failures, bad rates),
 * and a benchmark program with load benchmarks end to end: its command
 * line and the structure of its JSON results, never their timing. */
#include <criterion/criterion.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tach/tach.h"
#include "tach/bench.h"
#include "../cli/run.h"

/* ---- the fake clock: one worker thread, time moves only when a call
 * says it took time or the scheduler sleeps ---- */
static double now;
static double fake_clock(void *ctx)
{
	(void)ctx;
	return now;
}
static void fake_sleep(void *ctx, double t)
{
	(void)ctx;
	now = t;
}

/* Every call's start (fake seconds), in order. */
#define MAX_CALLS 20000
static double starts[MAX_CALLS];
static size_t n_starts;

static void record_start(void)
{
	if (n_starts < MAX_CALLS)
		starts[n_starts++] = now;
}

static tach_result *run(const char *filter, tach_bench_run_opts *o)
{
	tach_bench_run_opts d;
	memset(&d, 0, sizeof d);
	if (!o)
		o = &d;
	o->filter = filter;
	o->clock = fake_clock;
	o->sleep_until = fake_sleep;
	now = 0;
	n_starts = 0;
	tach_result *r = tach_result_new();
	tach_error err;
	memset(&err, 0, sizeof err);
	cr_assert_eq(tach_bench_run_all(o, r, &err), 0, "%s", err.message);
	return r;
}

/* The single sample of a metric of benchmark i. */
static double value(const tach_result *r, size_t i, const char *name)
{
	cr_assert_lt(i, r->n_benchmarks);
	const tach_benchmark *b = r->benchmarks[i];
	const tach_metric *m = tach_benchmark_metric(b, name);
	cr_assert(m, "%s has no %s (error: %s)", b->name, name, b->error ? b->error : "none");
	cr_assert_eq(m->n_samples, 1, "%s: %zu samples", name, m->n_samples);
	return m->samples[0];
}

/* Percentiles come from a histogram: within 1/256 of the value. */
static void expect_near(double got, double want, const char *what)
{
	cr_expect(fabs(got - want) <= want / 256 + 1e-12, "%s: %.9g, expected %.9g", what, got,
	          want);
}

/* 100 us of work per call, at 1000 calls/s for 10 ms: ten calls. */
TACH_BENCH(ld_slots, .load = {.rates = TACH_RATES(1000), .duration = 0.01})
{
	TACH_LOOP(s) {
		record_start();
		now += 100e-6;
	}
}

Test(bench_load, slots_are_k_over_the_rate)
{
	tach_result *r = run("^ld_slots/", NULL);
	cr_assert_eq(r->n_benchmarks, 1);
	cr_expect_str_eq(r->benchmarks[0]->name, "ld_slots/rate:1000");
	cr_expect_str_eq(tach_kvlist_get(&r->benchmarks[0]->params, "rate"), "1000");
	cr_assert_eq(n_starts, 10);
	for (size_t k = 0; k < n_starts; k++)
		cr_expect(fabs(starts[k] - (double)k / 1000) < 1e-9, "call %zu started at %.9f", k,
		          starts[k]);
	expect_near(value(r, 0, "latency_p50"), 100e-6, "latency_p50");
	expect_near(value(r, 0, "latency_max"), 100e-6, "latency_max");
	expect_near(value(r, 0, "service_time_p99"), 100e-6, "service_time_p99");
	cr_expect_eq(value(r, 0, "achieved_rate"), 1000);
	cr_expect_eq(value(r, 0, "late_starts"), 0);
	cr_expect_eq(value(r, 0, "peak_in_flight"), 1);
	cr_expect_eq(value(r, 0, "failures"), 0);
	tach_result_free(r);
}

/* The same schedule; call 2 takes 5 ms.  Open loop: calls 3..7 were due
 * while it ran, start as soon as the worker is free, and their wait
 * counts in their latency -- 4.1, 3.2, 2.3, 1.4 and 0.5 ms -- while their
 * service time stays 0.1 ms. */
static size_t slow_k;
TACH_BENCH(ld_slow, .load = {.rates = TACH_RATES(1000), .duration = 0.01})
{
	TACH_LOOP(s) {
		record_start();
		now += slow_k++ == 2 ? 5e-3 : 100e-6;
	}
}

Test(bench_load, a_slow_call_delays_the_next_calls_latency_not_their_service_time)
{
	slow_k = 0;
	tach_result *r = run("^ld_slow/", NULL);
	cr_assert_eq(n_starts, 10);
	const double want_start[] = {0, 1e-3, 2e-3, 7e-3, 7.1e-3, 7.2e-3, 7.3e-3, 7.4e-3,
	                             8e-3, 9e-3};
	for (size_t k = 0; k < 10; k++)
		cr_expect(fabs(starts[k] - want_start[k]) < 1e-9, "call %zu started at %.9f", k,
		          starts[k]);
	/* latencies sorted: 0.1 x 4, 0.5, 1.4, 2.3, 3.2, 4.1, 5 (ms) */
	expect_near(value(r, 0, "latency_p50"), 0.5e-3, "latency_p50");
	expect_near(value(r, 0, "latency_p90"), 4.1e-3, "latency_p90");
	expect_near(value(r, 0, "latency_max"), 5e-3, "latency_max");
	/* service times: 0.1 ms x 9, then the slow call's 5 ms */
	expect_near(value(r, 0, "service_time_p90"), 0.1e-3, "service_time_p90");
	expect_near(value(r, 0, "service_time_max"), 5e-3, "service_time_max");
	/* calls 3..6 started more than 1 ms late, call 7 0.4 ms late */
	cr_expect_eq(value(r, 0, "late_starts"), 4);
	cr_expect_eq(value(r, 0, "achieved_rate"), 1000);
	tach_result_free(r);
}

/* Poisson arrivals at 1000/s for 10 s, calls taking no time. */
TACH_BENCH(ld_poisson, .load = {.rates = TACH_RATES(1000), .duration = 10,
                                .arrivals = TACH_ARRIVALS_POISSON})
{
	TACH_LOOP(s) {
		record_start();
	}
}

/* The gaps between starts: their mean and coefficient of variation. */
static void gaps(double *mean, double *cv)
{
	double *g = malloc(n_starts * sizeof *g);
	cr_assert(g);
	for (size_t k = 1; k < n_starts; k++)
		g[k - 1] = starts[k] - starts[k - 1];
	*mean = tach_stats_mean(g, n_starts - 1);
	*cv = tach_stats_stddev(g, n_starts - 1) / *mean;
	free(g);
}

Test(bench_load, poisson_arrivals_have_mean_gap_one_over_the_rate)
{
	tach_result *r = run("^ld_poisson/", NULL);
	/* about 10,000 arrivals: the standard error of the mean gap is 1 %,
	 * and the seed is fixed, so 5 % is a wide margin, not a gamble */
	cr_assert_gt(n_starts, 9000);
	cr_assert_lt(n_starts, 11000);
	double mean, cv;
	gaps(&mean, &cv);
	cr_expect(fabs(mean - 1e-3) < 0.05e-3, "mean gap %.6g s", mean);
	cr_expect(cv > 0.9 && cv < 1.1, "CV of the gaps %.3f, an exponential's is 1", cv);
	cr_expect_eq(value(r, 0, "achieved_rate"), (double)n_starts / 10);
	cr_expect_str_eq(tach_kvlist_get(&r->meta.context, "load_arrivals"), "poisson");
	tach_result_free(r);

	/* the same seed, the same arrivals; another seed, others */
	double first[3] = {starts[1], starts[2], starts[3]};
	tach_bench_run_opts o;
	memset(&o, 0, sizeof o);
	r = run("^ld_poisson/", &o);
	cr_expect(starts[1] == first[0] && starts[3] == first[2], "seed 1 twice differs");
	tach_result_free(r);
	o.seed = 2;
	r = run("^ld_poisson/", &o);
	cr_expect(starts[1] != first[0], "seeds 1 and 2 gave the same arrival");
	tach_result_free(r);
}

/* Overrides: --arrivals constant turns the same benchmark into even
 * slots; --rate and --duration change the rate and the window. */
Test(bench_load, run_options_override_rate_duration_and_arrivals)
{
	tach_bench_run_opts o;
	memset(&o, 0, sizeof o);
	o.set_arrivals = 1;
	o.arrivals = TACH_ARRIVALS_CONSTANT;
	o.rates = TACH_RATES(50, 200);
	o.load_duration = 0.1;
	tach_result *r = run("^ld_poisson/", &o);
	cr_assert_eq(r->n_benchmarks, 2);
	cr_expect_str_eq(r->benchmarks[0]->name, "ld_poisson/rate:50");
	cr_expect_str_eq(r->benchmarks[1]->name, "ld_poisson/rate:200");
	cr_expect_eq(n_starts, 5 + 20);
	cr_expect_eq(value(r, 0, "achieved_rate"), 50);
	cr_expect_eq(value(r, 1, "achieved_rate"), 200);
	cr_expect(fabs(starts[6] - starts[5] - 1.0 / 200) < 1e-9, "gap %.9f",
	          starts[6] - starts[5]);
	cr_expect_str_eq(tach_kvlist_get(&r->meta.context, "load_arrivals"), "constant");
	cr_expect_str_eq(tach_kvlist_get(&r->meta.context, "load_duration"), "0.1");
	cr_expect_str_eq(tach_kvlist_get(&r->meta.context, "load_max_in_flight"), "1");
	tach_result_free(r);
}

/* Warm-up calls run at the rate and are left out; every other measured
 * call fails. */
static size_t fail_k;
TACH_BENCH(ld_warm_fail, .load = {.rates = TACH_RATES(1000), .duration = 0.01,
                                  .warmup = 0.005})
{
	TACH_LOOP(s) {
		record_start();
		now += 10e-6;
		if (fail_k++ % 2)
			tach_fail_call(s);
	}
}

Test(bench_load, warmup_calls_are_not_measured_and_failures_are_counted)
{
	fail_k = 0;
	tach_result *r = run("^ld_warm_fail/", NULL);
	cr_expect_eq(n_starts, 15);
	cr_expect_eq(value(r, 0, "achieved_rate"), 1000);
	/* calls 5..14 are measured; the odd ones failed */
	cr_expect_eq(value(r, 0, "failures"), 5);
	tach_result_free(r);
}

/* A rate of 0 or below fails the benchmark with the reason. */
TACH_BENCH(ld_bad_rate, .load = {.rates = TACH_RATES(-5)})
{
	TACH_LOOP(s) {
	}
}

Test(bench_load, a_bad_rate_fails_with_the_reason)
{
	tach_result *r = run("^ld_bad_rate", NULL);
	cr_assert_eq(r->n_benchmarks, 1);
	cr_assert(r->benchmarks[0]->error);
	cr_expect(strstr(r->benchmarks[0]->error, "rate"), "%s", r->benchmarks[0]->error);
	tach_result_free(r);
}

/* tach_skip_with_error in a call stops the schedule: no call after it,
 * and the benchmark carries the reason. */
TACH_BENCH(ld_skip, .load = {.rates = TACH_RATES(1000), .duration = 0.01})
{
	TACH_LOOP(s) {
		record_start();
		now += 10e-6;
		if (n_starts == 3)
			tach_skip_with_error(s, "the server went away");
	}
}

/* A load benchmark that never loops is an error, not a hang. */
TACH_BENCH(ld_no_loop, .load = {.rates = TACH_RATES(1000), .duration = 0.01})
{
	(void)s;
}

Test(bench_load, an_error_stops_the_calls_and_no_loop_is_an_error)
{
	tach_result *r = run("^ld_skip/", NULL);
	cr_expect_eq(n_starts, 3);
	cr_assert_eq(r->n_benchmarks, 1);
	cr_expect_str_eq(r->benchmarks[0]->error ? r->benchmarks[0]->error : "",
	                 "the server went away");
	tach_result_free(r);
	r = run("^ld_no_loop/", NULL);
	cr_assert_eq(r->n_benchmarks, 1);
	cr_expect(r->benchmarks[0]->error && strstr(r->benchmarks[0]->error, "tach_loop"));
	tach_result_free(r);
}

/* Names: the arguments, then the rate, then the threads (Google
 * Benchmark's order, threads last); the run options' rates replace the
 * benchmark's own for --list as for the run. */
TACH_BENCH(ld_named, .args = TACH_ARGS(64), .threads = TACH_THREADS(1, 2),
           .load = {.rates = TACH_RATES(10, 2.5)})
{
	TACH_LOOP(s) {
	}
}

Test(bench_load, names_carry_args_rate_and_threads)
{
	const char *want[] = {"ld_named/64/rate:10/threads:1", "ld_named/64/rate:10/threads:2",
	                      "ld_named/64/rate:2.5/threads:1", "ld_named/64/rate:2.5/threads:2"};
	for (size_t i = 0; i < 4; i++)
		cr_expect_str_eq(tach_bench_list("^ld_named/", i), want[i]);
	cr_expect_null(tach_bench_list("^ld_named/", 4));
	cr_expect_str_eq(tach_bench_list_load("^ld_named/", TACH_THREADS(2), TACH_RATES(1e6), 0),
	                 "ld_named/64/rate:1000000/threads:2");
	cr_expect_null(tach_bench_list_load("^ld_named/", TACH_THREADS(2), TACH_RATES(1e6), 1));
}

/* ---- a benchmark program end to end ---- */

/* Runs load_bench with args (NULL-terminated); caller frees with
 * run_free. */
static run_result run_prog(const char *const *args)
{
	return run_exe(TACH_LOAD_BENCH, args, NULL, NULL, NULL);
}

static const tach_benchmark *find(const tach_result *r, const char *name)
{
	for (size_t i = 0; i < r->n_benchmarks; i++)
		if (!strcmp(r->benchmarks[i]->name, name))
			return r->benchmarks[i];
	cr_assert_fail("no benchmark '%s'", name);
	return NULL;
}

Test(bench_load, program_writes_one_benchmark_per_rate_with_the_contract_metrics)
{
	const char *args[] = {"--format", "json", "--no-alloc", "--rate", "100,250", "--duration",
	                      "20ms", "--min-time", "1ms", "--repetitions", "2", NULL};
	run_result p = run_prog(args);
	cr_assert_eq(p.status, 0, "status %d: %s", p.status, p.err);
	tach_result *r;
	tach_error e;
	memset(&e, 0, sizeof e);
	cr_assert_eq(tach_result_read_buffer(p.out, p.out_len, "load_bench", &r, &e), 0, "%s",
	             e.message);
	static const char *const lower[] = {
		"latency_p50",      "latency_p90",      "latency_p99",       "latency_p999",
		"latency_max",      "service_time_p50", "service_time_p90",  "service_time_p99",
		"service_time_p999", "service_time_max", "late_starts",      "peak_in_flight",
		"failures"};
	const char *names[] = {"load_empty/rate:100/threads:2", "load_empty/rate:250/threads:2",
	                       "load_failing/rate:100", "load_failing/rate:250"};
	const char *rates[] = {"100", "250", "100", "250"};
	for (size_t i = 0; i < 4; i++) {
		const tach_benchmark *b = find(r, names[i]);
		cr_expect_null(b->error, "%s: %s", names[i], b->error);
		cr_expect_str_eq(tach_kvlist_get(&b->params, "rate"), rates[i]);
		cr_expect_null(tach_benchmark_metric(b, TACH_M_TIME), "%s has a time", names[i]);
		for (size_t k = 0; k < sizeof lower / sizeof *lower; k++) {
			const tach_metric *m = tach_benchmark_metric(b, lower[k]);
			cr_assert(m, "%s has no %s", names[i], lower[k]);
			cr_expect_eq(m->n_samples, 1);
			cr_expect_eq(m->direction, TACH_LOWER_IS_BETTER, "%s", lower[k]);
			cr_expect_str_eq(m->unit, strstr(lower[k], "_p") || strstr(lower[k], "_max")
			                                  ? "s" : "count", "%s", lower[k]);
		}
		const tach_metric *a = tach_benchmark_metric(b, "achieved_rate");
		cr_assert(a);
		cr_expect_str_eq(a->unit, "/s");
		cr_expect_eq(a->direction, TACH_HIGHER_IS_BETTER);
		/* structure, not timing: no more workers busy than there are */
		double peak = tach_benchmark_metric(b, "peak_in_flight")->samples[0];
		cr_expect(peak >= 1 && peak <= (i < 2 ? 2 : 1), "%s: peak %g", names[i], peak);
	}
	/* every other call of load_failing fails: some failures at least */
	cr_expect_gt(tach_benchmark_metric(find(r, "load_failing/rate:250"), "failures")->samples[0],
	             0);
	cr_expect_str_eq(tach_kvlist_get(&r->meta.context, "load_duration"), "0.02");
	cr_expect_str_eq(tach_kvlist_get(&r->meta.context, "load_arrivals"), "mixed");
	/* the closed-loop benchmark beside them is timed as ever */
	cr_expect(tach_benchmark_metric(find(r, "closed_loop"), TACH_M_TIME));
	tach_result_free(r);
	run_free(&p);
}

Test(bench_load, program_names_its_options_lists_the_rates_and_refuses_bad_ones)
{
	const char *help[] = {"--help", NULL};
	run_result p = run_prog(help);
	cr_expect_eq(p.status, 0);
	for (const char *const *o = (const char *const[]){"--rate LIST", "--duration TIME",
	                                                  "--load-warmup TIME", "--arrivals KIND",
	                                                  NULL};
	     *o; o++)
		cr_expect(strstr(p.out, *o), "--help lacks %s", *o);
	run_free(&p);
	const char *list[] = {"--list", "--rate", "5,1e3", "--filter", "^load_empty", NULL};
	p = run_prog(list);
	cr_expect_eq(p.status, 0);
	cr_expect_str_eq(p.out, "load_empty/rate:5/threads:2\nload_empty/rate:1000/threads:2\n");
	run_free(&p);
	const char *bad[] = {"--rate", "0", NULL};
	p = run_prog(bad);
	cr_expect_eq(p.status, 2);
	cr_expect(strstr(p.err, "invalid value '0' for --rate"), "%s", p.err);
	run_free(&p);
	const char *arr[] = {"--arrivals", "bursty", NULL};
	p = run_prog(arr);
	cr_expect_eq(p.status, 2);
	cr_expect(strstr(p.err, "invalid value 'bursty' for --arrivals"), "%s", p.err);
	run_free(&p);
	/* the text table: a section of its own for the open-loop results */
	const char *text[] = {"--no-alloc", "--filter", "^load_failing", "--duration", "10ms", NULL};
	p = run_prog(text);
	cr_expect_eq(p.status, 0, "%s", p.err);
	cr_expect(strstr(p.out, "open loop") && strstr(p.out, "load_failing/rate:300"), "%s",
	          p.out);
	run_free(&p);
}
