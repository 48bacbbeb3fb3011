/* test_cli_history.c - the history commands as a user runs them: add,
 * list, show, baseline, references in compare, export/import between two
 * stores, trend with its change points and exit status, clear errors. */
#include <criterion/criterion.h>
#include <jansson.h>
#include <libpq-fe.h>
#include <math.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "tach/tach.h"
#include "run.h"

#define ARGV(...) ((const char *const[]){__VA_ARGS__, NULL})

static char dir[64], db[128], db2[128];

static void setup(void)
{
	snprintf(dir, sizeof dir, "/tmp/tach-hist-XXXXXX");
	cr_assert(mkdtemp(dir));
	snprintf(db, sizeof db, "%s/h.db", dir);
	snprintf(db2, sizeof db2, "%s/copy.db", dir);
}

static void teardown(void)
{
	char cmd[160];
	snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
	cr_expect_eq(system(cmd), 0);
}

/* Run i of a history: BM_step 5 % slower from run 40 on, BM_flat flat. */
static const char *run_file(int i)
{
	tach_result *r = tach_result_new();
	char ts[32], commit[48];
	snprintf(ts, sizeof ts, "2026-10-%02dT%02d:00:00Z", 1 + i / 24, i % 24);
	snprintf(commit, sizeof commit, "%040x", 0xabc000 + i);
	tach_meta_set(&r->meta.tool, "tach");
	tach_meta_set(&r->meta.timestamp, ts);
	tach_meta_set(&r->meta.git_commit, commit);
	tach_meta_set(&r->meta.git_branch, "main");
	tach_rng rng;
	tach_rng_seed(&rng, (uint64_t)i + 1);
	const char *names[] = {"BM_step", "BM_flat"};
	for (int b = 0; b < 2; b++) {
		tach_metric *m = tach_benchmark_add_metric(tach_result_add_benchmark(r, names[b]),
		                                           "time", "s", TACH_LOWER_IS_BETTER);
		double center = 1e-3 * (b == 0 && i >= 40 ? 1.05 : 1.0);
		for (int k = 0; k < 10; k++)
			tach_metric_add_sample(m, center * exp(0.01 * tach_norm_ppf(0.01 + 0.98 * tach_rng_uniform(&rng))));
	}
	static char path[8][160];
	char *p = path[i % 8];
	snprintf(p, 160, "%s/r%02d.json", dir, i);
	write_result(r, p);
	tach_result_free(r);
	return p;
}

static void add_runs(int n)
{
	for (int i = 0; i < n; i++) {
		run_result r = run_tach(ARGV("history", "add", "--db", db, run_file(i)), NULL, NULL, NULL);
		cr_assert_eq(r.status, 0, "%s", r.err);
		run_free(&r);
	}
}

Test(cli_history, add_list_show_baseline_and_compare, .init = setup, .fini = teardown)
{
	add_runs(3);
	run_result r = run_tach(ARGV("history", "list", "--db", db), NULL, NULL, NULL);
	cr_expect_eq(r.status, 0);
	cr_expect(!strncmp(r.out, "#3 ", 3), "newest first: %s", r.out);
	run_free(&r);
	r = run_tach(ARGV("baseline", "set", "--db", db, "main", "#1"), NULL, NULL, NULL);
	cr_expect_eq(r.status, 0, "%s", r.err);
	run_free(&r);
	r = run_tach(ARGV("compare", "--no-config", "@main", "@latest"), NULL,
	             ARGV("TACH_DB=/nonexistent-dir-for-tach/x.db"), NULL);
	cr_expect_eq(r.status, 2, "TACH_DB elsewhere: the references are not there");
	run_free(&r);
	char env[200];
	snprintf(env, sizeof env, "TACH_DB=%s", db);
	r = run_tach(ARGV("compare", "--no-config", "@main", "@latest"), NULL, ARGV(env), NULL);
	cr_expect_eq(r.status, 0, "%s%s", r.out, r.err);
	cr_expect(strstr(r.out, "@main"), "%s", r.out);
	run_free(&r);
	r = run_tach(ARGV("history", "show", "--db", db, "-f", "json", "@latest~2"), NULL, NULL, NULL);
	cr_expect_eq(r.status, 0, "%s", r.err);
	cr_expect(strstr(r.out, "0000000000000000000000000000000000abc000"), "run #1's commit");
	run_free(&r);
	r = run_tach(ARGV("history", "show", "--db", db, "abc001"), NULL, NULL, NULL);
	cr_expect_eq(r.status, 2, "not a prefix of any commit");
	run_free(&r);
	r = run_tach(ARGV("history", "rm", "--db", db, "2"), NULL, NULL, NULL);
	cr_expect_eq(r.status, 0, "%s", r.err);
	run_free(&r);
	r = run_tach(ARGV("history", "rm", "--db", db, "2"), NULL, NULL, NULL);
	cr_expect_eq(r.status, 2);
	cr_expect(strstr(r.err, "no run #2"), "%s", r.err);
	run_free(&r);
}

Test(cli_history, export_and_import_move_every_run, .init = setup, .fini = teardown)
{
	add_runs(4);
	char exp[160];
	snprintf(exp, sizeof exp, "%s/export.jsonl", dir);
	run_result r = run_tach(ARGV("history", "export", "--db", db, "-o", exp), NULL, NULL, NULL);
	cr_assert_eq(r.status, 0, "%s", r.err);
	run_free(&r);
	r = run_tach(ARGV("history", "import", "--db", db2, exp), NULL, NULL, NULL);
	cr_assert_eq(r.status, 0, "%s", r.err);
	cr_expect(strstr(r.out, "imported 4 runs"), "%s", r.out);
	run_free(&r);
	run_result a = run_tach(ARGV("history", "show", "--db", db, "-f", "json", "@latest"), NULL, NULL, NULL);
	run_result b = run_tach(ARGV("history", "show", "--db", db2, "-f", "json", "@latest"), NULL, NULL, NULL);
	cr_expect_str_eq(a.out, b.out, "the newest run is the same in both stores");
	run_free(&a);
	run_free(&b);
	const char *bad = temp_file("{\"format\": 1, \"benchmarks\": []}\n{oops}\n", ".jsonl");
	r = run_tach(ARGV("history", "import", "--db", db2, bad), NULL, NULL, NULL);
	cr_expect_eq(r.status, 2);
	cr_expect(strstr(r.err, ":2:"), "the bad line is named: %s", r.err);
	run_free(&r);
}

/* Lines of an export file: the first n runs of `history export`, then
 * junk when bad (issue 16.6). */
static const char *export_lines(const char *exp, int n, int bad)
{
	static char path[160];
	snprintf(path, sizeof path, "%s/part.jsonl", dir);
	FILE *in = fopen(exp, "r"), *out = fopen(path, "w");
	cr_assert(in && out);
	char *line = NULL;
	size_t cap = 0;
	for (int i = 0; i < n && getline(&line, &cap, in) > 0; i++)
		fputs(line, out);
	if (bad)
		fputs("{\"format\": 1, \"benchmarks\": [oops]}\n", out);
	free(line);
	fclose(in);
	fclose(out);
	return path;
}

/* The runs in a store; 0 for one not made yet ("no history at", exit 2:
 * list makes no store). */
static size_t runs_in(const char *store)
{
	run_result r = run_tach(ARGV("history", "list", "--db", store, "-f", "json"), NULL, NULL, NULL);
	if (r.status == 2 && strstr(r.err, "no history at")) {
		run_free(&r);
		return 0;
	}
	cr_assert_eq(r.status, 0, "%s", r.err);
	json_t *doc = json_loads(r.out, 0, NULL);
	size_t n = json_array_size(doc);
	json_decref(doc);
	run_free(&r);
	return n;
}

/* A PostgreSQL store of its own in the test server (TACH_TEST_PG_URL):
 * a schema first on the search path, so that the unit tests emptying the
 * database at the same time do not meet these runs.  sql: CREATE or DROP.
 * NULL when there is no server. */
static void pg_quiet(void *arg, const char *message)
{
	(void)arg;
	(void)message;
}

static const char *pg_schema(const char *sql)
{
	static char url[512];
	const char *base = getenv("TACH_TEST_PG_URL");
	if (!base || !*base || strchr(base, '?'))
		return NULL;
	char stmt[128];
	snprintf(stmt, sizeof stmt, "%s SCHEMA %s tach_cli_%d%s", sql,
	         sql[0] == 'C' ? "IF NOT EXISTS" : "IF EXISTS", (int)getpid(),
	         sql[0] == 'C' ? "" : " CASCADE");
	PGconn *c = PQconnectdb(base);
	cr_assert_eq(PQstatus(c), CONNECTION_OK, "%s", PQerrorMessage(c));
	PQsetNoticeProcessor(c, pg_quiet, NULL);
	PGresult *r = PQexec(c, stmt);
	cr_assert_eq(PQresultStatus(r), PGRES_COMMAND_OK, "%s", PQerrorMessage(c));
	PQclear(r);
	PQfinish(c);
	snprintf(url, sizeof url, "%s?options=-csearch_path%%3Dtach_cli_%d", base, (int)getpid());
	return url;
}

/* An import stopped by a bad line adds nothing, so that the rerun after
 * the fix adds each run once; for SQLite and, with TACH_TEST_PG_URL,
 * PostgreSQL. */
Test(cli_history, import_is_all_or_nothing, .init = setup, .fini = teardown)
{
	add_runs(3);
	char exp[160];
	snprintf(exp, sizeof exp, "%s/export.jsonl", dir);
	run_result r = run_tach(ARGV("history", "export", "--db", db, "-o", exp), NULL, NULL, NULL);
	cr_assert_eq(r.status, 0, "%s", r.err);
	run_free(&r);
	const char *stores[] = {db2, pg_schema("CREATE")};
	for (int k = 0; k < 2 && stores[k]; k++) {
		size_t before = runs_in(stores[k]);
		cr_expect_eq(before, 0, "a new store");
		r = run_tach(ARGV("history", "import", "--db", stores[k], export_lines(exp, 3, 1)), NULL,
		             NULL, NULL);
		cr_expect_eq(r.status, 2, "%s", r.err);
		cr_expect(strstr(r.err, ":4:"), "the bad line is named: %s", r.err);
		cr_expect(strstr(r.err, "nothing imported"), "%s", r.err);
		cr_expect_eq(r.out[0], 0, "no \"imported\" line: %s", r.out);
		run_free(&r);
		cr_expect_eq(runs_in(stores[k]), before, "%s: the three good lines were not kept",
		             k ? "postgresql" : "sqlite");
		r = run_tach(ARGV("history", "import", "--db", stores[k], export_lines(exp, 3, 0)), NULL,
		             NULL, NULL);
		cr_expect_eq(r.status, 0, "%s", r.err);
		cr_expect(strstr(r.out, "imported 3 runs"), "%s", r.out);
		run_free(&r);
		cr_expect_eq(runs_in(stores[k]), before + 3, "each run once after the fix");
	}
	if (stores[1])
		pg_schema("DROP");
}

/* A results file given to history import is named for what it is; a
 * line cut short is placed at its end, not its start. */
Test(cli_history, import_names_a_results_file_and_places_a_cut_line, .init = setup,
     .fini = teardown)
{
	run_result r = run_tach(ARGV("history", "import", "--db", db, run_file(0)), NULL, NULL, NULL);
	cr_expect_eq(r.status, 2, "%s", r.err);
	cr_expect(strstr(r.err, "r00.json:1: a JSON document over several lines, not a history "
	                        "export") && strstr(r.err, "tach history add"),
	          "%s", r.err);
	run_free(&r);
	const char *cut = temp_file("{\"format\":1,\n", ".jsonl");
	r = run_tach(ARGV("history", "import", "--db", db, cut), NULL, NULL, NULL);
	cr_expect_eq(r.status, 2, "%s", r.err);
	cr_expect(strstr(r.err, ".jsonl:1:13: "), "at the end of line 1: %s", r.err);
	run_free(&r);
}

Test(cli_history, trend_finds_the_step, .init = setup, .fini = teardown)
{
	add_runs(60);
	run_result r = run_tach(ARGV("trend", "--db", db, "-f", "json"), NULL, NULL, NULL);
	cr_assert_eq(r.status, 0, "%s", r.err);
	json_t *doc = json_loads(r.out, 0, NULL);
	cr_assert(doc, "%s", r.out);
	json_t *series = json_object_get(doc, "series");
	cr_assert_eq(json_array_size(series), 2);
	for (size_t i = 0; i < 2; i++) {
		json_t *s = json_array_get(series, i);
		const char *name = json_string_value(json_object_get(s, "benchmark"));
		json_t *cps = json_object_get(s, "change_points");
		cr_expect_eq(json_array_size(json_object_get(s, "points")), 60);
		if (!strcmp(name, "BM_step")) {
			cr_assert_eq(json_array_size(cps), 1, "one change point");
			json_t *c = json_array_get(cps, 0);
			cr_expect_eq(json_integer_value(json_object_get(c, "index")), 40);
			cr_expect_eq(json_integer_value(json_object_get(c, "run")), 41);
			double ch = json_real_value(json_object_get(c, "change"));
			cr_expect(ch > 1.03 && ch < 1.07, "change %g", ch);
			cr_expect(json_real_value(json_object_get(c, "p")) <= 0.001);
		} else {
			cr_expect_eq(json_array_size(cps), 0, "no change point on the flat series");
		}
	}
	json_decref(doc);
	run_free(&r);
	r = run_tach(ARGV("trend", "--db", db, "--fail-on-change"), NULL, NULL, NULL);
	cr_expect_eq(r.status, 1, "%s", r.out);
	cr_expect(strstr(r.out, "change at run #41"), "%s", r.out);
	run_free(&r);
	r = run_tach(ARGV("trend", "--db", db, "--bench", "BM_flat", "--fail-on-change"), NULL, NULL, NULL);
	cr_expect_eq(r.status, 0);
	run_free(&r);
}

Test(cli_history, clear_errors_and_no_password, .init = setup, .fini = teardown)
{
	run_result r = run_tach(ARGV("history", "list", "--db", "/proc/no-such-dir/h.db"), NULL, NULL, NULL);
	cr_expect_eq(r.status, 2);
	cr_expect(strstr(r.err, "/proc/no-such-dir"), "%s", r.err);
	run_free(&r);
	r = run_tach(ARGV("history", "list", "--db",
	                  "postgresql://ci:hunter2@127.0.0.1:1/tach?connect_timeout=2"), NULL, NULL, NULL);
	cr_expect_eq(r.status, 2);
	cr_expect_null(strstr(r.err, "hunter2"), "%s", r.err);
	cr_expect(strstr(r.err, "***"), "the masked URL: %s", r.err);
	run_free(&r);
	r = run_tach(ARGV("history", "frobnicate"), NULL, NULL, NULL);
	cr_expect_eq(r.status, 2);
	run_free(&r);
}

/* A repository of 8 commits whose benchmark sleeps 20 ms, then 200 ms from
 * commit 5 on (sleeping, not burning CPU, so that a loaded machine's
 * scheduling does not blur the step; 15 runs a side, as the machine may be busy): tach bisect names commit 5 and
 * leaves the tree as it was. */
Test(cli_history, bisect_finds_the_commit, .init = setup, .fini = teardown)
{
	char cmd[4096];
	snprintf(cmd, sizeof cmd,
	         "cd '%s' && git init -q repo && cd repo && git config user.email t@example.org && "
	         "git config user.name t && for i in 1 2 3 4 5 6 7 8; do "
	         "if [ $i -ge 5 ]; then echo 200 > ms; else echo 20 > ms; fi; echo $i > n; "
	         "git add -A && git commit -qm \"commit $i\" || exit 1; done",
	         dir);
	cr_assert_eq(system(cmd), 0);
	char repo[128], burn[512];
	snprintf(repo, sizeof repo, "%s/repo", dir);
	snprintf(burn, sizeof burn, "exec '%s' --sleep $(cat ms)", TACH_TESTPROG);
	char old[1024];
	cr_assert(getcwd(old, sizeof old));
	cr_assert_eq(chdir(repo), 0);
	run_result r = run_tach(ARGV("bisect", "--good", "HEAD~7", "--bad", "HEAD", "--runs", "15",
	                             "--", "sh", "-c", burn),
	                        NULL, NULL, NULL);
	cr_assert_eq(chdir(old), 0);
	cr_expect_eq(r.status, 0, "%s%s", r.out, r.err);
	cr_expect(strstr(r.out, "first bad commit: ") && strstr(r.out, " commit 5\n"), "%s%s", r.out,
	          r.err);
	run_free(&r);
	snprintf(cmd, sizeof cmd,
	         "cd '%s' && test -z \"$(git status --porcelain)\" && "
	         "test \"$(git symbolic-ref --short HEAD)\" = \"$(git symbolic-ref --short HEAD)\" && "
	         "git log -1 --format=%%s | grep -qx 'commit 8' && ! git bisect log >/dev/null 2>&1",
	         repo);
	cr_expect_eq(system(cmd), 0, "the work tree is back on commit 8, no bisection left");
}

Test(cli_history, compare_save_keeps_the_candidate, .init = setup, .fini = teardown)
{
	const char *a = run_file(0), *b = run_file(1);
	run_result r = run_tach(ARGV("compare", "--no-config", "--db", db, "--save", a, b), NULL, NULL,
	                        NULL);
	cr_expect_eq(r.status, 0, "%s%s", r.out, r.err);
	cr_expect(strstr(r.err, "saved as run #1"), "%s", r.err);
	run_free(&r);
	r = run_tach(ARGV("history", "show", "--db", db, "-f", "json", "#1"), NULL, NULL, NULL);
	cr_expect_eq(r.status, 0);
	cr_expect(strstr(r.out, "0000000000000000000000000000000000abc001"), "the candidate's commit");
	run_free(&r);
}

Test(cli_history, read_only_store_is_a_clear_error, .init = setup, .fini = teardown)
{
	if (geteuid() == 0)
		cr_skip_test("running as root, which may write read-only files");
	add_runs(1);
	cr_assert_eq(chmod(db, 0444), 0);
	run_result r = run_tach(ARGV("history", "add", "--db", db, run_file(1)), NULL, NULL, NULL);
	cr_expect_eq(r.status, 2);
	cr_expect(strstr(r.err, db), "%s", r.err);
	run_free(&r);
	cr_assert_eq(chmod(db, 0644), 0);
	r = run_tach(ARGV("history", "list", "--db", db), NULL, NULL, NULL);
	cr_expect(strstr(r.out, "#1 ") && !strstr(r.out, "#2 "), "the store is as it was: %s", r.out);
	run_free(&r);
}

Test(cli_history, report_draws_the_series_with_its_change_point, .init = setup, .fini = teardown)
{
	add_runs(60);
	run_result r = run_tach(ARGV("report", "--no-config", "--db", db, "--history", "--bench",
	                             "BM_step"),
	                        NULL, NULL, NULL);
	cr_assert_eq(r.status, 0, "%s", r.err);
	cr_expect(strstr(r.out, "<h2>History</h2>"), "a history section");
	cr_expect(strstr(r.out, "<path class='cand line' stroke-width=1.5 vector-effect"),
	          "the series is drawn");
	cr_expect(strstr(r.out, "<title>change +"), "the change point is marked: %.200s", r.out);
	cr_expect(strstr(r.out, "run #41"), "at run #41");
	cr_expect(strstr(r.out, "1 change point"), "and counted");
	run_free(&r);
}

/* Run i of a machine whose runs differ by +-20 % offsets (within-run
 * noise 0.5 %), then run 6 at `last` times the base level. */
static const char *offset_run(int i, double level)
{
	tach_result *r = tach_result_new();
	char ts[32];
	snprintf(ts, sizeof ts, "2026-11-%02dT10:00:00Z", 1 + i);
	tach_meta_set(&r->meta.tool, "tach");
	tach_meta_set(&r->meta.timestamp, ts);
	tach_rng rng;
	tach_rng_seed(&rng, (uint64_t)i + 100);
	tach_metric *m = tach_benchmark_add_metric(tach_result_add_benchmark(r, "BM_drift"), "time",
	                                           "s", TACH_LOWER_IS_BETTER);
	for (int k = 0; k < 20; k++)
		tach_metric_add_sample(m, 1e-3 * level * (1 + 0.005 * tach_norm_ppf(0.01 + 0.98 * tach_rng_uniform(&rng))));
	static char path[4][160];
	char *p = path[i % 4];
	snprintf(p, 160, "%s/d%02d.json", dir, i);
	write_result(r, p);
	tach_result_free(r);
	return p;
}

/* --noise-runs: a +20 % offset the history has shown before is not a
 * regression; a +100 % change still is; without the option both are. */
Test(cli_history, noise_runs_size_the_minimum_effect, .init = setup, .fini = teardown)
{
	const double levels[] = {1.0, 1.2, 1.0, 0.85, 1.0};
	for (int i = 0; i < 5; i++) {
		run_result r = run_tach(ARGV("history", "add", "--db", db, offset_run(i, levels[i])), NULL,
		                        NULL, NULL);
		cr_assert_eq(r.status, 0, "%s", r.err);
		run_free(&r);
	}
	const char *drift = offset_run(5, 1.2), *real = offset_run(6, 2.0);
	run_result r = run_tach(ARGV("compare", "--no-config", "--db", db, "#5", drift), NULL, NULL,
	                        NULL);
	cr_expect_eq(r.status, 1, "without the history's noise +20 %% is a regression: %s", r.out);
	run_free(&r);
	r = run_tach(ARGV("compare", "--no-config", "--db", db, "--noise-runs", "10", "#5", drift),
	             NULL, NULL, NULL);
	cr_expect_eq(r.status, 0, "an offset seen before: %s", r.out);
	cr_expect(strstr(r.out, "minimum effect of 1 row was raised"), "%s", r.out);
	run_free(&r);
	r = run_tach(ARGV("compare", "--no-config", "--db", db, "--noise-runs", "10", "#5", real),
	             NULL, NULL, NULL);
	cr_expect_eq(r.status, 1, "twice as slow is beyond the noise: %s", r.out);
	run_free(&r);
	r = run_tach(ARGV("compare", "--no-config", "--db", db, "--noise-runs", "2", "#5", drift),
	             NULL, NULL, NULL);
	cr_expect_eq(r.status, 2, "too few runs to size anything");
	run_free(&r);
}

/* ---- a damaged store (issue 16.1) ---- */

/* What a command's JSON output holds, without its values: the names,
 * run ids, counts and the number of samples of everything in it.  Two
 * outputs of the same shape hold the same runs, benchmarks, metrics,
 * points and samples. */
static void shape_of(json_t *v, const char *key, FILE *out)
{
	static const char *const kept[] = {"name", "benchmark", "metric", "id", "run", "benchmarks",
	                                   "n_base", "n_cand", NULL};
	if (json_is_object(v)) {
		const char *k;
		json_t *x;
		fputc('{', out);
		json_object_foreach(v, k, x) shape_of(x, k, out);
		fputc('}', out);
	} else if (json_is_array(v)) {
		fprintf(out, "%s[%zu", key ? key : "", json_array_size(v));
		if (!key || strcmp(key, "samples")) {
			size_t i;
			json_t *x;
			json_array_foreach(v, i, x) shape_of(x, NULL, out);
		}
		fputc(']', out);
	} else if (key) {
		for (int i = 0; kept[i]; i++)
			if (!strcmp(key, kept[i])) {
				if (json_is_string(v))
					fprintf(out, "%s=%s;", key, json_string_value(v));
				else if (json_is_integer(v))
					fprintf(out, "%s=%lld;", key, (long long)json_integer_value(v));
			}
	}
}

/* The shape of every JSON document in text (one, or one per line). */
static char *shape(const char *text)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *out = open_memstream(&buf, &len);
	cr_assert(out);
	const char *p = text;
	while (*p) {
		json_error_t e;
		json_t *doc = json_loads(p, JSON_DISABLE_EOF_CHECK, &e);
		if (!doc) {
			fputs("(not JSON)", out);
			break;
		}
		shape_of(doc, NULL, out);
		json_decref(doc);
		p += e.position;
		while (*p == '\n' || *p == ' ')
			p++;
	}
	fclose(out);
	return buf;
}

/* Random bytes written over a copy of a store with several runs, at the
 * page header, the cell pointers, and cells near the start, middle and end
 * of every page (the file header, the schema, tables and indexes alike):
 * every command reading the copy exits 2 naming it, or gives exactly what
 * the intact store gives — the same runs, benchmarks, metrics, points and
 * sample counts.  Values inside a cell can change without SQLite noticing;
 * the store keeps no checksums, so those count as "changed". */
Test(cli_history, damaged_store_is_an_error_never_fewer_runs, .init = setup, .fini = teardown)
{
	add_runs(6);
	char copy[160];
	snprintf(copy, sizeof copy, "%s/damaged.db", dir);
	const char *const cmds[][9] = {
		{"history", "list", "--db", copy, "-f", "json", NULL},
		{"history", "export", "--db", copy, NULL},
		{"history", "show", "--db", copy, "-f", "json", "#1", NULL},
		{"history", "show", "--db", copy, "-f", "json", "@latest", NULL},
		{"trend", "--db", copy, "-f", "json", NULL},
		{"compare", "--no-config", "--db", copy, "-f", "json", "#2", "#5"},
	};
	enum { N_CMD = sizeof cmds / sizeof cmds[0] };
	char *want[N_CMD], *want_out[N_CMD];
	char cmd[1024];
	snprintf(cmd, sizeof cmd, "cp '%s' '%s'", db, copy);
	cr_assert_eq(system(cmd), 0);
	for (int c = 0; c < N_CMD; c++) {
		run_result r = run_tach(cmds[c], NULL, NULL, NULL);
		cr_assert_eq(r.status, 0, "%s: %s", cmds[c][1], r.err);
		want[c] = shape(r.out);
		want_out[c] = strdup(r.out);
		run_free(&r);
	}
	struct stat st;
	cr_assert_eq(stat(db, &st), 0);
	cr_assert_eq(st.st_size % 4096, 0, "pages of 4 KiB");
	static const int within[] = {0, 5, 8, 100, 1500, 3000, 4088};
	size_t n_within = sizeof within / sizeof within[0];
	size_t offsets = 0, errors = 0, same = 0, changed = 0;
	srand(16);
	for (off_t page = 0; page < st.st_size / 4096; page++)
		for (size_t w = 0; w < n_within; w++) {
			off_t at = page * 4096 + within[w];
			offsets++;
			for (int c = 0; c < N_CMD; c++) {
				/* each command gets a fresh copy: a reader may roll
				 * back or rewrite what it finds */
				snprintf(cmd, sizeof cmd, "rm -f '%s'-wal '%s'-shm && cp '%s' '%s'", copy,
				         copy, db, copy);
				cr_assert_eq(system(cmd), 0);
				FILE *f = fopen(copy, "r+b");
				cr_assert(f);
				unsigned char junk[8];
				for (size_t k = 0; k < sizeof junk; k++)
					junk[k] = (unsigned char)(rand() >> 7);
				cr_assert_eq(fseeko(f, at, SEEK_SET), 0);
				cr_assert_eq(fwrite(junk, 1, sizeof junk, f), sizeof junk);
				cr_assert_eq(fclose(f), 0);
				run_result r = run_tach(cmds[c], NULL, NULL, NULL);
				if (r.status == 2) {
					cr_expect(strstr(r.err, copy), "offset %lld, %s %s: the error names the store: %s",
					          (long long)at, cmds[c][0], cmds[c][1], r.err);
					errors++;
				} else {
					cr_expect(r.status == 0 || (c == N_CMD - 1 && r.status == 1),
					          "offset %lld, %s %s: status %d: %s", (long long)at, cmds[c][0],
					          cmds[c][1], r.status, r.err);
					char *got = shape(r.out);
					cr_expect_str_eq(got, want[c],
					                 "offset %lld, %s %s: exit %d with other runs than the intact store's",
					                 (long long)at, cmds[c][0], cmds[c][1], r.status);
					if (strcmp(r.out, want_out[c]))
						changed++;
					else
						same++;
					free(got);
				}
				run_free(&r);
			}
		}
	fprintf(stderr,
	        "damaged store: %zu offsets x %d commands: %zu exit 2, %zu the intact answer, "
	        "%zu the same runs with changed values\n",
	        offsets, N_CMD, errors, same, changed);
	cr_expect_gt(errors, 0, "some damage is found");
	for (int c = 0; c < N_CMD; c++) {
		free(want[c]);
		free(want_out[c]);
	}
}

/* Issue 16.9 as reported: outside git, a world-writable .tach/history.db
 * planted in a shared parent directory (by nobody when we are root) is
 * neither written by `history add` in a directory below, nor used from
 * the directory itself; named with --db it is. */
Test(cli_history, planted_store_is_not_used, .init = setup, .fini = teardown)
{
	char planted[200], work[160], cmd[600];
	snprintf(planted, sizeof planted, "%s/.tach/history.db", dir);
	snprintf(work, sizeof work, "%s/work", dir);
	cr_assert_eq(mkdir(work, 0755), 0);
	run_result r = run_tach(ARGV("history", "add", "--db", planted, run_file(0)), NULL, NULL, NULL);
	cr_assert_eq(r.status, 0, "%s", r.err);
	run_free(&r);
	int root = geteuid() == 0;
	snprintf(cmd, sizeof cmd, "chmod 777 '%s/.tach' && chmod 666 '%s'%s%s%s", dir, planted,
	         root ? " && chown -R 65534:65534 '" : "", root ? dir : "", root ? "/.tach'" : "");
	cr_assert_eq(system(cmd), 0);
	char old[1024];
	cr_assert(getcwd(old, sizeof old));
	cr_assert_eq(chdir(work), 0);
	r = run_tach(ARGV("history", "add", run_file(1)), NULL, NULL, NULL);
	cr_expect_eq(r.status, 0, "%s", r.err);
	cr_expect(strstr(r.err, work) || strstr(r.out, "#1 "), "a store of its own: %s%s", r.out,
	          r.err);
	run_free(&r);
	struct stat st;
	char own[200];
	snprintf(own, sizeof own, "%s/.tach/history.db", work);
	cr_expect_eq(stat(own, &st), 0, "the store is made in the current directory");
	cr_expect_eq(st.st_uid, geteuid());
	cr_assert_eq(chdir(dir), 0);
	r = run_tach(ARGV("history", "list"), NULL, NULL, NULL);
	cr_expect_eq(r.status, 2, "%s", r.out);
	cr_expect(strstr(r.err, planted) && strstr(r.err, root ? "owned by another user"
	                                                       : "writable by every user"),
	          "%s", r.err);
	run_free(&r);
	cr_assert_eq(chdir(old), 0);
	r = run_tach(ARGV("history", "list", "--db", planted), NULL, NULL, NULL);
	cr_expect_eq(r.status, 0, "named explicitly: %s", r.err);
	cr_expect(strstr(r.out, "#1 ") && !strstr(r.out, "#2 "), "the planted store got nothing: %s",
	          r.out);
	run_free(&r);
}

/* Text that is not UTF-8 in a run (damage inside a cell: SQLite returns
 * it as it is) made the JSON writer leave that run out of `history list
 * -f json` and its points out of `trend -f json`, exit 0; it is an error. */
Test(cli_history, text_not_utf8_is_an_error_not_a_missing_run, .init = setup, .fini = teardown)
{
	add_runs(3);
	sqlite3 *h;
	cr_assert_eq(sqlite3_open(db, &h), SQLITE_OK);
	cr_assert_eq(sqlite3_exec(h, "UPDATE runs SET timestamp = CAST(x'323032ff60' AS TEXT) WHERE id = 2",
	                          NULL, NULL, NULL),
	             SQLITE_OK);
	sqlite3_close(h);
	run_result r = run_tach(ARGV("history", "list", "--db", db, "-f", "json"), NULL, NULL, NULL);
	cr_expect_eq(r.status, 2, "%s", r.out);
	cr_expect(strstr(r.err, "run #2") && strstr(r.err, db), "%s", r.err);
	run_free(&r);
	r = run_tach(ARGV("trend", "--db", db, "-f", "json"), NULL, NULL, NULL);
	cr_expect_eq(r.status, 2, "%s", r.out);
	cr_expect(strstr(r.err, db), "%s", r.err);
	run_free(&r);
}
