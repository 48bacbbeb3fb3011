/* shm.h - shared-memory buffers from one of two designs behind one
 * interface: SHM_MMAP makes a POSIX shared-memory object per buffer
 * (shm_open + ftruncate + mmap; munmap + close + shm_unlink to free),
 * SHM_ARENA carves buffers out of one object mapped once (size-class free
 * lists over a bump pointer).  Linux; one thread per pool.
 */
#ifndef SHM_H
#define SHM_H

#include <stddef.h>
#include <stdint.h>

typedef enum shm_design { SHM_MMAP, SHM_ARENA } shm_design;

/* Object names are "/tach-shm-<pid>-<n>" (mmap design, one per buffer)
 * and "/tach-arena-<pid>-<n>" (one per arena), n a per-process counter:
 * unique per process, and a leftover is easy to attribute.  In /dev/shm
 * they appear without the leading '/'. */
#define SHM_PREFIX "tach-shm-"
#define SHM_ARENA_PREFIX "tach-arena-"

/* The arena's block sizes: 4 KiB << k for k < SHM_CLASSES (4 KiB ...
 * 128 MiB); a request is rounded up to the next one. */
#define SHM_MIN_BLOCK 4096
#define SHM_CLASSES 16

/* One buffer.  Filled by shm_buf_alloc, given back to shm_buf_free. */
typedef struct shm_buf {
	void *addr;
	size_t size;     /* as requested */
	int fd;          /* mmap design: the object's descriptor; arena: -1 */
	unsigned id;     /* mmap design: n of the object's name */
	uint64_t offset; /* arena design: where the block starts */
	int cls;         /* arena design: its size class */
} shm_buf;

typedef struct shm_pool shm_pool;

/* Reads SHM_DESIGN from the environment: "mmap" or "arena" (the default
 * when unset).  Returns 0 and *d, or -EINVAL for any other value. */
int shm_design_from_env(shm_design *d);
const char *shm_design_name(shm_design d);

/* Creates a pool.  For SHM_ARENA, maps one shared object of arena_bytes
 * (a multiple of SHM_MIN_BLOCK) and writes every page once, so that no
 * allocation ever faults; for SHM_MMAP arena_bytes is unused.  Returns 0
 * and *out (caller frees with shm_pool_free), -EINVAL, -ENOMEM or -errno
 * of the failed system call, in which case nothing is left behind. */
int shm_pool_new(shm_design d, size_t arena_bytes, shm_pool **out);
/* Unmaps and unlinks the arena (buffers still out die with it). */
void shm_pool_free(shm_pool *p);
/* 1 when every page of every buffer is resident from the start (the
 * arena), 0 when a new buffer's pages appear on first write (mmap). */
int shm_pool_prefaulted(const shm_pool *p);

/* A buffer of at least `size` bytes, page aligned, shared (MAP_SHARED)
 * and not written by this call.  Returns 0, -EINVAL (size 0, or for the
 * arena above the largest class), -ENOMEM (arena exhausted) or -errno of
 * the failed system call; a failed call unlinks whatever object it made. */
int shm_buf_alloc(shm_pool *p, size_t size, shm_buf *out);
/* Gives a buffer back: munmap + close + shm_unlink, or onto the arena's
 * free list of its class. */
void shm_buf_free(shm_pool *p, shm_buf *b);

/* Arena accounting, for tests: bytes handed out and not freed, bytes
 * ever carved from the bump pointer, and bytes on the free lists.  Empty
 * means in_use == 0 and free == carved. */
typedef struct shm_arena_stats {
	size_t in_use, carved, free, capacity;
} shm_arena_stats;
void shm_pool_stats(const shm_pool *p, shm_arena_stats *st);

#endif
