/* eventbus.c - the three designs of eventbus.h: a thread per handler call,
 * a worker pool behind a bounded queue, and inline calls.
 *
 * Invariants, all under b->mu where they pair with a condition variable:
 *   thread: live = threads created and not yet finished; a task thread
 *           decrements it as its last use of the bus and wakes `idle` at 0.
 *   pool:   0 <= count <= cap jobs sit in the ring at head..head+count;
 *           pending = jobs queued or running, and `idle` is woken when it
 *           reaches 0; workers leave only once `stop` is set and the ring
 *           is empty, so eventbus_free never drops a queued call.  A
 *           sleeping worker or blocked publisher is counted before it
 *           waits, so a waker that sees 0 knows nobody needs waking.
 * Counters that nobody waits on are relaxed atomics: they are statistics,
 * read after a drain, whose mutex or join orders them.
 */
#include <errno.h>
#include <pthread.h>
#include <sched.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "eventbus.h"

typedef struct subscriber {
	eventbus_handler fn;
	void *arg;
} subscriber;

/* A queued handler call (pool) or a thread's argument (thread). */
typedef struct job {
	eventbus *bus;
	unsigned handler;
	eventbus_event ev;
} job;

struct eventbus {
	eventbus_design design;
	subscriber subs[EVENTBUS_MAX_HANDLERS];
	unsigned n_subs;

	pthread_mutex_t mu;
	pthread_cond_t idle;      /* thread: live == 0; pool: pending == 0 */
	pthread_cond_t not_empty; /* pool */
	pthread_cond_t not_full;  /* pool */
	pthread_attr_t detached;  /* thread */

	/* pool, under mu */
	job *ring;
	size_t cap, head, count;
	uint64_t pending;
	int stop;
	/* sleepers not yet woken; a waker subtracts the ones it wakes, a
	 * spurious wake-up may leave one counted (an extra wake, harmless) */
	unsigned idle_workers, waiting_publishers;
	pthread_t *workers;
	unsigned n_workers;

	/* statistics */
	atomic_uint live, peak;
	atomic_uint_fast64_t published, calls, allocs, bytes, blocked;
};

uint64_t eventbus_now_ns(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

const char *eventbus_design_name(eventbus_design d)
{
	switch (d) {
	case EVENTBUS_THREAD:
		return "thread";
	case EVENTBUS_POOL:
		return "pool";
	case EVENTBUS_INLINE:
		return "inline";
	}
	return "?";
}

int eventbus_design_parse(const char *s, eventbus_design *out)
{
	for (int d = EVENTBUS_THREAD; d <= EVENTBUS_INLINE; d++)
		if (!strcmp(s, eventbus_design_name((eventbus_design)d))) {
			*out = (eventbus_design)d;
			return 0;
		}
	return -1;
}

/* ---- thread accounting (both threaded designs) ---- */

static void thread_started(eventbus *b)
{
	unsigned now = atomic_fetch_add_explicit(&b->live, 1, memory_order_relaxed) + 1;
	unsigned peak = atomic_load_explicit(&b->peak, memory_order_relaxed);
	while (now > peak && !atomic_compare_exchange_weak_explicit(
	                             &b->peak, &peak, now, memory_order_relaxed,
	                             memory_order_relaxed))
		;
}

/* The last touch of the bus by a finishing thread: after the unlock the
 * drainer may free the bus (POSIX allows destroying a mutex as soon as
 * it is unlocked). */
static void thread_finished(eventbus *b)
{
	pthread_mutex_lock(&b->mu);
	if (atomic_fetch_sub_explicit(&b->live, 1, memory_order_relaxed) == 1)
		pthread_cond_broadcast(&b->idle);
	pthread_mutex_unlock(&b->mu);
}

static void call_handler(eventbus *b, unsigned h, const eventbus_event *ev)
{
	b->subs[h].fn(ev, b->subs[h].arg);
	atomic_fetch_add_explicit(&b->calls, 1, memory_order_relaxed);
}

/* ---- thread: one detached thread per handler call ---- */

static void *task_main(void *p)
{
	job *t = p;
	eventbus *b = t->bus;
	call_handler(b, t->handler, &t->ev);
	free(t);
	thread_finished(b);
	return NULL;
}

static int publish_thread(eventbus *b, const eventbus_event *ev)
{
	for (unsigned h = 0; h < b->n_subs; h++) {
		job *t = malloc(sizeof *t);
		if (!t)
			return -ENOMEM;
		atomic_fetch_add_explicit(&b->allocs, 1, memory_order_relaxed);
		atomic_fetch_add_explicit(&b->bytes, sizeof *t, memory_order_relaxed);
		t->bus = b;
		t->handler = h;
		t->ev = *ev;
		/* counted before it exists, so live never misses a thread */
		thread_started(b);
		pthread_t tid;
		int rc;
		/* EAGAIN: out of threads for now; those running will finish */
		while ((rc = pthread_create(&tid, &b->detached, task_main, t)) == EAGAIN)
			sched_yield();
		if (rc) {
			free(t);
			thread_finished(b);
			return -rc;
		}
	}
	return 0;
}

/* ---- pool: workers and a bounded ring of jobs ---- */

static void *worker_main(void *p)
{
	eventbus *b = p;
	pthread_mutex_lock(&b->mu);
	for (;;) {
		while (b->count == 0 && !b->stop) {
			b->idle_workers++;
			pthread_cond_wait(&b->not_empty, &b->mu);
		}
		if (b->count == 0)
			break; /* stop, and nothing left to run */
		job j = b->ring[b->head];
		b->head = (b->head + 1) % b->cap;
		b->count--;
		/* wake blocked publishers only once half the queue is free:
		 * one wake-up per handler call would cost a context switch
		 * per call, as much as the call itself */
		if (b->waiting_publishers && b->count <= b->cap / 2) {
			b->waiting_publishers = 0;
			pthread_cond_broadcast(&b->not_full);
		}
		pthread_mutex_unlock(&b->mu);
		call_handler(b, j.handler, &j.ev);
		pthread_mutex_lock(&b->mu);
		if (--b->pending == 0)
			pthread_cond_broadcast(&b->idle);
	}
	pthread_mutex_unlock(&b->mu);
	atomic_fetch_sub_explicit(&b->live, 1, memory_order_relaxed);
	return NULL;
}

/* Queues one job per handler, as many at a time as there is room for. */
static int publish_pool(eventbus *b, const eventbus_event *ev)
{
	int waited = 0;
	pthread_mutex_lock(&b->mu);
	for (unsigned h = 0; h < b->n_subs;) {
		while (b->count == b->cap) {
			waited = 1;
			b->waiting_publishers++;
			pthread_cond_wait(&b->not_full, &b->mu);
		}
		unsigned pushed = 0;
		for (; h < b->n_subs && b->count < b->cap; h++, pushed++) {
			job *j = &b->ring[(b->head + b->count) % b->cap];
			j->bus = b;
			j->handler = h;
			j->ev = *ev;
			b->count++;
			b->pending++;
		}
		/* wake only workers that sleep; a busy one finds the job */
		for (; pushed && b->idle_workers; pushed--) {
			b->idle_workers--;
			pthread_cond_signal(&b->not_empty);
		}
	}
	pthread_mutex_unlock(&b->mu);
	if (waited)
		atomic_fetch_add_explicit(&b->blocked, 1, memory_order_relaxed);
	return 0;
}

static void pool_stop(eventbus *b)
{
	pthread_mutex_lock(&b->mu);
	b->stop = 1;
	pthread_cond_broadcast(&b->not_empty);
	pthread_mutex_unlock(&b->mu);
	for (unsigned i = 0; i < b->n_workers; i++)
		pthread_join(b->workers[i], NULL);
	b->n_workers = 0;
}

static int pool_start(eventbus *b, const eventbus_opts *o)
{
	long cpus = sysconf(_SC_NPROCESSORS_ONLN);
	unsigned n = o->workers ? o->workers : cpus > 0 ? (unsigned)cpus : 1;
	b->cap = o->queue_capacity ? o->queue_capacity : 64 * (size_t)n;
	b->ring = calloc(b->cap, sizeof *b->ring);
	b->workers = calloc(n, sizeof *b->workers);
	if (!b->ring || !b->workers)
		return -ENOMEM;
	for (unsigned i = 0; i < n; i++) {
		thread_started(b);
		int rc = pthread_create(&b->workers[i], NULL, worker_main, b);
		if (rc) {
			atomic_fetch_sub_explicit(&b->live, 1, memory_order_relaxed);
			pool_stop(b);
			return -rc;
		}
		b->n_workers++;
	}
	return 0;
}

/* ---- the interface ---- */

int eventbus_new(const eventbus_opts *opts, eventbus **out)
{
	eventbus_opts def = {.design = EVENTBUS_POOL};
	const eventbus_opts *o = opts ? opts : &def;
	*out = NULL;
	if (o->design < EVENTBUS_THREAD || o->design > EVENTBUS_INLINE)
		return -EINVAL;
	eventbus *b = calloc(1, sizeof *b);
	if (!b)
		return -ENOMEM;
	b->design = o->design;
	pthread_mutex_init(&b->mu, NULL);
	pthread_cond_init(&b->idle, NULL);
	pthread_cond_init(&b->not_empty, NULL);
	pthread_cond_init(&b->not_full, NULL);
	pthread_attr_init(&b->detached);
	pthread_attr_setdetachstate(&b->detached, PTHREAD_CREATE_DETACHED);
	if (o->thread_stack && pthread_attr_setstacksize(&b->detached, o->thread_stack)) {
		eventbus_free(b);
		return -EINVAL;
	}
	if (b->design == EVENTBUS_POOL) {
		int rc = pool_start(b, o);
		if (rc) {
			eventbus_free(b);
			return rc;
		}
	}
	*out = b;
	return 0;
}

int eventbus_subscribe(eventbus *b, eventbus_handler fn, void *arg)
{
	if (b->n_subs == EVENTBUS_MAX_HANDLERS)
		return -ENOSPC;
	b->subs[b->n_subs].fn = fn;
	b->subs[b->n_subs].arg = arg;
	b->n_subs++;
	return 0;
}

int eventbus_publish(eventbus *b, const eventbus_event *ev)
{
	eventbus_event e = *ev;
	e.published_ns = eventbus_now_ns();
	atomic_fetch_add_explicit(&b->published, 1, memory_order_relaxed);
	switch (b->design) {
	case EVENTBUS_THREAD:
		return publish_thread(b, &e);
	case EVENTBUS_POOL:
		return publish_pool(b, &e);
	case EVENTBUS_INLINE:
		for (unsigned h = 0; h < b->n_subs; h++)
			call_handler(b, h, &e);
		return 0;
	}
	return -EINVAL;
}

void eventbus_drain(eventbus *b)
{
	pthread_mutex_lock(&b->mu);
	if (b->design == EVENTBUS_THREAD)
		while (atomic_load_explicit(&b->live, memory_order_relaxed))
			pthread_cond_wait(&b->idle, &b->mu);
	else if (b->design == EVENTBUS_POOL)
		while (b->pending)
			pthread_cond_wait(&b->idle, &b->mu);
	pthread_mutex_unlock(&b->mu);
}

void eventbus_get_stats(eventbus *b, eventbus_stats *st)
{
	st->published = atomic_load_explicit(&b->published, memory_order_relaxed);
	st->calls = atomic_load_explicit(&b->calls, memory_order_relaxed);
	st->live_threads = atomic_load_explicit(&b->live, memory_order_relaxed);
	st->peak_threads = atomic_load_explicit(&b->peak, memory_order_relaxed);
	st->allocs = atomic_load_explicit(&b->allocs, memory_order_relaxed);
	st->bytes = atomic_load_explicit(&b->bytes, memory_order_relaxed);
	st->blocked = atomic_load_explicit(&b->blocked, memory_order_relaxed);
}

void eventbus_reset_stats(eventbus *b)
{
	atomic_store_explicit(&b->published, 0, memory_order_relaxed);
	atomic_store_explicit(&b->calls, 0, memory_order_relaxed);
	atomic_store_explicit(&b->allocs, 0, memory_order_relaxed);
	atomic_store_explicit(&b->bytes, 0, memory_order_relaxed);
	atomic_store_explicit(&b->blocked, 0, memory_order_relaxed);
	atomic_store_explicit(&b->peak, atomic_load_explicit(&b->live, memory_order_relaxed),
	                      memory_order_relaxed);
}

void eventbus_free(eventbus *b)
{
	if (!b)
		return;
	eventbus_drain(b);
	if (b->design == EVENTBUS_POOL && b->workers)
		pool_stop(b);
	pthread_attr_destroy(&b->detached);
	pthread_cond_destroy(&b->not_full);
	pthread_cond_destroy(&b->not_empty);
	pthread_cond_destroy(&b->idle);
	pthread_mutex_destroy(&b->mu);
	free(b->workers);
	free(b->ring);
	free(b);
}
