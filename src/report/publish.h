/* publish.h - what the site writer (publish.c: reading the store, views,
 * file names, writing files that changed) hands to the page writer
 * (publish_html.c: the HTML of the index and benchmark pages).
 * Internal to src/report. */
#ifndef TACH_REPORT_PUBLISH_H
#define TACH_REPORT_PUBLISH_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "tach/changepoint.h"
#include "tach/publish.h"
#include "tach/result.h"
#include "tach/store.h"

#define TACH_HIDDEN __attribute__((visibility("hidden")))

/* Points of a sparkline: the newest this many runs. */
#define TACH__SPARK_POINTS 60

/* A testbed and branch pair that has runs: one index page. */
typedef struct tach__pub_view {
	const char *testbed, *branch; /* borrowed from the run list */
	char id[17];                  /* hex hash of both: anchors, file names */
	char index[32];               /* "index.html" or "index-ID.html" */
} tach__pub_view;

/* A benchmark: one page. */
typedef struct tach__pub_bench {
	const tach_benchmark *b; /* from the catalog */
	char file[96];           /* "b/NAME-HASH.html" */
} tach__pub_bench;

/* One metric of one benchmark in one view, as the index shows it. */
typedef struct tach__pub_row {
	size_t bench, view;
	const tach_metric *metric;
	size_t n;                   /* runs */
	double latest, base;        /* base NaN when none */
	int named_base;             /* base is the baseline run, not the first */
	double spark[TACH__SPARK_POINTS];
	size_t n_spark;
	size_t n_cps;               /* change points */
	size_t n_worse;             /* open alerts: of those, the ones that made it
	                               worse and are not undone by later ones */
} tach__pub_row;

/* An open alert: a change point that made a metric worse, while the
 * metric's level has stayed worse than before it (the product of the
 * changes from it to the end of the series is still a worsening). */
typedef struct tach__pub_alert {
	size_t bench, view;
	const tach_metric *metric;
	double change, p;
	int64_t run;
	char *timestamp, *commit; /* owned */
} tach__pub_alert;

/* One metric of one benchmark in one view, as its page shows it. */
typedef struct tach__pub_line {
	const tach_metric *metric;
	size_t view;
	tach_history_point *pts; /* shallow copies: strings borrowed */
	size_t n;
	tach_changepoint *cps;
	size_t n_cps;
	double base;
	int64_t base_run;
	int named_base;
} tach__pub_line;

/* The whole site. */
typedef struct tach__site {
	const char *title;
	tach__pub_view *views;
	size_t n_views, default_view;
	tach__pub_bench *benches;
	size_t n_benches;
	tach__pub_row *rows;
	size_t n_rows;
	tach__pub_alert *alerts;
	size_t n_alerts;
} tach__site;

/* 1 when a change of ratio `change` made a metric of that direction
 * worse. */
TACH_HIDDEN int tach__pub_worse(tach_direction d, double change);

/* The index page of view v. */
TACH_HIDDEN void tach__pub_index(FILE *f, const tach__site *s, size_t v);

/* The page of benchmark `bench`: its lines (every metric in every view,
 * grouped by view), and per view the benchmark as measured in that
 * view's latest run (latest[v], NULL when unknown) with that run's id. */
TACH_HIDDEN void tach__pub_bench_page(FILE *f, const tach__site *s, size_t bench,
                                      const tach__pub_line *lines, size_t n_lines,
                                      const tach_benchmark *const *latest,
                                      const int64_t *latest_run);

#endif
