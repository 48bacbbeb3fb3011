/* test_import_rules.c - the rule every importer and the results reader
 * keep (issue 17): a value that cannot be read as what its format says
 * rejects the file at its line and column; a value the format documents
 * as missing is skipped with a warning that names its place; a forced
 * format that finds nothing of its own is an error; the same benchmark
 * twice is refused, naming both places.  One table row per case, every
 * importer in it. */
#include <criterion/criterion.h>
#include <stdio.h>
#include <string.h>

#include "tach/tach.h"
#include "tach/import.h"

#define GB_CTX "{\"context\":{},\"benchmarks\":["
#define GB_ROW "{\"name\":\"BM_a\",\"run_type\":\"iteration\",\"time_unit\":\"ns\","
#define GB_HEAD "Benchmark  Time  CPU  Iterations UserCounters...\n" \
                "------------------------------------------------\n"
#define CATCH_HEAD                                                                      \
	"benchmark name                       samples       iterations    estimated\n"  \
	"                                     mean          low mean      high mean\n"  \
	"                                     std dev       low std dev   high std dev\n" \
	"-------------------------------------------------------------------------------\n"
#define NB_CSV "\"title\";\"name\";\"unit\";\"batch\";\"elapsed\";\"error %\";" \
               "\"instructions\";\"branches\";\"branch misses\";\"total\"\n"
#define NB_TABLE "|               ns/op |                op/s |    err% |     total | benchmark\n" \
                 "|--------------------:|--------------------:|--------:|----------:|:----------\n"

/* An input refused: from (NULL: detected), the text, and the place and a
 * part of the message that must come out. */
static const struct {
	const char *from, *text;
	unsigned line, column;
	const char *says;
} refused[] = {
	/* go test -bench: docs/import.md says such a line rejects the file */
	{"go", "BenchmarkA-8  100  NaN ns/op\n", 1, 20, "not a number"},
	{"go", "BenchmarkA-8  100  +Inf ns/op\n", 1, 20, "infinite"},
	{"go", "goos: linux\nBenchmarkA-8  100  1e400 ns/op\n", 2, 20, "infinite"},
	{"go", "BenchmarkA-8  100  -3 ns/op\n", 1, 20, "negative time"},
	{"go", "BenchmarkA-8  100  1e303 MB/s\n", 1, 20, "infinite"},
	/* Google Benchmark console: no row half-imported */
	{NULL, GB_HEAD "BM_a   1e400 ns   5 ns  100\n", 3, 8, "'time'"},
	{NULL, GB_HEAD "BM_a   5 ns   nan ns  100\n", 3, 15, "expected a number, found 'nan'"},
	{NULL, GB_HEAD "BM_a   5 ns   5 ns  -100\n", 3, 21, "iteration count"},
	{NULL, GB_HEAD "BM_a   5 ns   5 ns  100 foo=1e308T\n", 3, 29, "'foo'"},
	{NULL, GB_HEAD "BM_a   5 ns   5 ns  100 bytes_per_second=1e308Ei/s\n", 3, 42,
	 "'bytes_per_second'"},
	/* Google Benchmark JSON */
	{NULL, GB_CTX GB_ROW "\"iterations\":1,\"real_time\":\"1\",\"cpu_time\":1}]}",
	 1, 111, "expected a number for \"real_time\", got a string"},
	{NULL, GB_CTX GB_ROW "\"iterations\":-1,\"real_time\":1,\"cpu_time\":1}]}",
	 1, 97, "non-negative whole number for \"iterations\""},
	{NULL, GB_CTX GB_ROW "\"iterations\":1.5,\"real_time\":1,\"cpu_time\":1}]}",
	 1, 97, "\"iterations\""},
	{NULL, GB_CTX GB_ROW "\"iterations\":1,\"real_time\":1}]}", 1, 29, "no \"cpu_time\""},
	{NULL, GB_CTX GB_ROW "\"iterations\":1,\"real_time\":-1,\"cpu_time\":1}]}",
	 1, 111, "negative time"},
	{NULL, GB_CTX GB_ROW "\"iterations\":1,\"real_time\":1,\"cpu_time\":1,"
	       "\"items_per_second\":null}]}", 1, 145, "got null"},
	{"google-benchmark", "{\"format\":1,\"meta\":{},\"benchmarks\":[{\"name\":\"a\"}]}", 1, 1,
	 "not Google Benchmark JSON"},
	{"google-benchmark", "{\"context\":{},\"benchmarks\":[{\"name\":\"a\",\"metrics\":[]}]}",
	 1, 29, "no \"real_time\""},
	/* hyperfine */
	{NULL, "{\"results\":[{\"command\":\"a\",\"times\":[1,-2]}]}", 1, 39, "negative time"},
	{NULL, "{\"results\":[{\"command\":\"a\",\"times\":[1,\"2\"]}]}", 1, 39, "got a string"},
	{NULL, "{\"results\":[{\"command\":\"a\",\"times\":[1],\"exit_codes\":[0.5]}]}",
	 1, 54, "whole number"},
	{NULL, "{\"results\":[{\"command\":\"a\",\"times\":[1],\"exit_codes\":[\"0\"]}]}",
	 1, 54, "got a string"},
	{NULL, "{\"results\":[{\"command\":\"a\",\"times\":[1],\"memory_usage_byte\":[-1]}]}",
	 1, 61, "non-negative"},
	{NULL, "{\"results\":[{\"command\":\"a\",\"times\":[1],\"user\":\"x\"}]}",
	 1, 47, "\"user\""},
	{"hyperfine", "BenchmarkA-8  100  1 ns/op\n", 1, 1, "not hyperfine JSON"},
	/* pytest-benchmark */
	{NULL, "{\"benchmarks\":[{\"name\":\"t\",\"stats\":{\"rounds\":1,\"data\":[1,\"x\"]}}]}",
	 1, 58, "got a string"},
	{NULL, "{\"benchmarks\":[{\"name\":\"t\",\"stats\":{\"rounds\":1,\"iterations\":-2,"
	       "\"data\":[1]}}]}", 1, 61, "non-negative"},
	{NULL, "{\"benchmarks\":[{\"name\":\"t\",\"stats\":{\"rounds\":1,\"median\":-1}}]}",
	 1, 57, "negative time"},
	{NULL, "{\"datetime\":\"yesterday\",\"benchmarks\":[{\"name\":\"t\","
	       "\"stats\":{\"rounds\":1,\"data\":[1]}}]}", 1, 13, "datetime 'yesterday'"},
	{NULL, "{\"commit_info\":{\"id\":\"xyz\"},\"benchmarks\":[{\"name\":\"t\","
	       "\"stats\":{\"rounds\":1,\"data\":[1]}}]}", 1, 22, "not a commit hash"},
	/* criterion */
	{NULL, "{\"sampling_mode\":\"Linear\",\"iters\":[1,2],\"times\":[5,\"6\"]}",
	 1, 52, "got a string"},
	{NULL, "{\"sampling_mode\":\"Linear\",\"iters\":[1,-2],\"times\":[5,6]}", 1, 38,
	 "must be positive"},
	{NULL, "{\"sampling_mode\":\"Linear\",\"iters\":[1,2],\"times\":[5]}", 1, 49,
	 "2 iteration counts but 1 measurements"},
	{NULL, "group,function,value,throughput_num,throughput_type,sample_measured_value,unit,"
	       "iteration_count\ng,f,,,,nan,ns,10\n", 2, 8, "sample_measured_value"},
	{NULL, "group,function,value,throughput_num,throughput_type,sample_measured_value,unit,"
	       "iteration_count\ng,f,,,,5,ns,-10\n", 2, 13, "iteration_count"},
	/* a custom measurement's unit that names a well-known metric (found
	 * by fuzzing: the result written was one no reader accepts) */
	{NULL, "group,function,value,throughput_num,throughput_type,sample_measured_value,unit,"
	       "iteration_count\ng,f,,,,5,time,10\n", 2, 8, "a metric named 'time' must be in s"},
	{NULL, "{\"reason\":\"benchmark-complete\",\"id\":\"x\",\"unit\":\"ns\","
	       "\"iteration_count\":[1],\"measured_values\":[1e308]}\n"
	       "{\"reason\":\"benchmark-complete\",\"id\":\"y\",\"unit\":\"ns\","
	       "\"iteration_count\":[1],\"measured_values\":[\"1\"]}\n", 2, 94, "got a string"},
	/* Catch2 */
	{NULL, CATCH_HEAD "bench                                          100             1    2.5 ms \n"
	                  "                                        nan ns       1 ns       1 ns \n",
	 6, 41, "not a number"},
	{NULL, CATCH_HEAD "bench                                          100             1    abc ms \n",
	 5, 69, "expected a number, found 'abc'"},
	{"catch2", "<Catch><TestCase name=\"t\"><BenchmarkResults name=\"b\" samples=\"-3\" "
	           "iterations=\"1\"><mean value=\"1\"/></BenchmarkResults></TestCase></Catch>",
	 1, 63, "samples=\"-3\" is not a count"},
	{"catch2", "<Catch><TestCase name=\"t\"><BenchmarkResults name=\"b\" samples=\"3\" "
	           "iterations=\"1\"><mean value=\"1e400\"/></BenchmarkResults></TestCase></Catch>",
	 1, 81, "infinite"},
	/* nanobench */
	{NULL, "{\"results\":[{\"name\":\"a\",\"batch\":1,\"measurements\":[{\"iterations\":1,"
	       "\"elapsed\":\"x\"}]}]}", 1, 77, "got a string"},
	{NULL, "{\"results\":[{\"name\":\"a\",\"batch\":1,\"measurements\":[{\"iterations\":-1,"
	       "\"elapsed\":1}]}]}", 1, 65, "non-negative"},
	{NULL, NB_CSV "\"b\";\"a\";\"op\";1;nan;0;0;0;0;1\n",
	 2, 16, "expected a number, found 'nan'"},
	{NULL, NB_TABLE "|                1e400 |        1.00 |    0.1% |      0.01 | `a`\n",
	 3, 18, "is not a number"},
	/* JMH */
	{NULL, "[{\"benchmark\":\"a\",\"mode\":\"avgt\",\"primaryMetric\":{\"score\":1,"
	       "\"scoreUnit\":\"ns/op\",\"rawData\":[[1,\"2\"]]}}]", 1, 94, "got a string"},
	{NULL, "[{\"benchmark\":\"a\",\"mode\":\"thrpt\",\"primaryMetric\":{\"score\":1,"
	       "\"scoreUnit\":\"ops/ns\",\"rawData\":[[1e300]]}}]", 1, 94, "infinite"},
	/* the same benchmark twice: refused at the second, naming the first */
	{NULL, "{\"results\":[{\"command\":\"a\",\"times\":[1]},\n{\"command\":\"a\",\"times\":[2]}]}",
	 2, 1, "first at t.txt:1:13"},
	{NULL, "[{\"benchmark\":\"a\",\"mode\":\"avgt\",\"primaryMetric\":{\"scoreUnit\":\"ns/op\","
	       "\"rawData\":[[1]]}},\n{\"benchmark\":\"a\",\"mode\":\"avgt\",\"primaryMetric\":"
	       "{\"scoreUnit\":\"ns/op\",\"rawData\":[[1]]}}]", 2, 1, "first at t.txt:1:2"},
	{NULL, "{\"benchmarks\":[{\"name\":\"t\",\"stats\":{\"rounds\":1,\"data\":[1]}},\n"
	       "{\"name\":\"t\",\"stats\":{\"rounds\":1,\"data\":[1]}}]}", 2, 1,
	 "first at t.txt:1:16"},
	{NULL, NB_CSV "\"b\";\"a\";\"op\";1;5;0;0;0;0;1\n\"b\";\"a\";\"op\";1;6;0;0;0;0;1\n", 3, 1,
	 "first at t.txt:2:1"},
	{NULL, "{\"reason\":\"benchmark-complete\",\"id\":\"x\",\"unit\":\"ns\","
	       "\"iteration_count\":[1],\"measured_values\":[1]}\n"
	       "{\"reason\":\"benchmark-complete\",\"id\":\"x\",\"unit\":\"ns\","
	       "\"iteration_count\":[1],\"measured_values\":[1]}\n", 2, 1, "first at t.txt:1:1"},
	{NULL, "{\"format\":1,\"benchmarks\":[\n{\"name\":\"a\",\"metrics\":[]},\n"
	       "{\"name\":\"a\",\"params\":{\"n\":\"1\"},\"metrics\":[]},\n"
	       "{\"name\":\"a\",\"metrics\":[]}]}", 4, 1, "first at t.txt:2:1"},
	/* the results reader: every error placed (issue 17 item 10) */
	{NULL, "{\n", 2, 1, "not valid JSON"},
	{NULL, "{\"format\":1}", 1, 1, "\"benchmarks\" is missing"},
	{NULL, "\xef\xbb\xbf{\"format\":1}", 1, 4, "\"benchmarks\" is missing"},
	{NULL, "\xef\xbb\xbf{\"results\":[{\"command\":\"a\",\"times\":[1,-2]}]}",
	 1, 42, "negative time"},
	{NULL, "hello\n", 1, 1, "not a results file"},
	{NULL, "\n\n  [1, 2]", 3, 3, "not a results file"},
};

Test(import_rules, a_value_that_cannot_be_read_rejects_the_file_at_its_place)
{
	for (size_t i = 0; i < sizeof refused / sizeof *refused; i++) {
		tach_result *r = NULL;
		tach_error err;
		const char *t = refused[i].text;
		int rc = tach_import_buffer(t, strlen(t), "t.txt", refused[i].from, &r, &err);
		cr_expect(rc < 0, "case %zu accepted: %s", i, t);
		cr_expect_null(r);
		tach_result_free(r);
		if (rc >= 0)
			continue;
		cr_expect(err.line == refused[i].line && err.column == refused[i].column,
		          "case %zu: at %u:%u, want %u:%u (%s)", i, err.line, err.column,
		          refused[i].line, refused[i].column, err.message);
		cr_expect(strstr(err.message, refused[i].says), "case %zu: '%s' does not say '%s'", i,
		          err.message, refused[i].says);
	}
}

/* ---- values the format documents as missing: skipped, with a warning ---- */

typedef struct warnings {
	int n;
	tach_error last;
} warnings;

static void count_warning(const tach_error *w, void *data)
{
	warnings *ws = data;
	ws->n++;
	ws->last = *w;
}

Test(import_rules, a_documented_missing_value_is_skipped_with_a_placed_warning)
{
	/* JMH writes "NaN" for a score it has no number for (the asm profiler) */
	const char *jmh =
		"[{\"benchmark\":\"a\",\"mode\":\"avgt\",\"primaryMetric\":{\"scoreUnit\":\"ns/op\","
		"\"rawData\":[[1,2]]},\n\"secondaryMetrics\":{\"x\":{\"score\":\"NaN\","
		"\"scoreUnit\":\"ns/op\",\"rawData\":[]}}}]";
	warnings ws = {0};
	tach_result *r;
	tach_error err;
	cr_assert_eq(tach_import_buffer_warn(jmh, strlen(jmh), "j.json", NULL, count_warning, &ws,
	                                     &r, &err),
	             0, "%s", err.message);
	cr_expect_eq(ws.n, 1);
	cr_expect_str_eq(ws.last.file, "j.json");
	cr_expect(ws.last.line == 2 && ws.last.column == 25, "at %u:%u", ws.last.line,
	          ws.last.column);
	cr_expect(strstr(ws.last.message, "'x'"), "%s", ws.last.message);
	cr_expect_null(tach_benchmark_metric(r->benchmarks[0], "x"));
	tach_result_free(r);

	/* hyperfine writes null for the exit code of a run a signal ended */
	const char *hf = "{\"results\":[{\"command\":\"a\",\"times\":[1,2],\n\"exit_codes\":[0,null]}]}";
	ws.n = 0;
	cr_assert_eq(tach_import_buffer_warn(hf, strlen(hf), "h.json", NULL, count_warning, &ws, &r,
	                                     &err),
	             0, "%s", err.message);
	cr_expect_eq(ws.n, 1);
	cr_expect(ws.last.line == 2 && ws.last.column == 17, "at %u:%u", ws.last.line,
	          ws.last.column);
	cr_expect_eq(tach_benchmark_metric(r->benchmarks[0], "exit_code")->n_samples, 1);
	cr_expect_eq(tach_benchmark_metric(r->benchmarks[0], "time")->n_samples, 2);
	tach_result_free(r);
}

Test(import_rules, a_byte_order_mark_is_accepted)
{
	const char *text = "\xef\xbb\xbf{\"format\":1,\"meta\":{},\"benchmarks\":[{\"name\":\"a\","
	                   "\"metrics\":[]}]}";
	tach_result *r;
	tach_error err;
	cr_assert_eq(tach_import_buffer(text, strlen(text), "b.json", NULL, &r, &err), 0, "%s",
	             err.message);
	cr_expect_eq(r->n_benchmarks, 1);
	tach_result_free(r);
	cr_assert_eq(tach_result_read_buffer(text, strlen(text), "b.json", &r, &err), 0, "%s",
	             err.message);
	tach_result_free(r);
	const char *go = "\xef\xbb\xbf" "BenchmarkA-8  100  5 ns/op\n";
	cr_assert_eq(tach_import_buffer(go, strlen(go), "g.txt", NULL, &r, &err), 0, "%s",
	             err.message);
	tach_result_free(r);
}

Test(import_rules, duplicates_are_found_in_file_order)
{
	tach_result *r = tach_result_new();
	const char *names[] = {"b", "a", "c", "a", "b"};
	for (size_t i = 0; i < 5; i++)
		tach_result_add_benchmark(r, names[i]);
	size_t first = 9, second = 9;
	cr_expect_eq(tach_result_duplicate(r, &first, &second), 1);
	cr_expect(first == 1 && second == 3, "%zu %zu", first, second);
	tach_kvlist_set(&r->benchmarks[3]->params, "n", "1");
	cr_expect_eq(tach_result_duplicate(r, &first, &second), 1);
	cr_expect(first == 0 && second == 4, "%zu %zu", first, second);
	tach_kvlist_set(&r->benchmarks[4]->params, "n", "1");
	cr_expect_eq(tach_result_duplicate(r, &first, &second), 0);
	/* the order parameters were given in tells nothing apart: compare
	 * pairs {n=1, m=2} with {m=2, n=1} */
	tach_kvlist_set(&r->benchmarks[1]->params, "m", "2");
	tach_kvlist_set(&r->benchmarks[1]->params, "n", "1");
	tach_kvlist_set(&r->benchmarks[3]->params, "m", "2"); /* after its n=1 */
	cr_expect_eq(tach_result_duplicate(r, &first, &second), 1);
	cr_expect(first == 1 && second == 3, "%zu %zu", first, second);
	tach_kvlist_set(&r->benchmarks[3]->params, "m", "3");
	cr_expect_eq(tach_result_duplicate(r, &first, &second), 0);
	tach_result_free(r);
}
