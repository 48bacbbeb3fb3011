/* test_compare_multi.c - issue 19 items 8 and 9 in the library: the
 * filter (terms, keys in parameters and in names, negation, errors with
 * their column), the projection of one file by a key (--col), the N-way
 * comparison's layout (rows, cells, pair rows, new and gone, gate sums),
 * its report in every format, and pooling samples with
 * tach_result_append_samples. */
#include <criterion/criterion.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tach/tach.h"

/* Adds benchmark `name` (params "k=v" pairs, NULL-ended) with metric
 * `metric` of 20 samples around `center`, a 0.5 % spread. */
static tach_benchmark *add(tach_result *r, const char *name, const char *const *params,
                           const char *metric, double center)
{
	tach_benchmark *b = tach_result_find(r, name, NULL);
	tach_kvlist want = {0};
	for (size_t i = 0; params && params[i]; i += 2)
		cr_assert_eq(tach_kvlist_set(&want, params[i], params[i + 1]), 0);
	b = tach_result_find(r, name, &want);
	if (!b) {
		b = tach_result_add_benchmark(r, name);
		cr_assert(b);
		cr_assert_eq(tach_kvlist_copy(&b->params, &want), 0);
	}
	tach_kvlist_release(&want);
	tach_metric *m = tach_benchmark_add_metric(b, metric, "s", TACH_LOWER_IS_BETTER);
	cr_assert(m);
	for (int i = 0; i < 20; i++)
		cr_assert_eq(tach_metric_add_sample(m, center * (1 + 0.005 * (i % 5))), 0);
	return b;
}

#define P(...) ((const char *const[]){__VA_ARGS__, NULL})

/* ---- the filter ---- */

Test(filter, terms_are_anded_over_name_key_and_metric)
{
	tach_result *r = tach_result_new();
	tach_benchmark *h = add(r, "BM_hash", P("size", "4096"), "time", 1);
	add(r, "BM_hash", P("size", "4096"), "cpu_time", 1);
	tach_benchmark *h64 = add(r, "BM_hash", P("size", "64"), "time", 1);
	tach_benchmark *go = add(r, "BenchmarkHash/size=4096", NULL, "time", 1);
	tach_benchmark *gb = add(r, "BM_hash2/size:4096/threads:2", NULL, "time", 1);
	tach_filter *f;
	cr_assert_eq(tach_filter_parse("name:^BM_hash size:4096 metric:time", &f, NULL), 0);
	cr_expect(tach_filter_match(f, h, "time"));
	cr_expect(!tach_filter_match(f, h, "cpu_time"));
	cr_expect(tach_filter_match(f, h, NULL), "the benchmark as a whole: metric terms skipped");
	cr_expect(!tach_filter_match(f, h64, "time"), "size is 64");
	cr_expect(!tach_filter_match(f, go, "time"), "the name does not start with BM_hash");
	cr_expect(tach_filter_match(f, gb, "time"), "Google Benchmark's size:4096 in the name");
	tach_filter_free(f);
	/* a key in a Go sub-benchmark name, and a negated term */
	cr_assert_eq(tach_filter_parse("  size:4096\t-name:2 ", &f, NULL), 0);
	cr_expect(tach_filter_match(f, go, "time"), "Go's /size=4096");
	cr_expect(!tach_filter_match(f, gb, "time"), "negated: the name holds a 2");
	cr_expect(tach_filter_match(f, h, "time"));
	tach_filter_free(f);
	/* a value is matched whole: size:40 is not size=4096 */
	cr_assert_eq(tach_filter_parse("size:40", &f, NULL), 0);
	cr_expect(!tach_filter_match(f, go, "time"));
	cr_expect(!tach_filter_match(f, h, "time"));
	tach_filter_free(f);
	tach_result_free(r);
}

Test(filter, apply_removes_metrics_then_empty_benchmarks)
{
	tach_result *r = tach_result_new();
	add(r, "a", NULL, "time", 1);
	add(r, "a", NULL, "cpu_time", 1);
	add(r, "b", NULL, "cpu_time", 1);
	add(r, "c", NULL, "time", 1);
	tach_benchmark *failed = tach_result_add_benchmark(r, "d");
	cr_assert_eq(tach_meta_set(&failed->error, "crashed"), 0);
	tach_filter *f;
	cr_assert_eq(tach_filter_parse("-metric:cpu_time -name:^c$", &f, NULL), 0);
	tach_filter_apply(f, r);
	cr_assert_eq(r->n_benchmarks, 2, "b lost its only metric, c its name");
	cr_expect_str_eq(r->benchmarks[0]->name, "a");
	cr_expect_eq(r->benchmarks[0]->n_metrics, 1);
	cr_expect_str_eq(r->benchmarks[0]->metrics[0]->name, "time");
	cr_expect_str_eq(r->benchmarks[1]->name, "d", "a failed benchmark without metrics stays");
	tach_filter_free(f);
	tach_result_free(r);
}

Test(filter, errors_name_the_term_and_its_column)
{
	tach_filter *f = (tach_filter *)1;
	tach_error err = {0};
	cr_expect_eq(tach_filter_parse("metric:time name:^BM_(", &f, &err), TACH_EINVAL);
	cr_expect_null(f);
	cr_expect_str_eq(err.file, "--filter");
	cr_expect_eq(err.line, 1);
	cr_expect_eq(err.column, 13);
	cr_expect(strstr(err.message, "bad regular expression '^BM_('"), "%s", err.message);
	memset(&err, 0, sizeof err);
	cr_expect_eq(tach_filter_parse("size", &f, &err), TACH_EINVAL);
	cr_expect_eq(err.column, 1);
	cr_expect(strstr(err.message, "'size': expected"), "%s", err.message);
	cr_expect_eq(tach_filter_parse("a:1 :x", &f, &err), TACH_EINVAL);
	cr_expect_eq(err.column, 5);
	cr_expect_eq(tach_filter_parse("a:", &f, &err), TACH_EINVAL);
	cr_expect_eq(tach_filter_parse("  ", &f, &err), TACH_EINVAL);
	cr_expect(strstr(err.message, "empty filter"), "%s", err.message);
	cr_expect_eq(tach_filter_parse("x:1", &f, NULL), 0, "err may be NULL");
	tach_filter_free(f);
	tach_filter_free(NULL);
}

/* ---- the projection ---- */

Test(project, one_set_per_value_without_the_key)
{
	tach_result *r = tach_result_new();
	add(r, "BM_lock", P("threads", "1"), "time", 1);
	add(r, "BM_lock", P("threads", "2", "size", "8"), "time", 2);
	add(r, "BM_lock", P("threads", "2"), "time", 3);
	add(r, "BM_go/threads=4/x", NULL, "time", 4); /* the key in the name */
	add(r, "BM_other", NULL, "time", 5);          /* without the key */
	tach_projection *p;
	cr_assert_eq(tach_result_project(r, "threads", &p), 0);
	cr_assert_eq(p->n, 3);
	cr_expect_str_eq(p->values[0], "1");
	cr_expect_str_eq(p->values[1], "2");
	cr_expect_str_eq(p->values[2], "4");
	cr_expect_eq(p->n_without, 1);
	cr_assert_eq(p->sets[1]->n_benchmarks, 2);
	const tach_benchmark *b = p->sets[1]->benchmarks[0];
	cr_expect_str_eq(b->name, "BM_lock");
	cr_expect_eq(b->params.n, 1, "threads is gone, size stays");
	cr_expect_str_eq(tach_kvlist_get(&b->params, "size"), "8");
	cr_expect_eq(b->metrics[0]->n_samples, 20);
	cr_expect_float_eq(b->metrics[0]->samples[0], 2, 1e-12);
	cr_expect_str_eq(p->sets[2]->benchmarks[0]->name, "BM_go/x", "the name's part is cut");
	tach_projection_free(p);
	cr_assert_eq(tach_result_project(r, "nope", &p), 0);
	cr_expect_eq(p->n, 0);
	cr_expect_eq(p->n_without, 5);
	tach_projection_free(p);
	tach_projection_free(NULL);
	tach_result_free(r);
}

/* ---- the N-way comparison ---- */

/* A (base): x 1.0, y 1.0, gone 1.0; B: x 1.10 (regressed), y 1.0, fresh;
 * C: x 0.90 (improved), y 1.0 with cpu_time too. */
static void three(tach_result *in[3])
{
	for (int k = 0; k < 3; k++)
		in[k] = tach_result_new();
	add(in[0], "x", NULL, "time", 1.0);
	add(in[0], "y", P("n", "1"), "time", 1.0);
	add(in[0], "gone", NULL, "time", 1.0);
	add(in[1], "x", NULL, "time", 1.10);
	add(in[1], "y", P("n", "1"), "time", 1.0);
	add(in[1], "fresh", NULL, "time", 2.0);
	add(in[2], "y", P("n", "1"), "time", 1.0);
	add(in[2], "y", P("n", "1"), "cpu_time", 1.0);
	add(in[2], "x", NULL, "time", 0.90);
}

Test(multi, rows_follow_the_first_input_then_later_ones)
{
	tach_result *in[3];
	three(in);
	tach_multi_comparison *m;
	cr_assert_eq(tach_compare_multi((const tach_result *const *)in, 3, NULL, &m), 0);
	cr_assert_eq(m->n_inputs, 3);
	cr_assert_eq(m->n_rows, 5);
	const char *names[] = {"x", "y", "y", "gone", "fresh"};
	const char *metrics[] = {"time", "time", "cpu_time", "time", "time"};
	for (size_t i = 0; i < 5; i++) {
		cr_expect_str_eq(m->rows[i].name, names[i], "row %zu", i);
		cr_expect_str_eq(m->rows[i].metric, metrics[i], "row %zu", i);
	}
	const tach_multi_row *x = &m->rows[0];
	cr_expect_float_eq(x->cells[0].median, 1.01, 1e-9);
	cr_expect_null(x->cells[0].row, "the base has no pair row");
	cr_expect_eq(x->cells[0].n, 20);
	cr_expect(x->cells[0].cv > 0);
	cr_assert(x->cells[1].row && x->cells[2].row);
	cr_expect_eq(x->cells[1].row->verdict, TACH_REGRESSED);
	cr_expect_eq(x->cells[2].row->verdict, TACH_IMPROVED);
	cr_expect_float_eq(x->cells[1].row->ratio, 1.10, 1e-9);
	cr_expect_eq(x->cells[1].row, &m->pairs[0]->rows[0], "the pair's own row");
	/* cpu_time only in C: cells without a pair row */
	const tach_multi_row *cpu = &m->rows[2];
	cr_expect_null(cpu->cells[0].metric);
	cr_expect_null(cpu->cells[1].row);
	cr_expect_null(cpu->cells[2].row, "no base to compare with");
	cr_expect(cpu->cells[2].metric);
	cr_expect(isnan(cpu->cells[0].median));
	/* gone from B and C: their whole-benchmark rows */
	const tach_multi_row *g = &m->rows[3];
	cr_assert(g->cells[1].row && g->cells[2].row);
	cr_expect_eq(g->cells[1].row->verdict, TACH_GONE);
	cr_expect_null(g->cells[1].bench);
	/* new in B, gone... absent from C: C's pair has no row about it */
	const tach_multi_row *fr = &m->rows[4];
	cr_expect_null(fr->cells[0].bench);
	cr_assert(fr->cells[1].row);
	cr_expect_eq(fr->cells[1].row->verdict, TACH_NEW);
	cr_expect_null(fr->cells[2].row);
	cr_expect_eq(m->n_failed, 1, "B's regression fails the gate");
	cr_expect_eq(m->n_failed, m->pairs[0]->n_failed + m->pairs[1]->n_failed);
	tach_multi_comparison_free(m);
	for (int k = 0; k < 3; k++)
		tach_result_free(in[k]);
}

Test(multi, pairs_are_what_two_input_compare_gives)
{
	tach_result *in[3];
	three(in);
	tach_multi_comparison *m;
	tach_comparison *c;
	cr_assert_eq(tach_compare_multi((const tach_result *const *)in, 3, NULL, &m), 0);
	cr_assert_eq(tach_compare(in[0], in[2], NULL, &c), 0);
	cr_assert_eq(c->n_rows, m->pairs[1]->n_rows);
	for (size_t i = 0; i < c->n_rows; i++) {
		cr_expect_eq(c->rows[i].verdict, m->pairs[1]->rows[i].verdict);
		double pa = c->rows[i].p_adjusted, pb = m->pairs[1]->rows[i].p_adjusted;
		cr_expect(pa == pb || (isnan(pa) && isnan(pb)), "row %zu: %g %g", i, pa, pb);
	}
	tach_comparison_free(c);
	tach_multi_comparison_free(m);
	for (int k = 0; k < 3; k++)
		tach_result_free(in[k]);
}

Test(multi, metrics_option_and_bad_input)
{
	tach_result *in[3];
	three(in);
	const char *only[] = {"cpu_time", NULL};
	tach_compare_opts o = {.rule = tach_compare_rule_default(), .metrics = only};
	tach_multi_comparison *m;
	cr_assert_eq(tach_compare_multi((const tach_result *const *)in, 3, &o, &m), 0);
	cr_expect_eq(m->n_rows, 1, "only y's cpu_time");
	tach_multi_comparison_free(m);
	cr_expect_eq(tach_compare_multi((const tach_result *const *)in, 1, NULL, &m), TACH_EINVAL);
	add(in[2], "x", NULL, "time", 1); /* appends a second "x" metric? no: a duplicate bench */
	tach_benchmark *dup = tach_result_add_benchmark(in[2], "x");
	cr_assert(dup);
	cr_expect_eq(tach_compare_multi((const tach_result *const *)in, 3, NULL, &m), TACH_EINVAL);
	cr_expect_null(m);
	tach_multi_comparison_free(NULL);
	for (int k = 0; k < 3; k++)
		tach_result_free(in[k]);
}

/* ---- the report ---- */

static char *report(const tach_multi_comparison *m, tach_report_format fmt)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);
	cr_assert(f);
	const char *names[] = {"a.json", "b.json", "c.json"};
	tach_report_opts o = {0, 1};
	cr_expect_eq(tach_report_comparison_multi(f, m, names, fmt, &o), 0);
	fclose(f);
	return buf;
}

Test(multi_report, every_format)
{
	tach_result *in[3];
	three(in);
	tach_multi_comparison *m;
	cr_assert_eq(tach_compare_multi((const tach_result *const *)in, 3, NULL, &m), 0);
	char *t = report(m, TACH_REPORT_TEXT);
	cr_expect(!strncmp(t, "A = a.json (base)\nB = b.json: 1 regressed, 0 improved, 1 same, "
	                      "0 inconclusive, 1 new, 1 gone",
	                   70),
	          "%s", t);
	cr_expect(strstr(t, "\nC = c.json: 0 regressed, 1 improved, 1 same, 0 inconclusive, 1 gone"),
	          "%s", t);
	cr_expect(strstr(t, "benchmark  metric"), "%s", t);
	cr_expect(strstr(t, "B vs A"), "%s", t);
	cr_expect(strstr(t, "1.010 s +- 0.7%"), "the base's median and CV: %s", t);
	cr_expect(strstr(t, "+10.0%"), "%s", t);
	cr_expect(strstr(t, "regressed"), "%s", t);
	cr_expect(strstr(t, "gate: 1 failed, 0 warnings\n"), "%s", t);
	cr_expect(strstr(t, "\ngeomean    time "), "a geomean row per metric: %s", t);
	cr_expect(strstr(t, "+4.88%") && strstr(t, "-5.13%"), "each pair's geomean: %s", t);
	free(t);
	t = report(m, TACH_REPORT_MARKDOWN);
	cr_expect(!strncmp(t, "- **A** = a.json (base)\n- **B** = b.json: **1 regressed**", 52), "%s",
	          t);
	cr_expect(strstr(t, "| benchmark | metric | A | B | B vs A | B p | B verdict | C |"), "%s", t);
	cr_expect(strstr(t, ":red_circle: regressed"), "%s", t);
	free(t);
	t = report(m, TACH_REPORT_JSON);
	cr_expect(strstr(t, "\"format\": \"tach-comparison-multi\""), "%s", t);
	cr_expect(strstr(t, "\"inputs\": [\"a.json\", \"b.json\", \"c.json\"]"), "%s", t);
	cr_expect(strstr(t, "\"gate_failed\": 1,"), "%s", t);
	cr_expect(strstr(t, "{\"base\": \"a.json\", \"cand\": \"c.json\", \"summary\": {"), "%s", t);
	cr_expect(strstr(t, "\"verdict\": \"regressed\", \"gate\": \"fail\""), "%s", t);
	free(t);
	t = report(m, TACH_REPORT_CSV);
	const char *head = "name,params,metric,unit,direction,A_n,A_median,A_cv,B_n,B_median,B_cv,"
	                   "B_ratio,B_ratio_lo,B_ratio_hi,B_p,B_p_adjusted,B_verdict,B_gate,C_n,";
	cr_expect(!strncmp(t, head, strlen(head)), "%s", t);
	cr_expect(strstr(t, "\ny,n=1,cpu_time,s,lower,0,,,0,,,,,,,,,,20,1.01,"), "%s", t);
	free(t);
	t = report(m, TACH_REPORT_JUNIT);
	cr_expect(strstr(t, "<testsuites name=\"tach compare\" tests=\"7\" failures=\"1\">"), "%s",
	          t);
	cr_expect(strstr(t, "<testsuite name=\"b.json vs a.json\" tests=\"4\" failures=\"1\" "
	                    "skipped=\"2\">"),
	          "%s", t);
	cr_expect(strstr(t, "<testsuite name=\"c.json vs a.json\""), "%s", t);
	free(t);
	tach_multi_comparison_free(m);
	for (int k = 0; k < 3; k++)
		tach_result_free(in[k]);
}

/* ---- pooling (merge --pool) ---- */

Test(pool, samples_concatenate_and_flags_carry)
{
	tach_result *a = tach_result_new(), *b = tach_result_new();
	add(a, "x", NULL, "time", 1);
	add(b, "x", NULL, "time", 2);
	tach_metric *ins = tach_benchmark_add_metric(b->benchmarks[0], "instructions", "count",
	                                             TACH_LOWER_IS_BETTER);
	cr_assert_eq(tach_metric_add_sample(ins, 100), 0);
	ins->flags = TACH_METRIC_DETERMINISTIC;
	cr_assert_eq(tach_result_append_samples(a, b), 0);
	const tach_metric *t = tach_benchmark_metric(a->benchmarks[0], "time");
	cr_expect_eq(t->n_samples, 40);
	cr_expect_float_eq(t->samples[20], 2, 1e-12);
	const tach_metric *i = tach_benchmark_metric(a->benchmarks[0], "instructions");
	cr_assert(i);
	cr_expect_eq(i->flags, TACH_METRIC_DETERMINISTIC, "pooled counts stay exact");
	tach_result_free(a);
	tach_result_free(b);
}

Test(multi_report, a_failed_benchmark_says_why)
{
	tach_result *in[3];
	three(in);
	cr_assert_eq(tach_meta_set(&in[2]->benchmarks[1]->error, "out of memory in x"), 0);
	tach_multi_comparison *m;
	cr_assert_eq(tach_compare_multi((const tach_result *const *)in, 3, NULL, &m), 0);
	cr_expect_eq(m->rows[0].cells[2].row->verdict, TACH_REGRESSED);
	cr_expect(m->rows[0].cells[2].row->flags & TACH_ROW_ERROR);
	char *t = report(m, TACH_REPORT_TEXT);
	cr_expect(strstr(t, "\nfailed in C: x: out of memory in x\n"), "%s", t);
	cr_expect(strstr(t, "gate: 2 failed"), "%s", t);
	free(t);
	tach_multi_comparison_free(m);
	for (int k = 0; k < 3; k++)
		tach_result_free(in[k]);
}

Test(pool, find_at_looks_at_the_hint_first_then_everywhere)
{
	tach_result *r = tach_result_new();
	add(r, "a", NULL, "time", 1);
	add(r, "b", P("n", "1"), "time", 1);
	tach_kvlist p = {0};
	cr_assert_eq(tach_kvlist_set(&p, "n", "1"), 0);
	cr_expect_eq(tach_result_find_at(r, "b", &p, 1), r->benchmarks[1]);
	cr_expect_eq(tach_result_find_at(r, "b", &p, 0), r->benchmarks[1], "a wrong hint");
	cr_expect_eq(tach_result_find_at(r, "b", &p, 99), r->benchmarks[1], "out of range");
	cr_expect_eq(tach_result_find_at(r, "b", NULL, 0), r->benchmarks[1], "NULL params: any");
	cr_expect_null(tach_result_find_at(r, "c", NULL, 0));
	tach_kvlist_release(&p);
	/* files in another order still pool by name */
	tach_result *s = tach_result_new();
	add(s, "b", P("n", "1"), "time", 2);
	add(s, "a", NULL, "time", 3);
	cr_assert_eq(tach_result_append_samples(r, s), 0);
	cr_expect_eq(r->n_benchmarks, 2);
	cr_expect_eq(r->benchmarks[0]->metrics[0]->n_samples, 40);
	cr_expect_float_eq(r->benchmarks[0]->metrics[0]->samples[20], 3, 1e-12);
	cr_expect_float_eq(r->benchmarks[1]->metrics[0]->samples[20], 2, 1e-12);
	tach_result_free(s);
	tach_result_free(r);
}
