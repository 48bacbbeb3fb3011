/* valgrind.h - Valgrind's client requests for the benchmark library, or
 * no-ops where tach was built without Valgrind's headers.  Internal to
 * src/bench.  The requests are a few instructions that do nothing on a
 * real CPU and talk to the simulator under Valgrind. */
#ifndef TACH_BENCH_VALGRIND_H
#define TACH_BENCH_VALGRIND_H

#ifdef TACH_HAVE_VALGRIND_H
#include <valgrind/callgrind.h>
#define TACH__VALGRIND_KNOWN 1
#else
#define RUNNING_ON_VALGRIND 0
#define CALLGRIND_TOGGLE_COLLECT
#define CALLGRIND_ZERO_STATS
#define CALLGRIND_DUMP_STATS_AT(tag) ((void)(tag))
#define TACH__VALGRIND_KNOWN 0
#endif

#endif
