/* counters.h - hardware and software performance counters of a run's whole
 * process tree (Linux perf_event_open): parsing a --counters list, opening
 * the events on a freshly spawned child, reading (and scaling) them after it
 * exited.  Events the kernel, the machine or the container refuses are
 * marked unavailable with a reason instead of failing the run.
 *
 * A set's life, repeated once per run: parse -> (open -> the run -> read)*
 * -> free.  An event found unavailable once stays unavailable for the life
 * of the set, so every run of a benchmark records the same metrics and the
 * reason is worth saying only once.
 */
#ifndef TACH_COUNTERS_H
#define TACH_COUNTERS_H

#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "tach/error.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef struct tach_counter_set tach_counter_set;

/* One event's reading of one run. */
typedef struct tach_counter_value {
	int valid;         /* 1: value is a measurement; 0: the event was
	                      unavailable, not open, or never scheduled */
	int scaled;        /* 1: the kernel multiplexed the event (it ran only
	                      part of the time) and value is extrapolated */
	double value;      /* in the event's unit: a count, or seconds for
	                      task-clock and cpu-clock */
	uint64_t raw;      /* as read from the kernel, before scaling (ns for
	                      the clocks) */
	uint64_t enabled;  /* ns the event was enabled */
	uint64_t running;  /* ns it was really counting */
} tach_counter_value;

/* Parses a comma-separated list of event names (blanks around names are
 * ignored; case does not matter; '_' may stand for '-').  Hardware events:
 * cycles, instructions, cache-references, cache-misses, branches,
 * branch-misses, stalled-cycles-frontend, stalled-cycles-backend,
 * ref-cycles.  Software events, which also work in VMs without a PMU:
 * task-clock, cpu-clock, context-switches (alias cs), cpu-migrations
 * (alias migrations), page-faults (alias faults), minor-faults,
 * major-faults.  A name given twice, or once by its alias, counts once.
 * On success *out is a new set in the order given; the caller frees it with
 * tach_counters_free().  Errors: TACH_EINVAL for an unknown or empty name,
 * err->message saying which, suggesting the closest valid name and listing
 * the valid ones, err->column the byte where it starts (from 1); TACH_ENOMEM.
 * err may be NULL. */
TACH_API int tach_counters_parse(const char *list, tach_counter_set **out,
                                 tach_error *err);

/* The i-th (from 0) valid event name, for help texts; NULL past the end. */
TACH_API const char *tach_counters_known(size_t i);

/* Opens the set's events on process `pid` for one run.  Every event is
 * opened disabled with enable_on_exec and inherit: it starts counting when
 * `pid` next calls execve and counts every thread and descendant `pid`
 * creates after this call.  So the caller must guarantee that `pid` is a
 * process it may trace (its own child), that it has not yet exec'd the
 * command to measure and does nothing worth counting until it does (e.g. it
 * blocks on a pipe between fork and exec), and that it execs exactly once
 * (the command; no shell in between unless the shell is part of what is
 * measured).  If it never execs, nothing is counted.
 *
 * An event that cannot be opened is marked unavailable for the life of the
 * set with its reason (see tach_counters_reason) and the others go on;
 * events already unavailable are not tried again.  When perf_event_paranoid
 * forbids counting the kernel, events are counted in user space only (a
 * caveat kept as their reason), except context-switches and cpu-migrations,
 * which happen only in the kernel and become unavailable.  why[0..size)
 * receives a one-line summary of the unavailable events and caveats, e.g.
 * "cycles, instructions: not supported here (no PMU: a VM?)", or "" when
 * there are none (why may be NULL).  Returns how many events are open (>= 0,
 * possibly 0), or -ESRCH when pid does not exist (nothing stays open),
 * TACH_EINVAL when the set is already open.
 *
 * Testing hook: the environment variable TACH_COUNTERS_FAIL, read by every
 * call, makes opening the named events fail as if the kernel had returned
 * the given errno, e.g. TACH_COUNTERS_FAIL="cycles:ENOENT,cs:EACCES".
 * Names as in tach_counters_parse; errno names ENOENT, EOPNOTSUPP, ENODEV,
 * EACCES, EPERM, EMFILE, ENFILE, ENOSYS, EINVAL, EBUSY or a number;
 * malformed entries are ignored. */
TACH_API int tach_counters_open(tach_counter_set *s, pid_t pid, char *why,
                                size_t size);

/* Like tach_counters_open, for a caller that cannot stop its child before
 * exec (posix_spawn, clone with CLONE_VFORK): opens the events on the
 * calling thread instead, before it spawns.  They never count the caller
 * itself; every child the calling thread creates from now on (and their
 * descendants) inherits them and counts from its exec on, and the kernel
 * adds each child's counts when it exits.  So the caller must spawn the
 * command from this same thread after this call, must not spawn anything
 * else that execs (prepare or cleanup commands, other runs) until
 * tach_counters_read, and reads after the whole tree is reaped.  Children
 * that never exec count nothing.  Returns and reports as tach_counters_open
 * (never -ESRCH). */
TACH_API int tach_counters_open_children(tach_counter_set *s, char *why, size_t size);

/* Opens the events on the calling thread, counting from now: for
 * in-process work such as a benchmark loop.  Threads the caller creates
 * afterwards are counted too (inherit), once they have exited.  Same
 * return values and `why` as tach_counters_open; read with
 * tach_counters_read, which closes. */
TACH_API int tach_counters_open_self(tach_counter_set *s, char *why, size_t size);

/* Reads the events opened by tach_counters_open into vals[0..n) (in the
 * set's order; n may be smaller or larger than the set, extra entries are
 * zeroed and invalid), then closes them, ready for the next open.  Call it
 * after `pid` and all its descendants have exited and been reaped: the
 * counts of a descendant are added to the total when it exits.  Multiplexed
 * events are scaled as value * enabled / running and flagged `scaled`.
 * Returns how many values are valid, or TACH_EINVAL when the set is not
 * open.  tach_counters_close closes without reading (a run that failed);
 * it does nothing when the set is not open. */
TACH_API int tach_counters_read(tach_counter_set *s, tach_counter_value *vals,
                                size_t n);
TACH_API void tach_counters_close(tach_counter_set *s);

/* Accessors of event i (from 0) of the set; the strings are static or owned
 * by the set.  count: how many events.  name: the canonical event name
 * ("context-switches" even when given as "cs").  metric: its metric name in
 * results ("cycles", "cache_misses", "task_clock", "context_switches",
 * "page_faults", ...).  unit: "count", or "s" for task-clock and cpu-clock.
 * is_hardware: 1 for events of the CPU's PMU, 0 for the kernel's software
 * events.  available: 1 unless an open found the event unavailable.
 * reason: why it is unavailable, or a caveat on how an available event
 * counts ("user space only (perf_event_paranoid is 2)": an unprivileged
 * user may count only the command's own code, not the kernel's work for
 * it), else "".  Out-of-range i gives NULL or 0. */
TACH_API size_t tach_counters_count(const tach_counter_set *s);
TACH_API const char *tach_counters_name(const tach_counter_set *s, size_t i);
TACH_API const char *tach_counters_metric(const tach_counter_set *s, size_t i);
TACH_API const char *tach_counters_unit(const tach_counter_set *s, size_t i);
TACH_API int tach_counters_is_hardware(const tach_counter_set *s, size_t i);
TACH_API int tach_counters_available(const tach_counter_set *s, size_t i);
TACH_API const char *tach_counters_reason(const tach_counter_set *s, size_t i);

/* Closes whatever is open and frees the set; NULL is a no-op. */
TACH_API void tach_counters_free(tach_counter_set *s);

#ifdef __cplusplus
}
#endif
#endif
