/* cmd_gate.c - `tach gate [BASE] CAND`: the pass/fail list of a CI gate.
 *
 * The same decision as `tach compare` (rules from tach.conf and the
 * flags), printed as one line per check instead of a table: every row
 * that regressed (failing, or within its allowed regression) and every
 * absolute target, an empty candidate and every benchmark the config names
 * that is gone.  With only CAND, the targets alone are checked.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tach/tach.h"
#include "cli/cli.h"
#include "cli/commands.h"
#include "cli/decide.h"
#include "cli/input.h"
#include "cli/output.h"

enum { OPT_ALLOW_TESTBED = 900, OPT_FORMAT, OPT_OUT };

const cli_opt cmd_gate_opts[] = {
	DECIDE_OPTS,
	DECIDE_RULE_OPTS,
	CLI_FLAG(OPT_ALLOW_TESTBED, "allow-testbed-mismatch", 0,
	         "only warn when BASE and CAND come from different testbeds (default: fail)"),
	CLI_VALUE(OPT_FORMAT, "format", 'f', "FMT",
	          "text (default), junit (a test case per check, for a CI's test report) or csv "
	          "(a row per check with its reason)"),
	CLI_VALUE(OPT_OUT, "output", 'o', "FILE", "write the checks to FILE instead of standard output"),
	CLI_END,
};

const char cmd_gate_details[] =
	"Checks CAND against the gate config (tach.conf, or --config FILE): with a\n"
	"BASE, every benchmark metric that regressed beyond its max-regression fails\n"
	"(the decision of 'tach compare'); every 'target = METRIC OP VALUE' of the\n"
	"config is checked against CAND's medians, and a target that matches no\n"
	"benchmark fails too.  A CAND without benchmarks fails, and so does a\n"
	"benchmark of BASE that CAND lacks when a [bench \"PATTERN\"] section names\n"
	"it.  A row short of its 'min-improvement' (shown by the worse end of its\n"
	"confidence interval) fails, and so does a metric whose candidate CV is\n"
	"above its 'max-cv' (without BASE: every metric of CAND);\n"
	"--min-improvement and --max-cv set them for every metric, over any value\n"
	"the config gives (docs/gate.md, Precedence).  Rules with\n"
	"'required = false' only warn.  BASE and CAND from different testbeds\n"
	"(machines: docs/history.md) fail unless --allow-testbed-mismatch.\n"
	"-f junit writes the same checks as JUnit XML, a test case each (every\n"
	"regressed row, rule, target, benchmark gone and the testbeds); -f csv\n"
	"as CSV, a row each: outcome,check,name,metric,reason (the reason of a\n"
	"failed or warned check as the text says it, empty when it passed).\n\n"
	"exit status: 0 pass, 1 a check failed, 2 usage or input error.";

/* The rows that regressed, one check each; with `all` (JUnit and CSV,
 * a test case or a row per compared row) the others too, as passed.  A
 * row fails or warns here only by its regression: min-improvement and
 * max-cv have their own checks (cli_decide_emit_rules). */
static void print_rows(cli_check_out *o, const tach_comparison *c, int all)
{
	for (size_t i = 0; i < c->n_rows; i++) {
		const tach_compare_row *r = &c->rows[i];
		if (r->verdict != TACH_REGRESSED && !all)
			continue;
		if (r->verdict != TACH_REGRESSED) {
			char change[32] = "";
			if (isfinite(r->ratio))
				snprintf(change, sizeof change, " (%+.2f%%)", (r->ratio - 1) * 100);
			cli_check_emit(o, TACH_CHECK_PASS, "regression", r->name, r->metric, "%s %s%s",
			               r->metric ? r->metric : "(benchmark)",
			               tach_verdict_name(r->verdict), change);
			continue;
		}
		tach_check_outcome oc = !(r->gate_why & TACH_GATE_REGRESSION) ? TACH_CHECK_PASS
		                        : r->rule.required ? TACH_CHECK_FAIL : TACH_CHECK_WARN;
		if (r->flags & TACH_ROW_ERROR)
			cli_check_emit(o, oc, "regression", r->name, r->metric, "failed to run");
		else
			cli_check_emit(o, oc, "regression", r->name, r->metric,
			               "%s regressed %+.2f%% (allowed %g%%)", r->metric,
			               tach_compare_row_worsening(r) * 100, r->rule.max_regression * 100);
	}
}

/* The checks of the compared rows, as the closing line counts them: each
 * row's regression check, and its min-improvement and max-cv checks where
 * a rule sets them -- one count per check line a failure prints, so that
 * "FAILED, 3 of 7 checks" never sits above more FAIL lines than 3. */
static void count_row_checks(const tach_comparison *c, size_t *n, size_t *failed,
                             size_t *warned)
{
	static const unsigned rule[] = {TACH_GATE_REGRESSION, TACH_GATE_IMPROVEMENT, TACH_GATE_CV};
	for (size_t i = 0; c && i < c->n_rows; i++) {
		const tach_compare_row *r = &c->rows[i];
		int has_rules = r->metric && !(r->flags & TACH_ROW_ERROR);
		for (size_t k = 0; k < 3; k++) {
			if (k == 1 && !(has_rules && r->rule.min_improvement > 0))
				continue;
			if (k == 2 && !(has_rules && r->rule.max_cv > 0))
				continue;
			(*n)++;
			if (r->gate && (r->gate_why & rule[k]))
				(*(r->gate == 1 ? failed : warned))++;
		}
	}
}

/* The check that BASE and CAND come from one testbed, when they do not. */
static void print_testbeds(cli_check_out *o, const tach_result *base, const tach_result *cand,
                           int allowed)
{
	char tb[TACH_TESTBED_MAX + 1], tc[TACH_TESTBED_MAX + 1];
	tach_meta_testbed(&base->meta, tb, sizeof tb);
	tach_meta_testbed(&cand->meta, tc, sizeof tc);
	cli_check_emit(o, allowed ? TACH_CHECK_WARN : TACH_CHECK_FAIL, "testbed", NULL, NULL,
	               "testbeds differ: base '%s', candidate '%s'%s", tb, tc,
	               allowed ? " (--allow-testbed-mismatch)"
	                       : " (compare runs of one testbed, or --allow-testbed-mismatch)");
}

/* The check lines of the text output (text: "FAIL  ...", "warn  ...",
 * "pass  ...", without colour) as JUnit test cases. */
static int write_junit(FILE *out, char *text)
{
	tach_check *v = NULL;
	size_t n = 0, cap = 0;
	for (char *line = strtok(text, "\n"); line; line = strtok(NULL, "\n")) {
		tach_check_outcome o;
		if (!strncmp(line, "FAIL  ", 6))
			o = TACH_CHECK_FAIL;
		else if (!strncmp(line, "warn  ", 6))
			o = TACH_CHECK_WARN;
		else if (!strncmp(line, "pass  ", 6))
			o = TACH_CHECK_PASS;
		else
			continue;
		if (n == cap) {
			tach_check *g = realloc(v, (cap = cap ? 2 * cap : 16) * sizeof *v);
			if (!g) {
				free(v);
				return cli_error("out of memory");
			}
			v = g;
		}
		v[n].outcome = o;
		v[n++].line = line + 6;
	}
	tach_report_checks_junit(out, "tach gate", v, n);
	free(v);
	return 0;
}

int cmd_gate(int argc, char **argv, const cli_cmd *self)
{
	int status;
	cli_parsed p;
	if (cli_parse(self, argc, argv, &p, &status))
		return status;
	cli_decide d = {0};
	const char *config = NULL;
	const char *out_path = NULL;
	int no_config = 0, allow_testbed = 0, testbeds_differ = 0, junit = 0, csv = 0;
	char *text = NULL;
	size_t text_len = 0;
	FILE *lines = NULL;
	tach_outfile *of = NULL;
	tach_result *base = NULL, *cand = NULL;
	tach_comparison *c = NULL;
	cli_checks checks = {0};
	cli_check_out co = {0};
	status = 0;
	for (size_t i = 0; i < p.n && !status; i++) {
		int id = p.items[i].id;
		if (id == DECIDE_CONFIG)
			config = p.items[i].value;
		else if (id == DECIDE_NO_CONFIG)
			no_config = 1;
		else if (id == OPT_ALLOW_TESTBED)
			allow_testbed = 1;
		else if (id == OPT_OUT)
			out_path = p.items[i].value;
		else if (id == OPT_FORMAT) {
			const char *v = p.items[i].value;
			junit = !strcmp(v, "junit");
			csv = !strcmp(v, "csv");
			if (!junit && !csv && strcmp(v, "text"))
				status = cli_bad_value(p.items[i].spelled, v, "use text, junit or csv");
		}
		else if (cli_decide_option(&d, &p.items[i]) < 0)
			status = EXIT_USAGE;
	}
	if (status || (status = cli_decide_finish(&d, config, no_config)))
		goto done;
	if (p.npos < 1 || p.npos > 2) {
		status = cli_error("expected [BASE] CAND (%zu given)", p.npos);
		goto done;
	}
	if (p.npos == 1 && !cli_decide_has_rules(&d)) {
		status = cli_error("nothing to check: with one file the gate needs targets from "
		                   "tach.conf or --config, or --max-cv");
		goto done;
	}
	if ((p.npos == 2 && (cli_read_results(p.pos[0], &base) ||
	                     cli_decide_distinct(base, p.pos[0]))) ||
	    cli_read_results(p.pos[p.npos - 1], &cand) ||
	    cli_decide_distinct(cand, p.pos[p.npos - 1])) {
		status = EXIT_USAGE;
		goto done;
	}
	cli_decide_candidate(&d, cand);
	if (base)
		testbeds_differ = cli_decide_machines(base, cand, p.pos[0], p.pos[1]);
	if (base && tach_compare(base, cand, &d.opts, &c)) {
		status = cli_error("cannot compare (out of memory or a bad rule)");
		goto done;
	}
	if ((status = cli_decide_checks(&d, c, cand, &checks)))
		goto done;
	if (out_path) {
		const char *inputs[2] = {p.pos[0], p.pos[p.npos - 1]};
		if ((status = cli_out_distinct(inputs, 2, &out_path, 1)))
			goto done;
	}
	if (!(of = cli_out_open(out_path))) {
		status = EXIT_USAGE;
		goto done;
	}
	FILE *out = tach_outfile_stream(of);
	/* JUnit: the text's check lines, gathered and then converted */
	if (junit && !(lines = open_memstream(&text, &text_len))) {
		status = cli_error("out of memory");
		goto done;
	}
	FILE *f = junit ? lines : out;
	/* CSV: the checks as records, written after them */
	co.f = csv ? NULL : f;
	co.color = !junit && !csv && !out_path && cli_color_stdout();
	if (c) {
		print_rows(&co, c, junit || csv);
		cli_decide_emit_rules(&co, c, 1);
	}
	cli_decide_emit_checks(&co, &checks, p.pos[p.npos - 1]);
	if (testbeds_differ)
		print_testbeds(&co, base, cand, allow_testbed);
	if (co.oom) {
		status = cli_error("out of memory");
		goto done;
	}
	size_t failed = checks.n_failed + (testbeds_differ && !allow_testbed);
	size_t warned = checks.n_warned + (testbeds_differ && allow_testbed);
	size_t n_checks = checks.n + (size_t)testbeds_differ;
	count_row_checks(c, &n_checks, &failed, &warned);
	if (csv) {
		/* the rows are the whole output; the exit status says the rest */
		tach_report_checks_csv(out, co.v, co.n);
	} else {
		if (c)
			tach_report_comparison_counts(f, c);
		if (failed)
			fprintf(f, "gate: FAILED, %zu of %zu checks%s\n", failed, n_checks,
			        d.warn_only ? " (--warn-only: exit status 0)" : "");
		else
			fprintf(f, "gate: passed, %zu checks%s\n", n_checks,
			        warned ? ", with warnings" : "");
	}
	if (junit) {
		int bad = fclose(lines) != 0;
		lines = NULL;
		if (bad || (status = write_junit(out, text))) {
			status = bad ? cli_error("out of memory") : status;
			goto done;
		}
	}
	status = cli_out_commit(of, out_path);
	of = NULL;
	if (!status)
		status = failed && !d.warn_only ? EXIT_REGRESSION : EXIT_OK;
done:
	cli_check_out_release(&co);
	if (lines)
		fclose(lines);
	free(text);
	if (of)
		tach_outfile_abort(of);
	cli_decide_checks_release(&checks);
	tach_comparison_free(c);
	tach_result_free(base);
	tach_result_free(cand);
	cli_decide_release(&d);
	cli_parsed_free(&p);
	return status;
}
