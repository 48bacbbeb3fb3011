/* test_cli_resolve.c - references to runs from the command line on a
 * history two machines write: @latest and @main take this machine's run
 * (TACH_TESTBED), fall back to another testbed's with a warning (and the
 * gate then fails on the mismatch), REF:TESTBED names one; trend
 * --baseline reads the testbed it shows; #ID of a missing run and a
 * baseline name with ':' are exit 2. */
#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "run.h"

#define ARGV(...) ((const char *const[]){__VA_ARGS__, NULL})

static char dir[64], db[128], env_db[160];

static void setup(void)
{
	snprintf(dir, sizeof dir, "/tmp/tach-resolve-XXXXXX");
	cr_assert(mkdtemp(dir));
	snprintf(db, sizeof db, "%s/h.db", dir);
	snprintf(env_db, sizeof env_db, "TACH_DB=%s", db);
}

static void teardown(void)
{
	char cmd[160];
	snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
	cr_expect_eq(system(cmd), 0);
}

/* A results file of run i measured on host `host` (branch main): BM_x
 * with ten samples about `value` seconds. */
static const char *results(const char *host, int i, double value)
{
	static char path[8][160];
	char *p = path[i % 8];
	snprintf(p, 160, "%s/%s-%d.json", dir, host, i);
	FILE *f = fopen(p, "w");
	cr_assert(f, "%s", p);
	fprintf(f,
	        "{\"format\": 1, \"meta\": {\"timestamp\": \"2026-11-%02dT10:00:00Z\","
	        " \"git\": {\"branch\": \"main\"}, \"host\": {\"hostname\": \"%s\","
	        " \"cpu_model\": \"Xeon\", \"cpu_count\": 8}},"
	        " \"benchmarks\": [{\"name\": \"BM_x\", \"metrics\": [{\"name\": \"time\","
	        " \"unit\": \"s\", \"direction\": \"lower\", \"samples\": [",
	        1 + i, host);
	for (int k = 0; k < 10; k++)
		fprintf(f, "%s%.9g", k ? ", " : "", value * (1 + 0.001 * k));
	fputs("]}]}]}\n", f);
	cr_assert_eq(fclose(f), 0);
	return p;
}

/* Stores a run of host `host` (its testbed named so) at `value` s. */
static void add(const char *host, int i, double value)
{
	run_result r = run_tach(ARGV("history", "add", "--db", db, "--testbed", host,
	                             results(host, i, value)),
	                        NULL, NULL, NULL);
	cr_assert_eq(r.status, 0, "%s", r.err);
	run_free(&r);
}

/* `tach compare BASE CAND` on testbed `tb`: its result, to check. */
static run_result compare_on(const char *tb, const char *base, const char *cand)
{
	char env_tb[96];
	snprintf(env_tb, sizeof env_tb, "TACH_TESTBED=%s", tb);
	return run_tach(ARGV("compare", "--no-config", base, cand), NULL,
	                (const char *const[]){env_db, env_tb, NULL}, NULL);
}

/* Runs #1 (alpha, 1 ms) and #2 (beta, 2 ms, saved last), both of main. */
static void two_runners(void)
{
	add("alpha", 0, 1e-3);
	add("beta", 1, 2e-3);
}

Test(cli_resolve, latest_and_branch_are_this_testbeds_runs, .init = setup, .fini = teardown)
{
	two_runners();
	const char *cand = results("alpha", 2, 1e-3);
	const char *refs[] = {"@latest", "@main"};
	for (size_t i = 0; i < 2; i++) {
		/* before: beta's 2 ms, saved last, and an "improvement" */
		run_result r = compare_on("alpha", refs[i], cand);
		cr_expect_eq(r.status, 0, "%s", r.err);
		cr_expect(strstr(r.out, "0 improved"), "%s on alpha: alpha's run: %s", refs[i], r.out);
		cr_expect(!strstr(r.err, "warning"), "%s", r.err);
		run_free(&r);
		r = compare_on("beta", refs[i], cand);
		cr_expect_eq(r.status, 0, "%s", r.err);
		cr_expect(strstr(r.out, "1 improved"), "%s on beta: beta's run: %s", refs[i], r.out);
		run_free(&r);
	}
	/* REF:TESTBED, whatever this machine is */
	run_result r = compare_on("alpha", "@main:beta", cand);
	cr_expect_eq(r.status, 0, "%s", r.err);
	cr_expect(strstr(r.out, "1 improved"), "%s", r.out);
	cr_expect(!strstr(r.err, "names no run"), "named, no fallback: %s", r.err);
	run_free(&r);
	r = compare_on("beta", "@latest:gamma", cand);
	cr_expect_eq(r.status, 2);
	cr_expect(strstr(r.err, "no run for '@latest:gamma': testbed 'gamma' has no runs"), "%s",
	          r.err);
	run_free(&r);
	/* the testbed's own count: alpha has one run */
	r = compare_on("alpha", "@latest~1", cand);
	cr_expect_eq(r.status, 2);
	cr_expect(strstr(r.err, "testbed 'alpha' has fewer runs"), "%s", r.err);
	run_free(&r);
}

Test(cli_resolve, another_testbed_only_with_a_warning, .init = setup, .fini = teardown)
{
	two_runners();
	/* a runner new to the history: the newest run, beta's, said so */
	const char *cand = results("gamma", 2, 1e-3);
	run_result r = compare_on("gamma", "@main", cand);
	cr_expect_eq(r.status, 0, "%s", r.err);
	cr_expect(strstr(r.err, "tach: warning: '@main' names no run of testbed 'gamma' (this "
	                        "machine); using run #2 of testbed 'beta'"),
	          "%s", r.err);
	run_free(&r);
	/* and the gate still fails on comparing two machines */
	r = run_tach(ARGV("gate", "--no-config", "@main", cand), NULL,
	             (const char *const[]){env_db, "TACH_TESTBED=gamma", NULL}, NULL);
	cr_expect_eq(r.status, 1, "%s%s", r.out, r.err);
	cr_expect(strstr(r.err, "using run #2 of testbed 'beta'"), "%s", r.err);
	cr_expect(strstr(r.out, "FAIL  testbeds differ: base 'beta'"), "%s", r.out);
	run_free(&r);
}

Test(cli_resolve, trend_baseline_on_the_testbed_it_reads, .init = setup, .fini = teardown)
{
	two_runners();
	add("alpha", 2, 1e-3);
	add("beta", 3, 2e-3);
	/* @main on alpha is run #3, not beta's #4 (which is not in alpha's series) */
	run_result r = run_tach(ARGV("trend", "--db", db, "--testbed", "alpha", "--baseline", "@main",
	                             "--format", "json"),
	                        NULL, NULL, NULL);
	cr_expect_eq(r.status, 0, "%s", r.err);
	cr_expect(strstr(r.out, "\"baseline_run\": 3"), "%s", r.out);
	run_free(&r);
}

Test(cli_resolve, a_missing_run_id_is_an_error, .init = setup, .fini = teardown)
{
	two_runners();
	const char *cand = results("alpha", 2, 1e-3);
	char want[200];
	snprintf(want, sizeof want, "tach: %s: no run #999\n", db);
	/* before: resolved, then "no run" from a later step, or nothing at all */
	run_result r = compare_on("alpha", "#999", cand);
	cr_expect_eq(r.status, 2);
	cr_expect_str_eq(r.err, want);
	run_free(&r);
	r = run_tach(ARGV("history", "show", "--db", db, "999"), NULL, NULL, NULL);
	cr_expect_eq(r.status, 2);
	cr_expect_str_eq(r.err, want);
	run_free(&r);
	r = run_tach(ARGV("baseline", "set", "--db", db, "main", "#999"), NULL, NULL, NULL);
	cr_expect_eq(r.status, 2);
	cr_expect_str_eq(r.err, want);
	run_free(&r);
	r = run_tach(ARGV("trend", "--db", db, "--testbed", "alpha", "--baseline", "#999"), NULL,
	             NULL, NULL);
	cr_expect_eq(r.status, 2);
	cr_expect_str_eq(r.err, want);
	run_free(&r);
	/* a ':' in a baseline's name would read as REF:TESTBED */
	r = run_tach(ARGV("baseline", "set", "--db", db, "v1:old", "#1"), NULL, NULL, NULL);
	cr_expect_eq(r.status, 2);
	cr_expect(strstr(r.err, "'v1:old' cannot be a baseline name"), "%s", r.err);
	run_free(&r);
}

/* compare --save --testbed NAME says this is machine NAME: its @references
 * read NAME's runs, whatever TACH_TESTBED says. */
Test(cli_resolve, compare_save_testbed_reads_that_testbeds_runs, .init = setup,
     .fini = teardown)
{
	two_runners();
	const char *cand = results("alpha", 2, 1e-3);
	run_result r = run_tach(ARGV("compare", "--no-config", "--save", "--testbed", "alpha",
	                             "@latest", cand),
	                        NULL, (const char *const[]){env_db, "TACH_TESTBED=beta", NULL},
	                        NULL);
	cr_expect_eq(r.status, 0, "%s", r.err);
	cr_expect(strstr(r.out, "0 improved"), "alpha's run, not beta's: %s", r.out);
	cr_expect(!strstr(r.err, "names no run"), "%s", r.err);
	run_free(&r);
}

/* A commit names code several runners measure: this machine's run of it,
 * and another's only with a warning. */
Test(cli_resolve, a_commit_is_this_testbeds_run_of_it, .init = setup, .fini = teardown)
{
	const char *commit = "0123456789abcdef0123456789abcdef01234567";
	const char *hosts[] = {"alpha", "beta"};
	for (int i = 0; i < 2; i++) {
		/* results() with the commit in its metadata */
		const char *p = results(hosts[i], i, (i + 1) * 1e-3);
		char text[4096], edited[4200];
		FILE *f = fopen(p, "r");
		cr_assert(f);
		size_t n = fread(text, 1, sizeof text - 1, f);
		fclose(f);
		text[n] = 0;
		char *at = strstr(text, "\"branch\": \"main\"");
		cr_assert(at);
		snprintf(edited, sizeof edited, "%.*s\"commit\": \"%s\", %s", (int)(at - text), text,
		         commit, at);
		f = fopen(p, "w");
		cr_assert(f);
		fputs(edited, f);
		fclose(f);
		run_result r = run_tach(ARGV("history", "add", "--db", db, "--testbed", hosts[i], p),
		                        NULL, NULL, NULL);
		cr_assert_eq(r.status, 0, "%s", r.err);
		run_free(&r);
	}
	const char *cand = results("alpha", 2, 1e-3);
	run_result r = compare_on("alpha", "0123456789ab", cand);
	cr_expect_eq(r.status, 0, "%s", r.err);
	cr_expect(strstr(r.out, "0 improved"), "alpha's run of the commit: %s", r.out);
	run_free(&r);
	r = compare_on("gamma", "0123456789ab", cand);
	cr_expect(strstr(r.err, "names no run of testbed 'gamma'"), "%s", r.err);
	cr_expect(strstr(r.out, "1 improved"), "the newest run of it, beta's: %s", r.out);
	run_free(&r);
}
