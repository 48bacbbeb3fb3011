/* html.h - pieces the parts of the HTML report share: escaped text, names
 * as isolated bidirectional text, numbers with units (html_util.c), and
 * the sections that live in their own files (per-benchmark panels,
 * thread scaling, history).
 * Internal to src/report. */
#ifndef TACH_REPORT_HTML_H
#define TACH_REPORT_HTML_H

#include <stddef.h>
#include <stdio.h>

#include "tach/result.h"

#define TACH_HIDDEN __attribute__((visibility("hidden")))

/* Escaped text (NULL: nothing). */
TACH_HIDDEN void tach__html_text(FILE *f, const char *s);
/* "name (k=v)" escaped inside <bdi>, so right-to-left text stays put. */
TACH_HIDDEN void tach__html_name(FILE *f, const char *name, const tach_kvlist *params);
/* "+2.50%" for a ratio of 1.025, "-" when not finite. */
TACH_HIDDEN void tach__html_pct(char *buf, size_t size, double ratio);
/* "12.3 µs": a value in its unit, scaled for reading; "-" when not finite.
 * Already escaped for HTML (a custom unit may hold '<' or '&'): written
 * as it is, never through tach__html_text. */
TACH_HIDDEN void tach__html_value(char *buf, size_t size, double v, const char *unit);
/* Notes that an allocation failed while the page was being written: the
 * sections write straight to the stream and return nothing, so
 * tach_report_html checks the note at the end and returns TACH_ENOMEM
 * rather than a page with a section missing. */
TACH_HIDDEN void tach__html_nomem(void);
/* Whether the note was made since the last call; clears it. */
TACH_HIDDEN int tach__html_nomem_reset(void);
/* The first n characters of a commit, escaped: readers refuse a commit
 * that is not a hash, but a history store is a file anyone may edit. */
TACH_HIDDEN void tach__html_commit(FILE *f, const char *commit, int n);
/* The median of a metric's samples, NaN when it has none (or when memory
 * ran out: noted with tach__html_nomem). */
TACH_HIDDEN double tach__html_median(const struct tach_metric *m);

/* The "Benchmarks" section: per benchmark (of cand, matched in base when
 * base is not NULL) the sample distributions, latency percentiles,
 * allocations and resource series over time. */
TACH_HIDDEN void tach__html_benchmarks(FILE *f, const tach_result *base, const tach_result *cand);

/* The "History" section: each series' run medians with its change
 * points and baseline (html_history.c). */
struct tach_html_series;
TACH_HIDDEN void tach__html_history(FILE *f, const struct tach_html_series *v, size_t n);
/* The order the section shows the n series in (order receives n
 * indices): grouped by workload, the name up to its first '/'; groups
 * with a change point that made a series worse first (the largest
 * worsening first), then groups with changes for the better, then the
 * rest, each in the order given; the same order inside each group.
 * 0 or TACH_ENOMEM. */
TACH_HIDDEN int tach__html_history_order(const struct tach_html_series *v, size_t n,
                                         size_t *order);
/* One series' chart of that section alone (the published site's
 * benchmark pages draw it too). */
TACH_HIDDEN void tach__html_history_chart(FILE *f, const struct tach_html_series *s);

/* The "Scaling" section: throughput against threads, with efficiency,
 * for every family of benchmarks run at two or more thread counts.
 * Writes nothing when there is none. */
TACH_HIDDEN void tach__html_scaling(FILE *f, const tach_result *base, const tach_result *cand);

/* The "Load" section (html_load.c): for every sweep of cand's load tests
 * (tach/load.h), latency p50/p90/p99/p99.9 against the achieved rate with
 * the knee, and the percentiles per rate.  Nothing without a `rate`
 * parameter. */
TACH_HIDDEN void tach__html_load(FILE *f, const tach_result *cand);

/* The "Complexity" section (html_complexity.c): cand's complexity fits,
 * each group of one parameter and metric as a chart of the medians
 * against n with the fitted curves, and a table (with base's fit of the
 * same family when base is not NULL).  Writes nothing without fits. */
TACH_HIDDEN void tach__html_complexity(FILE *f, const tach_result *base, const tach_result *cand);

#endif
