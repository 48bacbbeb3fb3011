/* test_load.c - open-loop load (tach/loadgen.h, tach/load.h) on a fake
 * clock: starts at k / rate, a blocked slot that pushes latency but not
 * service time (coordinated omission), Poisson arrivals, warmup runs left
 * out, late starts, failures, the backlog given up, a stop; the results
 * model of a load test; and the sweeps and knees of hand-built result sets.
 */
#include <criterion/criterion.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tach/load.h"
#include "tach/loadgen.h"
#include "tach/report.h"

/* ---------------------------------------------------------------------
 * A fake clock and fake runs: time moves only when the scheduler waits
 * (or a start costs time); run k lasts service(k) and fails when
 * fails(k).
 */

#define MAXRUNS 200000

typedef struct fake {
	double t;
	double service;       /* of every run unless stall_run */
	long stall_run;       /* this run lasts stall seconds; -1 none */
	double stall;
	double late_cost;     /* a start of every 4th run takes this long */
	int fail_every;       /* run k fails when k % fail_every == 0 (0: none) */
	double warm_service;  /* > 0: runs started before warm_until last this */
	double warm_until;
	long stop_after;      /* set *stop after this many starts; -1 never */
	volatile int *stop;
	long n_started;
	double started[MAXRUNS];
	/* per slot: the run going in it */
	long slot_run[64];
	double slot_end[64];
	int slot_busy[64];
} fake;

static double f_now(void *ctx)
{
	return ((fake *)ctx)->t;
}

static int f_start(void *ctx, size_t slot, double *started)
{
	fake *f = ctx;
	long k = f->n_started++;
	cr_assert_lt(slot, 64);
	cr_assert(!f->slot_busy[slot], "slot %zu started twice", slot);
	if (f->late_cost > 0 && k % 4 == 0)
		f->t += f->late_cost;
	*started = f->t;
	if (k < MAXRUNS)
		f->started[k] = f->t;
	double d = k == f->stall_run ? f->stall : f->service;
	if (f->warm_service > 0 && f->t < f->warm_until)
		d = f->warm_service;
	f->slot_run[slot] = k;
	f->slot_end[slot] = f->t + d;
	f->slot_busy[slot] = 1;
	if (f->stop && f->stop_after >= 0 && f->n_started >= f->stop_after)
		*f->stop = 1;
	return 0;
}

static int f_wait(void *ctx, double until, tach_load_done_fn done, void *done_ctx)
{
	fake *f = ctx;
	double first = INFINITY;
	for (int i = 0; i < 64; i++)
		if (f->slot_busy[i] && f->slot_end[i] < first)
			first = f->slot_end[i];
	cr_assert(isfinite(first) || isfinite(until), "waiting forever with nothing running");
	double to = first < until ? first : until;
	if (to > f->t)
		f->t = to;
	for (int i = 0; i < 64; i++)
		if (f->slot_busy[i] && f->slot_end[i] <= f->t) {
			f->slot_busy[i] = 0;
			done(done_ctx, (size_t)i, f->slot_end[i],
			     f->fail_every && f->slot_run[i] % f->fail_every == 0);
		}
	return 0;
}

static fake *fake_new(double service)
{
	fake *f = calloc(1, sizeof *f);
	cr_assert(f);
	f->t = 1000; /* any origin */
	f->service = service;
	f->stall_run = -1;
	f->stop_after = -1;
	return f;
}

static tach_load_stats run_fake(fake *f, const tach_loadgen_opts *o)
{
	tach_load_ops ops = {f_now, f_start, f_wait, f};
	tach_load_stats s;
	cr_assert_eq(tach_load_stats_init(&s), 0);
	cr_assert_eq(tach_load_run(o, &ops, &s), 0);
	return s;
}

static double pct(const tach_histogram *h, double q)
{
	return tach_histogram_percentile(h, q) * 1e-9;
}

Test(load_sched, constant_starts_at_k_over_rate)
{
	fake *f = fake_new(0.001);
	tach_loadgen_opts o = {.rate = 100, .duration = 1, .max_in_flight = 4};
	tach_load_stats s = run_fake(f, &o);
	cr_assert_eq(f->n_started, 100);
	for (long k = 0; k < 100; k++)
		cr_assert_float_eq(f->started[k], 1000 + k / 100.0, 1e-9, "start %ld at %.9f", k,
		                   f->started[k]);
	cr_assert_eq(s.scheduled, 100);
	cr_assert_eq(s.started, 100);
	cr_assert_eq(s.dropped, 0);
	cr_assert_eq(s.late_starts, 0);
	cr_assert_eq(s.peak_in_flight, 1);
	cr_assert_float_eq(s.window, 1, 1e-12);
	cr_assert_float_eq(s.achieved_rate, 100, 1e-9);
	cr_assert_eq(tach_histogram_count(s.latency), 100);
	cr_assert_float_eq(pct(s.latency, 50), 0.001, 1e-9);
	cr_assert_float_eq(pct(s.service, 99), 0.001, 1e-9);
	tach_load_stats_release(&s);
	free(f);
}

/* One run stalls 1 s with one slot: the runs due meanwhile wait, and
 * their wait is in the latency, not in the service time. */
Test(load_sched, blocked_slot_pushes_latency_not_service_time)
{
	fake *f = fake_new(0.005);
	f->stall_run = 50;
	f->stall = 1.0;
	tach_loadgen_opts o = {.rate = 100, .duration = 4, .max_in_flight = 1};
	tach_load_stats s = run_fake(f, &o);
	cr_assert_eq(s.started, 400);
	cr_assert_eq(s.dropped, 0);
	/* the service time is the runs' own 5 ms but for the one stall */
	cr_assert_float_eq(pct(s.service, 90), 0.005, 0.005 / 256);
	cr_assert_float_eq(pct(s.service, 99), 0.005, 0.005 / 256);
	cr_assert_float_eq(tach_histogram_max(s.service) * 1e-9, 1.0, 1e-9);
	/* run 51 was due at 0.51 and started at 1.50: its latency is 0.995 s;
	 * about 100 runs waited behind the stall, so p99 is hundreds of ms */
	cr_assert_float_eq(tach_histogram_max(s.latency) * 1e-9, 1.0, 1e-6);
	cr_assert_gt(pct(s.latency, 99), 0.5);
	cr_assert_gt(pct(s.latency, 90), 0.1);
	cr_assert_gt(s.late_starts, 90);
	tach_load_stats_release(&s);
	free(f);
}

Test(load_sched, poisson_mean_rate_and_seed)
{
	fake *f = fake_new(0);
	tach_loadgen_opts o = {.rate = 1000, .duration = 100, .max_in_flight = 8,
	                    .arrivals = TACH_LOAD_POISSON, .seed = 7};
	tach_load_stats s = run_fake(f, &o);
	/* 100000 expected, standard deviation 316 */
	cr_assert_float_eq(s.achieved_rate, 1000, 15, "achieved %g", s.achieved_rate);
	/* exponential gaps: mean 1 ms, standard deviation 1 ms */
	double sum = 0, sq = 0;
	long n = f->n_started - 1;
	for (long k = 0; k < n; k++) {
		double g = f->started[k + 1] - f->started[k];
		cr_assert_geq(g, 0);
		sum += g;
		sq += g * g;
	}
	double mean = sum / n, sd = sqrt(sq / n - mean * mean);
	cr_assert_float_eq(mean, 0.001, 0.00002);
	cr_assert_float_eq(sd / mean, 1, 0.03);
	/* the same seed, the same arrivals */
	fake *g = fake_new(0);
	tach_load_stats s2 = run_fake(g, &o);
	cr_assert_eq(g->n_started, f->n_started);
	cr_assert_eq(memcmp(g->started, f->started, sizeof f->started), 0);
	tach_load_stats_release(&s);
	tach_load_stats_release(&s2);
	free(f);
	free(g);
}

Test(load_sched, warmup_runs_not_recorded)
{
	fake *f = fake_new(0.001);
	f->warm_service = 0.05; /* a cold start: slow */
	f->warm_until = 1001;
	tach_loadgen_opts o = {.rate = 10, .duration = 1, .warmup = 1, .max_in_flight = 4};
	tach_load_stats s = run_fake(f, &o);
	cr_assert_eq(f->n_started, 20);
	cr_assert_eq(s.scheduled, 10);
	cr_assert_eq(s.started, 10);
	cr_assert_eq(tach_histogram_count(s.latency), 10);
	cr_assert_float_eq(tach_histogram_max(s.latency) * 1e-9, 0.001, 1e-9);
	cr_assert_float_eq(s.achieved_rate, 10, 1e-9);
	tach_load_stats_release(&s);
	free(f);
}

Test(load_sched, late_starts_and_failures_counted)
{
	fake *f = fake_new(0.001);
	f->late_cost = 0.002; /* every 4th start 2 ms late */
	f->fail_every = 5;
	tach_loadgen_opts o = {.rate = 20, .duration = 1, .max_in_flight = 2};
	tach_load_stats s = run_fake(f, &o);
	cr_assert_eq(s.started, 20);
	cr_assert_eq(s.late_starts, 5); /* runs 0, 4, 8, 12, 16 */
	cr_assert_eq(s.failures, 4);    /* runs 0, 5, 10, 15 */
	cr_assert_float_eq(tach_histogram_max(s.lateness) * 1e-9, 0.002, 1e-9);
	tach_load_stats_release(&s);
	/* a threshold of 5 ms: none late */
	fake *g = fake_new(0.001);
	g->late_cost = 0.002;
	o.late = 0.005;
	s = run_fake(g, &o);
	cr_assert_eq(s.late_starts, 0);
	tach_load_stats_release(&s);
	free(f);
	free(g);
}

Test(load_sched, backlog_given_up_counts_dropped)
{
	fake *f = fake_new(1.0);
	tach_loadgen_opts o = {.rate = 10, .duration = 1, .max_in_flight = 1, .backlog = 0.5};
	tach_load_stats s = run_fake(f, &o);
	/* starts at 0 and 1 (ends 2 > window end + 0.5): the rest dropped */
	cr_assert_eq(s.started, 2);
	cr_assert_eq(s.dropped, 8);
	cr_assert_eq(s.scheduled, 10);
	cr_assert_float_eq(s.achieved_rate, 2, 1e-9);
	tach_load_stats_release(&s);
	free(f);
}

Test(load_sched, stop_ends_starts_and_reaps)
{
	volatile int stop = 0;
	fake *f = fake_new(0.001);
	f->stop = &stop;
	f->stop_after = 5;
	tach_loadgen_opts o = {.rate = 10, .duration = 10, .max_in_flight = 1, .stop = &stop};
	tach_load_stats s = run_fake(f, &o);
	cr_assert_eq(f->n_started, 5);
	cr_assert(s.stopped);
	cr_assert_eq(tach_histogram_count(s.latency), 5); /* all reaped */
	cr_assert_eq(s.dropped, 95);
	tach_load_stats_release(&s);
	free(f);
}

Test(load_sched, bad_options)
{
	fake *f = fake_new(0.001);
	tach_load_ops ops = {f_now, f_start, f_wait, f};
	tach_load_stats s;
	cr_assert_eq(tach_load_stats_init(&s), 0);
	tach_loadgen_opts o = {.rate = 0, .duration = 1};
	cr_assert_eq(tach_load_run(&o, &ops, &s), TACH_EINVAL);
	o.rate = INFINITY;
	cr_assert_eq(tach_load_run(&o, &ops, &s), TACH_EINVAL);
	o.rate = 1;
	o.duration = -1;
	cr_assert_eq(tach_load_run(&o, &ops, &s), TACH_EINVAL);
	tach_load_stats_release(&s);
	free(f);
}

Test(load_result, one_benchmark_per_rate_with_contract_metrics)
{
	fake *f = fake_new(0.002);
	tach_loadgen_opts o = {.rate = 50, .duration = 1, .max_in_flight = 3};
	tach_load_stats s = run_fake(f, &o);
	tach_result *r = tach_result_new();
	tach_run_sample whole = {.wall = 2, .user = 0.5, .system = 0.5, .peak_rss = 4096};
	cr_assert_eq(tach_load_add_result(r, "job", "job --x", &o, &s, &whole), 0);
	cr_assert_eq(r->n_benchmarks, 1);
	tach_benchmark *b = r->benchmarks[0];
	cr_assert_str_eq(b->name, "job/rate:50");
	cr_assert_str_eq(tach_kvlist_get(&b->params, "rate"), "50");
	static const char *names[] = {
		"latency_p50", "latency_p90", "latency_p99", "latency_p999", "latency_max",
		"service_time_p50", "service_time_p90", "service_time_p99", "service_time_p999",
		"service_time_max", "achieved_rate", "late_starts", "peak_in_flight", "failures",
		"dropped_starts", "start_lateness_p99", "cpu_percent", "peak_rss"};
	for (size_t i = 0; i < sizeof names / sizeof *names; i++) {
		tach_metric *m = tach_benchmark_metric(b, names[i]);
		cr_assert(m, "no %s", names[i]);
		cr_assert_eq(m->n_samples, 1, "%s", names[i]);
		const char *unit;
		tach_direction dir;
		cr_assert(tach_metric_known(names[i], &unit, &dir), "%s not well known", names[i]);
		cr_assert_str_eq(m->unit, unit);
		cr_assert_eq(m->direction, dir);
	}
	cr_assert_float_eq(tach_benchmark_metric(b, "latency_p50")->samples[0], 0.002, 1e-5);
	cr_assert_float_eq(tach_benchmark_metric(b, "achieved_rate")->samples[0], 50, 1e-9);
	cr_assert_eq(tach_benchmark_metric(b, "achieved_rate")->direction, TACH_HIGHER_IS_BETTER);
	cr_assert_float_eq(tach_benchmark_metric(b, "cpu_percent")->samples[0], 50, 1e-9);
	cr_assert_str_eq(tach_kvlist_get(&r->meta.context, "load_arrivals"), "constant");
	cr_assert_str_eq(tach_kvlist_get(&r->meta.context, "load_duration"), "1");
	cr_assert_str_eq(tach_kvlist_get(&r->meta.context, "load_max_in_flight"), "3");
	tach_result_free(r);
	tach_load_stats_release(&s);
	free(f);
}

/* ---------------------------------------------------------------------
 * Sweeps and knees on hand-built result sets.
 */

static void add_point(tach_result *r, const char *name, const char *rate, double achieved,
                      double p99, const char *other)
{
	char full[128];
	snprintf(full, sizeof full, "%s/rate:%s", name, rate);
	tach_benchmark *b = tach_result_add_benchmark(r, full);
	cr_assert(b);
	tach_kvlist_set(&b->params, "rate", rate);
	if (other)
		tach_kvlist_set(&b->params, "size", other);
	tach_metric *m = tach_benchmark_add_metric(b, "achieved_rate", "/s", TACH_HIGHER_IS_BETTER);
	tach_metric_add_sample(m, achieved);
	if (!isnan(p99)) {
		m = tach_benchmark_add_metric(b, "latency_p99", "s", TACH_LOWER_IS_BETTER);
		tach_metric_add_sample(m, p99);
		m = tach_benchmark_add_metric(b, "latency_p50", "s", TACH_LOWER_IS_BETTER);
		tach_metric_add_sample(m, p99 / 2);
	}
}

Test(load_knee, highest_rate_within_factor_and_first_unsustained)
{
	tach_result *r = tach_result_new();
	/* out of order on purpose */
	add_point(r, "w", "200", 199, 0.018, NULL);
	add_point(r, "w", "50", 50, 0.010, NULL);
	add_point(r, "w", "100", 100, 0.012, NULL);
	add_point(r, "w", "400", 300, 0.900, NULL);
	add_point(r, "w", "800", 310, 2.0, NULL);
	tach_load_sweep *sw;
	size_t n;
	cr_assert_eq(tach_load_sweeps(r, 0, &sw, &n), 0);
	cr_assert_eq(n, 1);
	cr_assert_str_eq(sw[0].name, "w");
	cr_assert_eq(sw[0].n, 5);
	cr_assert_float_eq(sw[0].points[0].rate, 50, 0);
	cr_assert_float_eq(sw[0].points[4].rate, 800, 0);
	cr_assert_float_eq(sw[0].points[0].p50, 0.005, 1e-12);
	cr_assert_eq(sw[0].knee, 2); /* 200/s: 0.018 <= 2 x 0.010 */
	cr_assert_eq(sw[0].first_unsustained, 3); /* 300 < 95 % of 400 */
	tach_load_sweeps_free(sw, n);
	/* factor 1.5: 200/s is out (0.018 > 0.015), so 100/s */
	cr_assert_eq(tach_load_sweeps(r, 1.5, &sw, &n), 0);
	cr_assert_eq(sw[0].knee, 1);
	tach_load_sweeps_free(sw, n);
	tach_result_free(r);
}

Test(load_knee, knee_stops_at_first_point_beyond_and_unsustained)
{
	tach_result *r = tach_result_new();
	add_point(r, "w", "10", 10, 0.010, NULL);
	add_point(r, "w", "20", 20, 0.050, NULL); /* a spike */
	add_point(r, "w", "30", 30, 0.011, NULL); /* back within: still after the knee */
	add_point(r, "w", "40", 37, 0.011, NULL); /* 92.5 %: not sustained */
	tach_load_sweep *sw;
	size_t n;
	cr_assert_eq(tach_load_sweeps(r, 2, &sw, &n), 0);
	cr_assert_eq(sw[0].knee, 0);
	cr_assert_eq(sw[0].first_unsustained, 3);
	tach_load_sweeps_free(sw, n);
	tach_result_free(r);
}

Test(load_knee, groups_by_name_and_other_parameters)
{
	tach_result *r = tach_result_new();
	add_point(r, "a", "10", 10, 0.01, "1");
	add_point(r, "a", "10", 10, 0.01, "2");
	add_point(r, "b", "10", 10, 0.01, NULL);
	add_point(r, "a", "20", 20, 0.01, "1");
	tach_benchmark *plain = tach_result_add_benchmark(r, "no_rate");
	cr_assert(plain);
	tach_load_sweep *sw;
	size_t n;
	cr_assert_eq(tach_load_sweeps(r, 2, &sw, &n), 0);
	cr_assert_eq(n, 3);
	cr_assert_eq(sw[0].n, 2); /* a, size 1 */
	cr_assert_eq(sw[1].n, 1); /* a, size 2 */
	cr_assert_str_eq(sw[2].name, "b");
	cr_assert_eq(sw[0].knee, 1);
	cr_assert_eq(sw[0].first_unsustained, SIZE_MAX);
	tach_load_sweeps_free(sw, n);
	tach_result_free(r);
}

Test(load_knee, no_p99_or_unsustained_lowest_has_no_knee)
{
	tach_result *r = tach_result_new();
	add_point(r, "w", "10", 10, NAN, NULL);
	add_point(r, "w", "20", 20, NAN, NULL);
	add_point(r, "v", "10", 5, 0.01, NULL);
	tach_load_sweep *sw;
	size_t n;
	cr_assert_eq(tach_load_sweeps(r, 2, &sw, &n), 0);
	cr_assert_eq(n, 2);
	cr_assert_eq(sw[0].knee, SIZE_MAX);
	cr_assert_eq(sw[0].first_unsustained, SIZE_MAX);
	cr_assert_eq(sw[1].knee, SIZE_MAX);
	cr_assert_eq(sw[1].first_unsustained, 0);
	tach_load_sweeps_free(sw, n);
	/* an empty set: no sweeps */
	tach_result *e = tach_result_new();
	cr_assert_eq(tach_load_sweeps(e, 2, &sw, &n), 0);
	cr_assert_eq(n, 0);
	cr_assert_null(sw);
	tach_result_free(e);
	tach_result_free(r);
}

/* ---------------------------------------------------------------------
 * The report's "Load" section.
 */

static char *html_of(const tach_result *r)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);
	cr_assert(f);
	tach_report_input in = {r, "r.json"};
	tach_html_input h = {.results = &in, .n_results = 1};
	cr_assert_eq(tach_report_html(f, &h), 0);
	fclose(f);
	return buf;
}

Test(load_report, sweep_draws_latency_against_achieved_rate)
{
	tach_result *r = tach_result_new();
	add_point(r, "w", "50", 50, 0.010, NULL);
	add_point(r, "w", "100", 100, 0.012, NULL);
	add_point(r, "w", "400", 300, 0.900, NULL);
	char *html = html_of(r);
	cr_assert(strstr(html, "<h2>Load</h2>"));
	cr_assert(strstr(html, "aria-label='latency against achieved rate'"));
	cr_assert(strstr(html, "knee 100/s"));
	cr_assert(strstr(html, "<td class=l>the knee</td>"));
	cr_assert(strstr(html, "<td class=l>first rate not sustained</td>"));
	/* a point per rate and percentile line that has a value: p50, p99 */
	cr_assert(strstr(html, "set 400/s, achieved 300.0/s: p99 900"));
	free(html);
	tach_result_free(r);
	/* no rate parameter: no section */
	tach_result *plain = tach_result_new();
	tach_benchmark *b = tach_result_add_benchmark(plain, "x");
	tach_metric_add_sample(tach_benchmark_add_metric(b, "time", "s", TACH_LOWER_IS_BETTER), 1);
	html = html_of(plain);
	cr_assert_null(strstr(html, "<h2>Load</h2>"));
	free(html);
	tach_result_free(plain);
}

/* Starts that cost time themselves make a backlog that the burst of
 * starts must give up at window end + backlog too, not only between
 * waits. */
Test(load_sched, backlog_given_up_inside_a_burst)
{
	fake *f = fake_new(0.0001);
	f->late_cost = 0.01; /* every 4th start takes 10 ms */
	tach_loadgen_opts o = {.rate = 100000, .duration = 0.001, .max_in_flight = 8,
	                    .backlog = 0.05};
	tach_load_stats s = run_fake(f, &o);
	cr_assert_eq(s.scheduled, 100);
	/* each start of 4 takes 10 ms: by 51 ms about 20 are made */
	cr_assert_lt(s.started, 30, "started %llu", (unsigned long long)s.started);
	cr_assert_eq(s.started + s.dropped, 100);
	tach_load_stats_release(&s);
	free(f);
}
