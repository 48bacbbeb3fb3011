/* test_channels.c - correctness of the two queues: the single-threaded
 * contract (capacities, full, empty, FIFO order across many laps), then
 * threads moving 1,000,000 messages through each queue at capacity 1024
 * and 200,000 at capacity 4 (constant wrap-around: 50,000 laps), checked
 * by count, sum of the values and xor of a hash of them (the producer id
 * is in the top bits) and by per-producer order: nothing lost, nothing
 * duplicated, nothing reordered.  The SPSC ring also at capacities that
 * are not powers of two, and with a consumer that sleeps on a futex.
 * Exit status 0 when every check passes, 1 otherwise.
 */
#include <errno.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>
#include <unistd.h>

#include "channels.h"

#define MAX_THREADS 8
#define DEADLINE_S 60 /* a lost message would hang a consumer: fail instead */

static int failures;

#define CHECK(cond, ...)                                                       \
	do {                                                                   \
		if (!(cond)) {                                                 \
			failures++;                                            \
			fprintf(stderr, "test_channels: %s:%d: ", __FILE__, __LINE__); \
			fprintf(stderr, __VA_ARGS__);                          \
			fputc('\n', stderr);                                   \
		}                                                              \
	} while (0)

static double now(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

static double deadline;

/* chan_backoff, and every 64K waits a look at the clock. */
static void wait_step(unsigned *spins)
{
	chan_backoff(spins);
	if ((*spins & 0xffff) == 0 && now() > deadline) {
		fprintf(stderr, "test_channels: stuck for %d s: a message was lost\n", DEADLINE_S);
		exit(1);
	}
}

/* A queue of either kind behind one interface, for the threaded tests. */
typedef struct chan {
	spsc_ring *r;
	mpmc_queue *q;
} chan;

static void send(chan *c, uint64_t v)
{
	unsigned spins = 0;
	while (!(c->r ? spsc_ring_push(c->r, v) : mpmc_queue_push(c->q, v)))
		wait_step(&spins);
}

static uint64_t recv(chan *c)
{
	unsigned spins = 0;
	uint64_t v;
	while (!(c->r ? spsc_ring_pop(c->r, &v) : mpmc_queue_pop(c->q, &v)))
		wait_step(&spins);
	return v;
}

/* ---- single thread ---- */

static void test_capacities(void)
{
	static const size_t bad[] = {0, 1, 3, 6, 1000};
	for (size_t i = 0; i < sizeof bad / sizeof *bad; i++) {
		mpmc_queue *q = NULL;
		CHECK(mpmc_queue_new(bad[i], &q) == -EINVAL, "mpmc capacity %zu accepted", bad[i]);
	}
	/* the SPSC ring takes any capacity from 1 (its buffer is rounded up) */
	spsc_ring *r = NULL;
	CHECK(spsc_ring_new(0, &r) == -EINVAL, "spsc capacity 0 accepted");
	CHECK(spsc_ring_footprint(1000) == spsc_ring_footprint(1024), "spsc buffer not rounded up");
	CHECK(spsc_ring_footprint(1024) >= 1024 * sizeof(uint64_t), "spsc footprint too small");
	CHECK(mpmc_queue_footprint(1024) >= 1024 * 2 * sizeof(uint64_t), "mpmc footprint too small");
}

/* Against a model FIFO: fill to full, drain to empty, and interleave
 * pushes and pops of varying run lengths across many laps. */
static void test_single(chan *c, size_t cap, const char *what)
{
	uint64_t in = 0, out = 0, v;
	for (int lap = 0; lap < 3; lap++) {
		for (size_t i = 0; i < cap; i++)
			CHECK(c->r ? spsc_ring_push(c->r, in++) : mpmc_queue_push(c->q, in++),
			      "%s: push %zu of %zu refused", what, i, cap);
		CHECK(!(c->r ? spsc_ring_push(c->r, 999) : mpmc_queue_push(c->q, 999)),
		      "%s: push into a full queue accepted", what);
		for (size_t i = 0; i < cap; i++) {
			int ok = c->r ? spsc_ring_pop(c->r, &v) : mpmc_queue_pop(c->q, &v);
			CHECK(ok && v == out, "%s: pop %zu gave %d/%llu, expected %llu", what, i, ok,
			      (unsigned long long)v, (unsigned long long)out);
			out++;
		}
		CHECK(!(c->r ? spsc_ring_pop(c->r, &v) : mpmc_queue_pop(c->q, &v)),
		      "%s: pop from an empty queue succeeded", what);
	}
	uint64_t x = 12345;
	for (int step = 0; step < 10000; step++) {
		x = x * 6364136223846793005ull + 1442695040888963407ull;
		size_t pushes = (size_t)(x >> 60) % (cap + 1), pops = (size_t)(x >> 56) % (cap + 1);
		for (size_t i = 0; i < pushes; i++) {
			int ok = c->r ? spsc_ring_push(c->r, in) : mpmc_queue_push(c->q, in);
			CHECK(ok == (in - out < cap), "%s: push with %llu queued returned %d", what,
			      (unsigned long long)(in - out), ok);
			in += (uint64_t)ok;
		}
		for (size_t i = 0; i < pops; i++) {
			int ok = c->r ? spsc_ring_pop(c->r, &v) : mpmc_queue_pop(c->q, &v);
			CHECK(ok == (in != out), "%s: pop with %llu queued returned %d", what,
			      (unsigned long long)(in - out), ok);
			if (ok) {
				CHECK(v == out, "%s: got %llu, expected %llu", what,
				      (unsigned long long)v, (unsigned long long)out);
				out++;
			}
		}
	}
}

/* ---- threads ---- */

/* A value's hash for the xor checksum: the xor of the raw values of a
 * run 0 ... 4k-1 is 0, which would hide a lost multiple of 4. */
static uint64_t mix(uint64_t x)
{
	x ^= x >> 33;
	x *= 0xff51afd7ed558ccdull;
	x ^= x >> 33;
	return x;
}

typedef struct totals {
	uint64_t count, sum, xor;
} totals;

typedef struct run {
	chan *c;
	int producers, consumers;
	uint64_t per_producer;
	_Atomic uint64_t reserved; /* messages consumers have claimed to take */
	totals sent[MAX_THREADS], got[MAX_THREADS];
	uint64_t got_from[MAX_THREADS][MAX_THREADS]; /* [consumer][producer] */
	int disorder[MAX_THREADS];
} run;

typedef struct role {
	run *r;
	int id;
} role;

/* Message = (producer + 1) << 40 | sequence number. */
static void *producer(void *arg)
{
	role *ro = arg;
	run *r = ro->r;
	totals t = {0, 0, 0};
	for (uint64_t i = 0; i < r->per_producer; i++) {
		uint64_t v = ((uint64_t)(ro->id + 1) << 40) | i;
		send(r->c, v);
		t.count++;
		t.sum += v;
		t.xor ^= mix(v);
	}
	r->sent[ro->id] = t;
	return NULL;
}

/* Takes messages until all are claimed: a consumer first reserves one
 * (so exactly `total` receives happen and none waits for a message that
 * will never come), then receives it.  Messages of one producer must
 * arrive in increasing order at each consumer: positions in the queue are
 * taken in order. */
static void *consumer(void *arg)
{
	role *ro = arg;
	run *r = ro->r;
	uint64_t total = r->per_producer * (uint64_t)r->producers;
	uint64_t last[MAX_THREADS];
	int seen[MAX_THREADS] = {0};
	totals t = {0, 0, 0};
	while (atomic_fetch_add(&r->reserved, 1) < total) {
		uint64_t v = recv(r->c);
		uint64_t p = (v >> 40) - 1, seq = v & ((1ull << 40) - 1);
		if (p >= (uint64_t)r->producers || seq >= r->per_producer) {
			r->disorder[ro->id]++;
			continue;
		}
		if (seen[p] && seq <= last[p])
			r->disorder[ro->id]++;
		seen[p] = 1;
		last[p] = seq;
		r->got_from[ro->id][p]++;
		t.count++;
		t.sum += v;
		t.xor ^= mix(v);
	}
	r->got[ro->id] = t;
	return NULL;
}

static void test_threads(chan *c, uint64_t messages, int producers, int consumers,
                         const char *what)
{
	run *r = calloc(1, sizeof *r);
	if (!r) {
		CHECK(0, "out of memory");
		return;
	}
	r->c = c;
	r->producers = producers;
	r->consumers = consumers;
	r->per_producer = messages / (uint64_t)producers;
	atomic_init(&r->reserved, 0);
	pthread_t tid[2 * MAX_THREADS];
	role ro[2 * MAX_THREADS];
	int n = 0;
	deadline = now() + DEADLINE_S;
	double t0 = now();
	for (int i = 0; i < consumers; i++, n++) {
		ro[n] = (role){r, i};
		CHECK(pthread_create(&tid[n], NULL, consumer, &ro[n]) == 0, "pthread_create");
	}
	for (int i = 0; i < producers; i++, n++) {
		ro[n] = (role){r, i};
		CHECK(pthread_create(&tid[n], NULL, producer, &ro[n]) == 0, "pthread_create");
	}
	for (int i = 0; i < n; i++)
		pthread_join(tid[i], NULL);
	totals sent = {0, 0, 0}, got = {0, 0, 0};
	int disorder = 0;
	for (int i = 0; i < producers; i++) {
		sent.count += r->sent[i].count;
		sent.sum += r->sent[i].sum;
		sent.xor ^= r->sent[i].xor;
		uint64_t from = 0;
		for (int k = 0; k < consumers; k++)
			from += r->got_from[k][i];
		CHECK(from == r->per_producer, "%s: producer %d: %llu of %llu messages arrived", what,
		      i, (unsigned long long)from, (unsigned long long)r->per_producer);
	}
	for (int i = 0; i < consumers; i++) {
		got.count += r->got[i].count;
		got.sum += r->got[i].sum;
		got.xor ^= r->got[i].xor;
		disorder += r->disorder[i];
	}
	CHECK(sent.count == r->per_producer * (uint64_t)producers,
	      "%s: sent %llu", what, (unsigned long long)sent.count);
	CHECK(got.count == sent.count, "%s: received %llu of %llu", what,
	      (unsigned long long)got.count, (unsigned long long)sent.count);
	CHECK(got.sum == sent.sum && got.xor == sent.xor,
	      "%s: checksum sum %llx/%llx xor %llx/%llx", what, (unsigned long long)got.sum,
	      (unsigned long long)sent.sum, (unsigned long long)got.xor,
	      (unsigned long long)sent.xor);
	CHECK(disorder == 0, "%s: %d messages out of order or foreign", what, disorder);
	uint64_t v;
	CHECK(!(c->r ? spsc_ring_pop(c->r, &v) : mpmc_queue_pop(c->q, &v)),
	      "%s: queue not empty afterwards", what);
	printf("%-28s %dP/%dC %8llu messages  %6.3f s  sum %016llx xor %016llx\n", what,
	       producers, consumers, (unsigned long long)got.count, now() - t0,
	       (unsigned long long)got.sum, (unsigned long long)got.xor);
	free(r);
}

static void with_spsc(size_t cap, uint64_t messages, const char *what)
{
	chan c = {NULL, NULL};
	CHECK(spsc_ring_new(cap, &c.r) == 0, "spsc_ring_new(%zu)", cap);
	if (!c.r)
		return;
	if (messages)
		test_threads(&c, messages, 1, 1, what);
	else
		test_single(&c, cap, what);
	spsc_ring_free(c.r);
}

static void with_mpmc(size_t cap, uint64_t messages, int producers, int consumers,
                      const char *what)
{
	chan c = {NULL, NULL};
	CHECK(mpmc_queue_new(cap, &c.q) == 0, "mpmc_queue_new(%zu)", cap);
	if (!c.q)
		return;
	if (messages)
		test_threads(&c, messages, producers, consumers, what);
	else
		test_single(&c, cap, what);
	mpmc_queue_free(c.q);
}

/* ---- a consumer that sleeps: chan_signal (futex) ----
 *
 * The consumer never spins: it sleeps in chan_signal_wait whenever the
 * ring is empty, and a wake-up lost between its pop and its sleep would
 * leave it asleep for ever (the deadline below turns that into a
 * failure).  Messages arrive complete and in order. */
typedef struct sig_run {
	spsc_ring *r;
	chan_signal sig;
	uint64_t n, got, bad;
	_Atomic int done;
} sig_run;

static void *sig_consumer(void *arg)
{
	sig_run *x = arg;
	uint64_t v;
	while (x->got < x->n) {
		uint32_t seen = chan_signal_peek(&x->sig);
		if (spsc_ring_pop(x->r, &v)) {
			x->bad += v != x->got;
			x->got++;
		} else {
			chan_signal_wait(&x->sig, seen);
		}
	}
	atomic_store(&x->done, 1);
	return NULL;
}

static void test_signal(uint64_t n)
{
	sig_run x = {.n = n};
	atomic_init(&x.sig.seq, 0);
	atomic_init(&x.done, 0);
	CHECK(spsc_ring_new(16, &x.r) == 0, "spsc_ring_new(16)");
	if (!x.r)
		return;
	pthread_t t;
	double t0 = now();
	deadline = t0 + DEADLINE_S;
	CHECK(pthread_create(&t, NULL, sig_consumer, &x) == 0, "pthread_create");
	unsigned spins = 0;
	for (uint64_t i = 0; i < n; i++) {
		while (!spsc_ring_push(x.r, i))
			wait_step(&spins);
		chan_signal_notify(&x.sig);
	}
	while (!atomic_load(&x.done) && now() < deadline)
		usleep(1000);
	if (!atomic_load(&x.done)) {
		CHECK(0, "futex consumer: asleep with %llu of %llu messages",
		      (unsigned long long)x.got, (unsigned long long)n);
		exit(1); /* the consumer sleeps for ever: cannot join it */
	}
	pthread_join(t, NULL);
	CHECK(x.got == n && x.bad == 0, "futex consumer: %llu messages, %llu out of order",
	      (unsigned long long)x.got, (unsigned long long)x.bad);
	printf("%-28s 1P/1C %8llu messages  %6.3f s\n", "spsc + futex wake-up",
	       (unsigned long long)x.got, now() - t0);
	spsc_ring_free(x.r);
}

int main(void)
{
	test_capacities();
	with_spsc(2, 0, "spsc single-thread cap 2");
	with_spsc(4, 0, "spsc single-thread cap 4");
	with_spsc(64, 0, "spsc single-thread cap 64");
	with_spsc(1, 0, "spsc single-thread cap 1");
	with_spsc(3, 0, "spsc single-thread cap 3");
	with_spsc(10, 0, "spsc single-thread cap 10");
	with_spsc(1000, 0, "spsc single-thread cap 1000");
	with_mpmc(2, 0, 0, 0, "mpmc single-thread cap 2");
	with_mpmc(4, 0, 0, 0, "mpmc single-thread cap 4");
	with_mpmc(64, 0, 0, 0, "mpmc single-thread cap 64");
	with_spsc(1024, 1000000, "spsc cap 1024");
	with_spsc(4, 200000, "spsc cap 4 (wrap-around)");
	with_spsc(10, 200000, "spsc cap 10 (not a power of 2)");
	test_signal(200000);
	with_mpmc(1024, 1000000, 4, 4, "mpmc cap 1024");
	with_mpmc(4, 200000, 4, 4, "mpmc cap 4 (wrap-around)");
	with_mpmc(1024, 1000000, 1, 3, "mpmc cap 1024");
	with_mpmc(4, 200000, 3, 1, "mpmc cap 4 (wrap-around)");
	if (failures) {
		fprintf(stderr, "test_channels: %d check(s) failed\n", failures);
		return 1;
	}
	printf("test_channels: all checks passed\n");
	return 0;
}
