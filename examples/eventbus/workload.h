/* workload.h - what the event bus is driven with: the seed document's
 * scenarios (publishers x events x handlers, at the document's own sizes
 * and scaled to a 2-core machine), the simulated handler work (the
 * document's 10 us sleep, and a 10 us busy spin), and a crew of publisher
 * threads that stay alive across runs so that starting them is not part
 * of any measurement.
 */
#ifndef EVENTBUS_WORKLOAD_H
#define EVENTBUS_WORKLOAD_H

#include <stdint.h>

#include "eventbus.h"

typedef struct scenario {
	const char *name;    /* "light", "medium", "heavy", "burst" */
	unsigned publishers; /* publisher threads */
	unsigned events;     /* events in all, split between publishers */
	unsigned handlers;   /* subscribers, each called once per event */
} scenario;

/* The four scenarios, in the seed's order, scaled (the default demo) and
 * at the document's own sizes (FULL). */
extern const scenario workload_scenarios[4];
extern const scenario workload_doc_scenarios[4];

/* What one handler call costs: 10 us, slept or spun. */
#define WORKLOAD_HANDLER_NS 10000u

/* The document's handler, time.Sleep(10 * time.Microsecond): a nanosleep
 * of `ns`, with the calling thread's timer slack lowered to 1 ns first
 * (Linux's default 50 us slack would make every 10 us sleep last 60). */
void workload_sleep(uint64_t ns);

/* Busy work for `ns` nanoseconds of CLOCK_MONOTONIC, mixing `x` all the
 * while; returns the mixed value (fold it into a checksum, so that the
 * compiler must do the work). */
uint64_t workload_spin(uint64_t ns, uint64_t x);

/* A 64-bit mixer (splitmix64's finaliser). */
static inline uint64_t workload_mix(uint64_t x)
{
	x ^= x >> 30;
	x *= 0xbf58476d1ce4e5b9u;
	x ^= x >> 27;
	x *= 0x94d049bb133111ebu;
	return x ^ (x >> 31);
}

/* The event with this id, its payload derived from `seed`. */
eventbus_event workload_event(uint64_t id, unsigned publisher, uint64_t seed);

/* Publisher threads for one bus: publisher p publishes the ids p, p + P,
 * p + 2P, ... below `events`, so one run publishes every id in
 * 0..events-1 exactly once. */
typedef struct crew crew;

/* Starts the threads (they wait for crew_run).  Returns 0 and *out (free
 * with crew_free), -ENOMEM or a negated pthread error. */
int crew_new(eventbus *b, unsigned publishers, unsigned events, uint64_t seed, crew **out);

/* One run: every publisher publishes its events; returns once all of
 * them returned from their last eventbus_publish (handlers may still be
 * running: eventbus_drain waits for those).  Returns 0 or the first
 * publish error. */
int crew_run(crew *c);

/* Stops and joins the threads.  NULL is a no-op. */
void crew_free(crew *c);

#endif
