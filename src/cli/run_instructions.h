/* run_instructions.h - `tach run --instructions` (deterministic mode):
 * the commands run under Valgrind's callgrind and each run's counts
 * become its metrics.  See run_instructions.c. */
#ifndef TACH_CLI_RUN_INSTRUCTIONS_H
#define TACH_CLI_RUN_INSTRUCTIONS_H

#include <stddef.h>

#include "tach/tach.h"

typedef struct cli_instr_runs {
	tach_sim_counts *counts; /* one per timed run, in order */
	size_t n;
} cli_instr_runs;

typedef struct cli_instr {
	char valgrind[4096];
	char dir[64];  /* the profiles of the run in progress */
	char **prefix; /* valgrind and its options */
	size_t n_prefix;
	cli_instr_runs *runs; /* per benchmark, in the order they were added */
	size_t n_runs;
	char why[512]; /* why a run failed under Valgrind, when known */
} cli_instr;

/* Finds Valgrind (else says how to install it) and makes the directory;
 * 0 or the exit status of a usage error (printed). */
int cli_instr_begin(cli_instr *ci, size_t n_bench);
/* A new argv: the Valgrind prefix, then words.  NULL when out of memory. */
char **cli_instr_wrap(const cli_instr *ci, char **words);
/* The runner's progress callback (ctx: the cli_instr): collects the
 * counts of the run that just ended, then draws the usual progress. */
void cli_instr_progress(void *ctx, size_t done, size_t total, size_t bench,
                        const tach_run_sample *last);
/* Replaces the timings of res by the counts; 0 or an exit status. */
int cli_instr_finish(cli_instr *ci, tach_result *res);
/* Removes what is left; frees. */
void cli_instr_end(cli_instr *ci);

#endif
