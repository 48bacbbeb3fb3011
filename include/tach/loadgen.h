/* loadgen.h - open-loop load: starting work at a set rate, whatever the
 * work's own pace, and timing each piece from when it was SCHEDULED to
 * start, so that waiting behind a slow piece counts (no coordinated
 * omission).  The scheduler is pure logic over a clock and a way to start
 * and reap runs (tach_load_ops), so tests drive it with a fake clock; the
 * real ops start commands as tach_exec does (own process group, timeout,
 * the whole group killed).  `tach load` is its command line.
 *
 * Times of one run:  scheduled (origin + k / rate, or Poisson arrivals)
 *   <= started (the actual start: a free slot, the spawn)  <= ended.
 *   latency = ended - scheduled;  service time = ended - started;
 *   start lateness = started - scheduled.
 */
#ifndef TACH_LOADGEN_H
#define TACH_LOADGEN_H

#include <stddef.h>
#include <stdint.h>

#include "tach/error.h"
#include "tach/histogram.h"
#include "tach/result.h"
#include "tach/run.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef enum tach_load_arrivals {
	TACH_LOAD_CONSTANT = 0, /* run k scheduled at origin + k / rate */
	TACH_LOAD_POISSON = 1,  /* exponential gaps of mean 1 / rate (a Poisson
	                           process), drawn from tach_rng with `seed` */
} tach_load_arrivals;

/* "constant" or "poisson". */
TACH_API const char *tach_load_arrivals_name(tach_load_arrivals a);

/* The default threshold of a late start: 1 ms. */
#define TACH_LOAD_LATE_DEFAULT 0.001

typedef struct tach_loadgen_opts {
	double rate;          /* starts per second, > 0 */
	double duration;      /* seconds of the measured window, > 0 */
	double warmup;        /* seconds before the window: runs scheduled in
	                         it run but are not recorded */
	size_t max_in_flight; /* runs going at once at most (0 means 1); a
	                         start due while all are busy waits for a
	                         slot, and the wait counts in its latency */
	tach_load_arrivals arrivals;
	uint64_t seed;        /* of the Poisson arrivals */
	double late;          /* a start more than this many seconds after its
	                         schedule is late (0 means
	                         TACH_LOAD_LATE_DEFAULT) */
	/* When a start scheduled inside the window has not been made by
	 * window end + backlog seconds, it and the rest of the backlog are
	 * given up (counted as dropped): a rate the work cannot sustain then
	 * ends after at most warmup + duration + backlog.  0 means
	 * `duration`. */
	double backlog;
	/* Becoming nonzero (a signal handler): no more starts; the runs in
	 * flight are reaped (the real ops kill them) and what was measured
	 * is kept.  May be NULL. */
	volatile int *stop;
} tach_loadgen_opts;

/* How one run ended, as the ops tell the scheduler. */
typedef void (*tach_load_done_fn)(void *done_ctx, size_t slot, double ended, int failed);

/* The clock and the runs.  Slots are 0 .. max_in_flight - 1; the
 * scheduler starts a run only in a free slot and the ops report each run
 * they started exactly once through done(). */
typedef struct tach_load_ops {
	double (*now)(void *ctx); /* seconds, monotonic */
	/* Starts a run in `slot`; sets *started to its actual start.  0, or
	 * a negative TACH_E* / -errno (the load test stops). */
	int (*start)(void *ctx, size_t slot, double *started);
	/* Waits until at least one run ended or the clock reaches `until`
	 * (INFINITY: until a run ends), calling done() for every run that
	 * ended.  0 or a negative error. */
	int (*wait)(void *ctx, double until, tach_load_done_fn done, void *done_ctx);
	void *ctx;
} tach_load_ops;

/* What a load test measured; only runs scheduled inside the window
 * count (not warmup runs). */
typedef struct tach_load_stats {
	tach_histogram *latency;  /* ns, scheduled start to end, every
	                             measured run that ended (failed too) */
	tach_histogram *service;  /* ns, actual start to end */
	tach_histogram *lateness; /* ns, actual start - scheduled start */
	uint64_t scheduled;     /* starts scheduled inside the window */
	uint64_t started;       /* of them, made */
	uint64_t dropped;       /* of them, given up (see backlog) or not
	                           made because of a stop */
	uint64_t failures;      /* measured runs that failed */
	uint64_t late_starts;   /* measured starts later than opts.late */
	uint64_t peak_in_flight; /* most runs going at once, counted as each
	                            measured run starts (itself included) */
	double window;          /* seconds: duration, or longer when the
	                           last measured start came later than the
	                           window's end */
	double achieved_rate;   /* started / window */
	int stopped;            /* opts.stop ended it early */
} tach_load_stats;

/* Allocates the histograms of *s and zeroes the rest.  0 or TACH_ENOMEM;
 * release with tach_load_stats_release. */
TACH_API int tach_load_stats_init(tach_load_stats *s);
TACH_API void tach_load_stats_release(tach_load_stats *s);

/* Runs a load test: schedules starts from the clock's first reading on,
 * starts each when it is due and a slot is free, reaps runs through
 * ops->wait until the window (and any backlog) is done and no run is in
 * flight.  Fills *out (from tach_load_stats_init; not reset here).
 * Returns 0 -- also when stopped -- TACH_EINVAL for a rate or duration
 * that is not positive and finite, or the first error of an op (the runs
 * in flight are still reaped). */
TACH_API int tach_load_run(const tach_loadgen_opts *o, const tach_load_ops *ops,
                           tach_load_stats *out);

/* Real ops for a command.  argv (borrowed) is started as tach_exec
 * starts it (its own process group, the exec opts' output, input,
 * timeout, grace and CPUs); a run fails when it exits non-zero, is killed
 * by a signal or times out.  tach_exec_interrupt() (a signal handler)
 * kills every run in flight. */
typedef struct tach_load_exec tach_load_exec;

/* 0 and *out, or TACH_ENOMEM.  With exec->measure_memory the runs share
 * one cgroup when the machine has cgroup v2 (on v1 moving each run into
 * it takes milliseconds, so there is none).  Free with tach_load_exec_free. */
TACH_API int tach_load_exec_new(char *const *argv, const tach_exec_opts *exec,
                                size_t max_in_flight, tach_load_exec **out);
/* Its ops, valid until tach_load_exec_free. */
TACH_API tach_load_ops tach_load_exec_ops(tach_load_exec *e);
/* Kills what is left of every run, then fills *whole: wall = seconds since
 * tach_load_exec_new, user and system = CPU seconds of every process the
 * runs started, peak_rss = the largest single process, tree_peak = all
 * runs' memory at their simultaneous peak (TACH_PEAK_CGROUP; else
 * TACH_PEAK_NONE).  May be called once, after tach_load_run. */
TACH_API void tach_load_exec_finish(tach_load_exec *e, tach_run_sample *whole);
/* Frees e (killing runs still going); NULL is a no-op.  The message of
 * a failed start is in tach_load_exec_error until then. */
TACH_API void tach_load_exec_free(tach_load_exec *e);
TACH_API const char *tach_load_exec_error(const tach_load_exec *e);

/* Appends one benchmark `name` (source: the command line `text`, may be
 * NULL) with parameter rate = o->rate ("%g") and the load metrics of s,
 * one sample each (docs/results-format.md "Load tests"), plus, when whole
 * is not NULL, cpu_percent (user + system CPU of all runs over their wall
 * time, in % of one CPU), peak_rss and tree_peak_memory.  Sets the context
 * keys load_arrivals, load_duration and load_max_in_flight.  0 or
 * TACH_ENOMEM. */
TACH_API int tach_load_add_result(tach_result *r, const char *name, const char *text,
                                  const tach_loadgen_opts *o, const tach_load_stats *s,
                                  const tach_run_sample *whole);

/* Adds to b the metrics PREFIX_p50, PREFIX_p90, PREFIX_p99, PREFIX_p999
 * and PREFIX_max of a histogram of nanoseconds, in seconds, lower is
 * better, one sample each (the max exact, the others within the
 * histogram's relative error): how open-loop load results (`tach load`
 * and benchmarks with .load) report latency, service time and start
 * lateness.  0, or TACH_ENOMEM. */
TACH_API int tach_load_add_percentiles(tach_benchmark *b, const char *prefix,
                                       const tach_histogram *h);


#ifdef __cplusplus
}
#endif
#endif
