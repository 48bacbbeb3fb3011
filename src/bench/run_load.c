/* run_load.c - one instance of a load benchmark (.load, issue 21 item 3)
 * at one rate: setup, one call of the function on its worker threads for
 * the warm-up and the measured window (load.c schedules the iterations),
 * teardown, and the results -- latency and service time percentiles from
 * the workers' merged histograms, achieved rate, late starts, peak in
 * flight and failures, one sample each (the metric names of the shared
 * contract for open-loop results, docs/results-format.md).
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <time.h>

#include "tach/bench.h"
#include "tach/clock.h"
#include "tach/histogram.h"
#include "tach/loadgen.h"
#include "bench/internal.h"
#include "bench/load.h"
#include "bench/run.h"

static uint64_t real_now(void *ctx)
{
	(void)ctx;
	return tach__clock_monotonic_ns();
}

/* CLOCK_MONOTONIC is the clock tach__clock_monotonic_ns reads. */
static void real_sleep(void *ctx, uint64_t t)
{
	(void)ctx;
	struct timespec ts = {(time_t)(t / 1000000000u), (long)(t % 1000000000u)};
	while (clock_nanosleep(CLOCK_MONOTONIC, TIMER_ABSTIME, &ts, NULL) == EINTR)
		;
}

/* A test's fake clock (tach_bench_run_opts.clock, seconds) in ns. */
static uint64_t fake_now(void *ctx)
{
	const tach_bench_run_opts *o = ctx;
	double t = o->clock(o->clock_ctx);
	return t > 0 ? (uint64_t)(t * 1e9 + 0.5) : 0;
}

static void fake_sleep(void *ctx, uint64_t t)
{
	const tach_bench_run_opts *o = ctx;
	o->sleep_until(o->clock_ctx, (double)t * 1e-9);
}

/* Sets a context key of the results; a second benchmark with another
 * value makes it "mixed".  0 or TACH_ENOMEM. */
static int context_key(tach_result *out, const char *key, const char *value)
{
	const char *had = tach_kvlist_get(&out->meta.context, key);
	if (had && !strcmp(had, value))
		return 0;
	return tach_kvlist_set(&out->meta.context, key, had ? "mixed" : value) ? TACH_ENOMEM : 0;
}

static int add_count(tach_benchmark *b, const char *name, const char *unit, tach_direction dir,
                     double v)
{
	tach_metric *m = tach_benchmark_add_metric(b, name, unit, dir);
	return !m || tach_metric_add_sample(m, v) ? TACH_ENOMEM : 0;
}

/* The benchmark's metrics (the last of out) from the workers' counts;
 * h[0] and h[1] hold every worker's latency and service time. */
static int load_metrics(tach_benchmark *b, const tach__load_sched *sc,
                        const tach__load_worker *w, int nt, const tach_histogram *h,
                        double duration, double rate)
{
	uint64_t calls = 0, late = 0, failures = 0;
	for (int t = 0; t < nt; t++) {
		calls += w[t].calls;
		late += w[t].late;
		failures += w[t].failures;
	}
	char v[32];
	snprintf(v, sizeof v, "%.15g", rate);
	if (tach_kvlist_set(&b->params, "rate", v))
		return TACH_ENOMEM;
	int rc = 0;
	if (calls) /* no call: no percentile to speak of, rather than 0 s */
		rc = tach_load_add_percentiles(b, "latency", &h[0]);
	if (!rc && calls)
		rc = tach_load_add_percentiles(b, "service_time", &h[1]);
	if (!rc)
		rc = add_count(b, TACH_M_ACHIEVED_RATE, "/s", TACH_HIGHER_IS_BETTER,
		               (double)calls / duration);
	if (!rc)
		rc = add_count(b, TACH_M_LATE_STARTS, "count", TACH_LOWER_IS_BETTER, (double)late);
	if (!rc)
		rc = add_count(b, TACH_M_PEAK_IN_FLIGHT, "count", TACH_LOWER_IS_BETTER,
		               (double)atomic_load(&sc->peak));
	if (!rc)
		rc = add_count(b, TACH_M_FAILURES, "count", TACH_LOWER_IS_BETTER, (double)failures);
	return rc;
}

/* The clock and waiting of a run: the real CLOCK_MONOTONIC, or the
 * test's fake clock (no spinning on it: it moves only when told). */
static void load_clock(const tach_bench_run_opts *o, const tach_load_opts *lo,
                       tach__load_clock *c)
{
	memset(c, 0, sizeof *c);
	if (o->clock) {
		c->now = fake_now;
		c->sleep_until = o->sleep_until ? fake_sleep : NULL;
		c->ctx = (void *)o;
		return;
	}
	c->now = real_now;
	c->sleep_until = real_sleep;
	double spin = lo->spin < 0 ? 0 : lo->spin > 0 ? lo->spin : TACH_LOAD_DEFAULT_SPIN;
	c->spin = (uint64_t)(spin * 1e9);
}

int tach__bench_run_load(const tach__instance *in, const tach_bench_run_opts *o,
                         tach_result *out)
{
	const tach_load_opts *lo = &in->reg->opts->load;
	int nt = in->threads;
	tach__state_priv sp;
	tach_state setup_state;
	samples none;
	memset(&none, 0, sizeof none);
	if (o->instructions || tach_bench_under_valgrind() == 1) {
		/* nothing to count: the schedule is wall-clock time */
		int rc = tach__bench_to_result(in, &none, NULL, out);
		tach_benchmark *b = rc ? NULL : out->benchmarks[out->n_benchmarks - 1];
		if (b && !(b->skipped = strdup("a load benchmark runs on the wall clock; "
		                               "deterministic mode leaves it out")))
			rc = TACH_ENOMEM;
		return rc;
	}
	double duration = o->load_duration > 0 ? o->load_duration
	                : lo->duration > 0     ? lo->duration
	                                       : TACH_LOAD_DEFAULT_DURATION;
	double warmup = o->load_warmup != 0 ? o->load_warmup : lo->warmup;
	warmup = warmup > 0 ? warmup : 0;
	tach_arrivals arrivals = o->set_arrivals ? o->arrivals : lo->arrivals;
	tach__load_clock clock;
	load_clock(o, lo, &clock);
	tach__load_sched sched;
	int rc = tach__load_sched_init(&sched, &clock, in->rate, arrivals == TACH_ARRIVALS_POISSON,
	                               o->seed ? o->seed : 1, (uint64_t)(warmup * 1e9),
	                               (uint64_t)(duration * 1e9));
	if (rc)
		return rc == -ENOMEM ? TACH_ENOMEM : rc;
	call c;
	memset(&c, 0, sizeof c);
	c.in = in;
	c.o = o;
	c.iters = 1; /* unused: the schedule decides */
	c.priv = nt <= 256 ? calloc((size_t)nt, sizeof *c.priv) : NULL;
	c.load = calloc((size_t)nt, sizeof *c.load);
	/* two per worker: latency, then service time */
	tach_histogram *h = malloc(2 * (size_t)nt * sizeof *h);
	if (!c.priv || !c.load || !h) {
		free(c.priv);
		free(c.load);
		free(h);
		tach__load_sched_release(&sched);
		return TACH_ENOMEM;
	}
	for (int t = 0; t < nt; t++) {
		tach_histogram_init(&h[2 * t]);
		tach_histogram_init(&h[2 * t + 1]);
		c.load[t] = (tach__load_worker){.sched = &sched, .latency = &h[2 * t],
		                                .service = &h[2 * t + 1]};
	}
	tach__bench_setup_instance(in, o, nt, &sp, &setup_state);
	/* A sleeping thread wakes up to its timer slack late (50 us by
	 * default); the workers inherit this thread's, 1 ns for the run. */
	int slack = prctl(PR_GET_TIMERSLACK, 0, 0, 0, 0);
	if (!o->clock)
		prctl(PR_SET_TIMERSLACK, 1UL, 0, 0, 0);
	double elapsed;
	rc = tach__bench_run_call(&c, &elapsed);
	if (!o->clock && slack > 0)
		prctl(PR_SET_TIMERSLACK, (unsigned long)slack, 0, 0, 0);
	const char *error = NULL;
	for (int t = 0; t < nt && !error; t++)
		error = c.priv[t].error;
	if (!rc && !error && !c.priv[0].used_loop)
		error = "the benchmark function never called tach_loop()";
	for (int t = 1; t < nt; t++) {
		tach_histogram_merge(&h[0], &h[2 * t]);
		tach_histogram_merge(&h[1], &h[2 * t + 1]);
	}
	tach__bench_finish(in, &setup_state, &none, error, &rc, out);
	if (!rc && !error)
		rc = load_metrics(out->benchmarks[out->n_benchmarks - 1], &sched, c.load, nt, h,
		                  duration, in->rate);
	char v[32];
	snprintf(v, sizeof v, "%g", duration);
	if (!rc)
		rc = context_key(out, "load_duration", v);
	if (!rc)
		rc = context_key(out, "load_arrivals",
		                 arrivals == TACH_ARRIVALS_POISSON ? "poisson" : "constant");
	snprintf(v, sizeof v, "%d", nt);
	if (!rc)
		rc = context_key(out, "load_max_in_flight", v);
	tach__load_sched_release(&sched);
	free(c.priv);
	free(c.load);
	free(h);
	return rc;
}
