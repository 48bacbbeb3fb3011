/* test_cli_imports.c - `tach import` and the commands that read results
 * files, given slightly wrong input (issue 17): exit status 2 with the
 * place and the reason on stderr, nothing on stdout; a documented missing
 * value is a placed warning; the same benchmark twice is refused, naming
 * both places. */
#include <criterion/criterion.h>
#include <stdio.h>
#include <string.h>

#include "run.h"

#define ARGV(...) ((const char *const[]){__VA_ARGS__, NULL})

/* Runs `tach import FILE` (with --from when from is not NULL) on text and
 * expects exit 2, an empty stdout and `says` on stderr after the file's
 * name and `place` ("1:20"). */
static void refused(const char *text, const char *from, const char *place, const char *says)
{
	const char *path = temp_file(text, ".txt");
	run_result r = from ? run_tach(ARGV("import", "--from", from, path), NULL, NULL, NULL)
	                    : run_tach(ARGV("import", path), NULL, NULL, NULL);
	char want[4096];
	snprintf(want, sizeof want, "%s:%s: ", path, place);
	cr_expect_eq(r.status, 2, "%s: exit %d, stderr %s", text, r.status, r.err);
	cr_expect_eq(r.out_len, 0, "nothing half-imported on stdout: %s", r.out);
	cr_expect(!strncmp(r.err, want, strlen(want)), "want '%s', got %s", want, r.err);
	cr_expect(strstr(r.err, says), "want '%s' in %s", says, r.err);
	run_free(&r);
}

Test(cli_imports, go_values_that_are_not_numbers_reject_the_file)
{
	refused("BenchmarkA-8  100  NaN ns/op\n", NULL, "1:20", "not a number");
	refused("BenchmarkA-8  100  +Inf ns/op\n", NULL, "1:20", "infinite");
	refused("BenchmarkA-8  100  1e400 ns/op\n", NULL, "1:20", "infinite");
}

Test(cli_imports, google_benchmark_rows_are_never_half_imported)
{
	const char *head = "Benchmark  Time  CPU  Iterations UserCounters...\n"
	                   "------------------------------------------------\n";
	char text[512];
	snprintf(text, sizeof text, "%sBM_a   1e400 ns   5 ns  100\n", head);
	refused(text, NULL, "3:8", "'time'");
	snprintf(text, sizeof text, "%sBM_a   5 ns   5 ns  100 foo=1e308T\n", head);
	refused(text, NULL, "3:29", "'foo'");
	refused("{\"context\":{},\"benchmarks\":[{\"name\":\"a\",\"iterations\":1,"
	        "\"real_time\":\"1\",\"cpu_time\":1}]}",
	        NULL, "1:68", "expected a number for \"real_time\", got a string");
	refused("{\"context\":{},\"benchmarks\":[{\"name\":\"a\",\"iterations\":-1,"
	        "\"real_time\":1,\"cpu_time\":1}]}",
	        NULL, "1:54", "non-negative whole number for \"iterations\"");
}

Test(cli_imports, hyperfine_entries_never_vanish)
{
	refused("{\"results\":[{\"command\":\"a\",\"times\":[1,-2]}]}", NULL, "1:39", "negative time");
	refused("{\"results\":[{\"command\":\"a\",\"times\":[1,\"2\"]}]}", NULL, "1:39",
	        "got a string");
	refused("{\"results\":[{\"command\":\"a\",\"times\":[1],\"exit_codes\":[0.5]}]}", NULL,
	        "1:54", "whole number");
	refused("{\"results\":[{\"command\":\"a\",\"times\":[1],\"memory_usage_byte\":[-1]}]}",
	        NULL, "1:61", "non-negative");
}

Test(cli_imports, a_forced_format_that_finds_nothing_of_its_own_is_an_error)
{
	const char *tach = "{\"format\":1,\"meta\":{},\"benchmarks\":[{\"name\":\"a\",\"metrics\":[]}]}";
	refused(tach, "google-benchmark", "1:1", "not Google Benchmark JSON");
	refused(tach, "hyperfine", "1:1", "not hyperfine JSON");
	refused(tach, "jmh", "1:1", "not JMH JSON");
	refused("BenchmarkA-8  100  5 ns/op\n", "pytest-benchmark", "1:1",
	        "not pytest-benchmark JSON");
}

Test(cli_imports, every_reader_error_is_placed)
{
	refused("{\n", NULL, "2:1", "not valid JSON");
	refused("{\"format\":1}", NULL, "1:1", "\"benchmarks\" is missing");
	refused("\xef\xbb\xbf{\"format\":1}", NULL, "1:4", "\"benchmarks\" is missing");
	refused("hello\n", NULL, "1:1", "not a results file");
}

Test(cli_imports, a_byte_order_mark_is_read_past)
{
	const char *path = temp_file("\xef\xbb\xbf{\"format\":1,\"meta\":{},\"benchmarks\":[{\"name\":"
	                             "\"a\",\"metrics\":[]}]}",
	                             ".json");
	run_result r = run_tach(ARGV("show", path), NULL, NULL, NULL);
	cr_expect_eq(r.status, 0, "%s", r.err);
	run_free(&r);
}

Test(cli_imports, duplicate_benchmarks_are_refused_naming_both_places)
{
	const char *dup = temp_file("{\"format\":1,\"meta\":{},\"benchmarks\":[\n"
	                            "{\"name\":\"a\",\"metrics\":[]},\n"
	                            "{\"name\":\"a\",\"metrics\":[]}]}",
	                            ".json");
	char want[4096];
	snprintf(want, sizeof want, "%s:3:1: benchmark 'a' is here twice", dup);
	run_result r = run_tach(ARGV("show", dup), NULL, NULL, NULL);
	cr_expect_eq(r.status, 2);
	cr_expect(strstr(r.err, want), "want '%s' in %s", want, r.err);
	snprintf(want, sizeof want, "first at %s:2:1", dup);
	cr_expect(strstr(r.err, want), "want '%s' in %s", want, r.err);
	run_free(&r);

	/* one file given twice, and two files holding the same benchmark */
	const char *one = temp_file("BenchmarkA-8  100  5 ns/op\n", ".txt");
	const char *two = temp_file("BenchmarkB-8  100  5 ns/op\nBenchmarkA-8  100  6 ns/op\n",
	                            ".txt");
	r = run_tach(ARGV("import", one, one), NULL, NULL, NULL);
	cr_expect_eq(r.status, 2);
	cr_expect_eq(r.out_len, 0);
	cr_expect(strstr(r.err, "benchmark 'BenchmarkA' is in") && strstr(r.err, "given twice"),
	          "%s", r.err);
	run_free(&r);
	r = run_tach(ARGV("import", one, two), NULL, NULL, NULL);
	cr_expect_eq(r.status, 2);
	snprintf(want, sizeof want, "%s: benchmark 'BenchmarkA' is in %s too", two, one);
	cr_expect(strstr(r.err, want), "want '%s' in %s", want, r.err);
	run_free(&r);
	r = run_tach(ARGV("merge", one, two), NULL, NULL, NULL);
	cr_expect_eq(r.status, 2, "merge refuses them too: %s", r.err);
	run_free(&r);
}

Test(cli_imports, a_documented_missing_value_is_a_placed_warning)
{
	const char *path = temp_file(
		"[{\"benchmark\":\"a\",\"mode\":\"avgt\",\"primaryMetric\":{\"scoreUnit\":\"ns/op\","
		"\"rawData\":[[1,2]]},\n\"secondaryMetrics\":{\"asm\":{\"score\":\"NaN\","
		"\"scoreUnit\":\"---\"}}}]",
		".json");
	run_result r = run_tach(ARGV("import", path), NULL, NULL, NULL);
	char want[4096];
	snprintf(want, sizeof want, "%s:2:27: warning: ", path);
	cr_expect_eq(r.status, 0, "%s", r.err);
	cr_expect(strstr(r.err, want), "want '%s' in %s", want, r.err);
	cr_expect(strstr(r.err, "'asm'"), "%s", r.err);
	cr_expect(strstr(r.out, "\"a/mode:avgt\""), "%s", r.out);
	run_free(&r);
}
