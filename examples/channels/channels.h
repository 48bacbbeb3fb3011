/* channels.h - two bounded lock-free queues of 64-bit messages: a
 * single-producer/single-consumer ring (spsc_ring) and a multi-producer/
 * multi-consumer queue with a sequence number per slot (mpmc_queue, after
 * Dmitry Vyukov's bounded MPMC queue).  Both are non-blocking: push fails
 * when the queue is full, pop when it is empty; callers that must wait
 * loop with chan_backoff().
 */
#ifndef CHANNELS_H
#define CHANNELS_H

#include <sched.h>
#include <stdatomic.h>
#include <stddef.h>
#include <stdint.h>

/* Head and tail are this far apart: two 64-byte lines, because x86's
 * adjacent-line prefetcher pulls lines in pairs and would otherwise make
 * producer and consumer share one after all. */
#define CHAN_LINE 128

typedef struct spsc_ring spsc_ring;
typedef struct mpmc_queue mpmc_queue;

/* Creates a ring that holds at most `capacity` messages, any capacity
 * from 1 (the channel seed's capacities are 1, 10, ... 100,000): the
 * buffer is the next power of two, so that an index is masked, not
 * divided.  Returns 0 and *out (caller frees with spsc_ring_free),
 * -EINVAL for a bad capacity or -ENOMEM. */
int spsc_ring_new(size_t capacity, spsc_ring **out);
void spsc_ring_free(spsc_ring *r);
/* Producer thread only: 1 when v was queued, 0 when the ring is full. */
int spsc_ring_push(spsc_ring *r, uint64_t v);
/* Consumer thread only: 1 and *v when a message was taken, 0 when empty. */
int spsc_ring_pop(spsc_ring *r, uint64_t *v);
/* Bytes of the structure and its buffer (one allocation). */
size_t spsc_ring_footprint(size_t capacity);

/* The MPMC queue's capacity is a power of two >= 2 (Vyukov's sequence
 * numbers count laps of the buffer). */

/* The same contract for any number of producer and consumer threads.
 * Vyukov's queue can report empty while a message is being published (a
 * producer that claimed the slot has not yet released it), and full while
 * a slot is being drained: a waiting caller simply tries again. */
int mpmc_queue_new(size_t capacity, mpmc_queue **out);
void mpmc_queue_free(mpmc_queue *q);
int mpmc_queue_push(mpmc_queue *q, uint64_t v);
int mpmc_queue_pop(mpmc_queue *q, uint64_t *v);
size_t mpmc_queue_footprint(size_t capacity);

/* A consumer that sleeps instead of spinning: the producer bumps `seq`
 * after each push and wakes the sleeper through a futex (FUTEX_WAKE), the
 * consumer reads `seq`, tries to pop, and sleeps in FUTEX_WAIT only while
 * `seq` is still what it read, so a wake-up between its pop and its sleep
 * is never lost.  The producer makes the system call on every notify
 * (no sleeper count): the cost a blocking channel's send pays. */
typedef struct chan_signal {
	_Atomic uint32_t seq;
} chan_signal;
uint32_t chan_signal_peek(chan_signal *s);
void chan_signal_notify(chan_signal *s);
void chan_signal_wait(chan_signal *s, uint32_t seen);

/* One step of waiting for a queue: spin with the CPU's pause hint first
 * (the other side is usually running on another core and answers within
 * nanoseconds), then yield the core, so that more threads than CPUs still
 * make progress instead of spinning away their time slices.  *spins
 * starts at 0 for each wait. */
#define CHAN_SPINS 64
static inline void chan_backoff(unsigned *spins)
{
	if (++*spins < CHAN_SPINS) {
#if defined(__x86_64__) || defined(__i386__)
		__builtin_ia32_pause();
#elif defined(__aarch64__)
		__asm__ volatile("yield");
#endif
	} else {
		sched_yield();
	}
}

#endif
