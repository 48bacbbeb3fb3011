/* compare_run.h - measuring two commands in one job for `tach compare
 * --run` and `--aa` (interleaved, adaptive, confirmed). */
#ifndef TACH_CLI_COMPARE_RUN_H
#define TACH_CLI_COMPARE_RUN_H

#include <stddef.h>
#include <stdint.h>

#include "tach/tach.h"

typedef struct cli_ab {
	char **base_argv, **cand_argv; /* borrowed */
	const char *base_text, *cand_text;
	size_t warmup;   /* untimed runs of each first */
	size_t min_runs; /* the first batch per side */
	size_t max_runs; /* per side */
	double max_time; /* seconds for the adaptive measurement */
	double timeout;  /* per run; 0 none */
	uint64_t seed;   /* of the interleaving order */
	int confirm;     /* re-measure flagged rows */
	int progress;    /* a progress line on stderr */
	/* The commands are benchmark programs (tach or Google Benchmark):
	 * every benchmark in them becomes a row; each run of a program gives
	 * `reps` repetitions of each benchmark. */
	int suite;
	size_t reps;
} cli_ab;

typedef enum cli_suite_kind { CLI_SUITE_TACH, CLI_SUITE_GBENCH } cli_suite_kind;

typedef struct cli_suite {
	cli_suite_kind kind[2]; /* base, cand */
	char dir[64];           /* a private temporary directory */
} cli_suite;

/* Finds out what kind of program each side is (its --help) and makes
 * the temporary directory. */
int cli_suite_prepare(cli_suite *s, char **base_argv, char **cand_argv, tach_error *err);
void cli_suite_cleanup(cli_suite *s);
/* Runs both programs once each, in an order drawn from rng, adding
 * their samples to base and cand. */
int cli_suite_round(const cli_suite *s, const cli_ab *ab, size_t reps, tach_rng *rng,
                    tach_result *base, tach_result *cand, tach_error *err);

typedef struct cli_ab_outcome {
	tach_result *base, *cand;   /* every sample of the first pass */
	tach_comparison *comparison; /* of the first pass, verdicts confirmed */
	int confirmed;               /* a confirmation pass ran */
} cli_ab_outcome;

/* Measures and compares; 0, or the runner's or comparison's error. */
int cli_ab_compare(const cli_ab *ab, const tach_compare_opts *opts, cli_ab_outcome *out,
                   tach_error *err);
void cli_ab_outcome_release(cli_ab_outcome *o);

#endif
