/* alloc_count.c - malloc, free, calloc, realloc, reallocarray, posix_memalign,
 * aligned_alloc, memalign, valloc and pvalloc for benchmark binaries: each
 * forwards to glibc's own allocator (__libc_malloc ...) and, while a counting
 * pass is on, counts the call.  Linked into the binary (libtach_main), these
 * definitions interpose on glibc's for the whole process, shared libraries
 * and C++ operator new included (glibc manual, "Replacing malloc").
 *
 * Counting rules: every call that returns memory counts one allocation of
 * the size the caller asked for (not the size glibc rounds up to), also for
 * size 0.  calloc(n, size) counts n * size bytes; realloc(p, n) counts one
 * allocation of n bytes whether or not the block moved; realloc(NULL, n) is
 * malloc(n); realloc(p, 0), which frees p and returns NULL, counts nothing;
 * a call that fails counts nothing; free counts nothing.
 *
 * Cost: off (always, except in the counting pass) one relaxed atomic load
 * per allocation.  On: two relaxed atomic adds on one shared cache line, so
 * threads allocating together contend; that is why counting is a separate
 * pass, never the timed one.
 *
 * Not interposed (tach__alloc_interposed() returns 0, the counters stay 0):
 * under AddressSanitizer, ThreadSanitizer, MemorySanitizer and HWASan, whose
 * runtimes bring their own malloc that a definition in the binary would
 * break.  Linking statically (-static) fails: libc.a's malloc.o defines both
 * malloc and the __libc_malloc this file calls.  malloc_usable_size,
 * malloc_trim and mallinfo stay glibc's, which is right since every block
 * is glibc's.
 */
#include <errno.h>
#include <malloc.h>
#include <stdatomic.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "bench/alloc_count.h"

#if defined(__SANITIZE_ADDRESS__) || defined(__SANITIZE_THREAD__) || \
	defined(__SANITIZE_HWADDRESS__)
#define NO_INTERPOSE 1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer) || __has_feature(thread_sanitizer) || \
	__has_feature(memory_sanitizer) || __has_feature(hwaddress_sanitizer)
#define NO_INTERPOSE 1
#endif
#endif

#ifdef NO_INTERPOSE

void tach__alloc_count_start(void)
{
}

void tach__alloc_count_stop(uint64_t *allocs, uint64_t *bytes)
{
	if (allocs)
		*allocs = 0;
	if (bytes)
		*bytes = 0;
}

int tach__alloc_interposed(void)
{
	return 0;
}

#else

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
} ctr;

/* initial-exec: reading thread-local storage must never allocate, which the
 * general-dynamic model (__tls_get_addr) may do. */
static _Thread_local volatile int probing __attribute__((tls_model("initial-exec")));
static _Thread_local volatile int probe_hit __attribute__((tls_model("initial-exec")));

/* The slow path, taken only while something is on. */
__attribute__((noinline, cold)) static void note(size_t n)
{
	if (probing) {
		probe_hit = 1;
		return;
	}
	/* acquire pairs with the release in start: the zeroing of the
	 * counters happens before this thread's adds */
	if (atomic_load_explicit(&state, memory_order_acquire) & COUNTING) {
		atomic_fetch_add_explicit(&ctr.allocs, 1, memory_order_relaxed);
		atomic_fetch_add_explicit(&ctr.bytes, n, memory_order_relaxed);
	}
}

#define ON() __builtin_expect(atomic_load_explicit(&state, memory_order_relaxed) != 0, 0)

EXPORT void *malloc(size_t n)
{
	void *p = __libc_malloc(n);
	if (ON() && p)
		note(n);
	return p;
}

EXPORT void free(void *p)
{
	__libc_free(p);
}

EXPORT void *calloc(size_t n, size_t size)
{
	void *p = __libc_calloc(n, size);
	if (ON() && p)
		note(n * size);  /* no overflow: glibc fails an overflowing calloc */
	return p;
}

EXPORT void *realloc(void *old, size_t n)
{
	void *p = __libc_realloc(old, n);
	if (ON() && p)
		note(n);
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
		note(n);
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
		note(n);
	return p;
}

EXPORT void *pvalloc(size_t n)
{
	void *p = __libc_pvalloc(n);
	if (ON() && p)
		note(n);
	return p;
}

void tach__alloc_count_start(void)
{
	atomic_store_explicit(&ctr.allocs, 0, memory_order_relaxed);
	atomic_store_explicit(&ctr.bytes, 0, memory_order_relaxed);
	atomic_fetch_or_explicit(&state, COUNTING, memory_order_release);
}

void tach__alloc_count_stop(uint64_t *allocs, uint64_t *bytes)
{
	atomic_fetch_and_explicit(&state, ~(unsigned)COUNTING, memory_order_acq_rel);
	if (allocs)
		*allocs = atomic_load_explicit(&ctr.allocs, memory_order_relaxed);
	if (bytes)
		*bytes = atomic_load_explicit(&ctr.bytes, memory_order_relaxed);
}

/* Asks glibc for memory (strdup allocates inside libc.so) and watches
 * whether the allocation came through here: that proves the interposition
 * for the library's calls too, not only for this file's.  The probing
 * thread's own allocation is never counted.  Called through a volatile
 * pointer so the compiler can neither fold strdup into malloc nor assume,
 * from glibc's leaf attribute, that the call leaves probe_hit alone. */
int tach__alloc_interposed(void)
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

#endif /* NO_INTERPOSE */
