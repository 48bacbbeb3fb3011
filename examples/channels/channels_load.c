/* channels_load.c - the MPMC queue at a set rate (issue 21 item 3):
 * messages pushed at 10,000, 100,000 and 400,000 per second by tach's
 * open-loop scheduler (.load in tach/bench.h) into a queue of 1,024
 * slots that one consumer thread drains, spending 2 us on each message.
 * The consumer keeps up with about 500,000 a second at best; past what
 * it manages, the queue fills, a push waits for room, and the wait shows
 * in the latency from each message's scheduled time while the service
 * time of the calls that found room stays a push.
 *
 *     build/examples/channels/example_channels_load
 *     build/examples/channels/example_channels_load --rate 50000,200000 --duration 3s
 */
#include <pthread.h>
#include <stdatomic.h>
#include <stdint.h>
#include <time.h>

#include <tach/bench.h>

#include "channels.h"

#define CAPACITY 1024
#define WORK_NS 2000u
#define STOP UINT64_MAX /* the message that ends the consumer */

static mpmc_queue *queue;
static pthread_t consumer;
static int consumer_running;
static atomic_uint_fast64_t consumed;

static uint64_t now_ns(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

static void push(uint64_t v)
{
	unsigned spins = 0;
	while (!mpmc_queue_push(queue, v))
		chan_backoff(&spins);
}

/* Pops until STOP, spending WORK_NS on every message. */
static void *consume(void *arg)
{
	(void)arg;
	for (;;) {
		unsigned spins = 0;
		uint64_t v;
		while (!mpmc_queue_pop(queue, &v))
			chan_backoff(&spins);
		if (v == STOP)
			return NULL;
		uint64_t until = now_ns() + WORK_NS;
		while (now_ns() < until)
			;
		atomic_fetch_add_explicit(&consumed, 1, memory_order_relaxed);
	}
}

static void start(tach_state *s)
{
	if (mpmc_queue_new(CAPACITY, &queue)) {
		tach_skip_with_error(s, "cannot create the queue");
		return;
	}
	consumer_running = pthread_create(&consumer, NULL, consume, NULL) == 0;
	if (!consumer_running)
		tach_skip_with_error(s, "cannot start the consumer");
}

static void stop(tach_state *s)
{
	(void)s;
	if (consumer_running) {
		push(STOP);
		pthread_join(consumer, NULL);
		consumer_running = 0;
	}
	mpmc_queue_free(queue);
	queue = NULL;
}

TACH_BENCH(mpmc_at_rate, .setup = start, .teardown = stop,
           .load = {.rates = TACH_RATES(10000, 100000, 400000), .duration = 1,
                    .warmup = 0.1})
{
	if (!consumer_running) {
		tach_skip_with_error(s, "no consumer (setup failed)");
		return;
	}
	uint64_t v = 0;
	TACH_LOOP(s) {
		push(v++);
	}
}

TACH_MAIN()
