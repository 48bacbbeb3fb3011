/* record.c - a benchmark's calls as samples (tach__bench_record_call:
 * the time, iterations, CPU time and user counters of each repetition)
 * and the samples as a benchmark of the result set (tach__bench_to_result:
 * metrics with their units and directions, counters by their kind,
 * parameters and errors).  run.c measures; this file records. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tach/bench.h"
#include "tach/histogram.h"
#include "tach/stats.h"
#include "bench/internal.h"
#include "bench/run.h"

void tach__bench_samples_free(samples *s)
{
	free(s->time);
	free(s->items);
	free(s->bytes);
	free(s->cpu);
	free(s->iters);
	for (size_t i = 0; i < TACH__MAX_METRICS; i++)
		free(s->metric[i]);
}

/* ---- issue 19 item 6: counter kinds ----
 * A custom metric's sample from the sum of its threads' values: per
 * iteration (of all threads), per second of the call, per thread, or
 * as is; TACH_COUNTER_INVERT takes the reciprocal (0 gives infinity,
 * which to_result leaves out). */
static double counter_value(tach_counter_kind kind, double sum, uint64_t iters, int nt,
                            double seconds)
{
	double v;
	switch ((int)kind & ~TACH_COUNTER_INVERT) {
	case TACH_COUNTER_PER_ITERATION:
		v = sum / ((double)iters * (double)nt);
		break;
	case TACH_COUNTER_RATE:
		v = sum / seconds;
		break;
	case TACH_COUNTER_AVG_THREADS:
		v = sum / (double)nt;
		break;
	case TACH_COUNTER_AVG_THREADS_RATE:
		v = sum / (double)nt / seconds;
		break;
	default:
		v = sum;
	}
	return (int)kind & TACH_COUNTER_INVERT ? 1.0 / v : v;
}

/* The unit a custom metric is recorded in: a rate's unit gets "/s"; an
 * inverted rate is seconds per unit ("s" per count). */
static void counter_unit(const tach__user_metric *m, char *unit, size_t size)
{
	int base = (int)m->kind & ~TACH_COUNTER_INVERT;
	int rate = base == TACH_COUNTER_RATE || base == TACH_COUNTER_AVG_THREADS_RATE;
	if (rate && ((int)m->kind & TACH_COUNTER_INVERT))
		snprintf(unit, size, strcmp(m->unit, "count") ? "s/%s" : "s", m->unit);
	else
		snprintf(unit, size, "%s%s", m->unit, rate ? "/s" : "");
	if (tach_unit_check(unit, NULL, NULL, 0))
		snprintf(unit, size, "count");
}
/* ---- end of issue 19 item 6 ---- */

int tach__bench_record_call(samples *s, const call *c, double elapsed)
{
	if (s->n == s->cap) {
		size_t nc = s->cap ? s->cap * 2 : 16;
		double **arrays[] = {&s->time, &s->items, &s->bytes, &s->cpu};
		for (size_t i = 0; i < 4; i++) {
			double *p = realloc(*arrays[i], nc * sizeof *p);
			if (!p)
				return TACH_ENOMEM;
			*arrays[i] = p;
		}
		for (size_t i = 0; i < TACH__MAX_METRICS; i++) {
			double *p = realloc(s->metric[i], nc * sizeof *p);
			if (!p)
				return TACH_ENOMEM;
			s->metric[i] = p;
		}
		uint64_t *it = realloc(s->iters, nc * sizeof *it);
		if (!it)
			return TACH_ENOMEM;
		s->iters = it;
		s->cap = nc;
	}
	int nt = c->in->threads;
	uint64_t items = 0, bytes = 0;
	for (int t = 0; t < nt; t++) {
		const tach__state_priv *p = &c->priv[t];
		items += p->items;
		bytes += p->bytes;
		s->items_set |= p->items_set;
		s->bytes_set |= p->bytes_set;
	}
	double e = elapsed > 0 ? elapsed : 1e-12;
	s->time[s->n] = elapsed / (double)c->iters;
	s->items[s->n] = (double)items / e;
	s->bytes[s->n] = (double)bytes / e;
	s->iters[s->n] = c->iters;
	/* cpu_time: Google Benchmark's -- all threads' CPU seconds in their
	 * timed loops over all threads' iterations */
	double cpu = 0;
	for (int t = 0; t < nt; t++)
		cpu += c->priv[t].cpu_timed;
	s->cpu[s->n] = cpu / ((double)c->iters * (double)nt);
	s->cpu_set |= c->cpu;
	/* custom metrics: summed over threads, by the first thread's names */
	const tach__state_priv *p0 = &c->priv[0];
	for (size_t k = 0; k < p0->n_metrics; k++) {
		double sum = 0;
		for (int t = 0; t < nt; t++)
			for (size_t q = 0; q < c->priv[t].n_metrics; q++)
				if (!strcmp(c->priv[t].metrics[q].name, p0->metrics[k].name))
					sum += c->priv[t].metrics[q].value;
		s->meta[k] = p0->metrics[k];
		s->metric[k][s->n] = counter_value(p0->metrics[k].kind, sum, c->iters, nt, e);
	}
	size_t nm = p0->n_metrics;
	if (c->hists) {
		/* all threads' iterations in one histogram */
		for (int t = 1; t < nt; t++)
			tach_histogram_merge(&c->hists[0], &c->hists[t]);
		static const struct {
			const char *name;
			double q;
		} lat[] = {{TACH_M_LATENCY_P50, 50},  {TACH_M_LATENCY_P90, 90},
		           {TACH_M_LATENCY_P95, 95},  {TACH_M_LATENCY_P99, 99},
		           {TACH_M_LATENCY_P999, 99.9}, {"latency_max", 100}};
		for (size_t k = 0; k < 6 && nm < TACH__MAX_METRICS; k++, nm++) {
			tach__user_metric *m = &s->meta[nm];
			snprintf(m->name, sizeof m->name, "%s", lat[k].name);
			snprintf(m->unit, sizeof m->unit, "s");
			m->dir = TACH_LOWER_IS_BETTER;
			m->kind = TACH_COUNTER_TOTAL;
			s->metric[nm][s->n] = tach_histogram_percentile(&c->hists[0], lat[k].q) * 1e-9;
		}
	}
	if (nm > s->n_metrics)
		s->n_metrics = nm;
	s->n++;
	return 0;
}

int tach__bench_to_result(const tach__instance *in, const samples *s, const char *error,
                     tach_result *out)
{
	tach_benchmark *b = tach_result_add_benchmark(out, in->name);
	if (!b || tach_benchmark_set_source(b, TACH_SOURCE_LIBRARY, "tach", NULL))
		return TACH_ENOMEM;
	const tach_bench_opts *o = in->reg->opts;
	/* arg_names names the dimensions in order, comma-separated ("size,n");
	 * arg2_names, when set, names the second */
	char names[TACH_MAX_ARGS][64];
	for (int a = 0; a < TACH_MAX_ARGS; a++)
		snprintf(names[a], sizeof names[a], "arg%d", a);
	const char *list = o->arg_names ? o->arg_names : "";
	for (int a = 0; a < TACH_MAX_ARGS && *list; a++) {
		size_t len = strcspn(list, ",");
		if (len)
			snprintf(names[a], sizeof names[a], "%.*s", (int)len, list);
		list += len + (list[len] == ',');
	}
	if (o->arg2_names)
		snprintf(names[1], sizeof names[1], "%s", o->arg2_names);
	char v[32];
	for (int a = 0; a < in->n_args; a++) {
		snprintf(v, sizeof v, "%lld", (long long)in->arg[a]);
		if (tach_kvlist_set(&b->params, names[a], v))
			return TACH_ENOMEM;
	}
	if (in->show_threads) {
		snprintf(v, sizeof v, "%d", in->threads);
		if (tach_kvlist_set(&b->params, "threads", v))
			return TACH_ENOMEM;
	}
	if (error && !(b->error = strdup(error)))
		return TACH_ENOMEM;
	if (!s->n)
		return 0;
	tach_metric *t = tach_benchmark_add_metric(b, TACH_M_TIME, "s", TACH_LOWER_IS_BETTER);
	if (!t)
		return TACH_ENOMEM;
	for (size_t i = 0; i < s->n; i++)
		if (tach_metric_add_sample_iters(t, s->time[i], s->iters[i]))
			return TACH_ENOMEM;
	if (s->cpu_set) {
		tach_metric *m = tach_benchmark_add_metric(b, TACH_M_CPU_TIME, "s",
		                                           TACH_LOWER_IS_BETTER);
		for (size_t i = 0; m && i < s->n; i++)
			if (tach_metric_add_sample_iters(m, s->cpu[i], s->iters[i]))
				return TACH_ENOMEM;
		if (!m)
			return TACH_ENOMEM;
	}
	struct {
		int set;
		const char *name, *unit;
		const double *v;
	} tp[] = {{s->items_set, TACH_M_ITEMS_PER_SECOND, "/s", s->items},
	          {s->bytes_set, TACH_M_BYTES_PER_SECOND, "B/s", s->bytes}};
	for (size_t k = 0; k < 2; k++) {
		if (!tp[k].set)
			continue;
		tach_metric *m = tach_benchmark_add_metric(b, tp[k].name, tp[k].unit,
		                                           TACH_HIGHER_IS_BETTER);
		for (size_t i = 0; m && i < s->n; i++)
			if (tach_metric_add_sample(m, tp[k].v[i]))
				return TACH_ENOMEM;
		if (!m)
			return TACH_ENOMEM;
	}
	for (size_t k = 0; k < s->n_metrics; k++) {
		char unit[40];
		counter_unit(&s->meta[k], unit, sizeof unit);
		tach_metric *m = tach_benchmark_add_metric(b, s->meta[k].name, unit, s->meta[k].dir);
		for (size_t i = 0; m && i < s->n; i++)
			if (isfinite(s->metric[k][i]) && tach_metric_add_sample(m, s->metric[k][i]))
				return TACH_ENOMEM;
		if (!m)
			return TACH_ENOMEM;
	}
	return 0;
}
