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
 * quotes.  0, TACH_EFORMAT or TACH_ENOMEM. */
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

/* One absolute target checked against one benchmark's candidate median. */
typedef struct tach_gate_check {
	const tach_benchmark *bench; /* NULL: the target matched no benchmark */
	const char *metric;
	const char *target;  /* as written, e.g. "time < 2ms" */
	const char *pattern; /* the section's benchmark pattern, or NULL */
	double actual;       /* the median in canonical units; NaN if none */
	int passed;
	int required;
} tach_gate_check;

typedef struct tach_gate_checks {
	tach_gate_check *items;
	size_t n, n_failed, n_warned;
} tach_gate_checks;

/* Checks every target against the benchmarks of `cand`.  A target whose
 * section matches no benchmark with that metric fails (a renamed
 * benchmark must not pass silently).  0 or TACH_ENOMEM. */
TACH_API int tach_gate_check_targets(const tach_gate_config *cfg, const tach_result *cand,
                                     tach_gate_checks *out);
TACH_API void tach_gate_checks_release(tach_gate_checks *c);

#ifdef __cplusplus
}
#endif
#endif
