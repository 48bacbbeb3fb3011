/* decide.h - what `tach compare` and `tach gate` share: the options that
 * set the decision rule, the gate config, and the exit status. */
#ifndef TACH_CLI_DECIDE_H
#define TACH_CLI_DECIDE_H

#include <stdio.h>

#include "tach/tach.h"
#include "cli/cli.h"

/* Option ids shared by both commands (their tables list them). */
enum {
	DECIDE_CONFIG = 100,
	DECIDE_NO_CONFIG,
	DECIDE_ALPHA,
	DECIDE_MIN_EFFECT,
	DECIDE_MAX_REGRESSION,
	DECIDE_METRIC,
	DECIDE_WARN_ONLY,
	DECIDE_NOISE_RUNS,
};

#define DECIDE_OPTS                                                                        \
	{DECIDE_CONFIG, "config", 'c', "FILE",                                               \
	 "gate config (default: ./tach.conf when present)", 0},                              \
	{DECIDE_NO_CONFIG, "no-config", 0, NULL, "ignore ./tach.conf", 0},                   \
	{DECIDE_ALPHA, "alpha", 0, "P", "significance level before correction (0.01)", 0},  \
	{DECIDE_MIN_EFFECT, "min-effect", 0, "PCT", "smallest change that counts (1%)", 0},  \
	{DECIDE_MAX_REGRESSION, "max-regression", 0, "PCT",                                  \
	 "regressions up to PCT do not fail (default 0: any regression fails)", 0},          \
	{DECIDE_METRIC, "metric", 'm', "NAME", "compare only this metric (repeatable)", CLI_REPEAT}, \
	{DECIDE_WARN_ONLY, "warn-only", 0, NULL, "report failures but exit 0", 0},          \
	{DECIDE_NOISE_RUNS, "noise-runs", 0, "N",                                            \
	 "size each metric's minimum effect from its run-to-run changes over the last N runs of the history", 0}

typedef struct cli_decide {
	tach_gate_config *config;
	tach_compare_opts opts;
	const char *metrics[33];
	size_t n_metrics;
	int warn_only;
	/* command-line rule values, applied over the config's */
	tach_compare_rule flags;
	unsigned set;
	/* --noise-runs: the history's last runs before `before` (the
	 * candidate's time; NULL: all) size each row's minimum effect */
	size_t noise_runs;
	const char *before;
	struct tach_store *store;
	size_t n_sized; /* rows whose minimum effect the history raised */
} cli_decide;

/* Handles one parsed option if it is a DECIDE_ one: 1 handled, 0 not
 * ours, -1 bad value (message printed). */
int cli_decide_option(cli_decide *d, int id, const char *spelled, const char *value);
/* Loads the config (explicit, or ./tach.conf unless disabled) and builds
 * d->opts.  0, or EXIT_USAGE after printing the error. */
int cli_decide_finish(cli_decide *d, const char *config_path, int no_config);
void cli_decide_release(cli_decide *d);
/* Before comparing: the candidate, whose time bounds the history used by
 * --noise-runs (its own run and later ones are not noise). */
void cli_decide_candidate(cli_decide *d, const tach_result *cand);

/* Prints the target checks (text) to f. */
void cli_decide_print_targets(FILE *f, const tach_gate_checks *t, int color);

#endif
