/* latency.c - latency mode: every push/pop pair of a small ring buffer is
 * timed on its own, and the benchmark reports p50 ... p99.9 and the max. */
#include <stdint.h>

#include <tach/bench.h>

#define CAP 1024
static uint64_t ring[CAP];
static size_t head, tail;

static int push(uint64_t v)
{
	if (head - tail == CAP)
		return 0;
	ring[head++ % CAP] = v;
	return 1;
}

static int pop(uint64_t *v)
{
	if (head == tail)
		return 0;
	*v = ring[tail++ % CAP];
	return 1;
}

TACH_BENCH(bm_ring_push_pop, .latency = 1)
{
	uint64_t v = 0;
	TACH_LOOP(s) {
		push(v);
		pop(&v);
		tach_do_not_optimize(v);
		v++;
	}
}

TACH_MAIN()
