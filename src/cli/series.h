/* series.h - the history read as series for `tach trend` and `tach
 * report --history`: per benchmark metric matching the filters, the run
 * medians, the baseline's value and the change points. */
#ifndef TACH_CLI_SERIES_H
#define TACH_CLI_SERIES_H

#include "tach/tach.h"
#include "tach/changepoint.h"

typedef struct cli_series {
	const tach_benchmark *bench; /* from the catalog: name, params */
	const tach_metric *metric;   /* name, unit, direction */
	tach_history_point *points;
	size_t n;
	tach_changepoint *cps;
	size_t n_cps;
	double baseline; /* the baseline run's median; NaN when not in the series */
	int64_t baseline_run; /* that run; 0 when not in the series */
} cli_series;

typedef struct cli_history {
	tach_store *store;
	tach_result *catalog;
	cli_series *v;
	size_t n;
	int named_baseline; /* a baseline run was named or set: else each series' first point */
	char testbed[TACH_TESTBED_MAX + 1]; /* the one testbed read (cli_testbed_choose) */
	size_t n_testbeds;                  /* how many the store holds */
} cli_history;

/* Opens the store (db, else cli_db / TACH_DB / the default) for reading
 * and reads every matching series of one testbed (testbed, else as
 * cli_testbed_choose picks).  The baseline is base_ref, else the
 * baseline named main when set (tach baseline set main), else each
 * series' first point.  0, or EXIT_USAGE after printing why ("no
 * history at ..." when there is no store). */
int cli_history_load(cli_history *h, const char *db, const char *bench, const char *metric,
                     const char *branch, const char *testbed, const char *base_ref);
void cli_history_release(cli_history *h);

/* 1 when the change point made the metric worse. */
int cli_series_worse(const cli_series *s, const tach_changepoint *c);

#endif
