/* run_output.h - what `tach run` shows: a progress line on a terminal
 * (stderr, nothing of it in pipes or files) and the summary with the
 * comparison of the commands. */
#ifndef TACH_CLI_RUN_OUTPUT_H
#define TACH_CLI_RUN_OUTPUT_H

#include <stdio.h>

#include "tach/run.h"

void cli_run_progress_begin(void);
void cli_run_progress(void *ctx, size_t done, size_t total, size_t bench,
                      const tach_run_sample *last);
void cli_run_progress_end(void);
/* Per command: time (median, mean ± sd, range, runs), CPU, peak memory
 * with its method; for several: which ran faster than which, by a ratio
 * of medians with its 95% bootstrap CI. */
void cli_run_summary(FILE *f, const tach_result *r, int color, int ascii);

/* The name of the empty command through the shell that `tach run --shell`
 * runs among the commands, to measure the shell's own start-up. */
#define CLI_SHELL_STARTUP "(shell start-up)"

/* After the runs (run_resolve.c): with `shell` (NULL: none), takes the
 * shell's start-up -- the last benchmark of res, CLI_SHELL_STARTUP, when
 * `in_res` (it is then removed from res), else measured now unless
 * `may_measure` is 0 (tach was asked to stop) -- and
 * subtracts its median from every wall time; flags
 * (TACH_METRIC_UNRESOLVED) and names on stderr every command whose time is
 * at or below the timer's resolution or within the start-up's spread;
 * records the timer resolution and the subtracted start-up in the
 * context.  0, or an exit status after an error message. */
int cli_run_resolve(tach_result *res, const char *shell, int in_res, int may_measure);

#endif
