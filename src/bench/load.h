/* load.h - the open-loop scheduler of load benchmarks (.load in
 * tach/bench.h): a schedule of start times shared by the worker threads,
 * and each worker's side of it, which the loop's edge (state.c) steps
 * once per call.  Times are integer nanoseconds of one clock, the real
 * CLOCK_MONOTONIC (which clock_nanosleep waits on) or a test's fake one.
 * Internal to src/bench.
 */
#ifndef TACH_BENCH_LOAD_H
#define TACH_BENCH_LOAD_H

#include <pthread.h>
#include <stdatomic.h>
#include <stdint.h>

#include "tach/bench.h"
#include "tach/histogram.h"
#include "tach/result.h"
#include "tach/stats.h"
#include "bench/internal.h"

/* The clock the schedule runs on.  sleep_until(ctx, t) returns at t or
 * later; NULL: never wait (a fake clock without a sleep). */
typedef struct tach__load_clock {
	uint64_t (*now)(void *ctx);
	void (*sleep_until)(void *ctx, uint64_t t);
	void *ctx;
	uint64_t spin; /* ns before t spent reading the clock instead */
} tach__load_clock;

/* The schedule of one benchmark at one rate.  Slot k (k = 0, 1, ...,
 * in the order workers claim them) is scheduled at start + k / rate
 * (constant) or at start + the sum of k exponential gaps of mean 1 / rate
 * drawn from tach_rng seeded with `seed` (poisson).  start is the clock
 * when the first worker asks for a slot.  Calls that start in
 * [start + warmup, start + warmup + duration) are measured, whenever they
 * were scheduled (an overloaded worker still works through the warm-up's
 * backlog in the window: its throughput and its waits are measured); no
 * call is scheduled or started from the window's end on. */
typedef struct tach__load_sched {
	tach__load_clock clock;
	double rate; /* calls per second, > 0 */
	int poisson;
	uint64_t warmup, duration; /* ns */
	_Atomic uint64_t start1; /* start + 1; 0 until the first claim */
	_Atomic uint64_t next;   /* constant: the next slot's index */
	pthread_mutex_t lock;    /* poisson: the stream and its time */
	tach_rng rng;
	double t_next;           /* poisson: the next slot, ns after start */
	_Atomic int in_flight, peak; /* calls running now, the most at once */
	_Atomic int stop; /* a worker failed (tach_skip_with_error): all stop */
} tach__load_sched;

/* One worker's state and what it measured. */
typedef struct tach__load_worker {
	tach__load_sched *sched;
	tach_histogram *latency, *service; /* borrowed; this worker's own */
	uint64_t t_sched, t_start; /* of the call in progress */
	int in_call, failed;
	uint64_t started;  /* calls started, measured or not */
	uint64_t calls;    /* measured calls */
	uint64_t late, failures;
} tach__load_worker;

/* A schedule (rate > 0, durations in ns).  0 or a negative errno. */
TACH_HIDDEN int tach__load_sched_init(tach__load_sched *s, const tach__load_clock *clock,
                                      double rate, int poisson, uint64_t seed,
                                      uint64_t warmup, uint64_t duration);
TACH_HIDDEN void tach__load_sched_release(tach__load_sched *s);
/* Claims the next slot; returns its scheduled time. */
TACH_HIDDEN uint64_t tach__load_claim(tach__load_sched *s);
/* The end of the measured window (valid after the first claim). */
TACH_HIDDEN uint64_t tach__load_window_end(tach__load_sched *s);

/* Ends the worker's call in progress, if any (its latency from the
 * scheduled start and its service time from the actual start go into
 * the histograms when it started in the window), then claims the
 * next slot, waits for its time and starts it.  1: a call has started;
 * 0: the window is over, nothing started. */
TACH_HIDDEN int tach__load_step(tach__load_worker *w);

/* Ends the worker's call in progress, if any, as tach__load_step does,
 * and starts none (the function returned or failed). */
TACH_HIDDEN void tach__load_finish(tach__load_worker *w);

#endif
