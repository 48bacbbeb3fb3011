/* ab.h - the A/B engine: two commands, or two benchmark programs,
 * measured in one job and compared -- the engine behind `tach compare
 * --run` and `--aa`, for any program that wants a same-job verdict.
 *
 * Both sides run interleaved in random order, in batches, until every
 * wall-time row is decided, the time is up or the run limit is reached
 * (each next batch is as large as the noise says a decision needs); then,
 * unless told otherwise, every row flagged as a change is measured again
 * from scratch (the confirmation pass) and counts only if it reproduces.
 *
 * Why interleave: on a shared machine the speed drifts by percents over
 * minutes; runs of A and B taken in alternation see the same drift, so it
 * cancels in the comparison, while A-then-B would show it as a change.
 *
 * Every run goes through a tach_executor (tach/run.h), and every elapsed
 * time is read from its clock: the real one runs commands, a fake one
 * makes the engine's decisions testable to the run.
 */
#ifndef TACH_AB_H
#define TACH_AB_H

#include <stddef.h>
#include <stdint.h>

#include "tach/compare.h"
#include "tach/error.h"
#include "tach/result.h"
#include "tach/run.h"

#ifdef __cplusplus
extern "C" {
#endif

/* What the engine is doing, for a progress line. */
typedef enum tach_ab_event {
	TACH_AB_BATCH = 0,      /* a batch ended: `runs` of each side so far,
	                           `elapsed` seconds since the pass began */
	TACH_AB_PASS_DONE = 1,  /* a pass (first or confirmation) ended */
	TACH_AB_CONFIRMING = 2, /* the confirmation pass begins for `rows`
	                           changed rows */
	TACH_AB_RUN = 3,        /* a timed run of a command ended inside a
	                           batch: `runs` of the side with fewer so far,
	                           `elapsed` seconds since the pass began (a
	                           long batch is not silent) */
} tach_ab_event;

typedef void (*tach_ab_progress_fn)(void *ctx, tach_ab_event event, size_t runs,
                                    double elapsed, size_t rows);

typedef struct tach_ab_opts {
	char *const *base_argv, *const *cand_argv; /* borrowed, NULL-terminated */
	const char *base_text, *cand_text; /* the command lines as given (the
	                                      sources); NULL: argv[0] */
	size_t warmup;   /* untimed runs of each command before the first batch */
	size_t min_runs; /* runs per side in the first batch (0 means 10) */
	size_t max_runs; /* at most this many per side (0 means 200) */
	double max_time; /* seconds for the adaptive measurement (0 means 60) */
	double timeout;  /* per run, seconds; 0 none */
	uint64_t seed;   /* of the interleaving order */
	int confirm;     /* re-measure flagged rows */
	/* The commands are benchmark programs (tach/bench.h binaries or
	 * Google Benchmark binaries, told apart by their --help): every
	 * benchmark in them becomes a row; each run of a program gives `reps`
	 * repetitions (0 means 5) of each of its benchmarks, and the programs
	 * run alternately, in an order drawn from the seed. */
	int suite;
	size_t reps;
	tach_ab_progress_fn progress; /* NULL: none */
	void *progress_ctx;
	const tach_executor *exec; /* NULL: tach_executor_real() */
	/* Each side's working directory (tach_exec_opts.cwd; borrowed; NULL:
	 * tach's own): the same relative command line, such as ./build/bench,
	 * then runs two builds -- how `tach bisect` measures a commit against
	 * the good one's build in a second work tree. */
	const char *base_cwd, *cand_cwd;
	/* Pins every run of both sides to these CPUs (tach/system.h);
	 * borrowed; NULL: not pinned. */
	const struct tach_cpus *cpus;
	/* When set and becoming nonzero (a SIGINT handler's flag, which also
	 * calls tach_exec_interrupt), the engine stops after the run in
	 * progress: no further batch, no confirmation pass; the outcome holds
	 * what was measured and compared so far, with `stopped` set. */
	volatile int *stop;
} tach_ab_opts;

typedef struct tach_ab_outcome {
	tach_result *base, *cand;    /* every sample of the first pass */
	tach_comparison *comparison; /* of the first pass, verdicts confirmed */
	int confirmed;               /* a confirmation pass ran */
	size_t passes_runs[2];       /* runs per side in the first and the
	                                confirmation pass (0: none) */
	int stopped;                 /* opts->stop ended the measurement:
	                                the comparison is of the runs so far */
} tach_ab_outcome;

/* Measures both sides and compares them with `copts` (tach_compare),
 * filling *out, which the caller releases with tach_ab_outcome_release
 * (also after an error: it holds what was measured).  With opts->confirm
 * and a row flagged regressed or improved, both sides are measured again
 * with as many runs as the first pass took, and
 * tach_comparison_confirm keeps only the changes that reproduce.
 * Without a suite each side's result set has one benchmark, "command",
 * whose source is the command line; with one, the programs' benchmarks.
 * A failing run (non-zero exit, signal, timeout) is an error, as in
 * `tach run`: its time would measure the failure.  Returns 0, the
 * runner's error (TACH_ERANGE for a failed run, -ENOENT ... for one that
 * could not start), TACH_EFORMAT for a suite program of neither kind, or
 * the comparison's error; err says which command and why.  Stopped by
 * opts->stop: 0 with out->stopped set, or TACH_EINVAL when not one run of
 * each side was measured (nothing to compare). */
TACH_API int tach_ab_compare(const tach_ab_opts *opts, const tach_compare_opts *copts,
                             tach_ab_outcome *out, tach_error *err);
/* Frees what an outcome holds and zeroes it; a zeroed outcome is a no-op. */
TACH_API void tach_ab_outcome_release(tach_ab_outcome *out);

#ifdef __cplusplus
}
#endif
#endif
