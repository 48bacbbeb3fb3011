/* load.c - the sweeps of a result set and their knees (tach/load.h): the
 * benchmarks of one workload at several set rates, ordered by rate, with
 * the highest rate before latency takes off and the first rate that was
 * not kept up.
 */
#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "tach/load.h"
#include "util/util.h"

static double value(const tach_benchmark *b, const char *name)
{
	const tach_metric *m = tach_benchmark_metric(b, name);
	if (!m || !m->n_samples)
		return NAN;
	double sum = 0;
	for (size_t i = 0; i < m->n_samples; i++)
		sum += m->samples[i];
	return sum / (double)m->n_samples;
}

/* The set rate of b, or 0 when it has none. */
static double rate_of(const tach_benchmark *b)
{
	const char *v = tach_kvlist_get(&b->params, "rate");
	char *end;
	double r = v ? strtod(v, &end) : 0;
	return v && end != v && !*end && r > 0 && isfinite(r) ? r : 0;
}

/* Name less "/rate:..." (up to the next '/') and the other parameters:
 * what the benchmarks of one sweep share.  Caller frees. */
static char *sweep_key(const tach_benchmark *b, int with_params)
{
	size_t cap = strlen(b->name) + 2;
	for (size_t i = 0; with_params && i < b->params.n; i++)
		cap += strlen(b->params.items[i].key) + strlen(b->params.items[i].value) + 2;
	char *k = malloc(cap), *p = k;
	if (!k)
		return NULL;
	const char *r = strstr(b->name, "/rate:");
	if (r) {
		memcpy(p, b->name, (size_t)(r - b->name));
		p += r - b->name;
		const char *rest = strchr(r + 1, '/');
		if (rest) {
			strcpy(p, rest);
			p += strlen(rest);
		}
	} else {
		strcpy(p, b->name);
		p += strlen(b->name);
	}
	*p = 0;
	for (size_t i = 0; with_params && i < b->params.n; i++) {
		const tach_kv *kv = &b->params.items[i];
		if (!strcmp(kv->key, "rate"))
			continue;
		/* \x1f cannot be in a name written by tach: the unit separator */
		p += sprintf(p, "\x1f%s=%s", kv->key, kv->value);
	}
	return k;
}

static int by_rate(const void *a, const void *b)
{
	double x = ((const tach_load_point *)a)->rate, y = ((const tach_load_point *)b)->rate;
	return (x > y) - (x < y);
}

static void analyse(tach_load_sweep *s, double factor)
{
	qsort(s->points, s->n, sizeof *s->points, by_rate);
	s->knee = s->first_unsustained = SIZE_MAX;
	for (size_t i = 0; i < s->n; i++)
		if (!s->points[i].sustained) {
			s->first_unsustained = i;
			break;
		}
	double base = s->n ? s->points[0].p99 : NAN;
	if (!(base >= 0))
		return;
	for (size_t i = 0; i < s->n; i++) {
		const tach_load_point *p = &s->points[i];
		if (!p->sustained || !(p->p99 <= factor * base))
			break;
		s->knee = i;
	}
}

int tach_load_sweeps(const tach_result *r, double factor, tach_load_sweep **out, size_t *n)
{
	*out = NULL;
	*n = 0;
	if (!(factor > 0))
		factor = TACH_LOAD_KNEE_FACTOR;
	tach_load_sweep *sw = NULL;
	size_t ns = 0;
	char **keys = calloc(r->n_benchmarks ? r->n_benchmarks : 1, sizeof *keys);
	if (!keys)
		return TACH_ENOMEM;
	int rc = 0;
	for (size_t i = 0; i < r->n_benchmarks && !rc; i++) {
		const tach_benchmark *b = r->benchmarks[i];
		double rate = rate_of(b);
		if (!rate)
			continue;
		char *key = sweep_key(b, 1);
		if (!key) {
			rc = TACH_ENOMEM;
			break;
		}
		size_t j = 0;
		while (j < ns && strcmp(keys[j], key))
			j++;
		if (j == ns) {
			tach_load_sweep *g = realloc(sw, (ns + 1) * sizeof *sw);
			if (!g) {
				free(key);
				rc = TACH_ENOMEM;
				break;
			}
			sw = g;
			memset(&sw[ns], 0, sizeof *sw);
			if (!(sw[ns].name = sweep_key(b, 0))) {
				free(key);
				rc = TACH_ENOMEM;
				break;
			}
			keys[ns++] = key;
		} else {
			free(key);
		}
		tach_load_sweep *s = &sw[j];
		tach_load_point *pts = realloc(s->points, (s->n + 1) * sizeof *pts);
		if (!pts) {
			rc = TACH_ENOMEM;
			break;
		}
		s->points = pts;
		tach_load_point *p = &pts[s->n++];
		p->bench = b;
		p->rate = rate;
		p->achieved = value(b, TACH_M_ACHIEVED_RATE);
		p->p50 = value(b, TACH_M_LATENCY_P50);
		p->p90 = value(b, TACH_M_LATENCY_P90);
		p->p99 = value(b, TACH_M_LATENCY_P99);
		p->p999 = value(b, TACH_M_LATENCY_P999);
		p->service_p90 = value(b, TACH_M_SERVICE_TIME_P90);
		double dropped = value(b, TACH_M_DROPPED_STARTS);
		p->sustained = p->achieved >= TACH_LOAD_SUSTAINED_SHARE * rate && !(dropped > 0);
	}
	for (size_t j = 0; j < ns; j++)
		free(keys[j]);
	free(keys);
	if (rc) {
		tach_load_sweeps_free(sw, ns);
		return rc;
	}
	for (size_t j = 0; j < ns; j++)
		analyse(&sw[j], factor);
	*out = sw;
	*n = ns;
	return 0;
}

void tach_load_sweeps_free(tach_load_sweep *s, size_t n)
{
	if (!s)
		return;
	for (size_t i = 0; i < n; i++) {
		free(s[i].name);
		free(s[i].points);
	}
	free(s);
}
