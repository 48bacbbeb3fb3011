/* test_import_text.c - the text-format importers: `go test -bench`, Google
 * Benchmark's console table and Catch2, first from small inline texts
 * (one rule each), then from output the real tools produce here when they
 * are installed (Google Benchmark, go, hyperfine), checked against what
 * the tool itself printed or wrote. */
#include <criterion/criterion.h>
#include <errno.h>
#include <fcntl.h>
#include <jansson.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "tach/tach.h"
#include "tach/import.h"
#include "tach/stats.h"

/* ------------------------------------------------------------------ */
/* helpers */

static tach_result *import_ok(const char *text, const char *from)
{
	tach_result *r = NULL;
	tach_error err;
	int rc = tach_import_buffer(text, strlen(text), "t.txt", from, &r, &err);
	cr_assert_eq(rc, 0, "import failed: %u:%u: %s", err.line, err.column, err.message);
	return r;
}

/* The benchmark with this name whose param `key` is `value` (key NULL:
 * any params). */
static tach_benchmark *bench(const tach_result *r, const char *name, const char *key,
                             const char *value)
{
	for (size_t i = 0; i < r->n_benchmarks; i++) {
		tach_benchmark *b = r->benchmarks[i];
		const char *v = key ? tach_kvlist_get(&b->params, key) : NULL;
		if (!strcmp(b->name, name) && (!key || (v && !strcmp(v, value))))
			return b;
	}
	cr_assert_fail("no benchmark '%s' (%s=%s)", name, key ? key : "-", value ? value : "-");
	return NULL;
}

static tach_metric *metric(const tach_benchmark *b, const char *name)
{
	tach_metric *m = tach_benchmark_metric(b, name);
	cr_assert(m, "benchmark '%s' has no metric '%s'", b->name, name);
	return m;
}

static double median(const tach_metric *m)
{
	double v;
	cr_assert_eq(tach_stats_median(m->samples, m->n_samples, &v), 0);
	return v;
}

static void expect_close(double got, double want, double tol, const char *what)
{
	cr_expect(fabs(got - want) <= tol, "%s: %.17g, want %.17g (within %g)", what, got, want, tol);
}

/* ------------------------------------------------------------------ */
/* go test -bench */

Test(import_go, procs_suffix_is_a_parameter)
{
	const char *text = "goos: linux\n"
	                   "BenchmarkA-8   \t 100\t 12 ns/op\n"
	                   "BenchmarkGenerateMethodSignatures/generate--12 \t 10 \t 1641 ns/op\n"
	                   "BenchmarkMain/Sample-10000/catalog_changes/Without_RLS-32  7210  1618398 ns/op\n"
	                   "Benchmarkuber_zap_total 1 10149055 total-bytes\n";
	tach_result *r = import_ok(text, NULL);
	cr_assert_eq(r->n_benchmarks, 4);
	cr_expect_str_eq(r->benchmarks[0]->name, "BenchmarkA");
	cr_expect_str_eq(tach_kvlist_get(&r->benchmarks[0]->params, "procs"), "8");
	cr_expect_str_eq(r->benchmarks[1]->name, "BenchmarkGenerateMethodSignatures/generate-");
	cr_expect_str_eq(tach_kvlist_get(&r->benchmarks[1]->params, "procs"), "12");
	cr_expect_str_eq(r->benchmarks[2]->name, "BenchmarkMain/Sample-10000/catalog_changes/Without_RLS");
	cr_expect_str_eq(tach_kvlist_get(&r->benchmarks[2]->params, "procs"), "32");
	cr_expect_str_eq(r->benchmarks[3]->name, "Benchmarkuber_zap_total");
	cr_expect_eq(r->benchmarks[3]->params.n, 0, "no suffix, no procs");
	const tach_metric *m = metric(r->benchmarks[3], "total-bytes");
	cr_expect_str_eq(m->unit, "B");
	cr_expect_eq(m->samples[0], 10149055);
	cr_expect_str_eq(r->benchmarks[0]->source.tool, "go");
	tach_result_free(r);
}

Test(import_go, pkg_keeps_same_names_apart)
{
	const char *text = "PASS\nok  \tgithub.com/x/log\t0.173s\n"
	                   "goos: linux\ngoarch: amd64\npkg: github.com/x/cache\n"
	                   "cpu: AMD EPYC 7763 64-Core Processor\n"
	                   "BenchmarkAppend-4 \t 21228057\t 55.76 ns/op\n"
	                   "PASS\nok  \tgithub.com/x/cache\t2.649s\n"
	                   "goos: linux\ngoarch: amd64\npkg: github.com/x/csrf\n"
	                   "BenchmarkAppend-4 \t 1000000000\t 0.3733 ns/op\n"
	                   "PASS";
	tach_result *r = import_ok(text, NULL);
	cr_assert_eq(r->n_benchmarks, 2);
	tach_benchmark *a = bench(r, "BenchmarkAppend", "pkg", "github.com/x/cache"),
	               *b = bench(r, "BenchmarkAppend", "pkg", "github.com/x/csrf");
	cr_expect_eq(metric(a, "time")->samples[0], 55.76e-9);
	cr_expect_eq(metric(b, "time")->samples[0], 0.3733e-9);
	cr_expect_eq(metric(b, "time")->iterations[0], 1000000000);
	cr_expect_str_eq(a->params.items[0].key, "pkg", "pkg first, then procs");
	cr_expect_str_eq(tach_kvlist_get(&r->meta.context, "goos"), "linux");
	cr_expect_str_eq(tach_kvlist_get(&r->meta.context, "goarch"), "amd64");
	cr_expect_str_eq(tach_kvlist_get(&r->meta.context, "cpu"), "AMD EPYC 7763 64-Core Processor");
	cr_expect_null(tach_kvlist_get(&r->meta.context, "pkg"));
	tach_result_free(r);
}

Test(import_go, count_repeats_are_samples_benchmem_maps)
{
	const char *text = "pkg: index/suffixarray\r\n"
	                   "BenchmarkNew/text=opticks/size=100K-8 \t 295\t 4052123 ns/op\t 24.68 MB/s\t"
	                   " 401490 B/op\t 2 allocs/op\r\n"
	                   "BenchmarkNew/text=opticks/size=100K-8 \t 297\t 4072122 ns/op\t 24.56 MB/s\t"
	                   " 401488 B/op\t 2 allocs/op\r\n"
	                   "BenchmarkNew/text=opticks/size=100K-8 \t 250\t 4858420 ns/op\t 20.58 MB/s\t"
	                   " 401495 B/op\t 3 allocs/op\r\n";
	tach_result *r = import_ok(text, "go");
	cr_assert_eq(r->n_benchmarks, 1);
	tach_benchmark *b = r->benchmarks[0];
	cr_expect_str_eq(b->name, "BenchmarkNew/text=opticks/size=100K");
	const tach_metric *t = metric(b, "time"), *bps = metric(b, "bytes_per_second"),
	                  *bop = metric(b, "bytes_per_op"), *al = metric(b, "allocs_per_op");
	cr_assert_eq(t->n_samples, 3);
	cr_expect_eq(t->samples[2], 4858420e-9);
	cr_expect_eq(t->iterations[0], 295);
	cr_expect_eq(t->iterations[2], 250);
	cr_expect_str_eq(t->unit, "s");
	cr_expect_eq(t->direction, TACH_LOWER_IS_BETTER);
	cr_expect_str_eq(bps->unit, "B/s");
	cr_expect_eq(bps->direction, TACH_HIGHER_IS_BETTER);
	cr_expect_eq(bps->samples[0], 24.68e6, "Go's MB/s is 10^6 bytes");
	cr_expect_str_eq(bop->unit, "B");
	cr_expect_eq(bop->samples[1], 401488);
	cr_expect_str_eq(al->unit, "count");
	cr_expect_eq(al->samples[2], 3);
	cr_expect_eq(al->n_samples, 3);
	tach_result_free(r);
}

Test(import_go, custom_units)
{
	const char *text = "goos: darwin\n"
	                   "BenchmarkFib20WithAuxMetric-8  46714  25829 ns/op   4.000 auxMetricUnits\n"
	                   "BenchmarkBuild  1  1.5e9 build-real-ns/op  12 widgets/s  3 ms\n";
	tach_result *r = import_ok(text, NULL);
	const tach_metric *aux = metric(r->benchmarks[0], "auxMetricUnits");
	cr_expect_str_eq(aux->unit, "auxMetricUnits");
	cr_expect_eq(aux->direction, TACH_LOWER_IS_BETTER);
	cr_expect_eq(aux->samples[0], 4);
	const tach_benchmark *b = r->benchmarks[1];
	const tach_metric *real = metric(b, "build-real"), *rate = metric(b, "widgets/s"),
	                  *ms = metric(b, "ms");
	cr_expect_str_eq(real->unit, "s", "xxx-ns/op is a time in seconds");
	cr_expect_eq(real->samples[0], 1.5);
	cr_expect_str_eq(rate->unit, "widgets/s");
	cr_expect_eq(rate->direction, TACH_HIGHER_IS_BETTER, "a /s unit is a rate");
	cr_expect_str_eq(ms->unit, "s", "a unit tach would reject as a scale is converted");
	cr_expect_eq(ms->samples[0], 3e-3);
	tach_result_free(r);
}

Test(import_go, malformed_result_line_is_placed)
{
	const char *text = "goos: linux\n"
	                   "BenchmarkA-8  100  12 ns/op\n"
	                   "BenchmarkB-8  100  1.2.3 ns/op\n";
	tach_result *r;
	tach_error err;
	cr_expect_eq(tach_import_buffer(text, strlen(text), "g.txt", NULL, &r, &err), TACH_EPARSE);
	cr_expect_null(r);
	cr_expect_eq(err.line, 3);
	cr_expect_eq(err.column, 20, "column %u", err.column);
	cr_expect(strstr(err.message, "1.2.3"), "%s", err.message);

	text = "BenchmarkA-8\t100\t12";
	cr_expect_eq(tach_import_buffer(text, strlen(text), "g.txt", "go", &r, &err), TACH_EPARSE);
	cr_expect_eq(err.line, 1);
	cr_expect_eq(err.column, 18, "the value without a unit, column %u", err.column);
}

Test(import_go, prose_outcomes_and_noise_are_not_results)
{
	/* no trailing newline; lines that merely start with "Benchmark" */
	const char *text = "Benchmarks below were run on a quiet machine.\n"
	                   "Benchmarking: 100% done\n"
	                   "go test -benchmem -bench=. github.com/x/y\n"
	                   "----------------------------------------\n"
	                   "?   \tgithub.com/x/cmd\t[no test files]\n"
	                   "note: hw acceleration enabled\n"
	                   "BenchmarkOK-2 \t 10 \t 5 ns/op\n"
	                   "--- FAIL: BenchmarkBad-2\n"
	                   "    bad_test.go:12: boom\n"
	                   "FAIL\n"
	                   "ok  \tgithub.com/x/y\t0.1s";
	tach_result *r = import_ok(text, NULL);
	cr_assert_eq(r->n_benchmarks, 2);
	cr_expect_str_eq(tach_kvlist_get(&r->meta.context, "note"), "hw acceleration enabled");
	const tach_benchmark *bad = bench(r, "BenchmarkBad", "procs", "2");
	cr_expect_str_eq(bad->error, "bad_test.go:12: boom");
	cr_expect_eq(bad->n_metrics, 0);
	tach_result_free(r);

	tach_error err;
	text = "Benchmarking is fun\nPASS\n";
	cr_expect_eq(tach_import_buffer(text, strlen(text), "g.txt", "go", &r, &err), TACH_EFORMAT);
	cr_expect(strstr(err.message, "no benchmark results"), "%s", err.message);
}

/* ------------------------------------------------------------------ */
/* Google Benchmark console */

Test(import_gbench_console, plain_table_with_context)
{
	const char *text =
		"-- Configuring done\n"
		"[100%] Built target gbench\n"
		"2019-10-12 12:03:25\n"
		"Running ./gbench\n"
		"Run on (12 X 4600 MHz CPU s)\n"
		"CPU Caches:\n"
		"L1 Data 32K (x6)\n"
		"  L2 Unified 256K (x6)\n"
		"Load Average: 0.21, 0.55, 0.60\n"
		"***WARNING*** CPU scaling is enabled, the benchmark real time measurements may be noisy.\n"
		"----------------------------------------------------------------\n"
		"Benchmark                      Time             CPU   Iterations\n"
		"----------------------------------------------------------------\n"
		"ComparisonFast             0.313 ns        0.313 ns   1000000000\n"
		"ComparisonSlow          10137913 ns         3920 ns         1000\n"
		"BM_threads/threads:4         2.5 us          9.8 us        10000\n";
	tach_result *r = import_ok(text, NULL);
	cr_assert_eq(r->n_benchmarks, 3);
	const tach_benchmark *slow = bench(r, "ComparisonSlow", NULL, NULL);
	cr_expect_eq(metric(slow, "time")->samples[0], 10137913e-9);
	cr_expect_eq(metric(slow, "cpu_time")->samples[0], 3920e-9);
	cr_expect_eq(metric(slow, "time")->iterations[0], 1000);
	cr_expect_eq(metric(r->benchmarks[0], "time")->samples[0], 0.313e-9);
	cr_expect_str_eq(slow->source.tool, "google-benchmark");
	const tach_benchmark *th = bench(r, "BM_threads/threads:4", "threads", "4");
	cr_expect_eq(metric(th, "cpu_time")->samples[0], 9.8e-6);
	const tach_kvlist *c = &r->meta.context;
	cr_expect_str_eq(tach_kvlist_get(c, "num_cpus"), "12");
	cr_expect_str_eq(tach_kvlist_get(c, "mhz_per_cpu"), "4600");
	cr_expect_str_eq(tach_kvlist_get(c, "executable"), "./gbench");
	cr_expect_str_eq(tach_kvlist_get(c, "date"), "2019-10-12 12:03:25");
	cr_expect_str_eq(tach_kvlist_get(c, "caches"), "L1 Data 32K (x6); L2 Unified 256K (x6)");
	cr_expect_str_eq(tach_kvlist_get(c, "load_avg"), "0.21, 0.55, 0.60");
	cr_expect_str_eq(tach_kvlist_get(c, "cpu_scaling_enabled"), "true");
	tach_result_free(r);
}

Test(import_gbench_console, counters_rates_and_labels)
{
	const char *text =
		"------------------------------------------------------------------\n"
		"Benchmark        Time             CPU   Iterations UserCounters...\n"
		"------------------------------------------------------------------\n"
		"BM_x/8        12.3 ns         12.2 ns     56000000 bytes_per_second=1.2G/s "
		"items_per_second=3M/s foo=2.5k bar=500m/s a label = text\n"
		"BM_old        1.00 ms         1.00 ms          700    12.5MB/s    4.5k items/s\n";
	tach_result *r = import_ok(text, NULL);
	cr_assert_eq(r->n_benchmarks, 2);
	const tach_benchmark *b = r->benchmarks[0];
	const tach_metric *bps = metric(b, "bytes_per_second"), *ips = metric(b, "items_per_second"),
	                  *foo = metric(b, "foo"), *bar = metric(b, "bar");
	expect_close(bps->samples[0], 1.2 * 1024 * 1024 * 1024, 1e-3, "bytes/s is 1024-based");
	cr_expect_str_eq(bps->unit, "B/s");
	cr_expect_eq(ips->samples[0], 3e6, "items/s is 1000-based");
	cr_expect_str_eq(ips->unit, "/s");
	cr_expect_eq(foo->samples[0], 2500);
	cr_expect_str_eq(foo->unit, "count");
	cr_expect_eq(bar->samples[0], 0.5, "m is milli");
	cr_expect_str_eq(bar->unit, "/s");
	cr_expect_eq(bar->direction, TACH_HIGHER_IS_BETTER);
	cr_expect_eq(b->n_metrics, 6, "the label is not a counter");
	const tach_benchmark *old = r->benchmarks[1];
	expect_close(metric(old, "bytes_per_second")->samples[0], 12.5 * 1024 * 1024, 1e-6, "old rate");
	expect_close(metric(old, "items_per_second")->samples[0], 4.5 * 1024, 1e-9, "old items");
	tach_result_free(r);
}

Test(import_gbench_console, tabular_counters_errors_and_program_output)
{
	const char *text =
		"----------------------------------------------------------------------------------\n"
		"Benchmark              Time             CPU   Iterations   branch_miss      bytes "
		"bytes_per_second items_per_second\n"
		"----------------------------------------------------------------------------------\n"
		"tweets<dom>       272041 ns       272041 ns         2573         3.8k   631.515k "
		"      2.16197G/s       367.592k/s [BEST: throughput=  2.41 GB/s]\n"
		"Creating a source file spanning 44921 KB \n"
		"large<dom>      89147734 ns     89147130 ns            8     937.703k   45.9988M "
		"      492.084M/s       11.2755/s\n"
		"----------------------------------------------------------------------------------\n"
		"Benchmark              Time             CPU   Iterations\n"
		"----------------------------------------------------------------------------------\n"
		"kostya<yyjson>    ERROR OCCURRED: 'warmup document reading failed'\n"
		"skipme            SKIPPED: 'not on this CPU'\n";
	tach_result *r = import_ok(text, NULL);
	cr_assert_eq(r->n_benchmarks, 4);
	const tach_benchmark *t = bench(r, "tweets<dom>", NULL, NULL);
	cr_expect_eq(metric(t, "branch_miss")->samples[0], 3800);
	cr_expect_eq(metric(t, "bytes")->samples[0], 631515);
	expect_close(metric(t, "bytes_per_second")->samples[0], 2.16197 * 1073741824.0, 1e-3, "G/s");
	expect_close(metric(t, "items_per_second")->samples[0], 367592, 1e-9, "k/s");
	cr_expect_eq(t->n_metrics, 6);
	const tach_benchmark *l = bench(r, "large<dom>", NULL, NULL);
	expect_close(metric(l, "items_per_second")->samples[0], 11.2755, 1e-12, "no prefix");
	cr_expect_eq(metric(l, "time")->iterations[0], 8);
	const tach_benchmark *e = bench(r, "kostya<yyjson>", NULL, NULL);
	cr_expect_str_eq(e->error, "warmup document reading failed");
	cr_expect_eq(e->n_metrics, 0);
	cr_expect_str_eq(bench(r, "skipme", NULL, NULL)->skipped, "not on this CPU");
	tach_result_free(r);
}

Test(import_gbench_console, repetitions_are_samples_aggregates_are_not)
{
	const char *text =
		"-----------------------------------------------------\n"
		"Benchmark           Time             CPU   Iterations\n"
		"-----------------------------------------------------\n"
		"BM_a             2.13 ns         2.13 ns      6538613\n"
		"BM_a             2.17 ns         2.17 ns      6538613\n"
		"BM_a             2.14 ns         2.14 ns      6538613\n"
		"BM_a_mean        2.15 ns         2.15 ns            3\n"
		"BM_a_median      2.14 ns         2.14 ns            3\n"
		"BM_a_stddev     0.022 ns        0.023 ns            3\n"
		"BM_a_cv          1.03 %          1.08 %             3\n"
		"BM_a_BigO        0.50 N          0.50 N \n"
		"BM_a_RMS            2 %             2 % \n"
		/* --benchmark_color=true */
		"\033[32mBM_a            \033[m\033[33m      2.15 ns         2.15 ns \033[m"
		"\033[36m     6538613\033[m\n";
	tach_result *r = import_ok(text, "google-benchmark-console");
	cr_assert_eq(r->n_benchmarks, 1);
	const tach_metric *t = metric(r->benchmarks[0], "time");
	cr_assert_eq(t->n_samples, 4);
	cr_expect_eq(t->samples[1], 2.17e-9);
	cr_expect_eq(t->samples[3], 2.15e-9, "colour escapes are not part of the row");
	cr_expect_eq(t->iterations[3], 6538613);
	tach_result_free(r);
}

/* ------------------------------------------------------------------ */
/* Catch2 */

static const char catch2_text[] =
	"\n"
	"~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~\n"
	"bench is a Catch v2.11.0 host application.\n"
	"Run with -? for options\n"
	"\n"
	"-------------------------------------------------------------------------------\n"
	"Fibonacci\n"
	"-------------------------------------------------------------------------------\n"
	"/src/bench.cpp:5\n"
	"...............................................................................\n"
	"\n"
	"benchmark name                                  samples       iterations    estimated\n"
	"                                                mean          low mean      high mean\n"
	"                                                std dev       low std dev   high std dev\n"
	"-------------------------------------------------------------------------------\n"
	"Fibonacci 10                                              100           208     7.1968 ms \n"
	"                                                       344 ns        341 ns        349 ns \n"
	"                                                        19 ns         11 ns         29 ns \n"
	"                                                                                          \n"
	"Fibonacci~ 5!                                             100          1961     7.0596 ms \n"
	"                                                     41.731 us      41.25 us     42.622 us \n"
	"                                                     3.256 us      2.163 us      5.353 us \n"
	"                                                                                          \n"
	"sleep 10ms                                                100             1    1.01319 s \n"
	"                                                 10.1357 ms   10.1302 ms   10.1396 ms \n"
	"                                                  23.539 us    18.061 us    29.575 us \n"
	"                                                                                          \n"
	"\n"
	"-------------------------------------------------------------------------------\n"
	"More Fibonacci\n"
	"  with a section\n"
	"-------------------------------------------------------------------------------\n"
	"D:\\a\\bench.cpp(13)\n"
	"...............................................................................\n"
	"\n"
	"benchmark name                                  samples       iterations    estimated\n"
	"                                                mean          low mean      high mean\n"
	"                                                std dev       low std dev   high std dev\n"
	"-------------------------------------------------------------------------------\n"
	"Fibonacci 10                                              100         76353          0 ns \n"
	"                                                         0 ns          0 ns          0 ns \n"
	"                                                         0 ns          0 ns          0 ns \n"
	"                                                                                          \n"
	"Fibonacci-15_bench                                        100            20       7.48 ms \n"
	"Benchmark failed (out of cheese)\n"
	"\n"
	"===============================================================================\n"
	"test cases: 2 | 2 passed\n"
	"assertions: - none -\n";

Test(import_catch2, console_units_test_cases_and_zero)
{
	tach_result *r = import_ok(catch2_text, NULL);
	cr_assert_eq(r->n_benchmarks, 5);
	const tach_benchmark *f10 = bench(r, "Fibonacci 10", "test_case", "Fibonacci");
	const tach_metric *t = metric(f10, "time");
	cr_assert_eq(t->n_samples, 1, "the mean is the one sample");
	cr_expect_eq(t->samples[0], 344e-9);
	cr_expect_eq(t->iterations[0], 100 * 208, "samples x iterations");
	cr_expect_eq(f10->n_metrics, 1, "std dev and bounds are not imported");
	cr_expect_eq(metric(bench(r, "Fibonacci~ 5!", NULL, NULL), "time")->samples[0], 41.731e-6);
	cr_expect_eq(metric(bench(r, "sleep 10ms", NULL, NULL), "time")->samples[0], 10.1357e-3);
	const tach_benchmark *zero = bench(r, "Fibonacci 10", "test_case", "More Fibonacci");
	cr_expect_str_eq(tach_kvlist_get(&zero->params, "section"), "with a section");
	cr_assert_eq(metric(zero, "time")->n_samples, 1, "0 ns is a value");
	cr_expect_eq(metric(zero, "time")->samples[0], 0);
	const tach_benchmark *failed = bench(r, "Fibonacci-15_bench", NULL, NULL);
	cr_expect_str_eq(failed->error, "out of cheese");
	cr_expect_str_eq(f10->source.tool, "catch2");
	tach_result_free(r);
}

Test(import_catch2, wrapped_names_and_no_analysis)
{
	char text[2048];
	/* a name wider than the name column wraps; its first line is padded
	 * to the full row */
	snprintf(text, sizeof text,
	         "benchmark name                       samples    iterations          mean\n"
	         "-------------------------------------------------------------------------------\n"
	         "%-79s\n"
	         "wraps around                                100             3     1.5 us \n"
	         "short                                         10             1        2 s \n"
	         "some program output\n"
	         "after                                         10             1        3 m \n",
	         "a very long benchmark name that");
	tach_result *r = import_ok(text, "catch2");
	cr_assert_eq(r->n_benchmarks, 3);
	const tach_metric *t =
		metric(bench(r, "a very long benchmark name that wraps around", NULL, NULL), "time");
	cr_expect_eq(t->samples[0], 1.5e-6, "with --benchmark-no-analysis the row ends with the mean");
	cr_expect_eq(t->iterations[0], 300);
	cr_expect_eq(metric(bench(r, "short", NULL, NULL), "time")->samples[0], 2);
	cr_expect_eq(metric(bench(r, "after", NULL, NULL), "time")->samples[0], 180, "m is minutes");
	tach_result_free(r);
}

Test(import_catch2, malformed_mean_is_placed)
{
	const char *text =
		"benchmark name                                  samples       iterations    estimated\n"
		"                                                mean          low mean      high mean\n"
		"                                                std dev       low std dev   high std dev\n"
		"-------------------------------------------------------------------------------\n"
		"x += x                                                  100        12414    1.2414 ms \n"
		"                                                      1.x ns         1 ns         1 ns \n";
	tach_result *r;
	tach_error err;
	cr_expect_eq(tach_import_buffer(text, strlen(text), "c.txt", NULL, &r, &err), TACH_EPARSE);
	cr_expect_eq(err.line, 6);
	cr_expect_eq(err.column, 55, "column %u", err.column);
}

Test(import_catch2, xml_reporter)
{
	const char *text =
		"<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
		"<Catch2TestRun name=\"bench\" rng-seed=\"1\" catch2-version=\"3.4.0\">\n"
		"  <TestCase name=\"Fibonacci &amp; friends\" tags=\"[!benchmark]\" filename=\"b.cpp\" line=\"5\">\n"
		"    <BenchmarkResults name=\"Fib &lt;20&gt;\" samples=\"100\" resamples=\"100000\" "
		"iterations=\"2\" clockResolution=\"20\" estimatedDuration=\"3659200\">\n"
		"      <!-- All values in nano seconds -->\n"
		"      <mean value=\"36383.4\" lowerBound=\"36247.7\" upperBound=\"36556.6\" ci=\"0.95\"/>\n"
		"      <standardDeviation value=\"789.389\" lowerBound=\"668.467\" upperBound=\"952.867\"/>\n"
		"      <outliers variance=\"0.01\" lowMild=\"0\" lowSevere=\"0\" highMild=\"0\" highSevere=\"0\"/>\n"
		"    </BenchmarkResults>\n"
		"    <Section name=\"inner\" filename=\"b.cpp\" line=\"9\">\n"
		"      <BenchmarkResults name=\"broken\">\n"
		"        <failed message=\"it threw\"/>\n"
		"      </BenchmarkResults>\n"
		"      <OverallResults successes=\"0\" failures=\"0\" expectedFailures=\"0\"/>\n"
		"    </Section>\n"
		"    <OverallResult success=\"true\"/>\n"
		"  </TestCase>\n"
		"</Catch2TestRun>\n";
	tach_result *r = import_ok(text, NULL);
	cr_assert_eq(r->n_benchmarks, 2);
	const tach_benchmark *b = bench(r, "Fib <20>", "test_case", "Fibonacci & friends");
	const tach_metric *t = metric(b, "time");
	cr_assert_eq(t->n_samples, 1);
	cr_expect_eq(t->samples[0], 36383.4e-9);
	cr_expect_eq(t->iterations[0], 200);
	const tach_benchmark *f = bench(r, "broken", "section", "inner");
	cr_expect_str_eq(f->error, "it threw");
	tach_result_free(r);

	tach_error err;
	const char *bad = "<Catch2TestRun>\n<TestCase name=\"t\">\n<BenchmarkResults name=\"b\">\n"
	                  "  <mean value=\"fast\"/>\n";
	cr_expect_eq(tach_import_buffer(bad, strlen(bad), "c.xml", NULL, &r, &err), TACH_EPARSE);
	cr_expect_eq(err.line, 4);
	cr_expect_eq(err.column, 3);
}

/* ------------------------------------------------------------------ */
/* Output of the real tools, where they are installed */

/* 1 if an executable `name` is on PATH. */
static int on_path(const char *name)
{
	const char *path = getenv("PATH");
	char dir[4096];
	while (path && *path) {
		size_t n = strcspn(path, ":");
		snprintf(dir, sizeof dir, "%.*s/%s", (int)n, path, name);
		if (n && access(dir, X_OK) == 0)
			return 1;
		path += n + (path[n] == ':');
	}
	return 0;
}

/* Runs argv (fork + exec, no shell) in `dir` (NULL: here) with extra
 * environment "K=V" entries; returns its standard output (caller frees),
 * or NULL when it could not run or did not exit 0. */
static char *run_capture(const char *const *argv, const char *dir, const char *const *env)
{
	int fds[2];
	cr_assert_eq(pipe(fds), 0);
	pid_t pid = fork();
	cr_assert_neq(pid, -1);
	if (pid == 0) {
		int null = open("/dev/null", O_RDWR);
		dup2(fds[1], 1);
		dup2(null, 2);
		dup2(null, 0);
		close(fds[0]);
		close(fds[1]);
		for (size_t i = 0; env && env[i]; i++)
			putenv((char *)env[i]);
		if (dir && chdir(dir))
			_exit(126);
		execvp(argv[0], (char *const *)argv);
		_exit(127);
	}
	close(fds[1]);
	size_t len = 0, cap = 4096;
	char *out = malloc(cap);
	ssize_t got;
	for (;;) {
		if (len + 1 == cap)
			out = realloc(out, cap *= 2);
		got = read(fds[0], out + len, cap - len - 1);
		if (got < 0 && errno == EINTR)
			continue;
		if (got <= 0)
			break;
		len += (size_t)got;
	}
	out[len] = 0;
	close(fds[0]);
	int status;
	while (waitpid(pid, &status, 0) < 0 && errno == EINTR)
		;
	if (!WIFEXITED(status) || WEXITSTATUS(status)) {
		free(out);
		return NULL;
	}
	return out;
}

static const char *temp_path(char *buf, size_t size, const char *suffix)
{
	snprintf(buf, size, "/tmp/tach_text_XXXXXX%s", suffix);
	int fd = mkstemps(buf, (int)strlen(suffix));
	cr_assert_geq(fd, 0);
	close(fd);
	return buf;
}

/* How precisely the console prints a time of `ns` nanoseconds (Google
 * Benchmark's FormatTime: 3 decimals below 1, 2 below 10, 1 below 100):
 * half a unit of its last digit, in seconds. */
static double console_precision(double ns)
{
	double step = ns < 1 ? 1e-3 : ns < 10 ? 1e-2 : ns < 100 ? 1e-1 : 1;
	return step / 2 * 1e-9 * (1 + 1e-9);
}

Test(import_fixtures, google_benchmark_console_agrees_with_its_json)
{
	const char *prog = TACH_BUILD_ROOT "/tests/gbench_program";
	if (access(prog, X_OK))
		cr_skip_test("tests/gbench_program not built (libbenchmark not found)");
	char json_path[64], out_arg[128];
	temp_path(json_path, sizeof json_path, ".json");
	snprintf(out_arg, sizeof out_arg, "--benchmark_out=%s", json_path);
	const char *argv[] = {prog, "--benchmark_format=console", out_arg,
	                      "--benchmark_out_format=json", "--benchmark_repetitions=3",
	                      "--benchmark_min_time=0.01", "--benchmark_color=false", NULL};
	char *console = run_capture(argv, NULL, NULL);
	cr_assert(console, "%s did not run", prog);
	tach_result *c = import_ok(console, NULL), *j;
	tach_error err;
	cr_assert_eq(tach_import_file(json_path, NULL, &j, &err), 0, "%s", err.message);
	unlink(json_path);

	static const char *const names[] = {"BM_copy/64", "BM_copy/4096", "BM_sum"};
	cr_assert_eq(c->n_benchmarks, 3);
	cr_assert_eq(j->n_benchmarks, 3);
	for (size_t i = 0; i < 3; i++) {
		const tach_benchmark *cb = c->benchmarks[i], *jb = j->benchmarks[i];
		cr_expect_str_eq(cb->name, names[i]);
		cr_expect_str_eq(jb->name, names[i]);
		for (const char *const *m = (const char *const[]){"time", "cpu_time", NULL}; *m; m++) {
			const tach_metric *cm = metric(cb, *m), *jm = metric(jb, *m);
			cr_expect_eq(cm->n_samples, 3, "%s %s: %zu console samples", names[i], *m,
			             cm->n_samples);
			cr_expect_eq(jm->n_samples, 3, "%s %s: %zu JSON samples", names[i], *m,
			             jm->n_samples);
			double jmed = median(jm);
			expect_close(median(cm), jmed, console_precision(jmed * 1e9), names[i]);
			cr_expect_eq(cm->iterations[0], jm->iterations[0]);
		}
		/* counters print 6 significant digits */
		const char *counters[] = {"bytes_per_second", "items_per_second", "adds", "adds_rate"};
		for (size_t k = 0; k < 4; k++) {
			const tach_metric *cm = tach_benchmark_metric(cb, counters[k]),
			                  *jm = tach_benchmark_metric(jb, counters[k]);
			cr_expect_eq(!cm, !jm, "%s: %s in one output only", names[i], counters[k]);
			if (cm && jm) {
				double jmed = median(jm);
				expect_close(median(cm), jmed, fabs(jmed) * 5.1e-6, counters[k]);
			}
		}
	}
	free(console);
	tach_result_free(c);
	tach_result_free(j);
}

/* The ns/op values go printed per raw name ("BenchmarkX-2"), read here
 * independently of the importer. */
static size_t printed_ns(const char *out, const char *raw, double *ns, unsigned long long *iters)
{
	size_t n = 0;
	for (const char *l = out; l && *l; l = strchr(l, '\n') ? strchr(l, '\n') + 1 : NULL) {
		char name[256];
		if (strncmp(l, "Benchmark", 9) ||
		    sscanf(l, "%255s %llu %lf ns/op", name, &iters[n], &ns[n]) != 3 || strcmp(name, raw))
			continue;
		n++;
	}
	return n;
}

Test(import_fixtures, go_test_bench_output)
{
	if (!on_path("go"))
		cr_skip_test("go is not installed (apt-get install golang-go)");
	const char *argv[] = {"go", "test", "-run", "^$", "-bench", ".", "-benchmem",
	                      "-count", "3", "-benchtime", "100ms", NULL};
	/* GOMAXPROCS fixes the -N suffix; go needs somewhere to cache */
	const char *env[] = {"GOMAXPROCS=2", "GOFLAGS=", NULL, NULL, NULL};
	if (!getenv("HOME") && !getenv("GOCACHE")) {
		env[2] = "GOCACHE=" TACH_BUILD_ROOT "/go-cache";
		env[3] = "GOPATH=" TACH_BUILD_ROOT "/go-path";
	}
	char *out = run_capture(argv, TACH_SOURCE_ROOT "/tests/fixtures/go", env);
	cr_assert(out, "go test -bench failed");
	tach_result *r = import_ok(out, NULL);
	static const struct {
		const char *raw, *name;
	} names[] = {
		{"BenchmarkAlloc-2", "BenchmarkAlloc"},
		{"BenchmarkCopy/size-64-2", "BenchmarkCopy/size-64"},
		{"BenchmarkCopy/size-4096-2", "BenchmarkCopy/size-4096"},
		{"BenchmarkSum-2", "BenchmarkSum"},
	};
	cr_assert_eq(r->n_benchmarks, 4, "%s", out);
	cr_expect_str_eq(tach_kvlist_get(&r->meta.context, "goos"), "linux");
	for (size_t i = 0; i < 4; i++) {
		const tach_benchmark *b = r->benchmarks[i];
		cr_expect_str_eq(b->name, names[i].name);
		cr_expect_str_eq(tach_kvlist_get(&b->params, "pkg"), "tach.test/gofixture");
		cr_expect_str_eq(tach_kvlist_get(&b->params, "procs"), "2");
		double ns[8], want;
		unsigned long long iters[8];
		size_t n = printed_ns(out, names[i].raw, ns, iters);
		cr_assert_eq(n, 3, "%s printed %zu times", names[i].raw, n);
		const tach_metric *t = metric(b, "time");
		cr_assert_eq(t->n_samples, 3);
		for (size_t k = 0; k < 3; k++)
			cr_expect_eq(t->iterations[k], iters[k]);
		tach_stats_median(ns, n, &want);
		expect_close(median(t), want * 1e-9, want * 1e-9 * 1e-12, names[i].name);
		cr_expect_eq(metric(b, "bytes_per_op")->n_samples, 3);
		cr_expect_eq(metric(b, "allocs_per_op")->n_samples, 3);
	}
	cr_expect_eq(metric(r->benchmarks[0], "bytes_per_op")->samples[0], 64);
	cr_expect_eq(metric(r->benchmarks[1], "bytes_per_second")->n_samples, 3);
	cr_expect_eq(metric(r->benchmarks[3], "adds/op")->samples[2], 100);
	free(out);
	tach_result_free(r);
}

Test(import_fixtures, hyperfine_json)
{
	if (!on_path("hyperfine"))
		cr_skip_test("hyperfine is not installed");
	char json_path[64];
	temp_path(json_path, sizeof json_path, ".json");
	const char *argv[] = {"hyperfine", "--style", "basic", "--runs", "5", "--export-json",
	                      json_path, "true", NULL};
	char *out = run_capture(argv, NULL, NULL);
	cr_assert(out, "hyperfine failed");
	tach_result *r;
	tach_error err;
	cr_assert_eq(tach_import_file(json_path, NULL, &r, &err), 0, "%s", err.message);
	json_t *root = json_load_file(json_path, 0, NULL);
	unlink(json_path);
	cr_assert(root);
	cr_assert_eq(r->n_benchmarks, 1);
	const tach_benchmark *b = r->benchmarks[0];
	cr_expect_str_eq(b->name, "true");
	const tach_metric *t = metric(b, "time");
	cr_assert_eq(t->n_samples, 5);
	double written = json_number_value(
		json_object_get(json_array_get(json_object_get(root, "results"), 0), "median"));
	expect_close(median(t), written, 1e-12, "median hyperfine wrote");
	/* "  Time (mean ± σ):       0.6 ms ±   0.4 ms" to its last printed digit */
	const char *at = strstr(out, "Time (mean");
	cr_assert(at, "%s", out);
	at = strstr(at, "):");
	char num[32], unit[8];
	cr_assert_eq(sscanf(at + 2, "%31s %7s", num, unit), 2);
	double printed = strtod(num, NULL), scale = !strcmp(unit, "s") ? 1 : !strcmp(unit, "ms") ? 1e-3
	                                                                                       : 1e-6;
	const char *dot = strchr(num, '.');
	double half = 0.5 * pow(10, -(dot ? (double)strlen(dot + 1) : 0)) * scale;
	double mean = 0;
	for (size_t i = 0; i < t->n_samples; i++)
		mean += t->samples[i] / (double)t->n_samples;
	expect_close(mean, printed * scale, half * (1 + 1e-9), "mean hyperfine printed");
	json_decref(root);
	free(out);
	tach_result_free(r);
}
