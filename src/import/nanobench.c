/* nanobench.c - nanobench's outputs: the templates::json() rendering,
 * the templates::csv() rendering and the markdown table it prints.
 *
 * In the JSON every epoch ("measurement") is a sample: nanobench stores
 * elapsed time and counters already divided by the epoch's iterations, so
 * a sample of `time` is elapsed / batch seconds per op (per `unit`), with
 * the epoch's iteration count; non-zero counters become per-op metrics
 * named as tach's own counters.  The CSV and the table hold one median per
 * benchmark, so each gives one sample: that median. */
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tach/tach.h"
#include "import/internal.h"

static const char csv_header[] = "\"title\";\"name\";\"unit\";\"batch\";\"elapsed\";\"error %\";"
                                 "\"instructions\";\"branches\";\"branch misses\";\"total\"";

/* nanobench's counters (JSON key) and tach's metric names for them. */
static const struct {
	const char *key, *metric;
} counters[] = {
	{"instructions", "instructions"}, {"cpucycles", "cycles"},
	{"branchinstructions", "branches"}, {"branchmisses", "branch_misses"},
	{"pagefaults", "page_faults"}, {"contextswitches", "context_switches"},
};
#define N_COUNTERS (sizeof counters / sizeof *counters)

/* The first line of the markdown table: "| ns/op | op/s | err% |...". */
static int table_header(const char *line, size_t len)
{
	return len && line[0] == '|' && memmem(line, len, " err% |", 7) &&
	       memmem(line, len, " ns/", 4);
}

static int detect(const tach__import_input *in)
{
	if (in->json) {
		json_t *first = json_array_get(json_object_get(in->json, "results"), 0);
		return json_is_array(json_object_get(first, "measurements")) &&
		               json_is_string(json_object_get(first, "name"))
		           ? 2
		           : 0;
	}
	if (tach__starts_with(in->data, in->len, csv_header))
		return 2;
	tach__lines it = {.data = in->data, .size = in->len < 65536 ? in->len : 65536};
	while (tach__next_line(&it))
		if (table_header(it.line, it.len))
			return 2;
	return 0;
}

/* The benchmark of one nanobench result.  Its name is prefixed with the
 * table's title unless that is nanobench's default "benchmark" (one
 * program often runs the same names under several titles); title, a unit
 * other than "op" and complexityN are parameters. */
static tach_benchmark *bench(tach_result *r, const char *title, const char *name,
                             const char *unit, double complexity_n)
{
	tach_kvlist params = {0};
	char full[1024], num[32];
	int custom_title = title && *title && strcmp(title, "benchmark");
	snprintf(full, sizeof full, "%s%s%s", custom_title ? title : "", custom_title ? "/" : "",
	         name);
	int rc = custom_title ? tach_kvlist_set(&params, "title", title) : 0;
	if (!rc && unit && *unit && strcmp(unit, "op"))
		rc = tach_kvlist_set(&params, "unit", unit);
	if (!rc && complexity_n > 0) {
		tach_format_double(complexity_n, num);
		rc = tach_kvlist_set(&params, "complexityN", num);
	}
	tach_benchmark *b = rc ? NULL : tach__import_bench(r, full, &params, "nanobench");
	tach_kvlist_release(&params);
	return b;
}

/* ---- templates::json() ---- */

static int read_result(json_t *e, size_t i, tach_result *r, tach_error *err)
{
	const char *name = json_string_value(json_object_get(e, "name"));
	json_t *ms = json_object_get(e, "measurements");
	if (!name || !json_is_array(ms))
		return tach__import_fail(err, TACH_EFORMAT, 0, 0,
		                         "result %zu has no \"name\" or no \"measurements\"", i + 1);
	json_t *bj = json_object_get(e, "batch");
	double batch = json_is_number(bj) ? json_number_value(bj) : 1;
	if (!(batch > 0))
		return tach__import_fail(err, TACH_EFORMAT, 0, 0, "'%s': batch %g is not positive",
		                         name, batch);
	tach_benchmark *b = bench(r, json_string_value(json_object_get(e, "title")), name,
	                          json_string_value(json_object_get(e, "unit")),
	                          json_number_value(json_object_get(e, "complexityN")));
	if (!b || !tach_benchmark_add_metric(b, TACH_M_TIME, "s", TACH_LOWER_IS_BETTER))
		return TACH_ENOMEM;
	/* a counter nanobench could not read is written as 0 everywhere */
	int seen[N_COUNTERS] = {0};
	size_t k;
	json_t *m;
	json_array_foreach(ms, k, m)
		for (size_t c = 0; c < N_COUNTERS; c++)
			seen[c] |= json_number_value(json_object_get(m, counters[c].key)) != 0;
	json_array_foreach(ms, k, m) {
		json_t *it = json_object_get(m, "iterations"), *el = json_object_get(m, "elapsed");
		double iters = json_number_value(it);
		if (!json_is_number(it) || !json_is_number(el) || !(iters >= 1) ||
		    json_number_value(el) < 0)
			return tach__import_fail(err, TACH_EFORMAT, 0, 0,
			                         "'%s': measurement %zu needs \"iterations\" and "
			                         "\"elapsed\"", name, k + 1);
		uint64_t n = iters < 1.8e19 ? (uint64_t)iters : 0;
		int rc = tach__import_sample(b, TACH_M_TIME, "s", TACH_LOWER_IS_BETTER,
		                             json_number_value(el) / batch, n);
		for (size_t c = 0; c < N_COUNTERS && !rc; c++)
			if (seen[c])
				rc = tach__import_sample(
					b, counters[c].metric, "count", TACH_LOWER_IS_BETTER,
					json_number_value(json_object_get(m, counters[c].key)) / batch, n);
		if (rc)
			return rc;
	}
	if (!json_array_size(ms) && !b->error && tach_meta_set(&b->error, "no measurements"))
		return TACH_ENOMEM;
	return 0;
}

static int read_json(json_t *root, tach_result *r, tach_error *err)
{
	json_t *list = json_object_get(root, "results");
	if (!json_is_array(list))
		return tach__import_fail(err, TACH_EFORMAT, 0, 0,
		                         "nanobench JSON without a \"results\" array");
	size_t i;
	json_t *e;
	json_array_foreach(list, i, e) {
		int rc = read_result(e, i, r, err);
		if (rc)
			return rc;
	}
	return 0;
}

/* ---- templates::csv() ---- */

/* Splits a ';'-separated line whose text fields nanobench double-quotes
 * into at most max fields (unquoted, in buf).  The field count, or -1. */
static int split_semicolons(const char *line, size_t len, char *buf, size_t size, char **f,
                            int max)
{
	size_t i = 0, o = 0;
	int n = 0;
	for (;;) {
		if (n == max || o >= size)
			return -1;
		f[n++] = buf + o;
		if (i < len && line[i] == '"') {
			for (i++; i < len && !(line[i] == '"' && (i + 1 == len || line[i + 1] == ';'));
			     i++)
				if (o + 1 < size)
					buf[o++] = line[i];
			if (i++ >= len)
				return -1;
		} else
			while (i < len && line[i] != ';' && o + 1 < size)
				buf[o++] = line[i++];
		buf[o++] = '\0';
		if (i >= len)
			return n;
		i++; /* the ';' */
	}
}

static int number(const char *s, double *v)
{
	char *end;
	*v = tach__strtod(s, &end);
	return end != s && !*end;
}

static int read_csv(const tach__import_input *in, tach_result *r, tach_error *err)
{
	tach__lines it = {.data = in->data, .size = in->len};
	tach__next_line(&it); /* the header */
	char buf[4096];
	char *f[11];
	/* columns 6-8 are medians of counters per iteration */
	static const char *const col_metric[] = {"instructions", "branches", "branch_misses"};
	while (tach__next_line(&it)) {
		if (!it.len)
			continue;
		double batch, elapsed, c[3];
		if (split_semicolons(it.line, it.len, buf, sizeof buf, f, 11) != 10 ||
		    !number(f[3], &batch) || !number(f[4], &elapsed) || !number(f[6], &c[0]) ||
		    !number(f[7], &c[1]) || !number(f[8], &c[2]))
			return tach__import_fail(err, TACH_EFORMAT, it.number, 1,
			                         "expected the 10 fields of nanobench's CSV template");
		if (!(batch > 0) || elapsed < 0)
			return tach__import_fail(err, TACH_EFORMAT, it.number, 1,
			                         "'%s': batch %g, elapsed %g", f[1], batch, elapsed);
		tach_benchmark *b = bench(r, f[0], f[1], f[2], 0);
		int rc = b ? tach__import_sample(b, TACH_M_TIME, "s", TACH_LOWER_IS_BETTER,
		                                 elapsed / batch, 0)
		           : TACH_ENOMEM;
		for (int k = 0; k < 3 && !rc; k++)
			if (c[k] != 0)
				rc = tach__import_sample(b, col_metric[k], "count", TACH_LOWER_IS_BETTER,
				                         c[k] / batch, 0);
		if (rc)
			return rc;
	}
	return 0;
}

/* ---- the markdown table ---- */

enum col { C_OTHER, C_COMPLEXITY, C_TIME, C_INS, C_CYC, C_BRA };

typedef struct table {
	int n;            /* columns before the name column */
	enum col col[16];
	char unit[64];
	char title[512];
} table;

static void trim(const char **s, size_t *len)
{
	while (*len && (**s == ' ' || **s == '\t'))
		(*s)++, (*len)--;
	while (*len && ((*s)[*len - 1] == ' ' || (*s)[*len - 1] == '\t'))
		(*len)--;
}

/* Splits the cells of a table line: the first max-1 by '|', the rest of
 * the line (the name column, whose names may hold '|') as the last.
 * Returns how many cells. */
static int cells(const char *line, size_t len, const char **c, size_t *clen, int max)
{
	const char *p = line + 1, *end = line + len; /* after the leading '|' */
	int n = 0;
	while (n < max - 1) {
		const char *bar = memchr(p, '|', (size_t)(end - p));
		if (!bar)
			break;
		c[n] = p, clen[n] = (size_t)(bar - p);
		trim(&c[n], &clen[n]);
		n++;
		p = bar + 1;
	}
	c[n] = p, clen[n] = (size_t)(end - p);
	trim(&c[n], &clen[n]);
	return n + 1;
}

static int read_header(const char *line, size_t len, table *t)
{
	const char *c[17];
	size_t cl[17];
	int n = cells(line, len, c, cl, 17);
	memset(t, 0, sizeof *t);
	t->n = n - 1;
	snprintf(t->title, sizeof t->title, "%.*s", (int)cl[n - 1], c[n - 1]);
	for (int i = 0; i < t->n; i++) {
		if (cl[i] > 3 && !memcmp(c[i], "ns/", 3)) {
			t->col[i] = C_TIME;
			snprintf(t->unit, sizeof t->unit, "%.*s", (int)cl[i] - 3, c[i] + 3);
		} else if (cl[i] > 4 && !memcmp(c[i], "ins/", 4))
			t->col[i] = C_INS;
		else if (cl[i] > 4 && !memcmp(c[i], "cyc/", 4))
			t->col[i] = C_CYC;
		else if (cl[i] > 4 && !memcmp(c[i], "bra/", 4))
			t->col[i] = C_BRA;
		else if (cl[i] == 11 && !memcmp(c[i], "complexityN", 11))
			t->col[i] = C_COMPLEXITY;
	}
	return t->unit[0] != '\0';
}

/* A table number: "10,149,086.00" (thousands separators), or "-" in the
 * row of a failed benchmark.  0 if it is not one. */
static int table_number(const char *s, size_t len, double *v)
{
	char buf[64];
	size_t o = 0;
	for (size_t i = 0; i < len && o + 1 < sizeof buf; i++)
		if (s[i] != ',')
			buf[o++] = s[i];
	buf[o] = '\0';
	return o && number(buf, v);
}

/* The name cell: [":boom: " | ":wavy_dash: "] `name` [" (note)"], with
 * backticks in the name doubled.  Sets name (in buf) and, for a failed
 * benchmark, the error note.  0 if the cell is not in that form. */
static int name_cell(const char *s, size_t len, char *name, size_t size, char *error,
                     size_t esize, int *failed)
{
	*failed = 0;
	if (tach__starts_with(s, len, ":boom: "))
		s += 7, len -= 7, *failed = 1;
	else if (tach__starts_with(s, len, ":wavy_dash: "))
		s += 12, len -= 12;
	if (!len || s[0] != '`')
		return 0;
	size_t i = 1, o = 0;
	for (; i < len; i++) {
		if (s[i] == '`' && !(i + 1 < len && s[i + 1] == '`'))
			break;
		if (o + 1 < size)
			name[o++] = s[i];
		i += s[i] == '`';
	}
	name[o] = '\0';
	if (i >= len || !o)
		return 0;
	const char *note = s + i + 1;
	size_t nlen = len - i - 1;
	trim(&note, &nlen);
	if (nlen >= 2 && note[0] == '(' && note[nlen - 1] == ')')
		note++, nlen -= 2;
	snprintf(error, esize, "%.*s", (int)nlen, note);
	return 1;
}

static int read_row(const char *line, size_t len, unsigned number_, const table *t,
                    tach_result *r, tach_error *err)
{
	const char *c[17];
	size_t cl[17];
	char name[512], note[512];
	int failed;
	if (cells(line, len, c, cl, t->n + 1) != t->n + 1 ||
	    !name_cell(c[t->n], cl[t->n], name, sizeof name, note, sizeof note, &failed))
		return tach__import_fail(err, TACH_EFORMAT, number_, 1,
		                         "expected a row of nanobench's table");
	double v[16], complexity_n = 0;
	for (int i = 0; i < t->n; i++) {
		v[i] = 0;
		if (!failed && t->col[i] != C_OTHER && !table_number(c[i], cl[i], &v[i]))
			return tach__import_fail(err, TACH_EFORMAT, number_,
			                         (unsigned)(c[i] - line) + 1, "'%.*s' is not a number",
			                         (int)cl[i], c[i]);
		if (t->col[i] == C_COMPLEXITY)
			complexity_n = v[i];
	}
	tach_benchmark *b = bench(r, t->title, name, t->unit, complexity_n);
	if (!b)
		return TACH_ENOMEM;
	if (failed)
		return b->error ? 0 : tach_meta_set(&b->error, *note ? note : "failed");
	int rc = 0;
	for (int i = 0; i < t->n && !rc; i++) {
		static const char *const metric[] = {[C_INS] = "instructions", [C_CYC] = "cycles",
		                                     [C_BRA] = "branches"};
		if (t->col[i] == C_TIME)
			rc = tach__import_sample(b, TACH_M_TIME, "s", TACH_LOWER_IS_BETTER, v[i] * 1e-9, 0);
		else if (t->col[i] >= C_INS)
			rc = tach__import_sample(b, metric[t->col[i]], "count", TACH_LOWER_IS_BETTER, v[i],
			                         0);
	}
	return rc;
}

static int read_table(const tach__import_input *in, tach_result *r, tach_error *err)
{
	tach__lines it = {.data = in->data, .size = in->len};
	table t;
	int in_table = 0;
	while (tach__next_line(&it)) {
		if (table_header(it.line, it.len)) {
			if (!read_header(it.line, it.len, &t))
				return tach__import_fail(err, TACH_EFORMAT, it.number, 1,
				                         "table header without a ns/<unit> column");
			in_table = 1;
		} else if (!it.len || it.line[0] != '|')
			in_table = 0; /* text between tables: warnings, the program's own */
		else if (in_table && !tach__starts_with(it.line, it.len, "|-") &&
		         !tach__starts_with(it.line, it.len, "|:")) {
			int rc = read_row(it.line, it.len, it.number, &t, r, err);
			if (rc)
				return rc;
		}
	}
	return 0;
}

static int read(const tach__import_input *in, tach_result *r, tach_error *err)
{
	int rc = in->json ? read_json(in->json, r, err)
	         : tach__starts_with(in->data, in->len, csv_header) ? read_csv(in, r, err)
	                                                             : read_table(in, r, err);
	if (!rc && !r->n_benchmarks)
		rc = tach__import_fail(err, TACH_EFORMAT, 0, 0, "no results in this nanobench output");
	return rc;
}

const tach__importer tach__import_nanobench = {
	.name = "nanobench",
	.title = "nanobench output",
	.detect = detect,
	.read = read,
};
