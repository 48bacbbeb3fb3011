/* go.c - `go test -bench` output (Go's benchmark format, as benchstat
 * reads it): every result line `BenchmarkName-8  <iters>  <value> <unit>...`
 * is one sample of each of its metrics, so -count=N gives N samples.
 * The -N GOMAXPROCS suffix becomes a `procs` parameter and the current
 * `pkg:` a `pkg` parameter (two packages may hold the same names); other
 * `key: value` configuration lines go to meta.context.  Anything else
 * (PASS, ok, prose, command lines) is not Go's business and is skipped. */
#include <ctype.h>
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tach/result.h"
#include "import/internal.h"

#define TOOL "go"

static int is_blank(char c)
{
	return c == ' ' || c == '\t';
}

/* The next blank-separated field of line[0..len) at or after *pos:
 * returns 0 at the end, else sets *start and *flen and moves *pos past it. */
static int next_field(const char *line, size_t len, size_t *pos, size_t *start, size_t *flen)
{
	size_t i = *pos;
	while (i < len && is_blank(line[i]))
		i++;
	if (i == len)
		return 0;
	*start = i;
	while (i < len && !is_blank(line[i]))
		i++;
	*flen = i - *start;
	*pos = i;
	return 1;
}


/* Go's own test: `Benchmark\S*\s+\d+\s+` starts a result line; prose
 * that merely begins with "Benchmark" does not match. */
static int is_result_line(const char *line, size_t len)
{
	if (!tach__starts_with(line, len, "Benchmark"))
		return 0;
	size_t i = 9;
	while (i < len && !is_blank(line[i]))
		i++;
	size_t blanks = i;
	while (i < len && is_blank(line[i]))
		i++;
	if (i == blanks)
		return 0;
	size_t digits = i;
	while (i < len && isdigit((unsigned char)line[i]))
		i++;
	return i > digits && i < len && is_blank(line[i]);
}

/* A benchfmt configuration line: a key starting with a lower-case letter,
 * without blanks or upper case, then ':' and a blank or the end.  Sets the
 * key and the trimmed value. */
static int config_line(const char *line, size_t len, size_t *klen, const char **val, size_t *vlen)
{
	if (!len || !islower((unsigned char)line[0]))
		return 0;
	size_t i = 0;
	while (i < len && line[i] != ':') {
		if (isspace((unsigned char)line[i]) || isupper((unsigned char)line[i]))
			return 0;
		i++;
	}
	if (i == len || (i + 1 < len && !is_blank(line[i + 1])))
		return 0;
	*klen = i;
	size_t v = i + 1;
	while (v < len && is_blank(line[v]))
		v++;
	size_t e = len;
	while (e > v && is_blank(line[e - 1]))
		e--;
	*val = line + v;
	*vlen = e - v;
	return 1;
}

/* Where one Go unit lands: metric name, canonical or custom unit,
 * direction, factor to the unit, and whether it is per op (the sample
 * then carries the iteration count). */
typedef struct go_metric {
	char name[128];
	const char *unit;
	char unit_buf[64];
	tach_direction dir;
	double scale;
	int per_op;
} go_metric;

static int ends_with(const char *s, size_t len, const char *suffix)
{
	size_t n = strlen(suffix);
	return len >= n && !memcmp(s + len - n, suffix, n);
}

/* Maps a unit (u[0..len), len < 64) per the table in docs/import.md. */
static void map_unit(const char *u, size_t len, go_metric *m)
{
	static const struct {
		const char *go, *metric, *unit;
		double scale;
		tach_direction dir;
	} known[] = {
		{"ns/op", TACH_M_TIME, "s", 1e-9, TACH_LOWER_IS_BETTER},
		{"sec/op", TACH_M_TIME, "s", 1, TACH_LOWER_IS_BETTER}, /* benchstat's spelling */
		{"B/op", TACH_M_BYTES_PER_OP, "B", 1, TACH_LOWER_IS_BETTER},
		{"allocs/op", TACH_M_ALLOCS_PER_OP, "count", 1, TACH_LOWER_IS_BETTER},
		{"MB/s", TACH_M_BYTES_PER_SECOND, "B/s", 1e6, TACH_HIGHER_IS_BETTER}, /* 10^6, as Go's SetBytes */
		{"B/s", TACH_M_BYTES_PER_SECOND, "B/s", 1, TACH_HIGHER_IS_BETTER},
	};
	memset(m, 0, sizeof *m);
	m->scale = 1;
	m->per_op = ends_with(u, len, "/op");
	for (size_t i = 0; i < sizeof known / sizeof *known; i++)
		if (strlen(known[i].go) == len && !memcmp(u, known[i].go, len)) {
			snprintf(m->name, sizeof m->name, "%s", known[i].metric);
			m->unit = known[i].unit;
			m->scale = known[i].scale;
			m->dir = known[i].dir;
			return;
		}
	/* "build-real-ns/op" (bent, benchstat): a time per op under the
	 * name before the time unit, in seconds */
	for (const char *const *t = (const char *const[]){"ns", "us", "ms", "sec", NULL}; *t; t++) {
		char suffix[16];
		snprintf(suffix, sizeof suffix, "-%s/op", *t);
		size_t n = strlen(suffix);
		if (len > n && ends_with(u, len, suffix)) {
			snprintf(m->name, sizeof m->name, "%.*s", (int)(len - n), u);
			m->unit = "s";
			m->scale = tach__import_time_unit(*t, strlen(*t));
			return;
		}
	}
	/* any other unit: a metric of that name; "-bytes" sizes are bytes,
	 * a "/s" unit is a rate (higher is better), a unit tach cannot take
	 * as it is (a time or size word, too long) becomes seconds or a count */
	snprintf(m->name, sizeof m->name, "%.*s", (int)len, u);
	snprintf(m->unit_buf, sizeof m->unit_buf, "%.*s", (int)len, u);
	tach_unit_class cls;
	double t = tach__import_time_unit(u, len);
	if (ends_with(u, len, "-bytes"))
		m->unit = "B";
	else if (t > 0)
		m->unit = "s", m->scale = t;
	else if (!tach_unit_check(m->unit_buf, &cls, NULL, 0)) {
		m->unit = m->unit_buf;
		m->dir = cls == TACH_UNIT_RATE || cls == TACH_UNIT_BYTERATE ? TACH_HIGHER_IS_BETTER
		                                                            : TACH_LOWER_IS_BETTER;
	} else
		m->unit = "count";
}

typedef struct go_state {
	tach_result *r;
	tach_error *err;
	char *pkg; /* current `pkg:` value, or NULL */
	tach_benchmark *failed; /* last `--- FAIL/SKIP` benchmark, for its reason */
} go_state;

/* The benchmark for a raw name ("BenchmarkX/sub-8"): the procs suffix
 * is the last '-' followed only by digits ("generate--12": "generate-"). */
static tach_benchmark *bench_for(go_state *st, const char *raw, size_t len)
{
	size_t cut = len;
	const char *dash = NULL;
	for (size_t i = len; i > 0; i--)
		if (raw[i - 1] == '-') {
			dash = raw + i - 1;
			break;
		}
	if (dash && dash + 1 < raw + len) {
		const char *d = dash + 1;
		while (d < raw + len && isdigit((unsigned char)*d))
			d++;
		if (d == raw + len)
			cut = (size_t)(dash - raw);
	}
	char *name = strndup(raw, cut);
	if (!name)
		return NULL;
	tach_kvlist params = {0};
	char procs[32] = "";
	if (cut < len)
		snprintf(procs, sizeof procs, "%.*s", (int)(len - cut - 1), raw + cut + 1);
	tach_benchmark *b = NULL;
	if ((!st->pkg || !tach_kvlist_set(&params, "pkg", st->pkg)) &&
	    (cut == len || !tach_kvlist_set(&params, "procs", procs)))
		b = tach__import_bench(st->r, name, &params, TOOL);
	tach_kvlist_release(&params);
	free(name);
	return b;
}

static int read_result(go_state *st, const tach__lines *it)
{
	const char *line = it->line;
	size_t len = it->len, pos = 0, at, n;
	next_field(line, len, &pos, &at, &n);
	tach_benchmark *b = bench_for(st, line, n);
	if (!b)
		return TACH_ENOMEM;
	next_field(line, len, &pos, &at, &n);
	errno = 0;
	unsigned long long iters = strtoull(line + at, NULL, 10);
	if (errno == ERANGE)
		return tach__import_fail(st->err, TACH_EPARSE, it->number, (unsigned)at + 1,
		                         "iteration count %.*s out of range", (int)n, line + at);
	int pairs = 0;
	while (next_field(line, len, &pos, &at, &n)) {
		size_t vat = at, vn = n;
		if (!next_field(line, len, &pos, &at, &n))
			return tach__import_fail(st->err, TACH_EPARSE, it->number, (unsigned)vat + 1,
			                         "value without a unit");
		if (n >= 64)
			return tach__import_fail(st->err, TACH_EPARSE, it->number, (unsigned)at + 1,
			                         "unit longer than 63 characters");
		go_metric m;
		double v;
		map_unit(line + at, n, &m);
		if (!tach__import_number(line + vat, vn, m.scale, &v))
			return tach__import_fail(st->err, TACH_EPARSE, it->number, (unsigned)vat + 1,
			                         "expected a number, found '%.*s'", (int)vn, line + vat);
		tach__at place = tach__at_text(it->number, (unsigned)vat + 1);
		int rc = tach__import_sample(b, m.name, m.unit, m.dir, v, m.per_op ? iters : 0,
		                             st->err, &place);
		if (rc)
			return rc;
		pairs++;
	}
	if (!pairs)
		return tach__import_fail(st->err, TACH_EPARSE, it->number, (unsigned)len + 1,
		                         "expected a value and a unit after the iteration count");
	return 0;
}

/* `--- FAIL: BenchmarkX-8` / `--- SKIP: ...`: the benchmark is data, with
 * the first indented line after it as the reason. */
static int read_outcome(go_state *st, const char *line, size_t len)
{
	int fail = tach__starts_with(line, len, "--- FAIL: ");
	size_t pos = 10, at, n;
	if (!next_field(line, len, &pos, &at, &n) ||
	    !tach__starts_with(line + at, n, "Benchmark"))
		return 0;
	tach_benchmark *b = bench_for(st, line + at, n);
	if (!b)
		return TACH_ENOMEM;
	char **field = fail ? &b->error : &b->skipped;
	if (!*field && tach_meta_set(field, fail ? "failed" : "skipped"))
		return TACH_ENOMEM;
	st->failed = b;
	return 0;
}

static int set_reason(tach_benchmark *b, const char *line, size_t len)
{
	while (len && isspace((unsigned char)*line))
		line++, len--;
	char **field = b->error ? &b->error : &b->skipped;
	char *text = strndup(line, len);
	int rc = text ? tach_meta_set(field, text) : TACH_ENOMEM;
	free(text);
	return rc;
}

static int read_config(go_state *st, const char *line, size_t klen, const char *val, size_t vlen)
{
	char key[128];
	snprintf(key, sizeof key, "%.*s", (int)klen, line);
	char *v = strndup(val, vlen);
	if (!v)
		return TACH_ENOMEM;
	int rc = 0;
	if (!strcmp(key, "pkg")) {
		free(st->pkg);
		st->pkg = vlen ? v : NULL;
		if (!vlen)
			free(v);
		return 0;
	}
	if (vlen)
		rc = tach_kvlist_set(&st->r->meta.context, key, v);
	if (!rc && vlen && !strcmp(key, "cpu"))
		rc = tach_meta_set(&st->r->meta.cpu_model, v);
	free(v);
	return rc;
}

static int detect(const tach__import_input *in)
{
	tach__lines it = {.data = in->data, .size = in->len};
	int results = 0, header = 0;
	while (tach__next_line(&it) && !(results && header)) {
		results |= is_result_line(it.line, it.len);
		header |= tach__starts_with(it.line, it.len, "goos: ") ||
		          tach__starts_with(it.line, it.len, "pkg: ");
	}
	return results ? 1 + header : 0;
}

static int read(const tach__import_input *in, tach_result *r, tach_error *err)
{
	go_state st = {.r = r, .err = err};
	tach__lines it = {.data = in->data, .size = in->len};
	int rc = 0;
	while (!rc && tach__next_line(&it)) {
		const char *val;
		size_t klen, vlen;
		if (st.failed && it.len && is_blank(it.line[0]))
			rc = set_reason(st.failed, it.line, it.len);
		st.failed = NULL;
		if (rc)
			break;
		if (is_result_line(it.line, it.len))
			rc = read_result(&st, &it);
		else if (tach__starts_with(it.line, it.len, "--- FAIL: ") ||
		         tach__starts_with(it.line, it.len, "--- SKIP: "))
			rc = read_outcome(&st, it.line, it.len);
		else if (config_line(it.line, it.len, &klen, &val, &vlen))
			rc = read_config(&st, it.line, klen, val, vlen);
	}
	free(st.pkg);
	if (!rc && !r->n_benchmarks)
		rc = tach__import_fail(err, TACH_EFORMAT, 0, 0, "no benchmark results in this go test output");
	return rc;
}

const tach__importer tach__import_go = {
	.name = "go",
	.title = "go test -bench output",
	.detect = detect,
	.read = read,
};
