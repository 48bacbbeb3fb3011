/* test_alloc.c - allocation counting end to end (src/bench/alloc_pass.c,
 * src/bench/alloc_count.c), through a real benchmark binary
 * (tests/helpers/alloc_bench.c): allocs_per_op and bytes_per_op exact for
 * each counting rule and on 4 threads, the timed process without any
 * interposer (malloc resolves to libc's), a counting process that dies
 * (or one benchmark failing in it) leaving the timed results and a
 * reason, and the user's LD_PRELOAD kept for the counting process but the
 * counting object not passed on to the processes a benchmark starts.  In
 * a sanitizer build the binary does not count, and says why.  Last, the
 * counting pass of run.c alone, with a fake counter.
 */
#include <criterion/criterion.h>
#include <fcntl.h>
#include <malloc.h>
#include <math.h>
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "tach/tach.h"

#if defined(__SANITIZE_ADDRESS__) || defined(__SANITIZE_THREAD__)
#define SANITIZED 1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer) || __has_feature(thread_sanitizer) || \
	__has_feature(memory_sanitizer)
#define SANITIZED 1
#endif
#endif

/* One run of the benchmark binary: exit status, its results and stderr. */
typedef struct bench_run {
	int status;
	tach_result *r;
	char *out; /* --format text: the summary (caller frees) */
	char err[8192];
} bench_run;

static char *slurp(const char *path, size_t *len)
{
	FILE *f = fopen(path, "r");
	cr_assert(f, "cannot open %s", path);
	char *buf = malloc(1 << 20);
	*len = fread(buf, 1, (1 << 20) - 1, f);
	buf[*len] = 0;
	fclose(f);
	return buf;
}

/* Runs alloc_bench --filter FILTER --format FORMAT with short
 * repetitions, extra arguments and up to two extra environment strings:
 * json is read into r, text kept in out. */
static bench_run run_bench_as(const char *format, const char *filter, const char *extra_arg,
                              const char *env1, const char *env2)
{
	bench_run b;
	memset(&b, 0, sizeof b);
	char out[] = "/tmp/tach-alloc-out-XXXXXX", errf[] = "/tmp/tach-alloc-err-XXXXXX";
	close(mkstemp(out));
	close(mkstemp(errf));
	const char *argv[16] = {TACH_ALLOC_BENCH, "--filter", filter, "--format", format,
	                        "--min-time", "1ms", "--repetitions", "2", "--max-repetitions",
	                        "2", extra_arg, NULL};
	const char *envp[] = {"PATH=/usr/bin:/bin", env1, env2, NULL};
	if (!env1)
		envp[1] = env2, envp[2] = NULL;
	posix_spawn_file_actions_t fa;
	posix_spawn_file_actions_init(&fa);
	posix_spawn_file_actions_addopen(&fa, 1, out, O_WRONLY | O_TRUNC, 0);
	posix_spawn_file_actions_addopen(&fa, 2, errf, O_WRONLY | O_TRUNC, 0);
	pid_t pid;
	cr_assert_eq(posix_spawn(&pid, argv[0], &fa, NULL, (char *const *)argv,
	                         (char *const *)envp), 0);
	posix_spawn_file_actions_destroy(&fa);
	int status;
	waitpid(pid, &status, 0);
	b.status = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
	size_t len;
	char *text = slurp(errf, &len);
	snprintf(b.err, sizeof b.err, "%s", text);
	free(text);
	text = slurp(out, &len);
	unlink(out);
	unlink(errf);
	if (strcmp(format, "json")) {
		b.out = text;
		return b;
	}
	tach_error e;
	memset(&e, 0, sizeof e);
	cr_assert_eq(tach_result_read_buffer(text, len, "alloc_bench", &b.r, &e), 0,
	             "status %d, stderr: %s, parse: %s", b.status, b.err, e.message);
	free(text);
	return b;
}

static bench_run run_bench(const char *filter, const char *extra_arg, const char *env1,
                           const char *env2)
{
	return run_bench_as("json", filter, extra_arg, env1, env2);
}

static const tach_benchmark *bench(const bench_run *b, const char *name)
{
	for (size_t i = 0; i < b->r->n_benchmarks; i++)
		if (!strcmp(b->r->benchmarks[i]->name, name))
			return b->r->benchmarks[i];
	cr_assert_fail("no benchmark '%s' in the results", name);
	return NULL;
}

static double metric(const tach_benchmark *b, const char *name)
{
	const tach_metric *m = tach_benchmark_metric(b, name);
	cr_assert(m && m->n_samples, "'%s' has no %s", b->name, name);
	return m->samples[0];
}

static void need_counting(void)
{
#ifdef SANITIZED
	cr_skip_test("built with a sanitizer that owns malloc: allocations are not counted");
#endif
}

Test(alloc, rules_exact_through_counting_process)
{
	need_counting();
	static const struct {
		const char *name;
		double allocs, bytes;
	} want[] = {
		{"three_mallocs/threads:1", 3, 72},
		{"three_mallocs/threads:4", 3, 72}, /* per iteration of each thread */
		{"rule_calloc", 1, 120},
		{"rule_realloc", 3, 100030},
		{"rule_realloc_zero", 1, 8},
		{"rule_reallocarray", 1, 35},
		{"rule_aligned", 4, 406},
		{"rule_failures", 0, 0},
		{"rule_strdup", 1, 6},
	};
	bench_run b = run_bench("^(three_mallocs|rule_)", NULL, NULL, NULL);
	cr_assert_eq(b.status, 0, "stderr: %s", b.err);
	const char *ctx = tach_kvlist_get(&b.r->meta.context, "allocs");
	cr_assert(ctx && !strncmp(ctx, "counted in a separate process", 29), "allocs: %s",
	          ctx ? ctx : "(none)");
	for (size_t i = 0; i < sizeof want / sizeof want[0]; i++) {
		const tach_benchmark *x = bench(&b, want[i].name);
		cr_expect_null(x->error, "%s: %s", x->name, x->error);
		cr_expect(tach_benchmark_metric(x, TACH_M_TIME), "%s was not timed", x->name);
		cr_expect_eq(metric(x, TACH_M_ALLOCS_PER_OP), want[i].allocs, "%s: %g allocs/op",
		             x->name, metric(x, TACH_M_ALLOCS_PER_OP));
		cr_expect_eq(metric(x, TACH_M_BYTES_PER_OP), want[i].bytes, "%s: %g bytes/op",
		             x->name, metric(x, TACH_M_BYTES_PER_OP));
	}
	tach_result_free(b.r);
}

/* Heap growth through the counting process: bytes allocated minus bytes
 * freed per iteration and the peak of live bytes, in usable block sizes
 * (this process's glibc gives the same malloc_usable_size); a leak is
 * flagged in the context and on stderr, balanced workloads are not. */
Test(alloc, heap_growth_and_leaks)
{
	need_counting();
	void *p32 = malloc(32), *p1000 = malloc(1000), *p4096 = malloc(4096);
	double u32 = (double)malloc_usable_size(p32), u1000 = (double)malloc_usable_size(p1000);
	double u4096 = (double)malloc_usable_size(p4096);
	free(p32);
	free(p1000);
	free(p4096);
	bench_run b = run_bench("^(heap_|three_mallocs|rule_realloc$)", NULL, NULL, NULL);
	cr_assert_eq(b.status, 0, "stderr: %s", b.err);
	const tach_benchmark *leak = bench(&b, "heap_leak");
	cr_expect_eq(metric(leak, TACH_M_NET_HEAP_GROWTH_PER_OP), u32, "heap_leak: %.17g B/op",
	             metric(leak, TACH_M_NET_HEAP_GROWTH_PER_OP));
	cr_expect(metric(leak, TACH_M_MAX_BYTES_USED) >= u32);
	const tach_benchmark *bal = bench(&b, "heap_balanced"), *bat = bench(&b, "heap_batch");
	cr_expect_eq(metric(bal, TACH_M_NET_HEAP_GROWTH_PER_OP), 0);
	cr_expect_eq(metric(bal, TACH_M_MAX_BYTES_USED), u1000);
	cr_expect_eq(metric(bat, TACH_M_NET_HEAP_GROWTH_PER_OP), 0);
	cr_expect_eq(metric(bat, TACH_M_MAX_BYTES_USED), 10 * u4096);
	const char *names[] = {"three_mallocs/threads:1", "three_mallocs/threads:4", "rule_realloc"};
	for (size_t i = 0; i < 3; i++)
		cr_expect_eq(metric(bench(&b, names[i]), TACH_M_NET_HEAP_GROWTH_PER_OP), 0, "%s",
		             names[i]);
	const char *leaking = tach_kvlist_get(&b.r->meta.context, "leaking");
	cr_expect(leaking && !strcmp(leaking, "heap_leak"), "leaking: %s",
	          leaking ? leaking : "(none)");
	cr_expect(strstr(b.err, "warning: 'heap_leak' leaks") != NULL, "stderr: %s", b.err);
	tach_result_free(b.r);
}

/* The text summary: a leaking benchmark named below the table. */
Test(alloc, summary_names_leaks)
{
	need_counting();
	bench_run b = run_bench_as("text", "^heap_(leak|balanced)$", NULL, NULL, NULL);
	cr_assert_eq(b.status, 0, "stderr: %s", b.err);
	cr_expect(strstr(b.out, "\nleaking (net heap growth above 1 B per iteration): heap_leak\n"),
	          "%s", b.out);
	free(b.out);
}

/* The text summary prints a complexity fit as Google Benchmark does. */
Test(alloc, summary_prints_big_o_and_rms)
{
	bench_run b = run_bench_as("text", "^sizes_linear/", "--no-alloc", NULL, NULL);
	cr_assert_eq(b.status, 0, "stderr: %s", b.err);
	const char *big_o = strstr(b.out, "\nsizes_linear_BigO ");
	const char *rms = strstr(b.out, "\nsizes_linear_RMS ");
	cr_assert(big_o && rms, "%s", b.out);
	double c, pct;
	char curve[16], pc[4];
	cr_expect_eq(sscanf(big_o + 19, "%lf %15s", &c, curve), 2, "%s", big_o);
	cr_expect_str_eq(curve, "N", "the chosen curve");
	cr_expect(c > 0, "%s", big_o);
	cr_expect_eq(sscanf(rms + 18, "%lf %3s", &pct, pc), 2, "%s", rms);
	cr_expect_str_eq(pc, "%");
	free(b.out);
}

/* The interposer never enters the timed process: its malloc is libc's. */
Test(alloc, timed_process_has_no_interposer)
{
	need_counting(); /* a sanitizer's malloc is not libc's either */
	bench_run b = run_bench("^timed_malloc_is_libc$", NULL, NULL, NULL);
	cr_assert_eq(b.status, 0, "stderr: %s", b.err);
	cr_expect_eq(metric(bench(&b, "timed_malloc_is_libc"), "malloc_in_libc"), 1,
	             "malloc in the timed process is not libc's");
	tach_result_free(b.r);
}

Test(alloc, no_alloc_starts_no_counting_process)
{
	bench_run b = run_bench("^three_mallocs/threads:1$", "--no-alloc", "ALLOC_BENCH_CRASH=1",
	                        NULL);
	cr_assert_eq(b.status, 0, "stderr: %s", b.err);
	const tach_benchmark *x = bench(&b, "three_mallocs/threads:1");
	cr_expect(tach_benchmark_metric(x, TACH_M_TIME));
	cr_expect_null(tach_benchmark_metric(x, TACH_M_ALLOCS_PER_OP));
	cr_expect_null(tach_kvlist_get(&b.r->meta.context, "allocs"));
	tach_result_free(b.r);
}

/* The counting process aborts: the timed figures stand, no allocation
 * figure is made up, and the context and stderr say why. */
Test(alloc, failing_counting_process_leaves_timed_results)
{
	need_counting();
	bench_run b = run_bench("^crash_when_counting$", NULL, "ALLOC_BENCH_CRASH=1", NULL);
	cr_assert_eq(b.status, 0, "stderr: %s", b.err);
	const tach_benchmark *x = bench(&b, "crash_when_counting");
	cr_expect_null(x->error);
	cr_expect(tach_benchmark_metric(x, TACH_M_TIME), "the timed samples are gone");
	cr_expect_null(tach_benchmark_metric(x, TACH_M_ALLOCS_PER_OP));
	cr_expect_null(tach_benchmark_metric(x, TACH_M_BYTES_PER_OP));
	const char *ctx = tach_kvlist_get(&b.r->meta.context, "allocs");
	cr_assert(ctx, "no reason in the context");
	cr_expect(strstr(ctx, "not counted: the counting process was killed by signal 6"),
	          "allocs: %s", ctx);
	cr_expect(strstr(b.err, "warning: allocations not counted"), "stderr: %s", b.err);
}

/* One benchmark fails in the counting process: the others are counted,
 * and the context names it with its error. */
Test(alloc, benchmark_failing_when_counted_is_named)
{
	need_counting();
	bench_run b = run_bench("^(error_when_counting|rule_calloc)$", NULL, NULL, NULL);
	cr_assert_eq(b.status, 0, "stderr: %s", b.err);
	const tach_benchmark *x = bench(&b, "error_when_counting");
	cr_expect_null(x->error);
	cr_expect(tach_benchmark_metric(x, TACH_M_TIME));
	cr_expect_null(tach_benchmark_metric(x, TACH_M_ALLOCS_PER_OP));
	cr_expect_eq(metric(bench(&b, "rule_calloc"), TACH_M_ALLOCS_PER_OP), 1);
	const char *ctx = tach_kvlist_get(&b.r->meta.context, "allocs");
	cr_expect(ctx && strstr(ctx, "counted in a separate process") &&
	          strstr(ctx, "not counted for 'error_when_counting': fails when counted"),
	          "allocs: %s", ctx ? ctx : "(none)");
	tach_result_free(b.r);
}

/* A malloc the user preloads (tests/helpers/foreign_malloc.c) comes
 * first: the counting process says it cannot count, and the timed results
 * stand. */
Test(alloc, user_malloc_first_is_a_reason)
{
	need_counting();
	char env1[4200];
	snprintf(env1, sizeof env1, "LD_PRELOAD=%s", TACH_FOREIGN_MALLOC);
	bench_run b = run_bench("^rule_calloc$", NULL, env1, NULL);
	cr_assert_eq(b.status, 0, "stderr: %s", b.err);
	const tach_benchmark *x = bench(&b, "rule_calloc");
	cr_expect(tach_benchmark_metric(x, TACH_M_TIME));
	cr_expect_null(tach_benchmark_metric(x, TACH_M_ALLOCS_PER_OP));
	const char *ctx = tach_kvlist_get(&b.r->meta.context, "allocs");
	cr_expect(ctx && strstr(ctx, "not counted: another malloc comes before the counting one"),
	          "allocs: %s", ctx ? ctx : "(none)");
	tach_result_free(b.r);
}

/* The user's LD_PRELOAD reaches the counting process (with the counting
 * object after it) and, alone, the processes a benchmark starts. */
Test(alloc, user_preload_kept_and_not_leaked)
{
	need_counting();
	const char *lib = "/lib/x86_64-linux-gnu/libm.so.6";
	if (access(lib, R_OK))
		cr_skip_test("%s is not there to preload", lib);
	char envfile[] = "/tmp/tach-alloc-env-XXXXXX";
	close(mkstemp(envfile));
	char env1[128], env2[128];
	snprintf(env1, sizeof env1, "LD_PRELOAD=%s", lib);
	snprintf(env2, sizeof env2, "ALLOC_BENCH_ENV_OUT=%s", envfile);
	bench_run b = run_bench("^env_when_counting$", NULL, env1, env2);
	cr_assert_eq(b.status, 0, "stderr: %s", b.err);
	cr_expect_eq(metric(bench(&b, "env_when_counting"), TACH_M_ALLOCS_PER_OP), 1);
	size_t len;
	char *text = slurp(envfile, &len);
	unlink(envfile);
	char want_start[256];
	snprintf(want_start, sizeof want_start, "start LD_PRELOAD=%s:/proc/self/fd/", lib);
	cr_expect(strstr(text, want_start), "the counting process started with:\n%s", text);
	const char *gc = strstr(text, "grandchild:\n");
	cr_assert(gc, "%s", text);
	char want_gc[256];
	snprintf(want_gc, sizeof want_gc, "\nLD_PRELOAD=%s\n", lib);
	cr_expect(strstr(gc, want_gc), "the grandchild's environment:\n%s", gc);
	cr_expect_null(strstr(gc, "/proc/self/fd/"), "the counting object leaked:\n%s", gc);
	cr_expect_null(strstr(gc, "TACH_ALLOC_CHILD"), "the counting switch leaked:\n%s", gc);
	free(text);
	tach_result_free(b.r);
}

/* Without a user LD_PRELOAD, the grandchild gets none at all. */
Test(alloc, preload_unset_for_grandchildren)
{
	need_counting();
	char envfile[] = "/tmp/tach-alloc-env-XXXXXX";
	close(mkstemp(envfile));
	char env2[128];
	snprintf(env2, sizeof env2, "ALLOC_BENCH_ENV_OUT=%s", envfile);
	bench_run b = run_bench("^env_when_counting$", NULL, NULL, env2);
	cr_assert_eq(b.status, 0, "stderr: %s", b.err);
	size_t len;
	char *text = slurp(envfile, &len);
	unlink(envfile);
	const char *gc = strstr(text, "grandchild:\n");
	cr_assert(gc, "%s", text);
	cr_expect_null(strstr(gc, "LD_PRELOAD"), "the grandchild's environment:\n%s", gc);
	cr_expect_null(strstr(gc, "TACH_ALLOC_CHILD"), "the counting switch leaked:\n%s", gc);
	free(text);
	tach_result_free(b.r);
}

Test(alloc, sanitizer_build_says_why)
{
#ifndef SANITIZED
	cr_skip_test("not a sanitizer build");
#else
	bench_run b = run_bench("^three_mallocs/threads:1$", NULL, NULL, NULL);
	cr_assert_eq(b.status, 0, "stderr: %s", b.err);
	const char *ctx = tach_kvlist_get(&b.r->meta.context, "allocs");
	cr_expect(ctx && strstr(ctx, "not counted: built with"), "allocs: %s", ctx ? ctx : "");
	cr_expect(tach_benchmark_metric(bench(&b, "three_mallocs/threads:1"), TACH_M_TIME));
	tach_result_free(b.r);
#endif
}

/* ---- the counting pass alone (tach_bench_run_opts.alloc_iterations), as
 * the counting process runs it, with a fake counter: the given iteration
 * count, one uncounted warm-up call, no timing, unplanned instances left
 * out ---- */

#include <stdatomic.h>

#include "tach/bench.h"

static atomic_int fake_on;
static atomic_ullong fake_allocs, fake_bytes, fake_iterations;

static void fake_alloc(size_t n)
{
	if (atomic_load(&fake_on)) {
		atomic_fetch_add(&fake_allocs, 1);
		atomic_fetch_add(&fake_bytes, n);
	}
}

static void fake_start(void)
{
	atomic_store(&fake_allocs, 0);
	atomic_store(&fake_bytes, 0);
	atomic_store(&fake_on, 1);
}

static void fake_stop(uint64_t *allocs, uint64_t *bytes)
{
	atomic_store(&fake_on, 0);
	*allocs = atomic_load(&fake_allocs);
	*bytes = atomic_load(&fake_bytes);
}

/* heap growth as a fake counter reports it: net = 7 B per allocation */
static void fake_heap(int64_t *net, uint64_t *peak)
{
	*net = 7 * (int64_t)atomic_load(&fake_allocs);
	*peak = 4242;
}

/* 2 allocations of 40 bytes per iteration, plus one of 1000 per call */
TACH_BENCH(fake_two_allocs, .threads = TACH_THREADS(1, 3))
{
	fake_alloc(1000);
	TACH_LOOP(s) {
		fake_alloc(40);
		fake_alloc(40);
		atomic_fetch_add(&fake_iterations, 1);
	}
}

TACH_BENCH(fake_unplanned)
{
	TACH_LOOP(s) {
		fake_alloc(1);
	}
}

static uint64_t fake_plan(void *ctx, const char *name)
{
	(void)ctx;
	return !strcmp(name, "fake_two_allocs/threads:1") ? 500
	       : !strcmp(name, "fake_two_allocs/threads:3") ? 100 : 0;
}

Test(alloc, counting_pass_alone_uses_the_given_iterations)
{
	tach_bench_run_opts o;
	memset(&o, 0, sizeof o);
	o.filter = "^fake_";
	o.alloc_start = fake_start;
	o.alloc_stop = fake_stop;
	o.alloc_iterations = fake_plan;
	tach_result *r = tach_result_new();
	tach_error err;
	memset(&err, 0, sizeof err);
	o.alloc_heap = fake_heap;
	cr_assert_eq(tach_bench_run_all(&o, r, &err), 0, "%s", err.message);
	cr_assert_eq(r->n_benchmarks, 2, "the unplanned instance ran");
	/* warm-up and counted call: 2 x (500 + 3 x 100) iterations in all */
	cr_expect_eq(atomic_load(&fake_iterations), 2 * (500 + 3 * 100));
	static const struct {
		const char *name;
		double allocs, bytes;
	} want[] = {/* totals of the counted call / (iterations x threads) */
	            {"fake_two_allocs/threads:1", (2.0 * 500 + 1) / 500, (80.0 * 500 + 1000) / 500},
	            {"fake_two_allocs/threads:3", (2.0 * 300 + 3) / 300,
	             (80.0 * 300 + 3000) / 300}};
	for (size_t i = 0; i < 2; i++) {
		const tach_benchmark *b = r->benchmarks[i];
		cr_expect_str_eq(b->name, want[i].name);
		cr_expect_null(tach_benchmark_metric(b, TACH_M_TIME), "%s was timed", b->name);
		cr_expect_null(tach_benchmark_metric(b, "scaling_efficiency"));
		cr_expect_eq(metric(b, TACH_M_ALLOCS_PER_OP), want[i].allocs, "%s: %.17g", b->name,
		             metric(b, TACH_M_ALLOCS_PER_OP));
		cr_expect_eq(metric(b, TACH_M_BYTES_PER_OP), want[i].bytes, "%s: %.17g", b->name,
		             metric(b, TACH_M_BYTES_PER_OP));
		cr_expect(fabs(metric(b, TACH_M_NET_HEAP_GROWTH_PER_OP) - 7 * want[i].allocs) < 1e-9,
		          "%s: %.17g", b->name, metric(b, TACH_M_NET_HEAP_GROWTH_PER_OP));
		cr_expect_eq(metric(b, TACH_M_MAX_BYTES_USED), 4242);
	}
	tach_result_free(r);
}
