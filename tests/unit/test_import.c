/* test_import.c - other tools' real files (../shared/corpus, never copied
 * into the repository) read into the model with the right number of
 * benchmarks, and the files that hold no readable results rejected with a
 * placed reason. */
#include <criterion/criterion.h>
#include <string.h>
#include <unistd.h>

#include "tach/tach.h"
#include "tach/import.h"

#define CORPUS TACH_SOURCE_ROOT "/../shared/corpus"

static const struct {
	const char *path;
	size_t benchmarks; /* 0: must be rejected */
} files[] = {
	{"gbench_json/CHN-ChenYi__mmap-benchmark__benchmark.json", 3},
	{"gbench_json/Julian52575__Google-Benchmark-Web-GUI__example__benchmarkresults_00a5554b1fb2d6acbed0ed815dcfef17776dc561_dev.json", 6},
	{"gbench_json/PierreBhs__weighted-voronoi-stippling-cpp__bench.json", 0}, /* truncated */
	{"gbench_json/benchmark-action__github-action-benchmark__test__data__extract__googlecpp_output.json", 2},
	{"gbench_json/donar337__numa-pmr__bench.json", 26},
	{"gbench_json/kokkos__kokkos-benchmark-results__ubuntu_latest-g__-OPENMP__Kokkos_PerformanceTest_Atomic_2026-05-05_T23-02-37.json", 8},
	{"gbench_json/kokkos__kokkos-benchmark-results__ubuntu_latest-g__-OPENMP__Kokkos_PerformanceTest_Benchmark_2026-05-05_T23-02-37.json", 198},
	{"gbench_json/kokkos__kokkos-benchmark-results__ubuntu_latest-g__-OPENMP__Kokkos_PerformanceTest_Reduction_2026-05-05_T23-02-37.json", 16},
	{"gbench_json/koniksedy__Google-Benchmark-Viewer__results__benchmark_results-33bfa83-offset_list.json", 154},
	{"gbench_json/qdeslandes__bpfilter-benchmark-results__86e1dbe.json", 10},
	{"gbench_json/simdjson__json_benchmark_results__v0.7.0__15__skylake-gcc10.2.json", 16},
	{"gbench_json/stan-dev__perf-math__bench_data__origin_develop_inv_phi_test.json", 12},
	{"gbench_json/stan-dev__perf-math__bench_data__spinkney_faster_inv_phi_inv_phi_test.json", 12},
	{"hyperfine/CRAG666__benchmark_sha__benchmark.json", 10},
	{"hyperfine/RUCICS__meowhw-delique1984__hyperfine_results.json", 5},
	{"hyperfine/bencherdev__bencher__lib__bencher_adapter__tool_output__shell__hyperfine__one.json", 1},
	{"hyperfine/bencherdev__bencher__lib__bencher_adapter__tool_output__shell__hyperfine__two.json", 2},
	{"hyperfine/dandavison__misc__hyperfine.json", 1},
	{"hyperfine/marcpaterno__hyperfiner__tests__testthat__mdfind_data.json", 1},
	{"hyperfine/zeroows__1brc__hyperfine.json", 2},
};

Test(import, corpus_json_files)
{
	if (access(CORPUS, R_OK) != 0)
		cr_skip_test("../shared/corpus is not beside the repository");
	for (size_t i = 0; i < sizeof files / sizeof *files; i++) {
		char path[1024];
		snprintf(path, sizeof path, "%s/%s", CORPUS, files[i].path);
		tach_result *r;
		tach_error err;
		int rc = tach_import_file(path, NULL, &r, &err);
		if (!files[i].benchmarks) {
			cr_expect_neq(rc, 0, "%s: should be rejected", files[i].path);
			cr_expect_null(r);
			cr_expect_gt(err.line, 0, "%s: %s", files[i].path, err.message);
			continue;
		}
		cr_expect_eq(rc, 0, "%s: %s:%u:%u: %s", files[i].path, err.file, err.line, err.column,
		             err.message);
		if (rc)
			continue;
		cr_expect_eq(r->n_benchmarks, files[i].benchmarks, "%s: %zu benchmarks",
		             files[i].path, r->n_benchmarks);
		cr_expect_eq(r->benchmarks[0]->source.kind, TACH_SOURCE_IMPORT);
		tach_result_free(r);
	}
}

Test(import, gbench_repetitions_are_samples_aggregates_are_not)
{
	const char *text =
		"{\"context\": {\"host_name\": \"h\", \"library_build_type\": \"release\"},"
		" \"benchmarks\": ["
		"{\"name\": \"BM_a/repeats:3\", \"run_name\": \"BM_a\", \"run_type\": \"iteration\","
		" \"iterations\": 100, \"real_time\": 10, \"cpu_time\": 9, \"time_unit\": \"us\", \"foo\": 3},"
		"{\"name\": \"BM_a/repeats:3\", \"run_name\": \"BM_a\", \"run_type\": \"iteration\","
		" \"iterations\": 100, \"real_time\": 12, \"cpu_time\": 11, \"time_unit\": \"us\", \"foo\": 4},"
		"{\"name\": \"BM_a_mean\", \"run_name\": \"BM_a\", \"run_type\": \"aggregate\","
		" \"aggregate_name\": \"mean\", \"real_time\": 11, \"cpu_time\": 10, \"time_unit\": \"us\"},"
		"{\"name\": \"BM_b/threads:2\", \"run_name\": \"BM_b/threads:2\", \"run_type\": \"iteration\","
		" \"threads\": 2, \"error_occurred\": true, \"error_message\": \"boom\"}]}";
	tach_result *r;
	tach_error err;
	cr_assert_eq(tach_import_buffer(text, strlen(text), "g.json", NULL, &r, &err), 0, "%s",
	             err.message);
	cr_assert_eq(r->n_benchmarks, 2);
	const tach_metric *t = tach_benchmark_metric(r->benchmarks[0], "time");
	cr_assert(t);
	cr_expect_eq(t->n_samples, 2, "the mean row is not a sample");
	cr_expect_float_eq(t->samples[1], 12e-6, 1e-18);
	cr_expect_eq(t->iterations[0], 100);
	cr_expect(tach_benchmark_metric(r->benchmarks[0], "foo"), "user counters are kept");
	cr_expect_str_eq(r->benchmarks[1]->error, "boom");
	cr_expect_str_eq(tach_kvlist_get(&r->benchmarks[1]->params, "threads"), "2");
	cr_expect_str_eq(r->meta.hostname, "h");
	tach_result_free(r);
}

Test(import, unknown_content_is_rejected_with_a_reason)
{
	tach_result *r;
	tach_error err;
	const char *text = "{\"some\": \"thing\"}";
	cr_expect_eq(tach_import_buffer(text, strlen(text), "x.json", NULL, &r, &err), TACH_EFORMAT);
	cr_expect(strstr(err.message, "not a results file"), "%s", err.message);
	cr_expect_eq(tach_import_buffer(text, strlen(text), "x.json", "nope", &r, &err), TACH_EINVAL);
	cr_expect_null(r);
}
