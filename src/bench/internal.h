/* internal.h - the private side of a benchmark state and the registry,
 * shared by the files of src/bench.  Not installed. */
#ifndef TACH_BENCH_INTERNAL_H
#define TACH_BENCH_INTERNAL_H

#include <pthread.h>
#include <stddef.h>
#include <stdint.h>

#include "tach/bench.h"
#include "tach/histogram.h"

#define TACH_HIDDEN __attribute__((visibility("hidden")))
#define TACH__MAX_METRICS 16

typedef struct tach__user_metric {
	char name[64];
	char unit[33];
	double value;
	tach_direction dir;
	tach_counter_kind kind;
} tach__user_metric;

typedef struct tach__state_priv {
	double (*clock)(void *ctx);
	void *clock_ctx;
	uint64_t iterations;
	double t_start, elapsed; /* seconds of timed loop */
	/* the first clock reading of the loop, right after the barrier: the
	 * call's common start is the earliest of the threads' (run.c) */
	double t_begin;
	/* the thread's CPU seconds from the loop's start to its end, pauses
	 * included (calibration's second opinion, run.c); read only when
	 * cpu_clock is set */
	double (*cpu_clock)(void *ctx);
	double cpu_begin, cpu;
	int started, running, finished, began;
	int used_loop; /* the function itself reached tach_loop() */
	int64_t arg[TACH_MAX_ARGS];
	int thread, threads;
	uint64_t seed;
	pthread_barrier_t *barrier;
	uint64_t items, bytes;
	int items_set, bytes_set;
	tach__user_metric metrics[TACH__MAX_METRICS];
	size_t n_metrics;
	const char *error;
	char error_buf[256];
	/* latency mode: tach_loop reaches the edge every iteration */
	tach_histogram *hist;
	double t_last, t_pause;
	uint64_t lat_left;
	/* ---- issue 19 items 1 and 2 (benchlib) ----
	 * cpu_timed: the CPU seconds of the timed region only (pauses left
	 * out, unlike `cpu`), the thread's share of cpu_time; cpu_mark: the
	 * CPU reading where the timed region last (re)started.
	 * manual: the sum of tach_set_iteration_time() in this call. */
	void *cpu_ctx;
	double cpu_timed, cpu_mark;
	double manual;
	int manual_set;
	/* ---- end of issue 19 items 1 and 2 ---- */
	/* open-loop load (issue 21 item 3): every edge ends a call and
	 * starts the next at its scheduled time (load.c); NULL otherwise */
	struct tach__load_worker *load;
} tach__state_priv;

/* One registered benchmark function. */
typedef struct tach__registered {
	const char *name;
	tach_bench_fn fn;
	const tach_bench_opts *opts;
} tach__registered;

/* One runnable instance: a function with its argument values and threads. */
typedef struct tach__instance {
	const tach__registered *reg;
	int64_t arg[TACH_MAX_ARGS];
	int n_args; /* 0 .. TACH_MAX_ARGS */
	int threads;
	int show_threads; /* the name carries "/threads:N" */
	double rate; /* a load benchmark's rate (calls/s, "/rate:R"); 0: not one */
	const char *error; /* bad options (an invalid range): reported, not run */
	char name[256];
} tach__instance;

/* state.c: a load benchmark's closing edge, for a function that
 * returned without reaching the loop's end. */
TACH_HIDDEN void tach__loop_close_load(tach_state *s);

/* Expands the registry into instances (all of them, unfiltered).  The
 * array is the caller's to free.  0 or TACH_ENOMEM. */
TACH_HIDDEN int tach__instances(const int *threads_override, tach__instance **out, size_t *n);
/* The same with a rate list that overrides every load benchmark's
 * (NULL: none). */
TACH_HIDDEN int tach__instances_load(const int *threads_override, const double *rates_override,
                                     tach__instance **out, size_t *n);

/* ---- issue 19 item 4 (args.c) ----
 * The values of one argument list, markers (TACH_DENSE_ITEMS,
 * TACH_RANGE_ITEMS) expanded, into v (at most max).  NULL, or why the
 * list is invalid (a static string). */
TACH_HIDDEN const char *tach__arg_list(const int64_t *list, int64_t *v, size_t max, size_t *n);
/* The geometric range lo..hi by mult (0: 8), as Google Benchmark's
 * Range; NULL or why it is invalid. */
TACH_HIDDEN const char *tach__arg_range(int64_t lo, int64_t hi, int64_t mult, int64_t *v,
                                        size_t max, size_t *n);
/* A thread list (TACH_NPROC and TACH_THREAD_RANGE_ITEMS expanded,
 * repeats dropped), into v (at most max, 0-terminated, so max - 1
 * counts).  NULL or why it is invalid. */
TACH_HIDDEN const char *tach__thread_list(const int *list, int *v, size_t max);
/* The online CPUs (at least 1): what TACH_NPROC and "nproc" stand for. */
TACH_HIDDEN int tach__nproc(void);
/* ---- end of issue 19 item 4 ---- */
/* ---- complexity (complexity.c, issue 19 item 3) ----
 * The fits of every benchmark with .complexity set, over the instances
 * that ran (result_of[i]: the index of instance i's benchmark in out
 * after `first`, or (size_t)-1), added to out->fits; a family that cannot
 * be fitted (fewer than two sizes with times) is named in the context key
 * "complexity_not_fitted".  0 or TACH_ENOMEM. */
TACH_HIDDEN int tach__bench_complexity(const tach__instance *inst, size_t n, size_t first,
                                       const size_t *result_of, tach_result *out);

#endif
