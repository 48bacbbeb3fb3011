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

#include "tach/result.h"
#include "tach/units.h"
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
 * Returns 0, an error, or 1 when there is nothing numeric at all. */
static int add_metric(const tach__jdoc *d, tach_benchmark *b, const char *name, json_t *metric,
                      const unit_map *u, tach_error *err)
{
	int rc = 0, any = 0;
	json_t *raw = NULL, *hist = NULL, *fork;
	if ((rc = tach__json_container(d, metric, "rawData", 0, 1, &raw, err)) < 0 ||
	    (rc = tach__json_container(d, metric, "rawDataHistogram", 0, 1, &hist, err)) < 0)
		return rc;
	for (size_t f = 0; f < json_array_size(raw); f++) {
		if ((rc = tach__json_container(d, raw, NULL, f, 1, &fork, err)) < 0)
			return rc;
		for (size_t i = 0; i < json_array_size(fork); i++) {
			double v;
			tach__at at = tach__at_member(d, fork, NULL, i);
			if ((rc = tach__json_num(d, fork, NULL, i, &v, err)) < 0 ||
			    (rc = tach__import_sample(b, name, u->unit, u->dir, v * u->scale, 0, err, &at)))
				return rc;
			any = 1;
		}
	}
	/* sample mode: [fork][iteration][[value, count]...] */
	for (size_t f = 0; f < json_array_size(hist); f++) {
		if ((rc = tach__json_container(d, hist, NULL, f, 1, &fork, err)) < 0)
			return rc;
		for (size_t i = 0; i < json_array_size(fork); i++) {
			json_t *iter, *pair;
			double sum = 0, calls = 0;
			if ((rc = tach__json_container(d, fork, NULL, i, 1, &iter, err)) < 0)
				return rc;
			for (size_t k = 0; k < json_array_size(iter); k++) {
				double val;
				uint64_t cnt;
				if ((rc = tach__json_container(d, iter, NULL, k, 1, &pair, err)) < 0 ||
				    (rc = tach__json_num(d, pair, NULL, 0, &val, err)) < 0 ||
				    (rc && (rc = tach__json_count(d, pair, NULL, 1, &cnt, err)) < 0))
					return rc;
				if (!rc || json_array_size(pair) != 2) {
					tach__at at = tach__at_member(d, iter, NULL, k);
					return tach__import_fail_at(err, TACH_EFORMAT, &at,
					                            "expected a [value, count] pair");
				}
				sum += val * (double)cnt, calls += (double)cnt;
			}
			tach__at at = tach__at_member(d, fork, NULL, i);
			if (calls > 0 &&
			    (rc = tach__import_sample(b, name, u->unit, u->dir, sum / calls * u->scale,
			                              (uint64_t)calls, err, &at)))
				return rc;
			any |= calls > 0;
		}
	}
	double score;
	tach__at at = tach__at_member(d, metric, "score", 0);
	/* JMH writes a score it has no number for as "NaN" (a string) */
	const char *text = json_string_value(json_object_get(metric, "score"));
	if (any || (text && !strcmp(text, "NaN")))
		return !any;
	if ((rc = tach__json_num(d, metric, "score", 0, &score, err)) <= 0)
		return rc < 0 ? rc : 1;
	return tach__import_sample(b, name, u->unit, u->dir, score * u->scale, 0, err, &at);
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

static int read_result(const tach__import_input *in, const tach__jdoc *d, size_t i,
                       tach_result *r, tach_error *err)
{
	json_t *e = json_array_get(d->root, i), *pm = NULL;
	tach__at at = tach__at_member(d, d->root, NULL, i);
	const char *name = NULL, *mode = NULL, *su = NULL;
	int rc;
	if (!json_is_object(e))
		return tach__import_fail_at(err, TACH_EFORMAT, &at, "a JMH result is an object");
	if ((rc = tach__json_str(d, e, "benchmark", 0, &name, err)) < 0 ||
	    (rc = tach__json_str(d, e, "mode", 0, &mode, err)) < 0 ||
	    (rc = tach__json_container(d, e, "primaryMetric", 0, 0, &pm, err)) < 0 ||
	    (pm && (rc = tach__json_str(d, pm, "scoreUnit", 0, &su, err)) < 0))
		return rc;
	if (!name || !*name || !mode || !su)
		return tach__import_fail_at(err, TACH_EFORMAT, &at,
		                            "result %zu has no \"benchmark\", \"mode\" or "
		                            "primaryMetric.scoreUnit", i + 1);
	unit_map u;
	tach__at su_at = tach__at_member(d, pm, "scoreUnit", 0);
	if (!map_unit(su, &u) || (strcmp(u.unit, "/s") && strcmp(u.unit, "s")))
		return tach__import_fail_at(err, TACH_EFORMAT, &su_at,
		                            "benchmark '%s' (%s): unknown score unit '%s'", name, mode,
		                            su);
	rc = read_meta(e, &r->meta);
	tach_kvlist params = {0};
	char display[1024];
	if (!rc && (rc = read_params(e, name, mode, &params, display, sizeof display)) > 0)
		rc = tach__import_fail_at(err, TACH_EFORMAT, &at,
		                          "benchmark '%s': name and parameters too long", name);
	size_t dup = SIZE_MAX;
	tach_benchmark *b = rc ? NULL : tach__import_new_bench(r, display, &params, "jmh", &dup);
	tach_kvlist_release(&params);
	if (!b && dup != SIZE_MAX) {
		tach__at first = tach__at_member(d, d->root, NULL, dup);
		return tach__import_fail_twice(err, in, display, &at, &first);
	}
	if (!b)
		return rc ? rc : TACH_ENOMEM;
	const char *metric = u.unit[0] == '/' ? TACH_M_ITEMS_PER_SECOND : TACH_M_TIME;
	if (!tach_benchmark_add_metric(b, metric, u.unit, u.dir))
		return TACH_ENOMEM;
	if ((rc = add_metric(d, b, metric, pm, &u, err)) < 0)
		return rc;
	if (rc)
		return tach__import_fail_at(err, TACH_EFORMAT, &at,
		                            "benchmark '%s' (%s) has no measurements", name, mode);
	const char *key;
	json_t *sm, *sms = NULL;
	if ((rc = tach__json_container(d, e, "secondaryMetrics", 0, 0, &sms, err)) < 0)
		return rc;
	json_object_foreach(sms, key, sm) {
		su = NULL;
		if ((rc = tach__json_container(d, sms, key, 0, 0, &sm, err)) < 0 ||
		    (rc = tach__json_str(d, sm, "scoreUnit", 0, &su, err)) < 0)
			return rc;
		/* old JMH prefixed profiler metrics with U+00B7 ("·gc.count") */
		const char *mname = !strncmp(key, "\xc2\xb7", 2) ? key + 2 : key;
		tach__at mat = tach__at_member(d, sms, key, 0);
		if (!su || !*mname || !strcmp(mname, metric))
			continue;
		if (!map_unit(su, &u)) {
			tach__import_warn(in, &mat, "benchmark '%s': secondary metric '%s' has unit "
			                  "'%s', which holds no number: left out", display, mname, su);
			continue;
		}
		/* the metric appears with its first number, so one without any
		 * (asm's "NaN" score) is left out, with a warning */
		if ((rc = add_metric(d, b, mname, sm, &u, err)) < 0)
			return rc;
		if (rc)
			tach__import_warn(in, &mat, "benchmark '%s': secondary metric '%s' has no "
			                  "number (\"NaN\"): left out", display, mname);
	}
	return 0;
}

static int read(const tach__import_input *in, tach_result *r, tach_error *err)
{
	int need = tach__import_need_json(in, "JMH JSON", err);
	if (need)
		return need;
	tach__jdoc d = {in->json, in->data, in->len, in->data};
	tach__at top = tach__at_node(&d, in->json);
	if (!json_is_array(in->json))
		return tach__import_fail_at(err, TACH_EFORMAT, &top,
		                            "not JMH JSON: that is an array of results");
	for (size_t i = 0; i < json_array_size(in->json); i++) {
		int rc = read_result(in, &d, i, r, err);
		if (rc)
			return rc;
	}
	if (!r->n_benchmarks)
		return tach__import_fail_at(err, TACH_EFORMAT, &top, "no results in this JMH file");
	return 0;
}

const tach__importer tach__import_jmh = {
	.name = "jmh",
	.title = "JMH JSON",
	.detect = detect,
	.read = read,
};
