/* cmd_report.c - `tach report [FILE...] [--base A --cand B] -o report.html`:
 * a self-contained HTML page of results or of a comparison (files or
 * history references).  Exits 0 whatever the verdicts in it; 2 on bad
 * input. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tach/tach.h"
#include "cli/cli.h"
#include "cli/output.h"
#include "cli/commands.h"
#include "cli/decide.h"
#include "cli/input.h"
#include "cli/series.h"
#include "cli/testbed.h"

enum { OPT_OUT = 1, OPT_BASE, OPT_CAND, OPT_TITLE, OPT_DB, OPT_HISTORY, OPT_BENCH, OPT_METRIC_H,
       OPT_BRANCH, OPT_BASELINE, OPT_VERSUS, OPT_TESTBED };

const cli_opt cmd_report_opts[] = {
	CLI_VALUE(OPT_OUT, "output", 'o', "FILE", "write the page to FILE (default: standard output)"),
	CLI_VALUE(OPT_BASE, "base", 0, "RESULTS", "the baseline of a comparison (a file or a run: @main)"),
	CLI_VALUE(OPT_CAND, "cand", 0, "RESULTS", "the candidate of a comparison"),
	CLI_VALUE(OPT_TITLE, "title", 0, "TEXT", "the page's title"),
	CLI_VALUE(OPT_DB, "db", 0, "PATH|URL", "the history for @references and --history"),
	CLI_FLAG(OPT_HISTORY, "history", 0, "add the history's series with their change points"),
	CLI_VALUE(OPT_BENCH, "bench", 'b', "PATTERN", "--history: only benchmarks matching the glob"),
	CLI_VALUE(OPT_METRIC_H, "history-metric", 0, "NAME", "--history: only this metric"),
	CLI_VALUE(OPT_BRANCH, "branch", 0, "NAME", "--history: only runs on this branch"),
	CLI_VALUE(OPT_TESTBED, "testbed", 0, "NAME", "--history: only runs of this testbed (default: this machine's)"),
	CLI_VALUE(OPT_BASELINE, "baseline", 0, "RUN", "--history: the baseline line (default: the baseline main when set, else the first run)"),
	CLI_VALUE_N(OPT_VERSUS, "versus", 0, "TITLE BASE CAND",
	 "also show the comparison of BASE and CAND under TITLE (repeatable)", 3 | CLI_REPEAT),
	DECIDE_OPTS,
	CLI_END,
};

#define MAX_VERSUS 16

const char cmd_report_details[] =
	"Writes one HTML file that needs nothing else (inline CSS and SVG charts, no\n"
	"network): what was measured where, summary cards, each change with its\n"
	"interval against the minimum-effect band, the full table, throughput\n"
	"against threads with scaling efficiency, time against n with the fitted\n"
	"complexity curves, and per benchmark its samples\n"
	"(base against candidate), latency percentiles, allocations and the memory\n"
	"and CPU of monitored runs over time; with --history the series of the\n"
	"history with their change points.  With --base and --cand it shows their\n"
	"comparison (the rule and options of 'tach compare'); otherwise the FILEs.\n"
	"--versus adds further comparisons with their own heading, e.g. two designs\n"
	"of the same benchmarks measured in one run.\n"
	"docs/report.md explains each part.  Exit status 0 whatever the verdicts;\n"
	"2 for bad input.";

int cmd_report(int argc, char **argv, const cli_cmd *self)
{
	int status;
	cli_parsed p;
	if (cli_parse(self, argc, argv, &p, &status))
		return status;
	const char *out_path = NULL, *base_ref = NULL, *cand_ref = NULL, *title = NULL,
	           *config = NULL, *hbench = NULL, *hmetric = NULL, *branch = NULL, *testbed = NULL,
	           *baseline = NULL;
	int no_config = 0, with_history = 0;
	cli_decide d = {0};
	char **vs_args[MAX_VERSUS];
	size_t n_vs = 0;
	status = 0;
	for (size_t i = 0; i < p.n && !status; i++) {
		const char *v = p.items[i].value;
		int id = p.items[i].id;
		switch (id) {
		case OPT_OUT: out_path = v; break;
		case OPT_BASE: base_ref = v; break;
		case OPT_CAND: cand_ref = v; break;
		case OPT_TITLE: title = v; break;
		case OPT_DB: cli_db = v; break;
		case OPT_HISTORY: with_history = 1; break;
		case OPT_BENCH: hbench = v; break;
		case OPT_METRIC_H: hmetric = v; break;
		case OPT_BRANCH: branch = v; break;
		case OPT_TESTBED: testbed = v; status = cli_testbed_check(p.items[i].spelled, v); break;
		case OPT_BASELINE: baseline = v; break;
		case OPT_VERSUS:
			if (n_vs == MAX_VERSUS)
				status = cli_error("at most %d --versus comparisons", MAX_VERSUS);
			else
				vs_args[n_vs++] = p.items[i].values;
			break;
		case DECIDE_CONFIG: config = v; break;
		case DECIDE_NO_CONFIG: no_config = 1; break;
		default:
			if (cli_decide_option(&d, &p.items[i]) < 0)
				status = EXIT_USAGE;
		}
	}
	if (!status && !!base_ref != !!cand_ref)
		status = cli_error("--base and --cand go together");
	if (!status && !base_ref && !p.npos && !with_history && !n_vs)
		status = cli_error("nothing to report: give results files, --base and --cand, or --history");
	if (!status)
		status = cli_decide_finish(&d, config, no_config);
	/* the page must not replace anything it is made from */
	if (!status && out_path) {
		const char *inputs[2 * MAX_VERSUS + 5];
		size_t n_in = 0;
		inputs[n_in++] = base_ref;
		inputs[n_in++] = cand_ref;
		inputs[n_in++] = config;
		inputs[n_in++] = cli_db;
		for (size_t i = 0; i < n_vs; i++) {
			inputs[n_in++] = vs_args[i][1];
			inputs[n_in++] = vs_args[i][2];
		}
		status = cli_out_distinct(inputs, n_in, (const char *const *)&out_path, 1);
		if (!status)
			status = cli_out_distinct((const char *const *)p.pos, p.npos,
			                          (const char *const *)&out_path, 1);
	}
	tach_result *base = NULL, *cand = NULL;
	tach_report_input *ins = calloc(p.npos + 1, sizeof *ins);
	tach_comparison *c = NULL;
	if (!status && !ins)
		status = cli_error("out of memory");
	/* every input is read before the page is written */
	if (!status && base_ref &&
	    (cli_read_results(base_ref, &base) || cli_read_results(cand_ref, &cand) ||
	     cli_decide_distinct(base, base_ref) || cli_decide_distinct(cand, cand_ref)))
		status = EXIT_USAGE;
	for (size_t i = 0; !status && i < p.npos; i++) {
		tach_result *r;
		if (cli_read_results(p.pos[i], &r))
			status = EXIT_USAGE;
		else
			ins[i] = (tach_report_input){r, p.pos[i]};
	}
	cli_history hist = {0};
	tach_html_series *hs = NULL;
	if (!status && with_history &&
	    !(status = cli_history_load(&hist, NULL, hbench, hmetric, branch, testbed, baseline)) &&
	    !(hs = calloc(hist.n + 1, sizeof *hs)))
		status = cli_error("out of memory");
	for (size_t i = 0; !status && i < hist.n; i++) {
		const cli_series *s = &hist.v[i];
		hs[i] = (tach_html_series){s->bench->name, &s->bench->params, s->metric->name,
		                           s->metric->unit, s->metric->direction, s->points, s->n,
		                           s->cps, s->n_cps, s->baseline};
	}
	cli_decide_candidate(&d, cand);
	if (!status && base && tach_compare(base, cand, &d.opts, &c))
		status = cli_error("cannot compare (out of memory or a bad rule)");
	/* the further comparisons: same rule, no history noise (their two
	 * sides were measured together) */
	tach_result *vs_res[2 * MAX_VERSUS] = {0};
	tach_comparison *vs_cmp[MAX_VERSUS] = {0};
	tach_html_versus vs[MAX_VERSUS];
	size_t saved_noise = d.noise_runs;
	d.noise_runs = 0;
	for (size_t i = 0; !status && i < n_vs; i++) {
		if (cli_read_results(vs_args[i][1], &vs_res[2 * i]) ||
		    cli_read_results(vs_args[i][2], &vs_res[2 * i + 1]) ||
		    cli_decide_distinct(vs_res[2 * i], vs_args[i][1]) ||
		    cli_decide_distinct(vs_res[2 * i + 1], vs_args[i][2])) {
			status = EXIT_USAGE;
			break;
		}
		if (tach_compare(vs_res[2 * i], vs_res[2 * i + 1], &d.opts, &vs_cmp[i]))
			status = cli_error("cannot compare (out of memory or a bad rule)");
		vs[i] = (tach_html_versus){vs_args[i][0], vs_cmp[i], vs_args[i][1], vs_args[i][2]};
	}
	d.noise_runs = saved_noise;
	tach_outfile *out = NULL;
	if (!status && !(out = cli_out_open(out_path)))
		status = EXIT_USAGE;
	if (!status) {
		tach_html_input in = {.title = title, .comparison = c, .base_name = base_ref,
		                      .cand_name = cand_ref, .results = ins, .n_results = p.npos,
		                      .series = hs, .n_series = hist.n, .versus = vs, .n_versus = n_vs};
		int rc = tach_report_html(tach_outfile_stream(out), &in);
		if (rc) {
			tach_outfile_abort(out);
			status = cli_error("cannot write the report: %s", tach_strerror(rc));
		} else {
			status = cli_out_commit(out, out_path);
		}
		if (!status && out_path)
			cli_note("report written to %s", out_path);
	}
	for (size_t i = 0; i < n_vs; i++) {
		tach_comparison_free(vs_cmp[i]);
		tach_result_free(vs_res[2 * i]);
		tach_result_free(vs_res[2 * i + 1]);
	}
	free(hs);
	cli_history_release(&hist);
	tach_comparison_free(c);
	tach_result_free(base);
	tach_result_free(cand);
	for (size_t i = 0; ins && i < p.npos; i++)
		tach_result_free((tach_result *)ins[i].result);
	free(ins);
	cli_decide_release(&d);
	cli_parsed_free(&p);
	return status;
}
