/* shm.c - the two designs of shm.h.
 *
 * mmap: every buffer is its own POSIX shared-memory object, so another
 * process can open it by name; each allocation costs three system calls
 * and, on first use, one page fault per page (tmpfs allocates and zeroes
 * the page then); each free costs three more and gives the pages back.
 *
 * arena: one object, mapped and faulted in once, holds every buffer;
 * nothing ever gives its pages back.  Blocks are powers of two from
 * 4 KiB; a block is carved from the top of the arena (bump pointer) the
 * first time its class needs one, and after a free it stays in its class
 * for good, on a LIFO free list: a stack of block offsets per class, kept
 * outside the arena so that neither allocation nor free touches the
 * block's memory (a list linked through the free blocks would take a
 * cache miss on every call for a block not used lately).  Offsets, not
 * pointers, because another process maps the arena at another address.
 * So allocation and free are a few loads and stores; the price is that
 * memory carved for one class never serves another (no coalescing, unlike
 * a buddy allocator), which suits a stable mix of buffer sizes.  The
 * allocator's state lives in this process only: sharing it between
 * processes would need it in the arena under a lock.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "shm.h"

struct shm_pool {
	shm_design design;
	long pid;
	/* arena */
	unsigned char *base;
	size_t capacity, top, in_use, free_bytes;
	/* free blocks of class k: free_off[k][0 .. n_free[k]-1], room for
	 * every block of that size the arena could hold */
	uint64_t *free_off[SHM_CLASSES];
	size_t n_free[SHM_CLASSES];
	int fd;
	unsigned id;
};

static size_t class_size(int k)
{
	return (size_t)SHM_MIN_BLOCK << k;
}

/* Per process, across pools: names never repeat within a process. */
static _Atomic unsigned name_counter;

static void object_name(char *buf, size_t n, const char *prefix, long pid, unsigned id)
{
	snprintf(buf, n, "/%s%ld-%u", prefix, pid, id);
}

int shm_design_from_env(shm_design *d)
{
	const char *v = getenv("SHM_DESIGN");
	if (!v || !strcmp(v, "arena"))
		*d = SHM_ARENA;
	else if (!strcmp(v, "mmap"))
		*d = SHM_MMAP;
	else
		return -EINVAL;
	return 0;
}

const char *shm_design_name(shm_design d)
{
	return d == SHM_MMAP ? "mmap" : "arena";
}

/* Makes, sizes and maps a new object.  On failure nothing is left: the
 * descriptor is closed and the name unlinked. */
static int map_object(const char *name, size_t size, int *fd_out, void **addr_out)
{
	int fd = shm_open(name, O_CREAT | O_EXCL | O_RDWR, 0600);
	if (fd < 0)
		return -errno;
	int rc = 0;
	void *a = MAP_FAILED;
	if (ftruncate(fd, (off_t)size) != 0)
		rc = -errno;
	else if ((a = mmap(NULL, size, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0)) == MAP_FAILED)
		rc = -errno;
	if (rc) {
		close(fd);
		shm_unlink(name);
		return rc;
	}
	*fd_out = fd;
	*addr_out = a;
	return 0;
}

/* ---- the pool ---- */

int shm_pool_new(shm_design d, size_t arena_bytes, shm_pool **out)
{
	shm_pool *p = calloc(1, sizeof *p);
	if (!p)
		return -ENOMEM;
	p->design = d;
	p->pid = (long)getpid();
	p->fd = -1;
	if (d == SHM_ARENA) {
		if (arena_bytes == 0 || arena_bytes % SHM_MIN_BLOCK) {
			free(p);
			return -EINVAL;
		}
		for (int k = 0; k < SHM_CLASSES; k++) {
			size_t most = arena_bytes / class_size(k);
			if (most && !(p->free_off[k] = malloc(most * sizeof(uint64_t)))) {
				shm_pool_free(p);
				return -ENOMEM;
			}
		}
		char name[64];
		void *a;
		p->id = atomic_fetch_add(&name_counter, 1);
		object_name(name, sizeof name, SHM_ARENA_PREFIX, p->pid, p->id);
		int rc = map_object(name, arena_bytes, &p->fd, &a);
		if (rc) {
			shm_pool_free(p);
			return rc;
		}
		p->base = a;
		p->capacity = arena_bytes;
		/* fault every page in now: allocations then never fault */
		long page = sysconf(_SC_PAGESIZE);
		for (size_t off = 0; off < arena_bytes; off += (size_t)page)
			p->base[off] = 0;
	}
	*out = p;
	return 0;
}

void shm_pool_free(shm_pool *p)
{
	if (!p)
		return;
	if (p->base) {
		char name[64];
		object_name(name, sizeof name, SHM_ARENA_PREFIX, p->pid, p->id);
		munmap(p->base, p->capacity);
		close(p->fd);
		shm_unlink(name);
	}
	for (int k = 0; k < SHM_CLASSES; k++)
		free(p->free_off[k]);
	free(p);
}

int shm_pool_prefaulted(const shm_pool *p)
{
	return p->design == SHM_ARENA;
}

void shm_pool_stats(const shm_pool *p, shm_arena_stats *st)
{
	st->in_use = p->in_use;
	st->carved = p->top;
	st->free = p->free_bytes;
	st->capacity = p->capacity;
}

/* ---- mmap design ---- */

static int mmap_alloc(shm_pool *p, size_t size, shm_buf *b)
{
	char name[64];
	unsigned id = atomic_fetch_add(&name_counter, 1);
	object_name(name, sizeof name, SHM_PREFIX, p->pid, id);
	int rc = map_object(name, size, &b->fd, &b->addr);
	if (rc)
		return rc;
	b->size = size;
	b->id = id;
	b->offset = 0;
	b->cls = -1;
	return 0;
}

static void mmap_free(shm_pool *p, shm_buf *b)
{
	char name[64];
	object_name(name, sizeof name, SHM_PREFIX, p->pid, b->id);
	munmap(b->addr, b->size);
	close(b->fd);
	shm_unlink(name);
	b->addr = NULL;
	b->fd = -1;
}

/* ---- arena design ---- */


static int arena_alloc(shm_pool *p, size_t size, shm_buf *b)
{
	int k = 0;
	while (k < SHM_CLASSES && class_size(k) < size)
		k++;
	if (k == SHM_CLASSES)
		return -EINVAL;
	size_t bs = class_size(k);
	uint64_t off;
	if (p->n_free[k]) {
		off = p->free_off[k][--p->n_free[k]];
		p->free_bytes -= bs;
	} else if (p->capacity - p->top >= bs) {
		off = p->top;
		p->top += bs;
	} else {
		return -ENOMEM;
	}
	p->in_use += bs;
	b->addr = p->base + off;
	b->size = size;
	b->fd = -1;
	b->id = 0;
	b->offset = off;
	b->cls = k;
	return 0;
}

static void arena_free(shm_pool *p, shm_buf *b)
{
	p->free_off[b->cls][p->n_free[b->cls]++] = b->offset;
	p->in_use -= class_size(b->cls);
	p->free_bytes += class_size(b->cls);
	b->addr = NULL;
}

/* ---- the interface ---- */

int shm_buf_alloc(shm_pool *p, size_t size, shm_buf *out)
{
	if (size == 0)
		return -EINVAL;
	return p->design == SHM_MMAP ? mmap_alloc(p, size, out) : arena_alloc(p, size, out);
}

void shm_buf_free(shm_pool *p, shm_buf *b)
{
	if (!b->addr)
		return;
	if (p->design == SHM_MMAP)
		mmap_free(p, b);
	else
		arena_free(p, b);
}
