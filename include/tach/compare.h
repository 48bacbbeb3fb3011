/* compare.h - deciding whether a candidate result set is slower than a
 * baseline: benchmarks matched by name and parameters, one row per metric
 * present on both sides, each with the ratio of candidate to baseline and
 * its confidence interval, a p-value and a verdict.
 *
 * The decision rule (docs/statistics.md explains it with simulated error
 * rates): a row is "regressed" or "improved" when the change is both
 * statistically significant -- a one-sided Mann-Whitney U test in the
 * observed direction, its p-value Holm-corrected over every tested row,
 * below alpha -- and its point estimate (Hodges-Lehmann on the logarithms:
 * the median ratio of candidate to baseline values) is at least the
 * minimum effect; "same" when the (1 - 2 alpha) interval lies within +-
 * the minimum effect (an equivalence test) or the significant change is
 * smaller than it; "inconclusive" otherwise.  Metrics marked deterministic
 * (instruction counts) are compared without tests against a threshold.
 */
#ifndef TACH_COMPARE_H
#define TACH_COMPARE_H

#include <stddef.h>

#include "tach/error.h"
#include "tach/result.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef enum tach_verdict {
	TACH_SAME = 0,
	TACH_IMPROVED = 1,
	TACH_REGRESSED = 2,
	TACH_INCONCLUSIVE = 3,
	TACH_NEW = 4,  /* only in the candidate */
	TACH_GONE = 5, /* only in the baseline */
} tach_verdict;
#define TACH_N_VERDICTS 6

/* "same", "improved", "regressed", "inconclusive", "new", "gone". */
TACH_API const char *tach_verdict_name(tach_verdict v);

/* How one row is decided; every field may differ per benchmark and metric
 * (see tach_compare_opts.rule_for and the gate config). */
typedef struct tach_compare_rule {
	double alpha;      /* significance level before correction; 0.01 */
	double min_effect; /* smallest change that matters, 0.01 = 1 % */
	double threshold;  /* deterministic metrics: change that counts, 0.005 */
	/* The gate: a "regressed" row fails it when it is worse than this
	 * (0.05 = 5 %; 0: every regression fails) and the rule is required. */
	double max_regression;
	/* Required improvement: a row fails the gate unless it improved by
	 * at least this much for sure -- the worse end of its (1 - 2 alpha)
	 * interval shows it (tach_compare_row_improvement).  0.5 = 50 %: the
	 * time halved, or a higher-is-better metric doubled (the same change
	 * read the other way, as max_regression reads it).  0: none; below 1. */
	double min_improvement;
	/* Stability: a row fails the gate when the CV of its candidate
	 * samples (standard deviation / mean, as the CV column shows) is
	 * above this, or unknown (fewer than 2 samples).  0.1 = 10 %; 0: none.
	 * Deterministic metrics (instruction counts) always pass. */
	double max_cv;
	int required; /* 0: a failure here is only a warning */
	int ignore;   /* 1: leave this metric out of the comparison */
} tach_compare_rule;

/* The defaults above; max_regression 0, required. */
TACH_API tach_compare_rule tach_compare_rule_default(void);

/* Row flags. */
enum {
	TACH_ROW_TESTED = 1u << 0,        /* a U test was run (in the Holm family) */
	TACH_ROW_DETERMINISTIC = 1u << 1, /* compared against the threshold */
	TACH_ROW_SINGLE = 1u << 2,        /* one sample on a side: no test */
	TACH_ROW_ZERO = 1u << 3,          /* every sample zero on both sides */
	TACH_ROW_GEOMEAN = 1u << 4,       /* its ratio is in the geometric mean */
	TACH_ROW_ERROR = 1u << 5,         /* a side's benchmark failed */
	/* a side's times are below what its measurement resolved
	 * (TACH_METRIC_UNRESOLVED): inconclusive whatever the numbers say */
	TACH_ROW_UNRESOLVED = 1u << 6,
};

typedef struct tach_compare_row {
	const tach_benchmark *base, *cand; /* either NULL for new / gone */
	const char *name;                  /* borrowed from the benchmarks */
	const tach_kvlist *params;
	const char *metric; /* NULL for new/gone benchmarks without metrics */
	const char *unit;
	tach_direction direction;
	size_t n_base, n_cand;
	double base_median, cand_median;
	double cv_base, cv_cand; /* stddev / mean, 0 when n < 2 */
	/* cand / base: the point estimate and its (1 - 2 alpha) interval;
	 * NaN when not defined (a zero baseline, a missing side). */
	double ratio, ratio_lo, ratio_hi;
	double p;          /* one-sided U p in the observed direction; NaN untested */
	double p_adjusted; /* Holm-adjusted; NaN untested */
	tach_verdict verdict;
	unsigned flags;
	/* For inconclusive rows: samples per side that would detect the
	 * minimum effect with 90 % power at this noise (0: unknown). */
	size_t n_needed;
	tach_compare_rule rule; /* the rule this row was decided by */
	/* Failed one of the gate's rules (gate_why says which): 1 fails the
	 * gate, 2 only warns (not required); 0 otherwise. */
	int gate;
	unsigned gate_why; /* TACH_GATE_* bits; 0 when gate is 0 */
} tach_compare_row;

/* Why a row fails the gate (tach_compare_row.gate_why). */
enum {
	TACH_GATE_REGRESSION = 1u << 0,  /* regressed beyond rule.max_regression, or failed */
	TACH_GATE_IMPROVEMENT = 1u << 1, /* improvement short of rule.min_improvement */
	TACH_GATE_CV = 1u << 2,          /* candidate CV above rule.max_cv, or unknown */
};
#define TACH_GATE_N_REASONS 3

/* "regression", "min-improvement", "max-cv" for one TACH_GATE_* bit
 * (the config keys that set them); "?" otherwise. */
TACH_API const char *tach_gate_reason_name(unsigned bit);

/* The geometric mean of the ratios of one metric over the rows flagged
 * TACH_ROW_GEOMEAN. */
typedef struct tach_compare_geomean {
	const char *metric;
	double ratio;
	size_t n;
} tach_compare_geomean;

typedef struct tach_comparison {
	tach_compare_row *rows; /* in the candidate's order, then gone rows */
	size_t n_rows;
	tach_compare_geomean *geomeans; /* one per metric with ratios */
	size_t n_geomeans;
	size_t counts[TACH_N_VERDICTS]; /* rows per verdict (new/gone: per benchmark) */
	size_t n_tested;                /* size of the Holm family */
	size_t n_failed, n_warned;      /* rows with gate 1 and 2 */
	const tach_result *base, *cand; /* borrowed */
} tach_comparison;

typedef struct tach_compare_opts {
	tach_compare_rule rule; /* the default for every row */
	/* Optional: adjusts *rule (preset from `rule`) for one benchmark
	 * metric (NULL: the benchmark as a whole, e.g. when it failed), e.g.
	 * from the gate config. */
	void (*rule_for)(void *ctx, const tach_benchmark *b, const char *metric,
	                 tach_compare_rule *rule);
	void *ctx;
	/* Only these metrics (NULL-terminated names; NULL: every metric). */
	const char *const *metrics;
} tach_compare_opts;

/* Compares cand against base (both borrowed; they must outlive the
 * comparison).  opts may be NULL (defaults).  Returns 0 with *out set,
 * TACH_EINVAL for a rule out of range (alpha not in (0, 0.5), negative
 * effects, min_improvement not in [0, 1), a negative max_cv) or for two
 * benchmarks of one side with the same name and parameters
 * (tach_result_duplicate names them), or TACH_ENOMEM. */
TACH_API int tach_compare(const tach_result *base, const tach_result *cand,
                          const tach_compare_opts *opts, tach_comparison **out);
TACH_API void tach_comparison_free(tach_comparison *c);

/* The change a row shows as a signed fraction in the "worse is positive"
 * sense: +0.05 is 5 % worse whatever the metric's direction (time up or
 * throughput down).  NaN when the ratio is not defined. */
TACH_API double tach_compare_row_worsening(const tach_compare_row *row);

/* The improvement a row shows for sure, as a signed fraction in the
 * "better is positive" sense of tach_compare_row_worsening (0.5: time
 * halved or throughput doubled): read at the worse end of its (1 - 2
 * alpha) interval, so "at least this much" holds with confidence
 * 1 - alpha (one-sided); a deterministic row's exact change.  NaN when
 * the row has no interval (one sample on a side, a missing side). */
TACH_API double tach_compare_row_improvement(const tach_compare_row *row);

/* The confirmation pass of a same-job A/B measurement: `first` was
 * decided on the first samples, `again` on fresh samples of the same
 * benchmarks (compared with the same options, so its rows line up).  A
 * row of `first` stays regressed or improved only if `again` agrees;
 * otherwise it takes again's verdict, and an unconfirmed change becomes
 * inconclusive.  Counts and gate results of `first` are recomputed.
 * TACH_EINVAL when the rows do not line up. */
TACH_API int tach_comparison_confirm(tach_comparison *first, const tach_comparison *again);

/* ---- choosing rows ----
 *
 * A filter keeps the benchmarks and metrics whose every term holds.  The
 * expression is terms separated by blanks:
 *   name:REGEX   the benchmark's name as stored (without its parameters;
 *                Go's "BenchmarkX/size=64" and Google Benchmark's "BM_x/64"
 *                keep their '/' parts) matches the POSIX extended regular
 *                expression (regcomp; unanchored)
 *   metric:NAME  the metric is NAME
 *   KEY:VALUE    the benchmark's parameter KEY is exactly VALUE, or, when
 *                it has no such parameter, its name holds a part
 *                "/KEY=VALUE" or "/KEY:VALUE" (Go sub-benchmarks, Google
 *                Benchmark's named arguments)
 * and a leading '-' negates a term ("-metric:cpu_time"). */
typedef struct tach_filter tach_filter;

/* Parses expr.  Returns 0 with *out set (free with tach_filter_free);
 * TACH_EINVAL for an empty expression, a term that is not KEY:VALUE or a
 * regular expression regcomp refuses, with err (may be NULL) naming
 * "--filter", line 1, the column of the term (from 1) and why; or
 * TACH_ENOMEM. */
TACH_API int tach_filter_parse(const char *expr, tach_filter **out, tach_error *err);
/* 1 if f keeps metric `metric` of b, else 0.  metric NULL asks about the
 * benchmark as a whole: its name and keys, the metric terms left out. */
TACH_API int tach_filter_match(const tach_filter *f, const tach_benchmark *b,
                               const char *metric);
/* Removes from r what f does not keep: each metric it refuses, and each
 * benchmark whose name or keys it refuses or whose every metric it
 * refused.  Never fails. */
TACH_API void tach_filter_apply(const tach_filter *f, tach_result *r);
/* NULL is a no-op. */
TACH_API void tach_filter_free(tach_filter *f);

/* ---- more than two inputs ----
 *
 * `tach compare A B C`: every later input compared with the first, as
 * tach_compare(A, B) and tach_compare(A, C) would (each its own Holm
 * family and gate), laid out as one row per benchmark and metric found in
 * any input, with a cell per input. */

typedef struct tach_multi_cell {
	const tach_benchmark *bench; /* this input's; NULL when it lacks it */
	const tach_metric *metric;   /* NULL when it lacks the benchmark or metric */
	size_t n;                    /* samples */
	double median;               /* NaN without samples */
	double cv;                   /* stddev / mean, 0 when n < 2 */
	/* Inputs after the first: the row of the comparison with the first
	 * input for this metric, or the benchmark's whole row there (new,
	 * gone, failed), or NULL (the metric is on one side only).  NULL for
	 * the first input. */
	const tach_compare_row *row;
} tach_multi_cell;

typedef struct tach_multi_row {
	const char *name; /* borrowed from the inputs */
	const tach_kvlist *params;
	const char *metric; /* NULL: a benchmark without metrics in any input */
	const char *unit;   /* of the first input having the metric */
	tach_direction direction;
	tach_multi_cell *cells; /* n_inputs of them, in input order */
} tach_multi_row;

typedef struct tach_multi_comparison {
	size_t n_inputs;
	tach_comparison **pairs; /* n_inputs - 1: pairs[k] compares input k + 1 with input 0 */
	/* The first input's benchmarks in its order, then benchmarks first
	 * seen in later inputs; a benchmark's metrics in order of first
	 * appearance (only those opts->metrics names, none a rule ignores). */
	tach_multi_row *rows;
	size_t n_rows;
	size_t n_failed, n_warned; /* gate results summed over the pairs */
	tach_multi_cell *cells;    /* storage of the rows' cells */
} tach_multi_comparison;

/* Compares in[1..n) each with in[0] (all borrowed; they must outlive the
 * result) under opts (NULL: defaults).  Returns 0 with *out set (free with
 * tach_multi_comparison_free), TACH_EINVAL for n < 2 or for what
 * tach_compare refuses (a rule out of range, two benchmarks of one input
 * with the same name and parameters), or TACH_ENOMEM. */
TACH_API int tach_compare_multi(const tach_result *const *in, size_t n,
                                const tach_compare_opts *opts, tach_multi_comparison **out);
/* NULL is a no-op. */
TACH_API void tach_multi_comparison_free(tach_multi_comparison *m);

/* One result set as several, one per value of a key (`tach compare --col
 * threads`): the benchmarks where the key has its first value (in file
 * order) form sets[0], and so on; each benchmark loses the key (the
 * parameter, or the "/KEY=VALUE" part of its name, as tach_filter reads
 * keys) and keeps its samples, so that tach_compare_multi over the sets
 * compares the values of the key, the first being the base. */
typedef struct tach_projection {
	tach_result **sets; /* n of them, owned */
	char **values;      /* the key's value of each set, owned */
	size_t n;
	size_t n_without; /* benchmarks without the key, left out */
} tach_projection;

/* Returns 0 with *out set (free with tach_projection_free; n may be 0
 * when no benchmark has the key), or TACH_ENOMEM.  The sets carry no
 * metadata. */
TACH_API int tach_result_project(const tach_result *r, const char *key, tach_projection **out);
/* NULL is a no-op. */
TACH_API void tach_projection_free(tach_projection *p);

#ifdef __cplusplus
}
#endif
#endif