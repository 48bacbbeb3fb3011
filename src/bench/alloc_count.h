/* alloc_count.h - counting the heap allocations of a benchmark, for its
 * allocs_per_op and bytes_per_op.  alloc_count.c replaces malloc and friends
 * in the benchmark binary; this is its switch.  Counting runs in a pass of
 * its own, never during a timed run.  Not installed.
 */
#ifndef TACH_BENCH_ALLOC_COUNT_H
#define TACH_BENCH_ALLOC_COUNT_H

#include <stdint.h>

#ifndef TACH_HIDDEN
#define TACH_HIDDEN __attribute__((visibility("hidden")))
#endif

/* Zeroes the counters and starts counting the allocations of every thread
 * of the process.  Start and stop are not nested: a second start restarts. */
TACH_HIDDEN void tach__alloc_count_start(void);

/* Stops counting and stores the allocations and requested bytes counted
 * since the last start (either pointer may be NULL).  Call it after the
 * counted work has finished in every thread (joined, or past a barrier): an
 * allocation racing with the stop may or may not be counted.  Calling it
 * again without a start returns the same numbers. */
TACH_HIDDEN void tach__alloc_count_stop(uint64_t *allocs, uint64_t *bytes);

/* 1 when the process's malloc is the counting one, checked by asking the
 * C library for memory (strdup) while watching; 0 when counting is
 * unavailable: the binary was built with AddressSanitizer (which brings its
 * own malloc) or the interposition did not take. */
TACH_HIDDEN int tach__alloc_interposed(void);

#endif
