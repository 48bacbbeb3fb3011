/* resolution.c - deciding whether a command's wall time was measured at
 * all.  A run of ':' through a shell, less the shell's own start-up, is
 * "0 s" only because the subtraction clamps: the number says nothing about
 * the command.  Such times are flagged (TACH_METRIC_UNRESOLVED) and named
 * on stderr rather than shown as if measured.
 *
 * The rule with a start-up is deliberately two-sided: the command's own
 * time must stand out of the start-up's run-to-run spread (its IQR, so one
 * slow shell start does not widen it), and the distribution of its runs
 * must be shown to differ from the start-up's (Hodges-Lehmann interval of
 * the shift, the same estimator tach compare uses, excluding 0).
 */
#include <math.h>
#include <stdlib.h>

#include "tach/run.h"
#include "tach/stats.h"

#define LEVEL 0.98 /* two-sided, as tach compare's default alpha of 0.01 */

int tach_time_resolution(const double *raw, size_t n, const double *startup, size_t n_startup,
                         double timer_resolution, tach_resolution *out)
{
	out->kind = TACH_RESOLVED;
	out->own = NAN;
	out->limit = timer_resolution > 0 ? timer_resolution : 0;
	out->lo = NAN;
	if (!n)
		return 0;
	double med;
	if (tach_stats_median(raw, n, &med))
		return TACH_ENOMEM;
	if (!startup || !n_startup) {
		out->own = med;
		if (med <= out->limit)
			out->kind = TACH_UNRESOLVED_TIMER;
		return 0;
	}
	double qs[3] = {25, 50, 75}, q[3];
	if (tach_stats_percentiles(startup, n_startup, qs, 3, q))
		return TACH_ENOMEM;
	tach_ci ci;
	if (tach_stats_hodges_lehmann(startup, n_startup, raw, n, LEVEL, &ci))
		return TACH_ENOMEM;
	out->own = med - q[1];
	out->lo = ci.lo;
	double spread = q[2] - q[0];
	out->limit = spread > out->limit ? spread : out->limit;
	if (out->own <= out->limit || !(ci.lo > 0))
		out->kind = TACH_UNRESOLVED_STARTUP;
	return 0;
}
