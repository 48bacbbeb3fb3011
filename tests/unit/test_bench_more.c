/* test_bench_more.c - the benchmark library's issue 19 additions, with
 * fake wall and CPU clocks: cpu_time (the threads' CPU seconds in their
 * timed loops, as Google Benchmark's cpu_time), manual timing, argument
 * generators (dense ranges, any number of dimensions, thread ranges and
 * nproc) and the per-thread-average and inverted counter kinds. */
#include <criterion/criterion.h>
#include <math.h>
#include <string.h>
#include <unistd.h>

#include "tach/tach.h"
#include "tach/bench.h"
#include "bench_testutil.h"

/* Per-thread fake clocks: each thread's loop advances its own wall and
 * CPU time, as a thread running on a core of its own would. */
static _Thread_local double wall_now, cpu_now;
static double fake_wall(void *ctx)
{
	(void)ctx;
	return wall_now;
}
static double fake_cpu(void *ctx)
{
	(void)ctx;
	return cpu_now;
}

/* 2^-20 s and fractions of it: exact in binary, so sums stay exact. */
static const double step = 0x1p-20;

static tach_result *run(const char *filter, tach_bench_run_opts *o)
{
	tach_bench_run_opts d;
	memset(&d, 0, sizeof d);
	if (!o)
		o = &d;
	o->filter = filter;
	o->clock = fake_wall;
	o->cpu_clock = fake_cpu;
	o->max_time = -1; /* per-thread clocks: no common wall clock to budget */
	o->repetitions = 3;
	o->max_repetitions = 3;
	tach_result *r = tach_result_new();
	tach_error err;
	memset(&err, 0, sizeof err);
	cr_assert_eq(tach_bench_run_all(o, r, &err), 0, "%s", err.message);
	return r;
}

static const tach_metric *metric(const tach_result *r, size_t i, const char *name)
{
	cr_assert_lt(i, r->n_benchmarks);
	const tach_metric *m = tach_benchmark_metric(r->benchmarks[i], name);
	cr_assert(m, "%s has no %s (error: %s)", r->benchmarks[i]->name, name,
	          r->benchmarks[i]->error ? r->benchmarks[i]->error : "none");
	return m;
}

/* ---- item 1: cpu_time ---- */

/* Each iteration: 1 step of wall time, of which half a step on the CPU
 * (the rest waiting, as for I/O); 4 steps of paused work on the CPU,
 * left out like the wall time of the pause. */
TACH_BENCH(bm_cpu, .threads = TACH_THREADS(1, 2))
{
	wall_now = cpu_now = 0;
	while (tach_loop(s)) {
		tach_pause(s);
		cpu_now += 4 * step;
		wall_now += 4 * step;
		tach_resume(s);
		wall_now += step;
		cpu_now += step / 2;
	}
}

Test(bench_more, cpu_time_is_the_threads_cpu_per_iteration)
{
	tach_result *r = run("^bm_cpu/", NULL);
	cr_assert_eq(r->n_benchmarks, 2);
	for (size_t i = 0; i < 2; i++) {
		const tach_metric *t = metric(r, i, "time"), *c = metric(r, i, "cpu_time");
		cr_expect_str_eq(c->unit, "s");
		cr_expect_eq(c->direction, TACH_LOWER_IS_BETTER);
		cr_expect_eq(c->n_samples, t->n_samples);
		for (size_t k = 0; k < c->n_samples; k++) {
			cr_expect_float_eq(t->samples[k], step, 1e-18);
			/* summed over both threads, over both threads' iterations:
			 * the CPU of one iteration, as Google Benchmark reports it */
			cr_expect_float_eq(c->samples[k], step / 2, 1e-18, "%s: %g",
			                   r->benchmarks[i]->name, c->samples[k]);
			cr_expect_eq(c->iterations[k], t->iterations[k]);
		}
	}
	tach_result_free(r);
}

/* The same name, unit and direction as the Google Benchmark importer's
 * cpu_time, so that compare lines the two up. */
Test(bench_more, cpu_time_matches_the_google_benchmark_import)
{
	const char *gb = "{\"context\": {\"date\": \"x\"}, \"benchmarks\": [{\"name\": \"bm_cpu\", "
	                 "\"run_type\": \"iteration\", \"iterations\": 10, \"real_time\": 2, "
	                 "\"cpu_time\": 1, \"time_unit\": \"us\"}]}";
	tach_result *g = NULL;
	tach_error err;
	memset(&err, 0, sizeof err);
	cr_assert_eq(tach_import_buffer(gb, strlen(gb), "gb.json", NULL, &g, &err), 0, "%s",
	             err.message);
	const tach_metric *gc = tach_benchmark_metric(g->benchmarks[0], TACH_M_CPU_TIME);
	cr_assert(gc);
	tach_result *r = run("^bm_cpu/threads:1$", NULL);
	const tach_metric *c = metric(r, 0, TACH_M_CPU_TIME);
	cr_expect_str_eq(c->name, gc->name);
	cr_expect_str_eq(c->unit, gc->unit);
	cr_expect_eq(c->direction, gc->direction);
	cr_expect_float_eq(gc->samples[0], 1e-6, 1e-15);
	tach_result_free(r);
	tach_result_free(g);
}

/* ---- item 2: manual timing ---- */

TACH_BENCH(bm_manual, .manual_time = 1)
{
	wall_now = cpu_now = 0;
	while (tach_loop(s)) {
		wall_now += step;                      /* what the wall clock sees */
		tach_set_iteration_time(s, 3 * step);  /* what the user timed */
	}
	tach_set_items(s, tach_iterations(s));
}

TACH_BENCH(bm_manual_threads, .manual_time = 1, .threads = TACH_THREADS(2))
{
	wall_now = 0;
	/* thread 1 reports twice thread 0's time: the call is the slower */
	double per = tach_thread_index(s) ? 2 * step : step;
	while (tach_loop(s)) {
		wall_now += step;
		tach_set_iteration_time(s, per);
	}
}

TACH_BENCH(bm_manual_never, .manual_time = 1)
{
	while (tach_loop(s))
		wall_now += step;
}

TACH_BENCH(bm_manual_negative, .manual_time = 1)
{
	while (tach_loop(s))
		tach_set_iteration_time(s, -1);
}

TACH_BENCH(bm_not_manual)
{
	wall_now = 0;
	while (tach_loop(s)) {
		wall_now += step;
		tach_set_iteration_time(s, 3 * step); /* ignored: not manual */
	}
}

Test(bench_more, manual_time_replaces_the_wall_clock)
{
	tach_result *r = run("^bm_manual$", NULL);
	const tach_metric *t = metric(r, 0, "time");
	const tach_metric *ips = metric(r, 0, "items_per_second");
	for (size_t k = 0; k < t->n_samples; k++) {
		cr_expect_float_eq(t->samples[k], 3 * step, 1e-18);
		/* rates are per second of the manual time too */
		cr_expect_float_eq(ips->samples[k], 1 / (3 * step), 1e-3);
	}
	/* calibration ran on the manual time: 10 ms of it, not of the wall */
	cr_expect_geq((double)t->iterations[0] * 3 * step, 0.01);
	cr_expect_lt((double)t->iterations[0] * 3 * step, 0.02);
	tach_result_free(r);

	r = run("^bm_manual_threads/", NULL);
	t = metric(r, 0, "time");
	cr_expect_float_eq(t->samples[0], 2 * step, 1e-18);
	tach_result_free(r);

	r = run("^bm_not_manual$", NULL);
	t = metric(r, 0, "time");
	cr_expect_float_eq(t->samples[0], step, 1e-18);
	tach_result_free(r);
}

Test(bench_more, manual_time_never_reported_is_an_error)
{
	tach_result *r = run("^bm_manual_(never|negative)$", NULL);
	cr_assert_eq(r->n_benchmarks, 2);
	const tach_benchmark *never = r->benchmarks[0], *neg = r->benchmarks[1];
	cr_assert(never->error && neg->error);
	cr_expect(strstr(never->error, "never called tach_set_iteration_time()"), "%s",
	          never->error);
	cr_expect_null(tach_benchmark_metric(never, "time"), "no made-up time");
	cr_expect(strstr(neg->error, "tach_set_iteration_time(-1)"), "%s", neg->error);
	tach_result_free(r);
}

/* ---- item 4: argument generators ---- */

static void plain(tach_state *s)
{
	while (tach_loop(s))
		wall_now += step;
}
#define GEN(name, ...) TEST_BENCH_REGISTER(name, plain, __VA_ARGS__)
GEN(gen_dense, .args = TACH_DENSE(0, 20, 8))
GEN(gen_dense_exact, .args = TACH_DENSE(-4, 4, 4))
GEN(gen_mixed, .args = TACH_ARGS(1, TACH_DENSE_ITEMS(10, 30, 10), TACH_RANGE_ITEMS(64, 512, 8), 3))
GEN(gen_product, .args_product = TACH_PRODUCT(TACH_ARGS(1, 2), TACH_DENSE(0, 10, 10),
                                               TACH_RANGE(8, 64, 8)))
GEN(gen_threads, .threads = TACH_THREAD_RANGE(1, 6))
GEN(gen_threads3, .threads = TACH_THREAD_RANGE(3, 12))
GEN(gen_nproc, .threads = TACH_THREADS(1, TACH_NPROC))
GEN(gen_nproc_range, .threads = TACH_THREAD_RANGE(1, TACH_NPROC))
GEN(gen_bad_step, .args = TACH_DENSE(0, 10, 0))
GEN(gen_bad_both, .args = TACH_ARGS(1), .args_product = TACH_PRODUCT(TACH_ARGS(2)))
GEN(gen_bad_threads, .threads = TACH_THREAD_RANGE(8, 2))
GEN(gen_too_many, .args = TACH_DENSE(0, 5000, 1))

/* DenseRange, ArgsProduct and ThreadRange give these lists in Google
 * Benchmark (its ThreadRange is Range with multiplier 2). */
Test(bench_more, generators_expand_like_google_benchmark)
{
	expect_instances("gen_dense", "gen_dense/0 gen_dense/8 gen_dense/16");
	expect_instances("gen_dense_exact", "gen_dense_exact/-4 gen_dense_exact/0 gen_dense_exact/4");
	expect_instances("gen_mixed", "gen_mixed/1 gen_mixed/10 gen_mixed/20 gen_mixed/30 "
	                              "gen_mixed/64 gen_mixed/512 gen_mixed/3");
	expect_instances("gen_product",
	                 "gen_product/1/0/8 gen_product/1/0/64 gen_product/1/10/8 "
	                 "gen_product/1/10/64 gen_product/2/0/8 gen_product/2/0/64 "
	                 "gen_product/2/10/8 gen_product/2/10/64");
	expect_instances("gen_threads", "gen_threads/threads:1 gen_threads/threads:2 "
	                                "gen_threads/threads:4 gen_threads/threads:6");
	expect_instances("gen_threads3", "gen_threads3/threads:3 gen_threads3/threads:4 "
	                                 "gen_threads3/threads:8 gen_threads3/threads:12");
}

/* nproc is the online CPUs; a count repeated in one list runs once. */
Test(bench_more, nproc_is_the_online_cpus)
{
	long ncpu = sysconf(_SC_NPROCESSORS_ONLN);
	cr_assert_gt(ncpu, 0);
	char want[512];
	if (ncpu == 1)
		snprintf(want, sizeof want, "gen_nproc");
	else
		snprintf(want, sizeof want, "gen_nproc/threads:1 gen_nproc/threads:%ld", ncpu);
	expect_instances("gen_nproc", want);
	size_t len = (size_t)snprintf(want, sizeof want, "gen_nproc_range");
	/* 1, the powers of 2 below ncpu, ncpu */
	for (long t = 1; ncpu > 1; t *= 2) {
		long c = t < ncpu ? t : ncpu;
		len += (size_t)snprintf(want + len, sizeof want - len, "%s/threads:%ld",
		                        c > 1 ? " gen_nproc_range" : "", c);
		if (c == ncpu)
			break;
	}
	expect_instances("gen_nproc_range", want);
	/* the run options' thread list expands the same way */
	tach_bench_run_opts o;
	memset(&o, 0, sizeof o);
	o.threads = TACH_THREAD_RANGE(2, 2);
	tach_result *r = run("^gen_dense/0/", &o);
	cr_assert_eq(r->n_benchmarks, 1);
	cr_expect_str_eq(r->benchmarks[0]->name, "gen_dense/0/threads:2");
	tach_result_free(r);
}

/* Any number of dimensions: tach_arg(s, k) for every k, names from
 * .arg_names, one parameter each in the results. */
static int64_t seen[4];
TACH_BENCH(bm_dims, .args_product = TACH_PRODUCT(TACH_ARGS(5), TACH_ARGS(6), TACH_ARGS(7),
                                                 TACH_DENSE(100, 100, 1)),
           .arg_names = "a,b,c,d")
{
	for (int k = 0; k < 4; k++)
		seen[k] = tach_arg(s, k);
	cr_expect_eq(tach_arg(s, 4), 0);
	cr_expect_eq(tach_arg(s, TACH_MAX_ARGS), 0, "out of range: 0, not a crash");
	cr_expect_eq(tach_arg(s, -1), 0);
	plain(s);
}

Test(bench_more, any_number_of_dimensions)
{
	tach_result *r = run("^bm_dims", NULL);
	cr_assert_eq(r->n_benchmarks, 1);
	const tach_benchmark *b = r->benchmarks[0];
	cr_expect_str_eq(b->name, "bm_dims/5/6/7/100");
	cr_expect_eq(seen[0], 5);
	cr_expect_eq(seen[1], 6);
	cr_expect_eq(seen[2], 7);
	cr_expect_eq(seen[3], 100);
	cr_expect_str_eq(tach_kvlist_get(&b->params, "c"), "7");
	cr_expect_str_eq(tach_kvlist_get(&b->params, "d"), "100");
	tach_result_free(r);
}

Test(bench_more, bad_generators_fail_with_the_reason)
{
	tach_result *r = run("^gen_(bad|too)", NULL);
	cr_assert_eq(r->n_benchmarks, 4);
	const char *want[] = {"step must be at least 1", "not both", "hi must not be below lo",
	                      "too many argument values"};
	for (size_t i = 0; i < 4; i++) {
		const char *e = r->benchmarks[i]->error;
		cr_expect(e && strstr(e, want[i]), "%s: %s", r->benchmarks[i]->name, e ? e : "(none)");
	}
	tach_result_free(r);
}

/* ---- item 6: counter kinds ---- */

TACH_BENCH(bm_counters, .threads = TACH_THREADS(2))
{
	wall_now = 0;
	while (tach_loop(s))
		wall_now += step;
	double it = (double)tach_iterations(s);
	int t = tach_thread_index(s);
	/* thread 0 reports 10, thread 1 reports 30 */
	double v = t ? 30 : 10;
	tach_set_metric(s, "avg", v, "count", TACH_LOWER_IS_BETTER, TACH_COUNTER_AVG_THREADS);
	tach_set_metric(s, "avg_rate", v * it, "count", TACH_HIGHER_IS_BETTER,
	                TACH_COUNTER_AVG_THREADS_RATE);
	tach_set_metric(s, "pkt_time", 4 * it, "packet", TACH_LOWER_IS_BETTER,
	                TACH_COUNTER_INVERTED_RATE);
	tach_set_metric(s, "op_time", 2 * it, "count", TACH_LOWER_IS_BETTER,
	                TACH_COUNTER_RATE | TACH_COUNTER_INVERT);
	tach_set_metric(s, "inv_total", 4, "x", TACH_LOWER_IS_BETTER,
	                TACH_COUNTER_TOTAL | TACH_COUNTER_INVERT);
	tach_set_metric(s, "inv_zero", 0, "x", TACH_LOWER_IS_BETTER,
	                TACH_COUNTER_TOTAL | TACH_COUNTER_INVERT);
}

Test(bench_more, average_per_thread_and_inverted_counters)
{
	tach_result *r = run("^bm_counters/", NULL);
	const tach_metric *avg = metric(r, 0, "avg"), *ar = metric(r, 0, "avg_rate");
	const tach_metric *pkt = metric(r, 0, "pkt_time"), *op = metric(r, 0, "op_time");
	const tach_metric *inv = metric(r, 0, "inv_total");
	/* (10 + 30) / 2 threads */
	cr_expect_float_eq(avg->samples[0], 20, 1e-12);
	cr_expect_str_eq(avg->unit, "count");
	/* per thread: 20 per iteration, an iteration is one step */
	cr_expect_float_eq(ar->samples[0], 20 / step, 1e-3);
	cr_expect_str_eq(ar->unit, "count/s");
	/* 8 packets per iteration of both threads in one step: step/8 s each */
	cr_expect_float_eq(pkt->samples[0], step / 8, 1e-18);
	cr_expect_str_eq(pkt->unit, "s/packet");
	cr_expect_float_eq(op->samples[0], step / 4, 1e-18);
	cr_expect_str_eq(op->unit, "s", "seconds per count");
	cr_expect_float_eq(inv->samples[0], 1.0 / 8, 1e-15);
	cr_expect_str_eq(inv->unit, "x");
	/* 1/0 cannot be a sample: the metric is there without one */
	const tach_metric *zero = tach_benchmark_metric(r->benchmarks[0], "inv_zero");
	cr_expect(!zero || zero->n_samples == 0);
	tach_result_free(r);
}
