/* logstore.c - the log store of logstore.h.
 *
 * Two locks, never held together: `qmu` guards the queue (a ring of
 * entry copies, qhead..qhead+qcount), `held`, `busy` and `stop`; `mu`
 * guards the store (slots[] as a ring of the newest lines, head = oldest,
 * count) and the store's counters.  The writer takes one line off the
 * queue, runs the detectors and stores it; `busy` says it holds a line
 * that is off the queue but not yet stored, so flush waits for
 * qcount == 0 && !busy.  Lines are stored in the order they reach the
 * store, so a fallback line may overtake queued ones, as in the seed.
 */
#include <errno.h>
#include <pthread.h>
#include <regex.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "logstore.h"

struct logstore {
	logstore_entries entries;
	size_t max;

	pthread_mutex_t qmu;
	pthread_cond_t not_empty, drained;
	logstore_entry *queue;
	size_t qcap, qhead, qcount;
	int held, busy, stop;
	pthread_t writer;
	int writer_started;

	pthread_mutex_t mu;
	logstore_entry **slots; /* ring of max */
	logstore_entry *block;  /* LOGSTORE_RING: the preallocated entries */
	size_t head, count;
	uint64_t seq, stored, evicted, allocs, bytes;

	atomic_uint_fast64_t queued, fallbacks, errors, urls;
};

const char *logstore_entries_name(logstore_entries e)
{
	return e == LOGSTORE_RING ? "ring" : "malloc";
}

static uint64_t now_ns(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

static void fill(logstore_entry *e, uint32_t proc, const char *line)
{
	size_t len = strnlen(line, LOGSTORE_LINE_MAX);
	e->seq = 0;
	e->time_ns = now_ns();
	e->proc = proc;
	e->len = (uint32_t)len;
	memcpy(e->line, line, len);
	e->line[len] = 0;
}

/* The seed's LogLine handlers that inspect the text: ErrorDetector and
 * URLDetector. */
static void detect(logstore *s, const logstore_entry *e)
{
	if (strstr(e->line, "error") || strstr(e->line, "ERROR") || strstr(e->line, "panic"))
		atomic_fetch_add_explicit(&s->errors, 1, memory_order_relaxed);
	if (strstr(e->line, "http://") || strstr(e->line, "https://"))
		atomic_fetch_add_explicit(&s->urls, 1, memory_order_relaxed);
}

/* Stores a copy of *e as the newest line, evicting the oldest when full. */
static int store(logstore *s, const logstore_entry *e)
{
	detect(s, e);
	logstore_entry *fresh = NULL, *old = NULL;
	if (s->entries == LOGSTORE_MALLOC && !(fresh = malloc(sizeof *fresh)))
		return -ENOMEM;
	pthread_mutex_lock(&s->mu);
	size_t at;
	if (s->count == s->max) {
		at = s->head;
		s->head = (s->head + 1) % s->max;
		s->evicted++;
	} else {
		at = (s->head + s->count) % s->max;
		s->count++;
	}
	if (fresh) {
		old = s->slots[at];
		s->slots[at] = fresh;
		s->allocs++;
		s->bytes += sizeof *fresh;
	}
	logstore_entry *dst = s->slots[at];
	*dst = *e;
	dst->seq = ++s->seq;
	s->stored++;
	pthread_mutex_unlock(&s->mu);
	free(old);
	return 0;
}

static void *writer_main(void *p)
{
	logstore *s = p;
	logstore_entry e;
	pthread_mutex_lock(&s->qmu);
	for (;;) {
		while ((s->qcount == 0 || s->held) && !s->stop)
			pthread_cond_wait(&s->not_empty, &s->qmu);
		if (s->qcount == 0)
			break; /* stop, and nothing left */
		e = s->queue[s->qhead];
		s->qhead = (s->qhead + 1) % s->qcap;
		s->qcount--;
		s->busy = 1;
		pthread_mutex_unlock(&s->qmu);
		store(s, &e); /* -ENOMEM drops the line: nobody is left to tell */
		pthread_mutex_lock(&s->qmu);
		s->busy = 0;
		if (s->qcount == 0)
			pthread_cond_broadcast(&s->drained);
	}
	pthread_mutex_unlock(&s->qmu);
	return NULL;
}

int logstore_new(const logstore_opts *opts, logstore **out)
{
	logstore_opts def = {0};
	const logstore_opts *o = opts ? opts : &def;
	logstore *s = calloc(1, sizeof *s);
	*out = NULL;
	if (!s)
		return -ENOMEM;
	s->entries = o->entries;
	s->max = o->max_entries ? o->max_entries : 10000;
	s->qcap = o->queue_capacity ? o->queue_capacity : 1000;
	pthread_mutex_init(&s->qmu, NULL);
	pthread_mutex_init(&s->mu, NULL);
	pthread_cond_init(&s->not_empty, NULL);
	pthread_cond_init(&s->drained, NULL);
	s->queue = malloc(s->qcap * sizeof *s->queue);
	s->slots = calloc(s->max, sizeof *s->slots);
	if (s->entries == LOGSTORE_RING) {
		s->block = malloc(s->max * sizeof *s->block);
		if (s->block)
			for (size_t i = 0; i < s->max; i++)
				s->slots[i] = &s->block[i];
	}
	if (!s->queue || !s->slots || (s->entries == LOGSTORE_RING && !s->block)) {
		logstore_free(s);
		return -ENOMEM;
	}
	int rc = pthread_create(&s->writer, NULL, writer_main, s);
	if (rc) {
		logstore_free(s);
		return -rc;
	}
	s->writer_started = 1;
	*out = s;
	return 0;
}

void logstore_free(logstore *s)
{
	if (!s)
		return;
	if (s->writer_started) {
		pthread_mutex_lock(&s->qmu);
		s->stop = 1;
		s->held = 0;
		pthread_cond_broadcast(&s->not_empty);
		pthread_mutex_unlock(&s->qmu);
		pthread_join(s->writer, NULL);
	}
	if (s->entries == LOGSTORE_MALLOC && s->slots)
		for (size_t i = 0; i < s->max; i++)
			free(s->slots[i]);
	free(s->block);
	free(s->slots);
	free(s->queue);
	pthread_cond_destroy(&s->drained);
	pthread_cond_destroy(&s->not_empty);
	pthread_mutex_destroy(&s->mu);
	pthread_mutex_destroy(&s->qmu);
	free(s);
}

int logstore_add_async(logstore *s, uint32_t proc, const char *line)
{
	pthread_mutex_lock(&s->qmu);
	if (s->qcount < s->qcap) {
		fill(&s->queue[(s->qhead + s->qcount) % s->qcap], proc, line);
		s->qcount++;
		if (!s->held)
			pthread_cond_signal(&s->not_empty);
		pthread_mutex_unlock(&s->qmu);
		atomic_fetch_add_explicit(&s->queued, 1, memory_order_relaxed);
		return 0;
	}
	pthread_mutex_unlock(&s->qmu);
	atomic_fetch_add_explicit(&s->fallbacks, 1, memory_order_relaxed);
	int rc = logstore_add_sync(s, proc, line);
	return rc ? rc : 1;
}

int logstore_add_sync(logstore *s, uint32_t proc, const char *line)
{
	logstore_entry e;
	fill(&e, proc, line);
	return store(s, &e);
}

void logstore_flush(logstore *s)
{
	pthread_mutex_lock(&s->qmu);
	while ((s->qcount || s->busy) && !s->held)
		pthread_cond_wait(&s->drained, &s->qmu);
	pthread_mutex_unlock(&s->qmu);
}

void logstore_hold(logstore *s, int hold)
{
	pthread_mutex_lock(&s->qmu);
	s->held = hold;
	if (!hold)
		pthread_cond_broadcast(&s->not_empty);
	pthread_mutex_unlock(&s->qmu);
}

size_t logstore_queue_length(logstore *s)
{
	pthread_mutex_lock(&s->qmu);
	size_t n = s->qcount;
	pthread_mutex_unlock(&s->qmu);
	return n;
}

/* Appends v to the growing array *a of *n, capacity *cap. */
static int push(uint64_t **a, size_t *n, size_t *cap, uint64_t v)
{
	if (*n == *cap) {
		size_t c = *cap ? 2 * *cap : 64;
		uint64_t *na = realloc(*a, c * sizeof *na);
		if (!na)
			return -ENOMEM;
		*a = na;
		*cap = c;
	}
	(*a)[(*n)++] = v;
	return 0;
}

int logstore_search(logstore *s, const char *pattern, int regex, uint64_t **seqs, size_t *n)
{
	regex_t re;
	*seqs = NULL;
	*n = 0;
	if (regex && regcomp(&re, pattern, REG_EXTENDED | REG_NOSUB))
		return -EINVAL;
	size_t cap = 0;
	int rc = 0;
	pthread_mutex_lock(&s->mu);
	for (size_t i = 0; i < s->count && !rc; i++) {
		const logstore_entry *e = s->slots[(s->head + i) % s->max];
		int hit = regex ? regexec(&re, e->line, 0, NULL, 0) == 0 : strstr(e->line, pattern) != NULL;
		if (hit)
			rc = push(seqs, n, &cap, e->seq);
	}
	pthread_mutex_unlock(&s->mu);
	if (regex)
		regfree(&re);
	if (rc) {
		free(*seqs);
		*seqs = NULL;
		*n = 0;
	}
	return rc;
}

size_t logstore_count(logstore *s)
{
	pthread_mutex_lock(&s->mu);
	size_t n = s->count;
	pthread_mutex_unlock(&s->mu);
	return n;
}

void logstore_get_stats(logstore *s, logstore_stats *st)
{
	pthread_mutex_lock(&s->mu);
	st->stored = s->stored;
	st->evicted = s->evicted;
	st->allocs = s->allocs;
	st->bytes = s->bytes;
	pthread_mutex_unlock(&s->mu);
	st->queued = atomic_load_explicit(&s->queued, memory_order_relaxed);
	st->fallbacks = atomic_load_explicit(&s->fallbacks, memory_order_relaxed);
	st->errors = atomic_load_explicit(&s->errors, memory_order_relaxed);
	st->urls = atomic_load_explicit(&s->urls, memory_order_relaxed);
}
