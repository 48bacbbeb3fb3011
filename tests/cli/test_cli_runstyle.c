/* test_cli_runstyle.c - what hyperfine's users reach for in `tach run`:
 * --reference (each command's ratio of mean times to it, checked against
 * the exported samples, never against the clock), --sort, --time-unit,
 * --style, and the AsciiDoc and Org tables with hostile names escaped. */
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

static char dir[] = "/tmp/tach-cli-style-XXXXXX";

static void setup(void)
{
	cr_assert(mkdtemp(dir));
}

static void teardown(void)
{
	char cmd[600];
	snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
	cr_expect_eq(system(cmd), 0);
	strcpy(dir, "/tmp/tach-cli-style-XXXXXX");
}

TestSuite(runstyle, .init = setup, .fini = teardown);

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

/* The mean and sample standard deviation of a benchmark's times, computed
 * here, apart from libtach's statistics. */
static void mean_sd(const tach_result *r, const char *name, double *mean, double *sd)
{
	const tach_metric *t = NULL;
	for (size_t i = 0; i < r->n_benchmarks; i++)
		if (!strcmp(r->benchmarks[i]->name, name))
			t = tach_benchmark_metric(r->benchmarks[i], "time");
	cr_assert(t && t->n_samples > 1, "no times of %s", name);
	double s = 0, q = 0;
	for (size_t i = 0; i < t->n_samples; i++)
		s += t->samples[i];
	*mean = s / (double)t->n_samples;
	for (size_t i = 0; i < t->n_samples; i++)
		q += (t->samples[i] - *mean) * (t->samples[i] - *mean);
	*sd = sqrt(q / (double)(t->n_samples - 1));
}

static tach_result *read_json(const char *path)
{
	tach_result *res;
	tach_error err;
	cr_assert_eq(tach_result_read_file(path, &res, &err), 0, "%s", err.message);
	return res;
}

/* Runs the reference r and commands a, b, c (different amounts of work)
 * with extra options; the results file is dir/r.json. */
static run_result run_four(const char *o1, const char *o2, const char *o3, const char *o4)
{
	const char *argv[32];
	size_t n = 0;
	const char *base[] = {"run", "--runs", "4", "--export-json", in_dir("r.json"),
	                      "--reference", SPIN(1000000), "--reference-name", "r",
	                      "-n", "a", "-n", "b", "-n", "c"};
	for (size_t i = 0; i < sizeof base / sizeof *base; i++)
		argv[n++] = base[i];
	const char *extra[] = {o1, o2, o3, o4};
	for (size_t i = 0; i < 4; i++)
		if (extra[i])
			argv[n++] = extra[i];
	argv[n++] = SPIN(3000000);
	argv[n++] = SPIN(300000);
	argv[n++] = SPIN(2000000);
	argv[n] = NULL;
	return run_tach(argv, NULL, NULL, NULL);
}

/* The line of the summary about `name`: "  NAME ran X ± Y times ..." */
static const char *summary_line(const char *out, const char *name)
{
	const char *s = strstr(out, "\nSummary\n");
	cr_assert(s, "%s", out);
	char key[64];
	snprintf(key, sizeof key, "\n  %s ran ", name);
	const char *l = strstr(s, key);
	cr_assert(l, "no line for %s in %s", name, s);
	return l + 1;
}

Test(runstyle, reference_ratio_is_the_ratio_of_means)
{
	run_result r = run_four("--style", "basic", NULL, NULL);
	cr_assert_eq(r.status, 0, "%s", r.err);
	cr_expect(strstr(r.out, "Benchmark 1: r\n"), "the reference runs first: %s", r.out);
	tach_result *res = read_json(in_dir("r.json"));
	cr_assert_eq(res->n_benchmarks, 4);
	cr_expect_str_eq(res->benchmarks[0]->name, "r");
	double rm, rs;
	mean_sd(res, "r", &rm, &rs);
	const char *names[] = {"a", "b", "c"};
	for (int i = 0; i < 3; i++) {
		double m, s;
		mean_sd(res, names[i], &m, &s);
		double ratio = m / rm, sd = ratio * sqrt(pow(s / m, 2) + pow(rs / rm, 2));
		double shown = ratio >= 1 ? ratio : 1 / ratio, shown_sd = sd / ratio * shown;
		const char *l = summary_line(r.out, names[i]);
		double x, y;
		char word[16];
		char fmt[96];
		snprintf(fmt, sizeof fmt, " %s ran %%lf \xc2\xb1 %%lf times %%15s than r\n", names[i]);
		cr_assert_eq(sscanf(l, fmt, &x, &y, word), 3, "%.120s", l);
		cr_expect_leq(fabs(x - shown), 0.0051, "%s: %g against %g", names[i], x, shown);
		cr_expect_leq(fabs(y - shown_sd), 0.0051, "%s: ± %g against %g", names[i], y, shown_sd);
		cr_expect_str_eq(word, ratio > 1 ? "slower" : "faster", "%s: ratio %g", names[i], ratio);
	}
	cr_expect_null(strstr(r.out, " ran\n"), "no fastest-first summary with a reference");
	tach_result_free(res);
	run_free(&r);
}

/* --sort: the comparison by mean time (auto, mean-time) or as given. */
Test(runstyle, sort_orders_the_comparison_and_tables)
{
	const char *org = in_dir("t.org");
	run_result r = run_four("--sort", "mean-time", "--export-orgmode", org);
	cr_assert_eq(r.status, 0, "%s", r.err);
	tach_result *res = read_json(in_dir("r.json"));
	const char *names[] = {"a", "b", "c"};
	double m[3], sd;
	for (int i = 0; i < 3; i++)
		mean_sd(res, names[i], &m[i], &sd);
	/* expected: names sorted by their mean */
	int ord[3] = {0, 1, 2};
	for (int i = 0; i < 3; i++)
		for (int j = i + 1; j < 3; j++)
			if (m[ord[j]] < m[ord[i]]) {
				int t = ord[i];
				ord[i] = ord[j];
				ord[j] = t;
			}
	for (int i = 0; i + 1 < 3; i++)
		cr_expect_lt(summary_line(r.out, names[ord[i]]), summary_line(r.out, names[ord[i + 1]]),
		             "%s before %s: %s", names[ord[i]], names[ord[i + 1]], r.out);
	/* the table too, the reference among them */
	char *t = slurp(org);
	double rm;
	mean_sd(res, "r", &rm, &sd);
	const char *prev = t;
	for (int i = 0; i < 3; i++) {
		char cell[16];
		snprintf(cell, sizeof cell, "\n| %s |", names[ord[i]]);
		const char *at = strstr(t, cell);
		cr_assert(at, "%s", t);
		cr_expect_gt(at, prev, "row %s in order: %s", names[ord[i]], t);
		prev = at;
	}
	free(t);
	tach_result_free(res);
	run_free(&r);

	r = run_four("--sort", "command", "--export-orgmode", org);
	cr_assert_eq(r.status, 0, "%s", r.err);
	cr_expect_lt(summary_line(r.out, "a"), summary_line(r.out, "b"));
	cr_expect_lt(summary_line(r.out, "b"), summary_line(r.out, "c"));
	t = slurp(org);
	cr_expect(strstr(t, "\n| r |") < strstr(t, "\n| a |") && strstr(t, "\n| a |") < strstr(t, "\n| b |") &&
	          strstr(t, "\n| b |") < strstr(t, "\n| c |"), "%s", t);
	free(t);
	run_free(&r);
}

static double median_of_times(const tach_result *r, const char *name)
{
	for (size_t i = 0; i < r->n_benchmarks; i++)
		if (!strcmp(r->benchmarks[i]->name, name)) {
			const tach_metric *t = tach_benchmark_metric(r->benchmarks[i], "time");
			double *x = malloc(t->n_samples * sizeof *x), m;
			memcpy(x, t->samples, t->n_samples * sizeof *x);
			for (size_t a = 0; a < t->n_samples; a++) /* a sort of its own */
				for (size_t b = a + 1; b < t->n_samples; b++)
					if (x[b] < x[a]) {
						double v = x[a];
						x[a] = x[b];
						x[b] = v;
					}
			size_t n = t->n_samples;
			m = n % 2 ? x[n / 2] : (x[n / 2 - 1] + x[n / 2]) / 2;
			free(x);
			return m;
		}
	cr_assert_fail("no %s", name);
	return 0;
}

/* auto without a reference: the "faster than" lines by median, the
 * statistic they compare. */
Test(runstyle, auto_sort_follows_the_medians)
{
	run_result r = run_tach(ARGV("run", "--runs", "5", "--export-json", in_dir("m.json"), "-n",
	                             "a", "-n", "b", "-n", "c", "-n", "d", SPIN(3000000),
	                             SPIN(100000), SPIN(2000000), SPIN(1000000)),
	                        NULL, NULL, NULL);
	cr_assert_eq(r.status, 0, "%s", r.err);
	tach_result *res = read_json(in_dir("m.json"));
	const char *names[] = {"a", "b", "c", "d"};
	double m[4];
	for (int i = 0; i < 4; i++)
		m[i] = median_of_times(res, names[i]);
	const char *prev = strstr(r.out, " ran\n");
	cr_assert(prev, "%s", r.out);
	double last = 0;
	int lines = 0;
	for (const char *l = strstr(prev, "faster than "); l; l = strstr(l + 1, "faster than ")) {
		char name = l[strlen("faster than ")];
		cr_expect_geq(m[name - 'a'], last, "%c out of order: %s", name, r.out);
		last = m[name - 'a'];
		lines++;
	}
	cr_expect_eq(lines, 3, "%s", r.out);
	tach_result_free(res);
	run_free(&r);
}

/* Every time of the summary and the tables in one unit. */
Test(runstyle, time_unit_fixes_the_unit)
{
	const char *adoc = in_dir("t.adoc");
	run_result r = run_tach(ARGV("run", "--runs", "3", "--time-unit", "us", "--export-asciidoc",
	                             adoc, SPIN(1000), SPIN(3000000)),
	                        NULL, NULL, NULL);
	cr_assert_eq(r.status, 0, "%s", r.err);
	int lines = 0;
	for (const char *l = strstr(r.out, "  Time ("); l; l = strstr(l + 1, "  Time (")) {
		const char *end = strchr(l, '\n');
		char line[256];
		snprintf(line, sizeof line, "%.*s", (int)(end - l), l);
		cr_expect(strstr(line, " \xc2\xb5s"), "%s", line);
		cr_expect_null(strstr(line, " ms"), "%s", line);
		lines++;
	}
	cr_expect_eq(lines, 4, "%s", r.out);
	char *t = slurp(adoc);
	cr_expect(strstr(t, "| Command | Mean [\xc2\xb5s] | Min [\xc2\xb5s] | Max [\xc2\xb5s] | Relative\n"),
	          "%s", t);
	free(t);
	run_free(&r);

	/* hyperfine's spelling; seconds */
	r = run_tach(ARGV("run", "--runs", "2", "-u", "second", SPIN(1000)), NULL, NULL, NULL);
	cr_assert_eq(r.status, 0, "%s", r.err);
	const char *med = strstr(r.out, "  Time (median):     ");
	double v;
	char unit[8];
	cr_assert(med, "%s", r.out);
	cr_expect_eq(sscanf(med, "  Time (median): %lf %7s", &v, unit), 2, "%s", med);
	cr_expect_str_eq(unit, "s", "%s", r.out);
	run_free(&r);
}

Test(runstyle, bad_values_name_the_option)
{
	static const char *const cases[][3] = {
		{"--time-unit", "min", "--time-unit"}, {"--time-unit", "", "--time-unit"},
		{"--sort", "median", "--sort"},         {"--style", "fancy", "--style"},
		{"-u", "MS", "-u"},
	};
	for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
		run_result r = run_tach(ARGV("run", "--runs", "2", cases[i][0], cases[i][1], "true"), NULL,
		                        NULL, NULL);
		cr_expect_eq(r.status, 2, "%s %s: %s", cases[i][0], cases[i][1], r.err);
		char want[128];
		snprintf(want, sizeof want, "invalid value '%s' for %s", cases[i][1], cases[i][2]);
		cr_expect(strstr(r.err, want), "%s", r.err);
		cr_expect_eq(r.out[0], 0, "nothing ran: %s", r.out);
		run_free(&r);
	}
}

Test(runstyle, reference_misuse_is_refused)
{
	run_result r = run_tach(ARGV("run", "--reference-name", "x", "true"), NULL, NULL, NULL);
	cr_expect_eq(r.status, 2);
	cr_expect(strstr(r.err, "--reference-name"), "%s", r.err);
	run_free(&r);

	r = run_tach(ARGV("run", "-L", "n", "1,2", "--reference", "echo {n}", "echo {n}"), NULL, NULL,
	             NULL);
	cr_expect_eq(r.status, 2);
	cr_expect(strstr(r.err, "--reference 'echo {n}'"), "%s", r.err);
	run_free(&r);

	r = run_tach(ARGV("run", "--reference", "true", "true"), NULL, NULL, NULL);
	cr_expect_eq(r.status, 2);
	cr_expect(strstr(r.err, "--reference and command 1 would both make the benchmark 'true'"),
	          "%s", r.err);
	run_free(&r);

	r = run_tach(ARGV("run", "--reference", "no-such-command-xyz", "true"), NULL, NULL, NULL);
	cr_expect_eq(r.status, 2);
	cr_expect(strstr(r.err, "'no-such-command-xyz' not found"), "%s", r.err);
	run_free(&r);

	r = run_tach(ARGV("run", "--instructions", "--reference", "true", "false"), NULL, NULL, NULL);
	cr_expect_eq(r.status, 2);
	cr_expect(strstr(r.err, "--instructions"), "%s", r.err);
	run_free(&r);

	/* per-command helpers count the reference as the first command */
	r = run_tach(ARGV("run", "--runs", "1", "--reference", "true", "-p", "true", "-p", "true",
	                  "false", "-i"),
	             NULL, NULL, NULL);
	cr_expect_eq(r.status, 0, "%s", r.err);
	run_free(&r);
	r = run_tach(ARGV("run", "--runs", "1", "--reference", "true", "-p", "true", "-p", "true",
	                  "false", "echo", "-i"),
	             NULL, NULL, NULL);
	cr_expect_eq(r.status, 2);
	cr_expect(strstr(r.err, "--prepare given 2 times for 3 commands"), "%s", r.err);
	run_free(&r);
}

/* --style: colours and the progress line, as hyperfine's; none prints
 * nothing but still writes the exports. */
Test(runstyle, style_sets_colours_progress_and_output)
{
	static const struct {
		const char *style;
		int color, progress;
	} cases[] = {
		{"auto", 0, 0},  {"basic", 0, 0}, {"full", 1, 1},
		{"color", 1, 0}, {"nocolor", 0, 1},
	};
	for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
		run_result r = run_tach(ARGV("run", "--runs", "2", "--style", cases[i].style, "true",
		                             SPIN(10000)),
		                        NULL, NULL, NULL);
		cr_assert_eq(r.status, 0, "%s: %s", cases[i].style, r.err);
		cr_expect_eq(strstr(r.out, "\x1b[") != NULL, cases[i].color, "%s: %s", cases[i].style,
		             r.out);
		cr_expect_eq(strchr(r.err, '\r') != NULL, cases[i].progress, "%s: %s", cases[i].style,
		             r.err);
		cr_expect(strstr(r.out, "Summary"), "%s", r.out);
		run_free(&r);
	}
	/* an explicit style beats NO_COLOR and --color, as the NO_COLOR rule asks */
	run_result r = run_tach(ARGV("--color=always", "run", "--runs", "2", "--style", "basic",
	                             "true"),
	                        NULL, ARGV("NO_COLOR="), NULL);
	cr_expect_null(strstr(r.out, "\x1b["), "%s", r.out);
	run_free(&r);
	r = run_tach(ARGV("run", "--runs", "2", "--style", "color", "true"), NULL,
	             ARGV("NO_COLOR=1"), NULL);
	cr_expect(strstr(r.out, "\x1b["), "%s", r.out);
	run_free(&r);

	const char *org = in_dir("none.org");
	r = run_tach(ARGV("run", "--runs", "2", "--style", "none", "--export-orgmode", org, "true",
	                  "false", "-i"),
	             NULL, NULL, NULL);
	cr_expect_eq(r.status, 0, "%s", r.err);
	cr_expect_eq(r.out[0], 0, "nothing on stdout: %s", r.out);
	cr_expect_null(strchr(r.err, '\r'));
	cr_expect_eq(access(org, R_OK), 0, "the export is written");
	run_free(&r);
}

/* Each line of an AsciiDoc row holds one cell: exactly one '|' that no
 * backslash escapes. */
static void one_cell_per_line(const char *t)
{
	const char *body = strstr(t, "\n\n");
	cr_assert(body, "%s", t);
	for (const char *l = body + 2; *l; l = strchr(l, '\n') + 1) {
		const char *end = strchr(l, '\n');
		cr_assert(end);
		int bars = 0;
		for (const char *p = l; p < end; p++)
			bars += *p == '|' && (p == l || p[-1] != '\\');
		if (l[0] == '|' && strncmp(l, "|===", 4))
			cr_expect_eq(bars, 1, "%.*s", (int)(end - l), l);
	}
}

Test(runstyle, hostile_names_are_escaped_in_the_tables)
{
	const char *adoc = in_dir("h.adoc"), *org = in_dir("h.org");
	const char *evil = "a|b] {x} <s>`c`*d* [[l]] @@html:<i>@@ src_sh{id} --x ...\x1b\\";
	run_result r = run_tach(ARGV("run", "--runs", "2", "--export-asciidoc", adoc,
	                             "--export-orgmode", org, "-L", "v|w", "p|q,<z>", "-n", evil,
	                             TACH_TESTPROG " --print '{v|w}'"),
	                        NULL, NULL, NULL);
	cr_assert_eq(r.status, 0, "%s", r.err);
	char *t = slurp(adoc);
	cr_expect(strstr(t, "[cols=\"<,<,>,>,>,>\"]\n|===\n| Command | pass:c[v\\|w] | Mean ["),
	          "%s", t);
	cr_expect(strstr(t, "\n| `pass:c[a\\|b\\] {x} <s>`c`*d* [[l\\]\\] @@html:<i>@@ src_sh{id} "
	                    "--x ...\xe2\x90\x9b\\/v\\|w=p\\|q]`\n| pass:c[p\\|q]\n"),
	          "%s", t);
	cr_expect(strstr(t, "\n| pass:c[<z>]\n"), "%s", t);
	cr_expect_str_eq(t + strlen(t) - 5, "|===\n", "the table is closed");
	one_cell_per_line(t);
	free(t);

	t = slurp(org);
#define Z "\xe2\x80\x8b"
	cr_expect(strstr(t, "| Command | v\\vert{}w | Mean ["), "%s", t);
	cr_expect(strstr(t, "\n| a\\vert{}b" Z "]" Z " " Z "{" Z "x" Z "}" Z " " Z "<" Z "s" Z ">" Z
	                    "`c`" Z "*" Z "d" Z "*" Z " " Z "[" Z Z "[" Z "l" Z "]" Z Z "]" Z " " Z
	                    "@" Z Z "@" Z "html:" Z "<" Z "i" Z ">" Z Z "@" Z Z "@" Z " src" Z "_" Z
	                    "sh" Z "{" Z "id" Z "}" Z " -" Z "-x ." Z "." Z ".\xe2\x90\x9b\\backslash{}" Z "/" Z "v\\vert{}w" Z "="
	                    Z "p\\vert{}q | p\\vert{}q | "),
	          "%s", t);
	/* every row has the header's cells: no '|' of a name survives */
	for (const char *l = t; *l; l = strchr(l, '\n') + 1) {
		int bars = 0;
		if (!strncmp(l, "|---+", 5))
			continue; /* the rule under the header */
		for (const char *p = l; *p != '\n'; p++)
			bars += *p == '|';
		cr_expect_eq(bars, 7, "%.*s", (int)(strchr(l, '\n') - l), l);
	}
#undef Z
	free(t);
	run_free(&r);

	/* a backslash before the macro's closing bracket would escape it */
	r = run_tach(ARGV("run", "--runs", "2", "--export-asciidoc", adoc, "-n", "x\\", "true"),
	             NULL, NULL, NULL);
	cr_assert_eq(r.status, 0, "%s", r.err);
	t = slurp(adoc);
	cr_expect(strstr(t, "\n| `pass:c[x]{backslash}`\n"), "%s", t);
	free(t);
	run_free(&r);
}

Test(runstyle, exports_are_distinct_files)
{
	const char *a = in_dir("same.adoc");
	run_result r = run_tach(ARGV("run", "--runs", "2", "--export-asciidoc", a, "--export-orgmode",
	                             a, "true"),
	                        NULL, NULL, NULL);
	cr_expect_eq(r.status, 2);
	cr_expect(strstr(r.err, "are the same file"), "%s", r.err);
	run_free(&r);

	FILE *f = fopen(in_dir("in.txt"), "w");
	cr_assert(f);
	fputs("input\n", f);
	fclose(f);
	r = run_tach(ARGV("run", "--runs", "2", "--input", in_dir("in.txt"), "--export-orgmode",
	                  in_dir("in.txt"), "true"),
	             NULL, NULL, NULL);
	cr_expect_eq(r.status, 2);
	cr_expect(strstr(r.err, "is also an input"), "%s", r.err);
	run_free(&r);
	char *t = slurp(in_dir("in.txt"));
	cr_expect_str_eq(t, "input\n");
	free(t);

	r = run_tach(ARGV("run", "--runs", "2", "--export-asciidoc", in_dir("no/such/dir.adoc"),
	                  "true"),
	             NULL, NULL, NULL);
	cr_expect_eq(r.status, 2);
	cr_expect(strstr(r.err, "(given to --export-asciidoc)"), "%s", r.err);
	run_free(&r);
}
