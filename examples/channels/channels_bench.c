/* channels_bench.c - the channel benchmarks of the demo suite: throughput
 * of both queues with explicit producer and consumer threads, round-trip
 * latency percentiles of a ping-pong, memory and create+destroy time per
 * capacity, and worker scaling of the MPMC queue from 1 to nproc threads
 * plus one oversubscribed point.  README.md says what each one measures.
 *
 * tach runs every thread of an instance for exactly tach_iterations(s)
 * iterations, so the roles are built to balance: a producer pushes
 * exactly as many messages as its consumer pops, and a worker that pushes
 * one and pops one per iteration never waits for a message nobody sends.
 * Every queue is therefore empty again when a call ends.
 */
#include <pthread.h>
#include <sched.h>
#include <stdint.h>
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

/* ---- latency: a ping-pong between the timed thread and an echo thread ----
 *
 * Each timed iteration sends one message on the ping queue and waits for
 * the echo thread to send it back on the pong queue: it is a ROUND TRIP,
 * two one-way hops between cores (plus the one clock reading latency mode
 * adds).  The echo thread is the benchmark's own, started in setup and
 * stopped in teardown, so tach times only the thread that sends. */
#define STOP UINT64_MAX

typedef struct pingpong {
	int mpmc;
	void *ping, *pong;
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

static void pp_send(const pingpong *p, void *q, uint64_t v)
{
	if (p->mpmc)
		wait_push_mpmc(q, v);
	else
		wait_push_spsc(q, v);
}

static uint64_t pp_recv(const pingpong *p, void *q)
{
	return p->mpmc ? wait_pop_mpmc(q) : wait_pop_spsc(q);
}

static void *echo_main(void *arg)
{
	const pingpong *p = arg;
	for (;;) {
		uint64_t v = pp_recv(p, p->ping);
		if (v == STOP)
			return NULL;
		pp_send(p, p->pong, v);
	}
}

static void pp_stop(pingpong *p)
{
	if (p->running) {
		pp_send(p, p->ping, STOP);
		pthread_join(p->echo, NULL);
		p->running = 0;
	}
	if (p->pinned) /* the next benchmarks run on this thread too */
		pthread_setaffinity_np(pthread_self(), sizeof p->saved, &p->saved);
	p->pinned = 0;
	if (p->mpmc) {
		mpmc_queue_free(p->ping);
		mpmc_queue_free(p->pong);
	} else {
		spsc_ring_free(p->ping);
		spsc_ring_free(p->pong);
	}
	p->ping = p->pong = NULL;
}

static void pp_start(pingpong *p)
{
	int rc;
	if (p->mpmc) {
		mpmc_queue *a = NULL, *b = NULL;
		rc = mpmc_queue_new(RTT_CAP, &a) | mpmc_queue_new(RTT_CAP, &b);
		p->ping = a;
		p->pong = b;
	} else {
		spsc_ring *a = NULL, *b = NULL;
		rc = spsc_ring_new(RTT_CAP, &a) | spsc_ring_new(RTT_CAP, &b);
		p->ping = a;
		p->pong = b;
	}
	p->running = !rc && pthread_create(&p->echo, NULL, echo_main, p) == 0;
	if (p->running)
		pp_pin(p);
	else
		pp_stop(p); /* the benchmark sees running == 0 and reports it */
}

static void pingpong_run(tach_state *s, const pingpong *p)
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
		pp_send(p, p->ping, v);
		bad += pp_recv(p, p->pong) != v;
		v++;
	}
	if (bad)
		tach_skip_with_error(s, "the echo thread returned a wrong message");
	tach_set_items(s, tach_iterations(s)); /* round trips */
}

static pingpong rtt_spsc = {.mpmc = 0}, rtt_mpmc = {.mpmc = 1};

static void rtt_spsc_setup(tach_state *s)
{
	(void)s;
	pp_start(&rtt_spsc);
}

static void rtt_spsc_teardown(tach_state *s)
{
	(void)s;
	pp_stop(&rtt_spsc);
}

static void rtt_mpmc_setup(tach_state *s)
{
	(void)s;
	pp_start(&rtt_mpmc);
}

static void rtt_mpmc_teardown(tach_state *s)
{
	(void)s;
	pp_stop(&rtt_mpmc);
}

TACH_BENCH(spsc_rtt, .latency = 1, .setup = rtt_spsc_setup, .teardown = rtt_spsc_teardown)
{
	pingpong_run(s, &rtt_spsc);
}

TACH_BENCH(mpmc_rtt, .latency = 1, .setup = rtt_mpmc_setup, .teardown = rtt_mpmc_teardown)
{
	pingpong_run(s, &rtt_mpmc);
}

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

/* ---- worker scaling of the MPMC queue ----
 *
 * Every worker pushes one message and then pops one (usually another
 * worker's) per iteration, on one shared queue: N workers move N messages
 * per iteration time.  A worker has at most one message outstanding, so
 * the queue never fills and a pop always has a message coming.  The
 * thread counts are 1 ... nproc (powers of two past 8) and 2 x nproc,
 * the one oversubscribed point; tach adds scaling_efficiency against the
 * 1-worker instance. */
static int worker_counts[MAX_WORKERS + 2];

__attribute__((constructor)) static void count_workers(void)
{
	long cpus = sysconf(_SC_NPROCESSORS_ONLN);
	int n = cpus < 1 ? 1 : cpus > MAX_WORKERS / 2 ? MAX_WORKERS / 2 : (int)cpus;
	int k = 0;
	for (int t = 1; t <= n; t = t < 8 ? t + 1 : t * 2)
		worker_counts[k++] = t;
	if (worker_counts[k - 1] != n)
		worker_counts[k++] = n;
	worker_counts[k++] = 2 * n;
	worker_counts[k] = 0;
}

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

TACH_BENCH(mpmc_workers, .threads = worker_counts, .setup = wk_setup, .teardown = wk_teardown)
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
