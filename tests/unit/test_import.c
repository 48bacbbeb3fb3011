/* test_import.c - other tools' real files (../shared/corpus, never copied
 * into the repository) read into the model with the right number of
 * benchmarks, and the files that hold no readable results rejected with a
 * placed reason. */
#include <criterion/criterion.h>
#include <string.h>
#include <dirent.h>
#include <unistd.h>

#include "tach/tach.h"
#include "tach/import.h"

#define CORPUS TACH_SOURCE_ROOT "/../shared/corpus"

#define TODO (-1) /* not checked yet: fails */

/* Every file of the corpus, with the number of benchmarks it must import
 * as; 0: it holds no results tach can read and must be rejected with a
 * reason (and a place where one exists). */
static const struct {
	const char *path;
	int benchmarks;
} files[] = {
	{"catch2/benchmark-action__github-action-benchmark__test__data__extract__catch2_output_v2.txt", 4},
	{"catch2/benchmark-action__github-action-benchmark__test__data__extract__issue16_output.txt", 2},
	{"catch2/martinus__nanobench__src__comparisons__catchorg_Catch2__out.txt", 3},
	{"criterion/aguestuser__dl__target__criterion__download_large_file__with_varying_levels_of_parallelism__1__new__benchmark.json", 0},
	{"criterion/aguestuser__dl__target__criterion__download_large_file__with_varying_levels_of_parallelism__1__new__estimates.json", 1},
	{"criterion/aguestuser__dl__target__criterion__download_large_file__with_varying_levels_of_parallelism__1__new__sample.json", 1},
	{"criterion/andreesteve__voronoi-benchmark-rs__target__criterion__Build_Voronoi_Cells__delauney2d__1000__new__benchmark.json", 0},
	{"criterion/andreesteve__voronoi-benchmark-rs__target__criterion__Build_Voronoi_Cells__delauney2d__1000__new__estimates.json", 1},
	{"criterion/andreesteve__voronoi-benchmark-rs__target__criterion__Build_Voronoi_Cells__delauney2d__1000__new__sample.json", 1},
	{"criterion/benchmark-action__github-action-benchmark__test__data__extract__criterion_output_multi.ndjson", 12},
	{"criterion/cart__ecs_bench_suite__target__criterion__fragmented_iter__bevy__new__benchmark.json", 0},
	{"criterion/cart__ecs_bench_suite__target__criterion__fragmented_iter__bevy__new__estimates.json", 1},
	{"criterion/cart__ecs_bench_suite__target__criterion__fragmented_iter__bevy__new__sample.json", 1},
	{"criterion/dougch__criterion_gettingstarted__target__criterion__fib_20_-_fast__change__estimates.json", 0},
	{"criterion/dougch__criterion_gettingstarted__target__criterion__fib_20_-_fast__new__benchmark.json", 0},
	{"criterion/dougch__criterion_gettingstarted__target__criterion__fib_20_-_fast__new__estimates.json", 1},
	{"criterion/dougch__criterion_gettingstarted__target__criterion__fib_20_-_fast__new__raw.csv", 1},
	{"criterion/dougch__criterion_gettingstarted__target__criterion__fib_20_-_fast__new__sample.json", 1},
	{"criterion/dougch__criterion_gettingstarted__target__criterion__fib_20_-_fast__new__tukey.json", 0},
	{"gbench_console/martinus__nanobench__src__comparisons__google_benchmark__out.txt", 3},
	{"gbench_console/simdjson__json_benchmark_results__v0.7.0__15__skylake-gcc10.2.out", 16},
	{"gbench_console/simdjson__json_benchmark_results__v0.7.0__1__skylake-x-gcc10.2-native.out", 17},
	{"gbench_json/CHN-ChenYi__mmap-benchmark__benchmark.json", 3},
	{"gbench_json/GMLC-TDC__helics_benchmark_results__benchmark_results__2020-07-01__bm_echoResults2020-07-01_Pj3AI.txt", 44},
	{"gbench_json/Julian52575__Google-Benchmark-Web-GUI__example__benchmarkresults_00a5554b1fb2d6acbed0ed815dcfef17776dc561_dev.json", 6},
	{"gbench_json/PierreBhs__weighted-voronoi-stippling-cpp__bench.json", 0},
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
	{"go_bench/anticycle__anticycle__old.bench", 4},
	{"go_bench/bencherdev__bencher__lib__bencher_adapter__tool_output__go__bench__three.txt", 3},
	{"go_bench/benchmark-action__github-action-benchmark__test__data__extract__go_fiber_duplicate_names_output.txt", 4},
	{"go_bench/flanksource__duty__bench__old.txt", 88},
	{"go_bench/golang__perf__benchfmt__testdata__bent__20200101T024818.BaseNl.benchsize", 204},
	{"go_bench/golang__perf__benchproc__testdata__suffixarray.bench", 42},
	{"go_bench/golang__perf__cmd__benchstat__testdata__crc-new.txt", 36},
	{"go_bench/golang__perf__cmd__benchstat__testdata__crc-old.txt", 36},
	{"go_bench/golang__perf__cmd__benchstat__testdata__new.txt", 2},
	{"go_bench/golang__perf__cmd__benchstat__testdata__old.txt", 2},
	{"go_bench/ilam072__profiler__benchmarks__old.txt", 1},
	{"go_bench/skerkour__go-benchmarks__results__scaleway_COPARM1-8C-32G.txt", 680},
	{"go_bench/skerkour__go-benchmarks__results__scaleway_POP2-8C-32G.txt", 684},
	{"go_bench/zerjioang__sha3__bench__old.txt", 1},
	{"hyperfine/CRAG666__benchmark_sha__benchmark.csv", 0},
	{"hyperfine/CRAG666__benchmark_sha__benchmark.json", 10},
	{"hyperfine/RUCICS__meowhw-delique1984__hyperfine_results.json", 5},
	{"hyperfine/bencherdev__bencher__lib__bencher_adapter__tool_output__shell__hyperfine__one.json", 1},
	{"hyperfine/bencherdev__bencher__lib__bencher_adapter__tool_output__shell__hyperfine__two.json", 2},
	{"hyperfine/dandavison__misc__hyperfine.json", 1},
	{"hyperfine/marcpaterno__hyperfiner__tests__testthat__mdfind_data.json", 1},
	{"hyperfine/zeroows__1brc__hyperfine.json", 2},
	{"jmh/benchmark-action__github-action-benchmark__test__data__extract__jmh_output.json", 1},
	{"jmh/casbin__jcasbin__jmh-result.json", 86},
	{"jmh/lance0916__jmh-demo__jmh-result.json", 1},
	{"jmh/mariofusco__jmh-playground__jmh-result.json", 1},
	{"nanobench/martinus__nanobench__src__comparisons__nanobench__out.txt", 3},
	{"nanobench/martinus__nanobench__src__docs___generated__mustache.render.csv", 2},
	{"nanobench/martinus__nanobench__src__docs___generated__mustache.render.json", 2},
	{"pytest_benchmark/ionelmc__pytest-benchmark__tests__test_storage__0001_b87b9aae14ff14a7887a6bbaa9731b9a8760555d_20150814_190343_uncommitted-changes.json", 1},
	{"pytest_benchmark/ionelmc__pytest-benchmark__tests__test_storage__0030_5b78858eb718649a31fb93d8dc96ca2cee41a4cd_20150815_030419_uncommitted-changes.json", 1},
	{"pytest_benchmark/nils-braun__pytest-benchmark-commenter__output.json", 4},
	{"pytest_benchmark/tomasmenito__sample-pytest-benchmark__.benchmarks__Darwin-CPython-3.9-64bit__0001_sample_store.json", 1},
};

static int expected_count(const char *rel)
{
	for (size_t i = 0; i < sizeof files / sizeof *files; i++)
		if (!strcmp(files[i].path, rel))
			return files[i].benchmarks;
	return -2;
}

/* The corpus folder is walked, so a file added there cannot be missed. */
Test(import, every_corpus_file)
{
	DIR *top = opendir(CORPUS);
	if (!top)
		cr_skip_test("../shared/corpus is not beside the repository");
	size_t imported = 0, rejected = 0;
	struct dirent *d;
	while ((d = readdir(top))) {
		if (d->d_name[0] == '.' || d->d_type != DT_DIR)
			continue;
		char dir[1024];
		snprintf(dir, sizeof dir, "%s/%s", CORPUS, d->d_name);
		DIR *sub = opendir(dir);
		cr_assert(sub);
		struct dirent *f;
		while ((f = readdir(sub))) {
			if (f->d_name[0] == '.')
				continue;
			char rel[1024], path[2048];
			snprintf(rel, sizeof rel, "%s/%s", d->d_name, f->d_name);
			snprintf(path, sizeof path, "%s/%s", CORPUS, rel);
			int want = expected_count(rel);
			cr_expect_neq(want, -2, "%s: a corpus file missing from this test's table", rel);
			cr_expect_neq(want, TODO, "%s: expected count not filled in", rel);
			tach_result *r;
			tach_error err;
			int rc = tach_import_file(path, NULL, &r, &err);
			if (want == 0) {
				cr_expect_neq(rc, 0, "%s: should be rejected", rel);
				cr_expect_null(r);
				cr_expect_neq(err.message[0], 0, "%s: rejected without a reason", rel);
				rejected += rc != 0;
				continue;
			}
			cr_expect_eq(rc, 0, "%s:%u:%u: %s", rel, err.line, err.column, err.message);
			if (rc)
				continue;
			imported++;
			if (want > 0)
				cr_expect_eq(r->n_benchmarks, (size_t)want, "%s: %zu benchmarks, want %d",
				             rel, r->n_benchmarks, want);
			for (size_t i = 0; i < r->n_benchmarks; i++)
				cr_expect_eq(r->benchmarks[i]->source.kind, TACH_SOURCE_IMPORT);
			tach_result_free(r);
		}
		closedir(sub);
	}
	closedir(top);
	/* issue 17: the stricter rules must not cost a real file */
	cr_expect_eq(imported, 61, "%zu corpus files imported, %zu rejected", imported, rejected);
	cr_expect_eq(rejected, 8, "%zu corpus files imported, %zu rejected", imported, rejected);
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
