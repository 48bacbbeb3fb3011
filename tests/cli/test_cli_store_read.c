/* test_cli_store_read.c - the commands that read the history, as a user
 * runs them: a store that is not there is "no history at ..." (exit 2)
 * and nothing is created; trend's change is against the baseline named
 * main, else the first run, never the latest run itself; two parameter
 * sets whose schema-2 keys were alike stay two series. */
#include <criterion/criterion.h>
#include <jansson.h>
#include <libpq-fe.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "tach/tach.h"
#include "run.h"

#define ARGV(...) ((const char *const[]){__VA_ARGS__, NULL})

static char dir[64], db[128];

static void setup(void)
{
	snprintf(dir, sizeof dir, "/tmp/tach-read-XXXXXX");
	cr_assert(mkdtemp(dir));
	snprintf(db, sizeof db, "%s/h.db", dir);
}

static void teardown(void)
{
	char cmd[160];
	snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
	cr_expect_eq(system(cmd), 0);
}

/* A results file of one run: BM_x with median `value` (seconds), and
 * when `colliding`, BM_p with {p: "a", q: "b"} (value 1) and with
 * {p: "a<U+001F>q=b"} (value 5). */
static const char *results(int i, double value, int colliding)
{
	tach_result *r = tach_result_new();
	char ts[32];
	snprintf(ts, sizeof ts, "2026-10-01T%02d:00:00Z", i);
	tach_meta_set(&r->meta.tool, "tach");
	tach_meta_set(&r->meta.timestamp, ts);
	tach_meta_set(&r->meta.git_branch, "main");
	tach_metric *m = tach_benchmark_add_metric(tach_result_add_benchmark(r, "BM_x"), "time", "s",
	                                           TACH_LOWER_IS_BETTER);
	for (int k = 0; k < 5; k++)
		tach_metric_add_sample(m, value * (1 + 0.001 * k));
	for (int c = 0; colliding && c < 2; c++) {
		tach_benchmark *b = tach_result_add_benchmark(r, "BM_p");
		tach_kvlist_set(&b->params, "p", c ? "a\x1fq=b" : "a");
		if (!c)
			tach_kvlist_set(&b->params, "q", "b");
		tach_metric_add_sample(tach_benchmark_add_metric(b, "time", "s", TACH_LOWER_IS_BETTER),
		                       c ? 5 : 1);
	}
	static char path[4][160];
	char *p = path[i % 4];
	snprintf(p, 160, "%s/r%d.json", dir, i);
	write_result(r, p);
	tach_result_free(r);
	return p;
}

static void add(const char *file)
{
	run_result r = run_tach(ARGV("history", "add", "--db", db, file), NULL, NULL, NULL);
	cr_assert_eq(r.status, 0, "%s", r.err);
	run_free(&r);
}

static void expect_no_history(run_result *r, const char *where, const char *what)
{
	char want[300];
	snprintf(want, sizeof want, "no history at %s\n", where);
	cr_expect_eq(r->status, 2, "%s: exit %d: %s", what, r->status, r->err);
	cr_expect(strstr(r->err, want), "%s: %s", what, r->err);
	cr_expect_eq(r->out[0], 0, "%s: printed %s", what, r->out);
}

/* Every command that only reads, given a store that is not there (a typo
 * in --db, or TACH_DB): exit 2 and "no history at PATH"; no directory and
 * no file is made. */
Test(cli_store_read, read_commands_make_no_store, .init = setup, .fini = teardown)
{
	char typo[128], missing[160], env[200], html[160];
	snprintf(typo, sizeof typo, "%s/typo", dir);
	snprintf(missing, sizeof missing, "%s/typo/dir/h.db", dir);
	snprintf(env, sizeof env, "TACH_DB=%s", missing);
	snprintf(html, sizeof html, "%s/report.html", dir);
	const char *file = results(1, 1e-3, 0);
	const char *const cmds[][12] = {
		{"history", "list", "--db", missing, NULL},
		{"history", "show", "--db", missing, "@latest", NULL},
		{"history", "export", "--db", missing, NULL},
		{"trend", "--db", missing, NULL},
		{"compare", "--no-config", "--db", missing, "@main", file, NULL},
		{"gate", "--no-config", "@main", file, NULL},
		{"report", "--db", missing, "--history", "-o", html, NULL},
		{"show", "#1", NULL},
	};
	for (size_t i = 0; i < sizeof cmds / sizeof cmds[0]; i++) {
		char what[64];
		snprintf(what, sizeof what, "%s %s", cmds[i][0], cmds[i][1]);
		run_result r = run_tach(cmds[i], NULL, ARGV(env), NULL);
		expect_no_history(&r, missing, what);
		run_free(&r);
		struct stat st;
		cr_expect_neq(stat(typo, &st), 0, "%s made %s", what, typo);
	}
	/* a command that adds a run makes the store, directories and all */
	run_result r = run_tach(ARGV("history", "add", "--db", missing, file), NULL, NULL, NULL);
	cr_expect_eq(r.status, 0, "%s", r.err);
	run_free(&r);
	r = run_tach(ARGV("history", "list", "--db", missing), NULL, NULL, NULL);
	cr_expect_eq(r.status, 0, "%s", r.err);
	cr_expect(strstr(r.out, "#1 "), "%s", r.out);
	run_free(&r);
}

/* An empty file named as the store holds no history; listing it writes
 * nothing into it. */
Test(cli_store_read, empty_file_is_no_history, .init = setup, .fini = teardown)
{
	fclose(fopen(db, "w"));
	run_result r = run_tach(ARGV("history", "list", "--db", db), NULL, NULL, NULL);
	expect_no_history(&r, db, "history list");
	run_free(&r);
	struct stat st;
	cr_assert_eq(stat(db, &st), 0);
	cr_expect_eq(st.st_size, 0, "tables were written into it");
}

static void pg_quiet(void *arg, const char *message)
{
	(void)arg;
	(void)message;
}

static void pg_exec(const char *url, const char *sql)
{
	PGconn *c = PQconnectdb(url);
	cr_assert_eq(PQstatus(c), CONNECTION_OK, "%s", PQerrorMessage(c));
	PQsetNoticeProcessor(c, pg_quiet, NULL);
	PGresult *q = PQexec(c, sql);
	cr_assert(PQresultStatus(q) == PGRES_COMMAND_OK || PQresultStatus(q) == PGRES_TUPLES_OK,
	          "%s: %s", sql, PQerrorMessage(c));
	PQclear(q);
	PQfinish(c);
}

/* PostgreSQL: a database (here a schema alone on the search path) without
 * tach's tables is no history to a read command, which creates none. */
Test(cli_store_read, pg_database_without_tach_schema_is_no_history)
{
	const char *base = getenv("TACH_TEST_PG_URL");
	if (!base || !*base || strchr(base, '?'))
		cr_skip_test("TACH_TEST_PG_URL not set: no PostgreSQL server for this run");
	char schema[48], sql[160], url[600];
	snprintf(schema, sizeof schema, "tach_cli_read_%d", (int)getpid());
	snprintf(sql, sizeof sql, "CREATE SCHEMA %s", schema);
	pg_exec(base, sql);
	snprintf(url, sizeof url, "%s?options=-csearch_path%%3D%s", base, schema);
	run_result r = run_tach(ARGV("trend", "--db", url), NULL, NULL, NULL);
	expect_no_history(&r, url, "trend");
	run_free(&r);
	r = run_tach(ARGV("history", "list", "--db", url), NULL, NULL, NULL);
	expect_no_history(&r, url, "history list");
	run_free(&r);
	/* no table: dropping the schema without CASCADE works only when empty */
	snprintf(sql, sizeof sql, "DROP SCHEMA %s", schema);
	pg_exec(base, sql);
}

/* A 3x slowdown with no baseline set reads +200 % against the series'
 * first run; with `tach baseline set main` against that run; never 0 %
 * against the latest run (the newest run on branch main). */
Test(cli_store_read, trend_compares_with_the_first_run_or_the_baseline_main, .init = setup,
     .fini = teardown)
{
	add(results(1, 1e-3, 0));
	add(results(2, 1e-3, 0));
	add(results(3, 3e-3, 0));
	run_result r = run_tach(ARGV("trend", "--db", db), NULL, NULL, NULL);
	cr_expect_eq(r.status, 0, "%s", r.err);
	cr_expect(strstr(r.out, "BM_x  time: 3 points, latest 3.00"), "%s", r.out);
	cr_expect(strstr(r.out, ", +200.00% vs first run #1\n"), "%s", r.out);
	run_free(&r);
	r = run_tach(ARGV("trend", "--db", db, "-f", "json"), NULL, NULL, NULL);
	cr_expect_eq(r.status, 0, "%s", r.err);
	json_t *doc = json_loads(r.out, 0, NULL), *s = json_array_get(json_object_get(doc, "series"), 0);
	cr_assert(s, "%s", r.out);
	cr_expect_eq(json_integer_value(json_object_get(s, "baseline_run")), 1);
	double change = json_real_value(json_object_get(s, "baseline_change"));
	cr_expect(change > 2.99 && change < 3.01, "baseline_change %g", change);
	json_decref(doc);
	run_free(&r);
	r = run_tach(ARGV("baseline", "set", "--db", db, "main", "#2"), NULL, NULL, NULL);
	cr_assert_eq(r.status, 0, "%s", r.err);
	run_free(&r);
	r = run_tach(ARGV("trend", "--db", db), NULL, NULL, NULL);
	cr_expect(strstr(r.out, ", +200.00% vs baseline #2\n"), "%s", r.out);
	run_free(&r);
	/* named on the command line, even the latest run is the baseline */
	r = run_tach(ARGV("trend", "--db", db, "--baseline", "@latest"), NULL, NULL, NULL);
	cr_expect(strstr(r.out, ", +0.00% vs baseline #3\n"), "%s", r.out);
	run_free(&r);
}

/* {p: "a", q: "b"} and {p: "a<U+001F>q=b"} had one key in schema 2; they
 * are two series of two points each, with their own values. */
Test(cli_store_read, colliding_parameter_sets_stay_two_series, .init = setup, .fini = teardown)
{
	add(results(1, 1e-3, 1));
	add(results(2, 1e-3, 1));
	run_result r = run_tach(ARGV("trend", "--db", db, "--bench", "BM_p", "-f", "json"), NULL,
	                        NULL, NULL);
	cr_expect_eq(r.status, 0, "%s", r.err);
	json_t *doc = json_loads(r.out, 0, NULL), *all = json_object_get(doc, "series");
	cr_assert_eq(json_array_size(all), 2, "%s", r.out);
	for (size_t i = 0; i < 2; i++) {
		json_t *s = json_array_get(all, i), *pts = json_object_get(s, "points");
		cr_expect_eq(json_array_size(pts), 2, "series %zu: %zu points", i, json_array_size(pts));
		double want = json_object_size(json_object_get(s, "params")) == 2 ? 1 : 5;
		cr_expect_eq(json_real_value(json_object_get(s, "latest")), want, "series %zu", i);
	}
	json_decref(doc);
	run_free(&r);
}
