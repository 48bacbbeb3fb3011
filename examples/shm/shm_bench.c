/* shm_bench.c - allocation and free time of shared-memory buffers, 4 KiB
 * to 1 MiB, in the design SHM_DESIGN names (mmap: an object per buffer;
 * arena: carved from one pre-mapped object).  Both designs give the same
 * benchmark names and parameters, so two runs compare with
 * `tach compare mmap.json arena.json`.
 *
 * shm_alloc times the allocation plus one write per page of the new
 * buffer, in both designs: memory is only usable once it is mapped in,
 * and a lazily mapped object would otherwise look free until first use.
 * Buffers are kept live in batches (64, or fewer so that a batch is at
 * most 16 MiB) and freed between batches with the clock paused, once per
 * batch so that the pause's two clock readings stay out of the figure.
 * shm_free times the frees, the allocations of each batch paused; every
 * page of a buffer it frees is resident, as after use: the refill writes
 * one byte per page of an mmap object (which has no pages until written),
 * while an arena block's pages are resident since the arena was made and
 * a write would only cost time outside the measurement.  Items are
 * allocations (frees) per second.  shm_transfer copies 1 MiB into a
 * shared buffer: the seed's transfer bandwidth.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <tach/bench.h>

#include "shm.h"

#define SIZES .args = TACH_ARGS(4096, 16384, 65536, 262144, 1048576), .arg_names = "size"
#define MAX_BATCH 64
#define BATCH_BYTES (16u << 20)

static shm_pool *pool;
static shm_buf bufs[MAX_BATCH];
static size_t batch;
static size_t page_size;
static const char *setup_error;

static size_t batch_for(size_t size)
{
	size_t n = BATCH_BYTES / size;
	return n < 1 ? 1 : n > MAX_BATCH ? MAX_BATCH : n;
}

/* One pool per instance: an arena exactly one batch large (or nothing,
 * for mmap), mapped and faulted in here, untimed. */
static void pool_setup(tach_state *s)
{
	shm_design d;
	size_t size = (size_t)tach_arg(s, 0);
	page_size = (size_t)sysconf(_SC_PAGESIZE);
	batch = batch_for(size);
	setup_error = NULL;
	if (shm_design_from_env(&d))
		setup_error = "SHM_DESIGN must be mmap or arena";
	else if (shm_pool_new(d, batch * size, &pool))
		setup_error = "cannot create the pool (is /dev/shm mounted and writable?)";
}

static void pool_teardown(tach_state *s)
{
	(void)s;
	shm_pool_free(pool);
	pool = NULL;
}

/* One write per page, so the pages exist (the volatile keeps the stores). */
static void touch(const shm_buf *b)
{
	volatile unsigned char *c = b->addr;
	for (size_t off = 0; off < b->size; off += page_size)
		c[off] = (unsigned char)off;
}

static void free_all(size_t *live)
{
	while (*live)
		shm_buf_free(pool, &bufs[--*live]);
}

TACH_BENCH(shm_alloc, SIZES, .setup = pool_setup, .teardown = pool_teardown)
{
	if (setup_error) {
		tach_skip_with_error(s, setup_error);
		return;
	}
	size_t size = (size_t)tach_arg(s, 0), live = 0;
	uint64_t failed = 0;
	TACH_LOOP(s) {
		if (live == batch) {
			tach_pause(s);
			free_all(&live);
			tach_resume(s);
		}
		if (shm_buf_alloc(pool, size, &bufs[live]) == 0)
			touch(&bufs[live++]);
		else
			failed++;
	}
	free_all(&live);
	if (failed)
		tach_skip_with_error(s, "an allocation failed");
	tach_set_items(s, tach_iterations(s));
}

TACH_BENCH(shm_free, SIZES, .setup = pool_setup, .teardown = pool_teardown)
{
	if (setup_error) {
		tach_skip_with_error(s, setup_error);
		return;
	}
	size_t size = (size_t)tach_arg(s, 0), live = 0;
	uint64_t failed = 0, left = tach_iterations(s);
	int prefaulted = shm_pool_prefaulted(pool);
	TACH_LOOP(s) {
		if (live == 0) {
			/* no more than the iterations still to come will free */
			size_t n = left < batch ? (size_t)left : batch;
			tach_pause(s);
			for (size_t i = 0; i < n; i++) {
				if (shm_buf_alloc(pool, size, &bufs[live]) != 0)
					failed++;
				else if (!prefaulted)
					touch(&bufs[live++]);
				else
					live++;
			}
			tach_resume(s);
		}
		if (live)
			shm_buf_free(pool, &bufs[--live]);
		left--;
	}
	free_all(&live);
	if (failed)
		tach_skip_with_error(s, "an allocation failed");
	tach_set_items(s, tach_iterations(s));
}

/* The seed's transfer_1mb_bandwidth (GB/s): 1 MiB copied from private
 * memory into a shared buffer of the pool, per iteration; the buffer is
 * allocated and its pages written once, untimed, so the figure is the
 * copy alone (the seed expects the same in both designs: the memory is
 * the same once mapped).  bytes_per_second is in B/s; tach show prints
 * it as GB/s-scale G/s. */
TACH_BENCH(shm_transfer, .args = TACH_ARGS(1048576), .arg_names = "size", .setup = pool_setup,
           .teardown = pool_teardown)
{
	if (setup_error) {
		tach_skip_with_error(s, setup_error);
		return;
	}
	size_t size = (size_t)tach_arg(s, 0);
	shm_buf dst;
	unsigned char *src = malloc(size);
	if (!src || shm_buf_alloc(pool, size, &dst)) {
		free(src);
		tach_skip_with_error(s, "cannot allocate the buffers");
		return;
	}
	memset(src, 0x5a, size);
	touch(&dst);
	TACH_LOOP(s) {
		memcpy(dst.addr, src, size);
		tach_clobber();
	}
	shm_buf_free(pool, &dst);
	free(src);
	tach_set_bytes(s, tach_iterations(s) * size);
}

TACH_MAIN()
