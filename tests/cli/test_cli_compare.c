/* test_cli_compare.c - `tach compare` and `tach gate` as a user runs
 * them: exit statuses, the summary line first, escaping in every output
 * format, placed errors, the gate config, and a real --run. */
#include <criterion/criterion.h>
#include <jansson.h>
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "tach/tach.h"
#include "run.h"

#define ARGV(...) ((const char *const[]){__VA_ARGS__, NULL})

/* A results file with one benchmark `name`, 20 samples of time around
 * `center` (1 % spread), written by the library so it is valid. */
static const char *results(const char *name, double center, int seed)
{
	tach_result *r = tach_result_new();
	tach_meta_set(&r->meta.tool, "tach");
	tach_meta_set(&r->meta.timestamp, "2026-11-23T10:00:00Z");
	tach_benchmark *b = tach_result_add_benchmark(r, name);
	tach_metric *m = tach_benchmark_add_metric(b, "time", "s", TACH_LOWER_IS_BETTER);
	tach_rng rng;
	tach_rng_seed(&rng, (uint64_t)seed);
	for (int i = 0; i < 20; i++)
		tach_metric_add_sample(m, center * exp(0.01 * tach_norm_ppf(0.02 + 0.96 * tach_rng_uniform(&rng))));
	const char *path = write_result(r, NULL);
	tach_result_free(r);
	return path;
}

Test(cli_compare, regression_exits_1_and_same_exits_0)
{
	const char *a = results("BM_copy", 1e-3, 1), *b = results("BM_copy", 1.05e-3, 2);
	const char *c = results("BM_copy", 1e-3, 3);
	run_result r = run_tach(ARGV("compare", "--no-config", a, b), NULL, NULL, NULL);
	cr_expect_eq(r.status, 1, "%s%s", r.out, r.err);
	cr_expect(strstr(r.out, "1 regressed"), "%s", r.out);
	cr_expect(strstr(r.out, "regressed"), "%s", r.out);
	run_free(&r);
	r = run_tach(ARGV("compare", "--no-config", "--max-regression", "10%", a, b), NULL, NULL, NULL);
	cr_expect_eq(r.status, 0, "within the allowed regression: %s", r.out);
	run_free(&r);
	r = run_tach(ARGV("compare", "--no-config", "--warn-only", a, b), NULL, NULL, NULL);
	cr_expect_eq(r.status, 0);
	cr_expect(strstr(r.err, "warn-only"), "%s", r.err);
	run_free(&r);
	r = run_tach(ARGV("compare", "--no-config", a, c), NULL, NULL, NULL);
	cr_expect_eq(r.status, 0, "%s", r.out);
	run_free(&r);
}

Test(cli_compare, markdown_leads_with_the_summary_and_escapes_names)
{
	const char *evil = "x<script>alert('1')</script>&\"|`*_\n\xe2\x80\xae" "evil";
	const char *a = results(evil, 1e-3, 1), *b = results(evil, 1.05e-3, 2);
	run_result r = run_tach(ARGV("compare", "--no-config", "-f", "markdown", a, b), NULL, NULL, NULL);
	cr_expect_eq(r.status, 1);
	cr_expect(!strncmp(r.out, "**1 regressed**", 15), "%s", r.out);
	cr_expect(strstr(r.out, "<details>"));
	cr_expect_null(strstr(r.out, "<script>"), "%s", r.out);
	run_free(&r);
	r = run_tach(ARGV("compare", "--no-config", "-f", "junit", a, b), NULL, NULL, NULL);
	cr_expect_eq(r.status, 1);
	cr_expect(strstr(r.out, "<failure "), "%s", r.out);
	cr_expect(strstr(r.out, "x&lt;script&gt;alert(&#39;1&#39;)&lt;/script&gt;&amp;&quot;"), "%s", r.out);
	cr_expect_null(strstr(r.out, "<script>"));
	run_free(&r);
	r = run_tach(ARGV("compare", "--no-config", "-f", "json", a, b), NULL, NULL, NULL);
	cr_expect_eq(r.status, 1);
	json_t *root = json_loads(r.out, 0, NULL);
	cr_assert(root, "%s", r.out);
	json_t *row = json_array_get(json_object_get(root, "rows"), 0);
	cr_expect_str_eq(json_string_value(json_object_get(row, "name")), evil);
	cr_expect_str_eq(json_string_value(json_object_get(row, "verdict")), "regressed");
	cr_expect_eq(json_integer_value(json_object_get(json_object_get(root, "summary"), "regressed")), 1);
	json_decref(root);
	run_free(&r);
	r = run_tach(ARGV("compare", "--no-config", a, b), NULL, NULL, NULL);
	cr_expect_null(strchr(r.out, '\x1b'), "no raw escapes from a name on the terminal");
	run_free(&r);
}

Test(cli_compare, bad_input_exits_2_with_a_place)
{
	const char *a = results("BM", 1e-3, 1);
	const char *bad = temp_file("{\"format\": 1, \"benchmarks\": [\n  {\"name\": }]}", ".json");
	run_result r = run_tach(ARGV("compare", "--no-config", a, bad), NULL, NULL, NULL);
	cr_expect_eq(r.status, 2);
	cr_expect(strstr(r.err, ":2:"), "%s", r.err);
	run_free(&r);
	r = run_tach(ARGV("compare", "--no-config", "--alpha", "7", a, a), NULL, NULL, NULL);
	cr_expect_eq(r.status, 2);
	cr_expect(strstr(r.err, "--alpha"), "%s", r.err);
	run_free(&r);
	r = run_tach(ARGV("compare", a), NULL, NULL, NULL);
	cr_expect_eq(r.status, 2);
	run_free(&r);
	const char *conf = temp_file("[compare]\nmin-effect = lots\n", ".conf");
	r = run_tach(ARGV("compare", "--config", conf, a, a), NULL, NULL, NULL);
	cr_expect_eq(r.status, 2);
	cr_expect(strstr(r.err, ".conf:2:14: min-effect"), "%s", r.err);
	run_free(&r);
}

Test(cli_compare, gate_checks_targets_and_regressions)
{
	const char *a = results("BM_fast", 1e-3, 1), *b = results("BM_fast", 1.05e-3, 2);
	const char *pass = temp_file("[bench \"BM_*\"]\ntarget = time < 2ms\nmax-regression = 10%\n", ".conf");
	const char *fail = temp_file("[bench \"BM_*\"]\ntarget = time < 500us\n", ".conf");
	run_result r = run_tach(ARGV("gate", "--config", pass, a, b), NULL, NULL, NULL);
	cr_expect_eq(r.status, 0, "%s%s", r.out, r.err);
	cr_expect(strstr(r.out, "pass  time < 2ms"), "%s", r.out);
	cr_expect(strstr(r.out, "gate: passed"), "%s", r.out);
	run_free(&r);
	r = run_tach(ARGV("gate", "--config", fail, b), NULL, NULL, NULL);
	cr_expect_eq(r.status, 1, "%s%s", r.out, r.err);
	cr_expect(strstr(r.out, "FAIL  time < 500us"), "%s", r.out);
	run_free(&r);
	r = run_tach(ARGV("gate", "--config", fail, "--warn-only", b), NULL, NULL, NULL);
	cr_expect_eq(r.status, 0);
	run_free(&r);
	r = run_tach(ARGV("gate", "--no-config", b), NULL, NULL, NULL);
	cr_expect_eq(r.status, 2, "nothing to check");
	run_free(&r);
}

Test(cli_compare, run_measures_two_commands_interleaved)
{
	char base[512], cand[512];
	snprintf(base, sizeof base, "%s --burn 2", TACH_TESTPROG);
	snprintf(cand, sizeof cand, "%s --burn 2", TACH_TESTPROG);
	run_result r = run_tach(ARGV("compare", "--no-config", "--run", "--min-runs", "5",
	                             "--max-runs", "10", "-f", "json", base, cand), NULL, NULL, NULL);
	cr_expect_eq(r.status, 0, "%s%s", r.out, r.err);
	json_t *root = json_loads(r.out, 0, NULL);
	cr_assert(root, "%s %s", r.out, r.err);
	json_t *rows = json_object_get(root, "rows");
	cr_expect_geq(json_array_size(rows), 1);
	json_t *row = json_array_get(rows, 0);
	cr_expect_str_eq(json_string_value(json_object_get(row, "metric")), "time");
	cr_expect_geq(json_integer_value(json_object_get(row, "n_base")), 5);
	cr_expect_neq(strcmp(json_string_value(json_object_get(row, "verdict")), "regressed"), 0);
	json_decref(root);
	run_free(&r);
	snprintf(cand, sizeof cand, "%s --exit 3", TACH_TESTPROG);
	r = run_tach(ARGV("compare", "--no-config", "--run", base, cand), NULL, NULL, NULL);
	cr_expect_eq(r.status, 2, "a failing command is an error");
	cr_expect(strstr(r.err, "exited with code 3"), "%s", r.err);
	run_free(&r);
}

Test(cli_compare, suite_compares_every_benchmark_of_two_programs)
{
	const char *prog = TACH_BUILD_ROOT "/examples/example_minimal";
	run_result r = run_tach(ARGV("compare", "--no-config", "--run", "--suite", "--reps", "2",
	                             "--min-runs", "4", "--max-runs", "4", "-f", "json", prog, prog),
	                        NULL, NULL, NULL);
	cr_expect_eq(r.status, 0, "%s%s", r.out, r.err);
	json_t *root = json_loads(r.out, 0, NULL);
	cr_assert(root, "%s %s", r.out, r.err);
	json_t *row = json_array_get(json_object_get(root, "rows"), 0);
	cr_expect_str_eq(json_string_value(json_object_get(row, "name")), "bm_fib");
	cr_expect_eq(json_integer_value(json_object_get(row, "n_base")), 4, "2 runs x 2 reps");
	json_decref(root);
	run_free(&r);
	r = run_tach(ARGV("compare", "--no-config", "--run", "--suite", "/bin/true", prog), NULL,
	             NULL, NULL);
	cr_expect_eq(r.status, 2);
	cr_expect(strstr(r.err, "neither a tach benchmark program"), "%s", r.err);
	run_free(&r);
}
