/* workload.c - the scenarios, the simulated handler work and the crew of
 * publisher threads (workload.h).
 *
 * The crew is a generation counter under a mutex: crew_run bumps `gen`
 * and sets `running` to the number of publishers; each publisher that
 * sees a new generation publishes its share and decrements `running`;
 * crew_run returns when it is 0.  `stop` ends the threads.
 */
#include <errno.h>
#include <pthread.h>
#include <stdlib.h>
#include <sys/prctl.h>
#include <time.h>

#include "workload.h"

/* The seed's BenchmarkEventBusComparison has Light 10 goroutines x 1000
 * events x 3 handlers, Medium 50 x 5000 x 5, Heavy 100 x 10000 x 8 and
 * Burst 500 x 50000 x 3.  Kept: the handler counts, the order of the
 * publisher counts and the 1 : 5 : 10 : 50 ratio of the event counts.
 * Scaled: events / 40 and publishers to 1, 2, 4, 8, so that all four
 * scenarios in all three designs, ten repetitions each, fit the demo's
 * half minute on 2 cores: a thread per handler call costs 50-250 us here
 * (Go's goroutine 2 us). */
const scenario workload_scenarios[4] = {
	{"light", 1, 25, 3},
	{"medium", 2, 125, 5},
	{"heavy", 4, 250, 8},
	{"burst", 8, 1250, 3},
};

/* The document's sizes, as its BenchmarkEventBusComparison has them
 * (goroutines become publisher threads). */
const scenario workload_doc_scenarios[4] = {
	{"light", 10, 1000, 3},
	{"medium", 50, 5000, 5},
	{"heavy", 100, 10000, 8},
	{"burst", 500, 50000, 3},
};

void workload_sleep(uint64_t ns)
{
	/* per thread, once: a handler thread of the thread design is new
	 * every call and pays one prctl (about 0.3 us) */
	static _Thread_local int slack_set;
	if (!slack_set) {
		prctl(PR_SET_TIMERSLACK, 1UL, 0UL, 0UL, 0UL);
		slack_set = 1;
	}
	struct timespec ts = {(time_t)(ns / 1000000000u), (long)(ns % 1000000000u)};
	while (nanosleep(&ts, &ts) && errno == EINTR)
		;
}

/* The spin variant of the seed's time.Sleep: a sleeping handler gives its
 * core away, so a thousand of them would look free on 2 cores.  Real
 * handlers (parsing, formatting, matching) compete for the CPU; so does
 * this. */
uint64_t workload_spin(uint64_t ns, uint64_t x)
{
	uint64_t t0 = eventbus_now_ns();
	do {
		/* about 0.1 us of dependent multiplies between clock reads */
		for (unsigned i = 0; i < 32; i++)
			x = workload_mix(x + i);
	} while (eventbus_now_ns() - t0 < ns);
	return x;
}

eventbus_event workload_event(uint64_t id, unsigned publisher, uint64_t seed)
{
	eventbus_event e = {
		.id = id,
		.type = 1, /* LogLine, the seed's event type */
		.publisher = publisher,
		.payload = {workload_mix(seed ^ id), workload_mix(seed + id)},
	};
	return e;
}

typedef struct publisher {
	crew *c;
	unsigned index;
	int error;
} publisher;

struct crew {
	eventbus *bus;
	unsigned n, events;
	uint64_t seed;
	pthread_mutex_t mu;
	pthread_cond_t go, done;
	uint64_t gen;     /* under mu: runs started */
	unsigned running; /* under mu: publishers still publishing */
	int stop;         /* under mu */
	pthread_t *threads;
	publisher *pubs;
	unsigned started;
};

static void *publisher_main(void *p)
{
	publisher *me = p;
	crew *c = me->c;
	uint64_t seen = 0;
	pthread_mutex_lock(&c->mu);
	for (;;) {
		while (c->gen == seen && !c->stop)
			pthread_cond_wait(&c->go, &c->mu);
		if (c->stop)
			break;
		seen = c->gen;
		pthread_mutex_unlock(&c->mu);
		int error = 0;
		for (uint64_t id = me->index; id < c->events; id += c->n) {
			eventbus_event e = workload_event(id, me->index, c->seed);
			int rc = eventbus_publish(c->bus, &e);
			if (rc && !error)
				error = rc;
		}
		pthread_mutex_lock(&c->mu);
		me->error = error;
		if (--c->running == 0)
			pthread_cond_signal(&c->done);
	}
	pthread_mutex_unlock(&c->mu);
	return NULL;
}

int crew_new(eventbus *b, unsigned publishers, unsigned events, uint64_t seed, crew **out)
{
	*out = NULL;
	if (publishers == 0)
		return -EINVAL;
	crew *c = calloc(1, sizeof *c);
	if (!c)
		return -ENOMEM;
	c->bus = b;
	c->n = publishers;
	c->events = events;
	c->seed = seed;
	pthread_mutex_init(&c->mu, NULL);
	pthread_cond_init(&c->go, NULL);
	pthread_cond_init(&c->done, NULL);
	c->threads = calloc(publishers, sizeof *c->threads);
	c->pubs = calloc(publishers, sizeof *c->pubs);
	if (!c->threads || !c->pubs) {
		crew_free(c);
		return -ENOMEM;
	}
	/* publishers need little stack; 256 KiB instead of 8 MiB keeps a
	 * crew of 1000 at 250 MiB of address space */
	pthread_attr_t attr;
	pthread_attr_init(&attr);
	pthread_attr_setstacksize(&attr, 256 * 1024);
	for (unsigned i = 0; i < publishers; i++) {
		c->pubs[i].c = c;
		c->pubs[i].index = i;
		int rc = pthread_create(&c->threads[i], &attr, publisher_main, &c->pubs[i]);
		if (rc) {
			pthread_attr_destroy(&attr);
			crew_free(c);
			return -rc;
		}
		c->started++;
	}
	pthread_attr_destroy(&attr);
	*out = c;
	return 0;
}

int crew_run(crew *c)
{
	int error = 0;
	pthread_mutex_lock(&c->mu);
	c->gen++;
	c->running = c->n;
	pthread_cond_broadcast(&c->go);
	while (c->running)
		pthread_cond_wait(&c->done, &c->mu);
	for (unsigned i = 0; i < c->n && !error; i++)
		error = c->pubs[i].error;
	pthread_mutex_unlock(&c->mu);
	return error;
}

void crew_free(crew *c)
{
	if (!c)
		return;
	pthread_mutex_lock(&c->mu);
	c->stop = 1;
	pthread_cond_broadcast(&c->go);
	pthread_mutex_unlock(&c->mu);
	for (unsigned i = 0; i < c->started; i++)
		pthread_join(c->threads[i], NULL);
	pthread_cond_destroy(&c->done);
	pthread_cond_destroy(&c->go);
	pthread_mutex_destroy(&c->mu);
	free(c->threads);
	free(c->pubs);
	free(c);
}
