/* test_shm.c - correctness of both shared-memory designs.
 *
 * arena: allocate buffers of mixed sizes (4 KiB ... 1 MiB, some not
 * powers of two) until the arena is full, fill each with a pattern of its
 * own, check every pattern is intact (an overlap would overwrite one),
 * free half in random order, allocate again, check again, free all in
 * random order, and check the arena is empty: nothing in use and every
 * carved byte back on a free list.
 * mmap: the same with an object per buffer, checking that /dev/shm holds
 * one object of ours per live buffer and none afterwards, also after an
 * allocation that fails half-way.  Exit status 0 when every check passes.
 */
#include <dirent.h>
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "shm.h"

#define MAX_BUFS 512
#define ARENA_BYTES (48u << 20)

static int failures;

#define CHECK(cond, ...)                                                   \
	do {                                                               \
		if (!(cond)) {                                             \
			failures++;                                        \
			fprintf(stderr, "test_shm: %s:%d: ", __FILE__, __LINE__); \
			fprintf(stderr, __VA_ARGS__);                      \
			fputc('\n', stderr);                               \
		}                                                          \
	} while (0)

static uint64_t rng = 0x9e3779b97f4a7c15ull; /* fixed seed: runs repeat */

static uint64_t next(void)
{
	rng ^= rng << 13;
	rng ^= rng >> 7;
	rng ^= rng << 17;
	return rng;
}

static size_t random_size(void)
{
	static const size_t sizes[] = {4096, 5000, 8192, 16384, 20000, 65536,
	                               100000, 262144, 1048576};
	return sizes[next() % (sizeof sizes / sizeof *sizes)];
}

typedef struct slot {
	shm_buf b;
	uint64_t tag; /* 0: free */
} slot;

static slot bufs[MAX_BUFS];
static uint64_t tags;

/* Every 8-byte word holds the buffer's tag and the word's index. */
static void fill(slot *s)
{
	uint64_t *w = s->b.addr;
	size_t n = s->b.size / sizeof *w;
	for (size_t i = 0; i < n; i++)
		w[i] = s->tag << 32 | i;
}

static int intact(const slot *s)
{
	const uint64_t *w = s->b.addr;
	size_t n = s->b.size / sizeof *w;
	for (size_t i = 0; i < n; i++)
		if (w[i] != (s->tag << 32 | i))
			return 0;
	return 1;
}

static void check_all(const char *when)
{
	int bad = 0;
	for (size_t i = 0; i < MAX_BUFS; i++)
		if (bufs[i].tag && !intact(&bufs[i]))
			bad++;
	CHECK(bad == 0, "%s: %d buffers overwritten", when, bad);
}

/* Allocates into free slots until the pool refuses (arena full) or
 * `limit` buffers are live; returns how many are live. */
static size_t allocate(shm_pool *p, size_t limit)
{
	size_t live = 0;
	for (size_t i = 0; i < MAX_BUFS; i++)
		live += bufs[i].tag != 0;
	for (size_t i = 0; i < MAX_BUFS && live < limit; i++) {
		if (bufs[i].tag)
			continue;
		int rc = shm_buf_alloc(p, random_size(), &bufs[i].b);
		if (rc == -ENOMEM)
			break;
		CHECK(rc == 0, "shm_buf_alloc: %s", strerror(-rc));
		if (rc)
			break;
		CHECK((uintptr_t)bufs[i].b.addr % SHM_MIN_BLOCK == 0, "buffer not page aligned");
		bufs[i].tag = ++tags;
		fill(&bufs[i]);
		live++;
	}
	return live;
}

/* Frees live buffers in random order until `keep` are left. */
static void free_random(shm_pool *p, size_t keep)
{
	size_t idx[MAX_BUFS], n = 0;
	for (size_t i = 0; i < MAX_BUFS; i++)
		if (bufs[i].tag)
			idx[n++] = i;
	for (size_t i = n; i > 1; i--) { /* Fisher-Yates */
		size_t j = (size_t)(next() % i), t = idx[i - 1];
		idx[i - 1] = idx[j];
		idx[j] = t;
	}
	for (size_t i = 0; i + keep < n; i++) {
		shm_buf_free(p, &bufs[idx[i]].b);
		bufs[idx[i]].tag = 0;
	}
}

/* Objects of this process in /dev/shm whose name starts with prefix. */
static int objects(const char *prefix)
{
	char mine[64];
	snprintf(mine, sizeof mine, "%s%ld-", prefix, (long)getpid());
	DIR *d = opendir("/dev/shm");
	if (!d)
		return -1;
	int n = 0;
	for (struct dirent *e; (e = readdir(d));)
		n += strncmp(e->d_name, mine, strlen(mine)) == 0;
	closedir(d);
	return n;
}

static void test_arena(void)
{
	shm_pool *p = NULL;
	int rc = shm_pool_new(SHM_ARENA, ARENA_BYTES, &p);
	CHECK(rc == 0, "arena: %s", strerror(-rc));
	if (rc)
		return;
	CHECK(objects(SHM_ARENA_PREFIX) == 1, "arena: not one object in /dev/shm");
	shm_buf b;
	CHECK(shm_buf_alloc(p, 0, &b) == -EINVAL, "arena: size 0 accepted");
	CHECK(shm_buf_alloc(p, (size_t)SHM_MIN_BLOCK << SHM_CLASSES, &b) == -EINVAL,
	      "arena: size above the largest class accepted");

	for (int round = 0; round < 3; round++) {
		size_t live = allocate(p, MAX_BUFS);
		CHECK(live > 20, "arena: only %zu buffers fit", live);
		shm_arena_stats st;
		shm_pool_stats(p, &st);
		CHECK(st.in_use + st.free == st.carved && st.carved <= st.capacity,
		      "arena: in use %zu + free %zu != carved %zu", st.in_use, st.free, st.carved);
		check_all("arena after allocation");
		free_random(p, live / 2);
		check_all("arena after freeing half");
		allocate(p, MAX_BUFS);
		check_all("arena after reallocation");
		printf("arena round %d: %zu buffers live, %zu of %zu bytes carved\n", round,
		       live, st.carved, st.capacity);
		free_random(p, 0);
		shm_pool_stats(p, &st);
		CHECK(st.in_use == 0 && st.free == st.carved,
		      "arena not empty: in use %zu, free %zu, carved %zu", st.in_use, st.free,
		      st.carved);
	}
	shm_pool_free(p);
	CHECK(objects(SHM_ARENA_PREFIX) == 0, "arena object left in /dev/shm");
}

static void test_mmap(void)
{
	shm_pool *p = NULL;
	int rc = shm_pool_new(SHM_MMAP, 0, &p);
	CHECK(rc == 0, "mmap pool: %s", strerror(-rc));
	if (rc)
		return;
	size_t live = allocate(p, 64);
	CHECK(live == 64, "mmap: %zu of 64 buffers", live);
	CHECK(objects(SHM_PREFIX) == 64, "mmap: %d objects in /dev/shm for 64 buffers",
	      objects(SHM_PREFIX));
	check_all("mmap after allocation");
	free_random(p, 32);
	allocate(p, 64);
	check_all("mmap after reallocation");
	free_random(p, 0);
	CHECK(objects(SHM_PREFIX) == 0, "mmap: %d objects left in /dev/shm",
	      objects(SHM_PREFIX));

	/* fails in mmap (no address space for it), after shm_open and
	 * ftruncate succeeded: the object must still go */
	shm_buf b;
	rc = shm_buf_alloc(p, (size_t)1 << 62, &b);
	CHECK(rc != 0, "mmap: a 4 EiB buffer was allocated");
	CHECK(objects(SHM_PREFIX) == 0, "mmap: a failed allocation left its object behind");
	CHECK(shm_buf_alloc(p, 0, &b) == -EINVAL, "mmap: size 0 accepted");
	shm_pool_free(p);
	printf("mmap: 64 objects made and unlinked, failed allocation cleaned up\n");
}

int main(void)
{
	shm_design d;
	CHECK(setenv("SHM_DESIGN", "mmap", 1) == 0 && shm_design_from_env(&d) == 0 &&
	              d == SHM_MMAP,
	      "SHM_DESIGN=mmap");
	CHECK(setenv("SHM_DESIGN", "Arena", 1) == 0 && shm_design_from_env(&d) == -EINVAL,
	      "SHM_DESIGN=Arena accepted");
	test_arena();
	test_mmap();
	CHECK(objects(SHM_PREFIX) == 0 && objects(SHM_ARENA_PREFIX) == 0,
	      "objects of this process left in /dev/shm");
	if (failures) {
		fprintf(stderr, "test_shm: %d check(s) failed\n", failures);
		return 1;
	}
	printf("test_shm: all checks passed\n");
	return 0;
}
