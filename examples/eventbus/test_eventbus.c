/* test_eventbus.c - correctness of the three designs: several publishers
 * publish K events to H handlers, twice on the same bus, and every
 * handler must see every event exactly once (a counter per handler and
 * event, a call count and a checksum of ids per handler); afterwards no
 * thread of the bus may be left (the live count is 0 after a drain, and
 * the process's thread count in /proc returns to where it started once
 * the bus is freed).  Then the components around the bus
 * (test_components.c): process manager, log store, proxy, realistic
 * workload.  Exit status 1 and a FAIL line on any mismatch.
 */
#include <dirent.h>
#include <errno.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "eventbus.h"
#include "workload.h"

#include "test_check.h"

int failures;

typedef struct seen {
	unsigned index;
	unsigned events;
	atomic_uint *per_event; /* calls per event id */
	atomic_uint_fast64_t calls, id_sum;
} seen;

static atomic_uint_fast64_t work_sink; /* keeps the handlers' work */

static int sleeping; /* 1: the handlers sleep 10 us instead of spinning 2 */

static void test_handler(const eventbus_event *ev, void *arg)
{
	seen *s = arg;
	/* a little real work, so that calls overlap and queues fill */
	uint64_t x = ev->payload[1];
	if (sleeping)
		workload_sleep(WORKLOAD_HANDLER_NS);
	else
		x = workload_spin(2000, x);
	if (ev->id < s->events)
		atomic_fetch_add(&s->per_event[ev->id], 1);
	atomic_fetch_add(&s->calls, 1);
	atomic_fetch_add(&s->id_sum, ev->id);
	atomic_fetch_xor_explicit(&work_sink, x, memory_order_relaxed);
}

/* Threads of this process now, from /proc/self/task. */
static int process_threads(void)
{
	DIR *d = opendir("/proc/self/task");
	if (!d)
		return -1;
	int n = 0;
	struct dirent *e;
	while ((e = readdir(d)))
		n += e->d_name[0] != '.';
	closedir(d);
	return n;
}

/* Detached threads leave the kernel shortly after they stop counting
 * themselves: wait up to 5 s for the count to come back to `want`. */
static int wait_threads(int want)
{
	int n = process_threads();
	for (int i = 0; i < 500 && n != want; i++) {
		nanosleep(&(struct timespec){0, 10000000}, NULL);
		n = process_threads();
	}
	return n;
}

static void run_case(eventbus_design d, unsigned publishers, unsigned k, unsigned handlers,
                     unsigned workers, size_t queue)
{
	const char *name = eventbus_design_name(d);
	int threads_before = process_threads();
	eventbus_opts o = {.design = d, .workers = workers, .queue_capacity = queue};
	eventbus *b;
	int rc = eventbus_new(&o, &b);
	CHECK(rc == 0, "%s: eventbus_new: %s", name, strerror(-rc));
	if (rc)
		return;
	seen *hs = calloc(handlers, sizeof *hs);
	for (unsigned h = 0; h < handlers; h++) {
		hs[h].index = h;
		hs[h].events = k;
		hs[h].per_event = calloc(k, sizeof *hs[h].per_event);
		CHECK(eventbus_subscribe(b, test_handler, &hs[h]) == 0, "%s: subscribe", name);
	}
	crew *c;
	rc = crew_new(b, publishers, k, 42, &c);
	CHECK(rc == 0, "%s: crew_new: %s", name, strerror(-rc));
	for (int run = 1; rc == 0 && run <= 2; run++) {
		eventbus_reset_stats(b);
		CHECK(crew_run(c) == 0, "%s: a publish failed", name);
		eventbus_drain(b);
		eventbus_stats st;
		eventbus_get_stats(b, &st);
		uint64_t want_sum = (uint64_t)k * (k - 1) / 2 * (uint64_t)run;
		for (unsigned h = 0; h < handlers; h++) {
			unsigned bad = 0;
			for (unsigned id = 0; id < k; id++)
				bad += atomic_load(&hs[h].per_event[id]) != (unsigned)run;
			CHECK(bad == 0, "%s: run %d handler %u: %u events not seen exactly once",
			      name, run, h, bad);
			CHECK(atomic_load(&hs[h].calls) == (uint64_t)k * (uint64_t)run,
			      "%s: run %d handler %u: %llu calls", name, run, h,
			      (unsigned long long)atomic_load(&hs[h].calls));
			CHECK(atomic_load(&hs[h].id_sum) == want_sum,
			      "%s: run %d handler %u: id checksum %llu, want %llu", name, run, h,
			      (unsigned long long)atomic_load(&hs[h].id_sum),
			      (unsigned long long)want_sum);
		}
		CHECK(st.published == k, "%s: published %llu", name, (unsigned long long)st.published);
		CHECK(st.calls == (uint64_t)k * handlers, "%s: calls %llu", name,
		      (unsigned long long)st.calls);
		switch (d) {
		case EVENTBUS_THREAD:
			CHECK(st.live_threads == 0, "thread: %u threads live after drain",
			      st.live_threads);
			CHECK(st.peak_threads >= 1, "thread: peak %u", st.peak_threads);
			CHECK(st.allocs == (uint64_t)k * handlers, "thread: %llu allocations",
			      (unsigned long long)st.allocs);
			break;
		case EVENTBUS_POOL:
			CHECK(st.live_threads == workers && st.peak_threads == workers,
			      "pool: live %u peak %u, want %u workers", st.live_threads,
			      st.peak_threads, workers);
			CHECK(st.allocs == 0, "pool: %llu allocations", (unsigned long long)st.allocs);
			break;
		case EVENTBUS_INLINE:
			CHECK(st.live_threads == 0 && st.peak_threads == 0 && st.allocs == 0,
			      "inline: threads %u/%u, allocations %llu", st.live_threads,
			      st.peak_threads, (unsigned long long)st.allocs);
			break;
		}
		if (d == EVENTBUS_POOL && queue < k)
			CHECK(st.blocked > 0, "pool: a %zu-slot queue never made a publisher wait",
			      queue);
	}
	crew_free(c);
	eventbus_free(b);
	int after = wait_threads(threads_before);
	CHECK(after == threads_before, "%s: %d threads before, %d after freeing the bus", name,
	      threads_before, after);
	for (unsigned h = 0; h < handlers; h++)
		free(hs[h].per_event);
	free(hs);
	printf("%-6s %u publishers x %u events x %u handlers: checked\n", name, publishers, k,
	       handlers);
}

static void run_case_sleep(eventbus_design d)
{
	sleeping = 1;
	run_case(d, 10, 200, 3, 2, 64);
	sleeping = 0;
}

static void *nothing(void *arg)
{
	return arg;
}

int main(void)
{
	/* one thread first: a sanitizer runtime starts its helper thread
	 * with the program's first, which must not count as a leak */
	pthread_t t;
	if (pthread_create(&t, NULL, nothing, NULL) == 0)
		pthread_join(t, NULL);
	eventbus_design d;
	CHECK(eventbus_design_parse("pool", &d) == 0 && d == EVENTBUS_POOL, "parse pool");
	CHECK(eventbus_design_parse("fibers", &d) == -1, "parse of an unknown design");
	eventbus *b;
	eventbus_opts bad = {.design = (eventbus_design)7};
	CHECK(eventbus_new(&bad, &b) == -EINVAL, "a bad design is refused");
	eventbus_opts in = {.design = EVENTBUS_INLINE};
	CHECK(eventbus_new(&in, &b) == 0, "inline bus");
	int rc = 0;
	for (int i = 0; i <= EVENTBUS_MAX_HANDLERS; i++)
		rc = eventbus_subscribe(b, test_handler, NULL);
	CHECK(rc == -ENOSPC, "subscriber %d is refused", EVENTBUS_MAX_HANDLERS + 1);
	eventbus_free(b);
	eventbus_free(NULL);

	for (int i = 0; i < 3; i++) {
		d = (eventbus_design)i;
		run_case(d, 4, 250, 5, 2, 64);
		run_case(d, 1, 100, 3, 2, 64);
	}
	/* a one-slot queue and one worker: every publish waits */
	run_case(EVENTBUS_POOL, 3, 500, 4, 1, 1);
	/* more workers than cores, a queue larger than the run */
	run_case(EVENTBUS_POOL, 8, 800, 8, 6, 10000);
	/* the document's handler: a sleep, with the sleeping handler on
	 * every design (calls overlap while they sleep) */
	for (int i = 0; i < 3; i++)
		run_case_sleep((eventbus_design)i);

	test_components();

	printf("%s: %d failures\n", failures ? "FAIL" : "ok", failures);
	return failures ? 1 : 0;
}
