/* channels.c - the SPSC ring and the Vyukov MPMC queue of channels.h,
 * and the futex wake-up of a sleeping consumer (chan_signal).
 *
 * Indices grow without bound and are masked into the power-of-two
 * buffer, so full is head - tail == capacity and empty is head == tail
 * (unsigned differences stay right if an index ever wraps); the SPSC
 * ring's capacity may be below its buffer, the MPMC queue's is the buffer.
 */
#include <errno.h>
#include <stdalign.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <linux/futex.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "channels.h"

/* ---- single producer, single consumer ----
 *
 * The producer owns `head`, the consumer owns `tail`; each publishes its
 * index with a release store and reads the other's with an acquire load,
 * which orders the plain read or write of the slot.  Each side also keeps
 * a private copy of the other's index and re-reads the shared one only
 * when the copy says full (or empty): most operations then touch no line
 * the other core writes. */
struct spsc_ring {
	alignas(CHAN_LINE) size_t mask; /* read-only after creation: buffer - 1 */
	size_t cap;                     /* messages it holds, <= mask + 1 */
	alignas(CHAN_LINE) _Atomic size_t head; /* next slot to write */
	size_t tail_seen;                       /* producer's copy of tail */
	alignas(CHAN_LINE) _Atomic size_t tail; /* next slot to read */
	size_t head_seen;                       /* consumer's copy of head */
	alignas(CHAN_LINE) uint64_t buf[];
};

static int bad_capacity(size_t c)
{
	return c < 2 || (c & (c - 1)) || c > ((size_t)1 << 40);
}

/* The SPSC buffer: the power of two at or above the capacity. */
static size_t spsc_slots(size_t capacity)
{
	size_t n = 1;
	while (n < capacity)
		n <<= 1;
	return n;
}

size_t spsc_ring_footprint(size_t capacity)
{
	return sizeof(spsc_ring) + spsc_slots(capacity) * sizeof(uint64_t);
}

int spsc_ring_new(size_t capacity, spsc_ring **out)
{
	if (capacity < 1 || capacity > ((size_t)1 << 40))
		return -EINVAL;
	/* aligned_alloc wants a multiple of the alignment */
	size_t n = (spsc_ring_footprint(capacity) + CHAN_LINE - 1) / CHAN_LINE * CHAN_LINE;
	spsc_ring *r = aligned_alloc(CHAN_LINE, n);
	if (!r)
		return -ENOMEM;
	r->mask = spsc_slots(capacity) - 1;
	r->cap = capacity;
	atomic_init(&r->head, 0);
	atomic_init(&r->tail, 0);
	r->tail_seen = 0;
	r->head_seen = 0;
	*out = r;
	return 0;
}

void spsc_ring_free(spsc_ring *r)
{
	free(r);
}

int spsc_ring_push(spsc_ring *r, uint64_t v)
{
	size_t h = atomic_load_explicit(&r->head, memory_order_relaxed);
	if (h - r->tail_seen >= r->cap) {
		/* looks full: the consumer may have moved on since we looked */
		r->tail_seen = atomic_load_explicit(&r->tail, memory_order_acquire);
		if (h - r->tail_seen >= r->cap)
			return 0;
	}
	r->buf[h & r->mask] = v;
	atomic_store_explicit(&r->head, h + 1, memory_order_release);
	return 1;
}

int spsc_ring_pop(spsc_ring *r, uint64_t *v)
{
	size_t t = atomic_load_explicit(&r->tail, memory_order_relaxed);
	if (t == r->head_seen) {
		r->head_seen = atomic_load_explicit(&r->head, memory_order_acquire);
		if (t == r->head_seen)
			return 0;
	}
	*v = r->buf[t & r->mask];
	atomic_store_explicit(&r->tail, t + 1, memory_order_release);
	return 1;
}

/* ---- multiple producers, multiple consumers (Vyukov) ----
 *
 * Slot i starts with seq = i.  A producer at position pos may write slot
 * pos & mask when its seq == pos (free for this lap); it claims the
 * position by a CAS on enqueue_pos, writes the value and releases seq =
 * pos + 1.  A consumer at pos may read when seq == pos + 1; it claims by
 * a CAS on dequeue_pos, reads and releases seq = pos + capacity (free for
 * the next lap).  seq < expected means full (producer) or empty
 * (consumer); seq > expected means another thread got there first, so
 * reload the position and retry.  The CAS needs no ordering of its own:
 * the slot's seq carries it. */
typedef struct mpmc_slot {
	_Atomic size_t seq;
	uint64_t value;
} mpmc_slot;

struct mpmc_queue {
	alignas(CHAN_LINE) size_t mask;
	alignas(CHAN_LINE) _Atomic size_t enqueue_pos;
	alignas(CHAN_LINE) _Atomic size_t dequeue_pos;
	alignas(CHAN_LINE) mpmc_slot slots[];
};

size_t mpmc_queue_footprint(size_t capacity)
{
	return sizeof(mpmc_queue) + capacity * sizeof(mpmc_slot);
}

int mpmc_queue_new(size_t capacity, mpmc_queue **out)
{
	if (bad_capacity(capacity))
		return -EINVAL;
	size_t n = (mpmc_queue_footprint(capacity) + CHAN_LINE - 1) / CHAN_LINE * CHAN_LINE;
	mpmc_queue *q = aligned_alloc(CHAN_LINE, n);
	if (!q)
		return -ENOMEM;
	q->mask = capacity - 1;
	atomic_init(&q->enqueue_pos, 0);
	atomic_init(&q->dequeue_pos, 0);
	for (size_t i = 0; i < capacity; i++) {
		atomic_init(&q->slots[i].seq, i);
		q->slots[i].value = 0;
	}
	*out = q;
	return 0;
}

void mpmc_queue_free(mpmc_queue *q)
{
	free(q);
}

int mpmc_queue_push(mpmc_queue *q, uint64_t v)
{
	size_t pos = atomic_load_explicit(&q->enqueue_pos, memory_order_relaxed);
	mpmc_slot *slot;
	for (;;) {
		slot = &q->slots[pos & q->mask];
		size_t seq = atomic_load_explicit(&slot->seq, memory_order_acquire);
		intptr_t diff = (intptr_t)seq - (intptr_t)pos;
		if (diff == 0) {
			if (atomic_compare_exchange_weak_explicit(&q->enqueue_pos, &pos, pos + 1,
			                                          memory_order_relaxed,
			                                          memory_order_relaxed))
				break;
			/* lost the race: pos now holds the winner's next position */
		} else if (diff < 0) {
			return 0; /* the slot still holds last lap's message: full */
		} else {
			pos = atomic_load_explicit(&q->enqueue_pos, memory_order_relaxed);
		}
	}
	slot->value = v;
	atomic_store_explicit(&slot->seq, pos + 1, memory_order_release);
	return 1;
}

int mpmc_queue_pop(mpmc_queue *q, uint64_t *v)
{
	size_t pos = atomic_load_explicit(&q->dequeue_pos, memory_order_relaxed);
	mpmc_slot *slot;
	for (;;) {
		slot = &q->slots[pos & q->mask];
		size_t seq = atomic_load_explicit(&slot->seq, memory_order_acquire);
		intptr_t diff = (intptr_t)seq - (intptr_t)(pos + 1);
		if (diff == 0) {
			if (atomic_compare_exchange_weak_explicit(&q->dequeue_pos, &pos, pos + 1,
			                                          memory_order_relaxed,
			                                          memory_order_relaxed))
				break;
		} else if (diff < 0) {
			return 0; /* nothing published at this position yet: empty */
		} else {
			pos = atomic_load_explicit(&q->dequeue_pos, memory_order_relaxed);
		}
	}
	*v = slot->value;
	atomic_store_explicit(&slot->seq, pos + q->mask + 1, memory_order_release);
	return 1;
}

/* ---- waking a sleeping consumer (futex) ---- */

uint32_t chan_signal_peek(chan_signal *s)
{
	return atomic_load_explicit(&s->seq, memory_order_acquire);
}

void chan_signal_notify(chan_signal *s)
{
	atomic_fetch_add_explicit(&s->seq, 1, memory_order_release);
	syscall(SYS_futex, &s->seq, FUTEX_WAKE_PRIVATE, 1, NULL, NULL, 0);
}

void chan_signal_wait(chan_signal *s, uint32_t seen)
{
	/* returns at once (EAGAIN) when seq moved on; a spurious wake-up or
	 * EINTR only makes the caller try its pop again */
	syscall(SYS_futex, &s->seq, FUTEX_WAIT_PRIVATE, seen, NULL, NULL, 0);
}
