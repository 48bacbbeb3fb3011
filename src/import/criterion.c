/* criterion.c - criterion.rs results: the files it leaves in
 * target/criterion/<id>/{new,base}/ (sample.json, estimates.json, raw.csv)
 * and cargo-criterion's --message-format=json lines.
 *
 * Every sample of sample.json, raw.csv and the JSON lines is a sample:
 * the sample's measured total divided by its iteration count, with that
 * count.  estimates.json holds only criterion's bootstrap estimates, so it
 * gives one sample: the "typical" estimate criterion itself reports (the
 * slope when it was fitted, else the mean).  Files of that folder that
 * hold no measurements (benchmark.json, tukey.json, change/estimates.json)
 * are rejected with a reason.  sample.json and estimates.json do not name
 * their benchmark: the name is the full_id of the benchmark.json beside
 * the file, else the folders between `criterion/` and `new/`, else the
 * file's base name. */
#include <errno.h>
#include <jansson.h>
#include <limits.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tach/result.h"
#include "import/internal.h"

static const char raw_csv_header[] =
	"group,function,value,throughput_num,throughput_type,sample_measured_value,unit,"
	"iteration_count";

enum kind {
	K_NONE,
	K_SAMPLE,    /* {"sampling_mode", "iters", "times"} */
	K_SAMPLE_V2, /* criterion 0.2: [[iters...], [times...]] */
	K_ESTIMATES,
	K_BENCHMARK, /* benchmark.json: the id only */
	K_TUKEY,     /* tukey.json: four fences */
	K_LINES,     /* cargo-criterion JSON lines */
	K_RAW_CSV,
};

static int all_numbers(json_t *a)
{
	size_t i;
	json_t *v;
	json_array_foreach(a, i, v)
		if (!json_is_number(v))
			return 0;
	return 1;
}

/* The estimate `lower` (criterion >= 0.3) or `upper` (0.2 spelled the
 * keys in CamelCase), or NULL. */
static json_t *estimate(json_t *o, const char *lower, const char *upper)
{
	json_t *e = json_object_get(o, lower);
	return e ? e : json_object_get(o, upper);
}

static enum kind kind_of(const tach__import_input *in)
{
	json_t *j = in->json;
	if (!j) {
		size_t n = in->len < 4096 ? in->len : 4096;
		if (tach__starts_with(in->data, in->len, raw_csv_header))
			return K_RAW_CSV;
		if (memmem(in->data, n, "{\"reason\":\"benchmark-complete\"", 30) ||
		    memmem(in->data, n, "{\"reason\":\"group-complete\"", 26))
			return K_LINES;
		return K_NONE;
	}
	if (json_is_array(j)) {
		json_t *a = json_array_get(j, 0), *b = json_array_get(j, 1);
		if (json_array_size(j) == 2 && json_is_array(a) && json_is_array(b) &&
		    json_array_size(a) == json_array_size(b) && all_numbers(a) && all_numbers(b))
			return K_SAMPLE_V2;
		if (json_array_size(j) == 4 && all_numbers(j))
			return K_TUKEY;
		return K_NONE;
	}
	const char *reason = json_string_value(json_object_get(j, "reason"));
	if (reason && (!strcmp(reason, "benchmark-complete") || !strcmp(reason, "group-complete")))
		return K_LINES;
	if (json_is_array(json_object_get(j, "iters")) && json_is_array(json_object_get(j, "times")))
		return K_SAMPLE;
	if (json_is_string(json_object_get(j, "group_id")) &&
	    (json_object_get(j, "full_id") || json_object_get(j, "directory_name")))
		return K_BENCHMARK;
	json_t *mean = estimate(j, "mean", "Mean");
	if (json_is_number(json_object_get(mean, "point_estimate")))
		return K_ESTIMATES;
	return K_NONE;
}

static int detect(const tach__import_input *in)
{
	return kind_of(in) != K_NONE ? 2 : 0;
}

/* ---- the benchmark's name and throughput, from the file's place ---- */

typedef struct place {
	char *name;           /* owned */
	double per_iteration; /* throughput per iteration, 0: none */
	int bytes;            /* 1: bytes, 0: elements */
} place;

/* The directory part of path including its '/' ("" when none); caller frees. */
static char *dir_of(const char *path)
{
	const char *slash = strrchr(path, '/');
	size_t n = slash ? (size_t)(slash - path) + 1 : 0;
	char *d = malloc(n + 1);
	if (d) {
		memcpy(d, path, n);
		d[n] = '\0';
	}
	return d;
}

/* The folder holding the file: "new", "base", "change"... (borrowed into
 * buf). */
static const char *parent_dir(const char *path, char *buf, size_t size)
{
	const char *end = strrchr(path, '/');
	if (!end)
		return "";
	const char *start = end;
	while (start > path && start[-1] != '/')
		start--;
	snprintf(buf, size, "%.*s", (int)(end - start), start);
	return buf;
}

/* The benchmark.json beside the file: criterion's own id (directory names
 * are the id made file-name safe, so the id is better) and throughput. */
static int from_benchmark_json(const char *path, place *pl)
{
	char *dir = dir_of(path);
	if (!dir)
		return TACH_ENOMEM;
	size_t n = strlen(dir) + sizeof "benchmark.json";
	char *bj = malloc(n);
	if (!bj) {
		free(dir);
		return TACH_ENOMEM;
	}
	snprintf(bj, n, "%sbenchmark.json", dir);
	free(dir);
	char *data;
	size_t len;
	int rc = tach__read_file(bj, &data, &len);
	free(bj);
	if (rc)
		return rc == TACH_ENOMEM ? rc : 0; /* not there: not an error */
	json_error_t je;
	json_t *root = tach__json_loadb(data, len, &je, &rc);
	free(data);
	if (rc == TACH_ENOMEM)
		return rc; /* else unreadable: no better name, not an error */
	rc = 0;
	const char *id = json_string_value(json_object_get(root, "full_id"));
	if (!id)
		id = json_string_value(json_object_get(root, "title"));
	if (id && *id && !(pl->name = strdup(id)))
		rc = TACH_ENOMEM;
	json_t *tp = json_object_get(root, "throughput");
	json_t *b = json_object_get(tp, "Bytes"), *bd = json_object_get(tp, "BytesDecimal"),
	       *el = json_object_get(tp, "Elements");
	if (json_is_integer(b) || json_is_integer(bd)) {
		pl->per_iteration = (double)json_integer_value(b ? b : bd);
		pl->bytes = 1;
	} else if (json_is_integer(el))
		pl->per_iteration = (double)json_integer_value(el);
	json_decref(root);
	return rc;
}

/* "target/criterion/<id...>/new/sample.json" -> "<id...>"; NULL when the
 * path does not have that shape.  Caller frees. */
static char *from_path(const char *path)
{
	char buf[256];
	const char *parent = parent_dir(path, buf, sizeof buf);
	if (strcmp(parent, "new") && strcmp(parent, "base"))
		return NULL;
	/* the id ends before "/new/"; find the last "criterion/" above it */
	size_t to_parent = (size_t)(strrchr(path, '/') - path);
	if (to_parent < strlen(parent) + 1)
		return NULL;
	const char *id_end = path + to_parent - strlen(parent) - 1;
	const char *start = NULL;
	for (const char *p = path; p < id_end; p++)
		if ((p == path || p[-1] == '/') && !strncmp(p, "criterion/", 10))
			start = p + 10;
	if (!start || start >= id_end)
		return NULL;
	return strndup(start, (size_t)(id_end - start));
}

/* The file's base name without its extension; `fallback` for standard
 * input.  Caller frees. */
static char *base_name(const char *path, const char *fallback)
{
	if (!path || !*path || !strcmp(path, "-"))
		return strdup(fallback);
	const char *b = strrchr(path, '/');
	b = b ? b + 1 : path;
	const char *dot = strrchr(b, '.');
	return strndup(b, dot && dot > b ? (size_t)(dot - b) : strlen(b));
}

static int find_place(const char *path, const char *fallback, place *pl)
{
	memset(pl, 0, sizeof *pl);
	int stdin_ = !path || !*path || !strcmp(path, "-");
	if (!stdin_) {
		int rc = from_benchmark_json(path, pl);
		if (rc)
			return rc;
	}
	if (!pl->name && !stdin_) {
		pl->name = from_path(path);
		char *real = pl->name ? NULL : realpath(path, NULL);
		if (real) /* a relative path may start below criterion/ */
			pl->name = from_path(real);
		free(real);
	}
	if (!pl->name)
		pl->name = base_name(path, fallback);
	return pl->name ? 0 : TACH_ENOMEM;
}

/* ---- samples ---- */

/* Adds one sample of `total` measured over `iters` iterations in `unit`
 * (a time unit, or a custom measurement's unit), plus the throughput it
 * implies; `at` is the measurement's place. */
static int add_sample(tach_benchmark *b, double total, double iters, const char *unit,
                      double tp_per_iter, int tp_bytes, tach_error *err, const tach__at *at)
{
	double scale = tach__import_time_unit(unit, strlen(unit));
	uint64_t n = iters >= 1 && iters < 1.8e19 ? (uint64_t)iters : 0;
	if (scale == 0) /* criterion's custom measurements: per iteration */
		return tach__import_sample(b, unit, unit, TACH_LOWER_IS_BETTER, total / iters, n, err,
		                           at);
	double t = total / iters * scale;
	int rc = tach__import_sample(b, TACH_M_TIME, "s", TACH_LOWER_IS_BETTER, t, n, err, at);
	if (!rc && tp_per_iter > 0 && t > 0)
		rc = tp_bytes ? tach__import_sample(b, TACH_M_BYTES_PER_SECOND, "B/s",
		                                    TACH_HIGHER_IS_BETTER, tp_per_iter / t, n, err, at)
		              : tach__import_sample(b, TACH_M_ITEMS_PER_SECOND, "/s",
		                                    TACH_HIGHER_IS_BETTER, tp_per_iter / t, n, err, at);
	return rc;
}

/* A unit criterion wrote: a time unit, or a valid custom unit name. */
static int unit_ok(const char *unit)
{
	tach_unit_class cls;
	return tach__import_time_unit(unit, strlen(unit)) != 0 ||
	       (!tach_unit_check(unit, &cls, NULL, 0) && cls == TACH_UNIT_CUSTOM);
}

/* Pairs of iteration counts and measured totals (two arrays of d, each
 * element checked where it is) as samples in `unit`. */
static int read_pairs(const tach__jdoc *d, tach_benchmark *b, json_t *iters, json_t *vals,
                      const char *unit, double tp, int tp_bytes, tach_error *err)
{
	if (json_array_size(iters) != json_array_size(vals)) {
		tach__at at = tach__at_node(d, vals);
		return tach__import_fail_at(err, TACH_EFORMAT, &at,
		                            "%zu iteration counts but %zu measurements",
		                            json_array_size(iters), json_array_size(vals));
	}
	if (!tach_benchmark_metric(b, TACH_M_TIME) && tach__import_time_unit(unit, strlen(unit)) &&
	    !tach_benchmark_add_metric(b, TACH_M_TIME, "s", TACH_LOWER_IS_BETTER))
		return TACH_ENOMEM;
	for (size_t i = 0; i < json_array_size(iters); i++) {
		double n, v;
		tach__at nat = tach__at_member(d, iters, NULL, i), vat = tach__at_member(d, vals, NULL, i);
		int rc;
		if ((rc = tach__json_num(d, iters, NULL, i, &n, err)) < 0 ||
		    (rc = tach__json_num(d, vals, NULL, i, &v, err)) < 0)
			return rc;
		if (!(n > 0))
			return tach__import_fail_at(err, TACH_EFORMAT, &nat,
			                            "sample %zu: %g iterations (must be positive)", i + 1,
			                            n);
		if (v < 0)
			return tach__import_fail_at(err, TACH_EFORMAT, &vat,
			                            "sample %zu: negative measurement %g", i + 1, v);
		if ((rc = add_sample(b, v, n, unit, tp, tp_bytes, err, &vat)))
			return rc;
	}
	return 0;
}

static int read_estimates(const tach__jdoc *d, tach_benchmark *b, const place *pl,
                          tach_error *err)
{
	json_t *typical = estimate(d->root, "slope", "Slope");
	if (!json_is_object(typical)) /* flat sampling fits no slope */
		typical = estimate(d->root, "mean", "Mean");
	double pe;
	tach__at at = tach__at_member(d, typical, "point_estimate", 0);
	int rc = json_is_object(typical) ? tach__json_num(d, typical, "point_estimate", 0, &pe, err)
	                                 : 0;
	if (rc < 0)
		return rc;
	if (!rc || pe < 0)
		return tach__import_fail_at(err, TACH_EFORMAT, rc ? &at : NULL,
		                            "criterion estimates.json without a usable point estimate");
	return add_sample(b, pe, 1, "ns", pl->per_iteration, pl->bytes, err, &at);
}

/* One file of target/criterion/<id>/new/: sample.json or estimates.json. */
static int read_folder_file(const tach__import_input *in, enum kind k, tach_result *r,
                            tach_error *err)
{
	char buf[256];
	const char *parent = in->name ? parent_dir(in->name, buf, sizeof buf) : "";
	json_t *j = in->json;
	tach__jdoc d = {j, in->data, in->len, in->data};
	if (k == K_ESTIMATES &&
	    (!strcmp(parent, "change") ||
	     !(estimate(j, "std_dev", "StdDev") || estimate(j, "median_abs_dev", "MedianAbsDev") ||
	       estimate(j, "slope", "Slope"))))
		return tach__import_fail(err, TACH_EFORMAT, 0, 0,
		                         "criterion's change/estimates.json holds the relative change "
		                         "against the previous run, not measurements; import "
		                         "new/sample.json or new/raw.csv");
	place pl;
	json_t *iters = NULL, *times = NULL;
	int rc = find_place(in->name, k == K_ESTIMATES ? "estimates" : "sample", &pl);
	tach_benchmark *b = rc ? NULL : tach__import_bench(r, pl.name, NULL, "criterion");
	if (!rc && !b)
		rc = TACH_ENOMEM;
	if (!rc && k == K_SAMPLE &&
	    !(rc = tach__json_need_array(&d, j, "iters", NULL, &iters, err)) &&
	    !(rc = tach__json_need_array(&d, j, "times", NULL, &times, err)))
		rc = read_pairs(&d, b, iters, times, "ns", pl.per_iteration, pl.bytes, err);
	else if (!rc && k == K_SAMPLE_V2)
		rc = read_pairs(&d, b, json_array_get(j, 0), json_array_get(j, 1), "ns",
		                pl.per_iteration, pl.bytes, err);
	else if (!rc && k == K_ESTIMATES)
		rc = read_estimates(&d, b, &pl, err);
	free(pl.name);
	return rc;
}

/* ---- cargo-criterion --message-format=json ---- */

/* One JSON line (d: that line).  Every benchmark-complete message is a
 * whole benchmark: lines[k] is the line of benchmark k, so that a second
 * message for the same id names the first. */
static int read_message(const tach__import_input *in, const tach__jdoc *d, unsigned line,
                        unsigned **lines, size_t *cap, tach_result *r, tach_error *err)
{
	json_t *m = d->root, *iters = NULL, *vals = NULL, *tps = NULL;
	tach__at top = tach__at_node(d, m);
	const char *reason = NULL, *id = NULL, *unit = NULL;
	int rc;
	if (!json_is_object(m))
		return tach__import_fail_at(err, TACH_EFORMAT, &top,
		                            "a cargo-criterion message is an object");
	if ((rc = tach__json_str(d, m, "reason", 0, &reason, err)) < 0)
		return rc;
	if (!reason || strcmp(reason, "benchmark-complete"))
		return 0; /* group-complete and others carry no measurements */
	if ((rc = tach__json_str(d, m, "id", 0, &id, err)) < 0 ||
	    (rc = tach__json_str(d, m, "unit", 0, &unit, err)) < 0 ||
	    (rc = tach__json_container(d, m, "throughput", 0, 1, &tps, err)) < 0)
		return rc;
	if (!id || !*id || !unit)
		return tach__import_fail_at(err, TACH_EFORMAT, &top,
		                            "benchmark-complete message without \"id\" or \"unit\"");
	if ((rc = tach__json_need_array(d, m, "iteration_count", NULL, &iters, err)) ||
	    (rc = tach__json_need_array(d, m, "measured_values", NULL, &vals, err)))
		return rc;
	if (!unit_ok(unit)) {
		tach__at at = tach__at_member(d, m, "unit", 0);
		return tach__import_fail_at(err, TACH_EFORMAT, &at, "benchmark '%s': unknown unit '%s'",
		                            id, unit);
	}
	double tp = 0;
	int tp_bytes = 0;
	json_t *t0 = json_array_get(tps, 0);
	const char *tu = json_string_value(json_object_get(t0, "unit"));
	uint64_t per = 0;
	if (tu && (rc = tach__json_count(d, t0, "per_iteration", 0, &per, err)) < 0)
		return rc;
	if (tu && rc) {
		tp = (double)per;
		tp_bytes = !strcmp(tu, "bytes");
	}
	size_t dup, n = r->n_benchmarks;
	tach_benchmark *b = tach__import_new_bench(r, id, NULL, "criterion", &dup);
	if (!b && dup != SIZE_MAX) {
		tach__at first = tach__at_text((*lines)[dup], 1);
		return tach__import_fail_twice(err, in, id, &top, &first);
	}
	if (!b || tach__grow((void **)lines, cap, n + 1, sizeof **lines))
		return TACH_ENOMEM;
	(*lines)[n] = line;
	return read_pairs(d, b, iters, vals, unit, tp, tp_bytes, err);
}

static int read_lines(const tach__import_input *in, tach_result *r, tach_error *err)
{
	unsigned *lines = NULL;
	size_t cap = 0;
	int rc = 0;
	if (in->json) {
		tach__jdoc d = {in->json, in->data, in->len, in->data};
		rc = read_message(in, &d, 1, &lines, &cap, r, err);
		free(lines);
		return rc;
	}
	tach__lines it = {.data = in->data, .size = in->len};
	while (!rc && tach__next_line(&it)) {
		if (!it.len || it.line[0] != '{')
			continue; /* cargo's own output, when both streams were saved */
		json_error_t je;
		json_t *m = tach__json_loadb(it.line, it.len, &je, &rc);
		if (!m) {
			rc = tach__import_json_fail(err, &je, rc, it.number, 0);
			break;
		}
		tach__jdoc d = {m, it.line, it.len, in->data};
		rc = read_message(in, &d, it.number, &lines, &cap, r, err);
		json_decref(m);
	}
	free(lines);
	return rc;
}

/* ---- raw.csv ---- */

/* Splits a CSV line (RFC 4180 quoting, as the csv crate writes it) into
 * at most max fields, unquoted into buf (col[k]: the column where field k
 * starts).  Returns the field count, or -1
 * when a quote is not closed or the line does not fit. */
static int split_csv(const char *line, size_t len, char *buf, size_t size, char **fields,
                     unsigned *col, int max)
{
	size_t i = 0, o = 0;
	int n = 0;
	for (;;) {
		if (n == max || o >= size)
			return -1;
		col[n] = (unsigned)i + 1;
		fields[n++] = buf + o;
		if (i < len && line[i] == '"') {
			for (i++;; i++) {
				if (i >= len || o + 1 >= size)
					return -1;
				if (line[i] == '"' && !(i + 1 < len && line[i + 1] == '"'))
					break;
				buf[o++] = line[i];
				i += line[i] == '"';
			}
			i++;
		} else
			while (i < len && line[i] != ',' && o + 1 < size)
				buf[o++] = line[i++];
		buf[o++] = '\0';
		if (i >= len)
			return n;
		if (line[i] != ',')
			return -1;
		i++;
	}
}

static int read_raw_csv(const tach__import_input *in, tach_result *r, tach_error *err)
{
	tach__lines it = {.data = in->data, .size = in->len};
	tach__next_line(&it); /* the header */
	char buf[4096], name[sizeof buf + 2]; /* the fields and two slashes */
	char *f[9];
	unsigned col[9];
	while (tach__next_line(&it)) {
		if (!it.len)
			continue;
		int n = split_csv(it.line, it.len, buf, sizeof buf, f, col, 9);
		if (n != 8)
			return tach__import_fail(err, TACH_EFORMAT, it.number, 1,
			                         "expected the 8 fields of criterion's raw.csv");
		char *end;
		double v;
		if (!tach__import_number(f[5], strlen(f[5]), 1, &v) || !isfinite(v) || v < 0)
			return tach__import_fail(err, TACH_EFORMAT, it.number, col[5],
			                         "sample_measured_value '%s' is not a measurement", f[5]);
		errno = 0;
		unsigned long long iters = strtoull(f[7], &end, 10);
		if (end == f[7] || *end || !iters || errno || f[7][0] == '-' || f[7][0] == '+')
			return tach__import_fail(err, TACH_EFORMAT, it.number, col[7],
			                         "iteration_count '%s' is not a positive count", f[7]);
		if (!unit_ok(f[6]))
			return tach__import_fail(err, TACH_EFORMAT, it.number, col[6],
			                         "unknown unit '%s'", f[6]);
		double tp = 0;
		if (*f[3] && (!tach__import_number(f[3], strlen(f[3]), 1, &tp) || !isfinite(tp) ||
		              tp < 0))
			return tach__import_fail(err, TACH_EFORMAT, it.number, col[3],
			                         "throughput_num '%s' is not a number", f[3]);
		/* the id criterion prints: group/function/value, empty parts left out */
		size_t used = 0;
		for (int k = 0; k < 3; k++)
			if (*f[k])
				used += (size_t)snprintf(name + used, sizeof name - used, "%s%s",
				                         used ? "/" : "", f[k]);
		if (!used)
			return tach__import_fail(err, TACH_EFORMAT, it.number, 1, "row without a group");
		tach_benchmark *b = tach__import_bench(r, name, NULL, "criterion");
		tach__at at = tach__at_text(it.number, col[5]);
		int rc = b ? add_sample(b, v, (double)iters, f[6], tp, !strcmp(f[4], "bytes"), err, &at)
		           : TACH_ENOMEM;
		if (rc)
			return rc;
	}
	return 0;
}

static int read(const tach__import_input *in, tach_result *r, tach_error *err)
{
	enum kind k = kind_of(in);
	int rc;
	switch (k) {
	case K_BENCHMARK:
		return tach__import_fail(err, TACH_EFORMAT, 0, 0,
		                         "criterion's benchmark.json holds the benchmark's name, not "
		                         "measurements; import sample.json or raw.csv");
	case K_TUKEY:
		return tach__import_fail(err, TACH_EFORMAT, 0, 0,
		                         "criterion's tukey.json holds the outlier fences, not "
		                         "measurements; import sample.json or raw.csv");
	case K_NONE:
		if (!in->json && in->json_error && in->json_error->text[0])
			return tach__import_need_json(in, "criterion JSON", err);
		return tach__import_fail(err, TACH_EFORMAT, 0, 0,
		                         "not a criterion file tach reads (sample.json, estimates.json, "
		                         "raw.csv or cargo-criterion JSON lines)");
	case K_LINES:
		rc = read_lines(in, r, err);
		break;
	case K_RAW_CSV:
		rc = read_raw_csv(in, r, err);
		break;
	default:
		rc = read_folder_file(in, k, r, err);
	}
	if (!rc && !r->n_benchmarks)
		rc = tach__import_fail(err, TACH_EFORMAT, 0, 0, "no benchmark results in this %s",
		                       k == K_LINES ? "cargo-criterion output" : "criterion file");
	return rc;
}

const tach__importer tach__import_criterion = {
	.name = "criterion",
	.title = "criterion.rs results",
	.detect = detect,
	.read = read,
};
