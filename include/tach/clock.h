/* clock.h - the benchmark timer: the cheapest monotonic clock that is correct
 * on this machine.  On x86-64 with an invariant TSC (constant_tsc and
 * nonstop_tsc) that is rdtsc, calibrated against CLOCK_MONOTONIC; everywhere
 * else CLOCK_MONOTONIC itself.  Nothing is subtracted from a measurement: the
 * timer's resolution and overhead are reported so results can carry them.
 */
#ifndef TACH_CLOCK_H
#define TACH_CLOCK_H

#include <stdint.h>

#include "tach/version.h"

#ifdef __cplusplus
extern "C" {
#endif

/* What tach_clock_init() chose and measured.  Every number is finite, and
 * 0 when it does not apply. */
typedef struct tach_clock_info {
	const char *source;      /* "tsc" or "clock_monotonic" */
	double resolution;       /* s per tick: 1 / tsc_hz, or the clock_getres() of CLOCK_MONOTONIC */
	double overhead;         /* s, median cost of one tach_clock_ticks(): the time
	                            between two back-to-back readings */
	double overhead_ordered; /* s, the same for tach_clock_ticks_ordered() */
	double tsc_hz;           /* TSC ticks per second as calibrated; 0 when the
	                            TSC was never calibrated */
	const char *why;         /* why the TSC is not used, or NULL when it is */
} tach_clock_info;

/* Chooses the timer, once per process; later calls return at once, and
 * concurrent calls wait for the first (pthread_once).  Calibrating the TSC
 * takes about 35 ms.
 *
 * The TSC is used when the CPU is x86-64, /proc/cpuinfo lists both
 * constant_tsc and nonstop_tsc, and seven 5 ms calibration rounds against
 * CLOCK_MONOTONIC agree within 0.1 %.  Otherwise CLOCK_MONOTONIC is used
 * and tach_clock_get()->why says why.  The environment variable
 * TACH_CLOCK=monotonic forces CLOCK_MONOTONIC; other values are ignored.
 *
 * Call it before the first tach_clock_ticks(): until then the ticks are
 * CLOCK_MONOTONIC nanoseconds, and ticks from before and after the choice
 * must not be mixed.  A thread that reads ticks must be ordered after the
 * call (created after it, or having called it itself).
 *
 * Returns 0; the fallback clock always works, so there is no failure to
 * report. */
TACH_API int tach_clock_init(void);

/* The info of the chosen timer (initializing it if needed).  Borrowed: the
 * struct and its strings live until the process exits; never NULL. */
TACH_API const tach_clock_info *tach_clock_get(void);

/* Converts a difference of tach_clock_ticks() values into seconds
 * (initializing the timer if needed). */
TACH_API double tach_clock_seconds(uint64_t ticks);

/* For the inline functions below only: 1 when tach_clock_init() chose the
 * TSC.  Written once, inside tach_clock_init(). */
TACH_API extern int tach__clock_tsc;

/* For the inline functions below only: CLOCK_MONOTONIC in nanoseconds.  Out
 * of line so this header does not need POSIX feature macros for
 * clock_gettime(). */
TACH_API uint64_t tach__clock_monotonic_ns(void);

/* The current time in ticks of the chosen timer; only differences mean
 * anything, and tach_clock_seconds() converts them.
 *
 * With the TSC this is a plain rdtsc: the CPU may execute it a few dozen
 * cycles before earlier or after later instructions.  Around a loop of many
 * iterations that error is far below the overhead and is fine; to time a
 * single short operation use tach_clock_ticks_ordered(). */
static inline uint64_t tach_clock_ticks(void)
{
#if defined(__x86_64__) && defined(__GNUC__)
	if (tach__clock_tsc)
		return __builtin_ia32_rdtsc();
#endif
	return tach__clock_monotonic_ns();
}

/* Like tach_clock_ticks(), but the reading is taken after every earlier
 * instruction has completed and before any later one starts: lfence; rdtsc;
 * lfence, as the Intel SDM (vol. 2B, RDTSC) recommends, and the "memory"
 * clobber keeps the compiler from moving loads and stores across it.
 * CLOCK_MONOTONIC needs nothing extra: the vDSO already reads the TSC with
 * a fence. */
static inline uint64_t tach_clock_ticks_ordered(void)
{
#if defined(__x86_64__) && defined(__GNUC__)
	if (tach__clock_tsc) {
		uint32_t lo, hi;
		__asm__ __volatile__("lfence\n\trdtsc\n\tlfence" : "=a"(lo), "=d"(hi) : : "memory");
		return (uint64_t)hi << 32 | lo;
	}
#endif
	return tach__clock_monotonic_ns();
}

#ifdef __cplusplus
}
#endif
#endif
