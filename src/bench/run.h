/* run.h - what the timed runs (run.c) and the deterministic mode under
 * callgrind (run_instr.c) share: one call of a benchmark on its threads,
 * the samples an instance collects, and the steps of an instance.
 * Internal to src/bench. */
#ifndef TACH_BENCH_RUN_H
#define TACH_BENCH_RUN_H

#include <pthread.h>
#include <stdint.h>

#include "tach/bench.h"
#include "tach/histogram.h"
#include "bench/internal.h"

/* One call of the function on every thread, `iters` iterations each. */
typedef struct call {
	const tach__instance *in;
	const tach_bench_run_opts *o;
	uint64_t iters;
	tach__state_priv *priv; /* one per thread */
	tach_histogram *hists;  /* latency mode: one per thread, else NULL */
	pthread_barrier_t barrier;
	int cpu; /* read each thread's CPU time for calibration (not in tests
	          * with a fake clock, nor under callgrind) */
	double work; /* after a call: calibration's measure (run_call) */
	struct tach__load_worker *load; /* load benchmarks: one per thread */
} call;

/* The repetitions of an instance, as they become its samples. */
typedef struct samples {
	double *time, *items, *bytes;
	uint64_t *iters;
	double *metric[TACH__MAX_METRICS];
	tach__user_metric meta[TACH__MAX_METRICS];
	size_t n_metrics, n, cap;
	int items_set, bytes_set;
	/* issue 19 item 1: cpu_time per repetition, set when CPU was read */
	double *cpu;
	int cpu_set;
} samples;

/* Runs one call; *elapsed = its time.  0 or TACH_ENOMEM. */
TACH_HIDDEN int tach__bench_run_call(call *c, double *elapsed);
/* Adds call c (which took `elapsed`) to s.  0 or TACH_ENOMEM. */
TACH_HIDDEN int tach__bench_record_call(samples *s, const call *c, double elapsed);
TACH_HIDDEN void tach__bench_samples_free(samples *s);
/* The state an instance's setup sees, then the setup call. */
TACH_HIDDEN void tach__bench_setup_instance(const tach__instance *in, const tach_bench_run_opts *o,
                                            int threads, tach__state_priv *sp, tach_state *st);
/* The end of an instance: teardown, and its benchmark in out (*rc set
 * from that unless it holds an error already). */
TACH_HIDDEN void tach__bench_finish(const tach__instance *in, tach_state *setup_state,
                                    const samples *s, const char *error, int *rc,
                                    tach_result *out);
/* The instance's benchmark, with samples s (or the error), into out. */
TACH_HIDDEN int tach__bench_to_result(const tach__instance *in, const samples *s,
                                      const char *error, tach_result *out);
/* run_load.c: one instance of a load benchmark (at its rate). */
TACH_HIDDEN int tach__bench_run_load(const tach__instance *in, const tach_bench_run_opts *o,
                                     tach_result *out);
/* run_instr.c: one instance in deterministic mode. */
TACH_HIDDEN int tach__bench_run_instr(const tach__instance *in, const tach_bench_run_opts *o,
                                      tach_result *out);

#endif
