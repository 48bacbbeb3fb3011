/* hyperfine.c - hyperfine --export-json: every entry of `times` is a
 * sample of `time`; hyperfine keeps only the means of user and system
 * time, so those are one sample each; exit codes are kept per run. */
#include <jansson.h>
#include <math.h>
#include <string.h>

#include "tach/tach.h"
#include "import/internal.h"

/* hyperfine's --export-csv header; the file holds summaries only */
static const char csv_header[] = "command,mean,stddev,median,user,system,min,max";

static int detect(const tach__import_input *in)
{
	if (!in->json)
		return tach__starts_with(in->data, in->len, csv_header) ? 2 : 0;
	json_t *list = json_object_get(in->json, "results");
	json_t *first = json_array_get(list, 0);
	return json_is_array(list) && json_is_string(json_object_get(first, "command")) &&
	               (json_is_number(json_object_get(first, "mean")) ||
	                json_is_array(json_object_get(first, "times")))
	           ? 2
	           : 0;
}

static int read(const tach__import_input *in, tach_result *r, tach_error *err)
{
	if (!in->json)
		return tach__import_fail(err, TACH_EFORMAT, 1, 1,
		                         "hyperfine's CSV export holds only summary statistics, "
		                         "not the runs; export with --export-json to import");
	json_t *list = json_object_get(in->json, "results");
	if (!json_is_array(list))
		return tach__import_fail(err, TACH_EFORMAT, 0, 0,
		                         "hyperfine JSON without a \"results\" array");
	size_t i;
	json_t *e;
	json_array_foreach(list, i, e) {
		const char *cmd = json_string_value(json_object_get(e, "command"));
		json_t *times = json_object_get(e, "times");
		if (!cmd || !json_is_array(times))
			return tach__import_fail(err, TACH_EFORMAT, 0, 0,
			                         "result %zu has no \"command\" or no \"times\"", i + 1);
		tach_kvlist params = {0};
		const char *key;
		json_t *val;
		json_object_foreach(json_object_get(e, "parameters"), key, val)
			if (json_is_string(val) && tach_kvlist_set(&params, key, json_string_value(val))) {
				tach_kvlist_release(&params);
				return TACH_ENOMEM;
			}
		tach_benchmark *b = tach__import_bench(r, cmd, &params, "hyperfine");
		tach_kvlist_release(&params);
		if (!b || (!b->source.command && tach_meta_set(&b->source.command, cmd)))
			return TACH_ENOMEM;
		int rc = 0;
		size_t k;
		json_t *t;
		if (!tach_benchmark_add_metric(b, TACH_M_TIME, "s", TACH_LOWER_IS_BETTER))
			return TACH_ENOMEM;
		json_array_foreach(times, k, t) {
			double v = json_number_value(t);
			if (!rc && json_is_number(t) && v >= 0)
				rc = tach__import_sample(b, TACH_M_TIME, "s", TACH_LOWER_IS_BETTER, v, 0);
		}
		json_t *u = json_object_get(e, "user"), *s = json_object_get(e, "system");
		if (!rc && json_is_number(u) && json_number_value(u) >= 0)
			rc = tach__import_sample(b, TACH_M_USER_TIME, "s", TACH_LOWER_IS_BETTER,
			                         json_number_value(u), 0);
		if (!rc && json_is_number(s) && json_number_value(s) >= 0)
			rc = tach__import_sample(b, TACH_M_SYSTEM_TIME, "s", TACH_LOWER_IS_BETTER,
			                         json_number_value(s), 0);
		json_t *mem = json_object_get(e, "memory_usage_byte");
		json_array_foreach(mem, k, t)
			if (!rc && json_is_number(t))
				rc = tach__import_sample(b, TACH_M_PEAK_RSS, "B", TACH_LOWER_IS_BETTER,
				                         json_number_value(t), 0);
		json_array_foreach(json_object_get(e, "exit_codes"), k, t)
			if (!rc && json_is_integer(t))
				rc = tach__import_sample(b, "exit_code", "count", TACH_LOWER_IS_BETTER,
				                         (double)json_integer_value(t), 0);
		if (rc)
			return rc;
	}
	if (!r->n_benchmarks)
		return tach__import_fail(err, TACH_EFORMAT, 0, 0, "no results in this hyperfine file");
	return 0;
}

const tach__importer tach__import_hyperfine = {
	.name = "hyperfine",
	.title = "hyperfine JSON",
	.detect = detect,
	.read = read,
};
