/* alloc_count.c - the allocation-counting malloc family: malloc, free,
 * calloc, realloc, reallocarray, posix_memalign, aligned_alloc, memalign,
 * valloc and pvalloc, each forwarding to glibc's own allocator
 * (__libc_malloc ...) and, while a counting pass is on, counting the call.
 *
 * Built as a shared object of its own (tach_alloc_count.so) that is never
 * linked into a benchmark: libtach_main embeds its bytes and preloads it
 * (LD_PRELOAD) only into the separate process that counts allocations
 * (alloc_pass.c), where it interposes on glibc's definitions for the whole
 * process, shared libraries and C++ operator new included (glibc manual,
 * "Replacing malloc").  The timed process has no interposer at all, so
 * counting costs the timed repetitions nothing.
 *
 * Counting rules: every call that returns memory counts one allocation of
 * the size the caller asked for (not the size glibc rounds up to), also for
 * size 0.  calloc(n, size) counts n * size bytes; realloc(p, n) counts one
 * allocation of n bytes whether or not the block moved; realloc(NULL, n) is
 * malloc(n); realloc(p, 0), which frees p and returns NULL, counts nothing;
 * a call that fails counts nothing; free counts nothing.
 *
 * Heap growth (net_heap_growth_per_op, max_bytes_used): while counting,
 * each block returned adds its usable size (malloc_usable_size: free does
 * not know the requested size, and glibc's chunk is what stays in use) to
 * the live bytes, and each block freed or given up by realloc subtracts
 * its usable size; the net at the stop is bytes allocated minus bytes
 * freed since the start, the peak the most the live bytes reached.  A
 * block allocated and freed inside the counted call counts 0 either way;
 * freeing a block from before the start makes the net lower (negative).
 *
 * Cost in the counting process: off, one relaxed atomic load per
 * allocation and per free; on, relaxed atomic adds on one shared cache
 * line, a malloc_usable_size and a compare-and-swap for the peak.
 *
 * Never used with a sanitizer (AddressSanitizer, ThreadSanitizer,
 * MemorySanitizer, HWASan): their runtimes own malloc, so alloc_pass.c does
 * not start the counting process there.  A statically linked benchmark
 * cannot preload anything.  malloc_usable_size, malloc_trim and mallinfo
 * stay glibc's, which is right since every block is glibc's.
 */
#include <errno.h>
#include <malloc.h>
#include <stdatomic.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "bench/alloc_count.h"

/* glibc's allocator under the names that cannot be interposed; calling
 * these, not dlsym(RTLD_NEXT, "malloc"), avoids dlsym's own allocations
 * recursing into us. */
extern void *__libc_malloc(size_t n);
extern void __libc_free(void *p);
extern void *__libc_calloc(size_t n, size_t size);
extern void *__libc_realloc(void *p, size_t n);
extern void *__libc_memalign(size_t align, size_t n);
extern void *__libc_valloc(size_t n);
extern void *__libc_pvalloc(size_t n);

#define EXPORT __attribute__((visibility("default")))

/* Bit 0: counting; the bits above: how many threads are probing (see
 * tach__alloc_interposed).  Zero, the usual case, is the only value the
 * fast path tests for.  On a cache line of its own: every allocation of
 * every thread reads it, and the counters next to it would be written. */
enum { COUNTING = 1, PROBER = 2 };
static _Alignas(64) atomic_uint state;

static struct {
	_Alignas(64) atomic_uint_least64_t allocs;
	atomic_uint_least64_t bytes;
	/* heap growth: usable bytes live now and at most, relative to the
	 * start (signed: a block from before the start may be freed) */
	atomic_int_least64_t live, peak;
} ctr;

/* initial-exec: reading thread-local storage must never allocate, which the
 * general-dynamic model (__tls_get_addr) may do. */
static _Thread_local volatile int probing __attribute__((tls_model("initial-exec")));
static _Thread_local volatile int probe_hit __attribute__((tls_model("initial-exec")));

/* Live bytes change by delta (usable sizes); the peak follows. */
static void live_add(int64_t delta)
{
	int64_t now = atomic_fetch_add_explicit(&ctr.live, delta, memory_order_relaxed) + delta;
	int64_t peak = atomic_load_explicit(&ctr.peak, memory_order_relaxed);
	while (now > peak && !atomic_compare_exchange_weak_explicit(&ctr.peak, &peak, now,
	                                                            memory_order_relaxed,
	                                                            memory_order_relaxed))
		;
}

/* The slow path, taken only while something is on: an allocation of n
 * requested bytes returned p (NULL: none, only `released` freed), and a
 * block of `released` usable bytes was given up (free, realloc's old
 * block). */
__attribute__((noinline, cold)) static void note(size_t n, void *p, size_t released)
{
	if (probing) {
		probe_hit |= p != NULL;
		return;
	}
	/* acquire pairs with the release in start: the zeroing of the
	 * counters happens before this thread's adds */
	if (atomic_load_explicit(&state, memory_order_acquire) & COUNTING) {
		if (p) {
			atomic_fetch_add_explicit(&ctr.allocs, 1, memory_order_relaxed);
			atomic_fetch_add_explicit(&ctr.bytes, n, memory_order_relaxed);
		}
		live_add((int64_t)(p ? malloc_usable_size(p) : 0) - (int64_t)released);
	}
}

#define ON() __builtin_expect(atomic_load_explicit(&state, memory_order_relaxed) != 0, 0)

/* A block about to be freed or reallocated: its usable size while
 * something is on (0 otherwise, for NULL, and in a probing thread). */
static size_t usable_if_on(void *p)
{
	return ON() && p && !probing ? malloc_usable_size(p) : 0;
}

EXPORT void *malloc(size_t n)
{
	void *p = __libc_malloc(n);
	if (ON() && p)
		note(n, p, 0);
	return p;
}

EXPORT void free(void *p)
{
	size_t was = usable_if_on(p);
	__libc_free(p);
	if (was)
		note(0, NULL, was);
}

EXPORT void *calloc(size_t n, size_t size)
{
	void *p = __libc_calloc(n, size);
	if (ON() && p)
		note(n * size, p, 0);  /* no overflow: glibc fails an overflowing calloc */
	return p;
}

EXPORT void *realloc(void *old, size_t n)
{
	size_t was = usable_if_on(old);
	void *p = __libc_realloc(old, n);
	/* the old block is gone when a block came back, or when n was 0
	 * (glibc frees it and returns NULL); a failure leaves it */
	if (ON() && (p || (was && n == 0)))
		note(n, p, was);
	return p;
}

EXPORT void *reallocarray(void *old, size_t n, size_t size)
{
	size_t bytes;
	if (__builtin_mul_overflow(n, size, &bytes)) {
		errno = ENOMEM;
		return NULL;
	}
	return realloc(old, bytes);
}

EXPORT void *memalign(size_t align, size_t n)
{
	void *p = __libc_memalign(align, n);
	if (ON() && p)
		note(n, p, 0);
	return p;
}

/* C11 7.22.3.1 with C17's DR 460: an unsupported alignment fails (glibc
 * 2.38 and later check the same; older ones rounded it up). */
EXPORT void *aligned_alloc(size_t align, size_t n)
{
	if (align == 0 || (align & (align - 1)) != 0) {
		errno = EINVAL;
		return NULL;
	}
	return memalign(align, n);
}

/* POSIX: EINVAL unless the alignment is a power of two multiple of
 * sizeof(void *); errno is left alone. */
EXPORT int posix_memalign(void **out, size_t align, size_t n)
{
	if (align == 0 || align % sizeof(void *) != 0 || (align & (align - 1)) != 0)
		return EINVAL;
	int saved = errno;
	void *p = memalign(align, n);
	errno = saved;
	if (!p)
		return ENOMEM;
	*out = p;
	return 0;
}

EXPORT void *valloc(size_t n)
{
	void *p = __libc_valloc(n);
	if (ON() && p)
		note(n, p, 0);
	return p;
}

EXPORT void *pvalloc(size_t n)
{
	void *p = __libc_pvalloc(n);
	if (ON() && p)
		note(n, p, 0);
	return p;
}

EXPORT void tach__alloc_count_start(void)
{
	atomic_store_explicit(&ctr.allocs, 0, memory_order_relaxed);
	atomic_store_explicit(&ctr.bytes, 0, memory_order_relaxed);
	atomic_store_explicit(&ctr.live, 0, memory_order_relaxed);
	atomic_store_explicit(&ctr.peak, 0, memory_order_relaxed);
	atomic_fetch_or_explicit(&state, COUNTING, memory_order_release);
}

EXPORT void tach__alloc_count_stop(uint64_t *allocs, uint64_t *bytes)
{
	atomic_fetch_and_explicit(&state, ~(unsigned)COUNTING, memory_order_acq_rel);
	if (allocs)
		*allocs = atomic_load_explicit(&ctr.allocs, memory_order_relaxed);
	if (bytes)
		*bytes = atomic_load_explicit(&ctr.bytes, memory_order_relaxed);
}

EXPORT void tach__alloc_count_heap(int64_t *net, uint64_t *peak)
{
	if (net)
		*net = atomic_load_explicit(&ctr.live, memory_order_relaxed);
	if (peak)
		*peak = (uint64_t)atomic_load_explicit(&ctr.peak, memory_order_relaxed);
}

/* Asks glibc for memory (strdup allocates inside libc.so) and watches
 * whether the allocation came through here: that proves the interposition
 * for the library's calls too, not only for this file's.  The probing
 * thread's own allocation is never counted.  Called through a volatile
 * pointer so the compiler can neither fold strdup into malloc nor assume,
 * from glibc's leaf attribute, that the call leaves probe_hit alone. */
EXPORT int tach__alloc_interposed(void)
{
	char *(*volatile dup)(const char *) = strdup;
	probe_hit = 0;
	probing = 1;
	atomic_fetch_add_explicit(&state, PROBER, memory_order_relaxed);
	char *s = dup("tach");
	atomic_fetch_sub_explicit(&state, PROBER, memory_order_relaxed);
	probing = 0;
	free(s);
	return s && probe_hit;
}

