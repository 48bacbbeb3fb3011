/* lib_suite_work.h - the workloads that lib_suite_tach.c and
 * lib_suite_gbench.cc time, written once so that both libraries run the
 * same code: FNV-1a, the qsort comparator, a fixed shuffled array, and the
 * sizes of the 50-benchmark suite, and the heap workloads of figure 8
 * (malloc/free, a hash table built and freed).  Included by C and C++.
 */
#ifndef TACH_LIB_SUITE_WORK_H
#define TACH_LIB_SUITE_WORK_H

#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>

/* qsort1k: 256 ints = 1 KiB */
#define WORK_QSORT_N 256
/* the largest array any benchmark sorts or copies */
#define WORK_MAX_INTS 4096
#define WORK_MAX_BYTES (1 << 20)

/* The suite: 5 families x 10 sizes = 50 benchmarks (bytes for memcpy,
 * memset and fnv1a; ints for qsort and sum). */
#define WORK_SUITE_BYTES 16, 64, 256, 1024, 4096, 16384, 65536, 131072, 262144, 1048576
#define WORK_SUITE_INTS 8, 16, 32, 64, 128, 256, 512, 1024, 2048, 4096
/* figure 5: malloc/free sizes */
#define WORK_MALLOC_SIZES 16, 256, 4096

/* FNV-1a, 64-bit (Fowler, Noll, Vo; offset basis and prime from the
 * reference description). */
static inline uint64_t work_fnv1a(const unsigned char *p, size_t n)
{
	uint64_t h = 14695981039346656037ull;
	for (size_t i = 0; i < n; i++) {
		h ^= p[i];
		h *= 1099511628211ull;
	}
	return h;
}

static inline int work_cmp_int(const void *a, const void *b)
{
	int x = *(const int *)a, y = *(const int *)b;
	return (x > y) - (x < y);
}

/* Fills a[0..n) with a permutation of 0..n-1, shuffled by Fisher-Yates
 * with a fixed 64-bit LCG (Knuth's MMIX constants): the same every run. */
static inline void work_shuffled(int *a, size_t n)
{
	uint64_t x = 0x2545f4914f6cdd1dull;
	for (size_t i = 0; i < n; i++)
		a[i] = (int)i;
	for (size_t i = n; i > 1; i--) {
		x = x * 6364136223846793005ull + 1442695040888963407ull;
		size_t j = (size_t)((x >> 33) % i);
		int t = a[i - 1];
		a[i - 1] = a[j];
		a[j] = t;
	}
}

/* One page-aligned buffer for every benchmark in both programs, so that
 * source and destination sit at the same offsets in the two processes
 * (their alignment changes memcpy's speed).  The destination starts 256
 * bytes past a page boundary, away from 4 KiB aliasing with the source. */
static unsigned char work_buf[2 * WORK_MAX_BYTES + 4096] __attribute__((aligned(4096)));
#define WORK_SRC (work_buf)
#define WORK_DST (work_buf + WORK_MAX_BYTES + 256)
static int work_ints[WORK_MAX_INTS];

/* Fills the buffer and the shuffled ints once; called outside the timed
 * loop at the start of every benchmark function. */
static inline void work_init(void)
{
	static int done;
	if (done)
		return;
	for (size_t i = 0; i < sizeof work_buf; i++)
		work_buf[i] = (unsigned char)(i * 131u + 7u);
	work_shuffled(work_ints, WORK_MAX_INTS);
	done = 1;
}

/* pause_setup: the setup that is paused around every iteration (about
 * 20 us: FNV-1a over 16 KiB) and the work that is timed (about 60 ns:
 * FNV-1a over 64 bytes). */
#define WORK_PAUSE_SETUP_BYTES 16384
#define WORK_PAUSE_TIMED_BYTES 64

/* indep: independent work for every thread (FNV-1a over 1 KiB of a
 * buffer nobody writes): N threads on fewer than N cores can at best
 * take turns. */
#define WORK_INDEP_BYTES 1024

/* Figure 9: a loop that mostly waits (a 50 us nanosleep): its time is
 * the sleep, its CPU time the system calls and wake-ups around it. */
#define WORK_SLEEP_NS 50000

/* Figure 5: the heap.  WORK_ESCAPE makes p visible to the outside (an asm
 * that reads it and may touch memory), so neither compiler can drop the
 * malloc/free pair or fold it away; it costs no instruction. */
#define WORK_ESCAPE(p) __asm__ volatile("" : : "r"(p) : "memory")

/* malloc_free/N: one malloc of n bytes and its free: exactly 1 allocation
 * and n bytes per iteration. */
static inline void work_malloc_free(size_t n)
{
	void *p = malloc(n);
	WORK_ESCAPE(p);
	free(p);
}

/* hash_insert: a chained hash table of WORK_HASH_BUCKETS buckets (one
 * calloc) into which WORK_HASH_KEYS keys are inserted, one malloc'd node
 * each, then everything freed: exactly 1 + WORK_HASH_KEYS allocations and
 * WORK_HASH_BYTES bytes per iteration.  Returns a checksum to keep. */
#define WORK_HASH_BUCKETS 128
#define WORK_HASH_KEYS 64
typedef struct work_node {
	uint64_t key, value;
	struct work_node *next;
} work_node;
#define WORK_HASH_ALLOCS (1 + WORK_HASH_KEYS)
#define WORK_HASH_BYTES (WORK_HASH_BUCKETS * sizeof(work_node *) + WORK_HASH_KEYS * sizeof(work_node))

static inline uint64_t work_hash_insert(void)
{
	work_node **b = (work_node **)calloc(WORK_HASH_BUCKETS, sizeof *b);
	if (!b)
		return 0;
	for (int i = 0; i < WORK_HASH_KEYS; i++) {
		uint64_t k = (uint64_t)work_ints[i];
		size_t h = (size_t)(work_fnv1a((const unsigned char *)&k, sizeof k) % WORK_HASH_BUCKETS);
		work_node *n = (work_node *)malloc(sizeof *n);
		if (!n)
			break;
		n->key = k;
		n->value = k * 3;
		n->next = b[h];
		b[h] = n;
	}
	uint64_t sum = 0;
	for (int h = 0; h < WORK_HASH_BUCKETS; h++)
		for (work_node *n = b[h], *next; n; n = next) {
			next = n->next;
			sum += n->value;
			free(n);
		}
	free(b);
	return sum;
}

#endif
