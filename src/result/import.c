/* import.c - other tools' results into tach's model: format detection and
 * the JSON importers (Google Benchmark, hyperfine).  More formats come
 * with the comparison issue.
 *
 * Other tools' JSON is parsed with jansson (not the hot path; its error
 * gives line and column), then mapped onto the well-known metrics with
 * canonical units.  Aggregates (mean/median/stddev rows, complexity fits)
 * are never taken as samples: only the per-repetition rows are.
 */
#include <ctype.h>
#include <jansson.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tach/tach.h"
#include "tach/import.h"
#include "result/internal.h"

static int fail(tach_error *err, int code, const char *fmt, const char *arg)
{
	if (err) {
		err->line = err->column = 0;
		snprintf(err->message, sizeof err->message, fmt, arg);
	}
	return code;
}

static double unit_factor(const char *u)
{
	if (!u || !strcmp(u, "ns"))
		return 1e-9;
	if (!strcmp(u, "us"))
		return 1e-6;
	if (!strcmp(u, "ms"))
		return 1e-3;
	if (!strcmp(u, "s"))
		return 1;
	return 0;
}

/* Google Benchmark's own fields; anything else numeric is a user counter. */
static int gbench_field(const char *k)
{
	static const char *const known[] = {
		"name", "run_name", "run_type", "repetitions", "repetition_index",
		"threads", "iterations", "real_time", "cpu_time", "time_unit",
		"family_index", "per_family_instance_index", "aggregate_name",
		"aggregate_unit", "error_occurred", "error_message", "label",
		"items_per_second", "bytes_per_second", "big_o", "rms", NULL};
	for (size_t i = 0; known[i]; i++)
		if (!strcmp(k, known[i]))
			return 1;
	return 0;
}

static int add(tach_benchmark *b, const char *metric, const char *unit, tach_direction dir,
               double v, uint64_t iters)
{
	tach_metric *m = tach_benchmark_metric(b, metric);
	if (!m && !(m = tach_benchmark_add_metric(b, metric, unit, dir)))
		return TACH_ENOMEM;
	if (!isfinite(v))
		return 0;
	return iters ? tach_metric_add_sample_iters(m, v, iters) : tach_metric_add_sample(m, v);
}

static int import_gbench(json_t *root, tach_result *r, tach_error *err)
{
	json_t *ctx = json_object_get(root, "context"), *list = json_object_get(root, "benchmarks");
	if (!json_is_array(list))
		return fail(err, TACH_EFORMAT, "%s", "Google Benchmark JSON without a \"benchmarks\" array");
	const char *key;
	json_t *val;
	json_object_foreach(ctx, key, val) {
		if (json_is_string(val))
			tach_kvlist_set(&r->meta.context, key, json_string_value(val));
		else if (json_is_integer(val) || json_is_real(val)) {
			char num[TACH_DOUBLE_BUFSIZE];
			tach_format_double(json_number_value(val), num);
			tach_kvlist_set(&r->meta.context, key, num);
		}
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
			return fail(err, TACH_EFORMAT, "%s", "a benchmark without a name");
		tach_benchmark *b = tach_result_find(r, name, NULL);
		if (!b) {
			if (!(b = tach_result_add_benchmark(r, name)) ||
			    tach_benchmark_set_source(b, TACH_SOURCE_IMPORT, "google-benchmark", NULL))
				return TACH_ENOMEM;
			json_int_t th = json_integer_value(json_object_get(e, "threads"));
			if (th > 1) {
				char v[32];
				snprintf(v, sizeof v, "%lld", (long long)th);
				tach_kvlist_set(&b->params, "threads", v);
			}
		}
		if (json_is_true(json_object_get(e, "error_occurred"))) {
			const char *msg = json_string_value(json_object_get(e, "error_message"));
			if (!b->error && tach_meta_set(&b->error, msg ? msg : "error"))
				return TACH_ENOMEM;
			continue;
		}
		double f = unit_factor(json_string_value(json_object_get(e, "time_unit")));
		if (f == 0)
			return fail(err, TACH_EFORMAT, "unknown time_unit '%s'",
			            json_string_value(json_object_get(e, "time_unit")));
		uint64_t it = (uint64_t)json_integer_value(json_object_get(e, "iterations"));
		int rc = 0;
		json_t *rt = json_object_get(e, "real_time"), *ct = json_object_get(e, "cpu_time");
		if (json_is_number(rt))
			rc = add(b, TACH_M_TIME, "s", TACH_LOWER_IS_BETTER, json_number_value(rt) * f, it);
		if (!rc && json_is_number(ct))
			rc = add(b, TACH_M_CPU_TIME, "s", TACH_LOWER_IS_BETTER, json_number_value(ct) * f, it);
		json_t *ips = json_object_get(e, "items_per_second"), *bps = json_object_get(e, "bytes_per_second");
		if (!rc && json_is_number(ips))
			rc = add(b, TACH_M_ITEMS_PER_SECOND, "/s", TACH_HIGHER_IS_BETTER, json_number_value(ips), 0);
		if (!rc && json_is_number(bps))
			rc = add(b, TACH_M_BYTES_PER_SECOND, "B/s", TACH_HIGHER_IS_BETTER, json_number_value(bps), 0);
		json_object_foreach(e, key, val) {
			if (rc || gbench_field(key) || !json_is_number(val) || tach_metric_known(key, NULL, NULL))
				continue;
			/* a user counter: Google Benchmark does not say which way is
			 * better; kept under its own name */
			rc = add(b, key, "count", TACH_LOWER_IS_BETTER, json_number_value(val), 0);
		}
		if (rc)
			return rc;
	}
	if (!r->n_benchmarks)
		return fail(err, TACH_EFORMAT, "%s", "no benchmark results in this Google Benchmark file");
	return 0;
}

static int import_hyperfine(json_t *root, tach_result *r, tach_error *err)
{
	json_t *list = json_object_get(root, "results");
	size_t i;
	json_t *e;
	json_array_foreach(list, i, e) {
		const char *cmd = json_string_value(json_object_get(e, "command"));
		json_t *times = json_object_get(e, "times");
		if (!cmd || !json_is_array(times))
			return fail(err, TACH_EFORMAT, "%s", "a hyperfine result without \"command\" or \"times\"");
		tach_benchmark *b = tach_result_add_benchmark(r, cmd);
		if (!b || tach_benchmark_set_source(b, TACH_SOURCE_IMPORT, "hyperfine", cmd))
			return TACH_ENOMEM;
		const char *key;
		json_t *val;
		json_object_foreach(json_object_get(e, "parameters"), key, val)
			if (json_is_string(val))
				tach_kvlist_set(&b->params, key, json_string_value(val));
		size_t k;
		json_t *t;
		int rc = 0;
		tach_metric *m = tach_benchmark_add_metric(b, TACH_M_TIME, "s", TACH_LOWER_IS_BETTER);
		if (!m)
			return TACH_ENOMEM;
		json_array_foreach(times, k, t) {
			double v = json_number_value(t);
			if (!rc && json_is_number(t) && isfinite(v) && v >= 0)
				rc = tach_metric_add_sample(m, v);
		}
		/* hyperfine keeps only the means of user and system time */
		json_t *u = json_object_get(e, "user"), *s = json_object_get(e, "system");
		if (!rc && json_is_number(u) && json_number_value(u) >= 0)
			rc = add(b, TACH_M_USER_TIME, "s", TACH_LOWER_IS_BETTER, json_number_value(u), 0);
		if (!rc && json_is_number(s) && json_number_value(s) >= 0)
			rc = add(b, TACH_M_SYSTEM_TIME, "s", TACH_LOWER_IS_BETTER, json_number_value(s), 0);
		json_t *codes = json_object_get(e, "exit_codes");
		json_array_foreach(codes, k, t) {
			if (!rc && json_is_integer(t))
				rc = add(b, "exit_code", "count", TACH_LOWER_IS_BETTER,
				         (double)json_integer_value(t), 0);
		}
		if (rc)
			return rc;
	}
	if (!r->n_benchmarks)
		return fail(err, TACH_EFORMAT, "%s", "no results in this hyperfine file");
	return 0;
}

const char *tach_import_format_name(size_t i)
{
	static const char *const names[] = {"tach", "google-benchmark", "hyperfine", NULL};
	return i < 3 ? names[i] : NULL;
}

int tach_import_buffer(const char *data, size_t len, const char *name, const char *from,
                       tach_result **out, tach_error *err)
{
	*out = NULL;
	tach_error dummy;
	if (!err)
		err = &dummy;
	memset(err, 0, sizeof *err);
	err->file = name;
	if (from && strcmp(from, "tach") && strcmp(from, "google-benchmark") &&
	    strcmp(from, "hyperfine"))
		return fail(err, TACH_EINVAL, "unknown format '%s' (known: tach, google-benchmark, "
		            "hyperfine)", from);
	/* tach's own format first: its reader places every error */
	size_t skip = 0;
	while (skip < len && isspace((unsigned char)data[skip]))
		skip++;
	if (from ? !strcmp(from, "tach") : (len > skip && data[skip] == '{' &&
	                                    memmem(data, len < 4096 ? len : 4096, "\"format\"", 8))) {
		int rc = tach_result_read_buffer(data, len, name, out, err);
		err->file = name;
		return rc;
	}
	json_error_t je;
	json_t *root = json_loadb(data, len, 0, &je);
	if (!root) {
		err->line = je.line > 0 ? (unsigned)je.line : 0;
		err->column = je.column > 0 ? (unsigned)je.column : 0;
		snprintf(err->message, sizeof err->message, "%s", je.text);
		return TACH_EPARSE;
	}
	int gb = json_is_array(json_object_get(root, "benchmarks")) &&
	         json_is_object(json_object_get(root, "context"));
	int hf = json_is_array(json_object_get(root, "results"));
	if (from)
		gb = !strcmp(from, "google-benchmark"), hf = !strcmp(from, "hyperfine");
	int rc;
	tach_result *r = tach_result_new();
	if (!r)
		rc = TACH_ENOMEM;
	else if (gb)
		rc = import_gbench(root, r, err);
	else if (hf)
		rc = import_hyperfine(root, r, err);
	else
		rc = fail(err, TACH_EFORMAT, "%s", "not a results file tach can read (tach, Google "
		          "Benchmark JSON, hyperfine JSON)");
	json_decref(root);
	if (!rc)
		rc = tach_result_validate(r, err);
	if (rc) {
		tach_result_free(r);
		return rc;
	}
	*out = r;
	return 0;
}

int tach_import_file(const char *path, const char *from, tach_result **out, tach_error *err)
{
	char *data;
	size_t len;
	*out = NULL;
	int rc = tach__read_file(path, &data, &len);
	if (rc) {
		if (err) {
			memset(err, 0, sizeof *err);
			err->file = path;
			snprintf(err->message, sizeof err->message, "cannot read: %s", tach_strerror(rc));
		}
		return rc;
	}
	rc = tach_import_buffer(data, len, path, from, out, err);
	free(data);
	return rc;
}
