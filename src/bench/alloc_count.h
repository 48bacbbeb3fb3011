/* alloc_count.h - the switch of the allocation-counting malloc family
 * (alloc_count.c), for a benchmark's allocs_per_op and bytes_per_op.
 * alloc_count.c is a shared object of its own, preloaded only into the
 * separate counting process that alloc_pass.c starts; that process finds
 * these functions with dlsym under the names below.  Counting runs
 * in that process only, never in the timed one.  Not installed.
 */
#ifndef TACH_BENCH_ALLOC_COUNT_H
#define TACH_BENCH_ALLOC_COUNT_H

#include <stdint.h>

#define TACH__ALLOC_START_SYM "tach__alloc_count_start"
#define TACH__ALLOC_STOP_SYM "tach__alloc_count_stop"
#define TACH__ALLOC_PROBE_SYM "tach__alloc_interposed"
#define TACH__ALLOC_HEAP_SYM "tach__alloc_count_heap"

/* Zeroes the counters and starts counting the allocations of every thread
 * of the process.  Start and stop are not nested: a second start restarts. */
typedef void tach__alloc_start_fn(void);
tach__alloc_start_fn tach__alloc_count_start;

/* Stops counting and stores the allocations and requested bytes counted
 * since the last start (either pointer may be NULL).  Call it after the
 * counted work has finished in every thread (joined, or past a barrier): an
 * allocation racing with the stop may or may not be counted.  Calling it
 * again without a start returns the same numbers. */
typedef void tach__alloc_stop_fn(uint64_t *allocs, uint64_t *bytes);
tach__alloc_stop_fn tach__alloc_count_stop;

/* Heap growth since the last start (read after the stop): *net, usable
 * bytes allocated minus usable bytes freed (negative when more was freed
 * than allocated), and *peak, the most those were at any moment (>= 0).
 * Either pointer may be NULL. */
typedef void tach__alloc_heap_fn(int64_t *net, uint64_t *peak);
tach__alloc_heap_fn tach__alloc_count_heap;

/* 1 when the process's malloc is the counting one, checked by asking the
 * C library for memory (strdup) while watching: 0 when another definition
 * of malloc comes first (an earlier LD_PRELOAD, the program's own). */
typedef int tach__alloc_probe_fn(void);
tach__alloc_probe_fn tach__alloc_interposed;

#endif
