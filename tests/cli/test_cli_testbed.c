/* test_cli_testbed.c - testbeds from the command line (issue 20 item 1):
 * --testbed on history add, run --save, compare --save and benchmark
 * programs; history list's column and filter; trend and report --history
 * reading one testbed, with a clear error naming the testbeds present;
 * compare warning and gate failing when base and candidate come from
 * different testbeds. */
#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "tach/tach.h"
#include "run.h"

#define ARGV(...) ((const char *const[]){__VA_ARGS__, NULL})

static char dir[64], db[128];

static void setup(void)
{
	snprintf(dir, sizeof dir, "/tmp/tach-testbed-XXXXXX");
	cr_assert(mkdtemp(dir));
	snprintf(db, sizeof db, "%s/h.db", dir);
}

static void teardown(void)
{
	char cmd[160];
	snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
	cr_expect_eq(system(cmd), 0);
}

/* A results file of run i on host `host` (NULL: no machine facts), BM_x
 * at `value` seconds. */
static const char *results(const char *host, int i, double value)
{
	tach_result *r = tach_result_new();
	char ts[32];
	snprintf(ts, sizeof ts, "2026-10-%02dT10:00:00Z", 1 + i);
	tach_meta_set(&r->meta.timestamp, ts);
	tach_meta_set(&r->meta.hostname, host);
	if (host) {
		tach_meta_set(&r->meta.cpu_model, "Xeon");
		r->meta.cpu_count = 8;
	}
	tach_metric *m = tach_benchmark_add_metric(tach_result_add_benchmark(r, "BM_x"), "time", "s",
	                                           TACH_LOWER_IS_BETTER);
	for (int k = 0; k < 10; k++)
		tach_metric_add_sample(m, value * (1 + 0.001 * k));
	static char path[8][160];
	char *p = path[i % 8];
	snprintf(p, 160, "%s/%s-%d.json", dir, host ? host : "none", i);
	write_result(r, p);
	tach_result_free(r);
	return p;
}

static void add(const char *file, const char *testbed)
{
	run_result r = testbed ? run_tach(ARGV("history", "add", "--db", db, "--testbed", testbed, file),
	                                  NULL, NULL, NULL)
	                       : run_tach(ARGV("history", "add", "--db", db, file), NULL, NULL, NULL);
	cr_assert_eq(r.status, 0, "%s", r.err);
	run_free(&r);
}

Test(cli_testbed, history_list_shows_and_filters_testbeds, .init = setup, .fini = teardown)
{
	add(results("alpha", 0, 1e-3), NULL);
	add(results("beta", 1, 1e-3), "lab-box");
	run_result r = run_tach(ARGV("history", "list", "--db", db), NULL, NULL, NULL);
	cr_expect_eq(r.status, 0, "%s", r.err);
	cr_expect(strstr(r.out, " lab-box "), "%s", r.out);
	cr_expect(strstr(r.out, " alpha-8c-"), "the derived name: %s", r.out);
	run_free(&r);
	r = run_tach(ARGV("history", "list", "--db", db, "--testbed", "lab-box", "--format", "json"),
	             NULL, NULL, NULL);
	cr_expect_eq(r.status, 0, "%s", r.err);
	cr_expect(strstr(r.out, "\"testbed\": \"lab-box\""), "%s", r.out);
	cr_expect(!strstr(r.out, "alpha-8c-"), "filtered: %s", r.out);
	run_free(&r);
	/* the name is checked before anything is stored */
	r = run_tach(ARGV("history", "add", "--db", db, "--testbed", "a b", results("alpha", 2, 1e-3)),
	             NULL, NULL, NULL);
	cr_expect_eq(r.status, 2);
	cr_expect(strstr(r.err, "'a b'") && strstr(r.err, "testbed name"), "%s", r.err);
	run_free(&r);
}

Test(cli_testbed, trend_reads_one_testbed_and_names_the_others, .init = setup,
     .fini = teardown)
{
	/* lab-box steps up 20 %, other-box stays flat */
	for (int i = 0; i < 6; i++) {
		add(results("beta", i, i < 3 ? 1e-3 : 1.2e-3), "lab-box");
		add(results("gamma", i, 1e-3), "other-box");
	}
	run_result r = run_tach(ARGV("trend", "--db", db, "--testbed", "lab-box"), NULL, NULL, NULL);
	cr_expect_eq(r.status, 0, "%s", r.err);
	cr_expect(strstr(r.out, "testbed lab-box\n"), "%s", r.out);
	cr_expect(strstr(r.out, "6 points"), "%s", r.out);
	cr_expect(strstr(r.out, "+20.0"), "the step of lab-box alone: %s", r.out);
	run_free(&r);
	r = run_tach(ARGV("trend", "--db", db, "--testbed", "other-box", "--format", "json"), NULL,
	             NULL, NULL);
	cr_expect_eq(r.status, 0, "%s", r.err);
	cr_expect(strstr(r.out, "\"testbed\": \"other-box\""), "%s", r.out);
	cr_expect(!strstr(r.out, "\"change_points\": [\n        {"), "flat: %s", r.out);
	run_free(&r);
	/* this machine has no runs and there are two testbeds: say which */
	r = run_tach(ARGV("trend", "--db", db), NULL, NULL, NULL);
	cr_expect_eq(r.status, 2, "%s%s", r.out, r.err);
	cr_expect(strstr(r.err, "(this machine)") &&
	          strstr(r.err, "'lab-box' (6 runs), 'other-box' (6 runs)") &&
	          strstr(r.err, "--testbed NAME"),
	          "%s", r.err);
	run_free(&r);
	r = run_tach(ARGV("trend", "--db", db, "--testbed", "nowhere"), NULL, NULL, NULL);
	cr_expect_eq(r.status, 2);
	cr_expect(strstr(r.err, "no runs of testbed 'nowhere'; its testbeds: 'lab-box' (6 runs)"),
	          "%s", r.err);
	run_free(&r);
	char out[200];
	snprintf(out, sizeof out, "%s/report.html", dir);
	r = run_tach(ARGV("report", "--history", "--db", db, "--testbed", "lab-box", "-o", out), NULL,
	             NULL, NULL);
	cr_expect_eq(r.status, 0, "%s", r.err);
	run_free(&r);
	r = run_tach(ARGV("report", "--history", "--db", db, "--testbed", "nowhere", "-o", out), NULL,
	             NULL, NULL);
	cr_expect_eq(r.status, 2);
	cr_expect(strstr(r.err, "no runs of testbed 'nowhere'"), "%s", r.err);
	run_free(&r);
}

Test(cli_testbed, one_testbed_in_the_store_is_the_default, .init = setup, .fini = teardown)
{
	for (int i = 0; i < 3; i++)
		add(results("beta", i, 1e-3), "lab-box");
	run_result r = run_tach(ARGV("trend", "--db", db), NULL, NULL, NULL);
	cr_expect_eq(r.status, 0, "%s", r.err);
	cr_expect(strstr(r.out, "3 points"), "%s", r.out);
	cr_expect(!strstr(r.out, "testbed"), "one testbed: nothing to tell: %s", r.out);
	run_free(&r);
}

Test(cli_testbed, gate_fails_on_different_testbeds_unless_allowed, .init = setup,
     .fini = teardown)
{
	const char *a = results("alpha", 0, 1e-3), *b = results("beta", 1, 1e-3);
	run_result r = run_tach(ARGV("gate", "--no-config", a, b), NULL, NULL, NULL);
	cr_expect_eq(r.status, 1, "%s%s", r.out, r.err);
	cr_expect(strstr(r.out, "FAIL  testbeds differ: base 'alpha-8c-"), "%s", r.out);
	cr_expect(strstr(r.out, "gate: FAILED, 1 of"), "%s", r.out);
	cr_expect(strstr(r.err, "(host 'alpha' and 'beta'), testbeds 'alpha-8c-"), "%s", r.err);
	run_free(&r);
	r = run_tach(ARGV("gate", "--no-config", "--allow-testbed-mismatch", a, b), NULL, NULL, NULL);
	cr_expect_eq(r.status, 0, "%s%s", r.out, r.err);
	cr_expect(strstr(r.out, "warn  testbeds differ"), "%s", r.out);
	cr_expect(strstr(r.out, "gate: passed"), "%s", r.out);
	run_free(&r);
	/* compare only warns */
	r = run_tach(ARGV("compare", "--no-config", a, b), NULL, NULL, NULL);
	cr_expect_eq(r.status, 0, "%s", r.err);
	cr_expect(strstr(r.err, "testbeds 'alpha-8c-"), "%s", r.err);
	run_free(&r);
	/* one machine: no check at all */
	r = run_tach(ARGV("gate", "--no-config", a, results("alpha", 2, 1e-3)), NULL, NULL, NULL);
	cr_expect_eq(r.status, 0, "%s%s", r.out, r.err);
	cr_expect(!strstr(r.out, "testbeds differ") && !strstr(r.err, "testbeds"), "%s%s", r.out,
	          r.err);
	run_free(&r);
}

Test(cli_testbed, run_and_compare_save_with_their_testbed, .init = setup, .fini = teardown)
{
	run_result r = run_tach(ARGV("run", "--runs", "2", "--save", "--db", db, "--testbed",
	                             "ci-box", "--", "true"),
	                        NULL, NULL, NULL);
	cr_expect_eq(r.status, 0, "%s", r.err);
	run_free(&r);
	const char *a = results("alpha", 0, 1e-3), *b = results("alpha", 1, 1e-3);
	r = run_tach(ARGV("compare", "--no-config", "--db", db, "--save", "--testbed", "cmp-box", a, b),
	             NULL, NULL, NULL);
	cr_expect_eq(r.status, 0, "%s", r.err);
	run_free(&r);
	r = run_tach(ARGV("compare", "--no-config", "--testbed", "cmp-box", a, b), NULL, NULL, NULL);
	cr_expect_eq(r.status, 2, "--testbed without --save");
	run_free(&r);
	r = run_tach(ARGV("history", "list", "--db", db), NULL, NULL, NULL);
	cr_expect(strstr(r.out, " ci-box "), "%s", r.out);
	cr_expect(strstr(r.out, " cmp-box "), "%s", r.out);
	run_free(&r);
	r = run_tach(ARGV("run", "--runs", "2", "--testbed", "-bad", "--", "true"), NULL, NULL, NULL);
	cr_expect_eq(r.status, 2);
	cr_expect(strstr(r.err, "testbed name"), "%s", r.err);
	run_free(&r);
}

Test(cli_testbed, benchmark_programs_record_their_testbed, .init = setup, .fini = teardown)
{
	char out[200];
	snprintf(out, sizeof out, "%s/bench.json", dir);
	run_result r = run_exe(TACH_FEATURES_BENCH, ARGV("--filter", "bm_sleep", "--min-time", "1ms", "--max-time", "1s", "--no-alloc", "--out", out, "--testbed",
	                                              "bench-box"),
	                       NULL, NULL, NULL);
	cr_expect_eq(r.status, 0, "%s", r.err);
	run_free(&r);
	tach_result *res = NULL;
	tach_error err;
	cr_assert_eq(tach_result_read_file(out, &res, &err), 0, "%s", err.message);
	cr_expect_str_eq(res->meta.testbed, "bench-box");
	tach_result_free(res);
	r = run_exe(TACH_FEATURES_BENCH, ARGV("--testbed", "a/b"), NULL, NULL, NULL);
	cr_expect_eq(r.status, 2);
	cr_expect(strstr(r.err, "testbed name"), "%s", r.err);
	run_free(&r);
}

/* TACH_TESTBED names the machine of every run measured (CI runners whose
 * host names change per job); --testbed still wins; trend's default is
 * the machine so named; an invalid name is refused before anything runs,
 * by tach and by benchmark programs. */
Test(cli_testbed, testbed_from_the_environment, .init = setup, .fini = teardown)
{
	const char *const env[] = {"TACH_TESTBED=runner-7", NULL};
	run_result r = run_tach(ARGV("run", "--runs", "2", "--save", "--db", db, "--", "true"), NULL,
	                        env, NULL);
	cr_expect_eq(r.status, 0, "%s", r.err);
	run_free(&r);
	r = run_tach(ARGV("run", "--runs", "2", "--save", "--db", db, "--testbed", "given", "--",
	                  "true"),
	             NULL, env, NULL);
	cr_expect_eq(r.status, 0, "%s", r.err);
	run_free(&r);
	r = run_tach(ARGV("history", "list", "--db", db), NULL, NULL, NULL);
	cr_expect(strstr(r.out, " runner-7 "), "%s", r.out);
	cr_expect(strstr(r.out, " given "), "--testbed wins: %s", r.out);
	run_free(&r);
	/* two testbeds in the store, none of them this machine's by its facts:
	 * the environment's name chooses */
	r = run_tach(ARGV("trend", "--db", db, "--format", "json"), NULL, env, NULL);
	cr_expect_eq(r.status, 0, "%s", r.err);
	cr_expect(strstr(r.out, "\"testbed\": \"runner-7\""), "%s", r.out);
	run_free(&r);

	const char *const bad[] = {"TACH_TESTBED=no/slash", NULL};
	r = run_tach(ARGV("run", "--runs", "2", "--save", "--db", db, "--", "true"), NULL, bad, NULL);
	cr_expect_eq(r.status, 2);
	cr_expect(strstr(r.err, "TACH_TESTBED") && strstr(r.err, "testbed name"), "%s", r.err);
	run_free(&r);
	char out[200];
	snprintf(out, sizeof out, "%s/bench.json", dir);
	r = run_exe(TACH_FEATURES_BENCH, ARGV("--filter", "bm_sleep", "--out", out), NULL, bad, NULL);
	cr_expect_eq(r.status, 2);
	cr_expect(strstr(r.err, "TACH_TESTBED"), "%s", r.err);
	cr_expect_neq(access(out, F_OK), 0, "nothing measured");
	run_free(&r);
	r = run_exe(TACH_FEATURES_BENCH, ARGV("--filter", "bm_sleep", "--min-time", "1ms",
	                                      "--max-time", "1s", "--no-alloc", "--out", out),
	            NULL, env, NULL);
	cr_expect_eq(r.status, 0, "%s", r.err);
	run_free(&r);
	tach_result *res = NULL;
	tach_error err;
	cr_assert_eq(tach_result_read_file(out, &res, &err), 0, "%s", err.message);
	cr_expect_str_eq(res->meta.testbed, "runner-7");
	tach_result_free(res);
}
