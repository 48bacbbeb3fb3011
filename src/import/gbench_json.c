/* gbench_json.c - Google Benchmark JSON (--benchmark_format=json or
 * --benchmark_out): each repetition row is a sample; aggregate rows
 * (mean/median/stddev/cv, BigO/RMS) never are: a BigO row and its RMS row
 * become a complexity fit of the result set (tach_fit) instead.  Times are converted from
 * the row's time_unit to seconds; items/bytes per second map onto the
 * well-known rates; other numbers are user counters under their own
 * names.  A text preamble before the JSON object (some CI logs save one)
 * is skipped, with line numbers still counted from the file's start. */
#include <jansson.h>
#include <stdio.h>
#include <string.h>

#include "tach/result.h"
#include "tach/units.h"
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
		"skip_message", "cpu_coefficient", "real_coefficient", NULL};
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

/* ---- complexity: the _BigO and _RMS aggregate rows ---- */

/* The family of an aggregate row: run_name, or name without "_SUFFIX". */
static void row_family(const json_t *e, const char *suffix, char *buf, size_t size)
{
	const char *run = json_string_value(json_object_get(e, "run_name"));
	const char *name = json_string_value(json_object_get(e, "name"));
	size_t n = name ? strlen(name) : 0, sl = strlen(suffix);
	if (run)
		snprintf(buf, size, "%s", run);
	else if (n > sl && !strcmp(name + n - sl, suffix))
		snprintf(buf, size, "%.*s", (int)(n - sl), name);
	else
		snprintf(buf, size, "%s", name ? name : "");
}

/* A BigO row (one with "big_o") adds a fit of "time" (real_coefficient,
 * in time_unit per unit of the curve); an RMS row (one with "rms") sets
 * the rms of its family's fit (the file has one RMS, that of Google
 * Benchmark's CPU-time fit).  Versions before run_type wrote these rows
 * too, without it.  Other aggregates, and curves tach does not name, are
 * left out.  1 when e was such a row, 0 when not, or a negative error. */
static int read_fit_row(const tach__jdoc *d, json_t *e, tach_result *r, tach_error *err)
{
	char fam[512];
	int rc;
	double x;
	if (json_object_get(e, "big_o")) {
		const char *unit = NULL, *curve = NULL;
		if ((rc = tach__json_str(d, e, "big_o", 0, &curve, err)) < 0 ||
		    (rc = tach__json_str(d, e, "time_unit", 0, &unit, err)) < 0)
			return rc;
		double f = unit ? tach__import_time_unit(unit, strlen(unit)) : 1e-9;
		if ((rc = tach__json_num(d, e, "real_coefficient", 0, &x, err)) <= 0 || !curve ||
		    f == 0)
			return rc < 0 ? rc : 1;
		row_family(e, "_BigO", fam, sizeof fam);
		rc = tach__gbench_fit_bigo(r, fam, curve, strlen(curve), x * f);
		return rc < 0 ? rc : 1;
	}
	if (json_object_get(e, "rms")) {
		row_family(e, "_RMS", fam, sizeof fam);
		if ((rc = tach__json_num(d, e, "rms", 0, &x, err)) < 0)
			return rc;
		if (rc)
			tach__gbench_fit_rms(r, fam, x);
		return 1;
	}
	return 0;
}

/* One per-repetition row e (index i of list): a sample of each of its
 * times and counters. */
static int read_row(const tach__jdoc *d, json_t *list, size_t i, json_t *e, tach_result *r,
                    tach_error *err)
{
	tach__at at = tach__at_member(d, list, NULL, i);
	if (!json_is_object(e))
		return tach__import_fail_at(err, TACH_EFORMAT, &at,
		                            "a benchmark row is an object, got something else");
	const char *type = NULL, *name = NULL, *unit = NULL;
	int rc;
	if ((rc = tach__json_str(d, e, "run_type", 0, &type, err)) < 0)
		return rc;
	/* aggregates are never samples; BigO and RMS rows become a fit */
	if ((rc = read_fit_row(d, e, r, err)) != 0)
		return rc < 0 ? rc : 0;
	if (type && !strcmp(type, "aggregate"))
		return 0;
	if ((rc = tach__json_str(d, e, "run_name", 0, &name, err)) < 0 ||
	    (!rc && (rc = tach__json_str(d, e, "name", 0, &name, err)) < 0))
		return rc;
	if (!name)
		return tach__import_fail_at(err, TACH_EFORMAT, &at,
		                            "benchmark row %zu has no \"name\"", i + 1);
	uint64_t th = 0, it = 0;
	if ((rc = tach__json_count(d, e, "threads", 0, &th, err)) < 0 ||
	    (rc = tach__json_count(d, e, "iterations", 0, &it, err)) < 0 ||
	    (rc = tach__json_str(d, e, "time_unit", 0, &unit, err)) < 0)
		return rc;
	tach_kvlist params = {0};
	char v[32];
	snprintf(v, sizeof v, "%llu", (unsigned long long)th);
	tach_benchmark *b = th > 1 && tach_kvlist_set(&params, "threads", v)
	                            ? NULL
	                            : tach__import_bench(r, name, &params, "google-benchmark");
	tach_kvlist_release(&params); /* a failed set may have grown it */
	if (!b)
		return TACH_ENOMEM;
	if (json_is_true(json_object_get(e, "error_occurred"))) {
		const char *msg = json_string_value(json_object_get(e, "error_message"));
		return !b->error && tach_meta_set(&b->error, msg ? msg : "error") ? TACH_ENOMEM : 0;
	}
	json_t *sk = json_object_get(e, "skipped");
	if (sk && !json_is_false(sk) && !(json_is_integer(sk) && !json_integer_value(sk))) {
		const char *msg = json_string_value(json_object_get(e, "skip_message"));
		return !b->skipped && tach_meta_set(&b->skipped, msg ? msg : "skipped") ? TACH_ENOMEM
		                                                                        : 0;
	}
	double f = unit ? tach__import_time_unit(unit, strlen(unit)) : 1e-9;
	if (f == 0) {
		tach__at u = tach__at_member(d, e, "time_unit", 0);
		return tach__import_fail_at(err, TACH_EFORMAT, &u,
		                            "benchmark '%s': unknown time_unit '%s'", name, unit);
	}
	/* every repetition row has both times: one without is not Google
	 * Benchmark's (a file of another format read with --from) */
	static const struct {
		const char *key, *metric, *unit;
		int per_op;
	} fields[] = {
		{"real_time", TACH_M_TIME, "s", 1},
		{"cpu_time", TACH_M_CPU_TIME, "s", 1},
		{"items_per_second", TACH_M_ITEMS_PER_SECOND, "/s", 0},
		{"bytes_per_second", TACH_M_BYTES_PER_SECOND, "B/s", 0},
	};
	for (size_t k = 0; k < sizeof fields / sizeof *fields; k++) {
		double x;
		tach__at vat = tach__at_member(d, e, fields[k].key, 0);
		if ((rc = tach__json_num(d, e, fields[k].key, 0, &x, err)) < 0)
			return rc;
		if (!rc && fields[k].per_op)
			return tach__import_fail_at(err, TACH_EFORMAT, &at,
			                            "benchmark row '%s' has no \"%s\"", name,
			                            fields[k].key);
		if (rc && (rc = tach__import_sample(b, fields[k].metric, fields[k].unit,
		                                    fields[k].per_op ? TACH_LOWER_IS_BETTER
		                                                     : TACH_HIGHER_IS_BETTER,
		                                    fields[k].per_op ? x * f : x,
		                                    fields[k].per_op ? it : 0, err, &vat)))
			return rc;
	}
	const char *key;
	json_t *val;
	json_object_foreach(e, key, val) {
		if (own_field(key) || !json_is_number(val) || tach_metric_known(key, NULL, NULL))
			continue;
		/* a user counter: Google Benchmark does not say which way is
		 * better; kept under its own name */
		tach__at vat = tach__at_member(d, e, key, 0);
		if ((rc = tach__import_sample(b, key, "count", TACH_LOWER_IS_BETTER,
		                              json_number_value(val), 0, err, &vat)))
			return rc;
	}
	return 0;
}

static int read_rows(const tach__jdoc *d, tach_result *r, tach_error *err)
{
	json_t *root = d->root, *ctx = NULL, *list = NULL;
	tach__at top = tach__at_node(d, root);
	int rc;
	if ((rc = tach__json_container(d, root, "benchmarks", 0, 1, &list, err)) < 0 ||
	    (rc = tach__json_container(d, root, "context", 0, 0, &ctx, err)) < 0)
		return rc;
	if (!list || !ctx)
		return tach__import_fail_at(err, TACH_EFORMAT, &top,
		                            "not Google Benchmark JSON: no \"%s\" %s",
		                            list ? "context" : "benchmarks",
		                            list ? "object" : "array");
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
	const char *host = NULL;
	if ((rc = tach__json_str(d, ctx, "host_name", 0, &host, err)) < 0)
		return rc;
	if (host && tach_meta_set(&r->meta.hostname, host))
		return TACH_ENOMEM;
	size_t i;
	json_t *e;
	json_array_foreach(list, i, e)
		if ((rc = read_row(d, list, i, e, r, err)))
			return rc;
	if (!r->n_benchmarks)
		return tach__import_fail_at(err, TACH_EFORMAT, &top,
		                            "no benchmark results in this Google Benchmark file");
	return tach__gbench_fit_link(r);
}

static int read(const tach__import_input *in, tach_result *r, tach_error *err)
{
	if (in->json) {
		tach__jdoc d = {in->json, in->data, in->len, in->data};
		return read_rows(&d, r, err);
	}
	unsigned skipped;
	size_t at = json_start(in, &skipped);
	json_error_t je;
	int rc;
	json_t *root = tach__json_loadb(in->data + at, in->len - at, &je, &rc);
	if (!root)
		return tach__import_json_fail(err, &je, rc, 0, skipped);
	tach__jdoc d = {root, in->data + at, in->len - at, in->data};
	rc = read_rows(&d, r, err);
	json_decref(root);
	return rc;
}

const tach__importer tach__import_gbench_json = {
	.name = "google-benchmark",
	.title = "Google Benchmark JSON",
	.detect = detect,
	.read = read,
};
