/* load.h - reading the results of open-loop load tests (tach load, the
 * in-process rate API): the benchmarks of one workload at several set
 * rates (parameter `rate`) form a sweep, and a sweep has a knee -- the
 * highest rate before latency takes off -- and maybe a first rate that
 * could not be sustained.  Pure functions of a result set, so the CLI,
 * the reports and programs of the library all draw the same conclusion.
 */
#ifndef TACH_LOAD_H
#define TACH_LOAD_H

#include <stddef.h>

#include "tach/error.h"
#include "tach/result.h"

#ifdef __cplusplus
extern "C" {
#endif

/* A rate is sustained when its achieved_rate is at least this share of
 * the set rate and no start was dropped (dropped_starts 0 or absent). */
#define TACH_LOAD_SUSTAINED_SHARE 0.95
/* The knee's default factor over the lowest rate's p99. */
#define TACH_LOAD_KNEE_FACTOR 2.0

/* One rate of a sweep.  A metric's value is the mean of its samples (a
 * load test writes one); NaN when the benchmark lacks it. */
typedef struct tach_load_point {
	const tach_benchmark *bench; /* borrowed from the result set */
	double rate;                 /* the set rate, from the parameter */
	double achieved;             /* achieved_rate */
	double p50, p90, p99, p999;  /* latency_p50 ... latency_p999, s */
	double service_p90;          /* service_time_p90, s */
	int sustained;               /* see TACH_LOAD_SUSTAINED_SHARE */
} tach_load_point;

typedef struct tach_load_sweep {
	/* the benchmarks' name without its "/rate:R" part; owned */
	char *name;
	tach_load_point *points; /* ascending set rate; owned */
	size_t n;
	/* The knee: the last point of the run of points, from the lowest rate
	 * up, that are all sustained with a p99 at most `factor` times the
	 * lowest rate's p99.  SIZE_MAX when the lowest rate has no p99 or is
	 * not sustained itself. */
	size_t knee;
	/* The lowest rate that was not sustained; SIZE_MAX when all were. */
	size_t first_unsustained;
} tach_load_sweep;

/* Finds the sweeps of r: benchmarks with a `rate` parameter that is a
 * positive number, grouped by name (less a "/rate:R" part) and every
 * other parameter, in the order each group first appears; a group of one
 * rate is a sweep too.  factor <= 0 means TACH_LOAD_KNEE_FACTOR.  On
 * success *out (caller frees with tach_load_sweeps_free) holds *n sweeps,
 * NULL when there are none.  0 or TACH_ENOMEM. */
TACH_API int tach_load_sweeps(const tach_result *r, double factor, tach_load_sweep **out,
                              size_t *n);
/* Frees what tach_load_sweeps returned; NULL is a no-op. */
TACH_API void tach_load_sweeps_free(tach_load_sweep *s, size_t n);

#ifdef __cplusplus
}
#endif
#endif
