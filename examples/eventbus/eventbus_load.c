/* eventbus_load.c - the event bus at a set rate (issue 21 item 3): events
 * published at 1,000, 5,000 and 20,000 per second by two workers of
 * tach's open-loop scheduler (.load in tach/bench.h), each call
 * publishing one event to two subscribers (10 us of work each) and
 * waiting until both have handled it.  Latency counts from the event's
 * scheduled time, so when the bus cannot keep up the queueing shows
 * instead of being left out.  EVENTBUS_DESIGN=thread|pool|inline picks
 * the design (default pool), as for example_eventbus.
 *
 *     build/examples/eventbus/example_eventbus_load
 *     build/examples/eventbus/example_eventbus_load --rate 2000,8000 --duration 5s
 */
#include <sched.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>

#include <tach/bench.h>

#include "eventbus.h"
#include "workload.h"

#define HANDLERS 2
/* Events in flight are at most the workers (2): a ring of completion
 * counters this long is never lapped by a live event. */
#define RING 4096

static eventbus *bus;
static _Alignas(64) atomic_uint done[RING];
static atomic_uint_fast64_t next_id, work;

/* The subscriber: the seed's 10 us of work, then its mark on the event. */
static void handler(const eventbus_event *ev, void *arg)
{
	(void)arg;
	uint64_t x = workload_spin(WORKLOAD_HANDLER_NS, ev->payload[0]);
	atomic_fetch_xor_explicit(&work, x, memory_order_relaxed);
	atomic_fetch_add_explicit(&done[ev->id % RING], 1, memory_order_release);
}

static void make_bus(tach_state *s)
{
	eventbus_design design = EVENTBUS_POOL;
	const char *d = getenv("EVENTBUS_DESIGN");
	if (d && *d && eventbus_design_parse(d, &design)) {
		tach_skip_with_error(s, "EVENTBUS_DESIGN: unknown design (thread, pool or inline)");
		return;
	}
	eventbus_opts o = {.design = design};
	if (eventbus_new(&o, &bus)) {
		tach_skip_with_error(s, "cannot set up the bus");
		return;
	}
	for (int i = 0; i < HANDLERS; i++)
		eventbus_subscribe(bus, handler, NULL);
}

static void free_bus(tach_state *s)
{
	(void)s;
	eventbus_free(bus);
	bus = NULL;
}

TACH_BENCH(bus_at_rate, .threads = TACH_THREADS(2), .setup = make_bus, .teardown = free_bus,
           .load = {.rates = TACH_RATES(1000, 5000, 20000), .duration = 1, .warmup = 0.1})
{
	if (!bus) {
		tach_skip_with_error(s, "no bus (setup failed)");
		return;
	}
	uint64_t seed = tach_seed(s);
	TACH_LOOP(s) {
		uint64_t id = atomic_fetch_add_explicit(&next_id, 1, memory_order_relaxed);
		atomic_store_explicit(&done[id % RING], 0, memory_order_relaxed);
		eventbus_event ev = workload_event(id, (unsigned)tach_thread_index(s), seed);
		if (eventbus_publish(bus, &ev)) {
			tach_fail_call(s);
			continue;
		}
		/* until both subscribers have handled it */
		while (atomic_load_explicit(&done[id % RING], memory_order_acquire) < HANDLERS)
			sched_yield();
	}
}

TACH_MAIN()
