/* logstore.h - the seed's log store in C: processes add log lines
 * asynchronously through a bounded queue that a writer thread empties,
 * falling back to a synchronous add under the store's mutex when the
 * queue is full; the store keeps the newest lines and searches them by
 * substring or by regular expression.  The writer runs the seed's log
 * handlers on each line (an error detector and a URL detector).
 *
 * Entries are kept one of two ways (the seed's "bounded collections"):
 *   LOGSTORE_MALLOC  one heap block of 512 bytes per line, freed when the
 *                    line is evicted (the seed's 512 B per log entry),
 *   LOGSTORE_RING    a ring of preallocated entries that are overwritten.
 * All functions are thread-safe.
 */
#ifndef EVENTBUS_LOGSTORE_H
#define EVENTBUS_LOGSTORE_H

#include <stddef.h>
#include <stdint.h>

/* One line: 512 bytes with its header, as the seed's entries. */
#define LOGSTORE_LINE_MAX 487
typedef struct logstore_entry {
	uint64_t seq;     /* order of arrival at the store, from 1 */
	uint64_t time_ns; /* CLOCK_MONOTONIC at the add */
	uint32_t proc;    /* the process that wrote it */
	uint32_t len;
	char line[LOGSTORE_LINE_MAX + 1];
} logstore_entry;

typedef enum logstore_entries {
	LOGSTORE_MALLOC = 0,
	LOGSTORE_RING = 1,
} logstore_entries;

typedef struct logstore_opts {
	size_t queue_capacity; /* lines the async queue holds (0: 1000, the seed's) */
	size_t max_entries;    /* lines the store keeps (0: 10000) */
	logstore_entries entries;
} logstore_opts;

typedef struct logstore_stats {
	uint64_t queued;    /* async adds that went through the queue */
	uint64_t fallbacks; /* async adds that found it full and added synchronously */
	uint64_t stored;    /* lines stored (both paths) */
	uint64_t evicted;   /* lines dropped for newer ones */
	uint64_t errors, urls; /* the detectors' findings */
	uint64_t allocs, bytes; /* heap blocks the store allocated per line */
} logstore_stats;

typedef struct logstore logstore;

/* Creates a store and starts its writer thread.  Returns 0 and *out
 * (free with logstore_free), -ENOMEM, or a pthread error negated. */
int logstore_new(const logstore_opts *opts, logstore **out);

/* Drains the queue, stops the writer, frees everything.  NULL: no-op. */
void logstore_free(logstore *s);

/* The seed's AddLog: queues the line for the writer and returns 0; when
 * the queue is full, stores it in the caller's thread and returns 1.  A
 * line longer than LOGSTORE_LINE_MAX is cut.  -ENOMEM (malloc entries). */
int logstore_add_async(logstore *s, uint32_t proc, const char *line);

/* The fallback path on its own: stores the line under the mutex. */
int logstore_add_sync(logstore *s, uint32_t proc, const char *line);

/* Waits until every line queued before the call is stored. */
void logstore_flush(logstore *s);

/* hold = 1 keeps the writer from taking lines off the queue (they pile
 * up, as behind a slow writer); hold = 0 lets it go on. */
void logstore_hold(logstore *s, int hold);

/* Lines in the queue now. */
size_t logstore_queue_length(logstore *s);

/* The seq of every stored line, oldest first, that contains `pattern`
 * (regex = 0) or matches it as a POSIX extended regular expression
 * (regex = 1).  Returns 0 and *seqs (caller frees with free(); NULL when
 * nothing matched) and *n, -EINVAL for a bad expression, -ENOMEM. */
int logstore_search(logstore *s, const char *pattern, int regex, uint64_t **seqs, size_t *n);

/* Lines stored now (at most max_entries). */
size_t logstore_count(logstore *s);

void logstore_get_stats(logstore *s, logstore_stats *st);

const char *logstore_entries_name(logstore_entries e);

#endif
