/* test_alloc.c - allocation counting (src/bench/alloc_count.c, linked into
 * this binary as into a benchmark): exact counts and bytes per call under
 * the documented rules, nothing while off, exact sums over threads, and the
 * interposition reaching glibc's own allocations.  Under AddressSanitizer
 * the interposer is compiled out and the tests skip.
 */
#include <criterion/criterion.h>
#include <errno.h>
#include <malloc.h>
#include <pthread.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "bench/alloc_count.h"

#if defined(__SANITIZE_ADDRESS__) || defined(__SANITIZE_THREAD__)
#define SANITIZED 1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer) || __has_feature(thread_sanitizer) || \
	__has_feature(memory_sanitizer)
#define SANITIZED 1
#endif
#endif

/* Through volatile pointers, so the compiler cannot drop a malloc/free pair
 * or turn malloc + memset into calloc. */
static void *(*volatile my_malloc)(size_t) = malloc;
static void *(*volatile my_calloc)(size_t, size_t) = calloc;
static void *(*volatile my_realloc)(void *, size_t) = realloc;
static void *(*volatile my_reallocarray)(void *, size_t, size_t) = reallocarray;
static int (*volatile my_posix_memalign)(void **, size_t, size_t) = posix_memalign;
static void *(*volatile my_aligned_alloc)(size_t, size_t) = aligned_alloc;
static void *(*volatile my_memalign)(size_t, size_t) = memalign;
static void *(*volatile my_valloc)(size_t) = valloc;
static void (*volatile my_free)(void *) = free;

static void need_interposer(void)
{
#ifdef SANITIZED
	cr_skip_test("built with a sanitizer that owns malloc: allocation counting is compiled out");
#endif
	cr_assert_eq(tach__alloc_interposed(), 1, "malloc is not the counting one");
}

/* The benchmark op: three mallocs of 24 bytes, freed. */
static void op(void)
{
	void *a = my_malloc(24), *b = my_malloc(24), *c = my_malloc(24);
	my_free(a);
	my_free(b);
	my_free(c);
}

Test(alloc, counts_mallocs_exactly)
{
	need_interposer();
	uint64_t n, bytes;
	tach__alloc_count_start();
	for (int i = 0; i < 1000; i++)
		op();
	tach__alloc_count_stop(&n, &bytes);
	cr_expect_eq(n, 3000);
	cr_expect_eq(bytes, 72000);
}

Test(alloc, nothing_counted_when_off)
{
	need_interposer();
	uint64_t n = 1, bytes = 1;
	tach__alloc_count_start();
	tach__alloc_count_stop(&n, &bytes);
	cr_expect_eq(n, 0);
	cr_expect_eq(bytes, 0);
	for (int i = 0; i < 1000; i++)
		op();
	void *p = my_calloc(4, 8);
	p = my_realloc(p, 100);
	my_free(p);
	/* still the numbers of the empty pass */
	tach__alloc_count_stop(&n, &bytes);
	cr_expect_eq(n, 0);
	cr_expect_eq(bytes, 0);
	tach__alloc_count_stop(NULL, NULL);
}

Test(alloc, rules_per_function)
{
	need_interposer();
	struct {
		const char *what;
		uint64_t n, bytes;
	} got[16];
	int k = 0;
	uint64_t n, bytes;
	void *p, *q;
	int rc;
#define PASS(label, code)                                 \
	do {                                              \
		tach__alloc_count_start();                \
		code;                                     \
		tach__alloc_count_stop(&n, &bytes);       \
		got[k].what = label;                      \
		got[k].n = n;                             \
		got[k++].bytes = bytes;                   \
	} while (0)

	PASS("calloc(10, 12)", p = my_calloc(10, 12));
	my_free(p);
	PASS("malloc(0)", p = my_malloc(0));
	my_free(p);
	PASS("realloc(NULL, 10)", p = my_realloc(NULL, 10));
	PASS("realloc(p, 20)", p = my_realloc(p, 20));
	PASS("realloc(p, 100000) (moves)", p = my_realloc(p, 100000));
	PASS("realloc(p, 0) (frees)", q = my_realloc(p, 0));
	cr_expect_null(q, "glibc's realloc(p, 0) frees and returns NULL");
	PASS("reallocarray(NULL, 5, 7)", p = my_reallocarray(NULL, 5, 7));
	my_free(p);
	PASS("posix_memalign(64, 100)", rc = my_posix_memalign(&p, 64, 100));
	cr_expect_eq(rc, 0);
	cr_expect_eq((uintptr_t)p % 64, 0);
	my_free(p);
	PASS("aligned_alloc(128, 256)", p = my_aligned_alloc(128, 256));
	cr_expect_eq((uintptr_t)p % 128, 0);
	my_free(p);
	PASS("memalign(32, 40)", p = my_memalign(32, 40));
	my_free(p);
	PASS("valloc(10)", p = my_valloc(10));
	my_free(p);
	PASS("free", my_free(my_malloc(1)));  /* the malloc counts, the free not */
	PASS("failed malloc", p = my_malloc(SIZE_MAX / 2));
	cr_expect_null(p);
	PASS("bad posix_memalign", rc = my_posix_memalign(&p, 3, 8));
	cr_expect_eq(rc, EINVAL);
	PASS("strdup (inside libc)", p = strdup("hello"));
	my_free(p);

	static const struct {
		uint64_t n, bytes;
	} want[] = {
		{1, 120}, {1, 0}, {1, 10}, {1, 20}, {1, 100000}, {0, 0}, {1, 35}, {1, 100},
		{1, 256}, {1, 40}, {1, 10}, {1, 1}, {0, 0}, {0, 0}, {1, 6},
	};
	cr_assert_eq(k, (int)(sizeof want / sizeof *want));
	for (int i = 0; i < k; i++) {
		cr_expect_eq(got[i].n, want[i].n, "%s: %llu allocations, want %llu", got[i].what,
		             (unsigned long long)got[i].n, (unsigned long long)want[i].n);
		cr_expect_eq(got[i].bytes, want[i].bytes, "%s: %llu bytes, want %llu", got[i].what,
		             (unsigned long long)got[i].bytes, (unsigned long long)want[i].bytes);
	}
}

enum { THREADS = 4, OPS = 1000 };
static pthread_barrier_t go, done, leave;

static void *worker(void *arg)
{
	pthread_barrier_wait(&go);
	for (int i = 0; i < OPS; i++)
		op();
	pthread_barrier_wait(&done);
	pthread_barrier_wait(&leave);  /* thread exit may allocate: after the stop */
	return NULL;
}

Test(alloc, threads_sum_exactly)
{
	need_interposer();
	pthread_t t[THREADS];
	pthread_barrier_init(&go, NULL, THREADS + 1);
	pthread_barrier_init(&done, NULL, THREADS + 1);
	pthread_barrier_init(&leave, NULL, THREADS + 1);
	for (int i = 0; i < THREADS; i++)
		cr_assert_eq(pthread_create(&t[i], NULL, worker, NULL), 0);
	uint64_t n, bytes;
	tach__alloc_count_start();
	pthread_barrier_wait(&go);
	pthread_barrier_wait(&done);
	tach__alloc_count_stop(&n, &bytes);
	pthread_barrier_wait(&leave);
	for (int i = 0; i < THREADS; i++)
		pthread_join(t[i], NULL);
	cr_expect_eq(n, 3 * OPS * THREADS);
	cr_expect_eq(bytes, 24 * 3 * OPS * THREADS);
}

Test(alloc, compiled_out_under_sanitizers)
{
#ifndef SANITIZED
	cr_skip_test("not a sanitizer build");
#else
	uint64_t n = 1, bytes = 1;
	cr_expect_eq(tach__alloc_interposed(), 0);
	tach__alloc_count_start();
	free(my_malloc(10));
	tach__alloc_count_stop(&n, &bytes);
	cr_expect_eq(n, 0);
	cr_expect_eq(bytes, 0);
#endif
}

/* ---- through the benchmark library: exactly k allocations of b bytes
 * per iteration come out as allocs_per_op = k and bytes_per_op = k b ---- */

#include "tach/bench.h"
#include "tach/result.h"

TACH_BENCH(bm_three_allocs, .repetitions = 3, .min_time = 0.001)
{
	TACH_LOOP(s) {
		for (int k = 0; k < 3; k++) {
			void *p = my_malloc(40);
			tach_do_not_optimize(p);
			my_free(p);
		}
	}
}

Test(alloc, benchmark_allocs_per_op_exact)
{
	need_interposer();
	tach_bench_run_opts o;
	memset(&o, 0, sizeof o);
	o.filter = "^bm_three_allocs$";
	o.warmup = (size_t)-1;
	o.alloc_start = tach__alloc_count_start;
	o.alloc_stop = tach__alloc_count_stop;
	tach_result *r = tach_result_new();
	tach_error err;
	cr_assert_eq(tach_bench_run_all(&o, r, &err), 0, "%s", err.message);
	const tach_metric *a = tach_benchmark_metric(r->benchmarks[0], "allocs_per_op");
	const tach_metric *b = tach_benchmark_metric(r->benchmarks[0], "bytes_per_op");
	cr_assert(a && b);
	cr_expect_eq(a->samples[0], 3.0, "allocs/op %g", a->samples[0]);
	cr_expect_eq(b->samples[0], 120.0, "bytes/op %g", b->samples[0]);
	tach_result_free(r);
}
