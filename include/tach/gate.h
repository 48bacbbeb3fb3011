/* gate.h - the gate config (tach.conf): per-metric and per-benchmark
 * rules for comparisons (alpha, minimum effect, allowed regression,
 * required or not) and absolute targets ("time < 2ms").  docs/gate.md
 * describes the file; in short, git-config style:
 *
 *   [compare]                 # defaults for every row
 *       alpha = 0.01
 *       min-effect = 1%
 *       max-regression = 5%
 *   [metric "peak_rss"]
 *       min-effect = 5%
 *   [bench "BM_hash*"]        # a glob over the benchmark's name
 *       metric = time         # only these metrics (repeatable)
 *       min-improvement = 50% # must be at least 50 % better, for sure
 *       max-cv = 10%          # candidate samples' CV at most 10 %
 *       target = time < 2ms
 *       target = items_per_second > 50M
 *       required = false      # a failure here only warns
 *
 * Sections apply in file order; a later matching section overrides the
 * keys it sets.
 */
#ifndef TACH_GATE_H
#define TACH_GATE_H

#include <stddef.h>

#include "tach/compare.h"
#include "tach/error.h"
#include "tach/result.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef struct tach_gate_config tach_gate_config;

/* Parses a config from memory (`name` for messages).  Errors are placed
 * at file:line:column: unknown sections or keys, bad values, unterminated
 * quotes, a target on a well-known metric whose value is of another kind
 * ("time < 2MB").  0, TACH_EFORMAT or TACH_ENOMEM. */
TACH_API int tach_gate_config_parse(const char *text, size_t len, const char *name,
                                    tach_gate_config **out, tach_error *err);
/* The same from a file; -errno when it cannot be read. */
TACH_API int tach_gate_config_load(const char *path, tach_gate_config **out,
                                   tach_error *err);
TACH_API void tach_gate_config_free(tach_gate_config *cfg);

/* Applies every section matching benchmark b and metric (NULL: the
 * benchmark as a whole) to *rule, in file order.  The signature of
 * tach_compare_opts.rule_for, with the config as ctx. */
TACH_API void tach_gate_config_rule(void *cfg, const tach_benchmark *b, const char *metric,
                                    tach_compare_rule *rule);

/* What a check checks. */
typedef enum tach_check_kind {
	TACH_CHECK_TARGET = 0, /* an absolute target on the candidate's median */
	TACH_CHECK_MAX_CV = 1, /* max-cv on a candidate metric without a comparison row */
} tach_check_kind;

/* One check of one benchmark's candidate metric: an absolute target
 * against its median, or max-cv against its CV. */
typedef struct tach_gate_check {
	const tach_benchmark *bench; /* NULL: the target matched no benchmark */
	const char *metric;
	const char *target;  /* as written, e.g. "time < 2ms"; NULL for max-cv */
	const char *pattern; /* the section's benchmark pattern, or NULL */
	double actual;       /* the median in canonical units, or the CV; NaN if none */
	int passed;
	int required;
	tach_check_kind kind;
	double limit; /* max-cv: the rule's limit (0.1 = 10 %) */
} tach_gate_check;

typedef struct tach_gate_checks {
	tach_gate_check *items;
	size_t n, n_failed, n_warned;
} tach_gate_checks;

/* Checks every target against the benchmarks of `cand`.  A target whose
 * section matches no benchmark with that metric fails (a renamed
 * benchmark must not pass silently).  A target's value must be of the
 * metric's kind (a duration for seconds, a size for bytes, a rate for
 * "/s" units, a percentage for "%"; a plain number fits any, an SI
 * multiple any but seconds and percent): well-known metrics are checked
 * when the config is parsed, others here, where a mismatch returns
 * TACH_EFORMAT with err (may be NULL) placed at the target in the config
 * file.  0, TACH_EFORMAT or TACH_ENOMEM; on error *out is empty. */
TACH_API int tach_gate_check_targets(const tach_gate_config *cfg, const tach_result *cand,
                                     tach_gate_checks *out, tach_error *err);
TACH_API void tach_gate_checks_release(tach_gate_checks *c);

/* Appends to *out a max-cv check (TACH_CHECK_MAX_CV) for every metric of
 * cand's benchmarks whose rule sets max-cv and that has no row in c (c
 * NULL: every metric; with a comparison its rows carry the rule, see
 * tach_compare_rule.max_cv, so only benchmarks new in cand are left).
 * The CV is the classic one of the candidate samples; fewer than 2 fail
 * (unknown, actual NaN).  0 or TACH_ENOMEM (*out keeps what it had). */
TACH_API int tach_gate_check_stability(const tach_gate_config *cfg, const tach_result *cand,
                                       const tach_comparison *c, tach_gate_checks *out);
/* The same by the rules of a comparison's options: opts->rule, adjusted
 * by opts->rule_for when set (the gate config and the command line's
 * flags, as tach_compare decides rows), for the metrics opts->metrics
 * lists (NULL: every one).  tach_gate_check_stability is this with the
 * default rule and tach_gate_config_rule on cfg.  0 or TACH_ENOMEM. */
TACH_API int tach_gate_check_stability_opts(const tach_compare_opts *opts,
                                            const tach_result *cand, const tach_comparison *c,
                                            tach_gate_checks *out);

/* Whether a `[bench "PATTERN"]` section of the config names benchmark b
 * (its pattern matches b's name): 1 with *pattern (borrowed from the
 * config) and *line (the section's header) of the last such section, 0
 * otherwise.  A benchmark so named is required: gone from a candidate,
 * it fails the gate (`tach gate`, `tach compare`). */
TACH_API int tach_gate_config_names(const tach_gate_config *cfg, const tach_benchmark *b,
                                    const char **pattern, unsigned *line);

/* The config's file name as given to tach_gate_config_parse (borrowed
 * until tach_gate_config_free). */
TACH_API const char *tach_gate_config_name(const tach_gate_config *cfg);

#ifdef __cplusplus
}
#endif
#endif
