/* activity.c - the work the orchestrations do: deterministic inputs and an
 * activity that rewrites the payload and checksums it.  Pure functions of
 * (seed, instance, step), so the checks can recompute every chain and compare
 * the stored results byte for byte.
 */
#include <string.h>

#include "orch.h"

/* SplitMix64's finalizer (Steele, Lea and Flood, 2014): a cheap bijective
 * mixer, good enough to derive independent keys and sizes. */
static uint64_t mix(uint64_t x)
{
	x ^= x >> 30;
	x *= UINT64_C(0xbf58476d1ce4e5b9);
	x ^= x >> 27;
	x *= UINT64_C(0x94d049bb133111eb);
	x ^= x >> 31;
	return x;
}

size_t orch_payload_size(const orch_shape *shape, int64_t id)
{
	uint64_t span = (uint64_t)(shape->payload_max - shape->payload_min) + 1;
	uint64_t r = mix((uint64_t)shape->seed ^ mix((uint64_t)id ^ UINT64_C(0x5151)));
	return (size_t)shape->payload_min + (size_t)(r % span);
}

void orch_payload_fill(uint8_t *buf, size_t n, int64_t seed, int64_t id)
{
	uint64_t state = (uint64_t)seed ^ mix((uint64_t)id);
	size_t i = 0;
	for (; i + 8 <= n; i += 8) {
		state += UINT64_C(0x9e3779b97f4a7c15);
		uint64_t w = mix(state);
		memcpy(buf + i, &w, 8);
	}
	for (; i < n; i++) {
		state += UINT64_C(0x9e3779b97f4a7c15);
		buf[i] = (uint8_t)mix(state);
	}
}

int64_t orch_activity(uint8_t *buf, size_t n, int64_t seed, int64_t id,
                      int64_t step)
{
	uint64_t key = mix((uint64_t)seed ^ mix((uint64_t)id * 1000003u + (uint64_t)step));
	uint64_t sum = key;
	size_t i = 0;
	/* The key carries every earlier word into the next one (a chained
	 * cipher-like pass), so the work is sequential and real: about one
	 * byte per cycle, 0.3 ms for 1 MiB. */
	for (; i + 8 <= n; i += 8) {
		uint64_t w;
		memcpy(&w, buf + i, 8);
		w = (w ^ key) * UINT64_C(0x9e3779b97f4a7c15);
		w ^= w >> 29;
		key = key * UINT64_C(6364136223846793005) + w;
		memcpy(buf + i, &w, 8);
		sum = (sum ^ w) * UINT64_C(0x100000001b3);
	}
	for (; i < n; i++) {
		uint8_t b = (uint8_t)(buf[i] ^ (uint8_t)(key >> 56));
		key = key * UINT64_C(6364136223846793005) + b;
		buf[i] = b;
		sum = (sum ^ b) * UINT64_C(0x100000001b3);
	}
	/* 63 bits: an SQLite INTEGER holds it without a sign question. */
	return (int64_t)(mix(sum ^ n) >> 1);
}
