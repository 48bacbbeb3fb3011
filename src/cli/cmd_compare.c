/* cmd_compare.c - `tach compare BASE CAND`: did the candidate get slower?
 *
 * (More than two files, and --col, go through compare_many.c.)
 * BASE and CAND are results files in any format tach reads; with --run
 * they are two commands measured now, interleaved in one job, with every
 * flagged row confirmed by fresh runs; with --aa one command is measured
 * against itself to show what this machine's noise allows.
 * Exit status: 1 when a row regressed beyond what the gate allows or fell
 * short of a required improvement or stability (or a target of the gate
 * config is missed, the candidate is empty, a benchmark the config names
 * is gone), 0 otherwise, 2 for bad input.
 */
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "tach/tach.h"
#include "cli/cli.h"
#include "cli/output.h"
#include "cli/commands.h"
#include "cli/compare_many.h"
#include "cli/decide.h"
#include "cli/testbed.h"
#include "cli/input.h"
#include "cli/stop.h"

enum {
	OPT_FORMAT = 1, OPT_OUT, OPT_ASCII, OPT_RUN, OPT_AA, OPT_MIN_RUNS, OPT_MAX_RUNS,
	OPT_MAX_TIME, OPT_WARMUP, OPT_TIMEOUT, OPT_SEED, OPT_NO_CONFIRM, OPT_SUITE, OPT_REPS,
	OPT_SAVE, OPT_DB, OPT_FILTER, OPT_COL, OPT_TESTBED, OPT_CPUS,
};

const cli_opt cmd_compare_opts[] = {
	CLI_VALUE(OPT_FORMAT, "format", 'f', "FMT", "text (default), markdown, json, csv or junit"),
	CLI_VALUE(OPT_OUT, "output", 'o', "FILE", "write the comparison to FILE instead of standard output"),
	CLI_FLAG(OPT_ASCII, "ascii", 0, "use only ASCII in text output"),
	CLI_VALUE(OPT_FILTER, "filter", 0, "EXPR", "compare only what EXPR keeps: 'name:REGEX KEY:VALUE metric:NAME', '-' negates a term"),
	CLI_VALUE(OPT_COL, "col", 0, "KEY", "one FILE: compare its benchmarks across the values of KEY (the first value is the base)"),
	DECIDE_OPTS,
	DECIDE_RULE_OPTS,
	CLI_FLAG(OPT_SAVE, "save", 0, "add CAND (as read or measured) to the history as a run"),
	CLI_VALUE(OPT_DB, "db", 0, "PATH|URL", "the history for --save and @references"),
	CLI_VALUE(OPT_TESTBED, "testbed", 0, "NAME", "--save: the testbed name CAND is saved with (default: its own)"),
	CLI_FLAG(OPT_RUN, "run", 0, "BASE and CAND are commands: measure both now, interleaved"),
	CLI_FLAG(OPT_AA, "aa", 0, "one command against itself: false alarms and detectable change"),
	CLI_FLAG(OPT_SUITE, "suite", 0, "--run: the commands are benchmark programs (tach or Google Benchmark); compare each benchmark"),
	CLI_NUMBER(OPT_REPS, "reps", 0, "N", "--suite: repetitions of each benchmark per program run (5)", 2, 1000000),
	CLI_NUMBER(OPT_MIN_RUNS, "min-runs", 0, "N", "--run: runs of each command in the first batch (10)", 2, 1000000),
	CLI_NUMBER(OPT_MAX_RUNS, "max-runs", 0, "N", "--run: at most N runs of each command (200)", 2, 1000000),
	CLI_VALUE(OPT_MAX_TIME, "max-time", 0, "TIME", "--run: time for the adaptive measurement (60s)"),
	CLI_NUMBER(OPT_WARMUP, "warmup", 'w', "N", "--run: untimed runs of each command first (1)", 0, 1000),
	CLI_VALUE(OPT_TIMEOUT, "timeout", 't', "TIME", "--run: kill a run (its process group) after TIME"),
	CLI_NUMBER(OPT_SEED, "seed", 0, "N", "--run: seed of the interleaving order (1)", 0, 0),
	CLI_FLAG(OPT_NO_CONFIRM, "no-confirm", 0, "--run: do not re-measure flagged rows"),
	CLI_VALUE(OPT_CPUS, "cpus", 0, "LIST", "--run: run both commands (and all they start) on these CPUs only: 0,2-3"),
	CLI_END,
};

const char cmd_compare_details[] =
	"Matches benchmarks by name and parameters and prints, per metric, both\n"
	"medians, the change with its 98% confidence interval, the Holm-corrected\n"
	"p-value, n, the noise (CV) and a verdict: regressed, improved, same or\n"
	"inconclusive (with the samples per side that would decide it), or new/gone.\n"
	"A change is 'regressed' when a one-sided Mann-Whitney U test is significant\n"
	"at --alpha after Holm correction AND the change is at least --min-effect;\n"
	"'same' needs the interval inside +-min-effect.  docs/statistics.md explains\n"
	"the rule and its measured error rates.  BASE and CAND may be files of any\n"
	"format tach imports.  A gate config (tach.conf) sets rules per metric and\n"
	"benchmark and absolute targets; see docs/gate.md.\n\n"
	"With --run, BASE and CAND are commands (no shell; quote each as one\n"
	"argument) run interleaved in random order until decided or --max-time;\n"
	"every changed row is then measured again and counts only if it reproduces.\n"
	"With --suite, the two commands are benchmark programs (built with\n"
	"tach/bench.h or Google Benchmark): they run alternately, each run giving\n"
	"--reps repetitions of every benchmark, and each benchmark is compared.\n"
	"With --aa CMD, CMD runs as both sides and tach reports this machine's\n"
	"noise, the false-alarm rate and the smallest change it can detect.\n"
	"Ctrl-C (or SIGTERM, SIGHUP) stops --run and --aa after the run in progress\n"
	"(its process group killed): the runs so far are compared and shown, with\n"
	"no confirmation, nothing saved, and tach exits 128 + the signal.\n\n"
	"The summary line always gives 'N regressed, N improved, N same,\n"
	"N inconclusive' (then new and gone when any).  Two benchmarks with the same\n"
	"name and parameters in one file are an error.\n\n"
	"With more than two files, each later file is compared with the first (as\n"
	"'tach compare FIRST LATER' would) and shown in one table: a row per\n"
	"benchmark and metric, the first file's median and CV, then per later file\n"
	"its median, change, p and verdict.  --col KEY compares inside one file:\n"
	"its benchmarks at each value of KEY (a parameter, or a /KEY=VALUE or\n"
	"/KEY:VALUE part of the name) against those at the first value.  --filter\n"
	"keeps the benchmarks and metrics whose every term holds: name:REGEX (POSIX\n"
	"extended, on the name), metric:NAME, KEY:VALUE; -TERM negates.  A file\n"
	"given as LABEL=FILE is shown as LABEL.\n\n"
	"exit status: 1 a regression (beyond --max-regression; with more files, of\n"
	"any later file), an improvement short of the config's min-improvement, a\n"
	"candidate CV above its max-cv, a missed target, a CAND without benchmarks\n"
	"or a benchmark a [bench] section names gone (with --aa only a missed\n"
	"target), 0 otherwise, 2 usage or input error.";

typedef struct args {
	tach_report_format fmt;
	const char *out, *config, *filter, *col, *testbed;
	int no_config, ascii, run, aa, save;
	tach_ab_opts ab;
	tach_cpus cpus;
	cli_decide d;
} args;

static int parse_args(const cli_parsed *p, args *a)
{
	a->ab = (tach_ab_opts){.warmup = 1, .min_runs = 10, .max_runs = 200, .max_time = 60,
	                       .seed = 1, .confirm = 1, .reps = 5};
	for (size_t i = 0; i < p->n; i++) {
		const char *sp = p->items[i].spelled, *v = p->items[i].value;
		int id = p->items[i].id, rc = 0;
		unsigned long long n = p->items[i].count;
		int r = cli_decide_option(&a->d, &p->items[i]);
		if (r < 0)
			return EXIT_USAGE;
		if (r > 0)
			continue;
		switch (id) {
		case OPT_FORMAT:
			if (tach_report_format_parse(v, &a->fmt))
				rc = cli_bad_value(sp, v, "use text, markdown, json, csv or junit");
			break;
		case OPT_OUT: a->out = v; break;
		case OPT_ASCII: a->ascii = 1; break;
		case DECIDE_CONFIG: a->config = v; break;
		case DECIDE_NO_CONFIG: a->no_config = 1; break;
		case OPT_RUN: a->run = 1; break;
		case OPT_AA: a->aa = 1; break;
		case OPT_MIN_RUNS: a->ab.min_runs = (size_t)n; break;
		case OPT_MAX_RUNS: a->ab.max_runs = (size_t)n; break;
		case OPT_WARMUP: a->ab.warmup = (size_t)n; break;
		case OPT_MAX_TIME:
		case OPT_TIMEOUT: {
			double t;
			if (tach_parse_duration(v, &t) || t <= 0)
				rc = cli_bad_value(sp, v, "a positive duration such as 30s or 500ms");
			*(id == OPT_MAX_TIME ? &a->ab.max_time : &a->ab.timeout) = t;
			break;
		}
		case OPT_SEED: a->ab.seed = n; break;
		case OPT_NO_CONFIRM: a->ab.confirm = 0; break;
		case OPT_CPUS:
			rc = cli_cpus_arg(sp, v, &a->cpus);
			a->ab.cpus = &a->cpus;
			break;
		case OPT_SAVE: a->save = 1; break;
		case OPT_DB: cli_db = v; break;
		case OPT_SUITE: a->ab.suite = 1; break;
		case OPT_REPS: a->ab.reps = (size_t)n; break;
		case OPT_FILTER: a->filter = v; break;
		case OPT_COL: a->col = v; break;
		case OPT_TESTBED:
			/* CAND is saved as of that testbed: so are @references read */
			a->testbed = cli_testbed_given = v;
			rc = cli_testbed_check(sp, v);
			break;
		}
		if (rc)
			return rc;
	}
	if (a->ab.min_runs > a->ab.max_runs)
		a->ab.max_runs = a->ab.min_runs;
	if (a->run && a->aa)
		return cli_error("--run and --aa do not go together");
	if (a->ab.suite && !a->run && !a->aa)
		return cli_error("--suite goes with --run or --aa");
	if (a->ab.cpus && !a->run && !a->aa)
		return cli_error("--cpus goes with --run or --aa");
	if ((a->run || a->aa) && (a->filter || a->col))
		return cli_error("%s goes with files, not with %s", a->filter ? "--filter" : "--col",
		                 a->run ? "--run" : "--aa");
	if (a->testbed && !a->save)
		return cli_error("--testbed goes with --save");
	if (a->save && (a->filter || a->col || p->npos > 2))
		return cli_error("--save takes whole files BASE and CAND (the history keeps whole runs)");
	if (a->col && p->npos != 1)
		return cli_error("--col takes one FILE (%zu given)", p->npos);
	if (a->run && p->npos != 2)
		return cli_error("--run takes BASE and CAND (%zu given)", p->npos);
	if (a->aa ? p->npos != 1 : !a->col && p->npos < 2)
		return cli_error(a->aa ? "--aa takes one command" : "expected BASE and CAND (%zu given)",
		                 p->npos);
	return 0;
}

/* --run on a terminal: how far the measurement is, on one line of
 * stderr that is erased when a pass ends. */
static void progress_line(void *ctx, tach_ab_event ev, size_t runs, double elapsed, size_t rows)
{
	(void)ctx;
	if (ev == TACH_AB_BATCH || ev == TACH_AB_RUN)
		fprintf(stderr, "\rtach: %zu runs of each command, %.0f s   ", runs, elapsed);
	else if (ev == TACH_AB_PASS_DONE)
		fputs("\r\x1b[K", stderr);
	else
		fprintf(stderr, "tach: confirming %zu changed row(s) with fresh runs\n", rows);
}

/* --aa: the noise of one command against itself, in numbers a user can
 * act on. */
static void print_aa(FILE *f, const tach_ab_outcome *o)
{
	const tach_metric *a = tach_benchmark_metric(o->base->benchmarks[0], "time");
	const tach_metric *b = tach_benchmark_metric(o->cand->benchmarks[0], "time");
	if (!a || !b || a->n_samples < 3 || b->n_samples < 3) {
		fputs("too few runs to estimate the noise\n", f);
		return;
	}
	size_t n = a->n_samples + b->n_samples;
	double *l = malloc(n * sizeof *l), mad = 0;
	if (!l)
		return;
	for (size_t i = 0; i < a->n_samples; i++)
		l[i] = log(a->samples[i]);
	for (size_t i = 0; i < b->n_samples; i++)
		l[a->n_samples + i] = log(b->samples[i]);
	tach_stats_mad(l, n, &mad);
	double s = mad * 1.4826;
	if (!(s > 0))
		s = tach_stats_stddev(l, n);
	free(l);
	const tach_compare_row *row = NULL;
	for (size_t i = 0; i < o->comparison->n_rows; i++)
		if (o->comparison->rows[i].metric && !strcmp(o->comparison->rows[i].metric, "time"))
			row = &o->comparison->rows[i];
	size_t per = a->n_samples;
	tach_compare_rule rule = row ? row->rule : tach_compare_rule_default();
	double z = tach_norm_ppf(1 - rule.alpha) + tach_norm_ppf(0.9);
	double detect = expm1(z * s * sqrt(2.0 / (double)per * M_PI / 3));
	double d = log1p(rule.min_effect);
	double need = ceil(M_PI / 3 * 2 * z * z * s * s / (d * d));
	fprintf(f, "A/A: the same command as both sides, %zu runs each, interleaved\n", per);
	fprintf(f, "noise (robust CV of one run):          %.2f%%\n", s * 100);
	if (row)
		fprintf(f, "A/A verdict:                           %s (change %+.2f%%, p %.3g)\n",
		        tach_verdict_name(row->verdict), (row->ratio - 1) * 100, row->p_adjusted);
	/* the rule's false-alarm rate is bounded by alpha per test (Holm: per
	 * suite); the figure below is what the minimum effect adds on top */
	double fa = 2 * tach_norm_sf(d / (s * sqrt(2.0 / (double)per * M_PI / 3)));
	fprintf(f, "false-alarm rate at this noise:        at most %.2g%% per benchmark (the "
	        "chance that noise alone moves the estimate past the %g%% minimum effect; the "
	        "test alone would allow %g%%)\n",
	        fmin(rule.alpha, fa) * 100, rule.min_effect * 100, rule.alpha * 100);
	fprintf(f, "smallest change detectable (90%% power) with %zu runs per side: %.2f%%\n", per,
	        detect * 100);
	fprintf(f, "runs per side to detect the minimum effect (%g%%): %.0f\n",
	        rule.min_effect * 100, need < 3 ? 3 : need);
}

/* Two files measured at different times carry the machine's run-to-run
 * offset (1-3 % on shared machines), which within-run samples cannot
 * show: say so when a small change was flagged between them.  Also say
 * when a peak memory figure was measured differently on the two sides. */
static void offset_hint(FILE *f, const tach_comparison *c, const tach_result *base,
                        const tach_result *cand)
{
	/* a peak measured two ways is no change: old files of tach run have
	 * one peak_rss, the tree's when their method was cgroup or sampled */
	static const char *const peak_keys[] = {"peak_rss_method", "tree_peak_memory_method"};
	static const char *const peak_names[] = {"peak_rss", "tree_peak_memory"};
	for (int k = 0; k < 2; k++) {
		const char *mb = tach_kvlist_get(&base->meta.context, peak_keys[k]);
		const char *mc = tach_kvlist_get(&cand->meta.context, peak_keys[k]);
		if (mb && mc && strcmp(mb, mc))
			fprintf(f, "note: %s measured by '%s' in the base and '%s' in the candidate: "
			        "different figures, not a change (docs/cli.md, \"Peak memory\")\n",
			        peak_names[k], mb, mc);
	}
	const char *tb = base->meta.timestamp, *tc = cand->meta.timestamp;
	if (tb && tc && !strcmp(tb, tc))
		return;
	size_t small = 0;
	for (size_t i = 0; i < c->n_rows; i++) {
		const tach_compare_row *r = &c->rows[i];
		double w = fabs(log(r->ratio));
		small += (r->verdict == TACH_REGRESSED || r->verdict == TACH_IMPROVED) &&
		         !(r->flags & (TACH_ROW_DETERMINISTIC | TACH_ROW_ERROR)) && w < log(1.03);
	}
	/* instruction counts per iteration carry the loop's start and stop
	 * spread over the iterations: comparable only at equal counts */
	const char *kb = tach_kvlist_get(&base->meta.context, "fixed_iterations");
	const char *kc = tach_kvlist_get(&cand->meta.context, "fixed_iterations");
	char eb[64], ec[64];
	if (kb && kc && strcmp(kb, kc))
		fprintf(f, "note: instruction counts taken at %s and %s iterations per repetition: "
		        "each repetition's fixed cost (about 85 instructions) is spread differently; "
		        "count both sides with the same --iterations (docs/deterministic.md)\n",
		        cli_text(eb, sizeof eb, kb), cli_text(ec, sizeof ec, kc));
	if (small)
		fprintf(f, "note: %zu change%s under 3%% between files measured at different times; "
		        "run-to-run offsets of that size are common on shared machines and look "
		        "like changes: confirm with 'tach compare --run' (see docs/statistics.md)\n",
		        small, small == 1 ? "" : "s");
}

int cmd_compare(int argc, char **argv, const cli_cmd *self)
{
	int status;
	cli_parsed p;
	if (cli_parse(self, argc, argv, &p, &status))
		return status;
	args a = {0};
	tach_result *base = NULL, *cand = NULL;
	tach_comparison *c = NULL;
	tach_ab_outcome ab = {0};
	char **argv_a = NULL, **argv_b = NULL;
	FILE *out = stdout;
	tach_outfile *of = NULL;
	tach_filter *filter = NULL;
	cli_checks checks = {0};
	if ((status = parse_args(&p, &a)) || (status = cli_decide_finish(&a.d, a.config, a.no_config)))
		goto done;
	tach_error ferr = {0};
	if (a.filter && tach_filter_parse(a.filter, &filter, &ferr)) {
		char msg[600];
		tach_error_format(&ferr, msg, sizeof msg);
		status = cli_error_placed("%s", ferr.message[0] ? msg : "out of memory");
		goto done;
	}
	if (a.col || p.npos > 2) {
		const char *others[] = {a.config, cli_db};
		if (a.out)
			status = cli_out_distinct(others, 2, &a.out, 1);
		cli_many m = {(const char *const *)p.pos, p.npos, a.col, filter, a.filter, a.fmt,
		              a.out, a.ascii, &a.d};
		if (!status)
			status = cli_compare_many(&m);
		goto done;
	}
	const char *bn = p.pos[0], *cn = a.aa ? p.pos[0] : p.pos[1], *bp = bn, *cp = cn;
	char lb[256], lc[256];
	if (!a.run && !a.aa) {
		/* LABEL=FILE: the label names the side, FILE is read */
		bp = cli_compare_split(bn, &bn, lb, sizeof lb);
		cp = cli_compare_split(cn, &cn, lc, sizeof lc);
	}
	const char *inputs[] = {bp, cp, a.config, cli_db};
	if (a.out && (status = cli_out_distinct(inputs, 4, &a.out, 1)))
		goto done;
	if (a.run || a.aa) {
		tach_error err = {0};
		if (tach_words_split(bn, &argv_a, &err) || tach_words_split(cn, &argv_b, &err) ||
		    !argv_a[0] || !argv_b[0]) {
			status = cli_error("cannot split the command: %s",
			                   err.message[0] ? err.message : "empty command");
			goto done;
		}
		a.ab.base_argv = argv_a;
		a.ab.cand_argv = argv_b;
		a.ab.base_text = bn;
		a.ab.cand_text = cn;
		if (cli_color_mode != 0 && isatty(2))
			a.ab.progress = progress_line;
		if (a.aa)
			a.ab.confirm = 0;
		a.ab.stop = &cli_stop_signal;
		cli_stop_on_signals();
		int rc = tach_ab_compare(&a.ab, &a.d.opts, &ab, &err);
		if (rc) {
			char msg[600];
			tach_error_format(&err, msg, sizeof msg);
			status = cli_error("%s", err.message[0] ? msg : tach_strerror(rc));
			if (cli_stop_signal)
				status = 128 + cli_stop_signal;
			goto done;
		}
		if (ab.stopped)
			cli_warn("interrupted: comparing the %zu runs of each command measured so far "
			         "(no confirmation)", ab.passes_runs[0]);
		c = ab.comparison;
		cand = ab.cand;
	} else {
		if (cli_compare_read(bp, filter, a.filter, &base) ||
		    cli_compare_read(cp, filter, a.filter, &cand)) {
			status = EXIT_USAGE;
			goto done;
		}
		cli_decide_candidate(&a.d, cand);
		cli_decide_machines(base, cand, bn, cn);
		int rc = tach_compare(base, cand, &a.d.opts, &c);
		if (rc) {
			status = cli_error("cannot compare: %s", tach_strerror(rc));
			goto done;
		}
	}
	if ((status = cli_decide_checks(&a.d, c, cand, &checks)))
		goto done;
	if (a.out) {
		if (!(of = cli_out_open(a.out))) {
			status = EXIT_USAGE;
			goto done;
		}
		out = tach_outfile_stream(of);
	}
	tach_report_opts ro = {a.fmt == TACH_REPORT_TEXT && !a.out && cli_color_stdout(),
	                       a.ascii || !cli_utf8_stdout()};
	if (a.aa)
		print_aa(out, &ab);
	else
		tach_report_comparison(out, c, bn, cn, a.fmt, &ro);
	/* --aa: its rows are noise being measured, not rules to meet */
	const tach_comparison *rows = a.aa ? NULL : c;
	if ((checks.n || cli_decide_rule_failures(rows)) &&
	    (a.fmt == TACH_REPORT_TEXT || a.fmt == TACH_REPORT_MARKDOWN)) {
		fputs(a.fmt == TACH_REPORT_MARKDOWN ? "\n```\n" : "\ngate:\n", out);
		cli_decide_print_rules(out, rows, 0, ro.color);
		cli_decide_print_checks(out, &checks, cn, ro.color);
		if (a.fmt == TACH_REPORT_MARKDOWN)
			fputs("```\n", out);
	}
	/* JSON, CSV and JUnit carry the rows only: say why the exit status
	 * will be 1 when a check outside them failed */
	if (checks.n_failed && a.fmt != TACH_REPORT_TEXT && a.fmt != TACH_REPORT_MARKDOWN)
		cli_note("%zu gate check%s besides the rows failed (a target, an empty candidate, "
		         "a named benchmark gone or max-cv of a new one); 'tach gate' lists them",
		         checks.n_failed, checks.n_failed == 1 ? "" : "s");
	if (!a.run && !a.aa && a.fmt == TACH_REPORT_TEXT)
		offset_hint(out, c, base, cand);
	if (a.d.n_sized && (a.fmt == TACH_REPORT_TEXT || a.fmt == TACH_REPORT_MARKDOWN))
		fprintf(out, "%snote: the minimum effect of %zu row%s was raised to the largest change "
		             "between consecutive runs in the last %zu runs of the history, with margin "
		             "(--noise-runs)\n",
		        a.fmt == TACH_REPORT_MARKDOWN ? "\n" : "", a.d.n_sized,
		        a.d.n_sized == 1 ? "" : "s", a.d.noise_runs);
	if (ab.confirmed && a.fmt == TACH_REPORT_TEXT)
		fputs("(changed rows were measured again; only changes that reproduced count)\n", out);
	if (of) {
		status = cli_out_commit(of, a.out);
		of = NULL;
		if (status)
			goto done;
	} else if (fflush(out) || ferror(out)) {
		status = cli_error("cannot write the output: %s", strerror(errno));
		goto done;
	}
	/* --aa: the A/A verdict is the noise being measured, never a failure
	 * (a "regressed" there is the false alarm the report quantifies); the
	 * config's targets are absolute checks of the command and fail as in
	 * any comparison */
	size_t failed = (a.aa ? 0 : c->n_failed) + checks.n_failed;
	status = failed && !a.d.warn_only ? EXIT_REGRESSION : EXIT_OK;
	if (ab.stopped) { /* an unfinished comparison is no verdict, and no run to keep */
		status = 128 + cli_stop_signal;
		goto done;
	}
	/* the candidate is history whatever the verdict: that is how the
	 * trend sees a regression arrive */
	if (a.save && !a.aa && (cli_testbed_set(cand, a.testbed) || cli_save_run(NULL, cand)))
		status = EXIT_USAGE;
	if (a.d.warn_only && failed)
		cli_warn("the gate failed (%zu rows, %zu other checks); --warn-only keeps exit status 0",
		         a.aa ? 0 : c->n_failed, checks.n_failed);
done:
	tach_filter_free(filter);
	tach_outfile_abort(of);
	cli_decide_checks_release(&checks);
	if (a.run || a.aa) {
		tach_ab_outcome_release(&ab);
	} else {
		tach_comparison_free(c);
		tach_result_free(cand);
	}
	tach_result_free(base);
	tach_words_free(argv_a);
	tach_words_free(argv_b);
	cli_decide_release(&a.d);
	cli_parsed_free(&p);
	return status;
}
