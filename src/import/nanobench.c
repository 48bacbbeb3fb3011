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
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tach/result.h"
#include "tach/units.h"
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

/* The benchmark of one nanobench result (dup not NULL: a new one, as
 * tach__import_new_bench makes it).  Its name is prefixed with the
 * table's title unless that is nanobench's default "benchmark" (one
 * program often runs the same names under several titles); title, a unit
 * other than "op" and complexityN are parameters. */
static tach_benchmark *bench(tach_result *r, const char *title, const char *name,
                             const char *unit, double complexity_n, size_t *dup)
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
	tach_benchmark *b = NULL;
	if (!rc && dup)
		b = tach__import_new_bench(r, full, &params, "nanobench", dup);
	else if (!rc)
		b = tach__import_bench(r, full, &params, "nanobench");
	tach_kvlist_release(&params);
	return b;
}

/* ---- templates::json() ---- */

static int read_result(const tach__import_input *in, const tach__jdoc *d, json_t *list,
                       size_t i, tach_result *r, tach_error *err)
{
	json_t *e = json_array_get(list, i), *ms = NULL;
	tach__at at = tach__at_member(d, list, NULL, i);
	const char *name = NULL, *title = NULL, *unit = NULL;
	double batch = 1, cn = 0;
	int rc;
	if (!json_is_object(e))
		return tach__import_fail_at(err, TACH_EFORMAT, &at, "a result is an object");
	if ((rc = tach__json_str(d, e, "name", 0, &name, err)) < 0 ||
	    (rc = tach__json_container(d, e, "measurements", 0, 1, &ms, err)) < 0 ||
	    (rc = tach__json_num(d, e, "batch", 0, &batch, err)) < 0 ||
	    (rc = tach__json_str(d, e, "title", 0, &title, err)) < 0 ||
	    (rc = tach__json_str(d, e, "unit", 0, &unit, err)) < 0 ||
	    (rc = tach__json_num(d, e, "complexityN", 0, &cn, err)) < 0)
		return rc;
	if (!name || !ms)
		return tach__import_fail_at(err, TACH_EFORMAT, &at,
		                            "result %zu has no \"name\" or no \"measurements\"",
		                            i + 1);
	if (!(batch > 0)) {
		tach__at bat = tach__at_member(d, e, "batch", 0);
		return tach__import_fail_at(err, TACH_EFORMAT, &bat, "'%s': batch %g is not positive",
		                            name, batch);
	}
	size_t dup = SIZE_MAX;
	tach_benchmark *b = bench(r, title, name, unit, cn, &dup);
	if (!b && dup != SIZE_MAX) {
		tach__at first = tach__at_member(d, list, NULL, dup);
		return tach__import_fail_twice(err, in, name, &at, &first);
	}
	if (!b || !tach_benchmark_add_metric(b, TACH_M_TIME, "s", TACH_LOWER_IS_BETTER))
		return TACH_ENOMEM;
	/* a counter nanobench could not read is written as 0 everywhere */
	int seen[N_COUNTERS] = {0};
	for (size_t k = 0; k < json_array_size(ms); k++) {
		json_t *m;
		if ((rc = tach__json_container(d, ms, NULL, k, 0, &m, err)) < 0)
			return rc;
		for (size_t c = 0; c < N_COUNTERS; c++) {
			double v = 0;
			if ((rc = tach__json_num(d, m, counters[c].key, 0, &v, err)) < 0)
				return rc;
			seen[c] |= v != 0;
		}
	}
	for (size_t k = 0; k < json_array_size(ms); k++) {
		json_t *m = json_array_get(ms, k);
		tach__at mat = tach__at_member(d, ms, NULL, k),
		         eat = tach__at_member(d, m, "elapsed", 0);
		uint64_t n;
		double el;
		if ((rc = tach__json_count(d, m, "iterations", 0, &n, err)) < 0 ||
		    (rc && (rc = tach__json_num(d, m, "elapsed", 0, &el, err)) < 0))
			return rc;
		if (!rc || !n)
			return tach__import_fail_at(err, TACH_EFORMAT, &mat,
			                            "'%s': measurement %zu needs \"iterations\" (at "
			                            "least 1) and \"elapsed\"", name, k + 1);
		rc = tach__import_sample(b, TACH_M_TIME, "s", TACH_LOWER_IS_BETTER, el / batch, n, err,
		                         &eat);
		for (size_t c = 0; c < N_COUNTERS && !rc; c++) {
			tach__at cat = tach__at_member(d, m, counters[c].key, 0);
			if (seen[c])
				rc = tach__import_sample(
					b, counters[c].metric, "count", TACH_LOWER_IS_BETTER,
					json_number_value(json_object_get(m, counters[c].key)) / batch, n, err,
					&cat);
		}
		if (rc)
			return rc;
	}
	if (!json_array_size(ms) && !b->error && tach_meta_set(&b->error, "no measurements"))
		return TACH_ENOMEM;
	return 0;
}

static int read_json(const tach__import_input *in, tach_result *r, tach_error *err)
{
	tach__jdoc d = {in->json, in->data, in->len, in->data};
	json_t *list;
	int rc = tach__json_need_array(&d, in->json, "results", "nanobench JSON", &list, err);
	if (rc)
		return rc;
	for (size_t i = 0; i < json_array_size(list); i++)
		if ((rc = read_result(in, &d, list, i, r, err)))
			return rc;
	return 0;
}

/* ---- templates::csv() ---- */

/* Splits a ';'-separated line whose text fields nanobench double-quotes
 * into at most max fields (unquoted, in buf; col[k]: the 1-based column
 * where field k starts).  The field count, or -1. */
static int split_semicolons(const char *line, size_t len, char *buf, size_t size, char **f,
                            unsigned *col, int max)
{
	size_t i = 0, o = 0;
	int n = 0;
	for (;;) {
		if (n == max || o >= size)
			return -1;
		col[n] = (unsigned)i + 1;
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

/* A decimal number (no hex, nan or inf: nanobench never writes them). */
static int number(const char *s, double *v)
{
	return tach__import_number(s, strlen(s), 1, v) && isfinite(*v);
}

/* Each row (CSV) or table row is one benchmark: the line of each, so that
 * a second row of the same benchmark names the first. */
typedef struct row_lines {
	unsigned *line;
	size_t cap;
} row_lines;

/* The benchmark of a row at line `number_`, new; a second row of the same
 * one is an error naming both lines. */
static int row_bench(tach_result *r, row_lines *rl, const char *title, const char *name,
                     const char *unit, double complexity_n, const tach__import_input *in,
                     unsigned number_, tach_benchmark **out, tach_error *err)
{
	size_t dup = SIZE_MAX, n = r->n_benchmarks;
	*out = bench(r, title, name, unit, complexity_n, &dup);
	if (!*out && dup != SIZE_MAX) {
		tach__at second = tach__at_text(number_, 1), first = tach__at_text(rl->line[dup], 1);
		return tach__import_fail_twice(err, in, name, &second, &first);
	}
	if (!*out || tach__grow((void **)&rl->line, &rl->cap, n + 1, sizeof *rl->line))
		return TACH_ENOMEM;
	rl->line[n] = number_;
	return 0;
}

static int read_csv(const tach__import_input *in, tach_result *r, tach_error *err)
{
	tach__lines it = {.data = in->data, .size = in->len};
	tach__next_line(&it); /* the header */
	char buf[4096];
	char *f[11];
	unsigned col[11];
	row_lines rl = {0};
	int rc = 0;
	/* columns 6-8 are medians of counters per iteration */
	static const char *const col_metric[] = {"instructions", "branches", "branch_misses"};
	static const int num_fields[] = {3, 4, 6, 7, 8};
	while (!rc && tach__next_line(&it)) {
		if (!it.len)
			continue;
		double v[9];
		tach_benchmark *b;
		if (split_semicolons(it.line, it.len, buf, sizeof buf, f, col, 11) != 10) {
			rc = tach__import_fail(err, TACH_EFORMAT, it.number, 1,
			                       "expected the 10 fields of nanobench's CSV template");
			break;
		}
		for (size_t k = 0; !rc && k < sizeof num_fields / sizeof *num_fields; k++)
			if (!number(f[num_fields[k]], &v[num_fields[k]]))
				rc = tach__import_fail(err, TACH_EFORMAT, it.number, col[num_fields[k]],
				                       "expected a number, found '%s'", f[num_fields[k]]);
		if (!rc && !(v[3] > 0))
			rc = tach__import_fail(err, TACH_EFORMAT, it.number, col[3],
			                       "'%s': batch %g is not positive", f[1], v[3]);
		if (rc || (rc = row_bench(r, &rl, f[0], f[1], f[2], 0, in, it.number, &b, err)))
			break;
		tach__at at = tach__at_text(it.number, col[4]);
		rc = tach__import_sample(b, TACH_M_TIME, "s", TACH_LOWER_IS_BETTER, v[4] / v[3], 0,
		                         err, &at);
		for (int k = 0; k < 3 && !rc; k++)
			if (v[6 + k] != 0) {
				at = tach__at_text(it.number, col[6 + k]);
				rc = tach__import_sample(b, col_metric[k], "count", TACH_LOWER_IS_BETTER,
				                         v[6 + k] / v[3], 0, err, &at);
			}
	}
	free(rl.line);
	return rc;
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

static int read_row(const tach__import_input *in, row_lines *rl, const char *line, size_t len,
                    unsigned number_, const table *t, tach_result *r, tach_error *err)
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
	tach_benchmark *b;
	int rc = row_bench(r, rl, t->title, name, t->unit, complexity_n, in, number_, &b, err);
	if (rc)
		return rc;
	if (failed)
		return b->error ? 0 : tach_meta_set(&b->error, *note ? note : "failed");
	for (int i = 0; i < t->n && !rc; i++) {
		static const char *const metric[] = {[C_INS] = "instructions", [C_CYC] = "cycles",
		                                     [C_BRA] = "branches"};
		tach__at at = tach__at_text(number_, (unsigned)(c[i] - line) + 1);
		if (t->col[i] == C_TIME)
			rc = tach__import_sample(b, TACH_M_TIME, "s", TACH_LOWER_IS_BETTER, v[i] * 1e-9, 0,
			                         err, &at);
		else if (t->col[i] >= C_INS)
			rc = tach__import_sample(b, metric[t->col[i]], "count", TACH_LOWER_IS_BETTER, v[i],
			                         0, err, &at);
	}
	return rc;
}

static int read_table(const tach__import_input *in, tach_result *r, tach_error *err)
{
	tach__lines it = {.data = in->data, .size = in->len};
	table t;
	row_lines rl = {0};
	int in_table = 0, rc = 0;
	while (!rc && tach__next_line(&it)) {
		if (table_header(it.line, it.len)) {
			if (!read_header(it.line, it.len, &t))
				rc = tach__import_fail(err, TACH_EFORMAT, it.number, 1,
				                       "table header without a ns/<unit> column");
			in_table = 1;
		} else if (!it.len || it.line[0] != '|')
			in_table = 0; /* text between tables: warnings, the program's own */
		else if (in_table && !tach__starts_with(it.line, it.len, "|-") &&
		         !tach__starts_with(it.line, it.len, "|:"))
			rc = read_row(in, &rl, it.line, it.len, it.number, &t, r, err);
	}
	free(rl.line);
	return rc;
}

static int read(const tach__import_input *in, tach_result *r, tach_error *err)
{
	int rc = in->json ? read_json(in, r, err)
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
