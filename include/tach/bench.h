/* bench.h - the C benchmark library: write a function that loops on a
 * state, register it with TACH_BENCH, and get calibrated iterations,
 * repetitions as samples, throughput and custom metrics, all in tach's
 * results model.
 *
 *     #include <tach/bench.h>
 *
 *     TACH_BENCH(bm_memcpy, .args = TACH_ARGS(64, 4096), .arg_names = "size")
 *     {
 *             size_t n = (size_t)tach_arg(s, 0);
 *             char *a = malloc(n), *b = malloc(n);
 *             TACH_LOOP(s) {
 *                     memcpy(b, a, n);
 *                     tach_clobber();
 *             }
 *             tach_set_bytes(s, tach_iterations(s) * n);
 *             free(a);
 *             free(b);
 *     }
 *
 *     TACH_MAIN()
 *
 * Link with libtach_main and libtach (pkg-config tach-main).  The timed
 * region is exactly the loop (TACH_LOOP(s), or while (tach_loop(s))); tach_pause()/tach_resume() exclude work
 * inside it.  A benchmark function is called several times (calibration,
 * warm-up, repetitions) and must leave no state behind between calls.
 */
#ifndef TACH_BENCH_H
#define TACH_BENCH_H

#include <stddef.h>
#include <stdint.h>

#include "tach/error.h"
#include "tach/result.h"
#include "tach/stats.h"

#ifdef __cplusplus
extern "C" {
#endif

/* The state of one call of a benchmark function.  Only `left` is read by
 * the inline tach_loop(); everything else is private. */
typedef struct tach_state {
	uint64_t left; /* iterations still to run in this call */
	struct tach__state_priv *priv;
} tach_state;

typedef void (*tach_bench_fn)(tach_state *s);

/* Ends an argument list: TACH_ARGS(64, 4096) is an int64_t array with it. */
#define TACH_ARGS_END INT64_MIN
#define TACH_ARGS(...) ((const int64_t[]){__VA_ARGS__, TACH_ARGS_END})
/* A list of thread counts: TACH_THREADS(1, 2, 4); 0 ends it. */
#define TACH_THREADS(...) ((const int[]){__VA_ARGS__, 0})

/* ---- Argument and thread generators (issue 19, item 4) ----
 * The most argument dimensions an instance has; tach_arg(s, k) reads
 * k = 0 .. TACH_MAX_ARGS - 1. */
#define TACH_MAX_ARGS 8
/* Markers inside an argument list, each followed by three values; they
 * expand in place and may be mixed with plain values:
 * TACH_ARGS(1, TACH_DENSE_ITEMS(10, 50, 20)) is 1, 10, 30, 50.  The two
 * marker values (INT64_MIN + 1, + 2) cannot be arguments themselves. */
#define TACH_ARGS_DENSE_ (INT64_MIN + 1)
#define TACH_ARGS_RANGE_ (INT64_MIN + 2)
/* lo, lo + step, lo + 2 step, ... up to hi (Google Benchmark's
 * DenseRange(lo, hi, step)); step >= 1 and lo <= hi, else the benchmark
 * fails with the reason. */
#define TACH_DENSE_ITEMS(lo, hi, step) TACH_ARGS_DENSE_, (lo), (hi), (step)
#define TACH_DENSE(lo, hi, step) TACH_ARGS(TACH_DENSE_ITEMS(lo, hi, step))
/* The geometric range of .range_lo/.range_hi/.range_mult (mult 0: 8), as
 * Google Benchmark's RangeMultiplier(mult)->Range(lo, hi), in any list. */
#define TACH_RANGE_ITEMS(lo, hi, mult) TACH_ARGS_RANGE_, (lo), (hi), (mult)
#define TACH_RANGE(lo, hi, mult) TACH_ARGS(TACH_RANGE_ITEMS(lo, hi, mult))
/* Any number of dimensions (up to TACH_MAX_ARGS), each an argument list:
 * .args_product = TACH_PRODUCT(TACH_ARGS(1, 2), TACH_DENSE(0, 20, 10))
 * gives one instance per combination (Google Benchmark's ArgsProduct),
 * the first dimension varying slowest: 1/0, 1/10, 1/20, 2/0, ... */
#define TACH_PRODUCT(...) ((const int64_t *const[]){__VA_ARGS__, NULL})
/* In a thread list: the number of online CPUs when the program runs
 * (sysconf(_SC_NPROCESSORS_ONLN)).  TACH_THREADS(1, TACH_NPROC). */
#define TACH_NPROC (-1)
/* In a thread list: lo, the powers of 2 strictly between lo and hi, then
 * hi (Google Benchmark's ThreadRange(lo, hi)); hi may be TACH_NPROC.
 * TACH_THREAD_RANGE(1, 8) is 1, 2, 4, 8.  Counts repeated in one list
 * (1, 2 and nproc on a 2-CPU machine) run once. */
#define TACH_THREADS_RANGE_ (-2)
#define TACH_THREAD_RANGE_ITEMS(lo, hi) TACH_THREADS_RANGE_, (lo), (hi)
#define TACH_THREAD_RANGE(lo, hi) TACH_THREADS(TACH_THREAD_RANGE_ITEMS(lo, hi))
/* ---- end of issue 19 item 4 ---- */

/* ---- open-loop load (issue 21 item 3) ----
 * A benchmark with .load set is driven at a set rate instead of
 * calibrated: its threads (.threads) are workers, and every iteration of
 * its loop is one call, started at a scheduled time (docs/bench-library.md,
 * "Load at a set rate"). */
/* A list of rates in calls per second: TACH_RATES(1000, 2000); 0 ends it. */
#define TACH_RATES(...) ((const double[]){__VA_ARGS__, 0})
/* How the scheduled start times are spaced. */
typedef enum tach_arrivals {
	TACH_ARRIVALS_CONSTANT = 0, /* call k at k / rate */
	TACH_ARRIVALS_POISSON = 1,  /* exponential gaps of mean 1 / rate, seeded */
} tach_arrivals;
typedef struct tach_load_opts {
	/* One benchmark per rate (calls per second, finite and > 0, else
	 * the benchmark fails with the reason), named "<name>/rate:R" with
	 * parameter "rate" = R ("%g").  NULL: not a load benchmark. */
	const double *rates;
	/* Seconds of calls measured per rate; 0: TACH_LOAD_DEFAULT_DURATION. */
	double duration;
	/* Seconds of calls at the rate before the measured window, not
	 * recorded (caches, connection pools, the JIT of a peer); 0: none. */
	double warmup;
	tach_arrivals arrivals;
	/* Seconds before each scheduled start that a worker spins on the
	 * clock instead of sleeping (the kernel wakes a sleeper some tens of
	 * microseconds late); 0: TACH_LOAD_DEFAULT_SPIN, negative: never
	 * spin (the worker's CPU stays free for the code under test). */
	double spin;
} tach_load_opts;
#define TACH_LOAD_DEFAULT_DURATION 1.0
#define TACH_LOAD_DEFAULT_SPIN 50e-6
/* A start later than this many seconds after its scheduled time counts
 * in the metric late_starts. */
#define TACH_LOAD_LATE 1e-3
/* ---- end of open-loop load ---- */

/* Options of a benchmark, as designated initialisers in TACH_BENCH. */
typedef struct tach_bench_opts {
	/* One benchmark per value of the first argument: a list
	 * (TACH_ARGS(...), TACH_DENSE(...) or a mix: see the generators
	 * above), or a range (set when range_lo or range_hi is
	 * non-zero) expanded as Google Benchmark's
	 * RangeMultiplier(mult)->Range(lo, hi): lo, the powers of mult
	 * strictly between lo and hi (negated below zero, and 0 when the
	 * range crosses it), then hi; 64..16384 by 16 is 64, 256, 4096,
	 * 16384.  range_mult 0 means 8; a multiplier below 2 or hi < lo
	 * makes the benchmark fail with the reason. */
	const int64_t *args;
	int64_t range_lo, range_hi, range_mult;
	/* A second dimension (every combination with the first). */
	const int64_t *args2;
	/* Parameter names of the arguments, in order and comma-separated:
	 * "size" names the first, "size,n" both; default "arg0", "arg1".
	 * arg2_names, when set, names the second (the older spelling). */
	const char *arg_names;
	const char *arg2_names;
	/* Thread counts to run with (TACH_THREADS(1, 2, 4), TACH_NPROC,
	 * TACH_THREAD_RANGE(1, TACH_NPROC)); default 1. */
	const int *threads;
	/* Per benchmark overrides of --repetitions and --min-time. */
	size_t repetitions;
	double min_time;
	/* Per benchmark override of --max-time, the wall-clock budget in
	 * seconds (tach_bench_run_opts.max_time): 0 takes the run's, a
	 * negative value means no budget for this benchmark. */
	double max_time;
	/* Called once before and after all runs of one argument set, outside
	 * any timing (data that every call of the function shares). */
	void (*setup)(tach_state *s);
	void (*teardown)(tach_state *s);
	/* Latency mode: every iteration is timed on its own into a histogram
	 * (1/256 relative error), reported as latency_p50 ... latency_p999
	 * and latency_max per repetition.  Each iteration then includes one
	 * clock reading, whose cost the output states. */
	int latency;
	/* ---- issue 19, items 2 and 4 ----
	 * Manual timing (Google Benchmark's UseManualTime): `time` is the
	 * sum of what the function reports with tach_set_iteration_time()
	 * instead of the wall clock of the loop.  A call in which no thread
	 * reported a time fails the benchmark with that reason. */
	int manual_time;
	/* Any number of dimensions: TACH_PRODUCT(list, list, ...).  Set it
	 * instead of args/args2/range_* (both: the benchmark fails). */
	const int64_t *const *args_product;
	/* ---- end of issue 19 items 2 and 4 ---- */
	/* ---- complexity (issue 19, item 3) ----
	 * Fit the median time per iteration of this benchmark's instances
	 * against their first argument n (n >= 1, at least two sizes) to a
	 * curve by least squares (tach_stats_complexity): a chosen one
	 * (TACH_COMPLEXITY_O1, _OLOGN, _ON, _ONLOGN, _ON2, _ON3) or, with
	 * TACH_COMPLEXITY_AUTO, the one with the lowest RMS.  Instances that
	 * differ in a second argument or thread count are fitted apart.  The
	 * fit goes into the results (tach_result.fits, named after the
	 * function) and the summary ("BM_x_BigO", "BM_x_RMS").  Default
	 * TACH_COMPLEXITY_NONE: no fit. */
	tach_complexity complexity;
	/* ---- end of complexity ---- */
	/* ---- open-loop load (issue 21 item 3) ----
	 * .load = {.rates = TACH_RATES(1000, 2000), .duration = 2}: see
	 * tach_load_opts above.  Calibration, repetitions, min_time and
	 * latency mode do not apply. */
	tach_load_opts load;
	/* ---- end of open-loop load ---- */
	/* Reserved: lets TACH_BENCH append an initialiser; never set it. */
	int tach_end_;
} tach_bench_opts;

/* Registers a benchmark; called by TACH_BENCH from a constructor, before
 * main.  `name` and `opts` must stay valid for the life of the program
 * (TACH_BENCH passes a string literal and a static). */
TACH_API void tach_bench_register(const char *name, tach_bench_fn fn,
                                  const tach_bench_opts *opts);

/* The options object is at file scope so that TACH_ARGS(...) compound
 * literals in it have static storage. */
#define TACH__BENCH(fn, ...)                                                  \
	static void fn(tach_state *s);                                        \
	static const tach_bench_opts tach__opts_##fn = {__VA_ARGS__};        \
	__attribute__((constructor)) static void tach__register_##fn(void)    \
	{                                                                     \
		tach_bench_register(#fn, fn, &tach__opts_##fn);               \
	}                                                                     \
	static void fn(tach_state *s)

/* TACH_BENCH(name, .option = value, ...) { body using `s` } */
#define TACH_BENCH(...) TACH__BENCH(__VA_ARGS__, .tach_end_ = 0)

/* --------------------------------------------------------------------
 * Inside a benchmark function.
 */

/* Starts the clock on the first call, returns 1 for each iteration and 0
 * (stopping the clock) after the last.  Use as while (tach_loop(s)). */
TACH_API int tach__loop_edge(tach_state *s);
static inline int tach_loop(tach_state *s)
{
	if (__builtin_expect(s->left != 0, 1)) {
		s->left--;
		return 1;
	}
	return tach__loop_edge(s);
}

/* The fastest form of the timed loop:
 *
 *     TACH_LOOP(s) { body }
 *
 * The iteration counter is a local the compiler keeps in a register, so
 * an empty body costs nothing and tach_clobber()/tach_do_not_optimize()
 * in the body do not force it through memory (they do with tach_loop(),
 * whose counter lives in the state).  Same semantics otherwise, latency
 * mode included; do not leave the loop with break (it is two nested
 * loops: the timing would go on). */
TACH_API uint64_t tach__loop_begin(tach_state *s);
TACH_API uint64_t tach__loop_next(tach_state *s);
#define TACH_LOOP(s)                                                          \
	for (uint64_t tach__n_ = tach__loop_begin(s); tach__n_ != 0;          \
	     tach__n_ = tach__loop_next(s))                                   \
		for (uint64_t tach__i_ = tach__n_; tach__i_ != 0; --tach__i_)

/* Stop and restart the clock inside the loop, for work that is not to be
 * measured (each pair costs two clock reads: keep it out of tiny loops). */
TACH_API void tach_pause(tach_state *s);
TACH_API void tach_resume(tach_state *s);

/* The value of argument `which` (0 .. TACH_MAX_ARGS - 1) of this
 * benchmark instance (0 if it has no such argument). */
TACH_API int64_t tach_arg(const tach_state *s, int which);
/* Iterations of this call (valid inside and after the loop); in a load
 * benchmark (.load), the calls this thread has started so far. */
TACH_API uint64_t tach_iterations(const tach_state *s);
/* Index of the calling thread (0..threads-1) and the thread count. */
TACH_API int tach_thread_index(const tach_state *s);
TACH_API int tach_threads(const tach_state *s);

/* The seed of this run (--seed, default 1): derive random test data from
 * it so that runs are reproducible and a different seed is a choice. */
TACH_API uint64_t tach_seed(const tach_state *s);

/* Work done in this call, for throughput: items/s and bytes/s are the
 * totals over all threads divided by the wall time. */
TACH_API void tach_set_items(tach_state *s, uint64_t items);
TACH_API void tach_set_bytes(tach_state *s, uint64_t bytes);

/* How a custom metric's value is turned into a sample.  `value` below is
 * the sum of every thread's value; `seconds` is the call's time (the one
 * `time` is made of), `iterations` all threads' iterations together. */
typedef enum tach_counter_kind {
	TACH_COUNTER_PER_ITERATION = 0, /* value / iterations (e.g. probes/op) */
	TACH_COUNTER_RATE = 1,          /* value / seconds, unit gets "/s" */
	TACH_COUNTER_TOTAL = 2,         /* as is */
	/* issue 19 item 6 (Google Benchmark's kAvgThreads, kAvgThreadsRate,
	 * kInvert): */
	TACH_COUNTER_AVG_THREADS = 3,      /* value / threads */
	TACH_COUNTER_AVG_THREADS_RATE = 4, /* value / threads / seconds, "/s" */
	/* A flag OR'ed into a kind: the sample is 1 / (the kind's number).
	 * With a rate it is the time per unit: unit "s" for "count", else
	 * "s/<unit>"; otherwise the unit passed is the inverted number's.
	 * A kind's number of 0 gives an infinite sample, which the results
	 * file cannot hold: the metric then has no sample for that call.
	 * The direction passed is the inverted number's. */
	TACH_COUNTER_INVERT = 0x100,
	/* seconds per unit of work: 1 / (value / seconds) */
	TACH_COUNTER_INVERTED_RATE = TACH_COUNTER_RATE | TACH_COUNTER_INVERT,
} tach_counter_kind;

/* A custom metric for this call: name, value, unit (canonical or custom:
 * see tach_unit_check), direction, kind.  Values of several threads are
 * summed, then turned into a sample by the kind.  Up to 16 per
 * benchmark. */
TACH_API void tach_set_metric(tach_state *s, const char *name, double value,
                              const char *unit, tach_direction dir,
                              tach_counter_kind kind);

/* Manual timing (issue 19 item 2): adds `seconds` -- the time of the
 * work of this iteration, measured by the caller (I/O, a device, another
 * process) -- to this thread's sum for the call.  Only a benchmark with
 * .manual_time = 1 uses it: its `time` is that sum (the largest sum over
 * its threads) divided by the iterations; elsewhere it is ignored.  A
 * negative or non-finite value fails the benchmark with the reason. */
TACH_API void tach_set_iteration_time(tach_state *s, double seconds);

/* In a load benchmark (.load): marks the call in progress -- the current
 * iteration of the loop -- as failed.  It still counts in the latency
 * and service time histograms and in achieved_rate; the metric
 * `failures` counts such calls.  Ignored in other benchmarks. */
TACH_API void tach_fail_call(tach_state *s);

/* Marks the benchmark as failed with a reason; it stops at the next
 * tach_loop() and is reported with the error, not as a crash. */
TACH_API void tach_skip_with_error(tach_state *s, const char *reason);

/* Keeps the compiler from deleting the computation of x: the value must
 * exist (in a register or memory) at this point. */
#define tach_do_not_optimize(x) __asm__ volatile("" : : "r,m"(x) : "memory")
/* Makes the compiler assume all memory may be read and written here, so
 * stores before it are not removed. */
#define tach_clobber() __asm__ volatile("" : : : "memory")

/* --------------------------------------------------------------------
 * Running (what tach_main does; usable directly from a program).
 */
/* The wall-clock budget of a benchmark when nothing sets one (seconds). */
#define TACH_BENCH_DEFAULT_MAX_TIME 5.0
/* The minimum repetitions when neither the options nor the benchmark set
 * them (tach_bench_run_opts.repetitions = 0). */
#define TACH_BENCH_DEFAULT_REPETITIONS 10
/* A benchmark leaks when its net heap growth per iteration
 * (net_heap_growth_per_op) exceeds this many bytes: libtach_main then
 * names it in a warning and in the results' context key "leaking".  One
 * byte per iteration: a block kept per iteration is at least 16 bytes,
 * and one-off growth (a cache filled once) spreads over the iterations. */
#define TACH_BENCH_LEAK_TOLERANCE 1.0
/* tach_bench_run_opts.warmup: no warm-up repetition at all. */
#define TACH_BENCH_NO_WARMUP ((size_t)-1)

struct tach_cpus; /* tach/system.h */

typedef struct tach_bench_run_opts {
	const char *filter;   /* POSIX extended regex on the full name, or NULL */
	double min_time;      /* s per repetition; 0: the default (0.01 s) */
	size_t repetitions;   /* at least this many samples; 0: 10 */
	size_t max_repetitions; /* adaptive stop: at most this many; 0: 30 */
	double stable_cv;     /* stop once the median's CI is this tight; 0: 0.005 */
	/* The wall-clock budget of each benchmark instance, in seconds: 0
	 * the default (TACH_BENCH_DEFAULT_MAX_TIME, 5 s), negative none.
	 * min_time counts only timed seconds; work excluded with
	 * tach_pause() still takes wall time.
	 * Calibration grows a call to at most max_time / (repetitions +
	 * warm-up + 2) of wall time (a shorter timed repetition than
	 * min_time; refitted when a full-size call takes longer than that
	 * share), warm-up is skipped and repetitions stop (after one at
	 * least) when the next call would end past the budget; each such
	 * instance is named with what was cut in the results' context,
	 * key "max_time_reached". */
	double max_time;
	/* Warm-up repetitions: 0 the default (1), as every other field's 0;
	 * TACH_BENCH_NO_WARMUP for none. */
	size_t warmup;
	const int *threads;   /* overrides every benchmark's thread list (same markers) */
	/* Called after each benchmark instance finishes (progress). */
	void (*progress)(void *ctx, size_t done, size_t total, const char *name);
	void *progress_ctx;
	int latency;    /* latency mode for every benchmark (--latency) */
	uint64_t seed;  /* what tach_seed() returns (--seed); 0 means 1 */
	/* Allocation counting: start counting; stop and read the totals
	 * (allocations, requested bytes) of every thread since the start.
	 * With alloc_iterations NULL, one more untimed call after the
	 * repetitions runs between the two, in this process (a program with
	 * its own malloc interposer may use that).  libtach_main never sets
	 * them in the timed process: it counts in a separate process of its
	 * own (docs/bench-library.md, "Allocations").  NULL: no pass. */
	void (*alloc_start)(void);
	void (*alloc_stop)(uint64_t *allocs, uint64_t *bytes);
	/* The counting pass alone, as libtach_main's counting process runs
	 * it: no calibration and no timing.  Each selected instance for which
	 * alloc_iterations(alloc_ctx, full name) returns N > 0 is set up, runs
	 * one uncounted warm-up call and one call between alloc_start and
	 * alloc_stop, both of N iterations on each of its threads, and is torn
	 * down; its benchmark carries allocs_per_op and bytes_per_op (totals /
	 * (N x threads)) and no time.  Instances that return 0 are left out. */
	uint64_t (*alloc_iterations)(void *ctx, const char *name);
	void *alloc_ctx;
	/* ---- heap growth (issue 19, item 5) ----
	 * Read right after alloc_stop, when set: *net, bytes allocated minus
	 * bytes freed in the counted call (all threads; may be negative),
	 * *peak, the most bytes that were live at once during it, counted
	 * from its start.  The benchmark then also carries
	 * net_heap_growth_per_op (net / (iterations x threads)) and
	 * max_bytes_used (peak).  libtach_main's counting malloc measures
	 * usable block sizes (docs/bench-library.md, "Heap growth").  NULL:
	 * neither metric. */
	void (*alloc_heap)(int64_t *net, uint64_t *peak);
	/* ---- end of heap growth ---- */
	/* Hardware/software counters (tach/counters.h) read over one more
	 * untimed call, reported per iteration; NULL: no pass.  Borrowed. */
	struct tach_counter_set *counters;
	/* Clock for tests: returns seconds; NULL = the benchmark timer. */
	double (*clock)(void *ctx);
	void *clock_ctx;
	/* Deterministic mode (docs/deterministic.md), for a program running
	 * under Valgrind's callgrind (the benchmark binary's --instructions
	 * re-runs itself so): no calibration, every call runs
	 * `fixed_iterations` iterations (0: 100) on one thread, callgrind
	 * collects only inside the timed loop (tach_pause() stops it too),
	 * and each repetition (default 1) is dumped as a profile part tagged
	 * "tach:B:R" (B the benchmark's index in `out`, R the repetition)
	 * for the parent process to read.  On by itself whenever the program
	 * runs under Valgrind, since timing there means nothing. */
	int instructions;
	uint64_t fixed_iterations;
	/* Thread t of every benchmark call is pinned to the (t mod n)-th CPU
	 * of this set (tach/system.h, tach_cpus_pin_one) before the function
	 * runs, the calling thread (thread 0) too; its own affinity is put back
	 * when tach_bench_run_all returns.  NULL: not pinned.  Borrowed.
	 * libtach_main's --cpus sets it, and pins the whole process to the set
	 * as well. */
	const struct tach_cpus *cpus;
	/* ---- issue 19 item 1 ----
	 * The calling thread's CPU seconds, for tests (called with
	 * clock_ctx); NULL: CLOCK_THREAD_CPUTIME_ID, read only when `clock`
	 * is NULL too (a fake wall clock without a fake CPU clock gives no
	 * cpu_time). */
	double (*cpu_clock)(void *ctx);
	/* ---- end of issue 19 item 1 ---- */
	/* ---- open-loop load (issue 21 item 3) ----
	 * Overrides of every load benchmark's options (--rate, --duration,
	 * --load-warmup, --arrivals): a rate list (TACH_RATES; NULL: each
	 * benchmark's own), the window and the warm-up in seconds (0: each
	 * benchmark's own; a negative warm-up: none), and, when set_arrivals
	 * is 1, the arrivals. */
	const double *rates;
	double load_duration;
	double load_warmup;
	int set_arrivals;
	tach_arrivals arrivals;
	/* For tests, with `clock`: called instead of sleeping until time t
	 * (seconds of `clock`, later than its current value); it must
	 * advance that clock to t.  NULL with a fake clock: no waiting at all
	 * (every call starts at once, as if late). */
	void (*sleep_until)(void *ctx, double t);
	/* ---- end of open-loop load ---- */
} tach_bench_run_opts;

/* Runs the registered benchmarks that match, appending one benchmark per
 * instance (name/args/threads) to `out`, with metrics time (s per
 * iteration, one sample per repetition, iterations recorded), cpu_time
 * (the threads' CPU seconds inside their timed loops, pauses excluded,
 * summed over threads and divided by all threads' iterations: Google
 * Benchmark's cpu_time), and when set items_per_second, bytes_per_second
 * and custom metrics.  Returns 0,
 * TACH_EINVAL (a bad filter: err says why) or TACH_ENOMEM. */
TACH_API int tach_bench_run_all(const tach_bench_run_opts *opts, tach_result *out,
                                tach_error *err);

/* 1 when the program runs under Valgrind (then tach_bench_run_all takes
 * the deterministic path), 0 otherwise, -1 when this library was built
 * without Valgrind's headers and cannot tell. */
TACH_API int tach_bench_under_valgrind(void);

/* The full names of the registered instances that match `filter`, one
 * per call: i = 0, 1, ... until NULL.  The string is valid until the next
 * call. */
TACH_API const char *tach_bench_list(const char *filter, size_t i);
/* The same with a thread list that overrides every benchmark's, as
 * tach_bench_run_opts.threads does (NULL: none), so that --list shows
 * the instances --threads would run (issue 19 item 4). */
TACH_API const char *tach_bench_list_threads(const char *filter, const int *threads, size_t i);

/* The same with the overrides of tach_bench_run_opts that change
 * instance names -- threads and load rates (NULL: none) -- so that --list
 * shows what --threads and --rate would run. */
TACH_API const char *tach_bench_list_load(const char *filter, const int *threads,
                                          const double *rates, size_t i);

/* The benchmark binary's command line (libtach_main): --filter, --list,
 * --min-time, --max-time, --repetitions, --warmup, --threads, --format, --out,
 * --label, --counters-tabular, --help.  Prints and returns the exit status.  `optimized` is 1
 * when the benchmarks were compiled with optimisation (TACH_MAIN passes
 * it), so a debug build can be flagged. */
TACH_API int tach_main_impl(int argc, char **argv, int optimized);

#ifdef __OPTIMIZE__
#define TACH__OPTIMIZED 1
#else
#define TACH__OPTIMIZED 0
#endif
#define tach_main(argc, argv) tach_main_impl((argc), (argv), TACH__OPTIMIZED)
#define TACH_MAIN()                                      \
	int main(int argc, char **argv)                  \
	{                                                \
		return tach_main(argc, argv);            \
	}

#ifdef __cplusplus
}
#endif
#endif
