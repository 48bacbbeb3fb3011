/* cmd_run.c - `tach run [OPTIONS] COMMAND...`: benchmark whole commands.
 *
 * Turns options into a runner (src/measure/runner.c): commands are split
 * into words without a shell (unless --shell), expanded over every
 * combination of parameter values (run_params.c), checked to exist and
 * their outputs to be writable before any run, then run and summarised;
 * the result set can be exported in the results format, Markdown, CSV,
 * or as hyperfine's AsciiDoc and Org tables.
 */
#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "tach/tach.h"
#include "tach/run.h"
#include "tach/counters.h"
#include "cli/cli.h"
#include "cli/stop.h"
#include "cli/output.h"
#include "cli/commands.h"
#include "cli/input.h"
#include "cli/run_output.h"
#include "cli/run_instructions.h"
#include "cli/run_params.h"
#include "cli/testbed.h"

enum {
	OPT_WARMUP = 1, OPT_RUNS, OPT_MIN_RUNS, OPT_MAX_RUNS, OPT_DURATION,
	OPT_PREPARE, OPT_CLEANUP, OPT_SETUP, OPT_CONCLUDE, OPT_SCAN, OPT_STEP,
	OPT_LIST, OPT_INPUT, OPT_OUTPUT, OPT_TIMEOUT, OPT_IGNORE, OPT_NAME,
	OPT_LABEL, OPT_SHELL, OPT_NO_INTERLEAVE, OPT_SEED, OPT_EXPORT_JSON,
	OPT_EXPORT_MD, OPT_EXPORT_CSV, OPT_NO_MEMORY, OPT_CONCURRENCY, OPT_COUNTERS,
	/* what hyperfine's users reach for (run_style below) */
	OPT_REFERENCE, OPT_REFERENCE_NAME, OPT_SORT, OPT_TIME_UNIT, OPT_STYLE, OPT_EXPORT_ADOC,
	OPT_EXPORT_ORG,
	OPT_MONITOR, OPT_SAVE, OPT_DB, OPT_INSTRUCTIONS,
	OPT_CPUS, /* issue 19 item 12 (system) */
	OPT_TESTBED, /* issue 20 item 1 */
};

const cli_opt cmd_run_opts[] = {
	CLI_NUMBER(OPT_WARMUP, "warmup", 'w', "N", "untimed runs of each command first (default 0)", 0, 0),
	CLI_NUMBER(OPT_RUNS, "runs", 'r', "N", "exactly N timed runs of each command", 1, 0),
	CLI_NUMBER(OPT_MIN_RUNS, "min-runs", 'm', "N", "at least N runs (default 10; the count fills about 3 s)", 1, 0),
	CLI_NUMBER(OPT_MAX_RUNS, "max-runs", 'M', "N", "at most N runs", 1, 0),
	CLI_VALUE(OPT_DURATION, "duration", 'd', "TIME", "repeat each command until its runs took TIME (a load test)"),
	CLI_NUMBER(OPT_CONCURRENCY, "concurrency", 'C', "N", "N copies at once, a new one as each ends (a load test)", 1, 0),
	CLI_VALUE_N(OPT_PREPARE, "prepare", 'p', "CMD", "run CMD before every run (untimed); once for all commands or once per command", CLI_REPEAT),
	CLI_VALUE_N(OPT_CLEANUP, "cleanup", 'c', "CMD", "run CMD after every run (untimed); once for all commands or once per command", CLI_REPEAT),
	CLI_VALUE(OPT_SETUP, "setup", 's', "CMD", "run CMD once before each command's runs"),
	CLI_VALUE_N(OPT_CONCLUDE, "conclude", 0, "CMD", "run CMD once after each command's runs; once for all commands or once per command", CLI_REPEAT),
	CLI_VALUE_N(OPT_SCAN, "parameter-scan", 'P', "NAME MIN MAX", "benchmark for NAME = MIN..MAX, as {NAME}; several parameters multiply", 3 | CLI_REPEAT),
	CLI_VALUE(OPT_STEP, "parameter-step", 'D', "S", "step of every --parameter-scan (default 1; 2 to 10000 values)"),
	CLI_VALUE_N(OPT_LIST, "parameter-list", 'L', "NAME A,B,...", "benchmark for each value, as {NAME}; several parameters multiply", 2 | CLI_REPEAT),
	CLI_VALUE(OPT_INPUT, "input", 0, "FILE", "standard input of every run from FILE (default /dev/null)"),
	CLI_VALUE(OPT_OUTPUT, "output", 0, "WHERE", "the commands' output: null (default), pipe, inherit or a FILE"),
	CLI_VALUE(OPT_TIMEOUT, "timeout", 't', "TIME", "kill a run (its whole process group) after TIME"),
	CLI_FLAG(OPT_IGNORE, "ignore-failure", 'i', "record non-zero exits as data instead of stopping"),
	CLI_VALUE_N(OPT_NAME, "name", 'n', "NAME", "name of the next command (give once per command)", CLI_REPEAT),
	CLI_VALUE_N(OPT_LABEL, "label", 'l', "KEY=VALUE", "a label stored with the results (repeatable)", CLI_REPEAT),
	CLI_VALUE_N(OPT_SHELL, "shell", 'S', "PATH", "run through a shell (default /bin/sh); its start-up time is subtracted", -1),
	CLI_FLAG(OPT_NO_INTERLEAVE, "no-interleave", 0, "run the commands one after another, not interleaved"),
	CLI_NUMBER(OPT_SEED, "seed", 0, "N", "seed of the interleaving order (default 1)", 0, 0),
	CLI_VALUE(OPT_EXPORT_JSON, "export-json", 0, "FILE", "write the results file (tach format)"),
	CLI_FLAG(OPT_SAVE, "save", 0, "add the results to the history as a run"),
	CLI_VALUE(OPT_DB, "db", 0, "PATH|URL", "the history for --save (default: $TACH_DB, else .tach/history.db)"),
	CLI_VALUE(OPT_TESTBED, "testbed", 0, "NAME", "the testbed (machine) name recorded with the results (default: derived from host, CPU and cores)"),
	CLI_VALUE(OPT_EXPORT_MD, "export-markdown", 0, "FILE", "write a Markdown summary"),
	CLI_VALUE(OPT_EXPORT_CSV, "export-csv", 0, "FILE", "write the CSV summary (see tach show)"),
	CLI_VALUE(OPT_EXPORT_ADOC, "export-asciidoc", 0, "FILE", "write hyperfine's AsciiDoc table: mean, min, max, relative"),
	CLI_VALUE(OPT_EXPORT_ORG, "export-orgmode", 0, "FILE", "write hyperfine's Org table: mean, min, max, relative"),
	CLI_VALUE(OPT_REFERENCE, "reference", 0, "CMD", "benchmark CMD too, first, compare every command with it by mean time, and name it in the results (context key reference)"),
	CLI_VALUE(OPT_REFERENCE_NAME, "reference-name", 0, "NAME", "name of the --reference command"),
	CLI_VALUE(OPT_SORT, "sort", 0, "ORDER", "order of the comparison and tables: auto (default), command or mean-time"),
	CLI_VALUE(OPT_TIME_UNIT, "time-unit", 'u', "UNIT", "every time shown (and in --export-markdown) in ns, us, ms or s (default: a unit per value)"),
	CLI_VALUE(OPT_STYLE, "style", 0, "STYLE", "colours and progress: auto (default), full, basic, nocolor, color or none"),
	CLI_VALUE(OPT_COUNTERS, "counters", 'e', "LIST", "read these perf events per run: cycles,instructions,cache-misses,task-clock,..."),
	CLI_VALUE_N(OPT_MONITOR, "monitor", 0, "INTERVAL", "sample each run's tree (RSS, CPU %) every INTERVAL (default 10ms) and keep the series", -1),
	CLI_FLAG(OPT_NO_MEMORY, "no-memory-cgroup", 0, "no cgroup per run (no tree_peak_memory without --monitor)"),
	CLI_FLAG(OPT_INSTRUCTIONS, "instructions", 0, "deterministic mode: count instructions, cache misses and estimated cycles per run under Valgrind (no timings)"),
	CLI_VALUE(OPT_CPUS, "cpus", 0, "LIST", "run the commands (and all they start) on these CPUs only: 0,2-3 (sched_setaffinity)"),
	CLI_END,
};

const char cmd_run_details[] =
	"Each COMMAND is one argument, split into words like a shell would (quotes,\n"
	"backslashes) but run without a shell.  Several commands are compared; their\n"
	"runs are interleaved in a seeded random order so that drift of the machine\n"
	"hits all of them alike.  Per run tach records wall time, user and system CPU\n"
	"time of the whole process tree, the exit code and two peaks of memory: the\n"
	"largest single process's peak RSS (peak_rss, as /usr/bin/time -v reports\n"
	"it) and the whole tree's peak at one instant (tree_peak_memory: a cgroup\n"
	"per run where the system allows it, else sampled with --monitor; tach says\n"
	"which, or why there is none).  A run that fails stops the benchmark unless\n"
	"--ignore-failure; a command that cannot be found stops it before any run.\n"
	"Durations take units: 500ms, 10s, 1.5m.  With --instructions every run goes\n"
	"through Valgrind's callgrind instead, children too, and records counts that\n"
	"do not move with the machine's noise (docs/deterministic.md).";

#define MAX_CMDS 256

/* --style, as hyperfine: what tach run draws besides errors -- colours
 * in the summary, the progress line -- and whether it prints the summary
 * at all.  auto: colours when stdout is a terminal (and NO_COLOR is not
 * set), the progress line when stderr is one. */
enum { STYLE_AUTO, STYLE_FULL, STYLE_BASIC, STYLE_NOCOLOR, STYLE_COLOR, STYLE_NONE, N_STYLES };
static const char *const style_names[N_STYLES] = {"auto", "full", "basic", "nocolor", "color",
                                                  "none"};
static const struct {
	int color, progress; /* -1: auto */
} run_style[N_STYLES] = {
	[STYLE_AUTO] = {-1, -1}, [STYLE_FULL] = {1, 1},    [STYLE_BASIC] = {0, 0},
	[STYLE_NOCOLOR] = {0, 1}, [STYLE_COLOR] = {1, 0}, [STYLE_NONE] = {0, 0},
};
static const char *const sort_names[] = {
	[CLI_SORT_AUTO] = "auto", [CLI_SORT_COMMAND] = "command", [CLI_SORT_MEAN] = "mean-time"};

/* The index of name in names[0..n), or -1. */
static int lookup(const char *name, const char *const *names, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (!strcmp(name, names[i]))
			return (int)i;
	return -1;
}

/* The helper commands: prepare, cleanup and conclude are given once for
 * all commands or once per command (hyperfine's rule); setup once. */
enum { H_PREPARE, H_CLEANUP, H_CONCLUDE, H_SETUP, N_HELPERS };
static const char *const helper_opt[N_HELPERS] = {"--prepare", "--cleanup", "--conclude",
                                                 "--setup"};

typedef struct run_cli {
	tach_runner_opts ro;
	char *shell;
	cli_params params;
	const char *export_json, *export_md, *export_csv;
	const char *export_adoc, *export_org; /* hyperfine's tables */
	const char *reference, *reference_name;
	int sort;              /* CLI_SORT_* */
	const char *time_unit; /* NULL: a unit per value */
	int style;             /* STYLE_* */
	int save;
	const char *db;
	const char *testbed; /* --testbed: NULL, the derived name */
	tach_counter_set *counters;
	char counters_why[512];
	tach_cpus cpus;
	int instructions;
	tach_kvlist labels;
	const char *names[MAX_CMDS];
	size_t n_names;
	const char *helper_text[N_HELPERS][MAX_CMDS];
	size_t n_helper[N_HELPERS];
	char **helper_argv[N_HELPERS][MAX_CMDS];
} run_cli;

/* Words of a helper command (prepare, ...), with the same shell rule. */
static int helper_words(run_cli *c, const char *spelled, const char *text, char ***out)
{
	tach_error err;
	if (c->shell) {
		char **w = calloc(4, sizeof *w);
		if (!w || !(w[0] = strdup(c->shell)) || !(w[1] = strdup("-c")) ||
		    !(w[2] = strdup(text)))
			return cli_error("out of memory");
		*out = w;
		return 0;
	}
	if (tach_words_split(text, out, &err))
		return cli_error("%s '%s': column %u: %s", spelled, text, err.column, err.message);
	return 0;
}

/* Helper h (its k-th text) with the combination idx put into its
 * {NAME}s: when that changes the text, its words go to *made (freed by
 * the caller) and *use; otherwise *use is left as it is. */
static int helper_with_params(run_cli *c, int h, size_t k, const size_t *idx, char ***made,
                              char ***use)
{
	const char *text = k < c->n_helper[h] ? c->helper_text[h][k] : NULL;
	if (!text || !c->params.n || !strchr(text, '{'))
		return 0;
	char *put = cli_params_put(&c->params, idx, text, 0);
	if (!put)
		return cli_error("out of memory");
	int rc = 0;
	if (strcmp(put, text) && !(rc = helper_words(c, helper_opt[h], put, made)))
		*use = *made;
	free(put);
	return rc;
}

/* argv[0] must be runnable before anything runs (commands.h). */
int cli_check_runnable(const char *cmd)
{
	if (strchr(cmd, '/')) {
		struct stat st;
		if (stat(cmd, &st) != 0)
			return cli_error("command '%s' not found", cmd);
		if (S_ISDIR(st.st_mode) || access(cmd, X_OK) != 0)
			return cli_error("command '%s' is not executable", cmd);
		return 0;
	}
	const char *path = getenv("PATH");
	if (!path)
		path = "/usr/local/bin:/usr/bin:/bin";
	char buf[4096];
	for (const char *p = path;; ) {
		const char *colon = strchr(p, ':');
		size_t len = colon ? (size_t)(colon - p) : strlen(p);
		snprintf(buf, sizeof buf, "%.*s/%s", (int)len, len ? p : ".", cmd);
		struct stat st;
		if (stat(buf, &st) == 0 && !S_ISDIR(st.st_mode) && access(buf, X_OK) == 0)
			return 0;
		if (!colon)
			break;
		p = colon + 1;
	}
	return cli_error("command '%s' not found in PATH", cmd);
}

/* The results file, or tach show's summary in fmt (Markdown: its times
 * in --time-unit when given, as the terminal's). */
static int write_export(const char *path, const tach_result *r, tach_report_format fmt,
                        const char *time_unit)
{
	tach_error err;
	if (fmt == TACH_REPORT_JSON)
		return tach_result_write_file(r, path, &err) ? cli_error("%s", err.message) : 0;
	tach_outfile *o = cli_out_open(path);
	if (!o)
		return EXIT_USAGE;
	tach_report_input in = {r, path};
	tach_scale unit;
	int rc = tach_report_summary_time_unit(tach_outfile_stream(o), &in, 1, fmt, NULL,
	                                       time_unit && !tach_scale_time_unit(time_unit, 0, &unit)
	                                       ? &unit : NULL);
	if (rc) {
		tach_outfile_abort(o);
		return cli_error("cannot write '%s': %s", path, tach_strerror(rc));
	}
	return cli_out_commit(o, path);
}

/* hyperfine's table (--export-asciidoc, --export-orgmode) of res, in the
 * order --sort asks for tables: as given unless mean-time. */
static int write_table(const char *path, const tach_result *r, tach_markup mk,
                       const run_cli *c, size_t reference)
{
	tach_scale unit;
	size_t *order = malloc((r->n_benchmarks ? r->n_benchmarks : 1) * sizeof *order);
	if (!order || cli_run_order(r, c->sort == CLI_SORT_MEAN ? CLI_ORDER_MEAN : CLI_ORDER_GIVEN, order)) {
		free(order);
		return cli_error("out of memory");
	}
	tach_run_table_opts o = {NULL, order, reference < r->n_benchmarks ? reference : SIZE_MAX};
	if (c->time_unit && !tach_scale_time_unit(c->time_unit, 0, &unit))
		o.time_unit = &unit;
	tach_outfile *f = cli_out_open(path);
	int rc = f ? tach_report_run_table(tach_outfile_stream(f), r, mk, &o) : 0;
	free(order);
	if (!f)
		return EXIT_USAGE;
	if (rc) {
		tach_outfile_abort(f);
		return cli_error("cannot write '%s': %s", path, tach_strerror(rc));
	}
	return cli_out_commit(f, path);
}

static int parse_options(run_cli *c, const cli_parsed *p)
{
	int rc = 0;
	for (size_t i = 0; !rc && i < p->n; i++) {
		const char *v = p->items[i].value, *sp = p->items[i].spelled;
		unsigned long long n = p->items[i].count;
		switch (p->items[i].id) {
		case OPT_WARMUP: c->ro.warmup = (size_t)n; break;
		case OPT_RUNS: c->ro.runs = (size_t)n; break;
		case OPT_MIN_RUNS: c->ro.min_runs = (size_t)n; break;
		case OPT_MAX_RUNS: c->ro.max_runs = (size_t)n; break;
		case OPT_DURATION: rc = cli_duration_arg(sp, v, &c->ro.duration); break;
		case OPT_TIMEOUT: rc = cli_duration_arg(sp, v, &c->ro.exec.timeout); break;
		case OPT_PREPARE: case OPT_CLEANUP: case OPT_SETUP: case OPT_CONCLUDE: {
			/* split after --shell is known: keep the text for now */
			int h = p->items[i].id == OPT_PREPARE ? H_PREPARE
			        : p->items[i].id == OPT_CLEANUP ? H_CLEANUP
			        : p->items[i].id == OPT_SETUP ? H_SETUP : H_CONCLUDE;
			if (c->n_helper[h] == MAX_CMDS)
				rc = cli_error("more than %d %s options", MAX_CMDS, helper_opt[h]);
			else
				c->helper_text[h][c->n_helper[h]++] = v;
			break;
		}
		case OPT_SCAN: case OPT_LIST:
			rc = cli_params_add(&c->params, p->items[i].id == OPT_SCAN, p->items[i].values);
			break;
		case OPT_STEP: c->params.step = v; break;
		case OPT_INPUT:
			if (access(v, R_OK) != 0)
				rc = cli_error("cannot read --input '%s': %s", v, strerror(errno));
			c->ro.exec.input_path = v;
			break;
		case OPT_OUTPUT:
			if (!strcmp(v, "null"))
				c->ro.exec.output = TACH_OUTPUT_NULL;
			else if (!strcmp(v, "pipe"))
				c->ro.exec.output = TACH_OUTPUT_PIPE;
			else if (!strcmp(v, "inherit"))
				c->ro.exec.output = TACH_OUTPUT_INHERIT;
			else {
				c->ro.exec.output = TACH_OUTPUT_FILE;
				c->ro.exec.output_path = v;
			}
			break;
		case OPT_IGNORE: c->ro.ignore_failure = 1; break;
		case OPT_NAME:
			if (c->n_names == MAX_CMDS)
				rc = cli_error("more than %d --name options", MAX_CMDS);
			else
				c->names[c->n_names++] = v;
			break;
		case OPT_LABEL: rc = cli_label_arg(sp, v, &c->labels); break;
		case OPT_SHELL:
			free(c->shell);
			c->shell = strdup(v ? v : "/bin/sh");
			break;
		case OPT_NO_INTERLEAVE: c->ro.no_interleave = 1; break;
		case OPT_SEED: c->ro.seed = n; break;
		case OPT_EXPORT_JSON: c->export_json = v; break;
		case OPT_SAVE: c->save = 1; break;
		case OPT_DB: c->db = v; break;
		case OPT_TESTBED:
			c->testbed = v;
			if (cli_testbed_check(sp, v))
				return EXIT_USAGE;
			break;
		case OPT_EXPORT_MD: c->export_md = v; break;
		case OPT_EXPORT_CSV: c->export_csv = v; break;
		case OPT_NO_MEMORY: c->ro.exec.measure_memory = 0; break;
		case OPT_INSTRUCTIONS: c->instructions = 1; break;
		case OPT_MONITOR:
			c->ro.exec.monitor = 0.01;
			if (v)
				rc = cli_duration_arg(sp, v, &c->ro.exec.monitor);
			if (!rc && !(c->ro.exec.monitor >= 0.001))
				rc = cli_bad_value(sp, v ? v : "", "at least 1ms");
			break;
		case OPT_COUNTERS: {
			tach_error e;
			tach_counters_free(c->counters);
			c->counters = NULL;
			if (tach_counters_parse(v, &c->counters, &e))
				rc = cli_bad_value(sp, v, e.message);
			break;
		}
		case OPT_CONCURRENCY: c->ro.concurrency = (size_t)n; break;
		case OPT_EXPORT_ADOC: c->export_adoc = v; break;
		case OPT_EXPORT_ORG: c->export_org = v; break;
		case OPT_REFERENCE: c->reference = v; break;
		case OPT_REFERENCE_NAME: c->reference_name = v; break;
		case OPT_SORT:
			if ((c->sort = lookup(v, sort_names, 3)) < 0)
				rc = cli_bad_value(sp, v, "use auto, command or mean-time");
			break;
		case OPT_TIME_UNIT: {
			tach_scale unit;
			c->time_unit = v;
			if (tach_scale_time_unit(v, 0, &unit))
				rc = cli_bad_value(sp, v, "use ns, us, ms or s");
			break;
		}
		case OPT_STYLE:
			if ((c->style = lookup(v, style_names, N_STYLES)) < 0)
				rc = cli_bad_value(sp, v, "use auto, full, basic, nocolor, color or none");
			break;
		case OPT_CPUS: rc = cli_cpus_arg(sp, v, &c->cpus); c->ro.exec.cpus = &c->cpus; break;
		}
	}
	if (!rc && c->reference_name && !c->reference)
		rc = cli_error("--reference-name names the --reference command: give --reference too");
	if (!rc && c->instructions && (c->reference || c->export_adoc || c->export_org))
		rc = cli_error("--instructions counts instead of timing: --reference, --export-asciidoc "
		               "and --export-orgmode compare times");
	if (!rc && c->counters && c->ro.concurrency > 1)
		rc = cli_error("--counters cannot be combined with --concurrency: the events of "
		               "concurrent runs cannot be told apart");
	if (!rc && c->instructions && (c->ro.concurrency > 1 || c->counters || c->ro.exec.monitor > 0))
		rc = cli_error("--instructions runs one simulated copy at a time: it cannot be combined "
		               "with --concurrency, --counters or --monitor");
	if (!rc && c->instructions && c->shell)
		rc = cli_error("--instructions cannot be combined with --shell: the shell's own "
		               "instructions would be counted");
	if (!rc && c->ro.runs && c->ro.duration > 0)
		rc = cli_error("--runs and --duration cannot be combined");
	if (!rc && c->ro.max_runs && c->ro.min_runs > c->ro.max_runs)
		rc = cli_error("--min-runs (%zu) is larger than --max-runs (%zu)", c->ro.min_runs,
		               c->ro.max_runs);
	return rc;
}

/* hyperfine's rule: --prepare, --cleanup and --conclude are given once
 * (for every command) or once per command, in order. */
static int check_helper_counts(const run_cli *c, size_t ncmd)
{
	for (int h = 0; h < H_SETUP; h++)
		if (c->n_helper[h] > 1 && c->n_helper[h] != ncmd)
			return cli_error("%s given %zu times for %zu command%s: give it once (for every "
			                 "command) or once per command", helper_opt[h], c->n_helper[h],
			                 ncmd, ncmd == 1 ? "" : "s");
	return 0;
}

/* Every file tach run will write must be writable before anything is
 * measured: a typo in --export-json found after an hour of runs loses
 * them. */
static int check_outputs(const run_cli *c)
{
	int rc = cli_out_check("--export-json", c->export_json, 0);
	if (!rc)
		rc = cli_out_check("--export-markdown", c->export_md, 0);
	if (!rc)
		rc = cli_out_check("--export-csv", c->export_csv, 0);
	if (!rc)
		rc = cli_out_check("--export-asciidoc", c->export_adoc, 0);
	if (!rc)
		rc = cli_out_check("--export-orgmode", c->export_org, 0);
	if (!rc && c->ro.exec.output == TACH_OUTPUT_FILE)
		rc = cli_out_check("--output", c->ro.exec.output_path, 1);
	if (!rc && c->save) {
		const char *db = c->db ? c->db : getenv("TACH_DB");
		if (!db || !*db)
			db = ".tach/history.db";
		/* a PostgreSQL URL or connection string is checked on connecting */
		if (!strstr(db, "://") && !strchr(db, '='))
			rc = cli_out_check("--db", db, 2);
	}
	return rc;
}

/* Two benchmarks of one name and the same parameters could not be told
 * apart in the results (nor by compare): refused, naming both. */
static int check_duplicates(char **names, size_t ncmd, size_t per, size_t nref)
{
	/* the reference has no parameters: it can only meet a command without */
	for (size_t k = nref; nref && per == 1 && k < ncmd; k++)
		if (!strcmp(names[0], names[k]))
			return cli_error("--reference and command %zu would both make the benchmark '%s': "
			                 "give one of them another name (--reference-name, --name)",
			                 k, names[0]);
	names += nref;
	ncmd -= nref;
	for (size_t j = 0; j < ncmd; j++)
		for (size_t k = j + per; k < ncmd; k += per)
			if (!strcmp(names[j], names[k]))
				return cli_error("commands %zu and %zu would both make the benchmark '%s': "
				                 "give each its own --name", j / per + 1, k / per + 1,
				                 names[j]);
	return 0;
}

int cmd_run(int argc, char **argv, const cli_cmd *self)
{
	int status;
	cli_parsed p;
	if (cli_parse(self, argc, argv, &p, &status))
		return status;
	run_cli c;
	memset(&c, 0, sizeof c);
	c.ro.seed = 1;
	c.ro.exec.measure_memory = 1;
	c.ro.exec.grace = 0.5;
	c.ro.stop = &cli_stop_signal;
	tach_result *res = NULL;
	tach_runner *runner = NULL;
	char **texts = NULL, **names = NULL;
	char ***words = NULL;
	char ***hsub = NULL; /* [j * N_HELPERS + h]: helper h of benchmark j with
	                        its parameters put in, when they change it */
	size_t ncmd = 0, per = 1, nref = 0, ncommands = 0;
	size_t idx[CLI_MAX_PARAMS];
	cli_instr ci;
	memset(&ci, 0, sizeof ci);

	status = parse_options(&c, &p);
	if (!status && !p.npos) {
		cli_error("no command given");
		fputs("usage: tach run [OPTIONS] COMMAND...\n", stderr);
		status = EXIT_USAGE;
	}
	if (!status && c.n_names > p.npos)
		status = cli_error("%zu --name options for %zu commands", c.n_names, p.npos);
	/* the reference is the first command: benchmark 1, and the first of
	 * per-command helpers */
	nref = c.reference != NULL;
	ncommands = p.npos + nref;
	if (!status)
		status = check_helper_counts(&c, ncommands);
	for (int h = 0; !status && h < N_HELPERS; h++)
		for (size_t k = 0; !status && k < c.n_helper[h]; k++)
			status = helper_words(&c, helper_opt[h], c.helper_text[h][k],
			                      &c.helper_argv[h][k]);
	if (!status)
		status = cli_params_values(&c.params);
	per = cli_params_count(&c.params);
	if (!status && p.npos * per > CLI_MAX_VALUES)
		status = cli_error("%zu commands with %zu combinations of parameters make more than %d "
		                   "benchmarks", p.npos, per, CLI_MAX_VALUES);

	/* commands x combinations of parameter values */
	if (!status) {
		ncmd = nref + p.npos * per;
		texts = calloc(ncmd, sizeof *texts);
		names = calloc(ncmd, sizeof *names);
		words = calloc(ncmd, sizeof *words);
		hsub = calloc(ncmd * N_HELPERS, sizeof *hsub);
		if (!texts || !names || !words || !hsub)
			status = cli_error("out of memory");
	}
	if (!status && nref) {
		/* one benchmark, the same for every combination of parameters */
		cli_params_combination(&c.params, 0, idx);
		texts[0] = cli_params_put(&c.params, idx, c.reference, 0);
		names[0] = strdup(c.reference_name ? c.reference_name : c.reference);
		if (!texts[0] || !names[0])
			status = cli_error("out of memory");
		else if (strcmp(texts[0], c.reference))
			status = cli_error("--reference '%s': the reference is one command, it cannot "
			                   "take {NAME} parameters", c.reference);
		if (!status)
			status = helper_words(&c, "--reference", texts[0], &words[0]);
		if (!status && !c.shell)
			status = cli_check_runnable(words[0][0]);
	}
	for (size_t i = 0; !status && i < p.npos; i++) {
		for (size_t k = 0; !status && k < per; k++) {
			size_t j = nref + i * per + k;
			cli_params_combination(&c.params, k, idx);
			texts[j] = cli_params_put(&c.params, idx, p.pos[i], 0);
			names[j] = cli_params_put(&c.params, idx, i < c.n_names ? c.names[i] : p.pos[i], 1);
			if (!texts[j] || !names[j]) {
				status = cli_error("out of memory");
				break;
			}
			status = helper_words(&c, "command", texts[j], &words[j]);
			if (!status && !c.shell)
				status = cli_check_runnable(words[j][0]);
		}
	}
	if (!status)
		status = check_duplicates(names, ncmd, per, nref);
	/* the exports must not replace each other, the commands' output file,
	 * the input of the runs or a program being measured */
	if (!status) {
		const char *outs[] = {c.ro.exec.output_path, c.export_json, c.export_md, c.export_csv,
		                      c.export_adoc, c.export_org};
		size_t nouts = sizeof outs / sizeof *outs;
		const char *ins[2] = {c.ro.exec.input_path, c.db};
		status = cli_out_distinct(ins, 2, outs, nouts);
		for (size_t j = 0; !status && !c.shell && j < ncmd; j++)
			if (strchr(words[j][0], '/')) /* a bare name is found in PATH */
				status = cli_out_distinct((const char *const *)words[j], 1, outs, nouts);
	}
	if (!status)
		status = check_outputs(&c);
	if (!status && c.instructions) {
		/* a simulator has no warm state to reach: warm-up runs would only
		 * leave their profiles behind */
		c.ro.warmup = 0;
		status = cli_instr_begin(&ci, ncmd);
		for (size_t j = 0; !status && j < ncmd; j++) {
			char **w = cli_instr_wrap(&ci, words[j]);
			if (!w)
				status = cli_error("out of memory");
			tach_words_free(words[j]);
			words[j] = w;
		}
	}
	/* a helper given once is every command's; given per command, each
	 * command's own (tach_runner_set_helpers) */
	int per_command[H_SETUP];
	for (int h = 0; h < H_SETUP; h++)
		per_command[h] = c.n_helper[h] > 1;
	if (!status) {
		c.ro.prepare = per_command[H_PREPARE] ? NULL : c.helper_argv[H_PREPARE][0];
		c.ro.cleanup = per_command[H_CLEANUP] ? NULL : c.helper_argv[H_CLEANUP][0];
		c.ro.conclude = per_command[H_CONCLUDE] ? NULL : c.helper_argv[H_CONCLUDE][0];
		c.ro.setup = c.helper_argv[H_SETUP][0];
		c.ro.progress = c.instructions ? cli_instr_progress : cli_run_progress;
		c.ro.progress_ctx = c.instructions ? &ci : NULL;
		c.ro.counters = c.counters;
		c.ro.counters_why = c.counters_why;
		c.ro.counters_why_size = sizeof c.counters_why;
		res = tach_result_new();
		runner = tach_runner_new(&c.ro, NULL);
		if (!res || !runner || tach_meta_collect(&res->meta, NULL))
			status = cli_error("out of memory");
	}
	for (size_t i = 0; !status && i < ncommands; i++) {
		for (size_t k = 0; !status && k < (i < nref ? 1 : per); k++) {
			size_t j = i < nref ? 0 : nref + (i - nref) * per + k;
			tach_kvlist params = {0};
			cli_params_combination(&c.params, k, idx);
			if (i >= nref && cli_params_kvlist(&c.params, idx, &params))
				status = cli_error("out of memory");
			if (!status && tach_runner_add(runner, names[j], texts[j], words[j], &params))
				status = cli_error("out of memory");
			tach_kvlist_release(&params);
			char **own[N_HELPERS];
			for (int h = 0; h < N_HELPERS; h++)
				own[h] = h < H_SETUP && per_command[h] ? c.helper_argv[h][i] : NULL;
			/* a helper mentioning {NAME} prepares this combination, as
			 * the command does (hyperfine's rule) */
			for (int h = 0; !status && i >= nref && h < N_HELPERS; h++)
				status = helper_with_params(&c, h, h < H_SETUP && per_command[h] ? i : 0, idx,
				                            &hsub[j * N_HELPERS + h], &own[h]);
			if (!status)
				tach_runner_set_helpers(runner, own[H_PREPARE], own[H_CLEANUP],
				                        own[H_CONCLUDE]);
			if (!status)
				tach_runner_set_setup(runner, own[H_SETUP]);
		}
	}
	/* the shell's own start-up, interleaved with the commands so that the
	 * machine's drift falls on both alike; a --setup or --conclude command
	 * must not run for it, so with those it is measured apart afterwards */
	char *empty_argv[] = {c.shell, "-c", "", NULL};
	int startup_in_res = c.shell && !c.instructions && !c.n_helper[H_SETUP] &&
	                     !c.n_helper[H_CONCLUDE];
	if (!status && startup_in_res &&
	    tach_runner_add(runner, CLI_SHELL_STARTUP, "", empty_argv, NULL))
		status = cli_error("out of memory");
	if (!status && cli_testbed_set(res, c.testbed))
		status = EXIT_USAGE;
	if (!status && tach_kvlist_copy(&res->meta.labels, &c.labels))
		status = cli_error("out of memory");
	if (!status) {
		cli_stop_on_signals();
		tach_error err;
		memset(&err, 0, sizeof err);
		cli_run_progress_begin(run_style[c.style].progress);
		int rc = tach_runner_run(runner, res, &err);
		cli_run_progress_end();
		if (c.counters_why[0])
			cli_warn("counters: %s", c.counters_why);
		if (!c.instructions && res->n_benchmarks &&
		    cli_run_resolve(res, c.shell, startup_in_res, !cli_stop_signal))
			status = EXIT_USAGE;
		if (c.instructions) {
			if (ci.why[0])
				cli_error("--instructions: %s", ci.why);
			if (!status)
				status = cli_instr_finish(&ci, res);
		}
		if (rc == TACH_ERANGE) {
			cli_error("%s", err.message);
			status = EXIT_USAGE;
		} else if (rc) {
			status = cli_error("%s", err.message[0] ? err.message : tach_strerror(rc));
		}
		if (cli_stop_signal)
			cli_warn("interrupted: showing the runs measured so far");
		/* what was measured is shown and saved even after a failure */
		tach_scale unit;
		int ascii = !cli_utf8_stdout(), color = run_style[c.style].color;
		/* the reference is benchmark 0 unless nothing was measured */
		size_t ref = nref && res->n_benchmarks && !strcmp(res->benchmarks[0]->name, names[0])
		             ? 0 : SIZE_MAX;
		/* and the results say which it was, so that tach show and
		 * readers of the file can compare with it again */
		if (ref == 0 &&
		    tach_kvlist_set(&res->meta.context, CLI_CONTEXT_REFERENCE, names[0]))
			status = cli_error("out of memory");
		cli_run_view view = {color < 0 ? cli_color_stdout() : color, ascii,
		                     c.time_unit && !tach_scale_time_unit(c.time_unit, ascii, &unit)
		                     ? &unit : NULL, c.sort, ref};
		if (c.style != STYLE_NONE)
			cli_run_summary(stdout, res, &view);
		if (c.export_json && write_export(c.export_json, res, TACH_REPORT_JSON, NULL))
			status = EXIT_USAGE;
		if (c.export_md && write_export(c.export_md, res, TACH_REPORT_MARKDOWN, c.time_unit))
			status = EXIT_USAGE;
		if (c.export_csv && write_export(c.export_csv, res, TACH_REPORT_CSV, NULL))
			status = EXIT_USAGE;
		if (c.export_adoc && write_table(c.export_adoc, res, TACH_MARKUP_ASCIIDOC, &c, ref))
			status = EXIT_USAGE;
		if (c.export_org && write_table(c.export_org, res, TACH_MARKUP_ORG, &c, ref))
			status = EXIT_USAGE;
		/* only a complete measurement becomes a run of the history */
		if (c.save && status == EXIT_OK && !cli_stop_signal && cli_save_run(c.db, res))
			status = EXIT_USAGE;
		if (cli_stop_signal) /* partial results are no success */
			status = 128 + cli_stop_signal;
	}

	cli_instr_end(&ci);
	tach_runner_free(runner);
	tach_result_free(res);
	for (size_t j = 0; j < ncmd; j++) {
		free(texts ? texts[j] : NULL);
		free(names ? names[j] : NULL);
		tach_words_free(words ? words[j] : NULL);
	}
	for (size_t j = 0; hsub && j < ncmd * N_HELPERS; j++)
		tach_words_free(hsub[j]);
	free(hsub);
	free(texts);
	free(names);
	free(words);
	cli_params_release(&c.params);
	for (int h = 0; h < N_HELPERS; h++)
		for (size_t k = 0; k < c.n_helper[h]; k++)
			tach_words_free(c.helper_argv[h][k]);
	free(c.shell);
	tach_counters_free(c.counters);
	tach_kvlist_release(&c.labels);
	cli_parsed_free(&p);
	return status;
}
