/* encode.c - how a result set is laid out in the store, the same for
 * SQLite and PostgreSQL.
 *
 * Samples are one packed blob per metric (little-endian doubles), not a
 * row per sample: adding a run of 200 benchmarks x 3 metrics x 20 samples
 * is then 600 metric rows instead of 12,000 sample rows, and a series
 * query reads the stored median without touching the samples at all
 * (bench/bench_store measures both layouts).
 */
#include <fnmatch.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tach/result.h"
#include "store/internal.h"
#include "util/json_load.h"

static void put64(unsigned char *p, uint64_t v)
{
	for (int i = 0; i < 8; i++)
		p[i] = (unsigned char)(v >> (8 * i));
}

static uint64_t get64(const unsigned char *p)
{
	uint64_t v = 0;
	for (int i = 0; i < 8; i++)
		v |= (uint64_t)p[i] << (8 * i);
	return v;
}

static uint64_t bits(double d)
{
	uint64_t u;
	memcpy(&u, &d, sizeof u);
	return u;
}

static double from_bits(uint64_t u)
{
	double d;
	memcpy(&d, &u, sizeof d);
	return d;
}

unsigned char *tach__pack_doubles(const double *v, size_t n, size_t *len)
{
	*len = n * 8;
	unsigned char *b = malloc(n ? n * 8 : 1);
	for (size_t i = 0; b && i < n; i++)
		put64(b + 8 * i, bits(v[i]));
	return b;
}

unsigned char *tach__pack_u64(const uint64_t *v, size_t n, size_t *len)
{
	*len = n * 8;
	unsigned char *b = malloc(n ? n * 8 : 1);
	for (size_t i = 0; b && i < n; i++)
		put64(b + 8 * i, v[i]);
	return b;
}

int tach__unpack_samples(tach_metric *m, const unsigned char *blob, size_t len,
                         const unsigned char *iters, size_t ilen)
{
	if (len % 8 || (ilen && ilen != len))
		return TACH_EFORMAT;
	for (size_t i = 0; i < len / 8; i++) {
		double v = from_bits(get64(blob + 8 * i));
		int rc = ilen ? tach_metric_add_sample_iters(m, v, get64(iters + 8 * i))
		              : tach_metric_add_sample(m, v);
		if (rc)
			return rc;
	}
	return 0;
}

unsigned char *tach__pack_series(const tach_metric *m, size_t *len, int *oom)
{
	*len = 0;
	*oom = 0;
	if (!m->n_series)
		return NULL;
	size_t size = 8;
	for (size_t i = 0; i < m->n_series; i++)
		size += 16 + 16 * m->series[i]->n;
	unsigned char *b = malloc(size), *p = b;
	if (!b) {
		*oom = 1;
		return NULL;
	}
	put64(p, m->n_series);
	p += 8;
	for (size_t i = 0; i < m->n_series; i++) {
		const tach_series *s = m->series[i];
		put64(p, s->sample);
		put64(p + 8, s->n);
		p += 16;
		for (size_t k = 0; k < s->n; k++, p += 8)
			put64(p, bits(s->t[k]));
		for (size_t k = 0; k < s->n; k++, p += 8)
			put64(p, bits(s->v[k]));
	}
	*len = size;
	return b;
}

int tach__unpack_series(tach_metric *m, const unsigned char *b, size_t len)
{
	if (!len)
		return 0;
	if (len < 8)
		return TACH_EFORMAT;
	uint64_t count = get64(b);
	size_t at = 8;
	for (uint64_t i = 0; i < count; i++) {
		if (len - at < 16)
			return TACH_EFORMAT;
		uint64_t sample = get64(b + at), n = get64(b + at + 8);
		at += 16;
		if (n > (len - at) / 16)
			return TACH_EFORMAT;
		tach_series *s = tach_metric_add_series(m, (size_t)sample);
		if (!s)
			return TACH_ENOMEM;
		for (uint64_t k = 0; k < n; k++)
			if (tach_series_add(s, from_bits(get64(b + at + 8 * k)),
			                    from_bits(get64(b + at + 8 * (n + k)))))
				return TACH_ENOMEM;
		at += 16 * n;
	}
	return at == len ? 0 : TACH_EFORMAT;
}

static int by_key(const void *a, const void *b)
{
	return strcmp((*(const tach_kv *const *)a)->key, (*(const tach_kv *const *)b)->key);
}

char *tach__params_key(const tach_kvlist *params)
{
	/* each netstring is its bytes, its length (at most 20 digits) and ":," */
	size_t size = 1;
	const tach_kv **order = malloc((params->n + 1) * sizeof *order);
	if (!order)
		return NULL;
	for (size_t i = 0; i < params->n; i++) {
		order[i] = &params->items[i];
		size += strlen(params->items[i].key) + strlen(params->items[i].value) + 2 * 22;
	}
	qsort(order, params->n, sizeof *order, by_key);
	char *key = malloc(size), *p = key;
	for (size_t i = 0; key && i < params->n; i++)
		p += sprintf(p, "%zu:%s,%zu:%s,", strlen(order[i]->key), order[i]->key,
		             strlen(order[i]->value), order[i]->value);
	if (key)
		*p = 0;
	free(order);
	return key;
}

char *tach__params_json(const tach_kvlist *params)
{
	json_t *o = json_object();
	for (size_t i = 0; o && i < params->n; i++)
		if (json_object_set_new(o, params->items[i].key, json_string(params->items[i].value))) {
			json_decref(o);
			return NULL;
		}
	char *text = o ? json_dumps(o, JSON_PRESERVE_ORDER | JSON_COMPACT) : NULL;
	json_decref(o);
	return text;
}

int tach__params_from_json(tach_kvlist *params, const char *text)
{
	int rc;
	json_t *o = tach__json_loadb(text, strlen(text), NULL, &rc);
	if (!json_is_object(o)) {
		json_decref(o);
		return rc == TACH_ENOMEM ? rc : TACH_EFORMAT;
	}
	const char *k;
	json_t *v;
	rc = 0;
	json_object_foreach(o, k, v) {
		if (!rc && json_is_string(v))
			rc = tach_kvlist_set(params, k, json_string_value(v));
	}
	json_decref(o);
	return rc;
}

/* r as results-format text into *out (malloc'd): 0, TACH_ENOMEM, or the
 * writer's error for a set that does not validate. */
static int result_text(const tach_result *r, char **out)
{
	size_t len = 0;
	*out = NULL;
	FILE *f = open_memstream(out, &len);
	if (!f)
		return TACH_ENOMEM;
	int rc = tach_result_write(r, f, NULL);
	if (fclose(f) && !rc)
		rc = TACH_ENOMEM;
	if (rc) {
		free(*out);
		*out = NULL;
	}
	return rc;
}

char *tach__meta_json(const tach_result *r, const tach_kvlist *labels)
{
	/* the results writer knows every field; a set with no benchmarks
	 * carries just the metadata */
	tach_result copy = {.meta = r->meta};
	tach_kvlist merged = {0};
	char *text = NULL;
	if (!tach_kvlist_copy(&merged, &r->meta.labels) && !tach_kvlist_copy(&merged, labels)) {
		copy.meta.labels = merged;
		result_text(&copy, &text);
	}
	tach_kvlist_release(&merged);
	return text;
}

int tach__meta_from_json(tach_result *r, const char *json, tach_error *err)
{
	tach_result *m;
	int rc = tach_result_read_buffer(json, strlen(json), "(stored metadata)", &m, err);
	if (rc)
		return rc;
	/* swapped, so that freeing m releases r's old metadata */
	tach_meta old = r->meta;
	r->meta = m->meta;
	m->meta = old;
	tach_result_free(m);
	return 0;
}

int tach__fits_json(const tach_result *r, char **out)
{
	*out = NULL;
	if (!r->n_fits)
		return 0;
	/* the results writer knows every field of a fit and checks it; a
	 * set with no benchmarks and no metadata carries just the fits */
	tach_result copy = {.fits = r->fits, .n_fits = r->n_fits};
	copy.meta.git_dirty = -1;
	return result_text(&copy, out);
}

int tach__fits_from_json(tach_result *r, const char *json, tach_error *err)
{
	tach_result *m;
	int rc = tach_result_read_buffer(json, strlen(json), "(stored complexity)", &m, err);
	if (rc)
		return rc;
	/* swapped, so that freeing m releases r's fits (none) */
	tach_fit **fits = r->fits;
	size_t n = r->n_fits, cap = r->cap_fits;
	r->fits = m->fits, r->n_fits = m->n_fits, r->cap_fits = m->cap_fits;
	m->fits = fits, m->n_fits = n, m->cap_fits = cap;
	tach_result_free(m);
	return 0;
}

const char *tach__testbed_of_meta(const char *json, char *buf, size_t size)
{
	tach_result *r = tach_result_new();
	tach_error e;
	if (r && json && tach__meta_from_json(r, json, &e) == 0)
		tach_meta_testbed(&r->meta, buf, size);
	else
		snprintf(buf, size, "unknown");
	tach_result_free(r);
	return buf;
}

char *tach__bench_json(const tach_benchmark *b)
{
	json_t *o = json_object();
	if (!o)
		return NULL;
	/* a failed set (out of memory) must fail the whole run's add, never
	 * store the benchmark without its tool or error text */
	int bad = json_object_set_new(o, "kind", json_integer(b->source.kind));
	if (b->source.tool)
		bad |= json_object_set_new(o, "tool", json_string(b->source.tool));
	if (b->source.command)
		bad |= json_object_set_new(o, "command", json_string(b->source.command));
	if (b->error)
		bad |= json_object_set_new(o, "error", json_string(b->error));
	if (b->skipped)
		bad |= json_object_set_new(o, "skipped", json_string(b->skipped));
	/* how many metric rows belong to it: a read that finds fewer has
	 * met a damaged store */
	bad |= json_object_set_new(o, "metrics", json_integer((json_int_t)b->n_metrics));
	char *text = bad ? NULL : json_dumps(o, JSON_PRESERVE_ORDER | JSON_COMPACT);
	json_decref(o);
	return text;
}

int tach__bench_from_json(tach_benchmark *b, const char *text, long long *n_metrics)
{
	*n_metrics = -1;
	int rc;
	json_t *o = tach__json_loadb(text, strlen(text), NULL, &rc);
	if (!json_is_object(o)) {
		json_decref(o);
		return rc == TACH_ENOMEM ? rc : TACH_EFORMAT;
	}
	rc = tach_benchmark_set_source(b, (tach_source_kind)json_integer_value(json_object_get(o, "kind")),
	                                   json_string_value(json_object_get(o, "tool")),
	                                   json_string_value(json_object_get(o, "command")));
	const char *e = json_string_value(json_object_get(o, "error"));
	const char *s = json_string_value(json_object_get(o, "skipped"));
	if (!rc && e)
		rc = tach_meta_set(&b->error, e);
	if (!rc && s)
		rc = tach_meta_set(&b->skipped, s);
	if (json_is_integer(json_object_get(o, "metrics")))
		*n_metrics = json_integer_value(json_object_get(o, "metrics"));
	json_decref(o);
	return rc;
}

int tach__glob(const char *glob, const char *text)
{
	return !glob || fnmatch(glob, text, 0) == 0;
}
