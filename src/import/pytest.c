/* pytest.c - pytest-benchmark JSON (--benchmark-json, --benchmark-autosave,
 * the files under .benchmarks/): every round of stats.data is a sample of
 * `time` (seconds per call, each round averaging stats.iterations calls).
 * Files saved without the rounds (2.5.0, or --benchmark-save-data off)
 * hold only summaries, so each benchmark gets one sample: the median,
 * which outlier rounds move least.  machine_info and commit_info become
 * the result's metadata. */
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "tach/result.h"
#include "import/internal.h"

static int detect(const tach__import_input *in)
{
	json_t *first = json_array_get(json_object_get(in->json, "benchmarks"), 0);
	json_t *stats = json_object_get(first, "stats");
	return json_is_object(stats) && json_object_get(stats, "rounds") &&
	               (json_is_string(json_object_get(first, "fullname")) ||
	                json_is_string(json_object_get(first, "name")))
	           ? 2
	           : 0;
}

/* A parameter value as text: strings as they are, anything else as
 * compact JSON (pytest parameters can be numbers, lists, None...).
 * Caller frees. */
static char *param_text(json_t *v)
{
	if (json_is_string(v))
		return strdup(json_string_value(v));
	return json_dumps(v, JSON_ENCODE_ANY | JSON_COMPACT);
}

/* pytest-benchmark's datetime ("2015-08-15T00:01:46.250433+00:00"; later
 * versions write utcnow() without an offset) as tach's UTC form, into buf
 * of at least 48 bytes.  0 if it is not in that form. */
static int utc_timestamp(const char *s, char *buf, size_t size)
{
	struct tm tm = {0};
	int used = 0;
	if (sscanf(s, "%4d-%2d-%2dT%2d:%2d:%2d%n", &tm.tm_year, &tm.tm_mon, &tm.tm_mday,
	           &tm.tm_hour, &tm.tm_min, &tm.tm_sec, &used) != 6 || used != 19)
		return 0;
	const char *p = s + used, *frac = p;
	if (*p == '.')
		for (p++; *p >= '0' && *p <= '9'; p++)
			;
	size_t nfrac = (size_t)(p - frac);
	long offset = 0;
	if (*p == '+' || *p == '-') {
		int hh, mm, n = 0;
		if (sscanf(p + 1, "%2d:%2d%n", &hh, &mm, &n) != 2 || n != 5 || p[6])
			return 0;
		offset = (*p == '-' ? -1 : 1) * (hh * 3600L + mm * 60L);
	} else if (*p && strcmp(p, "Z"))
		return 0;
	if (nfrac == 1 || nfrac > 10)
		return 0;
	tm.tm_year -= 1900;
	tm.tm_mon -= 1;
	time_t t = timegm(&tm) - offset; /* local time = UTC + offset */
	struct tm utc;
	if (!gmtime_r(&t, &utc))
		return 0;
	/* four digits, as ISO 8601 and tach's reader want (strftime's %Y
	 * writes the year 270 as "270") */
	long year = utc.tm_year + 1900L;
	if (year < 0 || year > 9999)
		return 0;
	int n = snprintf(buf, size, "%04ld-%02d-%02dT%02d:%02d:%02d", year, utc.tm_mon + 1,
	                 utc.tm_mday, utc.tm_hour, utc.tm_min, utc.tm_sec);
	if (n < 0 || (size_t)n + nfrac + 2 > size)
		return 0;
	snprintf(buf + n, size - n, "%.*sZ", (int)nfrac, frac);
	return 1;
}

static int read_meta(const tach__jdoc *d, tach_meta *m, tach_error *err)
{
	json_t *root = d->root;
	json_t *mi = json_object_get(root, "machine_info"), *ci = json_object_get(root, "commit_info");
	json_t *cpu = json_object_get(mi, "cpu");
	const char *s;
	char buf[256];
	if ((s = json_string_value(json_object_get(ci, "id")))) {
		/* Mercurial's `hg id -i` ends a dirty working copy's id with '+' */
		size_t n = strlen(s);
		char id[80];
		int dirty = n && s[n - 1] == '+';
		snprintf(id, sizeof id, "%.*s", (int)(n - (size_t)dirty), s);
		if (n - (size_t)dirty >= sizeof id || !tach_meta_commit_valid(id)) {
			tach__at at = tach__at_member(d, ci, "id", 0);
			return tach__import_fail_at(err, TACH_EFORMAT, &at,
			                            "commit_info.id '%s' is not a commit hash (4 to 64 "
			                            "hexadecimal digits)", s);
		}
		if (tach_meta_set(&m->git_commit, id))
			return TACH_ENOMEM;
		if (dirty)
			m->git_dirty = 1;
	}
	if ((s = json_string_value(json_object_get(ci, "branch"))) && *s &&
	    tach_meta_set(&m->git_branch, s))
		return TACH_ENOMEM;
	json_t *dirty = json_object_get(ci, "dirty");
	if (json_is_boolean(dirty))
		m->git_dirty = json_is_true(dirty);
	if ((s = json_string_value(json_object_get(mi, "node"))) && *s &&
	    tach_meta_set(&m->hostname, s))
		return TACH_ENOMEM;
	/* py-cpuinfo says brand_raw since 7.0, brand before, "unknown" when
	 * it could not tell */
	s = json_string_value(json_object_get(cpu, "brand_raw"));
	if (!s)
		s = json_string_value(json_object_get(cpu, "brand"));
	if (s && *s && strcmp(s, "unknown") && tach_meta_set(&m->cpu_model, s))
		return TACH_ENOMEM;
	json_int_t count = json_integer_value(json_object_get(cpu, "count"));
	if (count > 0 && count < 1 << 20)
		m->cpu_count = (int)count;
	const char *sys = json_string_value(json_object_get(mi, "system")),
	           *mach = json_string_value(json_object_get(mi, "machine"));
	if (sys && mach) {
		snprintf(buf, sizeof buf, "%s %s", sys, mach);
		if (tach_meta_set(&m->os, buf))
			return TACH_ENOMEM;
	}
	if ((s = json_string_value(json_object_get(mi, "release"))) && *s &&
	    tach_meta_set(&m->kernel, s))
		return TACH_ENOMEM;
	if ((s = json_string_value(json_object_get(root, "datetime")))) {
		if (!utc_timestamp(s, buf, sizeof buf)) {
			tach__at at = tach__at_member(d, root, "datetime", 0);
			return tach__import_fail_at(err, TACH_EFORMAT, &at,
			                            "datetime '%.60s' is not a date and time such as "
			                            "2015-08-15T00:01:46.250433+00:00", s);
		}
		if (tach_meta_set(&m->timestamp, buf))
			return TACH_ENOMEM;
	}
	/* facts without a field of their own: where they are, under which key */
	static const struct {
		int in_machine;
		const char *key, *as;
	} facts[] = {
		{0, "version", "pytest_benchmark_version"},
		{1, "python_implementation", "python_implementation"},
		{1, "python_version", "python_version"},
	};
	for (size_t i = 0; i < sizeof facts / sizeof *facts; i++) {
		s = json_string_value(json_object_get(facts[i].in_machine ? mi : root, facts[i].key));
		if (s && tach_kvlist_set(&m->context, facts[i].as, s))
			return TACH_ENOMEM;
	}
	return 0;
}

/* Parameters: the test's params (in pytest's order), or the callspec id
 * when only that was saved, then the benchmark group. */
static int read_params(json_t *e, tach_kvlist *params)
{
	const char *key;
	json_t *val;
	json_t *ps = json_object_get(e, "params");
	json_object_foreach(ps, key, val) {
		char *text = param_text(val);
		int rc = text ? tach_kvlist_set(params, key, text) : TACH_ENOMEM;
		free(text);
		if (rc)
			return rc;
	}
	const char *id = json_string_value(json_object_get(e, "param"));
	if (!json_object_size(ps) && id && tach_kvlist_set(params, "param", id))
		return TACH_ENOMEM;
	const char *group = json_string_value(json_object_get(e, "group"));
	if (group && tach_kvlist_set(params, "group", group))
		return TACH_ENOMEM;
	return 0;
}

static int read(const tach__import_input *in, tach_result *r, tach_error *err)
{
	int need = tach__import_need_json(in, "pytest-benchmark JSON", err);
	if (need)
		return need;
	tach__jdoc d = {in->json, in->data, in->len, in->data};
	tach__at top = tach__at_node(&d, in->json);
	json_t *list;
	int rc = tach__json_need_array(&d, in->json, "benchmarks", "pytest-benchmark JSON", &list,
	                               err);
	if (rc || (rc = read_meta(&d, &r->meta, err)))
		return rc;
	size_t i;
	json_t *e;
	json_array_foreach(list, i, e) {
		tach__at at = tach__at_member(&d, list, NULL, i);
		/* the node id ("tests/test_x.py::test_y[1]") is unique in a run,
		 * and users can paste it into pytest; `name` alone is not */
		const char *name = NULL;
		json_t *stats = NULL, *data = NULL;
		if (!json_is_object(e))
			return tach__import_fail_at(err, TACH_EFORMAT, &at, "a benchmark is an object");
		if ((rc = tach__json_str(&d, e, "fullname", 0, &name, err)) < 0 ||
		    (!rc && (rc = tach__json_str(&d, e, "name", 0, &name, err)) < 0) ||
		    (rc = tach__json_container(&d, e, "stats", 0, 0, &stats, err)) < 0 ||
		    (stats && (rc = tach__json_container(&d, stats, "data", 0, 1, &data, err)) < 0))
			return rc;
		if (!name || !stats)
			return tach__import_fail_at(err, TACH_EFORMAT, &at,
			                            "benchmark %zu has no \"name\" or no \"stats\"",
			                            i + 1);
		uint64_t it = 0;
		if ((rc = tach__json_count(&d, stats, "iterations", 0, &it, err)) < 0)
			return rc;
		tach_kvlist params = {0};
		size_t dup = SIZE_MAX;
		rc = read_params(e, &params);
		tach_benchmark *b =
			rc ? NULL : tach__import_new_bench(r, name, &params, "pytest-benchmark", &dup);
		tach_kvlist_release(&params);
		if (!b && dup != SIZE_MAX) {
			tach__at first = tach__at_member(&d, list, NULL, dup);
			return tach__import_fail_twice(err, in, name, &at, &first);
		}
		if (!b || !tach_benchmark_add_metric(b, TACH_M_TIME, "s", TACH_LOWER_IS_BETTER))
			return TACH_ENOMEM;
		for (size_t k = 0; k < json_array_size(data); k++) {
			double v;
			tach__at vat = tach__at_member(&d, data, NULL, k);
			if ((rc = tach__json_num(&d, data, NULL, k, &v, err)) < 0 ||
			    (rc = tach__import_sample(b, TACH_M_TIME, "s", TACH_LOWER_IS_BETTER, v, it,
			                              err, &vat)))
				return rc;
		}
		if (json_array_size(data))
			continue;
		/* only the summary was saved: its median is the one sample */
		double median;
		tach__at mat = tach__at_member(&d, stats, "median", 0);
		if ((rc = tach__json_num(&d, stats, "median", 0, &median, err)) < 0)
			return rc;
		if (!rc)
			return tach__import_fail_at(err, TACH_EFORMAT, &at,
			                            "benchmark '%s' has neither \"data\" nor a "
			                            "\"median\"", name);
		if ((rc = tach__import_sample(b, TACH_M_TIME, "s", TACH_LOWER_IS_BETTER, median, 0, err,
		                              &mat)))
			return rc;
	}
	if (!r->n_benchmarks)
		return tach__import_fail_at(err, TACH_EFORMAT, &top,
		                            "no benchmarks in this pytest-benchmark file");
	return 0;
}

const tach__importer tach__import_pytest = {
	.name = "pytest-benchmark",
	.title = "pytest-benchmark JSON",
	.detect = detect,
	.read = read,
};
