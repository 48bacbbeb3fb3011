/* comparison_multi.c - a comparison of more than two inputs
 * (tach_compare_multi) as a terminal table, Markdown, JSON, CSV and
 * JUnit XML.
 *
 * The layout is benchstat's: one row per benchmark and metric, a group of
 * columns per input -- the first input's median and noise, then for every
 * later input its median and its change against the first with p-value
 * and verdict.  Inputs are lettered A, B, C... in the tables so that long
 * paths do not widen every column; a legend line names them.  A change
 * reads as in the two-input report (compare_cells.h).
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tach/compare.h"
#include "tach/report.h"
#include "tach/units.h"
#include "report/compare_cells.h"
#include "report/emit.h"
#include "report/table.h"

/* Input k's letter: A..Z, then AA, AB... as spreadsheet columns. */
static const char *letter(char *buf, size_t k)
{
	char tmp[16];
	size_t n = 0;
	for (k++; k && n < sizeof tmp; k = (k - 1) / 26)
		tmp[n++] = (char)('A' + (k - 1) % 26);
	for (size_t i = 0; i < n; i++)
		buf[i] = tmp[n - 1 - i];
	buf[n] = 0;
	return buf;
}

/* The cells of input k of a row, as text. */
typedef struct mcells {
	char median[96], change[32], p[24], verdict[64];
} mcells;

static void cell_text(const tach_multi_row *row, size_t k, const tach_report_opts *o,
                      mcells *out)
{
	const tach_multi_cell *c = &row->cells[k];
	double ref = row->cells[0].median;
	for (size_t j = 0; isnan(ref) && j <= k; j++)
		ref = row->cells[j].median;
	tach_scale sc = tach_scale_for(row->unit ? row->unit : "count", ref, o->ascii);
	tach__compare_value(out->median, sizeof out->median, c->median, sc);
	if (k == 0) {
		/* the base's noise beside its median, as benchstat's "± 2%" */
		size_t len = strlen(out->median);
		if (c->n >= 2)
			snprintf(out->median + len, sizeof out->median - len, " %s %.1f%%",
			         o->ascii ? "+-" : "\xc2\xb1", c->cv * 100);
		return;
	}
	if (c->row) {
		tach__compare_cells cl;
		tach__compare_row_cells(c->row, o, &cl);
		snprintf(out->change, sizeof out->change, "%s", c->row->metric ? cl.change : "-");
		snprintf(out->p, sizeof out->p, "%s", cl.p);
		snprintf(out->verdict, sizeof out->verdict, "%s", cl.verdict);
		return;
	}
	/* no pair row: the metric is on one side only */
	int here = c->metric != NULL, base = row->cells[0].metric != NULL;
	snprintf(out->change, sizeof out->change, "-");
	snprintf(out->p, sizeof out->p, "-");
	snprintf(out->verdict, sizeof out->verdict, "%s",
	         here && !base ? "new" : !here && base ? "gone" : "-");
}

static const char *label(const char *const *names, size_t k)
{
	return names && names[k] ? names[k] : NULL;
}

/* The worst verdict of a row, for its colour. */
static int row_flags(const tach_multi_row *row, size_t n)
{
	int bad = 0, good = 0, noisy = 0;
	for (size_t k = 1; k < n; k++) {
		const tach_compare_row *r = row->cells[k].row;
		bad |= r && r->verdict == TACH_REGRESSED;
		good |= r && r->verdict == TACH_IMPROVED;
		noisy |= r && r->verdict == TACH_INCONCLUSIVE;
	}
	return bad ? TACH_ROW_BAD : noisy ? TACH_ROW_NOISY : good ? TACH_ROW_GOOD : 0;
}

/* The heading: a line per input, its letter and name, and for each later
 * input its summary against the first ("B = new.json: 1 regressed, ..."). */
static void heading(FILE *f, const tach_multi_comparison *m, const char *const *names, int md,
                    const tach_report_opts *o)
{
	char x[16];
	for (size_t k = 0; k < m->n_inputs; k++) {
		const char *nm = label(names, k);
		if (o->color)
			fputs("\x1b[1m", f);
		fprintf(f, "%s%s%s = ", md ? "- **" : "", letter(x, k), md ? "**" : "");
		if (md)
			tach__emit_md_cell(f, nm ? nm : x);
		else
			tach__emit_text(f, nm ? nm : x);
		if (o->color)
			fputs("\x1b[0m", f);
		if (!k)
			fputs(" (base)\n", f);
		else {
			fputs(": ", f);
			tach__compare_summary_line(f, m->pairs[k - 1], md);
		}
	}
}

/* Column headers: benchmark, metric, A, then per later input X: X,
 * "X vs A", "X p", "X verdict". */
static char **headers(size_t n, size_t *cols)
{
	*cols = 3 + 4 * (n - 1);
	char **h = calloc(*cols, sizeof *h);
	if (!h)
		return NULL;
	char x[16], a[16], buf[64];
	letter(a, 0);
	h[0] = strdup("benchmark");
	h[1] = strdup("metric");
	h[2] = strdup(a);
	for (size_t k = 1; k < n; k++) {
		static const char *const fmt[] = {"%s", "%s vs %s", "%s p", "%s verdict"};
		for (size_t j = 0; j < 4; j++) {
			snprintf(buf, sizeof buf, fmt[j], letter(x, k), a);
			h[3 + 4 * (k - 1) + j] = strdup(buf);
		}
	}
	for (size_t i = 0; i < *cols; i++)
		if (!h[i]) {
			for (size_t j = 0; j < *cols; j++)
				free(h[j]);
			free(h);
			return NULL;
		}
	return h;
}

static void free_cells(char **c, size_t cols)
{
	for (size_t i = 0; c && i < cols; i++)
		free(c[i]);
	free(c);
}

/* Row i's cells, in the columns of headers(); NULL when out of memory. */
static char **row_texts(const tach_multi_comparison *m, size_t i, const tach_report_opts *o)
{
	const tach_multi_row *row = &m->rows[i];
	size_t cols = 3 + 4 * (m->n_inputs - 1);
	char **c = calloc(cols, sizeof *c), name[512];
	if (!c)
		return NULL;
	tach__display_name(name, sizeof name, row->name, row->params);
	c[0] = strdup(name);
	c[1] = strdup(row->metric ? row->metric : "");
	for (size_t k = 0; k < m->n_inputs; k++) {
		mcells t = {.median = ""};
		cell_text(row, k, o, &t);
		if (!k) {
			c[2] = strdup(t.median);
			continue;
		}
		char **g = c + 3 + 4 * (k - 1);
		g[0] = strdup(t.median);
		g[1] = strdup(t.change);
		g[2] = strdup(t.p);
		g[3] = strdup(t.verdict);
	}
	for (size_t j = 0; j < cols; j++)
		if (!c[j]) {
			free_cells(c, cols);
			return NULL;
		}
	return c;
}

/* The metrics with a geometric mean in any pair, first seen first, into
 * out (at most cap); their count. */
static size_t geomean_metrics(const tach_multi_comparison *m, const char **out, size_t cap)
{
	size_t n = 0;
	for (size_t k = 0; k + 1 < m->n_inputs; k++)
		for (size_t g = 0; g < m->pairs[k]->n_geomeans; g++) {
			const char *name = m->pairs[k]->geomeans[g].metric;
			size_t i = 0;
			while (i < n && strcmp(out[i], name))
				i++;
			if (i == n && n < cap)
				out[n++] = name;
		}
	return n;
}

/* The geometric-mean row of one metric: each later input's geometric
 * mean of its changes against A (over that pair's rows, as the two-input
 * table's geomean row); NULL when out of memory. */
static char **geomean_texts(const tach_multi_comparison *m, const char *metric, int first)
{
	size_t cols = 3 + 4 * (m->n_inputs - 1);
	char **c = calloc(cols, sizeof *c);
	if (!c)
		return NULL;
	for (size_t j = 0; j < cols; j++) {
		char buf[64] = "";
		if (j == 0 && first)
			snprintf(buf, sizeof buf, "geomean");
		else if (j == 1)
			snprintf(buf, sizeof buf, "%s", metric);
		else if (j >= 3 && (j - 3) % 4 == 1) {
			const tach_comparison *p = m->pairs[(j - 3) / 4];
			snprintf(buf, sizeof buf, "-");
			for (size_t g = 0; g < p->n_geomeans; g++)
				if (!strcmp(p->geomeans[g].metric, metric))
					tach__compare_pct(buf, sizeof buf, p->geomeans[g].ratio - 1);
		}
		if (!(c[j] = strdup(buf))) {
			free_cells(c, cols);
			return NULL;
		}
	}
	return c;
}

/* ---- text ---- */

static int text(FILE *f, const tach_multi_comparison *m, const char *const *names,
                const tach_report_opts *o)
{
	size_t cols;
	char **h = headers(m->n_inputs, &cols);
	tach_table *t = h ? tach__table_new(cols) : NULL;
	int rc = t ? tach__table_row_v(t, 0, (const char *const *)h) : TACH_ENOMEM;
	for (size_t j = 2; t && j < cols; j++)
		if (j < 3 || (j - 3) % 4 < 3)
			tach__table_align_right(t, j);
	const char *prev = NULL, *prev_params = NULL;
	for (size_t i = 0; !rc && i < m->n_rows; i++) {
		char **c = row_texts(m, i, o);
		if (!c) {
			rc = TACH_ENOMEM;
			break;
		}
		/* a benchmark's name once, on its first metric's row */
		const tach_multi_row *row = &m->rows[i];
		if (prev == row->name && prev_params == (const char *)row->params)
			c[0][0] = 0;
		prev = row->name;
		prev_params = (const char *)row->params;
		rc = tach__table_row_v(t, row_flags(row, m->n_inputs), (const char *const *)c);
		free_cells(c, cols);
	}
	const char *gm[16];
	size_t n_gm = geomean_metrics(m, gm, 16);
	for (size_t g = 0; !rc && g < n_gm; g++) {
		char **c = geomean_texts(m, gm[g], g == 0);
		rc = c ? tach__table_row_v(t, 0, (const char *const *)c) : TACH_ENOMEM;
		free_cells(c, cols);
	}
	if (!rc) {
		heading(f, m, names, 0, o);
		fputc('\n', f);
		rc = tach__table_print(t, f, o->color);
		/* why a benchmark failed, once per later input it failed in */
		char x[16];
		for (size_t k = 1; !rc && k < m->n_inputs; k++)
			for (size_t i = 0; i < m->pairs[k - 1]->n_rows; i++) {
				const tach_compare_row *r = &m->pairs[k - 1]->rows[i];
				if (!(r->flags & TACH_ROW_ERROR) || !r->cand || !r->cand->error)
					continue;
				fprintf(f, "failed in %s: ", letter(x, k));
				tach__emit_text(f, r->name);
				fputs(": ", f);
				tach__emit_text(f, r->cand->error);
				fputc('\n', f);
			}
		if (!rc && (m->n_failed || m->n_warned))
			fprintf(f, "gate: %zu failed, %zu warning%s\n", m->n_failed, m->n_warned,
			        m->n_warned == 1 ? "" : "s");
	}
	tach__table_free(t);
	free_cells(h, cols);
	return rc;
}

/* ---- Markdown ---- */

static int markdown(FILE *f, const tach_multi_comparison *m, const char *const *names,
                    const tach_report_opts *o)
{
	static const char *const marks[] = {"", ":green_circle: ", ":red_circle: ",
	                                    ":grey_question: ", "", ""};
	size_t cols;
	char **h = headers(m->n_inputs, &cols);
	if (!h)
		return TACH_ENOMEM;
	tach_report_opts plain = *o;
	plain.color = 0;
	heading(f, m, names, 1, &plain);
	fputs("\n|", f);
	for (size_t j = 0; j < cols; j++)
		fprintf(f, " %s |", h[j]);
	fputs("\n|---|---|--:|", f);
	for (size_t k = 1; k < m->n_inputs; k++)
		fputs("--:|--:|--:|---|", f);
	fputc('\n', f);
	free_cells(h, cols);
	for (size_t i = 0; i < m->n_rows; i++) {
		char **c = row_texts(m, i, o);
		if (!c)
			return TACH_ENOMEM;
		fputs("|", f);
		for (size_t j = 0; j < cols; j++) {
			const tach_compare_row *r =
			        j >= 3 && (j - 3) % 4 == 3 ? m->rows[i].cells[1 + (j - 3) / 4].row : NULL;
			fputs(" ", f);
			if (r)
				fputs(marks[r->verdict], f);
			tach__emit_md_cell(f, c[j]);
			fputs(" |", f);
		}
		fputc('\n', f);
		free_cells(c, cols);
	}
	const char *gm[16];
	size_t n_gm = geomean_metrics(m, gm, 16);
	for (size_t g = 0; g < n_gm; g++) {
		char **c = geomean_texts(m, gm[g], 1);
		if (!c)
			return TACH_ENOMEM;
		fputs("| *geomean* |", f);
		for (size_t j = 1; j < cols; j++) {
			fputs(" ", f);
			tach__emit_md_cell(f, c[j]);
			fputs(" |", f);
		}
		fputc('\n', f);
		free_cells(c, cols);
	}
	tach_compare_rule d = tach_compare_rule_default();
	fprintf(f, "\n<sub>tach compare: each input against A, one-sided Mann-Whitney U, "
	           "\xce\xb1 = %g Holm-corrected within each pair, minimum effect %g%% (defaults; "
	           "rules may differ per metric)</sub>\n",
	        d.alpha, d.min_effect * 100);
	return 0;
}

/* ---- JSON ---- */

static void json_name(FILE *f, const char *const *names, size_t k)
{
	const char *nm = label(names, k);
	char a[16];
	tach__emit_json_string(f, nm ? nm : letter(a, k));
}

static void json_num(FILE *f, const char *key, double v)
{
	fprintf(f, ", \"%s\": ", key);
	tach__emit_json_number(f, v);
}

static void json_cell(FILE *f, const tach_multi_cell *c, size_t k)
{
	fprintf(f, "{\"n\": %zu", c->n);
	json_num(f, "median", c->median);
	json_num(f, "cv", c->cv);
	const tach_compare_row *r = c->row;
	if (k && r) {
		json_num(f, "ratio", r->ratio);
		json_num(f, "ratio_lo", r->ratio_lo);
		json_num(f, "ratio_hi", r->ratio_hi);
		json_num(f, "p", r->p);
		json_num(f, "p_adjusted", r->p_adjusted);
		fprintf(f, ", \"verdict\": \"%s\", \"gate\": \"%s\"", tach_verdict_name(r->verdict),
		        r->gate == 1 ? "fail" : r->gate == 2 ? "warn" : "pass");
	}
	fputs("}", f);
}

static int json(FILE *f, const tach_multi_comparison *m, const char *const *names)
{
	fputs("{\n  \"format\": \"tach-comparison-multi\",\n  \"version\": 1,\n  \"inputs\": [", f);
	for (size_t k = 0; k < m->n_inputs; k++) {
		fputs(k ? ", " : "", f);
		json_name(f, names, k);
	}
	fprintf(f, "],\n  \"gate_failed\": %zu,\n  \"gate_warned\": %zu,\n  \"comparisons\": [",
	        m->n_failed, m->n_warned);
	for (size_t k = 1; k < m->n_inputs; k++) {
		fputs(k > 1 ? ",\n    {\"base\": " : "\n    {\"base\": ", f);
		json_name(f, names, 0);
		fputs(", \"cand\": ", f);
		json_name(f, names, k);
		fputs(", ", f);
		tach__compare_json_summary(f, m->pairs[k - 1], ", ");
		fputs("}", f);
	}
	fputs("\n  ],\n  \"rows\": [", f);
	for (size_t i = 0; i < m->n_rows; i++) {
		const tach_multi_row *row = &m->rows[i];
		fputs(i ? ",\n    {\"name\": " : "\n    {\"name\": ", f);
		tach__emit_json_string(f, row->name);
		fputs(", \"params\": {", f);
		for (size_t k = 0; row->params && k < row->params->n; k++) {
			fputs(k ? ", " : "", f);
			tach__emit_json_string(f, row->params->items[k].key);
			fputs(": ", f);
			tach__emit_json_string(f, row->params->items[k].value);
		}
		fputs("}, \"metric\": ", f);
		if (row->metric)
			tach__emit_json_string(f, row->metric);
		else
			fputs("null", f);
		fputs(", \"unit\": ", f);
		if (row->unit)
			tach__emit_json_string(f, row->unit);
		else
			fputs("null", f);
		fprintf(f, ", \"direction\": \"%s\", \"cells\": [",
		        row->direction == TACH_HIGHER_IS_BETTER ? "higher" : "lower");
		for (size_t k = 0; k < m->n_inputs; k++) {
			fputs(k ? ", " : "", f);
			json_cell(f, &row->cells[k], k);
		}
		fputs("]}", f);
	}
	fputs("\n  ]\n}\n", f);
	return 0;
}

/* ---- CSV ---- */

static int csv(FILE *f, const tach_multi_comparison *m)
{
	static const char *const later[] = {"n", "median", "cv", "ratio", "ratio_lo", "ratio_hi",
	                                    "p", "p_adjusted", "verdict", "gate"};
	char x[16];
	fputs("name,params,metric,unit,direction", f);
	for (size_t k = 0; k < m->n_inputs; k++)
		for (size_t j = 0; j < (k ? 10u : 3u); j++)
			fprintf(f, ",%s_%s", letter(x, k), later[j]);
	fputc('\n', f);
	for (size_t i = 0; i < m->n_rows; i++) {
		const tach_multi_row *row = &m->rows[i];
		tach__compare_csv_lead(f, row->name, row->params, row->metric, row->unit,
		                       row->direction);
		for (size_t k = 0; k < m->n_inputs; k++) {
			const tach_multi_cell *c = &row->cells[k];
			const tach_compare_row *r = c->row;
			fprintf(f, ",%zu", c->n);
			tach__compare_csv_num(f, c->median);
			tach__compare_csv_num(f, c->n >= 2 ? c->cv : NAN);
			if (!k)
				continue;
			double nums[] = {r ? r->ratio : NAN, r ? r->ratio_lo : NAN, r ? r->ratio_hi : NAN,
			                 r ? r->p : NAN, r ? r->p_adjusted : NAN};
			for (size_t j = 0; j < 5; j++)
				tach__compare_csv_num(f, nums[j]);
			fprintf(f, ",%s,%s", r ? tach_verdict_name(r->verdict) : "",
			        !r ? "" : r->gate == 1 ? "fail" : r->gate == 2 ? "warn" : "pass");
		}
		fputc('\n', f);
	}
	return 0;
}

/* ---- JUnit XML ---- */

/* One test suite per later input, named "CAND vs BASE", whose cases are
 * that pair's rows as the two-input JUnit report writes them. */
static int junit(FILE *f, const tach_multi_comparison *m, const char *const *names,
                 const tach_report_opts *o)
{
	size_t tests = 0;
	for (size_t k = 0; k + 1 < m->n_inputs; k++)
		tests += m->pairs[k]->n_rows;
	fprintf(f, "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
	           "<testsuites name=\"tach compare\" tests=\"%zu\" failures=\"%zu\">\n",
	        tests, m->n_failed);
	char a[16], x[16];
	for (size_t k = 1; k < m->n_inputs; k++) {
		const char *bn = label(names, 0), *cn = label(names, k);
		size_t len = strlen(bn ? bn : "") + strlen(cn ? cn : "") + 8;
		char *suite = malloc(len);
		if (!suite)
			return TACH_ENOMEM;
		snprintf(suite, len, "%s vs %s", cn ? cn : letter(x, k), bn ? bn : letter(a, 0));
		tach__compare_junit_suite(f, m->pairs[k - 1], suite, o);
		free(suite);
	}
	fputs("</testsuites>\n", f);
	return 0;
}

int tach_report_comparison_multi(FILE *f, const tach_multi_comparison *m,
                                 const char *const *names, tach_report_format fmt,
                                 const tach_report_opts *opts)
{
	tach_report_opts o = {0};
	if (opts)
		o = *opts;
	if (m->n_inputs < 2)
		return TACH_EINVAL;
	switch (fmt) {
	case TACH_REPORT_TEXT: return text(f, m, names, &o);
	case TACH_REPORT_MARKDOWN: return markdown(f, m, names, &o);
	case TACH_REPORT_JSON: return json(f, m, names);
	case TACH_REPORT_CSV: return csv(f, m);
	case TACH_REPORT_JUNIT: return junit(f, m, names, &o);
	}
	return TACH_EINVAL;
}
