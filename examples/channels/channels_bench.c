/* channels_bench.c - the channel benchmarks of the demo suite, every
 * scenario of the channel seed: throughput of both queues with explicit
 * producer and consumer threads (MPMC 4 producers + 4 consumers at
 * capacity 2048), throughput against capacity, round-trip latency
 * percentiles of a ping-pong (spinning, and a consumer woken by a futex or
 * an eventfd), memory per capacity empty and filled for two element
 * sizes, create+destroy time, net heap growth of the leak test, a
 * stability run for the CV, and worker scaling of the MPMC queue at 1, 2,
 * 4, 8 and 16 workers.  README.md says what each one measures.
 *
 * tach runs every thread of an instance for exactly tach_iterations(s)
 * iterations, so the roles are built to balance: a producer pushes
 * exactly as many messages as its consumer pops, and a worker that pushes
 * one and pops one per iteration never waits for a message nobody sends.
 * Every queue is therefore empty again when a call ends.
 */
#include <malloc.h>
#include <pthread.h>
#include <sched.h>
#include <stdint.h>
#include <stdlib.h>
#include <sys/eventfd.h>
#include <unistd.h>

#include <tach/bench.h>

#include "channels.h"

#define THROUGHPUT_CAP 1024
#define WORKERS_CAP 1024 /* > the most workers: pushes never find it full */
#define RTT_CAP 64       /* one message in flight */
#define MAX_WORKERS 128

static void wait_push_spsc(spsc_ring *r, uint64_t v)
{
	unsigned spins = 0;
	while (!spsc_ring_push(r, v))
		chan_backoff(&spins);
}

static uint64_t wait_pop_spsc(spsc_ring *r)
{
	unsigned spins = 0;
	uint64_t v;
	while (!spsc_ring_pop(r, &v))
		chan_backoff(&spins);
	return v;
}

static void wait_push_mpmc(mpmc_queue *q, uint64_t v)
{
	unsigned spins = 0;
	while (!mpmc_queue_push(q, v))
		chan_backoff(&spins);
}

static uint64_t wait_pop_mpmc(mpmc_queue *q)
{
	unsigned spins = 0;
	uint64_t v;
	while (!mpmc_queue_pop(q, &v))
		chan_backoff(&spins);
	return v;
}

/* ---- throughput: thread 0 produces, thread 1 consumes ---- */

static spsc_ring *tp_ring;

static void tp_ring_setup(tach_state *s)
{
	if (tach_threads(s) == 2 && spsc_ring_new(THROUGHPUT_CAP, &tp_ring))
		tp_ring = NULL;
}

static void tp_ring_teardown(tach_state *s)
{
	(void)s;
	spsc_ring_free(tp_ring);
	tp_ring = NULL;
}

TACH_BENCH(spsc_throughput, .threads = TACH_THREADS(2), .setup = tp_ring_setup,
           .teardown = tp_ring_teardown)
{
	if (!tp_ring) {
		tach_skip_with_error(s, "needs exactly 2 threads: a producer and a consumer");
		return;
	}
	if (tach_thread_index(s) == 0) {
		uint64_t v = 0;
		TACH_LOOP(s) {
			wait_push_spsc(tp_ring, v++);
		}
		tach_set_items(s, tach_iterations(s)); /* messages, counted once */
	} else {
		uint64_t sum = 0;
		TACH_LOOP(s) {
			sum += wait_pop_spsc(tp_ring);
		}
		tach_do_not_optimize(sum);
	}
}

/* The MPMC queue with half the threads producing (even indices) and half
 * consuming (odd): 2 threads are 1+1, the same roles as spsc_throughput,
 * 4 threads are 2+2. */
static mpmc_queue *tp_queue;

static void tp_queue_setup(tach_state *s)
{
	if (tach_threads(s) % 2 == 0 && mpmc_queue_new(THROUGHPUT_CAP, &tp_queue))
		tp_queue = NULL;
}

static void tp_queue_teardown(tach_state *s)
{
	(void)s;
	mpmc_queue_free(tp_queue);
	tp_queue = NULL;
}

TACH_BENCH(mpmc_throughput, .threads = TACH_THREADS(2, 4), .setup = tp_queue_setup,
           .teardown = tp_queue_teardown)
{
	if (!tp_queue) {
		tach_skip_with_error(s, "needs an even thread count: producers and consumers");
		return;
	}
	int id = tach_thread_index(s);
	if (id % 2 == 0) {
		uint64_t v = (uint64_t)id << 48;
		TACH_LOOP(s) {
			wait_push_mpmc(tp_queue, v++);
		}
		tach_set_items(s, tach_iterations(s));
	} else {
		uint64_t sum = 0;
		TACH_LOOP(s) {
			sum += wait_pop_mpmc(tp_queue);
		}
		tach_do_not_optimize(sum);
	}
}

/* The seed's MPMC test: 4 producers (threads 0-3) and 4 consumers (4-7)
 * on one queue of 2048.  Each thread runs the same iterations, so the
 * consumers pop exactly what the producers push. */
#define SEED_MPMC_CAP 2048
#define SEED_MPMC_SIDE 4

static mpmc_queue *q4x4;

static void q4x4_setup(tach_state *s)
{
	if (tach_threads(s) != 2 * SEED_MPMC_SIDE || mpmc_queue_new(SEED_MPMC_CAP, &q4x4))
		q4x4 = NULL;
}

static void q4x4_teardown(tach_state *s)
{
	(void)s;
	mpmc_queue_free(q4x4);
	q4x4 = NULL;
}

TACH_BENCH(mpmc_4p4c, .threads = TACH_THREADS(2 * SEED_MPMC_SIDE), .setup = q4x4_setup,
           .teardown = q4x4_teardown)
{
	if (!q4x4) {
		tach_skip_with_error(s, "needs 8 threads: 4 producers and 4 consumers");
		return;
	}
	int id = tach_thread_index(s);
	if (id < SEED_MPMC_SIDE) {
		uint64_t v = (uint64_t)id << 48;
		TACH_LOOP(s) {
			wait_push_mpmc(q4x4, v++);
		}
		tach_set_items(s, tach_iterations(s));
	} else {
		uint64_t sum = 0;
		TACH_LOOP(s) {
			sum += wait_pop_mpmc(q4x4);
		}
		tach_do_not_optimize(sum);
	}
}

/* Throughput against capacity (the seed's "Channel capacity scaling"):
 * the SPSC roles of spsc_throughput on a ring holding at most `capacity`
 * messages, 10 ... 100,000 (the ring takes any capacity). */
static spsc_ring *cap_ring;

static void cap_setup(tach_state *s)
{
	if (tach_threads(s) != 2 || spsc_ring_new((size_t)tach_arg(s, 0), &cap_ring))
		cap_ring = NULL;
}

static void cap_teardown(tach_state *s)
{
	(void)s;
	spsc_ring_free(cap_ring);
	cap_ring = NULL;
}

TACH_BENCH(spsc_capacity, .args = TACH_ARGS(10, 100, 1000, 10000, 100000),
           .arg_names = "capacity", .threads = TACH_THREADS(2), .setup = cap_setup,
           .teardown = cap_teardown)
{
	if (!cap_ring) {
		tach_skip_with_error(s, "needs exactly 2 threads: a producer and a consumer");
		return;
	}
	if (tach_thread_index(s) == 0) {
		uint64_t v = 0;
		TACH_LOOP(s) {
			wait_push_spsc(cap_ring, v++);
		}
		tach_set_items(s, tach_iterations(s));
	} else {
		uint64_t sum = 0;
		TACH_LOOP(s) {
			sum += wait_pop_spsc(cap_ring);
		}
		tach_do_not_optimize(sum);
	}
}

/* ---- latency: a ping-pong between the timed thread and an echo thread ----
 *
 * Each timed iteration sends one message on the ping queue and waits for
 * the echo thread to send it back on the pong queue: it is a ROUND TRIP,
 * two one-way hops between cores (plus the one clock reading latency mode
 * adds).  The echo thread is the benchmark's own, started in setup and
 * stopped in teardown, so tach times only the thread that sends. */
#define STOP UINT64_MAX

/* How a side waits for the other's message: spinning on the queue
 * (chan_backoff), or asleep until the sender wakes it through a futex
 * (chan_signal) or an eventfd (write/read of its counter) — the seed's
 * "async operation", a consumer the producer wakes. */
typedef enum pp_kind { PP_SPSC, PP_MPMC, PP_FUTEX, PP_EVENTFD } pp_kind;

/* dir 0 is ping (timed thread to echo), 1 is pong */
typedef struct pingpong {
	pp_kind kind;
	void *q[2];
	chan_signal sig[2];
	int efd[2];
	pthread_t echo;
	int running;
	int pinned;      /* main thread's affinity saved in `saved` */
	cpu_set_t saved;
} pingpong;

/* Pins the calling (timed) thread and the echo thread to two different
 * CPUs of the process's set, as latency tools do: otherwise, on a busy
 * two-core machine, the scheduler may put both on one core and every hop
 * becomes a context switch.  No-op with fewer than two CPUs. */
static void pp_pin(pingpong *p)
{
	cpu_set_t all, one;
	if (pthread_getaffinity_np(pthread_self(), sizeof all, &all) || CPU_COUNT(&all) < 2)
		return;
	int cpu[2], k = 0;
	for (int c = 0; c < CPU_SETSIZE && k < 2; c++)
		if (CPU_ISSET(c, &all))
			cpu[k++] = c;
	p->saved = all;
	CPU_ZERO(&one);
	CPU_SET(cpu[0], &one);
	p->pinned = pthread_setaffinity_np(pthread_self(), sizeof one, &one) == 0;
	CPU_ZERO(&one);
	CPU_SET(cpu[1], &one);
	pthread_setaffinity_np(p->echo, sizeof one, &one);
}

static void pp_send(pingpong *p, int dir, uint64_t v)
{
	if (p->kind == PP_MPMC) {
		wait_push_mpmc(p->q[dir], v);
		return;
	}
	wait_push_spsc(p->q[dir], v);
	if (p->kind == PP_FUTEX) {
		chan_signal_notify(&p->sig[dir]);
	} else if (p->kind == PP_EVENTFD) {
		uint64_t one = 1;
		while (write(p->efd[dir], &one, sizeof one) < 0)
			;
	}
}

static uint64_t pp_recv(pingpong *p, int dir)
{
	uint64_t v, n;
	switch (p->kind) {
	case PP_MPMC:
		return wait_pop_mpmc(p->q[dir]);
	case PP_FUTEX:
		for (;;) {
			uint32_t seen = chan_signal_peek(&p->sig[dir]);
			if (spsc_ring_pop(p->q[dir], &v))
				return v;
			chan_signal_wait(&p->sig[dir], seen);
		}
	case PP_EVENTFD:
		/* one message in flight: each read consumes its one wake-up */
		while (!spsc_ring_pop(p->q[dir], &v))
			if (read(p->efd[dir], &n, sizeof n) < 0)
				sched_yield();
		return v;
	default:
		return wait_pop_spsc(p->q[dir]);
	}
}

static void *echo_main(void *arg)
{
	pingpong *p = arg;
	for (;;) {
		uint64_t v = pp_recv(p, 0);
		if (v == STOP)
			return NULL;
		pp_send(p, 1, v);
	}
}

static void pp_stop(pingpong *p)
{
	if (p->running) {
		pp_send(p, 0, STOP);
		pthread_join(p->echo, NULL);
		p->running = 0;
	}
	if (p->pinned) /* the next benchmarks run on this thread too */
		pthread_setaffinity_np(pthread_self(), sizeof p->saved, &p->saved);
	p->pinned = 0;
	for (int d = 0; d < 2; d++) {
		if (p->kind == PP_MPMC)
			mpmc_queue_free(p->q[d]);
		else
			spsc_ring_free(p->q[d]);
		p->q[d] = NULL;
		if (p->efd[d] >= 0)
			close(p->efd[d]);
		p->efd[d] = -1;
	}
}

static void pp_start(pingpong *p)
{
	int rc = 0;
	for (int d = 0; d < 2; d++) {
		p->efd[d] = -1;
		atomic_init(&p->sig[d].seq, 0);
		if (p->kind == PP_MPMC) {
			mpmc_queue *q = NULL;
			rc |= mpmc_queue_new(RTT_CAP, &q);
			p->q[d] = q;
		} else {
			spsc_ring *r = NULL;
			rc |= spsc_ring_new(RTT_CAP, &r);
			p->q[d] = r;
		}
		if (p->kind == PP_EVENTFD && (p->efd[d] = eventfd(0, EFD_CLOEXEC)) < 0)
			rc = -1;
	}
	p->running = !rc && pthread_create(&p->echo, NULL, echo_main, p) == 0;
	if (p->running)
		pp_pin(p);
	else
		pp_stop(p); /* the benchmark sees running == 0 and reports it */
}

static void pingpong_run(tach_state *s, pingpong *p)
{
	if (tach_threads(s) != 1) {
		/* two senders on one SPSC ring would corrupt it */
		tach_skip_with_error(s, "runs on one thread (the echo thread is its own)");
		return;
	}
	if (!p->running) {
		tach_skip_with_error(s, "could not start the echo thread");
		return;
	}
	uint64_t v = 0, bad = 0;
	TACH_LOOP(s) {
		pp_send(p, 0, v);
		bad += pp_recv(p, 1) != v;
		v++;
	}
	if (bad)
		tach_skip_with_error(s, "the echo thread returned a wrong message");
	tach_set_items(s, tach_iterations(s)); /* round trips */
}

/* One ping-pong per benchmark, started in its setup, stopped in its
 * teardown. */
#define PINGPONG_BENCH(name, k)                                               \
	static pingpong pp_##name = {.kind = k};                              \
	static void pp_##name##_setup(tach_state *s)                          \
	{                                                                     \
		(void)s;                                                      \
		pp_start(&pp_##name);                                         \
	}                                                                     \
	static void pp_##name##_teardown(tach_state *s)                       \
	{                                                                     \
		(void)s;                                                      \
		pp_stop(&pp_##name);                                          \
	}                                                                     \
	TACH_BENCH(name, .latency = 1, .setup = pp_##name##_setup,            \
	           .teardown = pp_##name##_teardown)                          \
	{                                                                     \
		pingpong_run(s, &pp_##name);                                  \
	}

PINGPONG_BENCH(spsc_rtt, PP_SPSC)
PINGPONG_BENCH(mpmc_rtt, PP_MPMC)
PINGPONG_BENCH(futex_rtt, PP_FUTEX)
PINGPONG_BENCH(eventfd_rtt, PP_EVENTFD)

/* ---- memory and create+destroy time per capacity ----
 *
 * `footprint` is the bytes of the structure and its buffer (one aligned
 * allocation); allocs_per_op and bytes_per_op from tach's allocation pass
 * confirm it.  Creating an SPSC ring writes only its indices; an MPMC
 * queue writes a sequence number into every slot, so its time grows with
 * the capacity. */
#define CAPACITIES .range_lo = 64, .range_hi = 65536, .range_mult = 4, .arg_names = "capacity"

TACH_BENCH(spsc_create, CAPACITIES)
{
	size_t cap = (size_t)tach_arg(s, 0);
	TACH_LOOP(s) {
		spsc_ring *r;
		if (spsc_ring_new(cap, &r) == 0) {
			tach_do_not_optimize(r);
			spsc_ring_free(r);
		}
	}
	tach_set_metric(s, "footprint", (double)spsc_ring_footprint(cap), "B",
	                TACH_LOWER_IS_BETTER, TACH_COUNTER_TOTAL);
}

TACH_BENCH(mpmc_create, CAPACITIES)
{
	size_t cap = (size_t)tach_arg(s, 0);
	TACH_LOOP(s) {
		mpmc_queue *q;
		if (mpmc_queue_new(cap, &q) == 0) {
			tach_do_not_optimize(q);
			mpmc_queue_free(q);
		}
	}
	tach_set_metric(s, "footprint", (double)mpmc_queue_footprint(cap), "B",
	                TACH_LOWER_IS_BETTER, TACH_COUNTER_TOTAL);
}

/* ---- memory per capacity, empty and filled, two element sizes ----
 *
 * The seed's "Channel memory usage": a channel of capacity 10, 1000 or
 * 100,000 created (empty), filled to capacity, drained and closed, per
 * iteration.  Elements of 8 bytes travel inline in the ring's slots;
 * elements of 256 bytes are boxed, as the seed's string and ref object
 * channels are: each is a heap block (malloc) whose pointer is the
 * message, freed by the consumer.  `footprint_empty` is the ring's one
 * allocation, `footprint_filled` adds the boxed elements' blocks at
 * their usable size (malloc_usable_size); tach's allocation pass measures
 * the same peak as max_bytes_used and, after the channel is closed,
 * net_heap_growth_per_op (the seed's residual after cleanup). */
TACH_BENCH(chan_memory, .args_product = TACH_PRODUCT(TACH_ARGS(10, 1000, 100000), TACH_ARGS(8, 256)),
           .arg_names = "capacity,element")
{
	size_t cap = (size_t)tach_arg(s, 0), elem = (size_t)tach_arg(s, 1);
	size_t block = 0;
	uint64_t failed = 0, sum = 0;
	if (elem > sizeof(uint64_t)) {
		void *b = malloc(elem);
		block = b ? malloc_usable_size(b) : elem;
		free(b);
	}
	TACH_LOOP(s) {
		spsc_ring *r;
		if (spsc_ring_new(cap, &r)) {
			failed++;
			continue;
		}
		for (size_t i = 0; i < cap; i++) {
			uint64_t v = i;
			if (block) {
				unsigned char *b = malloc(elem);
				if (!b) {
					failed++;
					break;
				}
				b[0] = (unsigned char)i;
				v = (uint64_t)(uintptr_t)b;
			}
			spsc_ring_push(r, v);
		}
		uint64_t v;
		while (spsc_ring_pop(r, &v)) {
			if (block) {
				sum += *(unsigned char *)(uintptr_t)v;
				free((void *)(uintptr_t)v);
			} else {
				sum += v;
			}
		}
		spsc_ring_free(r);
	}
	tach_do_not_optimize(sum);
	if (failed)
		tach_skip_with_error(s, "out of memory");
	double empty = (double)spsc_ring_footprint(cap);
	tach_set_metric(s, "footprint_empty", empty, "B", TACH_LOWER_IS_BETTER, TACH_COUNTER_TOTAL);
	tach_set_metric(s, "footprint_filled", empty + (double)(cap * block), "B",
	                TACH_LOWER_IS_BETTER, TACH_COUNTER_TOTAL);
}

/* The seed's "Memory leak detection", one round per iteration: 100
 * channels of capacity 10 created, 10 messages sent and received on each,
 * all closed.  tach's allocation pass gives net_heap_growth_per_op (0
 * when every channel is freed) and lists the benchmark under `leaking`
 * when it is above 1 byte per round. */
#define LEAK_CHANNELS 100

TACH_BENCH(leak_check)
{
	spsc_ring *r[LEAK_CHANNELS];
	uint64_t sum = 0, failed = 0;
	TACH_LOOP(s) {
		for (int i = 0; i < LEAK_CHANNELS; i++)
			if (spsc_ring_new(10, &r[i]))
				r[i] = NULL;
		for (int i = 0; i < LEAK_CHANNELS; i++) {
			if (!r[i]) {
				failed++;
				continue;
			}
			for (uint64_t j = 0; j < 10; j++) {
				uint64_t v = 0;
				spsc_ring_push(r[i], j);
				spsc_ring_pop(r[i], &v);
				sum += v;
			}
		}
		for (int i = 0; i < LEAK_CHANNELS; i++)
			spsc_ring_free(r[i]);
	}
	tach_do_not_optimize(sum);
	if (failed)
		tach_skip_with_error(s, "out of memory");
	tach_set_items(s, tach_iterations(s) * LEAK_CHANNELS); /* channels */
}

/* The seed's "Throughput stability": batches of 1000 send + receive on a
 * ring of 1000 on one thread; the CV of the throughput over the
 * repetitions is what max-cv = 10% judges (the seed's "CV < 0.1").  A
 * repetition lasts at least 100 ms whatever --min-time says (the seed
 * measured 10 s in all: 100 repetitions), so that one preemption by the
 * machine's other work moves a sample by a few percent, not by half. */
#define BATCH 1000

TACH_BENCH(spsc_stability, .min_time = 0.1)
{
	spsc_ring *r;
	if (spsc_ring_new(BATCH, &r)) {
		tach_skip_with_error(s, "out of memory");
		return;
	}
	uint64_t sum = 0;
	TACH_LOOP(s) {
		for (uint64_t i = 0; i < BATCH; i++) {
			uint64_t v = 0;
			spsc_ring_push(r, i);
			spsc_ring_pop(r, &v);
			sum += v;
		}
	}
	tach_do_not_optimize(sum);
	spsc_ring_free(r);
	tach_set_items(s, tach_iterations(s) * BATCH); /* messages */
}

/* ---- worker scaling of the MPMC queue ----
 *
 * Every worker pushes one message and then pops one (usually another
 * worker's) per iteration, on one shared queue: N workers move N messages
 * per iteration time.  A worker has at most one message outstanding, so
 * the queue never fills and a pop always has a message coming.  The
 * worker counts are the seed's 1, 2, 4, 8 and 16 (more than the CPUs on
 * most machines: those points are oversubscribed, which tach's report
 * marks); tach adds scaling_efficiency against the 1-worker instance. */
static mpmc_queue *wk_queue;

static void wk_setup(tach_state *s)
{
	if (tach_threads(s) > MAX_WORKERS || mpmc_queue_new(WORKERS_CAP, &wk_queue))
		wk_queue = NULL;
}

static void wk_teardown(tach_state *s)
{
	(void)s;
	mpmc_queue_free(wk_queue);
	wk_queue = NULL;
}

TACH_BENCH(mpmc_workers, .threads = TACH_THREADS(1, 2, 4, 8, 16), .setup = wk_setup, .teardown = wk_teardown)
{
	if (!wk_queue) {
		tach_skip_with_error(s, "at most 128 workers");
		return;
	}
	uint64_t v = (uint64_t)tach_thread_index(s) << 48, sum = 0;
	TACH_LOOP(s) {
		wait_push_mpmc(wk_queue, v++);
		sum += wait_pop_mpmc(wk_queue);
	}
	tach_do_not_optimize(sum);
	tach_set_items(s, tach_iterations(s)); /* messages through the queue */
}

TACH_MAIN()
