/* load.c - the open-loop scheduler: slots claimed from a shared counter,
 * each worker sleeping until its slot's time and timing the call from
 * that time (latency) and from its actual start (service time).
 *
 * Open loop: the schedule does not wait for the calls.  When every worker
 * is busy, the next slot is claimed late and its lateness counts in its
 * latency -- the time a request would have waited -- so a stall shows in
 * latency percentiles instead of being left out (coordinated omission,
 * Gil Tene).  The claim itself is one atomic add (constant arrivals) or a
 * short critical section around the random stream (poisson), so that the
 * k-th claim always gets the k-th arrival of the seeded stream, whichever
 * thread makes it.
 */
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "bench/load.h"

int tach__load_sched_init(tach__load_sched *s, const tach__load_clock *clock, double rate,
                          int poisson, uint64_t seed, uint64_t warmup, uint64_t duration)
{
	memset(s, 0, sizeof *s);
	if (!(rate > 0) || !isfinite(rate))
		return -EINVAL;
	s->clock = *clock;
	s->rate = rate;
	s->poisson = poisson;
	s->warmup = warmup;
	s->duration = duration;
	tach_rng_seed(&s->rng, seed);
	return -pthread_mutex_init(&s->lock, NULL);
}

void tach__load_sched_release(tach__load_sched *s)
{
	pthread_mutex_destroy(&s->lock);
}

/* The schedule's start: the clock at the first claim, the same for all. */
static uint64_t sched_start(tach__load_sched *s)
{
	uint64_t st = atomic_load_explicit(&s->start1, memory_order_acquire);
	if (!st) {
		uint64_t mine = s->clock.now(s->clock.ctx) + 1;
		st = atomic_compare_exchange_strong(&s->start1, &st, mine) ? mine : st;
	}
	return st - 1;
}

uint64_t tach__load_window_end(tach__load_sched *s)
{
	return sched_start(s) + s->warmup + s->duration;
}

uint64_t tach__load_claim(tach__load_sched *s)
{
	uint64_t start = sched_start(s);
	if (!s->poisson) {
		uint64_t k = atomic_fetch_add_explicit(&s->next, 1, memory_order_relaxed);
		return start + (uint64_t)((double)k * 1e9 / s->rate + 0.5);
	}
	pthread_mutex_lock(&s->lock);
	double t = s->t_next;
	/* inverse transform: 1 - u is in (0, 1], its log finite */
	s->t_next += -log(1.0 - tach_rng_uniform(&s->rng)) * 1e9 / s->rate;
	pthread_mutex_unlock(&s->lock);
	return start + (uint64_t)(t + 0.5);
}

/* The end of the call in progress, into the worker's counts; returns
 * the clock's reading at the end. */
static uint64_t end_call(tach__load_worker *w)
{
	tach__load_sched *s = w->sched;
	uint64_t end = s->clock.now(s->clock.ctx);
	atomic_fetch_sub_explicit(&s->in_flight, 1, memory_order_relaxed);
	w->in_call = 0;
	if (w->t_start < sched_start(s) + s->warmup)
		return end; /* started in the warm-up */
	/* the clamps matter only for a fake clock that cannot wait (a
	 * start before its time) */
	tach_histogram_record(w->latency, end > w->t_sched ? end - w->t_sched : 0);
	tach_histogram_record(w->service, end - w->t_start);
	w->calls++;
	w->late += w->t_start > w->t_sched &&
	           w->t_start - w->t_sched > (uint64_t)(TACH_LOAD_LATE * 1e9);
	w->failures += w->failed != 0;
	return end;
}

/* Waits until t, the clock having read `now` a moment ago: sleeps until
 * `spin` before it, then reads the clock. */
static uint64_t wait_until(const tach__load_clock *c, uint64_t t, uint64_t now)
{
	if (now >= t || !c->sleep_until)
		return now;
	if (t - now > c->spin)
		c->sleep_until(c->ctx, t - c->spin);
	while ((now = c->now(c->ctx)) < t)
		; /* the last stretch: a sleeper wakes tens of microseconds late */
	return now;
}

void tach__load_finish(tach__load_worker *w)
{
	if (w->in_call)
		end_call(w);
}

int tach__load_step(tach__load_worker *w)
{
	tach__load_sched *s = w->sched;
	/* a late worker starts the next call at the end of the last: one
	 * reading of the clock serves both (half the timer's cost per call
	 * at the ceiling) */
	uint64_t now = w->in_call ? end_call(w) : s->clock.now(s->clock.ctx);
	if (atomic_load_explicit(&s->stop, memory_order_relaxed))
		return 0;
	uint64_t t = tach__load_claim(s), end = tach__load_window_end(s);
	if (t >= end)
		return 0;
	now = wait_until(&s->clock, t, now);
	if (now >= end)
		return 0; /* claimed in time, reached too late: not started */
	w->t_sched = t;
	w->t_start = now;
	w->in_call = 1;
	w->failed = 0;
	w->started++;
	int busy = atomic_fetch_add_explicit(&s->in_flight, 1, memory_order_relaxed) + 1;
	if (now < sched_start(s) + s->warmup)
		return 1; /* the peak is the measured window's */
	int peak = atomic_load_explicit(&s->peak, memory_order_relaxed);
	while (busy > peak &&
	       !atomic_compare_exchange_weak_explicit(&s->peak, &peak, busy, memory_order_relaxed,
	                                              memory_order_relaxed))
		;
	return 1;
}

