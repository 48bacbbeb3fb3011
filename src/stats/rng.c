/* rng.c - the library's random numbers: xoshiro256** seeded by splitmix64,
 * Lemire's unbiased bounded integers and uniform doubles.  The streams are
 * part of the contract (stats.h): a seed gives the same bootstrap on every
 * platform, and the oracle in tests/vectors replays them in Python.
 */
#include "stats_internal.h"

/* splitmix64 (Steele, Lea & Flood, "Fast splittable pseudorandom number
 * generators", OOPSLA 2014), the seeding Vigna recommends for xoshiro:
 * it never yields the all-zero state xoshiro cannot leave. */
void tach_rng_seed(tach_rng *rng, uint64_t seed)
{
	for (int i = 0; i < 4; i++) {
		uint64_t z;

		seed += UINT64_C(0x9e3779b97f4a7c15);
		z = seed;
		z = (z ^ (z >> 30)) * UINT64_C(0xbf58476d1ce4e5b9);
		z = (z ^ (z >> 27)) * UINT64_C(0x94d049bb133111eb);
		rng->s[i] = z ^ (z >> 31);
	}
}

uint64_t tach_rng_next(tach_rng *rng)
{
	return tach__rng_next(rng);
}

/* Lemire, "Fast Random Integer Generation in an Interval", ACM TOMACS
 * 29(1), 2019, algorithm 5. */
uint64_t tach_rng_below(tach_rng *rng, uint64_t bound)
{
	/* bound = 0 is outside the contract; answer 0 rather than divide by
	 * zero in the rejection threshold. */
	if (bound == 0)
		return 0;
	return tach__rng_below(rng, bound);
}

/* The top 53 bits scaled by 2^-53: every value k 2^-53 in [0, 1) equally
 * likely, 1.0 never. */
double tach_rng_uniform(tach_rng *rng)
{
	return (double)(tach__rng_next(rng) >> 11) * 0x1.0p-53;
}
