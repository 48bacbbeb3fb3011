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
	/* tach gate only (its table lists them): the rules of tach.conf's
	 * min-improvement and max-cv keys for every metric */
	DECIDE_MIN_IMPROVEMENT,
	DECIDE_MAX_CV,
};

#define DECIDE_OPTS                                                                        \
	CLI_VALUE(DECIDE_CONFIG, "config", 'c', "FILE",                                      \
	          "gate config (default: ./tach.conf when present)"),                        \
	CLI_FLAG(DECIDE_NO_CONFIG, "no-config", 0, "ignore ./tach.conf"),                    \
	CLI_VALUE(DECIDE_ALPHA, "alpha", 0, "P", "significance level before correction (0.01)"), \
	CLI_VALUE(DECIDE_MIN_EFFECT, "min-effect", 0, "PCT", "smallest change that counts (1%)"), \
	CLI_VALUE(DECIDE_MAX_REGRESSION, "max-regression", 0, "PCT",                         \
	          "regressions up to PCT do not fail (default 0: any regression fails)"),    \
	CLI_VALUE_N(DECIDE_METRIC, "metric", 'm', "NAME", "compare only this metric (repeatable)", \
	            CLI_REPEAT),                                                             \
	CLI_FLAG(DECIDE_WARN_ONLY, "warn-only", 0, "report failures but exit 0"),            \
	CLI_NUMBER(DECIDE_NOISE_RUNS, "noise-runs", 0, "N",                                  \
	           "size each metric's minimum effect from its run-to-run changes over the "  \
	           "last N runs of the history",                                             \
	           3, 1000)
/* The config's min-improvement and max-cv for every metric (tach gate and
 * tach compare alike). */
#define DECIDE_RULE_OPTS                                                                   \
	CLI_VALUE(DECIDE_MIN_IMPROVEMENT, "min-improvement", 0, "PCT",                       \
	          "every compared metric must improve by at least PCT, for sure (tach.conf's " \
	          "min-improvement)"),                                                       \
	CLI_VALUE(DECIDE_MAX_CV, "max-cv", 0, "PCT",                                         \
	          "every candidate metric's CV at most PCT (tach.conf's max-cv)")

typedef struct cli_decide {
	tach_gate_config *config;
	tach_compare_opts opts;
	const char *metrics[33];
	size_t n_metrics;
	int warn_only;
	/* command-line rule values, applied over the config's (every
	 * section: a flag is the rule of every benchmark and metric) */
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
int cli_decide_option(cli_decide *d, const cli_item *it);
/* Whether a candidate alone can be checked: a config (targets, max-cv)
 * or --max-cv. */
int cli_decide_has_rules(const cli_decide *d);
/* Loads the config (explicit, or ./tach.conf unless disabled) and builds
 * d->opts.  0, or EXIT_USAGE after printing the error. */
int cli_decide_finish(cli_decide *d, const char *config_path, int no_config);
void cli_decide_release(cli_decide *d);
/* Refuses a results set (read from path) with two benchmarks of the same
 * name and parameters, naming both (their positions, from 1): 0, or
 * EXIT_USAGE after printing the error. */
int cli_decide_distinct(const tach_result *r, const char *path);
/* Warns (stderr) when BASE and CAND come from different testbeds
 * (tach_meta_testbed_differs), naming the fact that differs and both
 * testbeds: their difference is partly the machines'.  1 when they do. */
int cli_decide_machines(const tach_result *base, const tach_result *cand, const char *bn,
                        const char *cn);
/* Before comparing: the candidate, whose time bounds the history used by
 * --noise-runs (its own run and later ones are not noise). */
void cli_decide_candidate(cli_decide *d, const tach_result *cand);

/* A benchmark of the base that the candidate lacks although a
 * `[bench "PATTERN"]` section of the config names it. */
typedef struct cli_gone {
	const tach_benchmark *bench;
	const char *pattern, *file; /* the section's, borrowed from the config */
	unsigned line;
	int required; /* 0: only a warning (required = false) */
} cli_gone;

/* The gate's checks besides the comparison's rows: the config's targets
 * on the candidate, a candidate without benchmarks (fails: nothing was
 * measured), and the named benchmarks that are gone. */
typedef struct cli_checks {
	tach_gate_checks targets;
	int empty;
	cli_gone *gone;
	size_t n_gone;
	size_t n, n_failed, n_warned; /* over all of them */
} cli_checks;

/* Fills *k for CAND (c: the comparison with a base, or NULL).  0, or
 * EXIT_USAGE after printing the error (a target whose value does not fit
 * its metric's unit, out of memory); release *k in any case. */
int cli_decide_checks(const cli_decide *d, const tach_comparison *c, const tach_result *cand,
                      cli_checks *k);
void cli_decide_checks_release(cli_checks *k);
/* Where the gate's check lines go: with f, as text lines ("FAIL  REASON
 * NAME", coloured with color, names escaped as terminal text); without,
 * as records for tach_report_checks_csv (v[0..n), each reason owned,
 * name and metric borrowed from the results and the config; oom set when
 * one could not be kept).  Zero-initialised but for f and color. */
typedef struct cli_check_out {
	FILE *f;
	int color;
	tach_check *v;
	size_t n, cap;
	int oom;
} cli_check_out;
/* One check: its outcome, what it checks ("regression", "min-improvement",
 * "max-cv", "target", "empty", "gone", "testbed"), the benchmark (NULL:
 * none) and metric, and its reason, the line between the verdict word
 * and the name ("time regressed +5.00% (allowed 2%)"). */
void cli_check_emit(cli_check_out *o, tach_check_outcome outcome, const char *kind,
                    const char *name, const char *metric, const char *fmt, ...)
	__attribute__((format(printf, 6, 7)));
void cli_check_out_release(cli_check_out *o);
/* cli_decide_print_checks and cli_decide_print_rules to either. */
void cli_decide_emit_checks(cli_check_out *o, const cli_checks *k, const char *cand_path);
size_t cli_decide_emit_rules(cli_check_out *o, const tach_comparison *c, int passes);
/* Prints the checks (text), one line each, to f; cand_path names the
 * candidate in the line of an empty one. */
void cli_decide_print_checks(FILE *f, const cli_checks *k, const char *cand_path, int color);
/* Prints the rows' min-improvement and max-cv results (text), one line
 * each with the reason, to f: failures and warnings, and with passes
 * also the rows that met a min-improvement.  Returns the lines printed. */
size_t cli_decide_print_rules(FILE *f, const tach_comparison *c, int passes, int color);
/* The rows that min-improvement or max-cv failed or warned about. */
size_t cli_decide_rule_failures(const tach_comparison *c);

#endif
