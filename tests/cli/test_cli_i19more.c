/* test_cli_i19more.c - issue 19's leftovers, end to end: `tach run
 * --export-markdown` in the --time-unit, the --reference named in the
 * results (and compared with again by `tach show`, also from the
 * history), `tach gate -f csv` with its reason column and hostile names
 * quoted, and gate's --min-improvement and --max-cv flags with their
 * precedence over tach.conf.  Checked against the files' own numbers and
 * made-up samples, never against the clock. */
#include <criterion/criterion.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "tach/tach.h"
#include "run.h"

#define ARGV(...) ((const char *const[]){__VA_ARGS__, NULL})
#define SPIN(n) TACH_TESTPROG " --spin " #n

static char dir[] = "/tmp/tach-cli-i19more-XXXXXX";

static void setup(void)
{
	cr_assert(mkdtemp(dir));
}

static void teardown(void)
{
	char cmd[600];
	snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
	cr_expect_eq(system(cmd), 0);
	strcpy(dir, "/tmp/tach-cli-i19more-XXXXXX");
}

TestSuite(i19more, .init = setup, .fini = teardown);

static const char *in_dir(const char *name)
{
	static char buf[8][600];
	static int k;
	char *b = buf[k++ % 8];
	snprintf(b, sizeof buf[0], "%s/%s", dir, name);
	return b;
}

static char *slurp(const char *path)
{
	FILE *f = fopen(path, "rb");
	cr_assert(f, "cannot open %s", path);
	char *buf = calloc(1, 1 << 16);
	size_t n = fread(buf, 1, (1 << 16) - 1, f);
	buf[n] = 0;
	fclose(f);
	return buf;
}

/* ---- 1. --export-markdown in the --time-unit ---- */

/* Every Markdown row of a metric in seconds has its four values (median,
 * MAD, min, max) in `unit` and none in another; returns the rows seen. */
static int md_time_rows_in(const char *md, const char *unit)
{
	static const char *const metrics[] = {"| time |", "| user\\_time |", "| system\\_time |"};
	static const char *const units[] = {" ns |", " \xc2\xb5s |", " ms |", " s |"};
	int rows = 0;
	for (const char *l = md; (l = strchr(l, '|')); ) {
		const char *end = strchr(l, '\n');
		char line[512];
		snprintf(line, sizeof line, "%.*s", (int)(end ? end - l : (long)strlen(l)), l);
		l = end ? end + 1 : l + strlen(l);
		int is_time = 0;
		for (size_t m = 0; m < 3; m++)
			is_time |= strstr(line, metrics[m]) != NULL;
		if (!is_time)
			continue;
		rows++;
		char want[16];
		snprintf(want, sizeof want, " %s |", unit);
		int n = 0;
		for (const char *p = line; (p = strstr(p, want)); p++)
			n++;
		cr_expect_eq(n, 4, "4 values in %s: %s", unit, line);
		for (size_t u = 0; u < 4; u++)
			if (strcmp(units[u], want))
				cr_expect_null(strstr(line, units[u]), "%s in %s", units[u], line);
	}
	return rows;
}

Test(i19more, markdown_export_follows_the_time_unit)
{
	const char *md = in_dir("t.md");
	/* times from well under a millisecond of work to tens of them: each
	 * row would choose its own unit */
	run_result r = run_tach(ARGV("run", "--runs", "3", "--style", "none", "--time-unit", "us",
	                             "--export-markdown", md, SPIN(1000), SPIN(3000000)),
	                        NULL, NULL, NULL);
	cr_assert_eq(r.status, 0, "%s", r.err);
	char *t = slurp(md);
	cr_expect_eq(md_time_rows_in(t, "\xc2\xb5s"), 6, "%s", t);
	/* other metrics keep their own units */
	cr_expect(strstr(t, "| peak\\_rss |") && strstr(t, "iB |"), "%s", t);
	free(t);
	run_free(&r);

	/* hyperfine's spelling, and the unit of the summary too */
	r = run_tach(ARGV("run", "--runs", "2", "--style", "basic", "-u", "millisecond",
	                  "--export-markdown", md, SPIN(1000)),
	             NULL, NULL, NULL);
	cr_assert_eq(r.status, 0, "%s", r.err);
	t = slurp(md);
	cr_expect_eq(md_time_rows_in(t, "ms"), 3, "%s", t);
	cr_expect(strstr(r.out, " ms\n"), "%s", r.out);
	free(t);
	run_free(&r);

	/* without --time-unit a unit per row, as before: a process start-up
	 * is no nanosecond affair */
	r = run_tach(ARGV("run", "--runs", "2", "--style", "none", "--export-markdown", md,
	                  SPIN(1000)),
	             NULL, NULL, NULL);
	cr_assert_eq(r.status, 0, "%s", r.err);
	t = slurp(md);
	cr_expect(strstr(t, "| time |"), "%s", t);
	cr_expect_null(strstr(t, " ns |"), "%s", t);
	free(t);
	run_free(&r);
}

/* ---- 2. the reference named in the results ---- */

static tach_result *read_json(const char *path)
{
	tach_result *res;
	tach_error err;
	cr_assert_eq(tach_result_read_file(path, &res, &err), 0, "%s", err.message);
	return res;
}

/* The mean of a benchmark's time samples, computed here. */
static double mean_of(const tach_result *r, const char *name)
{
	for (size_t i = 0; i < r->n_benchmarks; i++)
		if (!strcmp(r->benchmarks[i]->name, name)) {
			const tach_metric *t = tach_benchmark_metric(r->benchmarks[i], "time");
			cr_assert(t && t->n_samples);
			double s = 0;
			for (size_t k = 0; k < t->n_samples; k++)
				s += t->samples[k];
			return s / (double)t->n_samples;
		}
	cr_assert_fail("no benchmark %s", name);
	return 0;
}

/* "  NAME ran X ± Y times slower than REF": X and the word, checked
 * against the ratio of the file's means. */
static void expect_versus(const char *out, const tach_result *res, const char *name,
                          const char *ref)
{
	const char *s = strstr(out, "\nSummary\n");
	cr_assert(s, "%s", out);
	char key[64];
	snprintf(key, sizeof key, "\n  %s ran ", name);
	const char *l = strstr(s, key);
	cr_assert(l, "no line for %s in %s", name, s);
	double x, y;
	char word[16], fmt[96];
	snprintf(fmt, sizeof fmt, " %s ran %%lf \xc2\xb1 %%lf times %%15s than %s\n", name, ref);
	cr_assert_eq(sscanf(l + 1, fmt, &x, &y, word), 3, "%.120s", l + 1);
	double ratio = mean_of(res, name) / mean_of(res, ref);
	cr_expect_leq(fabs(x - (ratio >= 1 ? ratio : 1 / ratio)), 0.0051, "%s: %g, ratio %g", name,
	              x, ratio);
	cr_expect_str_eq(word, ratio > 1 ? "slower" : "faster");
}

Test(i19more, reference_is_named_in_the_results_and_shown_again)
{
	const char *json = in_dir("r.json"), *db = in_dir("h.db");
	run_result r = run_tach(ARGV("run", "--runs", "3", "--style", "none", "--export-json", json,
	                             "--save", "--db", db, "--reference", SPIN(1000000),
	                             "--reference-name", "the ref", "-n", "a", "-n", "b",
	                             SPIN(3000000), SPIN(300000)),
	                        NULL, NULL, NULL);
	cr_assert_eq(r.status, 0, "%s", r.err);
	run_free(&r);
	tach_result *res = read_json(json);
	cr_expect_str_eq(tach_kvlist_get(&res->meta.context, "reference"), "the ref");
	cr_expect_str_eq(res->benchmarks[0]->name, "the ref");

	/* tach show compares with it, as tach run did */
	r = run_tach(ARGV("show", json), NULL, NULL, NULL);
	cr_assert_eq(r.status, 0, "%s", r.err);
	expect_versus(r.out, res, "a", "the ref");
	expect_versus(r.out, res, "b", "the ref");
	run_free(&r);
	/* machine formats stay what they were */
	r = run_tach(ARGV("show", "-f", "csv", json), NULL, NULL, NULL);
	cr_expect_eq(r.status, 0, "%s", r.err);
	cr_expect_null(strstr(r.out, "Summary"), "%s", r.out);
	run_free(&r);

	/* the history keeps it: the saved run read back names it too */
	char env[700];
	snprintf(env, sizeof env, "TACH_DB=%s", db);
	r = run_tach(ARGV("history", "show", "@latest", "-f", "json", "--db", db), NULL, NULL,
	             in_dir("back.json"));
	cr_assert_eq(r.status, 0, "%s", r.err);
	tach_result *back = read_json(in_dir("back.json"));
	cr_expect_str_eq(tach_kvlist_get(&back->meta.context, "reference"), "the ref");
	tach_result_free(back);
	run_free(&r);
	r = run_tach(ARGV("show", "@latest"), NULL, (const char *const[]){env, NULL}, NULL);
	cr_assert_eq(r.status, 0, "%s", r.err);
	expect_versus(r.out, res, "a", "the ref");
	run_free(&r);
	tach_result_free(res);

	/* without --reference there is none to name */
	r = run_tach(ARGV("run", "--runs", "2", "--style", "none", "--export-json", json, "-n", "a",
	                  "-n", "b", SPIN(1000), SPIN(2000)),
	             NULL, NULL, NULL);
	cr_assert_eq(r.status, 0, "%s", r.err);
	run_free(&r);
	res = read_json(json);
	cr_expect_null(tach_kvlist_get(&res->meta.context, "reference"));
	tach_result_free(res);
	r = run_tach(ARGV("show", json), NULL, NULL, NULL);
	cr_expect_null(strstr(r.out, "Summary"), "%s", r.out);
	run_free(&r);
}

/* A key naming no benchmark of the file (edited, or merged away) is
 * ignored, as is one naming a benchmark with parameters: the reference
 * has none. */
Test(i19more, a_reference_the_file_lacks_is_ignored)
{
	const char *text =
		"{\"format\": 1, \"meta\": {\"context\": {\"reference\": \"%s\"}}, \"benchmarks\": ["
		"{\"name\": \"x\", \"params\": {\"n\": \"1\"}, \"metrics\": [{\"name\": \"time\", "
		"\"unit\": \"s\", \"direction\": \"lower\", \"samples\": [1, 1.1, 1.2, 1, 1.1]}]},"
		"{\"name\": \"y\", \"metrics\": [{\"name\": \"time\", \"unit\": \"s\", "
		"\"direction\": \"lower\", \"samples\": [2, 2.1, 2.2, 2, 2.1]}]}]}";
	const char *names[] = {"gone", "x"};
	for (size_t i = 0; i < 2; i++) {
		char buf[1024];
		snprintf(buf, sizeof buf, text, names[i]);
		run_result r = run_tach(ARGV("show", temp_file(buf, ".json")), NULL, NULL, NULL);
		cr_expect_eq(r.status, 0, "%s", r.err);
		cr_expect_null(strstr(r.out, "Summary"), "%s: %s", names[i], r.out);
		run_free(&r);
	}
	char buf[1024];
	snprintf(buf, sizeof buf, text, "y");
	run_result r = run_tach(ARGV("show", temp_file(buf, ".json")), NULL, NULL, NULL);
	cr_expect_eq(r.status, 0, "%s", r.err);
	cr_expect(strstr(r.out, "\nSummary\n  x (n=1) ran ") || strstr(r.out, "\nSummary\n  x ran "),
	          "%s", r.out);
	cr_expect(strstr(r.out, " times faster than y\n"), "%s", r.out);
	run_free(&r);
}

/* ---- gate: made-up results ---- */

/* A results file of benchmarks names[0..n) whose 20 time samples sit
 * around ms[i] milliseconds, spread +-spread (a fraction) in a fixed
 * zig-zag: CV about spread * 0.73. */
static const char *results(size_t n, const char *const *names, const double *ms, double spread)
{
	char text[16384];
	size_t len = (size_t)snprintf(text, sizeof text, "{\"format\": 1, \"meta\": {}, "
	                                                 "\"benchmarks\": [");
	static const double steps[] = {-1, -0.5, 0, 0.5, 1};
	for (size_t b = 0; b < n; b++) {
		len += (size_t)snprintf(text + len, sizeof text - len,
		                        "%s{\"name\": \"%s\", \"metrics\": [{\"name\": \"time\", "
		                        "\"unit\": \"s\", \"direction\": \"lower\", \"samples\": [",
		                        b ? ", " : "", names[b]);
		for (int i = 0; i < 20; i++)
			len += (size_t)snprintf(text + len, sizeof text - len, "%s%.9g", i ? ", " : "",
			                        ms[b] * 1e-3 * (1 + spread * steps[i % 5] + 0.001 * (i % 3)));
		len += (size_t)snprintf(text + len, sizeof text - len, "]}]}");
	}
	snprintf(text + len, sizeof text - len, "]}\n");
	return temp_file(text, ".json");
}

static const char *one(double ms, double spread)
{
	static const char *const name[] = {"BM_publish"};
	return results(1, name, &ms, spread);
}

/* ---- 3. gate -f csv ---- */

/* RFC 4180, read back: the fields of each record of text, at most
 * 5 per record and 32 records. */
typedef struct csv {
	char f[32][5][512];
	int nf[32];
	int n;
} csv;

static void csv_parse(const char *s, csv *c)
{
	memset(c, 0, sizeof *c);
	while (*s && c->n < 32) {
		int k = 0;
		for (;;) {
			char *out = c->f[c->n][k];
			size_t len = 0;
			if (*s == '"') {
				for (s++; *s && !(s[0] == '"' && s[1] != '"'); s++) {
					if (s[0] == '"')
						s++; /* "" is one quote */
					if (len + 1 < 512)
						out[len++] = *s;
				}
				cr_assert_eq(*s, '"', "unterminated quoted field");
				s++;
			} else {
				while (*s && *s != ',' && *s != '\n')
					if (len + 1 < 512)
						out[len++] = *s++;
			}
			out[len] = 0;
			k++;
			if (*s == ',' && k < 5) {
				s++;
				continue;
			}
			cr_assert(*s == '\n', "a record ends with a newline, not '%c' (field %d)", *s, k);
			s++;
			break;
		}
		c->nf[c->n++] = k;
	}
}

/* The text line of a check, by its name's escaped form: the words
 * between "FAIL  " and "  NAME". */
static int text_has(const char *out, const char *word, const char *reason, const char *name)
{
	char line[1024];
	snprintf(line, sizeof line, "%s  %s  %s\n", word, reason, name);
	return strstr(out, line) != NULL;
}

Test(i19more, gate_csv_has_a_reason_column_and_quotes_hostile_names)
{
	/* a comma and quotes, a newline, an escape: one field each */
	const char *names[] = {"BM_publish", "BM_a,\\\"b\\\"", "BM_line\\nbreak", "BM_\\u001b[31mred"};
	const char *raw[] = {"BM_publish", "BM_a,\"b\"", "BM_line\nbreak", "BM_\x1b[31mred"};
	const char *shown[] = {"BM_publish", "BM_a,\"b\"", "BM_line\\x0abreak", "BM_\\x1b[31mred"};
	const double base_ms[] = {1, 1, 1, 1}, cand_ms[] = {0.4, 1.2, 0.99, 0.5};
	const char *base = results(4, names, base_ms, 0.01);
	const char *cand = results(4, names, cand_ms, 0.01);
	const char *noisy = results(4, names, cand_ms, 0.3);
	run_result t = run_tach(ARGV("gate", "--no-config", "--min-improvement", "30%", "--max-cv",
	                             "10%", base, noisy),
	                        NULL, NULL, NULL);
	run_result r = run_tach(ARGV("gate", "--no-config", "-f", "csv", "--min-improvement", "30%",
	                             "--max-cv", "10%", base, noisy),
	                        NULL, NULL, NULL);
	cr_assert_eq(r.status, 1, "the same exit status as the text: %s%s", r.out, r.err);
	cr_assert_eq(t.status, 1, "%s%s", t.out, t.err);
	csv c;
	csv_parse(r.out, &c);
	cr_assert_eq(c.nf[0], 5);
	cr_expect_str_eq(c.f[0][0], "outcome");
	cr_expect_str_eq(c.f[0][1], "check");
	cr_expect_str_eq(c.f[0][2], "name");
	cr_expect_str_eq(c.f[0][3], "metric");
	cr_expect_str_eq(c.f[0][4], "reason");
	/* a regression row per benchmark, a min-improvement and a max-cv check
	 * each */
	cr_expect_eq(c.n, 1 + 4 * 3, "%s", r.out);
	int seen[4] = {0}, fails = 0;
	for (int i = 1; i < c.n; i++) {
		cr_assert_eq(c.nf[i], 5, "record %d", i);
		int b = -1;
		for (int k = 0; k < 4; k++)
			if (!strcmp(c.f[i][2], raw[k]))
				b = k;
		cr_assert_geq(b, 0, "the name is one field, unescaped: '%s'", c.f[i][2]);
		seen[b]++;
		cr_expect_str_eq(c.f[i][3], "time");
		const char *outcome = c.f[i][0], *reason = c.f[i][4];
		if (!strcmp(outcome, "pass")) {
			cr_expect_str_eq(reason, "", "a pass has no reason");
			continue;
		}
		cr_expect_str_eq(outcome, "fail");
		fails++;
		/* the same words as the text line */
		cr_expect(text_has(t.out, "FAIL", reason, shown[b]), "'%s' for %s not in\n%s", reason,
		          shown[b], t.out);
	}
	for (int k = 0; k < 4; k++)
		cr_expect_eq(seen[k], 3, "%s", raw[k]);
	/* every benchmark's CV is above 10 %; BM_publish and BM_ESC improved
	 * enough, the other two did not; BM_a regressed */
	cr_expect_eq(fails, 4 + 2 + 1, "%s", r.out);
	cr_expect(strstr(r.out, "fail,max-cv,BM_publish,time,time CV "), "%s", r.out);
	cr_expect(strstr(r.out, "fail,regression,\"BM_a,\"\"b\"\"\",time,time regressed +20.00% "
	                        "(allowed 0%)\n"), "%s", r.out);
	cr_expect(strstr(r.out, "\"BM_line\nbreak\""), "%s", r.out);
	cr_expect_null(strstr(r.out, "gate: "), "no summary lines: %s", r.out);
	run_free(&r);
	run_free(&t);

	/* a steady candidate: only BM_a fails (it regressed); a reason exactly
	 * where a check did not pass */
	r = run_tach(ARGV("gate", "--no-config", "-f", "csv", "--max-cv", "10%", base, cand), NULL,
	             NULL, NULL);
	cr_assert_eq(r.status, 1, "BM_a regressed: %s%s", r.out, r.err);
	csv_parse(r.out, &c);
	for (int i = 1; i < c.n; i++)
		cr_expect_eq(!strcmp(c.f[i][0], "pass"), !c.f[i][4][0], "record %d: %s / %s", i,
		             c.f[i][0], c.f[i][4]);
	run_free(&r);
}

/* The checks besides the rows: a target, a gone benchmark, an empty
 * candidate and the testbeds, each with its reason and kind. */
Test(i19more, gate_csv_lists_every_kind_of_check)
{
	const char *conf = temp_file("[bench \"BM_*\"]\n\ttarget = time < 0.5ms\n"
	                             "[bench \"BM_old\"]\n\trequired = false\n", ".conf");
	const char *names[] = {"BM_publish", "BM_old"};
	const double ms[] = {1, 1};
	const char *base = results(2, names, ms, 0.01), *cand = one(0.6, 0.01);
	run_result r = run_tach(ARGV("gate", "--config", conf, "-f", "csv", base, cand), NULL, NULL,
	                        NULL);
	cr_expect_eq(r.status, 1, "%s%s", r.out, r.err);
	cr_expect(strstr(r.out, "pass,regression,BM_publish,time,\n"), "%s", r.out);
	cr_expect(strstr(r.out, "fail,target,BM_publish,time,time < 0.5ms  (median 60"), "%s", r.out);
	cr_expect(strstr(r.out, " \xc2\xb5s)\n"), "%s", r.out);
	cr_expect(strstr(r.out, "warn,gone,BM_old,,gone, named by") ||
	          strstr(r.out, "warn,gone,BM_old,,\"gone, named by [bench \"\"BM_old\"\"] at "),
	          "%s", r.out);
	run_free(&r);

	const char *empty = temp_file("{\"format\": 1, \"meta\": {}, \"benchmarks\": []}\n", ".json");
	r = run_tach(ARGV("gate", "--no-config", "--max-cv", "10%", "-f", "csv", empty), NULL, NULL,
	             NULL);
	cr_expect_eq(r.status, 1, "%s%s", r.out, r.err);
	char want[700];
	snprintf(want, sizeof want, "fail,empty,%s,,the candidate has no benchmarks\n", empty);
	cr_expect(strstr(r.out, want), "%s", r.out);
	run_free(&r);

	const char *a = temp_file("{\"format\": 1, \"meta\": {\"testbed\": {\"name\": \"m1\"}}, "
	                          "\"benchmarks\": [{\"name\": \"x\", \"metrics\": [{\"name\": "
	                          "\"time\", \"unit\": \"s\", \"direction\": \"lower\", \"samples\": [1, 1.01, "
	                          "1.02]}]}]}\n",
	                          ".json");
	const char *b = temp_file("{\"format\": 1, \"meta\": {\"testbed\": {\"name\": \"m2\"}}, "
	                          "\"benchmarks\": [{\"name\": \"x\", \"metrics\": [{\"name\": "
	                          "\"time\", \"unit\": \"s\", \"direction\": \"lower\", \"samples\": [1, 1.01, "
	                          "1.02]}]}]}\n",
	                          ".json");
	r = run_tach(ARGV("gate", "--no-config", "-f", "csv", a, b), NULL, NULL, NULL);
	cr_expect_eq(r.status, 1, "%s%s", r.out, r.err);
	cr_expect(strstr(r.out, "fail,testbed,,,\"testbeds differ: base 'm1', candidate 'm2' "
	                        "(compare runs of one testbed, or --allow-testbed-mismatch)\"\n"),
	          "%s", r.out);
	run_free(&r);

	r = run_tach(ARGV("gate", "--no-config", "-f", "xml", a, b), NULL, NULL, NULL);
	cr_expect_eq(r.status, 2);
	cr_expect(strstr(r.err, "'xml' for -f: use text, junit or csv"), "%s", r.err);
	run_free(&r);
}

/* A row that regressed within its max-regression is no failure of that
 * rule, even when another rule fails on it: its own check passes. */
Test(i19more, gate_regression_check_fails_only_by_its_own_rule)
{
	const char *base = one(1.0, 0.01), *noisy = one(1.2, 0.3);
	run_result r = run_tach(ARGV("gate", "--no-config", "--max-regression", "50%", "--max-cv",
	                             "10%", base, noisy),
	                        NULL, NULL, NULL);
	cr_expect_eq(r.status, 1, "%s%s", r.out, r.err);
	cr_expect(strstr(r.out, "pass  time regressed +"), "%s", r.out);
	cr_expect(strstr(r.out, "(allowed 50%)  BM_publish\n"), "%s", r.out);
	cr_expect(strstr(r.out, "FAIL  time CV "), "%s", r.out);
	run_free(&r);
}

/* ---- 4. --min-improvement and --max-cv ---- */

Test(i19more, gate_flags_set_the_rules_without_a_config)
{
	const char *base = one(1.0, 0.01), *some = one(0.6, 0.01), *half = one(0.4, 0.01);
	const char *noisy = one(0.4, 0.3);
	run_result r = run_tach(ARGV("gate", "--no-config", "--min-improvement", "50%", base, some),
	                        NULL, NULL, NULL);
	cr_expect_eq(r.status, 1, "%s%s", r.out, r.err);
	cr_expect(strstr(r.out, "FAIL  time improved by at least "), "%s", r.out);
	cr_expect(strstr(r.out, "short of min-improvement 50%  BM_publish\n"), "%s", r.out);
	run_free(&r);
	r = run_tach(ARGV("gate", "--no-config", "--min-improvement", "0.5", base, half), NULL, NULL,
	             NULL);
	cr_expect_eq(r.status, 0, "%s%s", r.out, r.err);
	cr_expect(strstr(r.out, "meets min-improvement 50%  BM_publish\n"), "%s", r.out);
	run_free(&r);
	r = run_tach(ARGV("gate", "--no-config", "--max-cv", "10%", base, noisy), NULL, NULL, NULL);
	cr_expect_eq(r.status, 1, "%s%s", r.out, r.err);
	cr_expect(strstr(r.out, "% above max-cv 10%  BM_publish\n"), "%s", r.out);
	run_free(&r);
	/* CAND alone: --max-cv is something to check */
	r = run_tach(ARGV("gate", "--no-config", "--max-cv", "10%", noisy), NULL, NULL, NULL);
	cr_expect_eq(r.status, 1, "%s%s", r.out, r.err);
	cr_expect(strstr(r.out, "% above max-cv 10%  BM_publish\n"), "%s", r.out);
	run_free(&r);
	r = run_tach(ARGV("gate", "--no-config", "--max-cv", "10%", half), NULL, NULL, NULL);
	cr_expect_eq(r.status, 0, "%s%s", r.out, r.err);
	run_free(&r);
	/* --metric limits it: a metric not named is not checked */
	r = run_tach(ARGV("gate", "--no-config", "--max-cv", "10%", "-m", "cpu_time", noisy), NULL,
	             NULL, NULL);
	cr_expect_eq(r.status, 0, "%s%s", r.out, r.err);
	run_free(&r);
	/* --min-improvement alone has nothing to improve on without BASE */
	r = run_tach(ARGV("gate", "--no-config", "--min-improvement", "10%", half), NULL, NULL, NULL);
	cr_expect_eq(r.status, 2, "%s%s", r.out, r.err);
	cr_expect(strstr(r.err, "nothing to check"), "%s", r.err);
	run_free(&r);
}

Test(i19more, gate_flags_override_every_section_of_the_config)
{
	const char *base = one(1.0, 0.01), *noisy = one(0.4, 0.3), *some = one(0.6, 0.01);
	/* the file allows a CV of 50 % for BM_publish: the flag's 10 % wins */
	const char *loose = temp_file("[compare]\n\tmax-cv = 50%\n[bench \"BM_pub*\"]\n"
	                              "\tmax-cv = 50%\n\tmin-improvement = 10%\n", ".conf");
	run_result r = run_tach(ARGV("gate", "--config", loose, base, noisy), NULL, NULL, NULL);
	cr_expect_eq(r.status, 0, "the file alone passes: %s%s", r.out, r.err);
	run_free(&r);
	r = run_tach(ARGV("gate", "--config", loose, "--max-cv", "10%", base, noisy), NULL, NULL,
	             NULL);
	cr_expect_eq(r.status, 1, "%s%s", r.out, r.err);
	cr_expect(strstr(r.out, "above max-cv 10%  BM_publish\n"), "%s", r.out);
	run_free(&r);
	r = run_tach(ARGV("gate", "--config", loose, "--max-cv", "10%", noisy), NULL, NULL, NULL);
	cr_expect_eq(r.status, 1, "CAND alone too: %s%s", r.out, r.err);
	run_free(&r);
	r = run_tach(ARGV("gate", "--config", loose, "--min-improvement", "50%", base, some), NULL,
	             NULL, NULL);
	cr_expect_eq(r.status, 1, "%s%s", r.out, r.err);
	cr_expect(strstr(r.out, "short of min-improvement 50%  BM_publish\n"), "%s", r.out);
	run_free(&r);
	/* and the other way: a stricter file, a looser flag; 0 turns it off */
	const char *strict = temp_file("[bench \"BM_*\"]\n\tmax-cv = 5%\n", ".conf");
	r = run_tach(ARGV("gate", "--config", strict, "--max-cv", "50%", base, noisy), NULL, NULL,
	             NULL);
	cr_expect_eq(r.status, 0, "%s%s", r.out, r.err);
	run_free(&r);
	r = run_tach(ARGV("gate", "--config", strict, "--max-cv", "0", noisy), NULL, NULL, NULL);
	cr_expect_eq(r.status, 0, "%s%s", r.out, r.err);
	run_free(&r);
	/* the file's other keys still apply: required = false only warns */
	const char *soft = temp_file("[bench \"BM_*\"]\n\trequired = false\n", ".conf");
	r = run_tach(ARGV("gate", "--config", soft, "--max-cv", "10%", base, noisy), NULL, NULL, NULL);
	cr_expect_eq(r.status, 0, "%s%s", r.out, r.err);
	cr_expect(strstr(r.out, "warn  time CV "), "%s", r.out);
	run_free(&r);
}

Test(i19more, gate_flag_bad_values_exit_2_naming_the_flag)
{
	const char *base = one(1.0, 0.01), *cand = one(0.9, 0.01);
	static const struct {
		const char *flag, *value;
	} bad[] = {
		{"--min-improvement", "100%"}, {"--min-improvement", "1"},   {"--min-improvement", "-5%"},
		{"--min-improvement", "fast"}, {"--min-improvement", "50"},  {"--max-cv", "1.5"},
		{"--max-cv", "-1%"},           {"--max-cv", "10 %"},         {"--max-cv", "nan"},
		{"--max-cv", ""},
	};
	for (size_t i = 0; i < sizeof bad / sizeof *bad; i++) {
		run_result r = run_tach(ARGV("gate", "--no-config", bad[i].flag, bad[i].value, base, cand),
		                        NULL, NULL, NULL);
		cr_expect_eq(r.status, 2, "%s %s: %s%s", bad[i].flag, bad[i].value, r.out, r.err);
		char want[128];
		snprintf(want, sizeof want, "invalid value '%s' for %s: ", bad[i].value, bad[i].flag);
		cr_expect(strstr(r.err, want), "%s", r.err);
		cr_expect_str_eq(r.out, "", "nothing checked");
		run_free(&r);
	}
	/* a CV may be above 100 %, written as a percentage */
	run_result r = run_tach(ARGV("gate", "--no-config", "--max-cv", "150%", base, cand), NULL,
	                        NULL, NULL);
	cr_expect_eq(r.status, 0, "%s%s", r.out, r.err);
	run_free(&r);
	/* tach compare takes them too (compare_takes_the_rule_flags) */
	r = run_tach(ARGV("compare", "--no-config", "--max-cv", "10%", base, cand), NULL, NULL, NULL);
	cr_expect_eq(r.status, 0, "%s%s", r.out, r.err);
	run_free(&r);
}

/* The closing line counts checks, not rows: two rows failing their
 * regression and min-improvement rules are four failed checks, as many as
 * the FAIL lines above it. */
Test(i19more, gate_counts_each_rule_as_a_check)
{
	tach_result *b = tach_result_new(), *c = tach_result_new();
	const char *names[] = {"BM_a", "BM_b"};
	for (int k = 0; k < 2; k++) {
		tach_metric *mb = tach_benchmark_add_metric(tach_result_add_benchmark(b, names[k]),
		                                            "time", "s", TACH_LOWER_IS_BETTER);
		tach_metric *mc = tach_benchmark_add_metric(tach_result_add_benchmark(c, names[k]),
		                                            "time", "s", TACH_LOWER_IS_BETTER);
		for (int i = 0; i < 10; i++) {
			tach_metric_add_sample(mb, 1e-3 * (1 + 0.001 * i));
			tach_metric_add_sample(mc, 1.2e-3 * (1 + 0.001 * i));
		}
	}
	const char *bp = write_result(b, NULL), *cp = write_result(c, NULL);
	tach_result_free(b);
	tach_result_free(c);
	run_result r = run_tach(ARGV("gate", "--no-config", "--min-improvement", "10%", bp, cp),
	                        NULL, NULL, NULL);
	cr_expect_eq(r.status, 1, "%s%s", r.out, r.err);
	size_t fails = 0;
	for (const char *p = r.out; (p = strstr(p, "FAIL  ")); p++)
		fails++;
	cr_expect_eq(fails, 4, "%s", r.out);
	cr_expect(strstr(r.out, "gate: FAILED, 4 of 4 checks"), "%s", r.out);
	run_free(&r);
}

/* Parameters reach the helpers too (hyperfine's rule): every run of a
 * combination is prepared with its own values, and --setup/--conclude run
 * once per benchmark with its values; the reference's helpers stay as
 * written. */
Test(i19more, parameters_are_put_into_the_helpers)
{
	char tmp[] = "/tmp/tach-i19-helpers-XXXXXX", log[64];
	cr_assert(mkdtemp(tmp));
	snprintf(log, sizeof log, "%s/log", tmp);
	char setup[160], prep[160], concl[160], cmd[160];
	snprintf(setup, sizeof setup, "sh -c 'echo setup {n} >> %s'", log);
	snprintf(prep, sizeof prep, "sh -c 'echo prep {n} >> %s'", log);
	snprintf(concl, sizeof concl, "sh -c 'echo conclude {n} >> %s'", log);
	snprintf(cmd, sizeof cmd, "sh -c 'echo run {n} >> %s'", log);
	run_result r = run_tach(ARGV("run", "-L", "n", "1,2", "--runs", "3", "--style", "none",
	                             "--setup", setup, "--prepare", prep, "--conclude", concl, cmd),
	                        NULL, NULL, NULL);
	cr_assert_eq(r.status, 0, "%s", r.err);
	run_free(&r);
	FILE *f = fopen(log, "r");
	cr_assert(f);
	char line[64], last_prep[64] = "";
	int setups = 0, concludes = 0, runs = 0;
	while (fgets(line, sizeof line, f)) {
		line[strcspn(line, "\n")] = 0;
		cr_expect(!strstr(line, "{n}"), "a helper ran with {n} unreplaced: %s", line);
		if (!strncmp(line, "setup ", 6))
			setups++;
		else if (!strncmp(line, "conclude ", 9))
			concludes++;
		else if (!strncmp(line, "prep ", 5))
			snprintf(last_prep, sizeof last_prep, "%s", line + 5);
		else if (!strncmp(line, "run ", 4)) {
			runs++;
			cr_expect_str_eq(last_prep, line + 4, "run %s prepared for %s", line + 4,
			                 last_prep);
			last_prep[0] = 0;
		}
	}
	fclose(f);
	cr_expect_eq(setups, 2);
	cr_expect_eq(concludes, 2);
	cr_expect_eq(runs, 2 * 3, "3 runs per value: %d", runs);
	unlink(log);
	rmdir(tmp);
}

/* compare takes the rule flags as gate does, and an exact row that did not
 * move says so instead of "improved by -0.00%". */
Test(i19more, compare_takes_the_rule_flags)
{
	tach_result *b = tach_result_new(), *c = tach_result_new();
	tach_result *v[2] = {b, c};
	for (int k = 0; k < 2; k++) {
		tach_benchmark *bm = tach_result_add_benchmark(v[k], "BM_a");
		tach_metric *t = tach_benchmark_add_metric(bm, "time", "s", TACH_LOWER_IS_BETTER);
		tach_metric *a = tach_benchmark_add_metric(bm, "allocs_per_op", "count",
		                                           TACH_LOWER_IS_BETTER);
		for (int i = 0; i < 10; i++) {
			tach_metric_add_sample(t, (k ? 0.7e-3 : 1e-3) * (1 + 0.001 * i));
			tach_metric_add_sample(a, 0); /* all zeros: an exact row */
		}
	}
	const char *bp = write_result(b, NULL), *cp = write_result(c, NULL);
	tach_result_free(b);
	tach_result_free(c);
	run_result r = run_tach(ARGV("compare", "--no-config", "--min-improvement", "20%", bp, cp),
	                        NULL, NULL, NULL);
	cr_expect_eq(r.status, 1, "allocs_per_op did not improve: %s%s", r.out, r.err);
	cr_expect(!strstr(r.out, "FAIL  time"), "time improved by 30%%: %s", r.out);
	cr_expect(strstr(r.out, "FAIL  allocs_per_op unchanged (exact), short of min-improvement 20%"),
	          "%s", r.out);
	run_free(&r);
	r = run_tach(ARGV("compare", "--no-config", "--max-cv", "1.5", bp, cp), NULL, NULL, NULL);
	cr_expect_eq(r.status, 2);
	cr_expect(strstr(r.err, "invalid value '1.5' for --max-cv"), "%s", r.err);
	run_free(&r);
}

/* tach show --time-unit, as tach run's: every time in that unit. */
Test(i19more, show_takes_a_time_unit)
{
	tach_result *r = tach_result_new();
	tach_metric *m = tach_benchmark_add_metric(tach_result_add_benchmark(r, "BM_a"), "time",
	                                           "s", TACH_LOWER_IS_BETTER);
	for (int i = 0; i < 10; i++)
		tach_metric_add_sample(m, 2e-3 * (1 + 0.001 * i));
	const char *path = write_result(r, NULL);
	tach_result_free(r);
	run_result o = run_tach(ARGV("show", "-u", "us", path), NULL, NULL, NULL);
	cr_expect_eq(o.status, 0, "%s", o.err);
	cr_expect(strstr(o.out, "µs") && !strstr(o.out, " ms"), "%s", o.out);
	run_free(&o);
	o = run_tach(ARGV("show", "--time-unit", "s", "-f", "markdown", path), NULL, NULL, NULL);
	cr_expect_eq(o.status, 0, "%s", o.err);
	cr_expect(strstr(o.out, " s |") && !strstr(o.out, " ms"), "%s", o.out);
	run_free(&o);
	o = run_tach(ARGV("show", "-u", "parsec", path), NULL, NULL, NULL);
	cr_expect_eq(o.status, 2);
	cr_expect(strstr(o.err, "invalid value 'parsec' for -u: use ns, us, ms or s"), "%s", o.err);
	run_free(&o);
}
