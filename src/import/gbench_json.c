/* gbench_json.c - Google Benchmark JSON (--benchmark_format=json or
 * --benchmark_out): each repetition row is a sample; aggregate rows
 * (mean/median/stddev/cv, BigO/RMS) never are.  Times are converted from
 * the row's time_unit to seconds; items/bytes per second map onto the
 * well-known rates; other numbers are user counters under their own
 * names.  A text preamble before the JSON object (some CI logs save one)
 * is skipped, with line numbers still counted from the file's start. */
#include <jansson.h>
#include <stdio.h>
#include <string.h>

#include "tach/tach.h"
#include "import/internal.h"

/* Google Benchmark's own fields; anything else numeric is a user counter. */
static int own_field(const char *k)
{
	static const char *const known[] = {
		"name", "run_name", "run_type", "repetitions", "repetition_index",
		"threads", "iterations", "real_time", "cpu_time", "time_unit",
		"family_index", "per_family_instance_index", "aggregate_name",
		"aggregate_unit", "error_occurred", "error_message", "label",
		"items_per_second", "bytes_per_second", "big_o", "rms", "skipped",
		"skip_message", NULL};
	for (size_t i = 0; known[i]; i++)
		if (!strcmp(k, known[i]))
			return 1;
	return 0;
}

/* Where the JSON object starts: 0, or the start of the first line that
 * opens with '{' after a text preamble; sets *lines to the lines skipped. */
static size_t json_start(const tach__import_input *in, unsigned *lines)
{
	tach__lines it = {.data = in->data, .size = in->len};
	*lines = 0;
	while (tach__next_line(&it)) {
		if (it.len && it.line[0] == '{')
			return (size_t)(it.line - in->data);
		(*lines)++;
	}
	*lines = 0;
	return 0;
}

static int detect(const tach__import_input *in)
{
	if (in->json)
		return json_is_array(json_object_get(in->json, "benchmarks")) &&
		               json_is_object(json_object_get(in->json, "context"))
		           ? 2
		           : 0;
	/* not one JSON value: truncated, or with a preamble */
	unsigned skipped;
	size_t at = json_start(in, &skipped);
	const char *p = in->data + at;
	size_t n = in->len - at < 4096 ? in->len - at : 4096;
	return p[0] == '{' && memmem(p, n, "\"context\"", 9) &&
	               (memmem(p, n, "\"library_build_type\"", 20) ||
	                memmem(p, n, "\"benchmarks\"", 12))
	           ? 2
	           : 0;
}

static int read_rows(json_t *root, tach_result *r, tach_error *err)
{
	json_t *ctx = json_object_get(root, "context"), *list = json_object_get(root, "benchmarks");
	if (!json_is_array(list))
		return tach__import_fail(err, TACH_EFORMAT, 0, 0,
		                         "Google Benchmark JSON without a \"benchmarks\" array");
	const char *key;
	json_t *val;
	json_object_foreach(ctx, key, val) {
		char num[TACH_DOUBLE_BUFSIZE];
		const char *text = json_string_value(val);
		if (json_is_number(val))
			tach_format_double(json_number_value(val), num), text = num;
		if (text && tach_kvlist_set(&r->meta.context, key, text))
			return TACH_ENOMEM;
	}
	const char *host = json_string_value(json_object_get(ctx, "host_name"));
	if (host && tach_meta_set(&r->meta.hostname, host))
		return TACH_ENOMEM;
	size_t i;
	json_t *e;
	json_array_foreach(list, i, e) {
		const char *type = json_string_value(json_object_get(e, "run_type"));
		if (type && !strcmp(type, "aggregate"))
			continue; /* mean/median/stddev/BigO rows are not samples */
		const char *name = json_string_value(json_object_get(e, "run_name"));
		if (!name)
			name = json_string_value(json_object_get(e, "name"));
		if (!name)
			return tach__import_fail(err, TACH_EFORMAT, 0, 0,
			                         "benchmark %zu of the \"benchmarks\" array has no name",
			                         i + 1);
		tach_kvlist params = {0};
		json_int_t th = json_integer_value(json_object_get(e, "threads"));
		char v[32];
		snprintf(v, sizeof v, "%lld", (long long)th);
		tach_benchmark *b = th > 1 && tach_kvlist_set(&params, "threads", v)
		                            ? NULL
		                            : tach__import_bench(r, name, &params, "google-benchmark");
		tach_kvlist_release(&params); /* a failed set may have grown it */
		if (!b)
			return TACH_ENOMEM;
		if (json_is_true(json_object_get(e, "error_occurred"))) {
			const char *msg = json_string_value(json_object_get(e, "error_message"));
			if (!b->error && tach_meta_set(&b->error, msg ? msg : "error"))
				return TACH_ENOMEM;
			continue;
		}
		json_t *sk = json_object_get(e, "skipped");
		if (sk && !json_is_false(sk) && !(json_is_integer(sk) && !json_integer_value(sk))) {
			const char *msg = json_string_value(json_object_get(e, "skip_message"));
			if (!b->skipped && tach_meta_set(&b->skipped, msg ? msg : "skipped"))
				return TACH_ENOMEM;
			continue;
		}
		const char *unit = json_string_value(json_object_get(e, "time_unit"));
		double f = unit ? tach__import_time_unit(unit, strlen(unit)) : 1e-9;
		if (f == 0)
			return tach__import_fail(err, TACH_EFORMAT, 0, 0,
			                         "benchmark '%s': unknown time_unit '%s'", name, unit);
		uint64_t it = (uint64_t)json_integer_value(json_object_get(e, "iterations"));
		int rc = 0;
		json_t *rt = json_object_get(e, "real_time"), *ct = json_object_get(e, "cpu_time");
		if (json_is_number(rt))
			rc = tach__import_sample(b, TACH_M_TIME, "s", TACH_LOWER_IS_BETTER,
			                         json_number_value(rt) * f, it);
		if (!rc && json_is_number(ct))
			rc = tach__import_sample(b, TACH_M_CPU_TIME, "s", TACH_LOWER_IS_BETTER,
			                         json_number_value(ct) * f, it);
		json_t *ips = json_object_get(e, "items_per_second"),
		       *bps = json_object_get(e, "bytes_per_second");
		if (!rc && json_is_number(ips))
			rc = tach__import_sample(b, TACH_M_ITEMS_PER_SECOND, "/s", TACH_HIGHER_IS_BETTER,
			                         json_number_value(ips), 0);
		if (!rc && json_is_number(bps))
			rc = tach__import_sample(b, TACH_M_BYTES_PER_SECOND, "B/s",
			                         TACH_HIGHER_IS_BETTER, json_number_value(bps), 0);
		json_object_foreach(e, key, val) {
			if (rc || own_field(key) || !json_is_number(val) || tach_metric_known(key, NULL, NULL))
				continue;
			/* a user counter: Google Benchmark does not say which way is
			 * better; kept under its own name */
			rc = tach__import_sample(b, key, "count", TACH_LOWER_IS_BETTER,
			                         json_number_value(val), 0);
		}
		if (rc)
			return rc;
	}
	if (!r->n_benchmarks)
		return tach__import_fail(err, TACH_EFORMAT, 0, 0,
		                         "no benchmark results in this Google Benchmark file");
	return 0;
}

static int read(const tach__import_input *in, tach_result *r, tach_error *err)
{
	if (in->json)
		return read_rows(in->json, r, err);
	unsigned skipped;
	size_t at = json_start(in, &skipped);
	json_error_t je;
	int rc;
	json_t *root = tach__json_loadb(in->data + at, in->len - at, &je, &rc);
	if (!root)
		return tach__import_json_fail(err, &je, rc, 0, skipped);
	rc = read_rows(root, r, err);
	json_decref(root);
	return rc;
}

const tach__importer tach__import_gbench_json = {
	.name = "google-benchmark",
	.title = "Google Benchmark JSON",
	.detect = detect,
	.read = read,
};
