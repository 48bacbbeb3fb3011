/* test_cli_opts.c - the option parser against every command's own table
 * (src/cli/opts.c), generated: a new option is covered without a new
 * test.  For every option of every command and subcommand: the short and
 * the long form hand on the same values (in-process, cli_parse) and give
 * the same exit status in the real executable, a missing value is an
 * error naming the option, and a second occurrence of an option that is
 * not repeatable is an error naming both.  Then the rules of tach run that
 * the tables feed: parameters multiply, helpers once or once per command,
 * outputs checked before any run; and mistyped commands get a hint. */
#include <criterion/criterion.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "tach/tach.h"
#include "cli/cli.h"
#include "run.h"

#define EXAMPLE TACH_SOURCE_ROOT "/docs/example-results.json"
#define ARGV(...) ((const char *const[]){__VA_ARGS__, NULL})

/* ---- a scratch directory, the cwd of every tach run here ---- */

static char dir[64];

static void setup_dir(void)
{
	snprintf(dir, sizeof dir, "/tmp/tach-opts-XXXXXX");
	cr_assert(mkdtemp(dir));
	cr_assert_eq(chdir(dir), 0);
}

static void teardown_dir(void)
{
	char cmd[128];
	if (chdir("/") == 0) {
		snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
		if (system(cmd) != 0)
			fprintf(stderr, "cannot remove %s\n", dir);
	}
}

static const char *path_in(int slot, const char *name)
{
	static char buf[8][160];
	snprintf(buf[slot], sizeof buf[slot], "%s/%s", dir, name);
	return buf[slot];
}

static const char *env_db(void)
{
	static char buf[200];
	snprintf(buf, sizeof buf, "TACH_DB=%s/env.db", dir);
	return buf;
}

/* ---- every option of every command ---- */

typedef struct opt_case {
	const char *path[2]; /* "history", "add" */
	size_t depth;
	const cli_cmd *cmd;
	const cli_opt *opt;
} opt_case;

static size_t all_options(opt_case *out, size_t cap)
{
	size_t n = 0;
	for (const cli_cmd *c = cli_commands; c->name; c++) {
		for (const cli_opt *o = c->opts; o && o->id && n < cap; o++)
			out[n++] = (opt_case){{c->name, NULL}, 1, c, o};
		for (const cli_cmd *s = c->subcommands; s && s->name; s++)
			for (const cli_opt *o = s->opts; o && o->id && n < cap; o++)
				out[n++] = (opt_case){{c->name, s->name}, 2, s, o};
	}
	cr_assert_lt(n, cap);
	return n;
}

/* A valid value for each word of a metavariable ("NAME MIN MAX"); a new
 * metavariable fails the test until it gets one here. */
static const char *value_for(const char *word)
{
	static const struct {
		const char *meta, *value;
	} v[] = {
		{"N", "3"}, {"TIME", "10ms"}, {"CMD", "true"}, {"NAME", "n"}, {"MIN", "1"},
		{"ORDER", "mean-time"}, {"UNIT", "ms"}, {"STYLE", "basic"},
		{"MAX", "2"}, {"S", "1"}, {"A,B,...", "1,2"}, {"WHERE", "null"},
		{"KEY=VALUE", "k=v"}, {"PATH", "/bin/sh"}, {"LIST", "task-clock"},
		{"INTERVAL", "10ms"}, {"FMT", "json"}, {"P", "0.05"}, {"PCT", "5%"},
		{"REV", "HEAD"}, {"RATIO", "2"}, {"PID", "2147483646"}, {"DIR", "/nonexistent"},
		{"RESULTS", EXAMPLE}, {"TEXT", "t"}, {"TITLE", "t"}, {"BASE", EXAMPLE},
		{"CAND", EXAMPLE}, {"PATTERN", "*"}, {"DATE", "2026-01-01"}, {"RUN", "1"},
		{"EXPR", "name:."}, {"KEY", "k"},
		{"KIND", "poisson"}, /* tach load --arrivals */
	};
	if (!strcmp(word, "FILE"))
		return path_in(0, "file.json");
	if (!strcmp(word, "PATH|URL"))
		return path_in(1, "h.db");
	for (size_t i = 0; i < sizeof v / sizeof *v; i++)
		if (!strcmp(v[i].meta, word))
			return v[i].value;
	cr_assert_fail("no test value for the metavariable '%s': add one to value_for", word);
	return NULL;
}

/* The words of o's values, for the real executable. */
static size_t real_values(const cli_opt *o, const char **w)
{
	char meta[128];
	snprintf(meta, sizeof meta, "%s", o->arg ? o->arg : "");
	size_t n = 0;
	for (char *save = NULL, *t = strtok_r(meta, " ", &save); t; t = strtok_r(NULL, " ", &save))
		w[n++] = value_for(t);
	/* a limit no run of `true` can reach on a loaded machine: the spellings
	 * must agree, not a race between the command and its timeout */
	if (!strcmp(o->name, "timeout") && n == 1)
		w[0] = "60s";
	return n;
}

/* ---- in-process: cli_parse ---- */

/* stderr of cli_parse into a file, read back */
static char captured[4096];
static int saved_fd = -1;

static void capture_begin(void)
{
	fflush(stderr);
	saved_fd = dup(2);
	FILE *f = fopen(path_in(7, "stderr.txt"), "w+");
	cr_assert(f);
	dup2(fileno(f), 2);
	fclose(f);
}

static const char *capture_end(void)
{
	fflush(stderr);
	dup2(saved_fd, 2);
	close(saved_fd);
	FILE *f = fopen(path_in(7, "stderr.txt"), "r");
	size_t n = f ? fread(captured, 1, sizeof captured - 1, f) : 0;
	captured[n] = 0;
	if (f)
		fclose(f);
	return captured;
}

/* The parsed values point into argv, so each parse has its own, kept
 * until the fourth parse after it (three are compared at a time). */
static int parse(const cli_cmd *cmd, const char *const *words, cli_parsed *p, int *status)
{
	static char *store[4][16];
	static int next;
	char **argv = store[next++ % 4];
	int argc = 0;
	argv[argc++] = (char *)cmd->name;
	for (; *words; words++)
		argv[argc++] = (char *)*words;
	argv[argc] = NULL;
	capture_begin();
	int stop = cli_parse(cmd, argc, argv, p, status);
	capture_end();
	return stop;
}

static void expect_same(const opt_case *t, const cli_parsed *a, const cli_parsed *b,
                        const char *how)
{
	const char *name = t->opt->name;
	cr_assert_eq(a->n, 1, "--%s: one item", name);
	cr_assert_eq(b->n, 1, "-%c (%s): one item", t->opt->short_name, how);
	cr_expect_eq(a->items[0].id, b->items[0].id, "--%s", name);
	cr_expect_eq(a->npos, 0, "--%s ate no operand", name);
	cr_expect_eq(b->npos, 0, "-%c ate no operand (%s)", t->opt->short_name, how);
	int k = cli_opt_values(t->opt);
	const char *va = a->items[0].value, *vb = b->items[0].value;
	cr_expect((va == NULL) == (vb == NULL) && (!va || !strcmp(va, vb)),
	          "--%s: value '%s' vs -%c '%s' (%s)", name, va ? va : "(none)",
	          t->opt->short_name, vb ? vb : "(none)", how);
	if (k > 1) {
		cr_assert(a->items[0].values, "--%s hands on its values", name);
		cr_assert(b->items[0].values, "-%c hands on its values (%s)", t->opt->short_name, how);
		for (int i = 0; i < k; i++)
			cr_expect_str_eq(a->items[0].values[i], b->items[0].values[i], "--%s value %d",
			                 name, i);
	}
}

Test(cli_opts, short_and_long_forms_hand_on_the_same_values, .init = setup_dir,
     .fini = teardown_dir)
{
	opt_case t[256];
	size_t n = all_options(t, 256), checked = 0;
	for (size_t i = 0; i < n; i++) {
		const cli_opt *o = t[i].opt;
		if (!o->short_name)
			continue;
		int k = cli_opt_values(o);
		char lng[80], shrt[8], lng_eq[96], shrt_att[16];
		snprintf(lng, sizeof lng, "--%s", o->name);
		snprintf(shrt, sizeof shrt, "-%c", o->short_name);
		/* numbers for a typed option, which the parser checks */
		int num = o->type == CLI_COUNT;
		snprintf(lng_eq, sizeof lng_eq, "--%s=%s", o->name, num ? "5" : "v0");
		snprintf(shrt_att, sizeof shrt_att, "-%c%s", o->short_name, num ? "5" : "v0");
		const char *text_vals[] = {"v0", "v1", "v2", "v3"}, *num_vals[] = {"5", "6", "7", "8"};
		const char *const *vals = num ? num_vals : text_vals;
		const char *wa[8] = {lng}, *wb[8] = {shrt};
		size_t na = 1, nb = 1;
		if (k < 0) { /* optional: attached only */
			wa[0] = lng_eq;
			wb[0] = shrt_att;
		}
		for (int v = 0; v < k; v++)
			wa[na++] = wb[nb++] = vals[v];
		cli_parsed a, b;
		int sa, sb;
		cr_assert_eq(parse(t[i].cmd, wa, &a, &sa), 0, "%s %s: %s", t[i].cmd->name, lng, captured);
		cr_assert_eq(parse(t[i].cmd, wb, &b, &sb), 0, "%s %s: %s", t[i].cmd->name, shrt, captured);
		expect_same(&t[i], &a, &b, "separate words");
		cli_parsed_free(&b);
		if (k == 1) { /* -xVALUE and --name=VALUE too */
			const char *wc[] = {shrt_att, NULL}, *wd[] = {lng_eq, NULL};
			cli_parsed c, d;
			cr_assert_eq(parse(t[i].cmd, wc, &c, &sb), 0, "%s: %s", shrt_att, captured);
			cr_assert_eq(parse(t[i].cmd, wd, &d, &sb), 0, "%s: %s", lng_eq, captured);
			expect_same(&t[i], &a, &c, "attached");
			expect_same(&t[i], &a, &d, "--name=value");
			cli_parsed_free(&c);
			cli_parsed_free(&d);
		}
		cli_parsed_free(&a);
		checked++;
	}
	cr_expect_gt(checked, 20, "%zu options with a short form", checked);
}

/* Parses `cmd --name=value` and expects a refusal naming the option and
 * what it takes. */
static void expect_refused(const opt_case *t, const char *value, const char *why)
{
	char word[160];
	snprintf(word, sizeof word, "--%s=%s", t->opt->name, value);
	cli_parsed p;
	int status = 0;
	cr_expect_eq(parse(t->cmd, ARGV(word), &p, &status), 1, "%s %s accepted", t->cmd->name,
	             word);
	cr_expect_eq(status, 2, "%s %s: exit status %d", t->cmd->name, word, status);
	char want[200];
	snprintf(want, sizeof want, "invalid value '%s' for --%s: ", value, t->opt->name);
	cr_expect(strstr(captured, want), "%s %s: %s", t->cmd->name, word, captured);
	cr_expect(strstr(captured, why), "%s %s: %s (wanted '%s')", t->cmd->name, word, captured,
	          why);
}

/* Parses `cmd -x value` (or --name value) and expects the number. */
static void expect_count(const opt_case *t, const char *value, unsigned long long want)
{
	char flag[96];
	if (t->opt->short_name)
		snprintf(flag, sizeof flag, "-%c", t->opt->short_name);
	else
		snprintf(flag, sizeof flag, "--%s", t->opt->name);
	cli_parsed p;
	int status;
	cr_assert_eq(parse(t->cmd, ARGV(flag, value), &p, &status), 0, "%s %s %s: %s",
	             t->cmd->name, flag, value, captured);
	cr_expect_eq(p.items[0].count, want, "%s %s %s: %llu", t->cmd->name, flag, value,
	             p.items[0].count);
	cli_parsed_free(&p);
}

Test(cli_opts, whole_numbers_are_checked_by_the_parser, .init = setup_dir, .fini = teardown_dir)
{
	opt_case t[256];
	size_t n = all_options(t, 256), typed = 0;
	for (size_t i = 0; i < n; i++) {
		const cli_opt *o = t[i].opt;
		if (o->type != CLI_COUNT)
			continue;
		typed++;
		cr_expect_eq(cli_opt_values(o), 1, "--%s takes one number", o->name);
		static const char *const bad[] = {"", "x", "-1", "+3", " 3", "3 ", "1.5", "0x10",
		                                  "3k", "1e3", "٣"};
		for (size_t b = 0; b < sizeof bad / sizeof *bad; b++)
			expect_refused(&t[i], bad[b], "expected a whole number");
		char num[32];
		expect_count(&t[i], (snprintf(num, sizeof num, "%llu", o->min), num), o->min);
		if (o->min > 0)
			expect_refused(&t[i], (snprintf(num, sizeof num, "%llu", o->min - 1), num),
			               "expected a whole number from");
		if (o->max) {
			cr_expect_geq(o->max, o->min, "--%s: an empty range", o->name);
			expect_count(&t[i], (snprintf(num, sizeof num, "%llu", o->max), num), o->max);
			expect_refused(&t[i], (snprintf(num, sizeof num, "%llu", o->max + 1), num),
			               "expected a whole number from");
		} else {
			expect_count(&t[i], "18446744073709551615", 18446744073709551615ull);
		}
		expect_refused(&t[i], "18446744073709551616", "too large");
		if (o->min <= 10 && (!o->max || o->max >= 10))
			expect_count(&t[i], "010", 10); /* decimal, not octal */
	}
	/* run (warmup, runs, min-runs, max-runs, concurrency, seed), compare
	 * (min-runs, max-runs, warmup, seed, reps, noise-runs), gate and
	 * report (noise-runs), bisect (runs), history list (limit), monitor
	 * (pid) */
	cr_expect_geq(typed, 16, "%zu typed options", typed);
}

Test(cli_opts, a_repeated_option_is_refused_unless_repeatable, .init = setup_dir,
     .fini = teardown_dir)
{
	opt_case t[256];
	size_t n = all_options(t, 256);
	for (size_t i = 0; i < n; i++) {
		const cli_opt *o = t[i].opt;
		int k = cli_opt_values(o);
		char one[96], two[16];
		const char *w[12];
		size_t nw = 0;
		/* the long form first, then the short one if any, else long again */
		snprintf(one, sizeof one, k < 0 ? "--%s=a" : "--%s", o->name);
		if (o->short_name)
			snprintf(two, sizeof two, k < 0 ? "-%ca" : "-%c", o->short_name);
		/* typed numbers: two that every range holds */
		int num = o->type == CLI_COUNT;
		const char *va = num ? "1000" : "a", *vb = num ? "999" : "b";
		w[nw++] = one;
		for (int v = 0; v < k; v++)
			w[nw++] = va;
		w[nw++] = o->short_name ? two : one;
		for (int v = 0; v < k; v++)
			w[nw++] = vb;
		w[nw] = NULL;
		cli_parsed p;
		int status = -1;
		int stop = parse(t[i].cmd, w, &p, &status);
		int repeatable = o->nargs > 0 && (o->nargs & CLI_REPEAT);
		if (!o->arg || repeatable) {
			cr_expect_eq(stop, 0, "%s --%s twice: %s", t[i].cmd->name, o->name, captured);
			cr_expect_eq(p.n, 2, "%s --%s: both kept", t[i].cmd->name, o->name);
		} else {
			char want[128];
			snprintf(want, sizeof want, "option '--%s' given twice", o->name);
			cr_expect_eq(stop, 1, "%s --%s twice must be refused", t[i].cmd->name, o->name);
			cr_expect_eq(status, 2, "%s --%s", t[i].cmd->name, o->name);
			cr_expect(strstr(captured, want), "%s --%s: %s", t[i].cmd->name, o->name, captured);
			if (k > 0) /* both occurrences named, with their values */
				cr_expect(strstr(captured, num ? " 1000'" : " a'") &&
				          strstr(captured, num ? " 999'" : " b'"), "%s", captured);
		}
		cli_parsed_free(&p);
	}
}

/* ---- the real executable ---- */

/* What a command is given besides the option under test, so that it does
 * little: positional operands last, base options dropped when they are
 * the option under test. */
static size_t base_args(const opt_case *t, const char **w, size_t n)
{
	/* one run, unless the option under test is --runs itself */
	if (!strcmp(t->cmd->name, "run") && strcmp(t->opt->name, "runs")) {
		w[n++] = "--runs";
		w[n++] = "1";
	}
	return n;
}

static size_t operands(const opt_case *t, const char **w, size_t n)
{
	const char *name = t->cmd->name;
	if (!strcmp(name, "run")) {
		w[n++] = "true";
	} else if (!strcmp(name, "compare") || !strcmp(name, "gate")) {
		w[n++] = EXAMPLE;
		w[n++] = EXAMPLE;
	} else if (!strcmp(name, "import") || !strcmp(name, "merge") || !strcmp(name, "show") ||
	           !strcmp(name, "report") || !strcmp(name, "add")) {
		w[n++] = EXAMPLE;
	} else if (!strcmp(name, "monitor")) {
		w[n++] = "--";
		w[n++] = "true";
	} else if (!strcmp(name, "set")) {
		w[n++] = "main";
		w[n++] = "1";
	}
	/* bisect: no benchmark command, so it stops before touching git */
	return n;
}

static void fresh_file(void)
{
	FILE *in = fopen(EXAMPLE, "r"), *out = fopen(path_in(0, "file.json"), "w");
	cr_assert(in && out);
	char buf[4096];
	size_t got;
	while ((got = fread(buf, 1, sizeof buf, in)) > 0)
		fwrite(buf, 1, got, out);
	fclose(in);
	fclose(out);
}

static run_result run_form(const opt_case *t, const char *spelled, int attached,
                           int drop_values)
{
	const char *w[40];
	size_t n = 0;
	for (size_t d = 0; d < t->depth; d++)
		w[n++] = t->path[d];
	n = base_args(t, w, n);
	const char *vals[8];
	size_t nv = real_values(t->opt, vals);
	char joined[600];
	if (attached && nv) {
		snprintf(joined, sizeof joined, "%s%s%s", spelled, spelled[1] == '-' ? "=" : "",
		         vals[0]);
		w[n++] = joined;
	} else {
		w[n++] = spelled;
		for (size_t v = 0; v < nv && !drop_values; v++)
			w[n++] = vals[v];
	}
	if (!drop_values)
		n = operands(t, w, n);
	w[n] = NULL;
	fresh_file();
	const char *env[] = {env_db(), NULL};
	return run_tach(w, NULL, env, NULL);
}

typedef struct form {
	const char *spelled;
	int attached;
} form;

/* Every spelling of every option -- --name V, --name=V, -x V, -xV -- with
 * valid values exits alike, and none crashes. */
Test(cli_opts, every_form_gives_the_same_exit_status, .init = setup_dir, .fini = teardown_dir,
     .timeout = 280)
{
	opt_case t[256];
	size_t n = all_options(t, 256), checked = 0;
	for (size_t i = 0; i < n; i++) {
		const cli_opt *o = t[i].opt;
		int k = cli_opt_values(o);
		char lng[80], shrt[8];
		snprintf(lng, sizeof lng, "--%s", o->name);
		snprintf(shrt, sizeof shrt, "-%c", o->short_name);
		form forms[4];
		size_t nf = 0;
		forms[nf++] = (form){lng, k < 0};
		if (k == 1)
			forms[nf++] = (form){lng, 1};
		if (o->short_name) {
			forms[nf++] = (form){shrt, k < 0};
			if (k == 1)
				forms[nf++] = (form){shrt, 1};
		}
		int first = -1;
		for (size_t f = 0; f < nf; f++) {
			run_result r = run_form(&t[i], forms[f].spelled, forms[f].attached, 0);
			cr_expect_lt(r.status, 128, "%s %s%s crashed (%d): %s", t[i].cmd->name,
			             forms[f].spelled, forms[f].attached ? " (attached)" : "", r.status, r.err);
			if (f == 0)
				first = r.status;
			cr_expect_eq(r.status, first, "%s: %s exits %d, %s%s exits %d: %s", t[i].cmd->name,
			             lng, first, forms[f].spelled, forms[f].attached ? " (attached)" : "",
			             r.status, r.err);
			run_free(&r);
		}
		checked++;
	}
	cr_expect_gt(checked, 60, "%zu", checked);
}

Test(cli_opts, a_missing_value_names_the_option, .init = setup_dir, .fini = teardown_dir,
     .timeout = 280)
{
	opt_case t[256];
	size_t n = all_options(t, 256);
	for (size_t i = 0; i < n; i++) {
		const cli_opt *o = t[i].opt;
		if (cli_opt_values(o) <= 0)
			continue;
		for (int shortform = 0; shortform < 2; shortform++) {
			char sp[80], want[96];
			if (shortform && !o->short_name)
				continue;
			if (shortform)
				snprintf(sp, sizeof sp, "-%c", o->short_name);
			else
				snprintf(sp, sizeof sp, "--%s", o->name);
			snprintf(want, sizeof want, "option '%s'", sp);
			run_result r = run_form(&t[i], sp, 0, 1);
			cr_expect_eq(r.status, 2, "%s %s without its value: %d %s", t[i].cmd->name, sp,
			             r.status, r.err);
			cr_expect(strstr(r.err, want) && strstr(r.err, "needs"), "%s %s: %s",
			          t[i].cmd->name, sp, r.err);
			run_free(&r);
		}
	}
}

/* ---- tach run: item by item ---- */

static json_t *load(const char *path)
{
	json_error_t e;
	json_t *j = json_load_file(path, 0, &e);
	cr_assert(j, "%s: %s", path, e.text);
	return j;
}

static const char *bench_name(json_t *j, size_t i)
{
	return json_string_value(json_object_get(json_array_get(json_object_get(j, "benchmarks"), i),
	                                         "name"));
}

static const char *bench_param(json_t *j, size_t i, const char *key)
{
	json_t *b = json_array_get(json_object_get(j, "benchmarks"), i);
	return json_string_value(json_object_get(json_object_get(b, "params"), key));
}

Test(cli_opts_run, short_multi_value_options_run, .init = setup_dir, .fini = teardown_dir)
{
	/* was SIGSEGV (139): the short form handed on no values */
	run_result r = run_tach(ARGV("run", "-r", "1", "-L", "n", "1,2", "echo {n}"), NULL, NULL, NULL);
	cr_expect_eq(r.status, 0, "%d %s", r.status, r.err);
	cr_expect(strstr(r.out, "echo 1") && strstr(r.out, "echo 2"), "%s", r.out);
	run_free(&r);
	r = run_tach(ARGV("run", "-r", "1", "-P", "n", "1", "3", "echo 0.{n}"), NULL, NULL, NULL);
	cr_expect_eq(r.status, 0, "%d %s", r.status, r.err);
	cr_expect(strstr(r.out, "echo 0.3"), "%s", r.out);
	run_free(&r);
	/* a short option with an optional value takes it only attached */
	r = run_tach(ARGV("run", "-r", "1", "-S", "true"), NULL, NULL, NULL);
	cr_expect_eq(r.status, 0, "-S does not swallow the command: %s", r.err);
	run_free(&r);
}

Test(cli_opts_run, parameters_multiply, .init = setup_dir, .fini = teardown_dir)
{
	const char *out = path_in(2, "p.json");
	run_result r = run_tach(ARGV("run", "-r", "1", "-L", "a", "1,2", "--parameter-list", "b",
	                             "x,y", "--export-json", out, "echo {a} {b}"), NULL, NULL, NULL);
	cr_assert_eq(r.status, 0, "%s", r.err);
	run_free(&r);
	json_t *j = load(out);
	cr_assert_eq(json_array_size(json_object_get(j, "benchmarks")), 4, "2 x 2 values");
	/* hyperfine's order and names: the first parameter varies fastest */
	const char *want[4][3] = {{"echo 1 x", "1", "x"}, {"echo 2 x", "2", "x"},
	                          {"echo 1 y", "1", "y"}, {"echo 2 y", "2", "y"}};
	for (size_t i = 0; i < 4; i++) {
		cr_expect_str_eq(bench_name(j, i), want[i][0]);
		cr_expect_str_eq(bench_param(j, i, "a"), want[i][1]);
		cr_expect_str_eq(bench_param(j, i, "b"), want[i][2]);
	}
	json_decref(j);

	/* a scan times a list; a name without a parameter gets it appended */
	r = run_tach(ARGV("run", "-r", "1", "-P", "n", "1", "2", "-L", "m", "a,b", "-n", "job",
	                  "--export-json", out, "echo {n}{m}"), NULL, NULL, NULL);
	cr_assert_eq(r.status, 0, "%s", r.err);
	run_free(&r);
	j = load(out);
	cr_assert_eq(json_array_size(json_object_get(j, "benchmarks")), 4);
	cr_expect_str_eq(bench_name(j, 0), "job/n=1/m=a");
	cr_expect_str_eq(bench_name(j, 3), "job/n=2/m=b");
	json_decref(j);

	/* the same parameter twice is refused */
	r = run_tach(ARGV("run", "-L", "a", "1,2", "-L", "a", "3", "echo {a}"), NULL, NULL, NULL);
	cr_expect_eq(r.status, 2);
	cr_expect(strstr(r.err, "parameter 'a' given twice"), "%s", r.err);
	run_free(&r);
}

Test(cli_opts_run, duplicate_parameter_values_are_refused, .init = setup_dir,
     .fini = teardown_dir)
{
	run_result r = run_tach(ARGV("run", "-r", "1", "--parameter-list", "n", "1,2,1", "echo {n}"),
	                        NULL, NULL, NULL);
	cr_expect_eq(r.status, 2, "%s", r.out);
	cr_expect(strstr(r.err, "'1' is listed twice"), "%s", r.err);
	cr_expect_str_eq(r.out, "", "nothing ran");
	run_free(&r);
	/* two commands that would make one benchmark */
	r = run_tach(ARGV("run", "-r", "1", "true", "true"), NULL, NULL, NULL);
	cr_expect_eq(r.status, 2);
	cr_expect(strstr(r.err, "commands 1 and 2 would both make the benchmark 'true'"), "%s", r.err);
	run_free(&r);
	/* an empty value is a value, not dropped */
	const char *out = path_in(2, "e.json");
	r = run_tach(ARGV("run", "-r", "1", "-L", "o", ",-n", "--export-json", out, "echo {o} x"), NULL,
	             NULL, NULL);
	cr_expect_eq(r.status, 0, "%s", r.err);
	run_free(&r);
	json_t *j = load(out);
	cr_expect_eq(json_array_size(json_object_get(j, "benchmarks")), 2);
	cr_expect_str_eq(bench_param(j, 0, "o"), "");
	json_decref(j);
}

Test(cli_opts_run, scan_steps_within_2_to_10000_values, .init = setup_dir, .fini = teardown_dir)
{
	run_result r = run_tach(ARGV("run", "-r", "1", "--parameter-scan", "n", "0", "1", "-D",
	                             "1e-300", "echo {n}"), NULL, NULL, NULL);
	cr_expect_eq(r.status, 2);
	cr_expect(strstr(r.err, "more than 10000 values"), "%s", r.err);
	run_free(&r);
	r = run_tach(ARGV("run", "-r", "1", "-P", "n", "0", "1", "-D", "5", "echo {n}"), NULL, NULL,
	             NULL);
	cr_expect_eq(r.status, 2);
	cr_expect(strstr(r.err, "gives 1 value"), "%s", r.err);
	run_free(&r);
	/* decimal steps print as typed: 0, 0.3, 0.6, 0.9 */
	const char *out = path_in(2, "s.json");
	r = run_tach(ARGV("run", "-r", "1", "-P", "n", "0", "1", "-D", "0.3", "--export-json", out,
	                  "echo {n}"), NULL, NULL, NULL);
	cr_assert_eq(r.status, 0, "%s", r.err);
	run_free(&r);
	json_t *j = load(out);
	cr_expect_eq(json_array_size(json_object_get(j, "benchmarks")), 4);
	cr_expect_str_eq(bench_param(j, 3, "n"), "0.9");
	json_decref(j);
}

Test(cli_opts_run, repeated_single_value_option_names_both, .init = setup_dir,
     .fini = teardown_dir)
{
	run_result r = run_tach(ARGV("run", "-r", "1", "--runs", "2", "true"), NULL, NULL, NULL);
	cr_expect_eq(r.status, 2);
	cr_expect(strstr(r.err, "option '--runs' given twice, as '-r 1' and as '--runs 2'"), "%s",
	          r.err);
	run_free(&r);
	r = run_tach(ARGV("run", "-r", "1", "--export-json=a.json", "--export-json", "b.json", "true"),
	             NULL, NULL, NULL);
	cr_expect_eq(r.status, 2);
	cr_expect(strstr(r.err, "'--export-json=a.json' and as '--export-json b.json'"), "%s", r.err);
	run_free(&r);
}

Test(cli_opts, a_repeated_global_option_names_both, .init = setup_dir, .fini = teardown_dir)
{
	run_result r = run_tach(ARGV("--color=always", "--colour=never", "version"), NULL, NULL, NULL);
	cr_expect_eq(r.status, 2);
	cr_expect(strstr(r.err, "option '--color' given twice, as '--color=always' and as "
	                        "'--colour=never'"), "%s", r.err);
	run_free(&r);
}

/* sh -c 'test -e A && ! test -e B': command 1 sees its own prepare's
 * file and not command 2's, and the other way round */
Test(cli_opts_run, prepare_once_or_once_per_command, .init = setup_dir, .fini = teardown_dir)
{
	run_result r = run_tach(ARGV("run", "-r", "3", "-p", "touch a", "--prepare", "touch b",
	                             "-c", "rm -f a b", "--conclude", "touch done1", "--conclude",
	                             "touch done2", "-n", "one", "-n", "two",
	                             "sh -c 'test -e a && ! test -e b'",
	                             "sh -c 'test -e b && ! test -e a'"), NULL, NULL, NULL);
	cr_expect_eq(r.status, 0, "each command gets its own prepare: %s", r.err);
	run_free(&r);
	struct stat st;
	cr_expect_eq(stat("done1", &st), 0, "conclude of command 1");
	cr_expect_eq(stat("done2", &st), 0, "conclude of command 2");

	/* once: for every command */
	r = run_tach(ARGV("run", "-r", "2", "-p", "touch x", "-c", "rm x", "-n", "one", "-n", "two",
	                  "test -e x", "test -e x"), NULL, NULL, NULL);
	cr_expect_eq(r.status, 0, "%s", r.err);
	run_free(&r);

	/* neither once nor once per command */
	r = run_tach(ARGV("run", "-p", "true", "-p", "true", "-p", "true", "-n", "a", "-n", "b", "true",
	                  "true"), NULL, NULL, NULL);
	cr_expect_eq(r.status, 2);
	cr_expect(strstr(r.err, "--prepare given 3 times for 2 commands"), "%s", r.err);
	run_free(&r);
	r = run_tach(ARGV("run", "--setup", "true", "-s", "true", "true"), NULL, NULL, NULL);
	cr_expect_eq(r.status, 2);
	cr_expect(strstr(r.err, "option '--setup' given twice"), "%s", r.err);
	run_free(&r);
}

Test(cli_opts_run, outputs_are_checked_before_any_run, .init = setup_dir, .fini = teardown_dir)
{
	const char *opts[][2] = {
		{"--export-json", "/nonexistent/x.json"},
		{"--export-markdown", "/nonexistent/x.md"},
		{"--export-csv", "/nonexistent/x.csv"},
		{"--output", "/nonexistent/out.txt"},
		{"--export-json", "."}, /* a directory */
	};
	for (size_t i = 0; i < sizeof opts / sizeof *opts; i++) {
		run_result r = run_tach(ARGV("run", "-r", "1", "-p", "touch ran", opts[i][0], opts[i][1],
		                             "true"), NULL, NULL, NULL);
		char want[128];
		snprintf(want, sizeof want, "cannot write '%s' (given to %s)", opts[i][1], opts[i][0]);
		cr_expect_eq(r.status, 2, "%s", opts[i][0]);
		cr_expect(strstr(r.err, want), "%s", r.err);
		struct stat st;
		cr_expect_neq(stat("ran", &st), 0, "%s: nothing ran", opts[i][0]);
		run_free(&r);
	}
	/* --save: a store under a regular file cannot be made */
	run_result r = run_tach(ARGV("run", "-r", "1", "-p", "touch ran", "--save", "--db",
	                             EXAMPLE "/h.db", "true"), NULL, NULL, NULL);
	cr_expect_eq(r.status, 2);
	cr_expect(strstr(r.err, "(given to --db): '" EXAMPLE "' is not a directory"), "%s", r.err);
	run_free(&r);
}

Test(cli_opts_run, a_full_stdout_is_named, .init = setup_dir, .fini = teardown_dir)
{
	run_result r = run_tach(ARGV("run", "-r", "1", "true"), NULL, NULL, "/dev/full");
	cr_expect_eq(r.status, 2);
	cr_expect(strstr(r.err, "cannot write standard output: No space left on device"), "%s", r.err);
	run_free(&r);
	/* a summary larger than stdio's buffer fails mid-run, before the end */
	r = run_tach(ARGV("run", "-r", "1", "-P", "n", "1", "60", "echo {n}"), NULL, NULL, "/dev/full");
	cr_expect_eq(r.status, 2);
	cr_expect(strstr(r.err, "cannot write standard output"), "%s", r.err);
	run_free(&r);
}

/* ---- mistyped commands ---- */

Test(cli_opts, mistyped_commands_get_a_hint, .init = setup_dir, .fini = teardown_dir)
{
	struct {
		const char *const *argv;
		const char *want;
	} c[] = {
		{ARGV("compre", "a", "b"), "'compre' is not a tach command (did you mean 'compare'?)"},
		{ARGV("hsitory", "list"), "(did you mean 'history'?)"},
		{ARGV("history", "lsit"), "'lsit' is not a 'tach history' command (did you mean 'list'?)"},
		{ARGV("baseline", "st"), "(did you mean 'set'?)"},
		{ARGV("help", "compre"), "(did you mean 'compare'?)"},
		{ARGV("help", "history", "expotr"), "(did you mean 'export'?)"},
		{ARGV("frobnicate"), "'frobnicate' is not a tach command; 'tach --help' lists them"},
		{ARGV("--verison"), "unknown option '--verison' (did you mean '--version'?)"},
		{ARGV("--colr=never", "show"), "(did you mean '--color'?)"},
	};
	for (size_t i = 0; i < sizeof c / sizeof *c; i++) {
		run_result r = run_tach(c[i].argv, NULL, NULL, NULL);
		cr_expect_eq(r.status, 2, "%s", c[i].argv[0]);
		cr_expect(strstr(r.err, c[i].want), "%s: %s", c[i].argv[0], r.err);
		cr_expect_str_eq(r.out, "");
		run_free(&r);
	}
}

/* The hint after an unknown option names the command as typed, with its
 * parent for a subcommand: 'tach history add --help', not 'tach add'. */
Test(cli_opts, the_help_hint_names_the_whole_command)
{
	for (const cli_cmd *c = cli_commands; c->name; c++)
		for (const cli_cmd *s = c->subcommands; s && s->name; s++) {
			if (!s->opts)
				continue;
			run_result r = run_tach((const char *const[]){c->name, s->name, "--no-such-option",
			                                              NULL},
			                        NULL, NULL, NULL);
			char want[128];
			snprintf(want, sizeof want, "try 'tach %s %s --help'", c->name, s->name);
			cr_expect_eq(r.status, 2, "%s %s", c->name, s->name);
			cr_expect(strstr(r.err, want), "%s %s: %s", c->name, s->name, r.err);
			run_free(&r);
		}
}

/* --label is read by one rule in every command that takes it: a KEY too
 * long to keep is refused, not cut short. */
Test(cli_opts, a_label_key_too_long_is_refused_everywhere)
{
	char label[400], db[96], where[64];
	memset(label, 'k', 300);
	snprintf(label + 300, sizeof label - 300, "=v");
	snprintf(where, sizeof where, "/tmp/tach-label-%d", (int)getpid());
	snprintf(db, sizeof db, "%s/h.db", where);
	const char *const cmds[][8] = {
		{"run", "--runs", "1", "-l", label, "true", NULL},
		{"load", "--rate", "1", "-l", label, "--", "true", NULL},
		{"history", "add", "--db", db, "-l", label, "x.json", NULL},
	};
	for (size_t i = 0; i < sizeof cmds / sizeof *cmds; i++) {
		run_result r = run_tach(cmds[i], NULL, NULL, NULL);
		cr_expect_eq(r.status, 2, "%s", cmds[i][0]);
		cr_expect(strstr(r.err, "a KEY of at most 255 bytes"), "%s: %s", cmds[i][0], r.err);
		run_free(&r);
	}
	/* a mistake in history add's options makes no store */
	struct stat st;
	cr_expect_neq(stat(where, &st), 0, "%s was made", where);
	rmdir(where);
}
