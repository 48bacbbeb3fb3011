/* test_compare.c - the decision rule on samples whose truth is known,
 * matching by name and parameters, Holm, the confirmation pass and the
 * gate config. */
#include <criterion/criterion.h>
#include <math.h>
#include <string.h>

#include "tach/tach.h"
#include "compare_testutil.h"

static tach_verdict verdict_of(tach_result *a, tach_result *b, const tach_compare_opts *o)
{
	tach_comparison *c;
	cr_assert_eq(tach_compare(a, b, o, &c), 0);
	cr_assert_eq(c->n_rows, 1);
	tach_verdict v = c->rows[0].verdict;
	tach_comparison_free(c);
	return v;
}

Test(compare, five_percent_regression_at_one_percent_noise_is_caught)
{
	tach_result *a = one("bm", "time", TACH_LOWER_IS_BETTER, 20, 1e-3, 0.01, 1);
	tach_result *b = one("bm", "time", TACH_LOWER_IS_BETTER, 20, 1.05e-3, 0.01, 2);
	tach_comparison *c;
	cr_assert_eq(tach_compare(a, b, NULL, &c), 0);
	const tach_compare_row *r = &c->rows[0];
	cr_expect_eq(r->verdict, TACH_REGRESSED);
	cr_expect(r->ratio > 1.03 && r->ratio < 1.07, "ratio %g", r->ratio);
	cr_expect(r->ratio_lo < r->ratio && r->ratio < r->ratio_hi);
	cr_expect(r->p_adjusted < 0.01);
	cr_expect_eq(r->gate, 1, "any regression fails by default");
	cr_expect_eq(c->n_failed, 1);
	cr_expect_eq(c->counts[TACH_REGRESSED], 1);
	cr_expect_eq(c->n_geomeans, 1);
	cr_expect_float_eq(c->geomeans[0].ratio, r->ratio, 1e-12);
	tach_comparison_free(c);
	/* the same change in the other direction is an improvement */
	cr_expect_eq(verdict_of(b, a, NULL), TACH_IMPROVED);
	tach_result_free(a);
	tach_result_free(b);
}

Test(compare, throughput_up_is_an_improvement)
{
	tach_result *a = one("bm", "items_per_second", TACH_HIGHER_IS_BETTER, 20, 1e6, 0.01, 3);
	tach_result *b = one("bm", "items_per_second", TACH_HIGHER_IS_BETTER, 20, 1.05e6, 0.01, 4);
	cr_expect_eq(verdict_of(a, b, NULL), TACH_IMPROVED);
	cr_expect_eq(verdict_of(b, a, NULL), TACH_REGRESSED);
	tach_result_free(a);
	tach_result_free(b);
}

Test(compare, identical_runs_are_same_and_noisy_small_runs_inconclusive)
{
	tach_result *a = one("bm", "time", TACH_LOWER_IS_BETTER, 30, 1e-3, 0.002, 5);
	tach_result *b = one("bm", "time", TACH_LOWER_IS_BETTER, 30, 1e-3, 0.002, 6);
	cr_expect_eq(verdict_of(a, b, NULL), TACH_SAME, "a narrow interval inside +-1%%");
	tach_result_free(a);
	tach_result_free(b);
	a = one("bm", "time", TACH_LOWER_IS_BETTER, 5, 1e-3, 0.05, 7);
	b = one("bm", "time", TACH_LOWER_IS_BETTER, 5, 1.02e-3, 0.05, 8);
	tach_comparison *c;
	cr_assert_eq(tach_compare(a, b, NULL, &c), 0);
	cr_expect_eq(c->rows[0].verdict, TACH_INCONCLUSIVE);
	cr_expect_gt(c->rows[0].n_needed, 5, "says how many samples would decide it");
	cr_expect_eq(c->n_failed, 0);
	tach_comparison_free(c);
	tach_result_free(a);
	tach_result_free(b);
}

Test(compare, a_change_below_the_minimum_effect_is_same)
{
	/* 0.5 % with very little noise: significant, but below 1 % */
	tach_result *a = one("bm", "time", TACH_LOWER_IS_BETTER, 30, 1e-3, 0.0005, 9);
	tach_result *b = one("bm", "time", TACH_LOWER_IS_BETTER, 30, 1.005e-3, 0.0005, 10);
	cr_expect_eq(verdict_of(a, b, NULL), TACH_SAME);
	tach_compare_opts o = {.rule = tach_compare_rule_default()};
	o.rule.min_effect = 0.002;
	cr_expect_eq(verdict_of(a, b, &o), TACH_REGRESSED, "with a 0.2 %% minimum effect");
	tach_result_free(a);
	tach_result_free(b);
}

Test(compare, single_samples_and_zeros_never_fail)
{
	tach_result *a = one("bm", "time", TACH_LOWER_IS_BETTER, 1, 1e-3, 0, 1);
	tach_result *b = one("bm", "time", TACH_LOWER_IS_BETTER, 1, 2e-3, 0, 1);
	tach_comparison *c;
	cr_assert_eq(tach_compare(a, b, NULL, &c), 0);
	cr_expect_eq(c->rows[0].verdict, TACH_INCONCLUSIVE);
	cr_expect(c->rows[0].flags & TACH_ROW_SINGLE);
	cr_expect_eq(c->n_failed, 0);
	cr_expect_eq(c->n_geomeans, 0, "single samples stay out of the geometric mean");
	tach_comparison_free(c);
	tach_result_free(a);
	tach_result_free(b);
	a = one("bm", "allocs_per_op", TACH_LOWER_IS_BETTER, 10, 0, 0, 1);
	b = one("bm", "allocs_per_op", TACH_LOWER_IS_BETTER, 10, 0, 0, 1);
	cr_assert_eq(tach_compare(a, b, NULL, &c), 0);
	cr_expect_eq(c->rows[0].verdict, TACH_SAME);
	cr_expect(c->rows[0].flags & TACH_ROW_ZERO);
	cr_expect_eq(c->n_geomeans, 0);
	tach_comparison_free(c);
	tach_result_free(a);
	tach_result_free(b);
}

Test(compare, deterministic_counts_use_the_threshold)
{
	tach_result *a = tach_result_new(), *b = tach_result_new();
	tach_metric *ma = tach_benchmark_add_metric(tach_result_add_benchmark(a, "loop"),
	                                            "instructions", "count", TACH_LOWER_IS_BETTER);
	tach_metric *mb = tach_benchmark_add_metric(tach_result_add_benchmark(b, "loop"),
	                                            "instructions", "count", TACH_LOWER_IS_BETTER);
	ma->flags = mb->flags = TACH_METRIC_DETERMINISTIC;
	tach_metric_add_sample(ma, 100000);
	tach_metric_add_sample(mb, 101000); /* 1 %: one sample each is enough */
	cr_expect_eq(verdict_of(a, b, NULL), TACH_REGRESSED);
	mb->samples[0] = 100300; /* 0.3 %: under the 0.5 % threshold */
	cr_expect_eq(verdict_of(a, b, NULL), TACH_SAME);
	tach_result_free(a);
	tach_result_free(b);
}

Test(compare, matching_by_name_and_parameters_new_gone_and_failures)
{
	tach_result *a = tach_result_new(), *b = tach_result_new();
	tach_benchmark *x = tach_result_add_benchmark(a, "bm");
	tach_kvlist_set(&x->params, "size", "64");
	tach_kvlist_set(&x->params, "threads", "2");
	fill(tach_benchmark_add_metric(x, "time", "s", TACH_LOWER_IS_BETTER), 10, 1, 0.01, 1);
	tach_benchmark *y = tach_result_add_benchmark(b, "bm");
	tach_kvlist_set(&y->params, "threads", "2"); /* another order: the same benchmark */
	tach_kvlist_set(&y->params, "size", "64");
	fill(tach_benchmark_add_metric(y, "time", "s", TACH_LOWER_IS_BETTER), 10, 1, 0.01, 2);
	tach_result_add_benchmark(a, "gone_one");
	tach_benchmark *f = tach_result_add_benchmark(b, "fails_now");
	tach_meta_set(&f->error, "segfault");
	tach_benchmark *f0 = tach_result_add_benchmark(a, "fails_now");
	fill(tach_benchmark_add_metric(f0, "time", "s", TACH_LOWER_IS_BETTER), 10, 1, 0.01, 3);
	tach_result_add_benchmark(b, "brand_new");
	tach_comparison *c;
	cr_assert_eq(tach_compare(a, b, NULL, &c), 0);
	cr_assert_eq(c->n_rows, 4);
	cr_expect_str_eq(c->rows[0].metric, "time");
	cr_expect_neq(c->rows[0].verdict, TACH_NEW);
	cr_expect_eq(c->rows[1].verdict, TACH_REGRESSED, "a benchmark that fails now regressed");
	cr_expect(c->rows[1].flags & TACH_ROW_ERROR);
	cr_expect_eq(c->rows[2].verdict, TACH_NEW);
	cr_expect_eq(c->rows[3].verdict, TACH_GONE);
	cr_expect_eq(c->n_failed, 1);
	tach_comparison_free(c);
	tach_result_free(a);
	tach_result_free(b);
}

Test(compare, holm_adjusts_over_the_whole_suite)
{
	/* 50 benchmarks: one clearly slower, the rest equal */
	tach_result *a = tach_result_new(), *b = tach_result_new();
	for (int i = 0; i < 50; i++) {
		char name[16];
		snprintf(name, sizeof name, "bm%d", i);
		fill(tach_benchmark_add_metric(tach_result_add_benchmark(a, name), "time", "s",
		                               TACH_LOWER_IS_BETTER), 20, 1e-3, 0.01, 100 + i);
		fill(tach_benchmark_add_metric(tach_result_add_benchmark(b, name), "time", "s",
		                               TACH_LOWER_IS_BETTER), 20, i == 7 ? 1.1e-3 : 1e-3, 0.01,
		     200 + i);
	}
	tach_comparison *c;
	cr_assert_eq(tach_compare(a, b, NULL, &c), 0);
	cr_expect_eq(c->n_tested, 50);
	for (size_t i = 0; i < c->n_rows; i++) {
		cr_expect_geq(c->rows[i].p_adjusted, c->rows[i].p);
		cr_expect_leq(c->rows[i].p_adjusted, 1);
		cr_expect_eq(c->rows[i].verdict == TACH_REGRESSED, i == 7, "row %zu: %s", i,
		             tach_verdict_name(c->rows[i].verdict));
	}
	tach_comparison_free(c);
	tach_result_free(a);
	tach_result_free(b);
}

Test(compare, confirmation_keeps_only_reproduced_changes)
{
	tach_result *a = one("bm", "time", TACH_LOWER_IS_BETTER, 20, 1e-3, 0.01, 1);
	tach_result *b = one("bm", "time", TACH_LOWER_IS_BETTER, 20, 1.05e-3, 0.01, 2);
	tach_result *a2 = one("bm", "time", TACH_LOWER_IS_BETTER, 20, 1e-3, 0.01, 3);
	tach_result *b2 = one("bm", "time", TACH_LOWER_IS_BETTER, 20, 1e-3, 0.01, 4);
	tach_comparison *c, *again;
	cr_assert_eq(tach_compare(a, b, NULL, &c), 0);
	cr_assert_eq(tach_compare(a2, b2, NULL, &again), 0);
	cr_expect_eq(c->rows[0].verdict, TACH_REGRESSED);
	cr_assert_eq(tach_comparison_confirm(c, again), 0);
	cr_expect_neq(c->rows[0].verdict, TACH_REGRESSED, "did not reproduce");
	cr_expect_eq(c->n_failed, 0);
	tach_comparison_free(c);
	tach_comparison_free(again);
	tach_result_free(a);
	tach_result_free(b);
	tach_result_free(a2);
	tach_result_free(b2);
}

Test(compare, ten_thousand_benchmarks)
{
	tach_result *a = tach_result_new(), *b = tach_result_new();
	for (int i = 0; i < 10000; i++) {
		char name[32];
		snprintf(name, sizeof name, "bm/%d", i);
		fill(tach_benchmark_add_metric(tach_result_add_benchmark(a, name), "time", "s",
		                               TACH_LOWER_IS_BETTER), 5, 1e-3, 0.01, (uint64_t)i);
		fill(tach_benchmark_add_metric(tach_result_add_benchmark(b, name), "time", "s",
		                               TACH_LOWER_IS_BETTER), 5, 1e-3, 0.01, (uint64_t)i + 7);
	}
	tach_comparison *c;
	cr_assert_eq(tach_compare(a, b, NULL, &c), 0);
	cr_expect_eq(c->n_rows, 10000);
	cr_expect_eq(c->counts[TACH_REGRESSED], 0, "no false alarm in an A/A suite");
	cr_expect_eq(c->counts[TACH_NEW] + c->counts[TACH_GONE], 0, "all matched");
	tach_comparison_free(c);
	tach_result_free(a);
	tach_result_free(b);
}

/* ---- the gate config ---- */

Test(gate, rules_apply_in_file_order)
{
	tach_error err;
	tach_gate_config *cfg = parse("# defaults\n"
	                              "[compare]\n"
	                              "\talpha = 0.005\n"
	                              "\tmax-regression = 2%\n"
	                              "[metric \"peak_rss\"]\n"
	                              "\tmin-effect = 5%   ; memory is noisier\n"
	                              "[bench \"BM_hash*\"]\n"
	                              "\tmetric = time\n"
	                              "\tmax-regression = 10%\n"
	                              "\trequired = false\n",
	                              &err);
	cr_assert(cfg, "%u:%u: %s", err.line, err.column, err.message);
	tach_benchmark b = {.name = "BM_hash/64"}, other = {.name = "BM_sort"};
	tach_compare_rule r = tach_compare_rule_default();
	tach_gate_config_rule(cfg, &b, "time", &r);
	cr_expect_float_eq(r.alpha, 0.005, 1e-15);
	cr_expect_float_eq(r.max_regression, 0.10, 1e-15);
	cr_expect_eq(r.required, 0);
	r = tach_compare_rule_default();
	tach_gate_config_rule(cfg, &b, "peak_rss", &r);
	cr_expect_float_eq(r.min_effect, 0.05, 1e-15);
	cr_expect_float_eq(r.max_regression, 0.02, 1e-15, "the bench section is for time only");
	cr_expect_eq(r.required, 1);
	r = tach_compare_rule_default();
	tach_gate_config_rule(cfg, &other, "time", &r);
	cr_expect_float_eq(r.max_regression, 0.02, 1e-15);
	tach_gate_config_free(cfg);
}

Test(gate, errors_are_placed)
{
	static const struct {
		const char *text;
		unsigned line, column;
		const char *says;
	} bad[] = {
		{"[compare]\nalpha = 2\n", 2, 9, "alpha"},
		{"[compare]\n  min-effect = 5\n", 2, 16, "percentage"},
		{"[nope]\n", 1, 2, "unknown section"},
		{"[bench \"x]\n", 1, 11, "unterminated"},
		{"alpha = 0.01\n", 1, 1, "before any section"},
		{"[compare]\nspeed = fast\n", 2, 1, "unknown key"},
		{"[bench \"a\"]\ntarget = time ~ 2ms\n", 2, 10, "expected <"},
		{"[bench \"a\"]\ntarget = time < 2 parsecs\n", 2, 17, "unit"},
		/* a value of the wrong kind for a well-known metric, at the value */
		{"[bench \"a\"]\ntarget = time < 2MB\n", 2, 17, "'2MB' is a size; write a duration"},
		{"[bench \"a\"]\ntarget = time < 50%\n", 2, 17, "is a percentage; write a duration"},
		{"[bench \"a\"]\ntarget = time < 2M\n", 2, 17, "an SI multiple; write a duration"},
		{"[bench \"a\"]\n  target = bytes_per_second > 5ms\n", 2, 31, "duration; write a rate"},
		{"[bench \"a\"]\ntarget = peak_rss < 5k/s\n", 2, 21, "rate; write a size"},
		{"[bench \"a\"]\ntarget = cpu_percent < 2s\n", 2, 24, "write a percentage"},
		{"[compare]\nrequired = maybe\n", 2, 12, "true or false"},
	};
	for (size_t i = 0; i < sizeof bad / sizeof *bad; i++) {
		tach_error err;
		tach_gate_config *cfg = parse(bad[i].text, &err);
		cr_expect_null(cfg, "%s", bad[i].text);
		cr_expect_eq(err.line, bad[i].line, "%s: line %u", bad[i].text, err.line);
		cr_expect_eq(err.column, bad[i].column, "%s: column %u", bad[i].text, err.column);
		cr_expect(strstr(err.message, bad[i].says), "%s: %s", bad[i].text, err.message);
		cr_expect_str_eq(err.file, "tach.conf");
		tach_gate_config_free(cfg);
	}
}

Test(gate, targets_check_candidate_medians)
{
	tach_error err;
	tach_gate_config *cfg = parse("[bench \"fast*\"]\n"
	                              "target = time < 2ms\n"
	                              "target = items_per_second >= 50M\n"
	                              "[bench \"renamed\"]\n"
	                              "target = time < 1s\n"
	                              "required = false\n",
	                              &err);
	cr_assert(cfg, "%s", err.message);
	tach_result *r = tach_result_new();
	tach_benchmark *b = tach_result_add_benchmark(r, "fast_path");
	fill(tach_benchmark_add_metric(b, "time", "s", TACH_LOWER_IS_BETTER), 5, 1.5e-3, 0.01, 1);
	fill(tach_benchmark_add_metric(b, "items_per_second", "/s", TACH_HIGHER_IS_BETTER), 5, 40e6,
	     0.01, 2);
	tach_gate_checks checks;
	cr_assert_eq(tach_gate_check_targets(cfg, r, &checks, NULL), 0);
	cr_assert_eq(checks.n, 3);
	cr_expect(checks.items[0].passed, "1.5 ms < 2 ms");
	cr_expect_not(checks.items[1].passed, "40M < 50M");
	cr_expect_null(checks.items[2].bench, "the renamed benchmark matched nothing");
	cr_expect_not(checks.items[2].passed);
	cr_expect_eq(checks.n_failed, 1);
	cr_expect_eq(checks.n_warned, 1, "required = false only warns");
	tach_gate_checks_release(&checks);
	tach_gate_config_free(cfg);
	tach_result_free(r);
}

/* ---- issue 17: input a comparison cannot use whole ---- */

Test(compare, duplicates_on_either_side_are_refused_and_named)
{
	tach_result *a = one("bm", "time", TACH_LOWER_IS_BETTER, 10, 1e-3, 0.01, 1);
	tach_result *b = one("bm", "time", TACH_LOWER_IS_BETTER, 10, 1e-3, 0.01, 2);
	size_t i = 99, k = 99;
	cr_expect_eq(tach_result_duplicate(a, &i, &k), 0);
	/* built in memory: a second "bm" with the parameters in another order
	 * is the same benchmark */
	tach_benchmark *x = tach_result_add_benchmark(a, "other");
	tach_kvlist_set(&x->params, "n", "1");
	tach_kvlist_set(&x->params, "m", "2");
	tach_benchmark *y = tach_result_add_benchmark(a, "other");
	tach_kvlist_set(&y->params, "m", "2");
	tach_kvlist_set(&y->params, "n", "1");
	cr_assert_eq(tach_result_duplicate(a, &i, &k), 1);
	cr_expect_eq(i, 1);
	cr_expect_eq(k, 2);
	tach_comparison *c = (tach_comparison *)&c;
	cr_expect_eq(tach_compare(a, b, NULL, &c), TACH_EINVAL, "a duplicate in the base");
	cr_expect_null(c);
	cr_expect_eq(tach_compare(b, a, NULL, &c), TACH_EINVAL, "a duplicate in the candidate");
	cr_expect_null(c);
	/* other parameters make another benchmark */
	tach_kvlist_set(&y->params, "n", "3");
	cr_expect_eq(tach_result_duplicate(a, &i, &k), 0);
	cr_assert_eq(tach_compare(a, b, NULL, &c), 0);
	tach_comparison_free(c);
	tach_result_free(a);
	tach_result_free(b);
}

/* A target on a custom metric meets its unit only in the candidate: a
 * value of another kind is an error placed at the target in the file. */
Test(gate, target_units_of_custom_metrics_are_checked_against_the_candidate)
{
	tach_error err;
	tach_gate_config *cfg = parse("[compare]\n"
	                              "[bench \"a*\"]\n"
	                              "  target = msgs > 5ms\n",
	                              &err);
	cr_assert(cfg, "%s", err.message);
	tach_result *r = tach_result_new();
	tach_benchmark *b = tach_result_add_benchmark(r, "a1");
	fill(tach_benchmark_add_metric(b, "msgs", "msg/s", TACH_HIGHER_IS_BETTER), 5, 1e3, 0.01, 1);
	tach_gate_checks checks = {.n = 7};
	memset(&err, 0, sizeof err);
	cr_expect_eq(tach_gate_check_targets(cfg, r, &checks, &err), TACH_EFORMAT);
	cr_expect_eq(checks.n, 0);
	cr_expect_str_eq(err.file, "tach.conf");
	cr_expect_eq(err.line, 3);
	cr_expect_eq(err.column, 19, "at the value");
	cr_expect(strstr(err.message, "msgs of 'a1' is measured in msg/s"), "%s", err.message);
	cr_expect(strstr(err.message, "write a rate"), "%s", err.message);
	tach_gate_config_free(cfg);
	/* values that fit: a rate, an SI multiple, a plain number */
	cfg = parse("[bench \"a*\"]\n"
	            "target = msgs > 5k/s\n"
	            "target = msgs > 500\n"
	            "target = msgs < 2k\n"
	            "target = time < 0.5\n"
	            "target = items_per_second > 50M\n",
	            &err);
	cr_assert(cfg, "%s", err.message);
	cr_assert_eq(tach_gate_check_targets(cfg, r, &checks, &err), 0, "%s", err.message);
	cr_expect_eq(checks.n, 5);
	cr_expect_not(checks.items[0].passed, "1000/s is not above 5000/s");
	cr_expect(checks.items[1].passed);
	cr_expect(checks.items[2].passed);
	tach_gate_checks_release(&checks);
	tach_gate_config_free(cfg);
	tach_result_free(r);
}

Test(gate, bench_sections_name_the_benchmarks_they_match)
{
	tach_error err;
	tach_gate_config *cfg = parse("[compare]\n"
	                              "[bench \"BM_*\"]\n"
	                              "[metric \"time\"]\n"
	                              "[bench \"BM_hash*\"]\n"
	                              "required = false\n",
	                              &err);
	cr_assert(cfg, "%s", err.message);
	tach_benchmark hash = {.name = "BM_hash/64"}, sort = {.name = "BM_sort"},
	               other = {.name = "other"};
	const char *pattern = NULL;
	unsigned line = 0;
	cr_expect_eq(tach_gate_config_names(cfg, &hash, &pattern, &line), 1);
	cr_expect_str_eq(pattern, "BM_hash*", "the last matching section");
	cr_expect_eq(line, 4);
	cr_expect_eq(tach_gate_config_names(cfg, &sort, &pattern, &line), 1);
	cr_expect_str_eq(pattern, "BM_*");
	cr_expect_eq(line, 2);
	cr_expect_eq(tach_gate_config_names(cfg, &other, &pattern, &line), 0,
	             "[compare] and [metric] name no benchmark");
	cr_expect_str_eq(tach_gate_config_name(cfg), "tach.conf");
	tach_gate_config_free(cfg);
}

/* A pull request's comment names both runs: commit, branch, when and
 * where each was measured, escaped; a side that knows none of it is left
 * out, and so is the line when neither does. */
Test(compare, markdown_names_both_runs)
{
	tach_result *a = one("BM_x", "time", TACH_LOWER_IS_BETTER, 20, 1e-3, 0.01, 1);
	tach_result *b = one("BM_x", "time", TACH_LOWER_IS_BETTER, 20, 1.1e-3, 0.01, 2);
	tach_meta_set(&a->meta.git_commit, "0123456789abcdef0123456789abcdef01234567");
	tach_meta_set(&a->meta.git_branch, "main");
	tach_meta_set(&a->meta.timestamp, "2026-12-06T10:00:00Z");
	tach_meta_set(&a->meta.testbed, "ci-1");
	tach_meta_set(&b->meta.git_commit, "fedcba9876543210fedcba9876543210fedcba98");
	tach_meta_set(&b->meta.git_branch, "fix|<b>");
	tach_meta_set(&b->meta.timestamp, "2026-12-07T11:00:00Z");
	tach_meta_set(&b->meta.testbed, "ci-1");
	tach_comparison *c;
	cr_assert_eq(tach_compare(a, b, NULL, &c), 0);
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);
	cr_assert_eq(tach_report_comparison(f, c, "a", "b", TACH_REPORT_MARKDOWN, NULL), 0);
	fclose(f);
	cr_expect(strstr(buf, "\n\n**base** commit `0123456789abcdef0123456789abcdef01234567` (main), "
	                      "measured 2026-12-06T10:00:00Z on ci-1  \n"),
	          "%s", buf);
	cr_expect(strstr(buf, "**cand** commit `fedcba9876543210fedcba9876543210fedcba98` "
	                      "(fix\\|&lt;b&gt;), measured 2026-12-07T11:00:00Z on ci-1  \n"),
	          "%s", buf);
	free(buf);
	tach_comparison_free(c);
	/* neither side knows where or when: no such line */
	tach_result *x = one("BM_x", "time", TACH_LOWER_IS_BETTER, 20, 1e-3, 0.01, 1);
	tach_result *y = one("BM_x", "time", TACH_LOWER_IS_BETTER, 20, 1e-3, 0.01, 2);
	cr_assert_eq(tach_compare(x, y, NULL, &c), 0);
	f = open_memstream(&buf, &len);
	cr_assert_eq(tach_report_comparison(f, c, "x", "y", TACH_REPORT_MARKDOWN, NULL), 0);
	fclose(f);
	cr_expect(!strstr(buf, "**base**") && !strstr(buf, "**cand**"), "%s", buf);
	free(buf);
	tach_comparison_free(c);
	tach_result_free(a);
	tach_result_free(b);
	tach_result_free(x);
	tach_result_free(y);
}
