/* run.c - calibrating and repeating benchmarks (record.c turns the
 * repetitions into samples of a result set).
 *
 * Per instance: setup; calibration (grow the iteration count until one
 * call lasts min_time); warm-up repetitions; then repetitions until at
 * least `repetitions` samples exist and the median is pinned down (its
 * relative standard error, 1.4826 MAD / median / sqrt(n), is below
 * stable_cv), or max_repetitions is reached, or the wall-clock budget
 * (max_time, default 5 s) is spent; teardown.  Short repetitions
 * (10 ms by default) and an adaptive count replace Google Benchmark's one
 * long 0.5 s repetition: ten or more samples are what a comparison needs,
 * and a stable benchmark stops early.
 */
#include <math.h>
#include <pthread.h>
#include <regex.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "tach/bench.h"
#include "tach/clock.h"
#include "tach/counters.h"
#include "tach/histogram.h"
#include "tach/stats.h"
#include "tach/system.h"
#include "bench/internal.h"
#include "bench/load.h"
#include "bench/run.h"

#define DEFAULT_MIN_TIME 0.01
#define DEFAULT_REPS TACH_BENCH_DEFAULT_REPETITIONS
#define DEFAULT_MAX_REPS 30
#define DEFAULT_STABLE 0.005
#define MAX_ITERATIONS 1000000000ull

/* The benchmark timer (tach/clock.h): the TSC where it is invariant and
 * calibrated, else CLOCK_MONOTONIC. */
static double bench_clock(void *ctx)
{
	(void)ctx;
	return tach_clock_seconds(tach_clock_ticks());
}

/* The calling thread's CPU seconds. */
static double thread_cpu_seconds(void *ctx)
{
	(void)ctx;
	struct timespec ts;
	clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}


typedef struct thread_arg {
	call *c;
	int index;
} thread_arg;

static void *thread_main(void *p)
{
	thread_arg *ta = p;
	tach_state s = {0, &ta->c->priv[ta->index]};
	if (ta->c->o->cpus) /* before the function: its timing starts inside */
		tach_cpus_pin_one(ta->c->o->cpus, (size_t)ta->index);
	ta->c->in->reg->fn(&s);
	s.priv->used_loop = s.priv->started;
	/* a function that never reached the edge: close its timing (and pass
	 * the barrier the other threads wait at) */
	if (!s.priv->finished && s.priv->load) {
		tach__loop_close_load(&s);
	} else if (!s.priv->finished) {
		s.priv->iterations = s.priv->started ? s.priv->iterations : 0;
		tach__loop_edge(&s);
		tach__loop_edge(&s);
	}
	return NULL;
}

/* The time of one call of nt threads.  Every thread is counted from the
 * common release -- the earliest first reading of the clock after the
 * barrier, the closest estimate of when the barrier let them go -- to its
 * own finish, less its own pauses (tach_pause): its loop time plus how
 * late it started.  The call lasts as long as the longest of these.  A
 * thread that the scheduler runs late is charged the wait, as a wall
 * clock would charge it: with more threads than cores the call takes as
 * long as the cores need for all the work, never less (counting each
 * thread from its own start would let late starters run on freed cores
 * and report more than the machine can do).  One thread: its loop time. */
static double call_time(const tach__state_priv *p, int nt)
{
	double release = 0;
	int any = 0;
	for (int t = 0; t < nt; t++)
		if (p[t].began && (!any || p[t].t_begin < release)) {
			release = p[t].t_begin;
			any = 1;
		}
	double worst = 0;
	for (int t = 0; t < nt; t++) {
		double span = p[t].elapsed + (p[t].began ? p[t].t_begin - release : 0);
		if (span > worst)
			worst = span;
	}
	return worst;
}

/* ---- issue 19 item 2: manual timing ----
 * With .manual_time the call's time -- what `time`, the rates and
 * calibration are made of -- is the largest of the threads' sums of
 * tach_set_iteration_time() (the call lasts as long as its slowest
 * thread, as on the wall clock).  A call that used the loop and in which
 * no thread reported a time fails: a silent 0 would look infinitely
 * fast. */
static void manual_call_time(call *c, double *elapsed)
{
	if (!c->in->reg->opts->manual_time)
		return;
	double worst = 0;
	int any = 0;
	for (int t = 0; t < c->in->threads; t++) {
		any |= c->priv[t].manual_set;
		if (c->priv[t].manual > worst)
			worst = c->priv[t].manual;
	}
	*elapsed = c->work = worst;
	tach__state_priv *p0 = &c->priv[0];
	if (!any && c->iters && p0->started && !p0->error)
		p0->error = "manual_time is set but the benchmark never called "
		            "tach_set_iteration_time()";
}

/* Runs one call; *elapsed = its time (call_time).  Returns
 * 0 or TACH_ENOMEM (threads could not be started). */
int tach__bench_run_call(call *c, double *elapsed)
{
	int nt = c->in->threads;
	for (int t = 0; t < nt; t++) {
		tach__state_priv *p = &c->priv[t];
		memset(p, 0, sizeof *p);
		p->clock = c->o->clock ? c->o->clock : bench_clock;
		p->clock_ctx = c->o->clock_ctx;
		p->iterations = c->iters;
		memcpy(p->arg, c->in->arg, sizeof p->arg);
		p->thread = t;
		p->threads = nt;
		p->seed = c->o->seed;
		p->barrier = nt > 1 ? &c->barrier : NULL;
		p->cpu_clock = !c->cpu ? NULL : c->o->cpu_clock ? c->o->cpu_clock : thread_cpu_seconds;
		p->cpu_ctx = c->o->clock_ctx;
		p->load = c->load ? c->load + t : NULL;
		if (c->hists) {
			tach_histogram_reset(&c->hists[t]);
			p->hist = &c->hists[t];
		}
	}
	thread_arg ta[256];
	pthread_t tid[256];
	int started = 1, rc = 0;
	if (nt > 1) {
		pthread_barrier_init(&c->barrier, NULL, (unsigned)nt);
		for (int t = 1; t < nt; t++) {
			ta[t] = (thread_arg){c, t};
			if (pthread_create(&tid[t], NULL, thread_main, &ta[t]) != 0) {
				rc = TACH_ENOMEM;
				break;
			}
			started++;
		}
		if (rc) {
			/* the barrier would wait forever: this call cannot run */
			for (int t = 1; t < started; t++)
				pthread_cancel(tid[t]);
		}
	}
	if (!rc) {
		ta[0] = (thread_arg){c, 0};
		thread_main(&ta[0]);
	}
	for (int t = 1; t < started; t++)
		pthread_join(tid[t], NULL);
	if (nt > 1)
		pthread_barrier_destroy(&c->barrier);
	*elapsed = call_time(c->priv, nt);
	/* calibration's measure: the longest loop, each loop taken as the
	 * smaller of two upper bounds of its work -- its timed seconds (which
	 * include waits for a core) and its CPU seconds (which include paused
	 * work) */
	c->work = 0;
	for (int t = 0; t < nt; t++) {
		const tach__state_priv *p = &c->priv[t];
		double w = c->cpu && p->began && p->cpu < p->elapsed ? p->cpu : p->elapsed;
		if (w > c->work)
			c->work = w;
	}
	manual_call_time(c, elapsed);
	return rc;
}

/* The wall-clock budget of one instance (max_time): calibration, warm-up
 * and repetitions together stop at it.  min_time counts only timed
 * seconds, so a benchmark that pauses for setup in every iteration can
 * need a hundred times its timed seconds of wall time; the budget bounds
 * what that costs.  Wall time is read from the run's clock (the fake one
 * in tests), from the start of calibration (after setup). */
typedef struct budget {
	double (*now)(void *ctx);
	void *ctx;
	double start, limit; /* limit 0: no budget */
	double share;        /* the most wall time one call may take */
	double last;         /* wall seconds of the last call */
	double timed;        /* timed seconds of the chosen calibration call */
	int capped, warmup_cut, reps_cut;
} budget;

/* run_call, with its wall time kept in b->last. */
static int budget_call(budget *b, call *c, double *elapsed)
{
	double w0 = b->now(b->ctx);
	int rc = tach__bench_run_call(c, elapsed);
	b->last = b->now(b->ctx) - w0;
	return rc;
}

/* 1 when a call as long as the last one would end past the budget. */
static int budget_over(const budget *b)
{
	return b->limit > 0 && b->now(b->ctx) - b->start + b->last > b->limit;
}

/* Grows the iteration count until a call lasts min_time (timed seconds),
 * or, with a budget, until a call takes its share of the wall time: then
 * the count is cut to what fits the share and that call is the last.
 *
 * A call's time can jump when the scheduler stalls it (a thread waiting
 * for a core, another process taking the CPU) -- more so since a
 * multi-thread call counts every thread's wait from the release.  One
 * stalled call must not end calibration at a count far too small, where
 * every repetition would then time the stall and the start-up rather
 * than the loop: each call is judged by the fastest time per iteration
 * seen so far (a stall only ever adds time), and a first call that
 * already reaches the target is measured again.  A call is judged by its
 * longest loop, each taken as the smaller of its timed and its CPU
 * seconds (c->work), not by its time from the release: with more threads
 * than cores, waiting for a core can take longer than min_time whatever
 * the count, and it is the loops' work that must fill it. */
static int calibrate(call *c, double min_time, budget *b, uint64_t *iters)
{
	uint64_t n = 1;
	double rate = INFINITY, wall_rate = INFINITY; /* best s per iteration */
	for (int last = 0, calls = 0;;) {
		double t;
		c->iters = n;
		int rc = budget_call(b, c, &t);
		if (rc || c->priv[0].error)
			return rc;
		calls++;
		t = c->work;
		if (t / (double)n < rate)
			rate = t / (double)n;
		if (b->last / (double)n < wall_rate)
			wall_rate = b->last / (double)n;
		double est = rate * (double)n; /* this call without the stalls */
		b->timed = est;
		if (n >= MAX_ITERATIONS || last)
			break;
		if (est >= min_time) {
			if (calls == 1)
				continue; /* the first: once more */
			break;
		}
		/* aim 40 % past the target (as Google Benchmark does), but
		 * grow at most 10x from a too-short measurement */
		double mult = est > 0 ? min_time * 1.4 / est : 10;
		if (est < min_time * 0.1 || mult > 10)
			mult = 10;
		uint64_t next = (uint64_t)((double)n * mult);
		next = next > n ? (next < MAX_ITERATIONS ? next : MAX_ITERATIONS) : n + 1;
		if (b->limit > 0) {
			/* the wall time per iteration includes paused work */
			double spent = b->now(b->ctx) - b->start;
			double fits = wall_rate > 0 ? b->share / wall_rate : (double)next;
			if ((double)next > fits || spent >= b->limit) {
				b->capped = 1;
				if (fits <= (double)n || spent >= b->limit)
					break; /* this call already took its share */
				next = (uint64_t)fits;
				last = 1;
			}
		}
		n = next;
	}
	*iters = n;
	return 0;
}

/* The cut of calibration came from the best wall time per iteration it
 * saw; a full-size call (the last of calibration, a warm-up) on a busy
 * machine can take longer.  When one took more than 1.25 x its share,
 * the count is scaled to what its measured wall time says fits, so that
 * the minimum repetitions still fit in the budget. */
static void budget_refit(budget *b, uint64_t *iters)
{
	if (!b->capped || b->last <= b->share * 1.25 || *iters <= 1)
		return;
	uint64_t n = (uint64_t)((double)*iters * b->share / b->last);
	n = n ? n : 1;
	b->timed *= (double)n / (double)*iters;
	*iters = n;
}

/* What the budget cut, appended to the results' context under
 * "max_time_reached" ("name: what; name: what"), for the benchmark binary
 * to print and for anyone reading the results. */
static int budget_note(const budget *b, const char *name, uint64_t iters, double min_time,
                       size_t reps, tach_result *out)
{
	if (!b->capped && !b->warmup_cut && !b->reps_cut)
		return 0;
	char note[1024]; /* a name (< 256 bytes) and at most 200 more */
	int len = snprintf(note, sizeof note, "%s: %g s wall-clock budget reached", name, b->limit);
	if (b->capped)
		len += snprintf(note + len, sizeof note - (size_t)len,
		                ", %llu iterations per repetition (%.3g s timed, not min_time %g s)",
		                (unsigned long long)iters, b->timed, min_time);
	if (b->warmup_cut)
		len += snprintf(note + len, sizeof note - (size_t)len, ", no warm-up");
	if (b->reps_cut)
		snprintf(note + len, sizeof note - (size_t)len, ", %zu repetitions", reps);
	const char *prev = tach_kvlist_get(&out->meta.context, "max_time_reached");
	size_t size = (prev ? strlen(prev) + 2 : 0) + strlen(note) + 1;
	char *all = malloc(size);
	if (!all)
		return TACH_ENOMEM;
	snprintf(all, size, "%s%s%s", prev ? prev : "", prev ? "; " : "", note);
	int rc = tach_kvlist_set(&out->meta.context, "max_time_reached", all) ? TACH_ENOMEM : 0;
	free(all);
	return rc;
}

static int stable(const double *v, size_t n, double target)
{
	double med, mad;
	if (n < 3 || tach_stats_median(v, n, &med) || tach_stats_mad(v, n, &mad) || med <= 0)
		return 0;
	return TACH_MAD_NORMAL * mad / med / sqrt((double)n) < target;
}

/* Samples of one instance, before they go into the result set. */

/* The end of an instance: teardown (which may free what the error
 * message points into, hence the copy) and its benchmark in the result.
 * Sets *rc from to_result unless it already holds an error. */
void tach__bench_finish(const tach__instance *in, tach_state *setup_state, const samples *s,
                   const char *error, int *rc, tach_result *out)
{
	char err_copy[256] = "";
	if (error)
		snprintf(err_copy, sizeof err_copy, "%s", error);
	const tach_bench_opts *bo = in->reg->opts;
	if (bo->teardown)
		bo->teardown(setup_state);
	if (!*rc)
		*rc = tach__bench_to_result(in, s, error ? err_copy : NULL, out);
}

/* What a counted call counted: the totals of alloc_stop and, when
 * alloc_heap is set, the heap growth (issue 19 item 5). */
typedef struct alloc_counts {
	uint64_t allocs, bytes;
	int64_t net;
	uint64_t peak;
	int heap; /* net and peak were read */
} alloc_counts;

/* Stops counting and reads what the call counted. */
static void alloc_read(const tach_bench_run_opts *o, alloc_counts *a)
{
	o->alloc_stop(&a->allocs, &a->bytes);
	if (o->alloc_heap) {
		o->alloc_heap(&a->net, &a->peak);
		a->heap = 1;
	}
}

/* allocs_per_op and bytes_per_op of the result's last benchmark, from
 * the totals of a counted call of `ops` iterations (all threads), and
 * net_heap_growth_per_op and max_bytes_used when the heap was read. */
static int add_alloc_metrics(tach_result *out, const alloc_counts *a, double ops)
{
	tach_benchmark *b = out->benchmarks[out->n_benchmarks - 1];
	tach_metric *ma = tach_benchmark_add_metric(b, TACH_M_ALLOCS_PER_OP, "count",
	                                            TACH_LOWER_IS_BETTER);
	tach_metric *mb = tach_benchmark_add_metric(b, TACH_M_BYTES_PER_OP, "B",
	                                            TACH_LOWER_IS_BETTER);
	if (!ma || !mb || tach_metric_add_sample(ma, (double)a->allocs / ops) ||
	    tach_metric_add_sample(mb, (double)a->bytes / ops))
		return TACH_ENOMEM;
	if (!a->heap)
		return 0;
	tach_metric *mn = tach_benchmark_add_metric(b, TACH_M_NET_HEAP_GROWTH_PER_OP, "B",
	                                            TACH_LOWER_IS_BETTER);
	tach_metric *mp = tach_benchmark_add_metric(b, TACH_M_MAX_BYTES_USED, "B",
	                                            TACH_LOWER_IS_BETTER);
	if (!mn || !mp || tach_metric_add_sample(mn, (double)a->net / ops) ||
	    tach_metric_add_sample(mp, (double)a->peak))
		return TACH_ENOMEM;
	return 0;
}

static int run_instance(const tach__instance *in, const tach_bench_run_opts *o, tach_result *out)
{
	const tach_bench_opts *bo = in->reg->opts;
	double min_time = bo->min_time > 0 ? bo->min_time : o->min_time > 0 ? o->min_time
	                                                                   : DEFAULT_MIN_TIME;
	size_t reps = bo->repetitions ? bo->repetitions : o->repetitions ? o->repetitions
	                                                                : DEFAULT_REPS;
	size_t max_reps = o->max_repetitions ? o->max_repetitions : DEFAULT_MAX_REPS;
	if (max_reps < reps)
		max_reps = reps;
	double target = o->stable_cv > 0 ? o->stable_cv : DEFAULT_STABLE;
	size_t warmup = o->warmup == TACH_BENCH_NO_WARMUP ? 0 : o->warmup ? o->warmup : 1;

	call c;
	memset(&c, 0, sizeof c);
	c.in = in;
	c.o = o;
	c.cpu = !o->clock || o->cpu_clock;
	c.priv = calloc((size_t)in->threads, sizeof *c.priv);
	if (bo->latency || o->latency) {
		c.hists = malloc((size_t)in->threads * sizeof *c.hists);
		for (int t = 0; c.hists && t < in->threads; t++)
			tach_histogram_init(&c.hists[t]);
	}
	samples s;
	memset(&s, 0, sizeof s);
	if (!c.priv || in->threads > 256) {
		free(c.priv);
		return TACH_ENOMEM;
	}
	tach__state_priv sp;
	memset(&sp, 0, sizeof sp);
	memcpy(sp.arg, in->arg, sizeof sp.arg);
	sp.threads = in->threads;
	sp.seed = o->seed;
	tach_state setup_state = {0, &sp};
	if (bo->setup)
		bo->setup(&setup_state);

	/* per benchmark: > 0 its own budget, < 0 none, 0 the run's (whose
	 * 0 is the default and < 0 none) */
	double max_time = bo->max_time != 0 ? bo->max_time
	                : o->max_time != 0  ? o->max_time
	                                    : TACH_BENCH_DEFAULT_MAX_TIME;
	budget bud = {.now = o->clock ? o->clock : bench_clock, .ctx = o->clock_ctx,
	              .limit = max_time > 0 ? max_time : 0};
	/* calibration, warm-up and the minimum repetitions fit in the budget */
	bud.share = bud.limit / (double)(reps + warmup + 2);
	bud.start = bud.now(bud.ctx);
	uint64_t iters = 1;
	double t;
	int rc = calibrate(&c, min_time, &bud, &iters);
	budget_refit(&bud, &iters);
	const char *error = c.priv[0].error;
	if (!rc && !error && !c.priv[0].used_loop)
		error = "the benchmark function never called tach_loop()";
	for (size_t w = 0; !rc && !error && w < warmup; w++) {
		if (budget_over(&bud)) {
			bud.warmup_cut = 1;
			break;
		}
		c.iters = iters;
		rc = budget_call(&bud, &c, &t);
		budget_refit(&bud, &iters);
	}
	while (!rc && !error && s.n < max_reps) {
		if (s.n && budget_over(&bud)) { /* one sample at least */
			bud.reps_cut = 1;
			break;
		}
		c.iters = iters;
		rc = budget_call(&bud, &c, &t);
		if (!rc && c.priv[0].error)
			error = c.priv[0].error;
		if (!rc && !error)
			rc = tach__bench_record_call(&s, &c, t);
		if (s.n >= reps && stable(s.time, s.n, target))
			break;
	}
	/* allocations: one more call with counting on, never timed */
	alloc_counts ac;
	memset(&ac, 0, sizeof ac);
	int counted = 0;
	if (!rc && !error && s.n && o->alloc_start && o->alloc_stop) {
		c.iters = iters;
		o->alloc_start();
		rc = tach__bench_run_call(&c, &t);
		alloc_read(o, &ac);
		counted = 1;
	}
	/* counters: one more call with the events open, never timed */
	tach_counter_value cv[32];
	int n_cv = 0;
	if (!rc && !error && s.n && o->counters) {
		c.iters = iters;
		if (tach_counters_open_self(o->counters, NULL, 0) >= 0) {
			rc = tach__bench_run_call(&c, &t);
			n_cv = tach_counters_read(o->counters, cv, 32) >= 0 ? 1 : 0;
		}
	}
	tach__bench_finish(in, &setup_state, &s, error, &rc, out);
	if (!rc && !error)
		rc = budget_note(&bud, in->name, iters, min_time, s.n, out);
	if (!rc && n_cv) {
		tach_benchmark *b = out->benchmarks[out->n_benchmarks - 1];
		double ops = (double)iters * (double)in->threads;
		size_t k = tach_counters_count(o->counters);
		for (size_t i = 0; !rc && i < k && i < 32; i++) {
			if (!cv[i].valid)
				continue;
			tach_metric *m = tach_benchmark_add_metric(b, tach_counters_metric(o->counters, i),
			                                           tach_counters_unit(o->counters, i),
			                                           TACH_LOWER_IS_BETTER);
			if (!m || tach_metric_add_sample(m, cv[i].value / ops))
				rc = TACH_ENOMEM;
		}
	}
	if (!rc && counted)
		rc = add_alloc_metrics(out, &ac, (double)iters * (double)in->threads);
	tach__bench_samples_free(&s);
	free(c.priv);
	free(c.hists);
	return rc;
}

/* The state the instance's setup function sees (and teardown, later),
 * then the setup call. */
void tach__bench_setup_instance(const tach__instance *in, const tach_bench_run_opts *o, int threads,
                           tach__state_priv *sp, tach_state *st)
{
	memset(sp, 0, sizeof *sp);
	memcpy(sp->arg, in->arg, sizeof sp->arg);
	sp->threads = threads;
	sp->seed = o->seed;
	*st = (tach_state){0, sp};
	if (in->reg->opts->setup)
		in->reg->opts->setup(st);
}

/* The counting pass alone (o->alloc_iterations, libtach_main's counting
 * process): the iteration count the timed process calibrated, one
 * uncounted warm-up call (first-touch allocations and a thread stack
 * cache stay out, as they do after the timed repetitions), then one
 * counted call.  No time is recorded. */
static int run_instance_alloc(const tach__instance *in, const tach_bench_run_opts *o,
                              uint64_t iters, tach_result *out)
{
	call c;
	memset(&c, 0, sizeof c);
	c.in = in;
	c.o = o;
	c.iters = iters;
	c.priv = in->threads <= 256 ? calloc((size_t)in->threads, sizeof *c.priv) : NULL;
	if (!c.priv)
		return TACH_ENOMEM;
	tach__state_priv sp;
	tach_state setup_state;
	tach__bench_setup_instance(in, o, in->threads, &sp, &setup_state);
	samples s;
	memset(&s, 0, sizeof s);
	double t;
	alloc_counts ac;
	memset(&ac, 0, sizeof ac);
	int rc = tach__bench_run_call(&c, &t);
	const char *error = c.priv[0].error;
	if (!rc && !error) {
		o->alloc_start();
		rc = tach__bench_run_call(&c, &t);
		alloc_read(o, &ac);
		error = c.priv[0].error;
	}
	int counted = !rc && !error;
	tach__bench_finish(in, &setup_state, &s, error, &rc, out);
	if (!rc && counted)
		rc = add_alloc_metrics(out, &ac, (double)iters * (double)in->threads);
	free(c.priv);
	return rc;
}

/* Scaling efficiency of each multi-thread instance against the 1-thread
 * instance of the same function and arguments: throughput_N / (N x
 * throughput_1), from median times per iteration (each thread runs the
 * iterations, so throughput_N = N / time_N): time_1 / time_N. */
static int add_scaling(const tach__instance *inst, size_t n, size_t first_result,
                       const size_t *result_of, tach_result *out)
{
	for (size_t i = 0; i < n; i++) {
		if (result_of[i] == (size_t)-1 || inst[i].threads < 2)
			continue;
		for (size_t j = 0; j < n; j++) {
			if (result_of[j] == (size_t)-1 || inst[j].threads != 1 ||
			    inst[j].reg != inst[i].reg ||
			    memcmp(inst[j].arg, inst[i].arg, sizeof inst[i].arg))
				continue;
			tach_benchmark *bn = out->benchmarks[first_result + result_of[i]];
			const tach_benchmark *b1 = out->benchmarks[first_result + result_of[j]];
			const tach_metric *tn = tach_benchmark_metric(bn, TACH_M_TIME);
			const tach_metric *t1 = tach_benchmark_metric(b1, TACH_M_TIME);
			double mn, m1;
			if (!tn || !t1 || tach_stats_median(tn->samples, tn->n_samples, &mn) ||
			    tach_stats_median(t1->samples, t1->n_samples, &m1) || mn <= 0)
				break;
			tach_metric *e = tach_benchmark_add_metric(bn, "scaling_efficiency", "%",
			                                           TACH_HIGHER_IS_BETTER);
			if (!e || tach_metric_add_sample(e, 100.0 * m1 / mn))
				return TACH_ENOMEM;
			break;
		}
	}
	return 0;
}

int tach_bench_run_all(const tach_bench_run_opts *opts, tach_result *out, tach_error *err)
{
	tach_bench_run_opts defaults;
	memset(&defaults, 0, sizeof defaults);
	const tach_bench_run_opts *o = opts ? opts : &defaults;
	regex_t re;
	if (o->filter) {
		int e = regcomp(&re, o->filter, REG_EXTENDED | REG_NOSUB);
		if (e) {
			if (err) {
				char msg[200];
				regerror(e, &re, msg, sizeof msg);
				snprintf(err->message, sizeof err->message, "bad filter '%s': %s",
				         o->filter, msg);
			}
			return TACH_EINVAL;
		}
	}
	if (!o->clock)
		tach_clock_init();
	/* thread 0 is this one: its affinity is put back at the end */
	cpu_set_t affinity;
	int pinned = o->cpus && sched_getaffinity(0, sizeof affinity, &affinity) == 0;
	tach__instance *inst = NULL;
	size_t n = 0;
	int instr = o->instructions || tach_bench_under_valgrind() == 1;
	int rc = tach__instances_load(o->threads, o->rates, &inst, &n);
	size_t total = 0, done = 0, first = out->n_benchmarks;
	size_t *result_of = rc ? NULL : malloc((n ? n : 1) * sizeof *result_of);
	if (!rc && !result_of)
		rc = TACH_ENOMEM;
	for (size_t i = 0; !rc && i < n; i++)
		total += !o->filter || !regexec(&re, inst[i].name, 0, NULL, 0);
	for (size_t i = 0; !rc && i < n; i++) {
		result_of[i] = (size_t)-1;
		if (o->filter && regexec(&re, inst[i].name, 0, NULL, 0))
			continue;
		if (o->alloc_iterations && o->alloc_start && o->alloc_stop) {
			uint64_t it = o->alloc_iterations(o->alloc_ctx, inst[i].name);
			if (it)
				rc = run_instance_alloc(&inst[i], o, it, out);
			continue;
		}
		result_of[i] = out->n_benchmarks - first;
		if (inst[i].error) {
			samples none;
			memset(&none, 0, sizeof none);
			rc = tach__bench_to_result(&inst[i], &none, inst[i].error, out);
		} else if (inst[i].rate > 0) {
			rc = tach__bench_run_load(&inst[i], o, out);
		} else {
			rc = instr ? tach__bench_run_instr(&inst[i], o, out)
			           : run_instance(&inst[i], o, out);
		}
		if (o->progress)
			o->progress(o->progress_ctx, ++done, total, inst[i].name);
	}
	if (!rc && !instr && !o->alloc_iterations)
		rc = add_scaling(inst, n, first, result_of, out);
	if (!rc && !instr && !o->alloc_iterations)
		rc = tach__bench_complexity(inst, n, first, result_of, out);
	free(result_of);
	free(inst);
	if (o->filter)
		regfree(&re);
	if (pinned)
		sched_setaffinity(0, sizeof affinity, &affinity);
	return rc;
}
