/* test_cli_benchstat.c - issue 19 items 8 and 9, what benchstat's users
 * reach for: `tach compare A B C` (each later file against the first, in
 * every format, exit 1 when any regressed), --filter, --col KEY inside one
 * file, and `tach merge --pool` (runs of one suite pooled into one set). */
#include <criterion/criterion.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "run.h"

#define ARGV(...) ((const char *const[]){__VA_ARGS__, NULL})
#define CORPUS TACH_SOURCE_ROOT "/../shared/corpus"
/* a worktree beside the main checkout (../wt/NAME) reaches it one up */
#define CORPUS_WT TACH_SOURCE_ROOT "/../../shared/corpus"

/* A results file: benchmarks given as "name|params|metric|unit|center"
 * (params a JSON object body such as "\"threads\": \"2\"", may be empty),
 * NULL-ended; 20 samples 0.5 % apart around center. */
static const char *file_of(const char *const *benches)
{
	static char text[32768];
	size_t len = (size_t)snprintf(text, sizeof text, "{\"format\": 1, \"meta\": {}, "
	                                                 "\"benchmarks\": [");
	for (size_t i = 0; benches[i]; i++) {
		char name[64], params[128], metric[32], unit[16];
		double c;
		cr_assert_eq(sscanf(benches[i], "%63[^|]|%127[^|]|%31[^|]|%15[^|]|%lf", name, params,
		                    metric, unit, &c),
		             5, "%s", benches[i]);
		if (!strcmp(params, "-"))
			params[0] = 0;
		len += (size_t)snprintf(text + len, sizeof text - len,
		                        "%s{\"name\": \"%s\", \"params\": {%s}, \"metrics\": [{\"name\": "
		                        "\"%s\", \"unit\": \"%s\", \"direction\": \"lower\", "
		                        "\"samples\": [",
		                        i ? ", " : "", name, params, metric, unit);
		for (int k = 0; k < 20; k++)
			len += (size_t)snprintf(text + len, sizeof text - len, "%s%.6g", k ? ", " : "",
			                        c * (1 + 0.005 * (k % 5)));
		len += (size_t)snprintf(text + len, sizeof text - len, "]}]}");
	}
	snprintf(text + len, sizeof text - len, "]}\n");
	return temp_file(text, ".json");
}

#define FILE_OF(...) file_of((const char *const[]){__VA_ARGS__, NULL})

static run_result compare(const char *const *argv)
{
	return run_tach(argv, NULL, NULL, NULL);
}

/* ---- more than two files ---- */

Test(cli_benchstat, three_files_each_against_the_first)
{
	const char *a = FILE_OF("hash|-|time|s|1", "sort|-|time|s|2");
	const char *b = FILE_OF("hash|-|time|s|1", "sort|-|time|s|1.8");
	const char *c = FILE_OF("hash|-|time|s|1.2", "sort|-|time|s|2");
	run_result r = compare(ARGV("compare", "--no-config", "--ascii", a, b, c));
	cr_expect_eq(r.status, 1, "C's hash regressed: %s%s", r.out, r.err);
	char want[512];
	snprintf(want, sizeof want, "A = %s (base)\nB = %s: 0 regressed, 1 improved, 1 same, 0 "
	                            "inconclusive",
	         a, b);
	cr_expect(!strncmp(r.out, want, strlen(want)), "%s", r.out);
	snprintf(want, sizeof want, "\nC = %s: 1 regressed, 0 improved, 1 same, 0 inconclusive", c);
	cr_expect(strstr(r.out, want), "%s", r.out);
	cr_expect(strstr(r.out, "\n\nbenchmark  metric "), "%s", r.out);
	cr_expect(strstr(r.out, "  B vs A      B p  B verdict        C  C vs A      C p  C verdict\n"),
	          "%s", r.out);
	cr_expect(strstr(r.out, "\nhash       time    1.010 s +- 0.7%  1.010 s   +0.00%   1.0000  "
	                        "same       1.212 s  +20.0%  <0.0001  regressed\n"),
	          "%s", r.out);
	cr_expect(strstr(r.out, "\ngate: 1 failed, 0 warnings\n"), "%s", r.out);
	run_free(&r);
	/* without C, nothing regressed: 0; --warn-only keeps 0 with C */
	r = compare(ARGV("compare", "--no-config", a, b, b));
	cr_expect_eq(r.status, 0, "%s%s", r.out, r.err);
	run_free(&r);
	r = compare(ARGV("compare", "--no-config", "--warn-only", a, b, c));
	cr_expect_eq(r.status, 0);
	cr_expect(strstr(r.err, "the gate failed (1 rows, 0 other checks)"), "%s", r.err);
	run_free(&r);
}

Test(cli_benchstat, three_files_in_every_format)
{
	const char *a = FILE_OF("hash|-|time|s|1");
	const char *b = FILE_OF("hash|-|time|s|1");
	const char *c = FILE_OF("hash|-|time|s|1.2");
	run_result r = compare(ARGV("compare", "--no-config", "-f", "json", a, b, c));
	cr_expect_eq(r.status, 1);
	json_error_t je;
	json_t *j = json_loads(r.out, 0, &je);
	cr_assert(j, "%s: %s", je.text, r.out);
	cr_expect_str_eq(json_string_value(json_object_get(j, "format")), "tach-comparison-multi");
	cr_expect_eq(json_array_size(json_object_get(j, "inputs")), 3);
	cr_expect_eq(json_array_size(json_object_get(j, "comparisons")), 2);
	json_t *cells = json_object_get(json_array_get(json_object_get(j, "rows"), 0), "cells");
	cr_expect_eq(json_array_size(cells), 3);
	cr_expect_str_eq(json_string_value(json_object_get(json_array_get(cells, 2), "verdict")),
	                 "regressed");
	cr_expect_eq(json_integer_value(json_object_get(j, "gate_failed")), 1);
	json_decref(j);
	run_free(&r);
	r = compare(ARGV("compare", "--no-config", "-f", "csv", a, b, c));
	cr_expect(!strncmp(r.out, "name,params,metric,unit,direction,A_n,A_median,A_cv,B_n,", 56),
	          "%s", r.out);
	cr_expect(strstr(r.out, ",regressed,fail\n"), "%s", r.out);
	run_free(&r);
	r = compare(ARGV("compare", "--no-config", "-f", "junit", a, b, c));
	cr_expect(strstr(r.out, "<testsuites name=\"tach compare\" tests=\"2\" failures=\"1\">"), "%s",
	          r.out);
	char want[256];
	snprintf(want, sizeof want, "<testsuite name=\"%s vs %s\" tests=\"1\" failures=\"1\"", c, a);
	cr_expect(strstr(r.out, want), "%s", r.out);
	run_free(&r);
	r = compare(ARGV("compare", "--no-config", "-f", "markdown", a, b, c));
	cr_expect(strstr(r.out, "| benchmark | metric | A | B | B vs A | B p | B verdict | C | C vs A "
	                        "| C p | C verdict |\n"),
	          "%s", r.out);
	cr_expect(strstr(r.out, ":red_circle: regressed"), "%s", r.out);
	run_free(&r);
}

Test(cli_benchstat, two_files_keep_their_report)
{
	const char *a = FILE_OF("hash|-|time|s|1");
	const char *b = FILE_OF("hash|-|time|s|1.2");
	run_result r = compare(ARGV("compare", "--no-config", a, b));
	cr_expect_eq(r.status, 1);
	cr_expect(strstr(r.out, "98% CI"), "two files: the two-input table: %s", r.out);
	cr_expect(!strstr(r.out, "(base)"), "%s", r.out);
	run_free(&r);
}

Test(cli_benchstat, corpus_three_go_files)
{
	const char *dir = access(CORPUS, F_OK) == 0 ? CORPUS : CORPUS_WT;
	if (access(dir, F_OK) != 0)
		cr_skip_test("../shared/corpus is not beside the repository");
	char o[512], n[512];
	snprintf(o, sizeof o, "%s/go_bench/golang__perf__cmd__benchstat__testdata__old.txt", dir);
	snprintf(n, sizeof n, "%s/go_bench/golang__perf__cmd__benchstat__testdata__new.txt", dir);
	run_result r = compare(ARGV("compare", "--no-config", "--ascii", o, n, o));
	cr_expect_eq(r.status, 0, "%s%s", r.out, r.err);
	/* benchstat's own example: json encoding got faster, gob did not move */
	cr_expect(strstr(r.out, ": 0 regressed, 1 improved, 1 same, 0 inconclusive"), "%s", r.out);
	cr_expect(strstr(r.out, "BenchmarkEncode/format=json"), "%s", r.out);
	cr_expect(strstr(r.out, "1.718 us +- 1.2%  1.423 us  -17.3%"), "%s", r.out);
	run_free(&r);
	/* --col format: gob against json inside one file */
	r = compare(ARGV("compare", "--no-config", "--ascii", "--col", "format", o));
	cr_expect_eq(r.status, 1, "gob is slower than json: %s%s", r.out, r.err);
	cr_expect(!strncmp(r.out, "A = format=json (base)\nB = format=gob: 1 regressed", 50), "%s",
	          r.out);
	run_free(&r);
}

/* ---- --filter ---- */

Test(cli_benchstat, filter_keeps_rows_by_name_key_and_metric)
{
	const char *a = FILE_OF("BM_hash|\"size\": \"4096\"|time|s|1", "BM_hash|\"size\": \"64\"|time|s|1",
	                        "BM_sort|\"size\": \"4096\"|time|s|1");
	const char *b = FILE_OF("BM_hash|\"size\": \"4096\"|time|s|1", "BM_hash|\"size\": \"64\"|time|s|2",
	                        "BM_sort|\"size\": \"4096\"|time|s|2");
	run_result r = compare(ARGV("compare", "--no-config", "--filter",
	                            "name:^BM_hash size:4096 metric:time", a, b));
	cr_expect_eq(r.status, 0, "the regressions are filtered out: %s%s", r.out, r.err);
	cr_expect(strstr(r.out, "\n0 regressed, 0 improved, 1 same, 0 inconclusive"), "%s", r.out);
	run_free(&r);
	r = compare(ARGV("compare", "--no-config", "-f", "csv", "--filter", "-size:4096", a, b, b));
	cr_expect_eq(r.status, 1);
	cr_expect(strstr(r.out, "\nBM_hash,size=64,"), "%s", r.out);
	cr_expect(!strstr(r.out, "4096"), "negated: %s", r.out);
	run_free(&r);
}

Test(cli_benchstat, filter_errors_exit_2_with_the_place)
{
	const char *a = FILE_OF("BM_hash|-|time|s|1");
	run_result r = compare(ARGV("compare", "--no-config", "--filter", "metric:time name:^BM_(", a, a));
	cr_expect_eq(r.status, 2);
	cr_expect(!strncmp(r.err, "--filter:1:13: bad regular expression '^BM_(': ", 46), "%s", r.err);
	run_free(&r);
	r = compare(ARGV("compare", "--no-config", "--filter", "size", a, a));
	cr_expect_eq(r.status, 2);
	cr_expect(strstr(r.err, "--filter:1:1: 'size': expected name:REGEX, metric:NAME or KEY:VALUE"),
	          "%s", r.err);
	run_free(&r);
	r = compare(ARGV("compare", "--no-config", "--filter", "name:nothing", a, a));
	cr_expect_eq(r.status, 2);
	cr_expect(strstr(r.err, "--filter 'name:nothing' keeps no benchmark of '"), "%s", r.err);
	run_free(&r);
	r = compare(ARGV("compare", "--run", "--filter", "name:x", "true", "true"));
	cr_expect_eq(r.status, 2);
	cr_expect(strstr(r.err, "--filter goes with files, not with --run"), "%s", r.err);
	run_free(&r);
	r = compare(ARGV("compare", "--no-config", "--save", a, a, a));
	cr_expect_eq(r.status, 2);
	cr_expect(strstr(r.err, "--save takes whole files BASE and CAND"), "%s", r.err);
	run_free(&r);
}

/* ---- --col ---- */

Test(cli_benchstat, col_compares_the_values_of_a_key_in_one_file)
{
	const char *f = FILE_OF("BM_lock|\"threads\": \"1\"|time|s|1", "BM_lock|\"threads\": \"2\"|time|s|1",
	                        "BM_lock|\"threads\": \"4\"|time|s|1.5", "BM_map|\"threads\": \"1\"|time|s|3",
	                        "BM_map|\"threads\": \"2\"|time|s|2", "BM_solo|-|time|s|1");
	run_result r = compare(ARGV("compare", "--no-config", "--ascii", "--col", "threads", f));
	cr_expect_eq(r.status, 1, "threads=4 regressed BM_lock: %s%s", r.out, r.err);
	cr_expect(!strncmp(r.out, "A = threads=1 (base)\nB = threads=2: 0 regressed, 1 improved, 1 same",
	                   65),
	          "%s", r.out);
	cr_expect(strstr(r.out, "\nC = threads=4: 1 regressed, 0 improved, 0 same, 0 inconclusive, 1 gone"),
	          "%s", r.out);
	cr_expect(strstr(r.out, "\nBM_lock    time"), "one row per benchmark without the key: %s",
	          r.out);
	cr_expect(strstr(r.err, "1 benchmark of '"), "BM_solo has no threads: %s", r.err);
	run_free(&r);
	r = compare(ARGV("compare", "--no-config", "--col", "threads", f, f));
	cr_expect_eq(r.status, 2);
	cr_expect(strstr(r.err, "--col takes one FILE (2 given)"), "%s", r.err);
	run_free(&r);
	r = compare(ARGV("compare", "--no-config", "--col", "size", f));
	cr_expect_eq(r.status, 2);
	cr_expect(strstr(r.err, "has no value of 'size'"), "%s", r.err);
	run_free(&r);
}

/* ---- merge --pool ---- */

Test(cli_benchstat, pool_concatenates_samples_of_each_run)
{
	const char *a = FILE_OF("x|-|time|s|1", "y|-|time|s|5");
	const char *b = FILE_OF("x|-|time|s|2");
	const char *c = FILE_OF("x|-|time|s|3", "y|-|time|s|5");
	run_result r = run_tach(ARGV("merge", "--pool", a, b, c), NULL, NULL, NULL);
	cr_assert_eq(r.status, 0, "%s", r.err);
	json_error_t je;
	json_t *j = json_loads(r.out, 0, &je);
	cr_assert(j, "%s", je.text);
	json_t *bs = json_object_get(j, "benchmarks");
	cr_expect_eq(json_array_size(bs), 2);
	json_t *xs = json_object_get(
	        json_array_get(json_object_get(json_array_get(bs, 0), "metrics"), 0), "samples");
	cr_expect_eq(json_array_size(xs), 60, "three runs of 20");
	cr_expect_eq(json_number_value(json_array_get(xs, 20)), 2, "in the order of the files");
	cr_expect_str_eq(json_string_value(json_object_get(
	                         json_object_get(json_object_get(j, "meta"), "context"), "pooled_files")),
	                 "3");
	json_decref(j);
	char want[256];
	snprintf(want, sizeof want, "warning: 'y' is in 2 of 3 files (not in '%s')", b);
	cr_expect(strstr(r.err, want), "%s", r.err);
	run_free(&r);
}

Test(cli_benchstat, pool_refuses_units_that_differ)
{
	const char *a = FILE_OF("x|-|mem|B|1");
	const char *b = FILE_OF("x|-|time|s|1");
	const char *c = FILE_OF("x|-|mem|count|1");
	run_result r = run_tach(ARGV("merge", "--pool", a, b, c), NULL, NULL, NULL);
	cr_expect_eq(r.status, 2);
	char want[512];
	snprintf(want, sizeof want, "cannot pool metric 'mem' of 'x': its unit is 'B' in '%s' but "
	                            "'count' in '%s'",
	         a, c);
	cr_expect(strstr(r.err, want), "%s", r.err);
	cr_expect_eq(r.out_len, 0);
	run_free(&r);
	r = run_tach(ARGV("merge", "--pool", "p=/nonexistent.json"), NULL, NULL, NULL);
	cr_expect_eq(r.status, 2);
	cr_expect(strstr(r.err, "--pool takes files without PREFIX="), "%s", r.err);
	run_free(&r);
}

Test(cli_benchstat, label_equals_file_names_a_column)
{
	const char *a = FILE_OF("hash|-|time|s|1");
	const char *b = FILE_OF("hash|-|time|s|1.2");
	char la[128], lb[128];
	snprintf(la, sizeof la, "old=%s", a);
	snprintf(lb, sizeof lb, "new=%s", b);
	run_result r = compare(ARGV("compare", "--no-config", "--ascii", la, lb, lb));
	cr_expect_eq(r.status, 1, "%s%s", r.out, r.err);
	cr_expect(!strncmp(r.out, "A = old (base)\nB = new: 1 regressed", 35), "%s", r.out);
	run_free(&r);
	r = compare(ARGV("compare", "--no-config", "--ascii", la, lb));
	cr_expect(!strncmp(r.out, "old -> new\n1 regressed", 22), "two files too: %s", r.out);
	run_free(&r);
	/* an existing file whose name holds '=' is a file */
	char odd[] = "/tmp/tach-cli-a=b-XXXXXX";
	int fd = mkstemp(odd);
	cr_assert(fd >= 0);
	FILE *f = fdopen(fd, "w");
	FILE *src = fopen(a, "r");
	cr_assert(f && src);
	for (int ch; (ch = fgetc(src)) != EOF;)
		fputc(ch, f);
	fclose(src);
	fclose(f);
	r = compare(ARGV("compare", "--no-config", "--ascii", odd, a));
	cr_expect_eq(r.status, 0, "%s", r.err);
	cr_expect(!strncmp(r.out, odd, strlen(odd)), "%s", r.out);
	run_free(&r);
	unlink(odd);
}
