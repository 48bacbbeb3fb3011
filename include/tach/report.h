/* report.h - turning result sets into bytes for people and programs:
 * terminal tables, Markdown, JSON and CSV.
 *
 * Reporters write to a FILE * the caller opened; they never open files,
 * never decide exit codes and never print warnings (the CLI does).
 * Every name, parameter and label is escaped for the target format, so a
 * benchmark called "<script>" or "a,b\n" cannot break the output.
 */
#ifndef TACH_REPORT_H
#define TACH_REPORT_H

#include <stdio.h>

#include "tach/result.h"
#include "tach/compare.h"
#include "tach/changepoint.h"
#include "tach/store.h"
#include "tach/units.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef enum tach_report_format {
	TACH_REPORT_TEXT = 0,
	TACH_REPORT_JSON = 1,
	TACH_REPORT_MARKDOWN = 2,
	TACH_REPORT_CSV = 3,
	TACH_REPORT_JUNIT = 4, /* comparisons only */
} tach_report_format;

/* Escapes s for a terminal or a log: C0 controls, DEL and bytes that are
 * not UTF-8 become "\xNN" ("\x1b" for ESC, "\x0a" for a newline); C1
 * controls, U+2028/U+2029 and the bidirectional controls (U+202E and its
 * kin, which reorder the text after them) become "\uNNNN".  Everything
 * else is kept, so a name cannot move the cursor, change colours, forge a
 * line or disguise itself.  tach_text_escape writes into buf (size bytes,
 * NUL-terminated when size > 0, cut only between whole characters or
 * escapes) and returns the length the whole escaped text needs, as
 * snprintf does; tach_text_write writes to f. */
TACH_API size_t tach_text_escape(char *buf, size_t size, const char *s);
TACH_API void tach_text_write(FILE *f, const char *s);

/* Parses "text", "json", "markdown" (or "md") and "csv".  0 or TACH_EINVAL. */
TACH_API int tach_report_format_parse(const char *name, tach_report_format *fmt);

typedef struct tach_report_opts {
	int color; /* ANSI colours in text output */
	int ascii; /* "us" instead of "µs", "..." instead of "…" */
} tach_report_opts;

/* One input to a summary: a result set and the name to show for it (its
 * path); both borrowed. */
typedef struct tach_report_input {
	const tach_result *result;
	const char *name;
} tach_report_input;

/* Writes the summary `tach show` prints: per benchmark and metric n,
 * median with its MAD, mean, standard deviation, min and max, CV, in the
 * given format.  Text and Markdown scale units for reading; JSON and CSV
 * keep canonical units and write every number so it reads back as the
 * same double.  CSV (docs/cli.md) has one header row, exactly
 * "name,params,metric,unit,direction,n,median,mean,stddev,min,max", for
 * all inputs together.  Returns 0, TACH_ENOMEM, or -errno when writing
 * fails. */
TACH_API int tach_report_summary(FILE *out, const tach_report_input *inputs,
                                 size_t n_inputs, tach_report_format fmt,
                                 const tach_report_opts *opts);
/* The same with every metric in seconds (time, user_time, ...) shown in
 * text and Markdown in the scale time_unit (tach_scale_time_unit: `tach
 * run --time-unit`) instead of one chosen per row; NULL: as
 * tach_report_summary.  time_unit is borrowed. */
TACH_API int tach_report_summary_time_unit(FILE *out, const tach_report_input *inputs,
                                           size_t n_inputs, tach_report_format fmt,
                                           const tach_report_opts *opts,
                                           const tach_scale *time_unit);

/* The markups of tach_report_run_table (`tach run --export-asciidoc`,
 * `--export-orgmode`). */
typedef enum tach_markup {
	TACH_MARKUP_ASCIIDOC = 0,
	TACH_MARKUP_ORG = 1,
} tach_markup;

typedef struct tach_run_table_opts {
	/* the unit of every time; NULL: one unit chosen for the smallest mean */
	const tach_scale *time_unit;
	/* the benchmarks' indices in the order of the rows, every one once;
	 * NULL: as stored */
	const size_t *order;
	/* the benchmark the Relative column divides by; SIZE_MAX: the one of
	 * the smallest mean time */
	size_t reference;
} tach_run_table_opts;

/* Writes the table hyperfine's markup exports write, for the commands
 * `tach run` measured: per benchmark a row of its name, one column per
 * parameter (every parameter name of any benchmark, in order of first
 * appearance), the wall time's mean ± standard deviation, min and max in
 * one unit named in the header ("Mean [ms]"), and Relative: mean / the
 * reference's mean ± its first-order standard deviation
 * (tach_stats_mean_ratio), "1.00" for the reference itself, "-" without
 * time samples or for a time flagged TACH_METRIC_UNRESOLVED.  Names and
 * parameter values are escaped for the markup (AsciiDoc: each a
 * pass:c[...] macro; Org: see docs/cli.md).  Returns 0, TACH_EINVAL (opts
 * out of range), TACH_ENOMEM, or -errno when writing fails. */
TACH_API int tach_report_run_table(FILE *out, const tach_result *r, tach_markup markup,
                                   const tach_run_table_opts *opts);
/* ---- complexity (issue 19) ----
 * Writes r's complexity fits (tach_result.fits) as Google Benchmark prints
 * them, after a blank line and a heading: per fit "NAME_BigO" with the
 * coefficient in nanoseconds per unit of the curve and the curve ("(1)",
 * "lgN", "N", ...), then "NAME_RMS" with the RMS in percent.  Nothing
 * when r has none.  0, or -errno when writing fails. */
TACH_API int tach_report_complexity(FILE *out, const tach_result *r);

/* Writes a comparison in fmt (text, Markdown, JSON, CSV or JUnit XML).
 * base_name and cand_name label the two sides (may be NULL).  Text and
 * Markdown start with the summary line ("2 regressed, 1 improved, 40
 * same, 0 inconclusive": always these four counts in this order, then
 * "N new" and "N gone" when not zero, then geometric means); Markdown
 * folds the full table into <details> for a pull-request comment.
 * Every name is escaped for its format.  Returns 0 or TACH_EINVAL
 * (unknown format). */
TACH_API int tach_report_comparison(FILE *out, const tach_comparison *c,
                                    const char *base_name, const char *cand_name,
                                    tach_report_format fmt, const tach_report_opts *opts);

/* Writes a comparison of more than two inputs (tach_compare_multi) in
 * fmt.  names (NULL, or n_inputs labels, each may be NULL) name the
 * inputs; tables letter them A, B, C... and a legend gives the names.
 * Text and Markdown: the legend, a summary line per later input ("B vs
 * A: 1 regressed, ..."), then one row per benchmark and metric with A's
 * median and CV ("1.72 µs ± 1.2%") and, for every later input, its
 * median, change against A, Holm-adjusted p and verdict.  JSON (format
 * "tach-comparison-multi"): the inputs, each pair's summary, and the rows
 * with a cell per input.  CSV: one header row, then per row name, params,
 * metric, unit, direction and per input X the columns X_n, X_median, X_cv
 * (and for later inputs X_ratio, X_ratio_lo, X_ratio_hi, X_p,
 * X_p_adjusted, X_verdict, X_gate).  JUnit: a test suite per later input.
 * Returns 0, TACH_EINVAL (unknown format, fewer than two inputs) or
 * TACH_ENOMEM. */
TACH_API int tach_report_comparison_multi(FILE *out, const tach_multi_comparison *m,
                                          const char *const *names, tach_report_format fmt,
                                          const tach_report_opts *opts);

/* One check of a gate (`tach gate`) for its JUnit and CSV reports: its
 * outcome and the line a person reads for it (the text output's line
 * without its verdict word, such as "time regressed +5.00% (allowed 2%)
 * BM_x"); for CSV the line's parts, each NULL when it has none: what
 * kind of check (such as "regression", "max-cv"), the benchmark's name,
 * the metric, and the reason (the line without the name). */
typedef enum { TACH_CHECK_PASS, TACH_CHECK_FAIL, TACH_CHECK_WARN } tach_check_outcome;
typedef struct tach_check {
	tach_check_outcome outcome;
	const char *line;
	const char *kind, *name, *metric, *reason;
} tach_check;

/* Writes checks as JUnit XML: one test suite named `suite` (also the
 * class name of its test cases) with a test case per check, named by its
 * line: a <failure> for FAIL, a <system-out> "warning: LINE" for WARN.
 * With no checks, one passing test case named `suite`, so that a CI's
 * test report shows the gate ran.  Every line is escaped for XML (and
 * characters XML 1.0 cannot hold are written as U+FFFD).  Returns 0. */
TACH_API int tach_report_checks_junit(FILE *out, const char *suite, const tach_check *v,
                                      size_t n);

/* Writes checks as CSV (RFC 4180: a field holding ',', '"', CR or LF is
 * quoted, its '"' doubled): the header "outcome,check,name,metric,reason",
 * then per check its outcome ("pass", "fail" or "warn"), kind, name,
 * metric and, for a check that failed or warned, its reason (empty when
 * it passed); NULL parts are empty fields.  Returns 0, or -errno when
 * writing fails. */
TACH_API int tach_report_checks_csv(FILE *out, const tach_check *v, size_t n);

/* Writes the counts of the summary line alone, as text, and a newline:
 * "0 regressed, 0 improved, 12 same, 1 inconclusive[, N new][, N gone]"
 * (`tach gate` prints it).  Never fails (stream errors stay in out). */
TACH_API void tach_report_comparison_counts(FILE *out, const tach_comparison *c);

/* One history series for the report: a benchmark metric's run medians,
 * oldest first, with the change points found in it. */
typedef struct tach_html_series {
	const char *name;
	const tach_kvlist *params;
	const char *metric, *unit;
	tach_direction direction;
	const tach_history_point *points;
	size_t n;
	const tach_changepoint *cps;
	size_t n_cps;
	double baseline; /* the baseline run's median, NaN when none */
} tach_html_series;

/* A comparison shown beside the main one, with its own heading: two
 * designs of the same benchmarks measured in one run (a pool against a
 * thread per call), or any two results sets.  All borrowed. */
typedef struct tach_html_versus {
	const char *title;
	const tach_comparison *comparison;
	const char *base_name, *cand_name;
} tach_html_versus;

/* What `tach report` shows: a comparison (then its candidate's and base's
 * samples too) or, without one, the given result sets; and history
 * series when given. */
typedef struct tach_html_input {
	const char *title;                /* NULL: "tach report" */
	const tach_comparison *comparison; /* may be NULL */
	const char *base_name, *cand_name; /* labels of the comparison's sides */
	const tach_report_input *results;  /* shown when there is no comparison */
	size_t n_results;
	const tach_html_series *series; /* history, may be NULL */
	size_t n_series;
	const tach_html_versus *versus; /* further comparisons, may be NULL */
	size_t n_versus;
} tach_html_input;

/* Writes one self-contained HTML page (inline CSS and SVG, a little
 * inline JavaScript for filtering, nothing loaded from the network; every
 * name escaped).  0, TACH_EINVAL (nothing to show) or TACH_EIO. */
TACH_API int tach_report_html(FILE *out, const tach_html_input *in);

#ifdef __cplusplus
}
#endif
#endif
