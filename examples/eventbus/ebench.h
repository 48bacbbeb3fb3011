/* ebench.h - what the benchmark program example_eventbus's files share:
 * the settings main() reads from the environment before the benchmarks
 * run (eventbus_bench.c), and the component benchmarks' registration
 * (components_bench.c).
 */
#ifndef EVENTBUS_EBENCH_H
#define EVENTBUS_EBENCH_H

#include <stddef.h>

#include "eventbus.h"

/* EVENTBUS_DESIGN: the bus's design.  It also picks the version of the
 * other components, the seed's "before" and "after": thread = before
 * (mutex-guarded status, a heap block per log line), pool and inline =
 * after (atomic status, preallocated log entries). */
extern eventbus_design ebench_design;
/* EVENTBUS_THREAD_STACK: the thread design's stack size (0: default). */
extern size_t ebench_thread_stack;
/* EVENTBUS_SIZES=doc: the document's own sizes (1, set before main by
 * the registering constructors); default scaled (0). */
extern int ebench_doc;

static inline int ebench_after(void)
{
	return ebench_design != EVENTBUS_THREAD;
}

/* Reads EVENTBUS_SIZES (constructors run before main, so each registering
 * file calls this itself); 0 scaled, 1 doc, -1 a bad value. */
int ebench_sizes_from_env(void);

#endif
