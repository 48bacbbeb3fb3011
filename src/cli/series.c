/* series.c - reading the history as series (see series.h). */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>

#include "cli/cli.h"
#include "cli/input.h"
#include "cli/series.h"
#include "cli/testbed.h"

static int print_error(const tach_error *err)
{
	char msg[600];
	tach_error_format(err, msg, sizeof msg);
	cli_error("%s", msg);
	return EXIT_USAGE;
}

int cli_series_worse(const cli_series *s, const tach_changepoint *c)
{
	return s->metric->direction == TACH_HIGHER_IS_BETTER ? c->change < 1 : c->change > 1;
}

int cli_history_load(cli_history *h, const char *db, const char *bench, const char *metric,
                     const char *branch, const char *testbed, const char *base_ref)
{
	tach_error err = {0};
	h->store = NULL;
	h->catalog = NULL;
	h->v = NULL;
	h->n = 0;
	if (tach_store_open_readonly(db ? db : cli_db, &h->store, &err))
		return print_error(&err);
	/* damage can hide rows from the queries below: check the file first */
	if (tach_store_verify(h->store, &err))
		return print_error(&err);
	int rc;
	if ((rc = cli_testbed_choose(h->store, testbed, h->testbed, sizeof h->testbed)))
		return rc;
	/* @main, @latest~N: among the runs of the testbed the series are of */
	int64_t base_id = 0;
	if (base_ref && (rc = cli_resolve(h->store, base_ref, h->testbed, &base_id)))
		return rc;
	/* The default is the baseline named main when it is set, never what
	 * "@main" resolves to without one: the newest run on branch main,
	 * which is the latest point itself, and every change would read 0 %.
	 * Without it each series is compared with its own first point. */
	if (!base_ref && tach_store_baseline_get(h->store, "main", &base_id, &err))
		return print_error(&err);
	h->named_baseline = base_id != 0;
	tach_testbed_info *tbs;
	if (tach_store_testbeds(h->store, &tbs, &h->n_testbeds, &err))
		return print_error(&err);
	tach_testbed_infos_free(tbs, h->n_testbeds);
	if (tach_store_catalog(h->store, bench, metric, &h->catalog, &err))
		return print_error(&err);
	size_t total = 0;
	for (size_t i = 0; i < h->catalog->n_benchmarks; i++)
		total += h->catalog->benchmarks[i]->n_metrics;
	if (!(h->v = calloc(total + 1, sizeof *h->v)))
		return cli_error("out of memory");
	tach_changepoint_opts co = tach_changepoint_defaults();
	for (size_t i = 0; i < h->catalog->n_benchmarks; i++) {
		const tach_benchmark *b = h->catalog->benchmarks[i];
		for (size_t k = 0; k < b->n_metrics; k++) {
			cli_series *s = &h->v[h->n++];
			s->bench = b;
			s->metric = b->metrics[k];
			s->baseline = NAN;
			s->baseline_run = 0;
			if (tach_store_series_on(h->store, b->name, &b->params, s->metric->name, branch,
			                         h->testbed, &s->points, &s->n, &err))
				return print_error(&err);
			double *x = malloc((s->n + 1) * sizeof *x);
			if (!x)
				return cli_error("out of memory");
			for (size_t j = 0; j < s->n; j++) {
				x[j] = s->points[j].median;
				if (base_id ? s->points[j].run == base_id : j == 0) {
					s->baseline = x[j];
					s->baseline_run = s->points[j].run;
				}
			}
			rc = tach_changepoints(x, s->n, &co, &s->cps, &s->n_cps);
			free(x);
			if (rc)
				return cli_error("change points of %s %s: %s", b->name, s->metric->name,
				                 tach_strerror(rc));
		}
	}
	return 0;
}

void cli_history_release(cli_history *h)
{
	for (size_t i = 0; h->v && i < h->n; i++) {
		tach_history_points_free(h->v[i].points, h->v[i].n);
		free(h->v[i].cps);
	}
	free(h->v);
	tach_result_free(h->catalog);
	tach_store_close(h->store);
	h->v = NULL;
	h->catalog = NULL;
	h->store = NULL;
	h->n = 0;
}
