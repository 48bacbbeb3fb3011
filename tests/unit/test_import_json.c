/* test_import_json.c - the pytest-benchmark, criterion.rs, JMH and
 * nanobench importers on small inline documents: which numbers become
 * samples and which are summaries, unit conversions, names and
 * parameters, and the files that must be rejected with a reason. */
#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "tach/tach.h"
#include "tach/import.h"

/* Imports text (format detected) or fails the test. */
static tach_result *import(const char *text, const char *name)
{
	tach_result *r;
	tach_error err;
	int rc = tach_import_buffer(text, strlen(text), name, NULL, &r, &err);
	cr_assert_eq(rc, 0, "%s:%u:%u: %s", name, err.line, err.column, err.message);
	return r;
}

/* Imports text expecting a rejection whose message holds `why`. */
static void rejected(const char *text, const char *name, const char *why)
{
	tach_result *r;
	tach_error err;
	int rc = tach_import_buffer(text, strlen(text), name, NULL, &r, &err);
	cr_expect_neq(rc, 0, "%s: should be rejected", name);
	cr_expect_null(r);
	cr_expect(strstr(err.message, why), "%s: '%s' lacks '%s'", name, err.message, why);
}

static const tach_metric *metric(const tach_result *r, size_t b, const char *name)
{
	cr_assert_lt(b, r->n_benchmarks);
	const tach_metric *m = tach_benchmark_metric(r->benchmarks[b], name);
	cr_assert(m, "benchmark %zu has no metric '%s'", b, name);
	return m;
}

static const char *param(const tach_result *r, size_t b, const char *key)
{
	return tach_kvlist_get(&r->benchmarks[b]->params, key);
}

/* ---- pytest-benchmark ---- */

Test(pytest, rounds_are_samples_and_meta_is_kept)
{
	const char *text =
		"{\"machine_info\": {\"node\": \"box\", \"system\": \"Linux\", \"machine\": \"x86_64\","
		"  \"release\": \"6.1.0\", \"cpu\": {\"brand_raw\": \"Some CPU\", \"count\": 8}},"
		" \"commit_info\": {\"id\": \"abc123\", \"branch\": \"main\", \"dirty\": false},"
		" \"benchmarks\": [{\"group\": \"parse\", \"name\": \"test_p[10]\","
		"  \"fullname\": \"tests/t.py::test_p[10]\", \"params\": {\"n\": 10, \"s\": \"x\"},"
		"  \"param\": \"10\", \"extra_info\": {},"
		"  \"stats\": {\"min\": 1, \"max\": 3, \"mean\": 2, \"median\": 2, \"rounds\": 3,"
		"   \"iterations\": 50, \"data\": [0.001, 0.002, 0.003]}}],"
		" \"datetime\": \"2024-01-02T23:30:00.5+02:00\", \"version\": \"4.0.0\"}";
	tach_result *r = import(text, "p.json");
	cr_assert_eq(r->n_benchmarks, 1);
	cr_expect_str_eq(r->benchmarks[0]->name, "tests/t.py::test_p[10]");
	cr_expect_str_eq(r->benchmarks[0]->source.tool, "pytest-benchmark");
	cr_expect_str_eq(param(r, 0, "n"), "10");
	cr_expect_str_eq(param(r, 0, "s"), "x");
	cr_expect_str_eq(param(r, 0, "group"), "parse");
	const tach_metric *t = metric(r, 0, "time");
	cr_assert_eq(t->n_samples, 3, "every round, not the mean/median");
	cr_expect_float_eq(t->samples[2], 0.003, 1e-15);
	cr_assert(t->iterations);
	cr_expect_eq(t->iterations[0], 50);
	cr_expect_str_eq(r->meta.git_commit, "abc123");
	cr_expect_str_eq(r->meta.git_branch, "main");
	cr_expect_eq(r->meta.git_dirty, 0);
	cr_expect_str_eq(r->meta.hostname, "box");
	cr_expect_str_eq(r->meta.cpu_model, "Some CPU");
	cr_expect_eq(r->meta.cpu_count, 8);
	cr_expect_str_eq(r->meta.os, "Linux x86_64");
	cr_expect_str_eq(r->meta.timestamp, "2024-01-02T21:30:00.5Z", "converted to UTC");
	tach_result_free(r);
}

Test(pytest, summary_only_gives_the_median_as_one_sample)
{
	/* 2.5.0: no data, no fullname-first ordering, no params */
	const char *text =
		"{\"benchmarks\": [{\"stats\": {\"q1\": 1e-7, \"median\": 2.2e-7, \"mean\": 2.6e-7,"
		"  \"rounds\": 9987, \"iterations\": 418, \"stddev\": 2e-7},"
		"  \"name\": \"test_x[0]\", \"group\": null, \"options\": {\"timer\": \"time\"}}],"
		" \"datetime\": \"2015-08-15T00:01:46.250433+00:00\","
		" \"commit_info\": {\"dirty\": true, \"id\": \"5b78\"},"
		" \"machine_info\": {\"node\": \"minibox\"}, \"version\": \"2.5.0\"}";
	tach_result *r = import(text, "old.json");
	cr_assert_eq(r->n_benchmarks, 1);
	cr_expect_str_eq(r->benchmarks[0]->name, "test_x[0]", "name when there is no fullname");
	cr_expect_eq(r->benchmarks[0]->params.n, 0);
	const tach_metric *t = metric(r, 0, "time");
	cr_assert_eq(t->n_samples, 1);
	cr_expect_float_eq(t->samples[0], 2.2e-7, 1e-20, "the median, not the mean");
	cr_expect_eq(r->meta.git_dirty, 1);
	cr_expect_str_eq(r->meta.timestamp, "2015-08-15T00:01:46.250433Z");
	tach_result_free(r);
}

/* ---- criterion.rs ---- */

Test(criterion, sample_json_new_and_old_forms)
{
	const char *now = "{\"sampling_mode\":\"Linear\",\"iters\":[10.0,20.0],"
	                  "\"times\":[1000.0,3000.0]}";
	tach_result *r = import(now, "sample.json");
	cr_assert_eq(r->n_benchmarks, 1);
	cr_expect_str_eq(r->benchmarks[0]->name, "sample", "the base name when the path says nothing");
	const tach_metric *t = metric(r, 0, "time");
	cr_assert_eq(t->n_samples, 2);
	cr_expect_float_eq(t->samples[0], 100e-9, 1e-18, "1000 ns over 10 iterations");
	cr_expect_float_eq(t->samples[1], 150e-9, 1e-18);
	cr_expect_eq(t->iterations[1], 20);
	tach_result_free(r);

	const char *old = "[[1.0,2.0,3.0],[2e9,4e9,9e9]]"; /* criterion 0.2 */
	r = import(old, "dir/x.json");
	cr_expect_str_eq(r->benchmarks[0]->name, "x");
	t = metric(r, 0, "time");
	cr_assert_eq(t->n_samples, 3);
	cr_expect_float_eq(t->samples[2], 3.0, 1e-12);
	cr_expect_eq(t->iterations[2], 3);
	tach_result_free(r);

	r = import(now, "-"); /* standard input */
	cr_expect_str_eq(r->benchmarks[0]->name, "sample");
	tach_result_free(r);
}

static const char est_fmt[] =
	"{\"%s\":{\"confidence_interval\":{\"confidence_level\":0.95,\"lower_bound\":40,"
	"\"upper_bound\":60},\"point_estimate\":50.0,\"standard_error\":1},"
	"\"%s\":{\"confidence_interval\":{\"confidence_level\":0.95,\"lower_bound\":40,"
	"\"upper_bound\":60},\"point_estimate\":48.0,\"standard_error\":1},"
	"\"%s\":{\"confidence_interval\":{\"confidence_level\":0.95,\"lower_bound\":1,"
	"\"upper_bound\":3},\"point_estimate\":2.0,\"standard_error\":1},"
	"\"%s\":%s,"
	"\"%s\":{\"confidence_interval\":{\"confidence_level\":0.95,\"lower_bound\":1,"
	"\"upper_bound\":3},\"point_estimate\":2.5,\"standard_error\":1}}";
static const char slope_est[] =
	"{\"confidence_interval\":{\"confidence_level\":0.95,\"lower_bound\":50,"
	"\"upper_bound\":54},\"point_estimate\":52.0,\"standard_error\":1}";

Test(criterion, estimates_give_one_sample_the_typical_estimate)
{
	char text[2048];
	snprintf(text, sizeof text, est_fmt, "mean", "median", "median_abs_dev", "slope", slope_est,
	         "std_dev");
	tach_result *r = import(text, "estimates.json");
	const tach_metric *t = metric(r, 0, "time");
	cr_assert_eq(t->n_samples, 1);
	cr_expect_float_eq(t->samples[0], 52e-9, 1e-18, "the slope");
	tach_result_free(r);

	snprintf(text, sizeof text, est_fmt, "mean", "median", "median_abs_dev", "slope", "null",
	         "std_dev");
	r = import(text, "estimates.json");
	t = metric(r, 0, "time");
	cr_assert_eq(t->n_samples, 1);
	cr_expect_float_eq(t->samples[0], 50e-9, 1e-18, "no slope (flat sampling): the mean");
	tach_result_free(r);

	/* criterion 0.2 spelled the keys in CamelCase */
	snprintf(text, sizeof text, est_fmt, "Mean", "Median", "MedianAbsDev", "Slope", slope_est,
	         "StdDev");
	r = import(text, "estimates.json");
	cr_expect_float_eq(metric(r, 0, "time")->samples[0], 52e-9, 1e-18);
	tach_result_free(r);
}

Test(criterion, files_without_measurements_are_rejected)
{
	rejected("{\"group_id\":\"fib\",\"function_id\":null,\"value_str\":null,\"throughput\":null,"
	         "\"full_id\":\"fib\",\"directory_name\":\"fib\",\"title\":\"fib\"}",
	         "benchmark.json", "holds the benchmark's name, not measurements");
	rejected("[4.3,4.5,5.1,5.4]", "tukey.json", "outlier fences");
	/* change/estimates.json: by its shape (mean and median only)... */
	rejected("{\"mean\":{\"confidence_interval\":{\"confidence_level\":0.95,\"lower_bound\":-0.008,"
	         "\"upper_bound\":0.007},\"point_estimate\":-0.0003,\"standard_error\":0.004},"
	         "\"median\":{\"confidence_interval\":{\"confidence_level\":0.95,"
	         "\"lower_bound\":-0.008,\"upper_bound\":0.01},\"point_estimate\":0.001,"
	         "\"standard_error\":0.005}}",
	         "estimates.json", "relative change");
	/* ...and by its folder, whatever it holds */
	char text[2048];
	snprintf(text, sizeof text, est_fmt, "mean", "median", "median_abs_dev", "slope", slope_est,
	         "std_dev");
	rejected(text, "target/criterion/fib/change/estimates.json", "relative change");
}

static void write_file(const char *path, const char *text)
{
	FILE *f = fopen(path, "w");
	cr_assert(f, "cannot write %s", path);
	fputs(text, f);
	cr_assert_eq(fclose(f), 0);
}

static void make_dirs(char *path)
{
	for (char *p = strchr(path + 1, '/'); p; p = strchr(p + 1, '/')) {
		*p = '\0';
		mkdir(path, 0700);
		*p = '/';
	}
}

Test(criterion, names_come_from_the_folder_or_benchmark_json)
{
	char root[] = "/tmp/tach-criterion-XXXXXX";
	cr_assert(mkdtemp(root));
	const char *sample = "{\"sampling_mode\":\"Flat\",\"iters\":[2.0,2.0],\"times\":[8.0,10.0]}";
	char dir[512], path[600], bj[600];
	snprintf(dir, sizeof dir, "%s/target/criterion/Build Voronoi Cells/delauney2d/1000/new/",
	         root);
	make_dirs(dir);
	snprintf(path, sizeof path, "%ssample.json", dir);
	write_file(path, sample);
	tach_result *r;
	tach_error err;
	cr_assert_eq(tach_import_file(path, NULL, &r, &err), 0, "%s", err.message);
	cr_expect_str_eq(r->benchmarks[0]->name, "Build Voronoi Cells/delauney2d/1000");
	tach_result_free(r);

	/* criterion makes ids file-name safe: benchmark.json has the real one,
	 * and its throughput */
	snprintf(bj, sizeof bj, "%sbenchmark.json", dir);
	write_file(bj, "{\"group_id\":\"Build Voronoi Cells\",\"function_id\":\"delauney2d\","
	               "\"value_str\":\"1000\",\"throughput\":{\"Bytes\":4},"
	               "\"full_id\":\"Build Voronoi Cells/delauney2d?/1000\","
	               "\"directory_name\":\"Build Voronoi Cells/delauney2d_/1000\"}");
	cr_assert_eq(tach_import_file(path, NULL, &r, &err), 0, "%s", err.message);
	cr_expect_str_eq(r->benchmarks[0]->name, "Build Voronoi Cells/delauney2d?/1000");
	const tach_metric *bps = metric(r, 0, "bytes_per_second");
	cr_assert_eq(bps->n_samples, 2);
	cr_expect_float_eq(bps->samples[0], 4 / 4e-9, 1, "4 bytes per 4 ns iteration");
	cr_expect_str_eq(bps->unit, "B/s");
	tach_result_free(r);
	cr_expect_eq(tach_import_file(bj, NULL, &r, &err), TACH_EFORMAT, "benchmark.json itself");
	unlink(bj);
	unlink(path);

	/* a folder copied out of target/: no criterion/ above it */
	snprintf(dir, sizeof dir, "%s/fib/base/", root);
	make_dirs(dir);
	snprintf(path, sizeof path, "%sestimates.json", dir);
	char text[2048];
	snprintf(text, sizeof text, est_fmt, "mean", "median", "median_abs_dev", "slope", slope_est,
	         "std_dev");
	write_file(path, text);
	cr_assert_eq(tach_import_file(path, NULL, &r, &err), 0, "%s", err.message);
	cr_expect_str_eq(r->benchmarks[0]->name, "estimates");
	tach_result_free(r);
	unlink(path);
	char cmd[700];
	snprintf(cmd, sizeof cmd, "rm -rf '%s'", root);
	cr_expect_eq(system(cmd), 0);
}

Test(criterion, raw_csv_rows_are_samples)
{
	const char *text =
		"group,function,value,throughput_num,throughput_type,sample_measured_value,unit,"
		"iteration_count\n"
		"fib 20 - fast,,,,,1000.0,ns,10\n"
		"fib 20 - fast,,,,,3000.0,ns,20\n"
		"\"parse, fast\",json,64,64,bytes,2.0,us,4\r\n"
		"parse,json,,8,elements,800.0,ns,100\n";
	tach_result *r = import(text, "raw.csv");
	cr_assert_eq(r->n_benchmarks, 3);
	cr_expect_str_eq(r->benchmarks[0]->name, "fib 20 - fast", "empty parts left out");
	cr_expect_str_eq(r->benchmarks[1]->name, "parse, fast/json/64");
	cr_expect_str_eq(r->benchmarks[2]->name, "parse/json");
	const tach_metric *t = metric(r, 0, "time");
	cr_assert_eq(t->n_samples, 2);
	cr_expect_float_eq(t->samples[1], 150e-9, 1e-18);
	cr_expect_eq(t->iterations[1], 20);
	cr_expect_float_eq(metric(r, 1, "time")->samples[0], 0.5e-6, 1e-18, "us");
	cr_expect_float_eq(metric(r, 1, "bytes_per_second")->samples[0], 64 / 0.5e-6, 1e-3);
	cr_expect_float_eq(metric(r, 2, "items_per_second")->samples[0], 8 / 8e-9, 1e-3);
	cr_expect_null(tach_benchmark_metric(r->benchmarks[0], "items_per_second"));
	tach_result_free(r);

	tach_error err;
	const char *bad = "group,function,value,throughput_num,throughput_type,sample_measured_value,"
	                  "unit,iteration_count\nfib,,,,,1000.0,ns,0\n";
	cr_expect_eq(tach_import_buffer(bad, strlen(bad), "raw.csv", NULL, &r, &err), TACH_EFORMAT);
	cr_expect_eq(err.line, 2);
}

Test(criterion, cargo_criterion_json_lines)
{
	const char *text =
		"{\"reason\":\"benchmark-complete\",\"id\":\"Queries/[LIGHT] all\","
		"\"report_directory\":\"/x\",\"iteration_count\":[10,20],"
		"\"measured_values\":[1000.0,4000.0],\"unit\":\"ns\",\"throughput\":[],"
		"\"typical\":{\"estimate\":150.0,\"lower_bound\":1,\"upper_bound\":2,\"unit\":\"ns\"},"
		"\"mean\":{\"estimate\":150.0,\"lower_bound\":1,\"upper_bound\":2,\"unit\":\"ns\"},"
		"\"slope\":null,\"change\":null}\n"
		"{\"reason\":\"benchmark-complete\",\"id\":\"copy\",\"report_directory\":\"/y\","
		"\"iteration_count\":[5],\"measured_values\":[50.0],\"unit\":\"ns\","
		"\"throughput\":[{\"per_iteration\":3,\"unit\":\"elements\"}],\"change\":null}\n"
		"{\"reason\":\"group-complete\",\"group_name\":\"Queries\","
		"\"benchmarks\":[\"Queries/[LIGHT] all\"],\"report_directory\":\"/x\"}\n";
	tach_result *r = import(text, "out.json");
	cr_assert_eq(r->n_benchmarks, 2);
	cr_expect_str_eq(r->benchmarks[0]->name, "Queries/[LIGHT] all");
	const tach_metric *t = metric(r, 0, "time");
	cr_assert_eq(t->n_samples, 2, "the measured values, not typical/mean");
	cr_expect_float_eq(t->samples[1], 200e-9, 1e-18);
	cr_expect_eq(t->iterations[0], 10);
	cr_expect_float_eq(metric(r, 1, "items_per_second")->samples[0], 3 / 10e-9, 1e-3);
	tach_result_free(r);

	tach_error err;
	const char *cut = "{\"reason\":\"benchmark-complete\",\"id\":\"a\",\"iteration_count\":[1],"
	                  "\"measured_values\":[1.0],\"unit\":\"ns\"}\n"
	                  "{\"reason\":\"benchmark-complete\",\"id\":\"b\",\"iter";
	cr_expect_eq(tach_import_buffer(cut, strlen(cut), "cut.json", NULL, &r, &err), TACH_EPARSE);
	cr_expect_eq(err.line, 2, "the truncated line is placed");
}

/* ---- JMH ---- */

static const char jmh_text[] =
	"[{\"jmhVersion\":\"1.37\",\"benchmark\":\"org.x.B.m\",\"mode\":\"thrpt\",\"threads\":1,"
	"  \"forks\":2,\"params\":{\"size\":\"10\",\"kind\":\"a\"},"
	"  \"primaryMetric\":{\"score\":2.0,\"scoreError\":0.5,\"scoreUnit\":\"ops/ms\","
	"   \"rawData\":[[1.0,2.0],[3.0]]},"
	"  \"secondaryMetrics\":{"
	"   \"gc.alloc.rate.norm\":{\"score\":16.0,\"scoreUnit\":\"B/op\",\"rawData\":[[16.0],[16.0]]},"
	"   \"\xc2\xb7gc.count\":{\"score\":3.0,\"scoreUnit\":\"counts\"},"
	"   \"asm\":{\"score\":\"NaN\",\"scoreError\":\"NaN\",\"scoreUnit\":\"---\","
	"    \"rawData\":[[],[]]}}},"
	" {\"jmhVersion\":\"1.37\",\"benchmark\":\"org.x.B.m\",\"mode\":\"avgt\",\"threads\":4,"
	"  \"forks\":1,\"params\":{\"size\":\"10\",\"kind\":\"a\"},"
	"  \"primaryMetric\":{\"score\":20.0,\"scoreUnit\":\"us/op\",\"rawData\":[[20.0,21.0]]},"
	"  \"secondaryMetrics\":{}},"
	" {\"benchmark\":\"org.x.B.s\",\"mode\":\"sample\",\"threads\":1,\"forks\":1,"
	"  \"primaryMetric\":{\"score\":1.5,\"scoreUnit\":\"ms/op\","
	"   \"rawDataHistogram\":[[[[1.0,3],[3.0,1]],[[2.0,2]]]]},\"secondaryMetrics\":{}}]";

Test(jmh, every_iteration_of_every_fork_is_a_sample)
{
	tach_result *r = import(jmh_text, "jmh-result.json");
	cr_assert_eq(r->n_benchmarks, 3, "one method in two modes is two benchmarks");
	cr_expect_str_eq(r->benchmarks[0]->name, "org.x.B.m/size:10/kind:a/mode:thrpt");
	cr_expect_str_eq(param(r, 0, "size"), "10");
	cr_expect_str_eq(param(r, 0, "mode"), "thrpt");
	cr_expect_null(param(r, 0, "threads"));
	const tach_metric *ips = metric(r, 0, "items_per_second");
	cr_assert_eq(ips->n_samples, 3, "both forks' iterations, not the score");
	cr_expect_float_eq(ips->samples[2], 3000.0, 1e-9, "ops/ms rescaled to /s");
	cr_expect_eq(ips->direction, TACH_HIGHER_IS_BETTER);
	const tach_metric *norm = metric(r, 0, "gc.alloc.rate.norm");
	cr_expect_str_eq(norm->unit, "B");
	cr_expect_eq(norm->n_samples, 2);
	const tach_metric *gcc = metric(r, 0, "gc.count");
	cr_expect_eq(gcc->n_samples, 1, "the score when there is no rawData");
	cr_expect_str_eq(gcc->unit, "count");
	cr_expect_null(tach_benchmark_metric(r->benchmarks[0], "asm"), "NaN score, unit ---");

	cr_expect_str_eq(param(r, 1, "mode"), "avgt");
	cr_expect_str_eq(param(r, 1, "threads"), "4");
	const tach_metric *t = metric(r, 1, "time");
	cr_assert_eq(t->n_samples, 2);
	cr_expect_float_eq(t->samples[1], 21e-6, 1e-18, "us/op rescaled to s");
	cr_expect_eq(t->direction, TACH_LOWER_IS_BETTER);

	/* sample mode: each iteration's histogram gives its mean */
	const tach_metric *s = metric(r, 2, "time");
	cr_assert_eq(s->n_samples, 2);
	cr_expect_float_eq(s->samples[0], 1.5e-3, 1e-15, "(3 x 1 ms + 1 x 3 ms) / 4");
	cr_expect_eq(s->iterations[0], 4);
	cr_expect_float_eq(s->samples[1], 2e-3, 1e-15);
	cr_expect_str_eq(tach_kvlist_get(&r->meta.context, "jmhVersion"), "1.37");
	tach_result_free(r);
}

Test(jmh, without_raw_data_the_score_is_one_sample)
{
	/* -Djmh.json.rawData=false */
	tach_result *r = import("[{\"benchmark\":\"a.B.c\",\"mode\":\"ss\",\"threads\":1,"
	                        "\"primaryMetric\":{\"score\":2.5,\"scoreUnit\":\"s/op\","
	                        "\"rawData\":[]},\"secondaryMetrics\":{}}]",
	                        "r.json");
	const tach_metric *t = metric(r, 0, "time");
	cr_assert_eq(t->n_samples, 1);
	cr_expect_float_eq(t->samples[0], 2.5, 1e-12);
	tach_result_free(r);
}

Test(jmh, unknown_score_unit_is_rejected)
{
	rejected("[{\"benchmark\":\"a.B.c\",\"mode\":\"avgt\",\"primaryMetric\":"
	         "{\"score\":1,\"scoreUnit\":\"furlongs\",\"rawData\":[[1]]}}]",
	         "r.json", "unknown score unit 'furlongs'");
}

/* ---- nanobench ---- */

Test(nanobench, json_epochs_are_samples_per_op)
{
	const char *text =
		"{\"results\": [{\"title\": \"hashing\", \"name\": \"crc\", \"unit\": \"byte\","
		" \"batch\": 4, \"complexityN\": -1, \"epochs\": 2, \"median(elapsed)\": 2e-08,"
		" \"measurements\": ["
		"  {\"iterations\": 100, \"elapsed\": 2e-08, \"pagefaults\": 0, \"cpucycles\": 80,"
		"   \"contextswitches\": 0, \"instructions\": 120, \"branchinstructions\": 16,"
		"   \"branchmisses\": 0},"
		"  {\"iterations\": 110, \"elapsed\": 3e-08, \"pagefaults\": 0, \"cpucycles\": 84,"
		"   \"contextswitches\": 0, \"instructions\": 124, \"branchinstructions\": 16,"
		"   \"branchmisses\": 0}]},"
		" {\"title\": \"benchmark\", \"name\": \"sum\", \"unit\": \"op\", \"batch\": 1,"
		"  \"complexityN\": 1000, \"measurements\": [{\"iterations\": 7, \"elapsed\": 1e-06,"
		"   \"pagefaults\": 0, \"cpucycles\": 0, \"contextswitches\": 0, \"instructions\": 0,"
		"   \"branchinstructions\": 0, \"branchmisses\": 0}]}]}";
	tach_result *r = import(text, "nb.json");
	cr_assert_eq(r->n_benchmarks, 2);
	cr_expect_str_eq(r->benchmarks[0]->name, "hashing/crc");
	cr_expect_str_eq(param(r, 0, "title"), "hashing");
	cr_expect_str_eq(param(r, 0, "unit"), "byte");
	const tach_metric *t = metric(r, 0, "time");
	cr_assert_eq(t->n_samples, 2);
	/* elapsed is already per iteration; an iteration is `batch` bytes */
	cr_expect_float_eq(t->samples[0], 0.5e-8, 1e-20);
	cr_expect_float_eq(t->samples[1], 0.75e-8, 1e-20);
	cr_expect_eq(t->iterations[1], 110);
	cr_expect_float_eq(metric(r, 0, "instructions")->samples[1], 31.0, 1e-12);
	cr_expect_float_eq(metric(r, 0, "cycles")->samples[0], 20.0, 1e-12);
	cr_expect_float_eq(metric(r, 0, "branches")->samples[0], 4.0, 1e-12);
	cr_expect_null(tach_benchmark_metric(r->benchmarks[0], "branch_misses"), "all zero: not read");
	cr_expect_null(tach_benchmark_metric(r->benchmarks[0], "page_faults"));

	cr_expect_str_eq(r->benchmarks[1]->name, "sum", "the default title is left out");
	cr_expect_null(param(r, 1, "title"));
	cr_expect_str_eq(param(r, 1, "complexityN"), "1000");
	cr_expect_eq(r->benchmarks[1]->n_metrics, 1, "no counters at all");
	tach_result_free(r);
}

Test(nanobench, csv_gives_one_median_sample)
{
	const char *text =
		"\"title\";\"name\";\"unit\";\"batch\";\"elapsed\";\"error %\";\"instructions\";"
		"\"branches\";\"branch misses\";\"total\"\n"
		"\"benchmark\";\"a;b\";\"op\";2;4e-08;0.02;120;16;0;0.0002\n"
		"\"benchmark\";\"c\";\"op\";1;3e-08;0.001;0;0;0;0.0002\n";
	tach_result *r = import(text, "nb.csv");
	cr_assert_eq(r->n_benchmarks, 2);
	cr_expect_str_eq(r->benchmarks[0]->name, "a;b");
	const tach_metric *t = metric(r, 0, "time");
	cr_assert_eq(t->n_samples, 1);
	cr_expect_float_eq(t->samples[0], 2e-8, 1e-20, "median(elapsed) / batch");
	cr_expect_float_eq(metric(r, 0, "instructions")->samples[0], 60.0, 1e-12);
	cr_expect_null(tach_benchmark_metric(r->benchmarks[0], "branch_misses"));
	cr_expect_null(tach_benchmark_metric(r->benchmarks[1], "instructions"), "0: not counted");
	tach_result_free(r);
}

Test(nanobench, markdown_table_gives_one_median_sample)
{
	const char *text =
		"Warning, results might be unstable:\n"
		"* CPU governor is 'powersave' but should be 'performance'\n"
		"\n"
		"|               ns/op |                op/s |    err% |          ins/op |"
		"          cyc/op |    IPC |         bra/op |   miss% |     total | benchmark\n"
		"|--------------------:|--------------------:|--------:|----------------:|"
		"----------------:|-------:|---------------:|--------:|----------:|:----------\n"
		"|       10,149,086.00 |               98.53 |    0.1% |           45.00 |"
		"        2,394.00 |  0.019 |           9.00 |   88.9% |      0.11 | `sleep 10ms`\n"
		"|              744.50 |        1,343,183.34 |   11.2% |        2,815.05 |"
		"        2,375.86 |  1.185 |         524.73 |   12.5% |      0.00 |"
		" :wavy_dash: `a | b` (Unstable with ~23.3 iters. Increase `minEpochIterations` to"
		" e.g. 233)\n"
		"|                   - |                   - |       - |               - |"
		"               - |      - |              - |       - |         - |"
		" :boom: `gone` (iterations overflow. Maybe your code got optimized away?)\n"
		"\n"
		"|               ns/byte |                byte/s |    err% |     total | crc\n"
		"|----------------------:|----------------------:|--------:|----------:|:----\n"
		"|                  0.50 |      2,000,000,000.00 |    0.3% |      0.01 | `crc32`\n";
	tach_result *r = import(text, "out.txt");
	cr_assert_eq(r->n_benchmarks, 4);
	cr_expect_str_eq(r->benchmarks[0]->name, "sleep 10ms");
	const tach_metric *t = metric(r, 0, "time");
	cr_assert_eq(t->n_samples, 1);
	cr_expect_float_eq(t->samples[0], 10149086e-9, 1e-12, "thousands separators");
	cr_expect_float_eq(metric(r, 0, "cycles")->samples[0], 2394.0, 1e-9);
	cr_expect_float_eq(metric(r, 0, "branches")->samples[0], 9.0, 1e-9);
	cr_expect_str_eq(r->benchmarks[1]->name, "a | b", "unstable rows are kept");
	cr_expect_float_eq(metric(r, 1, "instructions")->samples[0], 2815.05, 1e-9);
	cr_expect_str_eq(r->benchmarks[2]->name, "gone");
	cr_expect_str_eq(r->benchmarks[2]->error,
	                 "iterations overflow. Maybe your code got optimized away?");
	cr_expect_str_eq(r->benchmarks[3]->name, "crc/crc32", "the second table's title");
	cr_expect_str_eq(param(r, 3, "unit"), "byte");
	cr_expect_float_eq(metric(r, 3, "time")->samples[0], 0.5e-9, 1e-20);
	tach_result_free(r);
}
