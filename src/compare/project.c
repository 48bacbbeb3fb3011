/* project.c - one result set seen as several, one per value of a key
 * (`tach compare --col threads FILE`): the benchmarks with threads=1 form
 * the first set, those with threads=2 the second, each without the key,
 * so that a comparison of the sets lines up a benchmark's threads=1 and
 * threads=2 versions as benchstat's projections (-col) do.
 */
#include <stdlib.h>
#include <string.h>

#include "tach/compare.h"
#include "compare/internal.h"
#include "util/util.h"

/* The set of value v[0..len), added when new. */
static tach_result *set_for(tach_projection *p, size_t *cap, const char *v, size_t len)
{
	for (size_t i = 0; i < p->n; i++)
		if (strlen(p->values[i]) == len && !strncmp(p->values[i], v, len))
			return p->sets[i];
	size_t vcap = *cap;
	if (tach__grow((void **)&p->sets, cap, p->n + 1, sizeof *p->sets) ||
	    tach__grow((void **)&p->values, &vcap, p->n + 1, sizeof *p->values))
		return NULL;
	char *copy = malloc(len + 1);
	tach_result *r = copy ? tach_result_new() : NULL;
	if (!r) {
		free(copy);
		return NULL;
	}
	memcpy(copy, v, len);
	copy[len] = 0;
	p->values[p->n] = copy;
	p->sets[p->n++] = r;
	return r;
}

/* b without the key: its name without the part that held it, its
 * parameters without that one, and its samples. */
static int add_projected(tach_result *r, const tach_benchmark *b, const char *key,
                         const tach__key_at *at)
{
	size_t nl = strlen(b->name);
	char *name = malloc(nl + 1);
	if (!name)
		return TACH_ENOMEM;
	if (at->in_name) {
		memcpy(name, b->name, at->part);
		strcpy(name + at->part, b->name + at->part + at->part_len);
	} else {
		strcpy(name, b->name);
	}
	tach_benchmark *d = tach_result_add_benchmark(r, name);
	free(name);
	if (!d || tach_benchmark_set_source(d, b->source.kind, b->source.tool, b->source.command))
		return TACH_ENOMEM;
	for (size_t i = 0; i < b->params.n; i++)
		if (strcmp(b->params.items[i].key, key) &&
		    tach_kvlist_set(&d->params, b->params.items[i].key, b->params.items[i].value))
			return TACH_ENOMEM;
	return tach_benchmark_append_samples(d, b);
}

int tach_result_project(const tach_result *r, const char *key, tach_projection **out)
{
	*out = NULL;
	tach_projection *p = calloc(1, sizeof *p);
	if (!p)
		return TACH_ENOMEM;
	size_t cap = 0;
	int rc = 0;
	for (size_t i = 0; !rc && i < r->n_benchmarks; i++) {
		const tach_benchmark *b = r->benchmarks[i];
		tach__key_at at;
		if (!tach__bench_key(b, key, &at)) {
			p->n_without++;
			continue;
		}
		tach_result *s = set_for(p, &cap, at.value, at.len);
		rc = s ? add_projected(s, b, key, &at) : TACH_ENOMEM;
	}
	if (rc) {
		tach_projection_free(p);
		return rc;
	}
	*out = p;
	return 0;
}

void tach_projection_free(tach_projection *p)
{
	if (!p)
		return;
	for (size_t i = 0; i < p->n; i++) {
		tach_result_free(p->sets[i]);
		free(p->values[i]);
	}
	free(p->sets);
	free(p->values);
	free(p);
}
