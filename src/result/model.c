/* model.c - building and freeing result sets (tach/result.h).
 *
 * Benchmarks, metrics and series are allocated one by one and held in
 * arrays of pointers, so a pointer handed out by an _add function stays
 * valid while more are added.  Arrays grow by doubling.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tach/result.h"
#include "tach/version.h"
#include "result/internal.h"

int tach_meta_set(char **field, const char *value)
{
	char *copy = NULL;
	if (value && !(copy = strdup(value)))
		return TACH_ENOMEM;
	free(*field);
	*field = copy;
	return 0;
}

/* ---- key/value lists ---- */

int tach_kvlist_set(tach_kvlist *l, const char *key, const char *value)
{
	for (size_t i = 0; i < l->n; i++) {
		if (strcmp(l->items[i].key, key) == 0)
			return tach_meta_set(&l->items[i].value, value);
	}
	if (tach__grow((void **)&l->items, &l->cap, l->n + 1, sizeof *l->items))
		return TACH_ENOMEM;
	char *k = strdup(key), *v = strdup(value ? value : "");
	if (!k || !v) {
		free(k);
		free(v);
		return TACH_ENOMEM;
	}
	l->items[l->n].key = k;
	l->items[l->n].value = v;
	l->n++;
	return 0;
}

int tach_kvlist_copy(tach_kvlist *dst, const tach_kvlist *src)
{
	for (size_t i = 0; src && i < src->n; i++)
		if (tach_kvlist_set(dst, src->items[i].key, src->items[i].value))
			return TACH_ENOMEM;
	return 0;
}

const char *tach_kvlist_get(const tach_kvlist *l, const char *key)
{
	for (size_t i = 0; i < l->n; i++)
		if (strcmp(l->items[i].key, key) == 0)
			return l->items[i].value;
	return NULL;
}

void tach_kvlist_release(tach_kvlist *l)
{
	for (size_t i = 0; i < l->n; i++) {
		free(l->items[i].key);
		free(l->items[i].value);
	}
	free(l->items);
	l->items = NULL;
	l->n = l->cap = 0;
}

static int kvlist_equal(const tach_kvlist *a, const tach_kvlist *b)
{
	if (a->n != b->n)
		return 0;
	for (size_t i = 0; i < a->n; i++)
		if (strcmp(a->items[i].key, b->items[i].key) ||
		    strcmp(a->items[i].value, b->items[i].value))
			return 0;
	return 1;
}

/* ---- result sets ---- */

tach_result *tach_result_new(void)
{
	tach_result *r = calloc(1, sizeof *r);
	if (!r)
		return NULL;
	r->meta.format = TACH_FORMAT_VERSION;
	r->meta.git_dirty = -1;
	if (tach_meta_set(&r->meta.tool, "tach") ||
	    tach_meta_set(&r->meta.tool_version, TACH_VERSION_STRING)) {
		tach_result_free(r);
		return NULL;
	}
	return r;
}

static void series_free(tach_series *s)
{
	if (!s)
		return;
	free(s->t);
	free(s->v);
	free(s);
}

static void metric_free(tach_metric *m)
{
	if (!m)
		return;
	free(m->name);
	free(m->unit);
	free(m->samples);
	free(m->iterations);
	for (size_t i = 0; i < m->n_series; i++)
		series_free(m->series[i]);
	free(m->series);
	free(m);
}

void tach__benchmark_free(tach_benchmark *b)
{
	if (!b)
		return;
	free(b->name);
	tach_kvlist_release(&b->params);
	free(b->source.tool);
	free(b->source.command);
	free(b->error);
	free(b->skipped);
	for (size_t i = 0; i < b->n_metrics; i++)
		metric_free(b->metrics[i]);
	free(b->metrics);
	free(b);
}

void tach__meta_release(tach_meta *m)
{
	char **strings[] = {
		&m->tool, &m->tool_version, &m->timestamp, &m->git_commit,
		&m->git_branch, &m->hostname, &m->os, &m->kernel,
		&m->cpu_model, &m->compiler, &m->compiler_flags, &m->testbed,
	};
	for (size_t i = 0; i < sizeof strings / sizeof *strings; i++) {
		free(*strings[i]);
		*strings[i] = NULL;
	}
	tach_kvlist_release(&m->labels);
	tach_kvlist_release(&m->context);
}

int tach_benchmark_remove_metric(tach_benchmark *b, const char *name)
{
	for (size_t i = 0; i < b->n_metrics; i++)
		if (!strcmp(b->metrics[i]->name, name)) {
			metric_free(b->metrics[i]);
			memmove(&b->metrics[i], &b->metrics[i + 1],
			        (b->n_metrics - i - 1) * sizeof b->metrics[0]);
			b->n_metrics--;
			return 1;
		}
	return 0;
}

int tach_result_remove_benchmark(tach_result *r, size_t i)
{
	if (i >= r->n_benchmarks)
		return 0;
	tach__benchmark_free(r->benchmarks[i]);
	memmove(&r->benchmarks[i], &r->benchmarks[i + 1],
	        (r->n_benchmarks - i - 1) * sizeof r->benchmarks[0]);
	r->n_benchmarks--;
	return 1;
}

void tach_result_free(tach_result *r)
{
	if (!r)
		return;
	tach__meta_release(&r->meta);
	for (size_t i = 0; i < r->n_benchmarks; i++)
		tach__benchmark_free(r->benchmarks[i]);
	free(r->benchmarks);
	tach__fits_free(r);
	free(r);
}

tach_benchmark *tach_result_add_benchmark(tach_result *r, const char *name)
{
	if (tach__grow((void **)&r->benchmarks, &r->cap_benchmarks,
	               r->n_benchmarks + 1, sizeof *r->benchmarks))
		return NULL;
	tach_benchmark *b = calloc(1, sizeof *b);
	if (!b || !(b->name = strdup(name))) {
		free(b);
		return NULL;
	}
	r->benchmarks[r->n_benchmarks++] = b;
	return b;
}

int tach_result_take(tach_result *dst, tach_result *src, const char *prefix)
{
	if (tach__grow((void **)&dst->benchmarks, &dst->cap_benchmarks,
	               dst->n_benchmarks + src->n_benchmarks, sizeof *dst->benchmarks) ||
	    tach__grow((void **)&dst->fits, &dst->cap_fits, dst->n_fits + src->n_fits,
	               sizeof *dst->fits))
		return TACH_ENOMEM;
	/* every name that moves (the benchmarks', each fit's and the names it
	 * lists), renamed first, so that running out of memory changes nothing */
	size_t k = src->n_benchmarks;
	for (size_t i = 0; i < src->n_fits; i++)
		k += 1 + src->fits[i]->n_benchmarks;
	int rename = prefix && *prefix;
	char ***slots = rename ? malloc((k ? k : 1) * sizeof *slots) : NULL;
	char **names = rename ? calloc(k ? k : 1, sizeof *names) : NULL;
	if (rename && (!slots || !names)) {
		free(slots);
		free(names);
		return TACH_ENOMEM;
	}
	size_t s = 0;
	for (size_t i = 0; rename && i < src->n_benchmarks; i++)
		slots[s++] = &src->benchmarks[i]->name;
	for (size_t i = 0; rename && i < src->n_fits; i++) {
		slots[s++] = &src->fits[i]->name;
		for (size_t b = 0; b < src->fits[i]->n_benchmarks; b++)
			slots[s++] = &src->fits[i]->benchmarks[b];
	}
	for (size_t i = 0; rename && i < k; i++) {
		size_t len = strlen(prefix) + 1 + strlen(*slots[i]) + 1;
		if (!(names[i] = malloc(len))) {
			for (size_t m = 0; m < i; m++)
				free(names[m]);
			free(names);
			free(slots);
			return TACH_ENOMEM;
		}
		snprintf(names[i], len, "%s/%s", prefix, *slots[i]);
	}
	for (size_t i = 0; rename && i < k; i++) {
		free(*slots[i]);
		*slots[i] = names[i];
	}
	free(names);
	free(slots);
	for (size_t i = 0; i < src->n_benchmarks; i++)
		dst->benchmarks[dst->n_benchmarks++] = src->benchmarks[i];
	for (size_t i = 0; i < src->n_fits; i++)
		dst->fits[dst->n_fits++] = src->fits[i];
	src->n_benchmarks = 0;
	src->n_fits = 0;
	return 0;
}

tach_benchmark *tach_result_find(const tach_result *r, const char *name,
                                 const tach_kvlist *params)
{
	for (size_t i = 0; i < r->n_benchmarks; i++) {
		tach_benchmark *b = r->benchmarks[i];
		if (strcmp(b->name, name) == 0 &&
		    (!params || kvlist_equal(&b->params, params)))
			return b;
	}
	return NULL;
}

tach_benchmark *tach_result_find_at(const tach_result *r, const char *name,
                                    const tach_kvlist *params, size_t hint)
{
	if (hint < r->n_benchmarks) {
		tach_benchmark *b = r->benchmarks[hint];
		if (!strcmp(b->name, name) && (!params || kvlist_equal(&b->params, params)))
			return b;
	}
	return tach_result_find(r, name, params);
}

/* Orders benchmarks by name, then parameters taken in key order (the
 * order they were given in does not tell two benchmarks apart: compare
 * pairs {a=1, b=2} with {b=2, a=1}), then index (so equal ones stay in
 * file order). */
typedef struct bench_ref {
	const tach_benchmark *b;
	size_t i;
	const size_t *by_key; /* b's parameter indices in key order */
} bench_ref;

static int compare_refs(const void *pa, const void *pb)
{
	const bench_ref *a = pa, *b = pb;
	const tach_kvlist *x = &a->b->params, *y = &b->b->params;
	int c = strcmp(a->b->name, b->b->name);
	for (size_t k = 0; !c && k < x->n && k < y->n; k++) {
		size_t i = a->by_key[k], j = b->by_key[k];
		c = strcmp(x->items[i].key, y->items[j].key);
		if (!c)
			c = strcmp(x->items[i].value, y->items[j].value);
	}
	if (!c)
		c = (x->n > y->n) - (x->n < y->n);
	return c ? c : (a->i > b->i) - (a->i < b->i);
}

/* An insertion sort of l's indices by key: parameter lists are short. */
static void sort_by_key(const tach_kvlist *l, size_t *idx)
{
	for (size_t i = 0; i < l->n; i++) {
		size_t v = idx[i] = i, j = i;
		for (; j > 0 && strcmp(l->items[idx[j - 1]].key, l->items[v].key) > 0; j--)
			idx[j] = idx[j - 1];
		idx[j] = v;
	}
}

int tach_result_duplicate(const tach_result *r, size_t *first, size_t *second)
{
	size_t n = r->n_benchmarks, total = 0;
	if (n < 2)
		return 0;
	for (size_t i = 0; i < n; i++)
		total += r->benchmarks[i]->params.n;
	bench_ref *refs = malloc(n * sizeof *refs);
	size_t *order = malloc((total ? total : 1) * sizeof *order);
	if (!refs || !order) {
		free(refs);
		free(order);
		return TACH_ENOMEM;
	}
	for (size_t i = 0, at = 0; i < n; i++) {
		refs[i] = (bench_ref){r->benchmarks[i], i, order + at};
		sort_by_key(&r->benchmarks[i]->params, order + at);
		at += r->benchmarks[i]->params.n;
	}
	qsort(refs, n, sizeof *refs, compare_refs);
	int found = 0;
	for (size_t k = 1; k < n; k++) {
		bench_ref prev = refs[k - 1], cur = refs[k];
		prev.i = cur.i; /* equal but for the index */
		if (compare_refs(&prev, &cur))
			continue;
		/* a run of equal ones is in index order, so its first pair
		 * has the earliest second */
		if (!found || refs[k].i < *second) {
			*first = refs[k - 1].i;
			*second = refs[k].i;
			found = 1;
		}
	}
	free(refs);
	free(order);
	return found;
}

int tach_benchmark_set_source(tach_benchmark *b, tach_source_kind kind,
                              const char *tool, const char *command)
{
	b->source.kind = kind;
	if (tach_meta_set(&b->source.tool, tool) ||
	    tach_meta_set(&b->source.command, command))
		return TACH_ENOMEM;
	return 0;
}

tach_metric *tach_benchmark_add_metric(tach_benchmark *b, const char *name,
                                       const char *unit, tach_direction dir)
{
	if (tach__grow((void **)&b->metrics, &b->cap_metrics, b->n_metrics + 1,
	               sizeof *b->metrics))
		return NULL;
	tach_metric *m = calloc(1, sizeof *m);
	if (!m)
		return NULL;
	m->name = strdup(name);
	m->unit = strdup(unit);
	if (!m->name || !m->unit) {
		metric_free(m);
		return NULL;
	}
	m->direction = dir;
	b->metrics[b->n_metrics++] = m;
	return m;
}

tach_metric *tach_benchmark_metric(const tach_benchmark *b, const char *name)
{
	for (size_t i = 0; i < b->n_metrics; i++)
		if (strcmp(b->metrics[i]->name, name) == 0)
			return b->metrics[i];
	return NULL;
}

int tach_metric_add_sample(tach_metric *m, double value)
{
	if (m->iterations)
		return tach_metric_add_sample_iters(m, value, 0);
	if (tach__grow((void **)&m->samples, &m->cap_samples, m->n_samples + 1,
	               sizeof *m->samples))
		return TACH_ENOMEM;
	m->samples[m->n_samples++] = value;
	return 0;
}

int tach_metric_add_sample_iters(tach_metric *m, double value,
                                 uint64_t iterations)
{
	int first = m->iterations == NULL;
	if (tach__grow((void **)&m->iterations, &m->cap_iterations,
	               m->n_samples + 1, sizeof *m->iterations))
		return TACH_ENOMEM;
	if (first) /* earlier samples' counts are unknown */
		memset(m->iterations, 0, m->n_samples * sizeof *m->iterations);
	if (tach__grow((void **)&m->samples, &m->cap_samples, m->n_samples + 1,
	               sizeof *m->samples))
		return TACH_ENOMEM;
	m->iterations[m->n_samples] = iterations;
	m->samples[m->n_samples++] = value;
	return 0;
}

tach_series *tach_metric_add_series(tach_metric *m, size_t sample)
{
	if (tach__grow((void **)&m->series, &m->cap_series, m->n_series + 1,
	               sizeof *m->series))
		return NULL;
	tach_series *s = calloc(1, sizeof *s);
	if (!s)
		return NULL;
	s->sample = sample;
	m->series[m->n_series++] = s;
	return s;
}

int tach_series_add(tach_series *s, double t, double v)
{
	size_t cap = s->cap;
	if (tach__grow((void **)&s->t, &s->cap, s->n + 1, sizeof *s->t))
		return TACH_ENOMEM;
	if (cap != s->cap) {
		double *nv = realloc(s->v, s->cap * sizeof *nv);
		if (!nv) {
			s->cap = cap; /* t grew, v did not: keep the smaller */
			return TACH_ENOMEM;
		}
		s->v = nv;
	}
	s->t[s->n] = t;
	s->v[s->n++] = v;
	return 0;
}

/* ---- well-known metrics ---- */

static const struct {
	const char *name, *unit;
	tach_direction dir;
} known_metrics[] = {
	{TACH_M_TIME, "s", TACH_LOWER_IS_BETTER},
	{TACH_M_CPU_TIME, "s", TACH_LOWER_IS_BETTER},
	{TACH_M_USER_TIME, "s", TACH_LOWER_IS_BETTER},
	{TACH_M_SYSTEM_TIME, "s", TACH_LOWER_IS_BETTER},
	{TACH_M_PEAK_RSS, "B", TACH_LOWER_IS_BETTER},
	{TACH_M_TREE_PEAK_MEMORY, "B", TACH_LOWER_IS_BETTER},
	{TACH_M_CPU_PERCENT, "%", TACH_LOWER_IS_BETTER},
	{TACH_M_BYTES_PER_OP, "B", TACH_LOWER_IS_BETTER},
	{TACH_M_ALLOCS_PER_OP, "count", TACH_LOWER_IS_BETTER},
	{TACH_M_NET_HEAP_GROWTH_PER_OP, "B", TACH_LOWER_IS_BETTER},
	{TACH_M_MAX_BYTES_USED, "B", TACH_LOWER_IS_BETTER},
	{TACH_M_ITEMS_PER_SECOND, "/s", TACH_HIGHER_IS_BETTER},
	{TACH_M_BYTES_PER_SECOND, "B/s", TACH_HIGHER_IS_BETTER},
	{TACH_M_LATENCY_P50, "s", TACH_LOWER_IS_BETTER},
	{TACH_M_LATENCY_P90, "s", TACH_LOWER_IS_BETTER},
	{TACH_M_LATENCY_P95, "s", TACH_LOWER_IS_BETTER},
	{TACH_M_LATENCY_P99, "s", TACH_LOWER_IS_BETTER},
	{TACH_M_LATENCY_P999, "s", TACH_LOWER_IS_BETTER},
	{TACH_M_LATENCY_MAX, "s", TACH_LOWER_IS_BETTER},
	{TACH_M_SERVICE_TIME_P50, "s", TACH_LOWER_IS_BETTER},
	{TACH_M_SERVICE_TIME_P90, "s", TACH_LOWER_IS_BETTER},
	{TACH_M_SERVICE_TIME_P99, "s", TACH_LOWER_IS_BETTER},
	{TACH_M_SERVICE_TIME_P999, "s", TACH_LOWER_IS_BETTER},
	{TACH_M_SERVICE_TIME_MAX, "s", TACH_LOWER_IS_BETTER},
	{TACH_M_ACHIEVED_RATE, "/s", TACH_HIGHER_IS_BETTER},
	{TACH_M_LATE_STARTS, "count", TACH_LOWER_IS_BETTER},
	{TACH_M_PEAK_IN_FLIGHT, "count", TACH_LOWER_IS_BETTER},
	{TACH_M_FAILURES, "count", TACH_LOWER_IS_BETTER},
	{TACH_M_DROPPED_STARTS, "count", TACH_LOWER_IS_BETTER},
	{TACH_M_START_LATENESS_P50, "s", TACH_LOWER_IS_BETTER},
	{TACH_M_START_LATENESS_P99, "s", TACH_LOWER_IS_BETTER},
	{TACH_M_START_LATENESS_MAX, "s", TACH_LOWER_IS_BETTER},
};

int tach_metric_known(const char *name, const char **unit, tach_direction *dir)
{
	for (size_t i = 0; i < sizeof known_metrics / sizeof *known_metrics; i++) {
		if (strcmp(known_metrics[i].name, name) == 0) {
			if (unit)
				*unit = known_metrics[i].unit;
			if (dir)
				*dir = known_metrics[i].dir;
			return 1;
		}
	}
	return 0;
}

/* ---- gathering rounds of one measurement ---- */

int tach_benchmark_append_samples(tach_benchmark *dst, const tach_benchmark *src)
{
	for (size_t i = 0; i < src->n_metrics; i++) {
		const tach_metric *m = src->metrics[i];
		tach_metric *d = tach_benchmark_metric(dst, m->name);
		if (!d && !(d = tach_benchmark_add_metric(dst, m->name, m->unit, m->direction)))
			return TACH_ENOMEM;
		/* pooled instruction counts stay exact, unresolved times stay so */
		d->flags |= m->flags;
		for (size_t k = 0; k < m->n_samples; k++)
			if (m->iterations ? tach_metric_add_sample_iters(d, m->samples[k], m->iterations[k])
			                  : tach_metric_add_sample(d, m->samples[k]))
				return TACH_ENOMEM;
	}
	if (src->error && !dst->error && tach_meta_set(&dst->error, src->error))
		return TACH_ENOMEM;
	return 0;
}

int tach_result_append_samples(tach_result *dst, const tach_result *src)
{
	for (size_t i = 0; i < src->n_benchmarks; i++) {
		const tach_benchmark *b = src->benchmarks[i];
		tach_benchmark *d = tach_result_find_at(dst, b->name, &b->params, i);
		if (!d && (!(d = tach_result_add_benchmark(dst, b->name)) ||
		           tach_benchmark_set_source(d, b->source.kind, b->source.tool,
		                                     b->source.command) ||
		           tach_kvlist_copy(&d->params, &b->params)))
			return TACH_ENOMEM;
		int rc = tach_benchmark_append_samples(d, b);
		if (rc)
			return rc;
	}
	return 0;
}
