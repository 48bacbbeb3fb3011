/* eventbus.h - an in-process event bus that hands every published event
 * to every subscribed handler, in one of three designs:
 *
 *   thread  a new detached thread per handler call (Go's "go handler(e)"
 *           per subscriber, the design the seed document starts from),
 *   pool    a fixed set of worker threads fed by a bounded queue; a
 *           publisher blocks while the queue is full,
 *   inline  the handlers run one after another in the publisher's thread.
 *
 * The bus counts the threads it runs (live and peak) and the heap memory
 * it allocates itself, so that the designs can be compared on more than
 * time.  All functions are thread-safe unless said otherwise.
 */
#ifndef EVENTBUS_H
#define EVENTBUS_H

#include <stddef.h>
#include <stdint.h>

typedef enum eventbus_design {
	EVENTBUS_THREAD = 0,
	EVENTBUS_POOL = 1,
	EVENTBUS_INLINE = 2,
} eventbus_design;

/* One event.  The bus copies it at publish time and stamps
 * `published_ns` (CLOCK_MONOTONIC), so a handler can tell how long the
 * event waited; the caller's value of that field is ignored. */
typedef struct eventbus_event {
	uint64_t id;
	uint32_t type;
	uint32_t publisher;
	uint64_t payload[2];
	uint64_t published_ns;
} eventbus_event;

/* A handler: called once per published event, from a thread the design
 * chooses, possibly from several threads at the same time.  `ev` is
 * borrowed for the duration of the call. */
typedef void (*eventbus_handler)(const eventbus_event *ev, void *arg);

/* Up to this many handlers may subscribe. */
#define EVENTBUS_MAX_HANDLERS 16

typedef struct eventbus_opts {
	eventbus_design design;
	/* pool: worker threads (0: the online CPUs) and queue capacity in
	 * handler calls (0: 64 per worker). */
	unsigned workers;
	size_t queue_capacity;
	/* thread: stack size of each handler thread (0: the default, 8 MiB
	 * here, which glibc's 40 MiB cache of freed stacks keeps only 5 of) */
	size_t thread_stack;
} eventbus_opts;

/* What the bus did since it was created (or since eventbus_reset_stats). */
typedef struct eventbus_stats {
	uint64_t published;      /* events */
	uint64_t calls;          /* handler calls completed */
	unsigned live_threads;   /* threads of the bus alive now */
	unsigned peak_threads;   /* the most alive at once */
	uint64_t allocs, bytes;  /* heap allocations made by the bus per call */
	uint64_t blocked;        /* pool: publishes that waited for room */
} eventbus_stats;

typedef struct eventbus eventbus;

/* Creates a bus.  Returns 0 and *out (free with eventbus_free), -EINVAL
 * for a bad design or stack size, -ENOMEM, or a pthread error (negated) when the pool's
 * workers cannot start. */
int eventbus_new(const eventbus_opts *opts, eventbus **out);

/* Adds a handler.  Not thread-safe: subscribe before the first publish.
 * Returns 0, or -ENOSPC past EVENTBUS_MAX_HANDLERS. */
int eventbus_subscribe(eventbus *b, eventbus_handler fn, void *arg);

/* Hands `ev` to every handler.  thread returns once the calls' threads
 * are started, pool once the calls are queued (waiting while the queue
 * is full), inline after they all ran.  Returns 0 or a negative errno
 * (thread only: -ENOMEM when a task cannot be allocated, or
 * pthread_create's error; EAGAIN is retried, since running threads will
 * finish).  After an error the handlers before the failing one have been
 * started and the rest have not. */
int eventbus_publish(eventbus *b, const eventbus_event *ev);

/* Waits until every handler call of every publish that returned before
 * this call has completed. */
void eventbus_drain(eventbus *b);

/* Reads the counters.  Exact once the bus is drained. */
void eventbus_get_stats(eventbus *b, eventbus_stats *st);

/* Zeroes the counters, and sets the peak to the threads alive now (the
 * pool's workers).  Call between runs, with the bus drained. */
void eventbus_reset_stats(eventbus *b);

/* Drains, stops the pool's workers and joins them, and frees the bus.
 * NULL is a no-op. */
void eventbus_free(eventbus *b);

/* "thread", "pool", "inline"; parse returns -1 for anything else. */
const char *eventbus_design_name(eventbus_design d);
int eventbus_design_parse(const char *s, eventbus_design *out);

/* CLOCK_MONOTONIC in nanoseconds. */
uint64_t eventbus_now_ns(void);

#endif
