/* run_instr.c - deterministic mode: a benchmark run under Valgrind's
 * callgrind, where instructions are counted instead of time measured.
 * The loop's clock toggles callgrind's collection, so the counts are the
 * timed region's alone; each repetition's counters are dumped under a tag
 * the parent process (instructions.c) reads back.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "tach/bench.h"
#include "bench/run.h"
#include "bench/valgrind.h"

#define DEFAULT_FIXED_ITERATIONS 100

int tach_bench_under_valgrind(void)
{
	return TACH__VALGRIND_KNOWN ? RUNNING_ON_VALGRIND != 0 : -1;
}

/* The clock of deterministic mode: the loop reads the clock exactly where
 * the timed region starts and stops (and at tach_pause/tach_resume), so
 * toggling callgrind's collection there counts the loop and nothing else.
 * It still returns the time, which the state machine needs. */
static double instr_clock(void *ctx)
{
	(void)ctx;
	CALLGRIND_TOGGLE_COLLECT;
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

/* One instance in deterministic mode: a warm-up call (lazy symbol
 * binding and first-touch work stay out of the counts), then each
 * repetition with the counters zeroed before and dumped after, tagged so
 * that the parent can tell the parts apart.  Multi-thread instances are
 * skipped: the simulator runs threads one at a time, in an order that is
 * not deterministic. */
int tach__bench_run_instr(const tach__instance *in, const tach_bench_run_opts *o,
                              tach_result *out)
{
	const tach_bench_opts *bo = in->reg->opts;
	size_t index = out->n_benchmarks;
	samples s;
	memset(&s, 0, sizeof s);
	if (in->threads > 1) {
		int rc = tach__bench_to_result(in, &s, NULL, out);
		tach_benchmark *b = rc ? NULL : out->benchmarks[out->n_benchmarks - 1];
		if (b && !(b->skipped = strdup("instruction counts are taken on one thread only")))
			rc = TACH_ENOMEM;
		return rc;
	}
	tach_bench_run_opts oi = *o;
	oi.clock = instr_clock;
	oi.clock_ctx = NULL;
	call c;
	memset(&c, 0, sizeof c);
	c.in = in;
	c.o = &oi;
	c.priv = calloc(1, sizeof *c.priv);
	if (!c.priv)
		return TACH_ENOMEM;
	tach__state_priv sp;
	tach_state setup_state;
	tach__bench_setup_instance(in, o, 1, &sp, &setup_state);
	size_t reps = bo->repetitions ? bo->repetitions : o->repetitions ? o->repetitions : 1;
	c.iters = o->fixed_iterations ? o->fixed_iterations : DEFAULT_FIXED_ITERATIONS;
	double t;
	int rc = tach__bench_run_call(&c, &t);
	const char *error = c.priv[0].error;
	if (!rc && !error && !c.priv[0].used_loop)
		error = "the benchmark function never called tach_loop()";
	for (size_t r = 0; !rc && !error && r < reps; r++) {
		CALLGRIND_ZERO_STATS;
		rc = tach__bench_run_call(&c, &t);
		if (!rc && c.priv[0].error)
			error = c.priv[0].error;
		char tag[64];
		snprintf(tag, sizeof tag, "tach:%zu:%zu", index, r);
		CALLGRIND_DUMP_STATS_AT(tag);
		if (!rc && !error)
			rc = tach__bench_record_call(&s, &c, t);
	}
	tach__bench_finish(in, &setup_state, &s, error, &rc, out);
	tach__bench_samples_free(&s);
	free(c.priv);
	return rc;
}
