/* hyperfine.c - hyperfine --export-json: every entry of `times` is a
 * sample of `time`; hyperfine keeps only the means of user and system
 * time, so those are one sample each; exit codes are kept per run. */
#include <jansson.h>
#include <math.h>
#include <string.h>

#include "tach/result.h"
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

/* Every number of array `key` of e as a sample of metric (a count:
 * whole and non-negative, when `count`).  A null exit code is a run
 * hyperfine could not get one for (killed by a signal): skipped with a
 * warning. */
static int add_all(const tach__import_input *in, const tach__jdoc *d, tach_benchmark *b,
                   json_t *e, const char *key, const char *metric, const char *unit,
                   int count, tach_error *err)
{
	json_t *a = NULL;
	int rc = tach__json_container(d, e, key, 0, 1, &a, err);
	if (rc <= 0)
		return rc;
	for (size_t k = 0; k < json_array_size(a); k++) {
		tach__at at = tach__at_member(d, a, NULL, k);
		double v;
		uint64_t u;
		if (count && !strcmp(key, "exit_codes") && json_is_null(json_array_get(a, k))) {
			tach__import_warn(in, &at, "benchmark '%s': run %zu has no exit code (null): "
			                  "not a sample of exit_code", b->name, k + 1);
			continue;
		}
		/* exit codes may be negative (Windows); other counts may not */
		if (count && strcmp(key, "exit_codes")) {
			if ((rc = tach__json_count(d, a, NULL, k, &u, err)) < 0)
				return rc;
			v = (double)u;
		} else if ((rc = tach__json_num(d, a, NULL, k, &v, err)) < 0) {
			return rc;
		} else if (count && v != floor(v)) {
			return tach__import_fail_at(err, TACH_EFORMAT, &at,
			                            "expected a whole number in \"%s\"", key);
		}
		if ((rc = tach__import_sample(b, metric, unit, TACH_LOWER_IS_BETTER, v, 0, err, &at)))
			return rc;
	}
	return 0;
}

static int read(const tach__import_input *in, tach_result *r, tach_error *err)
{
	if (!in->json && tach__starts_with(in->data, in->len, csv_header))
		return tach__import_fail(err, TACH_EFORMAT, 1, 1,
		                         "hyperfine's CSV export holds only summary statistics, "
		                         "not the runs; export with --export-json to import");
	int need = tach__import_need_json(in, "hyperfine JSON", err);
	if (need)
		return need;
	tach__jdoc d = {in->json, in->data, in->len, in->data};
	tach__at top = tach__at_node(&d, in->json);
	json_t *list;
	int rc = tach__json_need_array(&d, in->json, "results", "hyperfine JSON", &list, err);
	if (rc)
		return rc;
	size_t i;
	json_t *e;
	json_array_foreach(list, i, e) {
		tach__at at = tach__at_member(&d, list, NULL, i);
		const char *cmd = NULL;
		json_t *times = NULL, *ps = NULL;
		if (!json_is_object(e))
			return tach__import_fail_at(err, TACH_EFORMAT, &at, "a result is an object");
		if ((rc = tach__json_str(&d, e, "command", 0, &cmd, err)) < 0 ||
		    (rc = tach__json_container(&d, e, "times", 0, 1, &times, err)) < 0 ||
		    (rc = tach__json_container(&d, e, "parameters", 0, 0, &ps, err)) < 0)
			return rc;
		if (!cmd || !times)
			return tach__import_fail_at(err, TACH_EFORMAT, &at,
			                            "result %zu has no \"command\" or no \"times\"",
			                            i + 1);
		tach_kvlist params = {0};
		const char *key;
		json_t *val;
		json_object_foreach(ps, key, val) {
			const char *v = NULL;
			if ((rc = tach__json_str(&d, ps, key, 0, &v, err)) < 0 ||
			    (rc = tach_kvlist_set(&params, key, v))) {
				tach_kvlist_release(&params);
				return rc;
			}
		}
		size_t dup;
		tach_benchmark *b = tach__import_new_bench(r, cmd, &params, "hyperfine", &dup);
		tach_kvlist_release(&params);
		if (!b && dup != SIZE_MAX) {
			tach__at first = tach__at_member(&d, list, NULL, dup);
			return tach__import_fail_twice(err, in, cmd, &at, &first);
		}
		if (!b || (!b->source.command && tach_meta_set(&b->source.command, cmd)) ||
		    !tach_benchmark_add_metric(b, TACH_M_TIME, "s", TACH_LOWER_IS_BETTER))
			return TACH_ENOMEM;
		if ((rc = add_all(in, &d, b, e, "times", TACH_M_TIME, "s", 0, err)))
			return rc;
		/* hyperfine keeps only the means of user and system time */
		static const struct {
			const char *key, *metric;
		} means[] = {{"user", TACH_M_USER_TIME}, {"system", TACH_M_SYSTEM_TIME}};
		for (size_t k = 0; k < 2; k++) {
			double v;
			tach__at vat = tach__at_member(&d, e, means[k].key, 0);
			if ((rc = tach__json_num(&d, e, means[k].key, 0, &v, err)) < 0 ||
			    (rc && (rc = tach__import_sample(b, means[k].metric, "s",
			                                     TACH_LOWER_IS_BETTER, v, 0, err, &vat))))
				return rc;
		}
		if ((rc = add_all(in, &d, b, e, "memory_usage_byte", TACH_M_PEAK_RSS, "B", 1, err)) ||
		    (rc = add_all(in, &d, b, e, "exit_codes", "exit_code", "count", 1, err)))
			return rc;
	}
	if (!r->n_benchmarks)
		return tach__import_fail_at(err, TACH_EFORMAT, &top, "no results in this hyperfine file");
	return 0;
}

const tach__importer tach__import_hyperfine = {
	.name = "hyperfine",
	.title = "hyperfine JSON",
	.detect = detect,
	.read = read,
};
