/* run_output.h - what `tach run` shows: a progress line on a terminal
 * (stderr, nothing of it in pipes or files) and the summary with the
 * comparison of the commands. */
#ifndef TACH_CLI_RUN_OUTPUT_H
#define TACH_CLI_RUN_OUTPUT_H

#include <stdint.h>
#include <stdio.h>

#include "tach/run.h"
#include "tach/units.h"

/* show: 1 draw the progress line, 0 not, -1 when stderr is a terminal
 * (--style). */
void cli_run_progress_begin(int show);
void cli_run_progress(void *ctx, size_t done, size_t total, size_t bench,
                      const tach_run_sample *last);
void cli_run_progress_end(void);
/* How the summary looks: --style, --time-unit, --sort, --reference. */
enum { CLI_SORT_AUTO, CLI_SORT_COMMAND, CLI_SORT_MEAN };
typedef struct cli_run_view {
	int color, ascii;
	const tach_scale *time_unit; /* every time in this unit; NULL: each its own */
	int sort;                    /* CLI_SORT_*: the order of the comparison */
	size_t reference;            /* the reference benchmark, SIZE_MAX: none */
} cli_run_view;

/* Per command, in the order measured: time (median, mean ± sd, range,
 * runs), CPU, peak memory with its method; for several, in the order of
 * v->sort (auto: by the time compared): without a reference,
 * which ran faster than which, by a ratio of medians with its 95%
 * bootstrap CI; with one, each other command against it, by the ratio of
 * means ± its standard deviation. */
void cli_run_summary(FILE *f, const tach_result *r, const cli_run_view *v);
/* The comparison part of it alone (the "Summary" block; nothing for
 * fewer than two benchmarks): `tach show` of a file with a reference. */
void cli_run_comparison(FILE *f, const tach_result *r, const cli_run_view *v);
/* The context key naming the --reference benchmark (docs/results-format.md)
 * and the index of that benchmark in r (the one of that name without
 * parameters), SIZE_MAX when r names none or lacks it. */
#define CLI_CONTEXT_REFERENCE "reference"
size_t cli_run_reference_of(const tach_result *r);
/* order[0..n_benchmarks): the benchmarks' indices as given, or by their
 * mean or median time (ties as given, benchmarks without times last).
 * 0, or -1 out of memory. */
enum { CLI_ORDER_GIVEN, CLI_ORDER_MEAN, CLI_ORDER_MEDIAN };
int cli_run_order(const tach_result *r, int key, size_t *order);

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
