/* lib_suite_tach.c - the workloads of bench_lib written with tach's C
 * benchmark library: the loop overhead (empty, inc), three real workloads
 * (memcpy_4k, hash64, qsort1k), a 50-benchmark suite (suite_*), 8
 * threads of independent work (indep), a benchmark that pauses for
 * setup in every iteration (pause_setup), one that mostly sleeps
 * (sleep_50us), and an empty function driven at a set rate (load_empty).
 * lib_suite_gbench.cc is the same file for Google Benchmark; the code
 * that is timed lives in lib_suite_work.h, shared by both.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <tach/bench.h>

#include "lib_suite_work.h"

/* Figure 1: what one iteration of the loop costs. */
TACH_BENCH(empty)
{
	TACH_LOOP(s) {
	}
}

TACH_BENCH(inc)
{
	uint64_t x = 0;
	TACH_LOOP(s) {
		x++;
		tach_do_not_optimize(x);
	}
}

/* Figure 2: three real workloads. */
TACH_BENCH(memcpy_4k)
{
	work_init();
	TACH_LOOP(s) {
		memcpy(WORK_DST, WORK_SRC, 4096);
		tach_clobber();
	}
}

TACH_BENCH(hash64)
{
	work_init();
	TACH_LOOP(s) {
		uint64_t h = work_fnv1a(WORK_SRC, 64);
		tach_do_not_optimize(h);
	}
}

/* The copy is inside the loop (and timed) on both sides. */
TACH_BENCH(qsort1k)
{
	int a[WORK_QSORT_N];
	work_init();
	TACH_LOOP(s) {
		memcpy(a, work_ints, sizeof a);
		qsort(a, WORK_QSORT_N, sizeof a[0], work_cmp_int);
		tach_clobber();
	}
}

/* Figure 8: the heap (allocs/op and bytes/op are known exactly). */
TACH_BENCH(malloc_free, .args = TACH_ARGS(WORK_MALLOC_SIZES), .arg_names = "size")
{
	size_t n = (size_t)tach_arg(s, 0);
	TACH_LOOP(s) {
		work_malloc_free(n);
	}
}

TACH_BENCH(hash_insert)
{
	work_init();
	TACH_LOOP(s) {
		uint64_t sum = work_hash_insert();
		tach_do_not_optimize(sum);
	}
}

/* Figure 4: the suite, 5 families x 10 sizes. */
TACH_BENCH(suite_memcpy, .args = TACH_ARGS(WORK_SUITE_BYTES), .arg_names = "size")
{
	size_t n = (size_t)tach_arg(s, 0);
	work_init();
	TACH_LOOP(s) {
		memcpy(WORK_DST, WORK_SRC, n);
		tach_clobber();
	}
}

TACH_BENCH(suite_memset, .args = TACH_ARGS(WORK_SUITE_BYTES), .arg_names = "size")
{
	size_t n = (size_t)tach_arg(s, 0);
	work_init();
	TACH_LOOP(s) {
		memset(WORK_DST, 'x', n);
		tach_clobber();
	}
}

TACH_BENCH(suite_fnv1a, .args = TACH_ARGS(WORK_SUITE_BYTES), .arg_names = "size")
{
	size_t n = (size_t)tach_arg(s, 0);
	work_init();
	TACH_LOOP(s) {
		uint64_t h = work_fnv1a(WORK_SRC, n);
		tach_do_not_optimize(h);
	}
}

TACH_BENCH(suite_qsort, .args = TACH_ARGS(WORK_SUITE_INTS), .arg_names = "n",
           .complexity = TACH_COMPLEXITY_AUTO)
{
	size_t n = (size_t)tach_arg(s, 0);
	int *a = malloc(n * sizeof *a);
	if (!a) {
		tach_skip_with_error(s, "out of memory");
		return;
	}
	work_init();
	TACH_LOOP(s) {
		memcpy(a, work_ints, n * sizeof *a);
		qsort(a, n, sizeof *a, work_cmp_int);
		tach_clobber();
	}
	free(a);
}

TACH_BENCH(suite_sum, .args = TACH_ARGS(WORK_SUITE_INTS), .arg_names = "n",
           .complexity = TACH_COMPLEXITY_AUTO)
{
	size_t n = (size_t)tach_arg(s, 0);
	work_init();
	TACH_LOOP(s) {
		int64_t sum = 0;
		for (size_t i = 0; i < n; i++)
			sum += work_ints[i];
		tach_do_not_optimize(sum);
	}
}

/* Figure 5: a call of 8 threads of independent work on this machine's
 * cores: its efficiency against 1 thread can be at most cores / 8. */
TACH_BENCH(indep, .threads = TACH_THREADS(1, 8))
{
	work_init();
	TACH_LOOP(s) {
		uint64_t h = work_fnv1a(WORK_SRC, WORK_INDEP_BYTES);
		tach_do_not_optimize(h);
	}
}

/* Figure 9: mostly waiting; cpu_time far below time. */
TACH_BENCH(sleep_50us)
{
	struct timespec d = {0, WORK_SLEEP_NS};
	TACH_LOOP(s) {
		nanosleep(&d, NULL);
	}
}

/* Figure 6: 20 us of setup paused around 60 ns of timed work per
 * iteration; min_time counts only the timed part, so the wall-clock
 * budget (--max-time) bounds the benchmark. */
TACH_BENCH(pause_setup)
{
	work_init();
	TACH_LOOP(s) {
		tach_pause(s);
		uint64_t h = work_fnv1a(WORK_SRC, WORK_PAUSE_SETUP_BYTES);
		tach_do_not_optimize(h);
		tach_resume(s);
		h = work_fnv1a(WORK_SRC + WORK_PAUSE_SETUP_BYTES, WORK_PAUSE_TIMED_BYTES);
		tach_do_not_optimize(h);
	}
}

/* Figure 10: the open-loop scheduler (.load) calling an empty function
 * on 1 and 2 workers.  bench_lib sets the rate (--rate): far above what
 * the workers reach, every call is late and they never sleep, so the
 * achieved rate is the scheduler's ceiling; then well below it. */
TACH_BENCH(load_empty, .threads = TACH_THREADS(1, 2),
           .load = {.rates = TACH_RATES(1000), .duration = 1})
{
	TACH_LOOP(s) {
		tach_clobber();
	}
}

TACH_MAIN()
