/* cmd_trend.c - `tach trend`: every benchmark metric of the history as a
 * series (one point per run: that run's median, oldest first), its latest
 * value, its change against a baseline run, and the change points found
 * in it (tach/changepoint.h), each with its run, commit, size and p-value.
 *
 * Exit status 0 whatever it finds, so that a nightly job can print it;
 * with --fail-on-change, 1 when a change point made a metric worse.
 */
#include <jansson.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tach/tach.h"
#include "tach/changepoint.h"
#include "cli/cli.h"
#include "cli/commands.h"
#include "cli/input.h"
#include "cli/series.h"
#include "cli/testbed.h"

enum { OPT_DB = 1, OPT_BENCH, OPT_METRIC, OPT_BRANCH, OPT_TESTBED, OPT_BASELINE, OPT_FORMAT, OPT_FAIL };

const cli_opt cmd_trend_opts[] = {
	CLI_VALUE(OPT_DB, "db", 0, "PATH|URL", "the history (default: $TACH_DB, else .tach/history.db)"),
	CLI_VALUE(OPT_BENCH, "bench", 'b', "PATTERN", "only benchmarks matching the glob"),
	CLI_VALUE(OPT_METRIC, "metric", 'm', "NAME", "only this metric (default: all)"),
	CLI_VALUE(OPT_BRANCH, "branch", 0, "NAME", "only runs on this git branch"),
	CLI_VALUE(OPT_TESTBED, "testbed", 0, "NAME", "only runs of this testbed (default: this machine's)"),
	CLI_VALUE(OPT_BASELINE, "baseline", 0, "RUN", "compare the latest value with this run (default: the baseline named main when set, else each series' first run)"),
	CLI_VALUE(OPT_FORMAT, "format", 'f', "FMT", "text (default) or json"),
	CLI_FLAG(OPT_FAIL, "fail-on-change", 0, "exit 1 when a change point made a metric worse"),
	CLI_END,
};

const char cmd_trend_details[] =
	"Follows every benchmark metric through the history and finds where it\n"
	"shifted: E-divisive means on a sliding window with a t-test per candidate\n"
	"(p <= 0.001) and a minimum segment length, as in Apache Otava; see\n"
	"docs/history.md.  Points are ordered by the runs' measurement time.";

typedef cli_series series;

static void print_text(const series *v, size_t n, int named)
{
	for (size_t i = 0; i < n; i++) {
		const series *s = &v[i];
		if (!s->n)
			continue;
		tach_scale sc = tach_scale_for(s->metric->unit, s->points[s->n - 1].median, 0);
		char latest[64], num[48];
		tach_format_scaled(num, sizeof num, s->points[s->n - 1].median, sc);
		snprintf(latest, sizeof latest, "%s %s%s", num, sc.prefix, sc.unit);
		/* names, units and commits come from a store anyone may edit */
		tach_text_write(stdout, s->bench->name);
		for (size_t k = 0; k < s->bench->params.n; k++) {
			fputs(k ? ", " : " (", stdout);
			tach_text_write(stdout, s->bench->params.items[k].key);
			putchar('=');
			tach_text_write(stdout, s->bench->params.items[k].value);
		}
		printf("%s  ", s->bench->params.n ? ")" : "");
		tach_text_write(stdout, s->metric->name);
		printf(": %zu points, latest ", s->n);
		tach_text_write(stdout, latest);
		/* says which run it is: "baseline" only for one named or set */
		if (!isnan(s->baseline) && s->baseline != 0)
			printf(", %+.2f%% vs %s #%lld", (s->points[s->n - 1].median / s->baseline - 1) * 100,
			       named ? "baseline" : "first run", (long long)s->baseline_run);
		else if (named)
			fputs(", baseline not in this series", stdout);
		putchar('\n');
		for (size_t k = 0; k < s->n_cps; k++) {
			const tach_changepoint *c = &s->cps[k];
			const tach_history_point *p = &s->points[c->index];
			int worse = s->metric->direction == TACH_HIGHER_IS_BETTER ? c->change < 1
			                                                           : c->change > 1;
			char ts[128], commit[64];
			printf("    change at run #%lld (%s, commit %.12s): %+.2f%%, p = %.2g%s\n",
			       (long long)p->run, cli_text(ts, sizeof ts, p->timestamp),
			       cli_text(commit, sizeof commit, p->git_commit), (c->change - 1) * 100,
			       c->p, worse ? "  (worse)" : "  (better)");
		}
	}
}

/* 0, or 1 when a stored text is not UTF-8 (jansson refuses it): an
 * error, since leaving the point out would be a shorter answer. */
static int print_json(const series *v, size_t n, const char *testbed)
{
	json_t *all = json_array();
	int bad = 0;
	for (size_t i = 0; i < n && !bad; i++) {
		const series *s = &v[i];
		json_t *params = json_object(), *pts = json_array(), *cps = json_array();
		for (size_t k = 0; k < s->bench->params.n; k++)
			json_object_set_new(params, s->bench->params.items[k].key,
			                    json_string(s->bench->params.items[k].value));
		for (size_t k = 0; k < s->n; k++)
			bad |= json_array_append_new(pts, json_pack("{s:I,s:s?,s:s?,s:f,s:I}", "run",
			                                            (json_int_t)s->points[k].run, "timestamp",
			                                            s->points[k].timestamp, "commit",
			                                            s->points[k].git_commit, "value",
			                                            s->points[k].median, "n",
			                                            (json_int_t)s->points[k].n)) != 0;
		for (size_t k = 0; k < s->n_cps; k++) {
			const tach_history_point *p = &s->points[s->cps[k].index];
			bad |= json_array_append_new(cps, json_pack("{s:I,s:I,s:s?,s:f,s:f}", "index",
			                                            (json_int_t)s->cps[k].index, "run",
			                                            (json_int_t)p->run, "commit", p->git_commit,
			                                            "change", s->cps[k].change, "p",
			                                            s->cps[k].p)) != 0;
		}
		json_t *o = json_pack("{s:s,s:o,s:s,s:s,s:s,s:o,s:o}", "benchmark", s->bench->name,
		                      "params", params, "metric", s->metric->name, "unit",
		                      s->metric->unit, "direction",
		                      s->metric->direction == TACH_HIGHER_IS_BETTER ? "higher" : "lower",
		                      "points", pts, "change_points", cps);
		if (s->n)
			json_object_set_new(o, "latest", json_real(s->points[s->n - 1].median));
		if (s->n && !isnan(s->baseline) && s->baseline != 0) {
			json_object_set_new(o, "baseline_run", json_integer((json_int_t)s->baseline_run));
			json_object_set_new(o, "baseline_change",
			                    json_real(s->points[s->n - 1].median / s->baseline));
		}
		bad |= json_array_append_new(all, o) != 0;
	}
	json_t *doc = json_pack("{s:s,s:o}", "testbed", testbed, "series", all);
	if (!bad && doc) {
		json_dumpf(doc, stdout, JSON_INDENT(2) | JSON_PRESERVE_ORDER);
		putchar('\n');
	}
	json_decref(doc);
	return bad || !doc;
}

int cmd_trend(int argc, char **argv, const cli_cmd *self)
{
	int status;
	cli_parsed p;
	if (cli_parse(self, argc, argv, &p, &status))
		return status;
	const char *db = NULL, *bench = NULL, *metric = NULL, *branch = NULL, *base_ref = NULL,
	           *testbed = NULL;
	int json = 0, fail_on_change = 0;
	status = 0;
	for (size_t i = 0; i < p.n && !status; i++) {
		const char *v = p.items[i].value;
		switch (p.items[i].id) {
		case OPT_DB: db = v; break;
		case OPT_BENCH: bench = v; break;
		case OPT_METRIC: metric = v; break;
		case OPT_BRANCH: branch = v; break;
		case OPT_TESTBED: testbed = v; status = cli_testbed_check(p.items[i].spelled, v); break;
		case OPT_BASELINE: base_ref = v; break;
		case OPT_FAIL: fail_on_change = 1; break;
		case OPT_FORMAT:
			json = !strcmp(v, "json");
			if (!json && strcmp(v, "text"))
				status = cli_bad_value(p.items[i].spelled, v, "use text or json");
			break;
		}
	}
	if (!status && p.npos)
		status = cli_error("'tach trend' takes no arguments (use --bench and --metric)");
	cli_history hist = {0};
	if (!status)
		status = cli_history_load(&hist, db, bench, metric, branch, testbed, base_ref);
	series *v = hist.v;
	size_t nv = hist.n;
	int worse = 0;
	for (size_t i = 0; !status && i < nv; i++)
		for (size_t j = 0; j < v[i].n_cps; j++)
			worse |= cli_series_worse(&v[i], &v[i].cps[j]);
	if (!status) {
		if (json) {
			if (print_json(v, nv, hist.testbed))
				status = cli_error("%s: a stored text is not UTF-8 (a damaged store)",
				                   tach_store_location(hist.store));
		} else if (!nv) {
			char loc[1024];
			printf("no series in %s%s\n",
			       cli_text(loc, sizeof loc, tach_store_location(hist.store)),
			       bench || metric ? " matching the filters" : "");
		}
		else {
			/* with one testbed in the store there is nothing to tell */
			if (hist.n_testbeds > 1)
				printf("testbed %s\n", hist.testbed);
			print_text(v, nv, hist.named_baseline);
		}
		if (!status)
			status = fail_on_change && worse ? EXIT_REGRESSION : EXIT_OK;
	}
	cli_history_release(&hist);
	cli_parsed_free(&p);
	return status;
}
