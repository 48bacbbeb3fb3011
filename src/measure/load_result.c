/* load_result.c - a load test as a benchmark of the results model: one
 * benchmark per set rate (parameter `rate`), each metric one sample over
 * the whole window, so compare, gate and report read it like any other
 * result (the shared contract of issue 21, docs/results-format.md).
 */
#include <stdio.h>
#include <string.h>

#include "tach/loadgen.h"

static int add1(tach_benchmark *b, const char *name, double v)
{
	const char *unit = "count";
	tach_direction dir = TACH_LOWER_IS_BETTER;
	tach_metric_known(name, &unit, &dir);
	tach_metric *m = tach_benchmark_add_metric(b, name, unit, dir);
	return m && tach_metric_add_sample(m, v) == 0 ? 0 : TACH_ENOMEM;
}

int tach_load_add_result(tach_result *r, const char *name, const char *text,
                         const tach_loadgen_opts *o, const tach_load_stats *s,
                         const tach_run_sample *whole)
{
	char rate[32], full[1024], buf[32];
	snprintf(rate, sizeof rate, "%.10g", o->rate);
	snprintf(full, sizeof full, "%s/rate:%s", name, rate);
	tach_benchmark *b = tach_result_add_benchmark(r, full);
	if (!b || tach_kvlist_set(&b->params, "rate", rate) ||
	    tach_benchmark_set_source(b, TACH_SOURCE_COMMAND, "tach", text))
		return TACH_ENOMEM;
	int rc = 0;
	/* latency and service times only when some measured run ended: an
	 * empty histogram's 0 would read as "instant" */
	if (tach_histogram_count(s->latency)) {
		rc |= tach_load_add_percentiles(b, "latency", s->latency);
		rc |= tach_load_add_percentiles(b, "service_time", s->service);
	}
	rc |= add1(b, TACH_M_ACHIEVED_RATE, s->achieved_rate);
	if (tach_histogram_count(s->lateness))
		rc |= tach_load_add_percentiles(b, "start_lateness", s->lateness);
	rc |= add1(b, TACH_M_LATE_STARTS, (double)s->late_starts);
	rc |= add1(b, TACH_M_PEAK_IN_FLIGHT, (double)s->peak_in_flight);
	rc |= add1(b, TACH_M_FAILURES, (double)s->failures);
	rc |= add1(b, TACH_M_DROPPED_STARTS, (double)s->dropped);
	if (whole) {
		if (whole->wall > 0)
			rc |= add1(b, TACH_M_CPU_PERCENT, 100 * (whole->user + whole->system) / whole->wall);
		if (whole->peak_rss)
			rc |= add1(b, TACH_M_PEAK_RSS, (double)whole->peak_rss);
		if (whole->tree_method == TACH_PEAK_CGROUP)
			rc |= add1(b, TACH_M_TREE_PEAK_MEMORY, (double)whole->tree_peak);
	}
	tach_kvlist *c = &r->meta.context;
	rc |= tach_kvlist_set(c, "load_arrivals", tach_load_arrivals_name(o->arrivals));
	snprintf(buf, sizeof buf, "%g", o->duration);
	rc |= tach_kvlist_set(c, "load_duration", buf);
	snprintf(buf, sizeof buf, "%zu", o->max_in_flight ? o->max_in_flight : 1);
	rc |= tach_kvlist_set(c, "load_max_in_flight", buf);
	if (whole && whole->tree_method == TACH_PEAK_CGROUP && tach_cgroup_probe_method())
		rc |= tach_kvlist_set(c, "tree_peak_memory_method", tach_cgroup_probe_method());
	return rc ? TACH_ENOMEM : 0;
}

int tach_load_add_percentiles(tach_benchmark *b, const char *prefix, const tach_histogram *h)
{
	static const struct {
		const char *suffix;
		double q;
	} pct[] = {{"p50", 50}, {"p90", 90}, {"p99", 99}, {"p999", 99.9}, {"max", 100}};
	for (size_t k = 0; k < sizeof pct / sizeof *pct; k++) {
		char name[128];
		snprintf(name, sizeof name, "%s_%s", prefix, pct[k].suffix);
		double ns = pct[k].q >= 100 ? (double)tach_histogram_max(h)
		                            : tach_histogram_percentile(h, pct[k].q);
		tach_metric *m = tach_benchmark_add_metric(b, name, "s", TACH_LOWER_IS_BETTER);
		if (!m || tach_metric_add_sample(m, ns * 1e-9))
			return TACH_ENOMEM;
	}
	return 0;
}
