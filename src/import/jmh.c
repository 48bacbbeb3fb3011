/* jmh.c - JMH JSON (-rf json): one benchmark per result, named by the
 * benchmark method, with the mode (thrpt, avgt, sample, ss), the @Param
 * values and a thread count above 1 as parameters.  Each measurement
 * iteration of each fork (rawData) is a sample: throughput modes land on
 * items_per_second, time modes on time, both rescaled from JMH's
 * scoreUnit.  Sample mode keeps a histogram per iteration instead
 * (rawDataHistogram); its sample is that iteration's mean, with the number
 * of calls sampled.  Secondary metrics (profilers, @AuxCounters) keep their
 * own names. */
#include <jansson.h>
#include <stdio.h>
#include <string.h>

#include "tach/tach.h"
#include "import/internal.h"

static int detect(const tach__import_input *in)
{
	json_t *first = json_array_get(in->json, 0);
	return json_is_array(in->json) && json_is_string(json_object_get(first, "benchmark")) &&
	               json_is_string(json_object_get(first, "mode")) &&
	               json_is_object(json_object_get(first, "primaryMetric"))
	           ? 2
	           : 0;
}

/* Seconds per JMH time unit word (TimeValue's spellings), or 0. */
static double jmh_seconds(const char *u, size_t len)
{
	static const struct {
		const char *word;
		double seconds;
	} extra[] = {{"hr", 3600}, {"day", 86400}};
	double s = tach__import_time_unit(u, len);
	for (size_t i = 0; !s && i < sizeof extra / sizeof *extra; i++)
		if (strlen(extra[i].word) == len && !memcmp(u, extra[i].word, len))
			s = extra[i].seconds;
	return s;
}

/* How a JMH score unit maps onto tach: the unit, the factor that turns a
 * score into it, and which way is better. */
typedef struct unit_map {
	const char *unit;
	double scale;
	tach_direction dir;
} unit_map;

/* "ops/ms" -> /s x1e3, "us/op" -> s x1e-6, "B/op" -> B, "MB/sec" (GC
 * profiler, MiB) -> B/s, "counts" -> count; any other valid custom unit as
 * it is.  0 when the unit cannot be kept. */
static int map_unit(const char *u, unit_map *m)
{
	const char *slash = strchr(u, '/');
	double t;
	m->scale = 1;
	m->dir = TACH_LOWER_IS_BETTER;
	if (slash && !strncmp(u, "ops/", 4) && (t = jmh_seconds(slash + 1, strlen(slash + 1)))) {
		m->unit = "/s", m->scale = 1 / t, m->dir = TACH_HIGHER_IS_BETTER;
		return 1;
	}
	if (slash && !strcmp(slash, "/op") && (t = jmh_seconds(u, (size_t)(slash - u)))) {
		m->unit = "s", m->scale = t;
		return 1;
	}
	if ((t = jmh_seconds(u, strlen(u)))) { /* gc.time is in ms */
		m->unit = "s", m->scale = t;
		return 1;
	}
	if (!strcmp(u, "B/op")) {
		m->unit = "B";
		return 1;
	}
	if (!strcmp(u, "MB/sec")) {
		m->unit = "B/s", m->scale = 1024.0 * 1024.0;
		return 1;
	}
	if (!strcmp(u, "counts") || !strcmp(u, "#")) {
		m->unit = "count";
		return 1;
	}
	tach_unit_class cls;
	if (tach_unit_check(u, &cls, NULL, 0))
		return 0; /* "---" of profilers that only print text, say */
	m->unit = u;
	if (cls == TACH_UNIT_RATE)
		m->dir = TACH_HIGHER_IS_BETTER;
	return 1;
}

/* Adds the metric's per-iteration values of every fork; a metric without
 * them (some profilers keep only the score) gives its score as one sample.
 * Returns 0, TACH_ENOMEM, or 1 when there is nothing numeric at all. */
static int add_metric(tach_benchmark *b, const char *name, json_t *metric, const unit_map *u)
{
	int rc = 0, any = 0;
	size_t f, i;
	json_t *fork, *v;
	json_array_foreach(json_object_get(metric, "rawData"), f, fork)
		json_array_foreach(fork, i, v)
			if (!rc && json_is_number(v)) {
				rc = tach__import_sample(b, name, u->unit, u->dir,
				                         json_number_value(v) * u->scale, 0);
				any = 1;
			}
	/* sample mode: [fork][iteration][[value, count]...] */
	json_t *iter;
	json_array_foreach(json_object_get(metric, "rawDataHistogram"), f, fork)
		json_array_foreach(fork, i, iter) {
			double sum = 0, calls = 0;
			size_t k;
			json_t *pair;
			json_array_foreach(iter, k, pair) {
				json_t *val = json_array_get(pair, 0), *cnt = json_array_get(pair, 1);
				if (json_is_number(val) && json_is_number(cnt))
					sum += json_number_value(val) * json_number_value(cnt),
						calls += json_number_value(cnt);
			}
			if (!rc && calls > 0) {
				rc = tach__import_sample(b, name, u->unit, u->dir, sum / calls * u->scale,
				                         (uint64_t)calls);
				any = 1;
			}
		}
	json_t *score = json_object_get(metric, "score");
	if (!rc && !any && json_is_number(score)) {
		rc = tach__import_sample(b, name, u->unit, u->dir, json_number_value(score) * u->scale,
		                         0);
		any = 1;
	}
	return rc ? rc : !any;
}

/* JMH's @Param values in its order, the thread count when above 1, and
 * the mode (one file may hold one method in several modes) become the
 * parameters and, as "/key:value" suffixes, part of the display name: JMH
 * prints them in columns of their own, so its name alone is not unique. */
static int read_params(json_t *e, const char *name, const char *mode, tach_kvlist *params,
                       char *display, size_t size)
{
	const char *key;
	json_t *val;
	char num[32];
	json_object_foreach(json_object_get(e, "params"), key, val) {
		const char *text = json_string_value(val);
		if (json_is_number(val))
			tach_format_double(json_number_value(val), num), text = num;
		if (text && tach_kvlist_set(params, key, text))
			return TACH_ENOMEM;
	}
	json_int_t threads = json_integer_value(json_object_get(e, "threads"));
	snprintf(num, sizeof num, "%lld", (long long)threads);
	if ((threads > 1 && tach_kvlist_set(params, "threads", num)) ||
	    tach_kvlist_set(params, "mode", mode))
		return TACH_ENOMEM;
	size_t used = (size_t)snprintf(display, size, "%s", name);
	for (size_t i = 0; i < params->n && used < size; i++)
		used += (size_t)snprintf(display + used, size - used, "/%s:%s", params->items[i].key,
		                         params->items[i].value);
	return used < size ? 0 : 1;
}

static int read_meta(json_t *e, tach_meta *m)
{
	static const char *const keys[] = {"jmhVersion", "jdkVersion", "vmName", "vmVersion"};
	for (size_t i = 0; i < sizeof keys / sizeof *keys; i++) {
		const char *s = json_string_value(json_object_get(e, keys[i]));
		if (s && !tach_kvlist_get(&m->context, keys[i]) && tach_kvlist_set(&m->context, keys[i], s))
			return TACH_ENOMEM;
	}
	return 0;
}

static int read_result(json_t *e, size_t i, tach_result *r, tach_error *err)
{
	const char *name = json_string_value(json_object_get(e, "benchmark")),
	           *mode = json_string_value(json_object_get(e, "mode"));
	json_t *pm = json_object_get(e, "primaryMetric");
	const char *su = json_string_value(json_object_get(pm, "scoreUnit"));
	if (!name || !*name || !mode || !su)
		return tach__import_fail(err, TACH_EFORMAT, 0, 0,
		                         "result %zu has no \"benchmark\", \"mode\" or "
		                         "primaryMetric.scoreUnit", i + 1);
	unit_map u;
	if (!map_unit(su, &u) || (strcmp(u.unit, "/s") && strcmp(u.unit, "s")))
		return tach__import_fail(err, TACH_EFORMAT, 0, 0,
		                         "benchmark '%s' (%s): unknown score unit '%s'", name, mode, su);
	int rc = read_meta(e, &r->meta);
	tach_kvlist params = {0};
	char display[1024];
	if (!rc && (rc = read_params(e, name, mode, &params, display, sizeof display)) > 0)
		rc = tach__import_fail(err, TACH_EFORMAT, 0, 0,
		                       "benchmark '%s': name and parameters too long", name);
	tach_benchmark *b = rc ? NULL : tach__import_bench(r, display, &params, "jmh");
	tach_kvlist_release(&params);
	if (!b)
		return rc ? rc : TACH_ENOMEM;
	const char *metric = u.unit[0] == '/' ? TACH_M_ITEMS_PER_SECOND : TACH_M_TIME;
	if (!tach_benchmark_add_metric(b, metric, u.unit, u.dir))
		return TACH_ENOMEM;
	if ((rc = add_metric(b, metric, pm, &u)) < 0)
		return rc;
	if (rc)
		return tach__import_fail(err, TACH_EFORMAT, 0, 0,
		                         "benchmark '%s' (%s) has no measurements", name, mode);
	const char *key;
	json_t *sm;
	json_object_foreach(json_object_get(e, "secondaryMetrics"), key, sm) {
		su = json_string_value(json_object_get(sm, "scoreUnit"));
		/* old JMH prefixed profiler metrics with U+00B7 ("·gc.count") */
		const char *mname = !strncmp(key, "\xc2\xb7", 2) ? key + 2 : key;
		if (!su || !*mname || !strcmp(mname, metric) || !map_unit(su, &u))
			continue;
		/* the metric appears with its first number, so one without any
		 * (asm's "NaN" score) is left out */
		if ((rc = add_metric(b, mname, sm, &u)) < 0)
			return rc;
	}
	return 0;
}

static int read(const tach__import_input *in, tach_result *r, tach_error *err)
{
	if (!json_is_array(in->json))
		return tach__import_fail(err, TACH_EFORMAT, 0, 0, "JMH JSON is an array of results");
	size_t i;
	json_t *e;
	json_array_foreach(in->json, i, e) {
		int rc = read_result(e, i, r, err);
		if (rc)
			return rc;
	}
	if (!r->n_benchmarks)
		return tach__import_fail(err, TACH_EFORMAT, 0, 0, "no results in this JMH file");
	return 0;
}

const tach__importer tach__import_jmh = {
	.name = "jmh",
	.title = "JMH JSON",
	.detect = detect,
	.read = read,
};
