/* alloc_bench.c - a benchmark binary (TACH_MAIN) for the allocation
 * counting tests (tests/unit/test_alloc.c): workloads whose allocations
 * per iteration are known exactly, one per counting rule, a multi-thread
 * one, and probes that tell the timed process from the counting one by
 * where `malloc` resolves (libc's in the timed process, the preloaded
 * counting object in the other); workloads with a known heap growth;
 * and one benchmark with a complexity fit, for the text summary's lines. */
#include <dlfcn.h>
#include <errno.h>
#include <fcntl.h>
#include <malloc.h>
#include <spawn.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "tach/bench.h"

extern char **environ;

/* Through volatile pointers, so the compiler can neither drop a
 * malloc/free pair nor turn malloc + memset into calloc. */
static void *(*volatile my_malloc)(size_t) = malloc;
static void *(*volatile my_calloc)(size_t, size_t) = calloc;
static void *(*volatile my_realloc)(void *, size_t) = realloc;
static void *(*volatile my_reallocarray)(void *, size_t, size_t) = reallocarray;
static int (*volatile my_posix_memalign)(void **, size_t, size_t) = posix_memalign;
static void *(*volatile my_aligned_alloc)(size_t, size_t) = aligned_alloc;
static void *(*volatile my_memalign)(size_t, size_t) = memalign;
static void *(*volatile my_valloc)(size_t) = valloc;
static char *(*volatile my_strdup)(const char *) = strdup;
static void (*volatile my_free)(void *) = free;

/* 1 when `malloc` as the dynamic linker resolves it lives in libc.so. */
static int malloc_is_libc(void)
{
	Dl_info info;
	void *m = dlsym(RTLD_DEFAULT, "malloc");
	return m && dladdr(m, &info) && info.dli_fname && strstr(info.dli_fname, "libc.so");
}

/* 3 allocations of 24 bytes: 3 allocs/op, 72 bytes/op; also on 4 threads. */
TACH_BENCH(three_mallocs, .threads = TACH_THREADS(1, 4))
{
	TACH_LOOP(s) {
		void *a = my_malloc(24), *b = my_malloc(24), *c = my_malloc(24);
		my_free(a);
		my_free(b);
		my_free(c);
	}
}

/* calloc(10, 12): 1, 120 */
TACH_BENCH(rule_calloc)
{
	TACH_LOOP(s) {
		my_free(my_calloc(10, 12));
	}
}

/* malloc(10), realloc to 20, realloc to 100000 (moves), free: 3, 100030 */
TACH_BENCH(rule_realloc)
{
	TACH_LOOP(s) {
		void *p = my_realloc(NULL, 10);
		p = my_realloc(p, 20);
		p = my_realloc(p, 100000);
		my_free(p);
	}
}

/* malloc(8), then realloc(p, 0), which frees: 1, 8 */
TACH_BENCH(rule_realloc_zero)
{
	TACH_LOOP(s) {
		void *p = my_malloc(8);
		p = my_realloc(p, 0);
		my_free(p);
	}
}

/* reallocarray(NULL, 5, 7): 1, 35 */
TACH_BENCH(rule_reallocarray)
{
	TACH_LOOP(s) {
		my_free(my_reallocarray(NULL, 5, 7));
	}
}

/* posix_memalign 100, aligned_alloc 256, memalign 40, valloc 10: 4, 406 */
TACH_BENCH(rule_aligned)
{
	TACH_LOOP(s) {
		void *p = NULL;
		if (my_posix_memalign(&p, 64, 100) || ((uintptr_t)p & 63))
			tach_skip_with_error(s, "posix_memalign failed");
		my_free(p);
		p = my_aligned_alloc(128, 256);
		if (!p || ((uintptr_t)p & 127))
			tach_skip_with_error(s, "aligned_alloc failed");
		my_free(p);
		my_free(my_memalign(32, 40));
		my_free(my_valloc(10));
	}
}

/* a malloc that fails and a posix_memalign with a bad alignment: 0, 0 */
TACH_BENCH(rule_failures)
{
	TACH_LOOP(s) {
		void *p = my_malloc(SIZE_MAX / 2);
		if (p || my_posix_memalign(&p, 3, 8) != EINVAL)
			tach_skip_with_error(s, "expected both calls to fail");
	}
}

/* strdup("hello"), whose malloc happens inside libc.so: 1, 6 */
TACH_BENCH(rule_strdup)
{
	TACH_LOOP(s) {
		my_free(my_strdup("hello"));
	}
}

/* Where malloc resolves in the process that times: custom metric
 * malloc_in_libc = 1 when it is libc's own. */
TACH_BENCH(timed_malloc_is_libc)
{
	TACH_LOOP(s) {
		void *p = my_malloc(1);
		my_free(p);
	}
	tach_set_metric(s, "malloc_in_libc", malloc_is_libc(), "count", TACH_HIGHER_IS_BETTER,
	                TACH_COUNTER_TOTAL);
}

/* With ALLOC_BENCH_CRASH set, dies in the counting process only. */
TACH_BENCH(crash_when_counting)
{
	if (getenv("ALLOC_BENCH_CRASH") && !malloc_is_libc())
		abort();
	TACH_LOOP(s) {
		my_free(my_malloc(16));
	}
}

/* Fails in the counting process only: a reason, not a made-up count. */
TACH_BENCH(error_when_counting)
{
	if (!malloc_is_libc())
		tach_skip_with_error(s, "fails when counted");
	TACH_LOOP(s) {
		my_free(my_malloc(16));
	}
}

/* In the counting process, with ALLOC_BENCH_ENV_OUT set: writes to that
 * file the LD_PRELOAD this process started with (/proc/self/environ),
 * then runs /usr/bin/env (a grandchild of the timed process) with the
 * environment a benchmark passes on, its output appended. */
TACH_BENCH(env_when_counting)
{
	const char *path = getenv("ALLOC_BENCH_ENV_OUT");
	static int done;
	if (path && !done && !malloc_is_libc()) {
		done = 1;
		int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0600);
		int in = open("/proc/self/environ", O_RDONLY);
		char buf[65536];
		ssize_t n = in >= 0 ? read(in, buf, sizeof buf - 1) : -1;
		for (ssize_t i = 0; i < n; i += (ssize_t)strlen(buf + i) + 1)
			if (!strncmp(buf + i, "LD_PRELOAD=", 11))
				dprintf(fd, "start %s\n", buf + i);
		if (in >= 0)
			close(in);
		dprintf(fd, "grandchild:\n");
		posix_spawn_file_actions_t fa;
		posix_spawn_file_actions_init(&fa);
		posix_spawn_file_actions_adddup2(&fa, fd, 1);
		char *argv[] = {"/usr/bin/env", NULL};
		pid_t pid;
		if (!posix_spawn(&pid, argv[0], &fa, NULL, argv, environ))
			waitpid(pid, NULL, 0);
		posix_spawn_file_actions_destroy(&fa);
		close(fd);
	}
	TACH_LOOP(s) {
		my_free(my_malloc(16));
	}
}

/* ---- heap growth (net_heap_growth_per_op, max_bytes_used) ---- */

/* Keeps one malloc(32) per iteration, chained; the teardown frees the
 * chain after the counted call: net growth = the usable size of a
 * malloc(32) per iteration, a leak. */
static void **leak_chain;
static void leak_teardown(tach_state *s)
{
	(void)s;
	while (leak_chain) {
		void **next = *leak_chain;
		my_free(leak_chain);
		leak_chain = next;
	}
}

TACH_BENCH(heap_leak, .teardown = leak_teardown)
{
	TACH_LOOP(s) {
		void **p = my_malloc(32);
		*p = leak_chain;
		leak_chain = p;
	}
}

/* malloc(1000), free: net 0, peak the usable size of one such block */
TACH_BENCH(heap_balanced)
{
	TACH_LOOP(s) {
		my_free(my_malloc(1000));
	}
}

/* ten malloc(4096) live at once, then freed: net 0, peak ten blocks */
TACH_BENCH(heap_batch)
{
	TACH_LOOP(s) {
		void *p[10];
		for (int i = 0; i < 10; i++)
			p[i] = my_malloc(4096);
		for (int i = 0; i < 10; i++)
			my_free(p[i]);
	}
}

/* ---- the summary's complexity lines ---- */

/* work in proportion to n, fitted to the chosen curve O(n) */
TACH_BENCH(sizes_linear, .args = TACH_ARGS(64, 512, 4096), .complexity = TACH_COMPLEXITY_ON)
{
	size_t n = (size_t)tach_arg(s, 0);
	TACH_LOOP(s) {
		uint64_t sum = 0;
		for (size_t i = 0; i < n; i++) {
			sum += i;
			tach_do_not_optimize(sum);
		}
	}
}

TACH_MAIN()
