/* test_gate_rules.c - issue 19 item 10: the gate's required improvement
 * (min-improvement, read at the worse end of the interval) and stability
 * (max-cv, the candidate samples' classic CV): parsed from tach.conf with
 * placed errors, applied per metric and benchmark glob, decided per row,
 * and checked on a candidate alone. */
#include <criterion/criterion.h>
#include <math.h>
#include <string.h>

#include "tach/tach.h"
#include "compare_testutil.h"

/* The one row of base against cand under the config's rules. */
static tach_comparison *compare_with(const tach_result *base, const tach_result *cand,
                                     const tach_gate_config *cfg)
{
	tach_compare_opts o = {.rule = tach_compare_rule_default(),
	                       .rule_for = tach_gate_config_rule, .ctx = (void *)cfg};
	tach_comparison *c = NULL;
	cr_assert_eq(tach_compare(base, cand, &o, &c), 0);
	cr_assert_eq(c->n_rows, 1);
	return c;
}

Test(gate_rules, keys_apply_per_metric_and_glob_in_file_order)
{
	tach_error err;
	tach_gate_config *cfg = parse("[compare]\n"
	                              "\tmax-cv = 10%\n"
	                              "[metric \"time\"]\n"
	                              "\tmin-improvement = 50%\n"
	                              "[bench \"BM_goroutines*\"]\n"
	                              "\tmin-improvement = 0.9   # the seed's 0.1 ratio\n"
	                              "\tmax-cv = 0             ; off again\n",
	                              &err);
	cr_assert(cfg, "%u:%u: %s", err.line, err.column, err.message);
	tach_benchmark bus = {.name = "BM_eventbus"}, gor = {.name = "BM_goroutines/8"};
	tach_compare_rule r = tach_compare_rule_default();
	cr_expect_eq(r.min_improvement, 0, "no requirement by default");
	cr_expect_eq(r.max_cv, 0);
	tach_gate_config_rule(cfg, &bus, "time", &r);
	cr_expect_float_eq(r.min_improvement, 0.5, 1e-15);
	cr_expect_float_eq(r.max_cv, 0.1, 1e-15);
	r = tach_compare_rule_default();
	tach_gate_config_rule(cfg, &bus, "peak_rss", &r);
	cr_expect_eq(r.min_improvement, 0, "[metric \"time\"] is for time only");
	cr_expect_float_eq(r.max_cv, 0.1, 1e-15);
	r = tach_compare_rule_default();
	tach_gate_config_rule(cfg, &gor, "time", &r);
	cr_expect_float_eq(r.min_improvement, 0.9, 1e-15, "the later section wins");
	cr_expect_eq(r.max_cv, 0, "0 turns the rule off");
	tach_gate_config_free(cfg);
}

Test(gate_rules, bad_values_are_placed)
{
	static const struct {
		const char *text;
		unsigned line, column;
		const char *says;
	} bad[] = {
		{"[compare]\nmin-improvement = 100%\n", 2, 19, "below 100%"},
		{"[compare]\nmin-improvement = 1.5\n", 2, 19, "fraction above 1"},
		{"[metric \"time\"]\n  min-improvement = -5%\n", 2, 21, "non-negative"},
		{"[bench \"a\"]\nmax-cv = ten\n", 2, 10, "percentage"},
		{"[bench \"a\"]\nmax-cv = 10 %\n", 2, 10, "percentage"},
		{"[compare]\nmax-cvs = 10%\n", 2, 1, "unknown key"},
	};
	for (size_t i = 0; i < sizeof bad / sizeof *bad; i++) {
		tach_error err;
		tach_gate_config *cfg = parse(bad[i].text, &err);
		cr_expect_null(cfg, "%s", bad[i].text);
		cr_expect_eq(err.line, bad[i].line, "%s: line %u", bad[i].text, err.line);
		cr_expect_eq(err.column, bad[i].column, "%s: column %u", bad[i].text, err.column);
		cr_expect(strstr(err.message, bad[i].says), "%s: %s", bad[i].text, err.message);
		tach_gate_config_free(cfg);
	}
	/* a CV can exceed 100 %: written as a percentage it is accepted */
	tach_error err;
	tach_gate_config *cfg = parse("[compare]\nmax-cv = 150%\n", &err);
	cr_expect(cfg, "%s", err.message);
	tach_gate_config_free(cfg);
}

Test(gate_rules, min_improvement_needs_the_worse_end_of_the_interval)
{
	tach_error err;
	tach_gate_config *cfg = parse("[metric \"time\"]\nmin-improvement = 50%\n", &err);
	cr_assert(cfg, "%s", err.message);
	tach_result *base = one("bm", "time", TACH_LOWER_IS_BETTER, 20, 1e-3, 0.01, 1);
	/* 60 % better, tightly measured: the whole interval is past 50 % */
	tach_result *fast = one("bm", "time", TACH_LOWER_IS_BETTER, 20, 0.4e-3, 0.01, 2);
	tach_comparison *c = compare_with(base, fast, cfg);
	const tach_compare_row *r = &c->rows[0];
	cr_expect_eq(r->verdict, TACH_IMPROVED);
	cr_expect_geq(tach_compare_row_improvement(r), 0.5, "%g", tach_compare_row_improvement(r));
	cr_expect_eq(r->gate, 0);
	cr_expect_eq(r->gate_why, 0);
	cr_expect_eq(c->n_failed, 0);
	tach_comparison_free(c);
	/* 40 % better: improved, but short of the requirement */
	tach_result *some = one("bm", "time", TACH_LOWER_IS_BETTER, 20, 0.6e-3, 0.01, 3);
	c = compare_with(base, some, cfg);
	r = &c->rows[0];
	cr_expect_eq(r->verdict, TACH_IMPROVED);
	cr_expect_eq(r->gate, 1);
	cr_expect_eq(r->gate_why, TACH_GATE_IMPROVEMENT);
	cr_expect_eq(c->n_failed, 1);
	tach_comparison_free(c);
	/* about 52 % better by the estimate, but noisy: the interval's worse
	 * end does not show 50 %, so the gate cannot claim it */
	tach_result *noisy = one("bm", "time", TACH_LOWER_IS_BETTER, 8, 0.48e-3, 0.15, 4);
	c = compare_with(base, noisy, cfg);
	r = &c->rows[0];
	double estimate = -tach_compare_row_worsening(r), shown = tach_compare_row_improvement(r);
	cr_expect_geq(estimate, 0.5, "estimate %g", estimate);
	cr_expect_lt(shown, 0.5, "worse end %g", shown);
	cr_expect_float_eq(shown, 1 - r->ratio_hi, 1e-12, "time: the interval's upper end");
	cr_expect_eq(r->gate_why, TACH_GATE_IMPROVEMENT);
	tach_comparison_free(c);
	tach_result_free(base);
	tach_result_free(fast);
	tach_result_free(some);
	tach_result_free(noisy);
	tach_gate_config_free(cfg);
}

Test(gate_rules, higher_is_better_reads_the_same_change_the_other_way)
{
	/* throughput doubled is the time per item halved: a 50 % improvement */
	tach_error err;
	tach_gate_config *cfg = parse("[compare]\nmin-improvement = 0.5\n", &err);
	cr_assert(cfg, "%s", err.message);
	tach_result *base = one("bm", "items_per_second", TACH_HIGHER_IS_BETTER, 20, 1e6, 0.01, 5);
	tach_result *x25 = one("bm", "items_per_second", TACH_HIGHER_IS_BETTER, 20, 2.5e6, 0.01, 6);
	tach_result *x15 = one("bm", "items_per_second", TACH_HIGHER_IS_BETTER, 20, 1.5e6, 0.01, 7);
	tach_comparison *c = compare_with(base, x25, cfg);
	cr_expect_float_eq(tach_compare_row_improvement(&c->rows[0]), 1 - 1 / c->rows[0].ratio_lo,
	                   1e-12, "throughput: the interval's lower end");
	cr_expect_eq(c->rows[0].gate, 0);
	tach_comparison_free(c);
	c = compare_with(base, x15, cfg);
	cr_expect_eq(c->rows[0].gate_why, TACH_GATE_IMPROVEMENT, "1.5x is a 33 %% improvement");
	tach_comparison_free(c);
	/* a regression fails both ways, and says so */
	c = compare_with(x15, base, cfg);
	cr_expect_eq(c->rows[0].gate_why, TACH_GATE_REGRESSION | TACH_GATE_IMPROVEMENT);
	tach_comparison_free(c);
	tach_result_free(base);
	tach_result_free(x25);
	tach_result_free(x15);
	tach_gate_config_free(cfg);
}

Test(gate_rules, max_cv_reads_the_candidate_samples)
{
	tach_error err;
	tach_gate_config *cfg = parse("[compare]\nmax-cv = 10%\n"
	                              "[bench \"soft*\"]\nrequired = false\n",
	                              &err);
	cr_assert(cfg, "%s", err.message);
	tach_result *steady = one("bm", "time", TACH_LOWER_IS_BETTER, 30, 1e-3, 0.02, 8);
	tach_result *noisy = one("bm", "time", TACH_LOWER_IS_BETTER, 30, 1e-3, 0.3, 9);
	tach_comparison *c = compare_with(noisy, steady, cfg);
	cr_expect_eq(c->rows[0].gate, 0, "the base's noise is not the candidate's: cv %g",
	             c->rows[0].cv_cand);
	tach_comparison_free(c);
	c = compare_with(steady, noisy, cfg);
	const tach_compare_row *r = &c->rows[0];
	cr_expect_gt(r->cv_cand, 0.1);
	cr_expect_float_eq(r->cv_cand, tach_stats_cv(noisy->benchmarks[0]->metrics[0]->samples, 30),
	                   1e-12, "the classic CV");
	cr_expect(r->gate_why & TACH_GATE_CV);
	cr_expect_eq(r->gate, 1);
	tach_comparison_free(c);
	/* one sample cannot show its CV: the rule fails rather than pass blind */
	tach_result *single = one("bm", "time", TACH_LOWER_IS_BETTER, 1, 1e-3, 0, 10);
	c = compare_with(steady, single, cfg);
	cr_expect_eq(c->rows[0].gate_why, TACH_GATE_CV);
	tach_comparison_free(c);
	/* required = false: only a warning */
	tach_result *soft_a = one("soft_bm", "time", TACH_LOWER_IS_BETTER, 30, 1e-3, 0.02, 11);
	tach_result *soft_b = one("soft_bm", "time", TACH_LOWER_IS_BETTER, 30, 1e-3, 0.3, 12);
	c = compare_with(soft_a, soft_b, cfg);
	cr_expect_eq(c->rows[0].gate, 2);
	cr_expect_eq(c->n_failed, 0);
	cr_expect_eq(c->n_warned, 1);
	tach_comparison_free(c);
	tach_result_free(steady);
	tach_result_free(noisy);
	tach_result_free(single);
	tach_result_free(soft_a);
	tach_result_free(soft_b);
	tach_gate_config_free(cfg);
}

Test(gate_rules, deterministic_metrics_are_stable_by_construction)
{
	tach_error err;
	tach_gate_config *cfg = parse("[compare]\nmax-cv = 1%\nmin-improvement = 10%\n", &err);
	cr_assert(cfg, "%s", err.message);
	tach_result *a = tach_result_new(), *b = tach_result_new();
	tach_metric *ma = tach_benchmark_add_metric(tach_result_add_benchmark(a, "bm"),
	                                            "instructions", "count", TACH_LOWER_IS_BETTER);
	tach_metric *mb = tach_benchmark_add_metric(tach_result_add_benchmark(b, "bm"),
	                                            "instructions", "count", TACH_LOWER_IS_BETTER);
	ma->flags = mb->flags = TACH_METRIC_DETERMINISTIC;
	tach_metric_add_sample(ma, 1000);
	tach_metric_add_sample(mb, 850);
	tach_comparison *c = compare_with(a, b, cfg);
	cr_expect_float_eq(tach_compare_row_improvement(&c->rows[0]), 0.15, 1e-12, "exact");
	cr_expect_eq(c->rows[0].gate, 0);
	tach_comparison_free(c);
	tach_gate_checks k = {0};
	cr_assert_eq(tach_gate_check_stability(cfg, b, NULL, &k), 0);
	cr_expect_eq(k.n, 1);
	cr_expect(k.items[0].passed);
	tach_gate_checks_release(&k);
	tach_result_free(a);
	tach_result_free(b);
	tach_gate_config_free(cfg);
}

Test(gate_rules, stability_of_a_candidate_alone)
{
	tach_error err;
	tach_gate_config *cfg = parse("[compare]\nmax-cv = 10%\n[metric \"peak_rss\"]\nignore = true\n",
	                              &err);
	cr_assert(cfg, "%s", err.message);
	tach_result *cand = one("steady", "time", TACH_LOWER_IS_BETTER, 20, 1e-3, 0.02, 13);
	tach_benchmark *n = tach_result_add_benchmark(cand, "noisy");
	fill(tach_benchmark_add_metric(n, "time", "s", TACH_LOWER_IS_BETTER), 20, 1e-3, 0.3, 14);
	fill(tach_benchmark_add_metric(n, "peak_rss", "B", TACH_LOWER_IS_BETTER), 20, 1e6, 0.5, 15);
	tach_gate_checks k = {0};
	cr_assert_eq(tach_gate_check_stability(cfg, cand, NULL, &k), 0);
	cr_assert_eq(k.n, 2, "peak_rss is ignored");
	cr_expect_eq(k.items[0].kind, TACH_CHECK_MAX_CV);
	cr_expect(k.items[0].passed);
	cr_expect_not(k.items[1].passed);
	cr_expect_str_eq(k.items[1].bench->name, "noisy");
	cr_expect_float_eq(k.items[1].limit, 0.1, 1e-15);
	cr_expect_gt(k.items[1].actual, 0.1);
	cr_expect_eq(k.n_failed, 1);
	tach_gate_checks_release(&k);
	/* with a comparison, only the benchmarks without a row: "noisy" is new */
	tach_result *base = one("steady", "time", TACH_LOWER_IS_BETTER, 20, 1e-3, 0.02, 16);
	tach_comparison *c = NULL;
	tach_compare_opts o = {.rule = tach_compare_rule_default(),
	                       .rule_for = tach_gate_config_rule, .ctx = cfg};
	cr_assert_eq(tach_compare(base, cand, &o, &c), 0);
	cr_assert_eq(tach_gate_check_stability(cfg, cand, c, &k), 0);
	cr_assert_eq(k.n, 1);
	cr_expect_str_eq(k.items[0].bench->name, "noisy");
	tach_gate_checks_release(&k);
	tach_comparison_free(c);
	tach_result_free(base);
	tach_result_free(cand);
	tach_gate_config_free(cfg);
}

Test(gate_rules, rules_out_of_range_are_refused)
{
	tach_result *a = one("bm", "time", TACH_LOWER_IS_BETTER, 5, 1e-3, 0.01, 17);
	tach_compare_opts o = {.rule = tach_compare_rule_default()};
	tach_comparison *c = NULL;
	o.rule.min_improvement = 1;
	cr_expect_eq(tach_compare(a, a, &o, &c), TACH_EINVAL);
	o.rule.min_improvement = 0;
	o.rule.max_cv = -0.1;
	cr_expect_eq(tach_compare(a, a, &o, &c), TACH_EINVAL);
	o.rule.max_cv = NAN;
	cr_expect_eq(tach_compare(a, a, &o, &c), TACH_EINVAL);
	cr_expect_str_eq(tach_gate_reason_name(TACH_GATE_IMPROVEMENT), "min-improvement");
	cr_expect_str_eq(tach_gate_reason_name(TACH_GATE_CV), "max-cv");
	cr_expect_str_eq(tach_gate_reason_name(TACH_GATE_REGRESSION), "regression");
	tach_result_free(a);
}
