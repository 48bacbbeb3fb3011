/* lib_suite_gbench.cc - the workloads of bench_lib written with Google
 * Benchmark: the same names and the same code (lib_suite_work.h) as
 * lib_suite_tach.c, so bench_lib can line the two up by name.
 */
#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <ctime>

#include <benchmark/benchmark.h>

#include "lib_suite_work.h"

static void empty(benchmark::State &state)
{
	for (auto _ : state) {
	}
}
BENCHMARK(empty);

static void inc(benchmark::State &state)
{
	uint64_t x = 0;
	for (auto _ : state) {
		x++;
		benchmark::DoNotOptimize(x);
	}
}
BENCHMARK(inc);

static void memcpy_4k(benchmark::State &state)
{
	work_init();
	for (auto _ : state) {
		memcpy(WORK_DST, WORK_SRC, 4096);
		benchmark::ClobberMemory();
	}
}
BENCHMARK(memcpy_4k);

static void hash64(benchmark::State &state)
{
	work_init();
	for (auto _ : state) {
		uint64_t h = work_fnv1a(WORK_SRC, 64);
		benchmark::DoNotOptimize(h);
	}
}
BENCHMARK(hash64);

static void qsort1k(benchmark::State &state)
{
	int a[WORK_QSORT_N];
	work_init();
	for (auto _ : state) {
		memcpy(a, work_ints, sizeof a);
		qsort(a, WORK_QSORT_N, sizeof a[0], work_cmp_int);
		benchmark::ClobberMemory();
	}
}
BENCHMARK(qsort1k);

static void malloc_free(benchmark::State &state)
{
	size_t n = (size_t)state.range(0);
	for (auto _ : state)
		work_malloc_free(n);
}
BENCHMARK(malloc_free)->Arg(16)->Arg(256)->Arg(4096);

static void hash_insert(benchmark::State &state)
{
	work_init();
	for (auto _ : state) {
		uint64_t sum = work_hash_insert();
		benchmark::DoNotOptimize(sum);
	}
}
BENCHMARK(hash_insert);

static void suite_bytes(benchmark::internal::Benchmark *b)
{
	for (int n : {WORK_SUITE_BYTES})
		b->Arg(n);
}

static void suite_ints(benchmark::internal::Benchmark *b)
{
	for (int n : {WORK_SUITE_INTS})
		b->Arg(n);
}

static void suite_memcpy(benchmark::State &state)
{
	size_t n = (size_t)state.range(0);
	work_init();
	for (auto _ : state) {
		memcpy(WORK_DST, WORK_SRC, n);
		benchmark::ClobberMemory();
	}
}
BENCHMARK(suite_memcpy)->Apply(suite_bytes);

static void suite_memset(benchmark::State &state)
{
	size_t n = (size_t)state.range(0);
	work_init();
	for (auto _ : state) {
		memset(WORK_DST, 'x', n);
		benchmark::ClobberMemory();
	}
}
BENCHMARK(suite_memset)->Apply(suite_bytes);

static void suite_fnv1a(benchmark::State &state)
{
	size_t n = (size_t)state.range(0);
	work_init();
	for (auto _ : state) {
		uint64_t h = work_fnv1a(WORK_SRC, n);
		benchmark::DoNotOptimize(h);
	}
}
BENCHMARK(suite_fnv1a)->Apply(suite_bytes);

static void suite_qsort(benchmark::State &state)
{
	size_t n = (size_t)state.range(0);
	int *a = static_cast<int *>(malloc(n * sizeof *a));
	if (!a) {
		state.SkipWithError("out of memory");
		return;
	}
	work_init();
	for (auto _ : state) {
		memcpy(a, work_ints, n * sizeof *a);
		qsort(a, n, sizeof *a, work_cmp_int);
		benchmark::ClobberMemory();
	}
	state.SetComplexityN(state.range(0));
	free(a);
}
BENCHMARK(suite_qsort)->Apply(suite_ints)->Complexity();

static void suite_sum(benchmark::State &state)
{
	size_t n = (size_t)state.range(0);
	work_init();
	for (auto _ : state) {
		int64_t sum = 0;
		for (size_t i = 0; i < n; i++)
			sum += work_ints[i];
		benchmark::DoNotOptimize(sum);
	}
	state.SetComplexityN(state.range(0));
}
BENCHMARK(suite_sum)->Apply(suite_ints)->Complexity();

static void indep(benchmark::State &state)
{
	work_init();
	for (auto _ : state) {
		uint64_t h = work_fnv1a(WORK_SRC, WORK_INDEP_BYTES);
		benchmark::DoNotOptimize(h);
	}
}
BENCHMARK(indep)->Threads(1)->Threads(8);

static void sleep_50us(benchmark::State &state)
{
	struct timespec d = {0, WORK_SLEEP_NS};
	for (auto _ : state)
		nanosleep(&d, NULL);
}
BENCHMARK(sleep_50us);

static void pause_setup(benchmark::State &state)
{
	work_init();
	for (auto _ : state) {
		state.PauseTiming();
		uint64_t h = work_fnv1a(WORK_SRC, WORK_PAUSE_SETUP_BYTES);
		benchmark::DoNotOptimize(h);
		state.ResumeTiming();
		h = work_fnv1a(WORK_SRC + WORK_PAUSE_SETUP_BYTES, WORK_PAUSE_TIMED_BYTES);
		benchmark::DoNotOptimize(h);
	}
}
BENCHMARK(pause_setup);

/* Figure 10's peer: the empty loop closed, on 2 threads; items per
 * second is all threads' iterations over the wall time. */
static void empty_threads(benchmark::State &state)
{
	for (auto _ : state) {
		benchmark::ClobberMemory();
	}
	state.SetItemsProcessed(state.iterations());
}
BENCHMARK(empty_threads)->ThreadRange(2, 2);

BENCHMARK_MAIN();
